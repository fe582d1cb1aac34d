// Turning an ordinary table into a family (adopt), creating a new family,
// and switching write counting on and off — each in one transaction.
#include <algorithm>

#include <fmt/format.h>
#include <sqlite3.h>

#include "sqlite_checksum.h"
#include "sqlite_connector.h"
#include "sqlite_family.h"

namespace tidemark::sqlite {

namespace {

bool hasIntegerAffinity(std::string type)
{
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    return type.find("INT") != std::string::npos;
}

Result<std::vector<std::string>> names(sqlite3 *db, const std::string &sql, std::string_view bound)
{
    auto st = Statement::prepare(db, sql);
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, bound);
    std::vector<std::string> out;
    for (;;) {
        auto r = st->step();
        if (!r)
            return tl::unexpected(r.error());
        if (!*r)
            break;
        out.push_back(st->text(0));
    }
    return out;
}

std::string listOf(const std::vector<std::string> &v)
{
    std::string s;
    for (const auto &n : v)
        s += (s.empty() ? "" : ", ") + quoteIdent(n);
    return s;
}

Error refuse(std::string message, std::string hint)
{
    return Error{ErrorCode::InvalidArgument, std::move(message), std::move(hint)};
}

// Every reason a table cannot become a family, checked before anything changes.
Result<void> checkAdoptable(sqlite3 *db, const std::string &table, const Column &key, const std::string &createSql)
{
    const std::string qt = quoteIdent(table);
    const std::string qk = quoteIdent(key.name);
    if (createSql.rfind("CREATE VIRTUAL", 0) == 0 || createSql.rfind("create virtual", 0) == 0)
        return tl::unexpected(refuse(fmt::format("{} is a virtual table", qt), "only ordinary tables can be adopted"));
    if (!hasIntegerAffinity(key.declaredType) || key.generated)
        return tl::unexpected(
            refuse(fmt::format("the key column {} of {} is declared {}; a partition key needs INTEGER affinity", qk, qt,
                               key.declaredType.empty() ? std::string("without a type") : quoteLit(key.declaredType)),
                   "choose an integer column (an id or an epoch time) as the key"));
    if (key.pkOrder == 0)
        return tl::unexpected(
            refuse(fmt::format("{} is not part of the primary key of {}; every partition must be able to find a row by "
                               "its key",
                               qk, qt),
                   "make the key column (part of) the PRIMARY KEY, as PostgreSQL also requires, then adopt again"));

    auto triggers =
        names(db, "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1 COLLATE NOCASE", table);
    if (!triggers)
        return tl::unexpected(triggers.error());
    if (!triggers->empty())
        return tl::unexpected(refuse(fmt::format("{} has triggers ({}) that would not follow its rows into the "
                                                 "partitions",
                                                 qt, listOf(*triggers)),
                                     "drop the triggers, adopt the table, then re-create them on the partitions"));

    auto referrers = names(db,
                           "SELECT s.name FROM sqlite_schema AS s, pragma_foreign_key_list(s.name) AS f "
                           "WHERE s.type = 'table' AND f.\"table\" = ?1 COLLATE NOCASE",
                           table);
    if (!referrers)
        return tl::unexpected(referrers.error());
    if (!referrers->empty())
        return tl::unexpected(refuse(
            fmt::format("{} is referenced by foreign keys of {}; SQLite cannot point a foreign key at the view that "
                        "replaces it",
                        qt, listOf(*referrers)),
            "drop those foreign key constraints (or adopt a table nothing references)"));

    // A unique index without the key would only be unique per partition.
    auto uniques = names(db, "SELECT name FROM pragma_index_list(?1) WHERE \"unique\" = 1", table);
    if (!uniques)
        return tl::unexpected(uniques.error());
    for (const auto &idx : *uniques) {
        auto cols2 = names(db, "SELECT coalesce(name, '') FROM pragma_index_info(?1)", idx);
        if (!cols2)
            return tl::unexpected(cols2.error());
        const bool hasKey =
            std::any_of(cols2->begin(), cols2->end(), [&](const auto &c) { return sameIdent(c, key.name); });
        if (!hasKey)
            return tl::unexpected(refuse(
                fmt::format("the unique index {} of {} does not contain the key column {}; uniqueness could only be "
                            "enforced within each partition",
                            quoteIdent(idx), qt, qk),
                "add the key column to the unique index or constraint, as PostgreSQL also requires"));
    }

    auto nulls = queryInteger(db, fmt::format("SELECT count(*) FROM {} WHERE {} IS NULL", qt, qk));
    if (!nulls)
        return tl::unexpected(nulls.error());
    if (nulls->value_or(0) > 0)
        return tl::unexpected(refuse(fmt::format("{} rows of {} have a NULL key {}", nulls->value_or(0), qt, qk),
                                     "give those rows a key (or delete them) before adopting"));
    auto nonInt = queryInteger(db, fmt::format("SELECT count(*) FROM {} WHERE typeof({}) <> 'integer'", qt, qk));
    if (!nonInt)
        return tl::unexpected(nonInt.error());
    if (nonInt->value_or(0) > 0)
        return tl::unexpected(
            refuse(fmt::format("{} rows of {} have a key {} that is not an integer", nonInt->value_or(0), qt, qk),
                   "fix those values, e.g. UPDATE … SET key = CAST(key AS INTEGER)"));
    return {};
}

Result<void> runAll(sqlite3 *db, const std::vector<std::string> &statements)
{
    for (const auto &s : statements)
        if (auto r = execSingle(db, s); !r)
            return r;
    return {};
}

// The body of adopt; the caller holds the write transaction.
Result<void> adoptInTransaction(sqlite3 *db, const AdoptRequest &req, const AdoptOptions &opts)
{
    if (auto r = checkName(req.table, "table"); !r)
        return r;
    if (auto r = checkName(req.keyColumn, "key column"); !r)
        return r;
    if (!std::is_sorted(req.splitPoints.begin(), req.splitPoints.end()) ||
        std::adjacent_find(req.splitPoints.begin(), req.splitPoints.end()) != req.splitPoints.end())
        return fail(ErrorCode::InvalidArgument, "split points must be strictly ascending",
                    "list each split point once, smallest first");
    if (opts.lowerBound && opts.upperBound && *opts.lowerBound >= *opts.upperBound)
        return fail(ErrorCode::InvalidArgument, "the lower bound must be below the upper bound");
    for (KeyValue p : req.splitPoints)
        if ((opts.lowerBound && p <= *opts.lowerBound) || (opts.upperBound && p >= *opts.upperBound))
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("split point {} lies outside the family's bounds {}", p,
                                    describeRange(KeyRange{opts.lowerBound, opts.upperBound})));
    if (auto r = ensureCatalogue(db); !r)
        return r;

    auto existing = loadFamily(db, req.table);
    if (!existing)
        return tl::unexpected(existing.error());
    if (*existing)
        return fail(ErrorCode::InvalidArgument, fmt::format("{} is already partitioned", quoteIdent(req.table)),
                    "split or merge its partitions instead");

    auto st = Statement::prepare(db, "SELECT name, type, sql FROM sqlite_schema WHERE name = ?1 COLLATE NOCASE");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, req.table);
    auto row = st->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return fail(ErrorCode::NotFound, fmt::format("there is no table named {}", quoteIdent(req.table)),
                    "check the name (tidemark-cli tables lists the tables)");
    const std::string table = st->text(0);
    const std::string type = st->text(1);
    const std::string createSql = st->text(2);
    st = Statement();
    if (type != "table")
        return fail(ErrorCode::InvalidArgument, fmt::format("{} is a {}, not a table", quoteIdent(table), type));
    if (table.rfind("sqlite_", 0) == 0 || table.rfind("_tidemark_", 0) == 0)
        return fail(ErrorCode::InvalidArgument, fmt::format("{} is an internal table", quoteIdent(table)));

    auto cols = tableColumns(db, table);
    if (!cols)
        return tl::unexpected(cols.error());
    const auto key =
        std::find_if(cols->begin(), cols->end(), [&](const Column &c) { return sameIdent(c.name, req.keyColumn); });
    if (key == cols->end()) {
        std::vector<std::string> all;
        for (const auto &c : *cols)
            all.push_back(c.name);
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} has no column {}", quoteIdent(table), quoteIdent(req.keyColumn)),
                    fmt::format("its columns are {}", listOf(all)));
    }
    if (auto r = checkAdoptable(db, table, *key, createSql); !r)
        return r;

    Family f;
    f.name = table;
    f.keyColumn = key->name;
    auto body = createTableBody(createSql);
    if (!body)
        return tl::unexpected(body.error());
    f.body = *body;
    f.counting = opts.countWrites;
    f.buckets = std::clamp(opts.histogramBuckets, 1, 4096);
    f.columns = *cols;
    auto indexSql = names(db,
                          "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1 COLLATE NOCASE "
                          "AND sql IS NOT NULL ORDER BY rowid",
                          table);
    if (!indexSql)
        return tl::unexpected(indexSql.error());
    for (const auto &sql : *indexSql) {
        auto idx = parseCreateIndex(sql);
        if (!idx)
            return tl::unexpected(idx.error());
        f.indexes.push_back(std::move(*idx));
    }

    if (opts.lowerBound || opts.upperBound) {
        const KeyRange outer{opts.lowerBound, opts.upperBound};
        auto outside = queryInteger(db,
                                    fmt::format("SELECT count(*) FROM {} WHERE NOT ({})", quoteIdent(table),
                                                rangeCondition(quoteIdent(f.keyColumn), outer)));
        if (!outside)
            return tl::unexpected(outside.error());
        if (outside->value_or(0) > 0)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{} rows of {} lie outside {}", outside->value_or(0), quoteIdent(table),
                                    describeRange(outer)),
                        "widen the bounds or leave them open");
    }

    std::vector<KeyRange> ranges;
    std::optional<KeyValue> lower = opts.lowerBound;
    for (KeyValue p : req.splitPoints) {
        ranges.push_back(KeyRange{lower, p});
        lower = p;
    }
    ranges.push_back(KeyRange{lower, opts.upperBound});
    for (std::size_t i = 0; i < ranges.size(); ++i)
        f.partitions.push_back(makePartition(f.name, ranges[i], neighbourWidth(ranges, i, f.buckets), f.buckets));

    for (const auto &p : f.partitions) {
        for (const auto &o : derivedObjectNames(f, p)) {
            auto t = schemaObjectType(db, o);
            if (!t)
                return tl::unexpected(t.error());
            if (!t->empty())
                return fail(
                    ErrorCode::InvalidArgument,
                    fmt::format("a {} named {} already exists and would clash with a partition", *t, quoteIdent(o)),
                    "rename or drop it, then adopt again");
        }
    }

    std::vector<std::string> sql{insertFamilyRowSql(f)};
    for (auto &s : insertIndexRowsSql(f))
        sql.push_back(std::move(s));
    for (const auto &p : f.partitions) {
        sql.push_back(insertPartitionRowSql(f, p));
        for (auto &s : createPartitionSql(f, p))
            sql.push_back(std::move(s));
        sql.push_back(copySql(f, table, p.name, p.bounds));
    }
    if (auto r = runAll(db, sql); !r)
        return r;

    auto before = queryChecksum(db, checksumSql(f.columns, table, f.keyColumn, std::nullopt));
    if (!before)
        return tl::unexpected(before.error());
    RowChecksum after;
    for (const auto &p : f.partitions) {
        auto c = queryChecksum(db, checksumSql(f.columns, p.name, f.keyColumn, std::nullopt));
        if (!c)
            return tl::unexpected(c.error());
        accumulate(after, *c);
    }
    if (!(*before == after))
        return fail(ErrorCode::VerificationFailed,
                    fmt::format("copying {} into its partitions did not preserve every row (rows {} → {}, checksum "
                                "{})",
                                quoteIdent(table), before->rows, after.rows,
                                before->hashSum == after.hashSum ? "equal" : "different"),
                    "nothing was changed; report this as a bug");

    sql = {"DROP TABLE " + quoteIdent(table)};
    for (auto &s : createFacadeSql(f, f.partitions))
        sql.push_back(std::move(s));
    if (f.counting)
        for (const auto &p : f.partitions)
            for (auto &s : countingTriggerSql(f, p))
                sql.push_back(std::move(s));
    return runAll(db, sql);
}

} // namespace

Result<void> adoptTable(sqlite3 *db, const AdoptRequest &request, const AdoptOptions &options)
{
    auto tx = WriteTransaction::begin(db);
    if (!tx)
        return tl::unexpected(tx.error());
    if (auto r = adoptInTransaction(db, request, options); !r)
        return r;
    return tx->commit();
}

Result<void> createFamilyOn(sqlite3 *db, const FamilySpec &spec)
{
    auto name = createTableName(spec.createTableSql);
    if (!name)
        return tl::unexpected(name.error());
    auto tx = WriteTransaction::begin(db);
    if (!tx)
        return tl::unexpected(tx.error());
    if (auto r = execSingle(db, spec.createTableSql); !r)
        return r;
    for (const auto &idx : spec.createIndexSql) {
        auto def = parseCreateIndex(idx);
        if (!def)
            return tl::unexpected(def.error());
        if (auto r = execSingle(db, idx); !r)
            return r;
    }
    AdoptRequest req{*name, spec.keyColumn, spec.splitPoints};
    if (auto r = adoptInTransaction(
            db, req, AdoptOptions{spec.countWrites, spec.histogramBuckets, spec.lowerBound, spec.upperBound});
        !r)
        return r;
    return tx->commit();
}

Result<void> setWriteCountingOn(sqlite3 *db, const std::string &table, bool on)
{
    auto tx = WriteTransaction::begin(db);
    if (!tx)
        return tl::unexpected(tx.error());
    auto f = loadFamily(db, table);
    if (!f)
        return tl::unexpected(f.error());
    if (!*f)
        return fail(ErrorCode::NotPartitioned, fmt::format("table {} is not partitioned", quoteIdent(table)));
    std::vector<std::string> sql;
    for (const auto &p : (*f)->partitions) {
        for (auto &s : dropCountingTriggerSql(p))
            sql.push_back(std::move(s));
        if (on)
            for (auto &s : countingTriggerSql(**f, p))
                sql.push_back(std::move(s));
    }
    sql.push_back(
        fmt::format("UPDATE _tidemark_families SET counting = {} WHERE family = {}", on ? 1 : 0, quoteLit((*f)->name)));
    if (auto r = runAll(db, sql); !r)
        return r;
    return tx->commit();
}

} // namespace tidemark::sqlite
