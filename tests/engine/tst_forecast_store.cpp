// The metadata store's recorded forecasts (schema 3): the migration from
// version 2 keeping the data, and round trips of forecasts and their checks
// (overlap refusal, pending and checked, newest per series, pruning).
#include "store_test_support.h"

#include <cmath>

namespace {

/// A write forecast of `predicted` over [fromMs, toMs) with a ±20 % band.
ForecastRecord forecastRecord(const std::string &table, const std::string &partition, std::int64_t fromMs,
                              std::int64_t toMs, double predicted)
{
    ForecastRecord r;
    r.table = table;
    r.partition = partition;
    r.windowStartMs = fromMs;
    r.windowEndMs = toMs;
    r.predicted = predicted;
    r.lower95 = predicted * 0.8;
    r.upper95 = predicted * 1.2;
    r.model = "Naive";
    return r;
}

} // namespace

class TestForecastStore : public StoreTestCase {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void migratesVersion2StoreToForecasts()
    {
        const QString path = freshPath();
        std::int64_t connId = 0;
        {
            auto v2 = MetadataStore::openAtVersion(fsPath(path), 2);
            QVERIFY2(v2, v2 ? "" : v2.error().message.c_str());
            MetadataStore &s = **v2;
            QCOMPARE(s.schemaVersion(), 2);
            auto conn = s.ensureConnection("sqlite:///data/app.db");
            QVERIFY(conn);
            connId = conn->id;
            ActivitySample sample;
            sample.table = "events";
            sample.partition = "events_p0";
            sample.timestampMs = 1000;
            sample.inserts = 7;
            sample.counterEpoch = "boot-1";
            QVERIFY(s.addSamples(connId, {sample}));
            QVERIFY(s.recordPartitionCreated(connId, "events", "events_p0", 500, "split"));
            ForecastRecord f = forecastRecord("events", "events_p0", 0, 1000, 10.0);
            auto refused = s.recordForecast(connId, f); // no forecasts table yet
            QVERIFY(!refused);
            RawDb raw(path);
            QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'forecasts'")), 0);
            QCOMPARE(raw.integer(QStringLiteral("PRAGMA user_version")), 2);
        }
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        MetadataStore &s = **store;
        QCOMPARE(s.schemaVersion(), MetadataStore::kSchemaVersion);
        RawDb raw(path);
        QCOMPARE(raw.integer(QStringLiteral("PRAGMA user_version")), MetadataStore::kSchemaVersion);
        QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = 'forecasts_pending'")), 1);
        auto samples = s.samples(connId, "events", "events_p0");
        QVERIFY(samples);
        QCOMPARE(samples->size(), std::size_t(1));
        QCOMPARE(samples->front().inserts, 7);
        auto created = s.partitionCreationTimes(connId, "events");
        QVERIFY(created);
        QCOMPARE(created->at("events_p0"), 500);
        ForecastRecord f = forecastRecord("events", "events_p0", 0, 1000, 10.0);
        auto recorded = s.recordForecast(connId, f);
        QVERIFY2(recorded && *recorded, recorded ? "" : recorded.error().message.c_str());
        QVERIFY(f.id > 0);
    }

    void forecastsAndChecksRoundTrip()
    {
        auto store = MetadataStore::open(fsPath(freshPath()));
        QVERIFY(store);
        MetadataStore &s = **store;
        const std::int64_t id = s.ensureConnection("sqlite:///data/f.db")->id;
        const std::int64_t other = s.ensureConnection("sqlite:///data/g.db")->id;
        const std::int64_t day = 86'400'000;

        // One forecast per series and window: an overlapping window is not recorded again.
        ForecastRecord a = forecastRecord("events", "p1", 0, day, 100.0);
        a.model = "ETS(A,N,A)";
        a.madeMs = 42;
        QCOMPARE(*s.recordForecast(id, a), true);
        ForecastRecord again = forecastRecord("events", "p1", day / 24, day + day / 24, 120.0);
        QCOMPARE(*s.recordForecast(id, again), false);
        QCOMPARE(again.id, std::int64_t(0));
        ForecastRecord b = forecastRecord("events", "p1", day, 2 * day, 200.0);
        QCOMPARE(*s.recordForecast(id, b), true);
        ForecastRecord otherSeries = forecastRecord("events", "p2", 0, day, 5.0);
        QCOMPARE(*s.recordForecast(id, otherSeries), true);
        ForecastRecord otherConnection = forecastRecord("events", "p1", 0, day, 5.0);
        QCOMPARE(*s.recordForecast(other, otherConnection), true);
        ForecastRecord notANumber = forecastRecord("events", "p3", 0, day, std::nan(""));
        auto nan = s.recordForecast(id, notANumber);
        QVERIFY(!nan);
        QCOMPARE(nan.error().code, ErrorCode::InvalidArgument);
        ForecastRecord empty = forecastRecord("events", "p3", day, day, 1.0);
        QVERIFY(!s.recordForecast(id, empty));

        // Pending: by window end, not yet checked, of this connection only.
        auto pending = s.pendingForecasts(id, day);
        QVERIFY(pending);
        QCOMPARE(pending->size(), std::size_t(2));
        QCOMPARE(pending->at(0).id, a.id);
        QCOMPARE(pending->at(0).model, std::string("ETS(A,N,A)"));
        QCOMPARE(pending->at(0).madeMs, std::int64_t(42));
        QCOMPARE(pending->at(0).lower95, 80.0);
        QCOMPARE(pending->at(0).upper95, 120.0);
        QVERIFY(!pending->at(0).checked());
        QCOMPARE(s.pendingForecasts(id, 2 * day)->size(), std::size_t(3));

        ForecastRecord checked = pending->at(0);
        checked.checkedMs = day + 5;
        checked.actual = 150.0;
        checked.missed = true;
        checked.scaledError = 2.5;
        QVERIFY(s.saveForecastCheck(checked));
        ForecastRecord unchecked = checked;
        unchecked.checkedMs = 0;
        QVERIFY(!s.saveForecastCheck(unchecked));
        ForecastRecord missing = checked;
        missing.id = 9999;
        QCOMPARE(s.saveForecastCheck(missing).error().code, ErrorCode::NotFound);
        QCOMPARE(s.pendingForecasts(id, day)->size(), std::size_t(1)); // p2 is left

        auto checks = s.forecastChecks(id, "events", "p1", "writes", 10);
        QVERIFY(checks);
        QCOMPARE(checks->size(), std::size_t(1));
        const ForecastRecord &c = checks->front();
        QCOMPARE(c.id, a.id);
        QCOMPARE(c.checkedMs, day + 5);
        QCOMPARE(c.actual, 150.0);
        QVERIFY(c.missed);
        QCOMPARE(c.scaledError, 2.5);
        QCOMPARE(c.windowStartMs, std::int64_t(0));
        QCOMPARE(c.windowEndMs, day);

        // Many windows of one series: the newest checks, oldest first; pruning keeps the newest.
        for (int k = 2; k < 12; ++k) {
            ForecastRecord r = forecastRecord("events", "p1", k * day, (k + 1) * day, 10.0 * k);
            QVERIFY(*s.recordForecast(id, r));
            r.checkedMs = (k + 1) * day;
            r.actual = 10.0 * k;
            QVERIFY(s.saveForecastCheck(r));
        }
        auto newest = s.forecastChecks(id, "events", "p1", "writes", 3);
        QCOMPARE(newest->size(), std::size_t(3));
        QCOMPARE(newest->at(0).windowStartMs, 9 * day);
        QCOMPARE(newest->at(2).windowStartMs, 11 * day);
        ForecastRecord p2 = s.pendingForecasts(id, day)->front();
        p2.checkedMs = day;
        p2.actual = 5.0;
        QVERIFY(s.saveForecastCheck(p2));
        auto recent = s.recentForecastChecks(id, "writes", 2);
        QVERIFY(recent);
        QCOMPARE(recent->size(), std::size_t(3)); // two of p1, one of p2
        QCOMPARE(recent->at(0).partition, std::string("p1"));
        QCOMPARE(recent->at(0).windowStartMs, 10 * day);
        QCOMPARE(recent->at(1).windowStartMs, 11 * day);
        QCOMPARE(recent->at(2).partition, std::string("p2"));

        auto pruned = s.pruneForecastChecks(id, 4);
        QVERIFY(pruned);
        QCOMPARE(*pruned, 7); // p1 had 11 checks
        QCOMPARE(s.forecastChecks(id, "events", "p1", "writes", 100)->size(), std::size_t(4));
        QCOMPARE(s.forecastChecks(id, "events", "p2", "writes", 100)->size(), std::size_t(1));
        QCOMPARE(s.pendingForecasts(id, 2 * day)->size(), std::size_t(1)); // b: pending rows are never pruned

        QVERIFY(s.dropForecast(b.id));
        QCOMPARE(s.pendingForecasts(id, 2 * day)->size(), std::size_t(0));
        // A removed connection's forecasts go with its samples.
        QVERIFY(s.removeConnection(id, "tester"));
        RawDb raw(QString::fromStdString(s.path().string()));
        QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM forecasts WHERE connection_id = %1").arg(id)), 0);
        QCOMPARE(raw.integer(QStringLiteral("SELECT count(*) FROM forecasts WHERE connection_id = %1").arg(other)), 1);
    }
};

QTEST_GUILESS_MAIN(TestForecastStore)
#include "tst_forecast_store.moc"
