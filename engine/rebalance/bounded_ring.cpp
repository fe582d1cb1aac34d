// Consistent hashing with bounded loads.
#include "rebalance/bounded_ring.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include <fmt/format.h>
#include <xxhash.h>

namespace tidemark::rebalance {

namespace {

/// splitmix64's finaliser: an order for items that is independent of where
/// the ring puts them (placing in ring order would fill one arc after the
/// other and cascade overflow along the ring).
std::uint64_t mix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

} // namespace

std::uint64_t ringHash(std::string_view key)
{
    return XXH3_64bits(key.data(), key.size());
}

Result<BoundedLoadRing> BoundedLoadRing::build(std::vector<RingNode> nodes, const RingOptions &options)
{
    if (nodes.empty())
        return fail(ErrorCode::InvalidArgument, "a placement ring needs at least one node",
                    "add nodes to the catalogue with tidemark-cli nodes add");
    if (!(options.capacityFactor >= 1.0) || !std::isfinite(options.capacityFactor))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the load bound factor c must be at least 1, not {}", options.capacityFactor),
                    "c = 1.25 lets a node hold 25 % more than its share");
    if (options.virtualNodes < 1 || options.virtualNodes > 100000)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("virtual nodes per node must be between 1 and 100000, not {}", options.virtualNodes));
    std::set<std::string> names;
    for (const auto &n : nodes) {
        if (n.name.empty())
            return fail(ErrorCode::InvalidArgument, "a ring node needs a name");
        if (!(n.weight > 0.0) || !std::isfinite(n.weight))
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("node {} has weight {}; a weight must be a positive number", n.name, n.weight));
        if (!names.insert(n.name).second)
            return fail(ErrorCode::InvalidArgument, fmt::format("node {} is listed twice", n.name));
    }
    BoundedLoadRing ring;
    std::sort(nodes.begin(), nodes.end(), [](const RingNode &a, const RingNode &b) { return a.name < b.name; });
    ring.m_nodes = std::move(nodes);
    ring.m_options = options;
    double minWeight = ring.m_nodes.front().weight;
    for (const auto &n : ring.m_nodes) {
        ring.m_totalWeight += n.weight;
        minWeight = std::min(minWeight, n.weight);
    }
    // Points scale with weight relative to the lightest node, so a node of
    // twice the cores owns about twice the arc.
    std::vector<std::pair<std::uint64_t, int>> points;
    for (std::size_t i = 0; i < ring.m_nodes.size(); ++i) {
        const auto &n = ring.m_nodes[i];
        const int count = std::max(1, static_cast<int>(std::lround(options.virtualNodes * n.weight / minWeight)));
        for (int v = 0; v < count; ++v)
            points.emplace_back(ringHash(fmt::format("{}#{}", n.name, v)), static_cast<int>(i));
    }
    std::sort(points.begin(), points.end());
    ring.m_pointHash.reserve(points.size());
    ring.m_pointNode.reserve(points.size());
    for (const auto &[h, node] : points) {
        ring.m_pointHash.push_back(h);
        ring.m_pointNode.push_back(node);
    }
    return ring;
}

int BoundedLoadRing::indexOf(std::string_view name) const
{
    const auto it = std::lower_bound(m_nodes.begin(), m_nodes.end(), name,
                                     [](const RingNode &n, std::string_view key) { return n.name < key; });
    return it != m_nodes.end() && it->name == name ? static_cast<int>(it - m_nodes.begin()) : -1;
}

std::size_t BoundedLoadRing::firstPointAtOrAfter(std::uint64_t keyHash) const
{
    const auto it = std::lower_bound(m_pointHash.begin(), m_pointHash.end(), keyHash);
    return it == m_pointHash.end() ? 0 : static_cast<std::size_t>(it - m_pointHash.begin());
}

int BoundedLoadRing::owner(std::uint64_t keyHash) const
{
    return m_pointNode[firstPointAtOrAfter(keyHash)];
}

std::vector<int> BoundedLoadRing::preference(std::uint64_t keyHash, std::size_t count) const
{
    count = std::min(count, m_nodes.size());
    std::vector<int> out;
    std::vector<char> seen(m_nodes.size(), 0);
    const std::size_t points = m_pointHash.size();
    for (std::size_t k = 0, p = firstPointAtOrAfter(keyHash); k < points && out.size() < count; ++k) {
        const int node = m_pointNode[(p + k) % points];
        if (!seen[static_cast<std::size_t>(node)]) {
            seen[static_cast<std::size_t>(node)] = 1;
            out.push_back(node);
        }
    }
    return out;
}

double BoundedLoadRing::boundFor(std::size_t i, double totalLoad) const
{
    return m_options.capacityFactor * totalLoad * m_nodes[i].weight / m_totalWeight;
}

Placement BoundedLoadRing::place(std::span<const PlacementItem> items) const
{
    Placement out;
    out.nodeOf.assign(items.size(), -1);
    out.load.assign(m_nodes.size(), 0.0);
    double total = 0.0;
    for (const auto &item : items)
        total += std::max(0.0, item.load);
    std::vector<double> bound(m_nodes.size());
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
        bound[i] = boundFor(i, total);

    std::vector<std::uint32_t> order(items.size());
    std::iota(order.begin(), order.end(), 0u);
    std::vector<std::uint64_t> tie(items.size());
    for (std::size_t i = 0; i < items.size(); ++i)
        tie[i] = mix(items[i].keyHash);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (items[a].load != items[b].load)
            return items[a].load > items[b].load;
        if (tie[a] != tie[b])
            return tie[a] < tie[b];
        return a < b;
    });

    const std::size_t points = m_pointHash.size();
    for (const std::uint32_t idx : order) {
        const auto &item = items[idx];
        const double w = std::max(0.0, item.load);
        int chosen = -1;
        const std::size_t start = firstPointAtOrAfter(item.keyHash);
        for (std::size_t k = 0; k < points; ++k) {
            const int node = m_pointNode[(start + k) % points];
            if (out.load[static_cast<std::size_t>(node)] + w <= bound[static_cast<std::size_t>(node)]) {
                chosen = node;
                break;
            }
        }
        if (chosen < 0) {
            ++out.overflowed;
            double most = -1e300;
            for (std::size_t i = 0; i < m_nodes.size(); ++i)
                if (bound[i] - out.load[i] > most) {
                    most = bound[i] - out.load[i];
                    chosen = static_cast<int>(i);
                }
        }
        out.nodeOf[idx] = chosen;
        out.load[static_cast<std::size_t>(chosen)] += w;
    }
    return out;
}

} // namespace tidemark::rebalance
