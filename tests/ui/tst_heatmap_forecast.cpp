// From the heatmap to a partition's forecast (offscreen, on the demo): Enter
// on the selected row, a double-click, the context menu and Enter in the
// partition table open the Forecasts page for that partition, which shows
// the checks of its recorded forecasts; the Overview counts the partitions
// whose forecasts keep missing.
#include <QAction>
#include <QDateTime>
#include <QMenu>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include "engine_client.h"
#include "forecast_page.h"
#include "heatmap_page.h"
#include "main_window.h"
#include "overview_page.h"
#include "ui_test_support.h"
#include "volatility_heatmap.h"

using namespace tidemark::ui;

namespace {

/// Runs SQL on the metadata store; the first column of the last row as text.
QString sql(const QString &file, const QString &statement)
{
    sqlite3 *db = nullptr;
    QString value;
    if (sqlite3_open(file.toUtf8().constData(), &db) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(db, statement.toUtf8().constData(), -1, &stmt, nullptr) == SQLITE_OK) {
            while (sqlite3_step(stmt) == SQLITE_ROW)
                value = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
            sqlite3_finalize(stmt);
        } else {
            qWarning("%s: %s", qPrintable(statement), sqlite3_errmsg(db));
        }
    }
    if (db)
        sqlite3_close(db);
    return value;
}

} // namespace

class TestHeatmapForecast : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void activatingAPartitionShowsItsForecast()
    {
        QTemporaryDir dir;
        tidemark::test::isolateSettings(dir);
        tidemark::test::Demo demo;
        QString error;
        QVERIFY2(tidemark::test::makeDemo(dir, 1, demo, error), qPrintable(error));

        // Five whole-day forecasts of one partition in the backfilled history,
        // far above what its samples hold: the first scan checks them.
        const QString tracked =
            sql(demo.store, QStringLiteral("SELECT partition FROM samples ORDER BY partition LIMIT 1"));
        QVERIFY(!tracked.isEmpty());
        const qint64 hour = 3600000;
        const qint64 end = QDateTime::currentMSecsSinceEpoch() / hour * hour - 3 * hour;
        for (int k = 4; k >= 0; --k)
            sql(demo.store,
                QStringLiteral("INSERT INTO forecasts(connection_id, table_name, partition, metric, "
                               "window_start_ms, window_end_ms, predicted, lower95, upper95, model, made_ms) "
                               "SELECT id, 'orders', '%1', 'writes', %2, %3, 1e9, 9e8, 1.1e9, 'Naive', %2 "
                               "FROM connections")
                    .arg(tracked)
                    .arg(end - (k + 1) * 24 * hour)
                    .arg(end - k * 24 * hour));
        QCOMPARE(sql(demo.store, QStringLiteral("SELECT count(*) FROM forecasts")), QStringLiteral("5"));

        auto client = tidemark::test::makeClient();
        MainWindowOptions options;
        options.storePath = demo.store;
        options.offerDemo = false;
        options.scanIntervalSeconds = 3600; // one scan on connecting; the test drives the rest
        MainWindow window(client.get(), options);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_COMPARE_WITH_TIMEOUT(window.currentConnection(), demo.uri, 30000);
        HeatmapPage *page = window.heatmapPage();
        auto *heatmap = page->heatmap();
        QTRY_COMPARE_WITH_TIMEOUT(heatmap->data().rowCount(), 40, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.overviewPage()->forecastTrackingText().contains(QLatin1String("checked: 1; keep missing: 1")), 30000);
        QVERIFY2(window.overviewPage()->forecastTrackingText().contains(QStringLiteral("orders.") + tracked),
                 qPrintable(window.overviewPage()->forecastTrackingText()));

        // Keyboard: select the partition's row, Enter.
        ForecastPage *forecasts = window.forecastPage();
        QSignalSpy shown(forecasts, &ForecastPage::forecastShown);
        window.showPage(MainWindow::HeatmapIndex);
        heatmap->setFocus();
        heatmap->selectPartition(tracked);
        QCOMPARE(heatmap->selectedPartition(), tracked);
        QTest::keyClick(heatmap, Qt::Key_Return);
        QCOMPARE(window.currentPage(), MainWindow::ForecastsIndex);
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 1, 120000);
        const ForecastPageResult &r = forecasts->lastResult();
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.table, QStringLiteral("orders"));
        QCOMPARE(r.partition, tracked);
        QCOMPARE(r.trackedChecks, 5);
        QCOMPARE(r.trackedMisses, 5);
        QVERIFY(r.keepsMissing);
        QVERIFY2(forecasts->plannerText().contains(QLatin1String("reactive rules apply")),
                 qPrintable(forecasts->plannerText()));
        QVERIFY2(forecasts->trackingText().contains(QLatin1String("5 checked, 5 outside")),
                 qPrintable(forecasts->trackingText()));

        // Mouse: a double-click on another partition's row label.
        window.showPage(MainWindow::HeatmapIndex);
        const int trackedRow = heatmap->data().rowOf(tracked);
        const int row = (trackedRow + 7) % 40;
        const QString other = heatmap->data().rows()[row].name;
        QVERIFY(other != tracked);
        const QPoint at(4, heatmap->cellRect(row, 0).center().y());
        const int before = shown.count();
        QTest::mouseDClick(heatmap->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(window.currentPage(), MainWindow::ForecastsIndex);
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() > before, 120000);
        QCOMPARE(forecasts->lastResult().partition, other);
        QCOMPARE(forecasts->lastResult().trackedChecks, 0);
        QVERIFY2(forecasts->trackingText().contains(QLatin1String("none checked yet")),
                 qPrintable(forecasts->trackingText()));

        // Context menu: "Forecast this partition" on a third row.
        window.showPage(MainWindow::HeatmapIndex);
        const int third = (trackedRow + 12) % 40;
        const int beforeMenu = shown.count();
        Q_EMIT heatmap->customContextMenuRequested(QPoint(4, heatmap->cellRect(third, 0).center().y()));
        QMenu *menu = nullptr;
        QTRY_VERIFY((menu = heatmap->viewport()->findChild<QMenu *>()) != nullptr);
        // The forecast first, then (after a separator) copy and move to a node.
        QCOMPARE(menu->actions().size(), 4);
        QCOMPARE(menu->actions().front()->text(), QStringLiteral("&Forecast this partition"));
        QCOMPARE(menu->actions().at(2)->objectName(), QStringLiteral("copyToNode"));
        QCOMPARE(menu->actions().at(3)->objectName(), QStringLiteral("moveToNode"));
        menu->actions().front()->trigger();
        menu->close();
        QCOMPARE(window.currentPage(), MainWindow::ForecastsIndex);
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() > beforeMenu, 120000);
        QCOMPARE(forecasts->lastResult().partition, heatmap->data().rows()[third].name);

        // Keyboard in the partition table below the heatmap: Enter on a row.
        window.showPage(MainWindow::HeatmapIndex);
        auto *table = page->findChild<QTableView *>();
        QVERIFY(table);
        const int fourth = (trackedRow + 20) % 40;
        table->setFocus();
        table->setCurrentIndex(table->model()->index(fourth, 0));
        const int beforeTable = shown.count();
        QTest::keyClick(table, Qt::Key_Return);
        QCOMPARE(window.currentPage(), MainWindow::ForecastsIndex);
        QTRY_VERIFY_WITH_TIMEOUT(shown.count() > beforeTable, 120000);
        QCOMPARE(forecasts->lastResult().partition, heatmap->data().rows()[fourth].name);
    }
};

QTEST_MAIN(TestHeatmapForecast)
#include "tst_heatmap_forecast.moc"
