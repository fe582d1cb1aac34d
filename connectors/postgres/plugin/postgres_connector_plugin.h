#pragma once
// Qt plugin glue for the PostgreSQL connector: metadata plus a factory.
#include <QObject>

#include "connector_plugin.h"

namespace tidemark::postgres {

class PostgresConnectorPlugin : public QObject, public tidemark::ConnectorPlugin {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TidemarkConnectorPlugin_iid FILE "postgres.json")
    Q_INTERFACES(tidemark::ConnectorPlugin)

public:
    std::string scheme() const override;
    tidemark::ConnectorFactory factory() const override;
};

} // namespace tidemark::postgres
