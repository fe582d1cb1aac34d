// Observation: cumulative counters per partition from pg_stat_user_tables,
// where writes land inside a partition (sampled, bounded cost), and what the
// server reports of its own load.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "model/key_value.h"
#include "pg_connection.h"
#include "pg_key_sql.h"
#include "pg_table_structure.h"
#include "pg_tables.h"
#include "postgres_connector.h"

namespace tidemark::postgres {

namespace {

constexpr std::int64_t kHistogramSampleRows = 50000;

struct Counters {
    std::int64_t reads = 0, inserts = 0, updates = 0, deletes = 0, hot = 0;
};

// Counters of every leaf, and of every sub-partitioned partition (sum of its leaves).
Result<std::map<std::uint32_t, Counters>> countersByOid(PgConnection &c)
{
    auto rows =
        c.query("SELECT t.relid, coalesce(t.seq_tup_read, 0) + coalesce(t.idx_tup_fetch, 0), t.n_tup_ins, t.n_tup_upd, "
                "t.n_tup_del, t.n_tup_hot_upd FROM pg_stat_user_tables t "
                "UNION ALL "
                "SELECT p.oid, sum(coalesce(t.seq_tup_read, 0) + coalesce(t.idx_tup_fetch, 0)), sum(t.n_tup_ins), "
                "sum(t.n_tup_upd), sum(t.n_tup_del), sum(t.n_tup_hot_upd) "
                "FROM pg_class p CROSS JOIN LATERAL pg_partition_tree(p.oid) tr "
                "JOIN pg_stat_user_tables t ON t.relid = tr.relid "
                "WHERE p.relkind = 'p' AND p.relispartition AND tr.isleaf GROUP BY p.oid");
    if (!rows)
        return tl::unexpected(rows.error());
    std::map<std::uint32_t, Counters> out;
    for (int i = 0; i < rows->size(); ++i)
        out[std::uint32_t(rows->integer(i, 0))] = Counters{
            rows->integer(i, 1), rows->integer(i, 2), rows->integer(i, 3), rows->integer(i, 4), rows->integer(i, 5)};
    return out;
}

} // namespace

Result<std::vector<ActivitySample>> PostgresConnector::sampleActivity()
{
    // A counter epoch changes with a server (re)start, a stats reset of the
    // database, or a re-created partition (new oid).
    auto clock = m_conn->query(
        "SELECT (extract(epoch FROM pg_postmaster_start_time()) * 1000)::bigint, "
        "coalesce((extract(epoch FROM d.stats_reset) * 1000)::bigint, 0), (extract(epoch FROM now()) * 1000)::bigint "
        "FROM pg_stat_database d WHERE d.datname = current_database()");
    if (!clock)
        return tl::unexpected(clock.error());
    const std::int64_t startMs = clock->integer(0, 0), resetMs = clock->integer(0, 1), nowMs = clock->integer(0, 2);
    // The scan listed the tables (discover) a moment ago: their sizes are
    // read once per scan, not again here, unless the catalogue changed.
    auto tables = loadTablesReused(*m_conn, 10000);
    if (!tables)
        return tl::unexpected(tables.error());
    auto counters = countersByOid(*m_conn);
    if (!counters)
        return tl::unexpected(counters.error());
    // Partitions Tidemark created started counting when their step committed.
    // The catalogue is asked first, in a statement of its own: a table name
    // is resolved when a statement is parsed, so a guard inside the same
    // statement would still raise (and log) an error on the server.
    std::map<std::string, std::int64_t> createdMs;
    auto recorded = m_conn->scalar("SELECT count(*) FROM pg_class WHERE oid = to_regclass('tidemark.steps')");
    if (!recorded)
        return tl::unexpected(recorded.error());
    if (*recorded > 0) {
        auto steps = m_conn->query("SELECT t.name, (extract(epoch FROM s.committed_at) * 1000)::bigint "
                                   "FROM tidemark.steps s CROSS JOIN LATERAL unnest(string_to_array(s.targets, ', ')) "
                                   "AS t(name)");
        if (!steps)
            return tl::unexpected(steps.error());
        for (int i = 0; i < steps->size(); ++i)
            createdMs[steps->text(i, 0)] = std::max(createdMs[steps->text(i, 0)], steps->integer(i, 1));
    }
    std::vector<ActivitySample> out;
    for (const auto &t : *tables) {
        for (const auto &p : t.partitions) {
            ActivitySample s;
            s.table = t.name;
            s.partition = p.name;
            s.timestampMs = nowMs;
            const auto it = counters->find(p.oid);
            if (it != counters->end()) {
                s.reads = it->second.reads;
                s.inserts = it->second.inserts;
                s.updates = it->second.updates; // HOT updates are a subset of these
                s.deletes = it->second.deletes;
            }
            s.rows = p.rows;
            s.bytes = p.bytes;
            s.readsKnown = true;
            s.counterEpoch = fmt::format("pg:{}:{}:{}", startMs, resetMs, p.oid);
            s.epochStartMs = std::max(startMs, resetMs);
            if (const auto c = createdMs.find(p.name); c != createdMs.end())
                s.epochStartMs = std::max(s.epochStartMs, c->second);
            out.push_back(std::move(s));
        }
    }
    return out;
}

Result<KeyHistogram> PostgresConnector::keyHistogram(const std::string &table, const std::string &partition,
                                                     int buckets)
{
    auto t = loadTable(*m_conn, table);
    if (!t)
        return tl::unexpected(t.error());
    const PgPartition *p = t->find(partition);
    if (!p)
        return fail(ErrorCode::NotFound, fmt::format("{} has no partition {}", t->name, partition));
    KeyHistogram h;
    h.table = t->name;
    h.partition = p->name;
    if (!t->typedKey() || p->subPartitioned || (!p->range && p->listValues.empty()))
        return h; // nothing to bucket: the planner sees no hot range
    const KeyType type = *t->keyType;
    const std::string part = m_conn->qualified(p->schema, p->relname);
    const std::string k = m_conn->quoteIdent(t->keyColumns[0].name);
    // Open or list bounds: the keys actually present (index-assisted min/max).
    // Keys 'infinity' / '-infinity' (only in a MINVALUE or MAXVALUE partition) have no ordinal: not counted.
    const std::string finite = finiteKey(k, type);
    auto span =
        m_conn->query(fmt::format("SELECT {2}, {3} FROM ONLY {1} WHERE {4}", k, part, ordinalOf("min(" + k + ")", type),
                                  ordinalOf("max(" + k + ")", type), finite));
    if (!span)
        return tl::unexpected(span.error());
    KeyRange r = p->range.value_or(KeyRange{});
    if (!r.lower)
        r.lower = span->optInteger(0, 0);
    if (!r.upper) {
        auto mx = span->optInteger(0, 1);
        if (mx)
            r.upper = *mx + 1;
    }
    if (!r.lower || !r.upper || *r.upper <= *r.lower)
        return h; // empty partition
    // Time keys: buckets are whole multiples of the rounding unit (an hour),
    // starting on a unit boundary, so a bucket edge is a split point as it
    // stands (a day in 24 hourly buckets). Integers: equal-width buckets.
    const KeyValue unit = keyRoundingUnit(type);
    const int wanted = std::max(1, buckets);
    std::int64_t timeBuckets = 0;
    if (unit > 1) {
        const KeyValue first = *r.lower - ((*r.lower % unit) + unit) % unit; // floor to the unit
        const KeyValue units = (*r.upper - first + unit - 1) / unit;
        const KeyValue perBucket = (units + wanted - 1) / wanted;
        timeBuckets = (units + perBucket - 1) / perBucket;
        r.lower = first;
        r.upper = first + timeBuckets * perBucket * unit;
    }
    h.bounds = r;
    const std::int64_t width = *r.upper - *r.lower;
    const int n =
        unit > 1 ? int(timeBuckets) : int(std::clamp<std::int64_t>(buckets, 1, std::max<std::int64_t>(1, width)));

    // Bounded cost: at most ~kHistogramSampleRows rows, read by page sampling.
    // A row counts as a recent write when its xmin is younger than the median
    // age of the rows written after the oldest surviving write (bulk loads and
    // frozen rows are "old"); see docs/postgres.md.
    const double pct =
        p->rows > kHistogramSampleRows ? std::max(0.1, 100.0 * double(kHistogramSampleRows) / double(p->rows)) : 100.0;
    const std::string sample = pct < 100.0 ? fmt::format(" TABLESAMPLE SYSTEM ({:.4f})", pct) : std::string();
    const std::string sql = fmt::format(
        "WITH s AS (SELECT {0} AS k, age(xmin) AS a FROM ONLY {1}{2} WHERE {0} IS NOT NULL AND {3}), "
        "oldest AS (SELECT max(a) AS m FROM s WHERE a < 2147483647), "
        "cut AS (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY a) AS p FROM s, oldest WHERE s.a < oldest.m) "
        "SELECT width_bucket(k::numeric, $1::numeric, $2::numeric, $3::int), count(*), "
        "count(*) FILTER (WHERE a <= (SELECT p FROM cut)) FROM s GROUP BY 1 ORDER BY 1",
        ordinalOf(k, type), part, sample, finite);
    auto rows = m_conn->query(sql, {std::to_string(*r.lower), std::to_string(*r.upper), std::to_string(n)});
    if (!rows)
        return tl::unexpected(rows.error());
    auto writes = m_conn->scalar("SELECT coalesce(n_tup_ins + n_tup_upd + n_tup_del, 0) FROM pg_stat_user_tables "
                                 "WHERE relid = $1::oid",
                                 {std::to_string(p->oid)});
    if (!writes)
        return tl::unexpected(writes.error());
    std::vector<std::int64_t> sampledRows(std::size_t(n), 0), recent(std::size_t(n), 0);
    std::int64_t totalRecent = 0;
    for (int i = 0; i < rows->size(); ++i) {
        const std::int64_t b = rows->integer(i, 0);
        if (b < 1 || b > n)
            continue;
        sampledRows[std::size_t(b - 1)] += rows->integer(i, 1);
        recent[std::size_t(b - 1)] += rows->integer(i, 2);
        totalRecent += rows->integer(i, 2);
    }
    const double rowScale = 100.0 / pct;
    // Spread the partition's write counter over the buckets by the sample's shares.
    const double writeScale = totalRecent > 0 && *writes > 0 ? double(*writes) / double(totalRecent) : 1.0;
    for (int i = 0; i < n; ++i) {
        KeyHistogram::Bucket b;
        const std::int64_t lo = *r.lower + width * i / n;
        const std::int64_t hi = i + 1 == n ? *r.upper : *r.lower + width * (i + 1) / n;
        b.range = KeyRange{lo, hi};
        b.rows = std::llround(double(sampledRows[std::size_t(i)]) * rowScale);
        b.writes = std::llround(double(recent[std::size_t(i)]) * writeScale);
        h.buckets.push_back(b);
    }
    return h;
}

Result<ServerStats> PostgresConnector::serverStats()
{
    auto r = m_conn->query(
        "SELECT pg_database_size(current_database()), "
        "(SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()), "
        "(SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'), "
        "current_setting('max_connections')::int, d.xact_commit, d.xact_rollback, d.blks_read, d.blks_hit, "
        "d.tup_inserted, d.tup_updated, d.tup_deleted, d.deadlocks, current_setting('server_version'), "
        "(extract(epoch FROM pg_postmaster_start_time()) * 1000)::bigint, "
        "coalesce((extract(epoch FROM d.stats_reset) * 1000)::bigint, 0), d.tup_returned, d.tup_fetched "
        "FROM pg_stat_database d WHERE d.datname = current_database()");
    if (!r)
        return tl::unexpected(r.error());
    ServerStats n;
    n.databaseBytes = r->integer(0, 0);
    n.connections = int(r->integer(0, 1));
    n.activeConnections = int(r->integer(0, 2));
    n.maxConnections = int(r->integer(0, 3));
    n.xactCommit = r->integer(0, 4);
    n.xactRollback = r->integer(0, 5);
    n.blocksRead = r->integer(0, 6);
    n.blocksHit = r->integer(0, 7);
    n.tuplesInserted = r->integer(0, 8);
    n.tuplesUpdated = r->integer(0, 9);
    n.tuplesDeleted = r->integer(0, 10);
    n.deadlocks = r->integer(0, 11);
    n.serverVersion = r->text(0, 12);
    n.startedMs = r->integer(0, 13);
    n.statsResetMs = r->integer(0, 14);
    n.tuplesReturned = r->integer(0, 15);
    n.tuplesFetched = r->integer(0, 16);
    return n;
}

Result<NodeResources> PostgresConnector::resources()
{
    auto s = serverStats();
    if (!s)
        return tl::unexpected(s.error());
    NodeResources n;
    n.diskBytesUsed = s->databaseBytes;
    n.transactions = s->xactCommit + s->xactRollback;
    n.tuplesRead = s->tuplesReturned + s->tuplesFetched;
    n.tuplesWritten = s->tuplesInserted + s->tuplesUpdated + s->tuplesDeleted;
    n.blocksRead = s->blocksRead;
    n.blocksHit = s->blocksHit;
    // Our own backend is connected and active while it asks.
    n.activeSessions = std::max(0, s->activeConnections - 1);
    n.sessions = std::max(0, s->connections - 1);
    n.maxSessions = s->maxConnections;
    // The counters restart with the server and with pg_stat_reset().
    n.counterEpoch = fmt::format("pg:{}:{}", s->startedMs, s->statsResetMs);
    n.text = fmt::format("{:.1f} MiB used by the database; {} active of {} other session(s)",
                         double(s->databaseBytes) / double(1 << 20), *n.activeSessions, *n.sessions);
    return n;
}

Result<LoadFigure> PostgresConnector::currentLoad()
{
    auto n = serverStats();
    if (!n)
        return tl::unexpected(n.error());
    // Our own backend is connected and active while it asks.
    LoadFigure f;
    f.activeSessions = std::max(0, n->activeConnections - 1);
    f.sessions = std::max(0, n->connections - 1);
    f.maxSessions = n->maxConnections;
    f.text = fmt::format("{} active of {} other session(s) (max {})", f.activeSessions, f.sessions, f.maxSessions);
    return f;
}

} // namespace tidemark::postgres
