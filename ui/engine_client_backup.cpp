// EngineClient's "Optimize before backup" requests: the engine's pre- and
// post-backup runner (engine/policy/backup_preparation.h) and the execution
// of a plan the person approved, both on the blocking pool with a store
// connection and connector of their own, like apply(). One run at a time
// with apply(); cancelApply() stops them between steps.
#include <QMetaObject>

#include <chrono>

#include <fmt/format.h>

#include "engine_client.h"
#include "engine_client_internal.h"
#include "executor/plan_executor.h"
#include "host/engine_host.h"
#include "policy/policy_gate.h"
#include "workflow/plan_approval.h"

namespace tidemark::ui {

namespace {
constexpr auto kProgressInterval = std::chrono::milliseconds(100);

/// Throttles in-step progress; step boundaries always go through.
struct ProgressThrottle {
    std::chrono::steady_clock::time_point last;
    bool pass(const tidemark::PreparationEvent &e)
    {
        const auto now = std::chrono::steady_clock::now();
        const bool boundary = e.stage != "step" || e.fraction <= 0.0 || e.status != "running";
        if (!boundary && now - last < kProgressInterval)
            return false;
        last = now;
        return true;
    }
};
} // namespace

void EngineClient::prepareForBackup(const QString &uri, const tidemark::PolicyRequest &narrowing, qint64 deadlineMs)
{
    runPreparation(uri, tidemark::BackupPhase::PreBackup, narrowing, deadlineMs);
}

void EngineClient::postBackup(const QString &uri, const tidemark::PolicyRequest &narrowing, qint64 deadlineMs)
{
    runPreparation(uri, tidemark::BackupPhase::PostBackup, narrowing, deadlineMs);
}

void EngineClient::runPreparation(const QString &uri, tidemark::BackupPhase phase,
                                  const tidemark::PolicyRequest &narrowing, qint64 deadlineMs)
{
    if (m_applying) {
        Q_EMIT preparationFinished(
            {},
            EngineError{tr("A plan is already executing"), tr("wait for it to finish or cancel it"), ErrorCode::Busy});
        return;
    }
    m_applying = true;
    m_applyStop = std::make_shared<std::stop_source>();
    tidemark::PreparationRequest request;
    request.uri = toStd(uri);
    request.phase = phase;
    request.narrowing = narrowing;
    request.deadlineMs = deadlineMs;
    request.requestedBy = toStd(m_who);
    request.stop = m_applyStop->get_token();
    const std::string storePath = toStd(m_storePath);
    auto cancel = m_applyCancel;
    Q_EMIT stateChanged(phase == tidemark::BackupPhase::PreBackup ? tr("Preparing %1 for the backup").arg(uri)
                                                                  : tr("Rebalancing %1 after the backup").arg(uri));
    m_host->postBlocking([this, relay = m_relay, request = std::move(request), storePath, cancel]() mutable {
        auto finish = [this, relay, cancel](tidemark::PreparationResult result, EngineError error) {
            {
                std::lock_guard lock(cancel->mutex);
                cancel->connector = nullptr;
            }
            relay->post([this, result = std::move(result), error] {
                m_applying = false;
                setBusy(0, QString());
                Q_EMIT preparationFinished(result, error);
                if (result.plan.id)
                    Q_EMIT planChanged(result.plan);
            });
        };
        auto store = tidemark::MetadataStore::open(storePath);
        if (!store)
            return finish({}, EngineError::from(store.error()));
        auto connector = openForPool(request.uri);
        if (!connector)
            return finish({}, EngineError::from(connector.error()));
        {
            std::lock_guard lock(cancel->mutex);
            cancel->connector = connector->get();
        }
        ProgressThrottle throttle;
        request.onEvent = [this, relay, &throttle](const tidemark::PreparationEvent &e) {
            if (throttle.pass(e))
                relay->post([this, e] { Q_EMIT preparationProgress(e); });
        };
        auto result = tidemark::prepareForBackup(**connector, **store, request);
        if (!result)
            return finish({}, EngineError::from(result.error()));
        finish(std::move(*result), EngineError{});
    });
}

void EngineClient::executeForBackup(qint64 planId, qint64 deadlineMs)
{
    if (m_applying) {
        Q_EMIT preparationFinished(
            {},
            EngineError{tr("A plan is already executing"), tr("wait for it to finish or cancel it"), ErrorCode::Busy});
        return;
    }
    m_applying = true;
    m_applyStop = std::make_shared<std::stop_source>();
    const std::string storePath = toStd(m_storePath);
    const std::string who = toStd(m_who);
    auto stop = m_applyStop;
    auto cancel = m_applyCancel;
    Q_EMIT applyStarted(planId);
    Q_EMIT stateChanged(tr("Executing plan %1").arg(planId));
    m_host->postBlocking([this, relay = m_relay, planId, deadlineMs, storePath, who, stop, cancel] {
        auto finish = [this, relay, cancel](tidemark::PreparationResult result, EngineError error) {
            {
                std::lock_guard lock(cancel->mutex);
                cancel->connector = nullptr;
            }
            relay->post([this, result = std::move(result), error] {
                m_applying = false;
                setBusy(0, QString());
                Q_EMIT preparationFinished(result, error);
                if (result.plan.id)
                    Q_EMIT planChanged(result.plan);
            });
        };
        tidemark::PreparationResult out;
        out.startedMs = tidemark::nowMs();
        out.deadlineAtMs = out.startedMs + deadlineMs;
        auto store = tidemark::MetadataStore::open(storePath);
        if (!store)
            return finish(out, EngineError::from(store.error()));
        auto plan = (*store)->plan(planId);
        if (!plan)
            return finish(out, EngineError::from(plan.error()));
        out.plan = *plan;
        out.proposedPlanId = planId;
        out.proposedSteps = plan->steps;
        const auto notRun = [&](std::string reason, std::string message) {
            out.reason = std::move(reason);
            out.message = std::move(message);
            out.stepsSkipped = static_cast<int>(out.plan.steps.size());
            finish(out, EngineError{});
        };
        if (plan->steps.empty()) {
            out.ready = true;
            return notRun("ready", "nothing to do: ready for the backup");
        }
        // Nothing starts that cannot finish before the deadline.
        if (!tidemark::PolicyGate::fitsBefore(plan->steps.front(), tidemark::nowMs(), out.deadlineAtMs))
            return notRun("deadline-too-short",
                          fmt::format("the deadline is too short: the first step needs ~{:.1f} s; nothing was changed",
                                      tidemark::PolicyGate::predictedSeconds(plan->steps.front())));
        if (plan->status == tidemark::PlanStatus::Proposed) {
            auto approved = tidemark::approvePlan(**store, planId, who,
                                                  "interactive (tidemark desktop: optimize "
                                                  "before backup)");
            if (!approved)
                return finish(out, EngineError::from(approved.error()));
        }
        auto connector = openForPool(plan->connectionUri);
        if (!connector)
            return finish(out, EngineError::from(connector.error()));
        {
            std::lock_guard lock(cancel->mutex);
            cancel->connector = connector->get();
        }
        std::stop_source execStop;
        bool deadlineStop = false;
        ProgressThrottle throttle;
        tidemark::ApplyOptions options;
        options.who = who;
        options.stop = execStop.get_token();
        options.onEvent = [&](const tidemark::ApplyEvent &e) {
            tidemark::PreparationEvent p{
                "step", e.planId, e.stepIndex, e.stepCount, e.stepFraction, tidemark::toString(e.status), e.text};
            if (throttle.pass(p))
                relay->post([this, p] { Q_EMIT preparationProgress(p); });
            if (e.status == tidemark::StepStatus::Running)
                return;
            if (stop->stop_requested()) {
                execStop.request_stop();
                return;
            }
            const auto next = static_cast<std::size_t>(e.stepIndex) + 1;
            if (next < out.plan.steps.size() &&
                !tidemark::PolicyGate::fitsBefore(out.plan.steps[next], tidemark::nowMs(), out.deadlineAtMs)) {
                deadlineStop = true;
                execStop.request_stop();
            }
        };
        // A cancel while a step runs reaches the connector through cancelApply().
        tidemark::PlanExecutor executor(**connector, **store);
        auto applied = executor.apply(planId, options);
        if (auto reloaded = (*store)->plan(planId))
            out.plan = std::move(*reloaded);
        for (const auto &step : out.plan.steps)
            if (step.status == tidemark::StepStatus::Done) {
                ++out.stepsDone;
                out.backupBytesBefore += step.predicted.backupBytesBefore;
                out.backupBytesAfter += step.predicted.backupBytesAfter;
            }
        out.stepsSkipped = static_cast<int>(out.plan.steps.size()) - out.stepsDone;
        if (!applied && deadlineStop && !stop->stop_requested()) {
            (void)(*store)->setPlanStatus(planId, tidemark::PlanStatus::Done);
            out.notes.push_back("the remaining steps were not started: they would not finish before the deadline");
            if (auto reloaded = (*store)->plan(planId))
                out.plan = std::move(*reloaded);
            applied = tidemark::ApplyReport{};
        }
        if (!applied) {
            out.reason = applied.error().code == ErrorCode::Cancelled ? "cancelled" : "step-failed";
            out.error = applied.error();
            out.message = fmt::format("{} ({} step(s) done and verified, nothing half-applied)",
                                      applied.error().message, out.stepsDone);
        } else {
            out.ready = true;
            out.reason = "ready";
            out.message = fmt::format("ready for the backup: {} step(s) done and verified, {} skipped", out.stepsDone,
                                      out.stepsSkipped);
        }
        finish(out, EngineError{});
    });
}

} // namespace tidemark::ui
