// Bad input: a clear message saying what is wrong and what to do, a
// non-zero documented exit code, and every database and file left as it was.
#include <sqlite3.h>

#include "cli_harness.h"

using namespace tidemark::test;

class TestCliBadInput : public QObject {
    Q_OBJECT

    CliHarness h;
    QString demo;
    QString uri;

    static void exec(const QString &file, const char *sql)
    {
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(file.toUtf8().constData(), &db), SQLITE_OK);
        char *err = nullptr;
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
        QVERIFY2(rc == SQLITE_OK, err ? err : "?");
        sqlite3_close(db);
    }

    QString planAndApprove()
    {
        const QJsonObject plan = h.json({QStringLiteral("plan"), uri});
        const QString id = QString::number(plan.value(QStringLiteral("id")).toInteger());
        if (plan.value(QStringLiteral("steps")).toArray().isEmpty())
            return {};
        if (h.cli({QStringLiteral("approve"), id}).exitCode != 0)
            return {};
        return id;
    }

private slots:
    void initTestCase()
    {
        demo = h.path(QStringLiteral("demo.db"));
        uri = CliHarness::uri(demo);
        ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), demo, QStringLiteral("--rows"),
                                 QStringLiteral("60000"), QStringLiteral("--partitions"), QStringLiteral("40")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = h.cli(
            {QStringLiteral("demo"), QStringLiteral("load"), demo, QStringLiteral("--seconds"), QStringLiteral("2")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        exec(demo, "CREATE TABLE plain_table(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO plain_table VALUES (1,'x');");
    }

    void refusedWithMessage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString missing = h.path(QStringLiteral("no-such.db"));
        QTest::newRow("unknown URI scheme") << QStringList{QStringLiteral("scan"), QStringLiteral("oracle://db/orders")}
                                            << 2 << "no connector for URI scheme \"oracle\"";
        QTest::newRow("not a URI") << QStringList{QStringLiteral("scan"), QStringLiteral("/tmp/x.db")} << 2
                                   << "is not a database URI";
        QTest::newRow("missing SQLite file")
            << QStringList{QStringLiteral("scan"), CliHarness::uri(missing)} << 3 << "no SQLite database";
        QTest::newRow("table that is not partitioned")
            << QStringList{QStringLiteral("plan"), uri, QStringLiteral("--table"), QStringLiteral("plain_table")} << 4
            << "not partitioned";
        QTest::newRow("table that does not exist")
            << QStringList{QStringLiteral("plan"), uri, QStringLiteral("--table"), QStringLiteral("nope")} << 3
            << "nope";
        QTest::newRow("plan that does not exist")
            << QStringList{QStringLiteral("show"), QStringLiteral("9999")} << 3 << "9999";
        QTest::newRow("plan id that is not a number")
            << QStringList{QStringLiteral("apply"), QStringLiteral("abc")} << 2 << "not a plan id";
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << 2 << "unknown command";
        QTest::newRow("unknown setting") << QStringList{QStringLiteral("settings"), uri, QStringLiteral("--set"),
                                                        QStringLiteral("colour=blue")}
                                         << 2 << "unknown setting";
        QTest::newRow("thresholds crossed")
            << QStringList{QStringLiteral("settings"), uri, QStringLiteral("--set"), QStringLiteral("low_threshold=90")}
            << 2 << "low < high";
    }

    void refusedWithMessage()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const QByteArray demoBefore = CliHarness::fileBytes(demo);
        const ProcessResult r = h.cli(args);
        QVERIFY2(r.exitCode == exitCode, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(message), qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QLatin1String("what to do:")), qPrintable(describe(r)));
        QVERIFY(CliHarness::fileBytes(demo) == demoBefore);
        QVERIFY(!QFile::exists(h.path(QStringLiteral("no-such.db"))));
    }

    void corruptOrNewerStoreIsRefusedUntouched_data()
    {
        QTest::addColumn<QByteArray>("kind");
        QTest::newRow("garbage file") << QByteArray("garbage");
        QTest::newRow("store of a newer Tidemark") << QByteArray("newer");
    }

    void corruptOrNewerStoreIsRefusedUntouched()
    {
        QFETCH(QByteArray, kind);
        const QString store =
            h.path(QStringLiteral("other-store-") + QString::fromLatin1(kind) + QStringLiteral(".db"));
        if (kind == "garbage") {
            QFile f(store);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(8192, 'x'));
        } else {
            // A valid store, then stamped as if a future version wrote it.
            const ProcessResult made = run(binary(QStringLiteral("tidemark-cli")),
                                           {QStringLiteral("--store"), store, QStringLiteral("status")});
            QVERIFY2(made.exitCode == 0, qPrintable(describe(made)));
            exec(store, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA user_version = 999;");
        }
        const QByteArray before = CliHarness::fileBytes(store);
        const ProcessResult r =
            run(binary(QStringLiteral("tidemark-cli")), {QStringLiteral("--store"), store, QStringLiteral("status")});
        QVERIFY2(r.exitCode == 9, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(kind == "garbage" ? QLatin1String("not a Tidemark metadata store")
                                                  : QLatin1String("newer Tidemark")),
                 qPrintable(describe(r)));
        QVERIFY(CliHarness::fileBytes(store) == before);
    }

    void databaseLockedByAnotherWriter()
    {
        const QString id = planAndApprove();
        QVERIFY2(!id.isEmpty(), "the demo load gives a plan");
        sqlite3 *other = nullptr;
        QCOMPARE(sqlite3_open(demo.toUtf8().constData(), &other), SQLITE_OK);
        QCOMPARE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
        const ProcessResult r =
            h.cli({QStringLiteral("apply"), id, QStringLiteral("--lock-timeout"), QStringLiteral("300")});
        sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(other);
        QVERIFY2(r.exitCode == 5, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QLatin1String("locked by another writer")), qPrintable(describe(r)));
        const QJsonObject shown = h.json({QStringLiteral("show"), id});
        QCOMPARE(
            shown.value(QStringLiteral("steps")).toArray().at(0).toObject().value(QStringLiteral("status")).toString(),
            QStringLiteral("rolled back"));
    }

    void stalePlanIsRefused()
    {
        // Two plans over the same partitions. In one store the newer plan
        // supersedes the older one; a copy of the store made before knows
        // only the older plan, which acts on facts that are no longer true
        // once the newer one has run.
        const QString first = planAndApprove();
        QVERIFY(!first.isEmpty());
        CliHarness other;
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            if (QFile::exists(h.store() + suffix))
                QVERIFY(QFile::copy(h.store() + suffix, other.store() + suffix));
        const QJsonObject second = h.json({QStringLiteral("plan"), uri});
        QVERIFY(!second.value(QStringLiteral("steps")).toArray().isEmpty());
        const QString secondId = QString::number(second.value(QStringLiteral("id")).toInteger());
        ProcessResult r = h.cli({QStringLiteral("apply"), first});
        QVERIFY2(r.exitCode == 7 && r.err.contains(QStringLiteral("superseded by plan ") + secondId),
                 qPrintable(describe(r)));
        QVERIFY(h.cli({QStringLiteral("approve"), secondId}).exitCode == 0);
        r = h.cli({QStringLiteral("apply"), secondId});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QByteArray before = CliHarness::fileBytes(demo);
        const QJsonObject sumBefore = h.json({QStringLiteral("checksum"), uri, QStringLiteral("orders")});
        r = other.cli({QStringLiteral("apply"), first});
        QVERIFY2(r.exitCode == 6, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QLatin1String("changed since the plan was made")), qPrintable(describe(r)));
        const QJsonObject sumAfter = h.json({QStringLiteral("checksum"), uri, QStringLiteral("orders")});
        QCOMPARE(sumAfter.value(QStringLiteral("checksum")).toString(),
                 sumBefore.value(QStringLiteral("checksum")).toString());
        QVERIFY2(CliHarness::fileBytes(demo) == before, "a refused stale plan leaves the database file as it was");
    }
};

QTEST_GUILESS_MAIN(TestCliBadInput)
#include "tst_cli_bad_input.moc"
