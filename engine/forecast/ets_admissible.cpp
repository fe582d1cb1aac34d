// The admissible region of the ETS parameters (forecast:::admissible): cheap
// bounds first, then the characteristic polynomial's roots by a Schur-Cohn
// recursion, for one parameter set or several side by side.
#include "forecast/ets_model.h"

#include <cmath>
#include <vector>

#include "forecast/ets_recursions.h"

namespace tidemark::forecast {

using namespace recursions;

namespace {

// std::max(0, |c[0]|, …, |c[d-1]|) lane by lane, in four running maxima:
// the maximum of a set does not depend on the order (and NaN is skipped
// either way).
template <class V>
TIDEMARK_ALWAYS_INLINE V largestMagnitude(const V *c, int d)
{
    const auto magnitude = [](const V &x) {
        if constexpr (kScalar<V>)
            return std::fabs(x);
        else
            return x < 0 ? -x : x;
    };
    const auto max = [](const V &x, const V &y) { return x < y ? y : x; }; // std::max(x, y)
    V m0{}, m1{}, m2{}, m3{};
    int k = 0;
    for (; k + 4 <= d; k += 4) {
        m0 = max(m0, magnitude(c[k]));
        m1 = max(m1, magnitude(c[k + 1]));
        m2 = max(m2, magnitude(c[k + 2]));
        m3 = max(m3, magnitude(c[k + 3]));
    }
    for (; k < d; ++k)
        m0 = max(m0, magnitude(c[k]));
    return max(max(m0, m1), max(m2, m3));
}

// Schur-Cohn recursion: true when every root of a[0] + a[1]z + … + a[d]z^d
// has modulus ≤ 1 + 1e-10 (forecast:::admissible uses polyroot for this).
// O(d²) instead of an eigenvalue problem: it runs at every likelihood
// evaluation. `a` (d + 1 values) is overwritten; `work` holds d more.
TIDEMARK_NO_CONTRACT bool rootsWithinUnitCircle(double *a, double *work, int d)
{
    while (d > 0 && std::fabs(a[d]) < 1e-300)
        --d;
    // Roots of p(rz) are roots/r: scaling the coefficients gives the tolerance.
    constexpr double r = 1.0 + 1e-10;
    double rk = 1.0;
    for (int k = 0; k <= d; ++k) {
        a[k] *= rk;
        rk *= r;
    }
    double *c = work;
    while (d > 0) {
        if (std::fabs(a[0]) >= std::fabs(a[d]))
            return false;
        const double ad = a[d], a0 = a[0];
        for (int k = 1; k <= d; ++k)
            c[k - 1] = ad * a[k] - a0 * a[d - k];
        const double big = largestMagnitude(c, d);
        if (!(big > 0.0))
            return false;
        for (int k = 0; k < d; ++k)
            c[k] /= big;
        std::swap(a, c);
        --d;
    }
    return true;
}

#if TIDEMARK_ETS_LANES
// rootsWithinUnitCircle for kLanes polynomials of degree d side by side,
// each lane with exactly the scalar arithmetic; a[d] must be non-zero in
// every lane (the characteristic polynomial is monic). Returns the lanes
// whose roots are all within the circle.
TIDEMARK_LANES_TARGET LaneMask rootsWithinUnitCircle(Lanes *a, Lanes *work, int d)
{
    constexpr double r = 1.0 + 1e-10;
    double rk = 1.0;
    for (int k = 0; k <= d; ++k) {
        a[k] *= splat<Lanes>(rk);
        rk *= r;
    }
    const auto magnitude = [](const Lanes &x) { return x < 0 ? -x : x; };
    LaneMask failed{};
    Lanes *c = work;
    while (d > 0) {
        const Lanes ad = a[d], a0 = a[0];
        failed |= magnitude(a0) >= magnitude(ad);
        if (failed[0] & failed[1] & failed[2] & failed[3])
            break;
        for (int k = 1; k <= d; ++k)
            c[k - 1] = ad * a[k] - a0 * a[d - k];
        const Lanes big = largestMagnitude(c, d);
        failed |= ~(big > 0.0);
        for (int k = 0; k < d; ++k)
            c[k] /= big;
        std::swap(a, c);
        --d;
    }
    return ~failed;
}
#endif

enum class Admissible { No, Yes, IfRootsInside };

// The bounds of forecast:::admissible that do not need the polynomial.
Admissible admissibleBounds(const EtsSpec &spec, const EtsParams &p)
{
    const double phi = spec.damped ? p.phi : 1.0;
    const bool hasTrend = spec.trend != EtsTrend::None;
    if (phi < 0 || phi > 1 + 1e-8)
        return Admissible::No;
    if (spec.season == EtsSeason::None || spec.period <= 1) {
        if (p.alpha < 1 - 1 / phi || p.alpha > 1 + 1 / phi)
            return Admissible::No;
        if (hasTrend && (p.beta < p.alpha * (phi - 1) || p.beta > (1 + phi) * (2 - p.alpha)))
            return Admissible::No;
        return Admissible::Yes;
    }
    const int m = spec.period;
    const double beta = hasTrend ? p.beta : 0.0;
    const double a = p.alpha, g = p.gamma;
    if (g < std::max(1 - 1 / phi - a, 0.0) || g > 1 + 1 / phi - a)
        return Admissible::No;
    if (a < 1 - 1 / phi - g * (1 - m + phi + phi * m) / (2 * phi * m))
        return Admissible::No;
    if (beta < -(1 - phi) * (g / m + a))
        return Admissible::No;
    return Admissible::IfRootsInside;
}

// Characteristic polynomial of forecast:::admissible, lowest power first,
// into P (m + 2 values, the last one 1); returns its degree m + 1.
template <class Store>
int characteristic(const EtsSpec &spec, const EtsParams &p, Store store)
{
    const double phi = spec.damped ? p.phi : 1.0;
    const double beta = spec.trend != EtsTrend::None ? p.beta : 0.0;
    const double a = p.alpha, g = p.gamma;
    const int m = spec.period;
    int d = 0;
    store(d++, phi * (1 - a - g));
    store(d++, a + beta - a * phi + g - 1);
    for (int i = 0; i < m - 2; ++i)
        store(d++, a + beta - a * phi);
    store(d++, a + beta - phi);
    store(d, 1.0);
    return d;
}

} // namespace

bool etsAdmissible(const EtsSpec &spec, const EtsParams &p)
{
    const Admissible bounds = admissibleBounds(spec, p);
    if (bounds != Admissible::IfRootsInside)
        return bounds == Admissible::Yes;
    const int m = spec.period;
    constexpr int kStack = 64;
    double stack[2 * kStack];
    std::vector<double> heap;
    double *P = stack;
    if (m + 2 > kStack) {
        heap.resize(2 * static_cast<std::size_t>(m + 2));
        P = heap.data();
    }
    const int d = characteristic(spec, p, [P](int k, double v) { P[k] = v; });
    return rootsWithinUnitCircle(P, P + d + 1, d);
}

namespace {

#if TIDEMARK_ETS_LANES
// etsAdmissible's polynomial test for up to kLanes parameter sets (indices
// `which`) at once; unused lanes repeat the first set.
TIDEMARK_LANES_TARGET void rootsInsideLanes(const EtsSpec &spec, const EtsParams *par, const int *which, int count,
                                            bool *ok)
{
    const int m = spec.period;
    constexpr int kStack = 64;
    Lanes stack[2 * kStack];
    std::vector<Lanes> heap;
    Lanes *P = stack;
    if (m + 2 > kStack) {
        heap.resize(2 * static_cast<std::size_t>(m + 2));
        P = heap.data();
    }
    int d = 0;
    for (int j = 0; j < kLanes; ++j)
        d = characteristic(spec, par[which[j < count ? j : 0]], [P, j](int k, double v) { P[k][j] = v; });
    const LaneMask inside = rootsWithinUnitCircle(P, P + d + 1, d);
    for (int j = 0; j < count; ++j)
        ok[which[j]] = inside[j] != 0;
}
#endif

} // namespace

void etsAdmissible(const EtsSpec &spec, int count, const EtsParams *par, bool *ok)
{
#if TIDEMARK_ETS_LANES
    const bool lanes = lanesAvailable();
    int pending[kLanes];
    int waiting = 0;
    for (int i = 0; i < count; ++i) {
        const Admissible bounds = admissibleBounds(spec, par[i]);
        ok[i] = bounds == Admissible::Yes;
        if (bounds != Admissible::IfRootsInside)
            continue;
        if (!lanes) {
            ok[i] = etsAdmissible(spec, par[i]);
            continue;
        }
        pending[waiting++] = i;
        if (waiting == kLanes) {
            rootsInsideLanes(spec, par, pending, waiting, ok);
            waiting = 0;
        }
    }
    if (waiting == 1)
        ok[pending[0]] = etsAdmissible(spec, par[pending[0]]);
    else if (waiting > 1)
        rootsInsideLanes(spec, par, pending, waiting, ok);
#else
    for (int i = 0; i < count; ++i)
        ok[i] = etsAdmissible(spec, par[i]);
#endif
}

} // namespace tidemark::forecast
