// `tidemark-cli rebalance show|plan` over a node catalogue of three real
// SQLite demo databases with history: the hot nodes are forecast over the
// line, the plan moves their hot partitions to the roomy node as Move steps,
// apply refuses them while the connector cannot run moves, changing
// nothing; bad input is refused with exit 2 and nothing stored.
#include <sqlite3.h>

#include "cli_harness.h"

using namespace tidemark::test;

class TestCliRebalance : public QObject {
    Q_OBJECT

    static qint64 count(const QString &file, const QString &statement)
    {
        sqlite3 *db = nullptr;
        sqlite3_open(file.toUtf8().constData(), &db);
        sqlite3_stmt *stmt = nullptr;
        qint64 out = -1;
        if (sqlite3_prepare_v2(db, statement.toUtf8().constData(), -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW)
            out = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        return out;
    }

private slots:
    void planMovesHotPartitionsToTheRoomyNode()
    {
        CliHarness h;
        const QString a = h.path(QStringLiteral("a.db")), b = h.path(QStringLiteral("b.db")),
                      c = h.path(QStringLiteral("c.db"));
        for (const QString &f : {a, b, c}) {
            const auto r = h.cli(
                {QStringLiteral("demo"), QStringLiteral("init"), f, QStringLiteral("--rows"), QStringLiteral("20000")});
            QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        }
        const QStringList perCore{QStringLiteral("--tuples-per-core"), QStringLiteral("60")};
        auto r = h.cli(QStringList{QStringLiteral("rebalance"), QStringLiteral("show")} + perCore);
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("at least two nodes")), qPrintable(describe(r)));

        auto add = [&](const QString &name, const QString &file, const QStringList &extra) {
            return h.cli(QStringList{QStringLiteral("nodes"), QStringLiteral("add"), name, CliHarness::uri(file),
                                     QStringLiteral("--role"), QStringLiteral("shard")} +
                         extra);
        };
        QCOMPARE(add(QStringLiteral("a"), a, {QStringLiteral("--cores"), QStringLiteral("1")}).exitCode, 0);
        QCOMPARE(add(QStringLiteral("b"), b, {}).exitCode, 0);
        QCOMPARE(add(QStringLiteral("c"), c, {QStringLiteral("--cores"), QStringLiteral("16")}).exitCode, 0);
        r = h.cli(QStringList{QStringLiteral("rebalance"), QStringLiteral("plan")} + perCore);
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("node b states no cores")), qPrintable(describe(r)));
        QCOMPARE(h.json({QStringLiteral("status")}).value(QStringLiteral("plans")).toArray().size(), 0);
        r = h.cli(QStringList{QStringLiteral("rebalance"), QStringLiteral("plan"), QStringLiteral("--threshold"),
                              QStringLiteral("0")});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("--threshold takes a number")),
                 qPrintable(describe(r)));
        QCOMPARE(add(QStringLiteral("b"), b, {QStringLiteral("--cores"), QStringLiteral("1")}).exitCode, 0);

        // show: a and b (1 core) are heading over the line, c (16 cores) is not.
        const QJsonObject shown = h.json(QStringList{QStringLiteral("rebalance"), QStringLiteral("show")} + perCore);
        QCOMPARE(shown.value(QStringLiteral("nodes")).toArray().size(), 3);
        for (const auto &v : shown.value(QStringLiteral("nodes")).toArray()) {
            const QJsonObject n = v.toObject(), before = n.value(QStringLiteral("before")).toObject();
            const bool hot = n.value(QStringLiteral("name")).toString() != QLatin1String("c");
            QCOMPARE(before.value(QStringLiteral("probability")).toDouble() > 0.5, hot);
            QCOMPARE(before.value(QStringLiteral("crossing_step")).toInt() >= 0, hot);
            QCOMPARE(n.value(QStringLiteral("partitions")).toInt(), 40);
        }
        QCOMPARE(h.json({QStringLiteral("status")}).value(QStringLiteral("plans")).toArray().size(), 0);

        const QJsonObject planned = h.json(QStringList{QStringLiteral("rebalance"), QStringLiteral("plan")} + perCore);
        const QJsonObject plan = planned.value(QStringLiteral("plan")).toObject();
        QCOMPARE(plan.value(QStringLiteral("kind")).toString(), QStringLiteral("rebalance"));
        const QJsonArray steps = plan.value(QStringLiteral("steps")).toArray();
        QVERIFY(!steps.isEmpty());
        for (const auto &v : steps) {
            const QJsonObject s = v.toObject();
            QCOMPARE(s.value(QStringLiteral("kind")).toString(), QStringLiteral("move"));
            QVERIFY(s.value(QStringLiteral("node")).toString() != CliHarness::uri(c));
            QVERIFY2(s.value(QStringLiteral("does")).toString().contains(CliHarness::uri(c)),
                     qPrintable(s.value(QStringLiteral("does")).toString()));
            QVERIFY(s.value(QStringLiteral("reason")).toString().contains(QLatin1String("is forecast to")));
        }
        QVERIFY(planned.value(QStringLiteral("apply_refused")).toString().contains(QLatin1String("cannot run Move")));
        for (const auto &v : planned.value(QStringLiteral("nodes")).toArray())
            QVERIFY(
                v.toObject().value(QStringLiteral("after")).toObject().value(QStringLiteral("probability")).toDouble() <
                0.2);

        // Approved like any plan; apply refuses the moves and changes nothing.
        const QString id = QString::number(plan.value(QStringLiteral("id")).toInt());
        const qint64 rowsA = count(a, QStringLiteral("SELECT count(*) FROM orders"));
        QVERIFY(rowsA > 0);
        QCOMPARE(h.cli({QStringLiteral("approve"), id}).exitCode, 0);
        r = h.cli({QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode != 0 && r.err.contains(QLatin1String("cannot run")) &&
                     r.err.contains(QLatin1String("nothing was changed")),
                 qPrintable(describe(r)));
        QCOMPARE(count(a, QStringLiteral("SELECT count(*) FROM orders")), rowsA);
        QCOMPARE(count(c, QStringLiteral("SELECT count(*) FROM orders")), 20000);
    }
};

QTEST_GUILESS_MAIN(TestCliRebalance)
#include "tst_cli_rebalance.moc"
