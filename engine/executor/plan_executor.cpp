#include "executor/plan_executor.h"

#include <algorithm>
#include <chrono>
#include <set>

#include <fmt/format.h>

#include "executor/crash_points.h"
#include "monitor/activity_scan.h"

namespace tidemark {

namespace {

Result<void> auditStep(MetadataStore &store, const std::string &who, const std::string &action, const Plan &plan,
                       const Step &step, std::string detail)
{
    return store.audit(AuditEntry{0, nowMs(), who, action, plan.id, step.id, std::move(detail)});
}

std::string describeStep(const Step &step)
{
    std::string from, to;
    for (const auto &s : step.sources)
        from += (from.empty() ? "" : ", ") + s;
    for (const auto &t : step.targets)
        to += (to.empty() ? "" : ", ") + t.name + " " + describeRange(t.bounds);
    return fmt::format("{} {}: {} → {}", toString(step.kind), step.table, from, to);
}

} // namespace

PlanExecutor::PlanExecutor(Connector &connector, MetadataStore &store)
    : m_connector(connector)
    , m_store(store)
{
}

Result<RecoveryReport> PlanExecutor::recover(const std::string &connectionUri, const std::string &who,
                                             std::int64_t resumingPlanId)
{
    RecoveryReport report;
    auto interrupted = m_store.interruptedSteps();
    if (!interrupted)
        return tl::unexpected(interrupted.error());
    std::set<std::int64_t> settledPlans;
    for (auto &[planId, step] : *interrupted) {
        auto plan = m_store.plan(planId);
        if (!plan)
            return tl::unexpected(plan.error());
        if (plan->connectionUri != connectionUri)
            continue;
        auto state = m_connector.stepState(step.uid);
        if (!state)
            return tl::unexpected(state.error());
        if (planId != resumingPlanId)
            settledPlans.insert(planId);
        step.finishedMs = nowMs();
        if (*state == StepCommitState::Committed) {
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
                if (auto ok = m_connector.abandonStep(step.uid); !ok)
                    return tl::unexpected(ok.error());
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
    // A plan whose process died stays `running` no longer: it is failed when
    // some step took effect, rolled back when none did. Either may run again.
    for (const std::int64_t planId : settledPlans) {
        auto plan = m_store.plan(planId);
        if (!plan)
            return tl::unexpected(plan.error());
        if (plan->status != PlanStatus::Running)
            continue;
        const bool anyDone = std::any_of(plan->steps.begin(), plan->steps.end(),
                                         [](const Step &s) { return s.status == StepStatus::Done; });
        const PlanStatus settled = anyDone ? PlanStatus::Failed : PlanStatus::RolledBack;
        if (auto ok = m_store.setPlanStatus(planId, settled); !ok)
            return tl::unexpected(ok.error());
        (void)m_store.audit(AuditEntry{0, nowMs(), who, "plan.recovered", planId, 0,
                                       fmt::format("interrupted; settled as {}", toString(settled))});
    }
    return report;
}

Result<RecoveryReport> PlanExecutor::recoverIfIdle(const std::string &connectionUri, const std::string &who)
{
    auto lock = m_store.acquireExecutorLock(connectionUri);
    if (!lock) {
        if (lock.error().code != ErrorCode::ExecutorLocked)
            return tl::unexpected(lock.error());
        RecoveryReport busy;
        busy.messages.push_back(lock.error().message);
        return busy;
    }
    auto report = recover(connectionUri, who);
    (void)m_store.releaseExecutorLock(*lock);
    return report;
}

Result<void> PlanExecutor::finishStep(Plan &plan, Step &step, const std::string &who)
{
    if (auto ok = m_store.updateStep(step); !ok)
        return ok;
    auto connection = m_store.ensureConnection(plan.connectionUri);
    if (!connection)
        return tl::unexpected(connection.error());
    for (const auto &source : step.sources)
        if (auto ok = m_store.recordPartitionDropped(connection->id, step.table, source, step.finishedMs,
                                                     toString(step.kind));
            !ok)
            return ok;
    // Creation times drive the planner's cool-down for the new partitions.
    for (const auto &target : step.targets)
        if (auto ok = m_store.recordPartitionCreated(connection->id, step.table, target.name, step.finishedMs,
                                                     toString(step.kind));
            !ok)
            return ok;
    return auditStep(m_store, who, "step.done", plan, step, describeStep(step) + "; " + step.verification);
}

bool PlanExecutor::keepLockAlive(bool force)
{
    if (!m_lock)
        return true;
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - m_lastHeartbeat < std::chrono::seconds(20))
        return true;
    m_lastHeartbeat = now;
    return static_cast<bool>(m_store.heartbeat(*m_lock));
}

Result<void> PlanExecutor::runStep(Plan &plan, Step &step, int index, const ApplyOptions &options)
{
    const int count = static_cast<int>(plan.steps.size());
    auto emit = [&](double fraction, StepStatus status, std::string text) {
        if (options.onEvent)
            options.onEvent(ApplyEvent{plan.id, index, count, fraction, status, std::move(text)});
    };

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

    // 2. Stale facts stop the plan; the connector re-checks inside its transaction too.
    auto fingerprint = m_connector.fingerprint(step.table, step.sources);
    Result<StepOutcome> outcome = fingerprint ? Result<StepOutcome>{} : tl::unexpected(fingerprint.error());
    if (fingerprint && *fingerprint != step.fingerprint)
        outcome =
            fail(ErrorCode::StalePlan,
                 fmt::format("the partitions of step {} ({}) changed since the plan was made", index + 1, step.table),
                 "nothing was changed; make a fresh plan with tidemark-cli plan");
    // 3–5. One transaction: copy, verify, swap, record the uid.
    bool executed = false;
    if (outcome) {
        ExecutionContext ctx;
        ctx.stepUid = step.uid;
        ctx.stop = options.stop;
        ctx.lockTimeoutMs = options.lockTimeoutMs;
        ctx.progress = [&](double f, std::string_view what) {
            keepLockAlive();
            emit(f, StepStatus::Running, std::string(what));
        };
        ctx.crashPoint = [](std::string_view name) { CrashPoints::reach(name); };
        executed = true;
        outcome = m_connector.execute(step, ctx);
    }
    step.finishedMs = nowMs();
    if (!outcome && executed) {
        // An error does not prove the step rolled back: the connection may
        // have dropped after COMMIT reached the server. The database's own
        // record of the uid decides.
        auto state = m_connector.stepState(step.uid);
        if (!state) {
            // Unknown: leave the step running so recovery settles it later.
            step.error = fmt::format("could not tell whether the step committed: {}; {}", outcome.error().message,
                                     state.error().message);
            (void)m_store.updateStep(step);
            return fail(ErrorCode::Database, step.error,
                        "tidemark-cli status settles the step once the database answers again");
        }
        if (*state == StepCommitState::Committed) {
            step.status = StepStatus::Done;
            step.verification = "verified inside the committed transaction (its result was lost on the way back)";
            if (auto ok = finishStep(plan, step, options.who); !ok)
                return ok;
            emit(1.0, StepStatus::Done, step.verification);
            return {};
        }
        // Not committed: leave nothing behind (a multi-transaction step's
        // batches), so "rolled back" means the database is as it was.
        if (auto ok = m_connector.abandonStep(step.uid); !ok)
            outcome.error().message += "; cleaning up its partial work failed too: " + ok.error().message;
    }
    if (!outcome) {
        const Error &error = outcome.error();
        // Every connector step either commits whole or rolls back whole.
        step.status = error.code == ErrorCode::StalePlan ? StepStatus::Failed : StepStatus::RolledBack;
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
    step.status = StepStatus::Done;
    if (auto ok = finishStep(plan, step, options.who); !ok)
        return ok;
    emit(1.0, StepStatus::Done, step.verification);
    return {};
}

Result<ApplyReport> PlanExecutor::apply(std::int64_t planId, const ApplyOptions &options)
{
    auto loaded = m_store.plan(planId);
    if (!loaded)
        return tl::unexpected(loaded.error());
    Plan plan = std::move(*loaded);
    ApplyReport report;
    report.dryRun = options.dryRun;

    if (options.dryRun) {
        for (const auto &step : plan.steps) {
            if (step.status != StepStatus::Pending && step.status != StepStatus::RolledBack)
                continue;
            auto fingerprint = m_connector.fingerprint(step.table, step.sources);
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

    // 6. One executor per database, across processes.
    auto lock = m_store.acquireExecutorLock(plan.connectionUri);
    if (!lock)
        return tl::unexpected(lock.error());
    m_lock = &*lock;
    m_lastHeartbeat = std::chrono::steady_clock::now();
    auto release = [&] {
        m_lock = nullptr;
        (void)m_store.releaseExecutorLock(*lock);
    };

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
        if (step.status == StepStatus::Done)
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
                          fmt::format("plan {} stopped after step {}: this executor lost its lock on {}", planId,
                                      i + 1, plan.connectionUri),
                          "another executor took the database over; see tidemark-cli status");
    }

    // A plan that stopped before any step took effect changed nothing: it is
    // rolled back; one that stopped after some steps is failed (partly done).
    const bool anyDone =
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
