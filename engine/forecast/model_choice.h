#pragma once
// The models forecastSeries chose for a series, with their estimates: given
// back as ForecastOptions::reuse, the same structure is refitted (warm, from
// these estimates) instead of searched again — for backtests of the planner
// and for later forecasts of the same series.
#include <optional>
#include <string>
#include <vector>

#include "forecast/arima.h"
#include "forecast/ets_model.h"
#include "forecast/forecaster.h"
#include "forecast/uncertainty.h"

namespace tidemark::forecast {

struct ModelChoice {
    Method method = Method::Auto;
    int m = 1; ///< period given to the models
    std::vector<int> mstl; ///< periods removed by decomposition first
    bool hasEts = false;
    EtsSpec etsSpec;
    EtsParams etsParams;
    EtsState etsInitial;
    bool hasArima = false;
    ArimaFit arima; ///< order, constant and coefficients (not its series)
    /// The backtest widening of the ARIMA member's bands when chosen.
    IntervalCalibration arimaCalibration;
};

/// The choice as a JSON document (for the metadata store's model_choices):
/// structure, estimates and calibration; doubles written to round trip
/// exactly, so a reuse from the store forecasts as a reuse from memory.
std::string modelChoiceToJson(const ModelChoice &choice);
/// nullopt for a malformed document or one a later build wrote with
/// fields this build does not know how to use (then the series is searched).
std::optional<ModelChoice> modelChoiceFromJson(const std::string &json);

} // namespace tidemark::forecast
