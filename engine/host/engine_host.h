#pragma once
// The engine thread: a Boost.Asio io_context on a thread of its own, where
// engine state lives, plus a bounded pool for blocking database work whose
// results come back to the engine thread. Asio stays out of this header to
// keep every includer's build light.
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <type_traits>

namespace tidemark {

class EngineHost {
public:
    /// Starts the engine thread and `blockingThreads` pool threads.
    explicit EngineHost(std::size_t blockingThreads = 2);
    /// Stops accepting work, finishes what is queued, joins every thread.
    ~EngineHost();
    EngineHost(const EngineHost &) = delete;
    EngineHost &operator=(const EngineHost &) = delete;

    /// Runs `task` on the engine thread.
    void post(std::function<void()> task);
    /// Runs `work` on the blocking pool, then `done` on the engine thread.
    void postBlocking(std::function<void()> work, std::function<void()> done = {});
    bool onEngineThread() const;
    std::size_t blockingThreads() const;

    /// Runs `fn` on the engine thread and returns its result as a future.
    template <class F> auto call(F fn) -> std::future<std::invoke_result_t<F>>
    {
        using R = std::invoke_result_t<F>;
        auto task = std::make_shared<std::packaged_task<R()>>(std::move(fn));
        auto future = task->get_future();
        post([task] { (*task)(); });
        return future;
    }

    /// Runs `fn` on the blocking pool and returns its result as a future.
    template <class F> auto callBlocking(F fn) -> std::future<std::invoke_result_t<F>>
    {
        using R = std::invoke_result_t<F>;
        auto task = std::make_shared<std::packaged_task<R()>>(std::move(fn));
        auto future = task->get_future();
        postBlocking([task] { (*task)(); });
        return future;
    }

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace tidemark
