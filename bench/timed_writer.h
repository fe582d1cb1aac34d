#pragma once
// Writer sessions for the benchmarks' stall figures: UPDATEs of random rows
// of a key range through a table (the parent of a partition being changed),
// every statement timed, so the longest one is the stall writers saw.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "pg_connection.h"

namespace tidemark::bench {

/// Sessions updating random rows of [lo, hi) through the parent, each
/// statement timed: the longest one is the stall writers saw.
class TimedWriter {
public:
    using Clock = std::chrono::steady_clock;
    static double elapsed(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

    struct Figures {
        double worst = 0, p99 = 0, worstAfterStart = 0;
        std::int64_t statements = 0, errors = 0;
        double seconds = 0;
        std::map<std::string, std::int64_t> errorsByMessage; ///< first line of each error, counted
    };

    /// `parent` is the schema-qualified SQL name; with `hot`, 90 % of the
    /// writes land on the last 1 % of the keys, otherwise writes are uniform.
    TimedWriter(std::string uri, std::string parent, std::int64_t lo, std::int64_t hi, int sessions, bool hot)
        : m_uri(std::move(uri))
        , m_parent(std::move(parent))
        , m_lo(lo)
        , m_hi(hi)
        , m_hot(hot)
    {
        m_started = Clock::now();
        for (int s = 0; s < sessions; ++s)
            m_threads.emplace_back([this, s](std::stop_token stop) { session(stop, s); });
    }

    Figures stop()
    {
        for (auto &t : m_threads)
            t.request_stop();
        m_threads.clear(); // joins
        Figures f;
        f.seconds = elapsed(m_started);
        f.statements = std::int64_t(m_latencies.size());
        f.errors = m_errors;
        f.errorsByMessage = m_errorsByMessage;
        f.worst = m_worst;
        f.worstAfterStart = std::chrono::duration<double>(m_worstAt - m_started).count();
        if (!m_latencies.empty()) {
            auto nth = m_latencies.begin() + std::ptrdiff_t(double(m_latencies.size() - 1) * 0.99);
            std::nth_element(m_latencies.begin(), nth, m_latencies.end());
            f.p99 = *nth;
        }
        return f;
    }

private:
    void session(std::stop_token stop, int seed)
    {
        auto c = tidemark::postgres::PgConnection::open(m_uri);
        if (!c) {
            std::fprintf(stderr, "writer: %s\n", c.error().message.c_str());
            std::exit(1);
        }
        std::mt19937_64 rng(std::uint64_t(seed) + 1);
        std::uniform_int_distribution<std::int64_t> all(m_lo, m_hi - 1);
        std::uniform_int_distribution<std::int64_t> hot(m_hi - std::max<std::int64_t>(1, (m_hi - m_lo) / 100),
                                                        m_hi - 1);
        std::bernoulli_distribution inHot(m_hot ? 0.9 : 0.0);
        auto key = [&](std::mt19937_64 &g) { return inHot(g) ? hot(g) : all(g); };
        const std::string sql = "UPDATE " + m_parent + " SET abalance = abalance + 1 WHERE aid = $1";
        std::vector<double> mine;
        std::int64_t errors = 0;
        std::map<std::string, std::int64_t> byMessage;
        double worst = 0;
        Clock::time_point worstAt = m_started;
        while (!stop.stop_requested()) {
            const auto t = Clock::now();
            const auto done = (*c)->query(sql, {std::to_string(key(rng))});
            const double s = elapsed(t);
            if (!done) {
                // Counted by message; the loop goes on with another key.
                ++errors;
                const std::string &m = done.error().message;
                ++byMessage[m.substr(0, std::min(m.find('\n'), std::size_t(160)))];
            }
            mine.push_back(s);
            if (s > worst) {
                worst = s;
                worstAt = t;
            }
        }
        std::lock_guard lock(m_mutex);
        m_latencies.insert(m_latencies.end(), mine.begin(), mine.end());
        m_errors += errors;
        for (const auto &[m, count] : byMessage)
            m_errorsByMessage[m] += count;
        if (worst > m_worst) {
            m_worst = worst;
            m_worstAt = worstAt;
        }
    }

    std::string m_uri, m_parent;
    std::int64_t m_lo, m_hi;
    bool m_hot;
    Clock::time_point m_started, m_worstAt;
    std::mutex m_mutex;
    std::vector<double> m_latencies;
    std::int64_t m_errors = 0;
    std::map<std::string, std::int64_t> m_errorsByMessage;
    double m_worst = 0;
    std::vector<std::jthread> m_threads;
};

} // namespace tidemark::bench
