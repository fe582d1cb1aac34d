// EngineClient's "Optimize before backup" requests. All three go through the
// engine's one pre-/post-backup runner (engine/backup/backup_preparation.h),
// the same the CLI and the agent use, so the deadline rule and what counts
// as ready cannot drift: on the blocking pool with a store connection and
// connector of their own, like apply(). One run at a time with apply();
// cancelApply() stops them between steps (and the connector's own cancel
// interrupts a running step).
#include <QMetaObject>

#include <chrono>

#include "engine_client.h"
#include "engine_client_internal.h"
#include "host/engine_host.h"

namespace tidemark::ui {

namespace {
constexpr auto kProgressInterval = std::chrono::milliseconds(100);
constexpr char kDesktopApproval[] = "interactive (tidemark desktop: optimize before backup)";

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
    tidemark::PreparationRequest request;
    request.uri = toStd(uri);
    request.phase = tidemark::BackupPhase::PreBackup;
    request.narrowing = narrowing;
    request.deadlineMs = deadlineMs;
    runPreparation(std::move(request), tr("Preparing %1 for the backup").arg(uri));
}

void EngineClient::postBackup(const QString &uri, const tidemark::PolicyRequest &narrowing, qint64 deadlineMs)
{
    tidemark::PreparationRequest request;
    request.uri = toStd(uri);
    request.phase = tidemark::BackupPhase::PostBackup;
    request.narrowing = narrowing;
    request.deadlineMs = deadlineMs;
    runPreparation(std::move(request), tr("Rebalancing %1 after the backup").arg(uri));
}

void EngineClient::executeForBackup(qint64 planId, qint64 deadlineMs)
{
    // The plan as the person saw it; its connection comes from the store.
    tidemark::PreparationRequest request;
    request.approvedPlanId = planId;
    request.approval = kDesktopApproval;
    request.deadlineMs = deadlineMs;
    if (runPreparation(std::move(request), tr("Executing plan %1").arg(planId)))
        Q_EMIT applyStarted(planId);
}

bool EngineClient::runPreparation(tidemark::PreparationRequest request, const QString &state)
{
    if (m_applying) {
        Q_EMIT preparationFinished(
            {},
            EngineError{
                tr("A plan is already executing"), tr("wait for it to finish or cancel it"), ErrorCode::Busy, {}});
        return false;
    }
    m_applying = true;
    m_applyStop = std::make_shared<std::stop_source>();
    request.requestedBy = toStd(m_who);
    request.stop = m_applyStop->get_token();
    const std::string storePath = toStd(m_storePath);
    auto cancel = m_applyCancel;
    Q_EMIT stateChanged(state);
    // The relay drops answers once this client is gone (a run can outlive it).
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
        if (request.approvedPlanId) {
            auto plan = (*store)->plan(request.approvedPlanId);
            if (!plan)
                return finish({}, EngineError::from(plan.error()));
            request.uri = plan->connectionUri;
        }
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
    return true;
}

} // namespace tidemark::ui
