#pragma once
#include <cstdint>
#include <string>

namespace tidemark {

/// Volatility of one partition at one time; see docs/volatility-score.md.
struct VolatilityScore {
    std::string table;
    std::string partition;
    std::int64_t timestampMs = 0;
    double score = 0.0; ///< 0..100
    double pModified = 0.0; ///< probability of a write between two backups
    double writesPerSecond = 0.0; ///< smoothed (EWMA) write rate
    double readsPerSecond = 0.0; ///< smoothed read rate (0 where unknown)
    std::int64_t rows = 0;
    std::int64_t bytes = 0;
    /// No rate yet: this reading is the partition's baseline (Tidemark did
    /// not see counting begin), so `score` means nothing until the next scan.
    bool baseline = false;
};

} // namespace tidemark
