#include "forecast/series_prep.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "forecast/decomposition.h"

namespace tidemark::forecast {

namespace {

void interpolateGaps(std::vector<double> &v, int &filled)
{
    const int n = static_cast<int>(v.size());
    int last = -1;
    for (int t = 0; t < n; ++t) {
        if (!std::isfinite(v[static_cast<std::size_t>(t)]))
            continue;
        if (last >= 0 && t - last > 1) {
            const double a = v[static_cast<std::size_t>(last)], b = v[static_cast<std::size_t>(t)];
            for (int u = last + 1; u < t; ++u) {
                v[static_cast<std::size_t>(u)] = a + (b - a) * (u - last) / static_cast<double>(t - last);
                ++filled;
            }
        }
        last = t;
    }
}

} // namespace

Result<RegularSeries> prepareSeries(const std::vector<double> &values, const std::vector<std::int64_t> &ts,
                                    std::int64_t stepMs)
{
    RegularSeries out;
    if (!ts.empty() && ts.size() != values.size())
        return fail(ErrorCode::InvalidArgument, "timestamps and values differ in length",
                    "give one timestamp per value, or none for a regular series");
    // Drop non-finite ends.
    std::size_t first = 0, last = values.size();
    while (first < last && !std::isfinite(values[first]))
        ++first;
    while (last > first && !std::isfinite(values[last - 1]))
        --last;
    if (first == last)
        return fail(ErrorCode::InvalidArgument, "the series has no finite value", "collect samples first");
    out.trimmed = static_cast<int>(first + (values.size() - last));
    if (ts.empty()) {
        out.values.assign(values.begin() + static_cast<std::ptrdiff_t>(first),
                          values.begin() + static_cast<std::ptrdiff_t>(last));
        out.stepMs = stepMs;
        interpolateGaps(out.values, out.filled);
        return out;
    }
    std::vector<std::int64_t> t;
    std::vector<double> v;
    for (std::size_t i = first; i < last; ++i) {
        if (!std::isfinite(values[i]))
            continue;
        if (!t.empty() && ts[i] < t.back())
            return fail(ErrorCode::InvalidArgument, "timestamps are not in increasing order",
                        "sort the samples by time");
        if (!t.empty() && ts[i] == t.back()) {
            v.back() = values[i]; // the later sample of a duplicate wins
            continue;
        }
        t.push_back(ts[i]);
        v.push_back(values[i]);
    }
    if (t.size() == 1) {
        out.values = v;
        out.startMs = t[0];
        out.stepMs = stepMs;
        return out;
    }
    if (stepMs <= 0) {
        std::vector<std::int64_t> d(t.size() - 1);
        for (std::size_t i = 1; i < t.size(); ++i)
            d[i - 1] = t[i] - t[i - 1];
        std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2), d.end());
        stepMs = std::max<std::int64_t>(1, d[d.size() / 2]);
    }
    out.startMs = t.front();
    out.stepMs = stepMs;
    const std::int64_t span = t.back() - t.front();
    const std::int64_t points = span / stepMs + 1;
    if (points > 5'000'000)
        return fail(ErrorCode::InvalidArgument, "the sampling step is too fine for the time span",
                    "resample to a coarser step before forecasting");
    out.values.resize(static_cast<std::size_t>(points));
    std::size_t j = 0;
    bool irregular = false;
    for (std::int64_t k = 0; k < points; ++k) {
        const std::int64_t at = out.startMs + k * stepMs;
        while (j + 1 < t.size() && t[j + 1] <= at)
            ++j;
        if (t[j] == at) {
            out.values[static_cast<std::size_t>(k)] = v[j];
        } else if (j + 1 < t.size()) {
            const double w = static_cast<double>(at - t[j]) / static_cast<double>(t[j + 1] - t[j]);
            out.values[static_cast<std::size_t>(k)] = v[j] + w * (v[j + 1] - v[j]);
            irregular = true;
            if (t[j + 1] - t[j] > 2 * stepMs)
                ++out.filled;
        } else {
            out.values[static_cast<std::size_t>(k)] = v[j];
        }
    }
    out.resampled = irregular;
    return out;
}

std::vector<double> autocorrelation(const std::vector<double> &y, int maxLag)
{
    const int n = static_cast<int>(y.size());
    std::vector<double> r(static_cast<std::size_t>(std::max(0, maxLag) + 1), 0.0);
    if (n < 2)
        return r;
    const double mean = std::accumulate(y.begin(), y.end(), 0.0) / n;
    double c0 = 0.0;
    for (double v : y)
        c0 += (v - mean) * (v - mean);
    r[0] = 1.0;
    if (!(c0 > 0.0))
        return r;
    for (int k = 1; k <= maxLag && k < n; ++k) {
        double c = 0.0;
        for (int t = k; t < n; ++t)
            c += (y[static_cast<std::size_t>(t)] - mean) * (y[static_cast<std::size_t>(t - k)] - mean);
        r[static_cast<std::size_t>(k)] = c / c0;
    }
    return r;
}

bool seasonalAcfTest(const std::vector<double> &y, int m)
{
    const int n = static_cast<int>(y.size());
    if (m < 2 || n <= 2 * m)
        return false;
    const auto r = autocorrelation(y, m);
    double s = 0.0;
    for (int k = 1; k < m; ++k)
        s += r[static_cast<std::size_t>(k)] * r[static_cast<std::size_t>(k)];
    const double stat = std::sqrt((1 + 2 * s) / n);
    return std::fabs(r[static_cast<std::size_t>(m)]) / stat > 1.6448536269514722;
}

std::vector<int> candidatePeriods(std::int64_t stepMs, int n)
{
    std::vector<int> out;
    if (stepMs <= 0)
        return out;
    constexpr std::int64_t kDay = 86'400'000, kWeek = 7 * kDay;
    for (const std::int64_t cycle : {kDay, kWeek}) {
        if (cycle % stepMs != 0 && cycle / stepMs < 4)
            continue;
        const auto p = static_cast<int>((cycle + stepMs / 2) / stepMs);
        if (p >= 2 && n >= 2 * p && std::find(out.begin(), out.end(), p) == out.end())
            out.push_back(p);
    }
    return out;
}

std::vector<int> detectPeriods(const std::vector<double> &y, std::int64_t stepMs)
{
    std::vector<int> found;
    const int n = static_cast<int>(y.size());
    const auto candidates = candidatePeriods(stepMs, n);
    if (candidates.empty())
        return found;
    // Remove a linear trend so growth does not pass for seasonality.
    std::vector<double> d(y);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int t = 0; t < n; ++t) {
        sx += t;
        sy += y[static_cast<std::size_t>(t)];
        sxx += static_cast<double>(t) * t;
        sxy += t * y[static_cast<std::size_t>(t)];
    }
    const double den = n * sxx - sx * sx;
    const double b = den != 0 ? (n * sxy - sx * sy) / den : 0.0, a = (sy - b * sx) / n;
    for (int t = 0; t < n; ++t)
        d[static_cast<std::size_t>(t)] -= a + b * t;
    for (int p : candidates) {
        if (seasonalAcfTest(d, p) && seasonalStrength(d, p) >= 0.3) {
            found.push_back(p);
            // A weekly cycle of hourly data repeats the daily one: test the
            // longer cycle on what the shorter one leaves.
            const auto dec = classicalDecompose(d, p, false);
            for (int t = 0; t < n; ++t)
                d[static_cast<std::size_t>(t)] -= dec.seasonal[static_cast<std::size_t>(t)];
        }
    }
    return found;
}

} // namespace tidemark::forecast
