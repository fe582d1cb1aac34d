#pragma once
// Rebalancing over the node catalogue: scan every node, sample what it
// reports of its own load, forecast each partition's access (reads and
// writes per second, hourly, with day and week cycles) from its stored
// history, plan with rebalance::planRebalance and turn the moves into a
// plan of Move steps (NodeCopyWork) for approval.
#include <cstdint>
#include <string>
#include <vector>

#include "connector.h"
#include "model/plan.h"
#include "rebalance/rebalance_planner.h"
#include "store/metadata_store.h"

namespace tidemark::rebalance {

/// A node of the catalogue with its open connector.
struct CatalogueNode {
    Node node;
    Connector *connector = nullptr;
};

struct CatalogueOptions {
    RebalanceOptions planner;
    int horizonHours = 24;
    /// Capacity of a node: its cores × this many tuples read or written per
    /// second at 100 % (calibrate it for the hardware and workload).
    double tuplesPerSecondPerCore = 20000.0;
    double copyBytesPerSecond = 64.0 * (1 << 20);
    std::int64_t nowMs = 0;
    std::string requestedBy;
    /// Run through the parent table after every move (NodeCopyWork).
    std::vector<SmokeQuery> smokeQueries;
};

struct NodeReport {
    std::string name;
    std::string uri;
    double capacity = 0.0;
    int partitions = 0;
    NodeOutlook before, after;
    std::string resources; ///< what the node reported of itself, or why not
};

struct CatalogueRebalance {
    Plan plan; ///< kind "rebalance"; no steps when nothing needs to move
    std::vector<NodeReport> nodes;
    std::vector<std::string> notes;
    int movesRefusedUntilSupported = 0; ///< Move steps whose node cannot run moves yet
};

/// InvalidArgument for fewer than two nodes or a node without cores.
Result<CatalogueRebalance> planCatalogueRebalance(MetadataStore &store, const std::vector<CatalogueNode> &nodes,
                                                  const CatalogueOptions &options);

} // namespace tidemark::rebalance
