// First contact with a PostgreSQL database Tidemark never changed, as a DBA
// meets it: right after `pgbench -i`, with no stats reset. The server logs
// no ERROR from Tidemark's own queries, the first scan is a baseline (the
// bulk load is not scored as a burst of writes), and merges that would save
// nothing are left out with the reason.
#include <QFile>
#include <QTemporaryDir>

#include "../e2e/cli_harness.h"
#include "postgres_test_util.h"

using namespace tidemark;
using namespace tidemark::test;

namespace {

/// ERROR lines the server logged after byte `from` of its log.
QStringList serverErrorsSince(const PostgresServer &pg, qint64 from)
{
    QFile f(pg.logFile());
    if (!f.open(QIODevice::ReadOnly))
        return {QStringLiteral("cannot read the server log %1").arg(pg.logFile())};
    f.seek(from);
    QStringList errors;
    for (const QString &line : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n')))
        if (line.contains(QLatin1String("ERROR:")) || line.contains(QLatin1String("FATAL:")))
            errors << line;
    return errors;
}

qint64 logSize(const PostgresServer &pg)
{
    return QFileInfo(pg.logFile()).size();
}

} // namespace

class TestPostgresFirstContact : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;
    QStringList m_settings;

private slots:
    void initTestCase()
    {
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        usePgpass(*m_pg);
        const QString init = pgbenchInit(*m_pg, 2, 4);
        QVERIFY2(init.isEmpty(), qPrintable(init));
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        QTRY_VERIFY_WITH_TIMEOUT(pgbenchStatisticsFlushed(c->connection()), 10000);
        // The load's inserts are in the counters, as on a database a DBA just filled.
        QVERIFY(sqlInt(c->connection(),
                       "SELECT sum(n_tup_ins) FROM pg_stat_user_tables WHERE relname LIKE "
                       "'pgbench_accounts_%'") >= 200000);
        // Thresholds scaled to these small partitions (as tst_postgres_cli does).
        auto t = c->describe("pgbench_accounts");
        QVERIFY(t);
        std::int64_t a = 0;
        for (const auto &p : t->partitions)
            a += p.bytes;
        a /= std::int64_t(t->partitions.size());
        m_settings = {QStringLiteral("backup_unit_bytes=%1").arg(a), QStringLiteral("split_min_bytes=%1").arg(a / 2),
                      QStringLiteral("target_min_bytes=%1").arg(2 * a),
                      QStringLiteral("target_max_bytes=%1").arg(8 * a)};
    }
    void cleanupTestCase() { m_pg.reset(); }

    void firstScanIsABaselineAndTheServerLogsNoError()
    {
        const QString uri = m_pg->uri();
        const QStringList env = m_pg->environment();
        const qint64 from = logSize(*m_pg);

        CliHarness h;
        QStringList set{QStringLiteral("settings"), uri};
        for (const auto &s : m_settings)
            set << QStringLiteral("--set") << s;
        ProcessResult r = h.cli(set, env);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));

        r = h.cli({QStringLiteral("--json"), QStringLiteral("scan"), uri}, env);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject first = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonArray scores = first.value(QStringLiteral("scores")).toArray();
        QCOMPARE(scores.size(), 4);
        QCOMPARE(first.value(QStringLiteral("baseline_partitions")).toInt(), 4);
        QCOMPARE(first.value(QStringLiteral("note")).toString(), QStringLiteral("baseline; scores from the next scan"));
        for (const auto &v : scores) {
            const QJsonObject s = v.toObject();
            QVERIFY2(s.value(QStringLiteral("baseline")).toBool(), qPrintable(r.out));
            QCOMPARE(s.value(QStringLiteral("score")).toDouble(), 0.0);
        }

        // The next scan measures from the baseline: nothing was written since.
        const QJsonObject plan = h.json({QStringLiteral("plan"), uri});
        QVERIFY2(!plan.isEmpty(), "plan");
        const QString planText = QString::fromUtf8(QJsonDocument(plan).toJson());
        QCOMPARE(plan.value(QStringLiteral("baseline_partitions")).toInt(), 0);
        QVERIFY2(plan.value(QStringLiteral("steps")).toArray().isEmpty(), qPrintable(planText));
        r = h.cli({QStringLiteral("--json"), QStringLiteral("scan"), uri}, env);
        for (const auto &v :
             QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("scores")).toArray()) {
            const QJsonObject s = v.toObject();
            QVERIFY2(!s.value(QStringLiteral("baseline")).toBool(), qPrintable(r.out));
            QVERIFY2(s.value(QStringLiteral("score")).toDouble() < 20.0, qPrintable(r.out));
        }
        // Four cold neighbours: a merge would rewrite them all to save nothing per cycle.
        bool mergeLeftOut = false;
        for (const auto &v : plan.value(QStringLiteral("skipped")).toArray()) {
            const QJsonObject s = v.toObject();
            if (s.value(QStringLiteral("partitions")).toArray().size() >= 2 &&
                s.value(QStringLiteral("reason")).toString().contains(QLatin1String("merge left out")) &&
                s.value(QStringLiteral("reason")).toString().contains(QStringLiteral("net −")))
                mergeLeftOut = true;
        }
        QVERIFY2(mergeLeftOut, qPrintable(planText));

        // A fresh store meets the database for the first time again: the
        // text output says so, and so does a plan made at first contact.
        CliHarness other;
        r = other.cli({QStringLiteral("scan"), uri}, env);
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("baseline; scores from the next scan")),
                 qPrintable(describe(r)));
        CliHarness third;
        r = third.cli({QStringLiteral("plan"), uri}, env);
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("baseline; scores from the next scan")) &&
                     !r.out.contains(QLatin1String("every partition is within")),
                 qPrintable(describe(r)));

        const QStringList errors = serverErrorsSince(*m_pg, from);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestPostgresFirstContact)
#include "tst_postgres_first_contact.moc"
