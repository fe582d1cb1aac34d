#pragma once
// Connector plugin discovery shared by tidemark and tidemark-cli. Metadata is
// read before a library is loaded; a plugin with another interface id or API
// version is listed with the reason and never loaded.
#include <QList>
#include <QString>
#include <QStringList>

namespace tidemark {
class ConnectorRegistry;
}

namespace tidemark::app {

struct PluginInfo {
    QString path;
    QString id;
    QStringList schemes;
    bool loaded = false;
    QString reason; ///< why it was refused, when !loaded
};

/// Directories searched, in order: $TIDEMARK_PLUGIN_DIR, the installed
/// plugin folder relative to the executable (lib/tidemark/connectors under
/// the prefix the binary runs from), and the build tree's plugin folder when
/// the executable is the build tree's own.
QStringList pluginSearchPath();

/// Loads every acceptable connector plugin into `registry`; returns what was
/// found, loaded or refused.
QList<PluginInfo> loadConnectorPlugins(ConnectorRegistry &registry);

} // namespace tidemark::app
