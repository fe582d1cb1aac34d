#pragma once
// A forecast of a stored series — the writes or the size of one partition or
// of a whole table (the sum of its partitions) — on a regular grid, with the
// history it was made from. For the Forecasts page and scripts.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "forecast/forecaster.h"
#include "backup/prebackup_planner.h"
#include "store/metadata_store.h"

namespace tidemark {

enum class SeriesMetric { Writes, Size };

struct StoredSeriesRequest {
    std::string table;
    std::vector<std::string> partitions; ///< one, or all of the table's (summed)
    SeriesMetric metric = SeriesMetric::Writes;
    std::int64_t stepMs = 3600 * 1000;
    int horizon = 48;
    forecast::Method method = forecast::Method::Auto;
};

struct StoredSeriesForecast {
    std::vector<std::int64_t> historyMs; ///< start of each step
    std::vector<double> history; ///< writes per step or bytes; NaN = not observed
    forecast::Forecast forecast;
    std::vector<std::int64_t> forecastMs;
    /// Writes of one partition: what the pre-backup planner makes of them.
    std::optional<ForecastWrites> planner;
    /// Writes of one partition: the checks of its recorded forecasts, oldest first.
    std::vector<ForecastRecord> trackedChecks;
};

/// Reads the samples and forecasts. NotFound when no step of the grid was
/// fully observed (too little history for `stepMs`).
Result<StoredSeriesForecast> forecastStoredSeries(MetadataStore &store, const Connection &connection,
                                                  const StoredSeriesRequest &request, std::int64_t nowMs);

} // namespace tidemark
