#pragma once
// Forecast tracking: the write forecasts the pre-backup planner issues are
// recorded in the metadata store and checked as samples arrive. Once a
// forecast's window has passed and the samples cover it, its actual total
// becomes a check (forecast::missesBand); forecastWritesUntilBackup weighs
// these checks instead of backtests. See docs/forecasting.md.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "backup/prebackup_planner.h"
#include "store/metadata_store.h"
#include "forecast/write_forecast.h"

namespace tidemark {

/// The metric under which write forecasts are recorded.
inline constexpr const char *kWritesMetric = "writes";
/// Checked forecasts kept per series; older ones are pruned.
inline constexpr int kForecastChecksKept = 30;

/// What one checkRecordedForecasts run did.
struct ForecastCheckRun {
    int checked = 0; ///< forecasts that became checks
    int missed = 0; ///< of those, outside their 95 % band
    int dropped = 0; ///< windows the samples could not cover
};

/// Checks every recorded forecast of the connection whose window ended by
/// `nowMs`: the window's total from the samples (observedTotal on the
/// connection's write grid) is stored with the miss and the scaled error. A
/// window the samples cannot cover — a gap, a counter reset or an interval
/// too long inside it, a grid that changed with the settings, or no sample
/// reaching its end one window length after it ended — is dropped with no
/// check. Then keeps the newest kForecastChecksKept checks per series.
Result<ForecastCheckRun> checkRecordedForecasts(MetadataStore &store, const Connection &connection, std::int64_t nowMs);

/// Records the forecast of a partition's writes the planner was given for
/// `window` (when a forecast was computed: `forecast.model` not empty).
/// False when none was recorded (no forecast, or one for an overlapping
/// window is already recorded).
Result<bool> recordWriteForecast(MetadataStore &store, const Connection &connection, const std::string &table,
                                 const std::string &partition, const ForecastWrites &forecast,
                                 const ForecastWindow &window, std::int64_t nowMs);

/// The newest checked write forecasts of one partition (at most `limit`), oldest first.
Result<std::vector<ForecastRecord>> writeForecastChecks(MetadataStore &store, const Connection &connection,
                                                        const std::string &table, const std::string &partition,
                                                        int limit = kForecastChecksKept);

/// Checked records as forecastWritesUntilBackup takes them.
std::vector<TrackedCheck> trackedChecks(const std::vector<ForecastRecord> &records);

/// Partitions whose recorded write forecasts keep missing, by the checks alone.
struct ForecastTrackingSummary {
    using PartitionName = std::pair<std::string, std::string>; ///< (table, partition)
    std::vector<PartitionName> checked; ///< partitions with at least one checked forecast
    std::vector<PartitionName> keepMissing; ///< of those, the ones that keep missing
};

/// Over the last ForecastErrorTracker::kWindow checks of every partition.
Result<ForecastTrackingSummary> forecastTrackingSummary(MetadataStore &store, const Connection &connection);

} // namespace tidemark
