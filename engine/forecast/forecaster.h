#pragma once
// The one door planners use for predictions: a series in, point forecasts
// with 80/95 % intervals, the model chosen, a confidence figure and the
// hold-out accuracy out — plus totals over a window and the time until a
// threshold. Never hands out NaN: degenerate input gets a documented
// fallback or an Error. Details: docs/forecasting.md.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "forecast/uncertainty.h"
#include "result.h"

namespace tidemark::forecast {

struct ModelChoice; // forecast/model_choice.h

enum class Method {
    Auto,          ///< combination: mean of ETS and ARIMA (docs/forecasting.md)
    Ets,           ///< automatic ETS (AICc)
    Arima,         ///< automatic (seasonal) ARIMA
    Theta,
    Naive,
    SeasonalNaive,
    Drift,
    Mean,
};
const char *toString(Method);
std::optional<Method> methodFromString(const std::string &);

/// A gauge series (sizes, rates per interval — not cumulative counters).
struct SeriesInput {
    std::vector<double> values;
    /// One per value, increasing; empty for an already regular series.
    std::vector<std::int64_t> timestampsMs;
    /// Sampling interval; 0 = median spacing of the timestamps (or unknown).
    std::int64_t stepMs = 0;
};

struct ForecastOptions {
    int horizon = 1;
    /// Seasonal periods in steps; empty = detect from stepMs (day, week).
    std::vector<int> periods;
    bool detectSeasonality = true;
    Method method = Method::Auto;
    /// Refit on all but the last min(h, n/5) values and measure MASE there.
    bool holdout = true;
    /// Clamp forecasts and bands at zero; unset = when no value is negative.
    std::optional<bool> nonNegative;
    int simulationPaths = 1000;
    std::uint64_t seed = 42;
    /// Widen ARIMA, Theta and baseline bands by their own backtests inside
    /// the series (docs/forecasting.md, "Interval calibration").
    bool calibrateIntervals = true;
    /// The models a previous forecast of this series chose (Forecast::choice):
    /// when it fits the series' seasonal periods and the method, its
    /// structure is refitted from its estimates instead of searched again,
    /// and its band calibration is applied as it was (no new backtests).
    /// Otherwise ignored.
    std::shared_ptr<const ModelChoice> reuse;
    /// With `reuse`: false keeps the reused models' estimates as they are
    /// and only runs them through this series (a state update: no
    /// optimiser). For a prefix of the series they were fitted on, when it
    /// is long enough that the estimates hardly depend on the last values.
    bool refitReused = true;
};

struct Forecast {
    std::vector<double> mean, lower80, upper80, lower95, upper95;
    std::vector<std::int64_t> timestampsMs; ///< of each step, when the input had time
    std::string model;                      ///< e.g. "ETS(M,Ad,N)", "Combination(…)"
    std::vector<int> periods;               ///< seasonal periods used
    /// 1/(1 + hold-out MASE), halved for fallbacks; in [0, 1].
    double confidence = 0.0;
    std::optional<double> holdoutMase;
    bool fallback = false;                  ///< a naive/mean/constant answer
    std::string note;                       ///< why, for fallbacks and data repairs
    std::int64_t stepMs = 0;
    std::int64_t lastTimestampMs = 0;
    /// Spread around `mean` (for window totals and thresholds).
    std::shared_ptr<const Uncertainty> uncertainty;
    bool clampedAtZero = false;
    /// The backtest calibration of the bands: factor80/95 = how many times
    /// wider than the models' own the 80/95 % bands are (mean over the steps),
    /// points = backtest errors used (0: not calibrated).
    IntervalCalibration calibration;
    /// The models chosen and their estimates, for ForecastOptions::reuse
    /// (null for constant series and fallbacks).
    std::shared_ptr<const ModelChoice> choice;
    /// Whether the models came from ForecastOptions::reuse (no search).
    bool reused = false;
};

/// Forecasts `horizon` steps past the last value. Errors: horizon < 1 or
/// > 100000, no finite value, timestamps out of order.
Result<Forecast> forecastSeries(const SeriesInput &input, const ForecastOptions &options);

/// Sum of steps [firstStep, firstStep + steps) (0-based) with its intervals:
/// "writes expected during a copy".
struct WindowTotal {
    double mean = 0.0;
    double lower80 = 0.0, upper80 = 0.0, lower95 = 0.0, upper95 = 0.0;
};
Result<WindowTotal> totalOverWindow(const Forecast &forecast, int firstStep, int steps);

/// When the forecast (or, with `cumulative`, its running total) first
/// reaches `threshold` (upwards if it lies above the last point forecast's
/// start, downwards otherwise). Steps are 1-based; 0 = not within the horizon.
struct ThresholdCrossing {
    int expectedStep = 0;      ///< the point forecast crosses
    int earliestStep = 0;      ///< the 95 % band's near edge crosses (optimistic)
    int latestStep = 0;        ///< the 95 % band's far edge crosses (pessimistic)
    std::int64_t expectedAtMs = 0; ///< timestamp of expectedStep, when known
    double probabilityWithinHorizon = 0.0; ///< P(value beyond threshold at the last step)
};
Result<ThresholdCrossing> timeUntilThreshold(const Forecast &forecast, double threshold, bool cumulative = false);

} // namespace tidemark::forecast
