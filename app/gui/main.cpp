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
#include <QSet>
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

namespace {

/// The command line of the desktop app. Built twice: once untranslated before
/// any application object exists (to see whether a window is wanted at all),
/// then with translations installed for the real parse.
struct GuiOptions {
    QCommandLineOption store{
        QStringLiteral("store"),
        QCoreApplication::translate("main", "Metadata store (default: %1).").arg(tidemark::app::defaultStorePath()),
        QStringLiteral("path")};
    QCommandLineOption demo{QStringLiteral("demo"),
                            QCoreApplication::translate("main",
                                                        "Open the demo database at PATH, creating "
                                                        "it if missing, and run its workload."),
                            QStringLiteral("path")};
    QCommandLineOption demoLog{QStringLiteral("demo-log"),
                               QCoreApplication::translate("main",
                                                           "The demo at --demo is the event-log demo (log segments "
                                                           "to compact and archive), without a workload.")};
    QCommandLineOption rows{QStringLiteral("demo-rows"),
                            QCoreApplication::translate("main", "Rows of a newly created demo."), QStringLiteral("n")};
    QCommandLineOption parts{QStringLiteral("demo-partitions"),
                             QCoreApplication::translate("main", "Partitions of a newly created demo."),
                             QStringLiteral("n")};
    QCommandLineOption load{QStringLiteral("demo-seconds"),
                            QCoreApplication::translate("main", "How long the demo workload runs (0: none)."),
                            QStringLiteral("s"), QStringLiteral("3600")};
    QCommandLineOption interval{QStringLiteral("scan-interval"),
                                QCoreApplication::translate("main",
                                                            "Rescan every S seconds instead of the "
                                                            "connection's sampling interval."),
                                QStringLiteral("s")};
    QCommandLineOption shot{QStringLiteral("screenshot"),
                            QCoreApplication::translate("main",
                                                        "Save a PNG of the window once the heatmap "
                                                        "has drawn N scans, then quit."),
                            QStringLiteral("png")};
    QCommandLineOption shotScans{QStringLiteral("screenshot-after"),
                                 QCoreApplication::translate("main", "Scans to wait for before the screenshot."),
                                 QStringLiteral("n"), QStringLiteral("3")};
    QCommandLineOption page{
        QStringLiteral("page"),
        QCoreApplication::translate("main", "Page to start on (1 = overview … 9 = nodes)."),
        QStringLiteral("n"), QStringLiteral("1")};

    void addTo(QCommandLineParser &parser) const
    {
        parser.setApplicationDescription(
            QCoreApplication::translate("main", "Watch partitions, review and approve plans, and watch them run."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({page, store, demo, demoLog, rows, parts, load, interval, shot, shotScans});
    }
};

/// The arguments without QGuiApplication's and QApplication's own options
/// (-platform offscreen, -style fusion, …), which a QApplication takes out of
/// argv itself; without one, they would read as unknown options.
QStringList withoutQtGuiOptions(int argc, char **argv)
{
    const auto set = [](const QString &words) {
        const QStringList list = words.split(u' ');
        return QSet<QString>(list.begin(), list.end());
    };
    static const QSet<QString> withValue =
        set(QStringLiteral("platform platformpluginpath platformtheme plugin qwindowgeometry geometry qwindowtitle "
                           "title qwindowicon icon session display name style stylesheet dialogs"));
    static const QSet<QString> flags =
        set(QStringLiteral("reverse testability widgetcount nograb dograb sync qmljsdebugger"));
    QStringList out;
    for (int i = 0; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (i == 0 || !arg.startsWith(u'-') || arg == u"-") {
            out << arg;
            continue;
        }
        if (arg == u"--") {
            for (; i < argc; ++i)
                out << QString::fromLocal8Bit(argv[i]);
            break;
        }
        const QString name = arg.mid(arg.startsWith(QStringLiteral("--")) ? 2 : 1);
        const QString key = name.section(u'=', 0, 0);
        if (withValue.contains(key)) {
            if (!name.contains(u'='))
                ++i; // its value
            continue;
        }
        if (flags.contains(key))
            continue;
        out << arg;
    }
    return out;
}

/// True when the command line only asks for text (--help, --version) or is
/// malformed: then the answer is printed without opening a display.
bool answersWithoutWindow(const QStringList &arguments)
{
    QCommandLineParser probe;
    GuiOptions().addTo(probe);
    if (!probe.parse(arguments))
        return true;
    for (const QString &name : probe.optionNames())
        if (name == u"h" || name == u"help" || name == u"?" || name == u"help-all" || name == u"v" ||
            name == u"version")
            return true;
    return false;
}

void installTranslators(QTranslator &qt, QTranslator &tidemark)
{
    if (qt.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&qt);
    // Installed .qm files first (a package may ship newer ones), the built-in copy otherwise.
    if (tidemark.load(QLocale(), QStringLiteral("tidemark"), QStringLiteral("_"),
                      tidemark::app::installedTranslationsDir()) ||
        tidemark.load(QLocale(), QStringLiteral("tidemark"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&tidemark);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication::setApplicationName(QStringLiteral("tidemark"));
    QCoreApplication::setOrganizationName(QStringLiteral("tidemark"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TIDEMARK_VERSION_STRING));
    // --help and --version must work over ssh, in a container, in a package
    // build: a QApplication would abort there for want of a display.
    const QStringList arguments = withoutQtGuiOptions(argc, argv);
    if (answersWithoutWindow(arguments)) {
        QCoreApplication app(argc, argv);
        QTranslator qtTranslator, translator;
        installTranslators(qtTranslator, translator);
        QCommandLineParser parser;
        const GuiOptions options;
        options.addTo(parser);
        parser.process(arguments); // prints the answer (or the error) and exits
        return 0;
    }

    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("Tidemark"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/tidemark.svg")));

    QTranslator qtTranslator, translator;
    installTranslators(qtTranslator, translator);

    QCommandLineParser parser;
    const GuiOptions cli;
    cli.addTo(parser);
    parser.process(app);

    tidemark::ui::EngineClient::Config config;
    config.who = tidemark::app::currentUser();
    for (const auto &p : tidemark::app::loadConnectorPlugins(config.registry))
        config.plugins.append({p.path, p.id, p.schemes, p.loaded, p.reason});
    tidemark::ui::EngineClient client(std::move(config));

    tidemark::ui::MainWindowOptions options;
    options.storePath = parser.isSet(cli.store) ? parser.value(cli.store) : tidemark::app::defaultStorePath();
    if (parser.isSet(cli.demo))
        options.demoPath = QFileInfo(parser.value(cli.demo)).absoluteFilePath();
    options.demoLog = parser.isSet(cli.demoLog);
    options.demoRows = parser.value(cli.rows).toInt();
    options.demoPartitions = parser.value(cli.parts).toInt();
    options.demoLoadSeconds = parser.value(cli.load).toInt();
    options.scanIntervalSeconds = parser.value(cli.interval).toInt();
    if (options.scanIntervalSeconds <= 0 && !options.demoPath.isEmpty())
        options.scanIntervalSeconds = 3; // the demo should visibly move
    options.offerDemo = !parser.isSet(cli.shot);

    tidemark::ui::MainWindow window(&client, options);
    window.showPage(tidemark::ui::MainWindow::Page(
        std::clamp(parser.value(cli.page).toInt(), 1, int(tidemark::ui::MainWindow::PageCount)) - 1));
    window.show();

    if (parser.isSet(cli.shot)) {
        // Unattended: say on stderr what went wrong instead of waiting silently.
        QObject::connect(&client, &tidemark::ui::EngineClient::failed, &window,
                         [](tidemark::ui::EngineOp, const tidemark::ui::EngineError &e) {
                             std::fprintf(stderr, "tidemark: %s\n", qPrintable(e.text()));
                         });
        const QString path = parser.value(cli.shot);
        const int scans = std::max(1, parser.value(cli.shotScans).toInt());
        if (!parser.isSet(cli.page))
            window.showPage(tidemark::ui::MainWindow::HeatmapIndex);
        QObject::connect(
            window.heatmapPage(), &tidemark::ui::HeatmapPage::heatmapUpdated, &window, [&window, path, scans] {
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
