// The arithmetic of log segments as tables of cases: growth smoothing, the
// load-aware compaction priority and the order of archival.
#include <cmath>

#include <QTest>

#include "segments/segment_figures.h"
#include "segments/segment_survey.h"

using namespace tidemark;

Q_DECLARE_METATYPE(tidemark::PriorityInput)

namespace {
constexpr std::int64_t kMiB = 1024 * 1024;
constexpr std::int64_t kHour = 3600 * 1000;
} // namespace

class TestSegmentFigures : public QObject {
    Q_OBJECT
private slots:
    void higherLoadLowersPriority_data()
    {
        QTest::addColumn<PriorityInput>("segment");
        QTest::newRow("bloated sealed segment") << PriorityInput{400 * kMiB, 120 * kMiB, 0.0, 0.0};
        QTest::newRow("small bloated segment") << PriorityInput{4 * kMiB, 2 * kMiB, 0.0, 0.0};
        QTest::newRow("growing segment without dead space") << PriorityInput{64 * kMiB, 0, 4.0 * kMiB, 0.0};
        QTest::newRow("large quiet segment") << PriorityInput{8000 * kMiB, 10 * kMiB, 0.0, 0.0};
    }
    void higherLoadLowersPriority()
    {
        QFETCH(PriorityInput, segment);
        const SegmentSettings settings;
        double previous = 1e9;
        for (double load : {0.0, 0.25, 0.5, 0.75, 1.0}) {
            segment.load = load;
            const double p = compactionPriority(segment, settings).value;
            QVERIFY2(p < previous,
                     qPrintable(QStringLiteral("load %1 gave %2, not below %3").arg(load).arg(p).arg(previous)));
            QVERIFY(p > 0.0 && p <= 100.0);
            previous = p;
        }
    }

    void priorityRisesWithWhatCompactionReclaims_data()
    {
        QTest::addColumn<PriorityInput>("lower");
        QTest::addColumn<PriorityInput>("higher");
        QTest::newRow("more dead space, same size")
            << PriorityInput{100 * kMiB, 5 * kMiB, 0, 0.2} << PriorityInput{100 * kMiB, 40 * kMiB, 0, 0.2};
        QTest::newRow("faster growth, same bloat") << PriorityInput{100 * kMiB, 10 * kMiB, 0.1 * kMiB, 0}
                                                   << PriorityInput{100 * kMiB, 10 * kMiB, 8.0 * kMiB, 0};
        QTest::newRow("bigger segment, same bloat ratio")
            << PriorityInput{10 * kMiB, 3 * kMiB, 0, 0} << PriorityInput{1000 * kMiB, 300 * kMiB, 0, 0};
        QTest::newRow("idle bloated beats busy bloated")
            << PriorityInput{200 * kMiB, 80 * kMiB, 0, 1.0} << PriorityInput{200 * kMiB, 80 * kMiB, 0, 0.0};
    }
    void priorityRisesWithWhatCompactionReclaims()
    {
        QFETCH(PriorityInput, lower);
        QFETCH(PriorityInput, higher);
        const SegmentSettings settings;
        QVERIFY(compactionPriority(lower, settings).value < compactionPriority(higher, settings).value);
    }

    void emptySegmentHasNoPriority()
    {
        QCOMPARE(compactionPriority(PriorityInput{0, 0, 0.0, 0.0}, SegmentSettings{}).value, 0.0);
    }

    void loadShareFollowsActiveSessions_data()
    {
        QTest::addColumn<int>("active");
        QTest::addColumn<int>("peak");
        QTest::addColumn<double>("share");
        QTest::newRow("idle") << 0 << 8 << 0.0;
        QTest::newRow("half way to peak") << 4 << 8 << 0.5;
        QTest::newRow("beyond peak is peak") << 20 << 8 << 1.0;
        QTest::newRow("no peak set: load ignored") << 20 << 0 << 0.0;
    }
    void loadShareFollowsActiveSessions()
    {
        QFETCH(int, active);
        QFETCH(int, peak);
        QFETCH(double, share);
        SegmentSettings s;
        s.peakActiveSessions = peak;
        QCOMPARE(loadShare(active, s), share);
    }

    void growthIsSmoothed_data()
    {
        QTest::addColumn<int>("smoothing");
        QTest::addColumn<double>("expected");
        QTest::addColumn<double>("tolerance");
        // 1 MiB per hour, steady: both report it exactly.
        QTest::newRow("ewma, steady growth") << int(GrowthSmoothing::Ewma) << 1.0 * kMiB << 1.0;
        QTest::newRow("holt, steady growth") << int(GrowthSmoothing::Holt) << 1.0 * kMiB << 1.0;
    }
    void growthIsSmoothed()
    {
        QFETCH(int, smoothing);
        QFETCH(double, expected);
        QFETCH(double, tolerance);
        SegmentSettings s;
        s.smoothing = GrowthSmoothing(smoothing);
        std::vector<SizePoint> points;
        for (int h = 0; h < 24; ++h)
            points.push_back({h * kHour, double(h) * kMiB});
        QVERIFY(std::abs(smoothedGrowthPerHour(points, s) - expected) <= tolerance);
    }

    void ewmaFollowsTheNewestRatesMore()
    {
        // 1 MiB/h for a day, then 5 MiB/h for three hours: a higher alpha is nearer 5.
        std::vector<SizePoint> points;
        double size = 0;
        for (int h = 0; h < 27; ++h) {
            points.push_back({h * kHour, size});
            size += (h < 24 ? 1.0 : 5.0) * kMiB;
        }
        SegmentSettings slow, fast;
        slow.alpha = 0.1;
        fast.alpha = 0.7;
        const double a = smoothedGrowthPerHour(points, slow), b = smoothedGrowthPerHour(points, fast);
        QVERIFY(a > 1.0 * kMiB && a < b && b < 5.0 * kMiB);
        // Holt tracks the change of slope too.
        SegmentSettings holt;
        holt.smoothing = GrowthSmoothing::Holt;
        holt.alpha = 0.7;
        holt.beta = 0.5;
        QVERIFY(smoothedGrowthPerHour(points, holt) > 1.0 * kMiB);
    }

    void aReadingMomentsAfterTheLastBarelyMovesTheRate()
    {
        // Hourly readings at 1 MiB/h, then one a second later that is 100 KiB
        // smaller (rows deleted): the rate stays near 1 MiB/h either way.
        for (const auto smoothing : {GrowthSmoothing::Ewma, GrowthSmoothing::Holt}) {
            std::vector<SizePoint> points;
            for (int h = 0; h <= 24; ++h)
                points.push_back({h * kHour, double(h * kMiB)});
            points.push_back({24 * kHour + 1000, double(24 * kMiB - 100 * 1024)});
            SegmentSettings s;
            s.smoothing = smoothing;
            const double rate = smoothedGrowthPerHour(points, s);
            QVERIFY2(rate > 0.5 * kMiB && rate < 1.5 * kMiB, qPrintable(QString::number(rate / kMiB)));
        }
    }

    void aDropInSizeDoesNotTurnTheSizeForecastDown()
    {
        // Three weeks of hourly readings growing 1 MiB/h, a third of the rows
        // removed on day 10: a week ahead the table is still growing 1 MiB/h.
        std::vector<SizePoint> points;
        double size = 500.0 * kMiB;
        for (int h = 0; h < 21 * 24; ++h) {
            points.push_back({h * kHour, size});
            size += double(kMiB) * (1.0 + 0.5 * std::sin(h * 0.2618)); // a daily rhythm
            if (h == 10 * 24)
                size *= 2.0 / 3.0;
        }
        const double last = points.back().bytes;
        const SizeForecast f = forecastSize(points, points.back().timestampMs + 7 * 24 * kHour, 0.0);
        QVERIFY2(f.mean > last + 0.8 * 168 * kMiB && f.mean < last + 1.2 * 168 * kMiB,
                 qPrintable(QStringLiteral("%1 MiB over %2").arg((f.mean - last) / kMiB).arg(last / kMiB)));
        QVERIFY(f.lower95 <= f.mean && f.mean <= f.upper95);
        QVERIFY2(QString::fromStdString(f.note).contains(QLatin1String("drop")), f.note.c_str());
        // The crossing of a threshold half-way is found on the running total.
        const SizeForecast c =
            forecastSize(points, points.back().timestampMs + 7 * 24 * kHour, last + 84.0 * kMiB);
        QVERIFY(c.crossingMs > points.back().timestampMs + 72 * kHour &&
                c.crossingMs < points.back().timestampMs + 96 * kHour);
    }

    void growthNeedsTwoReadings()
    {
        QCOMPARE(smoothedGrowthPerHour({}, SegmentSettings{}), 0.0);
        QCOMPARE(smoothedGrowthPerHour({{0, 5.0}}, SegmentSettings{}), 0.0);
    }

    void archiveOrder_data()
    {
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("predicted to pass before its time goes first")
            << QStringList{QStringLiteral("urgent.p1"), QStringLiteral("later.p1")};
    }
    void archiveOrder()
    {
        QFETCH(QStringList, expected);
        const std::int64_t now = 1000 * kHour;
        // "later" is further over its threshold at its time, but "urgent"
        // passes its own before its time to archive comes.
        std::vector<ArchiveCandidate> sealed = {
            {"later", "p1", {0, 10}, 50 * kMiB, 300.0 * kMiB, 100 * kMiB, 0, now + 24 * kHour},
            {"later", "p2", {10, 20}, 50 * kMiB, 300.0 * kMiB, 100 * kMiB, 0, now + 24 * kHour},
            {"urgent", "p1", {0, 10}, 60 * kMiB, 130.0 * kMiB, 100 * kMiB, now + 5 * kHour, now + 24 * kHour},
        };
        // "later" needs both: 300 − 50 = 250 is still over 100.
        auto order = tidemark::archiveOrder(sealed);
        QStringList got;
        for (const auto &c : order)
            got << QString::fromStdString(c.table + "." + c.partition);
        QCOMPARE(got.mid(0, 2), expected);
        QCOMPARE(got,
                 (QStringList{QStringLiteral("urgent.p1"), QStringLiteral("later.p1"), QStringLiteral("later.p2")}));
    }

    void archiveTakesOldestUntilUnderThreshold()
    {
        // Predicted 250 MiB, threshold 150: the two oldest 60 MiB segments
        // bring it to 130; the newest sealed one stays.
        std::vector<ArchiveCandidate> sealed;
        for (int i = 2; i >= 0; --i)
            sealed.push_back(
                {"events", "p" + std::to_string(i), {i * 10, i * 10 + 10}, 60 * kMiB, 250.0 * kMiB, 150 * kMiB, 0, 0});
        auto order = tidemark::archiveOrder(sealed);
        QCOMPARE(order.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(order[0].partition), QStringLiteral("p0"));
        QCOMPARE(QString::fromStdString(order[1].partition), QStringLiteral("p1"));
    }

    void nothingToArchiveUnderThresholdOrWithoutOne_data()
    {
        QTest::addColumn<double>("predicted");
        QTest::addColumn<qint64>("threshold");
        QTest::newRow("predicted under the threshold") << 90.0 * kMiB << qint64(100 * kMiB);
        QTest::newRow("no threshold set") << 900.0 * kMiB << qint64(0);
    }
    void nothingToArchiveUnderThresholdOrWithoutOne()
    {
        QFETCH(double, predicted);
        QFETCH(qint64, threshold);
        std::vector<ArchiveCandidate> sealed{{"events", "p0", {0, 10}, 60 * kMiB, predicted, threshold, 0, 0}};
        QVERIFY(tidemark::archiveOrder(sealed).empty());
    }
};

QTEST_GUILESS_MAIN(TestSegmentFigures)
#include "tst_segment_figures.moc"
