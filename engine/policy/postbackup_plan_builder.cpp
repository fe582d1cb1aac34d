#include "policy/postbackup_plan_builder.h"

#include <fmt/format.h>

#include "planner/postbackup_planner.h"
#include "policy/policy.h"

namespace tidemark {

namespace {

Result<std::vector<Step>> planTable(Connector &connector, MetadataStore &store, const Connection &connection,
                                    const PartitionedTable &table, const std::vector<VolatilityScore> &scores,
                                    std::int64_t now)
{
    PostBackupInput input;
    input.current.table = table;
    input.current.nowMs = now;
    input.current.settings = connection.settings;
    for (const auto &s : scores)
        if (s.table == table.name)
            input.current.scores[s.partition] = s;
    auto created = store.partitionCreationTimes(connection.id, table.name);
    if (!created)
        return tl::unexpected(created.error());
    input.current.createdByTidemarkMs = std::move(*created);
    // The first score of each partition inside the last backup interval.
    auto history = store.scoreHistory(connection.id, table.name,
                                      now - connection.settings.backupIntervalSeconds * 1000);
    if (!history)
        return tl::unexpected(history.error());
    for (const auto &s : *history)
        input.cycleStartScores.emplace(s.partition, s);
    for (const auto &name : PostBackupPlanner::splitCandidates(input)) {
        auto histogram = connector.keyHistogram(table.name, name, connection.settings.histogramBuckets);
        if (!histogram)
            return tl::unexpected(histogram.error());
        input.current.histograms[name] = std::move(*histogram);
    }
    std::vector<Step> steps = PostBackupPlanner::plan(input);
    if (auto ok = prepareStepsForApproval(connector, table.name, steps); !ok)
        return tl::unexpected(ok.error());
    return steps;
}

} // namespace

Result<PlanOutcome> buildPostBackupPlan(Connector &connector, MetadataStore &store, const Connection &connection,
                                        const PlanRequest &request)
{
    const std::int64_t now = request.nowMs ? request.nowMs : nowMs();
    if (request.table)
        if (auto described = connector.describe(*request.table); !described)
            return tl::unexpected(described.error());
    auto scan = scanActivity(connector, store, connection, now);
    if (!scan)
        return tl::unexpected(scan.error());
    PlanOutcome outcome;
    outcome.plan.connectionUri = connection.uri;
    outcome.plan.kind = "postbackup";
    outcome.plan.createdMs = now;
    outcome.plan.createdBy = request.requestedBy;
    int ordinal = 0, splits = 0, merges = 0;
    std::int64_t rewritten = 0;
    for (const auto &table : scan->tables) {
        if (request.table && table.name != *request.table)
            continue;
        if (!table.plannable) {
            outcome.notes.push_back(fmt::format("{}: not planned: {}", table.name, table.notPlannableReason));
            continue;
        }
        auto steps = planTable(connector, store, connection, table, scan->scores, now);
        if (!steps)
            return tl::unexpected(steps.error());
        for (auto &step : *steps) {
            step.ordinal = ordinal++;
            rewritten += step.predicted.bytesRewritten;
            (step.kind == StepKind::Split ? splits : merges)++;
            outcome.plan.steps.push_back(std::move(step));
        }
    }
    outcome.scan = std::move(*scan);
    if (outcome.plan.steps.empty()) {
        outcome.plan.summary = "post-backup rebalance: nothing changed enough during the backup cycle to pay for a "
                               "rewrite";
        return outcome;
    }
    outcome.plan.summary = fmt::format("post-backup rebalance: {} merge(s) back, {} split(s); rewrites {} once",
                                       merges, splits, describeBytes(static_cast<double>(rewritten)));
    if (auto ok = store.insertPlan(outcome.plan); !ok)
        return tl::unexpected(ok.error());
    if (auto ok = store.audit(AuditEntry{0, now, request.requestedBy, "plan.created", outcome.plan.id, 0,
                                         outcome.plan.summary});
        !ok)
        return tl::unexpected(ok.error());
    return outcome;
}

} // namespace tidemark
