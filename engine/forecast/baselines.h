#pragma once
// Benchmark forecasts of forecast::naive, snaive, rwf(drift = TRUE) and
// meanf, with their usual Gaussian intervals.
#include <vector>

#include "forecast/ets_model.h"

namespace tidemark::forecast {

ModelForecast naiveForecast(const std::vector<double> &y, int h);
ModelForecast seasonalNaiveForecast(const std::vector<double> &y, int period, int h);
ModelForecast driftForecast(const std::vector<double> &y, int h);
ModelForecast meanForecast(const std::vector<double> &y, int h);

/// Mean absolute error of the in-sample seasonal naive forecast (lag m, or 1
/// when the series is shorter than m+1): the MASE scale. 0 when undefined.
double maseScale(const std::vector<double> &y, int m);

} // namespace tidemark::forecast
