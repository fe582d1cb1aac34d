// The MariaDB connector against a private MariaDB server: connecting (URI,
// option file, TLS options, bad passwords and hosts), discovery of every
// partitioning method, activity counters, checksums, native split and merge
// with verification and recording, and refusals that change nothing.
#include <fmt/format.h>

#include "connector_features.h"
#include "maria_uri.h"
#include "mariadb_test_util.h"
#include "model/connection_string.h"
#include "model/key_value.h"

using namespace tidemark;
using namespace tidemark::test;
using tidemark::mariadb::MariaDbConnector;

namespace {

const PartitionedTable *findTable(const std::vector<PartitionedTable> &ts, const std::string &name)
{
    for (const auto &t : ts)
        if (t.name == name)
            return &t;
    return nullptr;
}

} // namespace

class TestMariaDbConnector : public QObject {
    Q_OBJECT

    std::unique_ptr<MariaDbServer> m_db;

    bool sql(const QString &s)
    {
        QString err;
        const bool ok = m_db->sql(s, nullptr, &err);
        if (!ok)
            qWarning().noquote() << err;
        return ok;
    }
    QString value(const QString &s)
    {
        QString out, err;
        if (!m_db->sql(s, &out, &err))
            qWarning().noquote() << err;
        return out;
    }

private slots:
    void initTestCase()
    {
        m_db = MariaDbServer::start();
        QVERIFY2(m_db->ok(), qPrintable(m_db->error()));
        useServerHome(*m_db);
        QVERIFY(sql(QStringLiteral(
            "CREATE TABLE orders (id BIGINT NOT NULL, customer INT, note VARCHAR(40), amount DECIMAL(10,2), "
            "PRIMARY KEY (id)) ENGINE=InnoDB PARTITION BY RANGE (id) (PARTITION p0 VALUES LESS THAN (1000), "
            "PARTITION p1 VALUES LESS THAN (2000), PARTITION p2 VALUES LESS THAN (3000), PARTITION pmax VALUES LESS "
            "THAN MAXVALUE);"
            "INSERT INTO orders SELECT seq, seq % 97, IF(seq % 5 = 0, NULL, CONCAT('n', seq)), seq / 7 FROM "
            "seq_0_to_3499;"
            "CREATE TABLE days (d DATE NOT NULL, v INT) PARTITION BY RANGE (TO_DAYS(d)) ("
            "PARTITION d1 VALUES LESS THAN (TO_DAYS('2026-12-01')), PARTITION d2 VALUES LESS THAN "
            "(TO_DAYS('2026-12-08')), PARTITION d3 VALUES LESS THAN MAXVALUE);"
            "INSERT INTO days SELECT '2026-11-25' + INTERVAL seq DAY, seq FROM seq_0_to_19;"
            "CREATE TABLE stamps (ts TIMESTAMP NOT NULL, v INT) PARTITION BY RANGE (UNIX_TIMESTAMP(ts)) ("
            "PARTITION s1 VALUES LESS THAN (UNIX_TIMESTAMP('2026-12-01 00:00:00')), PARTITION s2 VALUES LESS THAN "
            "MAXVALUE);"
            "CREATE TABLE moments (at DATETIME NOT NULL, v INT) PARTITION BY RANGE COLUMNS (at) ("
            "PARTITION m1 VALUES LESS THAN ('2026-12-01 00:00:00'), PARTITION m2 VALUES LESS THAN MAXVALUE);"
            "CREATE TABLE regions (r INT NOT NULL) PARTITION BY LIST (r) (PARTITION ra VALUES IN (1,2), PARTITION rb "
            "VALUES IN (3));"
            "CREATE TABLE hashed (id INT NOT NULL) PARTITION BY HASH (id) PARTITIONS 3;"
            "CREATE TABLE keyed (id INT NOT NULL PRIMARY KEY) PARTITION BY KEY (id) PARTITIONS 2;"
            "CREATE TABLE nested (id INT NOT NULL, d DATE NOT NULL) PARTITION BY RANGE (id) SUBPARTITION BY HASH "
            "(TO_DAYS(d)) SUBPARTITIONS 2 (PARTITION n0 VALUES LESS THAN (100), PARTITION n1 VALUES LESS THAN "
            "MAXVALUE);"
            "CREATE TABLE plain (id INT PRIMARY KEY);")));
    }
    void cleanupTestCase() { m_db.reset(); }

    void uriIsParsedWithTlsOptions()
    {
        auto u = mariadb::parseMariaUri("mysql://app:s%40cret@db1.example:3307/shop?ssl-mode=VERIFY_CA&ssl_ca=/etc/"
                                        "ca.pem&connect-timeout=3");
        QVERIFY(u);
        QCOMPARE(u->scheme, std::string("mysql"));
        QCOMPARE(u->user, std::string("app"));
        QCOMPARE(u->password.value_or(""), std::string("s@cret"));
        QCOMPARE(u->host, std::string("db1.example"));
        QCOMPARE(u->port, 3307u);
        QCOMPARE(u->database, std::string("shop"));
        QVERIFY(u->sslMode == mariadb::SslMode::VerifyCa);
        QCOMPARE(u->sslCa, std::string("/etc/ca.pem"));
        QCOMPARE(u->connectTimeoutSeconds, 3);
        QVERIFY(u->target().find("s@cret") == std::string::npos);
        auto bad = mariadb::parseMariaUri("mariadb://app:pw@h/db?frobnicate=1");
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
        QVERIFY(bad.error().message.find("frobnicate") != std::string::npos);
        auto port = mariadb::parseMariaUri("mariadb://app@h:99999/db");
        QVERIFY(!port);
        // The engine's redaction keeps passwords of both schemes out of what is shown.
        QCOMPARE(redactUri("mariadb://app:topsecret@h:3306/db?ssl-mode=REQUIRED"),
                 std::string("mariadb://app@h:3306/db?ssl-mode=REQUIRED"));
        QCOMPARE(redactUri("mysql://app@h/db?password=topsecret"), std::string("mysql://app@h/db"));
        QVERIFY(redactSecrets("cannot open mysql://u:topsecret@h/db: refused").find("topsecret") == std::string::npos);
    }

    void passwordComesFromTheOptionFile()
    {
        // [client] of ~/.my.cnf (read by Connector/C itself).
        auto c = mariaConnect(*m_db);
        QVERIFY(c);
        // A per-host section [client-USER@HOST] for another user.
        QString err;
        QVERIFY2(m_db->createUser(QStringLiteral("reporter"), QStringLiteral("rep-pw-9"), QStringLiteral("SELECT"),
                                  true, &err),
                 qPrintable(err));
        auto r = MariaDbConnector::open(mstr(m_db->uri(QStringLiteral("reporter"))));
        QVERIFY2(r, r ? "" : qPrintable(explainError(r.error())));
        // A password in the URI (from the keychain or the command line) wins.
        auto u = MariaDbConnector::open(
            fmt::format("mariadb://reporter:rep-pw-9@127.0.0.1:{}/{}", m_db->port(), mstr(m_db->database())));
        QVERIFY(u);
    }

    void wrongPasswordIsRefusedWithoutEchoingIt()
    {
        auto c = MariaDbConnector::open(
            fmt::format("mariadb://tidemark:not-the-password@127.0.0.1:{}/{}", m_db->port(), mstr(m_db->database())));
        QVERIFY(!c);
        QCOMPARE(c.error().code, ErrorCode::AuthFailed);
        QVERIFY(c.error().message.find("not-the-password") == std::string::npos);
        QVERIFY(c.error().hint.find("my.cnf") != std::string::npos);
        // A user with no password anywhere.
        QString err;
        QVERIFY(
            m_db->createUser(QStringLiteral("nofile"), QStringLiteral("pw-x"), QStringLiteral("SELECT"), false, &err));
        auto n = MariaDbConnector::open(mstr(m_db->uri(QStringLiteral("nofile"))));
        QVERIFY(!n);
        QVERIFY(n.error().message.find("no password") != std::string::npos);
    }

    void unreachableHostIsUnreachable()
    {
        auto c = MariaDbConnector::open("mariadb://tidemark@127.0.0.1:1/tidemark_test?connect-timeout=2");
        QVERIFY(!c);
        QCOMPARE(c.error().code, ErrorCode::Unreachable);
        QVERIFY(c.error().hint.find("port") != std::string::npos);
        auto nodb = MariaDbConnector::open(fmt::format("mariadb://tidemark@127.0.0.1:{}/", m_db->port()));
        QVERIFY(!nodb);
        QCOMPARE(nodb.error().code, ErrorCode::InvalidArgument);
    }

    void tlsRequiredIsHonoured()
    {
        // The test server has no certificate: REQUIRED must fail, not fall back to plain text.
        auto c = MariaDbConnector::open(
            fmt::format("mariadb://tidemark@127.0.0.1:{}/{}?ssl-mode=REQUIRED", m_db->port(), mstr(m_db->database())));
        QVERIFY(!c);
        auto plain = MariaDbConnector::open(
            fmt::format("mariadb://tidemark@127.0.0.1:{}/{}?ssl-mode=DISABLED", m_db->port(), mstr(m_db->database())));
        QVERIFY(plain);
    }

    void discoversEveryMethod()
    {
        auto c = mariaConnect(*m_db);
        QVERIFY(c);
        auto ts = c->discover();
        QVERIFY2(ts, ts ? "" : qPrintable(explainError(ts.error())));
        const PartitionedTable *orders = findTable(*ts, "orders");
        QVERIFY(orders);
        QVERIFY(orders->plannable);
        QCOMPARE(orders->keyColumn, std::string("id"));
        QCOMPARE(orders->partitions.size(), std::size_t(4));
        QCOMPARE(orders->partitions[0].bounds, (KeyRange{std::nullopt, 1000}));
        QCOMPARE(orders->partitions[1].bounds, (KeyRange{1000, 2000}));
        QCOMPARE(orders->partitions[3].bounds, (KeyRange{3000, std::nullopt}));
        for (const auto &p : orders->partitions)
            QVERIFY2(p.bytes >= 16384, p.name.c_str()); // data + index + free of an InnoDB partition

        const PartitionedTable *days = findTable(*ts, "days");
        QVERIFY(days && days->plannable);
        QCOMPARE(days->keyType, KeyType::Date);
        QCOMPARE(days->partitions[1].bounds.lower, parseKey("2026-12-01", KeyType::Date));
        QCOMPARE(days->partitions[1].bounds.upper, parseKey("2026-12-08", KeyType::Date));

        const PartitionedTable *stamps = findTable(*ts, "stamps");
        QVERIFY(stamps && stamps->plannable);
        QCOMPARE(stamps->keyType, KeyType::TimestampTz);
        QCOMPARE(stamps->partitions[0].bounds.upper, parseKey("2026-12-01 00:00:00+00", KeyType::TimestampTz));

        const PartitionedTable *moments = findTable(*ts, "moments");
        QVERIFY(moments && moments->plannable);
        QCOMPARE(moments->keyType, KeyType::Timestamp);
        QCOMPARE(moments->partitions[0].bounds.upper, parseKey("2026-12-01 00:00:00", KeyType::Timestamp));

        for (const char *name : {"regions", "hashed", "keyed", "nested"}) {
            const PartitionedTable *t = findTable(*ts, name);
            QVERIFY2(t, name);
            QVERIFY2(!t->plannable, name);
            QVERIFY2(!t->notPlannableReason.empty(), name);
        }
        QCOMPARE(findTable(*ts, "hashed")->partitions.size(), std::size_t(3));
        QCOMPARE(findTable(*ts, "hashed")->strategy, PartitionStrategy::Hash);
        QCOMPARE(findTable(*ts, "regions")->strategy, PartitionStrategy::List);
        QVERIFY(findTable(*ts, "nested")->notPlannableReason.find("sub-partitioned") != std::string::npos);
        QVERIFY(!findTable(*ts, "plain"));
    }

    void describeRefusesPlainAndMissingTables()
    {
        auto c = mariaConnect(*m_db);
        QVERIFY(c);
        auto plain = c->describe("plain");
        QVERIFY(!plain);
        QCOMPARE(plain.error().code, ErrorCode::NotPartitioned);
        auto none = c->describe("nope");
        QVERIFY(!none);
        QCOMPARE(none.error().code, ErrorCode::NotFound);
    }

    void activityCountsWritesPerPartition()
    {
        auto c = mariaConnect(*m_db);
        QVERIFY(c);
        auto before = c->sampleActivity();
        QVERIFY2(before, before ? "" : qPrintable(explainError(before.error())));
        auto writesOf = [](const std::vector<ActivitySample> &ss, const std::string &p) -> std::int64_t {
            for (const auto &s : ss)
                if (s.table == "orders" && s.partition == p)
                    return s.writes();
            return -1;
        };
        QVERIFY(sql(QStringLiteral("UPDATE orders SET customer = customer + 1 WHERE id BETWEEN 2000 AND 2099;")));
        auto after = c->sampleActivity();
        QVERIFY(after);
        QCOMPARE(writesOf(*after, "p2") - writesOf(*before, "p2"), std::int64_t(100));
        QCOMPARE(writesOf(*after, "p0"), writesOf(*before, "p0"));
        for (const auto &s : *after) {
            QVERIFY(!s.readsKnown);
            QVERIFY(!s.counterEpoch.empty());
            QVERIFY(s.epochStartMs > 0 && s.epochStartMs <= s.timestampMs);
        }
        // A statistics recalculation restarts the counter: the epoch says so.
        std::string epochBefore;
        for (const auto &s : *after)
            if (s.table == "orders" && s.partition == "p2")
                epochBefore = s.counterEpoch;
        QTest::qWait(1100); // last_update has a resolution of one second
        QVERIFY(sql(QStringLiteral("ANALYZE TABLE orders;")));
        auto reset = c->sampleActivity();
        QVERIFY(reset);
        for (const auto &s : *reset)
            if (s.table == "orders" && s.partition == "p2") {
                QCOMPARE(s.writes(), std::int64_t(0));
                QVERIFY(s.counterEpoch != epochBefore);
            }
        auto h = c->keyHistogram("orders", "p1", 10);
        QVERIFY(h);
        QCOMPARE(h->buckets.size(), std::size_t(10));
        std::int64_t rows = 0;
        for (const auto &b : h->buckets)
            rows += b.rows;
        QCOMPARE(rows, std::int64_t(1000));
        QCOMPARE(h->buckets[0].range, (KeyRange{1000, 1100}));
        // Where the writes landed, from the binary log's row events: the
        // initial load wrote every key of p2 once, the update 2000..2099 again.
        auto hot = c->keyHistogram("orders", "p2", 10);
        QVERIFY(hot);
        QCOMPARE(hot->buckets.size(), std::size_t(10));
        QCOMPARE(hot->buckets[0].range, (KeyRange{2000, 2100}));
        QVERIFY2(hot->buckets[0].writes >= 2 * hot->buckets[1].writes && hot->buckets[1].writes > 0,
                 qPrintable(QStringLiteral("%1 vs %2").arg(hot->buckets[0].writes).arg(hot->buckets[1].writes)));
        for (std::size_t i = 2; i < hot->buckets.size(); ++i)
            QCOMPARE(hot->buckets[i].writes, hot->buckets[1].writes);
    }

    void checksumSeesEveryColumn()
    {
        auto c = mariaConnect(*m_db);
        QVERIFY(c);
        auto a = c->checksum("orders", KeyRange{1000, 2000});
        QVERIFY(a);
        QCOMPARE(a->rows, std::int64_t(1000));
        QVERIFY(sql(QStringLiteral("UPDATE orders SET note = NULL WHERE id = 1500 AND note IS NOT NULL;"
                                   "UPDATE orders SET note = 'x' WHERE id = 1505;")));
        auto b = c->checksum("orders", KeyRange{1000, 2000});
        QVERIFY(b);
        QCOMPARE(b->rows, a->rows);
        QVERIFY(b->hashSum != a->hashSum);
        auto whole = c->checksum("orders", KeyRange{});
        QVERIFY(whole);
        QCOMPARE(whole->rows, std::int64_t(3500));
    }

    void splitAndMergeNativeVerifyAndRecord()
    {
        auto c = mariaConnect(*m_db);
        QVERIFY(c);
        auto total = c->checksum("orders", KeyRange{});
        QVERIFY(total);
        Step split = mariaStep(*c, StepKind::Split, "orders", {"p1"},
                               {mariaTarget(1000, 1500), mariaTarget(1500, 2000)}, "split-orders-1");
        auto text = c->preview(split);
        QVERIFY2(text, text ? "" : qPrintable(explainError(text.error())));
        QVERIFY(text->find("REORGANIZE PARTITION `p1` INTO (PARTITION `p1000_1500` VALUES LESS THAN (1500), "
                           "PARTITION `p1500_2000` VALUES LESS THAN (2000))") != std::string::npos);
        QVERIFY(text->find("Writes to orders are blocked") != std::string::npos);
        ExecutionContext ctx;
        ctx.stepUid = split.uid;
        auto out = c->execute(split, ctx);
        QVERIFY2(out, out ? "" : qPrintable(explainError(out.error())));
        QCOMPARE(out->before, out->after);
        QCOMPARE(out->after.rows, std::int64_t(1000));
        QVERIFY(out->lockSeconds > 0.0);
        auto state = c->stepState(split.uid);
        QVERIFY(state && *state == StepCommitState::Committed);
        QCOMPARE(value(QStringLiteral("SELECT state FROM tidemark_steps WHERE uid = 'split-orders-1'")),
                 QStringLiteral("committed"));
        // Running it again is refused.
        auto again = c->execute(split, ctx);
        QVERIFY(!again);

        auto t = c->describe("orders");
        QVERIFY(t);
        QCOMPARE(t->partitions.size(), std::size_t(5));
        QCOMPARE(t->partitions[1].bounds, (KeyRange{1000, 1500}));

        Step merge =
            mariaStep(*c, StepKind::Merge, "orders", {"p1500_2000", "p2"}, {mariaTarget(1500, 3000)}, "merge-orders-1");
        ExecutionContext mctx;
        mctx.stepUid = merge.uid;
        auto m = c->execute(merge, mctx);
        QVERIFY2(m, m ? "" : qPrintable(explainError(m.error())));
        QCOMPARE(m->after.rows, std::int64_t(1500));
        auto after = c->checksum("orders", KeyRange{});
        QVERIFY(after);
        QCOMPARE(*after, *total);
        // Every row within its partition's bounds.
        QCOMPARE(value(QStringLiteral("SELECT COUNT(*) FROM orders PARTITION (p1500_3000) WHERE id < 1500 OR id >= "
                                      "3000")),
                 QStringLiteral("0"));
    }

    void timeKeysSplitAtDayBounds()
    {
        auto c = mariaConnect(*m_db);
        QVERIFY(c);
        const KeyValue mid = *parseKey("2026-12-04", KeyType::Date);
        Step split = mariaStep(*c, StepKind::Split, "days", {"d2"},
                               {mariaTarget(*parseKey("2026-12-01", KeyType::Date), mid),
                                mariaTarget(mid, *parseKey("2026-12-08", KeyType::Date))},
                               "split-days", KeyType::Date);
        QCOMPARE(split.repartition().targets[0].name, std::string("p20261201_20261204"));
        ExecutionContext ctx;
        ctx.stepUid = split.uid;
        auto out = c->execute(split, ctx);
        QVERIFY2(out, out ? "" : qPrintable(explainError(out.error())));
        QCOMPARE(out->after.rows, std::int64_t(7));
        QCOMPARE(value(QStringLiteral("SELECT PARTITION_DESCRIPTION FROM information_schema.PARTITIONS WHERE "
                                      "TABLE_NAME = 'days' AND PARTITION_NAME = 'p20261201_20261204'")),
                 value(QStringLiteral("SELECT TO_DAYS('2026-12-04')")));
        // A DATETIME bound inside a day cannot be written for a TO_DAYS key of a DATE column:
        // the stamps table (seconds) takes an hour.
        const KeyValue hour = *parseKey("2026-11-30 13:00:00+00", KeyType::TimestampTz);
        Step s2 = mariaStep(*c, StepKind::Split, "stamps", {"s1"},
                            {mariaTarget(std::nullopt, hour),
                             mariaTarget(hour, *parseKey("2026-12-01 00:00:00+00", KeyType::TimestampTz))},
                            "split-stamps", KeyType::TimestampTz);
        auto p = c->preview(s2);
        QVERIFY2(p, p ? "" : qPrintable(explainError(p.error())));
        QVERIFY(p->find(value(QStringLiteral("SELECT UNIX_TIMESTAMP('2026-11-30 13:00:00')")).toStdString()) !=
                std::string::npos);
    }

    void staleFingerprintChangesNothing()
    {
        auto c = mariaConnect(*m_db);
        QVERIFY(c);
        Step split = mariaStep(*c, StepKind::Split, "orders", {"p0"},
                               {mariaTarget(std::nullopt, 500), mariaTarget(500, 1000)}, "stale-1");
        split.fingerprint = "0000000000000000";
        ExecutionContext ctx;
        ctx.stepUid = split.uid;
        auto out = c->execute(split, ctx);
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::StalePlan);
        auto t = c->describe("orders");
        QVERIFY(t);
        QCOMPARE(t->partitions[0].name, std::string("p0"));
        auto state = c->stepState(split.uid);
        QVERIFY(state && *state == StepCommitState::NotCommitted);
    }

    void badTargetsAreRefused()
    {
        auto c = mariaConnect(*m_db);
        QVERIFY(c);
        Step gap = mariaStep(*c, StepKind::Split, "orders", {"p0"},
                             {mariaTarget(std::nullopt, 400), mariaTarget(500, 1000)}, "gap-1");
        QVERIFY(!c->preview(gap));
        Step hash = mariaStep(*c, StepKind::Split, "hashed", {"p0"}, {mariaTarget(0, 1), mariaTarget(1, 2)}, "h-1");
        auto h = c->preview(hash);
        QVERIFY(!h);
        QCOMPARE(h.error().code, ErrorCode::Unsupported);
        Step plain = mariaStep(*c, StepKind::Split, "plain", {"p0"}, {mariaTarget(0, 1), mariaTarget(1, 2)}, "pl-1");
        auto pl = c->preview(plain);
        QVERIFY(!pl);
        QCOMPARE(pl.error().code, ErrorCode::NotPartitioned);
    }

    void lockNotObtainableInTimeChangesNothing()
    {
        auto c = mariaConnect(*m_db);
        auto holder = mariaConnect(*m_db);
        QVERIFY(c && holder);
        Step split = mariaStep(*c, StepKind::Split, "orders", {"p0"},
                               {mariaTarget(std::nullopt, 500), mariaTarget(500, 1000)}, "busy-1");
        // Another session in an open transaction on the table holds its metadata lock.
        QVERIFY(holder->connection().exec("START TRANSACTION"));
        QVERIFY(holder->connection().exec("SELECT COUNT(*) FROM orders"));
        ExecutionContext ctx;
        ctx.stepUid = split.uid;
        ctx.lockTimeoutMs = 1000;
        auto out = c->execute(split, ctx);
        holder->connection().rollback();
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::Busy);
        QVERIFY(out.error().message.find("could not be locked") != std::string::npos);
        auto t = c->describe("orders");
        QVERIFY(t);
        QCOMPARE(t->partitions[0].name, std::string("p0"));
    }

    void missingPrivilegeChangesNothing()
    {
        QString err;
        QVERIFY(m_db->createUser(QStringLiteral("viewer"), QStringLiteral("view-pw-3"),
                                 QStringLiteral("SELECT, PROCESS"), true, &err));
        auto c = mariaConnect(*m_db, QStringLiteral("viewer"));
        QVERIFY(c);
        auto ts = c->discover();
        QVERIFY(ts);
        QVERIFY(c->sampleActivity());
        // No binary log privileges: the histogram falls back to row shares.
        auto h = c->keyHistogram("orders", "p0", 4);
        QVERIFY2(h, h ? "" : qPrintable(explainError(h.error())));
        QCOMPARE(h->buckets.size(), std::size_t(4));
        Step split = mariaStep(*c, StepKind::Split, "orders", {"p0"},
                               {mariaTarget(std::nullopt, 500), mariaTarget(500, 1000)}, "priv-1");
        ExecutionContext ctx;
        ctx.stepUid = split.uid;
        auto out = c->execute(split, ctx);
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::InvalidArgument);
        QVERIFY(out.error().hint.find("GRANT") != std::string::npos);
        auto admin = mariaConnect(*m_db);
        auto t = admin->describe("orders");
        QVERIFY(t);
        QCOMPARE(t->partitions[0].name, std::string("p0"));
        // Without PROCESS the activity source says what to grant.
        QVERIFY(m_db->createUser(QStringLiteral("blind"), QStringLiteral("blind-pw-3"), QStringLiteral("SELECT"), true,
                                 &err));
        auto b = mariaConnect(*m_db, QStringLiteral("blind"));
        QVERIFY(b);
        auto s = b->sampleActivity();
        QVERIFY(!s);
        QVERIFY(s.error().hint.find("PROCESS") != std::string::npos);
    }

    void capabilitiesNameWhatIsMissing()
    {
        auto c = mariaConnect(*m_db);
        QVERIFY(c);
        const ConnectorCapabilities caps = capabilitiesOf(*c);
        QVERIFY(caps.runs(StepKind::Split));
        QVERIFY(caps.runs(StepKind::Merge));
        QVERIFY(caps.databaseLock);
        QVERIFY(!caps.whyNot("readsCounted").empty());
    }
};

QTEST_GUILESS_MAIN(TestMariaDbConnector)
#include "tst_mariadb_connector.moc"
