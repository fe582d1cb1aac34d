// Observation: InnoDB's count of modified rows per partition
// (information_schema.INNODB_SYS_TABLESTATS.MODIFIED_COUNTER), its reset
// marker (the persistent statistics' last_update in mysql.innodb_table_stats
// and the server start), and where rows lie inside a partition. What this
// measures and misses is in docs/mariadb.md.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "maria_binlog.h"
#include "maria_connection.h"
#include "maria_tables.h"
#include "mariadb_connector.h"
#include "model/key_value.h"

namespace tidemark::mariadb {

namespace {

/// Binary log read per key histogram, newest files first.
constexpr std::int64_t kBinlogBudgetBytes = 64LL << 20;

struct InnoDbCounters {
    std::int64_t tableId = 0;
    std::int64_t modified = 0;
    std::int64_t statsUpdatedMs = 0;
};

std::string lower(std::string s)
{
    for (auto &c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// Counters by "table#p#partition" (lower case), sub-partitions summed into their partition.
Result<std::map<std::string, InnoDbCounters>> innodbCounters(MariaConnection &c)
{
    constexpr const char *base = "SELECT LOWER(s.NAME), s.TABLE_ID, s.MODIFIED_COUNTER, {} FROM "
                                 "information_schema.INNODB_SYS_TABLESTATS s {} WHERE s.NAME LIKE "
                                 "CONCAT(DATABASE(), '/%#P#%')";
    auto rows = c.query(fmt::format(fmt::runtime(base), "COALESCE(UNIX_TIMESTAMP(its.last_update) * 1000, 0)",
                                    "LEFT JOIN mysql.innodb_table_stats its ON CONCAT(its.database_name, '/', "
                                    "its.table_name) = s.NAME"));
    if (!rows && rows.error().code == ErrorCode::InvalidArgument) // no SELECT on mysql.*: no reset marker
        rows = c.query(fmt::format(fmt::runtime(base), "0", ""));
    if (!rows)
        return tl::unexpected(rows.error());
    std::map<std::string, InnoDbCounters> out;
    for (int i = 0; i < rows->size(); ++i) {
        std::string name = rows->text(i, 0);
        name = name.substr(name.find('/') + 1);
        if (const auto sp = name.find("#sp#"); sp != std::string::npos)
            name = name.substr(0, sp);
        InnoDbCounters &k = out[name];
        k.tableId = std::max(k.tableId, rows->integer(i, 1));
        k.modified += rows->integer(i, 2);
        k.statsUpdatedMs = std::max(k.statsUpdatedMs, rows->integer(i, 3));
    }
    return out;
}

/// The key as a KeyValue ordinal, in SQL.
std::string ordinalSql(const MariaConnection &c, const MariaTable &t)
{
    const std::string k = c.quoteIdent(t.keyColumn);
    switch (t.keyType.value_or(KeyType::Integer)) {
    case KeyType::Integer:
        return k;
    case KeyType::Date:
        return fmt::format("(TO_DAYS({}) - 719528)", k);
    case KeyType::Timestamp:
        return fmt::format("((TO_SECONDS({0}) - 62167219200) * 1000000 + MICROSECOND({0}))", k);
    case KeyType::TimestampTz:
        return fmt::format("(CAST(UNIX_TIMESTAMP({0}) AS SIGNED) * 1000000 + MICROSECOND({0}))", k);
    }
    return k;
}

} // namespace

Result<std::vector<ActivitySample>> MariaDbConnector::sampleActivity()
{
    auto clock = m_conn->query("SELECT CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED), CAST(VARIABLE_VALUE AS SIGNED) "
                               "FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'");
    if (!clock)
        return tl::unexpected(clock.error());
    if (clock->size() == 0)
        return fail(ErrorCode::Database, "the server reports no Uptime");
    const std::int64_t nowMs = clock->integer(0, 0);
    // Rounded to 10 s: two readings of one server start agree.
    const std::int64_t startMs = (nowMs - clock->integer(0, 1) * 1000) / 10000 * 10000;
    auto tables = loadTables(*m_conn);
    if (!tables)
        return tl::unexpected(tables.error());
    auto counters = innodbCounters(*m_conn);
    if (!counters) {
        Error e = counters.error();
        if (e.code == ErrorCode::InvalidArgument)
            e.hint = "reading InnoDB's per-partition counters needs the PROCESS privilege: GRANT PROCESS ON *.* "
                     "TO the user Tidemark connects as";
        return tl::unexpected(e);
    }
    std::vector<ActivitySample> out;
    for (const auto &t : *tables) {
        for (const auto &p : t.partitions) {
            ActivitySample s;
            s.table = t.name;
            s.partition = p.name;
            s.timestampMs = nowMs;
            s.rows = p.rows;
            s.bytes = p.bytes();
            s.readsKnown = false;
            s.epochStartMs = startMs;
            std::int64_t tableId = 0, statsMs = 0;
            if (const auto it = counters->find(lower(t.name + "#p#" + p.name)); it != counters->end()) {
                // InnoDB does not tell inserts, updates and deletes apart.
                s.updates = it->second.modified;
                tableId = it->second.tableId;
                statsMs = it->second.statsUpdatedMs;
            }
            s.counterEpoch = fmt::format("maria:{}:{}:{}", startMs, tableId, statsMs);
            s.epochStartMs = std::max({startMs, statsMs, p.createdMs});
            out.push_back(std::move(s));
        }
    }
    return out;
}

Result<KeyHistogram> MariaDbConnector::keyHistogram(const std::string &table, const std::string &partition, int buckets)
{
    auto t = loadTable(*m_conn, table);
    if (!t)
        return tl::unexpected(t.error());
    const MariaPartition *p = t->find(partition);
    if (!p)
        return fail(ErrorCode::NotFound, fmt::format("{} has no partition {}", t->name, partition));
    KeyHistogram h;
    h.table = t->name;
    h.partition = p->name;
    if (!t->plannable() || !p->range)
        return h;
    const std::string from = m_conn->quoteIdent(t->name) + " PARTITION (" + m_conn->quoteIdent(p->name) + ")";
    const std::string ord = ordinalSql(*m_conn, *t);
    auto span = m_conn->query(fmt::format("SELECT MIN({0}), MAX({0}) FROM {1}", ord, from));
    if (!span)
        return tl::unexpected(span.error());
    KeyRange r = *p->range;
    if (!r.lower)
        r.lower = span->optInteger(0, 0);
    if (!r.upper)
        if (auto mx = span->optInteger(0, 1))
            r.upper = *mx + 1;
    if (!r.lower || !r.upper || *r.upper <= *r.lower)
        return h;
    const KeyValue unit = keyRoundingUnit(*t->keyType);
    int n = std::clamp<int>(buckets, 1, 1000);
    if (unit > 1) {
        const KeyValue first = *r.lower - ((*r.lower % unit) + unit) % unit;
        const KeyValue units = (*r.upper - first + unit - 1) / unit;
        const KeyValue perBucket = (units + n - 1) / n;
        n = int((units + perBucket - 1) / perBucket);
        r.lower = first;
        r.upper = first + KeyValue(n) * perBucket * unit;
    } else {
        n = int(std::min<std::int64_t>(n, *r.upper - *r.lower));
    }
    h.bounds = r;
    const std::int64_t width = *r.upper - *r.lower;
    // Rows per bucket, read through the key's index.
    (void)m_conn->exec("SET SESSION max_statement_time = 0");
    auto rows = m_conn->query(fmt::format("SELECT FLOOR(({0} - {1}) * {2} / {3}) AS b, COUNT(*) FROM {4} WHERE {0} "
                                          "IS NOT NULL GROUP BY b ORDER BY b",
                                          ord, *r.lower, n, width, from));
    (void)m_conn->exec(fmt::format("SET SESSION max_statement_time = {}", kDefaultStatementSeconds));
    if (!rows)
        return tl::unexpected(rows.error());
    std::vector<std::int64_t> counts(std::size_t(n), 0);
    std::int64_t total = 0;
    for (int i = 0; i < rows->size(); ++i) {
        const std::int64_t b = rows->integer(i, 0);
        if (b >= 0 && b < n) {
            counts[std::size_t(b)] += rows->integer(i, 1);
            total += rows->integer(i, 1);
        }
    }
    std::int64_t modified = 0;
    if (auto counters = innodbCounters(*m_conn); counters)
        if (const auto it = counters->find(lower(t->name + "#p#" + p->name)); it != counters->end())
            modified = it->second.modified;
    // Where the writes landed: the row images of the binary log's newest
    // files (bounded); without a readable binary log, the write counter is
    // spread by where the rows lie.
    std::vector<std::int64_t> written(std::size_t(n), 0);
    std::int64_t totalWritten = 0;
    int keyIndex = -1;
    for (std::size_t i = 0; i < t->columns.size(); ++i)
        if (t->columns[i].name == t->keyColumn)
            keyIndex = int(i);
    if (keyIndex >= 0) {
        if (auto keys = readBinlogKeys(m_conn->uri(), m_conn->uri().database, t->name, keyIndex, *t->keyType,
                                       kBinlogBudgetBytes)) {
            for (const auto &[k, count] : keys->byKey) {
                if (k < *r.lower || k >= *r.upper)
                    continue;
                const auto b = std::size_t((__int128(k - *r.lower) * n) / width);
                written[std::min(b, std::size_t(n - 1))] += count;
                totalWritten += count;
            }
        }
    }
    for (int i = 0; i < n; ++i) {
        KeyHistogram::Bucket b;
        b.range = KeyRange{*r.lower + width * i / n, i + 1 == n ? *r.upper : *r.lower + width * (i + 1) / n};
        b.rows = counts[std::size_t(i)];
        if (totalWritten > 0)
            b.writes = modified > 0 ? modified * written[std::size_t(i)] / totalWritten : written[std::size_t(i)];
        else
            b.writes = total > 0 ? modified * counts[std::size_t(i)] / total : 0;
        h.buckets.push_back(b);
    }
    return h;
}

} // namespace tidemark::mariadb
