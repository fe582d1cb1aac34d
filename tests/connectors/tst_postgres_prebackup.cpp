// tidemark-cli prebackup against a real PostgreSQL with a skewed pgbench
// workload on range-partitioned accounts: report-only changes nothing
// (checksum and sum(abalance) equal), a deadline too short runs nothing and
// says so, sessions running statements make the database busy (the
// connector's load figure), and limits plus a deadline that admit some steps
// but not all run exactly those, with the data unchanged.
#include <algorithm>

#include <QProcess>
#include <QTemporaryDir>

#include "../e2e/cli_harness.h"
#include "postgres_test_util.h"

using namespace tidemark;
using namespace tidemark::test;

namespace {

struct Run {
    ProcessResult process;
    QJsonObject json;
};

} // namespace

class TestPostgresPreBackup : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;
    std::unique_ptr<CliHarness> m_h;

    ProcessResult cli(const QStringList &args) const { return m_h->cli(args, m_pg->environment()); }
    Run prebackup(const QStringList &args) const
    {
        Run r;
        r.process = cli(QStringList{QStringLiteral("--json"), QStringLiteral("prebackup"), m_pg->uri()} + args);
        r.json = QJsonDocument::fromJson(r.process.out.toUtf8()).object();
        return r;
    }
    /// Rows, order-independent checksum and sum(abalance): equal when only the layout changed.
    QString fingerprint() const
    {
        const ProcessResult r = cli(
            {QStringLiteral("--json"), QStringLiteral("checksum"), m_pg->uri(), QStringLiteral("pgbench_accounts")});
        const QJsonObject c = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QString sum;
        m_pg->psql(QStringLiteral("SELECT sum(abalance) FROM pgbench_accounts"), &sum);
        return QStringLiteral("%1/%2/%3")
            .arg(c.value(QStringLiteral("rows")).toInteger())
            .arg(c.value(QStringLiteral("checksum")).toString(), sum.trimmed());
    }
    bool setPolicy(const QStringList &args) const
    {
        const ProcessResult r = cli(QStringList{QStringLiteral("policy"), m_pg->uri(), QStringLiteral("--set")} + args);
        if (r.exitCode != 0)
            qWarning().noquote() << describe(r);
        return r.exitCode == 0;
    }

private slots:
    void initTestCase()
    {
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        usePgpass(*m_pg);
        const QString init = pgbenchInit(*m_pg, 4, 8);
        QVERIFY2(init.isEmpty(), qPrintable(init));
        QString err;
        QVERIFY2(m_pg->psql(QStringLiteral("SELECT pg_stat_reset()"), nullptr, &err), qPrintable(err));
        m_h = std::make_unique<CliHarness>();
    }
    void cleanupTestCase()
    {
        m_h.reset();
        m_pg.reset();
    }

    void policiesOnPostgres()
    {
        const QString uri = m_pg->uri();
        // Thresholds scaled to these small partitions (merges of up to four
        // cold partitions: steps of three distinct sizes); slow predicted rewrites
        // (1 MB/s) so steps take seconds on paper but run in far less.
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        auto t = c->describe("pgbench_accounts");
        QVERIFY(t);
        std::int64_t a = 0;
        for (const auto &p : t->partitions)
            a += p.bytes;
        a /= std::int64_t(t->partitions.size());
        QStringList args{QStringLiteral("settings"), uri};
        for (const QString &s :
             {QStringLiteral("backup_unit_bytes=%1").arg(a), QStringLiteral("split_min_bytes=%1").arg(a / 2),
              QStringLiteral("target_min_bytes=%1").arg(2 * a), QStringLiteral("target_max_bytes=%1").arg(4 * a),
              QStringLiteral("half_life_seconds=600"), QStringLiteral("sampling_interval_seconds=5"),
              QStringLiteral("rewrite_bytes_per_second=1000000"),
              // Merges save no backup bytes: asked for, so that they are proposed.
              QStringLiteral("merge_cold_partitions=1")})
            args << QStringLiteral("--set") << s;
        ProcessResult r = cli(args);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(cli({QStringLiteral("scan"), uri}).exitCode == 0, "first scan");

        // The skewed workload: every write lands in one hot key range.
        QTemporaryDir dir;
        const ProcessResult load =
            run(m_pg->binary(QStringLiteral("pgbench")),
                QStringList{QStringLiteral("-n"), QStringLiteral("-c"), QStringLiteral("2"), QStringLiteral("-T"),
                            QStringLiteral("6"), QStringLiteral("-f"),
                            writeSkewedScript(dir.path(), 0, QStringLiteral("random(1, 3000)"))} +
                    pgbenchConnection(*m_pg) + QStringList{m_pg->database()},
                m_pg->environment());
        QVERIFY2(load.exitCode == 0, qPrintable(describe(load)));
        {
            auto stats = postgres::PgConnection::open(str(uri));
            QVERIFY(stats);
            QTRY_VERIFY_WITH_TIMEOUT(pgbenchStatisticsFlushed(**stats), 10000);
        }
        const QString original = fingerprint();
        QVERIFY2(!original.startsWith(QLatin1String("0/")), qPrintable(original));

        // 1. report-only (the default): a plan, nothing changed, ready; the
        // connector's load figure is reported.
        Run run1 = prebackup({QStringLiteral("--deadline"), QStringLiteral("10m")});
        QVERIFY2(run1.process.exitCode == 0, qPrintable(describe(run1.process)));
        QCOMPARE(run1.json.value(QStringLiteral("result")).toString(), QStringLiteral("ready"));
        QCOMPARE(run1.json.value(QStringLiteral("steps_done")).toInt(), 0);
        QVERIFY2(run1.json.value(QStringLiteral("active_sessions")).isDouble(), qPrintable(run1.process.out));
        const QJsonArray decisions = run1.json.value(QStringLiteral("decisions")).toArray();
        QVERIFY2(decisions.size() >= 3, qPrintable(run1.process.out));
        QCOMPARE(fingerprint(), original);

        // 2. full, a deadline too short for any step: nothing runs, and it says so.
        QVERIFY(setPolicy({QStringLiteral("full")}));
        Run run2 = prebackup({QStringLiteral("--deadline"), QStringLiteral("100ms")});
        QVERIFY2(run2.process.exitCode == 11, qPrintable(describe(run2.process)));
        QCOMPARE(run2.json.value(QStringLiteral("reason")).toString(), QStringLiteral("deadline-too-short"));
        QVERIFY(run2.json.value(QStringLiteral("message")).toString().contains(QLatin1String("too short")));
        QCOMPARE(run2.json.value(QStringLiteral("steps_done")).toInt(), 0);
        QCOMPARE(fingerprint(), original);

        // 3. Load awareness from the connector: two sessions busy in a
        // statement exceed a threshold of one active session; with no time
        // to spare nothing runs and the reason is "busy".
        QList<QProcess *> sleepers;
        for (int i = 0; i < 2; ++i) {
            auto *p = new QProcess(this);
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("PGPASSFILE"), m_pg->pgpassFile());
            p->setProcessEnvironment(env);
            p->start(m_pg->binary(QStringLiteral("psql")),
                     pgbenchConnection(*m_pg) +
                         QStringList{QStringLiteral("-d"), m_pg->database(), QStringLiteral("-c"),
                                     QStringLiteral("SELECT pg_sleep(20)")});
            sleepers << p;
        }
        auto raw = postgres::PgConnection::open(str(uri));
        QVERIFY(raw);
        QTRY_VERIFY_WITH_TIMEOUT(sqlInt(**raw,
                                        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' "
                                        "AND state = 'active'") == 2,
                                 10000);
        Run run3 = prebackup({QStringLiteral("--deadline"), QStringLiteral("100ms"),
                              QStringLiteral("--busy-active-sessions"), QStringLiteral("1")});
        QVERIFY(
            sqlInt(**raw,
                   "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'") >=
            0);
        for (QProcess *p : sleepers)
            p->waitForFinished(10000);
        qDeleteAll(sleepers);
        QVERIFY2(run3.process.exitCode == 11, qPrintable(describe(run3.process)));
        QCOMPARE(run3.json.value(QStringLiteral("busy")).toBool(), true);
        QCOMPARE(run3.json.value(QStringLiteral("active_sessions")).toInt(), 2);
        QCOMPARE(run3.json.value(QStringLiteral("reason")).toString(), QStringLiteral("busy"));
        QCOMPARE(fingerprint(), original);

        // 4. safe with a lock limit below the largest step and a deadline that
        // fits only the shortest admitted one: exactly that step runs.
        QList<double> locks, seconds;
        for (const auto &v : decisions) {
            seconds << v.toObject().value(QStringLiteral("predicted_seconds")).toDouble();
            locks << (seconds.last() - 0.25) / 1.25;
        }
        QList<double> sorted = locks;
        std::sort(sorted.begin(), sorted.end());
        const double lockLimit = (sorted.at(sorted.size() - 1) + sorted.at(sorted.size() - 2)) / 2;
        QVERIFY2(sorted.last() - sorted.at(sorted.size() - 2) > 0.05, qPrintable(run1.process.out));
        QList<double> fitting;
        for (int i = 0; i < locks.size(); ++i)
            if (locks.at(i) <= lockLimit)
                fitting << seconds.at(i);
        std::sort(fitting.begin(), fitting.end());
        QVERIFY2(fitting.size() >= 2, qPrintable(run1.process.out));
        const qint64 deadlineMs = qint64((fitting.at(0) + 0.5 * fitting.at(1)) * 1000);
        QVERIFY(setPolicy(
            {QStringLiteral("safe"), QStringLiteral("--max-lock-seconds"), QString::number(lockLimit, 'f', 3)}));
        Run run4 = prebackup({QStringLiteral("--policy"), QStringLiteral("full"), QStringLiteral("--deadline"),
                              QStringLiteral("%1ms").arg(deadlineMs)});
        QVERIFY2(run4.process.exitCode == 0, qPrintable(describe(run4.process)));
        QCOMPARE(run4.json.value(QStringLiteral("policy")).toObject().value(QStringLiteral("level")).toString(),
                 QStringLiteral("safe"));
        int admitted = 0, byLock = 0, byDeadline = 0;
        for (const auto &v : run4.json.value(QStringLiteral("decisions")).toArray()) {
            const QJsonObject d = v.toObject();
            const QString why = d.value(QStringLiteral("reason")).toString();
            if (d.value(QStringLiteral("run")).toBool())
                ++admitted;
            else if (why.contains(QLatin1String("exceeds the limit")))
                ++byLock;
            else if (why.contains(QLatin1String("deadline")))
                ++byDeadline;
            else
                QFAIL(qPrintable(why));
        }
        QCOMPARE(admitted, 1);
        QVERIFY2(byLock >= 1 && byDeadline >= 1, qPrintable(run4.process.out));
        const QJsonObject ran = run4.json.value(QStringLiteral("plan")).toObject();
        QCOMPARE(ran.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QCOMPARE(ran.value(QStringLiteral("approved_by")).toString(), QStringLiteral("policy:safe"));
        const QJsonArray steps = ran.value(QStringLiteral("steps")).toArray();
        QCOMPARE(steps.size(), 1);
        QCOMPARE(steps.at(0).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QVERIFY2(
            steps.at(0).toObject().value(QStringLiteral("verification")).toString().endsWith(QLatin1String("equal")),
            qPrintable(run4.process.out));
        QCOMPARE(run4.json.value(QStringLiteral("steps_done")).toInt(), 1);
        // Same rows, same checksum, same sum(abalance): only the layout changed.
        QCOMPARE(fingerprint(), original);
        QCOMPARE(
            sqlInt(**raw,
                   "SELECT (SELECT sum(abalance) FROM pgbench_accounts) - (SELECT sum(delta) FROM pgbench_history)"),
            std::int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestPostgresPreBackup)
#include "tst_postgres_prebackup.moc"
