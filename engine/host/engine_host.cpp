#include "host/engine_host.h"

#include <atomic>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace tidemark {

namespace asio = boost::asio;

struct EngineHost::Impl {
    explicit Impl(std::size_t n)
        : pool(n == 0 ? 1 : n)
        , poolSize(n == 0 ? 1 : n)
        , guard(asio::make_work_guard(io))
    {
    }
    asio::io_context io;
    asio::thread_pool pool;
    std::size_t poolSize;
    asio::executor_work_guard<asio::io_context::executor_type> guard;
    std::thread engineThread;
    std::atomic<std::thread::id> engineThreadId{};
};

EngineHost::EngineHost(std::size_t blockingThreads)
    : d(std::make_unique<Impl>(blockingThreads))
{
    d->engineThread = std::thread([impl = d.get()] {
        impl->engineThreadId = std::this_thread::get_id();
        impl->io.run();
    });
}

EngineHost::~EngineHost()
{
    // Blocking work may still post its completion to the engine thread, so
    // the pool drains first, then the io_context runs out of work.
    d->pool.join();
    d->guard.reset();
    if (d->engineThread.joinable())
        d->engineThread.join();
}

void EngineHost::post(std::function<void()> task)
{
    asio::post(d->io, std::move(task));
}

void EngineHost::postBlocking(std::function<void()> work, std::function<void()> done)
{
    asio::post(d->pool, [this, work = std::move(work), done = std::move(done)]() mutable {
        work();
        if (done)
            post(std::move(done));
    });
}

bool EngineHost::onEngineThread() const
{
    return std::this_thread::get_id() == d->engineThreadId.load();
}

std::size_t EngineHost::blockingThreads() const
{
    return d->poolSize;
}

} // namespace tidemark
