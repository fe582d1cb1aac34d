#include "forecast/theta.h"

#include <algorithm>
#include <cmath>

#include "forecast/decomposition.h"
#include "forecast/ets_fit.h"
#include "forecast/series_prep.h"

namespace tidemark::forecast {

ThetaFit thetaFit(const std::vector<double> &y, int m)
{
    ThetaFit fit;
    const int n = static_cast<int>(y.size());
    fit.n = n;
    if (n < 3)
        return fit;
    std::vector<double> x = y;
    const bool positive = *std::min_element(y.begin(), y.end()) > 0.0;
    if (m > 1 && n > 2 * m && positive && seasonalAcfTest(y, m)) {
        const auto dec = classicalDecompose(y, m, true);
        const bool tiny = std::any_of(dec.figure.begin(), dec.figure.end(), [](double v) { return std::fabs(v) < 1e-4; });
        if (!tiny) {
            fit.seasonal = true;
            for (int t = 0; t < n; ++t)
                x[static_cast<std::size_t>(t)] /= dec.seasonal[static_cast<std::size_t>(t)];
            fit.seasonalFigure.resize(static_cast<std::size_t>(m));
            for (int k = 0; k < m; ++k) // the last m positions, in forecast order
                fit.seasonalFigure[static_cast<std::size_t>(k)] = dec.seasonal[static_cast<std::size_t>(n - m + k)];
        }
    }
    fit.ses = etsFit(x, EtsSpec{EtsError::Additive, EtsTrend::None, false, EtsSeason::None, 1});
    if (!fit.ses.ok)
        return fit;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int t = 0; t < n; ++t) {
        sx += t;
        sy += x[static_cast<std::size_t>(t)];
        sxx += static_cast<double>(t) * t;
        sxy += t * x[static_cast<std::size_t>(t)];
    }
    const double den = n * sxx - sx * sx;
    fit.drift = den != 0 ? 0.5 * (n * sxy - sx * sy) / den : 0.0;
    fit.ok = true;
    return fit;
}

ModelForecast thetaForecast(const ThetaFit &fit, int h)
{
    ModelForecast f = etsForecast(fit.ses, h);
    const double alpha = std::max(1e-10, fit.ses.params.alpha);
    const double offset = (1 - std::pow(1 - alpha, fit.n)) / alpha;
    for (int j = 0; j < h; ++j)
        f.mean[static_cast<std::size_t>(j)] += fit.drift * (j + offset);
    if (fit.seasonal) {
        const int m = static_cast<int>(fit.seasonalFigure.size());
        std::vector<double> factor(static_cast<std::size_t>(h));
        for (int j = 0; j < h; ++j) {
            factor[static_cast<std::size_t>(j)] = fit.seasonalFigure[static_cast<std::size_t>(j % m)];
            f.mean[static_cast<std::size_t>(j)] *= factor[static_cast<std::size_t>(j)];
        }
        f.uncertainty = scaledUncertainty(f.uncertainty, std::move(factor));
    }
    return f;
}

} // namespace tidemark::forecast
