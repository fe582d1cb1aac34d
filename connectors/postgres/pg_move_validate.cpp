// Validation of a committed move (MoveValidator, docs/copy-move.md): what
// applications see of the moved partition through the parent table on the
// source, the receiving table's indexes, NOT NULL and CHECK constraints, and
// the DBA's smoke queries. Nothing here changes data: the write check is
// rolled back and smoke queries run in a READ ONLY transaction.
#include <chrono>
#include <set>

#include <fmt/format.h>

#include "pg_node_copy.h"
#include "postgres_connector.h"

namespace tidemark::postgres {

namespace {

// Catalogue facts about one relation ($1 its schema, $2 its name), one text
// per row, read by catalogueFacts().
/// Columns of each index, as "a,b" (attnum order of the index).
constexpr const char *kIndexColumnsSql =
    "SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN "
    "pg_namespace n ON n.oid = t.relnamespace CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum WHERE n.nspname = $1 AND t.relname = $2 "
    "GROUP BY i.indexrelid";
/// Columns declared NOT NULL.
constexpr const char *kNotNullSql =
    "SELECT a.attname FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid JOIN pg_namespace n ON n.oid = "
    "t.relnamespace WHERE n.nspname = $1 AND t.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull";
/// CHECK constraints, by definition (pg_get_constraintdef), so names may differ.
constexpr const char *kChecksSql =
    "SELECT pg_get_constraintdef(co.oid) FROM pg_constraint co JOIN pg_class t ON t.oid = co.conrelid JOIN "
    "pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = $1 AND t.relname = $2 AND co.contype = 'c'";

Result<std::set<std::string>> catalogueFacts(PgConnection &c, const char *sql, const std::string &schema,
                                             const std::string &relname)
{
    auto rows = c.query(sql, {schema, relname});
    if (!rows)
        return tl::unexpected(rows.error());
    std::set<std::string> out;
    for (int i = 0; i < rows->size(); ++i)
        out.insert(rows->text(i, 0));
    return out;
}

std::string joined(const std::set<std::string> &names)
{
    std::string out;
    for (const auto &n : names)
        out += (out.empty() ? "" : "; ") + n;
    return out;
}

struct SampleComparison {
    bool equal = false;
    std::string detail;
};

/// The first keys of the range (at most kSampleRows), compared by checksum
/// through the parent on `a` and in the receiving table on `b`, while `b`
/// holds that table in SHARE mode (taken within `lockTimeoutMs`).
Result<SampleComparison> compareFirstKeysLocked(PgConnection &a, PgConnection &b, const KeyedRelation &parent,
                                                const std::string &where, const std::string &targetQuoted,
                                                int lockTimeoutMs)
{
    constexpr int kSampleRows = 1000;
    Transaction tx(b);
    if (auto r = tx.begin(); !r)
        return tl::unexpected(r.error());
    if (auto r = b.exec(fmt::format("SET LOCAL lock_timeout = '{}ms'", lockTimeoutMs)); !r)
        return tl::unexpected(r.error());
    const auto locking = std::chrono::steady_clock::now();
    if (auto r = b.exec(fmt::format("LOCK TABLE {} IN SHARE MODE", targetQuoted)); !r) {
        if (r.error().code != ErrorCode::Busy)
            return tl::unexpected(r.error());
        return SampleComparison{false, fmt::format("the receiving table could not be held still within {} ms to "
                                                   "compare its first keys; validate again when writes are fewer",
                                                   lockTimeoutMs)};
    }
    const std::string k = b.quoteIdent(parent.key);
    auto bound = b.query(fmt::format("SELECT max({0})::text, count(*) FROM (SELECT {0} FROM {1} ORDER BY {0} LIMIT {2}) "
                                     "AS first_keys",
                                     k, targetQuoted, kSampleRows));
    if (!bound)
        return tl::unexpected(bound.error());
    if (bound->null(0, 0))
        return SampleComparison{true, "the receiving table is empty"};
    const std::string upTo = fmt::format("{} <= {}", k, b.quoteLiteral(bound->text(0, 0)));
    auto there = runChecksum(b, checksumSql(b, parent.table.columns, targetQuoted, upTo));
    if (!there)
        return tl::unexpected(there.error());
    auto via = runChecksum(a, checksumSql(a, parent.table.columns, parent.quoted, where + " AND " + upTo));
    if (!via)
        return tl::unexpected(via.error());
    const double heldSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - locking).count();
    if (auto r = tx.commit(); !r)
        return tl::unexpected(r.error());
    const bool equal = *via == *there;
    return SampleComparison{
        equal, equal ? fmt::format("with writes held for {:.3f} s, its first {} keys read through the parent equal "
                                   "the receiving table's (checksum {:016x})",
                                   heldSeconds, there->rows, there->hashSum)
                     : fmt::format("with writes held, its first {} keys differ: {} rows (checksum {:016x}) through "
                                   "the parent, {} (checksum {:016x}) there — the foreign table does not read the "
                                   "receiving table as it is",
                                   there->rows, via->rows, via->hashSum, there->rows, there->hashSum)};
}

} // namespace

Result<std::vector<MoveCheck>> PostgresConnector::validateMove(const Step &step, const StepOutcome &outcome,
                                                               ExecutionContext &ctx)
{
    const auto *work = step.work<NodeCopyWork>();
    if (step.kind != StepKind::Move || !work || step.sources.empty())
        return fail(ErrorCode::InvalidArgument, "only a Move step is validated after it ran");
    Connector *peerConnector = ctx.peer ? ctx.peer(work->targetNode) : nullptr;
    auto *peer = dynamic_cast<PostgresConnector *>(peerConnector);
    if (!peer || peer == this)
        return fail(ErrorCode::Unsupported, fmt::format("cannot reach the receiving node {}", work->targetNode),
                    "check that it answers, then validate by hand: the move itself committed");
    PgConnection &a = *m_conn;
    PgConnection &b = *peer->m_conn;
    std::vector<MoveCheck> checks;

    // The chunk checksums compared at the cutover, under its lock.
    checks.push_back(
        {"chunk checksums at the cutover", outcome.before == outcome.after,
         fmt::format("{} rows, checksum {:016x} on both nodes", outcome.after.rows, outcome.after.hashSum)});

    auto parent = findKeyedRelation(a, step.table);
    if (!parent)
        return tl::unexpected(parent.error());
    const PgPartition *moved = parent->table.find(step.sources.front());
    const std::string partitionSchema = moved ? moved->schema : parent->table.schema;
    const std::string partitionRel = moved ? moved->relname : step.sources.front();
    // Where the foreign partition points: its own options, as created.
    auto options = a.query("SELECT (SELECT substr(o, 13) FROM unnest(f.ftoptions) o WHERE o LIKE "
                           "'schema_name=%'), (SELECT substr(o, 12) FROM unnest(f.ftoptions) o WHERE o LIKE "
                           "'table_name=%') FROM pg_foreign_table f JOIN pg_class c ON c.oid = f.ftrelid JOIN "
                           "pg_inherits h ON h.inhrelid = c.oid WHERE h.inhparent = $1::oid AND c.relname = $2",
                           {std::to_string(parent->table.oid), partitionRel});
    if (!options)
        return tl::unexpected(options.error());
    if (options->size() != 1) {
        checks.push_back(
            {"partition reached through postgres_fdw", false,
             fmt::format("{} is not a foreign-table partition of {} on the source", step.sources.front(), step.table)});
        return checks;
    }
    const std::string targetSchema = options->text(0, 0), targetRel = options->text(0, 1);
    const std::string targetQuoted = b.qualified(targetSchema, targetRel);
    const std::string where = rangePredicate(a, parent->key, work->range, parent->keyType);

    // Readable: the parent's rows of the range (through postgres_fdw) against
    // the receiving table itself, by count and checksum over every column.
    // Live writes land between the two readings, so they are read again
    // once; while they still differ, the first keys are compared with
    // the receiving table held in SHARE mode (writers wait milliseconds:
    // readers do not), which still finds a foreign table reading another
    // table or the wrong columns.
    {
        RowChecksum viaParent, there;
        bool equal = false;
        for (int attempt = 0; attempt < 2 && !equal; ++attempt) {
            auto x = runChecksum(a, checksumSql(a, parent->table.columns, parent->quoted, where));
            if (!x)
                return tl::unexpected(x.error());
            auto y = runChecksum(b, checksumSql(b, parent->table.columns, targetQuoted, {}));
            if (!y)
                return tl::unexpected(y.error());
            viaParent = *x;
            there = *y;
            equal = viaParent == there;
        }
        const std::string targetName = reportName(targetSchema, targetRel);
        std::string detail =
            equal ? fmt::format("{} rows of the range read through {} on the source, checksum {:016x} as on the "
                                "receiving node",
                                viaParent.rows, step.table, viaParent.hashSum)
                  : fmt::format("{} rows (checksum {:016x}) read through {} on the source, {} rows (checksum "
                                "{:016x}) in {} on the receiving node (two readings differed, as live writes landed between them or the foreign table reads other rows)",
                                viaParent.rows, viaParent.hashSum, step.table, there.rows, there.hashSum, targetName);
        if (!equal) {
            auto sample = compareFirstKeysLocked(a, b, *parent, where, targetQuoted, std::max(1, ctx.lockTimeoutMs));
            if (!sample)
                return tl::unexpected(sample.error());
            equal = sample->equal;
            detail += "; " + sample->detail;
        }
        checks.push_back({"rows readable through the parent", equal, detail});
    }

    // Writable: one row updated to itself through the parent, rolled back.
    {
        std::string column = parent->key;
        for (const auto &c : parent->table.columns)
            if (c.name != parent->key && !c.generated) {
                column = c.name;
                break;
            }
        Transaction tx(a);
        if (auto r = tx.begin(); !r)
            return tl::unexpected(r.error());
        if (auto r = a.exec(fmt::format("SET LOCAL lock_timeout = '{}ms'", std::max(1, ctx.lockTimeoutMs))); !r)
            return tl::unexpected(r.error());
        auto written = a.scalar(fmt::format(
            "WITH one AS (SELECT {0} AS k FROM {1} WHERE {2} LIMIT 1), u AS (UPDATE {1} SET {3} = {3} WHERE {0} = "
            "(SELECT k FROM one) AND {2} RETURNING 1) SELECT (SELECT count(*) FROM u) * 10 + (SELECT count(*) FROM "
            "one)",
            a.quoteIdent(parent->key), parent->quoted, where, a.quoteIdent(column)));
        a.rollback();
        if (!written)
            checks.push_back({"rows writable through the parent", false, written.error().message});
        else if (*written % 10 == 0)
            checks.push_back({"rows writable through the parent", true, "the range is empty: nothing to write"});
        else
            checks.push_back({"rows writable through the parent", *written >= 10,
                              *written >= 10 ? fmt::format("a row updated through {} (rolled back)", step.table)
                                             : "the update through the parent reached no row"});
    }

    // Constraints and indexes: the parent's indexes and NOT NULL columns are
    // on the receiving table too (a foreign table holds no index itself).
    {
        auto parentIndexes = catalogueFacts(a, kIndexColumnsSql, parent->table.schema, parent->table.relname);
        auto targetIndexes = catalogueFacts(b, kIndexColumnsSql, targetSchema, targetRel);
        auto parentNotNull = catalogueFacts(a, kNotNullSql, parent->table.schema, parent->table.relname);
        auto targetNotNull = catalogueFacts(b, kNotNullSql, targetSchema, targetRel);
        for (const auto *r : {&parentIndexes, &targetIndexes, &parentNotNull, &targetNotNull})
            if (!*r)
                return tl::unexpected(r->error());
        std::set<std::string> missingIndexes, missingNotNull;
        for (const auto &cols : *parentIndexes)
            if (!targetIndexes->count(cols))
                missingIndexes.insert("(" + cols + ")");
        if (!targetIndexes->count(parent->key)) {
            bool leading = false;
            for (const auto &cols : *targetIndexes)
                leading = leading || cols.rfind(parent->key + ",", 0) == 0;
            if (!leading)
                missingIndexes.insert("(" + parent->key + ")");
        }
        for (const auto &col : *parentNotNull)
            if (!targetNotNull->count(col))
                missingNotNull.insert(col);
        const bool ok = missingIndexes.empty() && missingNotNull.empty();
        checks.push_back({"constraints and indexes on the receiving table", ok,
                          ok ? fmt::format("{} index(es), {} NOT NULL column(s) on {}", targetIndexes->size(),
                                           targetNotNull->size(), reportName(targetSchema, targetRel))
                             : fmt::format("missing on {}: {}{}{}", reportName(targetSchema, targetRel),
                                           missingIndexes.empty() ? "" : "indexes on " + joined(missingIndexes),
                                           !missingIndexes.empty() && !missingNotNull.empty() ? "; " : "",
                                           missingNotNull.empty() ? "" : "NOT NULL on " + joined(missingNotNull))});
    }

    // CHECK constraints: the parent's and the partition's own (a move declares
    // them on the foreign partition) exist on the receiving table, which alone
    // enforces them.
    {
        auto parentChecks = catalogueFacts(a, kChecksSql, parent->table.schema, parent->table.relname);
        auto partitionChecks = catalogueFacts(a, kChecksSql, partitionSchema, partitionRel);
        auto targetChecks = catalogueFacts(b, kChecksSql, targetSchema, targetRel);
        for (const auto *r : {&parentChecks, &partitionChecks, &targetChecks})
            if (!*r)
                return tl::unexpected(r->error());
        std::set<std::string> wanted = *parentChecks, missing;
        wanted.insert(partitionChecks->begin(), partitionChecks->end());
        for (const auto &def : wanted)
            if (!targetChecks->count(def))
                missing.insert(def);
        checks.push_back(
            {"CHECK constraints on the receiving table", missing.empty(),
             missing.empty() ? fmt::format("{} CHECK constraint(s) of the parent and the partition on {}",
                                           wanted.size(), reportName(targetSchema, targetRel))
                             : fmt::format("missing on {}: {}", reportName(targetSchema, targetRel), joined(missing))});
    }

    // The DBA's smoke queries, read-only, on the source.
    for (const auto &smoke : work->smokeQueries) {
        Transaction tx(a);
        if (auto r = tx.begin(); !r)
            return tl::unexpected(r.error());
        if (auto r = a.exec("SET TRANSACTION READ ONLY"); !r)
            return tl::unexpected(r.error());
        auto rows = a.scalar(fmt::format("SELECT count(*) FROM ({}) AS smoke", smoke.sql));
        a.rollback();
        const std::string what = "smoke query: " + smoke.sql;
        if (!rows)
            checks.push_back({what, false, rows.error().message});
        else
            checks.push_back(
                {what, *rows == smoke.expectedRows, fmt::format("{} row(s), expected {}", *rows, smoke.expectedRows)});
    }
    return checks;
}

} // namespace tidemark::postgres
