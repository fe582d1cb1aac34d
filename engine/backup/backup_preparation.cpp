#include "backup/backup_preparation.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "executor/plan_executor.h"
#include "backup/postbackup_plan_builder.h"
#include "planning/plan_approval.h"
#include "planning/plan_builder.h"

namespace tidemark {

namespace {

std::string localTime(std::int64_t ms)
{
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

void realSleep(std::int64_t ms, std::stop_token stop)
{
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait_for(lock, stop, std::chrono::milliseconds(ms), [] { return false; });
}

double writeLoad(const ScanResult &scan)
{
    double total = 0.0;
    for (const auto &s : scan.scores)
        total += s.writesPerSecond;
    return total;
}

std::string reasonFor(const Error &e)
{
    switch (e.code) {
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::ExecutorLocked:
    case ErrorCode::Busy: return "locked";
    case ErrorCode::StalePlan: return "stale-plan";
    default: return "step-failed";
    }
}

/// What the planning and the execution share of one run.
struct Run {
    const PreparationRequest &request;
    std::function<std::int64_t()> clock;
    void emit(PreparationEvent e) const
    {
        if (request.onEvent)
            request.onEvent(e);
    }
};

/// A run that starts no step: says why and reports every step as skipped.
PreparationResult finishNotRun(const Run &run, PreparationResult out, bool ready, std::string reason,
                               std::string message)
{
    out.ready = ready;
    out.reason = std::move(reason);
    out.message = std::move(message);
    out.proposedPlanId = out.plan.id;
    out.stepsSkipped = static_cast<int>(out.plan.steps.size());
    run.emit({"done", out.plan.id, -1, 0, 1.0, "", out.message});
    return out;
}

/// Runs the approved plan `out.plan` under `who` until `endMs`: cancel and
/// the deadline stop it between steps only (the executor is told to stop
/// once a step has finished). Ready only when every started step finished;
/// a step that failed is never turned into a deadline stop. `considered`
/// counts the steps the run was about (skipped = considered − done).
Result<PreparationResult> runWithinDeadline(Connector &connector, MetadataStore &store, const Run &run,
                                            PreparationResult out, const std::string &who, std::int64_t endMs,
                                            std::size_t considered)
{
    const PreparationRequest &request = run.request;
    std::stop_source execStop;
    bool deadlineStop = false;
    ApplyOptions options;
    options.who = who;
    options.stop = execStop.get_token();
    options.lockTimeoutMs = request.lockTimeoutMs;
    options.onEvent = [&](const ApplyEvent &e) {
        run.emit({"step", e.planId, e.stepIndex, e.stepCount, e.stepFraction, toString(e.status), e.text});
        if (e.status == StepStatus::Running)
            return;
        if (request.stop.stop_requested()) {
            execStop.request_stop();
            return;
        }
        // Only after a step that finished does the next one need to fit; a
        // failed step stops the plan by itself, with its own reason.
        if (e.status != StepStatus::Done)
            return;
        const auto next = static_cast<std::size_t>(e.stepIndex) + 1;
        if (next < out.plan.steps.size() && !PolicyGate::fitsBefore(out.plan.steps[next], run.clock(), endMs)) {
            deadlineStop = true;
            execStop.request_stop();
        }
    };
    PlanExecutor executor(connector, store);
    auto applied = executor.apply(out.plan.id, options);
    if (auto reloaded = store.plan(out.plan.id))
        out.plan = std::move(*reloaded);
    for (const auto &step : out.plan.steps)
        if (step.status == StepStatus::Done) {
            ++out.stepsDone;
            out.backupBytesBefore += step.predicted.backupBytesBefore;
            out.backupBytesAfter += step.predicted.backupBytesAfter;
        }
    out.stepsSkipped = static_cast<int>(considered) - out.stepsDone;
    if (!applied && applied.error().code == ErrorCode::Cancelled && deadlineStop && !request.stop.stop_requested()) {
        // Every step that ran is done and verified; the rest would overrun.
        (void)store.setPlanStatus(out.plan.id, PlanStatus::Done);
        (void)store.audit(AuditEntry{0, 0, who, "plan.deadline", out.plan.id, 0,
                                     "remaining steps not started: they would not finish before the deadline"});
        out.notes.push_back("the remaining steps were not started: they would not finish before the deadline");
        if (auto reloaded = store.plan(out.plan.id))
            out.plan = std::move(*reloaded);
        applied = ApplyReport{};
    }
    if (!applied) {
        out.ready = false;
        out.reason = reasonFor(applied.error());
        out.error = applied.error();
        out.message = fmt::format("{} ({} step(s) done and verified, nothing half-applied)", applied.error().message,
                                  out.stepsDone);
    } else {
        out.ready = true;
        out.reason = "ready";
        out.message =
            fmt::format("ready for the backup: {} step(s) done and verified, {} skipped; next incremental of "
                        "the partitions changed ~{} → ~{}",
                        out.stepsDone, out.stepsSkipped, describeBytes(static_cast<double>(out.backupBytesBefore)),
                        describeBytes(static_cast<double>(out.backupBytesAfter)));
    }
    run.emit({"done", out.plan.id, -1, 0, 1.0, "", out.message});
    return out;
}

/// The person's approved plan, as proposed: no policy gate, the deadline only.
Result<PreparationResult> runApprovedPlan(Connector &connector, MetadataStore &store, const Run &run,
                                          PreparationResult out)
{
    const PreparationRequest &request = run.request;
    auto plan = store.plan(request.approvedPlanId);
    if (!plan)
        return tl::unexpected(plan.error());
    if (plan->connectionUri != request.uri)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("plan {} belongs to {}, not {}", plan->id, plan->connectionUri, request.uri));
    out.plan = *plan;
    out.proposedPlanId = plan->id;
    out.proposedSteps = plan->steps;
    const auto pending = std::find_if(plan->steps.begin(), plan->steps.end(),
                                      [](const Step &s) { return s.status != StepStatus::Done; });
    if (pending == plan->steps.end())
        return finishNotRun(run, std::move(out), true, "ready", "nothing to do: ready for the backup");
    if (request.stop.stop_requested())
        return finishNotRun(run, std::move(out), false, "cancelled",
                            "cancelled before any step started; nothing was changed");
    if (!PolicyGate::fitsBefore(*pending, run.clock(), out.deadlineAtMs))
        return finishNotRun(run, std::move(out), false, toString(Readiness::DeadlineTooShort),
                            fmt::format("the deadline is too short: the next step needs ~{:.1f} s; nothing was changed",
                                        PolicyGate::predictedSeconds(*pending)));
    if (plan->status == PlanStatus::Proposed)
        if (auto approved = approvePlan(store, plan->id, request.requestedBy, request.approval); !approved)
            return tl::unexpected(approved.error());
    const std::size_t considered = out.plan.steps.size();
    const std::int64_t endMs = out.deadlineAtMs;
    return runWithinDeadline(connector, store, run, std::move(out), request.requestedBy, endMs, considered);
}

} // namespace

std::string standingApproval(MetadataStore &store, const std::string &uri)
{
    if (auto log = store.auditLog(std::nullopt, 2000))
        for (const auto &e : *log)
            if (e.action == "policy.set" && e.detail.rfind(uri + ":", 0) == 0)
                return fmt::format("standing approval by {} at {}", e.who, localTime(e.timestampMs));
    return "standing approval (the policy stored for the connection)";
}

Result<PreparationResult> prepareForBackup(Connector &connector, MetadataStore &store,
                                           const PreparationRequest &request)
{
    const Run run{request, request.clock ? request.clock : [] { return nowMs(); }};
    const auto &clock = run.clock;
    const auto sleep = request.sleep ? request.sleep : realSleep;
    const auto emit = [&](PreparationEvent e) { run.emit(std::move(e)); };
    PreparationResult out;
    out.startedMs = clock();
    out.deadlineAtMs = out.startedMs + request.deadlineMs;
    if (request.approvedPlanId)
        return runApprovedPlan(connector, store, run, std::move(out));

    auto connection = store.ensureConnection(request.uri);
    if (!connection)
        return tl::unexpected(connection.error());
    out.storedPolicy = connection->policy;
    Policy stored;
    if (auto parsed = policyFromStored(connection->policy))
        stored = *parsed;
    else
        out.notes.push_back(parsed.error().message + "; acting as report-only");
    out.policy = narrowPolicy(stored, request.narrowing, out.notes);

    emit({"plan", 0, -1, 0, 0.0, "", "scanning and planning"});
    PlanRequest planRequest;
    planRequest.table = request.table;
    planRequest.requestedBy = request.requestedBy;
    auto outcome = request.phase == BackupPhase::PreBackup
                       ? buildPreBackupPlan(connector, store, *connection, planRequest)
                       : buildPostBackupPlan(connector, store, *connection, planRequest);
    if (!outcome)
        return tl::unexpected(outcome.error());
    out.notes.insert(out.notes.end(), outcome->notes.begin(), outcome->notes.end());
    out.plan = outcome->plan;
    out.proposedSteps = outcome->plan.steps;
    out.loadWritesPerSecond = writeLoad(outcome->scan);
    out.load = readLoadFigure(connector);

    auto gate = [&] {
        GateInput in;
        in.steps = out.plan.steps;
        in.policy = out.policy;
        in.nowMs = clock();
        in.deadlineMs = out.deadlineAtMs;
        in.loadWritesPerSecond = out.loadWritesPerSecond;
        if (out.load)
            in.activeSessions = out.load->activeSessions;
        return PolicyGate::decide(in);
    };
    out.gate = gate();

    // Busy: wait for the load to drop while the deadline still leaves room.
    std::int64_t waited = 0;
    const std::int64_t interval = std::max<std::int64_t>(1000, connection->settings.samplingIntervalSeconds * 1000);
    while (out.gate.busy && waited < request.waitWhenBusyMs && !request.stop.stop_requested() &&
           clock() + interval < out.gate.effectiveEndMs) {
        emit({"wait", out.plan.id, -1, 0, 0.0, "",
              fmt::format("database busy ({:.1f} writes/s{}); waiting {} s for it to calm down",
                          out.loadWritesPerSecond, out.load ? ", " + out.load->text : std::string(),
                          interval / 1000)});
        sleep(interval, request.stop);
        waited += interval;
        auto again = scanActivity(connector, store, *connection, nowMs());
        if (!again)
            return tl::unexpected(again.error());
        out.loadWritesPerSecond = writeLoad(*again);
        out.load = readLoadFigure(connector);
        out.gate = gate();
    }
    if (waited > 0)
        out.notes.push_back(fmt::format("waited {} s for load; now {:.1f} writes/s{}", waited / 1000,
                                        out.loadWritesPerSecond, out.load ? ", " + out.load->text : std::string()));

    const auto notRun = [&](bool ready, std::string reason, std::string message) {
        return finishNotRun(run, std::move(out), ready, std::move(reason), std::move(message));
    };
    if (out.plan.steps.empty())
        return notRun(true, "ready", "nothing to do: " + out.plan.summary);
    if (request.stop.stop_requested())
        return notRun(false, "cancelled", "cancelled before any step started; nothing was changed");
    if (out.policy.level == PolicyLevel::ReportOnly)
        return notRun(
            true, "ready",
            fmt::format("report-only: plan {} proposed ({}); nothing was changed", out.plan.id, out.plan.summary));
    out.proposedPlanId = out.plan.id;
    if (out.gate.toRun == 0) {
        const bool ready = out.gate.readiness == Readiness::Ready;
        return notRun(ready, toString(out.gate.readiness),
                      fmt::format("{}; plan {} left proposed for a person to review", out.gate.summary, out.plan.id));
    }

    // When the gate admits only some steps, they become a plan of their own
    // (what the policy approves and runs); the full proposal is rejected as
    // superseded, naming it, so nobody applies the rest by accident later.
    const std::string who = fmt::format("policy:{}", toString(out.policy.level));
    if (out.gate.toRun < static_cast<int>(out.plan.steps.size())) {
        Plan subset = out.plan;
        subset.id = 0;
        subset.steps.clear();
        std::string skipped;
        for (std::size_t i = 0; i < out.plan.steps.size(); ++i) {
            if (!out.gate.decisions[i].run) {
                skipped += fmt::format("{}step {}: {}", skipped.empty() ? "" : "; ", i + 1,
                                       out.gate.decisions[i].reason);
                continue;
            }
            Step step = out.plan.steps[i];
            step.id = 0;
            step.uid.clear();
            step.ordinal = static_cast<int>(subset.steps.size());
            subset.steps.push_back(std::move(step));
        }
        subset.summary = fmt::format("{} of {} step(s) of plan {} admitted by policy {}", subset.steps.size(),
                                     out.plan.steps.size(), out.plan.id, toString(out.policy.level));
        if (auto ok = store.insertPlan(subset); !ok)
            return tl::unexpected(ok.error());
        if (auto ok = store.audit(AuditEntry{0, 0, request.requestedBy, "plan.created", subset.id, 0,
                                             subset.summary + "; not admitted: " + skipped});
            !ok)
            return tl::unexpected(ok.error());
        if (auto rejected = rejectPlan(store, out.plan.id, who,
                                       fmt::format("superseded by plan {} (the steps policy {} admits); not admitted: {}",
                                                   subset.id, toString(out.policy.level), skipped));
            !rejected)
            return tl::unexpected(rejected.error());
        out.proposedPlanId = out.plan.id;
        out.plan = std::move(subset);
    }
    if (auto approved = approvePlan(store, out.plan.id, who, standingApproval(store, request.uri)); !approved)
        return tl::unexpected(approved.error());

    const std::int64_t endMs = out.gate.effectiveEndMs;
    const std::size_t considered = out.gate.decisions.size();
    return runWithinDeadline(connector, store, run, std::move(out), who, endMs, considered);
}

} // namespace tidemark
