// The cost model of one move.
#include "rebalance/move_cost.h"

#include <algorithm>
#include <cmath>

namespace tidemark::rebalance {

namespace {

double pOver(double mean, double variance, double sdSum, double capacity, const OutlookOptions &o)
{
    const double rho = o.errorCorrelation;
    const double sd = std::sqrt(std::max(0.0, (1.0 - rho) * variance + rho * sdSum * sdSum));
    return probabilityAbove(mean / capacity, sd / capacity, o.threshold);
}

} // namespace

MoveEvaluation evaluateMove(const MoveEnd &source, const MoveEnd &target, std::span<const float> mean,
                            std::span<const float> sd, double bytes, const MoveCostOptions &options,
                            double startSeconds)
{
    MoveEvaluation e;
    const auto &o = options.outlook;
    const NodeLoad &s = *source.load, &d = *target.load;
    const int h = std::min({s.horizon(), d.horizon(), int(mean.size()), int(sd.size())});
    const double throughput = std::min(source.copyBytesPerSecond, target.copyBytesPerSecond);
    e.startSeconds = startSeconds;
    e.copySeconds = throughput > 0 ? std::max(0.0, bytes) / throughput : 1e18;
    const double stepSeconds = o.stepMinutes * 60.0;
    const double copyStart = startSeconds / stepSeconds, copyEnd = (startSeconds + e.copySeconds) / stepSeconds;
    const double copyS = options.copyLoadShare * source.capacity, copyD = options.copyLoadShare * target.capacity;

    double spreadB = 0, spreadA = 0;
    for (int t = 0; t < h; ++t) {
        const auto i = std::size_t(t);
        const double pm = mean[i], ps = sd[i];
        // Shares of step t before the copy, while it runs, and after it (moved).
        const double before = std::clamp(copyStart - t, 0.0, 1.0);
        const double moved = std::clamp(t + 1 - copyEnd, 0.0, 1.0);
        const double during = std::max(0.0, 1.0 - before - moved);

        const double sB = pOver(s.mean[i], s.variance[i], s.sdSum[i], source.capacity, o);
        const double dB = pOver(d.mean[i], d.variance[i], d.sdSum[i], target.capacity, o);
        const double sMoved =
            pOver(s.mean[i] - pm, s.variance[i] - ps * ps, std::max(0.0, s.sdSum[i] - ps), source.capacity, o);
        const double dMoved = pOver(d.mean[i] + pm, d.variance[i] + ps * ps, d.sdSum[i] + ps, target.capacity, o);
        const double sCopy = pOver(s.mean[i] + copyS, s.variance[i], s.sdSum[i], source.capacity, o);
        const double dCopy = pOver(d.mean[i] + copyD, d.variance[i], d.sdSum[i], target.capacity, o);

        e.overloadBefore += (sB + dB) * o.stepMinutes;
        e.overloadAfter += ((before + during) * (sB + dB) + moved * (sMoved + dMoved)) * o.stepMinutes;
        e.copyOverload += during * ((sCopy - sB) + (dCopy - dB)) * o.stepMinutes;

        const double uS = s.mean[i] / source.capacity, uD = d.mean[i] / target.capacity;
        const double uSa = (s.mean[i] - moved * pm + during * copyS) / source.capacity;
        const double uDa = (d.mean[i] + moved * pm + during * copyD) / target.capacity;
        e.peakBefore = std::max({e.peakBefore, uS, uD});
        e.peakAfter = std::max({e.peakAfter, uSa, uDa});
        spreadB += std::abs(uS - uD);
        spreadA += std::abs((s.mean[i] - moved * pm) / source.capacity - (d.mean[i] + moved * pm) / target.capacity);
        if (e.crossingMinutes < 0 && uS >= o.threshold)
            e.crossingMinutes = t * o.stepMinutes;
    }
    if (h > 0) {
        e.spreadBefore = spreadB / h;
        e.spreadAfter = spreadA / h;
    }
    const double shareNow = h > 0 ? std::max(0.0, double(mean[0])) / source.capacity : 0.0;
    e.stallMinutes = options.cutoverStallSeconds / 60.0 * shareNow;
    e.targetCost = options.targetCostPerGiB * std::max(0.0, bytes) / double(1ll << 30);
    e.endsBeforeCrossing = e.crossingMinutes < 0 || (startSeconds + e.copySeconds) / 60.0 <= e.crossingMinutes;

    e.benefit = e.overloadAvoided() + options.peakWeight * 100.0 * (e.peakBefore - e.peakAfter) +
        options.balanceWeight * 100.0 * (e.spreadBefore - e.spreadAfter);
    e.cost = std::max(0.0, e.copyOverload) + e.stallMinutes + e.targetCost + options.fixedCostPerMove;
    if (!(throughput > 0)) {
        e.benefit = 0;
        e.cost = 1e18;
    }
    return e;
}

} // namespace tidemark::rebalance
