// Properties of the Volatility Score (docs/volatility-score.md). The tests
// assert what a DBA relies on — sampling-interval independence, no spike on
// a counter reset, size invariance, reads bounded — not the formula itself.
#include <QtTest>

#include <array>
#include <cmath>
#include <limits>
#include <random>

#include <fmt/format.h>

#include "monitor/volatility_monitor.h"

using namespace tidemark;

namespace {

constexpr qint64 kMiB = 1ll << 20;
constexpr qint64 kGiB = 1ll << 30;
constexpr qint64 kTiB = 1ll << 40;
constexpr qint64 kT0 = 1'700'000'000'000; // simulated wall clock start (ms)

/// A partition's cumulative counters at one time.
ActivitySample sampleAt(qint64 tMs, qint64 writes, qint64 reads, qint64 bytes, bool readsKnown = true,
                        const std::string &epoch = "e1", qint64 epochStartMs = kT0, const std::string &partition = "p")
{
    ActivitySample s;
    s.table = "t";
    s.partition = partition;
    s.timestampMs = tMs;
    s.inserts = writes;
    s.reads = reads;
    s.rows = bytes / 64;
    s.bytes = bytes;
    s.readsKnown = readsKnown;
    s.counterEpoch = epoch;
    s.epochStartMs = epochStartMs;
    return s;
}

/// A steady workload with Poisson jitter: cumulative counts per 5 s slot.
struct PoissonWorkload {
    std::vector<qint64> writes{0}, reads{0}; ///< cumulative at slot i (i·5 s)

    PoissonWorkload(double writesPerSecond, double readsPerSecond, int slotCount, std::uint64_t seed)
    {
        std::mt19937_64 rng(seed);
        std::poisson_distribution<long long> w(writesPerSecond * 5.0), r(std::max(readsPerSecond * 5.0, 1e-12));
        for (int i = 0; i < slotCount; ++i) {
            writes.push_back(writes.back() + (writesPerSecond > 0 ? w(rng) : 0));
            reads.push_back(reads.back() + (readsPerSecond > 0 ? r(rng) : 0));
        }
    }
};

} // namespace

class TestVolatilityScore : public QObject {
    Q_OBJECT

private slots:
    void samplingIntervalDoesNotMatter_data();
    void samplingIntervalDoesNotMatter();
    void counterResetCausesNoSpikeNoDrop_data();
    void counterResetCausesNoSpikeNoDrop();
    void doublingSizeAndWritesKeepsScore_data();
    void doublingSizeAndWritesKeepsScore();
    void doublingBelowOneUnitRaisesScore();
    void largePartitionWrittenDaily_data();
    void largePartitionWrittenDaily();
    void readsMoveScoreAtMostReadWeight_data();
    void readsMoveScoreAtMostReadWeight();
    void zeroWritesIsCold_data();
    void zeroWritesIsCold();
    void neverNaN_data();
    void neverNaN();
    void firstSampleUsesEpochStart();
    void firstContactIsABaseline();
    void duplicateAndOutOfOrderSamplesIgnored();
};

// (a) A steady workload sampled every 5 s and every 60 s gives the same score.
void TestVolatilityScore::samplingIntervalDoesNotMatter_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<double>("writesPerSecond");
    QTest::addColumn<double>("readsPerSecond");
    QTest::addColumn<qint64>("intervalSeconds");
    QTest::addColumn<bool>("midRange"); ///< the row's true score lies in (10, 90)

    QTest::newRow("1 TiB, 7 writes/h, daily: low-mid score") << kTiB << 0.002 << 0.0 << qint64(86400) << true;
    QTest::newRow("1 TiB, 29 writes/h, daily: score ~50") << kTiB << 0.008 << 0.0 << qint64(86400) << true;
    QTest::newRow("1 TiB, 90 writes/h, daily: score ~88") << kTiB << 0.025 << 0.0 << qint64(86400) << true;
    QTest::newRow("1 TiB, writes + 20 reads/s: reads weighed in") << kTiB << 0.005 << 20.0 << qint64(86400) << true;
    QTest::newRow("64 GiB, 2 writes/h (sparse), daily: score ~50") << 64 * kGiB << 0.0005 << 0.0 << qint64(86400)
                                                                   << true;
    QTest::newRow("512 MiB, <1 write/h (sparse), hourly backup") << 512 * kMiB << 0.0002 << 0.0 << qint64(3600)
                                                                 << true;
    QTest::newRow("10 GiB, 50 writes/s: saturated at 100") << 10 * kGiB << 50.0 << 200.0 << qint64(86400) << false;
    QTest::newRow("16 GiB, no writes, 100 reads/s: reads only") << 16 * kGiB << 0.0 << 100.0 << qint64(86400)
                                                                << false;
}

void TestVolatilityScore::samplingIntervalDoesNotMatter()
{
    QFETCH(qint64, bytes);
    QFETCH(double, writesPerSecond);
    QFETCH(double, readsPerSecond);
    QFETCH(qint64, intervalSeconds);
    QFETCH(bool, midRange);

    ConnectionSettings settings;
    settings.backupIntervalSeconds = intervalSeconds;
    const bool readsKnown = readsPerSecond > 0;
    const double truth =
        scoreFromRates(writesPerSecond, readsPerSecond, readsKnown, bytes / 64, bytes, settings).score;
    if (midRange)
        QVERIFY2(truth > 10 && truth < 90, fmt::format("row meant to be mid-range has score {:.1f}", truth).c_str());

    const int slotCount = 6 * 3600 / 5; // six hours of 5 s slots
    const PoissonWorkload load(writesPerSecond, readsPerSecond, slotCount, qHash(QTest::currentDataTag()));
    VolatilityMonitor every5(settings), every60(settings);
    VolatilityScore s5, s60;
    for (int i = 1; i <= slotCount; ++i) {
        const qint64 t = kT0 + qint64(i) * 5000;
        s5 = every5.observe(sampleAt(t, load.writes[i], load.reads[i], bytes, readsKnown));
        if (i % 12 == 0) {
            s60 = every60.observe(sampleAt(t, load.writes[i], load.reads[i], bytes, readsKnown));
            // After the first hour both estimates must agree at every minute.
            if (i >= 720)
                QVERIFY2(std::abs(s5.score - s60.score) <= 2.0,
                         fmt::format("at {} s: every 5 s → {:.2f}, every 60 s → {:.2f} (true {:.2f})", i * 5,
                                     s5.score, s60.score, truth)
                             .c_str());
        }
    }
    QVERIFY(!std::isnan(s5.score) && !std::isnan(s60.score));
}

// (b) A counter reset neither spikes nor drops the score.
void TestVolatilityScore::counterResetCausesNoSpikeNoDrop_data()
{
    QTest::addColumn<bool>("epochChanges");
    QTest::addColumn<bool>("epochStartKnown");
    QTest::addColumn<qint64>("restartFrom"); ///< counters after the reset start here
    QTest::addColumn<bool>("readsOnly");     ///< only the read counter resets

    QTest::newRow("server restart: new epoch, counters from 0, epoch start known") << true << true << qint64(0)
                                                                                    << false;
    QTest::newRow("new epoch, epoch start unknown") << true << false << qint64(0) << false;
    QTest::newRow("stats reset, same epoch: counters drop to 0") << false << false << qint64(0) << false;
    QTest::newRow("same epoch: counters drop to a smaller non-zero value") << false << false << qint64(100) << false;
    QTest::newRow("same epoch: only the read counter drops") << false << false << qint64(0) << true;
}

void TestVolatilityScore::counterResetCausesNoSpikeNoDrop()
{
    QFETCH(bool, epochChanges);
    QFETCH(bool, epochStartKnown);
    QFETCH(qint64, restartFrom);
    QFETCH(bool, readsOnly);

    ConnectionSettings settings;
    const qint64 bytes = 8 * kTiB;
    const double w = 0.064, r = 40.0; // mid-range score (~45)
    VolatilityMonitor monitor(settings);
    const qint64 resetAt = 3 * 3600; // seconds after kT0
    double before = -1;
    for (qint64 sec = 60; sec <= 5 * 3600; sec += 60) {
        const qint64 t = kT0 + sec * 1000;
        ActivitySample s = sampleAt(t, std::llround(w * double(sec)), std::llround(r * double(sec)), bytes);
        if (sec > resetAt) {
            const qint64 since = sec - resetAt;
            if (!readsOnly)
                s.inserts = restartFrom + std::llround(w * double(since));
            s.reads = restartFrom + std::llround(r * double(since));
            if (epochChanges) {
                s.counterEpoch = "e2";
                s.epochStartMs = epochStartKnown ? kT0 + resetAt * 1000 : 0;
            }
        }
        const double score = monitor.observe(s).score;
        if (sec == resetAt) {
            before = score;
            QVERIFY2(before > 10 && before < 90, fmt::format("score before reset {:.1f}", before).c_str());
        } else if (sec > resetAt) {
            QVERIFY2(std::abs(score - before) <= 2.0,
                     fmt::format("{} s after the reset: {:.2f}, before: {:.2f}", sec - resetAt, score, before)
                         .c_str());
        }
    }
}

// (c) Doubling rows, bytes and writes of a partition of one unit or more keeps its score.
void TestVolatilityScore::doublingSizeAndWritesKeepsScore_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<double>("writesPerSecond");

    const std::array<std::pair<const char *, qint64>, 5> sizes{
        {{"1 GiB", kGiB},
         {"1.5 GiB", 3 * kGiB / 2},
         {"10 GiB", 10 * kGiB},
         {"100 GiB", 100 * kGiB},
         {"2 TiB", 2 * kTiB}}};
    const std::array<std::pair<const char *, double>, 4> perUnitPerDay{
        {{"0.05", 0.05}, {"0.5", 0.5}, {"2", 2.0}, {"20", 20.0}}};
    for (const auto &[sizeName, bytes] : sizes)
        for (const auto &[rateName, perUnit] : perUnitPerDay) {
            const double units = double(bytes) / double(kGiB);
            QTest::newRow(fmt::format("{}, {} writes per GiB per day", sizeName, rateName).c_str())
                << bytes << perUnit * units / 86400.0;
        }
}

void TestVolatilityScore::doublingSizeAndWritesKeepsScore()
{
    QFETCH(qint64, bytes);
    QFETCH(double, writesPerSecond);

    // Sample once per expected write so the counts are exact: the monitor
    // then measures the rates exactly and only the score model is compared.
    const qint64 stepMs = std::llround(1000.0 / writesPerSecond);
    VolatilityMonitor monitor(ConnectionSettings{});
    VolatilityScore one, two;
    for (qint64 n = 1; n <= 20; ++n) {
        const qint64 t = kT0 + n * stepMs;
        one = monitor.observe(sampleAt(t, n, 0, bytes, false, "e1", kT0, "one"));
        two = monitor.observe(sampleAt(t, 2 * n, 0, 2 * bytes, false, "e1", kT0, "two"));
    }
    QCOMPARE(two.rows, 2 * one.rows);
    QVERIFY2(std::abs(one.score - two.score) <= 1.0,
             fmt::format("score {:.2f} → {:.2f} after doubling", one.score, two.score).c_str());
}

// The limit of (c): below one backup unit the whole partition is one file, so
// more writes on it do make it more volatile.
void TestVolatilityScore::doublingBelowOneUnitRaisesScore()
{
    const ConnectionSettings settings;
    const double w = 0.5 / 86400.0; // half a write per day on 100 MiB
    const double small = scoreFromRates(w, 0, false, 1000, 100 * kMiB, settings).score;
    const double doubled = scoreFromRates(2 * w, 0, false, 2000, 200 * kMiB, settings).score;
    QVERIFY2(doubled > small + 5, fmt::format("{:.1f} → {:.1f}", small, doubled).c_str());
}

// (d) A large partition written a little every day is volatile for a daily
// backup, not for a backup interval much shorter than the time between writes.
void TestVolatilityScore::largePartitionWrittenDaily_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<double>("writesPerDay");
    QTest::addColumn<qint64>("intervalSeconds");
    QTest::addColumn<bool>("volatile_");

    QTest::newRow("100 GiB, 300 writes/day, daily backup: volatile") << 100 * kGiB << 300.0 << qint64(86400) << true;
    QTest::newRow("1 TiB, 3000 writes/day, daily backup: volatile") << kTiB << 3000.0 << qint64(86400) << true;
    QTest::newRow("10 GiB, 100 writes/day, daily backup: volatile") << 10 * kGiB << 100.0 << qint64(86400) << true;
    QTest::newRow("100 GiB, writes every ~5 min, backup every minute: not volatile")
        << 100 * kGiB << 300.0 << qint64(60) << false;
    QTest::newRow("1 TiB, writes every ~29 s, backup every 5 s: not volatile") << kTiB << 3000.0 << qint64(5) << false;
    QTest::newRow("100 GiB, each GiB written every ~8 h, hourly backup: not volatile")
        << 100 * kGiB << 300.0 << qint64(3600) << false;
}

void TestVolatilityScore::largePartitionWrittenDaily()
{
    QFETCH(qint64, bytes);
    QFETCH(double, writesPerDay);
    QFETCH(qint64, intervalSeconds);
    QFETCH(bool, volatile_);

    ConnectionSettings settings;
    settings.backupIntervalSeconds = intervalSeconds;
    VolatilityMonitor monitor(settings);
    const int slotCount = 2 * 86400 / 5;
    const PoissonWorkload load(writesPerDay / 86400.0, 0.0, slotCount, 42);
    VolatilityScore score;
    for (int i = 12; i <= slotCount; i += 12) // sampled every minute for two days
        score = monitor.observe(sampleAt(kT0 + qint64(i) * 5000, load.writes[i], 0, bytes, false));
    if (volatile_)
        QVERIFY2(score.score > settings.highThreshold, fmt::format("score {:.1f}", score.score).c_str());
    else
        QVERIFY2(score.score < settings.lowThreshold, fmt::format("score {:.1f}", score.score).c_str());
}

// (e) Reads move the score by at most readWeight·100, and not at all when the
// database cannot see them.
void TestVolatilityScore::readsMoveScoreAtMostReadWeight_data()
{
    QTest::addColumn<double>("readWeight");
    QTest::addColumn<double>("writesPerSecond");
    QTest::addColumn<double>("readsPerSecond");

    QTest::newRow("default weight, no writes, very heavy reads") << 0.1 << 0.0 << 1e6;
    QTest::newRow("default weight, mid writes, moderate reads") << 0.1 << 0.008 << 20.0;
    QTest::newRow("default weight, saturated writes, heavy reads") << 0.1 << 5.0 << 1e4;
    QTest::newRow("weight 0.5, no writes, heavy reads") << 0.5 << 0.0 << 1e5;
    QTest::newRow("weight 0.5, mid writes, light reads") << 0.5 << 0.008 << 0.5;
    QTest::newRow("weight 0: reads ignored") << 0.0 << 0.008 << 1e6;
    QTest::newRow("weight 1: reads only") << 1.0 << 0.008 << 1e6;
}

void TestVolatilityScore::readsMoveScoreAtMostReadWeight()
{
    QFETCH(double, readWeight);
    QFETCH(double, writesPerSecond);
    QFETCH(double, readsPerSecond);

    ConnectionSettings settings;
    settings.readWeight = readWeight;
    const qint64 bytes = kTiB;
    const double unknown = scoreFromRates(writesPerSecond, 0, false, 1, bytes, settings).score;
    const double unknownButBusy = scoreFromRates(writesPerSecond, readsPerSecond, false, 1, bytes, settings).score;
    const double knownIdle = scoreFromRates(writesPerSecond, 0, true, 1, bytes, settings).score;
    const double knownBusy = scoreFromRates(writesPerSecond, readsPerSecond, true, 1, bytes, settings).score;
    const double bound = readWeight * 100.0 + 1e-9;

    QCOMPARE(unknownButBusy, unknown); // reads the database cannot see change nothing
    QVERIFY2(knownBusy >= knownIdle && knownBusy - knownIdle <= bound,
             fmt::format("reads moved {:.2f} → {:.2f}", knownIdle, knownBusy).c_str());
    QVERIFY2(std::abs(knownBusy - unknown) <= bound,
             fmt::format("known reads {:.2f} vs writes only {:.2f}", knownBusy, unknown).c_str());
}

// (f) No writes: the partition is cold whatever its size and (at the default
// weight) however much it is read.
void TestVolatilityScore::zeroWritesIsCold_data()
{
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<double>("readsPerSecond");
    QTest::addColumn<bool>("readsKnown");

    QTest::newRow("empty partition") << qint64(0) << 0.0 << true;
    QTest::newRow("1 MiB, unread") << kMiB << 0.0 << true;
    QTest::newRow("1 TiB, read 10k/s") << kTiB << 1e4 << true;
    QTest::newRow("100 MiB, read 1M/s") << 100 * kMiB << 1e6 << true;
    QTest::newRow("SQLite: reads unknown") << 10 * kGiB << 0.0 << false;
}

void TestVolatilityScore::zeroWritesIsCold()
{
    QFETCH(qint64, bytes);
    QFETCH(double, readsPerSecond);
    QFETCH(bool, readsKnown);

    const ConnectionSettings settings;
    VolatilityMonitor monitor(settings);
    VolatilityScore score;
    for (qint64 sec = 60; sec <= 3600; sec += 60)
        score = monitor.observe(
            sampleAt(kT0 + sec * 1000, 12345, std::llround(readsPerSecond * double(sec)), bytes, readsKnown, "e1", 0));
    QVERIFY2(score.score < settings.lowThreshold, fmt::format("score {:.2f}", score.score).c_str());
    QCOMPARE(score.pModified, 0.0);
}

void TestVolatilityScore::neverNaN_data()
{
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    QTest::addColumn<double>("writesPerSecond");
    QTest::addColumn<double>("readsPerSecond");
    QTest::addColumn<qint64>("bytes");
    QTest::addColumn<qint64>("intervalSeconds");
    QTest::addColumn<qint64>("unitBytes");
    QTest::addColumn<double>("readWeight");

    QTest::newRow("zero bytes") << 1.0 << 1.0 << qint64(0) << qint64(86400) << kGiB << 0.1;
    QTest::newRow("negative bytes and rates") << -1.0 << -5.0 << qint64(-10) << qint64(86400) << kGiB << 0.1;
    QTest::newRow("infinite rates") << inf << inf << kGiB << qint64(86400) << kGiB << 0.1;
    QTest::newRow("NaN rates") << nan << nan << kGiB << qint64(86400) << kGiB << 0.1;
    QTest::newRow("infinite rate, zero interval") << inf << inf << kGiB << qint64(0) << kGiB << 0.1;
    QTest::newRow("zero backup unit") << 1.0 << 1.0 << kTiB << qint64(86400) << qint64(0) << 0.1;
    QTest::newRow("NaN read weight") << 1e-3 << 1.0 << kTiB << qint64(86400) << kGiB << nan;
    QTest::newRow("read weight above 1") << 1e-3 << 1.0 << kTiB << qint64(86400) << kGiB << 3.0;
    QTest::newRow("huge rate, huge partition") << 1e300 << 1e300 << std::numeric_limits<qint64>::max()
                                               << qint64(86400) << kGiB << 0.1;
}

void TestVolatilityScore::neverNaN()
{
    QFETCH(double, writesPerSecond);
    QFETCH(double, readsPerSecond);
    QFETCH(qint64, bytes);
    QFETCH(qint64, intervalSeconds);
    QFETCH(qint64, unitBytes);
    QFETCH(double, readWeight);

    ConnectionSettings settings;
    settings.backupIntervalSeconds = intervalSeconds;
    settings.backupUnitBytes = unitBytes;
    settings.readWeight = readWeight;
    for (bool known : {false, true}) {
        const VolatilityScore s = scoreFromRates(writesPerSecond, readsPerSecond, known, 1, bytes, settings);
        QVERIFY2(s.score >= 0.0 && s.score <= 100.0, fmt::format("score {}", s.score).c_str());
        QVERIFY(s.pModified >= 0.0 && s.pModified <= 1.0);
        QVERIFY(!std::isnan(s.writesPerSecond) && !std::isnan(s.readsPerSecond));
    }
    // The monitor with zero half-life and a sample at its own epoch start.
    settings.halfLifeSeconds = 0;
    VolatilityMonitor monitor(settings);
    const VolatilityScore first = monitor.observe(sampleAt(kT0, 5, 5, bytes, true, "e1", kT0));
    const VolatilityScore second = monitor.observe(sampleAt(kT0 + 1, 10, 10, bytes, true, "e1", kT0));
    QVERIFY(!std::isnan(first.score) && !std::isnan(second.score));
    QVERIFY(second.score >= 0.0 && second.score <= 100.0);
}

void TestVolatilityScore::firstSampleUsesEpochStart()
{
    VolatilityMonitor monitor(ConnectionSettings{});
    // 3600 writes and 7200 reads in the hour since counting began.
    const VolatilityScore s = monitor.observe(sampleAt(kT0 + 3600'000, 3600, 7200, kGiB, true, "e1", kT0));
    QCOMPARE(s.writesPerSecond, 1.0);
    QCOMPARE(s.readsPerSecond, 2.0);
    // A steady rate afterwards leaves the estimate exactly there (no warm-up from 0).
    const VolatilityScore next = monitor.observe(sampleAt(kT0 + 3660'000, 3660, 7320, kGiB, true, "e1", kT0));
    QCOMPARE(next.writesPerSecond, 1.0);
    QVERIFY(monitor.current("t", "p").has_value());
    QVERIFY(!monitor.current("t", "other").has_value());
}

void TestVolatilityScore::duplicateAndOutOfOrderSamplesIgnored()
{
    VolatilityMonitor monitor(ConnectionSettings{});
    monitor.observe(sampleAt(kT0 + 60'000, 60, 0, kGiB, false));
    const double rate = monitor.observe(sampleAt(kT0 + 120'000, 120, 0, kGiB, false)).writesPerSecond;
    // Same timestamp with other counts, and an older reading: both ignored.
    QCOMPARE(monitor.observe(sampleAt(kT0 + 120'000, 5000, 0, kGiB, false)).writesPerSecond, rate);
    QCOMPARE(monitor.observe(sampleAt(kT0 + 90'000, 10, 0, kGiB, false)).writesPerSecond, rate);
    QCOMPARE(monitor.observe(sampleAt(kT0 + 180'000, 180, 0, kGiB, false)).writesPerSecond, 1.0);
}

// On a database Tidemark has not sampled before, counters that began before
// (a bulk load after the server start) are a baseline, not a burst: no score
// until the next reading. A partition whose counting began after the first
// contact (one Tidemark created) has a rate at once.
void TestVolatilityScore::firstContactIsABaseline()
{
    ConnectionSettings settings;
    const qint64 contact = kT0 + 600'000; // a bulk load of 100,000 rows ran in those ten minutes
    VolatilityMonitor monitor(settings);
    monitor.setFirstContactMs(contact);
    VolatilityScore first = monitor.observe(sampleAt(contact, 100'000, 0, 16 * kMiB, false, "e1", kT0));
    QVERIFY(first.baseline);
    QCOMPARE(first.writesPerSecond, 0.0);
    VolatilityScore next = monitor.observe(sampleAt(contact + 60'000, 100'000, 0, 16 * kMiB, false, "e1", kT0));
    QVERIFY(!next.baseline);
    QVERIFY2(next.score < settings.lowThreshold, qPrintable(QString::number(next.score)));

    // Without a first contact (or before this change) the load scored as a burst.
    VolatilityMonitor unaware(settings);
    QVERIFY(unaware.observe(sampleAt(contact, 100'000, 0, 16 * kMiB, false, "e1", kT0)).score > 90.0);

    const qint64 created = contact + 120'000;
    VolatilityScore child =
        monitor.observe(sampleAt(created + 60'000, 600, 0, 16 * kMiB, false, "e2", created, "child"));
    QVERIFY(!child.baseline);
    QVERIFY(child.writesPerSecond > 9.0 && child.writesPerSecond < 11.0);
}

QTEST_GUILESS_MAIN(TestVolatilityScore)
#include "tst_volatility_score.moc"
