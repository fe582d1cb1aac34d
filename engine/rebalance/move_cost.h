#pragma once
// The cost model of one candidate move: what it buys (overload time
// avoided, peak utilisation lowered, balance between the two nodes over the
// horizon) against what it costs (the copy's time and its load on both
// nodes, the cutover stall, the target's resources). Benefit and cost are
// both in node-minutes of overload, so they compare directly. See
// docs/rebalancing.md, "Cost model".
#include <span>

#include "rebalance/node_outlook.h"

namespace tidemark::rebalance {

struct MoveCostOptions {
    OutlookOptions outlook;
    /// Load a copy puts on each end while it runs, as a share of that node's capacity.
    double copyLoadShare = 0.05;
    double cutoverStallSeconds = 2.0; ///< writes held while the partition switches node
    double targetCostPerGiB = 0.05; ///< node-minutes per GiB the target must hold
    double fixedCostPerMove = 2.0; ///< node-minutes: risk and attention any move costs
    double peakWeight = 0.5; ///< node-minutes per percentage point of peak utilisation lowered
    double balanceWeight = 0.2; ///< node-minutes per point the pair's mean spread narrows
};

/// Either end of a move, as the cost model sees it.
struct MoveEnd {
    const NodeLoad *load = nullptr;
    double capacity = 1.0;
    double copyBytesPerSecond = 0.0; ///< measured copy throughput; ≤ 0: unknown (refused)
};

struct MoveEvaluation {
    double copySeconds = 0.0; ///< bytes ÷ the slower end's throughput
    double startSeconds = 0.0; ///< when the copy starts (after moves planned before it)
    double overloadBefore = 0.0; ///< expected overload node-minutes of both nodes, without the move
    double overloadAfter = 0.0; ///< with the move taking effect when its copy ends, copy load left out
    double copyOverload = 0.0; ///< what the copy's own load adds to the overload
    double peakBefore = 0.0, peakAfter = 0.0; ///< highest mean utilisation of the two nodes
    double spreadBefore = 0.0, spreadAfter = 0.0; ///< mean |u_source − u_target| over the horizon
    double stallMinutes = 0.0; ///< cutover stall as node-minutes of the partition's share
    double targetCost = 0.0;
    double benefit = 0.0; ///< overload avoided + peak and balance terms
    double cost = 0.0; ///< copy overload + stall + target cost + fixed cost
    /// Minutes from now until the source's predicted crossing (first step
    /// whose mean reaches the threshold); −1 when it does not cross.
    double crossingMinutes = -1.0;
    bool endsBeforeCrossing = true; ///< the copy ends before that crossing

    double net() const { return benefit - cost; }
    bool pays() const { return benefit > cost; }
    double overloadAvoided() const { return overloadBefore - overloadAfter; }
};

/// Evaluates moving a partition (forecast `mean`/`sd` per step, `bytes`)
/// from `source` to `target`, its copy starting `startSeconds` from now.
MoveEvaluation evaluateMove(const MoveEnd &source, const MoveEnd &target, std::span<const float> mean,
                            std::span<const float> sd, double bytes, const MoveCostOptions &options,
                            double startSeconds = 0.0);

} // namespace tidemark::rebalance
