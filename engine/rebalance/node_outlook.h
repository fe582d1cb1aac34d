#pragma once
// A node's predicted utilisation over the horizon, from the forecast loads
// of the partitions it holds: per step the mean, the spread and the chance
// of being above the saturation line; when it crosses, with what
// probability, and the overload time to expect.
#include <cstdint>
#include <span>
#include <vector>

namespace tidemark::rebalance {

/// The load a node is forecast to carry, per horizon step: the sums over
/// its partitions of the mean, the variance and the standard deviation
/// (the last for correlated forecast errors).
struct NodeLoad {
    std::vector<double> mean, variance, sdSum;

    explicit NodeLoad(int horizon = 0)
        : mean(std::size_t(horizon))
        , variance(std::size_t(horizon))
        , sdSum(std::size_t(horizon))
    {
    }
    int horizon() const { return static_cast<int>(mean.size()); }
    /// Adds (sign +1) or removes (−1) one partition's forecast.
    void add(std::span<const float> partitionMean, std::span<const float> partitionSd, double sign = 1.0);
    /// Adds a constant load (e.g. a copy's) to steps [first, last).
    void addConstant(double load, int first, int last);
};

struct OutlookOptions {
    double threshold = 0.80; ///< saturation line, as a share of capacity
    /// Correlation of the forecast errors of partitions on one node (a shared
    /// cycle misjudged): var = (1 − ρ) Σ σ² + ρ (Σ σ)².
    double errorCorrelation = 0.3;
    double stepMinutes = 60.0;
};

struct NodeOutlook {
    std::vector<double> utilisation; ///< mean, per step (1.0 = capacity)
    std::vector<double> sd; ///< of the utilisation, per step
    std::vector<double> pOver; ///< P(utilisation > threshold), per step
    /// Σ pOver × step length: the overload minutes to expect over the horizon.
    double expectedOverloadMinutes = 0.0;
    int crossingStep = -1; ///< first step whose mean reaches the threshold; −1: none
    int earliestStep = -1; ///< first step with a 5 % chance of being over; −1: none
    double probability = 0.0; ///< the largest pOver over the horizon
    double peak = 0.0; ///< the largest mean utilisation
    int peakStep = 0;
};

/// P(X > threshold) for X ~ Normal(mean, sd); a step function when sd is 0.
double probabilityAbove(double mean, double sd, double threshold);

NodeOutlook outlookOf(const NodeLoad &load, double capacity, const OutlookOptions &options);

/// Expected overload minutes of `load` on a node of `capacity` (what
/// outlookOf computes, without the rest).
double expectedOverloadMinutes(const NodeLoad &load, double capacity, const OutlookOptions &options);

} // namespace tidemark::rebalance
