#include "pg_tables.h"
#include "pg_table_structure.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "model/table_name.h"
#include "pg_key_sql.h"

namespace tidemark::postgres {

namespace {

const char *kTablesSql = R"(
SELECT c.oid, n.nspname, c.relname, pt.partstrat, pg_get_partkeydef(c.oid),
       (SELECT p.inhparent::regclass::text FROM pg_inherits p WHERE p.inhrelid = c.oid LIMIT 1)
FROM pg_partitioned_table pt
JOIN pg_class c ON c.oid = pt.partrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND ($1::oid IS NULL OR c.oid = $1::oid)
ORDER BY n.nspname, c.relname)";

const char *kKeySql = R"(
SELECT coalesce(a.attname, ''), coalesce(format_type(a.atttypid, a.atttypmod), ''),
       coalesce(format_type(coalesce(nullif(ty.typbasetype, 0), a.atttypid), NULL), '')
FROM pg_partitioned_table pt
CROSS JOIN LATERAL unnest(pt.partattrs::int2[]) WITH ORDINALITY AS k(attnum, ord)
LEFT JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = k.attnum AND k.attnum > 0
LEFT JOIN pg_type ty ON ty.oid = a.atttypid
WHERE pt.partrelid = $1::oid
ORDER BY k.ord)";

const char *kColumnsSql = R"(
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attgenerated <> ''
FROM pg_attribute a
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum)";

// Sizes and row estimates; a sub-partitioned partition sums its leaves.
// reltuples is -1 until the first VACUUM/ANALYZE: then small partitions are
// counted, large ones reported as 0 until analysed.
const char *kPartitionsSql = R"(
SELECT c.oid, n.nspname, c.relname, pg_get_expr(c.relpartbound, c.oid), c.relkind = 'p',
       CASE WHEN c.relkind = 'p' THEN
              (SELECT coalesce(sum(greatest(l.reltuples, 0)), 0)::bigint FROM pg_partition_tree(c.oid) t
                 JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf)
            ELSE c.reltuples::bigint END,
       CASE WHEN c.relkind = 'p' THEN
              (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0)::bigint FROM pg_partition_tree(c.oid) t
                 WHERE t.isleaf)
            ELSE pg_total_relation_size(c.oid) END,
       c.relkind = 'f'
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE i.inhparent = $1::oid)";

bool boundBefore(const PgPartition &a, const PgPartition &b)
{
    if (a.isDefault() != b.isDefault())
        return b.isDefault();
    if (a.range && b.range) {
        if (!a.range->lower || !b.range->lower)
            return !a.range->lower && b.range->lower;
        return *a.range->lower < *b.range->lower;
    }
    if (!a.listValues.empty() && !b.listValues.empty())
        return a.listValues.front() < b.listValues.front();
    if (a.bound.kind == ParsedBound::Kind::Hash && b.bound.kind == ParsedBound::Kind::Hash)
        return std::pair(a.bound.remainder, a.bound.modulus) < std::pair(b.bound.remainder, b.bound.modulus);
    return a.boundText < b.boundText;
}

Result<std::vector<std::string>> partmanParents(PgConnection &c, std::vector<std::string> &configs)
{
    // pg_partman keeps its configuration in <schema>.part_config(parent_table).
    auto found = c.query("SELECT n.nspname FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace "
                         "JOIN pg_attribute a ON a.attrelid = k.oid AND a.attname = 'parent_table' "
                         "WHERE k.relname = 'part_config' AND k.relkind IN ('r', 'p')");
    if (!found)
        return tl::unexpected(found.error());
    std::vector<std::string> parents;
    for (int i = 0; i < found->size(); ++i) {
        const std::string config = c.qualified(found->text(i, 0), "part_config");
        auto rows = c.query("SELECT parent_table FROM " + config);
        if (!rows)
            continue; // no privilege on partman's schema: nothing to honour that we can see
        for (int r = 0; r < rows->size(); ++r) {
            parents.push_back(rows->text(r, 0));
            configs.push_back(found->text(i, 0) + ".part_config");
        }
    }
    return parents;
}

Result<void> fillTable(PgConnection &c, PgTable &t)
{
    const std::string oid = std::to_string(t.oid);
    auto key = c.query(kKeySql, {oid});
    if (!key)
        return tl::unexpected(key.error());
    for (int i = 0; i < key->size(); ++i)
        t.keyColumns.push_back(PgColumn{key->text(i, 0), key->text(i, 1), false, key->text(i, 2)});
    if (t.keyColumns.size() == 1 && !t.keyColumns[0].name.empty())
        t.keyType = keyTypeOf(t.keyColumns[0].baseType);
    auto cols = c.query(kColumnsSql, {oid});
    if (!cols)
        return tl::unexpected(cols.error());
    for (int i = 0; i < cols->size(); ++i)
        t.columns.push_back(PgColumn{cols->text(i, 0), cols->text(i, 1), cols->boolean(i, 2), {}});
    auto parts = c.query(kPartitionsSql, {oid});
    if (!parts)
        return tl::unexpected(parts.error());
    const bool intKey = t.integerKey();
    const bool rangeKey = t.typedKey();
    for (int i = 0; i < parts->size(); ++i) {
        PgPartition p;
        p.oid = std::uint32_t(parts->integer(i, 0));
        p.schema = parts->text(i, 1);
        p.relname = parts->text(i, 2);
        p.name = reportName(p.schema, p.relname);
        p.boundText = parts->text(i, 3);
        p.subPartitioned = parts->boolean(i, 4);
        p.rows = std::max<std::int64_t>(0, parts->integer(i, 5));
        p.bytes = parts->integer(i, 6);
        p.foreign = parts->boolean(i, 7);
        auto bound = parseBound(p.boundText);
        if (!bound)
            return tl::unexpected(bound.error());
        p.bound = std::move(*bound);
        if (rangeKey && p.bound.kind == ParsedBound::Kind::Range)
            p.range = typedRange(p.bound, *t.keyType);
        if (intKey && p.bound.kind == ParsedBound::Kind::List)
            for (const auto &d : p.bound.in) {
                if (d.kind == BoundDatum::Kind::Null)
                    p.listHasNull = true;
                else if (auto v = integerDatum(d))
                    p.listValues.push_back(*v);
            }
        std::sort(p.listValues.begin(), p.listValues.end());
        t.partitions.push_back(std::move(p));
    }
    std::sort(t.partitions.begin(), t.partitions.end(), boundBefore);
    return {};
}

// A table's catalogue version: any DDL on the parent or a partition (attach,
// detach, rename, a column change) writes a new row version (xmin) of its
// pg_class, pg_inherits or pg_attribute rows; ANALYZE and VACUUM update sizes
// in place and leave it. The server's start time and the database tell
// servers apart.
const char *kStampSql = R"(
SELECT concat_ws(':', extract(epoch FROM pg_postmaster_start_time()), d.oid, c.oid, c.xmin,
       (SELECT concat_ws(':', count(*), sum(i.xmin::text::bigint), sum(k.xmin::text::bigint))
          FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid WHERE i.inhparent = c.oid),
       (SELECT sum(a.xmin::text::bigint) FROM pg_attribute a WHERE a.attrelid = c.oid))
FROM pg_class c JOIN pg_database d ON d.datname = current_database()
WHERE c.oid = $1::oid)";

struct CachedStructure {
    std::string target, stamp;
    std::shared_ptr<const PgTable> table;
};

std::mutex g_structureMutex;
std::vector<CachedStructure> g_structures; // a few tables; the latest last

Result<std::string> catalogueStamp(PgConnection &c, std::uint32_t oid)
{
    auto rows = c.query(kStampSql, {std::to_string(oid)});
    if (!rows)
        return tl::unexpected(rows.error());
    return rows->size() ? rows->text(0, 0) : std::string();
}

void remember(PgConnection &c, const PgTable &t, std::string stamp)
{
    const std::lock_guard lock(g_structureMutex);
    const std::string target = c.target();
    std::erase_if(g_structures, [&](const CachedStructure &e) { return e.target == target && e.table->oid == t.oid; });
    if (g_structures.size() >= 8)
        g_structures.erase(g_structures.begin());
    g_structures.push_back(CachedStructure{target, std::move(stamp), std::make_shared<const PgTable>(t)});
}

std::shared_ptr<const PgTable> remembered(PgConnection &c, std::uint32_t oid, const std::string &stamp)
{
    const std::lock_guard lock(g_structureMutex);
    const std::string target = c.target();
    for (const auto &e : g_structures)
        if (e.target == target && e.table->oid == oid && e.stamp == stamp)
            return e.table;
    return nullptr;
}

struct LastListing {
    std::string target;
    std::chrono::steady_clock::time_point at;
    std::vector<std::pair<std::uint32_t, std::string>> stamps; // per table, in listing order
    std::shared_ptr<const std::vector<PgTable>> tables;
};
LastListing g_lastListing; // guarded by g_structureMutex

Result<std::vector<PgTable>> load(PgConnection &c, std::optional<std::uint32_t> only,
                                  std::vector<std::pair<std::uint32_t, std::string>> *stamps = nullptr)
{
    auto rows = c.query(kTablesSql, {only ? Param(std::to_string(*only)) : Param()});
    if (!rows)
        return tl::unexpected(rows.error());
    std::vector<std::string> configs;
    auto managed = partmanParents(c, configs);
    if (!managed)
        return tl::unexpected(managed.error());
    std::vector<PgTable> out;
    for (int i = 0; i < rows->size(); ++i) {
        PgTable t;
        t.oid = std::uint32_t(rows->integer(i, 0));
        t.schema = rows->text(i, 1);
        t.relname = rows->text(i, 2);
        t.name = reportName(t.schema, t.relname);
        t.strategy = rows->text(i, 3).empty() ? 'r' : rows->text(i, 3)[0];
        t.keyDef = rows->text(i, 4);
        t.parentName = rows->text(i, 5);
        const std::string qualifiedName = t.schema + "." + t.relname;
        for (std::size_t k = 0; k < managed->size(); ++k)
            if ((*managed)[k] == qualifiedName || (*managed)[k] == t.relname)
                t.partmanConfig = configs[k];
        // The stamp first: a change while the table is read makes it stale, never the cache.
        auto stamp = catalogueStamp(c, t.oid);
        if (!stamp)
            return tl::unexpected(stamp.error());
        if (auto r = fillTable(c, t); !r)
            return tl::unexpected(r.error());
        if (stamps)
            stamps->emplace_back(t.oid, *stamp);
        remember(c, t, std::move(*stamp));
        out.push_back(std::move(t));
    }
    return out;
}

} // namespace

const PgPartition *PgTable::find(const std::string &n) const
{
    for (const auto &p : partitions)
        if (p.name == n || p.relname == n || (p.schema + "." + p.relname) == n)
            return &p;
    return nullptr;
}

std::string reportName(const std::string &schema, const std::string &relname)
{
    return displayTableName(TableName{schema, relname});
}

Result<std::vector<PgTable>> loadTables(PgConnection &c)
{
    std::vector<std::pair<std::uint32_t, std::string>> stamps;
    auto tables = load(c, std::nullopt, &stamps);
    if (!tables)
        return tables;
    const std::lock_guard lock(g_structureMutex);
    g_lastListing = LastListing{c.target(), std::chrono::steady_clock::now(), std::move(stamps),
                                std::make_shared<const std::vector<PgTable>>(*tables)};
    return tables;
}

Result<std::vector<PgTable>> loadTablesReused(PgConnection &c, std::int64_t maxAgeMs)
{
    LastListing last;
    {
        const std::lock_guard lock(g_structureMutex);
        last = g_lastListing;
    }
    const auto age = std::chrono::steady_clock::now() - last.at;
    if (!last.tables || last.target != c.target() || age > std::chrono::milliseconds(maxAgeMs))
        return loadTables(c);
    for (const auto &[oid, stamp] : last.stamps) {
        auto now = catalogueStamp(c, oid);
        if (!now)
            return tl::unexpected(now.error());
        if (*now != stamp)
            return loadTables(c);
    }
    return *last.tables;
}

Result<std::optional<ResolvedTable>> resolveTable(PgConnection &c, const std::string &name)
{
    // The name as displayTableName writes it (or as a DBA types it: quoted
    // parts, schema.table), matched exactly on (schema, relname). Names
    // written before parts were quoted ("my.sch.t") are matched as the joined
    // text, an exact pair first.
    auto parsed = parseTableName(name);
    auto rows = c.query("SELECT n.nspname, c.relname, c.oid, c.relkind FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ((n.nspname = $1 AND c.relname = $2) "
                        "OR (n.nspname = 'public' AND c.relname = $3) OR (n.nspname || '.' || c.relname = $3)) "
                        "ORDER BY (n.nspname = $1 AND c.relname = $2) DESC, n.nspname = 'public' DESC LIMIT 1",
                        {parsed ? Param(parsed->schema) : Param(), parsed ? Param(parsed->name) : Param(), name});
    if (!rows)
        return tl::unexpected(rows.error());
    if (rows->size() == 0)
        return std::optional<ResolvedTable>();
    return std::optional<ResolvedTable>(
        ResolvedTable{rows->text(0, 0), rows->text(0, 1), std::uint32_t(rows->integer(0, 2)), rows->text(0, 3)});
}

Result<PgTable> loadTable(PgConnection &c, const std::string &name)
{
    auto found = resolveTable(c, name);
    if (!found)
        return tl::unexpected(found.error());
    if (!*found) {
        if (auto parsed = parseTableName(name); !parsed)
            return tl::unexpected(parsed.error());
        return fail(ErrorCode::NotFound, fmt::format("no table {} in this database", name),
                    "check the name; tables outside the public schema are named schema.table, and a part "
                    "holding a dot is quoted: \"my.sch\".orders");
    }
    const ResolvedTable &r = **found;
    const std::string shown = reportName(r.schema, r.relname);
    if (r.relkind != "p")
        return fail(ErrorCode::NotPartitioned,
                    fmt::format("{} is not a partitioned table (relkind '{}')", shown, r.relkind),
                    "Tidemark works on declaratively partitioned tables (CREATE TABLE … PARTITION BY …); convert "
                    "the table first (e.g. with pg_partman's partition_data_proc or a manual migration)");
    auto tables = load(c, r.oid);
    if (!tables)
        return tl::unexpected(tables.error());
    if (tables->empty())
        return fail(ErrorCode::NotFound, fmt::format("table {} vanished while being read", shown));
    return std::move(tables->front());
}

Result<PgTable> loadTableStructure(PgConnection &c, const std::string &name)
{
    auto found = resolveTable(c, name);
    if (!found)
        return tl::unexpected(found.error());
    if (*found && (*found)->relkind == "p") {
        auto stamp = catalogueStamp(c, (*found)->oid);
        if (!stamp)
            return tl::unexpected(stamp.error());
        if (auto cached = remembered(c, (*found)->oid, *stamp)) {
            PgTable t = *cached;
            // pg_partman's configuration is a table's rows, not its catalogue: read afresh.
            std::vector<std::string> configs;
            auto managed = partmanParents(c, configs);
            if (!managed)
                return tl::unexpected(managed.error());
            t.partmanConfig.clear();
            for (std::size_t k = 0; k < managed->size(); ++k)
                if ((*managed)[k] == t.schema + "." + t.relname || (*managed)[k] == t.relname)
                    t.partmanConfig = configs[k];
            return t;
        }
    }
    return loadTable(c, name);
}

PartitionedTable toModel(const PgTable &t)
{
    PartitionedTable m;
    m.name = t.name;
    m.keyType = t.keyType.value_or(KeyType::Integer);
    m.strategy = t.strategy == 'l' ? PartitionStrategy::List
        : t.strategy == 'h'        ? PartitionStrategy::Hash
                                   : PartitionStrategy::Range;
    for (std::size_t i = 0; i < t.keyColumns.size(); ++i)
        m.keyColumn +=
            (i ? ", " : "") + (t.keyColumns[i].name.empty() ? std::string("(expression)") : t.keyColumns[i].name);
    for (const auto &p : t.partitions) {
        Partition q;
        q.name = p.name;
        q.bounds = p.range.value_or(KeyRange{});
        q.rows = p.rows;
        q.bytes = p.bytes;
        m.partitions.push_back(std::move(q));
    }
    auto notPlannable = [&](std::string why) {
        m.plannable = false;
        m.notPlannableReason = std::move(why);
    };
    const bool subPartitioned =
        std::any_of(t.partitions.begin(), t.partitions.end(), [](const PgPartition &p) { return p.subPartitioned; });
    if (!t.partmanConfig.empty())
        notPlannable(fmt::format("managed by pg_partman ({}): Tidemark shows it but leaves premake and retention "
                                 "to pg_partman",
                                 t.partmanConfig));
    else if (t.keyColumns.size() != 1)
        notPlannable(
            fmt::format("multi-column partition key {}: the planner handles single-column keys only", t.keyDef));
    else if (t.keyColumns[0].name.empty())
        notPlannable(fmt::format("expression partition key {}: the planner handles plain columns only", t.keyDef));
    else if (!t.typedKey())
        notPlannable(fmt::format("key column {} is of type {}: the range planner handles smallint/integer/bigint, "
                                 "date, timestamp and timestamptz keys",
                                 t.keyColumns[0].name, t.keyColumns[0].type));
    else if (t.strategy == 'l')
        notPlannable("LIST partitioning: the range planner does not plan it; split and merge of integer lists are "
                     "available through the connector");
    else if (t.strategy == 'h')
        notPlannable("HASH partitioning: the range planner does not plan it; the connector splits a partition by "
                     "doubling its modulus and merges such pairs back");
    else if (subPartitioned)
        notPlannable("some partitions are themselves partitioned: each level is listed as its own table; plan "
                     "the leaf level");
    else if (t.partitions.empty())
        notPlannable("no partitions yet");
    else if (const auto odd = std::find_if(t.partitions.begin(), t.partitions.end(),
                                           [](const PgPartition &p) { return !p.isDefault() && !p.range; });
             odd != t.partitions.end())
        notPlannable(fmt::format("partition {} has bounds {} that are not {} values or MINVALUE/MAXVALUE (e.g. "
                                 "'infinity')",
                                 odd->name, odd->boundText, toString(m.keyType)));
    return m;
}

std::string rowHashSql(const PgConnection &c, const std::vector<PgColumn> &columns)
{
    std::string row;
    for (const auto &col : columns)
        row += (row.empty() ? "" : ", ") + c.quoteIdent(col.name);
    // ROW() of a single column is still a composite, so text is "(v)" for both sides.
    return fmt::format("hashtextextended(ROW({})::text, 0)", row);
}

std::string checksumSql(const PgConnection &c, const std::vector<PgColumn> &columns, const std::string &from,
                        const std::string &where)
{
    return fmt::format("SELECT count(*), coalesce(sum({}), 0)::text FROM {}{}", rowHashSql(c, columns), from,
                       where.empty() ? std::string() : " WHERE " + where);
}

Result<RowChecksum> runChecksum(PgConnection &c, const std::string &sql)
{
    auto rows = c.query(sql);
    if (!rows)
        return tl::unexpected(rows.error());
    RowChecksum out;
    out.rows = rows->integer(0, 0);
    // The exact numeric sum, reduced modulo 2^64 (the engine's wrapping sum).
    const std::string text = rows->text(0, 1);
    // Horner's rule in wrapping 64-bit arithmetic keeps the residue mod 2^64.
    std::uint64_t v = 0;
    bool negative = false;
    for (char ch : text) {
        if (ch == '-')
            negative = true;
        else if (ch >= '0' && ch <= '9')
            v = v * 10u + std::uint64_t(ch - '0');
    }
    out.hashSum = negative ? std::uint64_t(0) - v : v;
    return out;
}

std::string rangePredicate(const PgConnection &c, const std::string &keyColumn, const KeyRange &r, KeyType type)
{
    const std::string k = c.quoteIdent(keyColumn);
    std::string w = k + " IS NOT NULL";
    if (r.lower)
        w += fmt::format(" AND {} >= {}", k, typedLiteral(c, *r.lower, type));
    if (r.upper)
        w += fmt::format(" AND {} < {}", k, typedLiteral(c, *r.upper, type));
    return w;
}

} // namespace tidemark::postgres
