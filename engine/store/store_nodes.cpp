// The node catalogue in the metadata store.
#include <fmt/format.h>

#include "store/metadata_store.h"
#include "store/sqlite_statement.h"
#include "store/store_internal.h"

namespace tidemark {

using store::Statement;

namespace {

constexpr const char *kNodeColumns =
    "SELECT n.id, n.connection_id, c.uri, n.name, n.role, n.disk_bytes, n.cores, n.memory_bytes, n.notes, "
    "n.added_ms FROM nodes n JOIN connections c ON c.id = n.connection_id";

Result<Node> nodeFromRow(const Statement &s)
{
    Node n;
    n.id = s.int64(0);
    n.connectionId = s.int64(1);
    n.connectionUri = s.text(2);
    n.name = s.text(3);
    const auto role = nodeRoleFromString(s.text(4));
    if (!role)
        return fail(ErrorCode::Corrupt, fmt::format("metadata store: node {} has unknown role '{}'", n.name, s.text(4)),
                    "this store may have been written by a newer Tidemark; upgrade Tidemark");
    n.role = *role;
    if (!s.isNull(5))
        n.diskBytes = s.int64(5);
    if (!s.isNull(6))
        n.cores = static_cast<int>(s.int64(6));
    if (!s.isNull(7))
        n.memoryBytes = s.int64(7);
    n.notes = s.text(8);
    n.addedMs = s.int64(9);
    return n;
}

Result<std::vector<Node>> queryNodes(sqlite3 *db, const std::string &where, const std::string &arg)
{
    auto stmt = Statement::prepare(db, fmt::format("{} {} ORDER BY n.name", kNodeColumns, where));
    if (!stmt)
        return tl::unexpected(stmt.error());
    if (!arg.empty())
        stmt->bind(1, arg);
    std::vector<Node> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        auto node = nodeFromRow(*stmt);
        if (!node)
            return tl::unexpected(node.error());
        out.push_back(std::move(*node));
    }
    return out;
}

} // namespace

Result<Node> MetadataStore::saveNode(const Node &node, const std::string &who)
{
    if (node.name.empty())
        return fail(ErrorCode::InvalidArgument, "a node needs a name", "give it one, e.g. --name db2");
    if (node.connectionUri.empty())
        return fail(ErrorCode::InvalidArgument, fmt::format("node {} names no connection URI", node.name),
                    "give the URI of the database the node serves, e.g. postgresql://db2/sales");
    if ((node.diskBytes && *node.diskBytes <= 0) || (node.cores && *node.cores <= 0) ||
        (node.memoryBytes && *node.memoryBytes <= 0))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("node {}: disk, cores and memory must be positive when given", node.name),
                    "leave a figure out when it is not known");
    Node saved;
    auto r = store::inTransaction(m_db, [&]() -> Result<void> {
        auto connection = ensureConnection(node.connectionUri);
        if (!connection)
            return tl::unexpected(connection.error());
        auto clash = queryNodes(m_db, "WHERE n.name = ?1", node.name);
        if (!clash)
            return tl::unexpected(clash.error());
        if (!clash->empty() && clash->front().connectionId != connection->id)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("node name {} is already used by {}", node.name, clash->front().connectionUri),
                        "choose another name, or remove that node first");
        auto upsert = Statement::prepare(
            m_db, "INSERT INTO nodes(connection_id, name, role, disk_bytes, cores, memory_bytes, notes, added_ms) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(connection_id) DO UPDATE SET "
                  "name = excluded.name, role = excluded.role, disk_bytes = excluded.disk_bytes, "
                  "cores = excluded.cores, memory_bytes = excluded.memory_bytes, notes = excluded.notes");
        if (!upsert)
            return tl::unexpected(upsert.error());
        upsert->bind(1, connection->id).bind(2, node.name).bind(3, toString(node.role));
        upsert->bind(4, node.diskBytes).bind(5, node.cores).bind(6, node.memoryBytes).bind(7, node.notes);
        upsert->bind(8, store::nowMs());
        if (auto run = upsert->run(); !run)
            return run;
        auto back = queryNodes(m_db, "WHERE n.name = ?1", node.name);
        if (!back)
            return tl::unexpected(back.error());
        if (back->empty())
            return fail(ErrorCode::Internal, "a saved node could not be read back");
        saved = back->front();
        AuditEntry entry;
        entry.who = who.empty() ? store::currentUser() : who;
        entry.action = "node.saved";
        entry.detail = fmt::format("{} ({}): {}", saved.name, toString(saved.role), saved.connectionUri);
        return audit(entry);
    });
    if (!r)
        return tl::unexpected(r.error());
    return saved;
}

Result<std::vector<Node>> MetadataStore::nodes()
{
    return queryNodes(m_db, "", "");
}

Result<std::optional<Node>> MetadataStore::findNode(const std::string &name)
{
    auto found = queryNodes(m_db, "WHERE n.name = ?1", name);
    if (!found)
        return tl::unexpected(found.error());
    if (found->empty())
        return std::optional<Node>{};
    return std::optional<Node>{found->front()};
}

Result<void> MetadataStore::removeNode(const std::string &name, const std::string &who)
{
    return store::inTransaction(m_db, [&]() -> Result<void> {
        auto stmt = Statement::prepare(m_db, "DELETE FROM nodes WHERE name = ?1");
        if (!stmt)
            return tl::unexpected(stmt.error());
        stmt->bind(1, name);
        if (auto run = stmt->run(); !run)
            return run;
        if (sqlite3_changes(m_db) == 0)
            return fail(ErrorCode::NotFound, fmt::format("no node named {}", name),
                        "list the nodes with tidemark-cli nodes");
        AuditEntry entry;
        entry.who = who.empty() ? store::currentUser() : who;
        entry.action = "node.removed";
        entry.detail = name;
        return audit(entry);
    });
}

} // namespace tidemark
