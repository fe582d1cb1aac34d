#include "demo/demo_history.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

namespace tidemark {

namespace {

/// Shape of a week, hourly: office hours peak at 14:00 UTC, weekends quiet.
double weekShape(std::int64_t atMs)
{
    const std::int64_t hour = (atMs / 3600000) % 24;
    // 1970-01-01 was a Thursday: day 0 → Thursday; 2,3 → Saturday, Sunday.
    const std::int64_t day = (atMs / 86400000) % 7;
    const double h = static_cast<double>(hour);
    const double office = (h >= 6.0 && h <= 22.0) ? std::sin(std::numbers::pi * (h - 6.0) / 16.0) : 0.0;
    const double daily = 0.3 + 1.4 * office;
    const double weekly = (day == 2 || day == 3) ? 0.45 : 1.0;
    return daily * weekly;
}

double weekMean()
{
    static const double mean = [] {
        double sum = 0.0;
        for (int i = 0; i < 168; ++i)
            sum += weekShape(static_cast<std::int64_t>(i) * 3600000);
        return sum / 168.0;
    }();
    return mean;
}

} // namespace

double demoHotRate(std::int64_t atMs, double mean)
{
    return mean * weekShape(atMs) / weekMean();
}

std::vector<ActivitySample> demoHistory(const std::string &table, const std::vector<DemoHistoryPartition> &partitions,
                                        std::int64_t endMs, const DemoHistoryOptions &o)
{
    std::vector<ActivitySample> out;
    const std::int64_t step = std::max<std::int64_t>(o.stepMs, 1000);
    const std::int64_t end = endMs / step * step;
    const std::int64_t steps = std::max<std::int64_t>(1, static_cast<std::int64_t>(o.days) * 86400000 / step);
    const std::int64_t start = end - steps * step;
    std::mt19937_64 rng(o.seed);
    std::normal_distribution<double> noise(0.0, 1.0);
    out.reserve(partitions.size() * static_cast<std::size_t>(steps + 1));
    for (const auto &p : partitions) {
        ActivitySample s;
        s.table = table;
        s.partition = p.name;
        s.counterEpoch = kDemoHistoryEpoch;
        s.epochStartMs = start;
        // A hot partition grew into its present size over the weeks.
        const double growth = p.hot ? 0.03 : 0.0;
        for (std::int64_t i = 0; i <= steps; ++i) {
            const std::int64_t t = start + i * step;
            s.timestampMs = t;
            if (i > 0 && p.hot) {
                const double mean =
                    demoHotRate(t - step / 2, o.hotWritesPerSecond) * static_cast<double>(step) / 1000.0;
                const double drawn = mean * (1.0 + 0.06 * noise(rng)) + std::sqrt(mean) * noise(rng);
                const auto writes = static_cast<std::int64_t>(std::llround(std::max(drawn, 0.0)));
                const std::int64_t inserts = writes * 60 / 100, deletes = writes * 5 / 100;
                s.inserts += inserts;
                s.deletes += deletes;
                s.updates += writes - inserts - deletes;
            }
            const double f = 1.0 - growth * (1.0 - static_cast<double>(i) / static_cast<double>(steps));
            s.rows = static_cast<std::int64_t>(std::llround(static_cast<double>(p.rows) * f));
            s.bytes = static_cast<std::int64_t>(std::llround(static_cast<double>(p.bytes) * f));
            out.push_back(s);
        }
    }
    return out;
}

std::vector<ActivitySample> demoLogHistory(const std::string &table, const std::vector<DemoLogSegment> &segments,
                                           std::int64_t startMs, std::int64_t endMs, std::int64_t stepMs)
{
    std::vector<ActivitySample> out;
    const std::int64_t step = std::max<std::int64_t>(stepMs, 1000);
    // The rhythm's weight from startMs up to t, by whole minutes.
    constexpr std::int64_t kMinuteMs = 60000;
    const std::int64_t minutes = std::max<std::int64_t>(0, (endMs - startMs) / kMinuteMs) + 1;
    std::vector<double> cumulative(static_cast<std::size_t>(minutes) + 1, 0.0);
    for (std::int64_t m = 0; m < minutes; ++m)
        cumulative[static_cast<std::size_t>(m) + 1] =
            cumulative[static_cast<std::size_t>(m)] + weekShape(startMs + m * kMinuteMs);
    const auto weightTo = [&](std::int64_t t) {
        const auto m = std::clamp<std::int64_t>((t - startMs) / kMinuteMs, 0, minutes);
        return cumulative[static_cast<std::size_t>(m)];
    };
    for (const auto &seg : segments) {
        ActivitySample s;
        s.table = table;
        s.partition = seg.name;
        s.counterEpoch = kDemoLogHistoryEpoch;
        s.epochStartMs = startMs;
        const double whole = std::max(weightTo(seg.lastMs) - weightTo(seg.firstMs), 1e-9);
        for (std::int64_t t = startMs; t <= endMs; t += step) {
            if (t < seg.firstMs)
                continue;
            const double f =
                t >= seg.lastMs ? 1.0 : std::clamp((weightTo(t) - weightTo(seg.firstMs)) / whole, 0.0, 1.0);
            s.timestampMs = t;
            s.rows = static_cast<std::int64_t>(std::llround(static_cast<double>(seg.rows) * f));
            s.bytes = static_cast<std::int64_t>(std::llround(static_cast<double>(seg.bytes) * f));
            s.inserts = s.rows;
            out.push_back(s);
        }
    }
    return out;
}

} // namespace tidemark
