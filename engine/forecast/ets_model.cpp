#include "forecast/ets_model.h"

#include <algorithm>
#include <cmath>
#include <random>


namespace tidemark::forecast {

namespace {

constexpr double kTol = 1e-10;
constexpr double kHuge = 1e10;

// Seasonal states in a ring: s[i] (R's order, 0 = most recent) lives at
// ring[(oldest + m - 1 - i) % m]; the oldest one applies to the next value.
struct Ring {
    double *r;
    int m;
    int oldest = 0;
    double &next() { return r[oldest]; }
    double ahead(int i) const { return r[(oldest + i) % m]; }
    void push(double v)
    {
        r[oldest] = v;
        oldest = (oldest + 1) % m;
    }
};

struct Step {
    double q, phib; // level+growth term and damped growth
};

inline double oneStep(const EtsSpec &s, double l, double b, double seas, const EtsParams &p, Step &st)
{
    double f;
    switch (s.trend) {
    case EtsTrend::None:
        st.q = l;
        st.phib = 0.0;
        break;
    case EtsTrend::Additive:
        st.phib = p.phi * b;
        st.q = l + st.phib;
        break;
    case EtsTrend::Multiplicative:
        if (b < 0)
            return NAN;
        st.phib = std::fabs(p.phi - 1.0) < kTol ? b : std::pow(b, p.phi);
        st.q = l * st.phib;
        break;
    }
    f = st.q;
    if (s.season == EtsSeason::Additive)
        f += seas;
    else if (s.season == EtsSeason::Multiplicative)
        f *= seas;
    return f;
}

inline void update(const EtsSpec &s, const EtsParams &p, double &l, double &b, double &seasOld, const Step &st,
                   double y)
{
    const double oldl = l;
    double pp;
    if (s.season == EtsSeason::None)
        pp = y;
    else if (s.season == EtsSeason::Additive)
        pp = y - seasOld;
    else
        pp = std::fabs(seasOld) < kTol ? kHuge : y / seasOld;
    l = st.q + p.alpha * (pp - st.q);
    if (s.trend != EtsTrend::None) {
        double r;
        if (s.trend == EtsTrend::Additive)
            r = l - oldl;
        else
            r = std::fabs(oldl) < kTol ? kHuge : l / oldl;
        b = st.phib + (p.beta / p.alpha) * (r - st.phib);
    }
    if (s.season != EtsSeason::None) {
        double t;
        if (s.season == EtsSeason::Additive)
            t = y - st.q;
        else
            t = std::fabs(st.q) < kTol ? kHuge : y / st.q;
        seasOld = seasOld + p.gamma * (t - seasOld); // becomes the newest season
    }
}

} // namespace

std::string EtsSpec::name() const
{
    std::string n = "ETS(";
    n += error == EtsError::Additive ? "A" : "M";
    n += ",";
    n += trend == EtsTrend::None ? "N" : trend == EtsTrend::Additive ? "A" : "M";
    if (trend != EtsTrend::None && damped)
        n += "d";
    n += ",";
    n += season == EtsSeason::None ? "N" : season == EtsSeason::Additive ? "A" : "M";
    return n + ")";
}

int EtsSpec::freeStates() const
{
    return 1 + (trend != EtsTrend::None ? 1 : 0) + (season != EtsSeason::None ? period - 1 : 0);
}

bool EtsSpec::linear() const
{
    return error == EtsError::Additive && trend != EtsTrend::Multiplicative && season != EtsSeason::Multiplicative;
}

EtsRun etsRun(const EtsSpec &spec, const EtsParams &par, const EtsState &x0, const double *y, int n,
              std::vector<double> *residuals, std::vector<double> *fitted)
{
    EtsRun out;
    const int m = spec.season == EtsSeason::None ? 1 : spec.period;
    double buf[400];
    std::vector<double> big;
    double *r = buf;
    if (m > 400) {
        big.resize(static_cast<std::size_t>(m));
        r = big.data();
    }
    Ring ring{r, m};
    if (spec.season != EtsSeason::None)
        for (int k = 0; k < m; ++k)
            r[k] = x0.season[static_cast<std::size_t>(m - 1 - k)];
    double l = x0.level, b = x0.growth;
    double sse = 0.0, logf = 0.0, sse1 = 0.0;
    if (residuals)
        residuals->assign(static_cast<std::size_t>(n), 0.0);
    if (fitted)
        fitted->assign(static_cast<std::size_t>(n), 0.0);
    Step st{};
    for (int t = 0; t < n; ++t) {
        const double seas = spec.season == EtsSeason::None ? 0.0 : ring.next();
        const double f = oneStep(spec, l, b, seas, par, st);
        if (!std::isfinite(f))
            return out;
        const double yt = y[t];
        const double e = spec.error == EtsError::Additive ? yt - f : (yt - f) / f;
        if (residuals)
            (*residuals)[static_cast<std::size_t>(t)] = e;
        if (fitted)
            (*fitted)[static_cast<std::size_t>(t)] = f;
        sse += e * e;
        sse1 += (yt - f) * (yt - f);
        if (spec.error == EtsError::Multiplicative)
            logf += std::log(std::fabs(f));
        double s = seas;
        update(spec, par, l, b, s, st, yt);
        if (spec.season != EtsSeason::None)
            ring.push(s);
    }
    if (!(sse > 0.0) || !std::isfinite(sse)) {
        // A perfect fit: keep the likelihood finite so selection still works.
        sse = std::max(sse, 1e-300);
        if (!std::isfinite(sse))
            return out;
    }
    out.lik = n * std::log(sse) + 2.0 * logf;
    out.sse = sse;
    out.amse = sse1 / std::max(1, n);
    out.final.level = l;
    out.final.growth = b;
    if (spec.season != EtsSeason::None) {
        out.final.season.resize(static_cast<std::size_t>(m));
        for (int i = 0; i < m; ++i)
            out.final.season[static_cast<std::size_t>(i)] = r[(ring.oldest + m - 1 - i) % m];
    }
    out.ok = std::isfinite(out.lik);
    return out;
}

double etsStep(const EtsSpec &spec, const EtsParams &par, EtsState &state, double y)
{
    const int m = static_cast<int>(state.season.size());
    Step st{};
    const double seas = spec.season == EtsSeason::None ? 0.0 : state.season[static_cast<std::size_t>(m - 1)];
    const double f = oneStep(spec, state.level, state.growth, seas, par, st);
    if (!std::isfinite(f))
        return NAN;
    double s = seas;
    update(spec, par, state.level, state.growth, s, st, y);
    if (spec.season != EtsSeason::None) {
        std::rotate(state.season.rbegin(), state.season.rbegin() + 1, state.season.rend());
        state.season[0] = s;
    }
    return f;
}

std::vector<double> etsPointForecast(const EtsSpec &spec, const EtsParams &par, const EtsState &state, int h)
{
    std::vector<double> f(static_cast<std::size_t>(std::max(0, h)));
    const int m = static_cast<int>(state.season.size());
    double phistar = par.phi;
    const double phi = spec.damped ? par.phi : 1.0;
    if (!spec.damped)
        phistar = 1.0;
    for (int i = 0; i < h; ++i) {
        double v;
        switch (spec.trend) {
        case EtsTrend::None:
            v = state.level;
            break;
        case EtsTrend::Additive:
            v = state.level + phistar * state.growth;
            break;
        default:
            v = state.growth < 0 ? NAN : state.level * std::pow(state.growth, phistar);
            break;
        }
        if (spec.season != EtsSeason::None) {
            int j = m - 1 - i;
            while (j < 0)
                j += m;
            if (spec.season == EtsSeason::Additive)
                v += state.season[static_cast<std::size_t>(j)];
            else
                v *= state.season[static_cast<std::size_t>(j)];
        }
        f[static_cast<std::size_t>(i)] = v;
        phistar += std::fabs(phi - 1.0) < kTol ? 1.0 : std::pow(phi, i + 2);
    }
    return f;
}

ModelForecast etsForecast(const EtsFit &fit, int h, int paths, std::uint64_t seed)
{
    ModelForecast out;
    const EtsSpec &s = fit.spec;
    out.mean = etsPointForecast(s, fit.params, fit.final, h);
    const double sigma = std::sqrt(std::max(0.0, fit.sigma2));
    if (s.linear()) {
        // Hyndman et al. (2008) Table 6.1: c_j = alpha + beta·phi_j + gamma·d_{j,m}.
        std::vector<double> psi(static_cast<std::size_t>(h), 1.0);
        double phij = 0.0;
        for (int j = 1; j < h; ++j) {
            const double phi = s.damped ? fit.params.phi : 1.0;
            phij += std::pow(phi, j);
            double c = fit.params.alpha;
            if (s.trend != EtsTrend::None)
                c += fit.params.beta * phij;
            if (s.season != EtsSeason::None && j % s.period == 0)
                c += fit.params.gamma;
            psi[static_cast<std::size_t>(j)] = c;
        }
        out.uncertainty = gaussianUncertainty(sigma, std::move(psi));
        return out;
    }
    // Non-linear models: sample paths with Gaussian innovations.
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> norm(0.0, sigma);
    std::vector<double> sims(static_cast<std::size_t>(paths) * static_cast<std::size_t>(h));
    std::vector<double> meanSim(static_cast<std::size_t>(h), 0.0);
    for (int r = 0; r < paths; ++r) {
        EtsState st = fit.final;
        for (int j = 0; j < h; ++j) {
            const int m = static_cast<int>(st.season.size());
            Step step{};
            const double seas = s.season == EtsSeason::None ? 0.0 : st.season[static_cast<std::size_t>(m - 1)];
            double f = oneStep(s, st.level, st.growth, seas, fit.params, step);
            if (!std::isfinite(f))
                f = out.mean[static_cast<std::size_t>(j)];
            const double e = norm(rng);
            double y = s.error == EtsError::Additive ? f + e : f * (1.0 + e);
            if (!std::isfinite(y))
                y = f;
            sims[static_cast<std::size_t>(r * h + j)] = y;
            etsStep(s, fit.params, st, y);
        }
    }
    // Point forecasts of R stay the state-space "mean"; intervals come from
    // the simulated paths around it.
    out.uncertainty = pathUncertainty(std::move(sims), paths, h, out.mean);
    return out;
}

namespace {

// Schur-Cohn recursion: true when every root of a[0] + a[1]z + … has
// modulus ≤ 1 + 1e-10 (forecast:::admissible uses polyroot for this). O(d²)
// instead of an eigenvalue problem: it runs at every likelihood evaluation.
bool rootsWithinUnitCircle(std::vector<double> a)
{
    while (a.size() > 1 && std::fabs(a.back()) < 1e-300)
        a.pop_back();
    // Roots of p(rz) are roots/r: scaling the coefficients gives the tolerance.
    constexpr double r = 1.0 + 1e-10;
    double rk = 1.0;
    for (auto &c : a) {
        c *= rk;
        rk *= r;
    }
    while (a.size() > 1) {
        const std::size_t d = a.size() - 1;
        if (std::fabs(a[0]) >= std::fabs(a[d]))
            return false;
        std::vector<double> c(d);
        double big = 0.0;
        for (std::size_t k = 1; k <= d; ++k) {
            c[k - 1] = a[d] * a[k] - a[0] * a[d - k];
            big = std::max(big, std::fabs(c[k - 1]));
        }
        if (!(big > 0.0))
            return false;
        for (auto &x : c)
            x /= big;
        a = std::move(c);
    }
    return true;
}

} // namespace

bool etsAdmissible(const EtsSpec &spec, const EtsParams &p)
{
    const double phi = spec.damped ? p.phi : 1.0;
    const bool hasTrend = spec.trend != EtsTrend::None;
    if (phi < 0 || phi > 1 + 1e-8)
        return false;
    if (spec.season == EtsSeason::None || spec.period <= 1) {
        if (p.alpha < 1 - 1 / phi || p.alpha > 1 + 1 / phi)
            return false;
        if (hasTrend && (p.beta < p.alpha * (phi - 1) || p.beta > (1 + phi) * (2 - p.alpha)))
            return false;
        return true;
    }
    const int m = spec.period;
    const double beta = hasTrend ? p.beta : 0.0;
    const double a = p.alpha, g = p.gamma;
    if (g < std::max(1 - 1 / phi - a, 0.0) || g > 1 + 1 / phi - a)
        return false;
    if (a < 1 - 1 / phi - g * (1 - m + phi + phi * m) / (2 * phi * m))
        return false;
    if (beta < -(1 - phi) * (g / m + a))
        return false;
    // Characteristic polynomial of forecast:::admissible, lowest power first.
    std::vector<double> P;
    P.push_back(phi * (1 - a - g));
    P.push_back(a + beta - a * phi + g - 1);
    for (int i = 0; i < m - 2; ++i)
        P.push_back(a + beta - a * phi);
    P.push_back(a + beta - phi);
    P.push_back(1.0);
    return rootsWithinUnitCircle(std::move(P));
}

} // namespace tidemark::forecast
