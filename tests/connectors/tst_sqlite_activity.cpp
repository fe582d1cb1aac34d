// Write counting, key histograms and the demo database of the SQLite connector.
#include <QTest>

#include <algorithm>
#include <map>

#include "sqlite_connector.h"
#include "sqlite_demo.h"
#include "sqlite_step_util.h"
#include "sqlite_test_util.h"

using namespace tidemark;
using namespace tidemark::sqlite;
using namespace tidemark::test;

namespace {

std::map<std::string, ActivitySample> samplesByPartition(Connector &c)
{
    std::map<std::string, ActivitySample> out;
    auto s = c.sampleActivity();
    if (!s)
        qFatal("sampleActivity failed: %s", errorText(s.error()).c_str());
    for (auto &a : *s)
        out[a.partition] = a;
    return out;
}

const KeyHistogram::Bucket *bucketHolding(const KeyHistogram &h, KeyValue key)
{
    for (const auto &b : h.buckets)
        if (b.range.contains(key))
            return &b;
    return nullptr;
}

} // namespace

class TestSqliteActivity : public QObject, private SqliteFiles {
    Q_OBJECT

private slots:
    void init() { freshDirectory(); }

    void writesAreCountedPerPartitionAndBucket_data()
    {
        QTest::addColumn<int>("updates");
        QTest::addColumn<bool>("direct");
        QTest::newRow("one update through the view") << 1 << false;
        QTest::newRow("37 updates through the view") << 37 << false;
        QTest::newRow("writes that bypass the view count too") << 12 << true;
    }
    void writesAreCountedPerPartitionAndBucket()
    {
        QFETCH(int, updates);
        QFETCH(bool, direct);
        RawDb db(path(), true);
        auto c = adoptedFamily(db);
        for (const auto &[name, s] : samplesByPartition(*c))
            QCOMPARE(s.writes(), 0); // adopting is not workload
        const std::string table = direct ? "t__p_250_500" : "t";
        QCOMPARE(q(db.exec("BEGIN")), QByteArray());
        for (int i = 0; i < updates; ++i)
            QCOMPARE(q(db.exec("UPDATE " + table + " SET amount = amount + 1 WHERE k = " + std::to_string(300 + i % 2))),
                     QByteArray());
        QCOMPARE(q(db.exec("COMMIT")), QByteArray());

        auto samples = samplesByPartition(*c);
        QCOMPARE(int(samples.size()), 4);
        const auto &s = samples["t__p_250_500"];
        QCOMPARE(s.updates, updates);
        QCOMPARE(s.inserts + s.deletes, 0);
        QCOMPARE(s.rows, 250);
        QVERIFY(s.bytes > 0);
        QVERIFY(!s.readsKnown);
        QCOMPARE(s.table, std::string("t"));
        QVERIFY(s.epochStartMs > 0 && s.epochStartMs <= s.timestampMs);
        QVERIFY(!s.counterEpoch.empty());
        for (const auto &[name, other] : samples)
            if (name != "t__p_250_500")
                QCOMPARE(other.writes(), 0);

        for (int buckets : {64, 7, 1}) {
            auto h = c->keyHistogram("t", "t__p_250_500", buckets);
            QVERIFY2(h, h ? "" : errorText(h.error()).c_str());
            QVERIFY(int(h->buckets.size()) <= buckets);
            QCOMPARE(h->bounds, (KeyRange{250, 500}));
            const auto *b = bucketHolding(*h, 300);
            QVERIFY(b);
            QCOMPARE(b->writes, updates);
            std::int64_t writes = 0, rows = 0;
            for (const auto &x : h->buckets) {
                writes += x.writes;
                rows += x.rows;
            }
            QCOMPARE(writes, updates);
            QCOMPARE(rows, 250);
            for (std::size_t i = 1; i < h->buckets.size(); ++i)
                QCOMPARE(h->buckets[i].range.lower, h->buckets[i - 1].range.upper);
        }
    }

    void insertsDeletesAndMovesAreCounted()
    {
        RawDb db(path(), true);
        auto c = adoptedFamily(db);
        QCOMPARE(q(db.exec("INSERT INTO t(k, name) VALUES(5001, 'a'), (5002, 'b')")), QByteArray());
        QCOMPARE(q(db.exec("DELETE FROM t WHERE k IN (1, 2, 3)")), QByteArray());
        QCOMPARE(q(db.exec("UPDATE t SET k = 600 + 1000 WHERE k = 10")), QByteArray()); // moves to the last partition
        auto s = samplesByPartition(*c);
        QCOMPARE(s["t__p_750_max"].inserts, 3);
        QCOMPARE(s["t__p_min_250"].deletes, 4);
        QCOMPARE(s["t__p_min_250"].updates, 0);
        // Keys beyond an open-ended partition's buckets land in its last bucket.
        auto h = c->keyHistogram("t", "t__p_750_max", 64);
        QVERIFY(h);
        QVERIFY(h->bounds.lower && h->bounds.upper);
        QCOMPARE(*h->bounds.lower, 750);
        QCOMPARE(h->buckets.back().writes, 3);
        auto first = c->keyHistogram("t", "t__p_min_250", 64);
        QVERIFY(first);
        QVERIFY(first->bounds.lower && *first->bounds.lower < 0);
        QCOMPARE(*first->bounds.upper, 250);
        std::int64_t rows = 0;
        for (const auto &b : first->buckets)
            rows += b.rows;
        QCOMPARE(rows, 246);
    }

    void aSplitsOwnCopyingIsNotCounted()
    {
        RawDb db(path(), true);
        auto c = adoptedFamily(db);
        QCOMPARE(q(db.exec("UPDATE t SET amount = 0 WHERE k BETWEEN 300 AND 309")), QByteArray());
        const auto sourceEpoch = samplesByPartition(*c)["t__p_250_500"].counterEpoch;
        ExecutionContext ctx;
        REQUIRE_OK(c->execute(splitStep(*c, "t", "t__p_250_500", {{250, 300}, {300, 500}}), ctx));
        auto s = samplesByPartition(*c);
        QVERIFY(!s.count("t__p_250_500"));
        QCOMPARE(s["t__p_250_300"].writes(), 0);
        QCOMPARE(s["t__p_300_500"].writes(), 0);
        QCOMPARE(s["t__p_300_500"].rows, 200);
        QVERIFY(s["t__p_300_500"].counterEpoch != sourceEpoch);
        const auto d = c->describe("t").value();
        const auto p = std::find_if(d.partitions.begin(), d.partitions.end(),
                                    [](const Partition &x) { return x.name == "t__p_300_500"; });
        QCOMPARE(s["t__p_300_500"].epochStartMs, p->createdMs);
        QCOMPARE(db.scalar("SELECT count(*) FROM _tidemark_activity WHERE partition_id NOT IN "
                           "(SELECT id FROM _tidemark_partitions)"),
                 0);
        // The new partitions count from now on.
        // [300, 500) has 50 buckets of 4 keys: 300…303 share the first.
        QCOMPARE(q(db.exec("UPDATE t SET amount = 1 WHERE k BETWEEN 300 AND 303")), QByteArray());
        QCOMPARE(samplesByPartition(*c)["t__p_300_500"].updates, 4);
        auto h = c->keyHistogram("t", "t__p_300_500", 200);
        QVERIFY(h);
        QCOMPARE(int(h->buckets.size()), 50);
        QCOMPARE(h->buckets[0].range, (KeyRange{300, 304}));
        QCOMPARE(h->buckets[0].writes, 4);
        QCOMPARE(h->buckets[1].writes, 0);
    }

    void writeCountingCanBeSwitchedOff()
    {
        RawDb db(path(), true);
        auto c = adoptedFamily(db);
        REQUIRE_OK(c->setWriteCounting("t", false));
        QCOMPARE(q(db.exec("UPDATE t SET amount = 0 WHERE k < 100")), QByteArray());
        QCOMPARE(samplesByPartition(*c)["t__p_min_250"].writes(), 0);
        REQUIRE_OK(c->setWriteCounting("t", true));
        QCOMPARE(q(db.exec("UPDATE t SET amount = 0 WHERE k < 100")), QByteArray());
        QCOMPARE(samplesByPartition(*c)["t__p_min_250"].updates, 100);
        REQUIRE_OK(c->resetWriteCounters("t"));
        QCOMPARE(samplesByPartition(*c)["t__p_min_250"].writes(), 0);
    }

    void demoDatabase()
    {
        const std::string p = path("demo.db");
        DemoOptions opt;
        opt.rows = 50000;
        opt.partitions = 40;
        auto summary = createDemoDatabase(p, opt);
        QVERIFY2(summary, summary ? "" : errorText(summary.error()).c_str());
        QCOMPARE(summary->rows, 50000);
        QCOMPARE(summary->partitions, 40);
        QVERIFY(summary->bytes > 50000 * 40);
        auto again = createDemoDatabase(p, opt);
        QVERIFY(!again);
        QVERIFY(again.error().message.find("already exists") != std::string::npos);

        auto c = SqliteConnector::openPath(p);
        QVERIFY(c);
        auto d = (*c)->describe("orders");
        QVERIFY(d);
        QCOMPARE(int(d->partitions.size()), 40);
        std::int64_t rows = 0;
        for (const auto &part : d->partitions)
            rows += part.rows;
        QCOMPARE(rows, 50000);
        for (const auto &[name, s] : samplesByPartition(**c))
            QCOMPARE(s.writes(), 0); // the bulk load is not workload

        // Same seed, same data.
        const std::string p2 = path("demo2.db");
        QVERIFY(createDemoDatabase(p2, opt));
        {
            RawDb a(p2);
            QCOMPARE(q(a.exec("ATTACH " + lit(p) + " AS o")), QByteArray());
            QCOMPARE(a.scalar("SELECT count(*) FROM (SELECT * FROM orders EXCEPT SELECT * FROM o.orders)"), 0);
            QCOMPARE(a.scalar("SELECT count(*) FROM orders"), 50000);
        }

        DemoLoadOptions load;
        load.seconds = 2.0;
        auto rep = runDemoLoad(p, load);
        QVERIFY2(rep, rep ? "" : errorText(rep.error()).c_str());
        QCOMPARE(rep->errors, 0);
        QVERIFY(rep->writes > 500);
        QVERIFY(rep->reads > 0);
        QVERIFY(rep->seconds >= 1.9 && rep->seconds < 10);
        std::map<std::string, std::int64_t> client(rep->writesPerPartition.begin(), rep->writesPerPartition.end());
        QVERIFY2(client[rep->hotPartition] * 10 > rep->writes * 8,
                 qPrintable(QStringLiteral("hot partition %1 got %2 of %3 writes")
                                .arg(QString::fromStdString(rep->hotPartition))
                                .arg(client[rep->hotPartition])
                                .arg(rep->writes)));
        // The triggers counted exactly what the client wrote, partition by partition.
        for (const auto &[name, s] : samplesByPartition(**c))
            QCOMPARE(s.writes(), client[name]);

    }

    void uniformDemoLoadSpreadsWrites()
    {
        const std::string p = path("uniform.db");
        DemoOptions opt;
        opt.rows = 20000;
        opt.partitions = 20;
        QVERIFY(createDemoDatabase(p, opt));
        DemoLoadOptions load;
        load.seconds = 30;
        load.maxOperations = 4000;
        load.uniform = true;
        auto rep = runDemoLoad(p, load);
        QVERIFY(rep);
        QCOMPARE(rep->operations, 4000);
        QCOMPARE(int(rep->writesPerPartition.size()), 20);
        for (const auto &[name, n] : rep->writesPerPartition)
            QVERIFY2(n * 20 < rep->writes * 2, name.c_str()); // no partition gets twice its share
    }

    void benchmarkVariants()
    {
        DemoOptions plain;
        plain.rows = 5000;
        plain.partitions = 5;
        plain.plainTable = true;
        QVERIFY(createDemoDatabase(path("plain.db"), plain));
        auto c = SqliteConnector::openPath(path("plain.db"));
        QVERIFY(c);
        QCOMPARE((*c)->describe("orders").error().code, ErrorCode::NotPartitioned);
        DemoOptions silent = plain;
        silent.plainTable = false;
        silent.countWrites = false;
        QVERIFY(createDemoDatabase(path("silent.db"), silent));
        DemoLoadOptions load;
        load.maxOperations = 500;
        QVERIFY(runDemoLoad(path("plain.db"), load));
        QVERIFY(runDemoLoad(path("silent.db"), load));
        auto s = SqliteConnector::openPath(path("silent.db"));
        QVERIFY(s);
        for (const auto &[name, sample] : samplesByPartition(**s))
            QCOMPARE(sample.writes(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSqliteActivity)
#include "tst_sqlite_activity.moc"
