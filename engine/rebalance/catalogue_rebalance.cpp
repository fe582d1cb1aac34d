// Rebalancing over the node catalogue.
#include "rebalance/catalogue_rebalance.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "connector_features.h"
#include "forecast/forecaster.h"
#include "forecast/write_forecast.h"
#include "monitor/activity_scan.h"
#include "planning/plan_builder.h"
#include "rebalance/bounded_ring.h"
#include "rebalance/node_monitor.h"

namespace tidemark::rebalance {

namespace {

constexpr std::int64_t kHourMs = 3600 * 1000;

struct PartitionRef {
    std::string table;
    KeyType keyType = KeyType::Integer;
    Partition partition;
};

/// Reads plus writes per second per hour over the horizon, with its spread;
/// the flat current rate (±25 %) while the history is too short to forecast.
void accessForecast(MetadataStore &store, std::int64_t connectionId, const PartitionRef &p, double currentRate,
                    int horizon, std::int64_t nowMs, std::vector<float> &mean, std::vector<float> &sd, bool &fallback)
{
    fallback = true;
    auto samples = store.samples(connectionId, p.table, p.partition.name, nowMs - 42 * 24 * kHourMs);
    if (samples && samples->size() >= 3) {
        const auto writes = activityGrid(*samples, ActivityMetric::Writes, kHourMs);
        const auto reads = activityGrid(*samples, ActivityMetric::Reads, kHourMs);
        forecast::SeriesInput in;
        in.stepMs = kHourMs;
        for (std::size_t i = 0; i < writes.values.size(); ++i) {
            const double r = i < reads.values.size() && std::isfinite(reads.values[i]) ? reads.values[i] : 0.0;
            in.values.push_back((writes.values[i] + r) / 3600.0); // NaN stays NaN
            in.timestampsMs.push_back(writes.firstMs + std::int64_t(i) * kHourMs);
        }
        if (writes.known() >= 48) {
            forecast::ForecastOptions o;
            o.horizon = horizon;
            o.method = forecast::Method::Ets;
            o.holdout = false;
            o.nonNegative = true;
            auto f = forecast::forecastSeries(in, o);
            if (f && !f->fallback && int(f->mean.size()) == horizon) {
                for (int t = 0; t < horizon; ++t) {
                    mean.push_back(float(std::max(0.0, f->mean[std::size_t(t)])));
                    sd.push_back(
                        float(std::max(0.0, (f->upper95[std::size_t(t)] - f->lower95[std::size_t(t)]) / 3.92)));
                }
                fallback = false;
                return;
            }
        }
    }
    for (int t = 0; t < horizon; ++t) {
        mean.push_back(float(currentRate));
        sd.push_back(float(0.25 * currentRate));
    }
}

std::string pct(double share)
{
    return fmt::format("{:.0f} %", share * 100.0);
}

/// One note per reason: which partitions of `table` on `node` the moves
/// leave out, and why.
void noteLeftOut(std::vector<std::string> &notes, const std::string &node, const std::string &table,
                 const std::vector<MoveRefusal> &refusals)
{
    std::vector<char> done(refusals.size(), 0);
    for (std::size_t i = 0; i < refusals.size(); ++i) {
        if (done[i])
            continue;
        std::vector<std::string> names;
        for (std::size_t j = i; j < refusals.size(); ++j)
            if (!done[j] && refusals[j].reason == refusals[i].reason) {
                done[j] = 1;
                names.push_back(refusals[j].partition);
            }
        std::string list;
        for (std::size_t k = 0; k < names.size() && k < 4; ++k)
            list += (k ? ", " : "") + names[k];
        if (names.size() > 4)
            list += fmt::format(" and {} more", names.size() - 4);
        notes.push_back(fmt::format("left out of the moves on {}: {} partition(s) of {} ({}): {}{}", node, names.size(),
                                    table, list, refusals[i].reason,
                                    refusals[i].hint.empty() ? "" : " (" + refusals[i].hint + ")"));
    }
}

} // namespace

Result<CatalogueRebalance> planCatalogueRebalance(MetadataStore &store, const std::vector<CatalogueNode> &nodes,
                                                  const CatalogueOptions &options)
{
    if (nodes.size() < 2)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("rebalancing needs at least two nodes in the catalogue, not {}", nodes.size()),
                    "add them with tidemark-cli nodes add NAME URI --role shard --cores N");
    if (!(options.tuplesPerSecondPerCore > 0) || !(options.copyBytesPerSecond > 0) || options.horizonHours < 1 ||
        options.horizonHours > 24 * 14)
        return fail(ErrorCode::InvalidArgument,
                    "capacity per core and copy rate must be positive, the horizon 1 to 336 h");
    for (const auto &n : nodes)
        if (!n.node.cores)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("node {} states no cores, so its capacity is unknown", n.node.name),
                        fmt::format("tidemark-cli nodes add {} {} --cores N", n.node.name, n.node.connectionUri));

    CatalogueRebalance out;
    RebalanceInput in;
    in.horizon = options.horizonHours;
    in.stepMinutes = 60;
    std::vector<PartitionRef> refs;
    int fallbacks = 0;
    for (const auto &n : nodes) {
        auto connection = store.ensureConnection(n.node.connectionUri);
        if (!connection)
            return tl::unexpected(connection.error());
        auto scan = scanActivity(*n.connector, store, *connection, options.nowMs);
        if (!scan)
            return tl::unexpected(Error{
                scan.error().code, fmt::format("node {}: {}", n.node.name, scan.error().message), scan.error().hint});
        NodeReport report;
        report.name = n.node.name;
        report.uri = n.node.connectionUri;
        report.capacity = *n.node.cores * options.tuplesPerSecondPerCore;
        auto sampled = sampleNodeResources(*n.connector, store, connection->id, options.nowMs);
        report.resources = sampled
            ? fmt::format("{} active session(s), {:.1f} MiB", sampled->activeSessions.value_or(0),
                          double(sampled->databaseBytes.value_or(0)) / double(1 << 20))
            : sampled.error().message;
        NodeSpec spec;
        spec.name = n.node.name;
        spec.capacity = report.capacity;
        spec.diskBytes = double(n.node.diskBytes.value_or(0));
        spec.copyBytesPerSecond = options.copyBytesPerSecond;
        spec.acceptsMoves = n.node.role == NodeRole::Shard || n.node.role == NodeRole::Primary;
        const int nodeIndex = int(in.nodes.size());
        in.nodes.push_back(spec);
        auto *eligibility = feature<MoveEligibility>(*n.connector);
        const bool runsMoves = capabilitiesOf(*n.connector).runs(StepKind::Move);
        for (const auto &t : scan->tables) {
            if (!t.plannable)
                continue;
            std::vector<MoveRefusal> refusals;
            if (eligibility && runsMoves) {
                auto r = eligibility->unmovablePartitions(t.name);
                if (!r)
                    return tl::unexpected(Error{
                        r.error().code, fmt::format("node {}: {}", n.node.name, r.error().message), r.error().hint});
                refusals = std::move(*r);
                noteLeftOut(out.notes, n.node.name, t.name, refusals);
            }
            for (const auto &p : t.partitions) {
                double rate = 0;
                for (const auto &s : scan->scores)
                    if (s.table == t.name && s.partition == p.name)
                        rate = s.writesPerSecond + s.readsPerSecond;
                PartitionRef ref{t.name, t.keyType, p};
                bool fallback = false;
                accessForecast(store, connection->id, ref, rate, in.horizon, options.nowMs, in.mean, in.sd, fallback);
                fallbacks += fallback;
                PartitionSpec ps;
                ps.name = fmt::format("{}/{}", n.node.name, p.name);
                ps.node = nodeIndex;
                ps.bytes = double(p.bytes);
                ps.keyHash = ringHash(t.name + "." + p.name);
                ps.splittable = t.strategy == PartitionStrategy::Range;
                ps.movable = std::none_of(refusals.begin(), refusals.end(),
                                          [&](const MoveRefusal &r) { return r.partition == p.name; });
                in.partitions.push_back(ps);
                refs.push_back(std::move(ref));
                ++report.partitions;
            }
        }
        out.nodes.push_back(std::move(report));
    }
    if (fallbacks > 0)
        out.notes.push_back(fmt::format("{} partition(s) have less than two days of hourly history; their current "
                                        "rate stands in for a forecast (±25 %)",
                                        fallbacks));
    auto planned = planRebalance(in, options.planner);
    if (!planned)
        return tl::unexpected(planned.error());
    for (std::size_t i = 0; i < out.nodes.size(); ++i) {
        out.nodes[i].before = planned->before[i];
        out.nodes[i].after = planned->after[i];
    }
    out.notes.insert(out.notes.end(), planned->notes.begin(), planned->notes.end());

    Plan &plan = out.plan;
    plan.kind = "rebalance";
    plan.createdMs = options.nowMs;
    plan.createdBy = options.requestedBy;
    std::int64_t bytes = 0;
    int moves = 0;
    for (const auto &c : planned->changes) {
        const auto &ref = refs[std::size_t(c.partition)];
        const auto &from = nodes[std::size_t(c.from)];
        if (c.kind == ChangeKind::Split) {
            out.notes.push_back(fmt::format("split {} on {} first (tidemark-cli plan {} --table {}): {}",
                                            ref.partition.name, from.node.name, from.node.connectionUri, ref.table,
                                            c.reason));
            continue;
        }
        const auto &to = nodes[std::size_t(c.to)];
        if (plan.connectionUri.empty())
            plan.connectionUri = from.node.connectionUri;
        Step step;
        step.kind = StepKind::Move;
        step.node = from.node.connectionUri;
        step.table = ref.table;
        step.keyType = ref.keyType;
        step.sources = {ref.partition.name};
        NodeCopyWork work;
        work.targetNode = to.node.connectionUri;
        work.targetPartition = ref.partition.name;
        work.range = ref.partition.bounds;
        work.reservedBytes = std::int64_t(double(ref.partition.bytes) * 1.1); // writes during the copy
        work.smokeQueries = options.smokeQueries;
        step.payload = work;
        step.reason = c.reason;
        step.predicted.bytesRewritten = ref.partition.bytes;
        step.predicted.rowsMoved = ref.partition.rows;
        step.predicted.lockSeconds = options.planner.cost.cutoverStallSeconds;
        step.uid = newUid();
        auto fp = from.connector->fingerprint(ref.table, step.sources);
        if (!fp)
            return tl::unexpected(fp.error());
        step.fingerprint = *fp;
        if (!capabilitiesOf(*from.connector).runs(StepKind::Move)) {
            ++out.movesRefusedUntilSupported;
        } else if (auto sql = from.connector->preview(step)) {
            step.sql = *sql; // what the DBA approves, as for tidemark-cli move
        } else {
            out.notes.push_back(fmt::format("move of {} on {}: no SQL preview ({})", ref.partition.name, from.node.name,
                                            sql.error().message));
        }
        step.ordinal = int(plan.steps.size());
        plan.steps.push_back(std::move(step));
        bytes += ref.partition.bytes;
        ++moves;
    }
    int atRisk = planned->nodesAtRisk;
    plan.summary = moves == 0
        ? fmt::format("{} node(s) at risk of crossing {}; no move proposed", atRisk,
                      pct(options.planner.cost.outlook.threshold))
        : fmt::format("{} move(s) of {:.1f} GiB from {} node(s) at risk of crossing {} within {} h", moves,
                      double(bytes) / double(1ll << 30), atRisk, pct(options.planner.cost.outlook.threshold),
                      options.horizonHours);
    return out;
}

} // namespace tidemark::rebalance
