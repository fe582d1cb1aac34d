#include "forecast/uncertainty.h"

#include <algorithm>
#include <cmath>

namespace tidemark::forecast {

double normalQuantile(double p)
{
    if (p <= 0.0)
        return -1e300;
    if (p >= 1.0)
        return 1e300;
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    const double plow = 0.02425;
    if (p < plow) {
        const double q = std::sqrt(-2 * std::log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - plow) {
        const double q = std::sqrt(-2 * std::log(1 - p));
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    const double q = p - 0.5, r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

double normalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

namespace {

class GaussianUncertainty final : public Uncertainty {
public:
    GaussianUncertainty(double sigma, std::vector<double> psi) : m_sigma(sigma), m_psi(std::move(psi))
    {
        m_cum.resize(m_psi.size() + 1, 0.0);
        for (std::size_t i = 0; i < m_psi.size(); ++i)
            m_cum[i + 1] = m_cum[i] + m_psi[i];
        m_var.resize(m_psi.size());
        double v = 0.0;
        for (std::size_t j = 0; j < m_psi.size(); ++j) {
            v += m_psi[j] * m_psi[j];
            m_var[j] = v;
        }
    }
    int horizon() const override { return static_cast<int>(m_psi.size()); }
    double stepQuantile(int j, double p) const override
    {
        j = std::clamp(j, 0, horizon() - 1);
        return m_sigma * std::sqrt(m_var[static_cast<std::size_t>(j)]) * normalQuantile(p);
    }
    double sumQuantile(int first, int count, double p) const override
    {
        // Innovation i (0-based step) enters steps j ≥ i with weight psi[j-i];
        // within the window its total weight is Σ psi[max(first,i)-i .. last-i].
        const int last = std::min(first + count, horizon()) - 1;
        double v = 0.0;
        for (int i = 0; i <= last; ++i) {
            const int from = std::max(first, i) - i, to = last - i;
            const double w = m_cum[static_cast<std::size_t>(to + 1)] - m_cum[static_cast<std::size_t>(from)];
            v += w * w;
        }
        return m_sigma * std::sqrt(v) * normalQuantile(p);
    }

private:
    double m_sigma;
    std::vector<double> m_psi, m_cum, m_var;
};

double empiricalQuantile(std::vector<double> &v, double p)
{
    if (v.empty())
        return 0.0;
    // Type 7 (R's default): linear between order statistics.
    const double pos = p * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, v.size() - 1);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
    const double a = v[lo];
    double b = a;
    if (hi != lo)
        b = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
    return a + (pos - static_cast<double>(lo)) * (b - a);
}

class PathUncertainty final : public Uncertainty {
public:
    PathUncertainty(std::vector<double> paths, int nPaths, int h, const std::vector<double> &mean)
        : m_dev(std::move(paths)), m_n(nPaths), m_h(h)
    {
        for (int r = 0; r < m_n; ++r)
            for (int j = 0; j < m_h; ++j) {
                double &d = m_dev[static_cast<std::size_t>(r * m_h + j)];
                d = std::isfinite(d) ? d - mean[static_cast<std::size_t>(j)] : 0.0;
            }
    }
    int horizon() const override { return m_h; }
    double stepQuantile(int j, double p) const override
    {
        j = std::clamp(j, 0, m_h - 1);
        std::vector<double> v(static_cast<std::size_t>(m_n));
        for (int r = 0; r < m_n; ++r)
            v[static_cast<std::size_t>(r)] = m_dev[static_cast<std::size_t>(r * m_h + j)];
        return empiricalQuantile(v, p);
    }
    double sumQuantile(int first, int count, double p) const override
    {
        const int last = std::min(first + count, m_h);
        std::vector<double> v(static_cast<std::size_t>(m_n), 0.0);
        for (int r = 0; r < m_n; ++r)
            for (int j = std::max(first, 0); j < last; ++j)
                v[static_cast<std::size_t>(r)] += m_dev[static_cast<std::size_t>(r * m_h + j)];
        return empiricalQuantile(v, p);
    }

private:
    std::vector<double> m_dev;
    int m_n, m_h;
};

class AveragedUncertainty final : public Uncertainty {
public:
    explicit AveragedUncertainty(std::vector<std::shared_ptr<const Uncertainty>> parts) : m_parts(std::move(parts)) {}
    int horizon() const override
    {
        int h = 1 << 30;
        for (const auto &p : m_parts)
            h = std::min(h, p->horizon());
        return h;
    }
    double stepQuantile(int j, double p) const override
    {
        double s = 0.0;
        for (const auto &u : m_parts)
            s += u->stepQuantile(j, p);
        return s / static_cast<double>(m_parts.size());
    }
    double sumQuantile(int first, int count, double p) const override
    {
        double s = 0.0;
        for (const auto &u : m_parts)
            s += u->sumQuantile(first, count, p);
        return s / static_cast<double>(m_parts.size());
    }

private:
    std::vector<std::shared_ptr<const Uncertainty>> m_parts;
};

class ScaledUncertainty final : public Uncertainty {
public:
    ScaledUncertainty(std::shared_ptr<const Uncertainty> base, std::vector<double> f)
        : m_base(std::move(base)), m_f(std::move(f))
    {
    }
    int horizon() const override { return m_base->horizon(); }
    double stepQuantile(int j, double p) const override
    {
        return m_base->stepQuantile(j, p) * factor(j);
    }
    double sumQuantile(int first, int count, double p) const override
    {
        // Approximation: scale the window's spread by the mean factor.
        double f = 0.0;
        for (int j = first; j < first + count; ++j)
            f += factor(j);
        return m_base->sumQuantile(first, count, p) * f / std::max(1, count);
    }

private:
    double factor(int j) const
    {
        return m_f.empty() ? 1.0 : m_f[static_cast<std::size_t>(std::clamp(j, 0, static_cast<int>(m_f.size()) - 1))];
    }
    std::shared_ptr<const Uncertainty> m_base;
    std::vector<double> m_f;
};

class IndependentUncertainty final : public Uncertainty {
public:
    explicit IndependentUncertainty(std::vector<double> sd) : m_sd(std::move(sd)) {}
    int horizon() const override { return static_cast<int>(m_sd.size()); }
    double stepQuantile(int j, double p) const override
    {
        return m_sd[static_cast<std::size_t>(std::clamp(j, 0, horizon() - 1))] * normalQuantile(p);
    }
    double sumQuantile(int first, int count, double p) const override
    {
        double v = 0.0;
        for (int j = std::max(0, first); j < std::min(first + count, horizon()); ++j)
            v += m_sd[static_cast<std::size_t>(j)] * m_sd[static_cast<std::size_t>(j)];
        return std::sqrt(v) * normalQuantile(p);
    }

private:
    std::vector<double> m_sd;
};

// Scales a spread per coverage level; see calibratedUncertainty().
class CalibratedUncertainty final : public Uncertainty {
public:
    CalibratedUncertainty(std::shared_ptr<const Uncertainty> base, double f80, double f95)
        : m_base(std::move(base)), m_f80(f80), m_f95(f95)
    {
    }
    int horizon() const override { return m_base->horizon(); }
    double stepQuantile(int j, double p) const override
    {
        return map(p, [&](double q) { return m_base->stepQuantile(j, q); });
    }
    double sumQuantile(int first, int count, double p) const override
    {
        return map(p, [&](double q) { return m_base->sumQuantile(first, count, q); });
    }

private:
    template <class Quantile> double map(double p, const Quantile &base) const
    {
        const double level = std::fabs(2.0 * p - 1.0);
        const double b = base(p);
        if (level <= 0.8)
            return b * m_f80;
        const double side = p < 0.5 ? -1.0 : 1.0;
        const double b80 = base(0.5 + side * 0.4), b95 = base(0.5 + side * 0.475);
        const double a80 = b80 * m_f80;
        // The 95 % edge never inside the 80 % edge, even when the 80 % band
        // needed more widening than the 95 % one.
        const double f95 = std::fabs(b95) > 0 ? std::max(m_f95, std::fabs(a80 / b95)) : m_f95;
        if (level >= 0.95)
            return b * f95;
        const double a95 = b95 * f95;
        const double w = b95 != b80 ? std::clamp((b - b80) / (b95 - b80), 0.0, 1.0) : 0.0;
        return a80 + w * (a95 - a80);
    }
    std::shared_ptr<const Uncertainty> m_base;
    double m_f80, m_f95;
};

// The scale that puts `e` on the edge of the band [lower, upper]; a band of
// zero width on the error's side cannot be scaled to cover it.
double requiredScale(double e, double lower, double upper)
{
    if (e == 0.0)
        return 0.0;
    const double edge = e > 0 ? upper : lower;
    return edge != 0.0 && std::isfinite(e / edge) ? std::max(0.0, e / edge) : HUGE_VAL;
}

double conformalFactor(std::vector<double> scales, double level)
{
    std::sort(scales.begin(), scales.end());
    const auto n = static_cast<double>(scales.size());
    const auto k = static_cast<std::size_t>(std::ceil((n + 1.0) * level - 1e-9));
    const double s = k >= 1 && k <= scales.size() ? scales[k - 1] : HUGE_VAL;
    return std::clamp(std::isfinite(s) ? s : kMaxCalibrationFactor, 1.0, kMaxCalibrationFactor);
}

} // namespace

IntervalCalibration calibrationFromBacktests(const std::vector<BacktestError> &errors, int origins)
{
    IntervalCalibration c;
    if (static_cast<int>(errors.size()) < kMinCalibrationErrors || origins < kMinCalibrationOrigins)
        return c;
    std::vector<double> s80, s95;
    for (const auto &e : errors) {
        if (!std::isfinite(e.error))
            continue;
        s80.push_back(requiredScale(e.error, e.lower80, e.upper80));
        s95.push_back(requiredScale(e.error, e.lower95, e.upper95));
    }
    if (static_cast<int>(s95.size()) < kMinCalibrationErrors)
        return c;
    c.points = static_cast<int>(s95.size());
    c.factor80 = conformalFactor(std::move(s80), 0.8);
    c.factor95 = conformalFactor(std::move(s95), 0.95);
    c.origins = origins;
    return c;
}

std::shared_ptr<const Uncertainty> gaussianUncertainty(double sigma, std::vector<double> psi)
{
    return std::make_shared<GaussianUncertainty>(std::isfinite(sigma) ? std::max(0.0, sigma) : 0.0, std::move(psi));
}

std::shared_ptr<const Uncertainty> pathUncertainty(std::vector<double> paths, int nPaths, int h,
                                                   const std::vector<double> &mean)
{
    return std::make_shared<PathUncertainty>(std::move(paths), nPaths, h, mean);
}

std::shared_ptr<const Uncertainty> averagedUncertainty(std::vector<std::shared_ptr<const Uncertainty>> parts)
{
    return std::make_shared<AveragedUncertainty>(std::move(parts));
}

std::shared_ptr<const Uncertainty> scaledUncertainty(std::shared_ptr<const Uncertainty> base, std::vector<double> factor)
{
    return std::make_shared<ScaledUncertainty>(std::move(base), std::move(factor));
}

std::shared_ptr<const Uncertainty> independentUncertainty(std::vector<double> sd)
{
    return std::make_shared<IndependentUncertainty>(std::move(sd));
}

std::shared_ptr<const Uncertainty> calibratedUncertainty(std::shared_ptr<const Uncertainty> base,
                                                         const IntervalCalibration &c)
{
    if (!base || (c.factor80 == 1.0 && c.factor95 == 1.0))
        return base;
    return std::make_shared<CalibratedUncertainty>(std::move(base), c.factor80, c.factor95);
}

} // namespace tidemark::forecast
