// Hyndman–Khandakar stepwise order search (forecast::auto.arima).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <tuple>

#include "forecast/arima.h"

namespace tidemark::forecast {

ArimaFit autoArima(const std::vector<double> &y, int m, const AutoArimaOptions &opt)
{
    const int n = static_cast<int>(y.size());
    if (m < 2 || m > 350 || n < 2 * m + 2)
        m = 1;
    const int D = m > 1 ? std::min(opt.maxSD, seasonalDiffs(y, m)) : 0;
    const std::vector<double> dx = D > 0 ? difference(y, 0, D, m) : y;
    const int d = std::min(opt.maxD, kpssDiffs(dx, opt.maxD));
    const bool allowConstant = (d + D <= 1) && (d + D == 0 ? opt.allowMean : opt.allowDrift);
    const int usable = n - d - D * m;
    const int maxP = std::min(opt.maxP, usable / 3), maxQ = std::min(opt.maxQ, usable / 3);
    const int maxSP = m > 1 ? std::min(opt.maxSP, usable / (3 * m)) : 0;
    const int maxSQ = m > 1 ? std::min(opt.maxSQ, usable / (3 * m)) : 0;

    const bool approximation = opt.approximation.value_or(n > 150 || m > 12);
    // A long series is searched on its recent stretch (at least eight
    // cycles), which decides the order as well at a fraction of the cost.
    const int window = std::max(opt.searchWindow, 8 * m + d + D * m + 1);
    const std::vector<double> recent = approximation && opt.searchWindow > 0 && n > window
        ? std::vector<double>(y.end() - window, y.end())
        : std::vector<double>{};
    const std::vector<double> &searched = recent.empty() ? y : recent;
    ArimaFitOptions fo;
    fo.exact = !approximation;
    // Comparing orders by AICc needs the criterion to ~0.01, not the
    // estimates to nine digits: the windowed search stops earlier.
    if (!recent.empty())
        fo.relativeTolerance = 1e-6;
    // Candidates are compared by their CSS criterion; only the winner is
    // filtered (its state and residuals are what forecasts need).
    fo.filter = fo.exact;
    ArimaFit best;
    double bestIc = HUGE_VAL;
    std::set<std::tuple<int, int, int, int, bool>> tried;
    auto tryModel = [&](int p, int q, int P, int Q, bool c) {
        if (p < 0 || q < 0 || P < 0 || Q < 0 || p > maxP || q > maxQ || P > maxSP || Q > maxSQ ||
            p + q + P + Q > opt.maxOrder || (c && !allowConstant))
            return false;
        if (!tried.insert({p, q, P, Q, c}).second)
            return false;
        const ArimaFit f = arimaFit(searched, ArimaOrder{p, d, q, P, D, Q, m}, c, fo);
        if (f.ok && f.aicc < bestIc) {
            bestIc = f.aicc;
            best = f;
            return true;
        }
        return false;
    };
    const int sp = m > 1 ? 1 : 0;
    tryModel(std::min(2, maxP), std::min(2, maxQ), std::min(sp, maxSP), std::min(sp, maxSQ), allowConstant);
    tryModel(0, 0, 0, 0, allowConstant);
    tryModel(1, 0, sp, 0, allowConstant);
    tryModel(0, 1, 0, sp, allowConstant);
    if (allowConstant)
        tryModel(0, 0, 0, 0, false);
    for (int iter = 0; iter < 100 && best.ok; ++iter) {
        const auto &o = best.order;
        const int p = o.p, q = o.q, P = o.P, Q = o.Q;
        const bool c = best.constant;
        bool improved = false;
        const int moves[][4] = {{0, 0, -1, 0}, {0, 0, 1, 0},  {0, 0, 0, -1}, {0, 0, 0, 1},  {0, 0, -1, -1},
                                {0, 0, 1, 1},  {0, 0, -1, 1}, {0, 0, 1, -1}, {-1, 0, 0, 0}, {1, 0, 0, 0},
                                {0, -1, 0, 0}, {0, 1, 0, 0},  {-1, -1, 0, 0}, {1, 1, 0, 0}, {-1, 1, 0, 0},
                                {1, -1, 0, 0}};
        for (const auto &mv : moves) {
            if (m == 1 && (mv[2] || mv[3]))
                continue;
            if (tryModel(p + mv[0], q + mv[1], P + mv[2], Q + mv[3], c)) {
                improved = true;
                break;
            }
        }
        if (!improved && allowConstant)
            improved = tryModel(p, q, P, Q, !c);
        if (!improved)
            break;
    }
    if (best.ok && approximation) {
        const ArimaFit searchedFit = best;
        ArimaFit f;
        if (recent.empty()) {
            // ML started from the search's CSS estimates (the CSS stage of
            // "CSS-ML" has been done already).
            ArimaFitOptions exact;
            exact.warmStart = &searchedFit;
            f = arimaFit(y, best.order, best.constant, exact);
        } else {
            // Searched on the window: the winner by CSS on the whole series,
            // started from the window's estimates. On this many values CSS
            // and exact ML estimates agree closely, and the exact likelihood
            // cost as much as the whole search.
            ArimaFitOptions css = fo;
            css.filter = true;
            css.relativeTolerance = 1e-9;
            css.warmStart = &searchedFit;
            f = arimaFit(y, best.order, best.constant, css);
            if (!f.ok) {
                ArimaFitOptions exact;
                f = arimaFit(y, best.order, best.constant, exact);
            }
        }
        if (f.ok)
            best = f;
        else if (!recent.empty())
            best = ArimaFit{};
        else {
            // The search's own CSS estimates, filtered as they are.
            ArimaFitOptions keep = fo;
            keep.filter = true;
            keep.warmStart = &searchedFit;
            keep.maxEvaluations = 0;
            best = arimaFit(y, best.order, best.constant, keep);
        }
    }
    if (!best.ok) {
        // The last resort auto.arima also falls to: a random walk / white noise.
        ArimaFitOptions last = fo;
        last.filter = true;
        best = arimaFit(y, ArimaOrder{0, d, 0, 0, D, 0, m}, false, last);
    }
    best.cssSearch = approximation;
    return best;
}

} // namespace tidemark::forecast
