// Log segments on a private PostgreSQL server: dead space in the server's
// own figures (n_dead_tup, then pgstattuple once installed) and the segment
// survey over a time-partitioned event log, with its figures stored.
#include <QTemporaryDir>
#include <QTest>

#include "monitor/activity_scan.h"
#include "postgres_test_util.h"
#include "segments/segment_survey.h"
#include "store/metadata_store.h"

using namespace tidemark;
using namespace tidemark::test;

class TestPostgresSegments : public QObject {
    Q_OBJECT
    std::unique_ptr<PostgresServer> m_pg;

    QString psqlOut(const QString &sql)
    {
        QString out, err;
        if (!m_pg->psql(sql, &out, &err))
            return QStringLiteral("ERROR: ") + err;
        return out.trimmed();
    }

private slots:
    void initTestCase()
    {
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        usePgpass(*m_pg);
        const QString out = psqlOut(QStringLiteral(
            "CREATE TABLE events (at timestamptz NOT NULL, kind text, payload text) PARTITION BY RANGE (at);\n"
            "CREATE TABLE events_d1 PARTITION OF events FOR VALUES FROM ('2026-12-01 00:00+00') TO ('2026-12-02 "
            "00:00+00');\n"
            "CREATE TABLE events_d2 PARTITION OF events FOR VALUES FROM ('2026-12-02 00:00+00') TO ('2026-12-03 "
            "00:00+00');\n"
            "CREATE TABLE events_d3 PARTITION OF events FOR VALUES FROM ('2026-12-03 00:00+00') TO ('2026-12-04 "
            "00:00+00');\n"
            "INSERT INTO events SELECT '2026-12-01 00:00+00'::timestamptz + g * interval '3 seconds', 'click', "
            "repeat('x', 120) FROM generate_series(0, 86399) g;\n"
            // A bloated sealed segment: most of day 1 deleted, autovacuum off so it stays.
            "ALTER TABLE events_d1 SET (autovacuum_enabled = off);\n"
            "DELETE FROM events_d1 WHERE extract(second FROM at)::int % 3 <> 0 OR extract(minute FROM at)::int % 2 = "
            "0;\n"
            "ANALYZE events_d1, events_d2, events_d3;"));
        QVERIFY2(!out.startsWith(QLatin1String("ERROR")), qPrintable(out));
    }
    void cleanupTestCase() { m_pg.reset(); }

    void deadSpaceFromTheServersOwnFigures()
    {
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        // The statistics collector reports asynchronously: wait for the deletes.
        QTRY_VERIFY_WITH_TIMEOUT(sqlInt(c->connection(),
                                        "SELECT coalesce(n_dead_tup, 0) FROM pg_stat_user_tables "
                                        "WHERE relname = 'events_d1'") > 0,
                                 20000);
        auto dead = c->deadSpace("events");
        QVERIFY2(dead, dead ? "" : qPrintable(explain(dead.error())));
        QCOMPARE(dead->size(), std::size_t(3));
        QCOMPARE(QString::fromStdString(dead->at(0).source), QStringLiteral("n_dead_tup"));
        QVERIFY(dead->at(0).deadRows > 10000 && dead->at(0).deadBytes > 0);
        QCOMPARE(dead->at(2).deadRows, std::int64_t(0));

        QVERIFY(!psqlOut(QStringLiteral("CREATE EXTENSION pgstattuple")).startsWith(QLatin1String("ERROR")));
        dead = c->deadSpace("events");
        QVERIFY2(dead, dead ? "" : qPrintable(explain(dead.error())));
        QCOMPARE(QString::fromStdString(dead->at(0).source), QStringLiteral("pgstattuple"));
        QVERIFY(dead->at(0).deadBytes > 1024 * 1024);
        QVERIFY(dead->at(0).deadBytes > dead->at(1).deadBytes);
    }

    void surveyRanksTheBloatedSegmentFirst()
    {
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        QTemporaryDir dir;
        auto store = MetadataStore::open(str(dir.filePath(QStringLiteral("store.db"))));
        QVERIFY(store);
        auto connection = (*store)->ensureConnection(str(m_pg->uri()));
        QVERIFY(connection);
        SegmentSettings s;
        s.compactThreshold = 1.0;
        QVERIFY((*store)->saveSegmentSettings(connection->id, "events", s, "test"));
        auto survey = surveySegments(*c, **store, *connection, "events", nowMs());
        QVERIFY2(survey, survey ? "" : qPrintable(explain(survey.error())));
        QCOMPARE(survey->tables.size(), std::size_t(1));
        const auto &segs = survey->tables[0].segments;
        QCOMPARE(segs.size(), std::size_t(3));
        QCOMPARE(segs.back().state, SegmentState::Active);
        QVERIFY(segs[0].priority > segs[1].priority);
        QVERIFY(!survey->compactionQueue.empty());
        QCOMPARE(QString::fromStdString(survey->compactionQueue.front().partition), QStringLiteral("events_d1"));
        // The load figure of the server was read (this test's sessions are idle).
        QVERIFY(survey->load.has_value());
        auto stored = (*store)->segmentFigures(connection->id, "events");
        QVERIFY(stored);
        QCOMPARE(stored->size(), std::size_t(3));
        QCOMPARE(stored->front().deadBytes, segs[0].deadBytes);
    }
};

QTEST_GUILESS_MAIN(TestPostgresSegments)
#include "tst_postgres_segments.moc"
