// `tidemark-cli rebalance plan` → approve → apply between two private
// PostgreSQL servers: a node of one core under pgbench load is forecast
// over its line, the plan moves its partitions to the roomy node, apply
// runs the moves under pgbench (no failed transaction) and validates each
// one (rows readable and writable through the parent, indexes and NOT NULL
// on the receiving table, the DBA's smoke queries). A smoke query that does
// not hold fails the validation and stops the plan; a malformed --smoke is
// refused with nothing stored. Partitions under a primary key are left out
// of the plan with the reason, and a move of one is refused up front.
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include "../e2e/cli_harness.h"
#include "postgres_test_util.h"

using namespace tidemark;
using namespace tidemark::test;
using tidemark::postgres::PgConnection;

class TestPostgresRebalance : public QObject {
    Q_OBJECT

    TwoPostgresNodes m_nodes;
    QTemporaryDir m_dir;

    QStringList env() const { return m_nodes.environment(); }

    bool startPgbench(QProcess &bench, int seconds)
    {
        bench.setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("PGPASSFILE"), m_nodes.pgpass);
        bench.setProcessEnvironment(e);
        bench.start(m_nodes.a->binary(QStringLiteral("pgbench")),
                    QStringList{QStringLiteral("-n"), QStringLiteral("-b"), QStringLiteral("tpcb-like"),
                                QStringLiteral("-c"), QStringLiteral("2"), QStringLiteral("-j"), QStringLiteral("2"),
                                QStringLiteral("-T"), QString::number(seconds), QStringLiteral("--max-tries=10"),
                                QStringLiteral("--failures-detailed")} +
                        pgbenchConnection(*m_nodes.a) + QStringList{m_nodes.a->database()});
        return bench.waitForStarted(10000);
    }

    static QString finishPgbench(QProcess &bench)
    {
        if (!bench.waitForFinished(240000))
            return QStringLiteral("pgbench did not finish");
        const QString out = QString::fromUtf8(bench.readAll());
        if (bench.exitStatus() != QProcess::NormalExit || bench.exitCode() != 0)
            return out.right(3000);
        if (!out.contains(QLatin1String("number of failed transactions: 0 ")))
            return QStringLiteral("pgbench saw failed transactions: ") + out.right(2500);
        return {};
    }

    static QJsonObject jsonOf(const ProcessResult &r) { return QJsonDocument::fromJson(r.out.toUtf8()).object(); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString failed = m_nodes.start(m_dir.path(), 2, 4);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }
    void cleanupTestCase() { m_nodes.stop(); }

    void movesAreAppliedUnderPgbenchAndValidated()
    {
        CliHarness h;
        auto cli = [&](const QStringList &args) { return h.cli(args, env()); };
        ProcessResult r =
            cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("a"), m_nodes.a->uri(),
                 QStringLiteral("--role"), QStringLiteral("shard"), QStringLiteral("--cores"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("b"), m_nodes.b->uri(),
                 QStringLiteral("--role"), QStringLiteral("shard"), QStringLiteral("--cores"), QStringLiteral("64"),
                 QStringLiteral("--disk"), QStringLiteral("10G")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QStringList perCore{QStringLiteral("--tuples-per-core"), QStringLiteral("2000")};

        // First readings, then load on node a only.
        r = cli(QStringList{QStringLiteral("rebalance"), QStringLiteral("show")} + perCore);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QProcess warm;
        QVERIFY(startPgbench(warm, 6));
        QString failed = finishPgbench(warm);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));

        // Malformed smoke queries are refused; nothing is stored.
        for (const QString &bad : {QStringLiteral("SELECT 1"), QStringLiteral("x:SELECT 1"), QStringLiteral("3:")}) {
            r = cli(QStringList{QStringLiteral("rebalance"), QStringLiteral("plan"), QStringLiteral("--smoke"), bad} +
                    perCore);
            QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("--smoke takes ROWS:SQL")),
                     qPrintable(describe(r)));
        }
        QCOMPARE(h.json({QStringLiteral("status")}).value(QStringLiteral("plans")).toArray().size(), 0);

        r = cli(QStringList{QStringLiteral("--json"), QStringLiteral("rebalance"), QStringLiteral("plan"),
                            QStringLiteral("--smoke"),
                            QStringLiteral("1:SELECT aid FROM pgbench_accounts WHERE aid = 150000"),
                            QStringLiteral("--smoke"), QStringLiteral("200000:SELECT aid FROM pgbench_accounts;")} +
                perCore);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject planned = jsonOf(r);
        QVERIFY2(!planned.contains(QStringLiteral("apply_refused")), qPrintable(r.out));
        const QJsonObject plan = planned.value(QStringLiteral("plan")).toObject();
        const QJsonArray steps = plan.value(QStringLiteral("steps")).toArray();
        QVERIFY2(
            !steps.isEmpty(),
            qPrintable(QString::fromUtf8(QJsonDocument(planned.value(QStringLiteral("notes")).toArray()).toJson()) +
                       planned.value(QStringLiteral("summary")).toString()));
        QStringList moved;
        for (const auto &v : steps) {
            const QJsonObject s = v.toObject();
            QCOMPARE(s.value(QStringLiteral("kind")).toString(), QStringLiteral("move"));
            QVERIFY2(s.value(QStringLiteral("does")).toString().contains(m_nodes.b->uri()), qPrintable(r.out));
            QVERIFY2(s.value(QStringLiteral("sql")).toString().contains(QLatin1String("CREATE FOREIGN TABLE")),
                     qPrintable(r.out));
            moved << s.value(QStringLiteral("sources")).toArray().first().toString();
        }

        // Applied while pgbench keeps writing through the parent on a.
        const QString id = QString::number(plan.value(QStringLiteral("id")).toInt());
        QVERIFY2(cli({QStringLiteral("approve"), id}).exitCode == 0, "approve");
        QProcess bench;
        QVERIFY(startPgbench(bench, 20));
        r = cli({QStringLiteral("apply"), id});
        failed = finishPgbench(bench);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));

        for (const QString &p : moved) {
            QCOMPARE(sqlInt(*m_nodes.rawA,
                            str(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname = '%1' AND "
                                               "relkind = 'f'")
                                    .arg(p))),
                     1);
            QVERIFY(sqlInt(*m_nodes.rawB, str(QStringLiteral("SELECT count(*) FROM %1").arg(p))) > 0);
        }
        QCOMPARE(sqlInt(*m_nodes.rawA, "SELECT count(*) FROM pgbench_accounts"), 200000);
        QCOMPARE(sqlInt(*m_nodes.rawA, "SELECT sum(abalance) FROM pgbench_accounts"),
                 sqlInt(*m_nodes.rawA, "SELECT coalesce(sum(delta), 0) FROM pgbench_history"));
        QCOMPARE(sqlInt(*m_nodes.rawA, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_cap_%'"), 0);

        const QJsonObject shown = jsonOf(cli({QStringLiteral("--json"), QStringLiteral("show"), id}));
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        for (const auto &v : shown.value(QStringLiteral("steps")).toArray()) {
            const QString verification = v.toObject().value(QStringLiteral("verification")).toString();
            for (const char *expected :
                 {"validated after the move", "rows readable through the parent", "rows writable through the parent",
                  "constraints and indexes on the receiving table", "CHECK constraints on the receiving table",
                  "smoke query: SELECT aid FROM pgbench_accounts "
                  "WHERE aid = 150000 (1 row(s), expected 1)",
                  "smoke query: SELECT aid FROM pgbench_accounts (200000 row(s), expected 200000)"})
                QVERIFY2(verification.contains(QLatin1String(expected)), qPrintable(verification));
        }
    }

    void failingSmokeQueryStopsThePlan()
    {
        QVERIFY(m_nodes.a->psql(QStringLiteral(
            "CREATE TABLE ev (id int NOT NULL, v text CHECK (v <> '')) PARTITION BY RANGE (id); CREATE TABLE ev_1 "
            "PARTITION OF ev "
            "FOR VALUES FROM (0) TO (1000); CREATE TABLE ev_2 PARTITION OF ev FOR VALUES FROM (1000) TO (2000); "
            "CREATE INDEX ON ev (id); INSERT INTO ev SELECT g, 'row ' || g FROM generate_series(0, 1999) g; "
            "ANALYZE ev")));
        const QString left = QStringLiteral("ev_1");
        CliHarness h;
        auto cli = [&](const QStringList &args) { return h.cli(args, env()); };
        QVERIFY(
            cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("b"), m_nodes.b->uri(),
                 QStringLiteral("--role"), QStringLiteral("shard"), QStringLiteral("--disk"), QStringLiteral("10G")})
                .exitCode == 0);
        const QStringList move{QStringLiteral("move"),        m_nodes.a->uri(),
                               QStringLiteral("--table"),     QStringLiteral("ev"),
                               QStringLiteral("--partition"), left,
                               QStringLiteral("--to"),        QStringLiteral("b")};
        ProcessResult r = cli(QStringList{QStringLiteral("copy")} + move.mid(1) +
                              QStringList{QStringLiteral("--smoke"), QStringLiteral("1:SELECT 1")});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("use it with tidemark-cli move")),
                 qPrintable(describe(r)));
        r = cli(QStringList{QStringLiteral("--json")} + move +
                QStringList{QStringLiteral("--smoke"), QStringLiteral("5:SELECT 1")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QString id = QString::number(jsonOf(r).value(QStringLiteral("id")).toInt());
        QVERIFY(cli({QStringLiteral("approve"), id}).exitCode == 0);
        r = cli({QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode != 0 && r.err.contains(QLatin1String("validation failed")) &&
                     r.err.contains(QLatin1String("smoke query: SELECT 1 (1 row(s), expected 5)")),
                 qPrintable(describe(r)));
        // The move itself committed and stays: the rows are reached through the parent.
        QCOMPARE(sqlInt(*m_nodes.rawA,
                        str(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname = '%1' AND "
                                           "relkind = 'f'")
                                .arg(left))),
                 1);
        QCOMPARE(sqlInt(*m_nodes.rawA, "SELECT count(*) FROM ev"), 2000);
        QCOMPARE(sqlInt(*m_nodes.rawB, "SELECT count(*) FROM ev_1"), 1000);
        const QJsonObject shown = jsonOf(cli({QStringLiteral("--json"), QStringLiteral("show"), id}));
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        const QJsonObject step = shown.value(QStringLiteral("steps")).toArray().first().toObject();
        QCOMPARE(step.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        const QString verification = step.value(QStringLiteral("verification")).toString();
        QVERIFY2(verification.contains(QLatin1String("validation after the move FAILED")), qPrintable(verification));
        // The parent's CHECK constraint went along and was checked.
        QVERIFY2(verification.contains(QLatin1String("passed: ")) &&
                     verification.contains(QLatin1String("CHECK constraints on the receiving table (1 CHECK "
                                                         "constraint(s) of the parent and the partition on ev_1)")),
                 qPrintable(verification));
    }

    void partitionsUnderAUniqueIndexAreLeftOut()
    {
        // Under a primary key no partition can become a foreign partition.
        QVERIFY(m_nodes.a->psql(QStringLiteral(
            "CREATE TABLE keyed (id int PRIMARY KEY, v text NOT NULL) PARTITION BY RANGE (id); CREATE TABLE keyed_1 "
            "PARTITION OF keyed FOR VALUES FROM (0) TO (100); CREATE TABLE keyed_2 PARTITION OF keyed FOR VALUES "
            "FROM (100) TO (200); INSERT INTO keyed SELECT g, 'row ' || g FROM generate_series(0, 199) g; "
            "ANALYZE keyed")));
        CliHarness h;
        auto cli = [&](const QStringList &args) { return h.cli(args, env()); };
        // Node a can carry 100 tuples a second, b a million times that.
        QVERIFY(cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("a"), m_nodes.a->uri(),
                     QStringLiteral("--role"), QStringLiteral("shard"), QStringLiteral("--cores"), QStringLiteral("1")})
                    .exitCode == 0);
        QVERIFY(cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("b"), m_nodes.b->uri(),
                     QStringLiteral("--role"), QStringLiteral("shard"), QStringLiteral("--cores"),
                     QStringLiteral("1000000"), QStringLiteral("--disk"), QStringLiteral("10G")})
                    .exitCode == 0);
        const QStringList perCore{QStringLiteral("--tuples-per-core"), QStringLiteral("100")};
        ProcessResult r = cli(QStringList{QStringLiteral("rebalance"), QStringLiteral("show")} + perCore);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));

        // Reads of keyed only: 300 scans of its 200 rows, counted once the session has gone.
        const std::int64_t readBefore =
            sqlInt(*m_nodes.rawA,
                   "SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables WHERE relname LIKE "
                   "'keyed\\_%'");
        QVERIFY(
            m_nodes.a->psql(QStringLiteral("DO $$ BEGIN FOR i IN 1..300 LOOP PERFORM count(*) FROM keyed WHERE v <> "
                                           "''; END LOOP; END $$")));
        QTRY_VERIFY_WITH_TIMEOUT(sqlInt(*m_nodes.rawA,
                                        "SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables "
                                        "WHERE relname LIKE 'keyed\\_%'") >= readBefore + 60000,
                                 60000);

        r = cli(QStringList{QStringLiteral("--json"), QStringLiteral("rebalance"), QStringLiteral("plan")} + perCore);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject planned = jsonOf(r);
        const QString notes =
            QString::fromUtf8(QJsonDocument(planned.value(QStringLiteral("notes")).toArray()).toJson());
        // Node a is over its line with all its load in keyed, which no move can take.
        for (const char *expected :
             {"left out of the moves on a: 2 partition(s) of keyed (keyed_1, keyed_2): keyed has a primary key or "
              "unique index, and PostgreSQL does not allow a foreign table (postgres_fdw) as a partition of such a "
              "table",
              "a is forecast over 80 %", "none of its loaded partitions can be moved"})
            QVERIFY2(notes.contains(QLatin1String(expected)), qPrintable(notes));
        for (const auto &v : planned.value(QStringLiteral("plan")).toObject().value(QStringLiteral("steps")).toArray())
            QVERIFY2(!v.toObject()
                          .value(QStringLiteral("sources"))
                          .toArray()
                          .first()
                          .toString()
                          .startsWith(QLatin1String("keyed")),
                     qPrintable(r.out));
        // The text output says the same.
        r = cli(QStringList{QStringLiteral("rebalance"), QStringLiteral("show")} + perCore);
        QVERIFY2(r.exitCode == 0 &&
                     r.out.contains(QLatin1String("note: left out of the moves on a: 2 partition(s) "
                                                  "of keyed")),
                 qPrintable(describe(r)));

        // A move of it is refused before anything is stored or changed.
        const auto plansBefore = h.json({QStringLiteral("status")}).value(QStringLiteral("plans")).toArray().size();
        const QString before = QString::number(
            sqlInt(*m_nodes.rawA, "SELECT sum(hashtextextended(ROW(id, v)::text, 0)) % 1000000007 FROM keyed"));
        r = cli({QStringLiteral("move"), m_nodes.a->uri(), QStringLiteral("--table"), QStringLiteral("keyed"),
                 QStringLiteral("--partition"), QStringLiteral("keyed_1"), QStringLiteral("--to"),
                 QStringLiteral("b")});
        QVERIFY2(r.exitCode != 0 && r.err.contains(QLatin1String("keyed_1 cannot be moved")) &&
                     r.err.contains(QLatin1String("primary key or unique index")) &&
                     r.err.contains(QLatin1String("copy it instead")),
                 qPrintable(describe(r)));
        QCOMPARE(h.json({QStringLiteral("status")}).value(QStringLiteral("plans")).toArray().size(), plansBefore);
        QCOMPARE(sqlInt(*m_nodes.rawA, "SELECT count(*) FROM pg_class WHERE relname = 'keyed_1' AND relkind = 'r'"), 1);
        QCOMPARE(sqlInt(*m_nodes.rawA, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_cap_%'"), 0);
        QCOMPARE(sqlInt(*m_nodes.rawB, "SELECT count(*) FROM pg_class WHERE relname LIKE 'keyed%'"), 0);
        QCOMPARE(QString::number(sqlInt(*m_nodes.rawA,
                                        "SELECT sum(hashtextextended(ROW(id, v)::text, 0)) % 1000000007 FROM keyed")),
                 before);
    }
};

QTEST_GUILESS_MAIN(TestPostgresRebalance)
#include "tst_postgres_rebalance.moc"
