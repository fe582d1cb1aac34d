#pragma once
// Where partitions live: consistent hashing with bounded loads (Mirrokni,
// Thorup and Zadimoghaddam, "Consistent Hashing with Bounded Loads", 2018).
// Nodes sit on a 64-bit ring at many virtual points; a partition goes to
// the first node clockwise from its key's hash that still has room under
// c × the mean load (scaled by the node's weight), so no node holds more
// than c × its fair share, and adding or removing a node moves about 1/N of
// the partitions. The cost model decides when and which partitions move;
// the ring decides where. See docs/rebalancing.md.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace tidemark::rebalance {

/// A stable 64-bit hash of a partition or node key (xxHash3, the same on
/// every platform and build).
std::uint64_t ringHash(std::string_view key);

struct RingNode {
    std::string name; ///< unique; its virtual points hash from "name#i"
    double weight = 1.0; ///< capacity share (e.g. cores); virtual points and bound scale with it
};

struct RingOptions {
    int virtualNodes = 100; ///< virtual points per unit of weight (at least one per node)
    double capacityFactor = 1.25; ///< c: a node holds at most c × its share of the total load
};

/// One thing to place: its key's hash and its (forecast) load.
struct PlacementItem {
    std::uint64_t keyHash = 0;
    double load = 1.0;
};

struct Placement {
    std::vector<int> nodeOf; ///< per item, index into the ring's nodes
    std::vector<double> load; ///< per node, the load placed on it
    /// Items no node had room for (an item heavier than every node's
    /// headroom); they went to the node with the most room left.
    int overflowed = 0;
};

class BoundedLoadRing {
public:
    /// InvalidArgument for no node, an empty or duplicate name, a weight
    /// that is not a positive number, c < 1 or fewer than one virtual node.
    static Result<BoundedLoadRing> build(std::vector<RingNode> nodes, const RingOptions &options = {});

    std::size_t nodeCount() const { return m_nodes.size(); }
    const RingNode &node(std::size_t i) const { return m_nodes[i]; }
    const RingOptions &options() const { return m_options; }
    /// Index of the node called `name`, or -1.
    int indexOf(std::string_view name) const;

    /// Plain consistent hashing: the node of the first virtual point at or
    /// after `keyHash` (wrapping).
    int owner(std::uint64_t keyHash) const;
    /// Up to `count` distinct nodes in ring order from `keyHash`: the
    /// partition's preference list, first choice first.
    std::vector<int> preference(std::uint64_t keyHash, std::size_t count) const;
    /// The most node `i` may hold when the nodes share `totalLoad`:
    /// c × totalLoad × weight_i / Σ weights.
    double boundFor(std::size_t i, double totalLoad) const;

    /// Places every item: heaviest first (ties in an order that depends only
    /// on the key, not on the nodes), each on the first node clockwise from
    /// its hash whose load plus the item's stays within boundFor(). The same
    /// items and nodes always give the same placement, whatever the order
    /// the nodes were listed in.
    Placement place(std::span<const PlacementItem> items) const;

private:
    BoundedLoadRing() = default;
    std::size_t firstPointAtOrAfter(std::uint64_t keyHash) const;

    std::vector<RingNode> m_nodes; ///< sorted by name, so input order does not matter
    RingOptions m_options;
    double m_totalWeight = 0.0;
    std::vector<std::uint64_t> m_pointHash; ///< sorted
    std::vector<int> m_pointNode; ///< node of each point
};

} // namespace tidemark::rebalance
