#include "executor/step_checks.h"

#include <set>

#include <fmt/format.h>

namespace tidemark {

namespace {

tl::unexpected<Error> invalid(std::string message, std::string hint = "the plan is malformed; make a fresh plan")
{
    return fail(ErrorCode::InvalidArgument, std::move(message), std::move(hint));
}

Result<void> checkRepartition(const Step &step, const RepartitionWork &work)
{
    const char *kind = toString(step.kind);
    if (step.sources.empty() || work.targets.empty())
        return invalid(fmt::format("a {} step needs source and target partitions", kind));
    if (step.kind == StepKind::Split && (step.sources.size() != 1 || work.targets.size() < 2))
        return invalid("a split turns one partition into two or more");
    if (step.kind == StepKind::Merge && (work.targets.size() != 1 || step.sources.size() < 2))
        return invalid("a merge turns two or more adjacent partitions into one");
    // Bounds are the connector's to check: they tile a RANGE source, pick
    // values of a LIST one, and mean nothing for a HASH split.
    std::set<std::string> names;
    for (const NewPartition &t : work.targets)
        if (!t.name.empty() && !names.insert(t.name).second)
            return invalid(fmt::format("the {} names partition {} twice", kind, t.name));
    return {};
}

} // namespace

Result<void> checkStepShape(const Step &step)
{
    if (step.uid.empty())
        return invalid("the step has no uid", "the executor assigns one before running it");
    if (step.fingerprint.empty())
        return invalid("the step carries no fingerprint of its sources",
                       "compute it with fingerprint() when planning, so execution can detect a stale plan");
    if (step.table.empty())
        return invalid("the step names no table");
    if (step.payload.index() != payloadIndexFor(step.kind))
        return invalid(fmt::format("a {} step carries the payload of another kind", toString(step.kind)));
    if (const auto *r = step.work<RepartitionWork>())
        return checkRepartition(step, *r);
    if (const auto *c = step.work<NodeCopyWork>()) {
        if (step.sources.size() != 1)
            return invalid(fmt::format("a {} step reads exactly one partition", toString(step.kind)));
        if (c->targetNode.empty())
            return invalid(fmt::format("the {} step names no receiving node", toString(step.kind)));
        if (!step.node.empty() && c->targetNode == step.node)
            return invalid(fmt::format("the {} step's receiving node is the node it reads from", toString(step.kind)),
                           "copy to another node; a copy inside one database is a split or merge");
        return {};
    }
    if (const auto *s = step.work<SnapshotWork>()) {
        if (step.sources.size() != 1 || s->snapshotName.empty())
            return invalid("a snapshot step reads one partition and names its snapshot");
        return {};
    }
    if (const auto *r = step.work<RestoreWork>()) {
        if (r->snapshotName.empty() || r->asOfMs <= 0)
            return invalid("a restore step names its snapshot and the moment to restore");
        return {};
    }
    if (const auto *g = step.work<SegmentWork>()) {
        if (step.kind == StepKind::Archive && g->archiveLocation.empty())
            return invalid(g->restore ? "a restore-archive step names the archive it loads"
                                      : "an archive step names where the segment goes");
        if (g->restore) {
            // The segment it brings back does not exist yet: the manifest names it.
            if (step.kind != StepKind::Archive || !step.sources.empty())
                return invalid("a restore-archive step is an archive step that reads no partition");
            return {};
        }
        if (step.sources.size() != 1)
            return invalid(fmt::format("a {} step works on one segment", toString(step.kind)));
        return {};
    }
    return {};
}

} // namespace tidemark
