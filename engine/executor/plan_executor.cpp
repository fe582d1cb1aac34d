#include "executor/plan_executor.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include <unistd.h>

#include <fmt/format.h>

#include "connector_features.h"
#include "executor/crash_points.h"
#include "executor/step_checks.h"
#include "monitor/activity_scan.h"
#include "monitor/derived_history.h"
#include "planning/plan_approval.h"
#include "segments/segment_archive.h"

namespace tidemark {

namespace {

Result<void> auditStep(MetadataStore &store, const std::string &who, const std::string &action, const Plan &plan,
                       const Step &step, std::string detail)
{
    return store.audit(AuditEntry{0, nowMs(), who, action, plan.id, step.id, std::move(detail)});
}

/// Runs a call into a connector (a plugin: a library border), turning any
/// exception into an error, so a connector's bug fails the step instead of
/// ending the process or leaving the executor locks held.
template <class F> auto guarded(const char *what, F &&call) -> decltype(call())
{
    try {
        return call();
    } catch (const std::exception &e) {
        return fail(ErrorCode::Internal, fmt::format("the connector failed in {}: {}", what, e.what()));
    } catch (...) {
        return fail(ErrorCode::Internal, fmt::format("the connector failed in {} (an unknown exception)", what));
    }
}

/// A move commits on two databases: the copy, with the uid, on the receiving
/// node, then the source's removal, with the uid again, on the run node.
/// True when only the first committed: the rows are on both nodes, so the
/// step is neither done nor anything to roll back.
Result<bool> sourceStillThere(const Step &step, Connector &runOn, Connector &recorder)
{
    if (step.kind != StepKind::Move || &runOn == &recorder)
        return false;
    auto state = guarded("stepState", [&] { return runOn.stepState(step.uid); });
    if (!state)
        return tl::unexpected(state.error());
    return *state == StepCommitState::NotCommitted;
}

/// The archive catalogue follows a done archive or restore-archive step.
Result<void> recordArchiveStep(MetadataStore &store, std::int64_t connectionId, const Step &step,
                               const SegmentWork &work)
{
    // Only archives in Tidemark's file format (segments/segment_archive.h)
    // enter the catalogue; a connector may archive into a table instead.
    const std::string suffix = ".manifest.json";
    if (work.archiveLocation.size() < suffix.size() ||
        work.archiveLocation.compare(work.archiveLocation.size() - suffix.size(), suffix.size(), suffix) != 0)
        return {};
    auto manifest = readArchiveManifest(work.archiveLocation);
    if (!manifest)
        return tl::unexpected(manifest.error());
    if (work.restore) {
        if (auto ok = store.markSegmentArchiveRestored(connectionId, work.archiveLocation, step.finishedMs); !ok)
            return ok;
        return store.recordPartitionCreated(connectionId, step.table, manifest->partition, step.finishedMs,
                                            "restore-archive");
    }
    SegmentArchive a;
    a.table = step.table;
    a.partition = manifest->partition;
    a.bounds = manifest->bounds;
    a.manifestPath = work.archiveLocation;
    a.rows = manifest->rows;
    a.fileBytes = manifest->fileBytes;
    a.archivedMs = step.finishedMs;
    a.stepUid = step.uid;
    if (auto ok = store.recordSegmentArchive(connectionId, a); !ok)
        return ok;
    if (auto ok = store.dropSegmentFigures(connectionId, step.table, manifest->partition); !ok)
        return ok;
    return store.recordPartitionDropped(connectionId, step.table, manifest->partition, step.finishedMs, "archive");
}

} // namespace

PlanExecutor::PlanExecutor(Connector &connector, MetadataStore &store)
    : m_connector(connector)
    , m_store(store)
{
}

PlanExecutor::~PlanExecutor() = default;

void PlanExecutor::setNodeOpener(NodeConnectors::Opener opener)
{
    std::lock_guard guard(m_nodesMutex);
    m_opener = std::move(opener);
    m_nodes.reset();
}

NodeConnectors &PlanExecutor::nodes(const std::string &homeUri)
{
    std::lock_guard guard(m_nodesMutex);
    if (!m_nodes || m_nodes->homeUri() != homeUri)
        m_nodes = std::make_unique<NodeConnectors>(homeUri, m_connector, m_opener);
    return *m_nodes;
}

void PlanExecutor::cancel()
{
    std::lock_guard guard(m_nodesMutex);
    if (m_nodes)
        m_nodes->cancelAll();
    else
        m_connector.cancel();
}

Result<RecoveryReport> PlanExecutor::recover(const std::string &connectionUri, const std::string &who,
                                             std::int64_t resumingPlanId)
{
    RecoveryReport report;
    auto interrupted = m_store.interruptedSteps();
    if (!interrupted)
        return tl::unexpected(interrupted.error());
    std::set<std::int64_t> settledPlans, halfMoved;
    for (auto &[planId, step] : *interrupted) {
        auto plan = m_store.plan(planId);
        if (!plan)
            return tl::unexpected(plan.error());
        if (plan->connectionUri != connectionUri)
            continue;
        // The node that records the uid in the step's own transaction decides.
        auto recorder = guarded(
            "opening a node", [&] { return nodes(plan->connectionUri).get(recordingNode(step, plan->connectionUri)); });
        if (!recorder)
            return tl::unexpected(recorder.error());
        auto state = guarded("stepState", [&] { return (*recorder)->stepState(step.uid); });
        if (!state)
            return tl::unexpected(state.error());
        if (planId != resumingPlanId)
            settledPlans.insert(planId);
        step.finishedMs = nowMs();
        if (*state == StepCommitState::Committed) {
            auto runOn = guarded("opening a node",
                                 [&] { return nodes(plan->connectionUri).get(runNode(step, plan->connectionUri)); });
            if (!runOn)
                return tl::unexpected(runOn.error());
            auto half = sourceStillThere(step, **runOn, **recorder);
            if (!half)
                return tl::unexpected(half.error());
            if (*half) {
                if (auto ok = recordHalfMove(*plan, step, who, "the process was interrupted"); !ok)
                    return tl::unexpected(ok.error());
                halfMoved.insert(planId);
                ++report.partlyDone;
                report.messages.push_back(fmt::format("plan {} step {}: {}", planId, step.ordinal + 1, step.error));
                continue;
            }
            step.status = StepStatus::Done;
            step.verification = "verified inside the committed transaction (recovered after an interruption)";
            if (auto ok = finishStep(*plan, step, who); !ok)
                return tl::unexpected(ok.error());
            ++report.completed;
            report.messages.push_back(fmt::format("plan {} step {}: had committed before the interruption; "
                                                  "recorded as done",
                                                  planId, step.ordinal + 1));
        } else {
            if (planId != resumingPlanId)
                for (const auto &node : stepNodes(step, plan->connectionUri)) {
                    auto c = guarded("opening a node", [&] { return nodes(plan->connectionUri).get(node); });
                    if (!c)
                        return tl::unexpected(c.error());
                    if (auto ok = guarded("abandonStep", [&] { return (*c)->abandonStep(step.uid); }); !ok)
                        return tl::unexpected(ok.error());
                }
            step.status = StepStatus::RolledBack;
            step.error = "interrupted before its transaction committed; the database rolled it back";
            if (auto ok = m_store.updateStep(step); !ok)
                return tl::unexpected(ok.error());
            if (auto ok = auditStep(m_store, who, "step.recovered.rolled-back", *plan, step, describeStep(step)); !ok)
                return tl::unexpected(ok.error());
            ++report.rolledBack;
            report.messages.push_back(fmt::format("plan {} step {}: interrupted before commit; nothing of it was "
                                                  "applied; `apply {}` runs it again",
                                                  planId, step.ordinal + 1, planId));
        }
    }
    // A plan whose process died stays `running` no longer, whether a step
    // was left running or the store could not record the end (a full disk):
    // recovery runs under the executor lock, so no live executor runs it.
    auto running = m_store.runningPlans(connectionUri);
    if (!running)
        return tl::unexpected(running.error());
    std::set<std::int64_t> toSettle = settledPlans;
    for (const std::int64_t planId : *running)
        if (planId != resumingPlanId)
            toSettle.insert(planId);
    for (const std::int64_t planId : toSettle)
        if (auto ok = settlePlan(planId, who, halfMoved.count(planId) > 0, settledPlans.count(planId) > 0); !ok)
            return tl::unexpected(ok.error());
    return report;
}

Result<void> PlanExecutor::settlePlan(std::int64_t planId, const std::string &who, bool halfMoved, bool stepSettled)
{
    auto plan = m_store.plan(planId);
    if (!plan)
        return tl::unexpected(plan.error());
    // The steps' records decide, not how the process ended: done when every
    // step took effect (the kill came after the last commit); failed when a
    // step failed or half moved; approved again when the steps so far are
    // done and the others did not run or were rolled back — nothing failed,
    // and `apply` resumes at the first step not done; rolled back when none
    // took effect. A plan the executor ended failed or rolled back while it
    // could not tell whether a step committed is settled the same way once
    // the database answers.
    auto is = [](StepStatus status) { return [status](const Step &s) { return s.status == status; }; };
    const bool allDone = std::all_of(plan->steps.begin(), plan->steps.end(), [](const Step &s) {
        return s.status == StepStatus::Done || s.leftOutAtApproval();
    });
    const bool anyDone = std::any_of(plan->steps.begin(), plan->steps.end(), is(StepStatus::Done));
    const bool anyFailed = halfMoved || std::any_of(plan->steps.begin(), plan->steps.end(), is(StepStatus::Failed));
    const PlanStatus settled = allDone ? PlanStatus::Done
        : anyFailed                    ? PlanStatus::Failed
        : anyDone                      ? PlanStatus::Approved
                                       : PlanStatus::RolledBack;
    const bool endedUnsure =
        stepSettled && (plan->status == PlanStatus::Failed || plan->status == PlanStatus::RolledBack);
    if ((plan->status != PlanStatus::Running && !endedUnsure) || plan->status == settled)
        return {};
    const bool fromRunning = plan->status == PlanStatus::Running;
    if (auto ok = m_store.setPlanStatus(planId, settled); !ok)
        return ok;
    return m_store.audit(AuditEntry{
        0, nowMs(), who, "plan.recovered", planId, 0,
        fmt::format("{}; settled from its steps as {}",
                    fromRunning ? "interrupted" : "ended while a step's outcome was unknown", toString(settled))});
}

Result<RecoveryReport> PlanExecutor::recoverIfIdle(const std::string &connectionUri, const std::string &who)
{
    // Recovery asks and cleans every node of an interrupted step (a copy's
    // receiving node too), so it holds the lock of each, as apply() does.
    std::vector<std::string> targets{connectionUri};
    auto interrupted = m_store.interruptedSteps();
    if (!interrupted)
        return tl::unexpected(interrupted.error());
    for (const auto &[planId, step] : *interrupted) {
        auto plan = m_store.plan(planId);
        if (!plan)
            return tl::unexpected(plan.error());
        if (plan->connectionUri == connectionUri)
            for (const auto &node : stepNodes(step, connectionUri))
                if (std::find(targets.begin(), targets.end(), node) == targets.end())
                    targets.push_back(node);
    }
    if (auto locked = lockNodes(connectionUri, targets); !locked) {
        if (locked.error().code != ErrorCode::ExecutorLocked)
            return tl::unexpected(locked.error());
        RecoveryReport busy;
        busy.messages.push_back(locked.error().message);
        return busy;
    }
    auto report = recover(connectionUri, who);
    unlockNodes();
    return report;
}

Result<void> PlanExecutor::lockNodes(const std::string &homeUri, const std::vector<std::string> &targets)
{
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0 || !host[0])
        std::snprintf(host, sizeof host, "localhost");
    const ExecutorClaim me{host, static_cast<std::int64_t>(::getpid()), m_store.path().string(), nowMs()};
    for (const auto &target : targets) {
        auto lock = m_store.acquireExecutorLock(target);
        if (!lock) {
            unlockNodes();
            return tl::unexpected(lock.error());
        }
        m_locks.push_back(std::move(*lock));
        // The store's row excludes this profile's processes; the database's
        // own lock excludes executors of every other store as well.
        auto node = guarded("opening a node", [&] { return nodes(homeUri).get(target); });
        if (!node) {
            unlockNodes();
            return tl::unexpected(node.error());
        }
        if (auto *dbLock = feature<DatabaseExecutorLock>(**node)) {
            auto taken = guarded("lockExecutor", [&] { return dbLock->lockExecutor(me); });
            if (!taken) {
                unlockNodes();
                return tl::unexpected(taken.error());
            }
            m_databaseLocks.push_back(*node);
        }
    }
    return {};
}

void PlanExecutor::unlockNodes()
{
    for (Connector *c : m_databaseLocks)
        if (auto *dbLock = feature<DatabaseExecutorLock>(*c))
            dbLock->unlockExecutor();
    m_databaseLocks.clear();
    for (const auto &held : m_locks)
        (void)m_store.releaseExecutorLock(held);
    m_locks.clear();
}

Result<void> PlanExecutor::recordHalfMove(Plan &plan, Step &step, const std::string &who, const std::string &cause)
{
    const auto *work = step.work<NodeCopyWork>();
    step.status = StepStatus::Failed;
    step.error = fmt::format("the move of {} committed its copy on {}, which verified there, but the source on {} "
                             "was not removed ({}): the rows are on both nodes — check them on {} and drop {} on {}, "
                             "or make a fresh plan",
                             step.sources.front(), work->targetNode, runNode(step, plan.connectionUri), cause,
                             work->targetNode, step.sources.front(), runNode(step, plan.connectionUri));
    m_partialEffect = true;
    if (auto ok = m_store.updateStep(step); !ok)
        return ok;
    return auditStep(m_store, who, "step.half-moved", plan, step, step.error);
}

Result<void> PlanExecutor::finishStep(Plan &plan, Step &step, const std::string &who)
{
    if (auto ok = m_store.updateStep(step); !ok)
        return ok;
    auto connection = m_store.ensureConnection(runNode(step, plan.connectionUri));
    if (!connection)
        return tl::unexpected(connection.error());
    const bool sourcesGo = step.kind == StepKind::Split || step.kind == StepKind::Merge || step.kind == StepKind::Move;
    if (sourcesGo)
        for (const auto &source : step.sources)
            if (auto ok = m_store.recordPartitionDropped(connection->id, step.table, source, step.finishedMs,
                                                         toString(step.kind));
                !ok)
                return ok;
    // Creation times drive the planner's cool-down for the new partitions.
    if (const auto *r = step.work<RepartitionWork>())
        for (const auto &target : r->targets)
            if (auto ok = m_store.recordPartitionCreated(connection->id, step.table, target.name, step.finishedMs,
                                                         toString(step.kind));
                !ok)
                return ok;
    // The new partitions go on from their sources' history (marked derived).
    if (auto ok = recordDerivedHistory(m_store, *connection, step); !ok)
        return ok;
    if (const auto *c = step.work<NodeCopyWork>()) {
        auto receiving = m_store.ensureConnection(c->targetNode);
        if (!receiving)
            return tl::unexpected(receiving.error());
        const std::string table = c->targetTable.empty() ? step.table : c->targetTable;
        const std::string partition = c->targetPartition.empty() ? step.sources.front() : c->targetPartition;
        if (auto ok =
                m_store.recordPartitionCreated(receiving->id, table, partition, step.finishedMs, toString(step.kind));
            !ok)
            return ok;
    }
    if (const auto *g = step.work<SegmentWork>(); g && step.kind == StepKind::Archive)
        if (auto ok = recordArchiveStep(m_store, connection->id, step, *g); !ok)
            return ok;
    return auditStep(m_store, who, "step.done", plan, step, describeStep(step) + "; " + step.verification);
}

bool PlanExecutor::keepLockAlive(bool force)
{
    if (m_locks.empty())
        return true;
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - m_lastHeartbeat < std::chrono::seconds(20))
        return true;
    m_lastHeartbeat = now;
    bool alive = true;
    for (const auto &lock : m_locks)
        alive = static_cast<bool>(m_store.heartbeat(lock)) && alive;
    return alive;
}

Result<void> PlanExecutor::runStep(Plan &plan, Step &step, int index, const ApplyOptions &options)
{
    const int count = static_cast<int>(plan.steps.size());
    auto emit = [&](double fraction, StepStatus status, std::string text) {
        if (options.onEvent)
            options.onEvent(ApplyEvent{plan.id, index, count, fraction, status, std::move(text)});
    };

    CrashPoints::reach("executor.before-step");
    // 1. Intent, before the database is touched.
    step.status = StepStatus::Running;
    step.startedMs = nowMs();
    step.error.clear();
    if (auto ok = m_store.updateStep(step); !ok)
        return ok;
    if (auto ok = auditStep(m_store, options.who, "step.started", plan, step, describeStep(step)); !ok)
        return ok;
    CrashPoints::reach("executor.after-intent");
    emit(0.0, StepStatus::Running, describeStep(step));

    // The checks every kind shares, before any database is asked.
    NodeConnectors &planNodes = nodes(plan.connectionUri);
    Result<StepOutcome> outcome = Result<StepOutcome>{};
    Connector *runOn = nullptr;
    Connector *recorder = nullptr;
    if (auto shape = checkStepShape(step); !shape)
        outcome = tl::unexpected(shape.error());
    if (outcome) {
        auto c = guarded("opening a node", [&] { return planNodes.get(runNode(step, plan.connectionUri)); });
        auto r = guarded("opening a node", [&] { return planNodes.get(recordingNode(step, plan.connectionUri)); });
        if (!c)
            outcome = tl::unexpected(c.error());
        else if (!r)
            outcome = tl::unexpected(r.error());
        else if (*c == *r && step.work<NodeCopyWork>())
            outcome =
                fail(ErrorCode::InvalidArgument, fmt::format("step {} copies to the node it reads from", index + 1),
                     "copy to another node; a copy inside one database is a split or merge");
        else {
            runOn = *c;
            recorder = *r;
        }
    }
    if (outcome) {
        auto capabilities =
            guarded("traits", [&]() -> Result<ConnectorCapabilities> { return capabilitiesOf(*runOn); });
        if (!capabilities)
            outcome = tl::unexpected(capabilities.error());
        else if (const ConnectorCapabilities &caps = *capabilities; !caps.runs(step.kind))
            outcome = fail(ErrorCode::Unsupported,
                           fmt::format("step {} is a {} step, which this node cannot run: {}", index + 1,
                                       toString(step.kind), caps.whyNot(toString(step.kind))),
                           "nothing was changed; choose a node whose connector offers it");
    }
    // 2. Stale facts stop the plan; the connector re-checks inside its transaction too.
    if (outcome) {
        auto fingerprint = guarded("fingerprint", [&] { return runOn->fingerprint(step.table, step.sources); });
        if (!fingerprint)
            outcome = tl::unexpected(fingerprint.error());
        else if (*fingerprint != step.fingerprint)
            outcome = fail(
                ErrorCode::StalePlan,
                fmt::format("the partitions of step {} ({}) changed since the plan was made", index + 1, step.table),
                "nothing was changed; make a fresh plan with tidemark-cli plan");
    }
    // 3–5. Copy, verify, swap, record the uid — in one transaction where the connector can.
    bool executed = false;
    if (outcome) {
        ExecutionContext ctx = stepContext(planNodes, step, options);
        ctx.progress = [&](double f, std::string_view what) {
            keepLockAlive();
            emit(f, StepStatus::Running, std::string(what));
        };
        ctx.crashPoint = [](std::string_view name) { CrashPoints::reach(name); };
        executed = true;
        outcome = guarded("execute", [&] { return runOn->execute(step, ctx); });
    }
    step.finishedMs = nowMs();
    if (!outcome && executed) {
        // An error does not prove the step rolled back: the connection may
        // have dropped after COMMIT reached the server. The database's own
        // record of the uid decides.
        auto state = guarded("stepState", [&] { return recorder->stepState(step.uid); });
        // A cancel is delivered asynchronously (the connector's own cancel on
        // a thread of its own) and may interrupt this very query: ask again.
        for (int retry = 0; !state && retry < 3; ++retry) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            state = guarded("stepState", [&] { return recorder->stepState(step.uid); });
        }
        if (!state) {
            // Unknown: leave the step running so recovery settles it later.
            step.error = fmt::format("could not tell whether the step committed: {}; {}", outcome.error().message,
                                     state.error().message);
            (void)m_store.updateStep(step);
            return fail(ErrorCode::Database, step.error,
                        "tidemark-cli status settles the step once the database answers again");
        }
        if (*state == StepCommitState::Committed) {
            auto half = sourceStillThere(step, *runOn, *recorder);
            if (!half || *half) {
                const Error cause = half ? outcome.error() : half.error();
                if (auto ok = recordHalfMove(plan, step, options.who, cause.message); !ok)
                    return ok;
                emit(1.0, step.status, step.error);
                return fail(cause.code, step.error, cause.hint);
            }
            step.status = StepStatus::Done;
            step.verification = "verified inside the committed transaction (its result was lost on the way back)";
            if (auto ok = finishStep(plan, step, options.who); !ok)
                return ok;
            emit(1.0, StepStatus::Done, step.verification);
            return {};
        }
        // Not committed: leave nothing behind (a multi-transaction step's
        // batches), so "rolled back" means the database is as it was.
        for (Connector *c : {runOn, recorder == runOn ? nullptr : recorder})
            if (c)
                if (auto ok = guarded("abandonStep", [&] { return c->abandonStep(step.uid); }); !ok)
                    outcome.error().message += "; cleaning up its partial work failed too: " + ok.error().message;
    }
    if (!outcome) {
        const Error &error = outcome.error();
        // Every connector step either commits whole or rolls back whole; a
        // step refused before any database was touched simply failed.
        step.status = !executed || error.code == ErrorCode::StalePlan ? StepStatus::Failed : StepStatus::RolledBack;
        step.error = error.message + (error.hint.empty() ? "" : " — " + error.hint);
        if (auto ok = m_store.updateStep(step); !ok)
            return ok;
        if (auto ok =
                auditStep(m_store, options.who, error.code == ErrorCode::Cancelled ? "step.cancelled" : "step.failed",
                          plan, step, step.error);
            !ok)
            return ok;
        emit(1.0, step.status, step.error);
        return tl::unexpected(error);
    }
    CrashPoints::reach("executor.after-commit");
    StepEffect measured;
    measured.bytesRewritten = outcome->bytesWritten;
    measured.lockSeconds = outcome->lockSeconds;
    measured.rowsMoved = outcome->rowsMoved;
    step.measured = measured;
    step.verification = fmt::format("rows {} → {}, checksum {:016x} → {:016x}: {}", outcome->before.rows,
                                    outcome->after.rows, outcome->before.hashSum, outcome->after.hashSum,
                                    outcome->before == outcome->after ? "equal" : "DIFFERENT");
    if (!outcome->detail.empty())
        step.verification += "; " + outcome->detail;
    step.status = StepStatus::Done;
    if (auto ok = finishStep(plan, step, options.who); !ok)
        return ok;
    if (step.kind == StepKind::Move)
        if (auto ok = validateMove(plan, step, *runOn, *outcome, options); !ok) {
            emit(1.0, StepStatus::Done, step.verification);
            return ok;
        }
    emit(1.0, StepStatus::Done, step.verification);
    return {};
}

ExecutionContext PlanExecutor::stepContext(NodeConnectors &planNodes, const Step &step, const ApplyOptions &options)
{
    ExecutionContext ctx;
    ctx.stepUid = step.uid;
    ctx.stop = options.stop;
    ctx.lockTimeoutMs = options.lockTimeoutMs;
    ctx.peer = [&planNodes](const std::string &uri) -> Connector * {
        auto c = planNodes.get(uri);
        return c ? *c : nullptr;
    };
    return ctx;
}

Result<void> PlanExecutor::validateMove(Plan &plan, Step &step, Connector &runOn, const StepOutcome &outcome,
                                        const ApplyOptions &options)
{
    auto *validator = feature<MoveValidator>(runOn);
    if (!validator) {
        step.verification += "; not validated after the move: " + capabilitiesOf(runOn).whyNot("moveValidation");
        return m_store.updateStep(step);
    }
    ExecutionContext ctx = stepContext(nodes(plan.connectionUri), step, options);
    auto checks = guarded("validateMove", [&] { return validator->validateMove(step, outcome, ctx); });
    std::string failed, passed;
    if (!checks) {
        failed = "the checks could not run: " + checks.error().message;
    } else {
        for (const auto &c : *checks)
            (c.ok ? passed : failed) +=
                fmt::format("{}{} ({})", (c.ok ? passed : failed).empty() ? "" : "; ", c.what, c.detail);
    }
    step.verification += failed.empty()
        ? "; validated after the move: " + passed
        : "; validation after the move FAILED: " + failed + (passed.empty() ? "" : "; passed: " + passed);
    if (auto ok = m_store.updateStep(step); !ok)
        return ok;
    if (failed.empty())
        return auditStep(m_store, options.who, "step.validated", plan, step, passed);
    if (auto ok = auditStep(m_store, options.who, "step.validation-failed", plan, step, failed); !ok)
        return ok;
    const auto *work = step.work<NodeCopyWork>();
    return fail(ErrorCode::VerificationFailed,
                fmt::format("the move of {} to {} committed, but its validation failed: {}", step.sources.front(),
                            work ? work->targetNode : std::string("the receiving node"), failed),
                "the rows are on the receiving node behind the foreign table of the same name; the plan's "
                "remaining steps were not run; check the failed points, then plan again");
}

Result<ApplyReport> PlanExecutor::apply(std::int64_t planId, const ApplyOptions &options)
{
    auto loaded = m_store.plan(planId);
    if (!loaded)
        return tl::unexpected(loaded.error());
    Plan plan = std::move(*loaded);
    ApplyReport report;
    report.dryRun = options.dryRun;
    if (plan.status == PlanStatus::Superseded)
        return tl::unexpected(supersededError(m_store, planId, "run"));

    if (options.dryRun) {
        for (const auto &step : plan.steps) {
            if ((step.status != StepStatus::Pending && step.status != StepStatus::RolledBack) ||
                step.leftOutAtApproval())
                continue;
            auto node = nodes(plan.connectionUri).get(runNode(step, plan.connectionUri));
            if (!node) {
                report.messages.push_back(
                    fmt::format("step {}: {} — {}", step.ordinal + 1, describeStep(step), node.error().message));
                continue;
            }
            auto fingerprint = (*node)->fingerprint(step.table, step.sources);
            const bool fresh = fingerprint && *fingerprint == step.fingerprint;
            report.messages.push_back(fmt::format("step {}: {} — {}", step.ordinal + 1, describeStep(step),
                                                  fresh ? "partitions unchanged since planning, would run"
                                                        : "partitions CHANGED since planning, would stop"));
        }
        report.plan = std::move(plan);
        return report;
    }

    // Approved, interrupted (running), rolled back (nothing took effect) and
    // failed (partly done) plans may run: done steps are skipped, and the
    // fingerprints stop any step whose partitions changed meanwhile.
    if (plan.status != PlanStatus::Approved && plan.status != PlanStatus::Running &&
        plan.status != PlanStatus::RolledBack && plan.status != PlanStatus::Failed)
        return fail(ErrorCode::InvalidState,
                    fmt::format("plan {} is {}; only an approved plan runs", planId, toString(plan.status)),
                    plan.status == PlanStatus::Proposed
                        ? fmt::format("approve it first: tidemark-cli approve {}", planId)
                        : std::string("make a fresh plan with tidemark-cli plan URI"));

    // 6. One executor per database, across processes and stores: every node the plan touches.
    auto release = [&] { unlockNodes(); };
    if (auto locked = lockNodes(plan.connectionUri, plan.nodes()); !locked)
        return tl::unexpected(locked.error());
    m_lastHeartbeat = std::chrono::steady_clock::now();
    m_partialEffect = false;

    auto recovered = recover(plan.connectionUri, options.who, planId);
    if (!recovered) {
        release();
        return tl::unexpected(recovered.error());
    }
    report.messages = recovered->messages;
    if (auto reloaded = m_store.plan(planId))
        plan = std::move(*reloaded);

    if (auto ok = m_store.setPlanStatus(planId, PlanStatus::Running); !ok) {
        release();
        return tl::unexpected(ok.error());
    }
    (void)m_store.audit(AuditEntry{0, nowMs(), options.who, "plan.started", planId, 0, plan.approval});

    Result<void> result;
    int index = 0;
    for (auto &step : plan.steps) {
        const int i = index++;
        if (step.status == StepStatus::Done || step.leftOutAtApproval())
            continue;
        if (!result) {
            step.status = StepStatus::Skipped;
            (void)m_store.updateStep(step);
            continue;
        }
        if (options.stop.stop_requested()) {
            result = fail(ErrorCode::Cancelled, fmt::format("plan {} cancelled before step {}", planId, i + 1),
                          "steps already done stay done and verified; the rest did not start");
            step.status = StepStatus::Skipped;
            (void)m_store.updateStep(step);
            continue;
        }
        result = runStep(plan, step, i, options);
        if (result && !keepLockAlive(/*force=*/true))
            result = fail(ErrorCode::ExecutorLocked,
                          fmt::format("plan {} stopped after step {}: this executor lost its lock on {}", planId, i + 1,
                                      fmt::join(plan.nodes(), ", ")),
                          "another executor took the database over; see tidemark-cli status");
    }

    // A plan that stopped before any step took effect changed nothing: it is
    // rolled back; one that stopped after some steps is failed (partly done).
    const bool anyDone = m_partialEffect ||
        std::any_of(plan.steps.begin(), plan.steps.end(), [](const Step &s) { return s.status == StepStatus::Done; });
    const PlanStatus final = result ? PlanStatus::Done : (anyDone ? PlanStatus::Failed : PlanStatus::RolledBack);
    (void)m_store.setPlanStatus(planId, final);
    (void)m_store.audit(AuditEntry{0, nowMs(), options.who,
                                   result ? "plan.done" : (anyDone ? "plan.failed" : "plan.rolled-back"), planId, 0,
                                   result ? std::string() : result.error().message});
    release();
    if (!result)
        return tl::unexpected(result.error());
    if (auto reloaded = m_store.plan(planId))
        report.plan = std::move(*reloaded);
    return report;
}

} // namespace tidemark
