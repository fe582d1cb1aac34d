#include "forecast/baselines.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tidemark::forecast {

namespace {

// sqrt(mean(res²)) of the lag-k differences, as forecast::rwf/snaive.
double lagSigma(const std::vector<double> &y, int k, double drift = 0.0)
{
    const int n = static_cast<int>(y.size());
    if (n <= k)
        return 0.0;
    double s = 0.0;
    for (int t = k; t < n; ++t) {
        const double e = y[static_cast<std::size_t>(t)] - y[static_cast<std::size_t>(t - k)] - drift;
        s += e * e;
    }
    return std::sqrt(s / (n - k));
}

} // namespace

ModelForecast naiveForecast(const std::vector<double> &y, int h)
{
    ModelForecast f;
    f.mean.assign(static_cast<std::size_t>(h), y.empty() ? 0.0 : y.back());
    f.uncertainty = gaussianUncertainty(lagSigma(y, 1), std::vector<double>(static_cast<std::size_t>(h), 1.0));
    return f;
}

ModelForecast seasonalNaiveForecast(const std::vector<double> &y, int m, int h)
{
    const int n = static_cast<int>(y.size());
    if (m < 2 || n < m)
        return naiveForecast(y, h);
    ModelForecast f;
    f.mean.resize(static_cast<std::size_t>(h));
    std::vector<double> psi(static_cast<std::size_t>(h), 0.0);
    for (int j = 0; j < h; ++j) {
        f.mean[static_cast<std::size_t>(j)] = y[static_cast<std::size_t>(n - m + j % m)];
        if (j % m == 0)
            psi[static_cast<std::size_t>(j)] = 1.0;
    }
    f.uncertainty = gaussianUncertainty(lagSigma(y, m), std::move(psi));
    return f;
}

ModelForecast driftForecast(const std::vector<double> &y, int h)
{
    const int n = static_cast<int>(y.size());
    if (n < 2)
        return naiveForecast(y, h);
    const double b = (y.back() - y.front()) / (n - 1);
    ModelForecast f;
    f.mean.resize(static_cast<std::size_t>(h));
    for (int j = 0; j < h; ++j)
        f.mean[static_cast<std::size_t>(j)] = y.back() + b * (j + 1);
    f.uncertainty = gaussianUncertainty(lagSigma(y, 1, b), std::vector<double>(static_cast<std::size_t>(h), 1.0));
    return f;
}

ModelForecast meanForecast(const std::vector<double> &y, int h)
{
    const int n = static_cast<int>(y.size());
    const double mean = n ? std::accumulate(y.begin(), y.end(), 0.0) / n : 0.0;
    double v = 0.0;
    for (double a : y)
        v += (a - mean) * (a - mean);
    const double sd = n > 1 ? std::sqrt(v / (n - 1)) * std::sqrt(1.0 + 1.0 / n) : 0.0;
    ModelForecast f;
    f.mean.assign(static_cast<std::size_t>(h), mean);
    f.uncertainty = independentUncertainty(std::vector<double>(static_cast<std::size_t>(h), sd));
    return f;
}

double maseScale(const std::vector<double> &y, int m)
{
    const int n = static_cast<int>(y.size());
    int k = m >= 2 && n > m ? m : 1;
    if (n <= k)
        return 0.0;
    double s = 0.0;
    for (int t = k; t < n; ++t)
        s += std::fabs(y[static_cast<std::size_t>(t)] - y[static_cast<std::size_t>(t - k)]);
    return s / (n - k);
}

} // namespace tidemark::forecast
