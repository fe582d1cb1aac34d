// PlanExecutor driven directly through every step kind, over real SQLite
// files (one per node, sqlite_test_node.h): rows preserved, stale plans and
// malformed or unsupported steps refused before a database is touched,
// connector exceptions and cancellation. Plans across two nodes (locks,
// recovery, moves) are in tst_executor_nodes.cpp.
#include <stdexcept>

#include "executor_test_cluster.h"

class TestExecutor : public StoreTestCase {
    Q_OBJECT

    QString folder() { return m_dir.filePath(QStringLiteral("cluster-%1").arg(++m_counter)); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void everyKindRunsToDoneWithRowsPreserved_data()
    {
        QTest::addColumn<StepKind>("kind");
        QTest::newRow("split: one partition into two by key range") << StepKind::Split;
        QTest::newRow("merge: two adjacent partitions into one") << StepKind::Merge;
        QTest::newRow("copy: a partition to the other node") << StepKind::Copy;
        QTest::newRow("move: copied, verified, then the source dropped") << StepKind::Move;
        QTest::newRow("snapshot: a partition's rows into a snapshot") << StepKind::Snapshot;
        QTest::newRow("restore: rows back from the snapshot after changes") << StepKind::Restore;
        QTest::newRow("compact: a segment rewritten without duplicate rows") << StepKind::Compact;
        QTest::newRow("archive: a segment into an archive file, then removed") << StepKind::Archive;
    }

    void everyKindRunsToDoneWithRowsPreserved()
    {
        QFETCH(StepKind, kind);
        Cluster c(folder());
        QVERIFY(c.store);
        SqliteTestNode &a = *c.home;
        QVERIFY(a.addPartition("events", "p0", {0, 100}, 0, 100));
        QVERIFY(a.addPartition("events", "p1", {100, 200}, 100, 200));
        const RowChecksum p0 = *a.partitionSum("p0"), p1 = *a.partitionSum("p1");
        QCOMPARE(p1.rows, 100);
        const std::string archiveFile = c.dir + "/archive.db";

        Step s = c.step(kind, {"p1"});
        RowChecksum expected = p1; // what must arrive where the step puts it
        std::function<Result<RowChecksum>()> arrived; // where it is afterwards
        std::vector<std::string> gone, kept{"p0"}; // partitions on the home node afterwards
        SqliteTestNode *recorder = &a;
        switch (kind) {
        case StepKind::Split:
            s.repartition().targets = {{"p1a", {100, 150}, 50, 0, 0.5}, {"p1b", {150, 200}, 50, 0, 0.5}};
            arrived = [&] { return a.checksumOf("SELECT k, v FROM p1a UNION ALL SELECT k, v FROM p1b"); };
            gone = {"p1"};
            kept = {"p0", "p1a", "p1b"};
            break;
        case StepKind::Merge:
            s = c.step(kind, {"p0", "p1"});
            s.repartition().targets = {{"p01", {0, 200}, 200, 0, 0.0}};
            expected = RowChecksum{p0.rows + p1.rows, p0.hashSum + p1.hashSum};
            arrived = [&] { return a.partitionSum("p01"); };
            gone = {"p0", "p1"};
            kept = {"p01"};
            break;
        case StepKind::Copy:
        case StepKind::Move:
            s.work<NodeCopyWork>()->targetNode = c.otherUri;
            s.work<NodeCopyWork>()->range = {100, 200};
            arrived = [&] { return c.other->partitionSum("p1"); };
            recorder = c.other.get();
            if (kind == StepKind::Move)
                gone = {"p1"};
            else
                kept = {"p0", "p1"};
            break;
        case StepKind::Snapshot:
            *s.work<SnapshotWork>() = SnapshotWork{"before-backup", {100, 200}, false};
            arrived = [&] { return a.partitionSum("_snap_before-backup"); };
            kept = {"p0", "p1"};
            break;
        case StepKind::Restore: {
            Step snap = c.step(StepKind::Snapshot, {"p1"});
            *snap.work<SnapshotWork>() = SnapshotWork{"s1", {100, 200}, false};
            auto first = c.apply(c.approvedPlan({snap}));
            QVERIFY2(first, first ? "" : first.error().message.c_str());
            // A bad change after the snapshot: rows deleted and altered.
            QVERIFY(a.exec("DELETE FROM p1 WHERE k < 120; UPDATE p1 SET v = 'garbage' WHERE k % 7 = 0"));
            QVERIFY(!(*a.partitionSum("p1") == p1));
            s = c.step(kind, {"p1"});
            *s.work<RestoreWork>() = RestoreWork{"s1", 1'700'000'000'000, {100, 200}, ""};
            arrived = [&] { return a.partitionSum("p1"); };
            kept = {"p0", "p1"};
            break;
        }
        case StepKind::Compact:
            QVERIFY(a.exec("INSERT INTO p1 SELECT k, v FROM p1 WHERE k % 3 = 0"));
            QCOMPARE(a.partitionSum("p1")->rows, 133);
            s = c.step(kind, {"p1"});
            arrived = [&] { return a.partitionSum("p1"); };
            kept = {"p0", "p1"};
            break;
        case StepKind::Archive:
            s.work<SegmentWork>()->archiveLocation = archiveFile;
            arrived = [&] {
                SqliteTestNode archive(archiveFile);
                return archive.partitionSum("p1");
            };
            gone = {"p1"};
            break;
        }
        const std::int64_t planId = c.approvedPlan({s});
        auto report = c.apply(planId);
        QVERIFY2(report, report ? "" : report.error().message.c_str());

        const Plan after = c.plan(planId);
        QCOMPARE(after.status, PlanStatus::Done);
        const Step &done = after.steps.back();
        QCOMPARE(done.status, StepStatus::Done);
        // A move is validated afterwards where the connector can (the test
        // connector cannot, and the step says so).
        QVERIFY2(qs(done.verification)
                     .endsWith(done.kind == StepKind::Move
                                   ? QStringLiteral(": equal; not validated after the move: the testnode connector "
                                                    "does not offer validation of a moved partition yet")
                                   : QStringLiteral(": equal")),
                 done.verification.c_str());
        QVERIFY(done.measured);
        QCOMPARE(done.measured->rowsMoved, expected.rows);
        auto there = arrived();
        QVERIFY2(there, there ? "" : there.error().message.c_str());
        QCOMPARE(describe(*there), describe(expected));
        for (const auto &p : gone)
            QVERIFY2(!a.hasTable(p), p.c_str());
        for (const auto &p : kept)
            QVERIFY2(a.hasTable(p), p.c_str());
        if (kind == StepKind::Copy)
            QCOMPARE(describe(*a.partitionSum("p1")), describe(p1)); // the source stays as it was
        // The uid is recorded where recovery will ask for it.
        const auto uids = recorder->recordedUids();
        QVERIFY(std::find(uids.begin(), uids.end(), done.uid) != uids.end());
        // Nobody else holds a lock afterwards: both nodes are free again.
        for (const auto &node : after.nodes()) {
            auto lock = c.store->acquireExecutorLock(node);
            QVERIFY2(lock, node.c_str());
            QVERIFY(c.store->releaseExecutorLock(*lock));
        }
    }

    void staleFingerprintStopsThePlanWithNothingChanged()
    {
        Cluster c(folder());
        SqliteTestNode &a = *c.home;
        QVERIFY(a.addPartition("events", "p0", {0, 100}, 0, 100));
        QVERIFY(a.addPartition("events", "p1", {100, 200}, 100, 200));
        Step split = c.step(StepKind::Split, {"p1"});
        split.repartition().targets = {{"p1a", {100, 150}, 50, 0, 0.5}, {"p1b", {150, 200}, 50, 0, 0.5}};
        Step merge = c.step(StepKind::Merge, {"p0", "p1a"});
        merge.fingerprint = "planned-later";
        merge.repartition().targets = {{"p01", {0, 150}, 150, 0, 0}};
        const std::int64_t planId = c.approvedPlan({split, merge});
        // The partition changed shape after planning (a column added).
        QVERIFY(a.exec("ALTER TABLE p1 ADD COLUMN note TEXT"));
        const RowChecksum before = *a.checksum("events", {});
        const QByteArray bytes = fileBytes(QString::fromStdString(a.path()));

        auto report = c.apply(planId);
        QVERIFY(!report);
        QCOMPARE(report.error().code, ErrorCode::StalePlan);
        QVERIFY(qs(report.error().hint).contains(QStringLiteral("make a fresh plan")));
        QCOMPARE(a.executeCalls, 0);
        QCOMPARE(fileBytes(QString::fromStdString(a.path())), bytes);
        QCOMPARE(describe(*a.checksum("events", {})), describe(before));
        QVERIFY(!a.hasTable("p1a"));
        const Plan after = c.plan(planId);
        QCOMPARE(after.status, PlanStatus::RolledBack);
        QCOMPARE(after.steps[0].status, StepStatus::Failed);
        QCOMPARE(after.steps[1].status, StepStatus::Skipped);
        QVERIFY(a.recordedUids().empty());
    }

    void malformedStepRefusedBeforeAnyDatabaseIsTouched_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QString>("message");
        QTest::newRow("copy names no receiving node") << "no-target" << "names no receiving node";
        QTest::newRow("copy to the node it runs on, named") << "same-node-named" << "the node it reads from";
        QTest::newRow("copy to the home node it runs on implicitly") << "same-node-home" << "the node it reads from";
        QTest::newRow("copy of two partitions") << "two-sources" << "reads exactly one partition";
        QTest::newRow("split into one target") << "split-one-target" << "two or more";
        QTest::newRow("stored payload of another kind (kind column changed)") << "kind-changed"
                                                                               << "names its snapshot";
    }

    void malformedStepRefusedBeforeAnyDatabaseIsTouched()
    {
        QFETCH(QString, fault);
        QFETCH(QString, message);
        Cluster c(folder());
        SqliteTestNode &a = *c.home;
        QVERIFY(a.addPartition("events", "p1", {100, 200}, 100, 200));
        QVERIFY(a.addPartition("events", "p2", {200, 300}, 200, 300));
        Step s = c.step(StepKind::Copy, {"p1"});
        NodeCopyWork &work = *s.work<NodeCopyWork>();
        work.targetNode = c.otherUri;
        work.range = {100, 200};
        if (fault == QLatin1String("no-target"))
            work.targetNode.clear();
        else if (fault == QLatin1String("same-node-named"))
            s.node = work.targetNode = c.homeUri;
        else if (fault == QLatin1String("same-node-home"))
            work.targetNode = c.homeUri;
        else if (fault == QLatin1String("two-sources"))
            s.sources = {"p1", "p2"};
        else if (fault == QLatin1String("split-one-target")) {
            s = c.step(StepKind::Split, {"p1"});
            s.repartition().targets = {{"p1x", {100, 200}, 100, 0, 1.0}};
        }
        const std::int64_t planId = c.approvedPlan({s});
        if (fault == QLatin1String("kind-changed")) {
            RawDb raw(QString::fromStdString(c.storePath));
            QVERIFY(raw.exec(QStringLiteral("UPDATE steps SET kind = 'snapshot'")));
        }
        const QByteArray bytesA = fileBytes(QString::fromStdString(a.path()));
        const QByteArray bytesB = fileBytes(QString::fromStdString(c.other->path()));

        auto report = c.apply(planId);
        QVERIFY(!report);
        QCOMPARE(report.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(qs(report.error().message).contains(message), report.error().message.c_str());
        QCOMPARE(a.executeCalls, 0);
        for (const SqliteTestNode *opened : c.opened)
            QCOMPARE(opened->executeCalls, 0);
        QCOMPARE(fileBytes(QString::fromStdString(a.path())), bytesA);
        QCOMPARE(fileBytes(QString::fromStdString(c.other->path())), bytesB);
        const Plan after = c.plan(planId);
        QCOMPARE(after.steps[0].status, StepStatus::Failed);
        QCOMPARE(after.status, PlanStatus::RolledBack);
    }

    void kindTheNodeDoesNotListIsRefusedWithItsReason_data()
    {
        QTest::addColumn<QString>("limitation"); // "" = none given: the derived reason
        QTest::newRow("reason the connector gives") << "snapshots need the change journal on this server";
        QTest::newRow("reason derived by capabilitiesOf") << "";
    }

    void kindTheNodeDoesNotListIsRefusedWithItsReason()
    {
        QFETCH(QString, limitation);
        std::vector<std::pair<std::string, std::string>> limits;
        if (!limitation.isEmpty())
            limits.emplace_back("snapshot", limitation.toStdString());
        Cluster c(folder(), {StepKind::Split, StepKind::Merge}, limits);
        SqliteTestNode &a = *c.home;
        QVERIFY(a.addPartition("events", "p1", {100, 200}, 100, 200));
        Step s = c.step(StepKind::Snapshot, {"p1"});
        *s.work<SnapshotWork>() = SnapshotWork{"s1", {100, 200}, false};
        const std::int64_t planId = c.approvedPlan({s});
        const std::string why = capabilitiesOf(a).whyNot("snapshot");
        QVERIFY(!why.empty());
        if (!limitation.isEmpty())
            QCOMPARE(qs(why), limitation);

        auto report = c.apply(planId);
        QVERIFY(!report);
        QCOMPARE(report.error().code, ErrorCode::Unsupported);
        QVERIFY2(qs(report.error().message).endsWith(qs(why)), report.error().message.c_str());
        QCOMPARE(a.executeCalls, 0);
        QVERIFY(!a.hasTable("_snap_s1"));
        QCOMPARE(c.plan(planId).steps[0].status, StepStatus::Failed);
        QVERIFY(qs(c.plan(planId).steps[0].error).contains(qs(why)));
    }

    void connectorThrowingFailsTheStepWithRowsUnchanged_data()
    {
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("message");
        QTest::addColumn<StepStatus>("stepStatus");
        QTest::addColumn<int>("abandoned");
        // An exception inside execute() may come after the work began: the
        // step is settled as rolled back and its leftovers abandoned.
        QTest::newRow("execute throws a std::exception") << "execute" << "disk on fire" << StepStatus::RolledBack << 1;
        QTest::newRow("execute throws something else") << "execute-other" << "unknown exception"
                                                        << StepStatus::RolledBack << 1;
        QTest::newRow("fingerprint throws: nothing was started") << "fingerprint" << "disk on fire"
                                                                 << StepStatus::Failed << 0;
    }

    void connectorThrowingFailsTheStepWithRowsUnchanged()
    {
        QFETCH(QString, where);
        QFETCH(QString, message);
        QFETCH(StepStatus, stepStatus);
        QFETCH(int, abandoned);
        Cluster c(folder());
        SqliteTestNode &a = *c.home;
        QVERIFY(a.addPartition("events", "p1", {100, 200}, 100, 200));
        const RowChecksum p1 = *a.partitionSum("p1");
        Step split = c.step(StepKind::Split, {"p1"});
        split.repartition().targets = {{"p1a", {100, 150}, 50, 0, 0.5}, {"p1b", {150, 200}, 50, 0, 0.5}};
        QVERIFY(a.addPartition("events", "p2", {200, 300}, 200, 300));
        Step snap = c.step(StepKind::Snapshot, {"p2"});
        *snap.work<SnapshotWork>() = SnapshotWork{"s2", {200, 300}, false};
        const std::int64_t planId = c.approvedPlan({split, snap});
        if (where == QLatin1String("execute"))
            a.beforeExecute = [](const Step &) { throw std::runtime_error("disk on fire"); };
        else if (where == QLatin1String("execute-other"))
            a.beforeExecute = [](const Step &) { throw 42; };
        else
            a.beforeFingerprint = [] { throw std::runtime_error("disk on fire"); };

        auto report = c.apply(planId);
        QVERIFY(!report);
        QCOMPARE(report.error().code, ErrorCode::Internal);
        QVERIFY2(qs(report.error().message).contains(message), report.error().message.c_str());
        const Plan after = c.plan(planId);
        QCOMPARE(after.steps[0].status, stepStatus);
        QVERIFY(qs(after.steps[0].error).contains(message));
        QCOMPARE(after.steps[1].status, StepStatus::Skipped);
        QCOMPARE(after.status, PlanStatus::RolledBack);
        QCOMPARE(a.abandonCalls, abandoned); // asked to clean up what an uncommitted step left
        QVERIFY(!a.hasTable("p1a"));
        QCOMPARE(describe(*a.partitionSum("p1")), describe(p1));
        auto log = c.store->auditLog(planId);
        QVERIFY(log && !log->empty());
        QVERIFY(std::any_of(log->begin(), log->end(), [](const AuditEntry &e) { return e.action == "step.failed"; }));
        // The lock was released: the plan can run again once the connector behaves.
        a.beforeExecute = nullptr;
        a.beforeFingerprint = nullptr;
        auto again = c.apply(planId);
        QVERIFY2(again, again ? "" : again.error().message.c_str());
        QCOMPARE(c.plan(planId).status, PlanStatus::Done);
    }

    void cancellationBeforeAStepSkipsTheRest_data()
    {
        QTest::addColumn<int>("stopDuringStep"); // 0: before the plan starts
        QTest::addColumn<PlanStatus>("planStatus");
        QTest::newRow("stop requested before the first step: nothing runs") << 0 << PlanStatus::RolledBack;
        QTest::newRow("stop requested during step 1: it finishes, 2 and 3 skipped") << 1 << PlanStatus::Failed;
    }

    void cancellationBeforeAStepSkipsTheRest()
    {
        QFETCH(int, stopDuringStep);
        QFETCH(PlanStatus, planStatus);
        Cluster c(folder());
        SqliteTestNode &a = *c.home;
        std::vector<Step> steps;
        for (int i = 0; i < 3; ++i) {
            const std::string p = "p" + std::to_string(i);
            QVERIFY(a.addPartition("events", p, {i * 100, i * 100 + 100}, i * 100, i * 100 + 100));
            Step s = c.step(StepKind::Snapshot, {p});
            *s.work<SnapshotWork>() = SnapshotWork{"s" + std::to_string(i), {}, false};
            steps.push_back(s);
        }
        const std::int64_t planId = c.approvedPlan(steps);
        std::stop_source stop;
        if (stopDuringStep == 0)
            stop.request_stop();
        else
            a.beforeExecute = [&](const Step &) { stop.request_stop(); };

        auto report = c.apply(planId, stop.get_token());
        QVERIFY(!report);
        QCOMPARE(report.error().code, ErrorCode::Cancelled);
        const Plan after = c.plan(planId);
        QCOMPARE(after.status, planStatus);
        for (int i = 0; i < 3; ++i) {
            const bool ran = i < stopDuringStep;
            QCOMPARE(after.steps[std::size_t(i)].status, ran ? StepStatus::Done : StepStatus::Skipped);
            QCOMPARE(a.hasTable("_snap_s" + std::to_string(i)), ran);
        }
        QCOMPARE(a.executeCalls, stopDuringStep);
    }

    // The last step commits but its answer is lost and the database cannot
    // be asked: the step stays running and apply ends the plan unsure. Once
    // the database answers, recovery settles the step done by its record,
    // and the plan from its steps: done, not failed or rolled back.
    void planEndedUnsureIsSettledFromItsSteps_data()
    {
        QTest::addColumn<int>("steps");
        QTest::addColumn<PlanStatus>("endedAs");
        QTest::newRow("one step: ended rolled back") << 1 << PlanStatus::RolledBack;
        QTest::newRow("second of two: ended failed") << 2 << PlanStatus::Failed;
    }

    void planEndedUnsureIsSettledFromItsSteps()
    {
        QFETCH(int, steps);
        QFETCH(PlanStatus, endedAs);
        Cluster c(folder());
        SqliteTestNode &a = *c.home;
        std::vector<Step> list;
        for (int i = 0; i < steps; ++i) {
            const std::string p = "p" + std::to_string(i);
            QVERIFY(a.addPartition("events", p, {i * 100, i * 100 + 100}, i * 100, i * 100 + 100));
            Step s = c.step(StepKind::Snapshot, {p});
            *s.work<SnapshotWork>() = SnapshotWork{"s" + std::to_string(i), {}, false};
            list.push_back(s);
        }
        const std::int64_t planId = c.approvedPlan(list);
        a.beforeExecute = [&](const Step &s) {
            if (s.ordinal == steps - 1) {
                a.loseResultAfterCommit = true;
                a.stepStateFailures = 4; // the question and its three retries
            }
        };
        auto report = c.apply(planId);
        QVERIFY(!report);
        Plan after = c.plan(planId);
        QCOMPARE(after.status, endedAs);
        QCOMPARE(after.steps.back().status, StepStatus::Running);

        a.loseResultAfterCommit = false;
        auto recovered = c.executor->recoverIfIdle(c.homeUri, "tester");
        QVERIFY2(recovered, recovered ? "" : recovered.error().message.c_str());
        QCOMPARE(recovered->completed, 1);
        after = c.plan(planId);
        QCOMPARE(after.steps.back().status, StepStatus::Done);
        QCOMPARE(after.status, PlanStatus::Done);
    }
};

QTEST_GUILESS_MAIN(TestExecutor)
#include "tst_executor.moc"
