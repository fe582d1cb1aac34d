#pragma once
// Six weeks of hourly write history of database partitions, of the shapes
// production tables show: an office-hours day cycle, quieter weekends, noise,
// a level shift (a tenant moved, a feature launched), batch-job bursts, some
// partitions written only by a nightly job and some never written. Used by
// bench_forecast_planner; the per-series timings and the store it builds
// share this generator.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model/activity.h"

namespace tidemark::bench {

enum class HistoryShape { Office, Flat, Nightly, Cold };

inline const char *toString(HistoryShape s)
{
    switch (s) {
    case HistoryShape::Office:
        return "office";
    case HistoryShape::Flat:
        return "flat";
    case HistoryShape::Nightly:
        return "nightly";
    case HistoryShape::Cold:
        return "cold";
    }
    return "office";
}

/// Partition i's shape: 70 % office hours, 10 % flat with a day cycle only,
/// 10 % nightly job, 10 % cold.
inline HistoryShape shapeOf(int index)
{
    const int k = index % 10;
    return k < 7 ? HistoryShape::Office
        : k == 7 ? HistoryShape::Flat
        : k == 8 ? HistoryShape::Nightly
                 : HistoryShape::Cold;
}

/// Writes per hour for `hours` hours starting at a Monday 00:00 UTC.
inline std::vector<double> hourlyWrites(int index, int hours)
{
    std::mt19937_64 rng(static_cast<std::uint64_t>(index) * 104729u + 17u);
    std::normal_distribution<double> z(0, 1);
    std::uniform_real_distribution<double> u(0, 1);
    const HistoryShape shape = shapeOf(index);
    std::vector<double> y(static_cast<std::size_t>(hours), 0.0);
    if (shape == HistoryShape::Cold)
        return y;
    double level = std::exp(std::log(20.0) + u(rng) * std::log(500.0)); // 20 … 10,000 writes/h
    const double day = 0.3 + 0.5 * u(rng), weekend = 0.3 + 0.5 * u(rng), noise = 0.04 + 0.1 * u(rng);
    const double peak = 11 + 6 * u(rng);
    const int shiftAt = u(rng) < 0.6 ? hours / 2 + static_cast<int>(u(rng) * hours / 3) : -1;
    const double shift = 0.6 + 0.9 * u(rng);
    const double trend = (u(rng) - 0.5) * 0.001; // per hour, relative
    for (int t = 0; t < hours; ++t) {
        if (t == shiftAt)
            level *= shift;
        const int hod = t % 24, dow = (t / 24) % 7;
        double v = level * (1.0 + trend * t);
        if (shape == HistoryShape::Nightly) {
            v = (hod >= 1 && hod < 3) ? 12.0 * v : 0.0;
        } else {
            v *= 1.0 + day * std::cos(2 * M_PI * (hod - peak) / 24.0);
            if (shape == HistoryShape::Office && dow >= 5)
                v *= weekend;
        }
        v *= std::max(0.0, 1.0 + noise * z(rng));
        if (u(rng) < 0.01)
            v *= 2.0 + 2.0 * u(rng); // a batch job
        y[static_cast<std::size_t>(t)] = std::round(std::max(0.0, v));
    }
    return y;
}

/// Cumulative hourly samples of one partition whose last reading is at
/// `endMs` (on the hour), one counter epoch, `hours` + 1 readings.
inline std::vector<ActivitySample> partitionHistory(const std::string &table, const std::string &partition, int index,
                                                    int hours, std::int64_t endMs, std::int64_t bytes)
{
    const std::vector<double> writes = hourlyWrites(index, hours);
    std::vector<ActivitySample> out;
    out.reserve(writes.size() + 1);
    ActivitySample s;
    s.table = table;
    s.partition = partition;
    s.counterEpoch = "bench-history";
    s.bytes = bytes;
    s.rows = bytes / 200;
    s.timestampMs = endMs - static_cast<std::int64_t>(hours) * 3'600'000;
    out.push_back(s);
    for (double w : writes) {
        s.timestampMs += 3'600'000;
        s.inserts += static_cast<std::int64_t>(w);
        out.push_back(s);
    }
    return out;
}

} // namespace tidemark::bench
