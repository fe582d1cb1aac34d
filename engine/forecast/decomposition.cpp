#include "forecast/decomposition.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tidemark::forecast {

std::vector<double> centredMovingAverage(const std::vector<double> &y, int m)
{
    const int n = static_cast<int>(y.size());
    std::vector<double> out(y.size(), NAN);
    if (m < 2 || n < m + (m % 2 == 0 ? 1 : 0))
        return out;
    std::vector<double> w;
    if (m % 2 == 0) {
        w.assign(static_cast<std::size_t>(m + 1), 1.0 / m);
        w.front() = w.back() = 0.5 / m;
    } else {
        w.assign(static_cast<std::size_t>(m), 1.0 / m);
    }
    const int half = static_cast<int>(w.size()) / 2;
    const bool allFinite = std::all_of(y.begin(), y.end(), [](double v) { return std::isfinite(v); });
    if (!allFinite) {
        for (int t = half; t + half < n; ++t) {
            double s = 0.0;
            for (int k = -half; k <= half; ++k)
                s += w[static_cast<std::size_t>(k + half)] * y[static_cast<std::size_t>(t + k)];
            out[static_cast<std::size_t>(t)] = s;
        }
        return out;
    }
    // A running sum of the window (long cycles such as a week of hours make
    // the direct sum cost n·m), summed afresh every 128 steps so that
    // rounding cannot drift.
    const double *x = y.data();
    const double endWeight = w.front();
    double sum = 0.0;
    for (int t = half; t + half < n; ++t) {
        if ((t - half) % 128 == 0) {
            sum = 0.0;
            for (int k = t - half; k <= t + half; ++k)
                sum += x[k];
        } else {
            sum += x[t + half] - x[t - half - 1];
        }
        const double inner = m % 2 == 0 ? sum - x[t - half] - x[t + half] : sum;
        out[static_cast<std::size_t>(t)] = m % 2 == 0 ? inner / m + endWeight * (x[t - half] + x[t + half]) : sum / m;
    }
    return out;
}

Decomposition classicalDecompose(const std::vector<double> &y, int m, bool multiplicative)
{
    Decomposition d;
    const int n = static_cast<int>(y.size());
    d.trend = centredMovingAverage(y, m);
    d.figure.assign(static_cast<std::size_t>(m), multiplicative ? 1.0 : 0.0);
    std::vector<double> sum(static_cast<std::size_t>(m), 0.0);
    std::vector<int> cnt(static_cast<std::size_t>(m), 0);
    for (int t = 0; t < n; ++t) {
        const double tr = d.trend[static_cast<std::size_t>(t)];
        if (!std::isfinite(tr))
            continue;
        const double v = multiplicative ? y[static_cast<std::size_t>(t)] / tr : y[static_cast<std::size_t>(t)] - tr;
        if (!std::isfinite(v))
            continue;
        sum[static_cast<std::size_t>(t % m)] += v;
        ++cnt[static_cast<std::size_t>(t % m)];
    }
    double mean = 0.0;
    for (int i = 0; i < m; ++i) {
        if (cnt[static_cast<std::size_t>(i)] > 0)
            d.figure[static_cast<std::size_t>(i)] = sum[static_cast<std::size_t>(i)] / cnt[static_cast<std::size_t>(i)];
        mean += d.figure[static_cast<std::size_t>(i)];
    }
    mean /= m;
    for (auto &f : d.figure)
        f = multiplicative ? (mean != 0.0 ? f / mean : 1.0) : f - mean;
    d.seasonal.resize(y.size());
    for (int t = 0; t < n; ++t)
        d.seasonal[static_cast<std::size_t>(t)] = d.figure[static_cast<std::size_t>(t % m)];
    return d;
}

namespace {

// Per-phase means of x (period m), smoothed across cycles by averaging
// with neighbouring cycles so the component can drift slowly.
std::vector<double> phaseComponent(const std::vector<double> &x, int m)
{
    const int n = static_cast<int>(x.size());
    const int cycles = (n + m - 1) / m;
    std::vector<double> out(x.size(), 0.0);
    // Window of cycles each phase value averages over: wide enough to be
    // robust, narrow enough to follow a changing pattern.
    const int halfWindow = std::max(1, std::min(3, cycles / 4));
    for (int t = 0; t < n; ++t) {
        const int c = t / m;
        double s = 0.0;
        int k = 0;
        for (int cc = std::max(0, c - halfWindow); cc <= std::min(cycles - 1, c + halfWindow); ++cc) {
            const int u = cc * m + t % m;
            if (u < n && std::isfinite(x[static_cast<std::size_t>(u)])) {
                s += x[static_cast<std::size_t>(u)];
                ++k;
            }
        }
        out[static_cast<std::size_t>(t)] = k > 0 ? s / k : 0.0;
    }
    // Centre each cycle's component on zero, as in a decomposition. A last,
    // partial cycle cannot be centred on its own mean (its phases are not a
    // whole cycle): it takes the offset of the full cycle before it, else
    // the level of the phases it covers would stay in the seasonal part and
    // be repeated into the forecast.
    double previous = 0.0;
    for (int c = 0; c < cycles; ++c) {
        const int from = c * m, to = std::min(n, from + m);
        const double mean = to - from == m ? std::accumulate(out.begin() + from, out.begin() + to, 0.0) / m : previous;
        for (int t = from; t < to; ++t)
            out[static_cast<std::size_t>(t)] -= mean;
        previous = mean;
    }
    return out;
}

// Trend by a centred moving average, with the ends filled by the nearest value.
std::vector<double> filledTrend(const std::vector<double> &y, int m)
{
    auto tr = centredMovingAverage(y, m);
    const int n = static_cast<int>(y.size());
    int first = -1, last = -1;
    for (int t = 0; t < n; ++t)
        if (std::isfinite(tr[static_cast<std::size_t>(t)])) {
            if (first < 0)
                first = t;
            last = t;
        }
    if (first < 0) {
        const double mean = std::accumulate(y.begin(), y.end(), 0.0) / std::max<std::size_t>(1, y.size());
        return std::vector<double>(y.size(), mean);
    }
    for (int t = 0; t < first; ++t)
        tr[static_cast<std::size_t>(t)] = tr[static_cast<std::size_t>(first)];
    for (int t = last + 1; t < n; ++t)
        tr[static_cast<std::size_t>(t)] = tr[static_cast<std::size_t>(last)];
    return tr;
}

} // namespace

MultiSeasonal multiSeasonalDecompose(const std::vector<double> &y, std::vector<int> periods, int iterations)
{
    std::sort(periods.begin(), periods.end());
    MultiSeasonal out;
    out.periods = periods;
    out.seasonal.assign(periods.size(), std::vector<double>(y.size(), 0.0));
    const std::size_t n = y.size();
    for (int it = 0; it < std::max(1, iterations); ++it) {
        for (std::size_t k = 0; k < periods.size(); ++k) {
            std::vector<double> x(y);
            for (std::size_t o = 0; o < periods.size(); ++o)
                if (o != k)
                    for (std::size_t t = 0; t < n; ++t)
                        x[t] -= out.seasonal[o][t];
            const auto trend = filledTrend(x, periods[k]);
            for (std::size_t t = 0; t < n; ++t)
                x[t] -= trend[t];
            out.seasonal[k] = phaseComponent(x, periods[k]);
        }
    }
    out.adjusted = y;
    for (const auto &s : out.seasonal)
        for (std::size_t t = 0; t < n; ++t)
            out.adjusted[t] -= s[t];
    return out;
}

std::vector<double> repeatLastCycle(const std::vector<double> &seasonal, int period, int h)
{
    std::vector<double> out(static_cast<std::size_t>(std::max(0, h)), 0.0);
    const int n = static_cast<int>(seasonal.size());
    if (n < period || period < 1)
        return out;
    for (int j = 0; j < h; ++j)
        out[static_cast<std::size_t>(j)] = seasonal[static_cast<std::size_t>(n - period + (j % period))];
    return out;
}

double seasonalStrength(const std::vector<double> &y, int m)
{
    const int n = static_cast<int>(y.size());
    if (m < 2 || n < 2 * m + 1)
        return 0.0;
    // A seasonal component that may drift (as STL's s.window = 11 in
    // forecast::mstl), so a growing amplitude still counts as seasonal.
    const auto dec = multiSeasonalDecompose(y, {m}, 2);
    const auto trend = centredMovingAverage(dec.adjusted, m);
    double sr = 0, sr2 = 0, ss = 0, ss2 = 0;
    int k = 0;
    for (int t = 0; t < n; ++t) {
        const double tr = trend[static_cast<std::size_t>(t)];
        if (!std::isfinite(tr))
            continue;
        const double seas = dec.seasonal[0][static_cast<std::size_t>(t)];
        const double r = dec.adjusted[static_cast<std::size_t>(t)] - tr;
        sr += r;
        sr2 += r * r;
        ss += r + seas;
        ss2 += (r + seas) * (r + seas);
        ++k;
    }
    if (k < 3)
        return 0.0;
    const double vr = sr2 / k - (sr / k) * (sr / k);
    const double vs = ss2 / k - (ss / k) * (ss / k);
    if (!(vs > 0))
        return 0.0;
    return std::clamp(1.0 - vr / vs, 0.0, 1.0);
}

} // namespace tidemark::forecast
