// A real SIGKILL in the middle of `apply`, at named crash points, then a fresh
// process: the database is consistent, nothing is lost, and the interrupted
// step is settled (committed → done, otherwise rolled back) and can re-run.
#include "cli_harness.h"

using namespace tidemark::test;

class TestCrashRecovery : public QObject {
    Q_OBJECT
private slots:
    void killedApplyRecovers_data()
    {
        QTest::addColumn<QString>("point");
        QTest::addColumn<QString>("settledAs");
        QTest::newRow("intent recorded, database untouched") << "executor.after-intent"
                                                             << "rolled back";
        QTest::newRow("rows copied inside the transaction") << "sqlite.after-copy"
                                                            << "rolled back";
        QTest::newRow("everything done but the commit") << "sqlite.before-commit"
                                                        << "rolled back";
        QTest::newRow("committed, store not yet told") << "executor.after-commit"
                                                       << "done";
    }

    void killedApplyRecovers()
    {
        QFETCH(QString, point);
        QFETCH(QString, settledAs);
        CliHarness h;
        const QString db = h.path(QStringLiteral("demo.db"));
        const QString uri = CliHarness::uri(db);
        const QString marker = h.path(QStringLiteral("crash.marker"));

        ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), db, QStringLiteral("--rows"),
                                 QStringLiteral("100000"), QStringLiteral("--partitions"), QStringLiteral("40")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = h.cli(
            {QStringLiteral("demo"), QStringLiteral("load"), db, QStringLiteral("--seconds"), QStringLiteral("3")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject plan = h.json({QStringLiteral("plan"), uri});
        QVERIFY2(!plan.value(QStringLiteral("steps")).toArray().isEmpty(), QJsonDocument(plan).toJson().constData());
        const QString planId = QString::number(plan.value(QStringLiteral("id")).toInteger());
        QVERIFY(h.cli({QStringLiteral("approve"), planId}).exitCode == 0);
        const QJsonObject before = h.json({QStringLiteral("checksum"), uri, QStringLiteral("orders")});
        QVERIFY(before.value(QStringLiteral("rows")).toInteger() > 90000); // the load deletes a few

        r = h.cli({QStringLiteral("apply"), planId},
                  {QStringLiteral("TIDEMARK_CRASH_AT=") + point, QStringLiteral("TIDEMARK_CRASH_MARKER=") + marker});
        QVERIFY2(r.crashed, qPrintable(describe(r)));
        QVERIFY2(CliHarness::fileBytes(marker).contains(point.toUtf8()), "the crash point was reached");

        // A fresh process settles the interrupted step.
        r = h.cli({QStringLiteral("status"), uri});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(QLatin1String("recovery:")), qPrintable(describe(r)));
        QJsonObject shown = h.json({QStringLiteral("show"), planId});
        const QJsonObject first = shown.value(QStringLiteral("steps")).toArray().at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("status")).toString(), settledAs);

        QJsonObject now = h.json({QStringLiteral("checksum"), uri, QStringLiteral("orders")});
        QCOMPARE(now.value(QStringLiteral("rows")).toInteger(), before.value(QStringLiteral("rows")).toInteger());
        QCOMPARE(now.value(QStringLiteral("checksum")).toString(), before.value(QStringLiteral("checksum")).toString());

        // Running the plan again finishes it; still nothing lost.
        r = h.cli({QStringLiteral("apply"), planId});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        shown = h.json({QStringLiteral("show"), planId});
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        now = h.json({QStringLiteral("checksum"), uri, QStringLiteral("orders")});
        QCOMPARE(now.value(QStringLiteral("rows")).toInteger(), before.value(QStringLiteral("rows")).toInteger());
        QCOMPARE(now.value(QStringLiteral("checksum")).toString(), before.value(QStringLiteral("checksum")).toString());
        QVERIFY(h.cli({QStringLiteral("scan"), uri}).exitCode == 0);
    }
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crash_recovery.moc"
