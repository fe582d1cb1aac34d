#pragma once
// Internal to ets_model.cpp: the ETS recursions compiled per model class,
// one run at a time or several side by side in the lanes of vectors.
//
// The recursions are a long chain of dependent additions and
// multiplications, so one run leaves most of the floating-point units idle.
// The optimiser's independent candidates therefore run in the lanes of a
// vector ("pack"), and two packs, of the same model or of two models with
// the same season (and no or additive trend), run in one loop. Every lane
// does exactly the scalar arithmetic, so a run's likelihood does not depend
// on where it was computed; for the same reason no kernel lets the compiler
// fuse a·b + c into one rounding (fp-contract=off).
//
// Lanes are used where the processor has AVX2 (checked at run time) and the
// code for them is compiled for it; elsewhere runs go one by one. The vector
// type never crosses an ABI, so GCC's note on its calling convention
// (reported at the end of the including file) does not apply.
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "forecast/ets_model.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

#if defined(__GNUC__) && !defined(__clang__)
#define TIDEMARK_NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#else
#define TIDEMARK_NO_CONTRACT
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#define TIDEMARK_ETS_LANES 1
#define TIDEMARK_LANES_TARGET __attribute__((target("avx2"))) TIDEMARK_NO_CONTRACT
#else
#define TIDEMARK_ETS_LANES 0
#define TIDEMARK_LANES_TARGET TIDEMARK_NO_CONTRACT
#endif
#define TIDEMARK_ALWAYS_INLINE inline __attribute__((always_inline))

namespace tidemark::forecast::recursions {

constexpr double kTol = 1e-10;
constexpr double kHuge = 1e10;

constexpr int kLanes = 4;
using Lanes = double __attribute__((vector_size(kLanes * sizeof(double))));
using LaneMask = decltype(Lanes{} < Lanes{});

#if TIDEMARK_ETS_LANES
/// Whether this CPU runs the AVX2 lanes (checked once).
inline bool lanesAvailable()
{
    static const bool avx2 = __builtin_cpu_supports("avx2");
    return avx2;
}
#endif

template <class V>
constexpr bool kScalar = std::is_same_v<V, double>;

template <class V>
TIDEMARK_ALWAYS_INLINE V splat(double x)
{
    if constexpr (kScalar<V>)
        return x;
    else
        return Lanes{x, x, x, x};
}

TIDEMARK_ALWAYS_INLINE bool allLanes(const LaneMask &m) { return (m[0] & m[1] & m[2] & m[3]) != 0; }
TIDEMARK_ALWAYS_INLINE bool anyLane(const LaneMask &m) { return (m[0] | m[1] | m[2] | m[3]) != 0; }

// |x| < kTol, lane by lane.
TIDEMARK_ALWAYS_INLINE bool tiny(double x) { return std::fabs(x) < kTol; }
TIDEMARK_ALWAYS_INLINE LaneMask tiny(const Lanes &x) { return (x < kTol) & (x > -kTol); }

// The recursions' guarded division: kHuge when the divisor is (nearly) zero.
template <class V>
TIDEMARK_ALWAYS_INLINE V safeDivide(const V &num, const V &den)
{
    if constexpr (kScalar<V>)
        return tiny(den) ? kHuge : num / den;
    else
        return tiny(den) ? splat<V>(kHuge) : num / den;
}

// Σ log|f_t| without a logarithm per observation: the product of the |f_t|
// is kept with its binary exponent moved out into an integer whenever it
// leaves [2^-600, 2^600]; factors outside [2^-300, 2^300] are logged
// directly, so the product can neither overflow nor lose precision.
constexpr double kFactorLo = 0x1p-300, kFactorHi = 0x1p300;
constexpr double kProdLo = 0x1p-600, kProdHi = 0x1p600;

template <class V>
class LogSum;

template <>
class LogSum<double> {
public:
    TIDEMARK_ALWAYS_INLINE void add(double f)
    {
        const double a = std::fabs(f);
        if (a > kFactorLo && a < kFactorHi) [[likely]] {
            m_prod *= a;
            if (!(m_prod > kProdLo && m_prod < kProdHi)) [[unlikely]] {
                int e = 0;
                m_prod = std::frexp(m_prod, &e);
                m_exponent += e;
            }
        } else {
            m_direct += std::log(a);
        }
    }
    TIDEMARK_ALWAYS_INLINE double value() const
    {
        return std::log(m_prod) + static_cast<double>(m_exponent) * M_LN2 + m_direct;
    }

private:
    double m_prod = 1.0;
    long long m_exponent = 0;
    double m_direct = 0.0;
};

// The same per lane; lanes whose forecast is not finite (already failed)
// contribute nothing.
template <>
class LogSum<Lanes> {
public:
    TIDEMARK_ALWAYS_INLINE void add(const Lanes &f)
    {
        const Lanes one = splat<Lanes>(1.0);
        Lanes a = f < 0 ? -f : f;
        a = (a - a) == 0 ? a : one;
        const LaneMask in = (a > kFactorLo) & (a < kFactorHi);
        m_prod *= in ? a : one;
        if (anyLane(~in | ~((m_prod > kProdLo) & (m_prod < kProdHi)))) [[unlikely]] {
            for (int j = 0; j < kLanes; ++j) {
                if (!in[j]) {
                    m_direct[j] += std::log(a[j]);
                } else if (!(m_prod[j] > kProdLo && m_prod[j] < kProdHi)) {
                    int e = 0;
                    m_prod[j] = std::frexp(m_prod[j], &e);
                    m_exponent[j] += e;
                }
            }
        }
    }
    TIDEMARK_ALWAYS_INLINE double value(int j) const
    {
        return std::log(m_prod[j]) + static_cast<double>(m_exponent[j]) * M_LN2 + m_direct[j];
    }

private:
    Lanes m_prod = splat<Lanes>(1.0);
    long long m_exponent[kLanes] = {};
    Lanes m_direct = splat<Lanes>(0.0);
};

// Parameters and initial states of one run (double) or one pack of runs.
template <class V>
struct KernelIn {
    V alpha, betaStar, gamma, phi, level, growth;
};

// Sums of one pass of the recursions. A scalar run stops at the first
// forecast that is not finite (`ok` false); lanes record it in `failed`.
template <class V>
struct KernelOut {
    V sse{}, sse1{}, level{}, growth{};
    double logf[kScalar<V> ? 1 : kLanes] = {};
    bool ok = false;
    LaneMask failed{};
};

// The running state of one run or pack.
template <class V>
struct Track {
    explicit Track(const KernelIn<V> &in)
        : alpha(in.alpha)
        , betaStar(in.betaStar)
        , gamma(in.gamma)
        , phi(in.phi)
        , l(in.level)
        , b(in.growth)
    {
    }
    V alpha, betaStar, gamma, phi;
    V l, b;
    V sse{}, sse1{};
    LogSum<V> logf;
    LaneMask failed{};

    TIDEMARK_ALWAYS_INLINE void finish(KernelOut<V> &out) const
    {
        out.sse = sse;
        out.sse1 = sse1;
        if constexpr (kScalar<V>) {
            out.logf[0] = logf.value();
        } else {
            for (int j = 0; j < kLanes; ++j)
                out.logf[j] = logf.value(j);
        }
        out.level = l;
        out.growth = b;
        out.failed = failed;
        out.ok = true;
    }
};

// One observation of the recursions of one model class, fixed at compile
// time so the loop has no per-observation dispatch; the arithmetic is that
// of oneStep() and update() in ets_model.cpp. `season` is the seasonal
// state that applies to y and receives its update. `UnitPhi`: phi is 1
// (additive trend: phi·b is b; multiplicative: no pow). `Full` (scalar
// only) adds Σ(y - f)² and writes res[t]/fit[t] when not null. False when
// a scalar run failed (forecast not finite or negative multiplicative growth).
template <class V, EtsError E, EtsTrend T, EtsSeason S, bool UnitPhi, bool Full>
TIDEMARK_ALWAYS_INLINE bool step(Track<V> &k, V &season, double y, int t, double *res, double *fit)
{
    static_assert(kScalar<V> || (T != EtsTrend::Multiplicative && !Full));
    V q, phib;
    if constexpr (T == EtsTrend::None) {
        q = k.l;
        phib = V{};
    } else if constexpr (T == EtsTrend::Additive) {
        if constexpr (UnitPhi)
            phib = k.b; // == 1·b
        else
            phib = k.phi * k.b;
        q = k.l + phib;
    } else {
        if (k.b < 0)
            return false;
        if constexpr (UnitPhi)
            phib = k.b;
        else
            phib = std::pow(k.b, k.phi);
        q = k.l * phib;
    }
    V seas{}, f = q;
    if constexpr (S == EtsSeason::Additive) {
        seas = season;
        f = q + seas;
    } else if constexpr (S == EtsSeason::Multiplicative) {
        seas = season;
        f = q * seas;
    }
    if constexpr (kScalar<V>) {
        if (!std::isfinite(f)) [[unlikely]]
            return false;
    } else {
        k.failed |= (f - f) != 0;
    }
    const V yt = splat<V>(y);
    const V d = yt - f;
    V e;
    if constexpr (E == EtsError::Additive)
        e = d;
    else
        e = d / f;
    if constexpr (Full) {
        if (res)
            res[t] = e;
        if (fit)
            fit[t] = f;
        k.sse1 += d * d;
    }
    k.sse += e * e;
    if constexpr (E == EtsError::Multiplicative)
        k.logf.add(f);
    const V oldl = k.l;
    V pp;
    if constexpr (S == EtsSeason::None)
        pp = yt;
    else if constexpr (S == EtsSeason::Additive)
        pp = yt - seas;
    else
        pp = safeDivide(yt, seas);
    k.l = q + k.alpha * (pp - q);
    if constexpr (T != EtsTrend::None) {
        V g;
        if constexpr (T == EtsTrend::Additive)
            g = k.l - oldl;
        else
            g = safeDivide(k.l, oldl);
        k.b = phib + k.betaStar * (g - phib);
    }
    if constexpr (S != EtsSeason::None) {
        V u;
        if constexpr (S == EtsSeason::Additive)
            u = yt - q;
        else
            u = safeDivide(yt, q);
        season = seas + k.gamma * (u - seas);
    }
    return true;
}

// `r` holds the m seasonal states in the order they apply (r[0] to the
// first observation); a season is replaced by its update right after use,
// so r cycles with period m.
template <EtsError E, EtsTrend T, EtsSeason S, bool UnitPhi, bool Full>
TIDEMARK_NO_CONTRACT void runScalar(const KernelIn<double> &in, double *r, int m, const double *y, int n, double *res,
                                    double *fit, KernelOut<double> &out)
{
    Track<double> k(in);
    double none = 0.0;
    int j = 0;
    for (int t = 0; t < n; ++t) {
        double &season = S == EtsSeason::None ? none : r[j];
        if (!step<double, E, T, S, UnitPhi, Full>(k, season, y[t], t, res, fit)) [[unlikely]]
            return;
        if (S != EtsSeason::None && ++j == m)
            j = 0;
    }
    k.finish(out);
}

// What a pack computes: its error type and trend (none or additive), and
// whether phi is 1 in all its lanes.
struct PackKind {
    EtsError error;
    EtsTrend trend;
    bool unitPhi;
};
constexpr PackKind kPackKinds[] = {
    {EtsError::Additive, EtsTrend::None, false},     {EtsError::Multiplicative, EtsTrend::None, false},
    {EtsError::Additive, EtsTrend::Additive, false}, {EtsError::Multiplicative, EtsTrend::Additive, false},
    {EtsError::Additive, EtsTrend::Additive, true},  {EtsError::Multiplicative, EtsTrend::Additive, true},
};
constexpr int kPairKinds = 4; ///< packs run in pairs use the first four kinds

inline int packKind(const EtsSpec &spec, bool unitPhi)
{
    const int e = spec.error == EtsError::Multiplicative ? 1 : 0;
    if (spec.trend == EtsTrend::None)
        return e;
    return (unitPhi ? 4 : 2) + e;
}

// Packs of kinds K stepped together, each with its own seasonal ring r[i].
template <EtsSeason S, int... K, std::size_t... I>
TIDEMARK_LANES_TARGET void runPacks(std::index_sequence<I...>, const KernelIn<Lanes> *in, Lanes *const *r, int m,
                                    const double *y, int n, KernelOut<Lanes> *out)
{
    Track<Lanes> k[] = {Track<Lanes>(in[I])...};
    Lanes none{};
    int j = 0;
    for (int t = 0; t < n; ++t) {
        (step<Lanes, kPackKinds[K].error, kPackKinds[K].trend, S, kPackKinds[K].unitPhi, false>(
             k[I], S == EtsSeason::None ? none : r[I][j], y[t], t, nullptr, nullptr),
         ...);
        if (S != EtsSeason::None && ++j == m)
            j = 0;
        // Stop early once every lane has failed.
        if ((t & 15) == 15 && (allLanes(k[I].failed) && ...))
            break;
    }
    (k[I].finish(out[I]), ...);
}

template <class V>
using Kernel = void (*)(const KernelIn<V> *, V *const *, int, const double *, int, KernelOut<V> *);

template <EtsSeason S, int... K>
TIDEMARK_LANES_TARGET void packKernelOf(const KernelIn<Lanes> *in, Lanes *const *r, int m, const double *y, int n,
                                        KernelOut<Lanes> *out)
{
    runPacks<S, K...>(std::make_index_sequence<sizeof...(K)>{}, in, r, m, y, n, out);
}

template <EtsSeason S, int K0, int K1>
constexpr Kernel<Lanes> orderedPair()
{
    if constexpr (K0 <= K1)
        return packKernelOf<S, K0, K1>;
    else
        return nullptr;
}

template <EtsSeason S, int K0>
Kernel<Lanes> pairKernel(int k1)
{
    switch (k1) {
    case 0: return orderedPair<S, K0, 0>();
    case 1: return orderedPair<S, K0, 1>();
    case 2: return orderedPair<S, K0, 2>();
    default: return orderedPair<S, K0, 3>();
    }
}

// The kernel for one pack of kind k0 (k1 < 0) or two packs of kinds
// k0 ≤ k1 < kPairKinds, all with season s.
template <EtsSeason S>
Kernel<Lanes> packKernel(int k0, int k1)
{
    if (k1 < 0) {
        switch (k0) {
        case 0: return packKernelOf<S, 0>;
        case 1: return packKernelOf<S, 1>;
        case 2: return packKernelOf<S, 2>;
        case 3: return packKernelOf<S, 3>;
        case 4: return packKernelOf<S, 4>;
        default: return packKernelOf<S, 5>;
        }
    }
    switch (k0) {
    case 0: return pairKernel<S, 0>(k1);
    case 1: return pairKernel<S, 1>(k1);
    case 2: return pairKernel<S, 2>(k1);
    default: return pairKernel<S, 3>(k1);
    }
}

inline Kernel<Lanes> packKernel(EtsSeason s, int k0, int k1)
{
    switch (s) {
    case EtsSeason::None: return packKernel<EtsSeason::None>(k0, k1);
    case EtsSeason::Additive: return packKernel<EtsSeason::Additive>(k0, k1);
    default: return packKernel<EtsSeason::Multiplicative>(k0, k1);
    }
}

using ScalarKernel = void (*)(const KernelIn<double> &, double *, int, const double *, int, double *, double *,
                              KernelOut<double> &);

template <bool Full, EtsError E, EtsTrend T, bool U>
ScalarKernel scalarKernel(EtsSeason s)
{
    switch (s) {
    case EtsSeason::None: return runScalar<E, T, EtsSeason::None, U, Full>;
    case EtsSeason::Additive: return runScalar<E, T, EtsSeason::Additive, U, Full>;
    default: return runScalar<E, T, EtsSeason::Multiplicative, U, Full>;
    }
}

template <bool Full, EtsError E>
ScalarKernel scalarKernel(EtsTrend t, bool unitPhi, EtsSeason s)
{
    switch (t) {
    case EtsTrend::None: return scalarKernel<Full, E, EtsTrend::None, false>(s);
    case EtsTrend::Additive:
        return unitPhi ? scalarKernel<Full, E, EtsTrend::Additive, true>(s)
                       : scalarKernel<Full, E, EtsTrend::Additive, false>(s);
    default:
        return unitPhi ? scalarKernel<Full, E, EtsTrend::Multiplicative, true>(s)
                       : scalarKernel<Full, E, EtsTrend::Multiplicative, false>(s);
    }
}

// `unitPhi`: phi == 1 (additive trend) or |phi - 1| < kTol (multiplicative
// trend, as oneStep() decides).
template <bool Full>
ScalarKernel scalarKernel(const EtsSpec &spec, bool unitPhi)
{
    return spec.error == EtsError::Additive ? scalarKernel<Full, EtsError::Additive>(spec.trend, unitPhi, spec.season)
                                            : scalarKernel<Full, EtsError::Multiplicative>(spec.trend, unitPhi,
                                                                                           spec.season);
}

inline bool unitPhi(const EtsSpec &spec, double phi)
{
    return spec.trend == EtsTrend::Multiplicative ? std::fabs(phi - 1.0) < kTol : phi == 1.0;
}

// R's lik from the sums; NaN when they are not usable.
inline double likFromSums(bool ok, double &sse, double logf, int n)
{
    if (!ok)
        return NAN;
    if (!(sse > 0.0) || !std::isfinite(sse)) {
        // A perfect fit: keep the likelihood finite so selection still works.
        sse = std::max(sse, 1e-300);
        if (!std::isfinite(sse))
            return NAN;
    }
    return n * std::log(sse) + 2.0 * logf;
}

} // namespace tidemark::forecast::recursions
