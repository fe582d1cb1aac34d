#include "maria_tables.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "model/key_value.h"

namespace tidemark::mariadb {

namespace {

/// TO_DAYS('1970-01-01'): day numbers of TO_DAYS keys are KeyValue days plus this.
constexpr std::int64_t kToDaysEpoch = 719528;
constexpr std::int64_t kMicrosPerSecond = 1'000'000;

std::string lower(std::string s)
{
    for (auto &c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool isIntegerType(const std::string &t)
{
    return t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "bigint";
}

bool isStringType(const std::string &t)
{
    return t.find("char") != std::string::npos || t.find("text") != std::string::npos ||
        t.find("blob") != std::string::npos || t.find("binary") != std::string::npos || t == "enum" || t == "set" ||
        t == "json" || t == "longtext";
}

/// "`name`" → name; nothing when the text is not one quoted identifier.
std::optional<std::string> unquoted(std::string_view s)
{
    if (s.size() < 2 || s.front() != '`' || s.back() != '`')
        return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        if (s[i] == '`') {
            if (s[i + 1] != '`' || i + 2 >= s.size())
                return std::nullopt;
            ++i;
        }
        out += s[i];
    }
    return out;
}

/// "fn(`col`)" → (fn lower-cased, col).
std::optional<std::pair<std::string, std::string>> functionOf(const std::string &expr)
{
    const auto open = expr.find('(');
    if (open == std::string::npos || expr.back() != ')')
        return std::nullopt;
    auto col = unquoted(std::string_view(expr).substr(open + 1, expr.size() - open - 2));
    if (!col)
        return std::nullopt;
    return std::make_pair(lower(expr.substr(0, open)), *col);
}

const MariaColumn *columnNamed(const MariaTable &t, const std::string &name)
{
    for (const auto &c : t.columns)
        if (lower(c.name) == lower(name))
            return &c;
    return nullptr;
}

/// Fills keyColumn, keyType, encoding or notPlannableReason.
void classifyKey(MariaTable &t)
{
    auto reason = [&t](std::string why) { t.notPlannableReason = std::move(why); };
    if (!t.subMethod.empty())
        return reason(fmt::format("{} is sub-partitioned ({} within {}): Tidemark plans single-level RANGE tables",
                                  t.name, t.subMethod, t.method));
    if (t.method != "RANGE" && t.method != "RANGE COLUMNS")
        return reason(fmt::format("{} is partitioned by {} ({}): only RANGE and RANGE COLUMNS tables are planned; "
                                  "split and merge of {} partitions would move rows by hash or list",
                                  t.name, t.method, t.expression, t.method));
    std::string column;
    KeyEncoding enc = KeyEncoding::Plain;
    if (auto plain = unquoted(t.expression)) {
        column = *plain;
    } else if (auto fn = functionOf(t.expression); fn && (fn->first == "to_days" || fn->first == "unix_timestamp")) {
        column = fn->second;
        enc = fn->first == "to_days" ? KeyEncoding::ToDays : KeyEncoding::UnixTimestamp;
    } else {
        return reason(fmt::format("{} is partitioned by {} ({}): Tidemark plans a plain column, TO_DAYS(column) or "
                                  "UNIX_TIMESTAMP(column) key",
                                  t.name, t.method, t.expression));
    }
    const MariaColumn *col = columnNamed(t, column);
    if (!col)
        return reason(fmt::format("{}: key column {} not found", t.name, column));
    t.keyColumn = col->name;
    const std::string &type = col->dataType;
    if (enc == KeyEncoding::Plain && isIntegerType(type)) {
        t.keyType = KeyType::Integer;
    } else if (enc == KeyEncoding::Plain && t.method == "RANGE COLUMNS" && (type == "date" || type == "datetime")) {
        enc = KeyEncoding::ColumnsTime;
        t.keyType = type == "date" ? KeyType::Date : KeyType::Timestamp;
    } else if (enc == KeyEncoding::ToDays && (type == "date" || type == "datetime")) {
        t.keyType = type == "date" ? KeyType::Date : KeyType::Timestamp;
    } else if (enc == KeyEncoding::UnixTimestamp && type == "timestamp") {
        t.keyType = KeyType::TimestampTz;
    } else {
        return reason(fmt::format("{} is partitioned by {} on a {} column: Tidemark plans integer keys, DATE and "
                                  "DATETIME (plain with RANGE COLUMNS, or TO_DAYS) and TIMESTAMP (UNIX_TIMESTAMP)",
                                  t.name, t.expression, col->columnType));
    }
    t.encoding = enc;
}

/// A RANGE bound as KeyValue; nothing for MAXVALUE or what cannot be read.
std::optional<KeyValue> parseBound(const MariaTable &t, const std::string &desc, bool *ok)
{
    *ok = true;
    if (desc == "MAXVALUE")
        return std::nullopt;
    const KeyType type = *t.keyType;
    switch (t.encoding) {
    case KeyEncoding::Plain:
        if (auto v = parseKey(desc, KeyType::Integer))
            return v;
        break;
    case KeyEncoding::ToDays:
        if (auto v = parseKey(desc, KeyType::Integer))
            return type == KeyType::Date ? *v - kToDaysEpoch : (*v - kToDaysEpoch) * kMicrosPerDay;
        break;
    case KeyEncoding::UnixTimestamp:
        if (auto v = parseKey(desc, KeyType::Integer))
            return *v * kMicrosPerSecond;
        break;
    case KeyEncoding::ColumnsTime: {
        std::string s = desc;
        if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'')
            s = s.substr(1, s.size() - 2);
        if (auto v = parseKey(s, type))
            return v;
        break;
    }
    }
    *ok = false;
    return std::nullopt;
}

void parseRanges(MariaTable &t)
{
    if (!t.plannable())
        return;
    std::optional<KeyValue> lower;
    for (auto &p : t.partitions) {
        bool ok = true;
        const auto upper = parseBound(t, p.description, &ok);
        if (!ok) {
            t.notPlannableReason =
                fmt::format("{}: cannot read the bound {} of partition {}", t.name, p.description, p.name);
            for (auto &q : t.partitions)
                q.range.reset();
            return;
        }
        p.range = KeyRange{lower, upper};
        lower = upper;
    }
}

std::string fnv64(std::string_view s)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (const unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return fmt::format("{:016x}", h);
}

} // namespace

const MariaPartition *MariaTable::find(const std::string &partition) const
{
    for (const auto &p : partitions)
        if (p.name == partition)
            return &p;
    return nullptr;
}

namespace {

Result<std::vector<MariaTable>> load(MariaConnection &c, const std::string *only)
{
    const std::string filter = only ? " AND p.TABLE_NAME = " + c.quoteLiteral(*only) : std::string();
    auto rows = c.query(
        "SELECT p.TABLE_SCHEMA, p.TABLE_NAME, p.PARTITION_NAME, p.SUBPARTITION_NAME, p.PARTITION_METHOD, "
        "p.SUBPARTITION_METHOD, p.PARTITION_EXPRESSION, p.PARTITION_DESCRIPTION, p.TABLE_ROWS, p.DATA_LENGTH, "
        "p.INDEX_LENGTH, p.DATA_FREE, COALESCE(UNIX_TIMESTAMP(p.CREATE_TIME) * 1000, 0), t.ENGINE "
        "FROM information_schema.PARTITIONS p JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = p.TABLE_SCHEMA "
        "AND t.TABLE_NAME = p.TABLE_NAME WHERE p.TABLE_SCHEMA = DATABASE() AND p.PARTITION_NAME IS NOT NULL" +
        filter + " ORDER BY p.TABLE_NAME, p.PARTITION_ORDINAL_POSITION, p.SUBPARTITION_ORDINAL_POSITION");
    if (!rows)
        return tl::unexpected(rows.error());
    std::vector<MariaTable> out;
    for (int i = 0; i < rows->size(); ++i) {
        if (out.empty() || out.back().name != rows->text(i, 1)) {
            MariaTable t;
            t.schema = rows->text(i, 0);
            t.name = rows->text(i, 1);
            t.method = rows->text(i, 4);
            t.subMethod = rows->text(i, 5);
            t.expression = rows->text(i, 6);
            t.engine = rows->text(i, 13);
            out.push_back(std::move(t));
        }
        MariaTable &t = out.back();
        if (t.partitions.empty() || t.partitions.back().name != rows->text(i, 2)) {
            MariaPartition p;
            p.name = rows->text(i, 2);
            p.description = rows->text(i, 7);
            p.createdMs = rows->integer(i, 12);
            t.partitions.push_back(std::move(p));
        }
        MariaPartition &p = t.partitions.back();
        if (!rows->null(i, 3))
            p.subpartitions.push_back(rows->text(i, 3));
        p.rows += rows->integer(i, 8);
        p.dataBytes += rows->integer(i, 9);
        p.indexBytes += rows->integer(i, 10);
        p.freeBytes += rows->integer(i, 11);
    }
    if (out.empty())
        return out;
    auto cols = c.query("SELECT TABLE_NAME, COLUMN_NAME, LOWER(DATA_TYPE), COLUMN_TYPE, IS_GENERATED FROM "
                        "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()" +
                        (only ? " AND TABLE_NAME = " + c.quoteLiteral(*only) : std::string()) +
                        " ORDER BY TABLE_NAME, ORDINAL_POSITION");
    if (!cols)
        return tl::unexpected(cols.error());
    std::map<std::string, std::vector<MariaColumn>> byTable;
    for (int i = 0; i < cols->size(); ++i)
        byTable[cols->text(i, 0)].push_back(
            MariaColumn{cols->text(i, 1), cols->text(i, 2), cols->text(i, 3), cols->text(i, 4) == "ALWAYS"});
    for (auto &t : out) {
        t.columns = byTable[t.name];
        classifyKey(t);
        parseRanges(t);
    }
    return out;
}

} // namespace

Result<std::vector<MariaTable>> loadTables(MariaConnection &c)
{
    return load(c, nullptr);
}

Result<MariaTable> loadTable(MariaConnection &c, const std::string &name)
{
    auto tables = load(c, &name);
    if (!tables)
        return tl::unexpected(tables.error());
    if (!tables->empty())
        return std::move(tables->front());
    auto exists = c.scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
                           "TABLE_NAME = " +
                           c.quoteLiteral(name));
    if (!exists)
        return tl::unexpected(exists.error());
    if (*exists)
        return fail(ErrorCode::NotPartitioned, fmt::format("{} is not a partitioned table", name),
                    "Tidemark splits and merges partitions of tables created with PARTITION BY RANGE; "
                    "`tidemark-cli scan` lists the partitioned tables it sees");
    return fail(ErrorCode::NotFound, fmt::format("no table {} in database {}", name, c.uri().database),
                "check the table name and the database in the URI");
}

PartitionedTable toModel(const MariaTable &t)
{
    PartitionedTable m;
    m.name = t.name;
    m.keyColumn = t.keyColumn.empty() ? t.expression : t.keyColumn;
    m.keyType = t.keyType.value_or(KeyType::Integer);
    m.strategy = t.method.rfind("RANGE", 0) == 0 ? PartitionStrategy::Range
        : t.method.rfind("LIST", 0) == 0         ? PartitionStrategy::List
                                                 : PartitionStrategy::Hash;
    for (const auto &p : t.partitions) {
        Partition q;
        q.name = p.name;
        q.bounds = p.range.value_or(KeyRange{});
        q.rows = p.rows;
        q.bytes = p.bytes();
        q.createdMs = p.createdMs;
        m.partitions.push_back(std::move(q));
    }
    m.plannable = t.plannable();
    m.notPlannableReason = t.notPlannableReason;
    return m;
}

Result<std::string> boundLiteral(const MariaConnection &c, const MariaTable &t, std::optional<KeyValue> value)
{
    if (!value)
        return std::string("MAXVALUE");
    const KeyType type = t.keyType.value_or(KeyType::Integer);
    const KeyValue v = *value;
    switch (t.encoding) {
    case KeyEncoding::Plain:
        return std::to_string(v);
    case KeyEncoding::ToDays:
        if (type == KeyType::Date)
            return std::to_string(v + kToDaysEpoch);
        if (v % kMicrosPerDay != 0)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{} is partitioned by {}: a bound must be midnight, not {}", t.name, t.expression,
                                    formatKey(v, type)),
                        "split at whole days");
        return std::to_string(v / kMicrosPerDay + kToDaysEpoch);
    case KeyEncoding::UnixTimestamp:
        if (v % kMicrosPerSecond != 0)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{} is partitioned by {}: a bound must be a whole second", t.name, t.expression),
                        "split at whole seconds");
        return std::to_string(v / kMicrosPerSecond);
    case KeyEncoding::ColumnsTime:
        return c.quoteLiteral(formatKey(v, type));
    }
    return fail(ErrorCode::Internal, "unknown key encoding");
}

std::string rangePredicate(const MariaConnection &c, const MariaTable &t, const KeyRange &r)
{
    const KeyType type = t.keyType.value_or(KeyType::Integer);
    // TIMESTAMP compares in the session's zone, which Tidemark sets to UTC.
    const KeyType printed = type == KeyType::TimestampTz ? KeyType::Timestamp : type;
    auto lit = [&](KeyValue v) {
        return type == KeyType::Integer ? std::to_string(v) : c.quoteLiteral(formatKey(v, printed));
    };
    const std::string k = c.quoteIdent(t.keyColumn);
    std::vector<std::string> parts;
    if (r.lower)
        parts.push_back(k + " >= " + lit(*r.lower));
    if (r.upper)
        parts.push_back(k + " < " + lit(*r.upper));
    std::string out;
    for (const auto &p : parts)
        out += (out.empty() ? "" : " AND ") + p;
    return out.empty() ? "1" : out;
}

std::string checksumSql(const MariaConnection &c, const std::vector<MariaColumn> &columns, const std::string &from,
                        const std::string &where)
{
    // Strings by their bytes with their length in front (so no separator in a
    // value can shift a field), everything else by its exact text form; 'N'
    // (which no length prefix starts with) stands for NULL. Each row's 64-bit
    // hash is CRC-32 and CRC-32C of that text side by side: cheap to compute,
    // and summed (not XORed) so duplicated rows do not cancel.
    std::string fields;
    for (const auto &col : columns) {
        const std::string q = c.quoteIdent(col.name);
        const std::string v = isStringType(col.dataType) ? fmt::format("CONCAT(OCTET_LENGTH({0}), ':', {0})", q)
                                                         : "CAST(" + q + " AS CHAR)";
        fields += (fields.empty() ? "" : ", ") + fmt::format("IFNULL({}, 'N')", v);
    }
    const std::string row = fmt::format("CONCAT_WS('|', {})", fields);
    return fmt::format("SELECT COUNT(*), CAST(COALESCE(SUM((CRC32({0}) << 32) | CRC32C({0})), 0) MOD "
                       "18446744073709551616 AS CHAR) FROM {1}{2}",
                       row, from, where.empty() ? "" : " WHERE " + where);
}

Result<RowChecksum> runChecksum(MariaConnection &c, const std::string &sql)
{
    auto r = c.query(sql);
    if (!r)
        return tl::unexpected(r.error());
    RowChecksum s;
    s.rows = r->integer(0, 0);
    s.hashSum = r->unsignedInteger(0, 1);
    return s;
}

Result<std::string> structureFingerprint(MariaConnection &c, const MariaTable &t,
                                         const std::vector<std::string> &partitions)
{
    (void)c;
    std::string text = t.method + "|" + t.expression + "|";
    for (const auto &col : t.columns)
        text += col.name + ":" + col.columnType + ",";
    for (const auto &name : partitions) {
        const MariaPartition *p = t.find(name);
        if (!p)
            return fail(ErrorCode::StalePlan, fmt::format("{} has no partition {} any more", t.name, name),
                        "scan and plan again");
        // The previous partition's bound is this one's lower bound.
        const auto at = std::size_t(p - t.partitions.data());
        text += fmt::format("|{}<{}>{}", p->name, at ? t.partitions[at - 1].description : "MINVALUE", p->description);
    }
    return fnv64(text);
}

} // namespace tidemark::mariadb
