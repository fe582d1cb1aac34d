#pragma once
// The Theta method as forecast::thetaf computes it (Hyndman & Billah 2003):
// simple exponential smoothing with drift equal to half the slope of a
// linear trend, on data seasonally adjusted by a classical multiplicative
// decomposition when the ACF test finds seasonality.
#include <vector>

#include "forecast/ets_model.h"

namespace tidemark::forecast {

struct ThetaFit {
    bool seasonal = false;
    std::vector<double> seasonalFigure; ///< the last cycle's indices, when seasonal
    EtsFit ses;                         ///< ETS(A,N,N) on the adjusted data
    double drift = 0.0;                 ///< half the regression slope
    int n = 0;
    bool ok = false;
};

ThetaFit thetaFit(const std::vector<double> &y, int period);
ModelForecast thetaForecast(const ThetaFit &fit, int h);

} // namespace tidemark::forecast
