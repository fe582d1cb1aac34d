// tidemark-cli copy and move between two private PostgreSQL servers: the
// target sized from the node catalogue (refused when it cannot hold the
// copy), --dry-run storing nothing, and kill -9 of tidemark-cli at named
// points of the copy and the cutover: the next apply resumes the copy where
// it stopped (no chunk sent twice), an interrupted move that `status`
// settles leaves nothing behind on either node, and a move applied again
// cuts over so the parent on the source reaches the rows on the other node.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "../e2e/cli_harness.h"
#include "postgres_test_util.h"

using namespace tidemark;
using namespace tidemark::test;
using tidemark::postgres::PgConnection;

class TestPostgresCopyCli : public QObject {
    Q_OBJECT

    TwoPostgresNodes m_nodes;
    QTemporaryDir m_dir;

    QStringList env() const { return m_nodes.environment(); }

    std::int64_t planIdOf(const ProcessResult &r)
    {
        return QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("id")).toInteger();
    }

    QString checksumOf(PgConnection &c, const std::string &rel)
    {
        auto rows = c.query("SELECT count(*), coalesce(sum(hashtextextended(ROW(aid, bid, abalance, filler)::text, "
                            "0)), 0)::text FROM " +
                            rel);
        return rows ? QString::fromStdString(rows->text(0, 0) + "/" + rows->text(0, 1)) : QStringLiteral("error");
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString failed = m_nodes.start(m_dir.path(), 2, 4);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }
    void cleanupTestCase() { m_nodes.stop(); }

    void copyIsSizedAndResumesAfterAKill()
    {
        CliHarness h;
        const QString uriA = m_nodes.a->uri(), uriB = m_nodes.b->uri();
        auto cli = [&](const QStringList &args, const QStringList &extra = {}) { return h.cli(args, env() + extra); };

        // A node too small for the partition is refused, with the figures.
        ProcessResult r =
            cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("replica-b"), uriB,
                 QStringLiteral("--role"), QStringLiteral("replica"), QStringLiteral("--disk"), QStringLiteral("1M")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QStringList copy{QStringLiteral("copy"),         uriA,
                               QStringLiteral("--table"),      QStringLiteral("pgbench_accounts"),
                               QStringLiteral("--partition"),  QStringLiteral("pgbench_accounts_2"),
                               QStringLiteral("--to"),         QStringLiteral("replica-b"),
                               QStringLiteral("--chunk-rows"), QStringLiteral("5000")};
        r = cli(copy);
        QVERIFY2(r.exitCode != 0 && r.err.contains(QLatin1String("cannot hold")), qPrintable(describe(r)));
        r = cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("replica-b"), uriB,
                 QStringLiteral("--role"), QStringLiteral("replica"), QStringLiteral("--disk"), QStringLiteral("10G")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));

        // --dry-run shows the plan and stores nothing.
        r = cli(copy + QStringList{QStringLiteral("--dry-run")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("dry run")) &&
                     r.out.contains(QLatin1String("reserve")),
                 qPrintable(describe(r)));
        r = cli({QStringLiteral("--json"), QStringLiteral("status")});
        QVERIFY2(r.exitCode == 0 && !r.out.contains(QLatin1String("\"copy\"")), qPrintable(describe(r)));

        r = cli(QStringList{QStringLiteral("--json")} + copy);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const auto plan = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QString id = QString::number(plan.value(QStringLiteral("id")).toInteger());
        QVERIFY(plan.value(QStringLiteral("sizing")).toObject().value(QStringLiteral("reservedBytes")).toInteger() > 0);
        r = cli({QStringLiteral("approve"), id});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));

        // kill -9 once the first chunk is on the receiving node.
        const QString marker = h.path(QStringLiteral("marker"));
        r = cli({QStringLiteral("apply"), id},
                {QStringLiteral("TIDEMARK_CRASH_AT=postgres.copy.after-chunk#1"),
                 QStringLiteral("TIDEMARK_CRASH_MARKER=") + marker});
        QVERIFY2(r.crashed, qPrintable(describe(r)));
        QCOMPARE(sqlInt(*m_nodes.rawA, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_cap_%'"), 1);
        const std::int64_t sentBefore =
            sqlInt(*m_nodes.rawB, "SELECT count(*) FROM tidemark.copy_chunks WHERE state <> 'pending'");
        QCOMPARE(sentBefore, 1);
        QVERIFY(sqlInt(*m_nodes.rawB, "SELECT count(*) FROM tidemark.copy_chunks") >= 10);
        // A write while nobody runs: captured, and applied when the copy resumes.
        QVERIFY(
            m_nodes.a->psql(QStringLiteral("UPDATE pgbench_accounts SET abalance = abalance + 5 WHERE aid = 60000")));

        r = cli({QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(checksumOf(*m_nodes.rawB, "pgbench_accounts_2"), checksumOf(*m_nodes.rawA, "pgbench_accounts_2"));
        // The chunk sent before the kill was not sent again.
        QCOMPARE(sqlInt(*m_nodes.rawB, "SELECT max(sends) FROM tidemark.copy_chunks"), 1);
        QCOMPARE(sqlInt(*m_nodes.rawA, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_cap_%'"), 0);
        r = cli({QStringLiteral("--json"), QStringLiteral("show"), id});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("\"done\"")), qPrintable(describe(r)));
    }

    void interruptedMoveLeavesNothingThenMoves()
    {
        CliHarness h;
        const QString uriA = m_nodes.a->uri(), uriB = m_nodes.b->uri();
        auto cli = [&](const QStringList &args, const QStringList &extra = {}) { return h.cli(args, env() + extra); };
        ProcessResult r =
            cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("shard-b"), uriB,
                 QStringLiteral("--role"), QStringLiteral("shard"), QStringLiteral("--disk"), QStringLiteral("10G")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QString before = checksumOf(*m_nodes.rawA, "pgbench_accounts_3");
        r = cli({QStringLiteral("--json"), QStringLiteral("move"), uriA, QStringLiteral("--table"),
                 QStringLiteral("pgbench_accounts"), QStringLiteral("--partition"),
                 QStringLiteral("pgbench_accounts_3"), QStringLiteral("--to"), QStringLiteral("shard-b")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QString id = QString::number(planIdOf(r));
        QVERIFY2(cli({QStringLiteral("approve"), id}).exitCode == 0, "approve");

        // Killed just before the receiving node commits: nothing is committed anywhere.
        r = cli({QStringLiteral("apply"), id},
                {QStringLiteral("TIDEMARK_CRASH_AT=postgres.copy.before-target-commit")});
        QVERIFY2(r.crashed, qPrintable(describe(r)));
        // status settles the interrupted step (not resuming it): both nodes are cleaned.
        r = cli({QStringLiteral("status"), uriA});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(sqlInt(*m_nodes.rawA, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_cap_%'"), 0);
        QCOMPARE(sqlInt(*m_nodes.rawA, "SELECT count(*) FROM tidemark.capture_log"), 0);
        QCOMPARE(sqlInt(*m_nodes.rawB, "SELECT count(*) FROM pg_class WHERE relname = 'pgbench_accounts_3'"), 0);
        QCOMPARE(sqlInt(*m_nodes.rawB,
                        "SELECT count(*) FROM tidemark.copy_chunks WHERE chunk >= 0 AND uid IN (SELECT uid "
                        "FROM tidemark.copies WHERE relation LIKE '%accounts_3%')"),
                 0);
        QCOMPARE(checksumOf(*m_nodes.rawA, "pgbench_accounts_3"), before);

        // Applied again, it runs from the start and cuts over.
        r = cli({QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(sqlInt(*m_nodes.rawA,
                        "SELECT count(*) FROM pg_class WHERE oid = 'pgbench_accounts_3'::regclass AND "
                        "relkind = 'f'"),
                 1);
        QCOMPARE(checksumOf(*m_nodes.rawA, "pgbench_accounts_3"), before); // through postgres_fdw
        QCOMPARE(checksumOf(*m_nodes.rawB, "pgbench_accounts_3"), before);
        QVERIFY(m_nodes.a->psql(QStringLiteral("UPDATE pgbench_accounts SET abalance = 77 WHERE aid = 100001")));
        QCOMPARE(sqlInt(*m_nodes.rawB, "SELECT abalance FROM pgbench_accounts_3 WHERE aid = 100001"), 77);
        QCOMPARE(sqlInt(*m_nodes.rawA, "SELECT count(*) FROM pgbench_accounts"), 200000);
    }
};

QTEST_GUILESS_MAIN(TestPostgresCopyCli)
#include "tst_postgres_copy_cli.moc"
