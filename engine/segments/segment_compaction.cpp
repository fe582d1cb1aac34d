#include "segments/segment_compaction.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "model/byte_units.h"
#include "model/key_value.h"
#include "planning/plan_builder.h"

namespace tidemark {

namespace {

bool supports(const Connector &connector, StepKind kind)
{
    const auto kinds = connector.traits().stepKinds;
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

Error unsupported(const Connector &connector, StepKind kind)
{
    return Error{ErrorCode::Unsupported,
                 fmt::format("the {} connector does not run {} steps", connector.scheme(), toString(kind)),
                 "see docs/log-segments.md, \"Compaction\", for what each database offers"};
}

Step compactStep(const TableSegments &ts, const SegmentFigures &f, bool asked)
{
    Step s;
    s.kind = StepKind::Compact;
    s.payload = payloadFor(StepKind::Compact);
    s.table = ts.table;
    s.keyType = ts.keyType;
    s.sources = {f.partition};
    auto *work = s.work<SegmentWork>();
    work->keepLatestBy = ts.settings.keepLatestBy;
    work->ioCapBytesPerSecond = ts.settings.ioCapBytesPerSecond;
    work->expectedBytesAfter = std::max<std::int64_t>(0, f.bytes - f.deadBytes);
    s.predicted.bytesRewritten = work->expectedBytesAfter;
    s.predicted.rowsMoved = f.rows;
    const std::string how = ts.settings.keepLatestBy.empty()
        ? std::string("rewrite it densely")
        : fmt::format("keep the latest row of each ({}) and rewrite it densely",
                      fmt::join(ts.settings.keepLatestBy, ", "));
    if (asked)
        s.reason =
            fmt::format("compact {} {} as asked ({}, {} dead): {}", f.partition, describeRange(f.bounds, ts.keyType),
                        humanBytes(double(f.bytes)), humanBytes(double(f.deadBytes)), how);
    else
        s.reason = fmt::format("{} {} has priority {:.1f}, at or over its table's threshold {:.0f} ({}); {}, "
                               "reclaiming about {}",
                               f.partition, describeRange(f.bounds, ts.keyType), f.priority,
                               ts.settings.compactThreshold, f.priorityReason, how, humanBytes(double(f.deadBytes)));
    return s;
}

/// Runs of at least two adjacent sealed segments, each under mergeBelowBytes,
/// cut so no merged segment passes the merge target.
std::vector<Step> mergeSteps(const TableSegments &ts, const std::vector<std::string> &exclude)
{
    std::vector<Step> out;
    const SegmentSettings &cfg = ts.settings;
    if (cfg.mergeBelowBytes <= 0 || ts.segments.size() < 3)
        return out;
    const std::int64_t target = cfg.mergeTargetBytes > 0 ? cfg.mergeTargetBytes : 8 * cfg.mergeBelowBytes;
    std::vector<const SegmentFigures *> run;
    std::int64_t runBytes = 0;
    auto flush = [&] {
        if (run.size() >= 2) {
            Step s;
            s.kind = StepKind::Merge;
            s.payload = payloadFor(StepKind::Merge);
            s.table = ts.table;
            s.keyType = ts.keyType;
            std::int64_t rows = 0;
            for (const auto *f : run) {
                s.sources.push_back(f->partition);
                rows += f->rows;
            }
            NewPartition t;
            t.bounds = KeyRange{run.front()->bounds.lower, run.back()->bounds.upper};
            t.expectedRows = rows;
            t.expectedBytes = runBytes;
            s.repartition().targets = {t};
            s.predicted.bytesRewritten = runBytes;
            s.predicted.rowsMoved = rows;
            s.reason = fmt::format("{} sealed segments {} … {} are each under {} (merge-below); merged into one of {} "
                                   "{} (at most {})",
                                   run.size(), run.front()->partition, run.back()->partition,
                                   humanBytes(double(cfg.mergeBelowBytes)), humanBytes(double(runBytes)),
                                   describeRange(t.bounds, ts.keyType), humanBytes(double(target)));
            out.push_back(std::move(s));
        }
        run.clear();
        runBytes = 0;
    };
    for (std::size_t i = 0; i + 1 < ts.segments.size(); ++i) { // the last one is active
        const SegmentFigures &f = ts.segments[i];
        const bool small = f.state == SegmentState::Sealed && f.bytes < cfg.mergeBelowBytes &&
            std::find(exclude.begin(), exclude.end(), f.partition) == exclude.end();
        const bool adjacent =
            !run.empty() && run.back()->bounds.upper && f.bounds.lower && *run.back()->bounds.upper == *f.bounds.lower;
        if (!small || (!run.empty() && (!adjacent || runBytes + f.bytes > target)))
            flush();
        if (small) {
            run.push_back(&f);
            runBytes += f.bytes;
        }
    }
    flush();
    return out;
}

} // namespace

Result<Plan> planCompaction(Connector &connector, MetadataStore &store, const Connection &connection,
                            const SegmentSurvey &survey, const CompactionPlanRequest &request)
{
    Plan plan;
    plan.connectionUri = connection.uri;
    plan.kind = "compact";
    plan.createdMs = request.nowMs;
    plan.createdBy = request.requestedBy;
    if (!request.partition.empty() && request.table.empty())
        return fail(ErrorCode::InvalidArgument, "--partition needs --table", "name the table it belongs to");

    std::map<std::string, std::vector<Step>> byTable;
    std::vector<std::string> order;
    auto add = [&](const std::string &table, Step s) {
        if (!byTable.count(table))
            order.push_back(table);
        byTable[table].push_back(std::move(s));
    };
    bool found = request.partition.empty();
    for (const auto &ts : survey.tables) {
        if (!request.table.empty() && ts.table != request.table)
            continue;
        if (!request.partition.empty()) {
            for (const auto &f : ts.segments)
                if (f.partition == request.partition) {
                    found = true;
                    if (!ts.leftAlone.empty())
                        return fail(ErrorCode::Unsupported,
                                    fmt::format("{} is left alone: {}", ts.table, ts.leftAlone),
                                    "compact it with the tool that manages it, or take it out of that tool first");
                    if (f.state != SegmentState::Sealed)
                        return fail(ErrorCode::InvalidArgument,
                                    fmt::format("{} is the active segment of {}: it still takes new rows", f.partition,
                                                ts.table),
                                    "compact sealed segments only (all but the newest)");
                    add(ts.table, compactStep(ts, f, true));
                }
            continue;
        }
        if (!ts.leftAlone.empty())
            continue; // neither merged nor rewritten; the survey says why
        // Queued segments a merge would not serve: a merge copies every row,
        // so a change log's key compaction keeps them out of merge runs.
        std::vector<std::string> rewrite;
        for (const auto &q : survey.compactionQueue)
            if (q.table == ts.table)
                rewrite.push_back(q.partition);
        auto merges = mergeSteps(ts, ts.settings.keepLatestBy.empty() ? std::vector<std::string>{} : rewrite);
        for (auto &m : merges) {
            for (const auto &src : m.sources)
                rewrite.erase(std::remove(rewrite.begin(), rewrite.end(), src), rewrite.end());
            add(ts.table, std::move(m));
        }
        for (const auto &q : survey.compactionQueue)
            if (q.table == ts.table && std::find(rewrite.begin(), rewrite.end(), q.partition) != rewrite.end())
                for (const auto &f : ts.segments)
                    if (f.partition == q.partition)
                        add(ts.table, compactStep(ts, f, false));
    }
    if (!found)
        return fail(ErrorCode::NotFound, fmt::format("{} has no segment named {}", request.table, request.partition),
                    "list them with tidemark-cli segments URI --table " + request.table);

    // A connector that merges but cannot compact in place still gets its
    // merges; the segments it cannot rewrite are named in the summary.
    std::vector<std::string> notRewritten;
    for (const auto &table : order) {
        auto &steps = byTable[table];
        for (const auto &s : steps)
            if (!supports(connector, s.kind) && (s.kind != StepKind::Compact || !request.partition.empty()))
                return tl::unexpected(unsupported(connector, s.kind));
        for (const auto &s : steps)
            if (!supports(connector, s.kind))
                notRewritten.push_back(s.sources.front());
        steps.erase(
            std::remove_if(steps.begin(), steps.end(), [&](const Step &s) { return !supports(connector, s.kind); }),
            steps.end());
    }
    std::int64_t bytes = 0, reclaim = 0;
    int merges = 0, compacts = 0;
    for (const auto &table : order) {
        auto &steps = byTable[table];
        if (auto ok = prepareStepsForApproval(connector, table, steps); !ok)
            return tl::unexpected(ok.error());
        for (auto &s : steps) {
            s.ordinal = int(plan.steps.size());
            bytes += s.predicted.bytesRewritten;
            if (s.kind == StepKind::Merge)
                ++merges;
            else {
                ++compacts;
                for (const auto &t : survey.tables)
                    for (const auto &f : t.segments)
                        if (t.table == s.table && f.partition == s.sources.front())
                            reclaim += f.deadBytes;
            }
            plan.steps.push_back(std::move(s));
        }
    }
    const std::string skipped = notRewritten.empty()
        ? std::string()
        : fmt::format("; not rewritten, as the {} connector does not compact segments in place: {}", connector.scheme(),
                      fmt::join(notRewritten, ", "));
    if (plan.steps.empty()) {
        plan.summary = notRewritten.empty()
            ? std::string("nothing to compact: no sealed segment's priority reached its table's "
                          "compact-threshold, and no run of small sealed segments is under merge-below")
            : "nothing to compact" + skipped;
        return plan;
    }
    std::vector<std::string> parts;
    if (compacts > 0)
        parts.push_back(fmt::format("rewrite {} segment{} (about {} dead space reclaimed)", compacts,
                                    compacts == 1 ? "" : "s", humanBytes(double(reclaim))));
    if (merges > 0)
        parts.push_back(fmt::format("{} merge{} of small sealed segments", merges, merges == 1 ? "" : "s"));
    plan.summary =
        fmt::format("compact: {}; {} rewritten{}", fmt::join(parts, ", "), humanBytes(double(bytes)), skipped);
    if (auto ok = store.insertPlan(plan); !ok)
        return tl::unexpected(ok.error());
    if (auto ok =
            store.audit(AuditEntry{0, request.nowMs, request.requestedBy, "plan.created", plan.id, 0, plan.summary});
        !ok)
        return tl::unexpected(ok.error());
    return plan;
}

} // namespace tidemark
