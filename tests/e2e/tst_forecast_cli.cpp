// `tidemark-cli forecast` as a DBA or a script uses it: a CSV file, and a
// partition of the demo whose history `demo init` backfilled.
#include <QDateTime>
#include <QElapsedTimer>
#include <QTextStream>

#include <cmath>

#include <sqlite3.h>

#include "cli_harness.h"

using namespace tidemark::test;

namespace {

/// Every step has finite, ordered point and 80/95 % bounds.
void checkSteps(const QJsonObject &out, int horizon)
{
    const QJsonArray steps = out.value(QStringLiteral("forecast")).toArray();
    QCOMPARE(steps.size(), horizon);
    for (const auto &v : steps) {
        const QJsonObject s = v.toObject();
        const double lo95 = s.value(QStringLiteral("lower95")).toDouble(NAN);
        const double lo80 = s.value(QStringLiteral("lower80")).toDouble(NAN);
        const double mean = s.value(QStringLiteral("mean")).toDouble(NAN);
        const double hi80 = s.value(QStringLiteral("upper80")).toDouble(NAN);
        const double hi95 = s.value(QStringLiteral("upper95")).toDouble(NAN);
        for (double x : {lo95, lo80, mean, hi80, hi95})
            QVERIFY2(std::isfinite(x), QJsonDocument(s).toJson().constData());
        QVERIFY2(lo95 <= lo80 && lo80 <= mean && mean <= hi80 && hi80 <= hi95, QJsonDocument(s).toJson().constData());
    }
    QVERIFY(!out.value(QStringLiteral("model")).toString().isEmpty());
}

/// Runs SQL on the metadata store behind the CLI's back; the first column of
/// the last row, as an integer.
qint64 sql(const QString &file, const QString &statement)
{
    sqlite3 *db = nullptr;
    qint64 value = -1;
    if (sqlite3_open(file.toUtf8().constData(), &db) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt *stmt = nullptr;
        const QByteArray text = statement.toUtf8();
        const char *tail = text.constData();
        while (tail && *tail && sqlite3_prepare_v2(db, tail, -1, &stmt, &tail) == SQLITE_OK && stmt) {
            while (sqlite3_step(stmt) == SQLITE_ROW)
                value = sqlite3_column_int64(stmt, 0);
            sqlite3_finalize(stmt);
            stmt = nullptr;
        }
    }
    if (db)
        sqlite3_close(db);
    return value;
}

} // namespace

class TestForecastCli : public QObject {
    Q_OBJECT
private slots:
    void csvSeriesGetsSeasonalForecast()
    {
        CliHarness h;
        const QString file = h.path(QStringLiteral("monthly.csv"));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Text));
            QTextStream out(&f);
            out << "# period=12 horizon=12\nvalue\n";
            for (int i = 0; i < 72; ++i)
                out << 100.0 + i + 20.0 * std::sin(2 * M_PI * i / 12.0) + ((i * 7) % 5) << "\n";
            out << "NA\n" << 180 << "\n";
        }
        const QJsonObject j = h.json({QStringLiteral("forecast"), QStringLiteral("--csv"), file});
        checkSteps(j, 12);
        QVERIFY2(j.value(QStringLiteral("holdoutMase")).isDouble(), QJsonDocument(j).toJson().constData());
        QVERIFY(j.value(QStringLiteral("holdoutMase")).toDouble() < 2.0);
        QVERIFY(j.value(QStringLiteral("periods")).toArray().contains(12));
        // The backtest calibration is reported; it only ever widens the bands.
        const QJsonObject cal = j.value(QStringLiteral("calibration")).toObject();
        QVERIFY2(cal.value(QStringLiteral("factor95")).toDouble() >= 1.0, QJsonDocument(j).toJson().constData());
        QVERIFY(cal.value(QStringLiteral("factor80")).toDouble() >= 1.0);
        QVERIFY(cal.value(QStringLiteral("points")).isDouble());
        // The seasonal peak (phase 3 of 12) is forecast above the trough (phase 9).
        const QJsonArray steps = j.value(QStringLiteral("forecast")).toArray();
        const int n = 74; // values incl. the gap
        const auto at = [&](int phase) -> double {
            for (int k = 0; k < 12; ++k)
                if ((n + k) % 12 == phase)
                    return steps.at(k).toObject().value(QStringLiteral("mean")).toDouble();
            return NAN;
        };
        QVERIFY2(at(3) > at(9) + 20.0, QJsonDocument(j).toJson().constData());

        const ProcessResult bad = h.cli({QStringLiteral("forecast"), QStringLiteral("--csv"), file,
                                         QStringLiteral("--method"), QStringLiteral("oracle")});
        QVERIFY2(bad.exitCode != 0 && bad.err.contains(QLatin1String("--method")), qPrintable(describe(bad)));
    }

    void trackedChecksShownAndPlannerFallsBack()
    {
        CliHarness h;
        const QString db = h.path(QStringLiteral("demo.db"));
        const QString uri = CliHarness::uri(db);
        QVERIFY(!h.json({QStringLiteral("demo"), QStringLiteral("init"), db, QStringLiteral("--rows"),
                         QStringLiteral("20000"), QStringLiteral("--partitions"), QStringLiteral("4")})
                     .isEmpty());
        const QJsonObject load = h.json(
            {QStringLiteral("demo"), QStringLiteral("load"), db, QStringLiteral("--seconds"), QStringLiteral("1")});
        const QString hot = load.value(QStringLiteral("hot_partition")).toString();
        QVERIFY(!hot.isEmpty());
        const QStringList forecastArgs{QStringLiteral("forecast"),    uri,
                                       QStringLiteral("--table"),     QStringLiteral("orders"),
                                       QStringLiteral("--partition"), hot,
                                       QStringLiteral("--metric"),    QStringLiteral("writes"),
                                       QStringLiteral("--horizon"),   QStringLiteral("6")};

        // The planner records the forecast it is given, once per window.
        QCOMPARE(h.cli({QStringLiteral("plan"), uri}).exitCode, 0);
        const QString pendingHot =
            QStringLiteral("SELECT count(*) FROM forecasts WHERE partition = '%1' AND checked_ms IS NULL").arg(hot);
        QCOMPARE(sql(h.store(), pendingHot), 1);
        QCOMPARE(h.cli({QStringLiteral("plan"), uri}).exitCode, 0);
        QCOMPARE(sql(h.store(), pendingHot), 1);
        const QJsonObject before = h.json(forecastArgs);
        const QJsonObject noChecks =
            before.value(QStringLiteral("planner")).toObject().value(QStringLiteral("tracked")).toObject();
        QCOMPARE(noChecks.value(QStringLiteral("checks")).toInt(-1), 0);
        QVERIFY(noChecks.value(QStringLiteral("last")).isNull());

        // Five forecasts of whole days in the backfilled history, far above
        // what the samples hold: the next scan checks them, all miss.
        const qint64 hour = 3600000;
        const qint64 end = QDateTime::currentMSecsSinceEpoch() / hour * hour - 3 * hour;
        for (int k = 4; k >= 0; --k) {
            const qint64 to = end - k * 24 * hour;
            sql(h.store(),
                QStringLiteral("INSERT INTO forecasts(connection_id, table_name, partition, metric, "
                               "window_start_ms, window_end_ms, predicted, lower95, upper95, model, made_ms) "
                               "SELECT id, 'orders', '%1', 'writes', %2, %3, 1e9, 9e8, 1.1e9, 'Naive', %2 "
                               "FROM connections")
                    .arg(hot)
                    .arg(to - 24 * hour)
                    .arg(to));
        }
        QCOMPARE(sql(h.store(),
                     QStringLiteral("SELECT count(*) FROM forecasts WHERE checked_ms IS NULL AND model = 'Naive'")),
                 5);
        QCOMPARE(h.cli({QStringLiteral("scan"), uri}).exitCode, 0);
        QCOMPARE(sql(h.store(), QStringLiteral("SELECT count(*) FROM forecasts WHERE missed = 1")), 5);

        const QJsonObject w = h.json(forecastArgs);
        const QJsonObject planner = w.value(QStringLiteral("planner")).toObject();
        const QByteArray dump = QJsonDocument(w).toJson();
        QCOMPARE(planner.value(QStringLiteral("keepsMissing")).toBool(), true);
        QCOMPARE(planner.value(QStringLiteral("forecastUsed")).toBool(), false);
        QVERIFY2(planner.value(QStringLiteral("basis")).toString().contains(QLatin1String("EWMA")), dump.constData());
        const QJsonObject tracked = planner.value(QStringLiteral("tracked")).toObject();
        QCOMPARE(tracked.value(QStringLiteral("checks")).toInt(), 5);
        QCOMPARE(tracked.value(QStringLiteral("misses")).toInt(), 5);
        QCOMPARE(tracked.value(QStringLiteral("recordedChecksWeighed")).toInt(), 5);
        QCOMPARE(tracked.value(QStringLiteral("backtestsWeighed")).toInt(), 0);
        QCOMPARE(tracked.value(QStringLiteral("recent")).toArray().size(), 5);
        const QJsonObject last = tracked.value(QStringLiteral("last")).toObject();
        QCOMPARE(last.value(QStringLiteral("windowEndMs")).toInteger(), end);
        QCOMPARE(last.value(QStringLiteral("missed")).toBool(), true);
        QVERIFY2(last.value(QStringLiteral("actual")).toDouble() > 0.0 &&
                     last.value(QStringLiteral("actual")).toDouble() < 9e8,
                 dump.constData());

        const ProcessResult text = h.cli(forecastArgs);
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(
            text.out.contains(QLatin1String("tracked forecasts: 5 checked, 5 missed; the planner weighs the last 5 "
                                            "(5 missed)")),
            qPrintable(describe(text)));
        QVERIFY2(text.out.contains(QLatin1String("outside the band")), qPrintable(describe(text)));
        QVERIFY2(text.out.contains(QLatin1String("keeps missing, reactive rules apply")), qPrintable(describe(text)));
    }

    void demoPartitionForecastShowsSeasonalityAndPlannerView()
    {
        CliHarness h;
        const QString db = h.path(QStringLiteral("demo.db"));
        const QString uri = CliHarness::uri(db);
        QElapsedTimer timer;
        timer.start();
        const QJsonObject init =
            h.json({QStringLiteral("demo"), QStringLiteral("init"), db, QStringLiteral("--rows"),
                    QStringLiteral("100000"), QStringLiteral("--partitions"), QStringLiteral("10")});
        QVERIFY2(!init.isEmpty(), "demo init");
        qInfo() << "demo init (100k rows, with backfill):" << timer.elapsed() << "ms";
        const QJsonObject load = h.json(
            {QStringLiteral("demo"), QStringLiteral("load"), db, QStringLiteral("--seconds"), QStringLiteral("1")});
        const QString hot = load.value(QStringLiteral("hot_partition")).toString();
        QVERIFY2(!hot.isEmpty(), QJsonDocument(load).toJson().constData());
        QVERIFY(h.cli({QStringLiteral("scan"), uri}).exitCode == 0);

        // Writes of the hot partition: hourly, with the day and the week as cycles.
        const QJsonObject w =
            h.json({QStringLiteral("forecast"), uri, QStringLiteral("--table"), QStringLiteral("orders"),
                    QStringLiteral("--partition"), hot, QStringLiteral("--metric"), QStringLiteral("writes"),
                    QStringLiteral("--horizon"), QStringLiteral("48")});
        checkSteps(w, 48);
        QCOMPARE(w.value(QStringLiteral("stepMs")).toInteger(), 3600000);
        const QJsonArray periods = w.value(QStringLiteral("periods")).toArray();
        QVERIFY2(periods.contains(24) && periods.contains(168), QJsonDocument(w).toJson().constData());
        QVERIFY(w.value(QStringLiteral("holdoutMase")).isDouble());
        double lo = 1e300, hi = 0;
        for (const auto &v : w.value(QStringLiteral("forecast")).toArray()) {
            lo = std::min(lo, v.toObject().value(QStringLiteral("mean")).toDouble());
            hi = std::max(hi, v.toObject().value(QStringLiteral("mean")).toDouble());
        }
        QVERIFY2(hi > 2 * lo + 1, "a daily cycle, not a flat line");
        const QJsonObject planner = w.value(QStringLiteral("planner")).toObject();
        QVERIFY2(!planner.isEmpty(), QJsonDocument(w).toJson().constData());
        QVERIFY(!planner.value(QStringLiteral("basis")).toString().isEmpty());
        QVERIFY(planner.value(QStringLiteral("writesUntilBackup")).toDouble() > 0.0);
        const QJsonObject total = w.value(QStringLiteral("total")).toObject();
        QCOMPARE(total.value(QStringLiteral("unit")).toString(), QStringLiteral("writes"));
        const double tMean = total.value(QStringLiteral("mean")).toDouble();
        QVERIFY2(tMean > 0.0 && total.value(QStringLiteral("lower95")).toDouble() <= tMean &&
                     tMean <= total.value(QStringLiteral("upper95")).toDouble(),
                 QJsonDocument(total).toJson().constData());

        // A cold partition: no writes forecast.
        const QJsonObject scan = h.json({QStringLiteral("scan"), uri});
        QString cold;
        for (const auto &v : scan.value(QStringLiteral("scores")).toArray())
            if (v.toObject().value(QStringLiteral("partition")).toString() != hot)
                cold = v.toObject().value(QStringLiteral("partition")).toString();
        const QJsonObject c =
            h.json({QStringLiteral("forecast"), uri, QStringLiteral("--table"), QStringLiteral("orders"),
                    QStringLiteral("--partition"), cold, QStringLiteral("--metric"), QStringLiteral("writes"),
                    QStringLiteral("--horizon"), QStringLiteral("24")});
        checkSteps(c, 24);
        QVERIFY(c.value(QStringLiteral("total")).isObject());
        QVERIFY2(c.value(QStringLiteral("total")).toObject().value(QStringLiteral("mean")).toDouble() < 1.0,
                 QJsonDocument(c).toJson().constData());

        // Size, and a readable refusal for reads (SQLite cannot see them).
        const QJsonObject size =
            h.json({QStringLiteral("forecast"), uri, QStringLiteral("--table"), QStringLiteral("orders"),
                    QStringLiteral("--partition"), hot, QStringLiteral("--metric"), QStringLiteral("size"),
                    QStringLiteral("--horizon"), QStringLiteral("24")});
        checkSteps(size, 24);
        // --step takes its value as the next word, as --step=600 does.
        for (const QStringList &step : {QStringList{QStringLiteral("--step"), QStringLiteral("600")},
                                        QStringList{QStringLiteral("--step=600")}}) {
            const ProcessResult r = h.cli(
                QStringList{QStringLiteral("--json"), QStringLiteral("forecast"), uri, QStringLiteral("--table"),
                            QStringLiteral("orders"), QStringLiteral("--partition"), hot, QStringLiteral("--metric"),
                            QStringLiteral("size"), QStringLiteral("--horizon"), QStringLiteral("6")} +
                step);
            QVERIFY2(r.exitCode == 0, qPrintable(step.join(QLatin1Char(' ')) + QLatin1Char('\n') + describe(r)));
            const QJsonObject f = QJsonDocument::fromJson(r.out.toUtf8()).object();
            QCOMPARE(f.value(QStringLiteral("stepMs")).toInteger(), 600000);
            checkSteps(f, 6);
        }
        const ProcessResult reads =
            h.cli({QStringLiteral("forecast"), uri, QStringLiteral("--table"), QStringLiteral("orders"),
                   QStringLiteral("--partition"), hot, QStringLiteral("--metric"), QStringLiteral("reads"),
                   QStringLiteral("--horizon"), QStringLiteral("24")});
        QVERIFY2(reads.exitCode != 0 && reads.err.contains(QLatin1String("reads")), qPrintable(describe(reads)));
    }
};

QTEST_GUILESS_MAIN(TestForecastCli)
#include "tst_forecast_cli.moc"
