// Catalogue access: the _tidemark_* tables that describe each family.
#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <sqlite3.h>
#include <xxhash.h>

#include "sqlite_family.h"

namespace tidemark::sqlite {

namespace {

constexpr const char *kCatalogueSql = R"sql(
CREATE TABLE IF NOT EXISTS _tidemark_families(
  family TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
  key_column TEXT NOT NULL,
  table_body TEXT NOT NULL,
  counting INTEGER NOT NULL DEFAULT 1,
  buckets INTEGER NOT NULL DEFAULT 64,
  created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS _tidemark_family_indexes(
  family TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL,
  is_unique INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY(family, name));
CREATE TABLE IF NOT EXISTS _tidemark_partitions(
  id INTEGER PRIMARY KEY,
  family TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  lower INTEGER,
  upper INTEGER,
  bucket_base INTEGER NOT NULL,
  bucket_width INTEGER NOT NULL,
  bucket_count INTEGER NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS _tidemark_partitions_by_family ON _tidemark_partitions(family, lower);
CREATE TABLE IF NOT EXISTS _tidemark_activity(
  partition_id INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  inserts INTEGER NOT NULL DEFAULT 0,
  updates INTEGER NOT NULL DEFAULT 0,
  deletes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(partition_id, bucket)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS _tidemark_steps(
  uid TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  committed_ms INTEGER NOT NULL);
)sql";

template <class T> void feedHash(XXH64_state_t *st, const T &v)
{
    XXH64_update(st, &v, sizeof v);
}

void feedHash(XXH64_state_t *st, std::string_view s)
{
    const std::uint64_t n = s.size();
    XXH64_update(st, &n, sizeof n);
    XXH64_update(st, s.data(), s.size());
}

void feedBound(XXH64_state_t *st, std::optional<KeyValue> v)
{
    const unsigned char present = v ? 1 : 0;
    feedHash(st, present);
    if (v)
        feedHash(st, *v);
}

} // namespace

Result<void> ensureCatalogue(sqlite3 *db)
{
    return exec(db, kCatalogueSql);
}

Result<bool> catalogueExists(sqlite3 *db)
{
    auto n = queryInteger(db,
                          "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                          "('_tidemark_families', '_tidemark_partitions', '_tidemark_activity')");
    if (!n)
        return tl::unexpected(n.error());
    return n->value_or(0) == 3;
}

Result<std::vector<Column>> tableColumns(sqlite3 *db, std::string_view table)
{
    auto st = Statement::prepare(db,
                                 "SELECT name, type, \"notnull\", dflt_value, pk, hidden "
                                 "FROM pragma_table_xinfo(?1) ORDER BY cid");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, table);
    std::vector<Column> cols;
    for (;;) {
        auto row = st->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        const std::int64_t hidden = st->integer(5);
        if (hidden == 1) // hidden columns of virtual tables
            continue;
        Column c;
        c.name = st->text(0);
        c.declaredType = st->text(1);
        c.notNull = st->integer(2) != 0;
        if (!st->isNull(3))
            c.defaultSql = st->text(3);
        c.pkOrder = int(st->integer(4));
        c.generated = hidden == 2 || hidden == 3;
        cols.push_back(std::move(c));
    }
    return cols;
}

Result<std::string> schemaObjectType(sqlite3 *db, std::string_view name)
{
    auto st = Statement::prepare(db, "SELECT type FROM sqlite_schema WHERE name = ?1 COLLATE NOCASE");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, name);
    auto row = st->step();
    if (!row)
        return tl::unexpected(row.error());
    return *row ? st->text(0) : std::string();
}

Result<std::optional<Family>> loadFamily(sqlite3 *db, std::string_view name)
{
    auto exists = catalogueExists(db);
    if (!exists)
        return tl::unexpected(exists.error());
    if (!*exists)
        return std::optional<Family>{};
    auto st = Statement::prepare(db,
                                 "SELECT family, key_column, table_body, counting, buckets, created_ms "
                                 "FROM _tidemark_families WHERE family = ?1");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, name);
    auto row = st->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return std::optional<Family>{};
    Family f;
    f.name = st->text(0);
    f.keyColumn = st->text(1);
    f.body = st->text(2);
    f.counting = st->integer(3) != 0;
    f.buckets = int(st->integer(4));
    f.createdMs = st->integer(5);

    auto ix = Statement::prepare(db,
                                 "SELECT name, is_unique, body FROM _tidemark_family_indexes "
                                 "WHERE family = ?1 ORDER BY rowid");
    if (!ix)
        return tl::unexpected(ix.error());
    ix->bind(1, f.name);
    for (;;) {
        auto r = ix->step();
        if (!r)
            return tl::unexpected(r.error());
        if (!*r)
            break;
        f.indexes.push_back(IndexDef{ix->text(0), ix->integer(1) != 0, ix->text(2)});
    }

    auto ps = Statement::prepare(db,
                                 "SELECT id, name, lower, upper, bucket_base, bucket_width, bucket_count, "
                                 "created_ms FROM _tidemark_partitions WHERE family = ?1 "
                                 "ORDER BY lower IS NOT NULL, lower");
    if (!ps)
        return tl::unexpected(ps.error());
    ps->bind(1, f.name);
    for (;;) {
        auto r = ps->step();
        if (!r)
            return tl::unexpected(r.error());
        if (!*r)
            break;
        PartitionInfo p;
        p.id = ps->integer(0);
        p.name = ps->text(1);
        p.bounds = KeyRange{ps->optionalInteger(2), ps->optionalInteger(3)};
        p.bucketBase = ps->integer(4);
        p.bucketWidth = std::max<std::int64_t>(1, ps->integer(5));
        p.bucketCount = std::max(1, int(ps->integer(6)));
        p.createdMs = ps->integer(7);
        f.partitions.push_back(std::move(p));
    }
    if (f.partitions.empty())
        return fail(ErrorCode::Corrupt, fmt::format("the catalogue lists no partitions for {}", quoteIdent(f.name)),
                    "restore the database from a backup or re-create the family");
    auto journaled = familyJournaled(db, f.name);
    if (!journaled)
        return tl::unexpected(journaled.error());
    f.journaled = *journaled;
    auto cols = tableColumns(db, f.partitions.front().name);
    if (!cols)
        return tl::unexpected(cols.error());
    if (cols->empty())
        return fail(
            ErrorCode::Corrupt,
            fmt::format("partition {} of {} is missing", quoteIdent(f.partitions.front().name), quoteIdent(f.name)),
            "the catalogue and the tables disagree; restore the database from a backup");
    f.columns = std::move(*cols);
    return std::optional<Family>{std::move(f)};
}

Result<std::vector<std::string>> familyNames(sqlite3 *db)
{
    auto exists = catalogueExists(db);
    if (!exists)
        return tl::unexpected(exists.error());
    std::vector<std::string> names;
    if (!*exists)
        return names;
    auto st = Statement::prepare(db, "SELECT family FROM _tidemark_families ORDER BY family");
    if (!st)
        return tl::unexpected(st.error());
    for (;;) {
        auto r = st->step();
        if (!r)
            return tl::unexpected(r.error());
        if (!*r)
            break;
        names.push_back(st->text(0));
    }
    return names;
}

Result<std::int64_t> tableRows(sqlite3 *db, std::string_view table)
{
    auto n = queryInteger(db, "SELECT count(*) FROM " + quoteIdent(table));
    if (!n)
        return tl::unexpected(n.error());
    return n->value_or(0);
}

namespace {
// Every table and index with the table it belongs to (one schema scan).
Result<std::vector<std::pair<std::string, std::string>>> schemaOwners(sqlite3 *db)
{
    auto st = Statement::prepare(db, "SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')");
    if (!st)
        return tl::unexpected(st.error());
    std::vector<std::pair<std::string, std::string>> out;
    for (;;) {
        auto r = st->step();
        if (!r)
            return tl::unexpected(r.error());
        if (!*r)
            break;
        out.emplace_back(st->text(0), st->text(1));
    }
    return out;
}
} // namespace

Result<std::map<std::string, std::int64_t>> bytesOfTables(sqlite3 *db, const std::vector<std::string> &tables)
{
    auto owners = schemaOwners(db);
    if (!owners)
        return tl::unexpected(owners.error());
    // dbstat answers name = ? from that b-tree's pages alone.
    auto size = Statement::prepare(db,
                                   "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ?1 "
                                   "AND aggregate = TRUE");
    if (!size)
        return tl::unexpected(size.error());
    std::map<std::string, std::int64_t> out;
    for (const auto &t : tables)
        out[t] = 0;
    for (const auto &[object, table] : *owners) {
        const auto it = out.find(table);
        if (it == out.end())
            continue;
        size->reset();
        size->bind(1, object);
        auto r = size->step();
        if (!r)
            return tl::unexpected(r.error());
        if (*r)
            it->second += size->integer(0);
    }
    return out;
}

Result<std::int64_t> tableBytes(sqlite3 *db, std::string_view table)
{
    auto m = bytesOfTables(db, {std::string(table)});
    if (!m)
        return tl::unexpected(m.error());
    return m->begin()->second;
}

Result<std::map<std::string, std::int64_t>> allTableBytes(sqlite3 *db)
{
    auto owners = schemaOwners(db);
    if (!owners)
        return tl::unexpected(owners.error());
    std::map<std::string, std::string> ownerOf(owners->begin(), owners->end());
    auto st = Statement::prepare(db, "SELECT name, pgsize FROM dbstat WHERE aggregate = TRUE");
    if (!st)
        return tl::unexpected(st.error());
    std::map<std::string, std::int64_t> out;
    for (;;) {
        auto r = st->step();
        if (!r)
            return tl::unexpected(r.error());
        if (!*r)
            break;
        const auto o = ownerOf.find(st->text(0));
        if (o != ownerOf.end())
            out[o->second] += st->integer(1);
    }
    return out;
}

Result<Family> requireFamily(sqlite3 *db, std::string_view table)
{
    if (auto r = checkName(table, "table"); !r)
        return tl::unexpected(r.error());
    auto f = loadFamily(db, table);
    if (!f)
        return tl::unexpected(f.error());
    if (*f)
        return std::move(**f);
    auto type = schemaObjectType(db, table);
    if (!type)
        return tl::unexpected(type.error());
    if (*type == "table" || *type == "view")
        return fail(ErrorCode::NotPartitioned, fmt::format("table {} is not partitioned", quoteIdent(table)),
                    fmt::format("turn it into a partitioned family first: tidemark-cli adopt {} --key COLUMN "
                                "--split-at VALUE,…",
                                quoteIdent(table)));
    return fail(ErrorCode::NotFound, fmt::format("there is no table named {}", quoteIdent(table)),
                "check the name; tidemark-cli discover lists the partitioned tables");
}

const PartitionInfo *findPartition(const Family &f, std::string_view name)
{
    for (const auto &p : f.partitions)
        if (sameIdent(p.name, name))
            return &p;
    return nullptr;
}

std::string structureFingerprint(const Family &f, std::vector<const PartitionInfo *> parts)
{
    std::sort(parts.begin(), parts.end(), [](const PartitionInfo *a, const PartitionInfo *b) {
        if (!a->bounds.lower || !b->bounds.lower)
            return !a->bounds.lower && b->bounds.lower;
        return *a->bounds.lower < *b->bounds.lower;
    });
    XXH64_state_t *st = XXH64_createState();
    XXH64_reset(st, 0);
    feedHash(st, std::string_view(f.name));
    feedHash(st, std::string_view(f.keyColumn));
    feedHash(st, std::string_view(f.body));
    for (const auto &idx : f.indexes) {
        feedHash(st, std::string_view(idx.name));
        feedHash(st, std::string_view(idx.body));
    }
    for (const auto *p : parts) {
        feedHash(st, std::string_view(p->name));
        feedBound(st, p->bounds.lower);
        feedBound(st, p->bounds.upper);
    }
    const std::uint64_t h = XXH64_digest(st);
    XXH64_freeState(st);
    return fmt::format("{:016x}", h);
}

} // namespace tidemark::sqlite
