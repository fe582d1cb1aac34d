// New partitions go on from the history of the key ranges they came from
// (monitor/derived_history.h): the counts of a split's source shared out by
// each target's planned share, a merge's sources summed, marked derived —
// and after a real split or merge through the executor, the targets' and
// the table's write series continue instead of starting empty.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "executor_test_cluster.h"
#include "forecast/series_forecast.h"
#include "monitor/activity_scan.h"
#include "monitor/derived_history.h"

using namespace tidemark;
using namespace tidemark::testnode;

namespace {
constexpr std::int64_t kHour = 3'600'000;

/// Hourly cumulative samples of one partition over `hours` up to `endMs`:
/// `perHour(h)` writes in hour h (inserts), a counter epoch of its own.
std::vector<ActivitySample> hourly(const std::string &partition, std::int64_t endMs, int hours,
                                   const std::function<std::int64_t(int)> &perHour, std::int64_t rows = 1000)
{
    std::vector<ActivitySample> out;
    std::int64_t total = 0;
    for (int h = 0; h <= hours; ++h) {
        if (h > 0)
            total += perHour(h);
        ActivitySample s;
        s.table = "events";
        s.partition = partition;
        s.timestampMs = endMs - std::int64_t(hours - h) * kHour;
        s.inserts = total;
        s.reads = 2 * total;
        s.readsKnown = true;
        s.rows = rows;
        s.bytes = rows * 100;
        s.counterEpoch = "epoch-" + partition;
        out.push_back(s);
    }
    return out;
}

std::int64_t deltaAt(const std::vector<ActivitySample> &series, std::size_t i)
{
    return series[i].writes() - series[i - 1].writes();
}
} // namespace

class TestDerivedHistory : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_folder = 0;
    QString folder() { return m_dir.filePath(QString::number(++m_folder)); }

private slots:
    void splitSharesTheSourceByPlannedWrites()
    {
        Step s;
        s.kind = StepKind::Split;
        s.uid = "u1";
        s.table = "events";
        s.sources = {"p1"};
        s.repartition().targets = {{"p1a", {100, 150}, 300, 0, 0.8}, {"p1b", {150, 200}, 700, 0, 0.2}};
        const std::int64_t end = 1'700'000'000'000;
        const auto source = hourly("p1", end, 24, [](int h) { return 100 + 10 * h; });
        const auto derived = deriveHistory(s, {{"p1", source}}, end + 1);
        QCOMPARE(int(derived.size()), 2 * 25);
        std::vector<ActivitySample> a, b;
        for (const auto &d : derived) {
            QVERIFY(isDerived(d));
            QCOMPARE(d.counterEpoch, std::string("derived:u1:0"));
            (d.partition == "p1a" ? a : b).push_back(d);
        }
        QCOMPARE(int(a.size()), 25);
        for (std::size_t i = 1; i < a.size(); ++i) {
            const double want = double(deltaAt(source, i));
            QVERIFY(std::abs(double(deltaAt(a, i)) - 0.8 * want) <= 1.0);
            QVERIFY(std::abs(double(deltaAt(a, i) + deltaAt(b, i)) - want) <= 1.0);
        }
        // Rows and size (and reads) follow the share of rows.
        QCOMPARE(a.back().rows, 300);
        QCOMPARE(b.back().bytes, 70'000);
        // Nothing at or after the moment the split finished.
        QVERIFY(deriveHistory(s, {{"p1", source}}, source.front().timestampMs).empty());
        QCOMPARE(int(deriveHistory(s, {{"p1", source}}, source[10].timestampMs).size()), 2 * 10);
    }

    void mergeSumsItsSourcesAndRestartsAtAnUnknownInterval()
    {
        Step s;
        s.kind = StepKind::Merge;
        s.uid = "u2";
        s.table = "events";
        s.sources = {"p0", "p1"};
        s.repartition().targets = {{"p01", {0, 200}, 2000, 0, 1.0}};
        const std::int64_t end = 1'700'000'000'000;
        auto p0 = hourly("p0", end, 12, [](int) { return 5; });
        auto p1 = hourly("p1", end, 12, [](int h) { return h; });
        // p1's counters were reset (a restart) six hours ago.
        for (std::size_t i = 6; i < p1.size(); ++i) {
            p1[i].counterEpoch = "epoch-p1-after-restart";
            p1[i].inserts -= p1[5].inserts;
        }
        const auto derived = deriveHistory(s, {{"p0", p0}, {"p1", p1}}, end + 1);
        QCOMPARE(int(derived.size()), 13);
        for (std::size_t i = 1; i < derived.size(); ++i) {
            if (i == 6) {
                QVERIFY(derived[i].counterEpoch != derived[i - 1].counterEpoch); // the unknown hour
                continue;
            }
            QCOMPARE(derived[i].counterEpoch, derived[i - 1].counterEpoch);
            QCOMPARE(deltaAt(derived, i), deltaAt(p0, i) + deltaAt(p1, i));
        }
        QCOMPARE(derived.back().rows, 2000);
        // A source without any history: nothing is made up.
        QVERIFY(deriveHistory(s, {{"p0", p0}}, end + 1).empty());
    }

    // Through the executor: after the split, each target's write series can
    // be forecast at once (before, "no fully sampled step of 3600 s yet"),
    // and the table's series over the partitions it has now is the one it
    // had before; a merge afterwards derives from real and derived history.
    void executorGivesTargetsTheirSourcesHistory()
    {
        Cluster c(folder());
        QVERIFY(c.store);
        SqliteTestNode &a = *c.home;
        QVERIFY(a.addPartition("events", "p0", {0, 100}, 0, 100));
        QVERIFY(a.addPartition("events", "p1", {100, 200}, 100, 200));
        auto conn = c.store->ensureConnection(c.homeUri);
        QVERIFY(conn);
        const std::int64_t end = nowMs() - 60'000;
        const int hours = 72;
        const auto daily = [](int h) { return std::int64_t(50 + 40 * std::sin(2 * M_PI * h / 24.0)); };
        QVERIFY(c.store->addSamples(conn->id, hourly("p0", end, hours, [](int) { return 7; })));
        QVERIFY(c.store->addSamples(conn->id, hourly("p1", end, hours, daily)));

        StoredSeriesRequest table;
        table.table = "events";
        table.partitions = {"p0", "p1"};
        table.horizon = 6;
        table.method = forecast::Method::Ets;
        auto before = forecastStoredSeries(*c.store, *conn, table, nowMs());
        QVERIFY2(before, before ? "" : before.error().message.c_str());

        Step split = c.step(StepKind::Split, {"p1"});
        split.repartition().targets = {{"p1a", {100, 150}, 50, 0, 0.75}, {"p1b", {150, 200}, 50, 0, 0.25}};
        auto report = c.apply(c.approvedPlan({split}));
        QVERIFY2(report, report ? "" : report.error().message.c_str());

        for (const char *target : {"p1a", "p1b"}) {
            auto samples = c.store->samples(conn->id, "events", target);
            QVERIFY(samples);
            QCOMPARE(int(samples->size()), hours + 1);
            QVERIFY(std::all_of(samples->begin(), samples->end(), [](const auto &s) { return isDerived(s); }));
            StoredSeriesRequest one = table;
            one.partitions = {target};
            auto f = forecastStoredSeries(*c.store, *conn, one, nowMs());
            QVERIFY2(f, f ? "" : f.error().message.c_str());
            QVERIFY(f->history.size() >= std::size_t(hours - 2));
        }
        // The heatmap's score history goes back as far as the source's samples.
        auto scored = c.store->scoreHistory(conn->id, "events", 0);
        QVERIFY(scored);
        const auto scoresOf = [&](const std::string &p) {
            return std::count_if(scored->begin(), scored->end(), [&](const auto &s) { return s.partition == p; });
        };
        QVERIFY2(scoresOf("p1a") >= hours - 1, qPrintable(QString::number(scoresOf("p1a"))));
        QVERIFY(scoresOf("p1b") >= hours - 1);
        table.partitions = {"p0", "p1a", "p1b"};
        auto after = forecastStoredSeries(*c.store, *conn, table, nowMs());
        QVERIFY2(after, after ? "" : after.error().message.c_str());
        QCOMPARE(after->historyMs, before->historyMs);
        for (std::size_t i = 0; i < before->history.size(); ++i)
            if (std::isfinite(before->history[i]))
                QVERIFY2(
                    std::abs(after->history[i] - before->history[i]) <= 2.0,
                    qPrintable(
                        QStringLiteral("step %1: %2 vs %3").arg(i).arg(after->history[i]).arg(before->history[i])));

        // Finishing twice (a resumed plan) derives once.
        QVERIFY(recordDerivedHistory(*c.store, *conn, report->plan.steps.front()));
        QCOMPARE(int(c.store->samples(conn->id, "events", "p1a")->size()), hours + 1);

        Step merge = c.step(StepKind::Merge, {"p0", "p1a"});
        merge.repartition().targets = {{"p01a", {0, 150}, 150, 0, 1.0}};
        auto merged = c.apply(c.approvedPlan({merge}));
        QVERIFY2(merged, merged ? "" : merged.error().message.c_str());
        auto m = c.store->samples(conn->id, "events", "p01a");
        QVERIFY(m);
        QCOMPARE(int(m->size()), hours + 1);
        const auto p0 = *c.store->samples(conn->id, "events", "p0");
        const auto p1a = *c.store->samples(conn->id, "events", "p1a");
        for (std::size_t i = 1; i < m->size(); ++i)
            QCOMPARE(deltaAt(*m, i), deltaAt(p0, i) + deltaAt(p1a, i));
    }
};

QTEST_GUILESS_MAIN(TestDerivedHistory)
#include "tst_derived_history.moc"
