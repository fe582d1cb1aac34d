// How a copy to another node is sized and cut: chunk layouts from key
// histograms (coarse where cold, fine where writes land, tiling the range,
// coldest first) and target sizing from the write forecast (confidence,
// cap, refusal), as tables of cases.
#include <QtTest>

#include "replication/copy_chunks.h"
#include "replication/copy_sizing.h"

using namespace tidemark;

namespace {

KeyHistogram histogram(std::int64_t lo, std::int64_t width,
                       const std::vector<std::pair<std::int64_t, std::int64_t>> &rowsWrites)
{
    KeyHistogram h;
    h.bounds = {lo, lo + width * std::int64_t(rowsWrites.size())};
    for (std::size_t i = 0; i < rowsWrites.size(); ++i)
        h.buckets.push_back({KeyRange{lo + width * std::int64_t(i), lo + width * std::int64_t(i + 1)},
                             rowsWrites[i].second, rowsWrites[i].first});
    return h;
}

bool tiles(const std::vector<CopyChunk> &chunks, const KeyRange &range)
{
    if (chunks.empty() || chunks.front().range.lower != range.lower || chunks.back().range.upper != range.upper)
        return false;
    for (std::size_t i = 0; i + 1 < chunks.size(); ++i)
        if (!chunks[i].range.upper || chunks[i].range.upper != chunks[i + 1].range.lower ||
            (chunks[i].range.lower && *chunks[i].range.lower >= *chunks[i].range.upper))
            return false;
    return true;
}

} // namespace

class TestCopyPlanning : public QObject {
    Q_OBJECT

private slots:
    void layout_data()
    {
        QTest::addColumn<int>("hotBucket"); // -1: none
        QTest::addColumn<bool>("openEnds");
        QTest::newRow("cold everywhere: coarse chunks only") << -1 << false;
        QTest::newRow("writes land in one bucket: fine chunks there") << 7 << false;
        QTest::newRow("open partition bounds stay open") << 0 << true;
    }
    void layout()
    {
        QFETCH(int, hotBucket);
        QFETCH(bool, openEnds);
        // 10 buckets of 10000 rows over [0, 100000).
        std::vector<std::pair<std::int64_t, std::int64_t>> buckets(10, {10000, 10});
        if (hotBucket >= 0)
            buckets[std::size_t(hotBucket)].second = 50000;
        const KeyRange range = openEnds ? KeyRange{} : KeyRange{0, 100000};
        ChunkLayoutOptions o;
        o.coarseRows = 30000;
        o.fineRows = 2000;
        const auto chunks = layoutCopyChunks(range, histogram(0, 10000, buckets), 100000, o);
        QVERIFY(tiles(chunks, range));
        const auto fine = std::count_if(chunks.begin(), chunks.end(), [](const CopyChunk &c) { return c.fine; });
        std::int64_t rows = 0;
        for (const auto &c : chunks) {
            rows += c.expectedRows;
            QVERIFY(c.expectedRows <= (c.fine ? o.fineRows : o.coarseRows));
        }
        QCOMPARE(rows, std::int64_t(100000));
        if (hotBucket < 0) {
            QCOMPARE(fine, 0);
            QCOMPARE(chunks.size(), std::size_t(4)); // 30000 + 30000 + 30000 + 10000
        } else {
            QCOMPARE(fine, 5); // the hot bucket's 10000 rows in chunks of 2000
            // Coldest first: the fine (hot) chunks go last.
            const auto order = coldFirstOrder(chunks);
            for (std::size_t i = 0; i < order.size(); ++i)
                QCOMPARE(chunks[order[i]].fine, i >= order.size() - 5);
        }
    }

    void noHistogramCutsByRows()
    {
        const auto chunks = layoutCopyChunks(KeyRange{1, 50001}, KeyHistogram{}, 50000, {5000, 500, 2.0});
        QCOMPARE(chunks.size(), std::size_t(10));
        QVERIFY(tiles(chunks, KeyRange{1, 50001}));
    }

    void sizing_data()
    {
        QTest::addColumn<double>("confidence");
        QTest::addColumn<qint64>("cap");
        QTest::addColumn<qint64>("free");
        QTest::addColumn<qint64>("reserved");
        QTest::addColumn<bool>("refused");
        // 100 MiB at 10 MiB/s: 10 s; 100 B per row; 1000 writes/s point, 3000 upper:
        // growth 1 000 000 B point, 3 000 000 B upper.
        QTest::newRow("trusted forecast reserves its point")
            << 1.0 << qint64(0) << qint64(-1) << qint64(104857600 + 1000000) << false;
        QTest::newRow("doubtful forecast reserves its upper end")
            << 0.0 << qint64(0) << qint64(-1) << qint64(104857600 + 3000000) << false;
        QTest::newRow("half trust: halfway") << 0.5 << qint64(0) << qint64(-1) << qint64(104857600 + 2000000) << false;
        QTest::newRow("the cap limits the buffer")
            << 0.0 << qint64(500000) << qint64(-1) << qint64(104857600 + 500000) << false;
        QTest::newRow("a node that cannot hold it is refused")
            << 1.0 << qint64(0) << qint64(104857600) << qint64(104857600 + 1000000) << true;
    }
    void sizing()
    {
        QFETCH(double, confidence);
        QFETCH(qint64, cap);
        QFETCH(qint64, free);
        QFETCH(qint64, reserved);
        QFETCH(bool, refused);
        CopySizingInput in;
        in.bytesNow = 104857600;
        in.rowsNow = 1048576;
        in.writesPerSecond = 1000;
        in.writesPerSecondUpper = 3000;
        in.confidence = confidence;
        in.throughputBytesPerSecond = 10485760;
        in.maxBufferBytes = cap;
        if (free >= 0)
            in.targetFreeBytes = free;
        in.targetName = "db2";
        const CopySizing s = sizeCopyTarget(in);
        QCOMPARE(s.transferSeconds, 10.0);
        QCOMPARE(s.growthBytes, std::int64_t(1000000));
        QCOMPARE(s.growthUpperBytes, std::int64_t(3000000));
        QCOMPARE(s.reservedBytes, std::int64_t(reserved));
        QCOMPARE(s.capped, cap > 0);
        QCOMPARE(s.refusal.has_value(), refused);
        if (refused)
            QVERIFY(QString::fromStdString(*s.refusal).contains(QLatin1String("db2 can hold")));
    }
};

QTEST_GUILESS_MAIN(TestCopyPlanning)
#include "tst_copy_planning.moc"
