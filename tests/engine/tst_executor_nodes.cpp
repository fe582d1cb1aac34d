// PlanExecutor on plans across two nodes, over real SQLite files: the
// executor lock of both, recovery after a real kill asking the node that
// records the step, and moves whose source outlives their copy.
#include "executor/crash_points.h"
#include "executor_test_cluster.h"

class TestExecutorNodes : public StoreTestCase {
    Q_OBJECT

    QString folder() { return m_dir.filePath(QStringLiteral("cluster-%1").arg(++m_counter)); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void planSpanningTwoNodesHoldsTheLockOfBoth_data()
    {
        QTest::addColumn<bool>("onReceivingNode");
        QTest::newRow("second executor on the home node is refused") << false;
        QTest::newRow("second executor on the receiving node is refused") << true;
    }

    void planSpanningTwoNodesHoldsTheLockOfBoth()
    {
        QFETCH(bool, onReceivingNode);
        Cluster c(folder());
        SqliteTestNode &a = *c.home;
        QVERIFY(a.addPartition("events", "p1", {100, 200}, 100, 200));
        QVERIFY(c.other->addPartition("events", "q1", {0, 100}, 0, 100));
        Step copy = c.step(StepKind::Copy, {"p1"});
        copy.work<NodeCopyWork>()->targetNode = c.otherUri;
        copy.work<NodeCopyWork>()->range = {100, 200};
        const std::int64_t planId = c.approvedPlan({copy});

        // A second executor (its own store connection, as another process
        // would have) with a plan homed on one of the two nodes.
        auto secondStore = MetadataStore::open(c.storePath);
        QVERIFY(secondStore);
        SqliteTestNode &secondHome = onReceivingNode ? *c.other : *c.home;
        Step split;
        split.kind = StepKind::Split;
        split.table = "events";
        split.sources = {onReceivingNode ? "q1" : "p1"};
        split.fingerprint = secondHome.fingerprint("events", split.sources).value_or("");
        const KeyValue lo = onReceivingNode ? 0 : 100;
        split.repartition().targets = {{"x1", {lo, lo + 50}, 0, 0, 0}, {"x2", {lo + 50, lo + 100}, 0, 0, 0}};
        Plan other;
        other.connectionUri = secondHome.uri();
        other.steps = {split};
        QVERIFY((*secondStore)->insertPlan(other));
        QVERIFY((*secondStore)->markApproved(other.id, "tester", "interactive"));
        PlanExecutor second(secondHome, **secondStore);
        std::optional<Result<ApplyReport>> during;
        a.beforeExecute = [&](const Step &) {
            ApplyOptions options;
            options.who = "someone else";
            during = second.apply(other.id, options);
        };

        auto report = c.apply(planId);
        QVERIFY2(report, report ? "" : report.error().message.c_str());
        QVERIFY(during.has_value());
        QVERIFY(!*during);
        QCOMPARE(during->error().code, ErrorCode::ExecutorLocked);
        QVERIFY2(qs(during->error().message).endsWith(qs(secondHome.uri())), during->error().message.c_str());
        QCOMPARE((*secondStore)->plan(other.id)->status, PlanStatus::Approved); // untouched
        QCOMPARE(secondHome.executeCalls, onReceivingNode ? 0 : 1);             // only the copy ran on a

        // Once the first plan is done, both nodes are free: the second runs.
        a.beforeExecute = nullptr;
        ApplyOptions options;
        options.who = "someone else";
        auto later = second.apply(other.id, options);
        QVERIFY2(later, later ? "" : later.error().message.c_str());
    }

    void killedApplyIsSettledByTheNodesThatRecordTheStep_data()
    {
        QTest::addColumn<StepKind>("kind");
        QTest::addColumn<QString>("point");
        QTest::addColumn<StepStatus>("settled");
        QTest::addColumn<PlanStatus>("planStatus");
        QTest::addColumn<bool>("sourceKept");
        const QString afterCommit = QStringLiteral("executor.after-commit");
        QTest::newRow("copy killed after its commit: done, as the receiving node says")
            << StepKind::Copy << afterCommit << StepStatus::Done << PlanStatus::Done << true;
        QTest::newRow("move killed after both commits: done, the source gone")
            << StepKind::Move << afterCommit << StepStatus::Done << PlanStatus::Done << false;
        QTest::newRow("move killed between its copy and the source's removal: half moved, not done")
            << StepKind::Move << QStringLiteral("testnode.after-receive") << StepStatus::Failed << PlanStatus::Failed
            << true;
    }

    void killedApplyIsSettledByTheNodesThatRecordTheStep()
    {
        QFETCH(StepKind, kind);
        QFETCH(QString, point);
        QFETCH(StepStatus, settled);
        QFETCH(PlanStatus, planStatus);
        QFETCH(bool, sourceKept);
        Cluster c(folder());
        SqliteTestNode &a = *c.home;
        QVERIFY(a.addPartition("events", "p1", {100, 200}, 100, 200));
        const RowChecksum p1 = *a.partitionSum("p1");
        Step copy = c.step(kind, {"p1"});
        copy.work<NodeCopyWork>()->targetNode = c.otherUri;
        copy.work<NodeCopyWork>()->range = {100, 200};
        const std::int64_t planId = c.approvedPlan({copy});
        const std::string marker = c.dir + "/crash.marker";
        auto opener = [](const std::string &uri) -> Result<std::unique_ptr<Connector>> {
            return std::unique_ptr<Connector>(std::make_unique<SqliteTestNode>(SqliteTestNode::pathOf(uri)));
        };

        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // The child runs the plan with its own connections and dies at the point.
            auto store = MetadataStore::open(c.storePath);
            if (!store)
                _exit(2);
            SqliteTestNode home(a.path());
            PlanExecutor executor(home, **store);
            executor.setNodeOpener(opener);
            CrashPoints::arm(point.toStdString(), marker);
            ApplyOptions options;
            options.who = "tester";
            (void)executor.apply(planId, options);
            _exit(3); // the crash point was not reached
        }
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child died at the crash point");
        QVERIFY(fileBytes(QString::fromStdString(marker)).contains(point.toUtf8()));

        // A fresh store connection sees the step still running.
        auto store = MetadataStore::open(c.storePath);
        QVERIFY(store);
        QCOMPARE((*store)->plan(planId)->steps[0].status, StepStatus::Running);
        // The receiving node recorded the uid; the home node only with a move's removal.
        const std::string uid = (*store)->plan(planId)->steps[0].uid;
        QCOMPARE(*c.other->stepState(uid), StepCommitState::Committed);
        QCOMPARE(*a.stepState(uid), sourceKept ? StepCommitState::NotCommitted : StepCommitState::Committed);

        PlanExecutor recovering(a, **store);
        recovering.setNodeOpener(opener);
        // While another executor works on the receiving node, recovery waits:
        // it would have to ask and clean that node too.
        auto otherStore = MetadataStore::open(c.storePath);
        QVERIFY(otherStore);
        auto busy = (*otherStore)->acquireExecutorLock(c.otherUri);
        QVERIFY(busy);
        auto waited = recovering.recoverIfIdle(c.homeUri, "tester");
        QVERIFY2(waited, waited ? "" : waited.error().message.c_str());
        QCOMPARE(waited->completed + waited->rolledBack + waited->partlyDone, 0);
        QVERIFY(!waited->messages.empty() && qs(waited->messages.front()).endsWith(qs(c.otherUri)));
        QCOMPARE((*store)->plan(planId)->steps[0].status, StepStatus::Running);
        QVERIFY((*otherStore)->releaseExecutorLock(*busy));

        auto recovered = recovering.recoverIfIdle(c.homeUri, "tester");
        QVERIFY2(recovered, recovered ? "" : recovered.error().message.c_str());
        QCOMPARE(recovered->completed, settled == StepStatus::Done ? 1 : 0);
        QCOMPARE(recovered->partlyDone, settled == StepStatus::Done ? 0 : 1);
        QCOMPARE(recovered->rolledBack, 0);
        const Plan after = *(*store)->plan(planId);
        QCOMPARE(after.steps[0].status, settled);
        QCOMPARE(after.status, planStatus); // a plan whose only step is done is done
        if (settled != StepStatus::Done)
            QVERIFY2(qs(after.steps[0].error).contains(QStringLiteral("the rows are on both nodes")),
                     after.steps[0].error.c_str());
        QCOMPARE(describe(*c.other->partitionSum("p1")), describe(p1));
        QCOMPARE(a.hasTable("p1"), sourceKept);
        if (sourceKept)
            QCOMPARE(describe(*a.partitionSum("p1")), describe(p1));
        QCOMPARE(a.abandonCalls, 0);
    }

    void moveWhoseSourceFailsAfterTheCopyIsNotReportedDone()
    {
        Cluster c(folder());
        SqliteTestNode &a = *c.home;
        QVERIFY(a.addPartition("events", "p1", {100, 200}, 100, 200));
        const RowChecksum p1 = *a.partitionSum("p1");
        Step move = c.step(StepKind::Move, {"p1"});
        move.work<NodeCopyWork>()->targetNode = c.otherUri;
        move.work<NodeCopyWork>()->range = {100, 200};
        const std::int64_t planId = c.approvedPlan({move});
        a.afterReceive = []() -> Result<void> {
            return fail(ErrorCode::Database, "the connection to the source server was lost");
        };

        auto report = c.apply(planId);
        QVERIFY(!report);
        QVERIFY2(qs(report.error().message).contains(QStringLiteral("the rows are on both nodes")),
                 report.error().message.c_str());
        QVERIFY(qs(report.error().message).contains(QStringLiteral("the connection to the source server was lost")));
        const Plan after = c.plan(planId);
        QCOMPARE(after.steps[0].status, StepStatus::Failed);
        QCOMPARE(after.status, PlanStatus::Failed); // something took effect: not rolled back
        QVERIFY(a.hasTable("p1"));
        QCOMPARE(describe(*a.partitionSum("p1")), describe(p1));
        QCOMPARE(describe(*c.other->partitionSum("p1")), describe(p1));
        auto log = c.store->auditLog(planId);
        QVERIFY(log);
        auto has = [&](const char *action) {
            return std::any_of(log->begin(), log->end(), [&](const AuditEntry &e) { return e.action == action; });
        };
        QVERIFY(has("step.half-moved"));
        QVERIFY(!has("step.done"));
    }
};

QTEST_GUILESS_MAIN(TestExecutorNodes)
#include "tst_executor_nodes.moc"
