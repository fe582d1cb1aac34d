// The executor lock of the metadata store: one executor per database, in
// one process and across processes, and the stale-lock rule.
#include "store_test_support.h"

class TestExecutorLock : public StoreTestCase {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void executorLockInOneProcess()
    {
        auto store = MetadataStore::open(fsPath(freshPath()));
        QVERIFY(store);
        MetadataStore &s = **store;
        auto lock = s.acquireExecutorLock("postgresql://db1/sales");
        QVERIFY2(lock, lock ? "" : lock.error().message.c_str());
        QVERIFY(qs(lock->owner).startsWith(QStringLiteral("%1:%2:").arg(qs(hostName())).arg(getpid())));
        auto second = s.acquireExecutorLock("postgresql://db1/sales");
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::ExecutorLocked);
        const QString msg = qs(second.error().message);
        QVERIFY2(msg.contains(QStringLiteral("another Tidemark executor (pid %1 on host %2, since ")
                                  .arg(getpid())
                                  .arg(qs(hostName())))
                     && msg.endsWith(QStringLiteral(") is working on postgresql://db1/sales")),
                 qPrintable(msg));
        QVERIFY(qs(second.error().hint).contains(QStringLiteral("taken over automatically")));
        // Another target is independent.
        auto other = s.acquireExecutorLock("postgresql://db1/other");
        QVERIFY(other);
        QVERIFY(s.heartbeat(*lock));
        // Releasing with a stranger's token does nothing.
        QVERIFY(s.releaseExecutorLock(ExecutorLock{lock->target, "someone:1:x"}));
        QVERIFY(!s.acquireExecutorLock("postgresql://db1/sales"));
        QVERIFY(s.releaseExecutorLock(*lock));
        auto third = s.acquireExecutorLock("postgresql://db1/sales");
        QVERIFY(third);
        // The old token is no longer the holder: its heartbeat says so.
        auto stale = s.heartbeat(*lock);
        QVERIFY(!stale);
        QCOMPARE(stale.error().code, ErrorCode::ExecutorLocked);
        QVERIFY(s.heartbeat(*third));
    }

    void executorLockTakeOver_data()
    {
        QTest::addColumn<QString>("host"); // "" = this host
        QTest::addColumn<QString>("pid");  // "dead", "live" (our parent), or a number
        QTest::addColumn<qint64>("heartbeatAgeMs");
        QTest::addColumn<QString>("bootId");   // "same" (this boot), "other", or "" (unknown)
        QTest::addColumn<QString>("pidStart"); // "same" (the live pid's), "other", or "" (unknown)
        QTest::addColumn<bool>("takenOver");
        const qint64 fresh = 1000, old = 3600 * 1000;
        const QString same = QStringLiteral("same"), other = QStringLiteral("other"), none;
        const QString dead = QStringLiteral("dead"), live = QStringLiteral("live"), here;
        QTest::newRow("dead process on this host") << here << dead << fresh << same << none << true;
        QTest::newRow("live process, fresh heartbeat") << here << live << fresh << same << same << false;
        QTest::newRow("live process, nothing else known") << here << live << fresh << none << none << false;
        // A long step writes no heartbeat for a while; its live process keeps the lock.
        QTest::newRow("live process on this host, heartbeat older than staleAfter: kept")
            << here << live << old << same << same << false;
        QTest::newRow("pid reused by a later process") << here << live << fresh << same << other << true;
        QTest::newRow("machine rebooted since") << here << live << fresh << other << same << true;
        QTest::newRow("other host, fresh heartbeat: pid cannot be checked")
            << QStringLiteral("elsewhere.example") << dead << fresh << other << none << false;
        QTest::newRow("other host, silent") << QStringLiteral("elsewhere.example") << QStringLiteral("1") << old
                                            << none << none << true;
    }

    void executorLockTakeOver()
    {
        QFETCH(QString, host);
        QFETCH(QString, pid);
        QFETCH(qint64, heartbeatAgeMs);
        QFETCH(QString, bootId);
        QFETCH(QString, pidStart);
        QFETCH(bool, takenOver);
        const QString path = freshPath();
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY(store);
        MetadataStore &s = **store;
        const QString holderHost = host.isEmpty() ? qs(hostName()) : host;
        const qint64 holderPid = pid == QStringLiteral("dead")   ? qint64(deadPid())
                                 : pid == QStringLiteral("live") ? qint64(getppid())
                                                                 : pid.toLongLong();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QString previousOwner = QStringLiteral("%1:%2:feedf00d").arg(holderHost).arg(holderPid);
        QString boot = bootId, start = pidStart;
        if (bootId == QStringLiteral("same"))
            boot = readFirstLine(QStringLiteral("/proc/sys/kernel/random/boot_id"));
        if (pidStart == QStringLiteral("same"))
            start = readFirstLine(QStringLiteral("/proc/%1/stat").arg(holderPid)).section(u')', -1).split(u' ', Qt::SkipEmptyParts).value(19);
        QVERIFY(bootId != QStringLiteral("same") || !boot.isEmpty());
        QVERIFY(pidStart != QStringLiteral("same") || !start.isEmpty());
        {
            RawDb raw(path);
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO executor_locks(target, owner, host, pid, acquired_ms, "
                                            "heartbeat_ms, boot_id, pid_start) "
                                            "VALUES ('sqlite:///t.db', '%1', '%2', %3, %4, %5, '%6', '%7')")
                                 .arg(previousOwner, holderHost)
                                 .arg(holderPid)
                                 .arg(now - 7200 * 1000)
                                 .arg(now - heartbeatAgeMs)
                                 .arg(boot, start)));
        }
        auto lock = s.acquireExecutorLock("sqlite:///t.db", 60 * 1000);
        QCOMPARE(bool(lock), takenOver);
        auto log = s.auditLog();
        QVERIFY(log);
        if (!takenOver) {
            QCOMPARE(lock.error().code, ErrorCode::ExecutorLocked);
            QVERIFY(qs(lock.error().message).contains(QStringLiteral("pid %1 on host %2").arg(holderPid).arg(holderHost)));
            QVERIFY(log->empty());
            return;
        }
        QCOMPARE(log->size(), std::size_t(1));
        QCOMPARE(qs(log->front().action), QStringLiteral("lock.taken-over"));
        QVERIFY2(qs(log->front().detail).contains(previousOwner), log->front().detail.c_str());
        RawDb raw(path);
        QCOMPARE(raw.text(QStringLiteral("SELECT owner FROM executor_locks")), qs(lock->owner));
        QCOMPARE(raw.integer(QStringLiteral("SELECT pid FROM executor_locks")), qint64(getpid()));
    }

    void executorLockAcrossProcesses()
    {
        const QString path = freshPath();
        QVERIFY(MetadataStore::open(fsPath(path))); // create and migrate, then close
        int ready[2], release[2];
        QCOMPARE(pipe(ready), 0);
        QCOMPARE(pipe(release), 0);
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // The child: hold the lock until told to go (or killed). No Qt here.
            close(ready[0]);
            close(release[1]);
            auto store = MetadataStore::open(fsPath(path));
            auto lock = store ? (*store)->acquireExecutorLock("mariadb://db2/logs") : Result<ExecutorLock>();
            const char status = (store && lock) ? 'L' : 'E';
            if (write(ready[1], &status, 1) != 1)
                _exit(2);
            char go = 0;
            [[maybe_unused]] auto n = read(release[0], &go, 1);
            _exit(0);
        }
        close(ready[1]);
        close(release[0]);
        // Whatever happens below, the child must not outlive the test.
        const auto reap = qScopeGuard([&] {
            close(release[1]);
            kill(child, SIGKILL);
            waitpid(child, nullptr, 0);
        });
        char status = 0;
        QCOMPARE(read(ready[0], &status, 1), ssize_t(1));
        close(ready[0]);
        QCOMPARE(status, 'L');

        auto store = MetadataStore::open(fsPath(path));
        QVERIFY(store);
        auto refused = (*store)->acquireExecutorLock("mariadb://db2/logs");
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::ExecutorLocked);
        QVERIFY2(qs(refused.error().message).contains(QStringLiteral("pid %1 on host").arg(child)),
                 refused.error().message.c_str());

        // The holder dies without releasing: its lock is taken over at once,
        // without waiting for the heartbeat to go stale.
        QCOMPARE(kill(child, SIGKILL), 0);
        int wstatus = 0;
        QCOMPARE(waitpid(child, &wstatus, 0), child);
        QVERIFY(WIFSIGNALED(wstatus));
        auto taken = (*store)->acquireExecutorLock("mariadb://db2/logs");
        QVERIFY2(taken, taken ? "" : taken.error().message.c_str());
        auto log = (*store)->auditLog();
        QVERIFY(log && !log->empty());
        QCOMPARE(qs(log->front().action), QStringLiteral("lock.taken-over"));
        QVERIFY(qs(log->front().detail).contains(QStringLiteral("pid %1").arg(child)));
        QVERIFY(qs(log->front().detail).contains(QStringLiteral("no longer exists")));
    }

};

QTEST_GUILESS_MAIN(TestExecutorLock)
#include "tst_executor_lock.moc"
