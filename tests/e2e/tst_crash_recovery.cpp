// A real SIGKILL in the middle of `apply`, at named crash points, then a fresh
// process: the database is consistent, nothing is lost, and the interrupted
// step is settled (committed → done, otherwise rolled back) and can re-run.
#include <csignal>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cli_harness.h"

using namespace tidemark::test;

namespace {

/// A demo database with an approved plan of several steps in `h`'s store.
struct DemoPlan {
    QString db, uri, planId;
    int steps = 0;
    QJsonObject before; ///< checksum of orders
};

DemoPlan makeDemoPlan(const CliHarness &h, int rows = 100000)
{
    DemoPlan d;
    d.db = h.path(QStringLiteral("demo.db"));
    d.uri = CliHarness::uri(d.db);
    ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), d.db, QStringLiteral("--rows"),
                             QString::number(rows), QStringLiteral("--partitions"), QStringLiteral("40")});
    if (r.exitCode != 0)
        qWarning().noquote() << describe(r);
    r = h.cli({QStringLiteral("demo"), QStringLiteral("load"), d.db, QStringLiteral("--seconds"), QStringLiteral("3")});
    if (r.exitCode != 0)
        qWarning().noquote() << describe(r);
    // Merges of cold neighbours save no backup bytes: asked for, so that the plan has several steps.
    r = h.cli({QStringLiteral("settings"), d.uri, QStringLiteral("--set"), QStringLiteral("merge_cold_partitions=1")});
    if (r.exitCode != 0)
        qWarning().noquote() << describe(r);
    const QJsonObject plan = h.json({QStringLiteral("plan"), d.uri});
    d.steps = int(plan.value(QStringLiteral("steps")).toArray().size());
    d.planId = QString::number(plan.value(QStringLiteral("id")).toInteger());
    if (h.cli({QStringLiteral("approve"), d.planId}).exitCode != 0)
        d.steps = 0;
    d.before = h.json({QStringLiteral("checksum"), d.uri, QStringLiteral("orders")});
    return d;
}

/// Waits until the crash point named `point` was reached (its marker written).
bool reached(const QString &marker, const QString &point)
{
    for (int i = 0; i < 6000; ++i) {
        if (CliHarness::fileBytes(marker).contains(point.toUtf8()))
            return true;
        QThread::msleep(10);
    }
    return false;
}

/// Runs a system tool (mount, umount) and says why it failed.
QString tool(const QString &program, const QStringList &args)
{
    const ProcessResult r = run(program, args);
    return r.exitCode == 0 ? QString() : describe(r);
}

} // namespace

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
        QTest::newRow("committed, the connector's work after the commit not finished") << "sqlite.after-commit"
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
        // Several steps (cold merges asked for), so that a plan with its first step done is resumable.
        r = h.cli({QStringLiteral("settings"), uri, QStringLiteral("--set"), QStringLiteral("merge_cold_partitions=1")});
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
        const QJsonArray steps = shown.value(QStringLiteral("steps")).toArray();
        const QJsonObject first = steps.at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("status")).toString(), settledAs);
        // The plan is settled from its steps' records, not from how the process
        // ended: nothing failed, so it is not "failed"; a plan whose first step
        // is done and whose others have not run is approved again (resumable).
        const QString planStatus = shown.value(QStringLiteral("status")).toString();
        if (settledAs == QLatin1String("done"))
            QCOMPARE(planStatus, steps.size() == 1 ? QStringLiteral("done") : QStringLiteral("approved"));
        else
            QCOMPARE(planStatus, QStringLiteral("rolled back"));

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

    // Two DBAs, two metadata stores, one database: the executor lock lives in
    // the database too, so the second apply is refused up front and told who
    // holds it; nothing of its plan runs; the first completes.
    void secondStoreOnTheSameDatabaseIsRefused()
    {
        CliHarness first, second;
        const DemoPlan a = makeDemoPlan(first, 40000);
        QVERIFY(a.steps > 0);
        // The second store meets the database for the first time: its first
        // scan is a baseline; the next one finds every partition cold since,
        // and this DBA asks for cold merges.
        QVERIFY(second.cli({QStringLiteral("scan"), a.uri}).exitCode == 0);
        QVERIFY(second.cli({QStringLiteral("settings"), a.uri, QStringLiteral("--set"),
                            QStringLiteral("merge_cold_partitions=1")})
                    .exitCode == 0);
        const QJsonObject planB = second.json({QStringLiteral("plan"), a.uri});
        QVERIFY(!planB.value(QStringLiteral("steps")).toArray().isEmpty());
        const QString planIdB = QString::number(planB.value(QStringLiteral("id")).toInteger());
        QVERIFY(second.cli({QStringLiteral("approve"), planIdB}).exitCode == 0);

        // The first executor holds its locks and stops before its first step.
        const QString marker = first.path(QStringLiteral("stop.marker"));
        auto running = first.start({QStringLiteral("apply"), a.planId},
                                   {QStringLiteral("TIDEMARK_CRASH_AT=executor.before-step"),
                                    QStringLiteral("TIDEMARK_CRASH_ACTION=stop"),
                                    QStringLiteral("TIDEMARK_CRASH_MARKER=") + marker});
        const auto reap = qScopeGuard([&] {
            ::kill(pid_t(running->processId()), SIGCONT);
            running->waitForFinished(120000);
        });
        QVERIFY2(reached(marker, QStringLiteral("executor.before-step")), "the first apply reached its first step");

        const ProcessResult refused = second.cli({QStringLiteral("apply"), planIdB});
        QVERIFY2(refused.exitCode == 5, qPrintable(describe(refused)));
        const QString why = refused.err + refused.out;
        QVERIFY2(why.contains(QStringLiteral("pid %1 on host").arg(running->processId())), qPrintable(why));
        QVERIFY2(why.contains(QStringLiteral("store ") + first.store()), qPrintable(why));
        QVERIFY2(why.contains(QStringLiteral("since ")), qPrintable(why));
        QJsonObject shown = second.json({QStringLiteral("show"), planIdB});
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("approved"));
        for (const auto &step : shown.value(QStringLiteral("steps")).toArray())
            QCOMPARE(step.toObject().value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QJsonObject now = first.json({QStringLiteral("checksum"), a.uri, QStringLiteral("orders")});
        QCOMPARE(now.value(QStringLiteral("checksum")).toString(),
                 a.before.value(QStringLiteral("checksum")).toString());

        ::kill(pid_t(running->processId()), SIGCONT);
        QVERIFY(running->waitForFinished(300000));
        QVERIFY2(running->exitStatus() == QProcess::NormalExit && running->exitCode() == 0,
                 running->readAllStandardError().constData());
        shown = first.json({QStringLiteral("show"), a.planId});
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        now = first.json({QStringLiteral("checksum"), a.uri, QStringLiteral("orders")});
        QCOMPARE(now.value(QStringLiteral("rows")).toInteger(), a.before.value(QStringLiteral("rows")).toInteger());
        QCOMPARE(now.value(QStringLiteral("checksum")).toString(),
                 a.before.value(QStringLiteral("checksum")).toString());
        // Released: the lock no longer refuses anyone (the second plan is stale now).
        const ProcessResult after = second.cli({QStringLiteral("apply"), planIdB});
        QVERIFY2(after.exitCode != 5, qPrintable(describe(after)));
    }

    // The metadata store's disk fills while a plan runs: the process ends
    // with the store unable to record the end. Once there is room again,
    // recovery settles the plan from its steps' records.
    void storeDiskFullMidApply_data()
    {
        QTest::addColumn<QString>("point");
        QTest::newRow("full before the first step's intent") << "executor.before-step";
        QTest::newRow("full after the first step committed") << "sqlite.after-commit";
    }

    void storeDiskFullMidApply()
    {
        QFETCH(QString, point);
        if (::geteuid() != 0)
            QSKIP("filling a file system needs a private tmpfs, which only root can mount");
        CliHarness h;
        const QString mountPoint = h.path(QStringLiteral("storefs"));
        QVERIFY(QDir().mkpath(mountPoint));
        const QString mounted = tool(QStringLiteral("mount"),
                                     {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                      QStringLiteral("size=48m"), QStringLiteral("tmpfs"), mountPoint});
        QVERIFY2(mounted.isEmpty(), qPrintable(mounted));
        const auto unmount = qScopeGuard([&] { tool(QStringLiteral("umount"), {QStringLiteral("-l"), mountPoint}); });
        h.setStore(mountPoint + QStringLiteral("/store.db"));
        const DemoPlan d = makeDemoPlan(h, 40000);
        QVERIFY(d.steps > 1);

        const QString marker = h.path(QStringLiteral("stop.marker"));
        auto running =
            h.start({QStringLiteral("apply"), d.planId},
                    {QStringLiteral("TIDEMARK_CRASH_AT=") + point, QStringLiteral("TIDEMARK_CRASH_ACTION=stop"),
                     QStringLiteral("TIDEMARK_CRASH_MARKER=") + marker});
        const auto reap = qScopeGuard([&] {
            ::kill(pid_t(running->processId()), SIGCONT);
            running->waitForFinished(120000);
        });
        QVERIFY2(reached(marker, point), "the apply reached the point");
        // Fill the store's file system to the last byte (unbuffered: a
        // buffered writer that fails keeps its buffer and leaves room).
        const QString filler = mountPoint + QStringLiteral("/filler");
        {
            const int fd = ::open(QFile::encodeName(filler).constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            QVERIFY(fd >= 0);
            const QByteArray chunk(64 * 1024, 'x');
            for (std::size_t size = chunk.size(); size > 0;)
                if (::write(fd, chunk.constData(), size) <= 0)
                    size /= 2;
            ::close(fd);
            struct statvfs fs { };
            QCOMPARE(::statvfs(QFile::encodeName(mountPoint).constData(), &fs), 0);
            QCOMPARE(qint64(fs.f_bavail), qint64(0));
        }
        ::kill(pid_t(running->processId()), SIGCONT);
        QVERIFY(running->waitForFinished(300000));
        QVERIFY2(running->exitStatus() == QProcess::NormalExit && running->exitCode() != 0,
                 running->readAllStandardError().constData());
        QVERIFY(QFile::remove(filler));

        ProcessResult r = h.cli({QStringLiteral("status"), d.uri});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QJsonObject shown = h.json({QStringLiteral("show"), d.planId});
        const QJsonArray steps = shown.value(QStringLiteral("steps")).toArray();
        // Where the first failing write lands depends on the room SQLite
        // finds in its WAL; either way nothing stays running and the plan
        // says what its steps say.
        int done = 0;
        for (const auto &step : steps) {
            const QString status = step.toObject().value(QStringLiteral("status")).toString();
            QVERIFY2(status == QLatin1String("pending") || status == QLatin1String("done") ||
                         status == QLatin1String("skipped") || status == QLatin1String("rolled back"),
                     qPrintable(status));
            done += status == QLatin1String("done");
        }
        QVERIFY(done < steps.size());
        if (point == QLatin1String("sqlite.after-commit"))
            QVERIFY(done >= 1); // the database recorded the step: recovery says done
        QCOMPARE(shown.value(QStringLiteral("status")).toString(),
                 done > 0 ? QStringLiteral("approved") : QStringLiteral("rolled back"));
        QJsonObject now = h.json({QStringLiteral("checksum"), d.uri, QStringLiteral("orders")});
        QCOMPARE(now.value(QStringLiteral("rows")).toInteger(), d.before.value(QStringLiteral("rows")).toInteger());
        QCOMPARE(now.value(QStringLiteral("checksum")).toString(),
                 d.before.value(QStringLiteral("checksum")).toString());
        r = h.cli({QStringLiteral("apply"), d.planId});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        shown = h.json({QStringLiteral("show"), d.planId});
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        now = h.json({QStringLiteral("checksum"), d.uri, QStringLiteral("orders")});
        QCOMPARE(now.value(QStringLiteral("checksum")).toString(),
                 d.before.value(QStringLiteral("checksum")).toString());
    }

    // A database on a read-only mount (or, for a user without root, in a
    // folder it may not write): the message says so and why SQLite cares.
    void readOnlyDatabaseSaysWhy()
    {
        CliHarness h;
        const QString folder = h.path(QStringLiteral("ro"));
        QVERIFY(QDir().mkpath(folder));
        const QString db = folder + QStringLiteral("/demo.db");
        ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), db, QStringLiteral("--rows"),
                                 QStringLiteral("2000"), QStringLiteral("--partitions"), QStringLiteral("4")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        std::function<void()> undo;
        if (::geteuid() == 0) {
            // Root writes through permission bits: make the mount itself read-only.
            QString e = tool(QStringLiteral("mount"), {QStringLiteral("--bind"), folder, folder});
            QVERIFY2(e.isEmpty(), qPrintable(e));
            undo = [folder] { tool(QStringLiteral("umount"), {folder}); };
            e = tool(QStringLiteral("mount"), {QStringLiteral("-o"), QStringLiteral("remount,ro,bind"), folder});
            QVERIFY2(e.isEmpty(), qPrintable(e));
        } else {
            QVERIFY(QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
            undo = [folder] {
                QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
            };
        }
        const auto restore = qScopeGuard([&] { undo(); });
        QVERIFY2(!QFileInfo(folder).isWritable() || ::geteuid() == 0, "the folder is read-only");
        r = h.cli({QStringLiteral("scan"), CliHarness::uri(db)});
        QVERIFY2(r.exitCode != 0, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QLatin1String("read-only")), qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QLatin1String("journal")), qPrintable(describe(r)));
        QVERIFY2(!r.err.contains(QLatin1String("unable to open database file")), qPrintable(describe(r)));
    }
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crash_recovery.moc"
