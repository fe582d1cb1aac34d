#include "mariadb_connector_plugin.h"

#include "mariadb_connector.h"

namespace tidemark::mariadb {

// "mysql" is registered too, from the metadata's "schemes" list.
std::string MariaDbConnectorPlugin::scheme() const
{
    return "mariadb";
}

tidemark::ConnectorFactory MariaDbConnectorPlugin::factory() const
{
    return mariadbConnectorFactory();
}

} // namespace tidemark::mariadb
