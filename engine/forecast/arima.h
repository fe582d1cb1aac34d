#pragma once
// (Seasonal) ARIMA: exact Gaussian likelihood by a Kalman filter on the
// differenced series, maximised with NLopt from conditional-sum-of-squares
// starting values (R's "CSS-ML"); automatic order selection by the
// Hyndman–Khandakar stepwise search (auto_arima.cpp).
#include <optional>
#include <vector>

#include "forecast/ets_model.h"

namespace tidemark::forecast {

struct ArimaOrder {
    int p = 0, d = 0, q = 0;
    int P = 0, D = 0, Q = 0;
    int m = 1;
    friend bool operator==(const ArimaOrder &, const ArimaOrder &) = default;
};

struct ArimaFit {
    ArimaOrder order;
    bool constant = false;       ///< mean (d+D = 0) or drift (d+D = 1)
    std::vector<double> ar, ma;  ///< non-seasonal coefficients, R's sign convention
    std::vector<double> sar, sma;
    double mu = 0.0;             ///< mean of the differenced series
    double sigma2 = 0.0;
    double logLik = 0.0, aic = 0.0, aicc = 0.0, bic = 0.0;
    int nUsed = 0;               ///< observations after differencing
    std::vector<double> y;       ///< the series (to integrate forecasts)
    std::vector<double> filteredState; ///< Kalman state after the last value
    std::vector<double> residuals;     ///< one-step innovations of the differenced series
    /// The coefficients in the optimiser's unconstrained form (AR parts as
    /// transformed partial autocorrelations), for warm starts.
    std::vector<double> rawCoefficients;
    /// autoArima searched by CSS before refitting this model by exact ML
    /// (auto.arima's `approximation`).
    bool cssSearch = false;
    bool ok = false;

    /// "ARIMA(2,1,1)(0,1,0)[12] with drift", as R prints it.
    std::string name() const;
};

struct ArimaFitOptions {
    bool exact = true;           ///< exact ML (Kalman); false: CSS only
    int maxEvaluations = 1000;
    /// Relative tolerance on the objective at which the optimiser stops.
    double relativeTolerance = 1e-9;
    /// Warm start from a fit of the same order and constant (e.g. on a longer
    /// stretch of the series): its coefficients and mean start the optimiser,
    /// which then skips the CSS stage when fitting by exact ML.
    const ArimaFit *warmStart = nullptr;
    /// With a usable warm start, maxEvaluations <= 0 keeps its coefficients
    /// as they are: the model is only filtered through `y` (a state update).
    /// false: a CSS fit skips the Kalman filter — no filtered state or
    /// residuals, so it cannot forecast (order search candidates).
    bool filter = true;
};

/// Fits one ARIMA model. ok = false when the optimiser found no stationary,
/// invertible solution or the series is too short.
ArimaFit arimaFit(const std::vector<double> &y, const ArimaOrder &order, bool constant, const ArimaFitOptions &opt = {});

ModelForecast arimaForecast(const ArimaFit &fit, int h);

/// Differences a series: (1-B)^d (1-B^m)^D y.
std::vector<double> difference(const std::vector<double> &y, int d, int D, int m);

/// KPSS level-stationarity statistic with the lag truncation
/// trunc(3·sqrt(n)/13) used by forecast::ndiffs.
double kpssStatistic(const std::vector<double> &y);
/// forecast::ndiffs(test = "kpss", alpha = 0.05): 0, 1 or 2.
int kpssDiffs(const std::vector<double> &y, int maxD = 2);
/// Seasonal differences (0 or 1) by the seasonal-strength heuristic
/// (forecast::nsdiffs(test = "seas"): strength > 0.64).
int seasonalDiffs(const std::vector<double> &y, int m);

struct AutoArimaOptions {
    int maxP = 5, maxQ = 5, maxSP = 2, maxSQ = 2, maxOrder = 5;
    int maxD = 2, maxSD = 1;
    /// Search with CSS, refit the winner by exact ML (auto.arima's
    /// approximation). Unset: as R, when n > 150 or m > 12.
    std::optional<bool> approximation;
    bool allowDrift = true, allowMean = true;
    /// With the approximation, the order search looks at the last
    /// `searchWindow` values only (the differencing orders are still decided
    /// on the whole series; at least eight cycles); the winner is then
    /// refitted on all of it by CSS from the window's estimates. Default: two
    /// weeks of hourly values. 0: search on the whole series.
    int searchWindow = 336;
};

/// forecast::auto.arima(y, stepwise = TRUE) in the manner of
/// Hyndman & Khandakar (2008), by AICc.
ArimaFit autoArima(const std::vector<double> &y, int period, const AutoArimaOptions &opt = {});

} // namespace tidemark::forecast
