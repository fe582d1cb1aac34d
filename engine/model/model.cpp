#include "model/key_value.h"
#include "model/node.h"
#include "model/partition.h"
#include "model/plan.h"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

namespace tidemark {

namespace {
constexpr std::array<std::pair<StepKind, const char *>, 8> kStepKinds{{
    {StepKind::Split, "split"},
    {StepKind::Merge, "merge"},
    {StepKind::Copy, "copy"},
    {StepKind::Move, "move"},
    {StepKind::Snapshot, "snapshot"},
    {StepKind::Restore, "restore"},
    {StepKind::Compact, "compact"},
    {StepKind::Archive, "archive"},
}};
constexpr std::array<std::pair<PlanStatus, const char *>, 8> kPlanStatuses{{
    {PlanStatus::Proposed, "proposed"},
    {PlanStatus::Approved, "approved"},
    {PlanStatus::Rejected, "rejected"},
    {PlanStatus::Running, "running"},
    {PlanStatus::Done, "done"},
    {PlanStatus::Failed, "failed"},
    {PlanStatus::RolledBack, "rolled back"},
    {PlanStatus::Superseded, "superseded"},
}};
constexpr std::array<std::pair<StepStatus, const char *>, 6> kStepStatuses{{
    {StepStatus::Pending, "pending"},
    {StepStatus::Running, "running"},
    {StepStatus::Done, "done"},
    {StepStatus::Failed, "failed"},
    {StepStatus::RolledBack, "rolled back"},
    {StepStatus::Skipped, "skipped"},
}};

template <class E, std::size_t N> const char *nameOf(const std::array<std::pair<E, const char *>, N> &table, E value)
{
    for (const auto &[v, name] : table)
        if (v == value)
            return name;
    return "unknown";
}

template <class E, std::size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, const char *>, N> &table, const std::string &name)
{
    for (const auto &[v, n] : table)
        if (name == n)
            return v;
    return std::nullopt;
}
} // namespace

const char *toString(StepKind v)
{
    return nameOf(kStepKinds, v);
}
const char *toString(PlanStatus v)
{
    return nameOf(kPlanStatuses, v);
}
const char *toString(StepStatus v)
{
    return nameOf(kStepStatuses, v);
}
std::optional<StepKind> stepKindFromString(const std::string &s)
{
    return valueOf(kStepKinds, s);
}
std::optional<PlanStatus> planStatusFromString(const std::string &s)
{
    return valueOf(kPlanStatuses, s);
}
std::optional<StepStatus> stepStatusFromString(const std::string &s)
{
    return valueOf(kStepStatuses, s);
}

std::size_t payloadIndexFor(StepKind kind)
{
    switch (kind) {
    case StepKind::Split:
    case StepKind::Merge:
        return 0;
    case StepKind::Copy:
    case StepKind::Move:
        return 1;
    case StepKind::Snapshot:
        return 2;
    case StepKind::Restore:
        return 3;
    case StepKind::Compact:
    case StepKind::Archive:
        return 4;
    }
    return 0;
}

StepPayload payloadFor(StepKind kind)
{
    switch (payloadIndexFor(kind)) {
    case 1:
        return NodeCopyWork{};
    case 2:
        return SnapshotWork{};
    case 3:
        return RestoreWork{};
    case 4:
        return SegmentWork{};
    default:
        return RepartitionWork{};
    }
}

std::string runNode(const Step &step, const std::string &homeNode)
{
    return step.node.empty() ? homeNode : step.node;
}

std::string recordingNode(const Step &step, const std::string &homeNode)
{
    if (const auto *copy = step.work<NodeCopyWork>(); copy && !copy->targetNode.empty())
        return copy->targetNode;
    return runNode(step, homeNode);
}

std::vector<std::string> stepNodes(const Step &step, const std::string &homeNode)
{
    std::vector<std::string> nodes{runNode(step, homeNode)};
    const std::string recorder = recordingNode(step, homeNode);
    if (recorder != nodes.front())
        nodes.push_back(recorder);
    return nodes;
}

std::string describeStep(const Step &step)
{
    std::string from;
    for (const auto &s : step.sources)
        from += (from.empty() ? "" : ", ") + s;
    std::string to;
    if (const auto *r = step.work<RepartitionWork>()) {
        for (const auto &t : r->targets)
            to += (to.empty() ? "" : ", ") + t.name + " " + describeRange(t.bounds, step.keyType);
    } else if (const auto *c = step.work<NodeCopyWork>()) {
        to = fmt::format("{} {} on {}", c->targetPartition.empty() ? from : c->targetPartition,
                         describeRange(c->range, step.keyType), c->targetNode);
    } else if (const auto *s = step.work<SnapshotWork>()) {
        to = fmt::format("{}snapshot {} {}", s->shadow ? "shadow " : "", s->snapshotName,
                         describeRange(s->range, step.keyType));
    } else if (const auto *r2 = step.work<RestoreWork>()) {
        to = fmt::format("{} as of {} ms from {}", r2->intoPartition.empty() ? from : r2->intoPartition, r2->asOfMs,
                         r2->snapshotName);
    } else if (const auto *g = step.work<SegmentWork>()) {
        if (step.kind == StepKind::Compact)
            to = g->keepLatestBy.empty()
                ? std::string("rewritten densely in place")
                : fmt::format("the latest row of each ({}) kept, rewritten densely in place",
                              fmt::join(g->keepLatestBy, ", "));
        else
            to = g->restore ? "restored from " + g->archiveLocation : "archived to " + g->archiveLocation;
    }
    return fmt::format("{} {}: {} → {}", toString(step.kind), step.table, from, to);
}

std::vector<std::string> Plan::nodes() const
{
    std::vector<std::string> out{connectionUri};
    for (const auto &step : steps)
        for (auto &node : stepNodes(step, connectionUri))
            if (std::find(out.begin(), out.end(), node) == out.end())
                out.push_back(std::move(node));
    return out;
}

const char *toString(NodeRole role)
{
    switch (role) {
    case NodeRole::Primary:
        return "primary";
    case NodeRole::Replica:
        return "replica";
    case NodeRole::Shard:
        return "shard";
    case NodeRole::Archive:
        return "archive";
    }
    return "primary";
}

std::optional<NodeRole> nodeRoleFromString(const std::string &name)
{
    for (NodeRole r : {NodeRole::Primary, NodeRole::Replica, NodeRole::Shard, NodeRole::Archive})
        if (name == toString(r))
            return r;
    return std::nullopt;
}

} // namespace tidemark
