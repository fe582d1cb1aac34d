#include "host/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace tidemark {

std::size_t computeThreads()
{
    const unsigned hw = std::thread::hardware_concurrency();
    return std::clamp<std::size_t>(hw == 0 ? 1 : hw, 1, 8);
}

std::size_t parallelFor(std::size_t count, std::size_t threads, const std::function<void(std::size_t)> &fn,
                        std::stop_token stop)
{
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex errorMutex;
    auto work = [&] {
        for (;;) {
            if (failed.load() || stop.stop_requested())
                return;
            const std::size_t i = next.fetch_add(1);
            if (i >= count)
                return;
            try {
                fn(i);
                done.fetch_add(1);
            } catch (...) {
                const std::lock_guard lock(errorMutex);
                if (!error)
                    error = std::current_exception();
                failed.store(true);
                return;
            }
        }
    };
    const std::size_t workers = std::min(std::max<std::size_t>(threads, 1), count);
    std::vector<std::thread> pool;
    pool.reserve(workers > 0 ? workers - 1 : 0);
    for (std::size_t k = 1; k < workers; ++k) {
        try {
            pool.emplace_back(work);
        } catch (const std::system_error &) {
            break; // no more threads to be had: the ones running share the work
        }
    }
    work();
    for (auto &t : pool)
        t.join();
    if (error)
        std::rethrow_exception(error);
    return done.load();
}

} // namespace tidemark
