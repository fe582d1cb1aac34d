// Which partitions a move to another node cannot take (MoveEligibility,
// docs/copy-move.md): the move replaces the partition by a postgres_fdw
// foreign table, so PostgreSQL's rules for foreign partitions decide. The
// planners ask before proposing a move; the move itself asks again.
#include <fmt/format.h>

#include "pg_node_copy.h"
#include "postgres_connector.h"

namespace tidemark::postgres {

Result<MoveFacts> loadMoveFacts(PgConnection &c, const PgTable &parent)
{
    MoveFacts facts;
    auto unique = c.scalar("SELECT count(*) FROM pg_index WHERE indrelid = $1::oid AND indisunique",
                           {std::to_string(parent.oid)});
    if (!unique)
        return tl::unexpected(unique.error());
    facts.uniqueIndex = *unique > 0;
    return facts;
}

std::optional<Error> moveRefusal(const PgTable &parent, const PgPartition &p, const MoveFacts &facts)
{
    // Reasons name the table, not the partition, so partitions refused for
    // one reason are reported together.
    auto refuse = [](std::string message, std::string hint) {
        return Error{ErrorCode::Unsupported, std::move(message), std::move(hint)};
    };
    if (!parent.typedKey())
        return refuse(fmt::format("{} is partitioned by {}: a move by key range needs one integer, date or timestamp "
                                  "key column",
                                  parent.name, parent.keyDef),
                      "move partitions of a table partitioned by one such column");
    if (parent.strategy != 'r' || !p.range || p.isDefault())
        return refuse("not a RANGE partition with bounds (a move to another node goes by key range)",
                      "move a RANGE partition");
    if (p.subPartitioned)
        return refuse("itself partitioned", "move its partitions one by one");
    if (p.foreign)
        return refuse("a foreign table already (its rows live on another server; moving it on from there is not "
                      "supported)",
                      "leave it where it is");
    if (facts.uniqueIndex)
        return refuse(fmt::format("{} has a primary key or unique index, and PostgreSQL does not allow a foreign "
                                  "table (postgres_fdw) as a partition of such a table",
                                  parent.name),
                      "copy it instead, or replace the unique index by a non-unique one (uniqueness is then "
                      "checked per node only)");
    return std::nullopt;
}

Result<std::vector<MoveRefusal>> PostgresConnector::unmovablePartitions(const std::string &table)
{
    auto parent = loadTable(*m_conn, table);
    if (!parent)
        return tl::unexpected(parent.error());
    auto facts = loadMoveFacts(*m_conn, *parent);
    if (!facts)
        return tl::unexpected(facts.error());
    std::vector<MoveRefusal> out;
    for (const auto &p : parent->partitions)
        if (auto refused = moveRefusal(*parent, p, *facts))
            out.push_back({p.name, refused->message, refused->hint});
    return out;
}

} // namespace tidemark::postgres
