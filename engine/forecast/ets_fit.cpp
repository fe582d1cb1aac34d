#include "forecast/ets_fit.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>

#include <nlopt.hpp>

#include "forecast/nelder_mead.h"

namespace tidemark::forecast {

namespace {

constexpr double kLower[4] = {1e-4, 1e-4, 1e-4, 0.8};
constexpr double kUpper[4] = {0.9999, 0.9999, 0.9999, 0.98};
constexpr double kPenalty = 1e12;

bool hasTrend(const EtsSpec &s) { return s.trend != EtsTrend::None; }
bool hasSeason(const EtsSpec &s) { return s.season != EtsSeason::None; }

// forecast:::initparam: starting values of the smoothing parameters.
EtsParams initialParams(const EtsSpec &s)
{
    EtsParams p;
    const int m = hasSeason(s) ? s.period : 1;
    double lower[4], upper[4];
    std::copy(kLower, kLower + 4, lower);
    std::copy(kUpper, kUpper + 4, upper);
    p.alpha = lower[0] + 0.2 * (upper[0] - lower[0]) / m;
    if (p.alpha > 1 || p.alpha < 0)
        p.alpha = lower[0] + 2e-3;
    if (hasTrend(s)) {
        upper[1] = std::min(upper[1], p.alpha);
        p.beta = lower[1] + 0.1 * (upper[1] - lower[1]);
        if (p.beta < 0 || p.beta > p.alpha)
            p.beta = p.alpha - 1e-3;
    }
    if (hasSeason(s)) {
        upper[2] = std::min(upper[2], 1 - p.alpha);
        p.gamma = lower[2] + 0.05 * (upper[2] - lower[2]);
        if (p.gamma < 0 || p.gamma > 1 - p.alpha)
            p.gamma = 1 - p.alpha - 1e-3;
    }
    p.phi = 1.0;
    if (s.damped) {
        p.phi = lower[3] + 0.99 * (upper[3] - lower[3]);
        if (p.phi < 0 || p.phi > 1)
            p.phi = upper[3] - 1e-3;
    }
    return p;
}

// The "usual" bounds of forecast:::check.param.
bool usualBounds(const EtsSpec &s, const EtsParams &p)
{
    if (p.alpha < kLower[0] || p.alpha > kUpper[0])
        return false;
    if (hasTrend(s) && (p.beta < kLower[1] || p.beta > p.alpha || p.beta > kUpper[1]))
        return false;
    if (hasSeason(s) && (p.gamma < kLower[2] || p.gamma > 1 - p.alpha || p.gamma > kUpper[2]))
        return false;
    if (s.damped && (p.phi < kLower[3] || p.phi > kUpper[3]))
        return false;
    return true;
}

struct Layout {
    EtsSpec spec;
    int nSmooth = 0;
    int nStates = 0;
    int size() const { return nSmooth + nStates; }
};

Layout layoutOf(const EtsSpec &s)
{
    Layout L{s, 1 + (hasTrend(s) ? 1 : 0) + (hasSeason(s) ? 1 : 0) + (s.damped ? 1 : 0), s.freeStates()};
    return L;
}

void unpack(const Layout &L, const double *x, EtsParams &p, EtsState &st)
{
    int i = 0;
    p.alpha = x[i++];
    p.beta = hasTrend(L.spec) ? x[i++] : 0.0;
    p.gamma = hasSeason(L.spec) ? x[i++] : 0.0;
    p.phi = L.spec.damped ? x[i++] : 1.0;
    st.level = x[i++];
    st.growth = hasTrend(L.spec) ? x[i++] : (L.spec.trend == EtsTrend::Multiplicative ? 1.0 : 0.0);
    if (hasSeason(L.spec)) {
        const int m = L.spec.period;
        st.season.resize(static_cast<std::size_t>(m));
        double sum = 0.0;
        for (int k = 0; k < m - 1; ++k) {
            st.season[static_cast<std::size_t>(k)] = x[i++];
            sum += st.season[static_cast<std::size_t>(k)];
        }
        st.season[static_cast<std::size_t>(m - 1)] = (L.spec.season == EtsSeason::Multiplicative ? m : 0.0) - sum;
    } else {
        st.season.clear();
    }
}

std::vector<double> pack(const Layout &L, const EtsParams &p, const EtsState &st)
{
    std::vector<double> x;
    x.push_back(p.alpha);
    if (hasTrend(L.spec))
        x.push_back(p.beta);
    if (hasSeason(L.spec))
        x.push_back(p.gamma);
    if (L.spec.damped)
        x.push_back(p.phi);
    x.push_back(st.level);
    if (hasTrend(L.spec))
        x.push_back(st.growth);
    if (hasSeason(L.spec))
        for (int k = 0; k < L.spec.period - 1; ++k)
            x.push_back(st.season[static_cast<std::size_t>(k)]);
    return x;
}

// The likelihood R's ets() minimises, with its penalty outside the bounds.
// Buffers are kept between calls: the optimiser evaluates thousands of points.
struct Objective {
    Layout L;
    const double *y = nullptr;
    int n = 0;
    std::vector<EtsParams> p;
    std::vector<EtsState> st;
    std::vector<int> live;
    std::vector<double> lik;
    std::unique_ptr<bool[]> admissible;
    std::size_t capacity = 0;
};

// Unpacks x into the i-th buffer; false when R's "usual" bounds or the
// positivity of multiplicative states exclude it.
bool unpackInBounds(Objective &o, int i, const double *x)
{
    EtsParams &p = o.p[static_cast<std::size_t>(i)];
    EtsState &st = o.st[static_cast<std::size_t>(i)];
    unpack(o.L, x, p, st);
    const EtsSpec &s = o.L.spec;
    if (!usualBounds(s, p))
        return false;
    if (s.season == EtsSeason::Multiplicative)
        for (double v : st.season)
            if (v <= 0.0)
                return false;
    if (s.trend == EtsTrend::Multiplicative && (st.growth <= 0.0 || st.level <= 0.0))
        return false;
    return true;
}

// First half of evaluating `count` points: those outside the bounds or the
// admissible region get the penalty; the others are unpacked into the
// buffers and returned as the runs still to compute.
EtsRunSet stage(Objective &o, int count, const double *const *x, double *values)
{
    const auto un = static_cast<std::size_t>(count);
    if (o.capacity < un) {
        o.p.resize(un);
        o.st.resize(un);
        o.live.resize(un);
        o.lik.resize(un);
        o.admissible = std::make_unique<bool[]>(un);
        o.capacity = un;
    }
    int k = 0;
    for (int i = 0; i < count; ++i) {
        values[i] = kPenalty;
        if (unpackInBounds(o, k, x[i]))
            o.live[static_cast<std::size_t>(k++)] = i;
    }
    etsAdmissible(o.L.spec, k, o.p.data(), o.admissible.get());
    int runs = 0;
    for (int j = 0; j < k; ++j) {
        if (!o.admissible[static_cast<std::size_t>(j)])
            continue;
        if (runs != j) {
            std::swap(o.p[static_cast<std::size_t>(runs)], o.p[static_cast<std::size_t>(j)]);
            std::swap(o.st[static_cast<std::size_t>(runs)], o.st[static_cast<std::size_t>(j)]);
        }
        o.live[static_cast<std::size_t>(runs++)] = o.live[static_cast<std::size_t>(j)];
    }
    return {o.L.spec, runs, o.p.data(), o.st.data(), o.lik.data()};
}

// Second half: the computed likelihoods into `values`.
void collect(const Objective &o, const EtsRunSet &runs, double *values)
{
    for (int j = 0; j < runs.count; ++j) {
        const double lik = o.lik[static_cast<std::size_t>(j)];
        values[o.live[static_cast<std::size_t>(j)]] = std::isfinite(lik) ? std::max(lik, -1e10) : kPenalty;
    }
}

void objectives(Objective &o, int count, const double *const *x, double *values)
{
    const EtsRunSet runs = stage(o, count, x, values);
    etsLikelihoods(&runs, 1, o.y, o.n);
    collect(o, runs, values);
}

double objective(unsigned nx, const double *x, double *, void *data)
{
    (void)nx;
    double value = 0.0;
    objectives(*static_cast<Objective *>(data), 1, &x, &value);
    return value;
}

double sampleSd(const std::vector<double> &y)
{
    if (y.size() < 2)
        return 0.0;
    const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
    double v = 0.0;
    for (double a : y)
        v += (a - mean) * (a - mean);
    return std::sqrt(v / static_cast<double>(y.size() - 1));
}

} // namespace

namespace {

// A model being fitted: its objective and the optimiser's start.
struct FitJob {
    Objective obj;
    std::vector<double> x;
};

// etsFit up to the optimisation; nothing when the model cannot be fitted.
std::optional<FitJob> prepareFit(const std::vector<double> &y, const EtsSpec &spec, const EtsFitOptions &opt)
{
    const int n = static_cast<int>(y.size());
    if (n < 4 || (hasSeason(spec) && spec.period < 2))
        return std::nullopt;
    EtsParams p0 = opt.startParams.value_or(initialParams(spec));
    EtsState s0 = opt.startState.value_or(etsInitialState(spec, y));
    if (hasSeason(spec) && static_cast<int>(s0.season.size()) != spec.period)
        s0 = etsInitialState(spec, y);
    // Keep a warm start strictly inside the bounds.
    p0.alpha = std::clamp(p0.alpha, kLower[0] + 1e-6, kUpper[0] - 1e-6);
    if (hasTrend(spec))
        p0.beta = std::clamp(p0.beta, kLower[1] + 1e-7, p0.alpha - 1e-7);
    if (hasSeason(spec))
        p0.gamma = std::clamp(p0.gamma, kLower[2] + 1e-7, 1 - p0.alpha - 1e-7);
    if (spec.damped)
        p0.phi = std::clamp(p0.phi, kLower[3] + 1e-6, kUpper[3] - 1e-6);
    FitJob job;
    job.obj.L = layoutOf(spec);
    job.obj.y = y.data();
    job.obj.n = n;
    job.x = pack(job.obj.L, p0, s0);
    return job;
}

// After R's Nelder-Mead (stage 1): the optional NLopt refinement (stage 2;
// it often finds a higher likelihood than R's optimiser stopped at). False
// when no admissible point was found.
bool finishOptimisation(FitJob &job, const NelderMeadResult &nm, const std::vector<double> &y, const EtsFitOptions &opt)
{
    const EtsSpec &spec = job.obj.L.spec;
    double best = nm.value;
    job.x = nm.x;
    if (opt.refine && best < kPenalty) {
        const auto dim = static_cast<unsigned>(job.x.size());
        nlopt::opt lo(nlopt::LN_NELDERMEAD, dim);
        std::vector<double> lb(dim, -HUGE_VAL), ub(dim, HUGE_VAL), step(dim);
        const double sd = std::max(sampleSd(y), 1e-8 * (1.0 + std::fabs(y[0])));
        int which[4] = {0, -1, -1, -1};
        int k = 1;
        if (hasTrend(spec))
            which[k++] = 1;
        if (hasSeason(spec))
            which[k++] = 2;
        if (spec.damped)
            which[k++] = 3;
        int i = 0;
        for (; i < job.obj.L.nSmooth; ++i) {
            lb[static_cast<std::size_t>(i)] = kLower[which[i]];
            ub[static_cast<std::size_t>(i)] = kUpper[which[i]];
            step[static_cast<std::size_t>(i)] = which[i] == 3 ? 0.01 : 0.02;
        }
        step[static_cast<std::size_t>(i++)] = 0.05 * sd;
        if (hasTrend(spec))
            step[static_cast<std::size_t>(i++)] = spec.trend == EtsTrend::Multiplicative ? 0.005 : 0.01 * sd;
        for (; i < static_cast<int>(dim); ++i)
            step[static_cast<std::size_t>(i)] = spec.season == EtsSeason::Multiplicative ? 0.01 : 0.05 * sd;
        lo.set_lower_bounds(lb);
        lo.set_upper_bounds(ub);
        lo.set_min_objective(objective, &job.obj);
        lo.set_ftol_rel(1e-9);
        lo.set_maxeval(opt.refineEvaluations);
        lo.set_initial_step(step);
        std::vector<double> xr = job.x;
        for (std::size_t j = 0; j < xr.size(); ++j)
            xr[j] = std::clamp(xr[j], lb[j], ub[j]);
        double fr = best;
        try {
            lo.optimize(xr, fr);
        } catch (const std::exception &) {
            fr = objective(dim, xr.data(), nullptr, &job.obj);
        }
        if (fr < best) {
            best = fr;
            job.x = xr;
        }
    }
    return best < kPenalty;
}

// The fit at x: final run, likelihood and information criteria.
EtsFit completeFit(const std::vector<double> &y, const EtsSpec &spec, const std::vector<double> &x)
{
    EtsFit fit;
    fit.spec = spec;
    const Layout L = layoutOf(spec);
    fit.nParams = L.size() + 1;
    const int n = static_cast<int>(y.size());
    unpack(L, x.data(), fit.params, fit.initial);
    std::vector<double> e;
    const EtsRun r = etsRun(spec, fit.params, fit.initial, y.data(), n, &e);
    if (!r.ok)
        return fit;
    fit.final = r.final;
    fit.n = n;
    fit.lik = r.lik;
    fit.logLik = -0.5 * r.lik;
    const int np = fit.nParams;
    fit.aic = r.lik + 2.0 * np;
    fit.bic = r.lik + std::log(static_cast<double>(n)) * np;
    fit.aicc = n - np - 1 > 0 ? fit.aic + 2.0 * np * (np + 1) / (n - np - 1) : std::numeric_limits<double>::infinity();
    // R divides by n minus the optimised parameters (sigma itself not counted).
    fit.sigma2 = n - np + 1 > 0 ? r.sse / (n - np + 1) : r.sse / std::max(1, n);
    fit.mse = r.amse;
    fit.ok = true;
    return fit;
}

EtsFit unfitted(const EtsSpec &spec)
{
    EtsFit fit;
    fit.spec = spec;
    fit.nParams = layoutOf(spec).size() + 1;
    return fit;
}

// Fits models by R's Nelder-Mead in lockstep: each round evaluates the
// pending points of all of them in one call, so the recursions of models
// that share them run side by side (etsLikelihoods). Each model's path is
// the one it has alone.
std::vector<EtsFit> fitTogether(const std::vector<double> &y, const std::vector<EtsSpec> &specs,
                                const EtsFitOptions &opt)
{
    std::vector<EtsFit> fits;
    std::vector<FitJob> jobs;
    std::vector<std::size_t> jobOf(specs.size(), SIZE_MAX);
    for (std::size_t i = 0; i < specs.size(); ++i) {
        fits.push_back(unfitted(specs[i]));
        if (auto job = prepareFit(y, specs[i], opt)) {
            jobOf[i] = jobs.size();
            jobs.push_back(std::move(*job));
        }
    }
    std::vector<NashNelderMead> nms;
    nms.reserve(jobs.size());
    for (const FitJob &job : jobs)
        nms.emplace_back(job.x, etsRunsSideBySide(job.obj.L.spec), opt.maxEvaluations);
    std::vector<std::vector<double>> values(jobs.size());
    std::vector<EtsRunSet> runs;
    std::vector<std::size_t> active;
    for (;;) {
        runs.clear();
        active.clear();
        for (std::size_t j = 0; j < jobs.size(); ++j) {
            if (nms[j].finished())
                continue;
            const auto &points = nms[j].pending();
            values[j].resize(points.size());
            runs.push_back(stage(jobs[j].obj, static_cast<int>(points.size()), points.data(), values[j].data()));
            active.push_back(j);
        }
        if (active.empty())
            break;
        etsLikelihoods(runs.data(), static_cast<int>(runs.size()), y.data(), static_cast<int>(y.size()));
        for (std::size_t a = 0; a < active.size(); ++a) {
            const std::size_t j = active[a];
            collect(jobs[j].obj, runs[a], values[j].data());
            nms[j].supply(values[j].data());
        }
    }
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const std::size_t j = jobOf[i];
        if (j == SIZE_MAX)
            continue;
        if (finishOptimisation(jobs[j], nms[j].result(), y, opt))
            fits[i] = completeFit(y, specs[i], jobs[j].x);
    }
    return fits;
}

} // namespace

EtsFit etsFit(const std::vector<double> &y, const EtsSpec &spec, const EtsFitOptions &opt)
{
    auto job = prepareFit(y, spec, opt);
    if (!job)
        return unfitted(spec);
    if (!opt.fixed) {
        // Stage 1: R's own Nelder-Mead from R's starting values.
        auto f = [&](int count, const double *const *v, double *values) { objectives(job->obj, count, v, values); };
        const NelderMeadResult nm = nashNelderMead(f, job->x, etsRunsSideBySide(spec), opt.maxEvaluations);
        if (!finishOptimisation(*job, nm, y, opt))
            return unfitted(spec);
    }
    return completeFit(y, spec, job->x);
}

EtsFit etsSelect(const std::vector<double> &y, int period, const EtsSelectOptions &opt)
{
    const int n = static_cast<int>(y.size());
    const bool positive = !y.empty() && *std::min_element(y.begin(), y.end()) > 0.0;
    // R ignores seasonality above 24 and when a full cycle is not observed.
    const bool seasonalOk = period >= 2 && period <= 24 && n > period;
    const EtsError errors[] = {EtsError::Additive, EtsError::Multiplicative};
    const EtsTrend trends[] = {EtsTrend::None, EtsTrend::Additive, EtsTrend::Multiplicative};
    const EtsSeason seasons[] = {EtsSeason::None, EtsSeason::Additive, EtsSeason::Multiplicative};
    std::vector<EtsSpec> specs;
    for (EtsError e : errors)
        for (EtsTrend t : trends)
            for (EtsSeason s : seasons)
                for (int d = 0; d < 2; ++d) {
                    const bool damped = d == 1;
                    if (t == EtsTrend::None && damped)
                        continue;
                    if (damped && !opt.allowDamped)
                        continue;
                    if (opt.damped && *opt.damped != damped && t != EtsTrend::None)
                        continue;
                    if (t == EtsTrend::Multiplicative && !opt.allowMultiplicativeTrend)
                        continue;
                    if (s != EtsSeason::None && !seasonalOk)
                        continue;
                    // restrict = TRUE: models with infinite variance are left out.
                    if (e == EtsError::Additive && (t == EtsTrend::Multiplicative || s == EtsSeason::Multiplicative))
                        continue;
                    if (e == EtsError::Multiplicative && t == EtsTrend::Multiplicative && s == EtsSeason::Additive)
                        continue;
                    if ((e == EtsError::Multiplicative || s == EtsSeason::Multiplicative || t == EtsTrend::Multiplicative) &&
                        (!positive || !opt.allowMultiplicative))
                        continue;
                    EtsSpec spec{e, t, damped, s, s == EtsSeason::None ? 1 : period};
                    if (spec.freeStates() + 2 >= n - 1)
                        continue;
                    specs.push_back(spec);
                }
    EtsFitOptions fo;
    fo.maxEvaluations = opt.maxEvaluations;
    fo.refine = opt.refine;
    // Models with the same season are fitted together (their recursions can
    // run side by side); the winner is picked in R's order as before.
    std::vector<EtsFit> fits(specs.size());
    std::vector<bool> done(specs.size(), false);
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (done[i])
            continue;
        std::vector<std::size_t> group;
        for (std::size_t j = i; j < specs.size(); ++j)
            if (!done[j] && specs[j].season == specs[i].season) {
                group.push_back(j);
                done[j] = true;
            }
        std::vector<EtsSpec> groupSpecs;
        for (std::size_t j : group)
            groupSpecs.push_back(specs[j]);
        std::vector<EtsFit> groupFits = fitTogether(y, groupSpecs, fo);
        for (std::size_t k = 0; k < group.size(); ++k)
            fits[group[k]] = std::move(groupFits[k]);
    }
    EtsFit best;
    double bestIc = std::numeric_limits<double>::infinity();
    for (const EtsFit &f : fits)
        if (f.ok && std::isfinite(f.aicc) && f.aicc < bestIc) {
            bestIc = f.aicc;
            best = f;
        }
    return best;
}

} // namespace tidemark::forecast
