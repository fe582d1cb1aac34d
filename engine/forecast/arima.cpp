#include "forecast/arima.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include <fmt/format.h>
#include <nlopt.hpp>

#include "forecast/decomposition.h"

namespace tidemark::forecast {

namespace {

// R's partrans: unconstrained values → PACF in (-1, 1) → stationary AR.
void toStationary(const double *raw, int p, double *out)
{
    double work[64];
    for (int j = 0; j < p; ++j)
        work[j] = out[j] = std::tanh(raw[j]);
    for (int j = 1; j < p; ++j) {
        const double a = out[j];
        for (int k = 0; k < j; ++k)
            work[k] -= a * out[j - k - 1];
        for (int k = 0; k < j; ++k)
            out[k] = work[k];
    }
}

// Coefficients of (1 - Σ a_i B^i)(1 - Σ s_i B^{m i}) returned as the AR
// coefficients phi*_1.. (so that w_t = Σ phi*_i w_{t-i} + …).
std::vector<double> expandAr(const std::vector<double> &a, const std::vector<double> &s, int m)
{
    const std::size_t n = a.size() + s.size() * static_cast<std::size_t>(m);
    std::vector<double> c(n + 1, 0.0), left(a.size() + 1, 0.0);
    left[0] = 1.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        left[i + 1] = -a[i];
    for (std::size_t i = 0; i < left.size(); ++i) {
        c[i] += left[i];
        for (std::size_t k = 0; k < s.size(); ++k)
            c[i + (k + 1) * static_cast<std::size_t>(m)] -= left[i] * s[k];
    }
    std::vector<double> phi(n);
    for (std::size_t i = 0; i < n; ++i)
        phi[i] = -c[i + 1];
    return phi;
}

std::vector<double> expandMa(const std::vector<double> &a, const std::vector<double> &s, int m)
{
    const std::size_t n = a.size() + s.size() * static_cast<std::size_t>(m);
    std::vector<double> c(n + 1, 0.0), left(a.size() + 1, 0.0);
    left[0] = 1.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        left[i + 1] = a[i];
    for (std::size_t i = 0; i < left.size(); ++i) {
        c[i] += left[i];
        for (std::size_t k = 0; k < s.size(); ++k)
            c[i + (k + 1) * static_cast<std::size_t>(m)] += left[i] * s[k];
    }
    return std::vector<double>(c.begin() + 1, c.end());
}

struct Problem {
    const std::vector<double> *w;
    ArimaOrder o;
    bool constant;
    bool exact;
    double scale; // of mu
    // scratch
    std::vector<double> ar, ma, sar, sma;
};

void unpackArima(const Problem &pr, const double *x, double &mu)
{
    auto &P = const_cast<Problem &>(pr);
    int i = 0;
    P.ar.resize(static_cast<std::size_t>(pr.o.p));
    toStationary(x + i, pr.o.p, P.ar.data());
    i += pr.o.p;
    P.ma.assign(x + i, x + i + pr.o.q);
    i += pr.o.q;
    P.sar.resize(static_cast<std::size_t>(pr.o.P));
    toStationary(x + i, pr.o.P, P.sar.data());
    i += pr.o.P;
    P.sma.assign(x + i, x + i + pr.o.Q);
    i += pr.o.Q;
    mu = pr.constant ? x[i] * pr.scale : 0.0;
}

double cssObjective(const std::vector<double> &w, const std::vector<double> &phi, const std::vector<double> &theta,
                    double mu, std::vector<double> *resid = nullptr)
{
    const int n = static_cast<int>(w.size());
    const int p = static_cast<int>(phi.size()), q = static_cast<int>(theta.size());
    // The optimiser calls this thousands of times per search: no allocation.
    thread_local std::vector<double> buffer;
    buffer.assign(static_cast<std::size_t>(n), 0.0);
    // Seasonal polynomials are sparse ((p+1)(P+1)-1 of p+mP lags): only the
    // lags with a coefficient are visited, in the order of the dense loop,
    // so the sums are the same to the bit.
    thread_local std::vector<int> arLag, maLag;
    thread_local std::vector<double> arCoef, maCoef;
    arLag.clear();
    maLag.clear();
    arCoef.clear();
    maCoef.clear();
    for (int i = 0; i < p; ++i)
        if (phi[static_cast<std::size_t>(i)] != 0.0) {
            arLag.push_back(i + 1);
            arCoef.push_back(phi[static_cast<std::size_t>(i)]);
        }
    for (int j = 0; j < q; ++j)
        if (theta[static_cast<std::size_t>(j)] != 0.0) {
            maLag.push_back(j + 1);
            maCoef.push_back(theta[static_cast<std::size_t>(j)]);
        }
    const int na = static_cast<int>(arLag.size()), nm = static_cast<int>(maLag.size());
    double *e = buffer.data();
    const double *x = w.data(), *ac = arCoef.data(), *mc = maCoef.data();
    const int *al = arLag.data(), *ml = maLag.data();
    double ssq = 0.0;
    int used = 0;
    for (int t = p; t < n; ++t) {
        double v = x[t] - mu;
        for (int i = 0; i < na; ++i)
            v -= ac[i] * (x[t - al[i]] - mu);
        // e[t - lag] for lag > t is before the series: zero.
        for (int j = 0; j < nm && ml[j] <= t; ++j)
            v -= mc[j] * e[t - ml[j]];
        e[t] = v;
        ssq += v * v;
        ++used;
    }
    if (resid)
        resid->assign(buffer.begin(), buffer.end());
    if (used == 0 || !(ssq > 0))
        return 1e10;
    return 0.5 * std::log(ssq / used);
}

struct KalmanOut {
    double ssq = 0.0, sumLog = 0.0;
    int n = 0;
    std::vector<double> state;
    std::vector<double> resid;
    bool ok = false;
};

// Exact likelihood of a zero-mean ARMA in Harvey's state space form, with
// P0 from the stationary covariance (doubling algorithm).
KalmanOut kalman(const std::vector<double> &w, const std::vector<double> &phi, const std::vector<double> &theta,
                 double mu, bool keepResiduals)
{
    KalmanOut out;
    const int p = static_cast<int>(phi.size()), q = static_cast<int>(theta.size());
    const int r = std::max(p, q + 1);
    std::vector<double> T(static_cast<std::size_t>(r), 0.0), R(static_cast<std::size_t>(r), 0.0);
    for (int i = 0; i < p; ++i)
        T[static_cast<std::size_t>(i)] = phi[static_cast<std::size_t>(i)];
    R[0] = 1.0;
    for (int i = 0; i < q; ++i)
        R[static_cast<std::size_t>(i + 1)] = theta[static_cast<std::size_t>(i)];
    const auto idx = [r](int i, int j) { return static_cast<std::size_t>(i * r + j); };
    // Transition as a dense matrix for the doubling step.
    std::vector<double> A(static_cast<std::size_t>(r * r), 0.0), P(static_cast<std::size_t>(r * r), 0.0),
        tmp(static_cast<std::size_t>(r * r)), tmp2(static_cast<std::size_t>(r * r));
    for (int i = 0; i < r; ++i) {
        A[idx(i, 0)] = T[static_cast<std::size_t>(i)];
        if (i + 1 < r)
            A[idx(i, i + 1)] = 1.0;
        for (int j = 0; j < r; ++j)
            P[idx(i, j)] = R[static_cast<std::size_t>(i)] * R[static_cast<std::size_t>(j)];
    }
    auto mul = [r, &idx](const std::vector<double> &X, const std::vector<double> &Y, std::vector<double> &Z, bool transY) {
        for (int i = 0; i < r; ++i)
            for (int j = 0; j < r; ++j) {
                double s = 0.0;
                for (int k = 0; k < r; ++k)
                    s += X[idx(i, k)] * (transY ? Y[idx(j, k)] : Y[idx(k, j)]);
                Z[idx(i, j)] = s;
            }
    };
    if (p > 0) {
        for (int it = 0; it < 40; ++it) {
            mul(A, P, tmp, false);
            mul(tmp, A, tmp2, true); // A P A'
            double change = 0.0, size = 0.0;
            for (std::size_t k = 0; k < P.size(); ++k) {
                change = std::max(change, std::fabs(tmp2[k]));
                size = std::max(size, std::fabs(P[k]));
                P[k] += tmp2[k];
            }
            mul(A, A, tmp, false);
            A.swap(tmp);
            if (change <= 1e-12 * size)
                break;
        }
    } else {
        // Pure MA: P0 = Σ_{k≥0} T^k R R' T'^k with nilpotent T (shift).
        std::fill(P.begin(), P.end(), 0.0);
        for (int i = 0; i < r; ++i)
            for (int j = 0; j < r; ++j) {
                double s = 0.0;
                for (int k = 0; i + k < r && j + k < r; ++k)
                    s += R[static_cast<std::size_t>(i + k)] * R[static_cast<std::size_t>(j + k)];
                P[idx(i, j)] = s;
            }
    }
    std::vector<double> a(static_cast<std::size_t>(r), 0.0), K(static_cast<std::size_t>(r)),
        rowP(static_cast<std::size_t>(r)), rowT(static_cast<std::size_t>(r)), colC(static_cast<std::size_t>(r));
    const int n = static_cast<int>(w.size());
    if (keepResiduals)
        out.resid.assign(static_cast<std::size_t>(n), 0.0);
    bool steady = false; // P reached its steady state: skip its update (Gardner's fast recursions)
    for (int t = 0; t < n; ++t) {
        const double v = w[static_cast<std::size_t>(t)] - mu - a[0];
        const double F = P[0];
        if (!(F > 0) || !std::isfinite(F))
            return out;
        out.sumLog += std::log(F);
        out.ssq += v * v / F;
        if (keepResiduals)
            out.resid[static_cast<std::size_t>(t)] = v / std::sqrt(F);
        ++out.n;
        // Update.
        for (int i = 0; i < r; ++i)
            K[static_cast<std::size_t>(i)] = P[idx(i, 0)] / F;
        for (int i = 0; i < r; ++i)
            a[static_cast<std::size_t>(i)] += K[static_cast<std::size_t>(i)] * v;
        if (steady) {
            const double a0 = a[0];
            for (int i = 0; i < r; ++i)
                a[static_cast<std::size_t>(i)] =
                    T[static_cast<std::size_t>(i)] * a0 + (i + 1 < r ? a[static_cast<std::size_t>(i + 1)] : 0.0);
            continue;
        }
        // Predict: a = T a; P = T (P - K P[0,:]) T' + R R', fused into one
        // pass over the upper triangle (T is a companion matrix, P stays
        // symmetric): row i of the result reads row i + 1 of P, so ascending
        // rows can be overwritten in place once row 0 and column 0 are kept.
        const double a0 = a[0];
        for (int i = 0; i < r; ++i)
            a[static_cast<std::size_t>(i)] =
                T[static_cast<std::size_t>(i)] * a0 + (i + 1 < r ? a[static_cast<std::size_t>(i + 1)] : 0.0);
        // Row 0 of P, row 0 of P - K P[0,:], column 0 of T (P - K P[0,:]).
        double *p0 = rowP.data(), *t0 = rowT.data(), *c = colC.data();
        for (int j = 0; j < r; ++j)
            p0[j] = P[idx(0, j)];
        const double k0 = K[0];
        for (int j = 0; j < r; ++j)
            t0[j] = p0[j] - k0 * p0[j];
        for (int i = 0; i < r; ++i)
            c[i] = T[static_cast<std::size_t>(i)] * t0[0] +
                (i + 1 < r ? P[idx(i + 1, 0)] - K[static_cast<std::size_t>(i + 1)] * p0[0] : 0.0);
        double change = 0.0;
        for (int i = 0; i < r; ++i) {
            const double Ti = T[static_cast<std::size_t>(i)], Ri = R[static_cast<std::size_t>(i)], ci = c[i];
            const double Kn = i + 1 < r ? K[static_cast<std::size_t>(i + 1)] : 0.0;
            const double *below = i + 1 < r ? &P[idx(i + 1, 0)] : nullptr;
            for (int j = i; j < r; ++j) {
                double nv = T[static_cast<std::size_t>(j)] * ci + Ri * R[static_cast<std::size_t>(j)];
                if (j + 1 < r) {
                    nv += Ti * t0[j + 1];
                    if (below)
                        nv += below[j + 1] - Kn * p0[j + 1];
                }
                change = std::max(change, std::fabs(nv - P[idx(i, j)]));
                P[idx(i, j)] = nv;
                P[idx(j, i)] = nv;
            }
        }
        steady = change < 1e-9 * std::max(1.0, P[0]);
    }
    out.state = a;
    out.ok = std::isfinite(out.ssq) && out.ssq > 0;
    return out;
}

double kalmanObjective(const KalmanOut &k)
{
    if (!k.ok || k.n == 0)
        return 1e10;
    return 0.5 * (std::log(k.ssq / k.n) + k.sumLog / k.n);
}

bool invertible(const std::vector<double> &ma)
{
    // Roots of 1 + Σθ_i z^i outside the unit circle (modulus > 1.01), by
    // the companion matrix's eigenvalues being inside 1/1.01.
    int q = static_cast<int>(ma.size());
    while (q > 0 && std::fabs(ma[static_cast<std::size_t>(q - 1)]) < 1e-12)
        --q;
    if (q == 0)
        return true;
    // Reverse polynomial z^q + θ1 z^{q-1} + … + θq: roots are reciprocals.
    // Schur-Cohn on the reversed polynomial scaled by 1.01.
    std::vector<double> a(static_cast<std::size_t>(q + 1));
    a[static_cast<std::size_t>(q)] = 1.0;
    for (int i = 0; i < q; ++i)
        a[static_cast<std::size_t>(q - 1 - i)] = ma[static_cast<std::size_t>(i)];
    double rk = 1.0;
    for (auto &c : a) {
        c *= rk;
        rk *= 1.01;
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
        if (!(big > 0))
            return false;
        for (auto &x : c)
            x /= big;
        a = std::move(c);
    }
    return true;
}

} // namespace

std::string ArimaFit::name() const
{
    std::string s = fmt::format("ARIMA({},{},{})", order.p, order.d, order.q);
    if (order.m > 1 && (order.P || order.D || order.Q))
        s += fmt::format("({},{},{})[{}]", order.P, order.D, order.Q, order.m);
    if (constant)
        s += order.d + order.D == 0 ? " with non-zero mean" : " with drift";
    return s;
}

std::vector<double> difference(const std::vector<double> &y, int d, int D, int m)
{
    std::vector<double> w = y;
    for (int k = 0; k < D; ++k) {
        if (static_cast<int>(w.size()) <= m)
            return {};
        std::vector<double> v(w.size() - static_cast<std::size_t>(m));
        for (std::size_t t = 0; t < v.size(); ++t)
            v[t] = w[t + static_cast<std::size_t>(m)] - w[t];
        w.swap(v);
    }
    for (int k = 0; k < d; ++k) {
        if (w.size() <= 1)
            return {};
        std::vector<double> v(w.size() - 1);
        for (std::size_t t = 0; t < v.size(); ++t)
            v[t] = w[t + 1] - w[t];
        w.swap(v);
    }
    return w;
}

ArimaFit arimaFit(const std::vector<double> &y, const ArimaOrder &order, bool constant, const ArimaFitOptions &opt)
{
    ArimaFit fit;
    fit.order = order;
    fit.constant = constant;
    fit.y = y;
    const std::vector<double> w = difference(y, order.d, order.D, order.m);
    const int n = static_cast<int>(w.size());
    const int k = order.p + order.q + order.P + order.Q + (constant ? 1 : 0);
    if (n < k + 3 || order.p > 60 || order.P > 60)
        return fit;
    const double mean = std::accumulate(w.begin(), w.end(), 0.0) / n;
    double sd = 0.0;
    for (double v : w)
        sd += (v - mean) * (v - mean);
    sd = std::sqrt(sd / std::max(1, n - 1));
    Problem pr{&w, order, constant, opt.exact, sd > 0 ? sd : 1.0, {}, {}, {}, {}};
    std::vector<double> x(static_cast<std::size_t>(k), 0.0);
    if (constant)
        x.back() = mean / pr.scale;

    auto evalCss = [&](const double *v) {
        double mu;
        unpackArima(pr, v, mu);
        const auto phi = expandAr(pr.ar, pr.sar, order.m);
        const auto theta = expandMa(pr.ma, pr.sma, order.m);
        return cssObjective(w, phi, theta, mu);
    };
    auto evalMl = [&](const double *v) {
        double mu;
        unpackArima(pr, v, mu);
        const auto phi = expandAr(pr.ar, pr.sar, order.m);
        const auto theta = expandMa(pr.ma, pr.sma, order.m);
        return kalmanObjective(kalman(w, phi, theta, mu, false));
    };
    struct Thunk {
        std::function<double(const double *)> f;
    };
    // A warm start begins near the optimum: a smaller first simplex.
    double step = 0.1;
    auto optimise = [&](const std::function<double(const double *)> &f, int budget) {
        if (k == 0)
            return;
        nlopt::opt o(nlopt::LN_NELDERMEAD, static_cast<unsigned>(k));
        Thunk th{f};
        o.set_min_objective(
            [](unsigned, const double *v, double *, void *d) { return static_cast<Thunk *>(d)->f(v); }, &th);
        std::vector<double> lb(static_cast<std::size_t>(k), -HUGE_VAL), ub(static_cast<std::size_t>(k), HUGE_VAL);
        // MA coefficients stay in a box wide enough for any invertible model.
        int i = order.p;
        for (int j = 0; j < order.q; ++j, ++i) {
            lb[static_cast<std::size_t>(i)] = -3;
            ub[static_cast<std::size_t>(i)] = 3;
        }
        i += order.P;
        for (int j = 0; j < order.Q; ++j, ++i) {
            lb[static_cast<std::size_t>(i)] = -3;
            ub[static_cast<std::size_t>(i)] = 3;
        }
        o.set_lower_bounds(lb);
        o.set_upper_bounds(ub);
        o.set_initial_step(std::vector<double>(static_cast<std::size_t>(k), step));
        o.set_ftol_rel(opt.relativeTolerance);
        o.set_xtol_rel(1e-7);
        o.set_maxeval(budget);
        double fx;
        try {
            o.optimize(x, fx);
        } catch (const std::exception &) {
        }
    };
    const ArimaFit *warm = opt.warmStart;
    const bool warmUsable = warm && warm->order == order && warm->constant == constant &&
        static_cast<int>(warm->rawCoefficients.size()) == k - (constant ? 1 : 0) &&
        std::all_of(warm->rawCoefficients.begin(), warm->rawCoefficients.end(),
                    [](double v) { return std::isfinite(v); }) &&
        std::isfinite(warm->mu);
    if (warmUsable) {
        step = 0.05;
        std::copy(warm->rawCoefficients.begin(), warm->rawCoefficients.end(), x.begin());
        if (constant)
            x.back() = warm->mu / pr.scale;
    }
    const bool keep = warmUsable && opt.maxEvaluations <= 0;
    if (!keep && (!warmUsable || !opt.exact))
        optimise(evalCss, std::max(opt.maxEvaluations, 1));
    if (!keep && opt.exact)
        optimise(evalMl, std::max(opt.maxEvaluations, 1));

    double mu;
    unpackArima(pr, x.data(), mu);
    fit.ar = pr.ar;
    fit.ma = pr.ma;
    fit.sar = pr.sar;
    fit.sma = pr.sma;
    fit.mu = mu;
    fit.rawCoefficients.assign(x.begin(), x.end() - (constant ? 1 : 0));
    const auto phi = expandAr(fit.ar, fit.sar, order.m);
    const auto theta = expandMa(fit.ma, fit.sma, order.m);
    if (!invertible(theta))
        return fit;
    const int np = k + 1;
    auto criteria = [&] {
        fit.aic = -2 * fit.logLik + 2 * np;
        fit.bic = fit.aic + (std::log(static_cast<double>(n)) - 2) * np;
        fit.aicc = n - np - 1 > 0 ? fit.aic + 2.0 * np * (np + 1) / (n - np - 1) : HUGE_VAL;
    };
    if (!opt.exact && !opt.filter) {
        const double c = cssObjective(w, phi, theta, mu);
        const int used = n - static_cast<int>(phi.size());
        fit.nUsed = n;
        fit.sigma2 = std::exp(2 * c);
        fit.logLik = -0.5 * used * (std::log(2 * M_PI * fit.sigma2) + 1);
        criteria();
        fit.ok = std::isfinite(fit.aicc);
        return fit;
    }
    const KalmanOut kf = kalman(w, phi, theta, mu, true);
    if (!kf.ok)
        return fit;
    fit.nUsed = n;
    fit.sigma2 = kf.ssq / kf.n;
    if (opt.exact) {
        fit.logLik = -0.5 * (kf.n * std::log(2 * M_PI * fit.sigma2) + kf.sumLog + kf.n);
    } else {
        std::vector<double> e;
        const double c = cssObjective(w, phi, theta, mu, &e);
        const int used = n - static_cast<int>(phi.size());
        fit.sigma2 = std::exp(2 * c);
        fit.logLik = -0.5 * used * (std::log(2 * M_PI * fit.sigma2) + 1);
    }
    criteria();
    fit.filteredState = kf.state;
    fit.residuals = kf.resid;
    fit.ok = std::isfinite(fit.aicc);
    return fit;
}

ModelForecast arimaForecast(const ArimaFit &fit, int h)
{
    ModelForecast out;
    const auto &o = fit.order;
    const auto phi = expandAr(fit.ar, fit.sar, o.m);
    const auto theta = expandMa(fit.ma, fit.sma, o.m);
    const int r = static_cast<int>(fit.filteredState.size());
    // Forecasts of the differenced series from the filtered state.
    std::vector<double> a = fit.filteredState, wf(static_cast<std::size_t>(h));
    for (int j = 0; j < h; ++j) {
        wf[static_cast<std::size_t>(j)] = fit.mu + (r > 0 ? a[0] : 0.0);
        if (r > 0) {
            const double a0 = a[0];
            for (int i = 0; i < r; ++i)
                a[static_cast<std::size_t>(i)] =
                    (i < static_cast<int>(phi.size()) ? phi[static_cast<std::size_t>(i)] : 0.0) * a0 +
                    (i + 1 < r ? a[static_cast<std::size_t>(i + 1)] : 0.0);
        }
    }
    // Integrate: δ(B) y = w with δ = (1-B)^d (1-B^m)^D.
    std::vector<double> delta{1.0};
    auto mulPoly = [&delta](int lag) {
        std::vector<double> nd(delta.size() + static_cast<std::size_t>(lag), 0.0);
        for (std::size_t i = 0; i < delta.size(); ++i) {
            nd[i] += delta[i];
            nd[i + static_cast<std::size_t>(lag)] -= delta[i];
        }
        delta.swap(nd);
    };
    for (int k = 0; k < o.d; ++k)
        mulPoly(1);
    for (int k = 0; k < o.D; ++k)
        mulPoly(o.m);
    std::vector<double> ext = fit.y;
    out.mean.resize(static_cast<std::size_t>(h));
    for (int j = 0; j < h; ++j) {
        double v = wf[static_cast<std::size_t>(j)];
        for (std::size_t k = 1; k < delta.size(); ++k)
            v -= delta[k] * ext[ext.size() - k];
        ext.push_back(v);
        out.mean[static_cast<std::size_t>(j)] = v;
    }
    // psi weights of θ*(B) / (φ*(B) δ(B)).
    std::vector<double> fullAr(phi.size() + delta.size() - 1, 0.0); // as 1 - Σ c_i B^i
    {
        std::vector<double> left(phi.size() + 1);
        left[0] = 1.0;
        for (std::size_t i = 0; i < phi.size(); ++i)
            left[i + 1] = -phi[i];
        std::vector<double> prod(left.size() + delta.size() - 1, 0.0);
        for (std::size_t i = 0; i < left.size(); ++i)
            for (std::size_t k = 0; k < delta.size(); ++k)
                prod[i + k] += left[i] * delta[k];
        for (std::size_t i = 1; i < prod.size(); ++i)
            fullAr[i - 1] = -prod[i];
    }
    std::vector<double> psi(static_cast<std::size_t>(h), 0.0);
    psi[0] = 1.0;
    for (int j = 1; j < h; ++j) {
        double s = j - 1 < static_cast<int>(theta.size()) ? theta[static_cast<std::size_t>(j - 1)] : 0.0;
        for (int i = 1; i <= j && i <= static_cast<int>(fullAr.size()); ++i)
            s += fullAr[static_cast<std::size_t>(i - 1)] * psi[static_cast<std::size_t>(j - i)];
        psi[static_cast<std::size_t>(j)] = s;
    }
    out.uncertainty = gaussianUncertainty(std::sqrt(fit.sigma2), std::move(psi));
    return out;
}

double kpssStatistic(const std::vector<double> &y)
{
    const int n = static_cast<int>(y.size());
    if (n < 3)
        return 0.0;
    const double mean = std::accumulate(y.begin(), y.end(), 0.0) / n;
    std::vector<double> e(y.size());
    for (int t = 0; t < n; ++t)
        e[static_cast<std::size_t>(t)] = y[static_cast<std::size_t>(t)] - mean;
    double s = 0.0, eta = 0.0;
    for (double v : e) {
        s += v;
        eta += s * s;
    }
    eta /= static_cast<double>(n) * n;
    const int l = static_cast<int>(3.0 * std::sqrt(static_cast<double>(n)) / 13.0);
    double lrv = 0.0;
    for (double v : e)
        lrv += v * v;
    lrv /= n;
    for (int k = 1; k <= l; ++k) {
        double c = 0.0;
        for (int t = k; t < n; ++t)
            c += e[static_cast<std::size_t>(t)] * e[static_cast<std::size_t>(t - k)];
        lrv += 2.0 * (1.0 - k / (l + 1.0)) * c / n;
    }
    return lrv > 0 ? eta / lrv : 0.0;
}

int kpssDiffs(const std::vector<double> &y, int maxD)
{
    std::vector<double> x = y;
    int d = 0;
    auto constant = [](const std::vector<double> &v) {
        return v.empty() || std::all_of(v.begin(), v.end(), [&](double a) { return a == v.front(); });
    };
    while (d < maxD && !constant(x) && x.size() > 4 && kpssStatistic(x) > 0.463) {
        x = difference(x, 1, 0, 1);
        ++d;
    }
    return d;
}

int seasonalDiffs(const std::vector<double> &y, int m)
{
    if (m < 2 || static_cast<int>(y.size()) < 2 * m + 1)
        return 0;
    return seasonalStrength(y, m) > 0.64 ? 1 : 0;
}

} // namespace tidemark::forecast
