#pragma once
// The engine thread: a Boost.Asio io_context on a thread of its own, where
// engine state lives, plus a bounded pool for blocking database work whose
// results come back to the engine thread. Asio stays out of this header to
// keep every includer's build light.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <utility>

#include "host/stop_scope.h"
#include "result.h"

namespace tidemark {

/// The caller's hold on one blocking job: cancel it from any thread.
class JobControl : public std::enable_shared_from_this<JobControl> {
public:
    std::stop_token token() const { return m_stop.get_token(); }
    /// True as soon as cancel() was called (the stop request may still be on its way).
    bool cancelRequested() const { return m_cancelled.load(); }
    /// Returns at once. The stop request runs the job's stop callbacks, which
    /// call the connector's cancel; PQcancel opens a connection to the server
    /// and can block as long as a connect does, so they run on a short-lived
    /// thread of their own, never on the caller's (GUI or engine) thread.
    void cancel();

private:
    std::stop_source m_stop;
    std::atomic<bool> m_cancelled{false};
};
using JobHandle = std::shared_ptr<JobControl>;

/// The error an exception escaping a job turns into (call inside a catch block).
Error errorFromCurrentException();

class EngineHost {
public:
    static constexpr std::chrono::milliseconds kDefaultShutdownGrace{2000};

    /// Starts the engine thread and `blockingThreads` pool threads.
    /// `shutdownGrace` bounds how long the destructor waits for blocking work.
    explicit EngineHost(std::size_t blockingThreads = 2,
                        std::chrono::milliseconds shutdownGrace = kDefaultShutdownGrace);
    /// Cancels every job, lets queued work finish within the grace period,
    /// then joins the engine thread. Pool threads still blocked after the
    /// grace (a server that answers neither the query nor the cancel) are
    /// detached and finish on their own: waiting for them would hang the
    /// application's exit on a dead server. Their results are dropped.
    ~EngineHost();
    EngineHost(const EngineHost &) = delete;
    EngineHost &operator=(const EngineHost &) = delete;

    /// Runs `task` on the engine thread. An exception escaping it goes to the
    /// uncaught-error handler; the thread keeps running.
    void post(std::function<void()> task);
    /// Runs `work` on the blocking pool, then `done` on the engine thread
    /// (exceptions as for post()).
    void postBlocking(std::function<void()> work, std::function<void()> done = {});
    bool onEngineThread() const;
    std::size_t blockingThreads() const;
    /// Where exceptions escaping post()/postBlocking() tasks are reported
    /// (default: standard error). Called on the thread that ran the task.
    void setUncaughtHandler(std::function<void(const Error &)> handler);
    /// Jobs started by runBlocking() that have not finished yet.
    std::size_t runningJobs() const;

    /// Calls `fn` (returning a Result); an exception escaping it becomes an
    /// Internal error instead of unwinding through a thread's loop.
    template <class F> static auto guarded(F &&fn) -> std::invoke_result_t<F>
    {
        try {
            return std::forward<F>(fn)();
        } catch (...) {
            return tl::unexpected<Error>(errorFromCurrentException());
        }
    }

    /// A cancellable blocking job: `work(std::stop_token)` runs on the pool
    /// with the token also installed as currentStopToken(), returning a
    /// Result; `done(Result)` runs on the engine thread. An exception from
    /// `work` arrives in `done` as an Internal error.
    template <class Work, class Done> JobHandle runBlocking(Work work, Done done)
    {
        using R = std::invoke_result_t<Work &, std::stop_token>;
        struct Holder {
            Work work;
            Done done;
            std::optional<R> result;
        };
        auto job = newJob();
        auto h = std::make_shared<Holder>(Holder{std::move(work), std::move(done), std::nullopt});
        postJob(
            job,
            [h, job] {
                StopScope scope(job->token());
                h->result.emplace(guarded([&] { return h->work(job->token()); }));
            },
            [h] { h->done(std::move(*h->result)); });
        return job;
    }

    /// Runs `fn` on the engine thread and returns its result as a future
    /// (an exception arrives through the future).
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
    JobHandle newJob();
    void postJob(const JobHandle &job, std::function<void()> work, std::function<void()> done);

    struct Impl;
    // Shared with the pool threads: a thread detached at shutdown keeps what
    // it runs on alive until its blocked call returns.
    std::shared_ptr<Impl> d;
};

} // namespace tidemark
