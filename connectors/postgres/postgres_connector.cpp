#include "postgres_connector.h"

#include <fmt/format.h>

#include "pg_connection.h"
#include "pg_step_plan.h"
#include "pg_table_structure.h"
#include "pg_tables.h"

namespace tidemark::postgres {

PostgresConnector::PostgresConnector(std::unique_ptr<PgConnection> conn, std::string conninfo)
    : m_conn(std::move(conn))
    , m_conninfo(std::move(conninfo))
{
}

PostgresConnector::~PostgresConnector() = default;

Result<std::unique_ptr<PostgresConnector>> PostgresConnector::open(const std::string &conninfo)
{
    auto conn = PgConnection::open(conninfo);
    if (!conn)
        return tl::unexpected(conn.error());
    if ((*conn)->serverVersion() < 110000)
        return fail(ErrorCode::Unsupported,
                    fmt::format("PostgreSQL {} is too old: Tidemark needs 11 or later", (*conn)->serverVersion()),
                    "upgrade the server");
    return std::unique_ptr<PostgresConnector>(new PostgresConnector(std::move(*conn), conninfo));
}

ConnectorTraits PostgresConnector::traits() const
{
    ConnectorTraits t;
    t.readsCounted = true;
    t.adopt = false;
    t.transactionalSteps = false;
    t.stepKinds = {StepKind::Split, StepKind::Merge, StepKind::Copy, StepKind::Move, StepKind::Archive,
                   StepKind::Compact};
    t.limitations = {
        {"adopt",
         "converting a plain table into a partitioned one is not offered for PostgreSQL yet; use "
         "pg_partman or a manual migration"},
        {"transactionalSteps",
         "a split or merge copies in many short transactions so writers are never blocked "
         "for long; only the final swap, which records the step, is one transaction. An "
         "interrupted step leaves standalone tables that the next run resumes from, or that "
         "abandonStep() removes"},
    };
    return t;
}

Result<std::vector<PartitionedTable>> PostgresConnector::discover()
{
    auto tables = loadTables(*m_conn);
    if (!tables)
        return tl::unexpected(tables.error());
    std::vector<PartitionedTable> out;
    for (const auto &t : *tables)
        out.push_back(toModel(t));
    return out;
}

Result<PartitionedTable> PostgresConnector::describe(const std::string &table)
{
    auto t = loadTable(*m_conn, table);
    if (!t)
        return tl::unexpected(t.error());
    return toModel(*t);
}

std::string PostgresConnector::partitionNameFor(const std::string &table, const KeyRange &bounds, KeyType keyType) const
{
    // Resolve the name in the catalogue: a part may itself hold a dot, and
    // names stored before parts were quoted are joined with a plain dot.
    if (auto found = resolveTable(*m_conn, table); found && *found)
        return rangePartitionName((*found)->schema, (*found)->relname, bounds, keyType);
    return rangePartitionName(table, bounds, keyType);
}

Result<std::string> PostgresConnector::fingerprint(const std::string &table, const std::vector<std::string> &partitions)
{
    auto t = loadTableStructure(*m_conn, table);
    if (!t)
        return tl::unexpected(t.error());
    return structureFingerprint(*m_conn, *t, partitions);
}

Result<RowChecksum> PostgresConnector::checksum(const std::string &table, const KeyRange &range)
{
    const UnboundedStatements unbounded(*m_conn); // reads every row of the range
    auto t = loadTable(*m_conn, table);
    if (!t)
        return tl::unexpected(t.error());
    std::string where;
    if (range.lower || range.upper) {
        if (!t->typedKey())
            return fail(ErrorCode::Unsupported,
                        fmt::format("{} is partitioned by {}: a key range needs one integer, date or timestamp key "
                                    "column",
                                    t->name, t->keyDef),
                        "checksum the whole table (no range)");
        where = rangePredicate(*m_conn, t->keyColumns[0].name, range, *t->keyType);
    }
    return runChecksum(*m_conn, checksumSql(*m_conn, t->columns, m_conn->qualified(t->schema, t->relname), where));
}

Result<void> PostgresConnector::adopt(const AdoptRequest &request)
{
    return fail(ErrorCode::Unsupported,
                fmt::format("adopting {} is not offered by the PostgreSQL connector", request.table),
                "create a partitioned table and move the rows (pg_partman's partition_data_proc does this in batches)");
}

void PostgresConnector::cancel()
{
    m_conn->cancel();
}

std::string PostgresConnector::quoteIdentifier(std::string_view name) const
{
    return m_conn->quoteIdent(name);
}

std::string PostgresConnector::quoteLiteral(std::string_view value) const
{
    return m_conn->quoteLiteral(value);
}

std::string PostgresConnector::target() const
{
    return m_conn->target();
}

ConnectorFactory postgresConnectorFactory()
{
    return [](const std::string &uri) -> Result<std::unique_ptr<Connector>> {
        auto c = PostgresConnector::open(uri);
        if (!c)
            return tl::unexpected(c.error());
        return std::unique_ptr<Connector>(std::move(*c));
    };
}

} // namespace tidemark::postgres
