// The node resource monitor on a private PostgreSQL server: the connector
// reports its load counters (pg_stat_database) and size as a
// ResourceReporter, samples land in the metadata store as a time series,
// and the rates between them follow the workload; a statistics reset starts
// a new counter epoch instead of a negative rate.
#include <QTemporaryDir>
#include <QtTest>

#include "connector_features.h"
#include "postgres_test_util.h"
#include "rebalance/node_monitor.h"
#include "store/metadata_store.h"

using namespace tidemark;
using namespace tidemark::test;

class TestPostgresNodeMonitor : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        usePgpass(*m_pg);
        QString error;
        QVERIFY2(m_pg->psql(QStringLiteral("CREATE TABLE hits(id bigint PRIMARY KEY, note text)"), nullptr, &error),
                 qPrintable(error));
    }
    void cleanupTestCase() { m_pg.reset(); }

    void reportsLoadAndSize()
    {
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        QVERIFY(feature<ResourceReporter>(*c));
        QVERIFY(capabilitiesOf(*c).resources);
        QVERIFY(capabilitiesOf(*c).whyNot("resources").empty());
        auto r = c->resources();
        QVERIFY2(r, r ? "" : qPrintable(explain(r.error())));
        QVERIFY(r->diskBytesUsed && *r->diskBytesUsed > 1'000'000);
        QVERIFY(r->transactions && *r->transactions > 0);
        QVERIFY(r->tuplesRead && r->tuplesWritten && r->blocksRead && r->blocksHit);
        QVERIFY(r->activeSessions && *r->activeSessions >= 0 && r->maxSessions && *r->maxSessions > 0);
        QVERIFY(!r->counterEpoch.empty());
        QVERIFY(!r->cores); // the server cannot tell; the node catalogue does
    }

    void samplesFollowTheWorkloadAndSurviveAReset()
    {
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        auto store = MetadataStore::open(str(m_dir.filePath(QStringLiteral("store.db"))));
        QVERIFY(store);
        auto conn = (*store)->ensureConnection(str(m_pg->uri()));
        QVERIFY(conn);
        const std::int64_t t0 = 1'800'000'000'000;
        auto first = rebalance::sampleNodeResources(*c, **store, conn->id, t0);
        QVERIFY2(first, first ? "" : qPrintable(explain(first.error())));

        // 5000 rows in 50 transactions, from psql (its statistics reach the
        // server when it exits).
        QString error;
        QString sql;
        for (int t = 0; t < 50; ++t)
            sql += QStringLiteral("BEGIN; INSERT INTO hits SELECT g, 'x' FROM generate_series(%1, %2) g; COMMIT;\n")
                       .arg(t * 100 + 1)
                       .arg(t * 100 + 100);
        QVERIFY2(m_pg->psql(sql, nullptr, &error), qPrintable(error));
        std::int64_t at = t0;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto s = rebalance::sampleNodeResources(*c, **store, conn->id, at += 10'000);
                return s && s->tuplesWritten && first->tuplesWritten &&
                    *s->tuplesWritten - *first->tuplesWritten >= 5000;
            }(),
            15000);
        auto samples = (*store)->nodeSamples(conn->id);
        QVERIFY(samples && samples->size() >= 2);
        QCOMPARE(samples->front().timestampMs, t0);
        QCOMPARE(samples->front().counterEpoch, first->counterEpoch);
        QVERIFY(samples->back().databaseBytes && *samples->back().databaseBytes > 0);
        auto rates = rebalance::nodeRates(*samples);
        QCOMPARE(rates.size(), samples->size() - 1);
        double written = 0, transactions = 0;
        for (const auto &r : rates) {
            written += *r.tuplesWrittenPerSecond * double(r.toMs - r.fromMs) / 1000.0;
            transactions += *r.transactionsPerSecond * double(r.toMs - r.fromMs) / 1000.0;
        }
        QVERIFY2(written >= 5000, qPrintable(QString::number(written)));
        QVERIFY2(transactions >= 50, qPrintable(QString::number(transactions)));

        // A statistics reset starts a new epoch: no rate across it.
        QVERIFY2(m_pg->psql(QStringLiteral("SELECT pg_stat_reset()"), nullptr, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto s = rebalance::sampleNodeResources(*c, **store, conn->id, at += 10'000);
                return s && s->counterEpoch != first->counterEpoch;
            }(),
            15000);
        auto after = (*store)->nodeSamples(conn->id);
        QVERIFY(after);
        const auto afterRates = rebalance::nodeRates(*after);
        QCOMPARE(afterRates.size(), after->size() - 2); // the interval across the reset is left out
        for (const auto &r : afterRates)
            QVERIFY(!r.tuplesWrittenPerSecond || *r.tuplesWrittenPerSecond >= 0);
        // Later readings only.
        auto recent = (*store)->nodeSamples(conn->id, at);
        QVERIFY(recent && recent->size() == 1);
    }
};

QTEST_GUILESS_MAIN(TestPostgresNodeMonitor)
#include "tst_postgres_node_monitor.moc"
