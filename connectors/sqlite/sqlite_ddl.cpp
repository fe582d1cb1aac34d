// DDL generation for partitioned families: partition tables, the view over
// them, the routing triggers and the write-counting triggers. Every name goes
// through quoteIdent and every value through quoteLit or sqlInt.
#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <xxhash.h>

#include "sqlite_checksum.h"
#include "sqlite_family.h"

namespace tidemark::sqlite {

namespace {

constexpr std::int64_t kDefaultOpenSpan = 1'000'000;

std::string boundForm(std::optional<KeyValue> v, const char *open)
{
    if (!v)
        return open;
    if (*v >= 0)
        return std::to_string(*v);
    // Negative keys: "m" + magnitude, computed unsigned so INT64_MIN works.
    const std::uint64_t mag = std::uint64_t(0) - static_cast<std::uint64_t>(*v);
    return "m" + std::to_string(mag);
}

std::string joined(const std::vector<std::string> &parts, std::string_view sep)
{
    std::string s;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i)
            s += sep;
        s += parts[i];
    }
    return s;
}

std::string keyRef(std::string_view prefix, const Family &f)
{
    return std::string(prefix) + quoteIdent(f.keyColumn);
}

// The key as the routing triggers use it: NEW.k normalised to an integer.
std::string newKey(const Family &f)
{
    return "CAST(" + keyRef("NEW.", f) + " AS INTEGER)";
}

// Whether an arithmetic (key - base) could overflow 64 bits, in which case
// SQLite switches to floating point and the bucket needs a CAST.
bool layoutNeedsCast(const PartitionInfo &p)
{
    constexpr std::int64_t kSafe = std::int64_t(1) << 61;
    return p.bucketBase > kSafe || p.bucketBase < -kSafe || p.bucketWidth > (kSafe >> 7);
}

std::string bucketExprImpl(const PartitionInfo &p, const std::string &key)
{
    if (p.bucketCount <= 1)
        return "0";
    std::string e =
        fmt::format("max(0, min({}, ({} - ({})) / {}))", p.bucketCount - 1, key, p.bucketBase, p.bucketWidth);
    if (layoutNeedsCast(p))
        e = "CAST(" + e + " AS INTEGER)";
    return "coalesce(" + e + ", 0)";
}

// Covered key ranges merged where partitions touch, as a balanced OR so a
// family with gaps between many partitions stays within SQLite's 1000-level
// expression depth.
std::string coverageCondition(const std::string &key, const std::vector<KeyRange> &merged, std::size_t from,
                              std::size_t to)
{
    if (to - from == 1)
        return "(" + rangeCondition(key, merged[from]) + ")";
    const std::size_t mid = from + (to - from) / 2;
    return "(" + coverageCondition(key, merged, from, mid) + " OR " + coverageCondition(key, merged, mid, to) + ")";
}

std::vector<KeyRange> mergedRanges(const std::vector<PartitionInfo> &parts)
{
    std::vector<KeyRange> out;
    for (const auto &p : parts) {
        if (!out.empty() && out.back().upper && p.bounds.lower && *out.back().upper == *p.bounds.lower)
            out.back().upper = p.bounds.upper;
        else
            out.push_back(p.bounds);
    }
    return out;
}

std::string describeCoverage(const std::vector<KeyRange> &merged)
{
    if (merged.empty())
        return "nothing";
    if (merged.size() <= 4) {
        std::vector<std::string> s;
        for (const auto &r : merged)
            s.push_back(describeRange(r));
        return joined(s, ", ");
    }
    return fmt::format("{} ranges from {}", merged.size(),
                       describeRange(KeyRange{merged.front().lower, merged.back().upper}));
}

struct Shapes {
    std::vector<std::string> all; ///< every column, quoted
    std::vector<std::string> writable; ///< non-generated columns, quoted
    std::vector<std::string> newValues; ///< matching NEW.* expressions
    std::vector<std::string> sets; ///< "c" = NEW.c for UPDATE
    std::string pkMatch; ///< primary key = OLD.*
};

Shapes shapesOf(const Family &f)
{
    Shapes s;
    std::vector<std::pair<int, std::string>> pk;
    for (const auto &c : f.columns) {
        const std::string q = quoteIdent(c.name);
        s.all.push_back(q);
        if (c.pkOrder > 0)
            pk.emplace_back(c.pkOrder, sameIdent(c.name, f.keyColumn) ? q + " = OLD." + q : q + " IS OLD." + q);
        if (c.generated)
            continue;
        std::string value;
        if (sameIdent(c.name, f.keyColumn))
            value = newKey(f);
        else if (c.notNull && c.defaultSql)
            value = "coalesce(NEW." + q + ", (" + *c.defaultSql + "))";
        else
            value = "NEW." + q;
        s.writable.push_back(q);
        s.newValues.push_back(value);
        s.sets.push_back(q + " = " + value);
    }
    std::sort(pk.begin(), pk.end());
    std::vector<std::string> terms;
    for (auto &[order, term] : pk)
        terms.push_back(term);
    s.pkMatch = terms.empty() ? std::string("rowid = OLD.rowid") : joined(terms, " AND ");
    return s;
}

// A trigger that fires only for a bad key and aborts the statement with a
// message naming the problem (RAISE takes a literal, hence three statements).
std::string checkTrigger(const Family &f, const std::vector<PartitionInfo> &parts, std::string_view event,
                         std::string_view verb)
{
    const std::string k = keyRef("NEW.", f);
    const std::string who = fmt::format("tidemark: cannot {} {}: ", verb, quoteIdent(f.name));
    const auto merged = mergedRanges(parts);
    const std::string isNull = k + " IS NULL";
    const std::string notInteger = fmt::format(
        "NOT (CASE typeof({k}) WHEN 'integer' THEN 1 WHEN 'real' THEN {k} = CAST({k} AS INTEGER) WHEN 'text' THEN "
        "CAST(CAST({k} AS INTEGER) AS TEXT) = {k} ELSE 0 END)",
        fmt::arg("k", k));
    const bool coversAll = merged.size() == 1 && !merged[0].lower && !merged[0].upper;
    const std::string uncovered = coversAll
        ? std::string("0")
        : "NOT " + (merged.empty() ? std::string("(0)") : coverageCondition(newKey(f), merged, 0, merged.size()));
    std::string s =
        fmt::format("CREATE TRIGGER {} INSTEAD OF {} ON {} WHEN {} OR {} OR {} BEGIN\n",
                    quoteIdent(f.name + "__check_" + std::string(event)), event == "insert" ? "INSERT" : "UPDATE",
                    quoteIdent(f.name), isNull, notInteger, uncovered);
    s += fmt::format("SELECT RAISE(ABORT, {}) WHERE {};\n",
                     quoteLit(who + "the partition key " + quoteIdent(f.keyColumn) + " must not be NULL"), isNull);
    s +=
        fmt::format("SELECT RAISE(ABORT, {}) WHERE {};\n",
                    quoteLit(who + "the partition key " + quoteIdent(f.keyColumn) + " must be an integer"), notInteger);
    s += fmt::format("SELECT RAISE(ABORT, {});\nEND",
                     quoteLit(who + "no partition covers this value of " + quoteIdent(f.keyColumn) +
                              "; the partitions cover " + describeCoverage(merged)));
    return s;
}

std::string selectAll(const std::vector<std::string> &cols, const std::string &table)
{
    return "SELECT " + joined(cols, ", ") + " FROM " + quoteIdent(table);
}

} // namespace

std::string bucketExpression(const PartitionInfo &p, const std::string &keyExpr)
{
    return bucketExprImpl(p, keyExpr);
}

std::string partitionSuffix(const KeyRange &b)
{
    return "p_" + boundForm(b.lower, "min") + "_" + boundForm(b.upper, "max");
}

std::string partitionName(std::string_view family, const KeyRange &bounds)
{
    return std::string(family) + "__" + partitionSuffix(bounds);
}

std::int64_t partitionIdFor(std::string_view name)
{
    std::string folded(name);
    for (char &c : folded)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    const std::uint64_t h = XXH64(folded.data(), folded.size(), 0x7469646d61726bULL) & ((std::uint64_t(1) << 52) - 1);
    return h == 0 ? 1 : static_cast<std::int64_t>(h);
}

std::optional<std::int64_t> neighbourWidth(const std::vector<KeyRange> &ranges, std::size_t index, int buckets)
{
    for (std::size_t d = 1; d < ranges.size(); ++d) {
        for (std::size_t j : {index + d, index - d}) {
            if (j >= ranges.size()) // also catches index - d wrapping around
                continue;
            const auto &r = ranges[j];
            if (r.lower && r.upper) {
                const std::uint64_t span = std::uint64_t(*r.upper) - std::uint64_t(*r.lower);
                const std::uint64_t b = std::uint64_t(std::max(1, buckets));
                return std::int64_t(span / b + (span % b ? 1 : 0));
            }
        }
    }
    return std::nullopt;
}

PartitionInfo makePartition(std::string_view family, const KeyRange &bounds, std::optional<std::int64_t> widthHint,
                            int buckets)
{
    PartitionInfo p;
    p.name = partitionName(family, bounds);
    p.id = partitionIdFor(p.name);
    p.bounds = bounds;
    const std::int64_t b = std::max(1, buckets);
    if (bounds.lower && bounds.upper) {
        const std::uint64_t span = std::uint64_t(*bounds.upper) - std::uint64_t(*bounds.lower);
        const std::uint64_t ub = std::uint64_t(b);
        const std::uint64_t width = std::max<std::uint64_t>(1, span / ub + (span % ub ? 1 : 0));
        p.bucketBase = *bounds.lower;
        p.bucketWidth = std::int64_t(width);
        p.bucketCount = int(span / width + (span % width ? 1 : 0));
        return p;
    }
    const std::int64_t width = std::max<std::int64_t>(1, widthHint.value_or(kDefaultOpenSpan / b));
    p.bucketWidth = width;
    p.bucketCount = int(b);
    const std::int64_t reach =
        width > std::numeric_limits<std::int64_t>::max() / b ? std::numeric_limits<std::int64_t>::max() : width * b;
    if (bounds.lower) {
        p.bucketBase = *bounds.lower;
    } else if (bounds.upper) {
        const std::int64_t minBase = std::numeric_limits<std::int64_t>::min() / 2;
        p.bucketBase = *bounds.upper < minBase + reach ? minBase : *bounds.upper - reach;
    } else {
        p.bucketBase = -(reach / 2);
    }
    return p;
}

std::string rangeCondition(std::string_view keyExpr, const KeyRange &b)
{
    std::vector<std::string> terms;
    if (b.lower)
        terms.push_back(fmt::format("{} >= {}", keyExpr, *b.lower));
    if (b.upper)
        terms.push_back(fmt::format("{} < {}", keyExpr, *b.upper));
    return terms.empty() ? std::string("1") : joined(terms, " AND ");
}

std::vector<std::string> createPartitionSql(const Family &f, const PartitionInfo &p)
{
    std::vector<std::string> out;
    out.push_back("CREATE TABLE " + quoteIdent(p.name) + " " + f.body);
    for (const auto &idx : f.indexes)
        out.push_back(fmt::format("CREATE {}INDEX {} ON {} {}", idx.unique ? "UNIQUE " : "",
                                  quoteIdent(p.name + "__" + idx.name), quoteIdent(p.name), idx.body));
    return out;
}

std::string insertFamilyRowSql(const Family &f)
{
    return fmt::format("INSERT INTO _tidemark_families(family, key_column, table_body, counting, buckets, "
                       "created_ms) VALUES({}, {}, {}, {}, {}, {})",
                       quoteLit(f.name), quoteLit(f.keyColumn), quoteLit(f.body), f.counting ? 1 : 0, f.buckets,
                       kNowMsSql);
}

std::vector<std::string> insertIndexRowsSql(const Family &f)
{
    std::vector<std::string> out;
    for (const auto &idx : f.indexes)
        out.push_back(fmt::format("INSERT INTO _tidemark_family_indexes(family, name, is_unique, body) "
                                  "VALUES({}, {}, {}, {})",
                                  quoteLit(f.name), quoteLit(idx.name), idx.unique ? 1 : 0, quoteLit(idx.body)));
    return out;
}

std::string insertPartitionRowSql(const Family &f, const PartitionInfo &p)
{
    auto opt = [](std::optional<KeyValue> v) { return v ? std::to_string(*v) : std::string("NULL"); };
    return fmt::format("INSERT INTO _tidemark_partitions(id, family, name, lower, upper, bucket_base, "
                       "bucket_width, bucket_count, created_ms) VALUES({}, {}, {}, {}, {}, {}, {}, {}, {})",
                       p.id, quoteLit(f.name), quoteLit(p.name), opt(p.bounds.lower), opt(p.bounds.upper), p.bucketBase,
                       p.bucketWidth, p.bucketCount, kNowMsSql);
}

std::vector<std::string> removePartitionRowsSql(const PartitionInfo &p)
{
    return {fmt::format("DELETE FROM _tidemark_activity WHERE partition_id = {}", p.id),
            fmt::format("DELETE FROM _tidemark_partitions WHERE id = {}", p.id)};
}

std::vector<std::string> dropUnionViewSql(const Family &f, std::size_t partitionCount)
{
    std::vector<std::string> out{"DROP VIEW IF EXISTS " + quoteIdent(f.name + "__union")};
    if (partitionCount > kPartitionsPerView)
        for (std::size_t i = 0; i * kPartitionsPerView < partitionCount; ++i)
            out.push_back("DROP VIEW IF EXISTS " + quoteIdent(fmt::format("{}__union_{:03}", f.name, i + 1)));
    return out;
}

std::vector<std::string> createUnionViewSql(const Family &f, const std::vector<PartitionInfo> &parts)
{
    const Shapes s = shapesOf(f);
    std::vector<std::string> out;
    auto unionOf = [&](std::size_t from, std::size_t to, auto nameOf) {
        std::vector<std::string> arms;
        for (std::size_t i = from; i < to; ++i)
            arms.push_back(selectAll(s.all, nameOf(i)));
        return joined(arms, "\nUNION ALL ");
    };
    const std::string name = quoteIdent(f.name + "__union");
    if (parts.size() <= kPartitionsPerView) {
        out.push_back("CREATE VIEW " + name + " AS " +
                      unionOf(0, parts.size(), [&](std::size_t i) { return parts[i].name; }));
        return out;
    }
    std::vector<std::string> subViews;
    for (std::size_t from = 0; from < parts.size(); from += kPartitionsPerView) {
        const std::string sub = fmt::format("{}__union_{:03}", f.name, subViews.size() + 1);
        const std::size_t to = std::min(parts.size(), from + kPartitionsPerView);
        out.push_back("CREATE VIEW " + quoteIdent(sub) + " AS " +
                      unionOf(from, to, [&](std::size_t i) { return parts[i].name; }));
        subViews.push_back(sub);
    }
    out.push_back("CREATE VIEW " + name + " AS " +
                  unionOf(0, subViews.size(), [&](std::size_t i) { return subViews[i]; }));
    return out;
}

std::vector<std::string> routingTriggerSql(const Family &f, const PartitionInfo &p)
{
    const Shapes s = shapesOf(f);
    const std::string cols = joined(s.writable, ", ");
    const std::string vals = joined(s.newValues, ", ");
    const std::string sets = joined(s.sets, ", ");
    const std::string view = quoteIdent(f.name);
    const std::string inNew = "(" + rangeCondition(newKey(f), p.bounds) + ")";
    const std::string inOld = "(" + rangeCondition(keyRef("OLD.", f), p.bounds) + ")";
    const std::string part = quoteIdent(p.name);
    std::vector<std::string> out;
    out.push_back(fmt::format("CREATE TRIGGER {} INSTEAD OF INSERT ON {} WHEN {} BEGIN\n"
                              "INSERT INTO {}({}) VALUES({});\nEND",
                              quoteIdent(p.name + "__route_insert"), view, inNew, part, cols, vals));
    // Key stays: update in place. Key leaves: delete here (the partition it
    // moves to inserts it). Key arrives: insert here.
    out.push_back(fmt::format("CREATE TRIGGER {} INSTEAD OF UPDATE ON {} WHEN {} OR {} BEGIN\n"
                              "UPDATE {} SET {} WHERE {} AND {} AND {};\n"
                              "DELETE FROM {} WHERE {} AND NOT {} AND {};\n"
                              "INSERT INTO {}({}) SELECT {} WHERE {} AND NOT {};\nEND",
                              quoteIdent(p.name + "__route_update"), view, inOld, inNew, part, sets, inOld, inNew,
                              s.pkMatch, part, inOld, inNew, s.pkMatch, part, cols, vals, inNew, inOld));
    out.push_back(fmt::format("CREATE TRIGGER {} INSTEAD OF DELETE ON {} WHEN {} BEGIN\n"
                              "DELETE FROM {} WHERE {};\nEND",
                              quoteIdent(p.name + "__route_delete"), view, inOld, part, s.pkMatch));
    return out;
}

std::vector<std::string> dropRoutingTriggerSql(const PartitionInfo &p)
{
    std::vector<std::string> out;
    for (const char *event : {"insert", "update", "delete"})
        out.push_back("DROP TRIGGER IF EXISTS " + quoteIdent(p.name + "__route_" + event));
    return out;
}

std::vector<std::string> createFacadeSql(const Family &f, const std::vector<PartitionInfo> &parts)
{
    // `family` is a view over `family__union` (the UNION ALL of the
    // partitions) and never changes, so its triggers survive a split or merge:
    // a step re-creates only the inner view and the moved partitions'
    // triggers. SQLite re-scans its schema for every DDL statement, so
    // re-creating every trigger would cost O(partitions^2).
    //
    // Routing: one small trigger per partition whose WHEN clause selects it.
    // SQLite skips a trigger with a false WHEN cheaply, while one big trigger
    // with a guarded statement per partition grows faster than linearly
    // (measured: 32 us vs 13 us per insert at 40 partitions, 19 ms vs 0.13 ms
    // at 1,200).
    const Shapes s = shapesOf(f);
    std::vector<std::string> out = createUnionViewSql(f, parts);
    out.push_back("CREATE VIEW " + quoteIdent(f.name) + " AS " + selectAll(s.all, f.name + "__union"));
    for (const auto &p : parts)
        for (auto &t : routingTriggerSql(f, p))
            out.push_back(std::move(t));
    // Created last: SQLite fires the newest trigger first, so a bad key is
    // reported by its own message rather than by a constraint it trips.
    out.push_back(checkTrigger(f, parts, "insert", "insert into"));
    out.push_back(checkTrigger(f, parts, "update", "update"));
    return out;
}

std::vector<std::string> keyCheckTriggerSql(const Family &f, const std::vector<PartitionInfo> &parts)
{
    return {"DROP TRIGGER IF EXISTS " + quoteIdent(f.name + "__check_insert"),
            "DROP TRIGGER IF EXISTS " + quoteIdent(f.name + "__check_update"),
            checkTrigger(f, parts, "insert", "insert into"), checkTrigger(f, parts, "update", "update")};
}

std::vector<std::string> derivedObjectNames(const Family &f, const PartitionInfo &p)
{
    std::vector<std::string> names{p.name};
    for (const char *suffix :
         {"__count_insert", "__count_update", "__count_delete", "__route_insert", "__route_update", "__route_delete"})
        names.push_back(p.name + suffix);
    for (const auto &idx : f.indexes)
        names.push_back(p.name + "__" + idx.name);
    return names;
}

std::vector<std::string> countingTriggerSql(const Family &f, const PartitionInfo &p)
{
    struct Kind {
        const char *event;
        const char *row;
        const char *column;
        const char *values;
    };
    static constexpr Kind kinds[] = {{"INSERT", "NEW.", "inserts", "1, 0, 0"},
                                     {"UPDATE", "NEW.", "updates", "0, 1, 0"},
                                     {"DELETE", "OLD.", "deletes", "0, 0, 1"}};
    std::vector<std::string> out;
    for (const auto &k : kinds) {
        std::string event = k.event;
        for (char &c : event)
            c = char(c - 'A' + 'a');
        out.push_back(fmt::format(
            "CREATE TRIGGER {} AFTER {} ON {} BEGIN INSERT INTO _tidemark_activity(partition_id, bucket, inserts, "
            "updates, deletes) VALUES({}, {}, {}) ON CONFLICT(partition_id, bucket) DO UPDATE SET {} = {} + 1; END",
            quoteIdent(p.name + "__count_" + event), k.event, quoteIdent(p.name), p.id,
            bucketExpression(p, keyRef(k.row, f)), k.values, k.column, k.column));
    }
    return out;
}

std::vector<std::string> dropCountingTriggerSql(const PartitionInfo &p)
{
    std::vector<std::string> out;
    for (const char *event : {"insert", "update", "delete"})
        out.push_back("DROP TRIGGER IF EXISTS " + quoteIdent(p.name + "__count_" + event));
    return out;
}

std::string copySql(const Family &f, std::string_view from, std::string_view to, const KeyRange &range)
{
    const Shapes s = shapesOf(f);
    const std::string cols = joined(s.writable, ", ");
    return fmt::format("INSERT INTO {}({}) SELECT {} FROM {} WHERE {}", quoteIdent(to), cols, cols, quoteIdent(from),
                       rangeCondition(quoteIdent(f.keyColumn), range));
}

std::string checksumSql(const std::vector<Column> &columns, std::string_view table, std::string_view keyColumn,
                        const std::optional<KeyRange> &range)
{
    std::vector<std::string> cols;
    for (const auto &c : columns)
        cols.push_back(quoteIdent(c.name));
    std::string sql =
        fmt::format("SELECT count(*), tidemark_rowhash_sum({}) FROM {}", rowHashArguments(cols), quoteIdent(table));
    if (range && (range->lower || range->upper))
        sql += " WHERE " + rangeCondition(quoteIdent(keyColumn), *range);
    return sql;
}

} // namespace tidemark::sqlite
