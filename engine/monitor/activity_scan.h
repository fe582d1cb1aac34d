#pragma once
// Observe and score: take one activity sample from the database, store it,
// and bring every partition's Volatility Score up to date.
#include <cstdint>
#include <vector>

#include "connector.h"
#include "model/score.h"
#include "store/metadata_store.h"
#include "forecast/forecast_tracking.h"

namespace tidemark {

struct ScanResult {
    std::vector<PartitionedTable> tables;
    std::vector<VolatilityScore> scores;   ///< one per partition, key order within a table
    std::int64_t timestampMs = 0;
    ForecastCheckRun forecastChecks; ///< recorded forecasts this scan checked
    /// Checked write forecasts of the partitions that exist now.
    ForecastTrackingSummary forecastTracking;
    /// Partitions whose reading this scan is only a baseline (first contact:
    /// counters that began before Tidemark watched); they have no score yet,
    /// are not stored as scored and are not planned.
    int baselinePartitions = 0;
    /// The words a DBA sees for a baseline.
    static constexpr const char *kBaselineNote = "baseline; scores from the next scan";
};

/// Samples `connector`, stores the samples and the recomputed scores, and
/// checks the recorded forecasts whose window the samples now cover.
/// The EWMA state is rebuilt from the stored samples of the last few
/// half-lives, so a fresh process scores exactly like a long-running one.
Result<ScanResult> scanActivity(Connector &connector, MetadataStore &store, const Connection &connection,
                                std::int64_t nowMs);

std::int64_t nowMs();

} // namespace tidemark
