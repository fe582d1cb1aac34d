#pragma once
// Weeks of made-up sample history for the demo (`demo init`), so its
// forecasts show daily and weekly seasonality from the first start: the hot
// partition gets an office-hours write cycle with quiet weekends, the others
// stay cold (no writes), all in their own counter epoch.
#include <cstdint>
#include <string>
#include <vector>

#include "model/activity.h"

namespace tidemark {

struct DemoHistoryPartition {
    std::string name;
    std::int64_t rows = 0;
    std::int64_t bytes = 0;
    bool hot = false;
};

struct DemoHistoryOptions {
    int days = 28;
    std::int64_t stepMs = 3600 * 1000;
    double hotWritesPerSecond = 50.0; ///< mean over a week
    std::uint64_t seed = 42;
};

/// Counter epoch of the made-up samples.
inline constexpr const char *kDemoHistoryEpoch = "demo-history";

/// Cumulative samples every stepMs over `days` days ending at `endMs` (the
/// last sample's time, rounded down to a step), oldest first per partition.
std::vector<ActivitySample> demoHistory(const std::string &table, const std::vector<DemoHistoryPartition> &partitions,
                                        std::int64_t endMs, const DemoHistoryOptions &options = {});

/// One segment of the event-log demo as it is now, and the span of its events' times.
struct DemoLogSegment {
    std::string name;
    std::int64_t rows = 0;
    std::int64_t bytes = 0;
    std::int64_t firstMs = 0, lastMs = 0;
};

/// Counter epoch of the event-log demo's made-up samples.
inline constexpr const char *kDemoLogHistoryEpoch = "demo-log-history";

/// Size samples every stepMs from `startMs` to `endMs` of segments that were
/// filled in the demo's weekly rhythm (demoHotRate): a segment appears with its
/// first event, grows with the rhythm until its last, then stays (sealed); the
/// last sample of each is its present size.
std::vector<ActivitySample> demoLogHistory(const std::string &table, const std::vector<DemoLogSegment> &segments,
                                           std::int64_t startMs, std::int64_t endMs, std::int64_t stepMs = 3600 * 1000);

/// Expected writes per second of the hot partition at `atMs` (UTC hour of
/// day and day of week; mean 1 over a week) times `mean`.
double demoHotRate(std::int64_t atMs, double mean);

} // namespace tidemark
