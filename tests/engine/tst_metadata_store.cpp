// The metadata store: schema and migrations, refusals that leave a file
// untouched, transactions, connections, settings and the audit trail.
// Round trips of plans, scores, samples and partition events are in
// tst_store_round_trips.cpp, the executor lock in tst_executor_lock.cpp, the
// recorded forecasts in tst_forecast_store.cpp.
#include "store_test_support.h"

#include <cmath>

class TestMetadataStore : public StoreTestCase {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void freshOpenCreatesCurrentSchemaInWal()
    {
        const QString path = freshPath();
        {
            auto store = MetadataStore::open(fsPath(path));
            QVERIFY2(store, store ? "" : store.error().message.c_str());
            QCOMPARE((*store)->schemaVersion(), MetadataStore::kSchemaVersion);
            RawDb raw(path);
            QCOMPARE(raw.text(QStringLiteral("PRAGMA journal_mode")), QStringLiteral("wal"));
            QCOMPARE(raw.integer(QStringLiteral("PRAGMA user_version")), qint64(MetadataStore::kSchemaVersion));
            QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'segment_archives'")),
                     1);
            QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'nodes'")), 1);
            QCOMPARE(raw.integer(QStringLiteral("PRAGMA application_id")), qint64(MetadataStore::kApplicationId));
            QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'partition_events'")),
                     1);
            QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'forecasts'")), 1);
        }
        // Re-opening an up-to-date store changes nothing.
        auto again = MetadataStore::open(fsPath(path));
        QVERIFY(again);
        QCOMPARE((*again)->schemaVersion(), MetadataStore::kSchemaVersion);
    }

    void migratesVersion1StoreKeepingData()
    {
        const QString path = freshPath();
        std::int64_t connId = 0, planId = 0;
        ConnectionSettings settings;
        fillSettings(settings);
        {
            auto v1 = MetadataStore::openAtVersion(fsPath(path), 1);
            QVERIFY2(v1, v1 ? "" : v1.error().message.c_str());
            MetadataStore &s = **v1;
            QCOMPARE(s.schemaVersion(), 1);
            auto conn = s.ensureConnection("sqlite:///data/app.db");
            QVERIFY(conn);
            connId = conn->id;
            QVERIFY(s.saveSettings(connId, settings));
            ActivitySample sample;
            sample.table = "events";
            sample.partition = "events_p0";
            sample.timestampMs = 1000;
            sample.inserts = 5;
            sample.counterEpoch = "boot-1";
            QVERIFY(s.addSamples(connId, {sample}));
            // Migration 2 builds the latest-score catalogue from this history.
            RawDb raw(path);
            QVERIFY(raw.exec(
                QStringLiteral("INSERT INTO scores VALUES (%1, 'events', 'events_p0', 100, 10, 0.1, 1, 0, 5, 50),"
                               "(%1, 'events', 'events_p0', 300, 30, 0.3, 3, 0, 5, 50),"
                               "(%1, 'events', 'events_p0', 200, 20, 0.2, 2, 0, 5, 50)")
                    .arg(connId)));
            // insertPlan writes schema 4's step columns; a plan as schema 1 held it:
            planId = insertOldLayoutPlan(raw, connId);
            QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'partition_events'")),
                     0);
            QCOMPARE(raw.integer(QStringLiteral("PRAGMA user_version")), 1);
        }
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        MetadataStore &s = **store;
        QCOMPARE(s.schemaVersion(), MetadataStore::kSchemaVersion);
        auto conn = s.findConnection("sqlite:///data/app.db");
        QVERIFY(conn && *conn);
        QCOMPARE((*conn)->id, connId);
        compareSettings((*conn)->settings, settings);
        auto samples = s.samples(connId, "events", "events_p0");
        QVERIFY(samples);
        QCOMPARE(samples->size(), std::size_t(1));
        QCOMPARE(samples->front().inserts, 5);
        auto latest = s.latestScores(connId);
        QVERIFY(latest);
        QCOMPARE(latest->size(), std::size_t(1));
        QCOMPARE(latest->front().timestampMs, 300);
        QCOMPARE(latest->front().score, 30.0);
        auto plan = s.plan(planId);
        QVERIFY(plan);
        QCOMPARE(plan->steps.size(), std::size_t(2));
        QVERIFY(s.recordPartitionCreated(connId, "events", "events_p3a", 5000, "split"));
        RawDb raw(path);
        QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'samples_by_partition'")),
                 1);
    }

    void migratesVersion3StoreToNodesAndStepPayloads()
    {
        const QString path = freshPath();
        qint64 connId = 0, planId = 0;
        {
            auto v3 = MetadataStore::openAtVersion(fsPath(path), 3);
            QVERIFY2(v3, v3 ? "" : v3.error().message.c_str());
            MetadataStore &s = **v3;
            QCOMPARE(s.schemaVersion(), 3);
            auto conn = s.ensureConnection("sqlite:///data/app.db");
            QVERIFY(conn);
            connId = conn->id;
            RawDb raw(path);
            planId = insertOldLayoutPlan(raw, connId);
            QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'nodes'")), 0);
            QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM pragma_table_info('steps') WHERE name = 'node'")),
                     0);
            // Before migration 4 the node catalogue does not exist.
            Node n;
            n.name = "db1";
            n.connectionUri = "sqlite:///data/app.db";
            QVERIFY(!s.saveNode(n));
        }
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        MetadataStore &s = **store;
        QCOMPARE(s.schemaVersion(), MetadataStore::kSchemaVersion);
        auto plan = s.plan(planId);
        QVERIFY2(plan, plan ? "" : plan.error().message.c_str());
        QCOMPARE(qs(plan->connectionUri), QStringLiteral("sqlite:///data/app.db"));
        QCOMPARE(plan->status, PlanStatus::Approved);
        QCOMPARE(plan->steps.size(), std::size_t(2));
        for (const Step &step : plan->steps) {
            QCOMPARE(qs(step.node), QString()); // the plan's home node
            QCOMPARE(step.keyType, KeyType::Integer);
            QVERIFY(step.work<RepartitionWork>());
        }
        const Step &split = plan->steps[0];
        QCOMPARE(qs(split.uid), QStringLiteral("old-split"));
        QCOMPARE(split.kind, StepKind::Split);
        QCOMPARE(split.repartition().targets.size(), std::size_t(2));
        QVERIFY(split.repartition().targets[0].bounds == (KeyRange{std::nullopt, 625000}));
        QVERIFY(split.repartition().targets[1].bounds == (KeyRange{625000, std::nullopt}));
        QCOMPARE(split.repartition().targets[0].expectedRows, 25000);
        QCOMPARE(plan->steps[1].status, StepStatus::Done);
        QVERIFY(plan->steps[1].repartition().targets[0].bounds == (KeyRange{0, 200000}));
        // The catalogue is there and empty; the migrated connection can become a node.
        QVERIFY(s.nodes() && s.nodes()->empty());
        Node n;
        n.name = "db1";
        n.connectionUri = "sqlite:///data/app.db";
        auto saved = s.saveNode(n);
        QVERIFY2(saved, saved ? "" : saved.error().message.c_str());
        QCOMPARE(saved->connectionId, connId);
        RawDb raw(path);
        QCOMPARE(raw.integer(QStringLiteral("PRAGMA user_version")), qint64(MetadataStore::kSchemaVersion));
        QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'segment_archives'")), 1);
    }

    // Migration 8 adds the models chosen per series; a store of schema 7
    // keeps its data, and the choices are stored, replaced, read per table
    // and forgotten with their partition or connection.
    void migratesVersion7StoreToModelChoices()
    {
        const QString path = freshPath();
        std::int64_t connId = 0;
        {
            auto v7 = MetadataStore::openAtVersion(fsPath(path), 7);
            QVERIFY2(v7, v7 ? "" : v7.error().message.c_str());
            QCOMPARE((*v7)->schemaVersion(), 7);
            auto conn = (*v7)->ensureConnection("sqlite:///data/app.db");
            QVERIFY(conn);
            connId = conn->id;
            RawDb raw(path);
            QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'model_choices'")), 0);
            QVERIFY(!(*v7)->modelChoices(connId, "events", "writes"));
        }
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        MetadataStore &s = **store;
        QCOMPARE(s.schemaVersion(), MetadataStore::kSchemaVersion);
        auto conn = s.findConnection("sqlite:///data/app.db");
        QVERIFY(conn && *conn);
        QCOMPARE((*conn)->id, connId);
        auto none = s.modelChoices(connId, "events", "writes");
        QVERIFY(none);
        QVERIFY(none->empty());

        const StoredModelChoice a{"events", "p0", "writes", "ETS(A,N,A)", R"({"format":1})", 1000, 0.8, 1000};
        const StoredModelChoice b{"events", "p1",         "writes", "ARIMA(1,0,0)", R"({"format":1,"b":1})",
                                  1000,     std::nullopt, 1000};
        const StoredModelChoice other{"audit", "p0", "writes", "ETS(A,N,N)", R"({"format":1})", 1000, 0.5, 1000};
        QVERIFY(s.saveModelChoices(connId, {a, b, other}));
        // The next plan refits p0's models: the search time and its error stay.
        StoredModelChoice again = a;
        again.usedMs = 2000;
        again.choiceJson = R"({"format":1,"refitted":true})";
        QVERIFY(s.saveModelChoices(connId, {again}));
        auto read = s.modelChoices(connId, "events", "writes");
        QVERIFY(read);
        QCOMPARE(read->size(), std::size_t(2));
        const StoredModelChoice &p0 = read->at("p0");
        QCOMPARE(p0.model, std::string("ETS(A,N,A)"));
        QCOMPARE(p0.choiceJson, again.choiceJson);
        QCOMPARE(p0.chosenMs, std::int64_t(1000));
        QCOMPARE(p0.usedMs, std::int64_t(2000));
        QVERIFY(p0.holdoutMase);
        QCOMPARE(*p0.holdoutMase, 0.8);
        QVERIFY(!read->at("p1").holdoutMase);
        QVERIFY(s.modelChoices(connId, "events", "reads")->empty());
        QVERIFY(!s.saveModelChoices(connId, {StoredModelChoice{"events", "p2", "writes", "x", "", 1, {}, 1}}));

        // A partition merged away takes its models along; so does a removed connection.
        QVERIFY(s.recordPartitionDropped(connId, "events", "p1", 3000, "merge"));
        read = s.modelChoices(connId, "events", "writes");
        QVERIFY(read);
        QCOMPARE(read->size(), std::size_t(1));
        QVERIFY(read->count("p0"));
        QVERIFY(s.removeConnection(connId, "tester"));
        RawDb raw(path);
        QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM model_choices")), 0);
    }

    void refusesFileUntouched_data()
    {
        QTest::addColumn<QString>("setup"); // "bytes:<content>" or SQL run in a new SQLite file
        QTest::addColumn<tidemark::ErrorCode>("code");
        QTest::addColumn<QString>("expected");

        QTest::newRow("text file") << QStringLiteral("bytes:host=db1\nport=5432\n") << ErrorCode::Corrupt
                                   << QStringLiteral("is not a Tidemark metadata store (file is not a database)");
        QTest::newRow("garbage with SQLite magic")
            << QStringLiteral("bytes:SQLite format 3") + QString(QChar(0)) + QString(200, QChar(u'x'))
            << ErrorCode::Corrupt << QStringLiteral("is not a Tidemark metadata store");
        QTest::newRow("foreign SQLite, no application id")
            << QStringLiteral("CREATE TABLE bookmarks(url TEXT); INSERT INTO bookmarks VALUES ('x');")
            << ErrorCode::Corrupt
            << QStringLiteral(
                   "is not a Tidemark metadata store (it is a SQLite database with tables of another application)");
        QTest::newRow("foreign SQLite, other application id")
            << QStringLiteral("PRAGMA application_id = 1179603779; CREATE TABLE t(x);") << ErrorCode::Corrupt
            << QStringLiteral("application_id 0x464f5343");
        QTest::newRow("newer Tidemark")
            << QStringLiteral("PRAGMA application_id = %1; PRAGMA user_version = 99; CREATE TABLE future(x);")
                   .arg(MetadataStore::kApplicationId)
            << ErrorCode::VersionTooNew
            << QStringLiteral("was written by a newer Tidemark (schema 99, this build understands %1)")
                   .arg(MetadataStore::kSchemaVersion);
        QTest::newRow("newer Tidemark, WAL mode")
            << QStringLiteral("PRAGMA journal_mode = WAL; PRAGMA application_id = %1; PRAGMA user_version = %2; "
                              "CREATE TABLE future(x);")
                   .arg(MetadataStore::kApplicationId)
                   .arg(MetadataStore::kSchemaVersion + 1)
            << ErrorCode::VersionTooNew
            << QStringLiteral("was written by a newer Tidemark (schema %1, this build understands %2)")
                   .arg(MetadataStore::kSchemaVersion + 1)
                   .arg(MetadataStore::kSchemaVersion);
    }

    void refusesFileUntouched()
    {
        QFETCH(QString, setup);
        QFETCH(tidemark::ErrorCode, code);
        QFETCH(QString, expected);
        const QString dir = m_dir.filePath(QStringLiteral("refuse-%1").arg(++m_counter));
        QVERIFY(QDir().mkpath(dir));
        const QString path = dir + QStringLiteral("/tidemark.db");
        if (setup.startsWith(QStringLiteral("bytes:"))) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(setup.mid(6).toLatin1());
        } else {
            RawDb raw(path);
            QVERIFY(raw.exec(setup));
        }
        const QByteArray before = fileBytes(path);
        const QStringList filesBefore = QDir(dir).entryList(QDir::Files);
        QVERIFY(!before.isEmpty());

        auto store = MetadataStore::open(fsPath(path));
        QVERIFY(!store);
        QCOMPARE(store.error().code, code);
        const QString message = qs(store.error().message);
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY(!store.error().hint.empty());
        if (code == ErrorCode::Corrupt)
            QVERIFY(qs(store.error().hint).contains(QStringLiteral("--store PATH")));
        else
            QVERIFY(qs(store.error().hint).contains(QStringLiteral("upgrade")));
        QCOMPARE(fileBytes(path), before);
        QCOMPARE(QDir(dir).entryList(QDir::Files), filesBefore);
    }

    void crashedWriterLeavesWalThatIsRead_data()
    {
        QTest::addColumn<bool>("bumpVersion");
        QTest::newRow("committed data only in the WAL is seen") << false;
        QTest::newRow("a newer schema only in the WAL is refused") << true;
    }

    void crashedWriterLeavesWalThatIsRead()
    {
        QFETCH(bool, bumpVersion);
        const QString path = freshPath();
        QVERIFY(MetadataStore::open(fsPath(path)));
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            // Commit into the WAL, then die without closing (no checkpoint).
            auto store = MetadataStore::open(fsPath(path));
            if (!store || !(*store)->ensureConnection("sqlite:///in-wal.db"))
                _exit(1);
            RawDb raw(path);
            if (bumpVersion &&
                !raw.exec(QStringLiteral("PRAGMA user_version = %1").arg(MetadataStore::kSchemaVersion + 1)))
                _exit(1);
            _exit(0);
        }
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        QVERIFY(QFileInfo(path + QStringLiteral("-wal")).size() > 0);
        auto store = MetadataStore::open(fsPath(path));
        if (bumpVersion) {
            QVERIFY(!store);
            QCOMPARE(store.error().code, ErrorCode::VersionTooNew);
            QVERIFY(
                qs(store.error().message).contains(QStringLiteral("schema %1").arg(MetadataStore::kSchemaVersion + 1)));
            return;
        }
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        auto found = (*store)->findConnection("sqlite:///in-wal.db");
        QVERIFY(found && *found);
    }

    void transactionRollsBackOnError()
    {
        auto store = MetadataStore::open(fsPath(freshPath()));
        QVERIFY(store);
        MetadataStore &s = **store;
        auto r = s.transaction([&]() -> Result<void> {
            AuditEntry e;
            e.who = "test";
            e.action = "outer";
            if (auto a = s.audit(e); !a)
                return a;
            // A nested failure inside: the whole unit goes.
            return s.transaction([&]() -> Result<void> {
                e.action = "inner";
                if (auto a = s.audit(e); !a)
                    return a;
                return fail(ErrorCode::Cancelled, "stop");
            });
        });
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
        auto log = s.auditLog();
        QVERIFY(log);
        QVERIFY(log->empty());
        QVERIFY(s.transaction([&]() -> Result<void> { return s.audit(AuditEntry{0, 0, "test", "kept", 0, 0, ""}); }));
        QCOMPARE(s.auditLog()->size(), std::size_t(1));
    }

    void connectionsAndPolicy()
    {
        auto store = MetadataStore::open(fsPath(freshPath()));
        QVERIFY(store);
        MetadataStore &s = **store;
        auto a = s.ensureConnection("postgresql://db1/sales");
        auto again = s.ensureConnection("postgresql://db1/sales");
        auto b = s.ensureConnection("mariadb://db2/logs");
        QVERIFY(a && again && b);
        QCOMPARE(again->id, a->id);
        QVERIFY(b->id != a->id);
        QCOMPARE(qs(a->policy), QStringLiteral("report-only"));
        QVERIFY(a->createdMs > 0);
        QVERIFY(s.setPolicy(a->id, "auto-prebackup", "bob"));
        auto all = s.connections();
        QVERIFY(all);
        QCOMPARE(all->size(), std::size_t(2));
        QCOMPARE(qs(all->front().policy), QStringLiteral("auto-prebackup"));
        auto log = s.auditLog();
        QVERIFY(log && log->size() == 1);
        QCOMPARE(qs(log->front().action), QStringLiteral("policy.set"));
        QCOMPARE(qs(log->front().who), QStringLiteral("bob"));
        QVERIFY(qs(log->front().detail).contains(QStringLiteral("report-only -> auto-prebackup")));
        auto missing = s.findConnection("nope://");
        QVERIFY(missing && !*missing);
        auto bad = s.saveSettings(9999, {});
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::NotFound);
    }

    void settingsRoundTrip()
    {
        const QString path = freshPath();
        ConnectionSettings settings;
        fillSettings(settings);
        {
            auto store = MetadataStore::open(fsPath(path));
            QVERIFY(store);
            auto c = (*store)->ensureConnection("sqlite:///a.db");
            QVERIFY(c);
            compareSettings(c->settings, ConnectionSettings{}); // a new connection has the defaults
            QVERIFY((*store)->saveSettings(c->id, settings));
        }
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY(store);
        auto c = (*store)->findConnection("sqlite:///a.db");
        QVERIFY(c && *c);
        compareSettings((*c)->settings, settings);
    }

    void settingsFromOlderRows_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<double>("highThreshold");
        QTest::addColumn<qint64>("backupIntervalSeconds");
        QTest::addColumn<bool>("ok");
        const ConnectionSettings d;
        QTest::newRow("empty object keeps every default")
            << QStringLiteral("{}") << d.highThreshold << qint64(d.backupIntervalSeconds) << true;
        QTest::newRow("one field set, the rest default")
            << QStringLiteral(R"({"highThreshold": 75})") << 75.0 << qint64(d.backupIntervalSeconds) << true;
        QTest::newRow("unknown field of a newer build is ignored")
            << QStringLiteral(R"({"backupIntervalSeconds": 7200, "futureKnob": true})") << d.highThreshold
            << qint64(7200) << true;
        QTest::newRow("null field keeps the default") << QStringLiteral(R"({"highThreshold": null})") << d.highThreshold
                                                      << qint64(d.backupIntervalSeconds) << true;
        QTest::newRow("malformed JSON is an error") << QStringLiteral("{not json") << 0.0 << qint64(0) << false;
        QTest::newRow("wrong type is an error")
            << QStringLiteral(R"({"highThreshold": "high"})") << 0.0 << qint64(0) << false;
    }

    void settingsFromOlderRows()
    {
        QFETCH(QString, json);
        QFETCH(double, highThreshold);
        QFETCH(qint64, backupIntervalSeconds);
        QFETCH(bool, ok);
        const QString path = freshPath();
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY(store);
        auto c = (*store)->ensureConnection("sqlite:///old.db");
        QVERIFY(c);
        {
            RawDb raw(path);
            QString quoted = json;
            quoted.replace(u'\'', QStringLiteral("''"));
            QVERIFY(raw.exec(QStringLiteral("UPDATE connections SET settings_json = '%1'").arg(quoted)));
        }
        auto found = (*store)->findConnection("sqlite:///old.db");
        QCOMPARE(bool(found), ok);
        if (!ok) {
            QCOMPARE(found.error().code, ErrorCode::Corrupt);
            QVERIFY(qs(found.error().message).contains(QStringLiteral("sqlite:///old.db")));
            return;
        }
        QCOMPARE((*found)->settings.highThreshold, highThreshold);
        QCOMPARE(qint64((*found)->settings.backupIntervalSeconds), backupIntervalSeconds);
        QCOMPARE((*found)->settings.histogramBuckets, ConnectionSettings{}.histogramBuckets);
    }

    void auditTrail()
    {
        auto store = MetadataStore::open(fsPath(freshPath()));
        QVERIFY(store);
        MetadataStore &s = **store;
        QVERIFY(s.audit(AuditEntry{0, 1234, "alice", "plan.created", 7, 0, "3 steps"}));
        QVERIFY(s.audit(AuditEntry{0, 0, "policy:nightly", "step.done", 7, 70, "rows equal"}));
        QVERIFY(s.audit(AuditEntry{0, 0, "bob", "settings.changed", 0, 0, ""}));
        auto all = s.auditLog();
        QVERIFY(all);
        QCOMPARE(all->size(), std::size_t(3));
        QCOMPARE(qs(all->front().action), QStringLiteral("settings.changed")); // newest first
        QCOMPARE(all->front().planId, 0);
        auto forPlan = s.auditLog(7);
        QCOMPARE(forPlan->size(), std::size_t(2));
        QCOMPARE(forPlan->at(0).stepId, 70);
        QVERIFY(forPlan->at(0).timestampMs > 1234); // 0 means now
        QCOMPARE(qs(forPlan->at(1).who), QStringLiteral("alice"));
        QCOMPARE(forPlan->at(1).timestampMs, 1234);
        QCOMPARE(s.auditLog(std::nullopt, 1)->size(), std::size_t(1));
    }

    void openFailsCleanlyOnUnusablePath()
    {
        // A directory where the file should be.
        const QString dir = m_dir.filePath(QStringLiteral("a-directory.db"));
        QVERIFY(QDir().mkpath(dir));
        auto store = MetadataStore::open(fsPath(dir));
        QVERIFY(!store);
        QCOMPARE(store.error().code, ErrorCode::Corrupt);
        QVERIFY(qs(store.error().message).contains(dir));
        auto bad = MetadataStore::openAtVersion(fsPath(freshPath()), MetadataStore::kSchemaVersion + 1);
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
    }

    void removeConnectionKeepsPlansAndAudit()
    {
        const QString path = freshPath();
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY(store);
        MetadataStore &s = **store;
        auto kept = s.ensureConnection("sqlite:///data/kept.db");
        QVERIFY(kept);
        Plan plan = samplePlan("sqlite:///data/gone.db");
        QVERIFY(s.insertPlan(plan));
        auto gone = s.findConnection("sqlite:///data/gone.db");
        QVERIFY(gone && *gone);
        const std::int64_t id = (*gone)->id;
        QVERIFY(s.setPolicy(id, "auto-prebackup", "bob"));
        ActivitySample sample;
        sample.table = "events";
        sample.partition = "events_p0";
        sample.timestampMs = 1000;
        sample.counterEpoch = "boot-1";
        QVERIFY(s.addSamples(id, {sample}));
        QVERIFY(s.recordPartitionCreated(id, "events", "events_p0", 500, "split"));

        auto removed = s.removeConnection(id, "alice");
        QVERIFY2(removed, removed ? "" : removed.error().message.c_str());
        auto list = s.connections();
        QVERIFY(list);
        QCOMPARE(list->size(), std::size_t(1));
        QCOMPARE(list->front().id, kept->id);
        // Measurements go; the plan, its steps and the audit trail stay as history.
        RawDb raw(path);
        QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM samples WHERE connection_id = %1").arg(id)), 0);
        QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM partition_events WHERE connection_id = %1").arg(id)),
                 0);
        auto stillThere = s.plan(plan.id);
        QVERIFY(stillThere);
        QCOMPARE(qs(stillThere->connectionUri), QStringLiteral("sqlite:///data/gone.db"));
        QCOMPARE(stillThere->steps.size(), std::size_t(2));
        auto log = s.auditLog();
        QVERIFY(log && !log->empty());
        QCOMPARE(qs(log->front().action), QStringLiteral("connection.removed"));
        QCOMPARE(qs(log->front().who), QStringLiteral("alice"));
        QVERIFY(qs(log->front().detail).contains(QStringLiteral("policy was auto-prebackup")));
        // Removing twice, or a connection that never existed, says so.
        auto twice = s.removeConnection(id);
        QVERIFY(!twice);
        QCOMPARE(twice.error().code, ErrorCode::NotFound);
        QCOMPARE(s.removeConnection(9999).error().code, ErrorCode::NotFound);
        // Using it again brings it back, without the standing approval it had.
        auto back = s.ensureConnection("sqlite:///data/gone.db");
        QVERIFY(back);
        QCOMPARE(back->id, id);
        QCOMPARE(qs(back->policy), QStringLiteral("report-only"));
        auto again = s.connections();
        QVERIFY(again && again->size() == 2);
    }

    void renameConnectionIsAudited()
    {
        auto store = MetadataStore::open(fsPath(freshPath()));
        QVERIFY(store);
        MetadataStore &s = **store;
        auto c = s.ensureConnection("postgresql://db1/sales");
        QVERIFY(c);
        QVERIFY(s.renameConnection(c->id, "Sales (primary)", "bob"));
        auto found = s.findConnection("postgresql://db1/sales");
        QVERIFY(found && *found);
        QCOMPARE(qs((*found)->name), QStringLiteral("Sales (primary)"));
        auto log = s.auditLog();
        QVERIFY(log && log->size() == 1);
        QCOMPARE(qs(log->front().action), QStringLiteral("connection.renamed"));
        QVERIFY(qs(log->front().detail).contains(QStringLiteral("Sales (primary)")));
        QCOMPARE(s.renameConnection(4242, "x").error().code, ErrorCode::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestMetadataStore)
#include "tst_metadata_store.moc"
