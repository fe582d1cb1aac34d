// Copy (and move) of a partition to another PostgreSQL node
// (docs/copy-move.md). Capture first: a trigger on the source partition logs
// every change; then the target table is created on the receiving node with
// the chunk layout (coarse where cold, fine where hot) recorded beside it;
// chunks are sent coldest first, each verified by count and checksum as it
// lands; captured changes are applied between chunks, marking their chunks
// dirty; at the end one short transaction that blocks writers verifies only
// the dirty chunks, records the step on the receiving node and — for a move —
// replaces the source partition by a postgres_fdw foreign-table partition.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "executor/step_checks.h"
#include "model/table_name.h"
#include "pg_key_sql.h"
#include "pg_node_copy.h"
#include "pg_step_plan.h"
#include "postgres_connector.h"
#include "replication/copy_chunks.h"

namespace tidemark::postgres {

namespace {

using Clock = std::chrono::steady_clock;

/// Pending: not sent; Copied: sent, verified at its snapshot; Dirty: to be
/// compared whole; Verified: equal on both sides, with `keys` written (and
/// applied) since — compared key by key at the cutover.
enum class ChunkState { Pending, Copied, Dirty, Verified };

ChunkState stateFrom(const std::string &s)
{
    return s == "copied"  ? ChunkState::Copied
        : s == "dirty"    ? ChunkState::Dirty
        : s == "verified" ? ChunkState::Verified
                          : ChunkState::Pending;
}

struct Chunk {
    CopyChunk layout;
    ChunkState state = ChunkState::Pending;
    RowChecksum sum; ///< last verified / sent sum (source side)
    int sends = 0;
    std::set<KeyValue> keys; ///< Verified: keys changed since
};

/// What a copy will do, worked out from both catalogues before it runs.
struct CopyWork {
    KeyedRelation source;
    KeyRange range;
    std::string targetSchema, targetRel, targetQuoted, targetName;
    std::string capture;
    std::string columns; ///< quoted list, the source's attnum order
    std::vector<std::string> createTarget; ///< on the receiving node
    /// The partition's own CHECK constraints (name, definition): a move
    /// declares them on the foreign partition too, as the parent's are.
    std::vector<std::pair<std::string, std::string>> ownChecks;
    bool move = false;
    std::string parentQuoted;
    // postgres_fdw (move): the server, and whether it and the mapping exist.
    std::string fdwServer;
    bool fdwServerExists = false, fdwMappingExists = false;
    std::string fdwHost, fdwPort, fdwDb, fdwUser;
    std::vector<std::string> notes;
};

std::string sumText(std::uint64_t v)
{
    return std::to_string(v);
}

Result<void> runAll(PgConnection &c, const std::vector<std::string> &list)
{
    for (const auto &s : list)
        if (auto r = c.exec(s); !r)
            return r;
    return {};
}

Result<CopyWork> planCopy(PgConnection &a, PgConnection &b, const Step &step, const NodeCopyWork &work)
{
    CopyWork w;
    w.move = step.kind == StepKind::Move;
    auto rel = findKeyedRelation(a, step.sources.front());
    if (!rel)
        return tl::unexpected(rel.error());
    if (!rel->partition)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} is a partitioned table, not a partition", step.sources.front()),
                    "name one partition of it with --partition");
    auto parent = loadTable(a, step.table);
    if (!parent)
        return tl::unexpected(parent.error());
    if (parent->oid != rel->table.oid)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} is not a partition of {}", step.sources.front(), step.table));
    const PgPartition &p = *rel->partition;
    if (rel->table.strategy != 'r' || !p.range || p.isDefault())
        return fail(
            ErrorCode::Unsupported,
            fmt::format("{} is not a RANGE partition with bounds: a copy to another node goes by key range", p.name),
            "copy a RANGE partition");
    w.source = *rel;
    w.range = *p.range;
    w.capture = "step:" + step.uid;
    w.parentQuoted = a.qualified(rel->table.schema, rel->table.relname);
    std::string cols;
    for (const auto &col : rel->table.columns)
        cols += (cols.empty() ? "" : ", ") + a.quoteIdent(col.name);
    w.columns = cols;
    // The receiving table: the same schema and name unless the step names another.
    if (!work.targetPartition.empty()) {
        auto name = parseTableName(work.targetPartition);
        if (!name)
            return tl::unexpected(name.error());
        w.targetSchema = name->schema;
        w.targetRel = name->name;
    } else {
        w.targetSchema = p.schema;
        w.targetRel = p.relname;
    }
    w.targetQuoted = b.qualified(w.targetSchema, w.targetRel);
    w.targetName = reportName(w.targetSchema, w.targetRel);

    // Columns with their types and NOT NULL, then the keys, as on the source.
    auto columns = a.query("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                           "CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN "
                           "(SELECT quote_ident(n.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co "
                           "JOIN pg_namespace n ON n.oid = co.collnamespace WHERE co.oid = a.attcollation) END "
                           "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = $1::oid AND "
                           "a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                           {std::to_string(p.oid)});
    if (!columns)
        return tl::unexpected(columns.error());
    std::string ddl;
    for (int i = 0; i < columns->size(); ++i) {
        ddl += (ddl.empty() ? "" : ", ") + b.quoteIdent(columns->text(i, 0)) + " " + columns->text(i, 1);
        if (!columns->null(i, 3))
            ddl += " COLLATE " + columns->text(i, 3);
        if (columns->boolean(i, 2))
            ddl += " NOT NULL";
    }
    w.createTarget.push_back(fmt::format("CREATE SCHEMA IF NOT EXISTS {}", b.quoteIdent(w.targetSchema)));
    w.createTarget.push_back(fmt::format("CREATE TABLE {} ({})", w.targetQuoted, ddl));
    auto keys = a.query("SELECT pg_get_constraintdef(c.oid), (SELECT attname FROM pg_attribute WHERE attrelid = "
                        "c.conrelid AND attnum = c.conkey[1]) FROM pg_constraint c WHERE c.conrelid = $1::oid AND "
                        "c.contype IN ('p', 'u') ORDER BY c.contype, c.conname",
                        {std::to_string(p.oid)});
    if (!keys)
        return tl::unexpected(keys.error());
    bool keyIndexed = false;
    for (int i = 0; i < keys->size(); ++i) {
        w.createTarget.push_back(fmt::format("ALTER TABLE {} ADD {}", w.targetQuoted, keys->text(i, 0)));
        keyIndexed = keyIndexed || keys->text(i, 1) == rel->key;
    }
    // Changes are applied by key: the key needs an index there.
    if (!keyIndexed)
        w.createTarget.push_back(fmt::format("CREATE INDEX ON {} ({})", w.targetQuoted, b.quoteIdent(rel->key)));
    // CHECK constraints, the parent's and the partition's own: the receiving
    // table enforces them (PostgreSQL does not check them on a foreign partition).
    auto checks = a.query("SELECT c.conname, pg_get_constraintdef(c.oid), c.conislocal AND c.coninhcount = 0 FROM "
                          "pg_constraint c WHERE c.conrelid = $1::oid AND c.contype = 'c' ORDER BY c.conname",
                          {std::to_string(p.oid)});
    if (!checks)
        return tl::unexpected(checks.error());
    for (int i = 0; i < checks->size(); ++i) {
        w.createTarget.push_back(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}", w.targetQuoted,
                                             b.quoteIdent(checks->text(i, 0)), checks->text(i, 1)));
        if (checks->boolean(i, 2))
            w.ownChecks.emplace_back(checks->text(i, 0), checks->text(i, 1));
    }

    if (w.move) {
        auto facts = loadMoveFacts(a, rel->table);
        if (!facts)
            return tl::unexpected(facts.error());
        if (auto refused = moveRefusal(rel->table, p, *facts))
            return fail(refused->code, fmt::format("{} cannot be moved to another node: {}", p.name, refused->message),
                        refused->hint);
        const char *host = PQhost(b.handle());
        const char *port = PQport(b.handle());
        const char *db = PQdb(b.handle());
        const char *user = PQuser(b.handle());
        w.fdwHost = host && *host ? host : "localhost";
        if (!w.fdwHost.empty() && w.fdwHost.front() == '/')
            w.notes.push_back("the receiving node is reached through a unix socket: the foreign server uses the "
                              "same socket path, which only works when both servers run on one machine");
        w.fdwPort = port ? port : "5432";
        w.fdwDb = db ? db : "";
        w.fdwUser = user ? user : "";
        auto server = a.query("SELECT s.srvname FROM pg_foreign_server s JOIN pg_foreign_data_wrapper f ON f.oid = "
                              "s.srvfdw WHERE f.fdwname = 'postgres_fdw' AND s.srvoptions @> ARRAY['host=' || $1, "
                              "'port=' || $2, 'dbname=' || $3] ORDER BY s.srvname LIMIT 1",
                              {w.fdwHost, w.fdwPort, w.fdwDb});
        if (!server)
            return tl::unexpected(server.error());
        if (server->size()) {
            w.fdwServer = server->text(0, 0);
            w.fdwServerExists = true;
            auto mapping = a.scalar("SELECT count(*) FROM pg_user_mappings WHERE srvname = $1 AND (usename = "
                                    "current_user OR usename = 'public')",
                                    {w.fdwServer});
            if (!mapping)
                return tl::unexpected(mapping.error());
            w.fdwMappingExists = *mapping > 0;
        } else {
            w.fdwServer = "tidemark_" + captureTag(w.fdwHost + ":" + w.fdwPort + "/" + w.fdwDb);
        }
    }
    return w;
}

/// The SQL of the foreign server and the user mapping (the password from the
/// receiving node's own connection: the URI or pgpass the DBA gave; it goes
/// to the source's catalogue only, never to the preview or the store).
std::vector<std::string> fdwSetupSql(PgConnection &a, const CopyWork &w, const std::string &password, bool forPreview)
{
    std::vector<std::string> sql;
    sql.push_back("CREATE EXTENSION IF NOT EXISTS postgres_fdw");
    if (!w.fdwServerExists)
        sql.push_back(fmt::format("CREATE SERVER IF NOT EXISTS {} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host {}, "
                                  "port {}, dbname {})",
                                  a.quoteIdent(w.fdwServer), a.quoteLiteral(w.fdwHost), a.quoteLiteral(w.fdwPort),
                                  a.quoteLiteral(w.fdwDb)));
    if (!w.fdwMappingExists) {
        // The password stays off the first line: error messages quote only that.
        std::string options = fmt::format("user {}", a.quoteLiteral(w.fdwUser));
        if (!password.empty())
            options += forPreview ? ",\n  password '(from the receiving node's connection: its URI or pgpass)'"
                                  : ",\n  password " + a.quoteLiteral(password);
        sql.push_back(fmt::format("CREATE USER MAPPING IF NOT EXISTS FOR CURRENT_USER SERVER {} OPTIONS ({})",
                                  a.quoteIdent(w.fdwServer), options));
    }
    return sql;
}

std::vector<std::string> cutoverSql(PgConnection &a, const CopyWork &w)
{
    const PgPartition &p = *w.source.partition;
    std::vector<std::string> sql{
        fmt::format("ALTER TABLE {} DETACH PARTITION {}", w.parentQuoted, w.source.quoted),
        fmt::format("DROP TABLE {}", w.source.quoted),
        fmt::format("CREATE FOREIGN TABLE {} PARTITION OF {} {} SERVER {} OPTIONS (schema_name {}, table_name {})",
                    w.source.quoted, w.parentQuoted, p.boundText, a.quoteIdent(w.fdwServer),
                    a.quoteLiteral(w.targetSchema), a.quoteLiteral(w.targetRel)),
    };
    // Declared, not checked, on a foreign table: the receiving table enforces them.
    for (const auto &[name, definition] : w.ownChecks)
        sql.push_back(fmt::format("ALTER FOREIGN TABLE {} ADD CONSTRAINT {} {}", w.source.quoted, a.quoteIdent(name),
                                  definition));
    return sql;
}

std::string chunkPredicate(PgConnection &c, const CopyWork &w, const KeyRange &r)
{
    return rangePredicate(c, w.source.key, r, w.source.keyType);
}

class CopyRun {
public:
    CopyRun(PgConnection &a, PgConnection &b, CopyWork &w, const Step &step, ExecutionContext &ctx,
            const OnlineStepOptions &options)
        : m_a(a)
        , m_b(b)
        , m_w(w)
        , m_step(step)
        , m_ctx(ctx)
        , m_options(options)
    {
    }

    std::vector<Chunk> chunks;

    void crash(std::string_view name)
    {
        if (m_ctx.crashPoint)
            m_ctx.crashPoint(name);
    }
    void progress(double f, const std::string &text)
    {
        if (m_ctx.progress)
            m_ctx.progress(f, text);
    }

    /// Chunks of the layout on the receiving node (a resumed run), or nothing.
    Result<bool> loadChunks()
    {
        auto rows = m_b.query("SELECT chunk, lo, hi, heat, fine, state, rows, hash, sends FROM tidemark.copy_chunks "
                              "WHERE uid = $1 ORDER BY chunk",
                              {m_step.uid});
        if (!rows)
            return tl::unexpected(rows.error());
        chunks.clear();
        for (int i = 0; i < rows->size(); ++i) {
            Chunk ch;
            ch.layout.range = KeyRange{rows->optInteger(i, 1), rows->optInteger(i, 2)};
            ch.layout.writesPerRow = rows->real(i, 3);
            ch.layout.fine = rows->boolean(i, 4);
            ch.state = stateFrom(rows->text(i, 5));
            ch.sum.rows = rows->integer(i, 6);
            ch.sum.hashSum = wrappingSum(rows->text(i, 7));
            ch.sends = int(rows->integer(i, 8));
            chunks.push_back(ch);
        }
        return !chunks.empty();
    }

    /// Creates the capture on the source, then the target with its layout.
    Result<void> setUp(const std::vector<CopyChunk> &layout)
    {
        {
            Transaction tx(m_a);
            if (auto r = tx.begin(); !r)
                return r;
            if (auto r = m_a.exec(fmt::format("SET LOCAL lock_timeout = '{}ms'", std::max(1, m_ctx.lockTimeoutMs))); !r)
                return r;
            if (auto r = createCapture(m_a, m_w.capture, m_w.source, m_w.range); !r)
                return r;
            if (auto r = tx.commit(); !r)
                return r;
        }
        Transaction tx(m_b);
        if (auto r = tx.begin(); !r)
            return r;
        auto exists = m_b.scalar("SELECT count(*) FROM pg_class WHERE oid = to_regclass($1)", {m_w.targetQuoted});
        if (!exists)
            return tl::unexpected(exists.error());
        if (*exists > 0)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{} already exists on the receiving node", m_w.targetName),
                        "drop or rename it there, or copy into another name; nothing was changed");
        if (auto r = runAll(m_b, m_w.createTarget); !r)
            return r;
        if (auto r = m_b.query("INSERT INTO tidemark.copies (uid, relation, source) VALUES ($1, $2, $3)",
                               {m_step.uid, m_w.targetQuoted, m_w.source.partition->name});
            !r)
            return tl::unexpected(r.error());
        chunks.clear();
        for (std::size_t i = 0; i < layout.size(); ++i) {
            const auto &l = layout[i];
            auto opt = [](std::optional<KeyValue> v) { return v ? Param(std::to_string(*v)) : Param(); };
            if (auto r = m_b.query("INSERT INTO tidemark.copy_chunks (uid, chunk, lo, hi, heat, fine) VALUES ($1, "
                                   "$2::int, $3::bigint, $4::bigint, $5::float8, $6::boolean)",
                                   {m_step.uid, std::to_string(i), opt(l.range.lower), opt(l.range.upper),
                                    fmt::format("{}", l.writesPerRow), std::string(l.fine ? "true" : "false")});
                !r)
                return tl::unexpected(r.error());
            chunks.push_back(Chunk{l, ChunkState::Pending, {}, 0, {}});
        }
        return tx.commit();
    }

    /// Sends chunk `i` again from scratch: its rows on the target are
    /// replaced, both sides are checksummed, and the chunk is recorded as
    /// copied with the source's sum. `ownTransactions`: outside the cutover.
    Result<void> sendChunk(std::size_t i, bool ownTransactions)
    {
        Chunk &ch = chunks[i];
        for (;;) {
            if (ch.sends >= m_options.maxChunkSends)
                return fail(ErrorCode::VerificationFailed,
                            fmt::format("chunk {} {} of {} still differs on the receiving node after {} sends", i + 1,
                                        describeRange(ch.layout.range, m_w.source.keyType), m_w.source.partition->name,
                                        ch.sends),
                            "nothing was dropped: the source is unchanged; check the receiving node (disk, "
                            "triggers or writers on the copied table) and run the copy again");
            Transaction ta(m_a), tb(m_b);
            if (ownTransactions) {
                // One snapshot for the rows sent and their checksum.
                if (auto r = ta.begin(); !r)
                    return r;
                if (auto r = m_a.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"); !r)
                    return r;
                if (auto r = tb.begin(); !r)
                    return r;
            }
            const std::string pa = chunkPredicate(m_a, m_w, ch.layout.range);
            if (auto r = m_b.exec(fmt::format("DELETE FROM {} WHERE {}", m_w.targetQuoted, pa)); !r)
                return r;
            if (auto r = m_b.copyInStart(fmt::format("COPY {} ({}) FROM STDIN", m_w.targetQuoted, m_w.columns)); !r)
                return r;
            auto sent = m_a.copyOut(
                fmt::format("COPY (SELECT {} FROM {} WHERE {}) TO STDOUT", m_w.columns, m_w.source.quoted, pa),
                [&](std::string_view row) { return m_b.copyInPut(row); });
            if (!sent) {
                m_b.copyInAbort("the source failed");
                return tl::unexpected(sent.error());
            }
            auto received = m_b.copyInEnd();
            if (!received)
                return tl::unexpected(received.error());
            auto src = chunkSums(m_a, m_w.source.table.columns, m_w.source.quoted, m_w.source.key, m_w.source.keyType,
                                 {ch.layout.range});
            if (!src)
                return tl::unexpected(src.error());
            auto tgt = chunkSums(m_b, m_w.source.table.columns, m_w.targetQuoted, m_w.source.key, m_w.source.keyType,
                                 {ch.layout.range});
            if (!tgt)
                return tl::unexpected(tgt.error());
            ++ch.sends;
            const bool equal = (*src)[0] == (*tgt)[0];
            if (auto r =
                    m_b.query("UPDATE tidemark.copy_chunks SET state = $3, rows = $4::bigint, hash = $5, sends = "
                              "$6::int WHERE uid = $1 AND chunk = $2::int",
                              {m_step.uid, std::to_string(i), std::string(equal ? "copied" : "pending"),
                               std::to_string((*src)[0].rows), sumText((*src)[0].hashSum), std::to_string(ch.sends)});
                !r)
                return tl::unexpected(r.error());
            if (ownTransactions) {
                if (auto r = tb.commit(); !r)
                    return r;
                if (auto r = ta.commit(); !r)
                    return r;
            }
            if (equal) {
                ch.state = ChunkState::Copied;
                ch.sum = (*src)[0];
                return {};
            }
            progress(m_fraction,
                     fmt::format("chunk {} {} differed after sending ({} rows there, {} here): sending "
                                 "it again",
                                 i + 1, describeRange(ch.layout.range, m_w.source.keyType), (*tgt)[0].rows,
                                 (*src)[0].rows));
        }
    }

    std::size_t chunkOf(KeyValue k) const
    {
        // Chunks tile the range in key order.
        std::size_t lo = 0, hi = chunks.size();
        while (hi - lo > 1) {
            const std::size_t mid = (lo + hi) / 2;
            if (chunks[mid].layout.range.lower && k < *chunks[mid].layout.range.lower)
                hi = mid;
            else
                lo = mid;
        }
        return lo;
    }

    /// Takes up to `limit` captured changes and applies those of chunks
    /// already sent (the others are sent later, as they are then); their
    /// chunks become dirty. In the cutover, `ownTransactions` is false.
    Result<std::int64_t> applyChanges(std::int64_t limit, bool ownTransactions)
    {
        Transaction ta(m_a), tb(m_b);
        if (ownTransactions)
            if (auto r = ta.begin(); !r)
                return tl::unexpected(r.error());
        auto taken = m_a.query("WITH taken AS (DELETE FROM tidemark.capture_log WHERE capture = $1 AND seq IN "
                               "(SELECT seq FROM tidemark.capture_log WHERE capture = $1 ORDER BY seq LIMIT "
                               "$2::bigint) RETURNING k) SELECT k, count(*) OVER () FROM taken WHERE k IS NOT NULL "
                               "GROUP BY k",
                               {m_w.capture, std::to_string(limit)});
        if (!taken)
            return tl::unexpected(taken.error());
        std::int64_t n = taken->size() ? taken->integer(0, 1) : 0;
        std::vector<KeyValue> keys;
        std::set<std::size_t> dirty;
        for (int i = 0; i < taken->size(); ++i) {
            const KeyValue k = taken->integer(i, 0);
            const std::size_t c = chunkOf(k);
            if (chunks[c].state == ChunkState::Pending)
                continue; // sent later, as it is then
            keys.push_back(k);
            dirty.insert(c);
            if (chunks[c].state == ChunkState::Verified)
                chunks[c].keys.insert(k);
        }
        if (!keys.empty()) {
            std::string array = "{";
            for (std::size_t i = 0; i < keys.size(); ++i)
                array += (i ? "," : "") + std::to_string(keys[i]);
            array += "}";
            const std::string lit = m_a.quoteLiteral(array) + "::bigint[]";
            const std::string k = m_a.quoteIdent(m_w.source.key);
            if (ownTransactions)
                if (auto r = tb.begin(); !r)
                    return tl::unexpected(r.error());
            // The chunks' sums follow what the keys' rows there were and are.
            const std::vector<std::size_t> touched(dirty.begin(), dirty.end());
            std::vector<KeyRange> ranges;
            for (auto c : touched)
                ranges.push_back(chunks[c].layout.range);
            const std::string keyWhere = fmt::format("{} = ANY ({})", k, keysOfOrdinals(lit, m_w.source.keyType));
            auto old = chunkSums(m_b, m_w.source.table.columns, m_w.targetQuoted, m_w.source.key, m_w.source.keyType,
                                 ranges, keyWhere);
            if (!old)
                return tl::unexpected(old.error());
            if (auto r = m_b.exec(fmt::format("DELETE FROM {} WHERE {}", m_w.targetQuoted, keyWhere)); !r)
                return tl::unexpected(r.error());
            if (auto r = m_b.copyInStart(fmt::format("COPY {} ({}) FROM STDIN", m_w.targetQuoted, m_w.columns)); !r)
                return tl::unexpected(r.error());
            auto sent = m_a.copyOut(fmt::format("COPY (SELECT {} FROM {} WHERE {} = ANY ({})) TO STDOUT", m_w.columns,
                                                m_w.source.quoted, k, keysOfOrdinals(lit, m_w.source.keyType)),
                                    [&](std::string_view row) { return m_b.copyInPut(row); });
            if (!sent) {
                m_b.copyInAbort("the source failed");
                return tl::unexpected(sent.error());
            }
            if (auto r = m_b.copyInEnd(); !r)
                return tl::unexpected(r.error());
            auto now = chunkSums(m_b, m_w.source.table.columns, m_w.targetQuoted, m_w.source.key, m_w.source.keyType,
                                 ranges, keyWhere);
            if (!now)
                return tl::unexpected(now.error());
            for (std::size_t j = 0; j < touched.size(); ++j) {
                RowChecksum &sum = chunks[touched[j]].sum;
                sum.rows += (*now)[j].rows - (*old)[j].rows;
                sum.hashSum += (*now)[j].hashSum - (*old)[j].hashSum;
            }
            std::string list = "{";
            for (auto c : dirty)
                list += (list.size() > 1 ? "," : "") + std::to_string(c);
            list += "}";
            if (auto r = m_b.query("UPDATE tidemark.copy_chunks SET state = 'dirty' WHERE uid = $1 AND chunk = "
                                   "ANY ($2::int[])",
                                   {m_step.uid, list});
                !r)
                return tl::unexpected(r.error());
            if (ownTransactions)
                if (auto r = tb.commit(); !r)
                    return tl::unexpected(r.error());
            for (auto c : dirty)
                if (chunks[c].state != ChunkState::Verified)
                    chunks[c].state = ChunkState::Dirty;
            m_applied += std::int64_t(keys.size());
        }
        if (ownTransactions)
            if (auto r = ta.commit(); !r)
                return tl::unexpected(r.error());
        return n;
    }

    std::vector<std::size_t> dirtyChunks() const
    {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < chunks.size(); ++i)
            if (chunks[i].state == ChunkState::Dirty || chunks[i].state == ChunkState::Copied)
                out.push_back(i);
        return out;
    }

    /// Compares the dirty chunks (and those sent but not compared since) on both sides (`locked`: no writer can
    /// change the source meanwhile). Equal chunks are verified; a differing
    /// chunk whose changes are all applied is sent again (bounded).
    Result<int> verifyDirty(bool locked)
    {
        const auto dirty = dirtyChunks();
        if (dirty.empty())
            return 0;
        std::vector<KeyRange> ranges;
        for (auto i : dirty)
            ranges.push_back(chunks[i].layout.range);
        auto tgt =
            chunkSums(m_b, m_w.source.table.columns, m_w.targetQuoted, m_w.source.key, m_w.source.keyType, ranges);
        if (!tgt)
            return tl::unexpected(tgt.error());
        auto src =
            chunkSums(m_a, m_w.source.table.columns, m_w.source.quoted, m_w.source.key, m_w.source.keyType, ranges);
        if (!src)
            return tl::unexpected(src.error());
        int resent = 0;
        for (std::size_t j = 0; j < dirty.size(); ++j) {
            const std::size_t i = dirty[j];
            Chunk &ch = chunks[i];
            if ((*src)[j] == (*tgt)[j]) {
                ch.state = ChunkState::Verified;
                ch.keys.clear();
                ch.sum = (*src)[j];
                if (auto r = m_b.query(
                        "UPDATE tidemark.copy_chunks SET state = 'verified', rows = $3::bigint, hash = "
                        "$4 WHERE uid = $1 AND chunk = $2::int",
                        {m_step.uid, std::to_string(i), std::to_string(ch.sum.rows), sumText(ch.sum.hashSum)});
                    !r)
                    return tl::unexpected(r.error());
                continue;
            }
            if (!locked) {
                // Changes not applied yet explain a difference: compare the
                // chunk without their keys; when the rest is equal and no
                // other key was written meanwhile, the chunk is verified but
                // for those keys, which the cutover compares one by one.
                auto pending = pendingKeys(ch.layout.range);
                if (!pending)
                    return tl::unexpected(pending.error());
                if (!pending->empty()) {
                    auto rest = equalWithout(ch.layout.range, *pending);
                    if (!rest)
                        return tl::unexpected(rest.error());
                    auto again = pendingKeys(ch.layout.range);
                    if (!again)
                        return tl::unexpected(again.error());
                    if (*rest && *again == *pending) {
                        ch.state = ChunkState::Verified;
                        ch.sum = (*tgt)[j];
                        ch.keys.insert(pending->begin(), pending->end());
                    }
                    continue;
                }
            }
            if (auto r = sendChunk(i, !locked); !r)
                return tl::unexpected(r.error());
            ch.state = ChunkState::Verified;
            ch.keys.clear();
            if (auto r = m_b.query("UPDATE tidemark.copy_chunks SET state = 'verified' WHERE uid = $1 AND chunk = "
                                   "$2::int",
                                   {m_step.uid, std::to_string(i)});
                !r)
                return tl::unexpected(r.error());
            ++resent;
        }
        return resent;
    }

    /// Distinct keys of `range` captured and not applied yet.
    Result<std::set<KeyValue>> pendingKeys(const KeyRange &r)
    {
        auto rows = m_a.query("SELECT DISTINCT k FROM tidemark.capture_log WHERE capture = $1 AND k IS NOT NULL AND "
                              "($2::bigint IS NULL OR k >= $2::bigint) AND ($3::bigint IS NULL OR k < $3::bigint)",
                              {m_w.capture, r.lower ? Param(std::to_string(*r.lower)) : Param(),
                               r.upper ? Param(std::to_string(*r.upper)) : Param()});
        if (!rows)
            return tl::unexpected(rows.error());
        std::set<KeyValue> out;
        for (int i = 0; i < rows->size(); ++i)
            out.insert(rows->integer(i, 0));
        return out;
    }

    /// Whether `range` holds the same rows on both sides but for `keys`.
    Result<bool> equalWithout(const KeyRange &r, const std::set<KeyValue> &keys)
    {
        std::string array = "{";
        for (auto k : keys)
            array += (array.size() > 1 ? "," : "") + std::to_string(k);
        array += "}";
        const std::string where =
            fmt::format("{} <> ALL ({})", m_a.quoteIdent(m_w.source.key),
                        keysOfOrdinals(m_a.quoteLiteral(array) + "::bigint[]", m_w.source.keyType));
        auto tgt =
            chunkSums(m_b, m_w.source.table.columns, m_w.targetQuoted, m_w.source.key, m_w.source.keyType, {r}, where);
        if (!tgt)
            return tl::unexpected(tgt.error());
        auto src =
            chunkSums(m_a, m_w.source.table.columns, m_w.source.quoted, m_w.source.key, m_w.source.keyType, {r}, where);
        if (!src)
            return tl::unexpected(src.error());
        return (*src)[0] == (*tgt)[0];
    }

    /// Records every chunk verified, with its sum (in the cutover's transaction).
    Result<void> recordVerified()
    {
        std::string ids = "{", rows = "{", hashes = "{";
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            const char *sep = i ? "," : "";
            ids += sep + std::to_string(i);
            rows += sep + std::to_string(chunks[i].sum.rows);
            hashes += sep + sumText(chunks[i].sum.hashSum);
        }
        ids += "}";
        rows += "}";
        hashes += "}";
        auto r = m_b.query("UPDATE tidemark.copy_chunks c SET state = 'verified', rows = v.r, hash = v.h FROM "
                           "unnest($2::int[], $3::bigint[], $4::text[]) AS v(i, r, h) WHERE c.uid = $1 AND c.chunk = "
                           "v.i",
                           {m_step.uid, ids, rows, hashes});
        if (!r)
            return tl::unexpected(r.error());
        return {};
    }

    /// The cutover's check of verified chunks written since: the rows of the
    /// keys written, on both sides (the rest of each chunk was equal when it
    /// was verified and only those keys changed since, on either side). When
    /// they differ, those chunks are compared whole (and re-sent if need be).
    Result<std::size_t> verifyWrittenKeys()
    {
        std::vector<KeyValue> keys;
        std::vector<std::size_t> touched;
        for (std::size_t i = 0; i < chunks.size(); ++i)
            if (chunks[i].state == ChunkState::Verified && !chunks[i].keys.empty()) {
                touched.push_back(i);
                keys.insert(keys.end(), chunks[i].keys.begin(), chunks[i].keys.end());
            }
        if (keys.empty())
            return 0;
        std::string array = "{";
        for (std::size_t i = 0; i < keys.size(); ++i)
            array += (i ? "," : "") + std::to_string(keys[i]);
        array += "}";
        const std::string where =
            fmt::format("{} = ANY ({})", m_a.quoteIdent(m_w.source.key),
                        keysOfOrdinals(m_a.quoteLiteral(array) + "::bigint[]", m_w.source.keyType));
        auto src = runChecksum(m_a, checksumSql(m_a, m_w.source.table.columns, m_w.source.quoted, where));
        if (!src)
            return tl::unexpected(src.error());
        auto tgt = runChecksum(m_b, checksumSql(m_b, m_w.source.table.columns, m_w.targetQuoted, where));
        if (!tgt)
            return tl::unexpected(tgt.error());
        if (*src == *tgt) {
            for (auto i : touched)
                chunks[i].keys.clear();
            return keys.size();
        }
        for (auto i : touched)
            chunks[i].state = ChunkState::Dirty;
        auto whole = verifyDirty(true);
        if (!whole)
            return tl::unexpected(whole.error());
        return keys.size();
    }

    RowChecksum total() const
    {
        RowChecksum t;
        for (const auto &ch : chunks) {
            t.rows += ch.sum.rows;
            t.hashSum += ch.sum.hashSum;
        }
        return t;
    }

    double m_fraction = 0.0;
    std::int64_t m_applied = 0;

private:
    PgConnection &m_a;
    PgConnection &m_b;
    CopyWork &m_w;
    const Step &m_step;
    ExecutionContext &m_ctx;
    const OnlineStepOptions &m_options;
};

/// Removes what a copy left on the receiving node, unless it committed there.
Result<void> abandonTarget(PgConnection &b, const std::string &uid)
{
    auto has = b.scalar("SELECT CASE WHEN to_regclass('tidemark.copies') IS NULL THEN 0 ELSE 1 END");
    if (!has)
        return tl::unexpected(has.error());
    if (*has == 0)
        return {};
    auto committed = b.scalar("SELECT CASE WHEN to_regclass('tidemark.steps') IS NULL THEN 0 ELSE (SELECT count(*) "
                              "FROM tidemark.steps WHERE uid = $1) END",
                              {uid});
    if (!committed)
        return tl::unexpected(committed.error());
    if (*committed > 0)
        return {};
    auto rel = b.query("SELECT relation FROM tidemark.copies WHERE uid = $1", {uid});
    if (!rel)
        return tl::unexpected(rel.error());
    Transaction tx(b);
    if (auto r = tx.begin(); !r)
        return r;
    if (auto r = b.exec("SET LOCAL lock_timeout = '5s'"); !r)
        return r;
    for (int i = 0; i < rel->size(); ++i)
        if (auto r = b.exec(fmt::format("DROP TABLE IF EXISTS {}", rel->text(i, 0))); !r) // recorded quoted
            return r;
    if (auto r = b.query("DELETE FROM tidemark.copy_chunks WHERE uid = $1", {uid}); !r)
        return tl::unexpected(r.error());
    if (auto r = b.query("DELETE FROM tidemark.copies WHERE uid = $1", {uid}); !r)
        return tl::unexpected(r.error());
    return tx.commit();
}

} // namespace

Result<void> PostgresConnector::abandonCopy(const std::string &stepUid)
{
    if (auto r = dropCapture(*m_conn, "step:" + stepUid); !r)
        return r;
    return abandonTarget(*m_conn, stepUid);
}

Result<std::string> PostgresConnector::previewCopy(const Step &step)
{
    const NodeCopyWork &work = *step.work<NodeCopyWork>();
    // The receiving node is not open here: its statements name the target as planned.
    auto w = planCopy(*m_conn, *m_conn, step, work);
    if (!w)
        return tl::unexpected(w.error());
    std::string o;
    auto line = [&](const std::string &s) { o += s + ";\n"; };
    o += fmt::format("-- Tidemark {} of {} {} ({} rows, {}) to {} as {}\n", toString(step.kind),
                     w->source.partition->name, w->source.partition->boundText, w->source.partition->rows,
                     fmt::format("{} bytes", w->source.partition->bytes), work.targetNode, w->targetName);
    if (work.reservedBytes > 0)
        o += fmt::format("-- target sized ahead: {} bytes reserved (size now + forecast writes during the copy)\n",
                         work.reservedBytes);
    for (const auto &n : w->notes)
        o += "-- note: " + n + "\n";
    o += "\n-- 1. on the source (one short transaction): change capture; CREATE TRIGGER takes SHARE ROW EXCLUSIVE "
         "for milliseconds\n";
    o += fmt::format("CREATE TRIGGER tidemark_cap_{} AFTER INSERT OR UPDATE OR DELETE ON {} FOR EACH ROW "
                     "-- logs op, key and row into tidemark.capture_log\n",
                     captureTag(w->capture), w->source.quoted);
    o += "\n-- 2. on the receiving node (one transaction): the table and its chunk layout (tidemark.copy_chunks)\n";
    for (const auto &s : w->createTarget)
        line(s);
    o += "\n-- 3. per chunk, coldest first (source: REPEATABLE READ, READ ONLY; writers are not blocked):\n";
    o += fmt::format("DELETE FROM {} WHERE <chunk range>;\nCOPY {} ({}) FROM STDIN; -- on the receiving node\n",
                     w->targetQuoted, w->targetQuoted, w->columns);
    o += fmt::format("COPY (SELECT {} FROM {} WHERE <chunk range>) TO STDOUT; -- on the source\n", w->columns,
                     w->source.quoted);
    o += "-- then count + checksum of the chunk on both sides; a differing chunk is sent again (at most "
         "3 times)\n";
    o += "\n-- 4. between chunks: captured keys are applied (delete + copy of their rows now); their chunks "
         "become dirty\n";
    o += fmt::format("\n-- 5. cutover (one short transaction that blocks writers to {}; readers too for a move):\n",
                     w->source.partition->name);
    o += fmt::format("LOCK TABLE {} IN {} MODE;\n",
                     w->move ? w->parentQuoted + ", " + w->source.quoted : w->source.quoted,
                     w->move ? "ACCESS EXCLUSIVE" : "SHARE ROW EXCLUSIVE");
    o += "-- apply the last captured changes, then verify only the chunks dirtied since they were verified\n";
    o += "INSERT INTO tidemark.steps (uid, …) VALUES (…); -- on the receiving node, committed there first\n";
    if (w->move) {
        for (const auto &s : fdwSetupSql(*m_conn, *w, "preview", true))
            line(s);
        for (const auto &s : cutoverSql(*m_conn, *w))
            line(s);
        o += "INSERT INTO tidemark.steps (uid, …) VALUES (…); -- on the source, in the same transaction\n";
    } else {
        o += fmt::format("DROP TRIGGER tidemark_cap_{} ON {};\n", captureTag(w->capture), w->source.quoted);
    }
    o += "COMMIT;\n";
    return o;
}

Result<StepOutcome> PostgresConnector::executeCopy(const Step &step, ExecutionContext &ctx)
{
    const auto started = Clock::now();
    const NodeCopyWork &work = *step.work<NodeCopyWork>();
    Connector *peerConnector = ctx.peer ? ctx.peer(work.targetNode) : nullptr;
    if (!peerConnector)
        return fail(ErrorCode::Unsupported, fmt::format("cannot reach the receiving node {}", work.targetNode),
                    "add it with tidemark-cli nodes add and check that it answers");
    auto *peer = dynamic_cast<PostgresConnector *>(peerConnector);
    if (!peer)
        return fail(ErrorCode::Unsupported,
                    fmt::format("the receiving node {} is a {} database: a PostgreSQL partition is copied to another "
                                "PostgreSQL server",
                                work.targetNode, peerConnector->scheme()));
    if (peer == this)
        return fail(ErrorCode::InvalidArgument, "the receiving node is the source node");
    PgConnection &a = *m_conn;
    PgConnection &b = *peer->m_conn;
    const UnboundedStatements unboundedA(a), unboundedB(b);
    std::stop_callback onStop(ctx.stop, [&a, &b] {
        a.cancel();
        b.cancel();
    });
    const std::string &uid = step.uid;
    StepRunLock runLock(a, "tidemark-step:" + uid);
    if (auto r = runLock.tryLock(uid); !r)
        return tl::unexpected(r.error());
    if (auto r = ensureCopySchema(a); !r)
        return tl::unexpected(r.error());
    if (auto r = ensureCopySchema(b); !r)
        return tl::unexpected(r.error());
    auto done = peer->stepState(uid);
    if (!done)
        return tl::unexpected(done.error());
    if (*done == StepCommitState::Committed)
        return fail(ErrorCode::InvalidState, fmt::format("step {} is already committed on the receiving node", uid),
                    "nothing to do; mark the step done");
    auto w = planCopy(a, b, step, work);
    if (!w)
        return tl::unexpected(w.error());
    auto table = loadTable(a, step.table);
    if (!table)
        return tl::unexpected(table.error());
    auto fp = structureFingerprint(a, *table, step.sources);
    if (!fp)
        return tl::unexpected(fp.error());
    if (*fp != step.fingerprint)
        return fail(ErrorCode::StalePlan,
                    fmt::format("the partitions of {} changed since the plan was made", step.table),
                    "nothing was changed; plan again");
    const char *password = PQpass(b.handle());
    const std::string fdwPassword = password && PQconnectionUsedPassword(b.handle()) ? password : "";
    if (w->move) {
        // Before anything is copied: the foreign server must answer from the
        // source with the credentials given (tried and rolled back).
        Transaction tx(a);
        if (auto r = tx.begin(); !r)
            return tl::unexpected(r.error());
        if (auto r = runAll(a, fdwSetupSql(a, *w, fdwPassword, false)); !r) {
            Error e = r.error();
            e.message = "cannot set up postgres_fdw on the source to reach the receiving node: " + e.message;
            e.hint = "postgres_fdw ships with the server (CREATE EXTENSION needs a superuser once); the foreign "
                     "server needs the receiving node's credentials: a URI user with a password in pgpass";
            return tl::unexpected(e);
        }
        const std::string probe = fmt::format(
            "CREATE FOREIGN TABLE pg_temp.tidemark_probe (x int) SERVER {} OPTIONS (schema_name 'pg_catalog', "
            "table_name 'pg_am')",
            a.quoteIdent(w->fdwServer));
        Result<void> reach = a.exec(probe);
        if (reach)
            reach = a.exec("SELECT count(*) FROM pg_temp.tidemark_probe");
        if (!reach) {
            Error e = reach.error();
            e.message = fmt::format("the source cannot reach the receiving node through postgres_fdw ({}:{}/{} as "
                                    "{}): {}",
                                    w->fdwHost, w->fdwPort, w->fdwDb, w->fdwUser, e.message);
            e.hint = "give the receiving node's password in pgpass (or create the user mapping yourself); nothing "
                     "was changed";
            return tl::unexpected(e);
        }
        a.rollback();
    }

    CopyRun run(a, b, *w, step, ctx, m_options);
    auto undo = [&](Error e) -> Result<StepOutcome> {
        a.rollback();
        b.rollback();
        // The source is cleaned even when a server is unreachable (Io): a capture trigger left behind
        // would log every write to the partition until a later status. The target half of an Io
        // failure is left for recovery, which finds chunks without a capture and abandons them.
        auto r1 = dropCapture(a, w->capture);
        Result<void> r2{};
        if (e.code != ErrorCode::Io)
            r2 = abandonTarget(b, uid);
        if (!r1 || !r2)
            e.hint += std::string(e.hint.empty() ? "" : "; ") + "cleaning up failed too (" +
                (!r1 ? r1.error().message : r2.error().message) + "): run the step again to resume, or abandon it";
        if (e.code == ErrorCode::Cancelled || ctx.stop.stop_requested())
            return fail(ErrorCode::Cancelled,
                        "the copy was cancelled; what it had copied and its change capture were removed, and the "
                        "source is unchanged");
        return tl::unexpected(e);
    };

    // Resume when both halves of an earlier run are there; otherwise start clean.
    auto captured = captureExists(a, w->capture);
    if (!captured)
        return tl::unexpected(captured.error());
    auto loaded = run.loadChunks();
    if (!loaded)
        return tl::unexpected(loaded.error());
    const bool resume = *captured && *loaded;
    if (!resume) {
        if (*captured || *loaded) {
            if (auto r = dropCapture(a, w->capture); !r)
                return tl::unexpected(r.error());
            if (auto r = abandonTarget(b, uid); !r)
                return tl::unexpected(r.error());
        }
        auto histogram = keyHistogram(step.table, w->source.partition->name, 64);
        if (!histogram)
            return tl::unexpected(histogram.error());
        ChunkLayoutOptions layout;
        layout.coarseRows = work.chunkRows > 0 ? work.chunkRows : m_options.coarseChunkRows;
        layout.fineRows = std::max<std::int64_t>(1, layout.coarseRows / 10);
        const auto chunks = layoutCopyChunks(w->range, *histogram, w->source.partition->rows, layout);
        run.progress(0.0,
                     "capturing changes on the source; creating " + w->targetName + " on the receiving node (" +
                         describeChunkLayout(chunks) + ")");
        if (auto r = run.setUp(chunks); !r) {
            Error e = r.error();
            (void)dropCapture(a, w->capture);
            (void)abandonTarget(b, uid);
            return tl::unexpected(e);
        }
    } else {
        run.progress(0.0, fmt::format("resuming: {} chunks recorded on the receiving node", run.chunks.size()));
    }
    run.crash("postgres.copy.after-setup");

    // Bulk copy, coldest first, applying captured changes between chunks.
    std::vector<CopyChunk> layouts;
    for (const auto &ch : run.chunks)
        layouts.push_back(ch.layout);
    const auto order = coldFirstOrder(layouts);
    std::size_t sent = 0;
    for (const auto i : order) {
        if (ctx.stop.stop_requested())
            return undo(Error{ErrorCode::Cancelled, "cancelled", {}});
        ++sent;
        if (run.chunks[i].state != ChunkState::Pending)
            continue;
        run.m_fraction = 0.05 + 0.8 * double(sent) / double(order.size());
        if (auto r = run.sendChunk(i, true); !r)
            return undo(r.error());
        run.progress(run.m_fraction,
                     fmt::format("chunk {}/{} {} sent and verified ({} rows{}; cold → hot)", sent, order.size(),
                                 describeRange(run.chunks[i].layout.range, w->source.keyType), run.chunks[i].sum.rows,
                                 run.chunks[i].layout.fine ? ", fine" : ""));
        run.crash("postgres.copy.after-chunk");
        if (auto n = run.applyChanges(m_options.catchUpRows * 10, true); !n)
            return undo(n.error());
    }

    // Catch up, and verify what the live writes dirtied while writers run.
    // Every chunk is compared once more here (a target changed behind the
    // copy's back is found now), then again while live writes dirty them,
    // until few are left for the cutover: its stall follows the writes of
    // its last moments, not the partition's size.
    for (int round = 0; round < 8; ++round) {
        run.progress(0.86 + 0.01 * round,
                     fmt::format("applying captured changes; verifying {} chunks", run.dirtyChunks().size()));
        for (int rounds = 0; rounds < m_options.maxCatchUpRounds; ++rounds) {
            if (ctx.stop.stop_requested())
                return undo(Error{ErrorCode::Cancelled, "cancelled", {}});
            auto n = run.applyChanges(50000, true);
            if (!n)
                return undo(n.error());
            if (*n < m_options.catchUpRows)
                break;
        }
        if (auto r = run.verifyDirty(false); !r)
            return undo(r.error());
        if (run.dirtyChunks().size() <= 2)
            break;
    }
    run.crash("postgres.copy.before-cutover");

    // The cutover: writers wait for this one short transaction.
    const int timeoutMs = std::max(1, ctx.lockTimeoutMs);
    const int attemptMs = std::clamp(timeoutMs / 4, 50, 1000);
    Clock::time_point locked;
    Error lastBusy;
    bool committed = false;
    int attempts = 0;
    StepOutcome out;
    int verifiedAtCutover = 0;
    std::size_t keysAtCutover = 0;
    double applySeconds = 0, verifySeconds = 0;
    for (int waited = 0; attempts < m_options.swapAttempts && (attempts < 2 || waited < timeoutMs); ++attempts) {
        if (ctx.stop.stop_requested())
            return undo(Error{ErrorCode::Cancelled, "cancelled", {}});
        Transaction ta(a);
        if (auto r = ta.begin(); !r)
            return undo(r.error());
        if (auto r = a.exec(fmt::format("SET LOCAL lock_timeout = '{}ms'", attemptMs)); !r)
            return undo(r.error());
        waited += attemptMs;
        Result<void> lock = w->move
            ? a.exec(fmt::format("LOCK TABLE {}, {} IN ACCESS EXCLUSIVE MODE", w->parentQuoted, w->source.quoted))
            : a.exec(fmt::format("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE", w->source.quoted));
        if (!lock) {
            if (lock.error().code != ErrorCode::Busy)
                return undo(lock.error());
            lastBusy = lock.error();
            a.rollback();
            const int backoff = std::min(2000, 50 << std::min(attempts, 5));
            std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
            waited += backoff;
            if (auto n = run.applyChanges(50000, true); !n)
                return undo(n.error());
            continue;
        }
        locked = Clock::now();
        auto lap = [&] { return std::chrono::duration<double>(Clock::now() - locked).count(); };
        Transaction tb(b);
        if (auto r = tb.begin(); !r)
            return undo(r.error());
        for (;;) {
            auto n = run.applyChanges(100000, false);
            if (!n)
                return undo(n.error());
            if (*n == 0)
                break;
        }
        applySeconds = lap();
        verifiedAtCutover = int(run.dirtyChunks().size());
        if (auto r = run.verifyDirty(true); !r)
            return undo(r.error());
        auto keysChecked = run.verifyWrittenKeys();
        if (!keysChecked)
            return undo(keysChecked.error());
        keysAtCutover = *keysChecked;
        if (auto r = run.recordVerified(); !r)
            return undo(r.error());
        out.before = run.total();
        out.after = out.before; // every chunk verified equal on both sides
        if (auto r = b.query("UPDATE tidemark.copies SET finished_at = now() WHERE uid = $1", {uid}); !r)
            return undo(r.error());
        if (auto r =
                b.query("INSERT INTO tidemark.steps (uid, kind, table_name, sources, targets) VALUES ($1, $2, "
                        "$3, $4, $5)",
                        {uid, std::string(toString(step.kind)), step.table, w->source.partition->name, w->targetName});
            !r)
            return undo(r.error());
        verifySeconds = lap() - applySeconds;
        run.crash("postgres.copy.before-target-commit");
        if (auto r = tb.commit(); !r)
            return undo(r.error());
        run.crash("postgres.copy.after-target-commit");
        // From here on the copy is committed where it is recorded.
        Result<void> source = dropCapture(a, w->capture);
        if (source && w->move) {
            source = runAll(a, fdwSetupSql(a, *w, fdwPassword, false));
            if (source)
                source = runAll(a, cutoverSql(a, *w));
            if (source)
                if (auto r = a.query("INSERT INTO tidemark.steps (uid, kind, table_name, sources, targets) VALUES ($1, "
                                     "$2, $3, $4, $5)",
                                     {uid, std::string(toString(step.kind)), step.table, w->source.partition->name,
                                      w->targetName + " on " + w->fdwHost + ":" + w->fdwPort + "/" + w->fdwDb});
                    !r)
                    source = tl::unexpected(r.error());
            if (source)
                run.crash("postgres.move.before-source-commit");
        }
        if (source)
            source = ta.commit();
        out.lockSeconds = std::chrono::duration<double>(Clock::now() - locked).count();
        if (!source) {
            a.rollback();
            if (w->move)
                return tl::unexpected(source.error()); // the executor records the half move
            (void)dropCapture(a, w->capture); // the copy stands; only the capture is left to remove
        }
        committed = true;
        break;
    }
    if (!committed) {
        Error e{ErrorCode::Busy,
                fmt::format("could not lock {} for the cutover: {} attempts of {} ms each were not granted ({})",
                            w->source.partition->name, attempts, attemptMs, lastBusy.message),
                "another session holds a lock on it (a long transaction?); the copy and its capture were removed "
                "and nothing was changed; retry later or raise --lock-timeout"};
        return undo(e);
    }
    run.crash("postgres.copy.after-commit");
    (void)b.exec(fmt::format("ANALYZE {}", w->targetQuoted));
    if (auto bytes = b.scalar("SELECT pg_total_relation_size(to_regclass($1))", {w->targetQuoted}))
        out.bytesWritten = *bytes;
    out.rowsMoved = out.after.rows;
    out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    int resends = 0;
    for (const auto &ch : run.chunks)
        resends += std::max(0, ch.sends - 1);
    run.progress(1.0,
                 fmt::format("{} chunks verified; {} changes applied; at the cutover {} whole chunks and the "
                             "rows of {} written keys compared; {} re-sends; writers waited {:.3f} s ({:.3f} "
                             "s applying, {:.3f} s verifying)",
                             run.chunks.size(), run.m_applied, verifiedAtCutover, keysAtCutover, resends,
                             out.lockSeconds, applySeconds, verifySeconds));
    return out;
}

} // namespace tidemark::postgres
