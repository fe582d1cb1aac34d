#include "backup/postbackup_plan_builder.h"

#include <fmt/format.h>

#include "backup/postbackup_planner.h"
#include "policy/policy.h"

namespace tidemark {

namespace {

Result<std::vector<Step>> planTable(Connector &connector, MetadataStore &store, const Connection &connection,
                                    const PartitionedTable &table, const std::vector<VolatilityScore> &scores,
                                    std::int64_t now, const LockCalibration &lock)
{
    PostBackupInput input;
    input.current.table = table;
    input.current.nowMs = now;
    input.current.settings = connection.settings;
    input.current.lockCalibration = lock;
    for (const auto &s : scores)
        if (s.table == table.name && !s.baseline) // a baseline is no score yet
            input.current.scores[s.partition] = s;
    auto created = store.partitionCreationTimes(connection.id, table.name);
    if (!created)
        return tl::unexpected(created.error());
    input.current.createdByTidemarkMs = std::move(*created);
    // The first score of each partition inside the last backup interval.
    auto history =
        store.scoreHistory(connection.id, table.name, now - connection.settings.backupIntervalSeconds * 1000);
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
    auto measured = store.measuredRepartitions(connection.id, kMaxCalibrationSteps);
    if (!measured)
        return tl::unexpected(measured.error());
    const LockCalibration lock = calibrateLockTime(*measured, connection.settings);
    auto planOne = [&](const PartitionedTable &table, const ScanResult &scan, std::int64_t now) {
        return planTable(connector, store, connection, table, scan.scores, now, lock);
    };
    auto summarize = [](const PlanTotals &t) {
        if (t.steps == 0)
            return std::string("post-backup rebalance: nothing changed enough during the backup cycle to pay for a "
                               "rewrite");
        return fmt::format("post-backup rebalance: {} merge(s) back, {} split(s); rewrites {} once", t.merges, t.splits,
                           describeBytes(static_cast<double>(t.bytesRewritten)));
    };
    auto outcome = assemblePlan(connector, store, connection, request, "postbackup", planOne, summarize);
    if (outcome && !outcome->plan.steps.empty() && lock.measuredSteps > 0)
        outcome->notes.push_back(lock.describe());
    return outcome;
}

} // namespace tidemark
