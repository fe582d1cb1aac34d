#pragma once
// The bridge between the widgets and the engine. EngineClient owns the
// engine host (its io_context thread and blocking pool). Every request is
// posted to the engine thread; results, errors and throttled progress come
// back as queued signals. The GUI thread never opens a database and never
// waits on one: the engine thread keeps the metadata store's catalogue
// (connections, plans, settings), and everything that talks to a database
// or reads much — scans, plans, connection tests, recovery, forecasts, apply
// — runs on the bounded blocking pool with a store connection of its own and
// can be cancelled. Destroying the client cancels what runs and does not
// wait for a stuck server (see EngineHost's destructor).
#include <QObject>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>

#include "backup/backup_preparation.h"
#include "engine_types.h"
#include "host/connector_registry.h"

namespace tidemark {
class EngineHost;
class Connector;
} // namespace tidemark

namespace tidemark::ui {

class EngineClient : public QObject {
    Q_OBJECT
public:
    struct Config {
        QString who; ///< recorded as approver / actor
        tidemark::ConnectorRegistry registry; ///< filled from plugins before construction
        QList<PluginStatus> plugins;
    };
    explicit EngineClient(Config config, QObject *parent = nullptr);
    ~EngineClient() override;

    const QList<PluginStatus> &plugins() const { return m_plugins; }
    QStringList schemes() const { return m_schemes; }
    QString storePath() const { return m_storePath; }
    QString who() const { return m_who; }
    bool isBusy() const { return m_busy > 0; }
    /// Scans, plans, tests and forecasts that have not answered yet.
    int pendingRequests() const { return int(m_tickets.size()); }
    bool isApplying() const { return m_applying; }

public Q_SLOTS:
    /// Opens (creating) the metadata store; settles work a killed process left.
    void openStore(const QString &path);
    void listConnections();
    /// Adds (or brings back) a connection; `name` is shown instead of the URI.
    void addConnection(const QString &uri, const QString &name = QString());
    /// Forgets the connection's measurements; its plans and audit stay as history.
    void removeConnection(qint64 connectionId);
    void renameConnection(qint64 connectionId, const QString &name);
    /// Opens `uri` with `password` (never stored) and lists what it finds.
    void testConnection(const QString &uri, const QString &password = QString());
    /// A password from the keychain for connectors opened on `uri` from now on.
    /// Kept in memory only; an empty password forgets it.
    void setPassword(const QString &uri, const QString &password);
    void scan(const QString &uri);
    void proposePlan(const QString &uri);
    void loadPlan(qint64 planId);
    void approve(qint64 planId);
    void reject(qint64 planId, const QString &why);
    void apply(qint64 planId);
    /// Stops safely: the running step rolls back, no new step starts.
    void cancelApply();
    void loadHistory(const QString &uri);
    void loadAudit(qint64 planId);
    /// Stops every scan, plan, connection test or forecast of kind `op` that
    /// has not answered yet (a plan's execution stops with cancelApply()).
    /// Each answers soon with failed(op, Cancelled) — a test with
    /// connectionTested(false). Returns at once: the connector's cancel
    /// (PQcancel can block) runs off the GUI thread.
    void cancel(tidemark::ui::EngineOp op);
    /// cancel() of the requests of kind `op` about `uri` only (a connection
    /// test the DBA stops leaves the checks of other connections running).
    void cancel(tidemark::ui::EngineOp op, const QString &uri);
    /// cancel() for every kind.
    void cancelAll();
    /// Forecasts a stored series on the pool; answers with seriesForecast().
    void forecastSeries(const tidemark::ui::ForecastRequest &request);
    /// Samples the connection and surveys its log segments (figures, the
    /// compaction queue, the archive schedule); answers with segmentsSurveyed().
    void surveySegments(const QString &uri);
    /// Surveys again and stores a plan archiving the archive queue into
    /// `directory`; answers with archivePlanned() (id 0: nothing is due).
    void planArchive(const QString &uri, const QString &directory);
    /// Surveys again and stores a plan compacting the compaction queue and
    /// merging small sealed segments; answers with compactionPlanned() (id 0:
    /// nothing is due, its summary says why). Refused at peak load.
    void planCompaction(const QString &uri);
    // The node catalogue (ui/engine_client_nodes.cpp), on the engine thread.
    /// Every node by name, with its latest resource reading; answers with nodesListed().
    void listNodes();
    /// Adds the node, or updates the one of its connection. `replacing` names
    /// the node being edited when its URI changed: it is removed, and put
    /// back if the new one cannot be saved. Answers with nodeSaved(), then nodesListed().
    void saveNode(const tidemark::Node &node, const QString &replacing = QString());
    /// Answers with nodeRemoved(), then nodesListed().
    void removeNode(const QString &name);
    /// Plans copying (or moving) `partition` of `table` on `uri` to the
    /// catalogue's node `node`, sized and stored as a proposed plan; answers
    /// with copyPlanned(), or failed(Copy, …) with the planner's refusal.
    void planCopy(const QString &uri, const QString &table, const QString &partition, const QString &node, bool move);
    void loadSettings(const QString &uri);
    void saveSettings(const QString &uri, const tidemark::ConnectionSettings &settings);
    // Optimize before backup (ui/engine_client_backup.cpp): the engine's
    // pre-/post-backup runner on the pool, one run at a time with apply();
    // cancelApply() stops it between steps.
    /// Scans and plans under the connection's policy narrowed by `narrowing`
    /// (report-only: plan and predict, change nothing).
    void prepareForBackup(const QString &uri, const tidemark::PolicyRequest &narrowing, qint64 deadlineMs);
    /// The light post-backup rebalance, planned the same way.
    void postBackup(const QString &uri, const tidemark::PolicyRequest &narrowing, qint64 deadlineMs);
    /// Approves `planId` as the person's decision and runs it; no step starts
    /// that would not finish within `deadlineMs`.
    void executeForBackup(qint64 planId, qint64 deadlineMs);

Q_SIGNALS:
    void storeOpened(const QString &path, const QStringList &recoveryMessages);
    void connectionsListed(const QList<tidemark::Connection> &connections);
    /// `error` says why when !ok (its code tells a refused password from a
    /// server that does not answer); `message` is what to show either way.
    void connectionTested(const QString &uri, bool ok, const QString &message, const tidemark::ui::EngineError &error);
    void scanned(const tidemark::ui::ScanSnapshot &snapshot);
    /// A fresh plan (id 0 and no steps when nothing needs doing), with notes.
    void planProposed(const tidemark::Plan &plan, const QStringList &notes);
    void planLoaded(const tidemark::Plan &plan);
    /// After approve, reject and apply: the plan as stored now.
    void planChanged(const tidemark::Plan &plan);
    void historyLoaded(const QString &uri, const QList<tidemark::Plan> &plans);
    void auditLoaded(qint64 planId, const QList<tidemark::AuditEntry> &entries);
    void settingsLoaded(const QString &uri, const tidemark::ConnectionSettings &settings);
    void settingsSaved(const QString &uri);
    void applyStarted(qint64 planId);
    void applyProgress(const tidemark::ui::ApplyProgress &progress);
    /// `error` is empty when the plan ran to its end.
    void applyFinished(const tidemark::Plan &plan, const tidemark::ui::EngineError &error, bool cancelled);
    void failed(tidemark::ui::EngineOp op, const tidemark::ui::EngineError &error);
    void seriesForecast(const tidemark::ui::SeriesForecastReply &reply);
    void segmentsSurveyed(const tidemark::ui::SegmentsReply &reply);
    void archivePlanned(const QString &uri, const tidemark::Plan &plan);
    void compactionPlanned(const QString &uri, const tidemark::Plan &plan);
    void nodesListed(const QList<tidemark::ui::NodeEntry> &nodes);
    void nodeSaved(const tidemark::Node &node);
    void nodeRemoved(const QString &name);
    void copyPlanned(const tidemark::ui::CopyPlanReply &reply);
    /// Words for the status bar: what the engine is doing, or idle.
    void stateChanged(const QString &state);
    void preparationProgress(const tidemark::PreparationEvent &event);
    /// After prepareForBackup, postBackup and executeForBackup; `error` is
    /// empty unless the run could not report (store or connector unusable).
    void preparationFinished(const tidemark::PreparationResult &result, const tidemark::ui::EngineError &error);

private:
    struct State;
    struct Opener;
    struct StorePool;
    struct Relay;
    struct Ticket;
    /// What a pool job needs prepared: a leased store connection, and the
    /// URI's connection record and connector.
    enum class Needs { Nothing, Store, StoreAndConnector };
    template <class Work, class Done> void run(EngineOp op, const QString &what, Work work, Done done);
    template <class Work, class Done>
    void runOnPool(EngineOp op, const QString &what, Needs needs, const std::string &uri, Work work, Done done);
    std::shared_ptr<Ticket> newTicket(EngineOp op, quint64 &id);
    void finishTicket(quint64 id);
    void recoverInterrupted();
    void setBusy(int delta, const QString &what);
    /// false (and preparationFinished with Busy) when a run is already going.
    bool runPreparation(tidemark::PreparationRequest request, const QString &state);
    /// A fresh connector for a pool thread (State is private to engine_client.cpp).
    tidemark::Result<std::unique_ptr<tidemark::Connector>> openForPool(const std::string &uri) const;

    std::unique_ptr<State> m_state; ///< touched only on the engine thread
    std::shared_ptr<Relay> m_relay; ///< to this object, while it lives
    std::shared_ptr<const Opener> m_opener;
    std::shared_ptr<StorePool> m_stores;
    std::map<quint64, std::shared_ptr<Ticket>> m_tickets; ///< GUI thread: requests not answered yet
    quint64 m_nextTicket = 1;
    std::unique_ptr<tidemark::EngineHost> m_host;
    QList<PluginStatus> m_plugins;
    QStringList m_schemes;
    QString m_who;
    QString m_storePath;
    int m_busy = 0;
    bool m_applying = false;
    // Cancel of a running apply: the stop source and the apply's connector.
    std::shared_ptr<std::stop_source> m_applyStop;
    struct ApplyCancel {
        std::mutex mutex;
        tidemark::Connector *connector = nullptr;
    };
    std::shared_ptr<ApplyCancel> m_applyCancel;
    /// Keychain passwords by URI, read by the engine thread and the pool threads.
    struct Passwords {
        std::mutex mutex;
        std::map<std::string, std::string> byUri;
        std::string uriFor(const std::string &uri);
    };
    std::shared_ptr<Passwords> m_passwords;
};

} // namespace tidemark::ui

Q_DECLARE_METATYPE(tidemark::PreparationEvent)
Q_DECLARE_METATYPE(tidemark::PreparationResult)
