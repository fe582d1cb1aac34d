// EngineClient's blocking requests: settling interrupted steps after the
// store opens, connection tests, scans, plans and forecasts. Each runs on the
// engine host's bounded pool with a store connection of its own and the
// URI's connector (lent from the engine thread's idle ones, or opened there),
// can be cancelled through its ticket, and answers on the GUI thread through
// the relay.
#include <QUrl>

#include <set>

#include "engine_client.h"
#include "engine_client_internal.h"
#include "executor/plan_executor.h"
#include "planning/plan_builder.h"
#include "replication/copy_planner.h"
#include "segments/segment_compaction.h"

namespace tidemark::ui {

namespace {
// How far back the heatmap looks: enough samples for a useful picture.
constexpr int kHistorySamples = 720;

tl::unexpected<tidemark::Error> cancelled()
{
    return tidemark::fail(ErrorCode::Cancelled, "cancelled; nothing was changed");
}
} // namespace

template <class Work, class Done>
void EngineClient::runOnPool(EngineOp op, const QString &what, Needs needs, const std::string &uri, Work work,
                             Done done)
{
    using R = std::invoke_result_t<Work &, PoolWork &>;
    quint64 id = 0;
    auto ticket = newTicket(op, id);
    ticket->subject = uri;
    setBusy(+1, what);
    // On the GUI thread, whatever the outcome: the ticket is answered.
    auto answer = [this, id, ticket, done = std::move(done)](R result) mutable {
        finishTicket(id);
        setBusy(-1, QString());
        if (!result && ticket->cancelled)
            result = cancelled();
        done(std::move(result));
    };
    auto deliver = [relay = m_relay, answer = std::move(answer)](R r) {
        relay->post([answer, r = std::move(r)]() mutable { answer(std::move(r)); });
    };
    // Jobs on one URI run one after the other, as they did on the engine
    // thread: two scans of a connection must not sample and score it at once.
    const bool serial = needs == Needs::StoreAndConnector;
    auto start = [host = m_host.get(), state = m_state.get(), opener = m_opener, stores = m_stores, ticket, needs, uri,
                  serial, work = std::move(work), deliver]() mutable {
        // Engine thread: the connection record and an idle connector, if any.
        auto finish = [host, state, uri, serial, deliver](R r) {
            if (serial)
                state->release(uri, *host);
            deliver(std::move(r));
        };
        if (ticket->cancelled)
            return finish(cancelled());
        auto lent = std::make_shared<std::unique_ptr<tidemark::Connector>>();
        tidemark::Connection connection;
        if (needs == Needs::StoreAndConnector) {
            auto c = tidemark::EngineHost::guarded([&] { return state->connection(uri); });
            if (!c)
                return finish(tl::unexpected(c.error()));
            connection = std::move(*c);
            *lent = state->borrow(uri);
        }
        auto job = host->runBlocking(
            [needs, uri, opener, stores, lent, connection, work](std::stop_token stop) mutable -> R {
                std::optional<StorePool::Lease> store;
                if (needs != Needs::Nothing) {
                    auto l = stores->lease();
                    if (!l)
                        return tl::unexpected(l.error());
                    store.emplace(std::move(*l));
                }
                if (needs == Needs::StoreAndConnector && !*lent) {
                    auto c = opener->open(uri); // a connect honours the stop token
                    if (!c)
                        return tl::unexpected(c.error());
                    *lent = std::move(*c);
                }
                if (stop.stop_requested())
                    return cancelled();
                tidemark::Connector *connector = lent->get();
                PoolWork w{store ? &**store : nullptr, connector, connection, stop};
                R r = tidemark::EngineHost::guarded([&]() -> R {
                    if (!connector)
                        return work(w);
                    // The connector's own cancel stops the statement running now.
                    std::stop_callback onStop(stop, [connector] { connector->cancel(); });
                    return work(w);
                });
                // A connector that failed may be unusable (server restarted,
                // file replaced): it closes here, on the pool, and is reopened
                // next time.
                if (!r || stop.stop_requested())
                    lent->reset();
                return r;
            },
            [state, uri, lent, finish](R r) mutable {
                if (*lent)
                    state->giveBack(uri, std::move(*lent));
                finish(std::move(r));
            });
        ticket->attach(std::move(job));
    };
    m_host->post([state = m_state.get(), uri, serial, start = std::move(start)]() mutable {
        if (serial && !state->claim(uri, start))
            return; // queued behind the job running on this URI
        start();
    });
}

void EngineClient::openStore(const QString &path)
{
    m_storePath = path;
    const std::string p = toStd(path);
    m_stores->setPath(p);
    // Opening (and migrating) the local file is the engine thread's; settling
    // what a killed process left talks to the databases, so it runs on the pool.
    run(
        EngineOp::OpenStore, tr("Opening the metadata store"),
        [p](State &s) -> Result<bool> {
            auto store = tidemark::MetadataStore::open(p);
            if (!store)
                return tl::unexpected(store.error());
            s.store = std::move(*store);
            s.connectors.clear();
            return true;
        },
        [this](bool) { recoverInterrupted(); });
}

void EngineClient::recoverInterrupted()
{
    const QString path = m_storePath;
    const std::string who = toStd(m_who);
    runOnPool(
        EngineOp::OpenStore, tr("Settling interrupted steps"), Needs::Store, {},
        [who, opener = m_opener](PoolWork &w) -> Result<QStringList> {
            // Settle steps a killed process left running, where no live executor owns them.
            QStringList messages;
            auto uris = w.store->unsettledConnections();
            if (!uris)
                return tl::unexpected(uris.error());
            for (const auto &uri : *uris) {
                if (w.stop.stop_requested())
                    return cancelled();
                auto c = opener->open(uri);
                if (!c) {
                    messages << toQString(uri + ": " + c.error().message);
                    continue;
                }
                std::stop_callback onStop(w.stop, [raw = c->get()] { raw->cancel(); });
                tidemark::PlanExecutor executor(**c, *w.store);
                // An interrupted copy's receiving node says whether it committed.
                executor.setNodeOpener([opener](const std::string &node) { return opener->open(node); });
                if (auto r = executor.recoverIfIdle(uri, who))
                    for (const auto &m : r->messages)
                        messages << toQString(m);
            }
            return messages;
        },
        [this, path](Result<QStringList> r) {
            if (!r)
                Q_EMIT failed(EngineOp::OpenStore, EngineError::from(r.error()));
            else
                Q_EMIT storeOpened(path, *r);
        });
}

void EngineClient::testConnection(const QString &uri, const QString &password)
{
    std::string u = toStd(uri);
    if (!password.isEmpty()) {
        QUrl url(uri);
        url.setPassword(password);
        u = toStd(url.toString());
    }
    runOnPool(
        EngineOp::TestConnection, tr("Testing %1").arg(uri), Needs::Nothing, toStd(uri),
        [u, withPassword = !password.isEmpty(), opener = m_opener](PoolWork &w) -> Result<QString> {
            // A fresh connector each time: a test must not be answered from a cache.
            auto opened = withPassword ? opener->registry.open(u) : opener->open(u);
            if (!opened)
                return tl::unexpected(opened.error());
            std::stop_callback onStop(w.stop, [raw = opened->get()] { raw->cancel(); });
            auto tables = (*opened)->discover();
            if (!tables)
                return tl::unexpected(tables.error());
            std::size_t partitions = 0;
            for (const auto &t : *tables)
                partitions += t.partitions.size();
            return tr("Connected: %n partitioned table(s)", nullptr, int(tables->size())) + QLatin1String(", ") +
                tr("%n partition(s)", nullptr, int(partitions));
        },
        [this, uri](Result<QString> r) {
            const EngineError error =
                r ? EngineError{{}, {}, ErrorCode::Internal, uri} : EngineError::from(r.error(), uri);
            Q_EMIT connectionTested(uri, bool(r), r ? *r : error.text(), error);
        });
}

void EngineClient::scan(const QString &uri)
{
    const std::string u = toStd(uri);
    runOnPool(
        EngineOp::Scan, tr("Scanning %1").arg(uri), Needs::StoreAndConnector, u,
        [uri](PoolWork &w) -> Result<ScanSnapshot> {
            const std::int64_t now = tidemark::nowMs();
            auto scan = tidemark::scanActivity(*w.connector, *w.store, w.connection, now);
            if (!scan)
                return tl::unexpected(scan.error());
            ScanSnapshot snap;
            snap.uri = uri;
            snap.connection = w.connection;
            snap.scan = std::move(*scan);
            snap.capabilities = tidemark::capabilitiesOf(*w.connector);
            const std::int64_t since = now - w.connection.settings.samplingIntervalSeconds * 1000 * kHistorySamples;
            for (const auto &table : snap.scan.tables) {
                if (w.stop.stop_requested())
                    return cancelled();
                auto history = w.store->scoreHistory(w.connection.id, table.name, since);
                if (!history)
                    return tl::unexpected(history.error());
                snap.history[table.name] = std::move(*history);
            }
            auto plans = w.store->plans(w.connection.id, 50);
            if (!plans)
                return tl::unexpected(plans.error());
            for (const auto &p : *plans)
                if (p.status == PlanStatus::Proposed || p.status == PlanStatus::Approved)
                    snap.openPlans.push_back(p);
            return snap;
        },
        [this, uri](Result<ScanSnapshot> r) {
            if (!r)
                Q_EMIT failed(EngineOp::Scan, EngineError::from(r.error(), uri));
            else
                Q_EMIT scanned(*r);
        });
}

void EngineClient::proposePlan(const QString &uri)
{
    const std::string u = toStd(uri);
    const std::string who = toStd(m_who);
    runOnPool(
        EngineOp::Plan, tr("Planning %1").arg(uri), Needs::StoreAndConnector, u,
        [who](PoolWork &w) -> Result<tidemark::PlanOutcome> {
            tidemark::PlanRequest request;
            request.requestedBy = who;
            request.nowMs = tidemark::nowMs();
            auto outcome = tidemark::buildPreBackupPlan(*w.connector, *w.store, w.connection, request);
            if (outcome && w.stop.stop_requested() && outcome->plan.id == 0)
                return cancelled(); // histograms cut short: an empty plan would mislead
            return outcome;
        },
        [this, uri](Result<tidemark::PlanOutcome> r) {
            if (!r) {
                Q_EMIT failed(EngineOp::Plan, EngineError::from(r.error(), uri));
                return;
            }
            QStringList notes;
            for (const auto &n : r->notes)
                notes << toQString(n);
            Q_EMIT planProposed(r->plan, notes);
        });
}

void EngineClient::forecastSeries(const ForecastRequest &request)
{
    runOnPool(
        EngineOp::Forecast, tr("Forecasting %1").arg(request.table), Needs::Store, {},
        [request](PoolWork &w) -> Result<SeriesForecastReply> {
            SeriesForecastReply reply;
            reply.request = request;
            auto connection = w.store->findConnection(toStd(request.uri));
            if (!connection)
                return tl::unexpected(connection.error());
            if (!*connection) {
                reply.noSamples = true;
                return reply;
            }
            tidemark::StoredSeriesRequest series;
            series.table = toStd(request.table);
            series.partitions = request.partitions;
            series.metric = request.writes ? tidemark::SeriesMetric::Writes : tidemark::SeriesMetric::Size;
            series.horizon = request.horizon;
            auto f = tidemark::forecastStoredSeries(*w.store, **connection, series, tidemark::nowMs());
            if (f)
                reply.forecast = std::move(*f);
            else
                reply.error = EngineError::from(f.error());
            return reply;
        },
        [this, request](Result<SeriesForecastReply> r) {
            if (r) {
                Q_EMIT seriesForecast(*r);
                return;
            }
            SeriesForecastReply reply;
            reply.request = request;
            reply.error = EngineError::from(r.error());
            Q_EMIT seriesForecast(reply);
        });
}

namespace {

/// Each table's total size at every sampled moment of its window, as the
/// survey forecast it (the sum of its segments' readings at that time).
Result<std::map<std::string, std::vector<tidemark::SizePoint>>> sizeHistory(tidemark::MetadataStore &store,
                                                                            const tidemark::Connection &connection,
                                                                            const tidemark::SegmentSurvey &survey)
{
    std::map<std::string, std::vector<tidemark::SizePoint>> out;
    for (const auto &t : survey.tables) {
        std::map<std::int64_t, double> sums;
        for (const auto &f : t.segments) {
            auto samples = store.samples(connection.id, t.table, f.partition, survey.takenMs - t.settings.windowMs);
            if (!samples)
                return tl::unexpected(samples.error());
            for (const auto &s : *samples)
                sums[s.timestampMs] += double(s.bytes);
        }
        auto &points = out[t.table];
        for (const auto &[ms, bytes] : sums)
            points.push_back({ms, bytes});
    }
    return out;
}

} // namespace

void EngineClient::surveySegments(const QString &uri)
{
    runOnPool(
        EngineOp::Segments, tr("Surveying the segments of %1").arg(uri), Needs::StoreAndConnector, toStd(uri),
        [uri](PoolWork &w) -> Result<SegmentsReply> {
            auto survey = tidemark::surveySegments(*w.connector, *w.store, w.connection, {}, tidemark::nowMs());
            if (!survey)
                return tl::unexpected(survey.error());
            if (w.stop.stop_requested())
                return cancelled();
            auto history = sizeHistory(*w.store, w.connection, *survey);
            if (!history)
                return tl::unexpected(history.error());
            return SegmentsReply{uri, std::move(*survey), std::move(*history)};
        },
        [this, uri](Result<SegmentsReply> r) {
            if (!r)
                Q_EMIT failed(EngineOp::Segments, EngineError::from(r.error(), uri));
            else
                Q_EMIT segmentsSurveyed(*r);
        });
}

void EngineClient::planArchive(const QString &uri, const QString &directory)
{
    const std::string who = toStd(m_who);
    runOnPool(
        EngineOp::Segments, tr("Planning the archive of %1").arg(uri), Needs::StoreAndConnector, toStd(uri),
        [who, dir = toStd(directory)](PoolWork &w) -> Result<tidemark::Plan> {
            // The plan rests on a fresh survey, so it archives what is due now.
            const std::int64_t now = tidemark::nowMs();
            auto survey = tidemark::surveySegments(*w.connector, *w.store, w.connection, {}, now);
            if (!survey)
                return tl::unexpected(survey.error());
            if (w.stop.stop_requested())
                return cancelled();
            tidemark::ArchivePlanRequest request;
            request.toDirectory = dir;
            request.requestedBy = who;
            request.nowMs = now;
            return tidemark::planArchive(*w.connector, *w.store, w.connection, *survey, request);
        },
        [this, uri](Result<tidemark::Plan> r) {
            if (!r)
                Q_EMIT failed(EngineOp::Segments, EngineError::from(r.error(), uri));
            else
                Q_EMIT archivePlanned(uri, *r);
        });
}

void EngineClient::planCompaction(const QString &uri)
{
    const std::string who = toStd(m_who);
    runOnPool(
        EngineOp::Segments, tr("Planning the compaction of %1").arg(uri), Needs::StoreAndConnector, toStd(uri),
        [who](PoolWork &w) -> Result<tidemark::Plan> {
            const std::int64_t now = tidemark::nowMs();
            auto survey = tidemark::surveySegments(*w.connector, *w.store, w.connection, {}, now);
            if (!survey)
                return tl::unexpected(survey.error());
            if (survey->atPeak)
                return tidemark::fail(ErrorCode::Busy,
                                      "the database is at peak load (" + survey->load->text + "); compaction waits",
                                      "try again when the load is lower, or raise peak-active-sessions");
            if (w.stop.stop_requested())
                return cancelled();
            tidemark::CompactionPlanRequest request;
            request.requestedBy = who;
            request.nowMs = now;
            return tidemark::planCompaction(*w.connector, *w.store, w.connection, *survey, request);
        },
        [this, uri](Result<tidemark::Plan> r) {
            if (!r)
                Q_EMIT failed(EngineOp::Segments, EngineError::from(r.error(), uri));
            else
                Q_EMIT compactionPlanned(uri, *r);
        });
}

void EngineClient::planCopy(const QString &uri, const QString &table, const QString &partition, const QString &node,
                            bool move)
{
    const std::string who = toStd(m_who);
    runOnPool(
        EngineOp::Copy,
        move ? tr("Planning the move of %1").arg(partition) : tr("Planning the copy of %1").arg(partition),
        Needs::StoreAndConnector, toStd(uri),
        [who, move, table = toStd(table), partition = toStd(partition), name = toStd(node),
         opener = m_opener](PoolWork &w) -> Result<CopyPlanReply> {
            auto found = w.store->findNode(name);
            if (!found)
                return tl::unexpected(found.error());
            if (!*found)
                return tidemark::fail(ErrorCode::NotFound, "there is no node named \"" + name + "\" in the catalogue",
                                      "add it on the Nodes page");
            tidemark::CopyRequest request;
            request.kind = move ? StepKind::Move : StepKind::Copy;
            request.table = table;
            request.partition = partition;
            request.target = **found;
            request.requestedBy = who;
            request.nowMs = tidemark::nowMs();
            // The receiving node is asked what it reports of itself, when it answers.
            auto target = opener->open(request.target.connectionUri);
            auto outcome = tidemark::buildCopyPlan(*w.connector, target ? target->get() : nullptr, *w.store,
                                                   w.connection, request);
            if (!outcome)
                return tl::unexpected(outcome.error());
            CopyPlanReply reply;
            reply.plan = std::move(outcome->plan);
            if (!target)
                reply.notes << tr("Node %1 does not answer now (%2); it is sized from the catalogue alone.")
                                   .arg(toQString(request.target.name), toQString(target.error().message));
            for (const auto &n : outcome->notes)
                reply.notes << toQString(n);
            reply.notes << toQString(outcome->sizing.text);
            return reply;
        },
        [this, uri](Result<CopyPlanReply> r) {
            if (!r) {
                Q_EMIT failed(EngineOp::Copy, EngineError::from(r.error(), uri));
                return;
            }
            r->uri = uri;
            Q_EMIT copyPlanned(*r);
        });
}

} // namespace tidemark::ui
