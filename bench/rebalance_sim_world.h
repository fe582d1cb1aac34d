#pragma once
// The simulated cluster of bench/rebalance_sim: partitions with load traces
// (day and week cycles, growth, level shifts, bursts, noise), nodes of equal
// capacity, and moves that copy bytes at a measured throughput while loading
// both ends. Every rebalancer under test sees the same world and the same
// traces; only its decisions differ.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace sim {

constexpr double kGiB = double(1ll << 30);
constexpr int kMinutesPerDay = 1440;

struct Burst {
    int start = 0, minutes = 0;
    double factor = 1.0;
};

/// One partition's load in operations per second at minute m (m may be
/// negative: the warm-up history before the run).
struct Trace {
    double base = 1.0, amplitude = 0.5, phaseDays = 0.0, weekendFactor = 1.0;
    double growthPerDay = 0.0; ///< compounding
    int shiftAt = 1 << 30; ///< minute of a level shift
    double shiftFactor = 1.0;
    std::vector<Burst> bursts;
    double share = 1.0; ///< a split child carries a share of its parent's trace

    double meanAt(int m) const
    {
        const double days = double(m) / kMinutesPerDay;
        const double dayPos = days - std::floor(days);
        const int weekday = int(std::floor(days)) % 7;
        const bool weekend = (weekday + 7) % 7 >= 5;
        double v = base * (1.0 + amplitude * std::sin(2 * M_PI * (dayPos - phaseDays))) *
            (weekend ? weekendFactor : 1.0) * std::pow(1.0 + growthPerDay, days);
        if (m >= shiftAt)
            v *= shiftFactor;
        for (const auto &b : bursts)
            if (m >= b.start && m < b.start + b.minutes)
                v *= b.factor;
        return v * share;
    }
};

struct Partition {
    std::string name;
    Trace trace;
    double bytes = 0;
    int node = 0;
    bool alive = true;
    int parent = -1; ///< the partition it was split from
};

struct WorldOptions {
    int nodes = 16;
    int partitions = 1600;
    int days = 14;
    int warmupDays = 21;
    double capacity = 1000.0; ///< ops/s per node at 100 %
    double startPeakUtilisation = 0.60; ///< cluster-wide at the first day's peak
    double copyBytesPerSecond = 40.0 * (1 << 20); ///< throttled, as on a production node
    double medianPartitionGiB = 12.0; ///< lognormal sizes (σ = 1), 0.1–400 GiB
    double copyLoadShare = 0.05;
    double threshold = 0.80;
    double noise = 0.08; ///< per-minute multiplicative noise of each partition
    std::uint64_t seed = 1;
};

/// Random traces with real shape: lognormal sizes and loads, three regions'
/// day cycles, quieter weekends, a fifth of the partitions growing, level
/// shifts and bursts during the run.
inline std::vector<Partition> makePartitions(const WorldOptions &o)
{
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::lognormal_distribution<double> load(0.0, 0.9), size(std::log(o.medianPartitionGiB * kGiB), 1.0);
    const int runMinutes = o.days * kMinutesPerDay;
    std::vector<Partition> ps(std::size_t(o.partitions));
    const double regions[] = {0.0, 0.3, 0.55};
    for (int i = 0; i < o.partitions; ++i) {
        auto &p = ps[std::size_t(i)];
        p.name = fmt::format("events_p{:05d}", i);
        p.trace.base = load(rng);
        p.trace.amplitude = 0.25 + 0.5 * u(rng);
        p.trace.phaseDays = regions[i % 3] + 0.05 * (u(rng) - 0.5);
        p.trace.weekendFactor = 0.55 + 0.45 * u(rng);
        if (u(rng) < 0.2)
            p.trace.growthPerDay = 0.01 + 0.04 * u(rng);
        if (u(rng) < 0.06) {
            p.trace.shiftAt = int(u(rng) * runMinutes);
            p.trace.shiftFactor = 1.5 + 1.5 * u(rng);
        }
        // About one burst per partition per ten days, 5–30 minutes of 3–6×.
        for (int b = 0; b < o.days; ++b)
            if (u(rng) < 0.1)
                p.trace.bursts.push_back({int(u(rng) * runMinutes), 5 + int(u(rng) * 25), 3.0 + 3.0 * u(rng)});
        p.bytes = std::clamp(size(rng), 0.1 * kGiB, 400 * kGiB);
    }
    // Scale the loads so the cluster's first-day peak is startPeakUtilisation.
    double peak = 0;
    for (int m = 0; m < kMinutesPerDay; m += 10) {
        double total = 0;
        for (const auto &p : ps)
            total += p.trace.meanAt(m);
        peak = std::max(peak, total);
    }
    const double scale = o.startPeakUtilisation * o.capacity * o.nodes / peak;
    for (auto &p : ps)
        p.trace.base *= scale;
    return ps;
}

/// A move (or a split's rewrite, `to` == `from`) under way.
struct Transfer {
    int partition = 0, from = 0, to = 0;
    int endMinute = 0;
    bool split = false;
};

struct Tally {
    double overloadNodeMinutes = 0; ///< minutes a node spent over the threshold
    double saturatedNodeMinutes = 0; ///< over 100 %
    double bytesMoved = 0;
    double bytesSplit = 0; ///< rewritten locally by splits
    int moves = 0;
    int splits = 0;
    double peakUtilisation = 0;
    double plannerSeconds = 0; ///< total time inside the rebalancer's own calls
    double plannerMaxSeconds = 0;
    int plannerCalls = 0;
    std::vector<double> overloadByDay;
    double overloadWhileCopying = 0; ///< node-minutes over the line on a node with a copy running
};

/// The cluster as every rebalancer sees it.
class World {
public:
    World(WorldOptions o, std::vector<Partition> ps)
        : m_o(o)
        , m_parts(std::move(ps))
    {
        m_busy.assign(std::size_t(o.nodes), 0);
        m_load.assign(std::size_t(o.nodes), 0.0);
        m_partLoad.assign(m_parts.size(), 0.0);
        m_smoothed.assign(m_parts.size(), 0.0);
    }

    const WorldOptions &options() const { return m_o; }
    std::vector<Partition> &partitions() { return m_parts; }
    const std::vector<Partition> &partitions() const { return m_parts; }
    bool busy(int node) const { return m_busy[std::size_t(node)] != 0; }
    int minute() const { return m_minute; }
    /// Load per node this minute, copies included.
    const std::vector<double> &nodeLoad() const { return m_load; }
    /// Per partition: this minute's load, and a five-minute moving average.
    const std::vector<double> &partitionLoad() const { return m_partLoad; }
    const std::vector<double> &smoothedLoad() const { return m_smoothed; }
    std::vector<double> nodeBytes() const
    {
        std::vector<double> b(std::size_t(m_o.nodes), 0.0);
        for (const auto &p : m_parts)
            if (p.alive)
                b[std::size_t(p.node)] += p.bytes;
        return b;
    }
    Tally &tally() { return m_tally; }

    /// Starts moving partition `p` to `to` if both ends are free; false otherwise.
    bool startMove(int p, int to)
    {
        auto &part = m_parts[std::size_t(p)];
        if (!part.alive || to == part.node || busy(part.node) || busy(to) || inTransfer(p))
            return false;
        const int minutes = std::max(1, int(std::ceil(part.bytes / m_o.copyBytesPerSecond / 60.0)));
        m_transfers.push_back({p, part.node, to, m_minute + minutes, false});
        m_busy[std::size_t(part.node)] = m_busy[std::size_t(to)] = 1;
        m_tally.bytesMoved += part.bytes;
        ++m_tally.moves;
        return true;
    }
    /// Splits partition `p` in two halves on its node (a local rewrite).
    bool startSplit(int p)
    {
        auto &part = m_parts[std::size_t(p)];
        if (!part.alive || busy(part.node) || inTransfer(p))
            return false;
        const int minutes = std::max(1, int(std::ceil(part.bytes / m_o.copyBytesPerSecond / 60.0)));
        m_transfers.push_back({p, part.node, part.node, m_minute + minutes, true});
        m_busy[std::size_t(part.node)] = 1;
        m_tally.bytesSplit += part.bytes;
        ++m_tally.splits;
        return true;
    }
    /// Callback for new partitions (split children), so rebalancers can set up their state.
    std::vector<int> takeNewPartitions() { return std::exchange(m_newParts, {}); }

    /// Advances one minute: finishes transfers due, computes loads, tallies.
    void step()
    {
        for (auto it = m_transfers.begin(); it != m_transfers.end();) {
            if (it->endMinute > m_minute) {
                ++it;
                continue;
            }
            auto &part = m_parts[std::size_t(it->partition)];
            if (it->split) {
                part.alive = false;
                const Partition parent = part; // push_back below moves the vector
                for (int half = 0; half < 2; ++half) {
                    Partition child = parent;
                    child.name = fmt::format("{}{}", parent.name, half ? 'b' : 'a');
                    child.trace.share = parent.trace.share * 0.5;
                    child.bytes = parent.bytes * 0.5;
                    child.alive = true;
                    child.parent = it->partition;
                    m_parts.push_back(child);
                    m_partLoad.push_back(m_partLoad[std::size_t(it->partition)] * 0.5);
                    m_smoothed.push_back(m_smoothed[std::size_t(it->partition)] * 0.5);
                    m_newParts.push_back(int(m_parts.size()) - 1);
                }
            } else {
                part.node = it->to;
            }
            m_busy[std::size_t(it->from)] = m_busy[std::size_t(it->to)] = 0;
            it = m_transfers.erase(it);
        }
        std::fill(m_load.begin(), m_load.end(), 0.0);
        for (std::size_t i = 0; i < m_parts.size(); ++i) {
            const auto &p = m_parts[i];
            if (!p.alive)
                continue;
            const double v = std::max(0.0, p.trace.meanAt(m_minute) * (1.0 + m_o.noise * noiseAt(i, m_minute)));
            m_partLoad[i] = v;
            m_smoothed[i] += (v - m_smoothed[i]) * 0.2;
            m_load[std::size_t(p.node)] += v;
        }
        for (const auto &t : m_transfers) {
            m_load[std::size_t(t.from)] += m_o.copyLoadShare * m_o.capacity;
            if (t.to != t.from)
                m_load[std::size_t(t.to)] += m_o.copyLoadShare * m_o.capacity;
        }
        m_tally.overloadByDay.resize(std::size_t(m_minute / kMinutesPerDay) + 1, 0.0);
        for (std::size_t n = 0; n < m_load.size(); ++n) {
            const double u = m_load[n] / m_o.capacity;
            m_tally.overloadNodeMinutes += u > m_o.threshold;
            m_tally.overloadByDay.back() += u > m_o.threshold;
            m_tally.overloadWhileCopying += u > m_o.threshold && m_busy[n];
            m_tally.saturatedNodeMinutes += u > 1.0;
            m_tally.peakUtilisation = std::max(m_tally.peakUtilisation, u);
        }
        ++m_minute;
    }

    /// Standard normal noise of partition i at minute m: a pure function, so
    /// every rebalancer sees exactly the same traces.
    double noiseAt(std::size_t i, int m) const
    {
        auto mix = [](std::uint64_t x) {
            x += 0x9e3779b97f4a7c15ULL;
            x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
            x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
            return x ^ (x >> 31);
        };
        const std::uint64_t a =
            mix(m_o.seed * 0x100000001b3ULL ^ (std::uint64_t(i) << 32) ^ std::uint64_t(m + (1 << 30)));
        const std::uint64_t b = mix(a);
        const double u1 = (double(a >> 11) + 0.5) / 9007199254740992.0, u2 = double(b >> 11) / 9007199254740992.0;
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2);
    }

private:
    bool inTransfer(int p) const
    {
        return std::any_of(m_transfers.begin(), m_transfers.end(), [&](const Transfer &t) { return t.partition == p; });
    }

    WorldOptions m_o;
    std::vector<Partition> m_parts;
    std::vector<char> m_busy;
    std::vector<double> m_load, m_partLoad, m_smoothed;
    std::vector<Transfer> m_transfers;
    std::vector<int> m_newParts;
    Tally m_tally;
    int m_minute = 0;
};

} // namespace sim
