// Per-node utilisation outlooks.
#include "rebalance/node_outlook.h"

#include <algorithm>
#include <cmath>

namespace tidemark::rebalance {

void NodeLoad::add(std::span<const float> partitionMean, std::span<const float> partitionSd, double sign)
{
    const std::size_t h = std::min({mean.size(), partitionMean.size(), partitionSd.size()});
    for (std::size_t t = 0; t < h; ++t) {
        const double s = partitionSd[t];
        mean[t] += sign * partitionMean[t];
        variance[t] = std::max(0.0, variance[t] + sign * s * s);
        sdSum[t] = std::max(0.0, sdSum[t] + sign * s);
    }
}

void NodeLoad::addConstant(double load, int first, int last)
{
    for (int t = std::max(0, first); t < std::min(last, horizon()); ++t)
        mean[std::size_t(t)] += load;
}

double probabilityAbove(double mean, double sd, double threshold)
{
    if (!(sd > 0.0))
        return mean > threshold ? 1.0 : 0.0;
    return 0.5 * std::erfc((threshold - mean) / (sd * std::sqrt(2.0)));
}

namespace {

double spread(const NodeLoad &load, std::size_t t, double rho)
{
    const double v = (1.0 - rho) * load.variance[t] + rho * load.sdSum[t] * load.sdSum[t];
    return std::sqrt(std::max(0.0, v));
}

} // namespace

NodeOutlook outlookOf(const NodeLoad &load, double capacity, const OutlookOptions &options)
{
    NodeOutlook o;
    const std::size_t h = load.mean.size();
    o.utilisation.resize(h);
    o.sd.resize(h);
    o.pOver.resize(h);
    const double cap = capacity > 0 ? capacity : 1.0;
    for (std::size_t t = 0; t < h; ++t) {
        const double u = load.mean[t] / cap, s = spread(load, t, options.errorCorrelation) / cap;
        const double p = probabilityAbove(u, s, options.threshold);
        o.utilisation[t] = u;
        o.sd[t] = s;
        o.pOver[t] = p;
        o.expectedOverloadMinutes += p * options.stepMinutes;
        if (o.crossingStep < 0 && u >= options.threshold)
            o.crossingStep = int(t);
        if (o.earliestStep < 0 && p >= 0.05)
            o.earliestStep = int(t);
        o.probability = std::max(o.probability, p);
        if (u > o.peak || t == 0) {
            o.peak = u;
            o.peakStep = int(t);
        }
    }
    return o;
}

double expectedOverloadMinutes(const NodeLoad &load, double capacity, const OutlookOptions &options)
{
    double e = 0.0;
    const double cap = capacity > 0 ? capacity : 1.0;
    for (std::size_t t = 0; t < load.mean.size(); ++t)
        e += probabilityAbove(load.mean[t] / cap, spread(load, t, options.errorCorrelation) / cap, options.threshold);
    return e * options.stepMinutes;
}

} // namespace tidemark::rebalance
