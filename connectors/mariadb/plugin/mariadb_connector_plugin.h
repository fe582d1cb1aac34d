#pragma once
// Qt plugin glue for the MariaDB connector: metadata plus a factory.
#include <QObject>

#include "connector_plugin.h"

namespace tidemark::mariadb {

class MariaDbConnectorPlugin : public QObject, public tidemark::ConnectorPlugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TidemarkConnectorPlugin_iid FILE "mariadb.json")
    Q_INTERFACES(tidemark::ConnectorPlugin)

public:
    std::string scheme() const override;
    tidemark::ConnectorFactory factory() const override;
};

} // namespace tidemark::mariadb
