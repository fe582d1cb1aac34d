#pragma once
// Per-connection settings that shape scoring and planning.
#include <cstdint>

namespace tidemark {

/// Stored per connection; defaults suit a production database with a daily
/// backup. `demo init` stores values scaled to the demo's small partitions.
struct ConnectionSettings {
    std::int64_t backupIntervalSeconds = 86400;
    double readWeight = 0.1; ///< 0..1: share of the score reads may carry
    std::int64_t halfLifeSeconds = 3600; ///< EWMA half-life of the rates
    std::int64_t samplingIntervalSeconds = 60;
    double highThreshold = 60.0; ///< split above
    double lowThreshold = 20.0; ///< merge below
    std::int64_t targetMinBytes = 256ll << 20;
    std::int64_t targetMaxBytes = 8ll << 30;
    std::int64_t splitMinBytes = 512ll << 20; ///< smaller partitions are not split
    std::int64_t cooldownSeconds = 7 * 86400; ///< no merge/split of a partition younger than this
    std::int64_t backupUnitBytes = 1ll << 30; ///< largest file an incremental backup copies whole
    double layoutLifetimeCycles = 7.0; ///< backup cycles a new layout is expected to last
    double rewriteBytesPerSecond = 50e6; ///< for lock-time estimates until measured
    int histogramBuckets = 64;
    /// 1: the DBA wants fewer partitions, so cold neighbours are merged even
    /// when the merge saves no backup bytes (said as the step's reason).
    int mergeColdPartitions = 0;
};

} // namespace tidemark
