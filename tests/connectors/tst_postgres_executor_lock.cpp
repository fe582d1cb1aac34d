// The executor lock in the PostgreSQL database itself: executors of
// different metadata stores exclude each other, the refusal names the
// holder, and the lock goes with the holder's session (a kill -9 leaves
// none behind).
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "../e2e/cli_harness.h"
#include "connector_features.h"
#include "postgres_test_util.h"
#include "store/metadata_store.h"

using namespace tidemark;
using namespace tidemark::test;

namespace {

ExecutorClaim claim(const std::string &host, std::int64_t pid, const std::string &store)
{
    return ExecutorClaim{host, pid, store, 1700000000000};
}

} // namespace

class TestPostgresExecutorLock : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;

    /// An approved split of pgbench_accounts_1 in its middle, in the store at `storePath`.
    QString approvedSplit(const QString &storePath)
    {
        auto c = connectOrFail(*m_pg);
        auto t = c ? c->describe("pgbench_accounts") : Result<PartitionedTable>();
        if (!t)
            return {};
        const Partition &p = t->partitions.front();
        if (!p.bounds.upper)
            return {};
        const std::int64_t hi = *p.bounds.upper;
        const std::int64_t mid = hi / 2;
        Plan plan;
        plan.connectionUri = str(m_pg->uri());
        plan.kind = "test";
        plan.steps.push_back(makeStep(*c, StepKind::Split, "pgbench_accounts", {p.name},
                                      {target(p.bounds.lower, mid), target(mid, hi)}, ""));
        auto store = MetadataStore::open(str(storePath));
        if (!store || !(*store)->insertPlan(plan) || !(*store)->markApproved(plan.id, "tester", "test"))
            return {};
        return QString::number(plan.id);
    }

    QString accountsChecksum()
    {
        auto c = connectOrFail(*m_pg);
        auto sum = c ? c->checksum("pgbench_accounts", KeyRange{}) : Result<RowChecksum>();
        return sum ? QStringLiteral("%1/%2").arg(sum->rows).arg(sum->hashSum) : QString();
    }

private slots:
    void initTestCase()
    {
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        usePgpass(*m_pg);
        const QString init = pgbenchInit(*m_pg, 2, 4);
        QVERIFY2(init.isEmpty(), qPrintable(init));
    }
    void cleanupTestCase() { m_pg.reset(); }

    void secondConnectorIsRefusedNamingTheHolder()
    {
        auto a = connectOrFail(*m_pg);
        auto b = connectOrFail(*m_pg);
        QVERIFY(a && b);
        QVERIFY(feature<DatabaseExecutorLock>(*a));
        auto first = a->lockExecutor(claim("host-a.example", 4242, "/home/dba/a/store.db"));
        QVERIFY2(first, first ? "" : qPrintable(explain(first.error())));
        auto second = b->lockExecutor(claim("host-b.example", 5151, "/home/cron/b/store.db"));
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::ExecutorLocked);
        const QString why = QString::fromStdString(second.error().message);
        QVERIFY2(why.contains(QStringLiteral("pid 4242 on host host-a.example, store /home/dba/a/store.db, since ")),
                 qPrintable(why));
        a->unlockExecutor();
        auto third = b->lockExecutor(claim("host-b.example", 5151, "/home/cron/b/store.db"));
        QVERIFY2(third, third ? "" : qPrintable(explain(third.error())));
        b->unlockExecutor();
    }

    void lockGoesWithAKilledHolder()
    {
        int ready[2];
        QCOMPARE(pipe(ready), 0);
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            close(ready[0]);
            auto c = postgres::PostgresConnector::open(str(m_pg->uri()));
            const char status = c && (*c)->lockExecutor(claim("child", getpid(), "/child/store.db")) ? 'L' : 'E';
            if (write(ready[1], &status, 1) != 1)
                _exit(2);
            pause();
            _exit(0);
        }
        close(ready[1]);
        const auto reap = qScopeGuard([&] {
            kill(child, SIGKILL);
            waitpid(child, nullptr, 0);
        });
        char status = 0;
        QCOMPARE(read(ready[0], &status, 1), ssize_t(1));
        close(ready[0]);
        QCOMPARE(status, 'L');
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        auto refused = c->lockExecutor(claim("parent", getpid(), "/parent/store.db"));
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.find(fmt::format("pid {} on host child", child)) != std::string::npos,
                 refused.error().message.c_str());
        QCOMPARE(kill(child, SIGKILL), 0);
        QCOMPARE(waitpid(child, nullptr, 0), child);
        // The server ends the dead client's session and its lock with it.
        QTRY_VERIFY_WITH_TIMEOUT(c->lockExecutor(claim("parent", getpid(), "/parent/store.db")).has_value(), 10000);
        c->unlockExecutor();
    }

    // Two stores, one database: the second `apply` is refused up front with
    // exit code 5 and the holder named; nothing of it runs; the first completes.
    void secondStoreApplyIsRefused()
    {
        CliHarness first, second;
        const QString planA = approvedSplit(first.store());
        const QString planB = approvedSplit(second.store());
        QVERIFY(!planA.isEmpty() && !planB.isEmpty());
        const QString before = accountsChecksum();
        QVERIFY(!before.isEmpty());
        const QStringList env = m_pg->environment();

        const QString marker = first.path(QStringLiteral("stop.marker"));
        auto running = first.start({QStringLiteral("apply"), planA},
                                   env +
                                       QStringList{QStringLiteral("TIDEMARK_CRASH_AT=executor.before-step"),
                                                   QStringLiteral("TIDEMARK_CRASH_ACTION=stop"),
                                                   QStringLiteral("TIDEMARK_CRASH_MARKER=") + marker});
        const auto reap = qScopeGuard([&] {
            ::kill(pid_t(running->processId()), SIGCONT);
            running->waitForFinished(120000);
        });
        QTRY_VERIFY_WITH_TIMEOUT(CliHarness::fileBytes(marker).contains("executor.before-step"), 60000);

        const ProcessResult refused = second.cli({QStringLiteral("apply"), planB}, env);
        QVERIFY2(refused.exitCode == 5, qPrintable(describe(refused)));
        const QString why = refused.err + refused.out;
        QVERIFY2(why.contains(QStringLiteral("pid %1 on host").arg(running->processId())), qPrintable(why));
        QVERIFY2(why.contains(QStringLiteral("store ") + first.store()), qPrintable(why));
        QVERIFY2(why.contains(QStringLiteral("since ")), qPrintable(why));
        QVERIFY2(!why.contains(QLatin1String("duplicate key")) && !why.contains(QLatin1String("does not exist")),
                 qPrintable(why));
        {
            auto store = MetadataStore::open(str(second.store()));
            QVERIFY(store);
            auto plan = (*store)->plan(planB.toLongLong());
            QVERIFY(plan);
            QCOMPARE(plan->status, PlanStatus::Approved);
            QCOMPARE(plan->steps.front().status, StepStatus::Pending);
        }
        QCOMPARE(accountsChecksum(), before);

        ::kill(pid_t(running->processId()), SIGCONT);
        QVERIFY(running->waitForFinished(300000));
        QVERIFY2(running->exitStatus() == QProcess::NormalExit && running->exitCode() == 0,
                 running->readAllStandardError().constData());
        QCOMPARE(accountsChecksum(), before);
        auto store = MetadataStore::open(str(first.store()));
        QVERIFY(store);
        auto plan = (*store)->plan(planA.toLongLong());
        QVERIFY(plan);
        QCOMPARE(plan->status, PlanStatus::Done);
        // Released with the run: the next executor is no longer refused (its plan is stale now).
        const ProcessResult after = second.cli({QStringLiteral("apply"), planB}, env);
        QVERIFY2(after.exitCode == 6, qPrintable(describe(after)));
    }
};

QTEST_GUILESS_MAIN(TestPostgresExecutorLock)
#include "tst_postgres_executor_lock.moc"
