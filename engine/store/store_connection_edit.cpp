// Removing and renaming connections. A removed connection keeps its row
// (policy "removed") so its plans, steps and audit trail stay readable as
// history; what it measured (samples, scores, partition lifecycle, forecasts and
// their checks) goes.
#include <fmt/format.h>

#include "store/metadata_store.h"
#include "store/sqlite_statement.h"
#include "store/store_internal.h"

namespace tidemark {

using store::Statement;

namespace {

struct ConnectionRow {
    std::string uri;
    std::string name;
    std::string policy;
};

Result<ConnectionRow> connectionRow(sqlite3 *db, std::int64_t connectionId)
{
    auto stmt = Statement::prepare(db, "SELECT uri, name, policy FROM connections WHERE id = ?1");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId);
    auto row = stmt->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return fail(ErrorCode::NotFound, fmt::format("no connection {} in the metadata store", connectionId),
                    "list the connections again; it may have been removed elsewhere");
    return ConnectionRow{stmt->text(0), stmt->text(1), stmt->text(2)};
}

Result<void> runWithId(sqlite3 *db, const char *sql, std::int64_t connectionId)
{
    auto stmt = Statement::prepare(db, sql);
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId);
    return stmt->run();
}

} // namespace

Result<void> MetadataStore::removeConnection(std::int64_t connectionId, const std::string &who)
{
    return store::inTransaction(m_db, [&]() -> Result<void> {
        auto row = connectionRow(m_db, connectionId);
        if (!row)
            return tl::unexpected(row.error());
        if (row->policy == kRemovedPolicy)
            return fail(ErrorCode::NotFound, fmt::format("connection {} is already removed", row->uri));
        for (const char *sql :
             {"DELETE FROM samples WHERE connection_id = ?1", "DELETE FROM scores WHERE connection_id = ?1",
              "DELETE FROM latest_scores WHERE connection_id = ?1",
              "DELETE FROM partition_events WHERE connection_id = ?1", "DELETE FROM forecasts WHERE connection_id = ?1",
              "DELETE FROM model_choices WHERE connection_id = ?1"})
            if (auto r = runWithId(m_db, sql, connectionId); !r)
                return r;
        auto update = Statement::prepare(m_db, "UPDATE connections SET policy = ?2 WHERE id = ?1");
        if (!update)
            return tl::unexpected(update.error());
        update->bind(1, connectionId).bind(2, std::string(kRemovedPolicy));
        if (auto r = update->run(); !r)
            return r;
        AuditEntry entry;
        entry.who = who.empty() ? store::currentUser() : who;
        entry.action = "connection.removed";
        entry.detail = fmt::format("{}: removed (policy was {}); plans and audit kept", row->uri, row->policy);
        return audit(entry);
    });
}

Result<void> MetadataStore::renameConnection(std::int64_t connectionId, const std::string &name, const std::string &who)
{
    return store::inTransaction(m_db, [&]() -> Result<void> {
        auto row = connectionRow(m_db, connectionId);
        if (!row)
            return tl::unexpected(row.error());
        auto update = Statement::prepare(m_db, "UPDATE connections SET name = ?2 WHERE id = ?1");
        if (!update)
            return tl::unexpected(update.error());
        update->bind(1, connectionId).bind(2, name);
        if (auto r = update->run(); !r)
            return r;
        AuditEntry entry;
        entry.who = who.empty() ? store::currentUser() : who;
        entry.action = "connection.renamed";
        entry.detail = fmt::format("{}: name \"{}\" -> \"{}\"", row->uri, row->name, name);
        return audit(entry);
    });
}

} // namespace tidemark
