// Dead space of each partition in PostgreSQL's own figures: pgstattuple_approx
// where the pgstattuple extension is installed (dead tuples and free space
// from the visibility map and a sample of pages), else the statistics
// collector's n_dead_tup with bytes in proportion to the live rows.
#include <cmath>

#include <fmt/format.h>

#include "pg_tables.h"
#include "postgres_connector.h"

namespace tidemark::postgres {

Result<std::vector<DeadSpace>> PostgresConnector::deadSpace(const std::string &table)
{
    auto t = loadTable(*m_conn, table);
    if (!t)
        return tl::unexpected(t.error());
    auto has = m_conn->scalar("SELECT count(*) FROM pg_extension WHERE extname = 'pgstattuple'");
    if (!has)
        return tl::unexpected(has.error());
    std::vector<DeadSpace> out;
    for (const auto &p : t->partitions) {
        DeadSpace d;
        d.partition = p.name;
        const std::vector<Param> oid{std::to_string(p.oid)};
        if (*has > 0) {
            auto r = m_conn->query("SELECT (s).dead_tuple_len + (s).approx_free_space, (s).dead_tuple_count "
                                   "FROM (SELECT pgstattuple_approx($1::oid::regclass) AS s) x",
                                   oid);
            if (r && r->size() == 1) {
                d.deadBytes = r->integer(0, 0);
                d.deadRows = r->integer(0, 1);
                d.source = "pgstattuple";
                out.push_back(std::move(d));
                continue;
            }
        }
        auto r = m_conn->query("SELECT coalesce(n_dead_tup, 0), coalesce(n_live_tup, 0) FROM pg_stat_user_tables "
                               "WHERE relid = $1::oid",
                               oid);
        if (!r)
            return tl::unexpected(r.error());
        if (r->size() == 1) {
            const double dead = double(r->integer(0, 0)), live = double(r->integer(0, 1));
            d.deadRows = r->integer(0, 0);
            d.deadBytes = dead + live > 0 ? std::int64_t(std::llround(double(p.bytes) * dead / (dead + live))) : 0;
        }
        d.source = "n_dead_tup";
        out.push_back(std::move(d));
    }
    return out;
}

} // namespace tidemark::postgres
