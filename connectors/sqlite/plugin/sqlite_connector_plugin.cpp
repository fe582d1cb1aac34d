#include "sqlite_connector_plugin.h"

#include "sqlite_connector.h"

namespace tidemark::sqlite {

std::string SqliteConnectorPlugin::scheme() const { return "sqlite"; }

tidemark::ConnectorFactory SqliteConnectorPlugin::factory() const { return sqliteConnectorFactory(); }

} // namespace tidemark::sqlite
