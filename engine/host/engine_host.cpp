#include "host/engine_host.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace tidemark {

namespace asio = boost::asio;

void JobControl::cancel()
{
    if (m_cancelled.exchange(true))
        return;
    std::thread([self = shared_from_this()] { self->m_stop.request_stop(); }).detach();
}

Error errorFromCurrentException()
{
    const char *hint = "this is a defect in Tidemark; nothing else was affected. Please report it with what you did";
    try {
        throw;
    } catch (const std::exception &e) {
        return Error{ErrorCode::Internal, std::string("internal error: ") + e.what(), hint};
    } catch (...) {
        return Error{ErrorCode::Internal, "internal error: an unknown exception", hint};
    }
}

struct EngineHost::Impl {
    using Guard = asio::executor_work_guard<asio::io_context::executor_type>;
    Impl(std::size_t n, std::chrono::milliseconds g)
        : poolSize(n == 0 ? 1 : n)
        , grace(g)
        , guard(asio::make_work_guard(io))
        , poolGuard(asio::make_work_guard(poolIo))
    {
    }
    std::size_t poolSize;
    std::chrono::milliseconds grace;
    asio::io_context io;
    asio::io_context poolIo; ///< the bounded pool: poolSize threads run it
    Guard guard;
    Guard poolGuard;
    std::thread engineThread;
    std::vector<std::thread> poolThreads;
    std::atomic<std::thread::id> engineThreadId{};

    mutable std::mutex mutex;
    std::condition_variable drained;
    std::size_t pending = 0; ///< blocking work queued or running
    std::vector<std::weak_ptr<JobControl>> jobs;
    std::function<void(const Error &)> uncaught;

    void report(const Error &e)
    {
        std::function<void(const Error &)> handler;
        {
            std::lock_guard lock(mutex);
            handler = uncaught;
        }
        if (handler) {
            try {
                handler(e);
                return;
            } catch (...) {
                // A failing handler must not take the thread down either.
            }
        }
        std::fprintf(stderr, "tidemark: %s\n", e.message.c_str());
    }
    void runGuarded(const std::function<void()> &task)
    {
        try {
            task();
        } catch (...) {
            report(errorFromCurrentException());
        }
    }
    void finishOne()
    {
        std::lock_guard lock(mutex);
        if (--pending == 0)
            drained.notify_all();
    }
};

EngineHost::EngineHost(std::size_t blockingThreads, std::chrono::milliseconds shutdownGrace)
    : d(std::make_shared<Impl>(blockingThreads, shutdownGrace))
{
    d->engineThread = std::thread([impl = d.get()] {
        impl->engineThreadId = std::this_thread::get_id();
        impl->io.run();
    });
    for (std::size_t i = 0; i < d->poolSize; ++i)
        d->poolThreads.emplace_back([impl = d] { impl->poolIo.run(); });
}

EngineHost::~EngineHost()
{
    std::vector<JobHandle> live;
    {
        std::lock_guard lock(d->mutex);
        for (auto &w : d->jobs)
            if (auto j = w.lock())
                live.push_back(std::move(j));
    }
    for (auto &j : live)
        j->cancel();
    // Blocking work may still post its completion to the engine thread, so
    // the pool drains first (within the grace), then the io_context runs out
    // of work.
    bool drained = false;
    {
        std::unique_lock lock(d->mutex);
        drained = d->drained.wait_for(lock, d->grace, [this] { return d->pending == 0; });
    }
    d->poolGuard.reset();
    if (drained) {
        for (auto &t : d->poolThreads)
            t.join();
    } else {
        // Nothing queued starts any more; what still runs is blocked on a
        // server and holds its own reference to the Impl.
        d->poolIo.stop();
        for (auto &t : d->poolThreads)
            t.detach();
    }
    d->guard.reset();
    if (d->engineThread.joinable())
        d->engineThread.join();
}

void EngineHost::post(std::function<void()> task)
{
    asio::post(d->io, [impl = d.get(), task = std::move(task)] { impl->runGuarded(task); });
}

void EngineHost::postBlocking(std::function<void()> work, std::function<void()> done)
{
    postJob(nullptr, std::move(work), std::move(done));
}

void EngineHost::postJob(const JobHandle &job, std::function<void()> work, std::function<void()> done)
{
    {
        std::lock_guard lock(d->mutex);
        ++d->pending;
    }
    // The pool task holds the Impl (not `this`): after an abandoning shutdown
    // it may finish when the host is long gone; its `done` is then dropped.
    asio::post(d->poolIo, [impl = d, job, work = std::move(work), done = std::move(done)]() mutable {
        impl->runGuarded(work);
        if (done)
            asio::post(impl->io, [raw = impl.get(), done = std::move(done)] { raw->runGuarded(done); });
        if (job) {
            std::lock_guard lock(impl->mutex);
            std::erase_if(impl->jobs, [&](const std::weak_ptr<JobControl> &w) {
                auto j = w.lock();
                return !j || j == job;
            });
        }
        impl->finishOne();
    });
}

JobHandle EngineHost::newJob()
{
    auto job = std::make_shared<JobControl>();
    std::lock_guard lock(d->mutex);
    d->jobs.push_back(job);
    return job;
}

bool EngineHost::onEngineThread() const
{
    return std::this_thread::get_id() == d->engineThreadId.load();
}

std::size_t EngineHost::blockingThreads() const
{
    return d->poolSize;
}

void EngineHost::setUncaughtHandler(std::function<void(const Error &)> handler)
{
    std::lock_guard lock(d->mutex);
    d->uncaught = std::move(handler);
}

std::size_t EngineHost::runningJobs() const
{
    std::lock_guard lock(d->mutex);
    return std::size_t(std::count_if(d->jobs.begin(), d->jobs.end(), [](const auto &w) { return !w.expired(); }));
}

} // namespace tidemark
