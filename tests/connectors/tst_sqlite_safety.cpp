// The SQLite connector's safety: every refusal, lock, cancellation, failed
// verification or crash leaves the database exactly as it was, and the SQL
// shown for approval is the SQL that runs.
#include <QTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include "sqlite_connector.h"
#include "sqlite_step_util.h"
#include "sqlite_test_util.h"

using namespace tidemark;
using namespace tidemark::sqlite;
using namespace tidemark::test;

Q_DECLARE_METATYPE(tidemark::ErrorCode)

class TestSqliteSafety : public QObject, private SqliteFiles {
    Q_OBJECT

private slots:
    void init() { freshDirectory(); }

    void stepRefusals_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<ErrorCode>("code");
        QTest::newRow("wrong fingerprint") << "fingerprint" << ErrorCode::StalePlan;
        QTest::newRow("source split meanwhile") << "stale" << ErrorCode::StalePlan;
        QTest::newRow("no fingerprint") << "nofingerprint" << ErrorCode::InvalidArgument;
        QTest::newRow("targets leave a gap") << "gap" << ErrorCode::InvalidArgument;
        QTest::newRow("targets reach beyond the source") << "beyond" << ErrorCode::InvalidArgument;
        QTest::newRow("merge of partitions that are not neighbours") << "nonadjacent" << ErrorCode::InvalidArgument;
        QTest::newRow("target exists already") << "exists" << ErrorCode::InvalidArgument;
    }
    void stepRefusals()
    {
        QFETCH(QString, change);
        QFETCH(ErrorCode, code);
        RawDb db(path(), true);
        auto c = adoptedFamily(db);
        Step step = splitStep(*c, "t", "t__p_250_500", {{250, 300}, {300, 500}});
        ExecutionContext ctx;
        if (change == u"fingerprint")
            step.fingerprint = "0123456789abcdef";
        else if (change == u"stale")
            REQUIRE_OK(c->execute(splitStep(*c, "t", "t__p_250_500", {{250, 400}, {400, 500}}), ctx));
        else if (change == u"nofingerprint")
            step.fingerprint.clear();
        else if (change == u"gap")
            step.repartition().targets[1].bounds.lower = 310;
        else if (change == u"beyond")
            step.repartition().targets[1].bounds.upper = 600;
        else if (change == u"nonadjacent")
            step = mergeStep(*c, "t", {"t__p_min_250", "t__p_500_750"}, {std::nullopt, 750});
        else if (change == u"exists")
            db.exec("CREATE TABLE t__p_250_300(x)");
        const auto before = snapshot(db, *c);
        auto out = c->execute(step, ctx);
        QVERIFY(!out);
        QCOMPARE(out.error().code, code);
        QVERIFY(!out.error().message.empty());
        QCOMPARE(snapshot(db, *c), before);
        QCOMPARE(c->stepState(step.uid).value(), StepCommitState::NotCommitted);
        if (code == ErrorCode::InvalidArgument && change != u"nofingerprint")
            QVERIFY(!c->preview(step));
    }

    // The executor lock beside the database: a second connector (another
    // store's executor) is refused naming the holder; a killed holder leaves
    // no lock behind.
    void executorLockBesideTheDatabase()
    {
        RawDb db(path(), true);
        auto a = adoptedFamily(db);
        auto b = SqliteConnector::open("sqlite://" + path());
        QVERIFY(a && b);
        const ExecutorClaim first{"host-a.example", 4242, "/home/dba/a/store.db", 1700000000000};
        QVERIFY(a->lockExecutor(first));
        auto refused = (*b)->lockExecutor(ExecutorClaim{"host-b.example", 5151, "/b/store.db", 1700000000000});
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::ExecutorLocked);
        QVERIFY2(refused.error().message.find("pid 4242 on host host-a.example, store /home/dba/a/store.db, since ") !=
                     std::string::npos,
                 refused.error().message.c_str());
        a->unlockExecutor();
        QVERIFY((*b)->lockExecutor(ExecutorClaim{"host-b.example", 5151, "/b/store.db", 1700000000000}));
        (*b)->unlockExecutor();

        int ready[2];
        QCOMPARE(pipe(ready), 0);
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            close(ready[0]);
            auto c = SqliteConnector::open("sqlite://" + path());
            const char status = c && (*c)->lockExecutor(ExecutorClaim{"child", getpid(), "/c/store.db", 1}) ? 'L' : 'E';
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
        QVERIFY(!a->lockExecutor(first));
        QCOMPARE(kill(child, SIGKILL), 0);
        QCOMPARE(waitpid(child, nullptr, 0), child);
        QVERIFY(a->lockExecutor(first)); // at once: the kernel dropped the dead holder's lock
        a->unlockExecutor();
    }

    void busyDatabaseIsReportedAndNothingChanges()
    {
        RawDb db(path(), true);
        auto c = adoptedFamily(db);
        RawDb other(path());
        QCOMPARE(q(other.exec("BEGIN IMMEDIATE")), QByteArray());
        const auto before = snapshot(db, *c);
        Step step = splitStep(*c, "t", "t__p_250_500", {{250, 300}, {300, 500}});
        ExecutionContext ctx;
        ctx.lockTimeoutMs = 200;
        const auto t0 = std::chrono::steady_clock::now();
        auto out = c->execute(step, ctx);
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::Busy);
        QCOMPARE(q(out.error().message), QByteArray("the database is locked by another writer"));
        QVERIFY(!out.error().hint.empty());
        QVERIFY(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(150));
        QCOMPARE(q(other.exec("ROLLBACK")), QByteArray());
        QCOMPARE(snapshot(db, *c), before);
        // Once the other writer is gone the same step runs.
        REQUIRE_OK(c->execute(step, ctx));
    }

    void cancelChangesNothing_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("stop requested before the start") << "before";
        QTest::newRow("stop requested as copying starts") << "progress";
        QTest::newRow("stop requested from another thread mid-copy") << "thread";
        QTest::newRow("cancel() from another thread mid-copy") << "interrupt";
    }
    void cancelChangesNothing()
    {
        QFETCH(QString, how);
        RawDb db(path(), true);
        makeTable(db, "big", "k", 0, 200000);
        auto c = open(path());
        REQUIRE_OK(c->adopt(AdoptRequest{"big", "k", {100000}}));
        const auto before = snapshot(db, *c);
        Step step = splitStep(*c, "big", "big__p_min_100000", {{{}, 50000}, {50000, 100000}});
        std::stop_source stop;
        std::atomic<bool> copying{false};
        std::atomic<bool> finished{false};
        ExecutionContext ctx;
        ctx.stop = stop.get_token();
        ctx.progress = [&](double, std::string_view text) {
            if (text.find("copying") != std::string_view::npos) {
                copying = true;
                if (how == u"progress")
                    stop.request_stop();
            }
        };
        if (how == u"before")
            stop.request_stop();
        std::thread helper([&] {
            if (how != u"thread" && how != u"interrupt")
                return;
            while (!copying && !finished)
                std::this_thread::yield();
            while (!finished) {
                if (how == u"thread")
                    stop.request_stop();
                else
                    c->cancel();
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
        });
        auto out = c->execute(step, ctx);
        finished = true;
        helper.join();
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::Cancelled);
        QCOMPARE(snapshot(db, *c), before);
        QCOMPARE(c->stepState(step.uid).value(), StepCommitState::NotCommitted);
        // The connection is still usable afterwards.
        ExecutionContext fresh;
        REQUIRE_OK(c->execute(step, fresh));
    }

    void verificationFailureChangesNothing()
    {
        RawDb db(path(), true);
        auto c = adoptedFamily(db);
        // A row written straight into a partition table outside its bounds.
        QCOMPARE(q(db.exec("INSERT INTO t__p_min_250(k, name) VALUES(600, 'stray')")), QByteArray());
        const auto before = snapshot(db, *c);
        ExecutionContext ctx;
        auto out = c->execute(splitStep(*c, "t", "t__p_min_250", {{{}, 100}, {100, 250}}), ctx);
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::VerificationFailed);
        QVERIFY2(out.error().message.find("nothing was changed") != std::string::npos, out.error().message.c_str());
        QCOMPARE(snapshot(db, *c), before);
    }

    void crashPointsLeaveNothingHalfDone_data()
    {
        QTest::addColumn<QString>("point");
        QTest::newRow("after copy") << "sqlite.after-copy";
        QTest::newRow("before commit") << "sqlite.before-commit";
    }
    void crashPointsLeaveNothingHalfDone()
    {
        QFETCH(QString, point);
        RawDb db(path(), true);
        auto c = adoptedFamily(db);
        const auto before = snapshot(db, *c);
        Step step = splitStep(*c, "t", "t__p_250_500", {{250, 300}, {300, 500}});
        ExecutionContext ctx;
        std::vector<std::string> seen;
        ctx.crashPoint = [&](std::string_view name) {
            seen.emplace_back(name);
            if (name == point.toStdString())
                throw std::runtime_error("simulated crash");
        };
        bool threw = false;
        try {
            (void)c->execute(step, ctx);
        } catch (const std::runtime_error &) {
            threw = true;
        }
        QVERIFY(threw);
        QCOMPARE(snapshot(db, *c), before);
        QCOMPARE(c->stepState(step.uid).value(), StepCommitState::NotCommitted);
        ctx.crashPoint = [&](std::string_view name) { seen.emplace_back(name); };
        REQUIRE_OK(c->execute(step, ctx));
        QCOMPARE(c->stepState(step.uid).value(), StepCommitState::Committed);
        QVERIFY(std::find(seen.begin(), seen.end(), "sqlite.before-commit") != seen.end());
        // A committed step is not run twice.
        auto again = c->execute(step, ctx);
        QVERIFY(!again);
    }

    void previewIsWhatExecuteRuns_data()
    {
        QTest::addColumn<bool>("split");
        QTest::newRow("split") << true;
        QTest::newRow("merge") << false;
    }
    void previewIsWhatExecuteRuns()
    {
        QFETCH(bool, split);
        RawDb db(path(), true);
        auto c = adoptedFamily(db);
        Step step = split ? splitStep(*c, "t", "t__p_250_500", {{250, 300}, {300, 500}})
                          : mergeStep(*c, "t", {"t__p_min_250", "t__p_250_500"}, {std::nullopt, 500});
        auto preview = c->preview(step);
        QVERIFY(preview);
        QCOMPARE(c->preview(step).value(), *preview);
        std::string expected;
        for (std::size_t pos = 0; pos < preview->size();) {
            const std::size_t nl = preview->find('\n', pos);
            const std::string line = preview->substr(pos, nl - pos);
            if (line.rfind("--", 0) != 0)
                expected += line + "\n";
            pos = nl + 1;
        }
        std::vector<std::string> traced;
        sqlite3_trace_v2(
            c->handle(), SQLITE_TRACE_STMT,
            [](unsigned, void *ctx, void *, void *x) {
                const std::string sql = static_cast<const char *>(x);
                for (const char *verb : {"CREATE", "INSERT", "DROP", "DELETE", "UPDATE", "BEGIN", "COMMIT"})
                    if (sql.rfind(verb, 0) == 0)
                        static_cast<std::vector<std::string> *>(ctx)->push_back(sql);
                return 0;
            },
            &traced);
        ExecutionContext ctx;
        REQUIRE_OK(c->execute(step, ctx));
        sqlite3_trace_v2(c->handle(), 0, nullptr, nullptr);
        std::string ran;
        for (const auto &s : traced)
            ran += s + ";\n";
        QCOMPARE(q(ran), q(expected));
        QVERIFY(preview->find("-- verify") != std::string::npos);
    }

    void adoptRefusals_data()
    {
        QTest::addColumn<QString>("setup");
        QTest::addColumn<QString>("table");
        QTest::addColumn<QString>("key");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("message");
        const QString base = QStringLiteral("CREATE TABLE r(k INTEGER PRIMARY KEY, x TEXT); "
                                            "INSERT INTO r VALUES(1, 'a'), (50, 'b');");
        QTest::newRow("no such table") << base << "nope" << "k" << ErrorCode::NotFound << "no table named";
        QTest::newRow("no such column") << base << "r" << "zz" << ErrorCode::InvalidArgument << "has no column";
        QTest::newRow("key outside the primary key")
            << "CREATE TABLE r(id INTEGER PRIMARY KEY, k INTEGER); INSERT INTO r VALUES(1, 1);" << "r" << "k"
            << ErrorCode::InvalidArgument << "not part of the primary key";
        QTest::newRow("text key") << "CREATE TABLE r(k TEXT PRIMARY KEY); INSERT INTO r VALUES('a');" << "r" << "k"
                                  << ErrorCode::InvalidArgument << "INTEGER affinity";
        QTest::newRow("triggers") << base + QStringLiteral("CREATE TRIGGER r_t AFTER INSERT ON r BEGIN SELECT 1; END;")
                                  << "r" << "k" << ErrorCode::InvalidArgument << "has triggers";
        QTest::newRow("referenced by a foreign key")
            << base + QStringLiteral("CREATE TABLE child(c INTEGER REFERENCES r(k));") << "r" << "k"
            << ErrorCode::InvalidArgument << "referenced by foreign keys";
        QTest::newRow("NULL keys") << "CREATE TABLE r(k INTEGER, x, PRIMARY KEY(k, x)); INSERT INTO r VALUES(NULL, 1);"
                                   << "r" << "k" << ErrorCode::InvalidArgument << "NULL key";
        QTest::newRow("non-integer keys")
            << "CREATE TABLE r(k INTEGER, x, PRIMARY KEY(k, x)); INSERT INTO r VALUES('abc', 1);" << "r" << "k"
            << ErrorCode::InvalidArgument << "not an integer";
        QTest::newRow("unique index without the key")
            << "CREATE TABLE r(k INTEGER PRIMARY KEY, email TEXT UNIQUE);" << "r" << "k"
            << ErrorCode::InvalidArgument << "does not contain the key column";
        QTest::newRow("a view") << "CREATE VIEW r AS SELECT 1 AS k;" << "r" << "k" << ErrorCode::InvalidArgument
                                << "is a view";
        QTest::newRow("split points not ascending") << base + QStringLiteral("--desc") << "r" << "k"
                                                    << ErrorCode::InvalidArgument << "strictly ascending";
        QTest::newRow("already partitioned") << base + QStringLiteral("--twice") << "r" << "k"
                                             << ErrorCode::InvalidArgument << "already partitioned";
    }
    void adoptRefusals()
    {
        QFETCH(QString, setup);
        QFETCH(QString, table);
        QFETCH(QString, key);
        QFETCH(ErrorCode, code);
        QFETCH(QString, message);
        RawDb db(path(), true);
        QCOMPARE(q(db.exec(setup.toStdString())), QByteArray());
        auto c = open(path());
        std::vector<KeyValue> splits{10, 20};
        if (setup.endsWith(u"--desc"))
            splits = {20, 10};
        if (setup.endsWith(u"--twice"))
            REQUIRE_OK(c->adopt(AdoptRequest{"r", "k", splits}));
        const auto schema = db.strings("SELECT name FROM sqlite_schema ORDER BY name");
        const auto rows = db.strings("SELECT * FROM r");
        auto r = c->adopt(AdoptRequest{table.toStdString(), key.toStdString(), splits});
        QVERIFY(!r);
        QCOMPARE(r.error().code, code);
        QVERIFY2(r.error().message.find(message.toStdString()) != std::string::npos, r.error().message.c_str());
        QVERIFY(!r.error().hint.empty() || code == ErrorCode::InvalidArgument);
        QCOMPARE(db.strings("SELECT name FROM sqlite_schema ORDER BY name"), schema);
        QCOMPARE(db.strings("SELECT * FROM r"), rows);
    }
};

QTEST_GUILESS_MAIN(TestSqliteSafety)
#include "tst_sqlite_safety.moc"
