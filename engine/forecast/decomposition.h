#pragma once
// Seasonal decompositions: R's classical decompose(), and a multi-seasonal
// decomposition in the manner of MSTL for cycles too long for ETS/ARIMA.
#include <vector>

namespace tidemark::forecast {

/// Centred moving average of order m (2×m for even m), as R's
/// filter(x, sides = 2); NaN where the window does not fit.
std::vector<double> centredMovingAverage(const std::vector<double> &y, int m);

struct Decomposition {
    std::vector<double> trend;     ///< NaN at the ends (classical)
    std::vector<double> seasonal;  ///< aligned with y by position
    std::vector<double> figure;    ///< one cycle, figure[i] for positions i, i+m, …
};

/// stats::decompose: position-based seasonal figure, normalised to sum 0
/// (additive) or mean 1 (multiplicative). Needs n ≥ 2m.
Decomposition classicalDecompose(const std::vector<double> &y, int m, bool multiplicative);

/// Additive decomposition with several periods (ascending): each seasonal
/// component is a smoothed per-phase mean of the series with the trend and
/// the other components removed, iterated (the MSTL idea with moving
/// averages in place of loess). `seasonal[k]` is aligned with y.
struct MultiSeasonal {
    std::vector<int> periods;
    std::vector<std::vector<double>> seasonal;
    std::vector<double> adjusted;  ///< y minus every seasonal component
};
MultiSeasonal multiSeasonalDecompose(const std::vector<double> &y, std::vector<int> periods, int iterations = 2);

/// Continues a seasonal component h steps past its end by repeating its last cycle.
std::vector<double> repeatLastCycle(const std::vector<double> &seasonal, int period, int h);

/// Strength of seasonality (Wang, Smith & Hyndman 2006): max(0, 1 - Var(R)/Var(S+R))
/// from a classical additive decomposition; 0 when it cannot be computed.
double seasonalStrength(const std::vector<double> &y, int m);

} // namespace tidemark::forecast
