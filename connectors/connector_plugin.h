#pragma once
// Qt plugin glue shared by every connector plugin and the apps that load
// them. The glue is tiny: it hands out a tidemark::ConnectorFactory. The
// interface id is versioned; an older plugin is refused by its metadata
// before its library is ever loaded (see app/plugin_loader.cpp).
#include <QtPlugin>

#include "connector.h"

namespace tidemark {

class ConnectorPlugin {
public:
    virtual ~ConnectorPlugin() = default;
    /// URI scheme this plugin serves, e.g. "sqlite".
    virtual std::string scheme() const = 0;
    virtual ConnectorFactory factory() const = 0;
};

} // namespace tidemark

#define TidemarkConnectorPlugin_iid "org.tidemark.Connector/2"
Q_DECLARE_INTERFACE(tidemark::ConnectorPlugin, TidemarkConnectorPlugin_iid)
