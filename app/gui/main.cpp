// tidemark: the desktop face of Tidemark. See docs/desktop.md.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLibraryInfo>
#include <QLocale>
#include <QTimer>
#include <QTranslator>

#include <cstdio>

#include "app_paths.h"
#include "engine_client.h"
#include "heatmap_legend.h"
#include "heatmap_page.h"
#include "host/connector_registry.h"
#include "main_window.h"
#include "plugin_loader.h"
#include "volatility_heatmap.h"

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("tidemark"));
    QApplication::setApplicationDisplayName(QStringLiteral("Tidemark"));
    QApplication::setOrganizationName(QStringLiteral("tidemark"));
    QApplication::setApplicationVersion(QStringLiteral(TIDEMARK_VERSION_STRING));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/tidemark.svg")));

    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("tidemark"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Watch partitions, review and approve plans, and watch them run."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption storeOption(QStringLiteral("store"),
                                         QApplication::translate("main", "Metadata store (default: %1).")
                                             .arg(tidemark::app::defaultStorePath()),
                                         QStringLiteral("path"));
    const QCommandLineOption demoOption(QStringLiteral("demo"),
                                        QApplication::translate("main", "Open the demo database at PATH, creating "
                                                                        "it if missing, and run its workload."),
                                        QStringLiteral("path"));
    const QCommandLineOption rowsOption(QStringLiteral("demo-rows"),
                                        QApplication::translate("main", "Rows of a newly created demo."),
                                        QStringLiteral("n"));
    const QCommandLineOption partsOption(QStringLiteral("demo-partitions"),
                                         QApplication::translate("main", "Partitions of a newly created demo."),
                                         QStringLiteral("n"));
    const QCommandLineOption loadOption(QStringLiteral("demo-seconds"),
                                        QApplication::translate("main", "How long the demo workload runs (0: none)."),
                                        QStringLiteral("s"), QStringLiteral("3600"));
    const QCommandLineOption intervalOption(QStringLiteral("scan-interval"),
                                            QApplication::translate("main", "Rescan every S seconds instead of the "
                                                                            "connection's sampling interval."),
                                            QStringLiteral("s"));
    const QCommandLineOption shotOption(QStringLiteral("screenshot"),
                                        QApplication::translate("main", "Save a PNG of the window once the heatmap "
                                                                        "has drawn N scans, then quit."),
                                        QStringLiteral("png"));
    const QCommandLineOption shotScansOption(QStringLiteral("screenshot-after"),
                                             QApplication::translate("main", "Scans to wait for before the screenshot."),
                                             QStringLiteral("n"), QStringLiteral("3"));
    const QCommandLineOption pageOption(QStringLiteral("page"),
                                        QApplication::translate("main", "Page to start on (1 = overview … 6 = connections)."),
                                        QStringLiteral("n"), QStringLiteral("1"));
    parser.addOptions({pageOption, storeOption, demoOption, rowsOption, partsOption, loadOption, intervalOption, shotOption,
                       shotScansOption});
    parser.process(app);

    tidemark::ui::EngineClient::Config config;
    config.who = tidemark::app::currentUser();
    for (const auto &p : tidemark::app::loadConnectorPlugins(config.registry))
        config.plugins.append({p.path, p.id, p.schemes, p.loaded, p.reason});
    tidemark::ui::EngineClient client(std::move(config));

    tidemark::ui::MainWindowOptions options;
    options.storePath = parser.isSet(storeOption) ? parser.value(storeOption) : tidemark::app::defaultStorePath();
    if (parser.isSet(demoOption))
        options.demoPath = QFileInfo(parser.value(demoOption)).absoluteFilePath();
    options.demoRows = parser.value(rowsOption).toInt();
    options.demoPartitions = parser.value(partsOption).toInt();
    options.demoLoadSeconds = parser.value(loadOption).toInt();
    options.scanIntervalSeconds = parser.value(intervalOption).toInt();
    if (options.scanIntervalSeconds <= 0 && !options.demoPath.isEmpty())
        options.scanIntervalSeconds = 3; // the demo should visibly move
    options.offerDemo = !parser.isSet(shotOption);

    tidemark::ui::MainWindow window(&client, options);
    window.showPage(tidemark::ui::MainWindow::Page(std::clamp(parser.value(pageOption).toInt(), 1, 6) - 1));
    window.show();

    if (parser.isSet(shotOption)) {
        // Unattended: say on stderr what went wrong instead of waiting silently.
        QObject::connect(&client, &tidemark::ui::EngineClient::failed, &window,
                         [](tidemark::ui::EngineOp, const tidemark::ui::EngineError &e) {
                             std::fprintf(stderr, "tidemark: %s\n", qPrintable(e.text()));
                         });
        const QString path = parser.value(shotOption);
        const int scans = std::max(1, parser.value(shotScansOption).toInt());
        if (!parser.isSet(pageOption))
            window.showPage(tidemark::ui::MainWindow::HeatmapIndex);
        QObject::connect(window.heatmapPage(), &tidemark::ui::HeatmapPage::heatmapUpdated, &window, [&window, path, scans] {
            if (window.heatmapPage()->scansShown() < scans)
                return;
            // Let the last repaint land before grabbing.
            QTimer::singleShot(200, &window, [&window, path] {
                auto *heatmap = window.heatmapPage()->heatmap();
                heatmap->fitTime();
                QApplication::processEvents();
                const bool ok = window.grab().save(path);
                // A sidecar saying where each partition's newest cell and the
                // legend's ramp are, so a test can check the drawn colours.
                QJsonArray rows;
                const auto &data = heatmap->data();
                const int last = data.columnCount() - 1;
                for (int r = 0; last >= 0 && r < data.rowCount(); ++r) {
                    const QRect cell = heatmap->cellRect(r, last);
                    if (!heatmap->viewport()->rect().contains(cell.center()))
                        continue;
                    const QPoint at = heatmap->viewport()->mapTo(&window, cell.center());
                    rows.append(QJsonObject{{QStringLiteral("partition"), data.rows()[r].name},
                                            {QStringLiteral("score"), double(data.score(r, last))},
                                            {QStringLiteral("x"), at.x()},
                                            {QStringLiteral("y"), at.y()}});
                }
                auto *legend = window.heatmapPage()->legend();
                const QRect ramp = legend->rampRect();
                const QPoint origin = legend->mapTo(&window, ramp.topLeft());
                const QJsonObject sidecar{{QStringLiteral("cells"), rows},
                                          {QStringLiteral("legend"),
                                           QJsonObject{{QStringLiteral("x"), origin.x()},
                                                       {QStringLiteral("y"), origin.y() + ramp.height() / 2},
                                                       {QStringLiteral("width"), ramp.width()}}}};
                QFile json(path + QStringLiteral(".json"));
                if (json.open(QIODevice::WriteOnly))
                    json.write(QJsonDocument(sidecar).toJson());
                std::printf("screenshot %s %s\n", qPrintable(path), ok ? "saved" : "FAILED");
                QApplication::exit(ok ? 0 : 1);
            });
        });
    }
    return QApplication::exec();
}
