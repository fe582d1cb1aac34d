// The heatmap widget on its own: colours follow the legend's ramp, a click
// selects a row, keys zoom, an appended sample repaints only its column.
#include <QSignalSpy>
#include <QtTest>

#include "heatmap_legend.h"
#include "partition_layout_strip.h"
#include "score_color_ramp.h"
#include "volatility_heatmap.h"

using namespace tidemark::widgets;

class TestHeatmapWidget : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rampRunsColdToHot();
    void cellsCarryTheirScoreColour();
    void clickSelectsAndKeysZoom();
    void appendAddsAColumn();
    void gapsInTimeAreMarked();
    void stripShowsBothLayouts();

private:
    static HeatmapData sample(int rows, int columns);
};

HeatmapData TestHeatmapWidget::sample(int rows, int columns)
{
    QList<HeatmapRow> r;
    for (int i = 0; i < rows; ++i)
        r.append({QStringLiteral("p%1").arg(i), QStringLiteral("[%1, %2)").arg(i * 10).arg(i * 10 + 10), 100, 4096});
    QList<qint64> t;
    for (int c = 0; c < columns; ++c)
        t.append(1'700'000'000'000LL + c * 1000);
    HeatmapData d(r, t);
    for (int i = 0; i < rows; ++i)
        for (int c = 0; c < columns; ++c)
            d.setCell(i, c, i == 0 ? 100.f : 0.f, i == 0 ? 50.f : 0.f, 1.f);
    return d;
}

void TestHeatmapWidget::rampRunsColdToHot()
{
    const QColor cold = ScoreColorRamp::cold();
    const QColor hot = ScoreColorRamp::hot();
    QVERIFY(cold.blue() > cold.red() + 60);
    QVERIFY(hot.red() > hot.blue() + 60);
    // Both ends keep contrast against white and black backgrounds.
    for (const QColor &c : {cold, hot}) {
        QVERIFY(c.lightness() > 40);
        QVERIFY(c.lightness() < 200);
    }
    QCOMPARE(ScoreColorRamp::color(150), hot); // clamped
}

void TestHeatmapWidget::cellsCarryTheirScoreColour()
{
    VolatilityHeatmap w;
    w.resize(400, 300);
    w.setData(sample(5, 10));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QImage image = w.viewport()->grab().toImage();
    const QPoint hot = w.cellRect(0, 9).center();
    const QPoint cold = w.cellRect(3, 9).center();
    QCOMPARE(QColor(image.pixel(hot)), ScoreColorRamp::hot());
    QCOMPARE(QColor(image.pixel(cold)), ScoreColorRamp::cold());
    QVERIFY(w.cellDescription(0, 9).contains(QStringLiteral("p0")));
    QVERIFY(w.cellDescription(0, 9).contains(QStringLiteral("[0, 10)")));
}

void TestHeatmapWidget::clickSelectsAndKeysZoom()
{
    VolatilityHeatmap w;
    w.resize(400, 300);
    w.setData(sample(5, 10));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy selected(&w, &VolatilityHeatmap::partitionSelected);
    QTest::mouseClick(w.viewport(), Qt::LeftButton, {}, w.cellRect(2, 3).center());
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.first().at(1).toString(), QStringLiteral("p2"));
    QTest::keyClick(&w, Qt::Key_Down);
    QCOMPARE(w.selectedPartition(), QStringLiteral("p3"));
    const double before = w.columnWidth();
    QTest::keyClick(&w, Qt::Key_Plus);
    QVERIFY(w.columnWidth() > before);
    QTest::keyClick(&w, Qt::Key_Minus);
    QTest::keyClick(&w, Qt::Key_Minus);
    QVERIFY(w.columnWidth() < before);
}

void TestHeatmapWidget::appendAddsAColumn()
{
    VolatilityHeatmap w;
    w.resize(400, 300);
    w.setData(sample(5, 10));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.appendColumn(1'700'000'100'000LL, {0.f, 100.f, 0.f, 0.f, 0.f});
    QCOMPARE(w.data().columnCount(), 11);
    QCOMPARE(w.data().score(1, 10), 100.f);
    QCOMPARE(w.data().score(1, 9), 0.f);
    const QImage image = w.viewport()->grab().toImage();
    QCOMPARE(QColor(image.pixel(w.cellRect(1, 10).center())), ScoreColorRamp::hot());
}

// Hours without samples (the desktop was closed) are marked where they
// fall instead of drawing the columns on either side as adjacent.
void TestHeatmapWidget::gapsInTimeAreMarked()
{
    QList<HeatmapRow> rows{{QStringLiteral("p0"), QStringLiteral("[0, 10)"), 100, 4096}};
    QList<qint64> times;
    for (int c = 0; c < 10; ++c)
        times.append(1'700'000'000'000LL + c * 60'000);
    for (int c = 0; c < 5; ++c)
        times.append(1'700'000'000'000LL + 9 * 60'000 + 3 * 3'600'000 + c * 60'000);
    HeatmapData d(rows, times);
    for (int c = 0; c < d.columnCount(); ++c)
        d.setCell(0, c, 100.f);
    QCOMPARE(d.typicalIntervalMs(), 60'000);
    for (int c = 0; c < d.columnCount(); ++c)
        QCOMPARE(d.gapBefore(c), c == 10);
    // Too few columns to know what is usual: nothing is a gap.
    QVERIFY(!HeatmapData(rows, {0, 1000, 900'000}).gapBefore(2));

    VolatilityHeatmap w;
    w.resize(400, 200);
    w.setData(d);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QImage image = w.viewport()->grab().toImage();
    const QRect before = w.cellRect(0, 9), after = w.cellRect(0, 10), plain = w.cellRect(0, 5);
    QCOMPARE(QColor(image.pixel(after.center())), ScoreColorRamp::hot());
    QVERIFY(QColor(image.pixel(after.left(), after.center().y())) != ScoreColorRamp::hot());
    QCOMPARE(QColor(image.pixel(plain.left(), plain.center().y())), ScoreColorRamp::hot());
    QVERIFY(before.right() < after.left() + 1);
    QVERIFY2(w.cellDescription(0, 10).contains(QStringLiteral("No samples between")),
             qPrintable(w.cellDescription(0, 10)));
    QVERIFY(!w.cellDescription(0, 9).contains(QStringLiteral("No samples between")));
}

void TestHeatmapWidget::stripShowsBothLayouts()
{
    PartitionLayoutStrip strip;
    strip.resize(400, strip.sizeHint().height());
    strip.setLayouts({{QStringLiteral("a"), QStringLiteral("[0, 10)"), 0, 10, 90, true}},
                     {{QStringLiteral("a1"), QStringLiteral("[0, 2)"), 0, 2, 95, true},
                      {QStringLiteral("a2"), QStringLiteral("[2, 10)"), 2, 10, 5, true}});
    strip.show();
    QVERIFY(QTest::qWaitForWindowExposed(&strip));
    QCOMPARE(strip.after().size(), 2);
    const QImage image = strip.grab().toImage();
    QVERIFY(!image.isNull());
}

QTEST_MAIN(TestHeatmapWidget)
#include "tst_heatmap_widget.moc"
