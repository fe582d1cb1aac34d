#pragma once
// Turning raw samples into a regular series a model can use: resampling of
// irregular timestamps, gap filling, and detection of the seasonal cycles.
// Rules are documented in docs/forecasting.md ("Preparing a series").
#include <cstdint>
#include <string>
#include <vector>

#include "result.h"

namespace tidemark::forecast {

struct RegularSeries {
    std::vector<double> values;      ///< finite, on a regular grid
    std::int64_t startMs = 0;        ///< timestamp of values[0] (0 if unknown)
    std::int64_t stepMs = 0;         ///< grid spacing (0 if unknown)
    int filled = 0;                  ///< points interpolated (gaps, NaN)
    int trimmed = 0;                 ///< leading/trailing non-finite points dropped
    bool resampled = false;
};

/// Builds the regular series. With timestamps: the grid step is `stepMs`
/// when given, else the median spacing; each grid point takes the value
/// interpolated linearly between the samples around it (the last sample
/// when two share a timestamp); gaps longer than `maxGapSteps` steps are
/// still bridged linearly but counted in `filled`. Without timestamps the
/// values are taken as already regular. Interior NaN/inf are interpolated,
/// leading and trailing ones dropped. Fails when no finite value remains or
/// the timestamps are not increasing.
Result<RegularSeries> prepareSeries(const std::vector<double> &values, const std::vector<std::int64_t> &timestampsMs,
                                    std::int64_t stepMs = 0);

/// Sample autocorrelations r[1..maxLag] (r[0] = 1 is included at index 0).
std::vector<double> autocorrelation(const std::vector<double> &y, int maxLag);

/// forecast::thetaf's seasonality test: |r_m| > 1.645·sqrt((1 + 2Σ_{k<m} r_k²)/n).
bool seasonalAcfTest(const std::vector<double> &y, int m);

/// Candidate cycles for a sampling interval: a day and a week expressed in
/// steps (24 and 168 for hourly samples, 7 for daily, 48 and 336 for
/// half-hourly, …), keeping those with at least two full cycles observed.
std::vector<int> candidatePeriods(std::int64_t stepMs, int n);

/// Keeps the candidates the data supports (ACF test on the series with a
/// linear trend removed, and seasonal strength ≥ 0.3).
std::vector<int> detectPeriods(const std::vector<double> &y, std::int64_t stepMs);

} // namespace tidemark::forecast
