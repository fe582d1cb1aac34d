// The metadata store's round trips of what the executor, the planners and
// the UI rely on: plans with their steps, scores and samples, and partition
// events.
#include "store_test_support.h"

#include <cmath>

#include <QFileInfo>

#include <fmt/format.h>

class TestStoreRoundTrips : public StoreTestCase {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void plansRoundTrip()
    {
        const QString path = freshPath();
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY(store);
        MetadataStore &s = **store;
        Plan plan = samplePlan("postgresql://db1/sales");
        QVERIFY(s.insertPlan(plan));
        QVERIFY(plan.id > 0);
        QVERIFY(plan.steps[0].id > 0 && plan.steps[1].id > plan.steps[0].id);
        QCOMPARE(plan.steps[0].uid.size(), std::size_t(32)); // random 128-bit hex
        QVERIFY(plan.steps[0].uid.find_first_not_of("0123456789abcdef") == std::string::npos);
        QCOMPARE(qs(plan.steps[1].uid), QStringLiteral("given-uid-1"));

        auto loaded = s.plan(plan.id);
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        QCOMPARE(loaded->id, plan.id);
        QCOMPARE(qs(loaded->connectionUri), qs(plan.connectionUri));
        QCOMPARE(qs(loaded->kind), qs(plan.kind));
        QCOMPARE(loaded->status, PlanStatus::Proposed);
        QCOMPARE(loaded->createdMs, plan.createdMs);
        QCOMPARE(qs(loaded->createdBy), qs(plan.createdBy));
        QCOMPARE(qs(loaded->summary), qs(plan.summary));
        QCOMPARE(loaded->approvedMs, 0);
        QCOMPARE(loaded->steps.size(), std::size_t(2));
        for (std::size_t i = 0; i < 2; ++i)
            compareStep(loaded->steps[i], plan.steps[i]);
        QVERIFY(!loaded->steps[0].repartition().targets[0].bounds.lower);
        QVERIFY(!loaded->steps[0].repartition().targets[1].bounds.upper);

        // Steps come back in ordinal order, whatever order they were given in.
        Plan second = samplePlan("postgresql://db1/sales");
        second.createdMs += 60000;
        std::swap(second.steps[0], second.steps[1]);
        second.steps[0].uid.clear();
        QVERIFY(s.insertPlan(second));
        auto loadedSecond = s.plan(second.id);
        QVERIFY(loadedSecond);
        QCOMPARE(loadedSecond->steps[0].ordinal, 0);
        QCOMPARE(loadedSecond->steps[1].ordinal, 1);

        // A duplicate uid fails the whole insert and leaves no half plan.
        Plan dup = samplePlan("postgresql://db1/sales");
        auto dupResult = s.insertPlan(dup);
        QVERIFY(!dupResult);
        QCOMPARE(dup.id, 0);
        auto list = s.plans();
        QVERIFY(list);
        QCOMPARE(list->size(), std::size_t(2));
        QCOMPARE(list->at(0).id, second.id); // newest first
        QCOMPARE(list->at(1).id, plan.id);
        QCOMPARE(list->at(0).steps, 2);
        QCOMPARE(qs(list->at(0).connectionUri), QStringLiteral("postgresql://db1/sales"));
        auto conn = s.findConnection("postgresql://db1/sales");
        QVERIFY(conn && *conn);
        QCOMPARE(s.plans((*conn)->id)->size(), std::size_t(2));
        QCOMPARE(s.plans((*conn)->id + 100)->size(), std::size_t(0));
        QCOMPARE(s.plans(std::nullopt, 1)->size(), std::size_t(1));

        // Approval, once.
        QVERIFY(s.markApproved(plan.id, "carol", "interactive"));
        auto approved = s.plan(plan.id);
        QCOMPARE(approved->status, PlanStatus::Approved);
        QCOMPARE(qs(approved->approvedBy), QStringLiteral("carol"));
        QCOMPARE(qs(approved->approval), QStringLiteral("interactive"));
        QVERIFY(approved->approvedMs > 0);
        auto twice = s.markApproved(plan.id, "carol", "interactive");
        QVERIFY(!twice);
        QCOMPARE(twice.error().code, ErrorCode::InvalidState);
        QVERIFY(qs(twice.error().message).contains(QStringLiteral("only a proposed plan can be approved")));
        QVERIFY(s.setPlanStatus(plan.id, PlanStatus::Running));

        // The executor's step updates persist, and a running step is interrupted.
        Step step = approved->steps[0];
        step.status = StepStatus::Running;
        step.startedMs = 1'700'000'100'000;
        step.sql = "ALTER … (re-rendered)";
        step.fingerprint = "fp:def";
        QVERIFY(s.updateStep(step));
        auto interrupted = s.interruptedSteps();
        QVERIFY(interrupted);
        QCOMPARE(interrupted->size(), std::size_t(1));
        QCOMPARE(interrupted->front().first, plan.id);
        compareStep(interrupted->front().second, step);

        step.status = StepStatus::Done;
        step.finishedMs = step.startedMs + 1500;
        step.measured = StepEffect{5 << 20, 0.75, 1, 2, 3, 99999};
        step.verification = "rows 100000 = 100000, checksum equal";
        QVERIFY(s.updateStep(step));
        Step failed = approved->steps[1];
        failed.status = StepStatus::Failed;
        failed.measured.reset();
        failed.error = "verification failed: rows 10 != 11";
        QVERIFY(s.updateStep(failed));
        auto after = s.plan(plan.id);
        QVERIFY(after);
        QCOMPARE(after->status, PlanStatus::Running);
        compareStep(after->steps[0], step);
        compareStep(after->steps[1], failed);
        QVERIFY(s.interruptedSteps()->empty());

        auto missing = s.plan(424242);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(qs(missing.error().message).contains(QStringLiteral("no plan 424242")));
        QVERIFY(qs(missing.error().hint).contains(QStringLiteral("tidemark-cli status")));
        QCOMPARE(s.setPlanStatus(424242, PlanStatus::Done).error().code, ErrorCode::NotFound);
        Step ghost;
        ghost.id = 424242;
        QCOMPARE(s.updateStep(ghost).error().code, ErrorCode::NotFound);
    }

    // A merge's preview repeats its statements per source: 1.2 MB of SQL in
    // a plan must not add 1.2 MB to the store (it was kept as text), and
    // show / apply get back exactly the text that was planned, also after
    // the step's status is updated.
    void largeStepSqlIsStoredCompactlyAndComesBackExact()
    {
        std::string sql;
        for (int i = 0; sql.size() < 1200000; ++i)
            sql += fmt::format("INSERT INTO public.events_p{0} SELECT * FROM ONLY public.events_old_p{0} WHERE id >= $1 "
                               "AND id < $2; -- source {0} of the merge\n",
                               i);
        Plan plan = samplePlan("postgresql://db1/sales");
        plan.steps[0].sql = sql;
        const QString path = freshPath();
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY(store);
        MetadataStore &s = **store;
        plan.steps[1].sql = "SELECT 1; -- short SQL stays as it is";
        auto fileBytes = [&] { return QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size(); };
        const qint64 before = fileBytes();
        QVERIFY(s.insertPlan(plan));
        const qint64 grown = fileBytes() - before;
        QVERIFY2(grown < 300000, qPrintable(QStringLiteral("the plan added %1 bytes").arg(grown)));
        auto loaded = s.plan(plan.id);
        QVERIFY(loaded);
        QVERIFY(loaded->steps[0].sql == sql);
        QCOMPARE(qs(loaded->steps[1].sql), qs(plan.steps[1].sql));
        Step done = loaded->steps[0];
        done.status = StepStatus::Done;
        QVERIFY(s.updateStep(done));
        auto again = s.plan(plan.id);
        QVERIFY(again);
        QVERIFY(again->steps[0].sql == sql);
        QCOMPARE(again->steps[0].status, StepStatus::Done);
    }

    void scoresAndSamples()
    {
        auto store = MetadataStore::open(fsPath(freshPath()));
        QVERIFY(store);
        MetadataStore &s = **store;
        const auto id = s.ensureConnection("sqlite:///s.db")->id;
        const auto other = s.ensureConnection("sqlite:///other.db")->id;
        QVERIFY(s.saveScores(id, {score("events", "p0", 1000, 10), score("events", "p1", 1000, 80),
                                  score("logs", "l0", 1000, 5)}));
        QVERIFY(s.saveScores(id, {score("events", "p0", 2000, 12), score("events", "p1", 2000, 85)}));
        QVERIFY(s.saveScores(id, {score("events", "p0", 1500, 99)})); // late, older: history only
        QVERIFY(s.saveScores(other, {score("events", "p0", 5000, 50)}));

        auto latest = s.latestScores(id);
        QVERIFY(latest);
        QCOMPARE(latest->size(), std::size_t(3));
        QCOMPARE(qs(latest->at(0).partition), QStringLiteral("p0"));
        QCOMPARE(latest->at(0).timestampMs, 2000);
        QCOMPARE(latest->at(0).score, 12.0);
        QCOMPARE(latest->at(0).pModified, 0.12);
        QCOMPARE(latest->at(0).writesPerSecond, 24.0);
        QCOMPARE(latest->at(0).readsPerSecond, 6.0);
        QCOMPARE(latest->at(0).rows, 120);
        QCOMPARE(latest->at(0).bytes, 12000);
        QCOMPARE(latest->at(1).score, 85.0);
        QCOMPARE(qs(latest->at(2).table), QStringLiteral("logs"));

        // A merged-away partition leaves the catalogue; its history stays.
        QVERIFY(s.recordPartitionDropped(id, "events", "p1", 2500, "merge"));
        latest = s.latestScores(id);
        QCOMPARE(latest->size(), std::size_t(2));
        QVERIFY(s.saveScores(id, {score("events", "p1", 3000, 1)})); // re-created under the same name
        QCOMPARE(s.latestScores(id)->size(), std::size_t(3));

        auto history = s.scoreHistory(id, "events");
        QVERIFY(history);
        QCOMPARE(history->size(), std::size_t(6));
        for (std::size_t i = 1; i < history->size(); ++i)
            QVERIFY(history->at(i - 1).timestampMs <= history->at(i).timestampMs);
        QCOMPARE(s.scoreHistory(id, "events", 2000)->size(), std::size_t(3));

        std::vector<ActivitySample> batch;
        for (std::int64_t ts : {3000, 1000, 2000}) {
            ActivitySample a;
            a.table = "events";
            a.partition = "p0";
            a.timestampMs = ts;
            a.reads = ts / 10;
            a.inserts = ts;
            a.updates = 2;
            a.deletes = 1;
            a.rows = 100;
            a.bytes = 8192;
            a.readsKnown = ts != 2000;
            a.counterEpoch = "epoch-7";
            a.epochStartMs = 500;
            batch.push_back(a);
        }
        QVERIFY(s.addSamples(id, batch));
        auto samples = s.samples(id, "events", "p0");
        QVERIFY(samples);
        QCOMPARE(samples->size(), std::size_t(3));
        QCOMPARE(samples->at(0).timestampMs, 1000); // oldest first
        QCOMPARE(samples->at(2).timestampMs, 3000);
        QCOMPARE(samples->at(1).readsKnown, false);
        QCOMPARE(samples->at(2).reads, 300);
        QCOMPARE(samples->at(2).updates, 2);
        QCOMPARE(samples->at(2).deletes, 1);
        QCOMPARE(samples->at(2).bytes, 8192);
        QCOMPARE(qs(samples->at(2).counterEpoch), QStringLiteral("epoch-7"));
        QCOMPARE(samples->at(2).epochStartMs, 500);
        QCOMPARE(s.samples(id, "events", "p0", 2000)->size(), std::size_t(2));
        QCOMPARE(s.samples(other, "events", "p0")->size(), std::size_t(0));
    }

    void partitionLifecycle()
    {
        auto store = MetadataStore::open(fsPath(freshPath()));
        QVERIFY(store);
        MetadataStore &s = **store;
        const auto id = s.ensureConnection("sqlite:///l.db")->id;
        QVERIFY(s.recordPartitionCreated(id, "events", "p3a", 1000, "split"));
        QVERIFY(s.recordPartitionCreated(id, "events", "p3b", 1000, "split"));
        QVERIFY(s.recordPartitionCreated(id, "events", "p01", 2000, "merge"));
        QVERIFY(s.recordPartitionDropped(id, "events", "p3b", 3000, "merge"));
        QVERIFY(s.recordPartitionCreated(id, "events", "p3a", 4000, "split")); // re-created later
        QVERIFY(s.recordPartitionCreated(id, "logs", "l9", 1000, "split"));
        auto times = s.partitionCreationTimes(id, "events");
        QVERIFY(times);
        const std::map<std::string, std::int64_t> expected{{"p3a", 4000}, {"p01", 2000}};
        QVERIFY(*times == expected);
    }

    void everyPayloadKindRoundTrips_data()
    {
        QTest::addColumn<int>("kind"); // StepKind
        QTest::addColumn<QString>("node");
        QTest::addColumn<int>("keyType"); // KeyType
        const QString home, db2 = QStringLiteral("postgresql://db2/sales");
        QTest::newRow("split on another node, timestamptz key") << int(StepKind::Split) << db2 << int(KeyType::TimestampTz);
        QTest::newRow("merge on the home node, date key") << int(StepKind::Merge) << home << int(KeyType::Date);
        QTest::newRow("copy with every field, open range") << int(StepKind::Copy) << home << int(KeyType::Integer);
        QTest::newRow("move run on another node") << int(StepKind::Move) << db2 << int(KeyType::Timestamp);
        QTest::newRow("shadow snapshot") << int(StepKind::Snapshot) << home << int(KeyType::TimestampTz);
        QTest::newRow("restore into another partition") << int(StepKind::Restore) << db2 << int(KeyType::Integer);
        QTest::newRow("compact") << int(StepKind::Compact) << home << int(KeyType::Integer);
        QTest::newRow("archive to a file") << int(StepKind::Archive) << home << int(KeyType::Date);
    }

    void everyPayloadKindRoundTrips()
    {
        QFETCH(int, kind);
        QFETCH(QString, node);
        QFETCH(int, keyType);
        const QString path = freshPath();
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY(store);
        Step step;
        step.kind = StepKind(kind);
        step.payload = payloadFor(step.kind);
        step.node = node.toStdString();
        step.keyType = KeyType(keyType);
        step.table = "events";
        step.sources = {"events_p1"};
        step.fingerprint = "fp:1";
        step.reason = "why";
        // Values unlike the defaults, so a field that is not stored shows.
        if (auto *r = step.work<RepartitionWork>()) {
            r->targets = {{"a", {std::nullopt, -5}, 1, 2, 0.125}, {"b", {-5, std::nullopt}, 3, 4, 0.875}};
            if (step.kind == StepKind::Merge)
                r->targets = {{"ab", {-100, 100}, 5, 6, 1.0}};
        } else if (auto *c = step.work<NodeCopyWork>())
            *c = NodeCopyWork{"postgresql://replica-east/sales", "events_copy", "events_p1_east",
                              {std::nullopt, 1'700'000'000'000'000}, 7'000'000'000, 5000,
                              {{"SELECT 1 FROM events WHERE id = 42", 1}, {"SELECT id FROM events", 0}}};
        else if (auto *sn = step.work<SnapshotWork>())
            *sn = SnapshotWork{"snap-before-split", {10, 20}, true};
        else if (auto *re = step.work<RestoreWork>())
            *re = RestoreWork{"snap-1", 1'700'000'123'456, {std::nullopt, std::nullopt}, "events_p1_restored"};
        else if (auto *g = step.work<SegmentWork>()) {
            g->archiveLocation = step.kind == StepKind::Archive ? "/archive/events_p1.zst" : "";
            g->expectedBytesAfter = 123456789;
            if (step.kind == StepKind::Compact)
                g->keepLatestBy = {"account_id", "region"};
        }
        Plan plan;
        plan.connectionUri = "postgresql://db1/sales";
        plan.steps = {step};
        QVERIFY(store->get()->insertPlan(plan));
        auto loaded = (*store)->plan(plan.id);
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        QCOMPARE(loaded->steps.size(), std::size_t(1));
        compareStep(loaded->steps[0], plan.steps[0]);
        // A running step reads back the same way (recovery reads interrupted steps).
        Step running = loaded->steps[0];
        running.status = StepStatus::Running;
        QVERIFY((*store)->updateStep(running));
        auto interrupted = (*store)->interruptedSteps();
        QVERIFY(interrupted && interrupted->size() == 1);
        QVERIFY(interrupted->front().second.payload == step.payload);
        QCOMPARE(qs(interrupted->front().second.node), node);
    }

    void payloadOfAnotherKindIsRefusedAndNothingSaved()
    {
        auto store = MetadataStore::open(fsPath(freshPath()));
        QVERIFY(store);
        Plan plan = samplePlan("postgresql://db1/sales");
        plan.steps[1].payload = NodeCopyWork{"postgresql://db2/sales", "", "", {0, 1}, 0, 0, {}}; // on a merge
        auto refused = (*store)->insertPlan(plan);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(qs(refused.error().message).contains(QStringLiteral("step 2 of the plan: a merge step carries the "
                                                                     "payload of another kind")),
                 refused.error().message.c_str());
        QCOMPARE(plan.id, 0);
        QVERIFY((*store)->plans()->empty());
    }

    void nodeCatalogueSavesListsFindsUpdatesAndRemoves()
    {
        const QString path = freshPath();
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY(store);
        MetadataStore &s = **store;
        Node primary;
        primary.name = "db1";
        primary.connectionUri = "postgresql://db1/sales";
        primary.role = NodeRole::Primary;
        primary.diskBytes = 500ll << 30;
        primary.cores = 16;
        primary.memoryBytes = 64ll << 30;
        primary.notes = "rack 4";
        auto saved = s.saveNode(primary, "alice");
        QVERIFY2(saved, saved ? "" : saved.error().message.c_str());
        QVERIFY(saved->id > 0 && saved->addedMs > 0);
        QCOMPARE(saved->connectionId, s.findConnection(primary.connectionUri)->value().id);
        Node replica;
        replica.name = "archive-east";
        replica.connectionUri = "sqlite:///srv/archive.db";
        replica.role = NodeRole::Archive; // capacity unknown
        QVERIFY(s.saveNode(replica, "alice"));

        auto all = s.nodes();
        QVERIFY(all);
        QCOMPARE(all->size(), std::size_t(2));
        QCOMPARE(qs(all->at(0).name), QStringLiteral("archive-east")); // by name
        QVERIFY(!all->at(0).diskBytes && !all->at(0).cores && !all->at(0).memoryBytes);
        const Node &db1 = all->at(1);
        QCOMPARE(qs(db1.connectionUri), qs(primary.connectionUri));
        QCOMPARE(db1.role, NodeRole::Primary);
        QCOMPARE(db1.diskBytes, primary.diskBytes);
        QCOMPARE(db1.cores, primary.cores);
        QCOMPARE(db1.memoryBytes, primary.memoryBytes);
        QCOMPARE(qs(db1.notes), QStringLiteral("rack 4"));

        // Saving for the same connection updates that node, renamed included.
        primary.name = "db1-sales";
        primary.role = NodeRole::Shard;
        primary.cores.reset();
        auto updated = s.saveNode(primary, "bob");
        QVERIFY(updated);
        QCOMPARE(updated->id, saved->id);
        QCOMPARE(updated->addedMs, saved->addedMs);
        QCOMPARE(s.nodes()->size(), std::size_t(2));
        QVERIFY(!s.findNode("db1")->has_value());
        auto found = s.findNode("db1-sales");
        QVERIFY(found && *found);
        QCOMPARE((*found)->role, NodeRole::Shard);
        QVERIFY(!(*found)->cores);

        QVERIFY(s.removeNode("archive-east", "carol"));
        QVERIFY(!s.findNode("archive-east")->has_value());
        QCOMPARE(s.nodes()->size(), std::size_t(1));
        // The connection stays: its plans and history do not depend on the catalogue.
        QVERIFY(s.findConnection("sqlite:///srv/archive.db")->has_value());

        auto log = s.auditLog();
        QVERIFY(log);
        QCOMPARE(log->size(), std::size_t(4));
        QCOMPARE(qs(log->at(0).action), QStringLiteral("node.removed"));
        QCOMPARE(qs(log->at(0).who), QStringLiteral("carol"));
        QCOMPARE(qs(log->at(0).detail), QStringLiteral("archive-east"));
        QCOMPARE(qs(log->at(1).action), QStringLiteral("node.saved"));
        QCOMPARE(qs(log->at(1).who), QStringLiteral("bob"));
        QCOMPARE(qs(log->at(1).detail), QStringLiteral("db1-sales (shard): postgresql://db1/sales"));
        QCOMPARE(qs(log->at(3).detail), QStringLiteral("db1 (primary): postgresql://db1/sales"));
    }

    void nodeCatalogueRefusalsChangeNothing_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<tidemark::ErrorCode>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("name used by another connection") << "clash" << ErrorCode::InvalidArgument
                                                         << "node name db1 is already used by postgresql://db1/sales";
        QTest::newRow("disk of zero bytes") << "disk" << ErrorCode::InvalidArgument << "must be positive";
        QTest::newRow("negative cores") << "cores" << ErrorCode::InvalidArgument << "must be positive";
        QTest::newRow("negative memory") << "memory" << ErrorCode::InvalidArgument << "must be positive";
        QTest::newRow("no name") << "name" << ErrorCode::InvalidArgument << "a node needs a name";
        QTest::newRow("no URI") << "uri" << ErrorCode::InvalidArgument << "node db2 names no connection URI";
        QTest::newRow("removing an unknown node") << "remove" << ErrorCode::NotFound << "no node named ghost";
    }

    void nodeCatalogueRefusalsChangeNothing()
    {
        QFETCH(QString, fault);
        QFETCH(tidemark::ErrorCode, code);
        QFETCH(QString, message);
        const QString path = freshPath();
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY(store);
        MetadataStore &s = **store;
        Node db1;
        db1.name = "db1";
        db1.connectionUri = "postgresql://db1/sales";
        db1.cores = 8;
        QVERIFY(s.saveNode(db1));
        const auto auditBefore = s.auditLog()->size();
        const auto connectionsBefore = s.connections()->size();

        Node bad;
        bad.name = "db2";
        bad.connectionUri = "postgresql://db2/sales";
        if (fault == QLatin1String("clash"))
            bad.name = "db1";
        else if (fault == QLatin1String("disk"))
            bad.diskBytes = 0;
        else if (fault == QLatin1String("cores"))
            bad.cores = -2;
        else if (fault == QLatin1String("memory"))
            bad.memoryBytes = -1;
        else if (fault == QLatin1String("name"))
            bad.name.clear();
        else if (fault == QLatin1String("uri"))
            bad.connectionUri.clear();
        Result<void> result = fault == QLatin1String("remove") ? s.removeNode("ghost")
                                                               : s.saveNode(bad).map([](const Node &) {});
        QVERIFY(!result);
        QCOMPARE(result.error().code, code);
        QVERIFY2(qs(result.error().message).contains(message), result.error().message.c_str());
        QVERIFY(!result.error().hint.empty());
        auto all = s.nodes();
        QVERIFY(all);
        QCOMPARE(all->size(), std::size_t(1));
        QCOMPARE(qs(all->front().connectionUri), QStringLiteral("postgresql://db1/sales"));
        QCOMPARE(all->front().cores, std::optional<int>(8));
        QCOMPARE(s.auditLog()->size(), auditBefore);
        QCOMPARE(s.connections()->size(), connectionsBefore); // no connection row left behind
    }
};

QTEST_GUILESS_MAIN(TestStoreRoundTrips)
#include "tst_store_round_trips.moc"
