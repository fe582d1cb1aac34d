#pragma once
// The predictive rebalancer: from per-partition load forecasts to the
// moves (and the splits first, where moving a hot partition whole would
// only move the problem) that keep every node under its saturation line
// over the horizon. A node is acted on when its outlook says it will cross;
// candidate partitions come from it, their targets from the bounded-load
// ring (rebalance/bounded_ring.h), and a move is kept only when the cost
// model (rebalance/move_cost.h) says it pays. See docs/rebalancing.md.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rebalance/move_cost.h"
#include "rebalance/node_outlook.h"
#include "result.h"

namespace tidemark::rebalance {

struct NodeSpec {
    std::string name;
    double capacity = 1.0; ///< load (operations per second) at 100 % utilisation
    double diskBytes = 0.0; ///< 0: unknown (no disk check)
    double usedBytes = 0.0;
    double copyBytesPerSecond = 64.0 * (1 << 20); ///< measured copy throughput
    bool acceptsMoves = true; ///< false: never a target (archive, draining)
    bool busy = false; ///< a copy to or from it is running: plan nothing on it now
};

struct PartitionSpec {
    std::string name;
    int node = 0; ///< index into RebalanceInput::nodes
    double bytes = 0.0;
    std::uint64_t keyHash = 0; ///< its place on the ring (ringHash of its name)
    bool splittable = true;
    /// false: a move cannot take it (the database's rules); its load counts
    /// on its node but it is never a candidate.
    bool movable = true;
};

struct RebalanceInput {
    std::vector<NodeSpec> nodes;
    std::vector<PartitionSpec> partitions;
    int horizon = 24;
    double stepMinutes = 60.0;
    /// Forecast load of partition p at step t: mean[p * horizon + t], and
    /// its standard deviation sd[…] (from the 95 % band).
    std::vector<float> mean, sd;

    std::span<const float> meanOf(std::size_t p) const
    {
        return {mean.data() + p * std::size_t(horizon), std::size_t(horizon)};
    }
    std::span<const float> sdOf(std::size_t p) const
    {
        return {sd.data() + p * std::size_t(horizon), std::size_t(horizon)};
    }
};

struct RebalanceOptions {
    MoveCostOptions cost; ///< cost.outlook.threshold is the saturation line
    double capacityFactor = 1.25; ///< c of the bounded-load ring
    int virtualNodes = 100;
    /// Act on a node once its chance of being over the line at some step
    /// reaches this.
    double minProbability = 0.2;
    int maxMovesPerNode = 3; ///< per plan, from one node
    int maxMoves = 0; ///< per plan; 0: no limit
    int candidatePartitions = 12; ///< hottest and densest partitions tried per move
    int candidateTargets = 6; ///< nodes of the ring's preference list tried per partition
    /// Leave a move for a later plan while it can still start later than this
    /// and end before the crossing (fresher forecasts then); 0: never wait.
    double leadMinutes = 0.0;
    /// A partition carrying at least this share of its node's load at the
    /// worst step, that no target can take without crossing, is split first.
    double splitShare = 0.25;
    double diskFill = 0.9; ///< a target's disk may fill up to this share
};

enum class ChangeKind { Move, Split };

struct PlannedChange {
    ChangeKind kind = ChangeKind::Move;
    int partition = 0;
    int from = 0;
    int to = -1; ///< −1 for a split
    MoveEvaluation evaluation; ///< for a split: the best whole move, which did not pay
    NodeOutlook sourceBefore, sourceAfter;
    std::string reason; ///< one or two sentences for the person approving
};

struct RebalancePlan {
    std::vector<PlannedChange> changes; ///< in the order to run them
    std::vector<NodeOutlook> before, after; ///< per node
    std::vector<std::string> notes; ///< nodes at risk left alone, and why
    int nodesAtRisk = 0;
};

/// Plans moves for every node at risk. InvalidArgument for inconsistent
/// input (forecast sizes, node indices, horizon, capacities).
Result<RebalancePlan> planRebalance(const RebalanceInput &input, const RebalanceOptions &options = {});

} // namespace tidemark::rebalance
