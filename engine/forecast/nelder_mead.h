#pragma once
// The Nelder-Mead variant of Nash (1990, Algorithm 19) that R's optim() and
// forecast::ets use: one simplex size for every coordinate (10 % of the
// largest |x|), relative convergence on the spread of the vertex values.
// Reproducing it lets Tidemark reach the same optimum as R where R's
// optimiser stops early; NLopt refines from there (ets_fit.cpp).
#include <functional>
#include <vector>

namespace tidemark::forecast {

struct NelderMeadResult {
    std::vector<double> x;
    double value = 0.0;
    int evaluations = 0;
    bool converged = false;
};

/// Minimises f from x0; non-finite values count as 1e35 (R's "big").
NelderMeadResult nashNelderMead(const std::function<double(const double *)> &f, std::vector<double> x0,
                                int maxEvaluations = 2000, double relTol = 1.490116119384765625e-8);

} // namespace tidemark::forecast
