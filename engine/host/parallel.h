#pragma once
// CPU-bound work spread over a bounded number of threads: independent
// items (e.g. the partitions of a table, each forecast on its own) run side
// by side, each exactly once, and the caller waits for all of them. No
// database or metadata store is touched from the workers: the caller reads
// and writes those before and after.
#include <cstddef>
#include <functional>
#include <stop_token>

namespace tidemark {

/// Threads CPU-bound engine work may use: the hardware's, at most 8, at least 1.
std::size_t computeThreads();

/// Calls fn(i) for every i in [0, count) on up to `threads` threads (the
/// caller's among them) and returns when all calls have returned. Once
/// `stop` is requested no further index is started; returns the number of
/// calls made. An exception escaping fn stops handing out indices and is
/// rethrown on the caller's thread after the other calls have ended.
std::size_t parallelFor(std::size_t count, std::size_t threads, const std::function<void(std::size_t)> &fn,
                        std::stop_token stop = {});

} // namespace tidemark
