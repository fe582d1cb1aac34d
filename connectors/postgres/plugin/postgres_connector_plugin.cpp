#include "postgres_connector_plugin.h"

#include "postgres_connector.h"

namespace tidemark::postgres {

// "postgres" is registered too, from the metadata's "schemes" list.
std::string PostgresConnectorPlugin::scheme() const
{
    return "postgresql";
}

tidemark::ConnectorFactory PostgresConnectorPlugin::factory() const
{
    return postgresConnectorFactory();
}

} // namespace tidemark::postgres
