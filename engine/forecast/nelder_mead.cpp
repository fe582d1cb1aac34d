#include "forecast/nelder_mead.h"

#include <cmath>

namespace tidemark::forecast {

NelderMeadResult nashNelderMead(const std::function<double(const double *)> &fn, std::vector<double> b,
                                int maxEvaluations, double relTol)
{
    constexpr double kBig = 1.0e35, kAlpha = 1.0, kBeta = 0.5, kGamma = 2.0;
    const int n = static_cast<int>(b.size());
    NelderMeadResult out;
    auto eval = [&](const std::vector<double> &x) {
        ++out.evaluations;
        const double v = fn(x.data());
        return std::isfinite(v) ? v : kBig;
    };
    double f = eval(b);
    if (n == 0 || f >= kBig) {
        out.x = b;
        out.value = f;
        return out;
    }
    const double convTol = relTol * (std::fabs(f) + relTol);
    // Simplex: vertices v[0..n], value fv[]; centroid kept separately.
    std::vector<std::vector<double>> v(static_cast<std::size_t>(n + 1), b);
    std::vector<double> fv(static_cast<std::size_t>(n + 1), 0.0);
    fv[0] = f;
    double step = 0.0;
    for (double x : b)
        step = std::max(step, 0.1 * std::fabs(x));
    if (step == 0.0)
        step = 0.1;
    double size = 0.0;
    for (int j = 1; j <= n; ++j) {
        auto &p = v[static_cast<std::size_t>(j)];
        double tryStep = step;
        while (p[static_cast<std::size_t>(j - 1)] == b[static_cast<std::size_t>(j - 1)]) {
            p[static_cast<std::size_t>(j - 1)] = b[static_cast<std::size_t>(j - 1)] + tryStep;
            tryStep *= 10;
        }
        size += tryStep;
    }
    double oldSize = size;
    int L = 0;
    bool calcVertices = true;
    std::vector<double> centroid(static_cast<std::size_t>(n)), trial(static_cast<std::size_t>(n));
    do {
        if (calcVertices) {
            for (int j = 0; j <= n; ++j)
                if (j != L)
                    fv[static_cast<std::size_t>(j)] = eval(v[static_cast<std::size_t>(j)]);
            calcVertices = false;
        }
        double VL = fv[static_cast<std::size_t>(L)], VH = VL;
        int H = L;
        for (int j = 0; j <= n; ++j) {
            if (j == L)
                continue;
            const double fj = fv[static_cast<std::size_t>(j)];
            if (fj < VL) {
                L = j;
                VL = fj;
            }
            if (fj > VH) {
                H = j;
                VH = fj;
            }
        }
        if (VH <= VL + convTol) {
            out.converged = true;
            break;
        }
        for (int i = 0; i < n; ++i) {
            double t = -v[static_cast<std::size_t>(H)][static_cast<std::size_t>(i)];
            for (int j = 0; j <= n; ++j)
                t += v[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)];
            centroid[static_cast<std::size_t>(i)] = t / n;
        }
        for (int i = 0; i < n; ++i)
            trial[static_cast<std::size_t>(i)] = (1.0 + kAlpha) * centroid[static_cast<std::size_t>(i)] -
                                                 kAlpha * v[static_cast<std::size_t>(H)][static_cast<std::size_t>(i)];
        const double VR = eval(trial);
        if (VR < VL) {
            // Expansion.
            std::vector<double> reflected = trial;
            for (int i = 0; i < n; ++i)
                trial[static_cast<std::size_t>(i)] = kGamma * reflected[static_cast<std::size_t>(i)] +
                                                     (1 - kGamma) * centroid[static_cast<std::size_t>(i)];
            const double fe = eval(trial);
            if (fe < VR) {
                v[static_cast<std::size_t>(H)] = trial;
                fv[static_cast<std::size_t>(H)] = fe;
            } else {
                v[static_cast<std::size_t>(H)] = reflected;
                fv[static_cast<std::size_t>(H)] = VR;
            }
        } else {
            if (VR < VH) {
                v[static_cast<std::size_t>(H)] = trial;
                fv[static_cast<std::size_t>(H)] = VR;
            }
            for (int i = 0; i < n; ++i)
                trial[static_cast<std::size_t>(i)] = (1 - kBeta) * v[static_cast<std::size_t>(H)][static_cast<std::size_t>(i)] +
                                                     kBeta * centroid[static_cast<std::size_t>(i)];
            const double fc = eval(trial);
            if (fc < fv[static_cast<std::size_t>(H)]) {
                v[static_cast<std::size_t>(H)] = trial;
                fv[static_cast<std::size_t>(H)] = fc;
            } else if (VR >= VH) {
                // Shrink towards the best vertex.
                calcVertices = true;
                size = 0.0;
                for (int j = 0; j <= n; ++j) {
                    if (j == L)
                        continue;
                    for (int i = 0; i < n; ++i) {
                        double &p = v[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)];
                        const double best = v[static_cast<std::size_t>(L)][static_cast<std::size_t>(i)];
                        p = kBeta * (p - best) + best;
                        size += std::fabs(p - best);
                    }
                }
                if (size < oldSize)
                    oldSize = size;
                else
                    break;
            }
        }
    } while (out.evaluations <= maxEvaluations);
    int best = 0;
    for (int j = 1; j <= n; ++j)
        if (fv[static_cast<std::size_t>(j)] < fv[static_cast<std::size_t>(best)])
            best = j;
    out.x = v[static_cast<std::size_t>(best)];
    out.value = fv[static_cast<std::size_t>(best)];
    return out;
}

} // namespace tidemark::forecast
