#include "engine_client.h"

#include <QMetaObject>
#include <QUrl>

#include <chrono>
#include <thread>

#include "engine_client_internal.h"
#include "executor/plan_executor.h"
#include "host/engine_host.h"
#include "planning/plan_approval.h"

namespace tidemark::ui {

namespace {
constexpr auto kProgressInterval = std::chrono::milliseconds(100);
} // namespace

std::string EngineClient::Passwords::uriFor(const std::string &uri)
{
    std::lock_guard lock(mutex);
    auto it = byUri.find(uri);
    if (it == byUri.end())
        return uri;
    QUrl url(toQString(uri));
    url.setPassword(toQString(it->second));
    return toStd(url.toString());
}

Result<std::unique_ptr<tidemark::Connector>> EngineClient::openForPool(const std::string &uri) const
{
    return m_opener->open(uri);
}

EngineClient::EngineClient(Config config, QObject *parent)
    : QObject(parent)
    , m_state(std::make_unique<State>())
    , m_relay(std::make_shared<Relay>())
    , m_stores(std::make_shared<StorePool>())
    , m_plugins(std::move(config.plugins))
    , m_who(config.who)
    , m_applyCancel(std::make_shared<ApplyCancel>())
    , m_passwords(std::make_shared<Passwords>())
{
    qRegisterMetaType<EngineError>();
    qRegisterMetaType<ScanSnapshot>();
    qRegisterMetaType<ApplyProgress>();
    qRegisterMetaType<EngineOp>();
    qRegisterMetaType<tidemark::Plan>();
    qRegisterMetaType<tidemark::ConnectionSettings>();
    qRegisterMetaType<tidemark::Connection>();
    qRegisterMetaType<ForecastRequest>();
    qRegisterMetaType<SeriesForecastReply>();
    qRegisterMetaType<NodeEntry>();
    qRegisterMetaType<QList<NodeEntry>>();
    qRegisterMetaType<CopyPlanReply>();
    qRegisterMetaType<tidemark::Node>();
    for (const auto &s : config.registry.schemes())
        m_schemes << toQString(s);
    auto opener = std::make_shared<Opener>();
    opener->registry = std::move(config.registry);
    opener->passwords = m_passwords;
    m_opener = opener;
    m_state->opener = m_opener;
    m_relay->client = this;
    m_host = std::make_unique<tidemark::EngineHost>(2);
    // Only a bare post() (not a request) can let an exception escape.
    m_host->setUncaughtHandler([this, relay = m_relay](const tidemark::Error &e) {
        relay->post([this, error = EngineError::from(e)] { Q_EMIT failed(EngineOp::Connections, error); });
    });
}

EngineClient::~EngineClient()
{
    // Nothing reaches this object from now on; work still running drops its answer.
    m_relay->detach();
    for (auto &[id, ticket] : m_tickets)
        ticket->cancel();
    cancelApply();
    // The idle connectors close on the engine thread, not here (PQfinish
    // still talks to the server).
    m_host->post([state = m_state.get()] {
        state->connectors.clear();
        state->store.reset();
    });
    // Joins the engine thread; a pool thread blocked on a server that answers
    // neither the query nor the cancel is left behind after a short grace
    // (EngineHost's destructor), so closing the window never hangs on it.
    // Pool work holds only shared pieces (opener, store pool, relay), never
    // the engine thread's State.
    m_host.reset();
    m_state.reset();
}

std::shared_ptr<EngineClient::Ticket> EngineClient::newTicket(EngineOp op, quint64 &id)
{
    id = m_nextTicket++;
    auto ticket = std::make_shared<Ticket>(op);
    m_tickets[id] = ticket;
    return ticket;
}

void EngineClient::finishTicket(quint64 id)
{
    m_tickets.erase(id);
}

void EngineClient::cancel(EngineOp op)
{
    for (auto &[id, ticket] : m_tickets)
        if (ticket->op == op)
            ticket->cancel();
}

void EngineClient::cancel(EngineOp op, const QString &uri)
{
    const std::string subject = toStd(uri);
    for (auto &[id, ticket] : m_tickets)
        if (ticket->op == op && ticket->subject == subject)
            ticket->cancel();
}

void EngineClient::cancelAll()
{
    for (auto &[id, ticket] : m_tickets)
        ticket->cancel();
}

void EngineClient::setBusy(int delta, const QString &what)
{
    m_busy += delta;
    Q_EMIT stateChanged(m_busy > 0 ? what : (m_applying ? tr("Executing a plan") : tr("Idle")));
}

void EngineClient::listConnections()
{
    run(
        EngineOp::Connections, tr("Reading connections"),
        [](State &s) -> Result<QList<tidemark::Connection>> {
            auto store = s.requireStore();
            if (!store)
                return tl::unexpected(store.error());
            auto list = (*store)->connections();
            if (!list)
                return tl::unexpected(list.error());
            return QList<tidemark::Connection>(list->begin(), list->end());
        },
        [this](QList<tidemark::Connection> list) { Q_EMIT connectionsListed(list); });
}

void EngineClient::addConnection(const QString &uri, const QString &name)
{
    const std::string u = toStd(uri);
    const std::string n = toStd(name);
    const std::string who = toStd(m_who);
    run(
        EngineOp::Connections, tr("Adding a connection"),
        [u, n, who](State &s) -> Result<QList<tidemark::Connection>> {
            auto c = s.connection(u);
            if (!c)
                return tl::unexpected(c.error());
            if (!n.empty() && n != c->name)
                if (auto r = s.store->renameConnection(c->id, n, who); !r)
                    return tl::unexpected(r.error());
            auto list = s.store->connections();
            if (!list)
                return tl::unexpected(list.error());
            return QList<tidemark::Connection>(list->begin(), list->end());
        },
        [this](QList<tidemark::Connection> list) { Q_EMIT connectionsListed(list); });
}

void EngineClient::removeConnection(qint64 connectionId)
{
    const std::string who = toStd(m_who);
    run(
        EngineOp::Connections, tr("Removing a connection"),
        [connectionId, who](State &s) -> Result<QList<tidemark::Connection>> {
            auto store = s.requireStore();
            if (!store)
                return tl::unexpected(store.error());
            s.connectors.clear(); // the removed one's connection closes; the others reopen on demand
            if (auto r = (*store)->removeConnection(connectionId, who); !r)
                return tl::unexpected(r.error());
            auto list = (*store)->connections();
            if (!list)
                return tl::unexpected(list.error());
            return QList<tidemark::Connection>(list->begin(), list->end());
        },
        [this](QList<tidemark::Connection> list) { Q_EMIT connectionsListed(list); });
}

void EngineClient::renameConnection(qint64 connectionId, const QString &name)
{
    const std::string n = toStd(name);
    const std::string who = toStd(m_who);
    run(
        EngineOp::Connections, tr("Renaming a connection"),
        [connectionId, n, who](State &s) -> Result<QList<tidemark::Connection>> {
            auto store = s.requireStore();
            if (!store)
                return tl::unexpected(store.error());
            if (auto r = (*store)->renameConnection(connectionId, n, who); !r)
                return tl::unexpected(r.error());
            auto list = (*store)->connections();
            if (!list)
                return tl::unexpected(list.error());
            return QList<tidemark::Connection>(list->begin(), list->end());
        },
        [this](QList<tidemark::Connection> list) { Q_EMIT connectionsListed(list); });
}

void EngineClient::setPassword(const QString &uri, const QString &password)
{
    {
        std::lock_guard lock(m_passwords->mutex);
        if (password.isEmpty())
            m_passwords->byUri.erase(toStd(uri));
        else
            m_passwords->byUri[toStd(uri)] = toStd(password);
    }
    // A cached connector opened without (or with an old) password is reopened.
    const std::string u = toStd(uri);
    State *state = m_state.get();
    m_host->post([state, u] { state->connectors.erase(u); });
}

void EngineClient::loadPlan(qint64 planId)
{
    run(
        EngineOp::Plan, tr("Reading plan %1").arg(planId),
        [planId](State &s) -> Result<tidemark::Plan> {
            auto store = s.requireStore();
            if (!store)
                return tl::unexpected(store.error());
            return (*store)->plan(planId);
        },
        [this](tidemark::Plan plan) { Q_EMIT planLoaded(plan); });
}

void EngineClient::approve(qint64 planId)
{
    const std::string who = toStd(m_who);
    run(
        EngineOp::Approve, tr("Approving plan %1").arg(planId),
        [planId, who](State &s) -> Result<tidemark::Plan> {
            auto store = s.requireStore();
            if (!store)
                return tl::unexpected(store.error());
            return tidemark::approvePlan(**store, planId, who, "interactive (tidemark desktop)");
        },
        [this](tidemark::Plan plan) { Q_EMIT planChanged(plan); });
}

void EngineClient::reject(qint64 planId, const QString &why)
{
    const std::string who = toStd(m_who);
    const std::string reason = toStd(why);
    run(
        EngineOp::Reject, tr("Rejecting plan %1").arg(planId),
        [planId, who, reason](State &s) -> Result<tidemark::Plan> {
            auto store = s.requireStore();
            if (!store)
                return tl::unexpected(store.error());
            return tidemark::rejectPlan(**store, planId, who, reason);
        },
        [this](tidemark::Plan plan) { Q_EMIT planChanged(plan); });
}

void EngineClient::apply(qint64 planId)
{
    if (m_applying) {
        Q_EMIT failed(
            EngineOp::Apply,
            EngineError{
                tr("A plan is already executing"), tr("wait for it to finish or cancel it"), ErrorCode::Busy, {}});
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
    // The opener is read-only, so the pool may open connectors from it;
    // everything else here is the apply's own. `this` is touched only
    // through the relay, on the GUI thread.
    m_host->postBlocking([this, relay = m_relay, opener = m_opener, planId, storePath, who, stop, cancel] {
        auto finish = [this, relay, cancel](tidemark::Plan plan, EngineError error, bool cancelled) {
            {
                std::lock_guard lock(cancel->mutex);
                cancel->connector = nullptr;
            }
            relay->post([this, plan = std::move(plan), error, cancelled] {
                m_applying = false;
                setBusy(0, QString());
                Q_EMIT applyFinished(plan, error, cancelled);
                Q_EMIT planChanged(plan);
            });
        };
        auto store = tidemark::MetadataStore::open(storePath);
        if (!store)
            return finish({}, EngineError::from(store.error()), false);
        auto plan = (*store)->plan(planId);
        if (!plan)
            return finish({}, EngineError::from(plan.error()), false);
        auto connector = opener->open(plan->connectionUri);
        if (!connector)
            return finish(*plan, EngineError::from(connector.error()), false);
        {
            std::lock_guard lock(cancel->mutex);
            cancel->connector = connector->get();
        }
        tidemark::PlanExecutor executor(**connector, **store);
        // A copy or move reaches its receiving node through the same opener (and passwords).
        executor.setNodeOpener([opener](const std::string &uri) { return opener->open(uri); });
        tidemark::ApplyOptions options;
        options.who = who;
        options.stop = stop->get_token();
        auto last = std::chrono::steady_clock::time_point{};
        options.onEvent = [this, relay, &last](const tidemark::ApplyEvent &e) {
            // Throttled: step boundaries always go through, in-step progress at most every 100 ms.
            const auto now = std::chrono::steady_clock::now();
            const bool boundary = e.stepFraction <= 0.0 || e.status != StepStatus::Running;
            if (!boundary && now - last < kProgressInterval)
                return;
            last = now;
            ApplyProgress p{e.planId, e.stepIndex, e.stepCount, e.stepFraction, e.status, toQString(e.text)};
            relay->post([this, p] { Q_EMIT applyProgress(p); });
        };
        auto result = executor.apply(planId, options);
        auto after = (*store)->plan(planId);
        tidemark::Plan finalPlan = after ? *after : *plan;
        if (!result)
            return finish(finalPlan, EngineError::from(result.error()),
                          result.error().code == ErrorCode::Cancelled || stop->stop_requested());
        finish(finalPlan, EngineError{}, false);
    });
}

void EngineClient::cancelApply()
{
    if (m_applyStop)
        m_applyStop->request_stop();
    // PQcancel connects to the server and can block as long as a connect, so
    // it runs on a thread of its own. The job clears the pointer under the
    // same mutex before its connector goes, so the pointer stays valid here.
    std::thread([cancel = m_applyCancel] {
        std::lock_guard lock(cancel->mutex);
        if (cancel->connector)
            cancel->connector->cancel();
    }).detach();
}

void EngineClient::loadHistory(const QString &uri)
{
    const std::string u = toStd(uri);
    run(
        EngineOp::History, tr("Reading history"),
        [u](State &s) -> Result<QList<tidemark::Plan>> {
            auto store = s.requireStore();
            if (!store)
                return tl::unexpected(store.error());
            std::optional<std::int64_t> id;
            if (!u.empty()) {
                auto c = (*store)->findConnection(u);
                if (!c)
                    return tl::unexpected(c.error());
                if (!*c)
                    return QList<tidemark::Plan>{};
                id = (*c)->id;
            }
            auto summaries = (*store)->plans(id, 200);
            if (!summaries)
                return tl::unexpected(summaries.error());
            QList<tidemark::Plan> plans;
            for (const auto &p : *summaries)
                if (auto full = (*store)->plan(p.id))
                    plans.append(*full);
            return plans;
        },
        [this, uri](QList<tidemark::Plan> plans) { Q_EMIT historyLoaded(uri, plans); });
}

void EngineClient::loadAudit(qint64 planId)
{
    run(
        EngineOp::History, tr("Reading the audit trail"),
        [planId](State &s) -> Result<QList<tidemark::AuditEntry>> {
            auto store = s.requireStore();
            if (!store)
                return tl::unexpected(store.error());
            auto log = (*store)->auditLog(planId > 0 ? std::optional<std::int64_t>(planId) : std::nullopt, 500);
            if (!log)
                return tl::unexpected(log.error());
            return QList<tidemark::AuditEntry>(log->begin(), log->end());
        },
        [this, planId](QList<tidemark::AuditEntry> log) { Q_EMIT auditLoaded(planId, log); });
}

void EngineClient::loadSettings(const QString &uri)
{
    const std::string u = toStd(uri);
    run(
        EngineOp::Settings, tr("Reading settings"),
        [u](State &s) -> Result<tidemark::ConnectionSettings> {
            auto c = s.connection(u);
            if (!c)
                return tl::unexpected(c.error());
            return c->settings;
        },
        [this, uri](tidemark::ConnectionSettings settings) { Q_EMIT settingsLoaded(uri, settings); });
}

void EngineClient::saveSettings(const QString &uri, const tidemark::ConnectionSettings &settings)
{
    const std::string u = toStd(uri);
    run(
        EngineOp::Settings, tr("Saving settings"),
        [u, settings](State &s) -> Result<bool> {
            auto c = s.connection(u);
            if (!c)
                return tl::unexpected(c.error());
            if (auto ok = s.store->saveSettings(c->id, settings); !ok)
                return tl::unexpected(ok.error());
            return true;
        },
        [this, uri](bool) { Q_EMIT settingsSaved(uri); });
}

} // namespace tidemark::ui
