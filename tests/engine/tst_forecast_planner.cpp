// The pre-backup planner decides on forecast writes until the next backup
// (workflow/write_forecast.h → PreBackupPlanner): one row per situation, from
// sample histories through the forecast to the steps proposed.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "backup/prebackup_planner.h"
#include "demo/demo_history.h"
#include "forecast/error_tracker.h"
#include "forecast/forecast_tracking.h"
#include "forecast/model_choice.h"
#include "forecast/rolling_forecaster.h"
#include "forecast/series_forecast.h"
#include "forecast/write_forecast.h"
#include "monitor/volatility_monitor.h"
#include "store/metadata_store.h"

using namespace tidemark;

namespace {

constexpr qint64 kMiB = 1ll << 20;
constexpr qint64 kHourMs = 3'600'000;
constexpr qint64 kDayMs = 86'400'000;
constexpr qint64 kMonday = 1'704'067'200'000; ///< 2024-01-01 00:00 UTC, a Monday

ConnectionSettings settings()
{
    ConnectionSettings s;
    s.backupUnitBytes = kMiB;
    s.splitMinBytes = 2 * kMiB;
    s.targetMinBytes = 4 * kMiB;
    s.targetMaxBytes = 8 * kMiB;
    // Cold neighbours are merged for fewer partitions, also when the merge
    // saves no backup bytes: these cases are about what the forecast decides.
    s.mergeColdPartitions = 1;
    return s;
}

/// Hourly cumulative samples of partition p1 from `fromMs` to `toMs`: about
/// `weekdayPerHour` writes each weekday hour, none at weekends.
std::vector<ActivitySample> weekdayWriter(qint64 fromMs, qint64 toMs, double weekdayPerHour)
{
    std::vector<ActivitySample> out;
    ActivitySample s;
    s.table = "events";
    s.partition = "p1";
    s.counterEpoch = "e1";
    s.bytes = 2 * kMiB;
    s.rows = 1000;
    int i = 0;
    for (qint64 t = fromMs; t <= toMs; t += kHourMs, ++i) {
        s.timestampMs = t;
        const qint64 day = ((t - kMonday) / kDayMs) % 7; // 0 = Monday
        if (t > fromMs && day < 5)
            s.inserts += std::llround(weekdayPerHour * (1.0 + 0.05 * std::sin(i * 1.7)));
        out.push_back(s);
    }
    return out;
}

/// Inserts between readings in (fromMs, toMs] (hourly readings on the hour).
double insertsIn(const std::vector<ActivitySample> &s, qint64 fromMs, qint64 toMs)
{
    double n = 0;
    for (std::size_t i = 1; i < s.size(); ++i)
        if (s[i].timestampMs > fromMs && s[i].timestampMs <= toMs)
            n += double(s[i].inserts - s[i - 1].inserts);
    return n;
}

/// Three 2 MiB partitions [0,64000) [64000,128000) [128000,192000); p0 and
/// p2 never written; p1 with EWMA score `p1Score` and a hot key range.
PlannerInput threePartitions(double p1Score, qint64 nowMs)
{
    PlannerInput in;
    in.table.name = "events";
    in.table.keyColumn = "id";
    in.nowMs = nowMs;
    in.settings = settings();
    for (int i = 0; i < 3; ++i) {
        Partition p;
        p.name = fmt::format("p{}", i);
        p.bounds = KeyRange{KeyValue(i) * 64000, KeyValue(i + 1) * 64000};
        p.bytes = 2 * kMiB;
        p.rows = 16384;
        in.table.partitions.push_back(p);
        const double score = i == 1 ? p1Score : 0.0;
        const double y = -std::log1p(-std::min(score, 99.9) / 100.0);
        const double rate = y / (unitShare(p.bytes, in.settings) * double(in.settings.backupIntervalSeconds));
        VolatilityScore sc = scoreFromRates(rate, 0.0, false, p.rows, p.bytes, in.settings);
        sc.table = "events";
        sc.partition = p.name;
        in.scores[p.name] = sc;
    }
    // p1's writes land in [70000, 72000).
    KeyHistogram h;
    h.table = "events";
    h.partition = "p1";
    h.bounds = in.table.partitions[1].bounds;
    for (int b = 0; b < 64; ++b) {
        KeyHistogram::Bucket bucket;
        bucket.range = KeyRange{64000 + b * 1000, 64000 + (b + 1) * 1000};
        bucket.rows = 256;
        bucket.writes = (b == 6 || b == 7) ? 50000 : 0;
        h.buckets.push_back(bucket);
    }
    in.histograms["p1"] = h;
    return in;
}

/// Hourly cumulative samples of partition p1 for `hours` hours from the
/// Monday: a day cycle around 400 writes/h, quieter weekends when `weekly`,
/// the rate times `shift` after day 35.
std::vector<ActivitySample> hourlyWriter(int hours, bool weekly, double shift)
{
    std::vector<ActivitySample> history;
    ActivitySample s;
    s.table = "events";
    s.partition = "p1";
    s.counterEpoch = "e1";
    s.bytes = 2 * kMiB;
    s.rows = 1000;
    for (int t = 0; t <= hours; ++t) {
        s.timestampMs = kMonday + t * kHourMs;
        if (t > 0) {
            const int hour = (t - 1) % 24, day = ((t - 1) / 24) % 7;
            double rate = 400.0 * (1.0 + 0.6 * std::sin(2 * M_PI * (hour - 8) / 24.0));
            if (weekly && day >= 5)
                rate *= 0.4;
            if (t > 35 * 24)
                rate *= shift;
            s.inserts += std::llround(rate * (1.0 + 0.08 * std::sin(t * 2.3) * std::cos(t * 0.7)));
        }
        history.push_back(s);
    }
    return history;
}

/// The readings of the six weeks up to `nowMs`, as the planner reads them.
std::vector<ActivitySample> sixWeeksBefore(const std::vector<ActivitySample> &all, qint64 nowMs)
{
    std::vector<ActivitySample> out;
    for (const auto &s : all)
        if (s.timestampMs <= nowMs && s.timestampMs >= nowMs - 42 * kDayMs)
            out.push_back(s);
    return out;
}

} // namespace

class TestForecastPlanner : public QObject {
    Q_OBJECT
private slots:
    void plannerUsesForecastWrites_data()
    {
        QTest::addColumn<qint64>("historyDays"); // of p1's samples before now
        QTest::addColumn<qint64>("nowMs");
        QTest::addColumn<double>("ewmaScore"); // p1's score from past writes
        QTest::addColumn<qint64>("recentBurst"); // writes in a half hour after the last full hour (0 = none)
        QTest::addColumn<bool>("forecastUsed");
        QTest::addColumn<bool>("expectSplit"); // p1 split
        QTest::addColumn<bool>("expectMerge"); // p0..p2 merged (p1 cold enough)
        QTest::addColumn<QString>("reasonHas");

        const qint64 saturday = kMonday + 26 * kDayMs; // after four weekdays … Friday
        const qint64 monday = kMonday + 28 * kDayMs; // after a quiet weekend
        QTest::newRow("hot now, forecast quiet (Friday night before a quiet weekend): merged, not split")
            << qint64(26) << saturday << 97.0 << qint64(0) << true << false << true
            << QStringLiteral("forecast for 1 of 3: ~");
        QTest::newRow("quiet now, forecast busy (Sunday night before Monday): split, not merged")
            << qint64(28) << monday << 0.0 << qint64(0) << true << true << false << QStringLiteral("forecast: ~");
        QTest::newRow("short history: EWMA decides (hot now → split)")
            << qint64(2) << saturday << 97.0 << qint64(0) << false << true << false
            << QStringLiteral("EWMA of past writes (history too short");
        QTest::newRow("short history: EWMA decides (quiet now → merged)")
            << qint64(2) << monday << 0.0 << qint64(0) << false << false << true
            << QStringLiteral("EWMA of past writes for 1 of 3 (history too short");
        QTest::newRow("a burst the forecast did not expect: EWMA decides (hot now → split)")
            << qint64(26) << saturday + kHourMs / 2 << 97.0 << qint64(200000) << false << true << false
            << QStringLiteral("outside the forecast's 95 % band");
    }
    void plannerUsesForecastWrites()
    {
        QFETCH(qint64, historyDays);
        QFETCH(qint64, nowMs);
        QFETCH(double, ewmaScore);
        QFETCH(qint64, recentBurst);
        QFETCH(bool, forecastUsed);
        QFETCH(bool, expectSplit);
        QFETCH(bool, expectMerge);
        QFETCH(QString, reasonHas);

        const qint64 lastHour = nowMs / kHourMs * kHourMs;
        auto samples = weekdayWriter(lastHour - historyDays * kDayMs, lastHour, 3600.0);
        if (recentBurst > 0) {
            ActivitySample s = samples.back();
            s.timestampMs = nowMs;
            s.inserts += recentBurst;
            samples.push_back(s);
        }
        PlannerInput in = threePartitions(ewmaScore, nowMs);
        const ForecastWrites fw = forecastWritesUntilBackup(samples, in.settings, nowMs);
        QVERIFY(std::isfinite(fw.total) && std::isfinite(fw.lower95) && std::isfinite(fw.upper95));
        QVERIFY2(fw.used == forecastUsed, fw.note.c_str());
        if (fw.used) {
            QVERIFY2(fw.lower95 <= fw.total && fw.total <= fw.upper95, fw.model.c_str());
            QVERIFY(!fw.model.empty());
        } else {
            QVERIFY(!fw.note.empty());
        }
        in.forecastWrites["p1"] = fw;
        const std::vector<Step> steps = PreBackupPlanner::plan(in);
        bool split = false, merged = false;
        std::string reasons;
        for (const Step &st : steps) {
            reasons += st.reason + "\n";
            const bool hasP1 = std::find(st.sources.begin(), st.sources.end(), "p1") != st.sources.end();
            split = split || (st.kind == StepKind::Split && hasP1);
            merged = merged || (st.kind == StepKind::Merge && hasP1);
            QVERIFY2(st.predicted.backupBytesBefore >= 0 && st.predicted.backupBytesAfter >= 0, st.reason.c_str());
        }
        const std::string why = fmt::format("forecast {} (~{:.0f}, 95 % {:.0f}–{:.0f}, {}; {})\n{}", fw.used, fw.total,
                                            fw.lower95, fw.upper95, fw.model, fw.note, reasons);
        QVERIFY2(split == expectSplit, why.c_str());
        QVERIFY2(merged == expectMerge, why.c_str());
        QVERIFY2(reasons.find(reasonHas.toStdString()) != std::string::npos, why.c_str());
    }

    void storedChecksDecideTheFallback()
    {
        // Forecasts recorded earlier (made from a history ten times busier)
        // meet the samples that arrive afterwards: every check misses, and
        // the planner falls back on those checks alone, although backtests
        // over the same history would have trusted the forecast.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto opened = MetadataStore::open(dir.filePath(QStringLiteral("store.db")).toStdString());
        QVERIFY(opened);
        MetadataStore &store = **opened;
        Connection conn = *store.ensureConnection("sqlite:///tracked.db");
        conn.settings = settings();
        QVERIFY(store.saveSettings(conn.id, conn.settings));

        const qint64 now = kMonday + 26 * kDayMs; // Saturday 00:00, after a regular week
        const auto history = weekdayWriter(now - 26 * kDayMs, now, 3600.0);
        QVERIFY(store.addSamples(conn.id, history));
        for (int k = 5; k >= 1; --k) {
            const qint64 madeAt = now - k * kDayMs;
            const auto busy = weekdayWriter(madeAt - 21 * kDayMs, madeAt, 36000.0);
            ForecastWindow window;
            const ForecastWrites fw = forecastWritesUntilBackup(busy, conn.settings, madeAt, {}, &window);
            QVERIFY2(!fw.model.empty(), fw.note.c_str());
            QCOMPARE(window.startMs, madeAt);
            QCOMPARE(window.endMs, madeAt + kDayMs);
            auto recorded = recordWriteForecast(store, conn, "events", "p1", fw, window, madeAt);
            QVERIFY(recorded && *recorded);
            // The planner running again within the window records nothing new.
            QCOMPARE(*recordWriteForecast(store, conn, "events", "p1", fw, window, madeAt + 60000), false);
            ForecastWindow later{window.startMs + kHourMs, window.endMs + kHourMs};
            QCOMPARE(*recordWriteForecast(store, conn, "events", "p1", fw, later, madeAt + kHourMs), false);
        }
        const auto run = checkRecordedForecasts(store, conn, now);
        QVERIFY2(run, run ? "" : run.error().message.c_str());
        QCOMPARE(run->checked, 5);
        QCOMPARE(run->missed, 5);
        QCOMPARE(run->dropped, 0);
        const auto checks = writeForecastChecks(store, conn, "events", "p1");
        QVERIFY(checks);
        QCOMPARE(checks->size(), std::size_t(5));
        // The actual total is the writes the samples show in the window.
        const ForecastRecord &last = checks->back();
        QCOMPARE(last.actual, insertsIn(history, last.windowStartMs, last.windowEndMs));
        QVERIFY(last.actual > 0 && last.missed && last.predicted > 3 * last.actual);
        QVERIFY(last.scaledError > 1.0);
        QCOMPARE(checkRecordedForecasts(store, conn, now)->checked, 0); // checked once

        const ForecastWrites untracked = forecastWritesUntilBackup(history, conn.settings, now);
        QVERIFY2(untracked.used, untracked.note.c_str());
        const ForecastWrites fw = forecastWritesUntilBackup(history, conn.settings, now, trackedChecks(*checks));
        QVERIFY(!fw.used);
        QVERIFY(fw.keepsMissing);
        QCOMPARE(fw.checks, 5);
        QCOMPARE(fw.misses, 5);
        QVERIFY2(fw.note.find("recorded forecasts") != std::string::npos, fw.note.c_str());
        PlannerInput in = threePartitions(97.0, now);
        in.forecastWrites["p1"] = fw;
        std::string reasons;
        for (const Step &st : PreBackupPlanner::plan(in))
            reasons += st.reason + "\n";
        QVERIFY2(reasons.find("EWMA of past writes (the forecast keeps missing") != std::string::npos, reasons.c_str());

        const auto summary = forecastTrackingSummary(store, conn);
        QVERIFY(summary);
        QCOMPARE(summary->checked.size(), std::size_t(1));
        QCOMPARE(summary->keepMissing.size(), std::size_t(1));
        QCOMPARE(summary->keepMissing.front().second, std::string("p1"));
    }

    void trackedChecksFillUpWithBacktests()
    {
        // Fewer checks than the tracker's window: backtests of earlier
        // intervals fill up; two recorded hits and three good backtests trust
        // the forecast, two recorded misses of the last two do not flag it
        // alone (2 of 5), three of three do.
        const qint64 now = kMonday + 26 * kDayMs;
        const auto history = weekdayWriter(now - 26 * kDayMs, now, 3600.0);
        const auto check = [&](int k, double actual) {
            return TrackedCheck{
                now - k * kDayMs, now - (k - 1) * kDayMs, {3600.0 * 24, 3000.0 * 24, 4200.0 * 24, actual, 0}};
        };
        const ForecastWrites two = forecastWritesUntilBackup(history, settings(), now, {check(2, 1e7), check(1, 1e7)});
        QCOMPARE(two.checks, 5);
        QCOMPARE(two.misses, 2);
        QVERIFY2(two.used, two.note.c_str());
        const ForecastWrites three =
            forecastWritesUntilBackup(history, settings(), now, {check(3, 1e7), check(2, 1e7), check(1, 1e7)});
        QCOMPARE(three.misses, 3);
        QVERIFY(three.keepsMissing && !three.used);
        QVERIFY2(three.note.find("2 backtests") != std::string::npos, three.note.c_str());
    }

    void uncoverableWindowsAreDroppedWithoutCheck()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto opened = MetadataStore::open(dir.filePath(QStringLiteral("store.db")).toStdString());
        QVERIFY(opened);
        MetadataStore &store = **opened;
        Connection conn = *store.ensureConnection("sqlite:///gaps.db");
        conn.settings = settings();
        const qint64 start = kMonday + 7 * kDayMs;
        const auto forecastOf = [&](const std::string &partition) {
            ForecastRecord r;
            r.table = "events";
            r.partition = partition;
            r.windowStartMs = start;
            r.windowEndMs = start + kDayMs;
            r.predicted = 1000;
            r.lower95 = 500;
            r.upper95 = 1500;
            r.model = "Naive";
            QVERIFY(*store.recordForecast(conn.id, r));
        };
        auto series = [&](const std::string &partition, qint64 to) {
            auto s = weekdayWriter(start - kDayMs, to, 50.0);
            for (auto &a : s)
                a.partition = partition;
            return s;
        };
        // p-reset: a counter reset with no start time inside the window.
        auto reset = series("p-reset", start + 2 * kDayMs);
        for (auto &a : reset)
            if (a.timestampMs >= start + 5 * kHourMs) {
                a.counterEpoch = "e2";
                a.inserts -= 1000;
            }
        // p-late: samples stop in the middle of the window.
        auto late = series("p-late", start + 12 * kHourMs);
        // p-ok: fully covered.
        auto ok = series("p-ok", start + 2 * kDayMs);
        for (const auto *s : {&reset, &late, &ok})
            QVERIFY(store.addSamples(conn.id, *s));
        for (const char *p : {"p-reset", "p-late", "p-ok"})
            forecastOf(p);

        auto first = checkRecordedForecasts(store, conn, start + kDayMs + kHourMs);
        QVERIFY(first);
        QCOMPARE(first->checked, 1);
        QCOMPARE(first->dropped, 1); // p-reset; p-late may still get its samples
        const auto okChecks = writeForecastChecks(store, conn, "events", "p-ok");
        QCOMPARE(okChecks->size(), std::size_t(1));
        QCOMPARE(okChecks->front().actual, insertsIn(ok, start, start + kDayMs));
        QVERIFY(okChecks->front().actual > 0);
        QVERIFY(writeForecastChecks(store, conn, "events", "p-reset")->empty());
        QCOMPARE(store.pendingForecasts(conn.id, start + 3 * kDayMs)->size(), std::size_t(1));
        auto overdue = checkRecordedForecasts(store, conn, start + 2 * kDayMs);
        QCOMPARE(overdue->dropped, 1);
        QVERIFY(store.pendingForecasts(conn.id, start + 3 * kDayMs)->empty());
        QVERIFY(writeForecastChecks(store, conn, "events", "p-late")->empty());
    }

    void gridSpreadsIntervalsAndLeavesResetsUnknown()
    {
        // Readings at :00 and :30 each hour, 60 writes per half hour; a counter
        // reset at 03:00 leaves hour 2 unknown; the last half hour is a tail.
        std::vector<ActivitySample> s;
        ActivitySample a;
        a.counterEpoch = "a";
        for (int k = 0; k <= 11; ++k) {
            if (k == 6) { // hour 3 starts: reset
                a.counterEpoch = "b";
                a.inserts = 0;
            } else if (k > 0) {
                a.inserts += 60;
            }
            a.timestampMs = kMonday + k * kHourMs / 2;
            s.push_back(a);
        }
        const ActivityGrid g = activityGrid(s, ActivityMetric::Writes, kHourMs);
        QCOMPARE(g.firstMs, kMonday);
        QCOMPARE(g.values.size(), std::size_t(5));
        QCOMPARE(g.values[0], 120.0);
        QCOMPARE(g.values[1], 120.0);
        QVERIFY(std::isnan(g.values[2])); // its second half is unknown
        QCOMPARE(g.values[3], 120.0);
        QCOMPARE(g.values[4], 120.0);
        QCOMPARE(g.tailCount, 60.0);
        QCOMPARE(g.tailCoveredMs, kHourMs / 2);
    }

    void trackerFlagsSeriesThatKeepMissing()
    {
        forecast::ForecastErrorTracker t;
        const forecast::ForecastCheck hit{100, 80, 120, 105, 0};
        const forecast::ForecastCheck miss{100, 80, 120, 400, 0};
        t.record("a", hit);
        t.record("a", miss);
        QVERIFY(!t.status("a").keepsMissing);
        t.record("a", miss);
        QVERIFY(t.status("a").keepsMissing);
        for (int i = 0; i < 5; ++i)
            t.record("a", hit);
        QCOMPARE(t.status("a").checks, forecast::ForecastErrorTracker::kWindow);
        QVERIFY(!t.status("a").keepsMissing);
        QVERIFY(!forecast::missesBand({0, 0, 0, 2, 0})); // two writes where none were expected: chance
    }

    void rollingForecasterUpdatesAndFlagsMisses()
    {
        // Three weeks hourly with a daily cycle; then 30 one-sample updates
        // that follow the pattern, then a level shift it cannot foresee.
        std::vector<double> y;
        for (int t = 0; t < 21 * 24; ++t)
            y.push_back(100.0 + 30.0 * std::sin(2 * M_PI * t / 24.0) + 3.0 * std::sin(t * 1.3));
        forecast::RollingForecaster r;
        forecast::RollingOptions o;
        o.periods = {24, 168};
        o.horizon = 12;
        o.refitEvery = 10;
        const auto first = r.refit("s", y, o);
        QVERIFY2(first.has_value(), first ? "" : first.error().message.c_str());
        QCOMPARE(int(first->mean.size()), 12);
        QVERIFY2(first->model.find("MSTL(24,168)") != std::string::npos, first->model.c_str());
        for (int t = int(y.size()); t < int(y.size()) + 30; ++t) {
            const double v = 100.0 + 30.0 * std::sin(2 * M_PI * t / 24.0) + 3.0 * std::sin(t * 1.3);
            const auto f = r.update("s", v);
            QVERIFY(f.has_value());
            for (std::size_t j = 0; j < f->mean.size(); ++j) {
                QVERIFY(std::isfinite(f->lower95[j]) && std::isfinite(f->upper95[j]));
                QVERIFY(f->lower95[j] <= f->lower80[j] && f->lower80[j] <= f->mean[j]);
                QVERIFY(f->mean[j] <= f->upper80[j] && f->upper80[j] <= f->upper95[j]);
            }
            // One step ahead, the pattern is followed closely.
            const double next = 100.0 + 30.0 * std::sin(2 * M_PI * (t + 1) / 24.0);
            QVERIFY2(std::fabs(f->mean[0] - next) < 15.0, qPrintable(QString::number(f->mean[0] - next)));
        }
        QVERIFY(!r.errorStatus("s").keepsMissing);
        for (int k = 0; k < 3; ++k)
            (void)r.update("s", 5000.0);
        QVERIFY(r.errorStatus("s").keepsMissing);
        QVERIFY(!r.update("unknown", 1.0).has_value());
    }

    void sixWeeksHourlyTakeThePlannersPath_data()
    {
        QTest::addColumn<bool>("weekly");
        QTest::addColumn<double>("shift");
        QTest::addColumn<QString>("path");
        QTest::newRow("office hours with quiet weekends: day and week decomposed")
            << true << 1.0 << QStringLiteral("MSTL[24,168]+Combination(ETS(");
        QTest::newRow("day cycle only: seasonal models of period 24")
            << false << 1.0 << QStringLiteral("Combination(ETS(");
        QTest::newRow("office hours after a level shift")
            << true << 1.4 << QStringLiteral("MSTL[24,168]+Combination(ETS(");
    }

    // Six weeks of hourly history go through forecastWritesUntilBackup — the
    // function plan_builder calls per partition and bench_forecast_planner
    // times — with the models its shape calls for, the backtests refitting
    // the chosen models, and the Forecasts page / CLI report the same model.
    void sixWeeksHourlyTakeThePlannersPath()
    {
        QFETCH(bool, weekly);
        QFETCH(double, shift);
        QFETCH(QString, path);
        const qint64 now = kMonday + 42 * kDayMs + 20 * 60'000;
        std::vector<ActivitySample> history;
        ActivitySample s;
        s.table = "events";
        s.partition = "p1";
        s.counterEpoch = "e1";
        s.bytes = 2 * kMiB;
        s.rows = 1000;
        double lastDay = 0.0;
        for (int t = 0; t <= 42 * 24; ++t) {
            s.timestampMs = kMonday + t * kHourMs;
            if (t > 0) {
                const int hour = (t - 1) % 24, day = ((t - 1) / 24) % 7;
                double rate = 400.0 * (1.0 + 0.6 * std::sin(2 * M_PI * (hour - 8) / 24.0));
                if (weekly && day >= 5)
                    rate *= 0.4;
                if (t > 35 * 24)
                    rate *= shift;
                const auto w = std::llround(rate * (1.0 + 0.08 * std::sin(t * 2.3) * std::cos(t * 0.7)));
                s.inserts += w;
                if (t > 41 * 24)
                    lastDay += double(w);
            }
            history.push_back(s);
        }
        const ForecastWrites fw = forecastWritesUntilBackup(history, settings(), now);
        QVERIFY2(fw.used, fw.note.c_str());
        QVERIFY2(fw.model.rfind(path.toStdString(), 0) == 0, fw.model.c_str());
        QVERIFY2(weekly == (fw.model.find(")[24]") == std::string::npos), fw.model.c_str()); // seasonal ARIMA
        QCOMPARE(fw.checks, 3); // three backtests of earlier backup intervals
        // Each backtest refitted the models chosen on the whole history (same
        // seasonal periods, no new search): it judges the model that forecasts.
        QCOMPARE(fw.backtestsReused, 3);
        // The next backup interval is a Monday: 24 h at 400 writes/h (× the shift).
        const double expected = 24 * 400.0 * shift;
        QVERIFY2(
            std::fabs(fw.total - expected) < 0.15 * expected,
            qPrintable(QStringLiteral("%1 vs %2 (last day, a Sunday: %3)").arg(fw.total).arg(expected).arg(lastDay)));
        QVERIFY(fw.lower95 <= fw.total && fw.total <= fw.upper95);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto opened = MetadataStore::open(dir.filePath(QStringLiteral("store.db")).toStdString());
        QVERIFY(opened);
        MetadataStore &store = **opened;
        auto conn = store.ensureConnection("sqlite:///tmp/six-weeks.db");
        QVERIFY(conn);
        conn->settings = settings();
        QVERIFY(store.saveSettings(conn->id, conn->settings));
        QVERIFY(store.addSamples(conn->id, history));
        StoredSeriesRequest request;
        request.table = "events";
        request.partitions = {"p1"};
        request.horizon = 24;
        const auto stored = forecastStoredSeries(store, *conn, request, now);
        QVERIFY2(stored, stored ? "" : stored.error().message.c_str());
        QVERIFY(stored->planner);
        QCOMPARE(stored->planner->model, fw.model);
        QCOMPARE(stored->planner->total, fw.total);
    }

    // The models a forecast chose go to a real store file and come back
    // exactly; the next day's forecast refits them (no search) and keeps
    // the time of their search; a week later they are searched again — and
    // then the forecast is the one a search without them gives.
    void keptModelsAreStoredReusedAndSearchedAgain()
    {
        const auto all = hourlyWriter(52 * 24, true, 1.0);
        const qint64 day1 = kMonday + 42 * kDayMs + 20 * 60'000;
        WriteForecastModels first;
        const ForecastWrites fw1 =
            forecastWritesUntilBackup(sixWeeksBefore(all, day1), settings(), day1, {}, nullptr, nullptr, &first);
        QVERIFY2(fw1.used, fw1.note.c_str());
        QVERIFY2(first.source == WriteForecastModels::Source::Searched, toString(first.source));
        QVERIFY(first.next.choice);
        QCOMPARE(first.next.chosenMs, day1);
        QVERIFY(first.next.holdoutMase);

        // Through a store file and back.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath(QStringLiteral("store.db")).toStdString();
        const std::string json = forecast::modelChoiceToJson(*first.next.choice);
        std::int64_t connId = 0;
        {
            auto opened = MetadataStore::open(path);
            QVERIFY(opened);
            auto conn = (*opened)->ensureConnection("sqlite:///tmp/kept-models.db");
            QVERIFY(conn);
            connId = conn->id;
            QVERIFY(
                (*opened)->saveModelChoices(connId,
                                            {StoredModelChoice{"events", "p1", kWritesMetric, fw1.model, json,
                                                               first.next.chosenMs, first.next.holdoutMase, day1}}));
        }
        auto reopened = MetadataStore::open(path);
        QVERIFY(reopened);
        auto stored = (*reopened)->modelChoices(connId, "events", kWritesMetric);
        QVERIFY(stored);
        QCOMPARE(stored->size(), std::size_t(1));
        const StoredModelChoice &row = stored->at("p1");
        QCOMPARE(row.model, fw1.model);
        QCOMPARE(row.chosenMs, day1);
        auto parsed = forecast::modelChoiceFromJson(row.choiceJson);
        QVERIFY(parsed);
        QCOMPARE(forecast::modelChoiceToJson(*parsed), json); // every estimate to the bit
        const KeptModels fromStore{std::make_shared<const forecast::ModelChoice>(*parsed), row.chosenMs,
                                   row.holdoutMase};

        // The next day: refitted, not searched; the same as from memory.
        const qint64 day2 = day1 + kDayMs;
        const auto history2 = sixWeeksBefore(all, day2);
        WriteForecastModels second, secondInMemory;
        const ForecastWrites fw2 =
            forecastWritesUntilBackup(history2, settings(), day2, {}, nullptr, &fromStore, &second);
        const ForecastWrites fw2Memory =
            forecastWritesUntilBackup(history2, settings(), day2, {}, nullptr, &first.next, &secondInMemory);
        QVERIFY2(second.source == WriteForecastModels::Source::Reused, toString(second.source));
        QCOMPARE(second.next.chosenMs, day1);
        QCOMPARE(fw2.model, fw1.model);
        QCOMPARE(fw2.total, fw2Memory.total);
        QCOMPARE(fw2.upper95, fw2Memory.upper95);
        QVERIFY2(fw2.used, fw2.note.c_str());
        const ForecastWrites fw2Searched = forecastWritesUntilBackup(history2, settings(), day2);
        QVERIFY2(std::fabs(fw2.total - fw2Searched.total) < 0.1 * fw2Searched.total,
                 qPrintable(QStringLiteral("kept %1 vs searched %2").arg(fw2.total).arg(fw2Searched.total)));

        // Older than kModelChoiceMaxAgeMs: searched again, as without them.
        const qint64 day9 = day1 + kModelChoiceMaxAgeMs + kDayMs;
        const auto history9 = sixWeeksBefore(all, day9);
        WriteForecastModels stale;
        const ForecastWrites fw9 =
            forecastWritesUntilBackup(history9, settings(), day9, {}, nullptr, &fromStore, &stale);
        const ForecastWrites fw9Searched = forecastWritesUntilBackup(history9, settings(), day9);
        QVERIFY2(stale.source == WriteForecastModels::Source::SearchedStale, toString(stale.source));
        QCOMPARE(stale.next.chosenMs, day9);
        QCOMPARE(fw9.model, fw9Searched.model);
        QCOMPARE(fw9.total, fw9Searched.total);

        // Whether refitted models got worse is the rule keptModelsGotWorse checks.
    }

    void keptModelsGotWorse_data()
    {
        QTest::addColumn<double>("now");
        QTest::addColumn<double>("atSearch");
        QTest::addColumn<bool>("worse");
        QTest::newRow("the same error") << 0.8 << 0.8 << false;
        QTest::newRow("better now") << 0.4 << 0.8 << false;
        QTest::newRow("one noisy day: 0.3 to 0.7, twice but within the margin") << 0.7 << 0.3 << false;
        QTest::newRow("0.8 to 1.5: up by the margin but less than twice") << 1.5 << 0.8 << false;
        QTest::newRow("0.4 to 1.2: twice and beyond the margin") << 1.2 << 0.4 << true;
        QTest::newRow("a level shift: 0.6 to 3.0") << 3.0 << 0.6 << true;
        QTest::newRow("unknown at the search") << 5.0 << -1.0 << false;
        QTest::newRow("unknown now") << -1.0 << 0.5 << false;
    }
    void keptModelsGotWorse()
    {
        QFETCH(double, now);
        QFETCH(double, atSearch);
        QFETCH(bool, worse);
        const auto known = [](double v) { return v < 0 ? std::nullopt : std::optional<double>(v); };
        QCOMPARE(modelChoiceGotWorse(known(now), known(atSearch)), worse);
    }

    // A document this build cannot use (malformed, a newer format, no model)
    // reads as nothing, so the series is searched.
    void unusableChoiceDocumentsAreRefused_data()
    {
        QTest::addColumn<QString>("json");
        QTest::newRow("not JSON") << QStringLiteral("{format");
        QTest::newRow("a newer format") << QStringLiteral(R"({"format":2,"method":"auto","m":24,"mstl":[]})");
        QTest::newRow("no model") << QStringLiteral(R"({"format":1,"method":"auto","m":24,"mstl":[]})");
        QTest::newRow("unknown method") << QStringLiteral(R"({"format":1,"method":"magic","m":24,"mstl":[]})");
        QTest::newRow("ARIMA without coefficients")
            << QStringLiteral(R"({"format":1,"method":"arima","m":24,"mstl":[],"arima":{"order":[1,0,0]}})");
    }
    void unusableChoiceDocumentsAreRefused()
    {
        QFETCH(QString, json);
        QVERIFY(!forecast::modelChoiceFromJson(json.toStdString()));
    }

    void demoHistoryHasDailyAndWeeklyCycles()
    {
        const std::vector<DemoHistoryPartition> parts{{"hot", 1000, 4 * kMiB, true}, {"cold", 1000, 4 * kMiB, false}};
        const auto s = demoHistory("orders", parts, kMonday + 28 * kDayMs);
        QCOMPARE(s.size(), std::size_t(2 * (28 * 24 + 1)));
        const ActivityGrid hot = activityGrid({s.begin(), s.begin() + 28 * 24 + 1}, ActivityMetric::Writes, kHourMs);
        const ActivityGrid cold = activityGrid({s.begin() + 28 * 24 + 1, s.end()}, ActivityMetric::Writes, kHourMs);
        QCOMPARE(hot.known(), std::size_t(28 * 24));
        QCOMPARE(cold.known(), std::size_t(28 * 24));
        for (double v : cold.values)
            QCOMPARE(v, 0.0);
        // Tuesday 14:00 is busier than 03:00, and than Saturday 14:00.
        const auto at = [&](int day, int hour) { return hot.values[std::size_t(day * 24 + hour)]; };
        QVERIFY(at(1, 14) > 3 * at(1, 3));
        QVERIFY(at(1, 14) > 1.5 * at(5, 14));
    }
};

QTEST_GUILESS_MAIN(TestForecastPlanner)
#include "tst_forecast_planner.moc"
