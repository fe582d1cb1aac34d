#include "forecast/nelder_mead.h"

#include <algorithm>
#include <cmath>

namespace tidemark::forecast {

namespace {

constexpr double kBig = 1.0e35, kAlpha = 1.0, kBeta = 0.5, kGamma = 2.0;

double finiteOrBig(double v) { return std::isfinite(v) ? v : kBig; }

} // namespace

NashNelderMead::NashNelderMead(std::vector<double> x0, bool speculative, int maxEvaluations, double relTol)
    : m_n(static_cast<int>(x0.size()))
    , m_maxEvaluations(maxEvaluations)
    , m_relTol(relTol)
    , m_speculative(speculative)
    , m_x0(std::move(x0))
{
    m_pending.push_back(m_x0.data());
}

void NashNelderMead::supply(const double *values)
{
    switch (m_phase) {
    case Phase::Start:
        start(finiteOrBig(values[0]));
        return;
    case Phase::Vertices:
        for (int j = 0, k = 0; j <= m_n; ++j)
            if (j != m_L)
                m_fv[static_cast<std::size_t>(j)] = finiteOrBig(values[k++]);
        m_evaluations += m_n;
        requestCandidates();
        return;
    case Phase::Candidates:
        for (int i = 0; i < 4; ++i)
            m_fc[i] = values[i];
        break;
    case Phase::Reflection: {
        // The one point that follows the reflection.
        m_fc[0] = values[0];
        const double VR = finiteOrBig(values[0]);
        m_follow = VR < m_VL ? 1 : VR < m_VH ? 2 : 3;
        m_phase = Phase::Follow;
        m_pending.assign({m_cand.data() + static_cast<std::ptrdiff_t>(m_follow) * m_n});
        return;
    }
    case Phase::Follow:
        m_fc[m_follow] = values[0];
        break;
    case Phase::Finished:
        return;
    }
    iterate();
}

void NashNelderMead::iterate()
{
    // The reflection and the one point Nash's algorithm goes on to evaluate.
    m_evaluations += 2;
    const int n = m_n;
    const double VR = finiteOrBig(m_fc[0]);
    const double *reflected = m_cand.data(), *expanded = reflected + n, *contractOut = expanded + n,
                 *contractIn = contractOut + n;
    double *worst = vertex(m_H);
    double &fWorst = m_fv[static_cast<std::size_t>(m_H)];
    bool calcVertices = false;
    if (VR < m_VL) {
        // Expansion.
        const double fe = finiteOrBig(m_fc[1]);
        if (fe < VR) {
            std::copy(expanded, expanded + n, worst);
            fWorst = fe;
        } else {
            std::copy(reflected, reflected + n, worst);
            fWorst = VR;
        }
    } else {
        const bool replaced = VR < m_VH;
        if (replaced) {
            std::copy(reflected, reflected + n, worst);
            fWorst = VR;
        }
        const double *contracted = replaced ? contractOut : contractIn;
        const double fc = finiteOrBig(m_fc[replaced ? 2 : 3]);
        if (fc < fWorst) {
            std::copy(contracted, contracted + n, worst);
            fWorst = fc;
        } else if (VR >= m_VH) {
            // Shrink towards the best vertex.
            calcVertices = true;
            double size = 0.0;
            const double *best = vertex(m_L);
            for (int j = 0; j <= n; ++j) {
                if (j == m_L)
                    continue;
                double *p = vertex(j);
                for (int i = 0; i < n; ++i) {
                    p[i] = kBeta * (p[i] - best[i]) + best[i];
                    size += std::fabs(p[i] - best[i]);
                }
            }
            if (size < m_oldSize) {
                m_oldSize = size;
            } else {
                finish(false);
                return;
            }
        }
    }
    if (m_evaluations > m_maxEvaluations)
        finish(false);
    else if (calcVertices)
        requestVertices();
    else
        requestCandidates();
}

void NashNelderMead::start(double f)
{
    m_evaluations = 1;
    m_f0 = f;
    const int n = m_n;
    const auto un = static_cast<std::size_t>(n);
    if (n == 0 || f >= kBig) {
        m_phase = Phase::Finished;
        m_pending.clear();
        return;
    }
    m_convTol = m_relTol * (std::fabs(f) + m_relTol);
    m_v.resize(un * (un + 1));
    for (int j = 0; j <= n; ++j)
        std::copy(m_x0.begin(), m_x0.end(), vertex(j));
    m_fv.assign(un + 1, 0.0);
    m_fv[0] = f;
    double step = 0.0;
    for (double x : m_x0)
        step = std::max(step, 0.1 * std::fabs(x));
    if (step == 0.0)
        step = 0.1;
    double size = 0.0;
    for (int j = 1; j <= n; ++j) {
        double *p = vertex(j);
        const double b = m_x0[static_cast<std::size_t>(j - 1)];
        double tryStep = step;
        while (p[j - 1] == b) {
            p[j - 1] = b + tryStep;
            tryStep *= 10;
        }
        size += tryStep;
    }
    m_oldSize = size;
    m_L = 0;
    m_centroid.resize(un);
    m_cand.resize(4 * un);
    requestVertices();
}

void NashNelderMead::requestVertices()
{
    m_phase = Phase::Vertices;
    m_pending.clear();
    for (int j = 0; j <= m_n; ++j)
        if (j != m_L)
            m_pending.push_back(vertex(j));
}

void NashNelderMead::requestCandidates()
{
    const int n = m_n;
    double VL = m_fv[static_cast<std::size_t>(m_L)], VH = VL;
    int L = m_L, H = m_L;
    for (int j = 0; j <= n; ++j) {
        if (j == m_L)
            continue;
        const double fj = m_fv[static_cast<std::size_t>(j)];
        if (fj < VL) {
            L = j;
            VL = fj;
        }
        if (fj > VH) {
            H = j;
            VH = fj;
        }
    }
    m_L = L;
    m_H = H;
    m_VL = VL;
    m_VH = VH;
    if (VH <= VL + m_convTol) {
        finish(true);
        return;
    }
    // Centroid of the other vertices: per coordinate -worst + v[0] + … + v[n]
    // in that order. Blocks of coordinates are summed vertex by vertex with
    // the sums in registers (independent chains instead of one long one).
    const double *worst = vertex(H);
    double *c = m_centroid.data();
    constexpr int kBlock = 8;
    int i0 = 0;
    for (; i0 + kBlock <= n; i0 += kBlock) {
        double sum[kBlock];
        for (int i = 0; i < kBlock; ++i)
            sum[i] = -worst[i0 + i];
        for (int j = 0; j <= n; ++j) {
            const double *p = vertex(j) + i0;
#pragma GCC unroll 8
            for (int i = 0; i < kBlock; ++i)
                sum[i] += p[i];
        }
        for (int i = 0; i < kBlock; ++i)
            c[i0 + i] = sum[i] / n;
    }
    for (int i = i0; i < n; ++i) {
        double t = -worst[i];
        for (int j = 0; j <= n; ++j)
            t += vertex(j)[i];
        c[i] = t / n;
    }
    double *reflected = m_cand.data(), *expanded = reflected + n, *contractOut = expanded + n,
           *contractIn = contractOut + n;
    for (int i = 0; i < n; ++i) {
        reflected[i] = (1.0 + kAlpha) * c[i] - kAlpha * worst[i];
        expanded[i] = kGamma * reflected[i] + (1 - kGamma) * c[i];
        contractOut[i] = (1 - kBeta) * reflected[i] + kBeta * c[i];
        contractIn[i] = (1 - kBeta) * worst[i] + kBeta * c[i];
    }
    if (m_speculative) {
        m_phase = Phase::Candidates;
        m_pending.assign({reflected, expanded, contractOut, contractIn});
    } else {
        m_phase = Phase::Reflection;
        m_pending.assign({reflected});
    }
}

void NashNelderMead::finish(bool converged)
{
    m_converged = converged;
    m_phase = Phase::Finished;
    m_pending.clear();
}

NelderMeadResult NashNelderMead::result() const
{
    NelderMeadResult out;
    out.evaluations = m_evaluations;
    out.converged = m_converged;
    if (m_fv.empty()) {
        out.x = m_x0;
        out.value = m_f0;
        return out;
    }
    int best = 0;
    for (int j = 1; j <= m_n; ++j)
        if (m_fv[static_cast<std::size_t>(j)] < m_fv[static_cast<std::size_t>(best)])
            best = j;
    out.x.assign(vertex(best), vertex(best) + m_n);
    out.value = m_fv[static_cast<std::size_t>(best)];
    return out;
}

NelderMeadResult nashNelderMead(const BatchObjective &f, std::vector<double> x0, bool speculative, int maxEvaluations,
                                double relTol)
{
    NashNelderMead nm(std::move(x0), speculative, maxEvaluations, relTol);
    std::vector<double> values;
    while (!nm.finished()) {
        const auto &points = nm.pending();
        values.resize(points.size());
        f(static_cast<int>(points.size()), points.data(), values.data());
        nm.supply(values.data());
    }
    return nm.result();
}

} // namespace tidemark::forecast
