// The PostgreSQL connector against a real private server: discovery of every
// partitioning strategy, online split and merge (RANGE, LIST, HASH) with
// writes arriving during the copy, and every refusal leaving the database
// unchanged.
#include "postgres_test_util.h"

#include <QElapsedTimer>
#include <QRegularExpression>

#include <arpa/inet.h>
#include <future>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host/stop_scope.h"

using namespace tidemark;
using namespace tidemark::test;
using tidemark::postgres::PgConnection;
using tidemark::postgres::PostgresConnector;

class TestPostgresConnector : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;
    std::unique_ptr<PostgresConnector> m_c;
    std::unique_ptr<PgConnection> m_raw; // a second session, for concurrent writes

    void sql(const QString &text)
    {
        QString err;
        QVERIFY2(m_pg->psql(text, nullptr, &err), qPrintable(err));
    }
    std::int64_t count(const std::string &q) { return sqlInt(*m_raw, q); }
    ExecutionContext context(const std::string &uid)
    {
        ExecutionContext ctx;
        ctx.stepUid = uid;
        ctx.lockTimeoutMs = 2000;
        return ctx;
    }
    std::int64_t leftovers()
    {
        return count("SELECT count(*) FROM pg_class WHERE relname LIKE '%\\_p%\\_%' AND NOT relispartition "
                     "AND relkind = 'r' AND relnamespace = 'public'::regnamespace") +
            count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark\\_%'");
    }

private slots:
    void initTestCase()
    {
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        usePgpass(*m_pg);
        QString err;
        QVERIFY2(m_pg->createRole(QStringLiteral("app"), QStringLiteral("app-pw"), &err), qPrintable(err));
        sql(QStringLiteral(R"(
CREATE TABLE orders (id bigint NOT NULL, customer int NOT NULL DEFAULT 7, note text, amount numeric(12,2),
                     CHECK (amount >= 0), PRIMARY KEY (id)) PARTITION BY RANGE (id);
CREATE INDEX orders_customer ON orders (customer);
CREATE TABLE orders_p0 PARTITION OF orders FOR VALUES FROM (MINVALUE) TO (10000);
CREATE TABLE orders_p1 PARTITION OF orders FOR VALUES FROM (10000) TO (20000);
CREATE TABLE orders_p2 PARTITION OF orders FOR VALUES FROM (20000) TO (30000);
CREATE TABLE orders_p3 PARTITION OF orders FOR VALUES FROM (30000) TO (MAXVALUE);
COMMENT ON TABLE orders_p1 IS 'hot month';
GRANT SELECT, INSERT ON orders_p1 TO app;
INSERT INTO orders SELECT g, abs(g) % 100, 'n' || g, abs(g) / 10.0 FROM generate_series(-50, 39999) g;
CREATE TABLE regions (id int NOT NULL, v text) PARTITION BY LIST (id);
CREATE TABLE regions_a PARTITION OF regions FOR VALUES IN (1, 2, 3, 4);
CREATE TABLE regions_b PARTITION OF regions FOR VALUES IN (5, 6);
INSERT INTO regions SELECT 1 + g % 6, 'r' || g FROM generate_series(1, 6000) g;
CREATE TABLE sessions (id bigint, v text) PARTITION BY HASH (id);
CREATE TABLE sessions_h0 PARTITION OF sessions FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE sessions_h1 PARTITION OF sessions FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO sessions SELECT g, 's' || g FROM generate_series(1, 5000) g;
CREATE TABLE events (at date NOT NULL, v int) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_rest PARTITION OF events DEFAULT;
CREATE TABLE grid (a int, b int) PARTITION BY RANGE (a, b);
CREATE TABLE grid_1 PARTITION OF grid FOR VALUES FROM (0, 0) TO (10, 10);
CREATE TABLE tree (id int, k int) PARTITION BY RANGE (id);
CREATE TABLE tree_low PARTITION OF tree FOR VALUES FROM (0) TO (100) PARTITION BY LIST (k);
CREATE TABLE tree_low_1 PARTITION OF tree_low FOR VALUES IN (1);
CREATE TABLE plain (id int);
CREATE TABLE withfk (id bigint PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE withfk_1 PARTITION OF withfk FOR VALUES FROM (0) TO (100);
CREATE TABLE withfk_2 PARTITION OF withfk FOR VALUES FROM (100) TO (200);
CREATE TABLE pointing (ref bigint REFERENCES withfk_1 (id));
VACUUM ANALYZE;
)"));
        m_c = connectOrFail(*m_pg);
        QVERIFY(m_c);
        auto raw = PgConnection::open(str(m_pg->uri()));
        QVERIFY2(raw, raw ? "" : qPrintable(explain(raw.error())));
        m_raw = std::move(*raw);
    }

    void cleanupTestCase()
    {
        m_raw.reset();
        m_c.reset();
        m_pg.reset();
    }

    void discoverReportsEveryStrategyWithReasons()
    {
        auto tables = m_c->discover();
        QVERIFY2(tables, tables ? "" : qPrintable(explain(tables.error())));
        std::map<std::string, PartitionedTable> byName;
        for (auto &t : *tables)
            byName[t.name] = t;
        const auto &orders = byName.at("orders");
        QVERIFY(orders.plannable);
        QCOMPARE(orders.keyColumn, std::string("id"));
        QCOMPARE(orders.partitions.size(), std::size_t(4));
        QVERIFY(!orders.partitions[0].bounds.lower);
        QCOMPARE(*orders.partitions[0].bounds.upper, 10000);
        QCOMPARE(*orders.partitions[1].bounds.lower, 10000);
        QVERIFY(!orders.partitions[3].bounds.upper);
        QVERIFY(orders.partitions[1].rows >= 9000 && orders.partitions[1].rows <= 11000);
        QVERIFY(orders.partitions[1].bytes > 0);
        QCOMPARE(byName.at("regions").strategy, PartitionStrategy::List);
        QVERIFY(!byName.at("regions").plannable);
        QCOMPARE(byName.at("sessions").strategy, PartitionStrategy::Hash);
        QVERIFY(!byName.at("sessions").plannable);
        QVERIFY2(byName.at("events").plannable,
                 byName.at("events").notPlannableReason.c_str()); // date keys are planned
        QCOMPARE(byName.at("events").keyType, KeyType::Date);
        QCOMPARE(byName.at("events").partitions.size(), std::size_t(2)); // the default partition is listed
        QVERIFY(byName.at("grid").notPlannableReason.find("multi-column") != std::string::npos);
        QVERIFY(!byName.at("tree").plannable);
        QVERIFY(byName.count("tree_low")); // the second level is a table of its own
        QVERIFY(!byName.count("plain"));
        auto plain = m_c->describe("plain");
        QVERIFY(!plain);
        QCOMPARE(plain.error().code, ErrorCode::NotPartitioned);
        QVERIFY(!m_c->describe("nosuch") && m_c->describe("nosuch").error().code == ErrorCode::NotFound);
    }

    void activityCountsWritesAndReadsWithEpoch()
    {
        QVERIFY(m_raw->exec("UPDATE orders SET note = 'x' WHERE id BETWEEN 20000 AND 20099").has_value());
        QVERIFY(m_raw->exec("SELECT count(*) FROM orders WHERE id BETWEEN 20000 AND 20999").has_value());
        QVERIFY(m_raw->exec("SELECT pg_stat_force_next_flush()").has_value());
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto s = m_c->sampleActivity();
                if (!s)
                    return false;
                for (const auto &a : *s)
                    if (a.partition == "orders_p2")
                        return a.updates >= 100 && a.reads > 0 && a.readsKnown && !a.counterEpoch.empty() &&
                            a.epochStartMs > 0;
                return false;
            }(),
            10000);
        auto r = m_c->serverStats();
        QVERIFY(r);
        QVERIFY(r->databaseBytes > 0 && r->connections >= 2 && r->maxConnections > 0);
    }

    void histogramFindsTheHotRange()
    {
        QVERIFY(m_raw->exec("UPDATE orders SET note = 'hot' WHERE id BETWEEN 10000 AND 10999").has_value());
        auto h = m_c->keyHistogram("orders", "orders_p1", 10);
        QVERIFY2(h, h ? "" : qPrintable(explain(h.error())));
        QCOMPARE(h->buckets.size(), std::size_t(10));
        std::int64_t total = 0;
        for (const auto &b : h->buckets)
            total += b.writes;
        QVERIFY(total > 0);
        QVERIFY2(h->buckets[0].writes * 10 >= total * 8, qPrintable(QString::number(h->buckets[0].writes)));
    }

    void rangeSplitOnlineKeepsRowsWritesAndProperties()
    {
        const auto before = m_c->checksum("orders", KeyRange{});
        QVERIFY(before);
        Step step = makeStep(*m_c, StepKind::Split, "orders", {"orders_p1"},
                             {target(10000, 12000), target(12000, 20000)}, "split-range-1");
        auto preview = m_c->preview(step);
        QVERIFY2(preview, preview ? "" : qPrintable(explain(preview.error())));
        QVERIFY(preview->find("ATTACH PARTITION") != std::string::npos);
        QVERIFY(preview->find("lock_timeout") != std::string::npos);

        auto c2 = connectOrFail(*m_pg);
        c2->setOnlineStepOptions({1500, 10, 50, 8});
        ExecutionContext ctx = context("split-range-1");
        std::int64_t delta = 0;
        // Writes that land while the copy runs must be replayed.
        ctx.crashPoint = [&](std::string_view name) {
            if (name == "postgres.after-copy") {
                QVERIFY(
                    m_raw->exec("UPDATE orders SET amount = amount + 1 WHERE id BETWEEN 11000 AND 11049").has_value());
                QVERIFY(m_raw->exec("DELETE FROM orders WHERE id = 15000").has_value());
                QVERIFY(m_raw->exec("INSERT INTO orders VALUES (15000, 1, 'again', 5)").has_value());
                QVERIFY(m_raw->exec("UPDATE orders SET id = 19999999 WHERE id = 19000").has_value()); // moves out
                delta = 1;
            }
            // Written during the check ahead of the swap: replayed and
            // compared before the lock.
            if (name == "postgres.after-check") {
                QVERIFY(m_raw->exec("UPDATE orders SET note = 'late' WHERE id BETWEEN 16000 AND 16009").has_value());
                delta += 10;
            }
            // Written after it: the swap compares these keys.
            if (name == "postgres.before-swap") {
                QVERIFY(m_raw->exec("UPDATE orders SET note = 'later' WHERE id BETWEEN 17000 AND 17009").has_value());
                delta += 10;
            }
        };
        QString last;
        ctx.progress = [&](double, std::string_view text) { last = QString::fromUtf8(text.data(), int(text.size())); };
        auto out = c2->execute(step, ctx);
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        QCOMPARE(delta, std::int64_t(21));
        // Verified ahead of the swap, the swap compared the keys changed since
        // (the ten written just before it), not the partition.
        const QRegularExpression keys(QStringLiteral("at the swap the rows of (\\d+) changed keys compared"));
        const auto m = keys.match(last);
        QVERIFY2(m.hasMatch(), qPrintable(last));
        QVERIFY2(m.captured(1).toInt() >= 10 && m.captured(1).toInt() < 200, qPrintable(last));
        QVERIFY(m_raw->exec("UPDATE orders SET note = 'n' || id WHERE id BETWEEN 16000 AND 16009 OR id BETWEEN 17000 "
                            "AND 17009")
                    .has_value());
        QCOMPARE(out->before, out->after);
        QVERIFY(out->lockSeconds < 2.0);
        QCOMPARE(*m_c->stepState("split-range-1"), StepCommitState::Committed);

        QCOMPARE(count("SELECT count(*) FROM orders"), std::int64_t(40050));
        QCOMPARE(count("SELECT count(*) FROM orders WHERE id > 0 AND amount = id / 10.0 + 1"), std::int64_t(50));
        QCOMPARE(count("SELECT count(*) FROM orders_p10000_12000"), std::int64_t(2000 - 1 + 1));
        QCOMPARE(count("SELECT count(*) FROM orders_p10000_12000 WHERE id NOT BETWEEN 10000 AND 11999"),
                 std::int64_t(0));
        QCOMPARE(count("SELECT count(*) FROM pg_class WHERE relname = 'orders_p1'"), std::int64_t(0));
        // Properties carried over.
        QCOMPARE(count("SELECT count(*) FROM pg_description WHERE objoid = 'orders_p12000_20000'::regclass AND "
                       "description = 'hot month'"),
                 std::int64_t(1));
        QVERIFY(count("SELECT count(*) FROM aclexplode((SELECT relacl FROM pg_class WHERE oid = "
                      "'orders_p12000_20000'::regclass)) a WHERE a.grantee = 'app'::regrole") == 2);
        QCOMPARE(count("SELECT count(*) FROM pg_indexes WHERE tablename = 'orders_p10000_12000'"), std::int64_t(2));
        QCOMPARE(count("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = "
                       "'orders_p10000_12000_pkey'"),
                 std::int64_t(1)); // index attached to the parent's
        QVERIFY(m_raw->exec("INSERT INTO orders (id) VALUES (10001)").has_value() == false); // PK still enforced
        QCOMPARE(count("SELECT count(*) FROM pg_constraint WHERE conname LIKE 'tidemark\\_%'"), std::int64_t(0));
        QCOMPARE(leftovers(), std::int64_t(0));
        QVERIFY(m_raw->exec("INSERT INTO orders (id) VALUES (100000000)").has_value()); // default 7 kept
        QCOMPARE(count("SELECT customer FROM orders WHERE id = 100000000"), std::int64_t(7));
        QVERIFY(m_raw->exec("DELETE FROM orders WHERE id = 100000000").has_value());
        QVERIFY(m_raw->exec("UPDATE orders SET id = 19000 WHERE id = 19999999").has_value());
        QVERIFY(m_raw->exec("UPDATE orders SET amount = amount - 1 WHERE id BETWEEN 11000 AND 11049").has_value());
        QVERIFY(
            m_raw->exec("UPDATE orders SET customer = 0, note = 'n15000', amount = 1500 WHERE id = 15000").has_value());
        auto after = m_c->checksum("orders", KeyRange{});
        QVERIFY(after);
        QCOMPARE(after->rows, before->rows);
        QCOMPARE(after->hashSum, before->hashSum);
    }

    void newTableChangedBehindTheStepFailsTheCheckAhead()
    {
        // A row of a new partition changed by someone else while the step
        // runs is found before the swap; nothing is changed.
        const auto before = m_c->checksum("orders", KeyRange{});
        QVERIFY(before);
        Step step = makeStep(*m_c, StepKind::Split, "orders", {"orders_p3"}, {target(30000, 35000), target(35000, {})},
                             "tampered");
        ExecutionContext ctx = context("tampered");
        bool tampered = false;
        ctx.crashPoint = [&](std::string_view name) {
            if (name == "postgres.after-copy")
                tampered =
                    m_raw->exec("UPDATE orders_p30000_35000 SET note = 'not the source' WHERE id = 30001").has_value();
        };
        auto out = m_c->execute(step, ctx);
        QVERIFY(tampered);
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::VerificationFailed);
        QVERIFY2(out.error().message.find("before the swap") != std::string::npos &&
                     out.error().message.find("nothing was changed") != std::string::npos,
                 qPrintable(explain(out.error())));
        QCOMPARE(*m_c->stepState("tampered"), StepCommitState::NotCommitted);
        QCOMPARE(leftovers(), std::int64_t(0));
        QCOMPARE(count("SELECT count(*) FROM pg_class WHERE relname = 'orders_p3'"), std::int64_t(1));
        QCOMPARE(m_c->checksum("orders", KeyRange{})->hashSum, before->hashSum);
    }

    void rangeMergeJoinsNeighbours()
    {
        const auto before = m_c->checksum("orders", KeyRange{10000, 30000});
        Step step = makeStep(*m_c, StepKind::Merge, "orders", {"orders_p12000_20000", "orders_p2"},
                             {target(12000, 30000)}, "merge-range-1");
        auto out = m_c->execute(step, *std::make_unique<ExecutionContext>(context("merge-range-1")));
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        QCOMPARE(out->before, out->after);
        const auto after = m_c->checksum("orders", KeyRange{10000, 30000});
        QCOMPARE(after->rows, before->rows);
        QCOMPARE(after->hashSum, before->hashSum);
        auto t = m_c->describe("orders");
        QCOMPARE(t->partitions.size(), std::size_t(4));
        QCOMPARE(t->partitions[2].name, std::string("orders_p12000_30000"));
    }

    void hashSplitDoublesModulusAndMergesBack()
    {
        const auto before = m_c->checksum("sessions", KeyRange{});
        Step split = makeStep(*m_c, StepKind::Split, "sessions", {"sessions_h1"},
                              {target({}, {}, "sessions_h4_1"), target({}, {}, "sessions_h4_3")}, "hash-split");
        ExecutionContext ctx = context("hash-split");
        auto out = m_c->execute(split, ctx);
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        QCOMPARE(count("SELECT count(*) FROM pg_class WHERE relname = 'sessions_h4_3' AND relispartition"),
                 std::int64_t(1));
        QVERIFY(count("SELECT count(*) FROM sessions_h4_3") > 0);
        QVERIFY(m_raw->exec("INSERT INTO sessions VALUES (100001, 'new')").has_value());
        QVERIFY(m_raw->exec("DELETE FROM sessions WHERE id = 100001").has_value());
        Step merge = makeStep(*m_c, StepKind::Merge, "sessions", {"sessions_h4_1", "sessions_h4_3"},
                              {target({}, {}, "sessions_h1b")}, "hash-merge");
        ExecutionContext ctx2 = context("hash-merge");
        out = m_c->execute(merge, ctx2);
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        const auto after = m_c->checksum("sessions", KeyRange{});
        QCOMPARE(after->rows, std::int64_t(5000));
        QCOMPARE(after->hashSum, before->hashSum);
        QVERIFY(m_c->describe("sessions")->partitions.size() == 2);
    }

    void listSplitByValueRanges()
    {
        Step split =
            makeStep(*m_c, StepKind::Split, "regions", {"regions_a"}, {target({}, 3), target(3, {})}, "list-split");
        split.repartition().targets[0].name = "regions_a12";
        split.repartition().targets[1].name = "regions_a34";
        ExecutionContext ctx = context("list-split");
        auto out = m_c->execute(split, ctx);
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        QCOMPARE(count("SELECT count(*) FROM regions_a12"), std::int64_t(2000));
        QCOMPARE(count("SELECT count(*) FROM regions_a34 WHERE id IN (3, 4)"), std::int64_t(2000));
        QCOMPARE(count("SELECT count(*) FROM regions"), std::int64_t(6000));
    }

    void refusalsChangeNothing_data()
    {
        QTest::addColumn<QString>("table");
        QTest::addColumn<QString>("source");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("words");
        QTest::newRow("foreign key points at the partition")
            << "withfk"
            << "withfk_1" << int(ErrorCode::Unsupported) << "foreign key";
        QTest::newRow("default partition would move rows")
            << "events"
            << "events_rest" << int(ErrorCode::Unsupported) << "default partition";
        QTest::newRow("not partitioned") << "plain"
                                         << "plain" << int(ErrorCode::NotPartitioned) << "not a partitioned";
        QTest::newRow("no such partition") << "orders"
                                           << "orders_p9" << int(ErrorCode::StalePlan) << "no longer exists";
    }
    void refusalsChangeNothing()
    {
        QFETCH(QString, table);
        QFETCH(QString, source);
        QFETCH(int, code);
        QFETCH(QString, words);
        const std::int64_t relations = count("SELECT count(*) FROM pg_class");
        Step step =
            makeStep(*m_c, StepKind::Split, str(table), {str(source)}, {target(0, 50), target(50, 100)}, "refused");
        step.fingerprint = step.fingerprint.empty() ? "x" : step.fingerprint;
        ExecutionContext ctx = context("refused");
        auto out = m_c->execute(step, ctx);
        QVERIFY(!out);
        QCOMPARE(int(out.error().code), code);
        QVERIFY2(QString::fromStdString(out.error().message).contains(words), qPrintable(explain(out.error())));
        QCOMPARE(count("SELECT count(*) FROM pg_class"), relations);
    }

    void lockNotObtainableFailsCleanly()
    {
        auto holder = PgConnection::open(str(m_pg->uri()));
        QVERIFY(holder);
        // A long transaction that read the partitioned table's catalogue entry (as
        // a session with a pending plan would) holds ACCESS SHARE on the parent.
        QVERIFY((*holder)->exec("BEGIN; LOCK TABLE ONLY orders IN ACCESS SHARE MODE").has_value());
        const auto before = m_c->checksum("orders", KeyRange{});
        Step step = makeStep(*m_c, StepKind::Split, "orders", {"orders_p3"}, {target(30000, 35000), target(35000, {})},
                             "locked-out");
        ExecutionContext ctx = context("locked-out");
        ctx.lockTimeoutMs = 400;
        auto out = m_c->execute(step, ctx);
        (*holder)->rollback();
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::Busy);
        QVERIFY2(!out.error().hint.empty() && out.error().hint.find("nothing was changed") != std::string::npos,
                 qPrintable(explain(out.error())));
        QCOMPARE(*m_c->stepState("locked-out"), StepCommitState::NotCommitted);
        QCOMPARE(leftovers(), std::int64_t(0));
        QCOMPARE(count("SELECT count(*) FROM pg_class WHERE relname = 'orders_p3'"), std::int64_t(1));
        QCOMPARE(m_c->checksum("orders", KeyRange{})->hashSum, before->hashSum);
    }

    void badConnectionsGiveClearErrors()
    {
        auto wrong = PostgresConnector::open(QStringLiteral("postgresql://postgres:not-the-password@127.0.0.1:%1/%2")
                                                 .arg(m_pg->port())
                                                 .arg(m_pg->database())
                                                 .toStdString());
        QVERIFY(!wrong);
        QCOMPARE(wrong.error().code, ErrorCode::AuthFailed);
        QVERIFY(wrong.error().message.find("password authentication failed") != std::string::npos);
        QVERIFY2(wrong.error().message.find("not-the-password") == std::string::npos, "never echo a secret");
        QVERIFY(wrong.error().hint.find("pgpass") != std::string::npos);

        auto unreachable = PostgresConnector::open("host=127.0.0.1 port=1 dbname=x user=y connect_timeout=3");
        QVERIFY(!unreachable);
        QCOMPARE(unreachable.error().code, ErrorCode::Unreachable);
        QVERIFY(unreachable.error().hint.find("pg_isready") != std::string::npos);

        auto conninfo = PostgresConnector::open(str(m_pg->conninfo()));
        QVERIFY2(conninfo, conninfo ? "" : qPrintable(explain(conninfo.error())));
    }

    void sessionBoundsTidemarksQueries()
    {
        auto c = PostgresConnector::open(str(m_pg->conninfo()));
        QVERIFY2(c, c ? "" : qPrintable(explain(c.error())));
        auto shown = (*c)->connection().query("SHOW statement_timeout");
        QVERIFY(shown);
        QCOMPARE(shown->text(0, 0), std::string("30s"));
        // A checksum reads every row without the bound and puts it back after.
        QVERIFY((*c)->checksum("orders", KeyRange{}));
        QCOMPARE((*c)->connection().query("SHOW statement_timeout")->text(0, 0), std::string("30s"));

        // A value given at connect time is the user's choice, and it is enforced.
        auto tight = PostgresConnector::open(str(m_pg->conninfo()) + " options='-c statement_timeout=300'");
        QVERIFY2(tight, tight ? "" : qPrintable(explain(tight.error())));
        QCOMPARE((*tight)->connection().query("SHOW statement_timeout")->text(0, 0), std::string("300ms"));
        auto slow = (*tight)->connection().query("SELECT pg_sleep(3)");
        QVERIFY(!slow);
        QCOMPARE(slow.error().code, ErrorCode::Cancelled);
        QVERIFY(slow.error().hint.find("statement_timeout") != std::string::npos);
    }

    void queriesStopWithTheJob()
    {
        auto c = PostgresConnector::open(str(m_pg->conninfo()));
        QVERIFY2(c, c ? "" : qPrintable(explain(c.error())));
        PostgresConnector *raw = c->get();
        std::stop_source stop;
        auto running = std::async(std::launch::async, [&] {
            // What a pool job of the engine host sets up: the token, and the
            // connector's own cancel on stop.
            StopScope scope(stop.get_token());
            std::stop_callback onStop(stop.get_token(), [raw] { raw->cancel(); });
            auto first = raw->connection().query("SELECT pg_sleep(20)");
            auto next = raw->connection().query("SELECT 1");
            return std::make_pair(std::move(first), std::move(next));
        });
        QCOMPARE(running.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
        QElapsedTimer clock;
        clock.start();
        stop.request_stop();
        QCOMPARE(running.wait_for(std::chrono::seconds(2)), std::future_status::ready);
        auto [first, next] = running.get();
        QVERIFY(clock.elapsed() < 2000);
        QVERIFY(!first);
        QCOMPARE(first.error().code, ErrorCode::Cancelled); // PQcancel: SQLSTATE 57014
        QVERIFY(!next);
        QCOMPARE(next.error().code, ErrorCode::Cancelled); // refused before it reached the server
        QVERIFY(next.error().message.find("SQLSTATE") == std::string::npos);
        // Outside the job the connection works as before.
        QCOMPARE(*raw->connection().scalar("SELECT 41 + 1"), std::int64_t(42));
    }

    void silentServerConnectEndsOnCancelOrTimeout()
    {
        // Accepts the TCP connection (the kernel does, from the backlog) and never answers.
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        QCOMPARE(::listen(fd, 8), 0);
        socklen_t len = sizeof addr;
        QCOMPARE(::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len), 0);
        const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(ntohs(addr.sin_port)) + " dbname=x user=y";

        // Cancelled through the job's stop token: well before connect_timeout.
        std::stop_source stop;
        auto cancelled = std::async(std::launch::async, [&] {
            StopScope scope(stop.get_token());
            return PostgresConnector::open(conninfo + " connect_timeout=60");
        });
        QCOMPARE(cancelled.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
        QElapsedTimer clock;
        clock.start();
        stop.request_stop();
        QCOMPARE(cancelled.wait_for(std::chrono::seconds(1)), std::future_status::ready);
        auto r = cancelled.get();
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
        QVERIFY(clock.elapsed() < 1000);

        // Without a cancel, connect_timeout still ends it (libpq's own would not
        // apply to a non-blocking connect).
        clock.restart();
        auto timedOut = PostgresConnector::open(conninfo + " connect_timeout=2");
        QVERIFY(!timedOut);
        QCOMPARE(timedOut.error().code, ErrorCode::Unreachable);
        QVERIFY2(timedOut.error().message.find("connect_timeout (2 s)") != std::string::npos,
                 timedOut.error().message.c_str());
        QVERIFY(clock.elapsed() >= 1900 && clock.elapsed() < 5000);
        ::close(fd);
    }

    void missingPrivilegeIsExplained()
    {
        auto app = connectOrFail(*m_pg, QStringLiteral("app"));
        QVERIFY(app);
        Step step =
            makeStep(*app, StepKind::Split, "orders", {"orders_p0"}, {target({}, 0), target(0, 10000)}, "no-priv");
        ExecutionContext ctx = context("no-priv");
        auto out = app->execute(step, ctx);
        QVERIFY(!out);
        QVERIFY2(out.error().message.find("permission denied") != std::string::npos ||
                     out.error().message.find("must be owner") != std::string::npos,
                 qPrintable(explain(out.error())));
        QVERIFY(!out.error().hint.empty());
        QCOMPARE(count("SELECT count(*) FROM pg_class WHERE relname = 'orders_p0'"), std::int64_t(1));
        QCOMPARE(leftovers(), std::int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestPostgresConnector)
#include "tst_postgres_connector.moc"
