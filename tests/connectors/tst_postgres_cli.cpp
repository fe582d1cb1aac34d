// The whole loop of tidemark-cli against a real PostgreSQL: pgbench tables,
// a load confined to one hot key range, then scan → plan → approve → apply on a postgresql:// URI,
// loaded through the plugin like a DBA would run it.
#include <QTemporaryDir>

#include "../e2e/cli_harness.h"
#include "postgres_test_util.h"

using namespace tidemark;
using namespace tidemark::test;

class TestPostgresCli : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;

private slots:
    void initTestCase()
    {
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        usePgpass(*m_pg);
        const QString init = pgbenchInit(*m_pg, 2, 4);
        QVERIFY2(init.isEmpty(), qPrintable(init));
        // The bulk load is not workload: start the counters from here (a new
        // counter epoch, which the connector reports through stats_reset).
        QString err;
        QVERIFY2(m_pg->psql(QStringLiteral("SELECT pg_stat_reset()"), nullptr, &err), qPrintable(err));
    }
    void cleanupTestCase() { m_pg.reset(); }

    void scanPlanApproveApplyOnPostgres()
    {
        CliHarness h;
        const QString uri = m_pg->uri();
        const QStringList env = m_pg->environment();
        auto cli = [&](const QStringList &args) { return h.cli(args, env); };
        auto json = [&](const QStringList &args) {
            const ProcessResult r = cli(QStringList {QStringLiteral("--json")} + args);
            if (r.exitCode != 0)
                qWarning().noquote() << describe(r);
            return QJsonDocument::fromJson(r.out.toUtf8()).object();
        };

        ProcessResult r = cli({QStringLiteral("plugins")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("postgres")), qPrintable(describe(r)));

        // Thresholds scaled to these small partitions (as `demo init` does for SQLite).
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        auto t = c->describe("pgbench_accounts");
        QVERIFY(t);
        std::int64_t a = 0;
        for (const auto &p : t->partitions)
            a += p.bytes;
        a /= std::int64_t(t->partitions.size());
        const QStringList settings{
            QStringLiteral("backup_unit_bytes=%1").arg(a), QStringLiteral("split_min_bytes=%1").arg(a / 2),
            QStringLiteral("target_min_bytes=%1").arg(2 * a), QStringLiteral("target_max_bytes=%1").arg(8 * a),
            QStringLiteral("half_life_seconds=600"), QStringLiteral("sampling_interval_seconds=5"),
            // Merges of cold neighbours save no backup bytes: asked for here.
            QStringLiteral("merge_cold_partitions=1")};
        QStringList args {QStringLiteral("settings"), uri};
        for (const auto &s : settings)
            args << QStringLiteral("--set") << s;
        r = cli(args);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));

        r = cli({QStringLiteral("scan"), uri});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("pgbench_accounts")), qPrintable(describe(r)));

        QTemporaryDir dir;
        const ProcessResult load = run(m_pg->binary(QStringLiteral("pgbench")),
            QStringList {QStringLiteral("-n"), QStringLiteral("-c"), QStringLiteral("2"), QStringLiteral("-T"),
                QStringLiteral("8"), QStringLiteral("-f"),
                writeSkewedScript(dir.path(), 0, QStringLiteral("random(1, 2000)"))}
                + pgbenchConnection(*m_pg) + QStringList {m_pg->database()},
            env);
        QVERIFY2(load.exitCode == 0, qPrintable(describe(load)));
        {
            auto stats = tidemark::postgres::PgConnection::open(str(uri));
            QVERIFY(stats);
            QTRY_VERIFY_WITH_TIMEOUT(pgbenchStatisticsFlushed(**stats), 10000);
        }

        const ProcessResult scanned = cli({QStringLiteral("scan"), uri});
        const QJsonObject plan = json({QStringLiteral("plan"), uri});
        const QJsonArray steps = plan.value(QStringLiteral("steps")).toArray();
        QVERIFY2(!steps.isEmpty(), qPrintable(scanned.out + QString::fromUtf8(QJsonDocument(plan).toJson())));
        bool split = false;
        for (const auto &v : steps) {
            const QJsonObject s = v.toObject();
            split = split || s.value(QStringLiteral("kind")).toString() == QLatin1String("split");
            QVERIFY(s.value(QStringLiteral("sql")).toString().contains(QLatin1String("ATTACH PARTITION")));
        }
        QVERIFY2(split, QJsonDocument(plan).toJson().constData());
        QVERIFY2(steps.size() >= 2, "the cold neighbours are merged too");
        const QString planId = QString::number(plan.value(QStringLiteral("id")).toInteger());

        auto raw = tidemark::postgres::PgConnection::open(str(uri));
        QVERIFY(raw);
        const std::int64_t rows = sqlInt(**raw, "SELECT count(*) FROM pgbench_accounts");
        QVERIFY(cli({QStringLiteral("approve"), planId}).exitCode == 0);
        r = cli({QStringLiteral("apply"), planId});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject shown = json({QStringLiteral("show"), planId});
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        for (const auto &v : shown.value(QStringLiteral("steps")).toArray())
            QVERIFY2(v.toObject().value(QStringLiteral("verification")).toString().endsWith(QLatin1String("equal")),
                QJsonDocument(shown).toJson().constData());
        QCOMPARE(sqlInt(**raw, "SELECT count(*) FROM pgbench_accounts"), rows);
        QCOMPARE(sqlInt(**raw,
                     "SELECT (SELECT sum(abalance) FROM pgbench_accounts) - (SELECT sum(delta) FROM pgbench_history)"),
            std::int64_t(0));
        r = cli({QStringLiteral("status"), uri});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    }
};

QTEST_GUILESS_MAIN(TestPostgresCli)
#include "tst_postgres_cli.moc"
