#include "forecast/ets_model.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "forecast/ets_recursions.h"

namespace tidemark::forecast {

using namespace recursions;

namespace {

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

namespace {

// Seasonal states of x0 in application order (see recursions::runScalar) in
// `r`, which is `buf` or, for long periods, `big`.
double *seasonsInOrder(const EtsSpec &spec, const EtsState &x0, double *buf, int bufSize, std::vector<double> &big)
{
    if (spec.season == EtsSeason::None)
        return buf;
    const int m = spec.period;
    double *r = buf;
    if (m > bufSize) {
        big.resize(static_cast<std::size_t>(m));
        r = big.data();
    }
    for (int k = 0; k < m; ++k)
        r[k] = x0.season[static_cast<std::size_t>(m - 1 - k)];
    return r;
}

constexpr int kStackSeasons = 400;

KernelIn<double> kernelIn(const EtsParams &par, const EtsState &x0)
{
    return {par.alpha, par.beta / par.alpha, par.gamma, par.phi, x0.level, x0.growth};
}

double scalarLikelihood(const EtsSpec &spec, const EtsParams &par, const EtsState &x0, const double *y, int n)
{
    const int m = spec.season == EtsSeason::None ? 1 : spec.period;
    double buf[kStackSeasons];
    std::vector<double> big;
    double *r = seasonsInOrder(spec, x0, buf, kStackSeasons, big);
    KernelOut<double> out;
    scalarKernel<false>(spec, unitPhi(spec, par.phi))(kernelIn(par, x0), r, m, y, n, nullptr, nullptr, out);
    return likFromSums(out.ok, out.sse, out.logf[0], n);
}

void scalarLikelihoods(const EtsRunSet &set, int first, int count, const double *y, int n)
{
    for (int i = first; i < first + count; ++i)
        set.lik[i] = scalarLikelihood(set.spec, set.par[i], set.x0[i], y, n);
}

#if TIDEMARK_ETS_LANES
// Up to kLanes runs of one set; unused lanes repeat the pack's first run.
struct Pack {
    const EtsRunSet *set;
    int first, count;
};

// Packs that can run in one loop: same season, no or additive trend.
bool canPair(const EtsSpec &a, const EtsSpec &b)
{
    return a.season == b.season && (a.season == EtsSeason::None || a.period == b.period) &&
        a.trend != EtsTrend::Multiplicative && b.trend != EtsTrend::Multiplicative;
}

// One pack, or two packs that canPair, in one loop.
TIDEMARK_LANES_TARGET void runPackGroup(const Pack *packs, int nPacks, const double *y, int n)
{
    const EtsSpec &spec = packs[0].set->spec;
    const int m = spec.season == EtsSeason::None ? 1 : spec.period;
    // Packs in kernel order: a pair's kinds ascending.
    int kinds[2] = {0, -1}, order[2] = {0, 1};
    for (int p = 0; p < nPacks; ++p) {
        bool allUnit = true;
        for (int i = packs[p].first; i < packs[p].first + packs[p].count; ++i)
            allUnit = allUnit && unitPhi(packs[p].set->spec, packs[p].set->par[i].phi);
        // A pair uses the general phi (phi·b is b for phi = 1).
        kinds[p] = packKind(packs[p].set->spec, allUnit && nPacks == 1);
    }
    if (nPacks == 2 && kinds[0] > kinds[1]) {
        std::swap(kinds[0], kinds[1]);
        std::swap(order[0], order[1]);
    }
    KernelIn<Lanes> in[2];
    Lanes *rings[2];
    constexpr int kStack = 64;
    Lanes stack[2 * kStack];
    std::vector<Lanes> heap;
    Lanes *buf = stack;
    if (m > kStack) {
        heap.resize(2 * static_cast<std::size_t>(m));
        buf = heap.data();
    }
    for (int p = 0; p < nPacks; ++p) {
        const Pack &pk = packs[order[p]];
        rings[p] = buf + static_cast<std::ptrdiff_t>(p) * m;
        for (int j = 0; j < kLanes; ++j) {
            const int i = pk.first + (j < pk.count ? j : 0);
            const EtsState &x0 = pk.set->x0[i];
            const KernelIn<double> one = kernelIn(pk.set->par[i], x0);
            in[p].alpha[j] = one.alpha;
            in[p].betaStar[j] = one.betaStar;
            in[p].gamma[j] = one.gamma;
            in[p].phi[j] = one.phi;
            in[p].level[j] = one.level;
            in[p].growth[j] = one.growth;
            if (spec.season != EtsSeason::None)
                for (int k = 0; k < m; ++k)
                    rings[p][k][j] = x0.season[static_cast<std::size_t>(m - 1 - k)];
        }
    }
    KernelOut<Lanes> out[2];
    packKernel(spec.season, kinds[0], kinds[1])(in, rings, m, y, n, out);
    for (int p = 0; p < nPacks; ++p) {
        const Pack &pk = packs[order[p]];
        for (int j = 0; j < pk.count; ++j) {
            double sse = out[p].sse[j];
            pk.set->lik[pk.first + j] = likFromSums(out[p].ok && !out[p].failed[j], sse, out[p].logf[j], n);
        }
    }
}

void runPack(const Pack &p, const double *y, int n)
{
    if (p.count == 1)
        scalarLikelihoods(*p.set, p.first, 1, y, n);
    else
        runPackGroup(&p, 1, y, n);
}
#endif

} // namespace

EtsRun etsRun(const EtsSpec &spec, const EtsParams &par, const EtsState &x0, const double *y, int n,
              std::vector<double> *residuals, std::vector<double> *fitted)
{
    EtsRun out;
    const int m = spec.season == EtsSeason::None ? 1 : spec.period;
    double buf[kStackSeasons];
    std::vector<double> big;
    double *r = seasonsInOrder(spec, x0, buf, kStackSeasons, big);
    if (residuals)
        residuals->assign(static_cast<std::size_t>(n), 0.0);
    if (fitted)
        fitted->assign(static_cast<std::size_t>(n), 0.0);
    KernelOut<double> sums;
    scalarKernel<true>(spec, unitPhi(spec, par.phi))(kernelIn(par, x0), r, m, y, n,
                                                     residuals ? residuals->data() : nullptr,
                                                     fitted ? fitted->data() : nullptr, sums);
    const double lik = likFromSums(sums.ok, sums.sse, sums.logf[0], n);
    if (std::isnan(lik))
        return out;
    out.lik = lik;
    out.sse = sums.sse;
    out.amse = sums.sse1 / std::max(1, n);
    out.final.level = sums.level;
    out.final.growth = sums.growth;
    if (spec.season != EtsSeason::None) {
        // r[n mod m] applies next: that is s_{m-1}, the oldest season.
        const int next = n % m;
        out.final.season.resize(static_cast<std::size_t>(m));
        for (int i = 0; i < m; ++i)
            out.final.season[static_cast<std::size_t>(i)] = r[(next + m - 1 - i) % m];
    }
    out.ok = std::isfinite(out.lik);
    return out;
}

double etsLikelihood(const EtsSpec &spec, const EtsParams &par, const EtsState &x0, const double *y, int n)
{
    return scalarLikelihood(spec, par, x0, y, n);
}

bool etsRunsSideBySide(const EtsSpec &spec)
{
#if TIDEMARK_ETS_LANES
    return lanesAvailable() && spec.trend != EtsTrend::Multiplicative;
#else
    (void)spec;
    return false;
#endif
}

void etsLikelihoods(const EtsRunSet *sets, int count, const double *y, int n)
{
#if TIDEMARK_ETS_LANES
    if (lanesAvailable()) {
        // Packs of up to kLanes runs, then pairs: a loop takes as long as its
        // slower pack, so packs with the same trend pair first.
        std::vector<Pack> packs;
        for (int s = 0; s < count; ++s) {
            const EtsRunSet &set = sets[s];
            if (set.spec.trend == EtsTrend::Multiplicative)
                scalarLikelihoods(set, 0, set.count, y, n);
            else
                for (int first = 0; first < set.count; first += kLanes)
                    packs.push_back({&set, first, std::min(kLanes, set.count - first)});
        }
        std::vector<bool> done(packs.size(), false);
        for (const bool sameTrend : {true, false})
            for (std::size_t i = 0; i < packs.size(); ++i) {
                if (done[i])
                    continue;
                const EtsSpec &a = packs[i].set->spec;
                for (std::size_t j = i + 1; j < packs.size(); ++j) {
                    const EtsSpec &b = packs[j].set->spec;
                    if (done[j] || !canPair(a, b) || (sameTrend && a.trend != b.trend))
                        continue;
                    const Pack two[2] = {packs[i], packs[j]};
                    runPackGroup(two, 2, y, n);
                    done[i] = done[j] = true;
                    break;
                }
            }
        for (std::size_t i = 0; i < packs.size(); ++i)
            if (!done[i])
                runPack(packs[i], y, n);
        return;
    }
#endif
    for (int s = 0; s < count; ++s)
        scalarLikelihoods(sets[s], 0, sets[s].count, y, n);
}

void etsLikelihoods(const EtsSpec &spec, int count, const EtsParams *par, const EtsState *x0, const double *y, int n,
                    double *lik)
{
    const EtsRunSet set{spec, count, par, x0, lik};
    etsLikelihoods(&set, 1, y, n);
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

} // namespace tidemark::forecast
