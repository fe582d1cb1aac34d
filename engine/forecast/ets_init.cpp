// forecast:::initstate: the heuristic initial states of an ETS model, from a
// classical decomposition (or, for fewer than three cycles, a one-harmonic
// Fourier regression) and a regression line through the first values.
#include "forecast/ets_fit.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <Eigen/Dense>

#include "forecast/decomposition.h"

namespace tidemark::forecast {

namespace {

bool hasTrend(const EtsSpec &s) { return s.trend != EtsTrend::None; }
bool hasSeason(const EtsSpec &s) { return s.season != EtsSeason::None; }

// Least squares y = X·coef.
Eigen::VectorXd leastSquares(const Eigen::MatrixXd &X, const Eigen::VectorXd &y)
{
    return X.colPivHouseholderQr().solve(y);
}

} // namespace

EtsState etsInitialState(const EtsSpec &spec, const std::vector<double> &y)
{
    EtsState st;
    const int n = static_cast<int>(y.size());
    std::vector<double> ysa = y;
    int m = 1;
    if (hasSeason(spec)) {
        m = spec.period;
        std::vector<double> seasonal(y.size());
        const bool mult = spec.season == EtsSeason::Multiplicative;
        if (n < 3 * m) {
            // One-harmonic Fourier terms plus a linear trend (forecast::fourier(y, 1)).
            Eigen::MatrixXd X(n, 4);
            Eigen::VectorXd Y(n);
            for (int t = 0; t < n; ++t) {
                const double tt = t + 1;
                X(t, 0) = 1.0;
                X(t, 1) = tt;
                X(t, 2) = std::sin(2 * M_PI * tt / m);
                X(t, 3) = m == 2 ? 0.0 : std::cos(2 * M_PI * tt / m);
                Y(t) = y[static_cast<std::size_t>(t)];
            }
            const Eigen::VectorXd c = leastSquares(X, Y);
            for (int t = 0; t < n; ++t) {
                const double line = c(0) + c(1) * (t + 1);
                seasonal[static_cast<std::size_t>(t)] = mult ? y[static_cast<std::size_t>(t)] / line
                                                             : y[static_cast<std::size_t>(t)] - line;
            }
        } else {
            seasonal = classicalDecompose(y, m, mult).seasonal;
        }
        // init.seas = rev(seasonal[2:m]): s_0 … s_{m-2}; the last one follows
        // from normalisation.
        std::vector<double> init(static_cast<std::size_t>(m - 1));
        for (int k = 0; k < m - 1; ++k)
            init[static_cast<std::size_t>(k)] = seasonal[static_cast<std::size_t>(m - 1 - k)];
        if (mult) {
            for (auto &v : init)
                v = std::max(v, 1e-2);
            double sum = std::accumulate(init.begin(), init.end(), 0.0);
            if (sum > m) {
                const double denom = sum + 1e-2 * (m - 1);
                for (auto &v : init)
                    v /= denom;
            }
            for (int t = 0; t < n; ++t)
                ysa[static_cast<std::size_t>(t)] = y[static_cast<std::size_t>(t)] /
                                                   std::max(seasonal[static_cast<std::size_t>(t)], 1e-2);
        } else {
            for (int t = 0; t < n; ++t)
                ysa[static_cast<std::size_t>(t)] = y[static_cast<std::size_t>(t)] - seasonal[static_cast<std::size_t>(t)];
        }
        st.season.resize(static_cast<std::size_t>(m));
        double sum = 0.0;
        for (int k = 0; k < m - 1; ++k) {
            st.season[static_cast<std::size_t>(k)] = init[static_cast<std::size_t>(k)];
            sum += init[static_cast<std::size_t>(k)];
        }
        st.season[static_cast<std::size_t>(m - 1)] = (mult ? m : 0.0) - sum;
    }
    const int maxn = std::min(std::max(10, 2 * m), n);
    if (!hasTrend(spec)) {
        st.level = std::accumulate(ysa.begin(), ysa.begin() + maxn, 0.0) / std::max(1, maxn);
        st.growth = 0.0;
        return st;
    }
    // Simple linear regression on the first maxn seasonally adjusted values.
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int t = 0; t < maxn; ++t) {
        const double x = t + 1, v = ysa[static_cast<std::size_t>(t)];
        sx += x;
        sy += v;
        sxx += x * x;
        sxy += x * v;
    }
    const double den = maxn * sxx - sx * sx;
    const double b1 = den != 0.0 ? (maxn * sxy - sx * sy) / den : 0.0;
    const double b0 = (sy - b1 * sx) / std::max(1, maxn);
    if (spec.trend == EtsTrend::Additive) {
        st.level = b0;
        st.growth = b1;
        if (std::fabs(st.level + st.growth) < 1e-8) {
            st.level *= 1 + 1e-3;
            st.growth *= 1 + 1e-3;
        }
    } else {
        double l0 = b0 + b1;
        if (std::fabs(l0) < 1e-8)
            l0 = 1e-7;
        double g0 = (b0 + 2 * b1) / l0;
        l0 = l0 / g0;
        if (std::fabs(g0) > 1e10)
            g0 = g0 > 0 ? 1e10 : -1e10;
        if (l0 < 1e-8 || g0 < 1e-8) {
            l0 = std::max(ysa[0], 1e-3);
            g0 = std::max(ysa.size() > 1 ? ysa[1] / ysa[0] : 1.0, 1e-3);
        }
        st.level = l0;
        st.growth = g0;
    }
    return st;
}

} // namespace tidemark::forecast
