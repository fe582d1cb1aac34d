#include "planning/plan_builder.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "model/byte_units.h"
#include "backup/prebackup_planner.h"
#include "forecast/error_tracker.h"
#include "forecast/forecast_tracking.h"
#include "forecast/model_choice.h"
#include "forecast/write_forecast.h"
#include "host/parallel.h"
#include "host/stop_scope.h"
#include "planning/plan_approval.h"

namespace tidemark {

std::string newUid()
{
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    return fmt::format("{:016x}{:016x}", rng(), rng());
}

Result<void> prepareStepsForApproval(Connector &connector, const std::string &table, std::vector<Step> &steps)
{
    for (auto &step : steps) {
        step.uid = newUid();
        if (auto *r = step.work<RepartitionWork>())
            for (auto &target : r->targets)
                if (target.name.empty())
                    target.name = connector.partitionNameFor(table, target.bounds, step.keyType);
        auto fingerprint = connector.fingerprint(table, step.sources);
        if (!fingerprint)
            return tl::unexpected(fingerprint.error());
        step.fingerprint = std::move(*fingerprint);
        auto sql = connector.preview(step);
        if (!sql)
            return tl::unexpected(sql.error());
        step.sql = std::move(*sql);
    }
    return {};
}

namespace {

bool stopsWholePlan(ErrorCode code)
{
    return code == ErrorCode::Cancelled || code == ErrorCode::Io || code == ErrorCode::Corrupt ||
        code == ErrorCode::VersionTooNew;
}

/// Sample history a write forecast looks at: six weeks.
constexpr std::int64_t kForecastHistoryDays = 42;

Result<std::vector<Step>> planTable(Connector &connector, MetadataStore &store, const Connection &connection,
                                    const PartitionedTable &table, const std::vector<VolatilityScore> &scores,
                                    std::int64_t now, const LockCalibration &lock, std::vector<SkippedTable> &leftAlone)
{
    PlannerInput input;
    input.table = table;
    input.nowMs = now;
    input.settings = connection.settings;
    input.lockCalibration = lock;
    // A baseline is no score: such a partition is neither hot nor cold yet.
    for (const auto &s : scores)
        if (s.table == table.name && !s.baseline)
            input.scores[s.partition] = s;
    auto created = store.partitionCreationTimes(connection.id, table.name);
    if (!created)
        return tl::unexpected(created.error());
    input.createdByTidemarkMs = std::move(*created);
    auto actions = store.partitionCreationActions(connection.id, table.name);
    if (!actions)
        return tl::unexpected(actions.error());
    input.createdByAction = std::move(*actions);
    // Writes until the next backup from each partition's sample history,
    // judged on the checks of the forecasts recorded earlier; the forecast
    // is recorded in turn (also when the EWMA stays in charge, so that a
    // series whose forecasts come right again is trusted again). The store
    // is read and written on this thread; the forecasts themselves, which
    // are independent of each other, run side by side in batches.
    const std::int64_t since = now - kForecastHistoryDays * 86400000LL;
    struct Pending {
        std::string name;
        std::vector<ActivitySample> history;
        std::vector<TrackedCheck> checks;
        const StoredModelChoice *stored = nullptr;
        ForecastWindow window;
        ForecastWrites writes;
        WriteForecastModels models;
    };
    // The models the previous plan chose per partition: refitted instead of
    // searched (forecastWritesUntilBackup says when a search is due again).
    auto storedChoices = store.modelChoices(connection.id, table.name, kWritesMetric);
    if (!storedChoices)
        return tl::unexpected(storedChoices.error());
    const std::size_t threads = computeThreads();
    const std::size_t batch = 8 * threads;
    std::vector<std::string> names;
    for (const auto &entry : input.scores)
        names.push_back(entry.first);
    const std::stop_token stop = currentStopToken();
    for (std::size_t from = 0; from < names.size(); from += batch) {
        std::vector<Pending> pending;
        for (std::size_t i = from; i < std::min(names.size(), from + batch); ++i) {
            auto history = store.samples(connection.id, table.name, names[i], since);
            if (!history)
                return tl::unexpected(history.error());
            auto checks =
                writeForecastChecks(store, connection, table.name, names[i], forecast::ForecastErrorTracker::kWindow);
            if (!checks)
                return tl::unexpected(checks.error());
            const auto found = storedChoices->find(names[i]);
            pending.push_back(Pending{names[i],
                                      std::move(*history),
                                      trackedChecks(*checks),
                                      found == storedChoices->end() ? nullptr : &found->second,
                                      {},
                                      {},
                                      {}});
        }
        const std::size_t ran = parallelFor(
            pending.size(), threads,
            [&](std::size_t i) {
                Pending &p = pending[i];
                std::optional<KeptModels> kept;
                if (p.stored)
                    if (auto choice = forecast::modelChoiceFromJson(p.stored->choiceJson))
                        kept = KeptModels{std::make_shared<const forecast::ModelChoice>(std::move(*choice)),
                                          p.stored->chosenMs, p.stored->holdoutMase};
                p.writes = forecastWritesUntilBackup(p.history, connection.settings, now, p.checks, &p.window,
                                                     kept ? &*kept : nullptr, &p.models);
            },
            stop);
        if (ran < pending.size())
            return fail(ErrorCode::Cancelled, "planning was stopped");
        // One transaction per batch: the forecasts and the models to keep.
        auto recorded = store.transaction([&]() -> Result<void> {
            std::vector<StoredModelChoice> keep;
            for (Pending &p : pending) {
                if (auto r = recordWriteForecast(store, connection, table.name, p.name, p.writes, p.window, now); !r)
                    return tl::unexpected(r.error());
                if (const KeptModels &k = p.models.next; k.choice)
                    keep.push_back(StoredModelChoice{table.name, p.name, kWritesMetric, p.writes.model,
                                                     forecast::modelChoiceToJson(*k.choice), k.chosenMs, k.holdoutMase,
                                                     now});
            }
            return store.saveModelChoices(connection.id, keep);
        });
        if (!recorded)
            return tl::unexpected(recorded.error());
        for (Pending &p : pending)
            input.forecastWrites[p.name] = std::move(p.writes);
    }
    for (const auto &name : PreBackupPlanner::splitCandidates(input)) {
        auto histogram = connector.keyHistogram(table.name, name, connection.settings.histogramBuckets);
        if (!histogram)
            return tl::unexpected(histogram.error());
        input.histograms[name] = std::move(*histogram);
    }
    std::vector<LeftAlone> alone;
    std::vector<Step> steps = PreBackupPlanner::plan(input, &alone);
    for (auto &a : alone)
        leftAlone.push_back(SkippedTable{table.name, std::move(a.reason), std::move(a.partitions)});
    if (auto ok = prepareStepsForApproval(connector, table.name, steps); !ok)
        return tl::unexpected(ok.error());
    return steps;
}

} // namespace

Result<PlanOutcome> assemblePlan(Connector &connector, MetadataStore &store, const Connection &connection,
                                 const PlanRequest &request, const std::string &kind, const TablePlanner &planOneTable,
                                 const std::function<std::string(const PlanTotals &)> &summarize)
{
    const std::int64_t now = request.nowMs ? request.nowMs : nowMs();
    // The table as the connector names it: a DBA may type sales.orders for
    // the table the connector shows as sales.orders, or "my.sch"."t" for
    // "my.sch".t.
    std::optional<std::string> only;
    if (request.table) {
        // Refuse a plain or missing table before touching anything.
        auto described = connector.describe(*request.table);
        if (!described)
            return tl::unexpected(described.error());
        only = described->name;
    }
    auto scan = scanActivity(connector, store, connection, now);
    if (!scan)
        return tl::unexpected(scan.error());

    PlanOutcome outcome;
    outcome.plan.connectionUri = connection.uri;
    outcome.plan.kind = kind;
    outcome.plan.createdMs = now;
    outcome.plan.createdBy = request.requestedBy;
    PlanTotals totals;
    for (const auto &table : scan->tables) {
        if (only && table.name != *only)
            continue;
        if (!table.plannable) {
            outcome.notes.push_back(fmt::format("{}: not planned: {}", table.name, table.notPlannableReason));
            continue;
        }
        auto steps = planOneTable(table, *scan, now);
        if (!steps) {
            // One table that cannot be planned (a refused step, an error of the
            // database on that table) is listed with its reason and the others
            // are planned. A stop request or a store that cannot be written
            // ends the whole plan.
            if (stopsWholePlan(steps.error().code))
                return tl::unexpected(steps.error());
            std::string reason = steps.error().message;
            if (!steps.error().hint.empty())
                reason += " (" + steps.error().hint + ")";
            outcome.skipped.push_back(SkippedTable{table.name, reason, {}});
            outcome.notes.push_back(fmt::format("{}: not planned: {}", table.name, reason));
            continue;
        }
        for (auto &step : *steps) {
            step.ordinal = totals.steps++;
            totals.backupBytesBefore += step.predicted.backupBytesBefore;
            totals.backupBytesAfter += step.predicted.backupBytesAfter;
            totals.bytesRewritten += step.predicted.bytesRewritten;
            (step.kind == StepKind::Split ? totals.splits : totals.merges)++;
            outcome.plan.steps.push_back(std::move(step));
        }
    }
    outcome.scan = std::move(*scan);
    outcome.plan.summary = summarize(totals);
    if (outcome.plan.steps.empty())
        return outcome;
    if (auto ok = store.insertPlan(outcome.plan); !ok)
        return tl::unexpected(ok.error());
    if (auto ok = store.audit(
            AuditEntry{0, now, request.requestedBy, "plan.created", outcome.plan.id, 0, outcome.plan.summary});
        !ok)
        return tl::unexpected(ok.error());
    // An older open plan for the same partitions would act on facts this
    // plan replaces: it is superseded and can no longer be approved or run.
    auto superseded = supersedeOverlappingPlans(store, outcome.plan, request.requestedBy);
    if (!superseded)
        return tl::unexpected(superseded.error());
    for (const std::int64_t id : *superseded)
        outcome.notes.push_back(fmt::format("plan {} is superseded by this plan (it touches the same partitions)", id));
    return outcome;
}

Result<PlanOutcome> buildPreBackupPlan(Connector &connector, MetadataStore &store, const Connection &connection,
                                       const PlanRequest &request)
{
    std::vector<SkippedTable> leftAlone;
    // Lock times from what the splits and merges on this connection measured.
    auto measured = store.measuredRepartitions(connection.id, kMaxCalibrationSteps);
    if (!measured)
        return tl::unexpected(measured.error());
    const LockCalibration lock = calibrateLockTime(*measured, connection.settings);
    auto planOne = [&](const PartitionedTable &table, const ScanResult &scan, std::int64_t now) {
        return planTable(connector, store, connection, table, scan.scores, now, lock, leftAlone);
    };
    auto summarize = [](const PlanTotals &t) {
        if (t.steps == 0)
            return std::string("no action proposed"); // worded below from what kept it empty
        return fmt::format("{} split(s), {} merge(s); next incremental backup of the partitions involved: ~{} → ~{}; "
                           "rewrites {} once",
                           t.splits, t.merges, humanBytes(static_cast<double>(t.backupBytesBefore)),
                           humanBytes(static_cast<double>(t.backupBytesAfter)),
                           humanBytes(static_cast<double>(t.bytesRewritten)));
    };
    auto outcome = assemblePlan(connector, store, connection, request, "prebackup", planOne, summarize);
    if (!outcome)
        return outcome;
    if (!outcome->plan.steps.empty() && lock.measuredSteps > 0)
        outcome->notes.push_back(lock.describe());
    if (outcome->scan.baselinePartitions > 0)
        outcome->notes.push_back(
            fmt::format("{} partition(s): {}", outcome->scan.baselinePartitions, ScanResult::kBaselineNote));
    for (const auto &a : leftAlone) {
        std::string names;
        for (const auto &p : a.partitions)
            names += (names.empty() ? "" : ", ") + p;
        outcome->notes.push_back(fmt::format("{} {}: left alone: {}", a.table, names, a.reason));
    }
    if (outcome->plan.steps.empty()) {
        // Say what kept the plan empty; "within thresholds" only when it is so.
        const std::string others = "within its thresholds and size range, or a split would not pay for its rewrite";
        std::vector<std::string> why;
        std::size_t explained = 0;
        if (outcome->scan.baselinePartitions > 0)
            why.push_back(fmt::format("{} partition(s) have only a baseline ({})", outcome->scan.baselinePartitions,
                                      ScanResult::kBaselineNote));
        explained += static_cast<std::size_t>(outcome->scan.baselinePartitions);
        for (const auto &a : leftAlone) {
            std::string names;
            for (const auto &p : a.partitions)
                names += (names.empty() ? "" : ", ") + p;
            why.push_back(names + ": " + a.reason);
            explained += a.partitions.size();
        }
        std::string text = "no action proposed: ";
        for (std::size_t i = 0; i < why.size(); ++i)
            text += (i ? "; " : "") + why[i];
        if (why.empty())
            text += "every partition is " + others;
        else if (explained < outcome->scan.scores.size())
            text += "; every other partition is " + others;
        outcome->plan.summary = text;
    }
    outcome->skipped.insert(outcome->skipped.end(), leftAlone.begin(), leftAlone.end());
    return outcome;
}

} // namespace tidemark
