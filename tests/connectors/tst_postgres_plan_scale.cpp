// What a plan of many partitions asks a private PostgreSQL server: a merge
// step's fingerprint and SQL preview read the table's catalogue from the
// scan that came before (no size query per step) and check its sources in
// one query each, not one per source (the server logs every statement); a
// scan reads the sizes once; and a change of the catalogue between the
// calls is seen all the same.
#include <QFile>
#include <QTest>

#include <fmt/format.h>

#include "postgres_test_util.h"

using namespace tidemark;
using namespace tidemark::test;

namespace {

constexpr int kPartitions = 300;
constexpr int kSources = 250;
constexpr std::int64_t kWidth = 100;

} // namespace

class TestPostgresPlanScale : public QObject {
    Q_OBJECT
    std::unique_ptr<PostgresServer> m_pg;

    /// Statements logged from `from` (a byte offset of the log) that contain `text`.
    int logged(qint64 from, const QString &text) const
    {
        QFile f(m_pg->logFile());
        if (!f.open(QIODevice::ReadOnly) || !f.seek(from))
            return -1;
        return int(QString::fromUtf8(f.readAll()).count(text));
    }
    qint64 logSize() const { return QFile(m_pg->logFile()).size(); }

    std::vector<std::string> sources(int first, int count) const
    {
        std::vector<std::string> out;
        for (int i = first; i < first + count; ++i)
            out.push_back(fmt::format("events_p{}", i));
        return out;
    }

private slots:
    void initTestCase()
    {
        PostgresServer::Options options;
        options.extraSettings = {QStringLiteral("log_statement=all")};
        m_pg = PostgresServer::start(options);
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        usePgpass(*m_pg);
        QString sql = QStringLiteral("CREATE TABLE events (id bigint NOT NULL, v int) PARTITION BY RANGE (id);\n");
        for (int i = 0; i < kPartitions; ++i)
            sql += QStringLiteral("CREATE TABLE events_p%1 PARTITION OF events FOR VALUES FROM (%2) TO (%3);\n")
                       .arg(i)
                       .arg(i * kWidth)
                       .arg((i + 1) * kWidth);
        sql += QStringLiteral("INSERT INTO events SELECT g, 1 FROM generate_series(0, %1, 7) g;\n")
                   .arg(kPartitions * kWidth - 1);
        QString error;
        QVERIFY2(m_pg->psql(sql, nullptr, &error), qPrintable(error));
    }
    void cleanupTestCase() { m_pg.reset(); }

    void mergePreviewReadsTheCatalogueOnceNotPerStepOrSource()
    {
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        QVERIFY(c->discover()); // what a scan reads: sizes of every partition
        const qint64 from = logSize();
        Step step = makeStep(*c, StepKind::Merge, "events", sources(10, kSources),
                             {target(10 * kWidth, (10 + kSources) * kWidth)}, "scale1");
        QVERIFY(!step.fingerprint.empty());
        auto sql = c->preview(step);
        QVERIFY2(sql, sql ? "" : qPrintable(explain(sql.error())));
        QVERIFY(sql->find("events_p259") != std::string::npos);
        // Before: the size query twice (fingerprint, preview), the index and
        // trigger queries once per source.
        QCOMPARE(logged(from, QStringLiteral("pg_total_relation_size")), 0);
        QCOMPARE(logged(from, QStringLiteral("pg_get_indexdef(indexrelid) AS d")), 1);
        QCOMPARE(logged(from, QStringLiteral("FROM pg_trigger WHERE tgrelid")), 1);
    }

    // A scan lists the tables, then samples them: the sizes of every
    // partition are read once (the statement names pg_total_relation_size
    // twice), not once for each; a partition created in between is sampled.
    void aScanReadsTheSizesOnce()
    {
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        const qint64 from = logSize();
        auto tables = c->discover();
        QVERIFY(tables);
        auto samples = c->sampleActivity();
        QVERIFY(samples);
        QCOMPARE(logged(from, QStringLiteral("pg_total_relation_size")), 2);
        QString error;
        QVERIFY2(m_pg->psql(QStringLiteral("CREATE TABLE events_p300 PARTITION OF events FOR VALUES FROM (30000) TO "
                                           "(30100)"),
                            nullptr, &error),
                 qPrintable(error));
        auto after = c->sampleActivity();
        QVERIFY(after);
        QCOMPARE(after->size(), samples->size() + 1);
        QVERIFY2(m_pg->psql(QStringLiteral("DROP TABLE events_p300"), nullptr, &error), qPrintable(error));
    }

    void aCatalogueChangeBetweenCallsIsSeen()
    {
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        QVERIFY(c->discover());
        Step step =
            makeStep(*c, StepKind::Merge, "events", sources(280, 10), {target(280 * kWidth, 290 * kWidth)}, "scale2");
        QVERIFY(c->preview(step));
        QString error;
        QVERIFY2(m_pg->psql(QStringLiteral("ALTER TABLE events DETACH PARTITION events_p285"), nullptr, &error),
                 qPrintable(error));
        auto fp = c->fingerprint("events", step.sources);
        QVERIFY(fp);
        QVERIFY(*fp != step.fingerprint);
        auto sql = c->preview(step);
        QVERIFY(!sql);
        QCOMPARE(sql.error().code, ErrorCode::StalePlan);
        QVERIFY2(m_pg->psql(QStringLiteral("ALTER TABLE events ATTACH PARTITION events_p285 FOR VALUES FROM (28500) "
                                           "TO (28600)"),
                            nullptr, &error),
                 qPrintable(error));
        auto back = c->fingerprint("events", step.sources);
        QVERIFY(back);
        QCOMPARE(*back, step.fingerprint);
        QVERIFY(c->preview(step));
    }
};

QTEST_GUILESS_MAIN(TestPostgresPlanScale)
#include "tst_postgres_plan_scale.moc"
