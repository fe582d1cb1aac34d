#include "plugin_loader.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QPluginLoader>
#include <QSet>

#include "connector_plugin.h"
#include "host/connector_registry.h"

namespace tidemark::app {

QStringList pluginSearchPath()
{
    QStringList dirs;
    const QString fromEnv = qEnvironmentVariable("TIDEMARK_PLUGIN_DIR");
    if (!fromEnv.isEmpty())
        dirs << fromEnv;
    if (!QCoreApplication::instance()) {
        dirs << QStringLiteral(TIDEMARK_BUILD_PLUGIN_DIR);
        return dirs;
    }
    // Relative to the executable, so an installed tree works wherever it was
    // unpacked. The build tree's plugins are only for the build tree's own
    // binaries: an installed copy must never pick up a developer's build.
    const QString exeDir = QCoreApplication::applicationDirPath();
    dirs << QDir::cleanPath(QDir(exeDir).filePath(QStringLiteral(TIDEMARK_RELATIVE_PLUGIN_DIR)));
    if (QFileInfo(exeDir).canonicalFilePath() == QFileInfo(QStringLiteral(TIDEMARK_BUILD_BIN_DIR)).canonicalFilePath())
        dirs << QStringLiteral(TIDEMARK_BUILD_PLUGIN_DIR);
    return dirs;
}

QList<PluginInfo> loadConnectorPlugins(ConnectorRegistry &registry)
{
    QList<PluginInfo> found;
    QSet<QString> seenIds;
    QSet<QString> seenPaths; // the same folder can be reached through several search entries
    for (const QString &dirPath : pluginSearchPath()) {
        const QDir dir(dirPath);
        if (!dir.exists())
            continue;
        const auto entries = dir.entryInfoList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo &file : entries) {
            if (!QLibrary::isLibrary(file.fileName()))
                continue;
            PluginInfo info;
            info.path = file.canonicalFilePath();
            if (seenPaths.contains(info.path))
                continue;
            seenPaths.insert(info.path);
            QPluginLoader loader(info.path);
            const QJsonObject meta = loader.metaData();
            const QJsonObject data = meta.value(QStringLiteral("MetaData")).toObject();
            info.id = data.value(QStringLiteral("id")).toString(file.baseName());
            for (const auto &s : data.value(QStringLiteral("schemes")).toArray())
                info.schemes << s.toString();
            const QString iid = meta.value(QStringLiteral("IID")).toString();
            const int api = data.value(QStringLiteral("apiVersion")).toInt(-1);
            if (meta.isEmpty()) {
                info.reason = QStringLiteral("not a Qt plugin (%1)").arg(loader.errorString());
            } else if (iid != QLatin1String(TidemarkConnectorPlugin_iid)) {
                info.reason = QStringLiteral("implements \"%1\", this Tidemark needs \"%2\"")
                                  .arg(iid, QLatin1String(TidemarkConnectorPlugin_iid));
            } else if (api != kConnectorApiVersion) {
                info.reason = QStringLiteral("built for connector API %1, this Tidemark needs %2; rebuild or "
                                             "update the plugin")
                                  .arg(api)
                                  .arg(kConnectorApiVersion);
            } else if (seenIds.contains(info.id)) {
                info.reason =
                    QStringLiteral("a connector with id \"%1\" was already loaded from an earlier folder").arg(info.id);
            } else if (auto *plugin = qobject_cast<ConnectorPlugin *>(loader.instance())) {
                registry.add(plugin->scheme(), plugin->factory(), info.path.toStdString());
                for (const QString &scheme : std::as_const(info.schemes))
                    if (scheme.toStdString() != plugin->scheme())
                        registry.add(scheme.toStdString(), plugin->factory(), info.path.toStdString());
                info.loaded = true;
                seenIds.insert(info.id);
            } else {
                info.reason = QStringLiteral("could not be loaded: %1").arg(loader.errorString());
            }
            found << info;
        }
    }
    return found;
}

} // namespace tidemark::app
