// `tidemark-cli nodes`: the node catalogue added to, listed, updated and
// removed as a DBA would; bad input refused with a message, a non-zero exit
// and nothing changed; and `apply` reaching a step's other node through the
// connector registry.
#include <sqlite3.h>

#include "cli_harness.h"

using namespace tidemark::test;

class TestCliNodes : public QObject {
    Q_OBJECT

    static QString sql(const QString &file, const QString &statement)
    {
        sqlite3 *db = nullptr;
        sqlite3_open(file.toUtf8().constData(), &db);
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt *stmt = nullptr;
        QString out;
        if (sqlite3_prepare_v2(db, statement.toUtf8().constData(), -1, &stmt, nullptr) != SQLITE_OK)
            out = QStringLiteral("error: ") + QString::fromUtf8(sqlite3_errmsg(db));
        else if (sqlite3_step(stmt) == SQLITE_ROW)
            out = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        return out;
    }

    static QJsonObject nodeNamed(const QJsonObject &list, const QString &name)
    {
        for (const auto &v : list.value(QStringLiteral("nodes")).toArray())
            if (v.toObject().value(QStringLiteral("name")).toString() == name)
                return v.toObject();
        return {};
    }

private slots:
    void addListUpdateRemove()
    {
        CliHarness h;
        const QString db1 = CliHarness::uri(h.path(QStringLiteral("db1.db")));
        const QString arch = CliHarness::uri(h.path(QStringLiteral("archive.db")));
        ProcessResult r = h.cli({QStringLiteral("nodes")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("no nodes yet")), qPrintable(describe(r)));

        r = h.cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("db1"), db1, QStringLiteral("--role"),
                   QStringLiteral("primary"), QStringLiteral("--disk"), QStringLiteral("500G"),
                   QStringLiteral("--cores"), QStringLiteral("16"), QStringLiteral("--memory"),
                   QStringLiteral("64GiB"), QStringLiteral("--notes"), QStringLiteral("rack 4")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("node db1 (primary) added")), qPrintable(describe(r)));
        r = h.cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("cold"), arch,
                   QStringLiteral("--role"), QStringLiteral("archive"), QStringLiteral("--disk-bytes"),
                   QStringLiteral("1000000")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));

        r = h.cli({QStringLiteral("nodes")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        for (const char *shown : {"name", "role", "disk", "cores", "memory", "URI", "db1", "primary", "500.0 GiB",
                                  "64.0 GiB", "rack 4", "cold", "archive", "976.6 KiB"})
            QVERIFY2(r.out.contains(QLatin1String(shown)), qPrintable(QStringLiteral("%1 in\n%2").arg(QLatin1String(shown), r.out)));
        QVERIFY(r.out.contains(db1) && r.out.contains(arch));
        QJsonObject list = h.json({QStringLiteral("nodes")});
        QCOMPARE(list.value(QStringLiteral("nodes")).toArray().size(), 2);
        QJsonObject n = nodeNamed(list, QStringLiteral("db1"));
        QCOMPARE(n.value(QStringLiteral("uri")).toString(), db1);
        QCOMPARE(n.value(QStringLiteral("disk_bytes")).toInteger(), 500ll << 30);
        QCOMPARE(n.value(QStringLiteral("cores")).toInt(), 16);
        QCOMPARE(n.value(QStringLiteral("memory_bytes")).toInteger(), 64ll << 30);
        QVERIFY(nodeNamed(list, QStringLiteral("cold")).value(QStringLiteral("cores")).isNull());

        // The same URI again updates its node: renamed, one figure changed, the rest kept.
        r = h.cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("db1-sales"), db1,
                   QStringLiteral("--cores"), QStringLiteral("32")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("updated")), qPrintable(describe(r)));
        list = h.json({QStringLiteral("nodes")});
        QCOMPARE(list.value(QStringLiteral("nodes")).toArray().size(), 2);
        QVERIFY(nodeNamed(list, QStringLiteral("db1")).isEmpty());
        n = nodeNamed(list, QStringLiteral("db1-sales"));
        QCOMPARE(n.value(QStringLiteral("cores")).toInt(), 32);
        QCOMPARE(n.value(QStringLiteral("role")).toString(), QStringLiteral("primary"));
        QCOMPARE(n.value(QStringLiteral("disk_bytes")).toInteger(), 500ll << 30);
        QCOMPARE(n.value(QStringLiteral("notes")).toString(), QStringLiteral("rack 4"));

        r = h.cli({QStringLiteral("nodes"), QStringLiteral("remove"), QStringLiteral("cold")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        list = h.json({QStringLiteral("nodes")});
        QCOMPARE(list.value(QStringLiteral("nodes")).toArray().size(), 1);
        // Every change is in the audit trail, by the OS user.
        QCOMPARE(sql(h.store(), QStringLiteral("SELECT count(*) FROM audit WHERE action = 'node.saved'")),
                 QStringLiteral("3"));
        QCOMPARE(sql(h.store(), QStringLiteral("SELECT detail FROM audit WHERE action = 'node.removed'")),
                 QStringLiteral("cold"));
    }

    void badInputIsRefusedAndChangesNothing_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString add = QStringLiteral("add");
        const QString fresh = QStringLiteral("sqlite:///tmp/tidemark-nodes-test-fresh.db");
        const QString role = QStringLiteral("--role"), shard = QStringLiteral("shard");
        QTest::newRow("unknown role") << QStringList{add, QStringLiteral("x"), fresh, role, QStringLiteral("boss")}
                                      << 2 << "unknown role \"boss\"";
        QTest::newRow("no role for a new node") << QStringList{add, QStringLiteral("x"), fresh} << 2
                                                << "node x needs a role";
        QTest::newRow("size with an unknown unit")
            << QStringList{add, QStringLiteral("x"), fresh, role, shard, QStringLiteral("--disk"), QStringLiteral("12Q")}
            << 2 << "--disk takes a size such as 500G";
        QTest::newRow("negative memory") << QStringList{add,  QStringLiteral("x"),        fresh,
                                                        role, shard, QStringLiteral("--memory"), QStringLiteral("-4G")}
                                         << 2 << "--memory takes a size";
        QTest::newRow("zero disk") << QStringList{add, QStringLiteral("x"), fresh, role, shard, QStringLiteral("--disk"),
                                                  QStringLiteral("0")}
                                   << 2 << "--disk must be positive";
        QTest::newRow("disk bytes with a unit") << QStringList{add, QStringLiteral("x"), fresh, role, shard,
                                                               QStringLiteral("--disk-bytes"), QStringLiteral("5G")}
                                                << 2 << "--disk-bytes takes a whole number of bytes";
        QTest::newRow("disk given twice") << QStringList{add,   QStringLiteral("x"),          fresh,
                                                         role,  shard,                        QStringLiteral("--disk"),
                                                         QStringLiteral("1T"), QStringLiteral("--disk-bytes"), QStringLiteral("5")}
                                          << 2 << "give the disk size once";
        QTest::newRow("zero cores") << QStringList{add, QStringLiteral("x"), fresh, role, shard, QStringLiteral("--cores"),
                                                   QStringLiteral("0")}
                                    << 2 << "--cores must be positive";
        QTest::newRow("cores not a number") << QStringList{add, QStringLiteral("x"), fresh, role, shard,
                                                           QStringLiteral("--cores"), QStringLiteral("eight")}
                                            << 2 << "--cores takes a whole number";
        QTest::newRow("misspelt option") << QStringList{add, QStringLiteral("x"), fresh, role, shard,
                                                        QStringLiteral("--core"), QStringLiteral("8")}
                                         << 2 << "nodes add does not take --core";
        QTest::newRow("no URI") << QStringList{add, QStringLiteral("x")} << 2 << "needs a URI after the name";
        QTest::newRow("no name and no URI") << QStringList{add} << 2 << "needs a NAME and a URI";
        QTest::newRow("not a URI") << QStringList{add, QStringLiteral("x"), QStringLiteral("/srv/db.sqlite"), role, shard}
                                   << 2 << "is not a database URI";
        QTest::newRow("URI scheme without a connector")
            << QStringList{add, QStringLiteral("x"), QStringLiteral("oracle://db/sales"), role, shard} << 2
            << "no connector for URI scheme \"oracle\"";
        QTest::newRow("name used by another connection")
            << QStringList{add, QStringLiteral("db1"), fresh, role, shard} << 2 << "node name db1 is already used by";
        QTest::newRow("removing an unknown node") << QStringList{QStringLiteral("remove"), QStringLiteral("ghost")} << 3
                                                  << "no node named ghost";
        QTest::newRow("remove without a name") << QStringList{QStringLiteral("remove")} << 2
                                               << "nodes remove needs exactly one node name";
        QTest::newRow("unknown nodes command") << QStringList{QStringLiteral("rename")} << 2
                                               << "unknown nodes command \"rename\"";
    }

    void badInputIsRefusedAndChangesNothing()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        CliHarness h;
        ProcessResult r = h.cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("db1"),
                                 CliHarness::uri(h.path(QStringLiteral("db1.db"))), QStringLiteral("--role"),
                                 QStringLiteral("primary"), QStringLiteral("--cores"), QStringLiteral("8")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QString nodesBefore = h.cli({QStringLiteral("--json"), QStringLiteral("nodes")}).out;
        const QString auditBefore = sql(h.store(), QStringLiteral("SELECT count(*) FROM audit"));
        const QString connectionsBefore = sql(h.store(), QStringLiteral("SELECT count(*) FROM connections"));

        r = h.cli(QStringList{QStringLiteral("nodes")} + args);
        QVERIFY2(r.exitCode == exitCode, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(message), qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QLatin1String("what to do:")), qPrintable(describe(r)));
        QCOMPARE(h.cli({QStringLiteral("--json"), QStringLiteral("nodes")}).out, nodesBefore);
        QCOMPARE(sql(h.store(), QStringLiteral("SELECT count(*) FROM audit")), auditBefore);
        QCOMPARE(sql(h.store(), QStringLiteral("SELECT count(*) FROM connections")), connectionsBefore);
    }

    void applyRunsAStepOnAnotherNodeThroughTheRegistry()
    {
        CliHarness h;
        const QString home = h.path(QStringLiteral("home.db")), other = h.path(QStringLiteral("other.db"));
        for (const QString &db : {home, other}) {
            ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), db, QStringLiteral("--rows"),
                                     QStringLiteral("60000"), QStringLiteral("--partitions"), QStringLiteral("20")});
            QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        }
        ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("load"), other, QStringLiteral("--seconds"),
                                 QStringLiteral("2")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject plan = h.json({QStringLiteral("plan"), CliHarness::uri(other)});
        QVERIFY2(!plan.value(QStringLiteral("steps")).toArray().isEmpty(), QJsonDocument(plan).toJson().constData());
        const QString planId = QString::number(plan.value(QStringLiteral("id")).toInteger());
        const QString otherUri = plan.value(QStringLiteral("connection")).toString();
        r = h.cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("home"), CliHarness::uri(home),
                   QStringLiteral("--role"), QStringLiteral("primary")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QString homeUri = h.json({QStringLiteral("nodes")})
                                    .value(QStringLiteral("nodes")).toArray().at(0).toObject()
                                    .value(QStringLiteral("uri")).toString();
        // The plan now belongs to the home database, its steps run on the other
        // node: apply can only reach them by opening that node itself.
        QCOMPARE(sql(h.store(), QStringLiteral("UPDATE plans SET connection_id = (SELECT id FROM connections "
                                               "WHERE uri = '%1') WHERE id = %2 RETURNING id")
                                    .arg(homeUri, planId)),
                 planId);
        sql(h.store(), QStringLiteral("UPDATE steps SET node = '%1' WHERE plan_id = %2").arg(otherUri, planId));
        const QJsonObject before = h.json({QStringLiteral("checksum"), otherUri, QStringLiteral("orders")});
        QVERIFY(h.cli({QStringLiteral("approve"), planId}).exitCode == 0);

        r = h.cli({QStringLiteral("apply"), planId});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject shown = h.json({QStringLiteral("show"), planId});
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QCOMPARE(shown.value(QStringLiteral("connection")).toString(), homeUri);
        for (const auto &step : shown.value(QStringLiteral("steps")).toArray()) {
            QCOMPARE(step.toObject().value(QStringLiteral("node")).toString(), otherUri);
            QCOMPARE(step.toObject().value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        }
        const QJsonObject after = h.json({QStringLiteral("checksum"), otherUri, QStringLiteral("orders")});
        QCOMPARE(after.value(QStringLiteral("rows")).toInteger(), before.value(QStringLiteral("rows")).toInteger());
        QCOMPARE(after.value(QStringLiteral("checksum")).toString(), before.value(QStringLiteral("checksum")).toString());
        // The split happened on the other node, not on the plan's home database.
        const QString splitAway = shown.value(QStringLiteral("steps")).toArray().at(0).toObject()
                                      .value(QStringLiteral("sources")).toArray().at(0).toString();
        QCOMPARE(sql(other, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = '%1'").arg(splitAway)),
                 QStringLiteral("0"));
        QCOMPARE(sql(home, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = '%1'").arg(splitAway)),
                 QStringLiteral("1"));
    }
};

QTEST_GUILESS_MAIN(TestCliNodes)
#include "tst_cli_nodes.moc"
