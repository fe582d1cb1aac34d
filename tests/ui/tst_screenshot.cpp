// The real tidemark binary under Xvfb draws the demo's heatmap: it saves a
// PNG of its window (in this build folder) and the cells of the hot partition
// carry the legend's hot colour, those of a cold one the legend's cold colour.
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "test_support.h"
#include "ui_test_support.h"

class TestScreenshot : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void heatmapShowsHotAndColdInTheLegendsColours();
};

namespace {

int distance(QColor a, QColor b)
{
    return std::max({std::abs(a.red() - b.red()), std::abs(a.green() - b.green()), std::abs(a.blue() - b.blue())});
}

} // namespace

void TestScreenshot::heatmapShowsHotAndColdInTheLegendsColours()
{
    const QString xvfb = QStandardPaths::findExecutable(QStringLiteral("xvfb-run"));
    if (xvfb.isEmpty())
        QSKIP("xvfb-run is not installed (scripts/setup installs it)");
    QTemporaryDir dir;
    tidemark::test::Demo demo;
    QString error;
    QVERIFY2(tidemark::test::makeDemo(dir, 2, demo, error), qPrintable(error));
    const QString png = QStringLiteral(TIDEMARK_SCREENSHOT_PATH);
    QFile::remove(png);
    const auto result = tidemark::test::run(
        xvfb,
        {QStringLiteral("-a"), QStringLiteral("-s"), QStringLiteral("-screen 0 1400x900x24"),
         tidemark::test::binary(QStringLiteral("tidemark")), QStringLiteral("--store"), demo.store,
         QStringLiteral("--demo"), demo.database, QStringLiteral("--demo-seconds"), QStringLiteral("60"),
         QStringLiteral("--scan-interval"), QStringLiteral("1"), QStringLiteral("--screenshot"), png,
         QStringLiteral("--screenshot-after"), QStringLiteral("4")},
        {QStringLiteral("QT_QPA_PLATFORM=xcb"), QStringLiteral("XDG_CONFIG_HOME=") + dir.filePath(QStringLiteral("cfg")),
         QStringLiteral("XDG_DATA_HOME=") + dir.filePath(QStringLiteral("data")), QStringLiteral("LC_ALL=C")},
        180000);
    QVERIFY2(result.exitCode == 0, qPrintable(result.out + result.err));
    QImage image(png);
    QVERIFY2(!image.isNull(), qPrintable(png));
    QFile sidecar(png + QStringLiteral(".json"));
    QVERIFY(sidecar.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(sidecar.readAll()).object();
    const QJsonArray cells = json.value(QStringLiteral("cells")).toArray();
    QVERIFY(cells.size() >= 10);
    QJsonObject hot = cells.first().toObject(), cold = cells.first().toObject();
    for (const auto &v : cells) {
        const QJsonObject c = v.toObject();
        if (c.value(QStringLiteral("score")).toDouble() > hot.value(QStringLiteral("score")).toDouble())
            hot = c;
        if (c.value(QStringLiteral("score")).toDouble() < cold.value(QStringLiteral("score")).toDouble())
            cold = c;
    }
    QVERIFY2(hot.value(QStringLiteral("score")).toDouble() >= 60, "the demo's hot partition scores above 60");
    QVERIFY(cold.value(QStringLiteral("score")).toDouble() <= 20);

    const QJsonObject legend = json.value(QStringLiteral("legend")).toObject();
    auto legendColour = [&](double score) {
        // Stay inside the ramp's 1-pixel frame.
        const int left = legend.value(QStringLiteral("x")).toInt() + 1;
        const int width = legend.value(QStringLiteral("width")).toInt() - 3;
        const int x = left + int(width * score / 100.0);
        return QColor(image.pixel(std::clamp(x, 0, image.width() - 1), legend.value(QStringLiteral("y")).toInt()));
    };
    auto cellColour = [&](const QJsonObject &c) {
        return QColor(image.pixel(c.value(QStringLiteral("x")).toInt(), c.value(QStringLiteral("y")).toInt()));
    };
    const QColor hotCell = cellColour(hot), coldCell = cellColour(cold);
    const QColor hotLegend = legendColour(hot.value(QStringLiteral("score")).toDouble());
    const QColor coldLegend = legendColour(cold.value(QStringLiteral("score")).toDouble());
    QVERIFY2(distance(hotCell, hotLegend) <= 24, qPrintable(QStringLiteral("hot cell %1, legend %2")
                                                                 .arg(hotCell.name(), hotLegend.name())));
    QVERIFY2(distance(coldCell, coldLegend) <= 24, qPrintable(QStringLiteral("cold cell %1, legend %2")
                                                                   .arg(coldCell.name(), coldLegend.name())));
    QVERIFY(hotCell.red() > hotCell.blue() + 60);
    QVERIFY(coldCell.blue() > coldCell.red() + 60);
}

QTEST_GUILESS_MAIN(TestScreenshot)
#include "tst_screenshot.moc"
