#include "mariadb_connector.h"

#include <fmt/format.h>

#include "maria_connection.h"
#include "maria_tables.h"
#include "model/key_value.h"

namespace tidemark::mariadb {

MariaDbConnector::MariaDbConnector(std::unique_ptr<MariaConnection> conn)
    : m_conn(std::move(conn))
{
}

MariaDbConnector::~MariaDbConnector() = default;

Result<std::unique_ptr<MariaDbConnector>> MariaDbConnector::open(const std::string &uri)
{
    auto parsed = parseMariaUri(uri);
    if (!parsed)
        return tl::unexpected(parsed.error());
    if (parsed->database.empty())
        return fail(ErrorCode::InvalidArgument, fmt::format("{}: the URI names no database", parsed->target()),
                    "add the database as the path: mariadb://user@host:port/database");
    auto conn = MariaConnection::open(*parsed);
    if (!conn)
        return tl::unexpected(conn.error());
    if ((*conn)->serverVersion() < 100500)
        return fail(ErrorCode::Unsupported,
                    fmt::format("MariaDB/MySQL server {} is too old: Tidemark needs MariaDB 10.5 or later",
                                (*conn)->serverVersion()),
                    "upgrade the server");
    return std::unique_ptr<MariaDbConnector>(new MariaDbConnector(std::move(*conn)));
}

ConnectorTraits MariaDbConnector::traits() const
{
    ConnectorTraits t;
    t.readsCounted = false;
    t.adopt = false;
    t.transactionalSteps = false;
    t.stepKinds = {StepKind::Split, StepKind::Merge};
    t.limitations = {
        {"readsCounted",
         "MariaDB counts no reads per partition; activity is InnoDB's count of modified rows per "
         "partition (information_schema.INNODB_SYS_TABLESTATS)"},
        {"adopt",
         "converting a plain table into a partitioned one is not offered for MariaDB; use ALTER TABLE … "
         "PARTITION BY RANGE"},
        {"transactionalSteps",
         "MariaDB's partition DDL commits on its own; a split or merge records its start and its end in "
         "tidemark_steps around one atomic REORGANIZE PARTITION, and recovery reads the partition layout"},
        {"changeCapture", "reading the binary log is not wired up yet"},
    };
    return t;
}

Result<std::vector<PartitionedTable>> MariaDbConnector::discover()
{
    auto tables = loadTables(*m_conn);
    if (!tables)
        return tl::unexpected(tables.error());
    std::vector<PartitionedTable> out;
    for (const auto &t : *tables)
        out.push_back(toModel(t));
    return out;
}

Result<PartitionedTable> MariaDbConnector::describe(const std::string &table)
{
    auto t = loadTable(*m_conn, table);
    if (!t)
        return tl::unexpected(t.error());
    return toModel(*t);
}

std::string MariaDbConnector::partitionNameFor(const std::string &table, const KeyRange &bounds, KeyType keyType) const
{
    auto frag = [keyType](const std::optional<KeyValue> &v, const char *open) {
        if (!v)
            return std::string(open);
        return *v < 0 ? "m" + keyNameFragment(-*v, keyType) : keyNameFragment(*v, keyType);
    };
    // Partition names are at most 64 characters and need not repeat the table.
    (void)table;
    std::string name = fmt::format("p{}_{}", frag(bounds.lower, "min"), frag(bounds.upper, "max"));
    if (name.size() > 64)
        name = name.substr(0, 64);
    return name;
}

Result<std::string> MariaDbConnector::fingerprint(const std::string &table, const std::vector<std::string> &partitions)
{
    auto t = loadTable(*m_conn, table);
    if (!t)
        return tl::unexpected(t.error());
    return structureFingerprint(*m_conn, *t, partitions);
}

Result<RowChecksum> MariaDbConnector::checksum(const std::string &table, const KeyRange &range)
{
    auto t = loadTable(*m_conn, table);
    if (!t)
        return tl::unexpected(t.error());
    std::string where;
    if (range.lower || range.upper) {
        if (!t->keyType)
            return fail(ErrorCode::Unsupported,
                        fmt::format("{} is partitioned by {}: a key range needs one integer, date or time key", t->name,
                                    t->expression),
                        "checksum the whole table (no range)");
        where = rangePredicate(*m_conn, *t, range);
    }
    (void)m_conn->exec("SET SESSION max_statement_time = 0");
    auto sum = runChecksum(*m_conn, checksumSql(*m_conn, t->columns, m_conn->quoteIdent(t->name), where));
    (void)m_conn->exec(fmt::format("SET SESSION max_statement_time = {}", kDefaultStatementSeconds));
    return sum;
}

Result<void> MariaDbConnector::adopt(const AdoptRequest &request)
{
    return fail(ErrorCode::Unsupported,
                fmt::format("adopting {} is not offered by the MariaDB connector", request.table),
                "partition it with ALTER TABLE … PARTITION BY RANGE (…) (it rewrites the table)");
}

void MariaDbConnector::cancel()
{
    m_conn->cancel();
}

std::string MariaDbConnector::quoteIdentifier(std::string_view name) const
{
    return m_conn->quoteIdent(name);
}

std::string MariaDbConnector::quoteLiteral(std::string_view value) const
{
    return m_conn->quoteLiteral(value);
}

std::string MariaDbConnector::target() const
{
    return m_conn->target();
}

ConnectorFactory mariadbConnectorFactory()
{
    return [](const std::string &uri) -> Result<std::unique_ptr<Connector>> {
        auto c = MariaDbConnector::open(uri);
        if (!c)
            return tl::unexpected(c.error());
        return std::unique_ptr<Connector>(std::move(*c));
    };
}

} // namespace tidemark::mariadb
