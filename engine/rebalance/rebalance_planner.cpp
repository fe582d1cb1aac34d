// The predictive rebalancer.
#include "rebalance/rebalance_planner.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "rebalance/bounded_ring.h"

namespace tidemark::rebalance {

namespace {

Result<void> validate(const RebalanceInput &in, const RebalanceOptions &o)
{
    if (in.nodes.empty())
        return fail(ErrorCode::InvalidArgument, "rebalancing needs at least one node",
                    "add nodes with tidemark-cli nodes add");
    if (in.horizon < 1 || in.horizon > 10000 || !(in.stepMinutes > 0))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("a forecast horizon of {} steps of {} minutes cannot be planned on", in.horizon,
                                in.stepMinutes),
                    "use 1 to 10000 steps of a positive length");
    const std::size_t cells = in.partitions.size() * std::size_t(in.horizon);
    if (in.mean.size() != cells || in.sd.size() != cells)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("forecasts hold {} and {} values; {} partitions × {} steps need {}", in.mean.size(),
                                in.sd.size(), in.partitions.size(), in.horizon, cells));
    std::set<std::string> names;
    for (const auto &n : in.nodes) {
        if (!(n.capacity > 0) || !std::isfinite(n.capacity))
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("node {} has no usable capacity ({})", n.name, n.capacity),
                        "state its cores in the node catalogue (tidemark-cli nodes add NAME URI --cores N)");
        if (!names.insert(n.name).second)
            return fail(ErrorCode::InvalidArgument, fmt::format("node {} is listed twice", n.name));
    }
    for (const auto &p : in.partitions)
        if (p.node < 0 || std::size_t(p.node) >= in.nodes.size())
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("partition {} names node {} of {}", p.name, p.node, in.nodes.size()));
    const double th = o.cost.outlook.threshold;
    if (!(th > 0 && th <= 2))
        return fail(ErrorCode::InvalidArgument, fmt::format("the saturation line must lie in (0, 2], not {}", th),
                    "0.8 is 80 % of capacity");
    return {};
}

std::string pct(double share)
{
    return fmt::format("{:.0f} %", share * 100.0);
}

std::string minutesText(double minutes)
{
    if (minutes < 90)
        return fmt::format("{:.0f} min", minutes);
    return fmt::format("{:.1f} h", minutes / 60.0);
}

std::string bytesText(double bytes)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        ++u;
    }
    return fmt::format("{:.1f} {}", bytes, units[u]);
}

/// First step whose chance of being over the line reaches `p`; −1: none.
int riskStep(const NodeOutlook &o, double p)
{
    for (std::size_t t = 0; t < o.pOver.size(); ++t)
        if (o.pOver[t] >= p)
            return int(t);
    return -1;
}

int worstStep(const NodeOutlook &o)
{
    int w = 0;
    for (std::size_t t = 0; t < o.pOver.size(); ++t)
        if (o.pOver[t] > o.pOver[std::size_t(w)] + 1e-12 ||
            (std::abs(o.pOver[t] - o.pOver[std::size_t(w)]) <= 1e-12 &&
             o.utilisation[t] > o.utilisation[std::size_t(w)]))
            w = int(t);
    return w;
}

} // namespace

Result<RebalancePlan> planRebalance(const RebalanceInput &in, const RebalanceOptions &o)
{
    if (auto ok = validate(in, o); !ok)
        return tl::unexpected(ok.error());
    const OutlookOptions outlookOptions = [&] {
        OutlookOptions x = o.cost.outlook;
        x.stepMinutes = in.stepMinutes;
        return x;
    }();
    MoveCostOptions costOptions = o.cost;
    costOptions.outlook = outlookOptions;
    const std::size_t nNodes = in.nodes.size(), h = std::size_t(in.horizon);

    std::vector<NodeLoad> load(nNodes, NodeLoad(in.horizon));
    std::vector<std::vector<std::uint32_t>> onNode(nNodes);
    std::vector<double> usedBytes(nNodes, 0.0);
    for (std::size_t p = 0; p < in.partitions.size(); ++p) {
        const auto n = std::size_t(in.partitions[p].node);
        load[n].add(in.meanOf(p), in.sdOf(p));
        onNode[n].push_back(std::uint32_t(p));
        usedBytes[n] += in.partitions[p].bytes;
    }
    for (std::size_t n = 0; n < nNodes; ++n)
        usedBytes[n] = std::max(usedBytes[n], in.nodes[n].usedBytes);

    RebalancePlan plan;
    plan.before.reserve(nNodes);
    for (std::size_t n = 0; n < nNodes; ++n)
        plan.before.push_back(outlookOf(load[n], in.nodes[n].capacity, outlookOptions));

    std::vector<RingNode> ringNodes;
    double totalCapacity = 0;
    for (const auto &n : in.nodes) {
        ringNodes.push_back({n.name, n.capacity});
        totalCapacity += n.capacity;
    }
    RingOptions ringOptions;
    ringOptions.capacityFactor = o.capacityFactor;
    ringOptions.virtualNodes = o.virtualNodes;
    auto ring = BoundedLoadRing::build(ringNodes, ringOptions);
    if (!ring)
        return tl::unexpected(ring.error());
    std::vector<int> inputIndex(nNodes);
    for (std::size_t r = 0; r < nNodes; ++r)
        inputIndex[r] = static_cast<int>(std::find_if(in.nodes.begin(), in.nodes.end(),
                                                      [&](const NodeSpec &n) { return n.name == ring->node(r).name; }) -
                                         in.nodes.begin());
    // The ring's bound per step: c × the mean forecast load per unit of capacity.
    std::vector<double> boundPerCapacity(h, 0.0);
    for (std::size_t t = 0; t < h; ++t) {
        double total = 0;
        for (const auto &l : load)
            total += l.mean[t];
        boundPerCapacity[t] = o.capacityFactor * total / totalCapacity;
    }

    std::vector<std::size_t> atRisk;
    for (std::size_t n = 0; n < nNodes; ++n)
        if (plan.before[n].probability >= o.minProbability) {
            ++plan.nodesAtRisk;
            if (in.nodes[n].busy)
                plan.notes.push_back(
                    fmt::format("{} is at risk ({} chance over {}) but a copy is running there; planned after it",
                                in.nodes[n].name, pct(plan.before[n].probability), pct(outlookOptions.threshold)));
            else
                atRisk.push_back(n);
        }
    std::sort(atRisk.begin(), atRisk.end(), [&](std::size_t a, std::size_t b) {
        return plan.before[a].expectedOverloadMinutes != plan.before[b].expectedOverloadMinutes
            ? plan.before[a].expectedOverloadMinutes > plan.before[b].expectedOverloadMinutes
            : a < b;
    });

    std::vector<double> committedSeconds(nNodes, 0.0); // copies already planned per node
    std::vector<char> moved(in.partitions.size(), 0);
    std::vector<char> targetBusy(nNodes, 0);
    for (std::size_t n = 0; n < nNodes; ++n)
        targetBusy[n] = in.nodes[n].busy || !in.nodes[n].acceptsMoves;
    int totalMoves = 0;

    auto fitsBound = [&](std::size_t d, std::span<const float> pm) {
        for (std::size_t t = 0; t < h; ++t)
            if (load[d].mean[t] + pm[t] > boundPerCapacity[t] * in.nodes[d].capacity)
                return false;
        return true;
    };
    // A target must stay under the line itself, also while the copy loads it
    // (else the move only moves the problem).
    auto staysUnderLine = [&](std::size_t d, std::span<const float> pm, std::span<const float> ps,
                              double copyEndSeconds) {
        const double rho = outlookOptions.errorCorrelation, cap = in.nodes[d].capacity;
        const double copyLoad = o.cost.copyLoadShare * cap;
        for (std::size_t t = 0; t < h; ++t) {
            const double var = load[d].variance[t] + double(ps[t]) * ps[t], sum = load[d].sdSum[t] + ps[t];
            const double sd = std::sqrt(std::max(0.0, (1 - rho) * var + rho * sum * sum));
            const bool copying = double(t) * in.stepMinutes * 60.0 < copyEndSeconds;
            if (probabilityAbove((load[d].mean[t] + pm[t] + (copying ? copyLoad : 0.0)) / cap, sd / cap,
                                 outlookOptions.threshold) >= o.minProbability)
                return false;
        }
        return true;
    };
    auto fitsDisk = [&](std::size_t d, double bytes) {
        return in.nodes[d].diskBytes <= 0 || usedBytes[d] + bytes <= o.diskFill * in.nodes[d].diskBytes;
    };

    for (const std::size_t s : atRisk) {
        for (int movesFrom = 0; movesFrom < o.maxMovesPerNode; ++movesFrom) {
            if (o.maxMoves > 0 && totalMoves >= o.maxMoves)
                break;
            const NodeOutlook now = outlookOf(load[s], in.nodes[s].capacity, outlookOptions);
            if (now.probability < o.minProbability)
                break;
            const auto w = std::size_t(worstStep(now));
            // Candidates: the hottest at the worst step, and the most load per byte.
            std::vector<std::uint32_t> pool;
            double unmovableLoad = 0;
            for (auto p : onNode[s])
                if (!moved[p] && in.meanOf(p)[w] > 0) {
                    if (in.partitions[p].movable)
                        pool.push_back(p);
                    else
                        unmovableLoad += in.meanOf(p)[w];
                }
            if (pool.empty()) {
                if (unmovableLoad > 0)
                    plan.notes.push_back(fmt::format("{} is forecast over {} ({} likely) but none of its loaded "
                                                     "partitions can be moved",
                                                     in.nodes[s].name, pct(outlookOptions.threshold),
                                                     pct(now.probability)));
                break;
            }
            const auto k = std::min<std::size_t>(pool.size(), std::size_t(std::max(1, o.candidatePartitions)));
            std::vector<std::uint32_t> candidates;
            auto hottest = pool;
            std::partial_sort(hottest.begin(), hottest.begin() + std::ptrdiff_t(k), hottest.end(),
                              [&](auto a, auto b) { return in.meanOf(a)[w] > in.meanOf(b)[w]; });
            candidates.assign(hottest.begin(), hottest.begin() + std::ptrdiff_t(k));
            auto densest = pool;
            auto density = [&](std::uint32_t p) { return in.meanOf(p)[w] / (in.partitions[p].bytes + 1.0); };
            std::partial_sort(densest.begin(), densest.begin() + std::ptrdiff_t(k), densest.end(),
                              [&](auto a, auto b) { return density(a) > density(b); });
            for (std::size_t i = 0; i < k; ++i)
                if (std::find(candidates.begin(), candidates.end(), densest[i]) == candidates.end())
                    candidates.push_back(densest[i]);

            // Would moving the hottest partition whole only move the problem,
            // while the others cannot bring the node under the line?
            const auto hot = hottest.front();
            const double hotShare = in.meanOf(hot)[w] / std::max(1e-12, load[s].mean[w]);
            auto everyTargetCrosses = [&] {
                for (const int r :
                     ring->preference(in.partitions[hot].keyHash, std::size_t(std::max(1, o.candidateTargets)) + 1)) {
                    const auto d = std::size_t(inputIndex[std::size_t(r)]);
                    if (d == s || targetBusy[d])
                        continue;
                    bool crosses = false;
                    for (std::size_t t = 0; t < h && !crosses; ++t)
                        crosses =
                            (load[d].mean[t] + in.meanOf(hot)[t]) / in.nodes[d].capacity >= outlookOptions.threshold;
                    if (!crosses)
                        return false;
                }
                return true;
            };
            const bool splitFirst = in.partitions[hot].splittable && hotShare >= o.splitShare && everyTargetCrosses();
            const double relief = load[s].mean[w] - outlookOptions.threshold * in.nodes[s].capacity;
            auto planSplit = [&] {
                PlannedChange c;
                c.kind = ChangeKind::Split;
                c.partition = int(hot);
                c.from = int(s);
                c.sourceBefore = now;
                c.sourceAfter = now;
                c.reason = fmt::format(
                    "{} is forecast over {} ({} likely, peak {} in {}); {} carries {} of its load there and no "
                    "node can take it whole without crossing the line itself: split it first, then move a part",
                    in.nodes[s].name, pct(outlookOptions.threshold), pct(now.probability), pct(now.peak),
                    minutesText(double(now.peakStep) * in.stepMinutes), in.partitions[hot].name, pct(hotShare));
                plan.changes.push_back(std::move(c));
                moved[hot] = 1;
            };
            if (splitFirst && load[s].mean[w] - in.meanOf(hot)[w] < relief) {
                planSplit();
                break;
            }
            int bestP = -1, bestD = -1;
            MoveEvaluation best;
            for (const auto p : candidates) {
                const auto &part = in.partitions[p];
                for (const int r : ring->preference(part.keyHash, std::size_t(std::max(1, o.candidateTargets)) + 1)) {
                    const auto d = std::size_t(inputIndex[std::size_t(r)]);
                    const double start = std::max(committedSeconds[s], committedSeconds[d]);
                    const double copySeconds = part.bytes /
                        std::max(1.0, std::min(in.nodes[s].copyBytesPerSecond, in.nodes[d].copyBytesPerSecond));
                    if (d == s || targetBusy[d] || !fitsDisk(d, part.bytes) || !fitsBound(d, in.meanOf(p)) ||
                        !staysUnderLine(d, in.meanOf(p), in.sdOf(p), start + copySeconds))
                        continue;
                    MoveEnd src{&load[s], in.nodes[s].capacity, in.nodes[s].copyBytesPerSecond};
                    MoveEnd dst{&load[d], in.nodes[d].capacity, in.nodes[d].copyBytesPerSecond};
                    const auto e = evaluateMove(src, dst, in.meanOf(p), in.sdOf(p), part.bytes, costOptions, start);
                    // The ring decides where: the first node with room under the bound.
                    if (e.pays() && (bestP < 0 || e.net() > best.net())) {
                        bestP = int(p);
                        bestD = int(d);
                        best = e;
                    }
                    break;
                }
            }
            if (bestP < 0) {
                if (splitFirst) {
                    planSplit();
                } else {
                    plan.notes.push_back(fmt::format(
                        "{} is forecast over {} ({} likely) but no move pays for itself within the ring's bound",
                        in.nodes[s].name, pct(outlookOptions.threshold), pct(now.probability)));
                }
                break;
            }
            const int firstRisk = riskStep(now, o.minProbability);
            const double slackMinutes =
                double(std::max(0, firstRisk)) * in.stepMinutes - (best.startSeconds + best.copySeconds) / 60.0;
            if (o.leadMinutes > 0 && slackMinutes > o.leadMinutes) {
                plan.notes.push_back(fmt::format(
                    "{}: moving {} can wait ({} of slack before the risk begins in {}); a later plan decides on "
                    "fresher forecasts",
                    in.nodes[s].name, in.partitions[std::size_t(bestP)].name, minutesText(slackMinutes),
                    minutesText(double(firstRisk) * in.stepMinutes)));
                break;
            }
            const auto p = std::size_t(bestP), d = std::size_t(bestD);
            load[s].add(in.meanOf(p), in.sdOf(p), -1.0);
            load[d].add(in.meanOf(p), in.sdOf(p), +1.0);
            usedBytes[s] -= in.partitions[p].bytes;
            usedBytes[d] += in.partitions[p].bytes;
            committedSeconds[s] = committedSeconds[d] = best.startSeconds + best.copySeconds;
            moved[p] = 1;
            ++totalMoves;
            PlannedChange c;
            c.kind = ChangeKind::Move;
            c.partition = int(p);
            c.from = int(s);
            c.to = int(d);
            c.evaluation = best;
            c.sourceBefore = now;
            c.sourceAfter = outlookOf(load[s], in.nodes[s].capacity, outlookOptions);
            const std::string when = now.crossingStep >= 0
                ? fmt::format("reach {} in {}", pct(outlookOptions.threshold),
                              minutesText(double(now.crossingStep) * in.stepMinutes))
                : fmt::format("go over {} ({} likely)", pct(outlookOptions.threshold), pct(now.probability));
            c.reason = fmt::format(
                "{} is forecast to {} (peak {}); moving {} ({}, {} of its load at the peak) to {} — the ring's first "
                "node with room — takes {} of copy{}, lowers the peak to {} and the expected overload from {} to {} "
                "node-minutes (benefit {:.1f} > cost {:.1f})",
                in.nodes[s].name, when, pct(now.peak), in.partitions[p].name, bytesText(in.partitions[p].bytes),
                pct(in.meanOf(p)[w] / std::max(1e-12, now.utilisation[w] * in.nodes[s].capacity)), in.nodes[d].name,
                minutesText(best.copySeconds / 60.0),
                best.endsBeforeCrossing ? ", ending before the crossing" : ", ending after the crossing (late)",
                pct(c.sourceAfter.peak), fmt::format("{:.0f}", best.overloadBefore),
                fmt::format("{:.0f}", best.overloadAfter + best.copyOverload), best.benefit, best.cost);
            plan.changes.push_back(std::move(c));
        }
    }
    plan.after.reserve(nNodes);
    for (std::size_t n = 0; n < nNodes; ++n)
        plan.after.push_back(outlookOf(load[n], in.nodes[n].capacity, outlookOptions));
    return plan;
}

} // namespace tidemark::rebalance
