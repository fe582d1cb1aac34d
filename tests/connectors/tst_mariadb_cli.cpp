// tidemark-cli against a private MariaDB through the plugin, as a DBA runs
// it: scan → plan → approve → apply on a mariadb:// URI; a kill at the
// step's crash points followed by recovery; the executor lock held by
// another executor; a wrong password. Rows and checksums are kept throughout.
#include <QTemporaryDir>

#include "../e2e/cli_harness.h"
#include "mariadb_test_util.h"
#include "store/metadata_store.h"

using namespace tidemark;
using namespace tidemark::test;

class TestMariaDbCli : public QObject {
    Q_OBJECT

    std::unique_ptr<MariaDbServer> m_db;

    bool sql(const QString &s)
    {
        QString err;
        const bool ok = m_db->sql(s, nullptr, &err);
        if (!ok)
            qWarning().noquote() << err;
        return ok;
    }

    /// A table of `parts` partitions of 4000 rows.
    bool createEvents(const QString &name, int parts)
    {
        QString defs;
        for (int i = 0; i < parts; ++i)
            defs += QStringLiteral("%1PARTITION p%2 VALUES LESS THAN (%3)")
                        .arg(i ? QStringLiteral(", ") : QString())
                        .arg(i)
                        .arg((i + 1) * 4000);
        return sql(QStringLiteral("CREATE TABLE %1 (id BIGINT NOT NULL PRIMARY KEY, v INT NOT NULL, pad CHAR(200)) "
                                  "PARTITION BY RANGE (id) (%2); INSERT INTO %1 SELECT seq, 0, REPEAT('x', 200) FROM "
                                  "seq_0_to_%3; ANALYZE TABLE %1;")
                       .arg(name, defs)
                       .arg(parts * 4000 - 1));
    }

    QString checksumOf(const std::string &table)
    {
        auto c = mariaConnect(*m_db);
        auto s = c ? c->checksum(table, KeyRange{}) : Result<RowChecksum>();
        return s ? QStringLiteral("%1/%2").arg(s->rows).arg(s->hashSum) : QString();
    }

    /// An approved plan: split of the first partition in its middle, merge of the last two.
    QString approvedPlan(const CliHarness &h, const std::string &table)
    {
        auto c = mariaConnect(*m_db);
        auto t = c ? c->describe(table) : Result<PartitionedTable>();
        if (!t)
            return {};
        const auto &ps = t->partitions;
        const std::size_t n = ps.size();
        Plan plan;
        plan.connectionUri = mstr(m_db->uri());
        plan.kind = "test";
        const KeyValue mid = *ps[0].bounds.upper / 2;
        plan.steps.push_back(mariaStep(*c, StepKind::Split, table, {ps[0].name},
                                       {mariaTarget(std::nullopt, mid), mariaTarget(mid, ps[0].bounds.upper)}, ""));
        plan.steps.push_back(mariaStep(*c, StepKind::Merge, table, {ps[n - 2].name, ps[n - 1].name},
                                       {mariaTarget(ps[n - 2].bounds.lower, ps[n - 1].bounds.upper)}, ""));
        plan.steps[1].ordinal = 1;
        auto store = MetadataStore::open(mstr(h.store()));
        if (!store || !(*store)->insertPlan(plan) || !(*store)->markApproved(plan.id, "tester", "test"))
            return {};
        return QString::number(plan.id);
    }

private slots:
    void initTestCase()
    {
        m_db = MariaDbServer::start();
        QVERIFY2(m_db->ok(), qPrintable(m_db->error()));
        useServerHome(*m_db);
    }
    void cleanupTestCase() { m_db.reset(); }

    void scanPlanApproveApplyOnMariaDb()
    {
        QVERIFY(createEvents(QStringLiteral("events"), 6));
        CliHarness h;
        const QString uri = m_db->uri();
        const QStringList env = m_db->environment();
        auto cli = [&](const QStringList &args) { return h.cli(args, env); };
        ProcessResult r = cli({QStringLiteral("plugins")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("mariadb")), qPrintable(describe(r)));
        const qint64 a = 5500000; // an InnoDB partition of 4000 rows takes ~5.5 MiB
        r = cli({QStringLiteral("settings"), uri, QStringLiteral("--set"),
                 QStringLiteral("backup_unit_bytes=%1").arg(a), QStringLiteral("--set"),
                 QStringLiteral("split_min_bytes=%1").arg(a / 2), QStringLiteral("--set"),
                 QStringLiteral("target_min_bytes=%1").arg(2 * a), QStringLiteral("--set"),
                 QStringLiteral("target_max_bytes=%1").arg(8 * a), QStringLiteral("--set"),
                 QStringLiteral("half_life_seconds=600"), QStringLiteral("--set"),
                 QStringLiteral("sampling_interval_seconds=5"), QStringLiteral("--set"),
                 // the cold partitions' merges save no backup bytes: asked for
                 QStringLiteral("merge_cold_partitions=1")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = cli({QStringLiteral("scan"), uri});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("events")), qPrintable(describe(r)));
        // Writes confined to p2; the others stay cold and are merged.
        QString load;
        for (int i = 0; i < 10; ++i)
            load += QStringLiteral("UPDATE events SET v = v + 1 WHERE id BETWEEN 8000 AND 8999;");
        QVERIFY(sql(load));
        const ProcessResult scanned = cli({QStringLiteral("scan"), uri});
        QVERIFY2(scanned.exitCode == 0, qPrintable(describe(scanned)));
        const QJsonObject plan = h.json({QStringLiteral("plan"), uri});
        const QJsonArray steps = plan.value(QStringLiteral("steps")).toArray();
        QVERIFY2(!steps.isEmpty(), qPrintable(scanned.out + QString::fromUtf8(QJsonDocument(plan).toJson())));
        for (const auto &v : steps) {
            const QJsonObject s = v.toObject();
            QVERIFY(s.value(QStringLiteral("sql")).toString().contains(QLatin1String("REORGANIZE PARTITION")));
            const QString sources =
                QString::fromUtf8(QJsonDocument(s.value(QStringLiteral("sources")).toArray()).toJson());
            QVERIFY2(!sources.contains(QLatin1String("\"p2\"")), "the hot partition is not merged");
        }
        const QString before = checksumOf("events");
        const QString id = QString::number(plan.value(QStringLiteral("id")).toInteger());
        QVERIFY(cli({QStringLiteral("approve"), id}).exitCode == 0);
        r = cli({QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject shown = h.json({QStringLiteral("show"), id});
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        for (const auto &v : shown.value(QStringLiteral("steps")).toArray())
            QVERIFY2(v.toObject().value(QStringLiteral("verification")).toString().endsWith(QLatin1String("equal")),
                     QJsonDocument(shown).toJson().constData());
        QCOMPARE(checksumOf("events"), before);
        r = cli({QStringLiteral("status"), uri});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    }

    void killAtEachCrashPointIsRecovered_data()
    {
        QTest::addColumn<QString>("point");
        QTest::newRow("after the intent is recorded") << QStringLiteral("mariadb.after-record");
        QTest::newRow("before the DDL") << QStringLiteral("mariadb.before-reorganize");
        QTest::newRow("after the DDL, before the record") << QStringLiteral("mariadb.after-reorganize");
        QTest::newRow("after the record") << QStringLiteral("mariadb.after-commit");
    }
    void killAtEachCrashPointIsRecovered()
    {
        QFETCH(QString, point);
        static int round = 0;
        const QString table = QStringLiteral("killed%1").arg(++round);
        QVERIFY(createEvents(table, 4));
        CliHarness h;
        const QStringList env = m_db->environment();
        const QString id = approvedPlan(h, mstr(table));
        QVERIFY(!id.isEmpty());
        const QString before = checksumOf(mstr(table));
        ProcessResult r =
            h.cli({QStringLiteral("apply"), id}, env + QStringList{QStringLiteral("TIDEMARK_CRASH_AT=") + point});
        QVERIFY2(r.crashed, qPrintable(describe(r)));
        // Recovery on the next start, then the rest of the plan.
        r = h.cli({QStringLiteral("status"), m_db->uri()}, env);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QJsonObject shown = h.json({QStringLiteral("show"), id});
        if (shown.value(QStringLiteral("status")).toString() != QLatin1String("done")) {
            r = h.cli({QStringLiteral("apply"), id}, env);
            QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
            shown = h.json({QStringLiteral("show"), id});
        }
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QCOMPARE(checksumOf(mstr(table)), before);
        auto c = mariaConnect(*m_db);
        auto t = c->describe(mstr(table));
        QVERIFY(t);
        QCOMPARE(t->partitions.size(), std::size_t(4)); // 4 − 1 + 2 − 2 + 1
        QCOMPARE(mariaInt(c->connection(),
                          "SELECT COUNT(*) FROM tidemark_steps WHERE state <> 'committed' AND table_name = " +
                              c->connection().quoteLiteral(mstr(table))),
                 std::int64_t(0));
    }

    void executorLockHeldElsewhereRefusesApply()
    {
        QVERIFY(createEvents(QStringLiteral("locked"), 4));
        CliHarness h;
        const QString id = approvedPlan(h, "locked");
        QVERIFY(!id.isEmpty());
        auto holder = mariaConnect(*m_db);
        QVERIFY(holder);
        QVERIFY(holder->lockExecutor(ExecutorClaim{"other-host.example", 777, "/home/dba/other.db", 1700000000000}));
        // A second connector is refused with the holder named.
        auto second = mariaConnect(*m_db);
        auto refused = second->lockExecutor(ExecutorClaim{"here", 1, "/tmp/x.db", 1});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::ExecutorLocked);
        QVERIFY(refused.error().message.find("other-host.example") != std::string::npos);
        ProcessResult r = h.cli({QStringLiteral("apply"), id}, m_db->environment());
        QVERIFY2(r.exitCode != 0, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QLatin1String("other-host.example")), qPrintable(describe(r)));
        auto t = second->describe("locked");
        QCOMPARE(t->partitions[0].name, std::string("p0"));
        holder->unlockExecutor();
        r = h.cli({QStringLiteral("apply"), id}, m_db->environment());
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        // A killed holder leaves no lock behind: the server ends its session.
        holder.reset();
        QVERIFY(second->lockExecutor(ExecutorClaim{"here", 1, "/tmp/x.db", 1}));
        second->unlockExecutor();
    }

    void wrongPasswordFailsWithoutShowingIt()
    {
        CliHarness h;
        const QString uri = QStringLiteral("mariadb://tidemark:wrong-secret-77@127.0.0.1:%1/%2")
                                .arg(m_db->port())
                                .arg(m_db->database());
        ProcessResult r = h.cli({QStringLiteral("scan"), uri}, m_db->environment());
        QVERIFY2(r.exitCode != 0, qPrintable(describe(r)));
        QVERIFY(!r.out.contains(QLatin1String("wrong-secret-77")));
        QVERIFY(!r.err.contains(QLatin1String("wrong-secret-77")));
        QVERIFY2(r.err.contains(QLatin1String("my.cnf")), qPrintable(describe(r)));
        r = h.cli({QStringLiteral("scan"), QStringLiteral("mariadb://tidemark@127.0.0.1:1/x?connect-timeout=2")},
                  m_db->environment());
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(QLatin1String("cannot connect")), qPrintable(describe(r)));
    }
};

QTEST_GUILESS_MAIN(TestMariaDbCli)
#include "tst_mariadb_cli.moc"
