#include "engine_client.h"

#include <QMetaObject>
#include <QUrl>

#include <chrono>
#include <set>

#include "executor/plan_executor.h"
#include "host/engine_host.h"
#include "planning/plan_approval.h"
#include "planning/plan_builder.h"

namespace tidemark::ui {

namespace {
// How far back the heatmap looks: enough samples for a useful picture.
constexpr int kHistorySamples = 720;
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

struct EngineClient::State {
    tidemark::ConnectorRegistry registry;
    std::shared_ptr<EngineClient::Passwords> passwords;
    std::unique_ptr<tidemark::MetadataStore> store;
    std::map<std::string, std::unique_ptr<tidemark::Connector>> connectors;

    Result<tidemark::MetadataStore *> requireStore()
    {
        if (!store)
            return fail(ErrorCode::InvalidState, "no metadata store is open", "restart Tidemark or pick a store");
        return store.get();
    }
    Result<tidemark::Connector *> connector(const std::string &uri)
    {
        if (auto it = connectors.find(uri); it != connectors.end())
            return it->second.get();
        auto opened = open(uri);
        if (!opened)
            return tl::unexpected(opened.error());
        return (connectors[uri] = std::move(*opened)).get();
    }
    /// A fresh connector; the registry is read-only after construction, so
    /// the apply's pool thread may call this too.
    Result<std::unique_ptr<tidemark::Connector>> open(const std::string &uri)
    {
        return registry.open(passwords->uriFor(uri));
    }
    Result<tidemark::Connection> connection(const std::string &uri)
    {
        auto s = requireStore();
        if (!s)
            return tl::unexpected(s.error());
        return (*s)->ensureConnection(uri);
    }
};

Result<std::unique_ptr<tidemark::Connector>> EngineClient::openForPool(const std::string &uri) const
{
    return m_state->open(uri);
}

EngineClient::EngineClient(Config config, QObject *parent)
    : QObject(parent)
    , m_state(std::make_unique<State>())
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
    for (const auto &s : config.registry.schemes())
        m_schemes << toQString(s);
    m_state->registry = std::move(config.registry);
    m_state->passwords = m_passwords;
    m_host = std::make_unique<tidemark::EngineHost>(2);
}

EngineClient::~EngineClient()
{
    cancelApply();
    // Joins the engine thread and the pool; results still queued for this
    // object are dropped with it.
    m_host.reset();
    m_state.reset();
}

void EngineClient::setBusy(int delta, const QString &what)
{
    m_busy += delta;
    Q_EMIT stateChanged(m_busy > 0 ? what : (m_applying ? tr("Executing a plan") : tr("Idle")));
}

template <class Work, class Done>
void EngineClient::run(EngineOp op, const QString &what, Work work, Done done)
{
    setBusy(+1, what);
    State *state = m_state.get();
    m_host->post([this, state, op, work = std::move(work), done = std::move(done)]() mutable {
        auto result = work(*state);
        QMetaObject::invokeMethod(
            this,
            [this, op, result = std::move(result), done = std::move(done)]() mutable {
                setBusy(-1, QString());
                if (!result)
                    Q_EMIT failed(op, EngineError::from(result.error()));
                else
                    done(std::move(*result));
            },
            Qt::QueuedConnection);
    });
}

void EngineClient::openStore(const QString &path)
{
    m_storePath = path;
    const std::string p = toStd(path);
    const std::string who = toStd(m_who);
    run(EngineOp::OpenStore, tr("Opening the metadata store"),
        [p, who](State &s) -> Result<QStringList> {
            auto store = tidemark::MetadataStore::open(p);
            if (!store)
                return tl::unexpected(store.error());
            s.store = std::move(*store);
            s.connectors.clear();
            // Settle steps a killed process left running, where no live executor owns them.
            QStringList messages;
            auto interrupted = s.store->interruptedSteps();
            if (!interrupted)
                return tl::unexpected(interrupted.error());
            std::set<std::string> uris;
            for (const auto &[planId, step] : *interrupted)
                if (auto plan = s.store->plan(planId))
                    uris.insert(plan->connectionUri);
            for (const auto &uri : uris) {
                auto c = s.connector(uri);
                if (!c) {
                    messages << toQString(uri + ": " + c.error().message);
                    continue;
                }
                tidemark::PlanExecutor executor(**c, *s.store);
                if (auto r = executor.recoverIfIdle(uri, who))
                    for (const auto &m : r->messages)
                        messages << toQString(m);
            }
            return messages;
        },
        [this, path](QStringList messages) { Q_EMIT storeOpened(path, messages); });
}

void EngineClient::listConnections()
{
    run(EngineOp::Connections, tr("Reading connections"),
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
    run(EngineOp::Connections, tr("Adding a connection"),
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
    run(EngineOp::Connections, tr("Removing a connection"),
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
    run(EngineOp::Connections, tr("Renaming a connection"),
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

void EngineClient::testConnection(const QString &uri, const QString &password)
{
    std::string u = toStd(uri);
    if (!password.isEmpty()) {
        QUrl url(uri);
        url.setPassword(password);
        u = toStd(url.toString());
    }
    setBusy(+1, tr("Testing %1").arg(uri));
    State *state = m_state.get();
    m_host->post([this, state, u, uri, withPassword = !password.isEmpty()] {
        // A fresh connector each time: a test must not be answered from a cache.
        auto opened = withPassword ? state->registry.open(u) : state->open(u);
        bool ok = false;
        QString message;
        if (!opened) {
            message = EngineError::from(opened.error()).text();
        } else if (auto tables = (*opened)->discover(); !tables) {
            message = EngineError::from(tables.error()).text();
        } else {
            std::size_t partitions = 0;
            for (const auto &t : *tables)
                partitions += t.partitions.size();
            ok = true;
            message = tr("Connected: %n partitioned table(s)", nullptr, int(tables->size())) + QLatin1String(", ")
                + tr("%n partition(s)", nullptr, int(partitions));
        }
        QMetaObject::invokeMethod(
            this,
            [this, uri, ok, message] {
                setBusy(-1, QString());
                Q_EMIT connectionTested(uri, ok, message);
            },
            Qt::QueuedConnection);
    });
}

void EngineClient::scan(const QString &uri)
{
    const std::string u = toStd(uri);
    run(EngineOp::Scan, tr("Scanning %1").arg(uri),
        [u, uri](State &s) -> Result<ScanSnapshot> {
            auto connection = s.connection(u);
            if (!connection)
                return tl::unexpected(connection.error());
            auto connector = s.connector(u);
            if (!connector)
                return tl::unexpected(connector.error());
            const std::int64_t now = tidemark::nowMs();
            auto scan = tidemark::scanActivity(**connector, *s.store, *connection, now);
            if (!scan) {
                // A connector in a bad state (file replaced, server restarted) is reopened next time.
                s.connectors.erase(u);
                return tl::unexpected(scan.error());
            }
            ScanSnapshot snap;
            snap.uri = uri;
            snap.connection = *connection;
            snap.scan = std::move(*scan);
            snap.capabilities = tidemark::capabilitiesOf(**connector);
            const std::int64_t since =
                now - connection->settings.samplingIntervalSeconds * 1000 * kHistorySamples;
            for (const auto &table : snap.scan.tables) {
                auto history = s.store->scoreHistory(connection->id, table.name, since);
                if (!history)
                    return tl::unexpected(history.error());
                snap.history[table.name] = std::move(*history);
            }
            auto plans = s.store->plans(connection->id, 50);
            if (!plans)
                return tl::unexpected(plans.error());
            for (const auto &p : *plans)
                if (p.status == PlanStatus::Proposed || p.status == PlanStatus::Approved)
                    snap.openPlans.push_back(p);
            return snap;
        },
        [this](ScanSnapshot snap) { Q_EMIT scanned(snap); });
}

void EngineClient::proposePlan(const QString &uri)
{
    const std::string u = toStd(uri);
    const std::string who = toStd(m_who);
    run(EngineOp::Plan, tr("Planning %1").arg(uri),
        [u, who](State &s) -> Result<tidemark::PlanOutcome> {
            auto connection = s.connection(u);
            if (!connection)
                return tl::unexpected(connection.error());
            auto connector = s.connector(u);
            if (!connector)
                return tl::unexpected(connector.error());
            tidemark::PlanRequest request;
            request.requestedBy = who;
            request.nowMs = tidemark::nowMs();
            return tidemark::buildPreBackupPlan(**connector, *s.store, *connection, request);
        },
        [this](tidemark::PlanOutcome outcome) {
            QStringList notes;
            for (const auto &n : outcome.notes)
                notes << toQString(n);
            Q_EMIT planProposed(outcome.plan, notes);
        });
}

void EngineClient::loadPlan(qint64 planId)
{
    run(EngineOp::Plan, tr("Reading plan %1").arg(planId),
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
    run(EngineOp::Approve, tr("Approving plan %1").arg(planId),
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
    run(EngineOp::Reject, tr("Rejecting plan %1").arg(planId),
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
        Q_EMIT failed(EngineOp::Apply, EngineError{tr("A plan is already executing"),
                                                   tr("wait for it to finish or cancel it"), ErrorCode::Busy});
        return;
    }
    m_applying = true;
    m_applyStop = std::make_shared<std::stop_source>();
    const std::string storePath = toStd(m_storePath);
    const std::string who = toStd(m_who);
    auto stop = m_applyStop;
    auto cancel = m_applyCancel;
    State *state = m_state.get();
    Q_EMIT applyStarted(planId);
    Q_EMIT stateChanged(tr("Executing plan %1").arg(planId));
    // The registry is read-only after construction, so the pool may open
    // connectors from it; everything else here is the apply's own.
    m_host->postBlocking([this, state, planId, storePath, who, stop, cancel] {
        auto finish = [this, cancel](tidemark::Plan plan, EngineError error, bool cancelled) {
            {
                std::lock_guard lock(cancel->mutex);
                cancel->connector = nullptr;
            }
            QMetaObject::invokeMethod(
                this,
                [this, plan = std::move(plan), error, cancelled] {
                    m_applying = false;
                    setBusy(0, QString());
                    Q_EMIT applyFinished(plan, error, cancelled);
                    Q_EMIT planChanged(plan);
                },
                Qt::QueuedConnection);
        };
        auto store = tidemark::MetadataStore::open(storePath);
        if (!store)
            return finish({}, EngineError::from(store.error()), false);
        auto plan = (*store)->plan(planId);
        if (!plan)
            return finish({}, EngineError::from(plan.error()), false);
        auto connector = state->open(plan->connectionUri);
        if (!connector)
            return finish(*plan, EngineError::from(connector.error()), false);
        {
            std::lock_guard lock(cancel->mutex);
            cancel->connector = connector->get();
        }
        tidemark::PlanExecutor executor(**connector, **store);
        tidemark::ApplyOptions options;
        options.who = who;
        options.stop = stop->get_token();
        auto last = std::chrono::steady_clock::time_point{};
        options.onEvent = [this, &last](const tidemark::ApplyEvent &e) {
            // Throttled: step boundaries always go through, in-step progress at most every 100 ms.
            const auto now = std::chrono::steady_clock::now();
            const bool boundary = e.stepFraction <= 0.0 || e.status != StepStatus::Running;
            if (!boundary && now - last < kProgressInterval)
                return;
            last = now;
            ApplyProgress p{e.planId, e.stepIndex, e.stepCount, e.stepFraction, e.status, toQString(e.text)};
            QMetaObject::invokeMethod(this, [this, p] { Q_EMIT applyProgress(p); }, Qt::QueuedConnection);
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
    std::lock_guard lock(m_applyCancel->mutex);
    if (m_applyCancel->connector)
        m_applyCancel->connector->cancel();
}

void EngineClient::loadHistory(const QString &uri)
{
    const std::string u = toStd(uri);
    run(EngineOp::History, tr("Reading history"),
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
    run(EngineOp::History, tr("Reading the audit trail"),
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
    run(EngineOp::Settings, tr("Reading settings"),
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
    run(EngineOp::Settings, tr("Saving settings"),
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
