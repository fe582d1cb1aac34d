// The Forecasts page on the demo (offscreen): the history `demo init`
// backfilled, the forecast with its bands, the model and its hold-out MASE,
// computed off the GUI thread.
#include <QAreaSeries>
#include <QChart>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "engine_client.h"
#include "forecast_page.h"
#include "ui_test_support.h"

using namespace tidemark::ui;

class TestForecastPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsSeasonalForecastForTheDemo()
    {
        QTemporaryDir dir;
        tidemark::test::isolateSettings(dir);
        tidemark::test::Demo demo;
        QString error;
        QVERIFY2(tidemark::test::makeDemo(dir, 1, demo, error), qPrintable(error));
        auto client = tidemark::test::makeClient();
        QSignalSpy opened(client.get(), &EngineClient::storeOpened);
        client->openStore(demo.store);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 30000);

        ForecastPage page(client.get());
        page.resize(900, 600);
        page.show();
        QSignalSpy scanned(client.get(), &EngineClient::scanned);
        page.setConnection(demo.uri);
        QTRY_VERIFY_WITH_TIMEOUT(scanned.count() >= 1, 60000);
        QSignalSpy shown(&page, &ForecastPage::forecastShown);
        page.setHorizonHours(72);
        page.selectPartition(QStringLiteral("orders"), QString()); // the whole table
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, 120000);

        const ForecastPageResult &r = page.lastResult();
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.mean.size(), 72);
        QVERIFY2(r.history.size() >= 7 * 24, "the backfilled weeks are drawn");
        QVERIFY(!r.model.isEmpty());
        QVERIFY2(r.holdoutMase >= 0.0, "hold-out accuracy is measured");
        for (int i = 0; i < r.mean.size(); ++i) {
            QVERIFY(r.lower95[i].y() <= r.lower80[i].y() && r.lower80[i].y() <= r.mean[i].y());
            QVERIFY(r.mean[i].y() <= r.upper80[i].y() && r.upper80[i].y() <= r.upper95[i].y());
        }
        // The demo's office hours: the forecast is not flat over three days.
        double lo = 1e300, hi = 0.0;
        for (const QPointF &p : r.mean)
            lo = std::min(lo, p.y()), hi = std::max(hi, p.y());
        QVERIFY2(hi > 2.0 * lo + 1.0, qPrintable(QStringLiteral("%1 … %2").arg(lo).arg(hi)));
        QVERIFY(page.summaryText().contains(r.model));
        QVERIFY(page.summaryText().contains(QStringLiteral("MASE")));
        // Drawn: two bands, the history and the forecast line.
        int areas = 0, lines = 0;
        for (QAbstractSeries *s : page.chart()->series())
            (qobject_cast<QAreaSeries *>(s) ? areas : lines) += 1;
        QCOMPARE(areas, 2);
        QCOMPARE(lines, 2);
        if (const QString png = qEnvironmentVariable("TIDEMARK_FORECAST_PAGE_PNG"); !png.isEmpty())
            QVERIFY(page.grab().save(png));
    }
};

QTEST_MAIN(TestForecastPage)
#include "tst_forecast_page.moc"
