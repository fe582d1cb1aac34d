#include "sqlite_test_node.h"

#include <sqlite3.h>

#include <fmt/format.h>

#include "connector_features.h"

namespace tidemark::testnode {

namespace {

using Rows = std::vector<std::pair<KeyValue, std::string>>;

/// One prepared statement, finalized on scope exit.
class Query {
public:
    Query(sqlite3 *db, const std::string &sql) : m_db(db)
    {
        m_rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &m_stmt, nullptr);
    }
    ~Query() { sqlite3_finalize(m_stmt); }
    Query(const Query &) = delete;
    Query &operator=(const Query &) = delete;

    bool ok() const { return m_stmt != nullptr; }
    void reset()
    {
        sqlite3_reset(m_stmt);
        m_rc = SQLITE_OK;
    }
    Query &bind(int i, const std::string &v)
    {
        sqlite3_bind_text(m_stmt, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Query &bind(int i, std::optional<KeyValue> v)
    {
        if (v)
            sqlite3_bind_int64(m_stmt, i, *v);
        else
            sqlite3_bind_null(m_stmt, i);
        return *this;
    }
    /// true: a row; false: done or error (see error()).
    bool next()
    {
        if (!ok())
            return false;
        m_rc = sqlite3_step(m_stmt);
        return m_rc == SQLITE_ROW;
    }
    bool failed() const { return m_rc != SQLITE_OK && m_rc != SQLITE_ROW && m_rc != SQLITE_DONE; }
    tl::unexpected<Error> error() const { return fail(ErrorCode::Database, sqlite3_errmsg(m_db)); }
    std::int64_t int64(int c) const { return sqlite3_column_int64(m_stmt, c); }
    bool isNull(int c) const { return sqlite3_column_type(m_stmt, c) == SQLITE_NULL; }
    std::string text(int c) const
    {
        const auto *t = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, c));
        return t ? t : "";
    }

private:
    sqlite3 *m_db;
    sqlite3_stmt *m_stmt = nullptr;
    int m_rc = SQLITE_OK;
};

std::uint64_t rowHash(KeyValue k, const std::string &v)
{
    // FNV-1a over the key and value; summed (not XORed), so a duplicated
    // row changes the checksum.
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&](const char *p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
            h = (h ^ static_cast<unsigned char>(p[i])) * 1099511628211ull;
    };
    const std::string key = std::to_string(k) + '\x1f';
    mix(key.data(), key.size());
    mix(v.data(), v.size());
    return h;
}

RowChecksum sumOf(const Rows &rows)
{
    RowChecksum c;
    for (const auto &[k, v] : rows) {
        ++c.rows;
        c.hashSum += rowHash(k, v);
    }
    return c;
}

RowChecksum plus(RowChecksum a, const RowChecksum &b)
{
    a.rows += b.rows;
    a.hashSum += b.hashSum;
    return a;
}

std::string rangeWhere(const KeyRange &r)
{
    std::string w = "1";
    if (r.lower)
        w += fmt::format(" AND k >= {}", *r.lower);
    if (r.upper)
        w += fmt::format(" AND k < {}", *r.upper);
    return w;
}

tl::unexpected<Error> mismatch(const char *what, const RowChecksum &a, const RowChecksum &b)
{
    return fail(ErrorCode::VerificationFailed,
                fmt::format("{}: rows {} vs {}, checksum {:016x} vs {:016x}", what, a.rows, b.rows, a.hashSum,
                            b.hashSum),
                "nothing was changed; the transaction rolled back");
}

} // namespace

std::vector<StepKind> allKinds()
{
    return {StepKind::Split, StepKind::Merge, StepKind::Copy, StepKind::Move,
            StepKind::Snapshot, StepKind::Restore, StepKind::Compact, StepKind::Archive};
}

std::string SqliteTestNode::pathOf(const std::string &uri)
{
    const std::string prefix = std::string(kScheme) + "://";
    return uri.rfind(prefix, 0) == 0 ? uri.substr(prefix.size()) : std::string();
}

SqliteTestNode::SqliteTestNode(std::string path, std::vector<StepKind> kinds,
                               std::vector<std::pair<std::string, std::string>> limitations)
    : m_path(std::move(path))
    , m_kinds(std::move(kinds))
    , m_limitations(std::move(limitations))
{
    sqlite3_open_v2(m_path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    sqlite3_busy_timeout(m_db, 5000);
    (void)exec("CREATE TABLE IF NOT EXISTS _parts(table_name TEXT NOT NULL, partition TEXT PRIMARY KEY, "
               "lower INTEGER, upper INTEGER);"
               "CREATE TABLE IF NOT EXISTS _tidemark_steps(uid TEXT PRIMARY KEY, kind TEXT NOT NULL);"
               "CREATE TABLE IF NOT EXISTS _snapshots(name TEXT PRIMARY KEY, table_name TEXT NOT NULL, "
               "partition TEXT NOT NULL)");
}

SqliteTestNode::~SqliteTestNode()
{
    sqlite3_close_v2(m_db);
}

Result<void> SqliteTestNode::exec(const std::string &sql)
{
    char *err = nullptr;
    if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string message = fmt::format("{}: {}", sql, err ? err : "?");
        sqlite3_free(err);
        return fail(ErrorCode::Database, message);
    }
    return {};
}

Result<RowChecksum> SqliteTestNode::checksumOf(const std::string &selectKv)
{
    Query q(m_db, selectKv);
    Rows rows;
    while (q.next())
        rows.emplace_back(q.int64(0), q.text(1));
    if (q.failed())
        return q.error();
    return sumOf(rows);
}

Result<RowChecksum> SqliteTestNode::partitionSum(const std::string &partition)
{
    return checksumOf(fmt::format("SELECT k, v FROM {}", quoteIdentifier(partition)));
}

bool SqliteTestNode::hasTable(const std::string &name)
{
    Query q(m_db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
    q.bind(1, name);
    return q.next();
}

std::vector<std::string> SqliteTestNode::recordedUids()
{
    Query q(m_db, "SELECT uid FROM _tidemark_steps ORDER BY uid");
    std::vector<std::string> out;
    while (q.next())
        out.push_back(q.text(0));
    return out;
}

Result<void> SqliteTestNode::createPartitionTable(const std::string &table, const std::string &name,
                                                  const KeyRange &bounds)
{
    if (auto ok = exec(fmt::format("CREATE TABLE {} (k INTEGER NOT NULL, v TEXT)", quoteIdentifier(name))); !ok)
        return ok;
    Query q(m_db, "INSERT INTO _parts(table_name, partition, lower, upper) VALUES (?1, ?2, ?3, ?4)");
    q.bind(1, table).bind(2, name).bind(3, bounds.lower).bind(4, bounds.upper);
    q.next();
    return q.failed() ? Result<void>(q.error()) : Result<void>{};
}

Result<void> SqliteTestNode::addPartition(const std::string &table, const std::string &name, const KeyRange &bounds,
                                          KeyValue from, KeyValue to)
{
    if (auto ok = createPartitionTable(table, name, bounds); !ok)
        return ok;
    return exec(fmt::format("WITH RECURSIVE n(k) AS (SELECT {0} UNION ALL SELECT k + 1 FROM n WHERE k + 1 < {1}) "
                            "INSERT INTO {2}(k, v) SELECT k, 'row ' || k FROM n WHERE k < {1}",
                            from, to, quoteIdentifier(name)));
}

Result<void> SqliteTestNode::dropPartition(const std::string &name)
{
    if (auto ok = exec(fmt::format("DROP TABLE {}", quoteIdentifier(name))); !ok)
        return ok;
    Query q(m_db, "DELETE FROM _parts WHERE partition = ?1");
    q.bind(1, name);
    q.next();
    return q.failed() ? Result<void>(q.error()) : Result<void>{};
}

Result<void> SqliteTestNode::recordUid(const std::string &uid, StepKind kind)
{
    Query q(m_db, "INSERT INTO _tidemark_steps(uid, kind) VALUES (?1, ?2)");
    q.bind(1, uid).bind(2, toString(kind));
    q.next();
    return q.failed() ? Result<void>(q.error()) : Result<void>{};
}

Result<std::optional<KeyRange>> SqliteTestNode::boundsOf(const std::string &partition)
{
    Query q(m_db, "SELECT lower, upper FROM _parts WHERE partition = ?1");
    q.bind(1, partition);
    if (!q.next()) {
        if (q.failed())
            return q.error();
        return std::optional<KeyRange>{};
    }
    KeyRange r;
    if (!q.isNull(0))
        r.lower = q.int64(0);
    if (!q.isNull(1))
        r.upper = q.int64(1);
    return std::optional<KeyRange>{r};
}

ConnectorTraits SqliteTestNode::traits() const
{
    ConnectorTraits t;
    t.transactionalSteps = true;
    t.stepKinds = m_kinds;
    t.limitations = m_limitations;
    return t;
}

Result<std::vector<PartitionedTable>> SqliteTestNode::discover()
{
    std::vector<PartitionedTable> out;
    Query q(m_db, "SELECT DISTINCT table_name FROM _parts ORDER BY table_name");
    while (q.next()) {
        auto t = describe(q.text(0));
        if (!t)
            return tl::unexpected(t.error());
        out.push_back(std::move(*t));
    }
    if (q.failed())
        return q.error();
    return out;
}

Result<PartitionedTable> SqliteTestNode::describe(const std::string &table)
{
    PartitionedTable t;
    t.name = table;
    t.keyColumn = "k";
    Query q(m_db, "SELECT partition, lower, upper FROM _parts WHERE table_name = ?1 ORDER BY lower IS NOT NULL, lower");
    q.bind(1, table);
    while (q.next()) {
        Partition p;
        p.name = q.text(0);
        if (!q.isNull(1))
            p.bounds.lower = q.int64(1);
        if (!q.isNull(2))
            p.bounds.upper = q.int64(2);
        t.partitions.push_back(std::move(p));
    }
    if (q.failed())
        return q.error();
    if (t.partitions.empty())
        return fail(ErrorCode::NotFound, fmt::format("no partitioned table {} on {}", table, m_path));
    return t;
}

Result<std::vector<ActivitySample>> SqliteTestNode::sampleActivity()
{
    return std::vector<ActivitySample>{};
}

Result<KeyHistogram> SqliteTestNode::keyHistogram(const std::string &, const std::string &, int)
{
    return fail(ErrorCode::Unsupported, "the test node keeps no key histogram");
}

std::string SqliteTestNode::partitionNameFor(const std::string &table, const KeyRange &bounds) const
{
    return fmt::format("{}_{}_{}", table, bounds.lower ? std::to_string(*bounds.lower) : "min",
                       bounds.upper ? std::to_string(*bounds.upper) : "max");
}

Result<std::string> SqliteTestNode::fingerprint(const std::string &table, const std::vector<std::string> &partitions)
{
    if (beforeFingerprint)
        beforeFingerprint();
    // Structure only (bounds and table definition), never the data.
    std::string facts = table;
    for (const auto &p : partitions) {
        Query q(m_db, "SELECT coalesce(pa.lower, 'min'), coalesce(pa.upper, 'max'), m.sql FROM _parts pa "
                      "JOIN sqlite_master m ON m.name = pa.partition WHERE pa.partition = ?1 AND pa.table_name = ?2");
        q.bind(1, p).bind(2, table);
        facts += q.next() ? fmt::format("|{}:{}:{}:{}", p, q.text(0), q.text(1), q.text(2)) : "|missing:" + p;
        if (q.failed())
            return q.error();
    }
    return fmt::format("{:016x}", rowHash(0, facts));
}

Result<std::string> SqliteTestNode::preview(const Step &step)
{
    return "-- " + describeStep(step);
}

Result<StepOutcome> SqliteTestNode::execute(const Step &step, ExecutionContext &ctx)
{
    ++executeCalls;
    if (beforeExecute)
        beforeExecute(step);
    const SegmentWork *archiving = step.kind == StepKind::Archive ? step.work<SegmentWork>() : nullptr;
    if (archiving)
        if (auto ok = exec(fmt::format("ATTACH DATABASE {} AS archive", quoteLiteral(archiving->archiveLocation)));
            !ok)
            return tl::unexpected(ok.error());
    auto outcome = [&]() -> Result<StepOutcome> {
        if (auto ok = exec("BEGIN IMMEDIATE"); !ok)
            return tl::unexpected(ok.error());
        auto done = runInTransaction(step, ctx);
        if (done) {
            if (ctx.crashPoint)
                ctx.crashPoint("testnode.before-commit");
            if (auto ok = exec("COMMIT"); !ok)
                done = tl::unexpected(ok.error());
        }
        if (!done)
            (void)exec("ROLLBACK");
        return done;
    }();
    if (archiving)
        (void)exec("DETACH DATABASE archive");
    return outcome;
}

Result<StepOutcome> SqliteTestNode::runInTransaction(const Step &step, ExecutionContext &ctx)
{
    Query seen(m_db, "SELECT 1 FROM _tidemark_steps WHERE uid = ?1");
    seen.bind(1, step.uid);
    if (seen.next())
        return fail(ErrorCode::InvalidState, fmt::format("step {} is already recorded on {}", step.uid, m_path));
    auto fp = fingerprint(step.table, step.sources);
    if (!fp)
        return tl::unexpected(fp.error());
    if (*fp != step.fingerprint)
        return fail(ErrorCode::StalePlan, "the partitions changed since the plan was made (inside the transaction)");
    Result<StepOutcome> outcome;
    switch (step.kind) {
    case StepKind::Split:
        outcome = split(step);
        break;
    case StepKind::Merge:
        outcome = merge(step);
        break;
    case StepKind::Copy:
    case StepKind::Move:
        // The receiving node records the uid; a move records it here too, with the drop.
        return copy(step, ctx);
    case StepKind::Snapshot:
        outcome = snapshot(step);
        break;
    case StepKind::Restore:
        outcome = restore(step);
        break;
    case StepKind::Compact:
        outcome = compact(step);
        break;
    case StepKind::Archive:
        outcome = archive(step);
        break;
    }
    if (!outcome)
        return outcome;
    if (outcome->before != outcome->after)
        return mismatch(toString(step.kind), outcome->before, outcome->after);
    if (auto ok = recordUid(step.uid, step.kind); !ok)
        return tl::unexpected(ok.error());
    return outcome;
}

Result<StepOutcome> SqliteTestNode::split(const Step &step)
{
    StepOutcome out;
    const std::string source = step.sources.front();
    auto before = partitionSum(source);
    if (!before)
        return tl::unexpected(before.error());
    out.before = *before;
    for (const NewPartition &t : step.repartition().targets) {
        if (auto ok = createPartitionTable(step.table, t.name, t.bounds); !ok)
            return tl::unexpected(ok.error());
        if (auto ok = exec(fmt::format("INSERT INTO {} SELECT k, v FROM {} WHERE {}", quoteIdentifier(t.name),
                                       quoteIdentifier(source), rangeWhere(t.bounds)));
            !ok)
            return tl::unexpected(ok.error());
        auto part = partitionSum(t.name);
        if (!part)
            return tl::unexpected(part.error());
        out.after = plus(out.after, *part);
    }
    // Rows outside every target would be lost: the sums tell before the drop.
    if (out.before != out.after)
        return mismatch("split", out.before, out.after);
    if (auto ok = dropPartition(source); !ok)
        return tl::unexpected(ok.error());
    out.rowsMoved = out.after.rows;
    return out;
}

Result<StepOutcome> SqliteTestNode::merge(const Step &step)
{
    StepOutcome out;
    const NewPartition &target = step.repartition().targets.front();
    if (auto ok = createPartitionTable(step.table, target.name, target.bounds); !ok)
        return tl::unexpected(ok.error());
    for (const auto &source : step.sources) {
        auto part = partitionSum(source);
        if (!part)
            return tl::unexpected(part.error());
        out.before = plus(out.before, *part);
        if (auto ok = exec(fmt::format("INSERT INTO {} SELECT k, v FROM {}", quoteIdentifier(target.name),
                                       quoteIdentifier(source)));
            !ok)
            return tl::unexpected(ok.error());
    }
    auto after = partitionSum(target.name);
    if (!after)
        return tl::unexpected(after.error());
    out.after = *after;
    if (out.before != out.after)
        return mismatch("merge", out.before, out.after);
    for (const auto &source : step.sources)
        if (auto ok = dropPartition(source); !ok)
            return tl::unexpected(ok.error());
    out.rowsMoved = out.after.rows;
    return out;
}

Result<StepOutcome> SqliteTestNode::copy(const Step &step, ExecutionContext &ctx)
{
    const NodeCopyWork &work = *step.work<NodeCopyWork>();
    auto *peer = dynamic_cast<SqliteTestNode *>(ctx.peer ? ctx.peer(work.targetNode) : nullptr);
    if (!peer)
        return fail(ErrorCode::Unsupported, fmt::format("cannot reach the receiving node {}", work.targetNode));
    const std::string source = step.sources.front();
    Rows rows;
    {
        Query q(m_db, fmt::format("SELECT k, v FROM {} WHERE {} ORDER BY k", quoteIdentifier(source),
                                  rangeWhere(work.range)));
        while (q.next())
            rows.emplace_back(q.int64(0), q.text(1));
        if (q.failed())
            return q.error();
    }
    StepOutcome out;
    out.before = sumOf(rows);
    const std::string table = work.targetTable.empty() ? step.table : work.targetTable;
    const std::string partition = work.targetPartition.empty() ? source : work.targetPartition;
    // Committed on the receiving node: from here on the step happened.
    auto received = peer->receiveCopy(step.uid, table, partition, work.range, rows, out.before);
    if (!received)
        return tl::unexpected(received.error());
    out.after = *received;
    out.rowsMoved = out.after.rows;
    if (ctx.crashPoint)
        ctx.crashPoint("testnode.after-receive");
    if (step.kind == StepKind::Move) {
        // Verify what the receiver now holds before the source goes.
        auto there = peer->checksum(table, work.range);
        if (!there)
            return tl::unexpected(there.error());
        if (*there != out.before)
            return mismatch("move (receiving node)", out.before, *there);
        if (auto ok = dropPartition(source); !ok)
            return tl::unexpected(ok.error());
        if (auto ok = recordUid(step.uid, step.kind); !ok)
            return tl::unexpected(ok.error());
    }
    return out;
}

Result<RowChecksum> SqliteTestNode::receiveCopy(const std::string &uid, const std::string &table,
                                                const std::string &partition, const KeyRange &bounds,
                                                const Rows &rows, const RowChecksum &expected)
{
    if (auto ok = exec("BEGIN IMMEDIATE"); !ok)
        return tl::unexpected(ok.error());
    auto work = [&]() -> Result<RowChecksum> {
        auto known = boundsOf(partition);
        if (!known)
            return tl::unexpected(known.error());
        if (!*known)
            if (auto ok = createPartitionTable(table, partition, bounds); !ok)
                return tl::unexpected(ok.error());
        Query insert(m_db, fmt::format("INSERT INTO {}(k, v) VALUES (?1, ?2)", quoteIdentifier(partition)));
        for (const auto &[k, v] : rows) {
            insert.reset();
            insert.bind(1, std::optional<KeyValue>(k)).bind(2, v);
            insert.next();
            if (insert.failed())
                return insert.error();
        }
        auto got = checksumOf(fmt::format("SELECT k, v FROM {} WHERE {}", quoteIdentifier(partition),
                                          rangeWhere(bounds)));
        if (!got)
            return got;
        if (*got != expected)
            return mismatch("copy", expected, *got);
        if (auto ok = recordUid(uid, StepKind::Copy); !ok)
            return tl::unexpected(ok.error());
        return got;
    };
    auto result = work();
    if (result)
        if (auto ok = exec("COMMIT"); !ok)
            result = tl::unexpected(ok.error());
    if (!result)
        (void)exec("ROLLBACK");
    return result;
}

Result<StepOutcome> SqliteTestNode::snapshot(const Step &step)
{
    const SnapshotWork &work = *step.work<SnapshotWork>();
    const std::string source = step.sources.front();
    const std::string into = "_snap_" + work.snapshotName;
    StepOutcome out;
    auto before = checksumOf(fmt::format("SELECT k, v FROM {} WHERE {}", quoteIdentifier(source),
                                         rangeWhere(work.range)));
    if (!before)
        return tl::unexpected(before.error());
    out.before = *before;
    if (auto ok = exec(fmt::format("CREATE TABLE {} AS SELECT k, v FROM {} WHERE {}", quoteIdentifier(into),
                                   quoteIdentifier(source), rangeWhere(work.range)));
        !ok)
        return tl::unexpected(ok.error());
    Query q(m_db, "INSERT INTO _snapshots(name, table_name, partition) VALUES (?1, ?2, ?3)");
    q.bind(1, work.snapshotName).bind(2, step.table).bind(3, source);
    q.next();
    if (q.failed())
        return q.error();
    auto after = partitionSum(into);
    if (!after)
        return tl::unexpected(after.error());
    out.after = *after;
    out.rowsMoved = out.after.rows;
    return out;
}

Result<StepOutcome> SqliteTestNode::restore(const Step &step)
{
    const RestoreWork &work = *step.work<RestoreWork>();
    Query q(m_db, "SELECT partition FROM _snapshots WHERE name = ?1");
    q.bind(1, work.snapshotName);
    if (!q.next())
        return q.failed() ? q.error()
                          : fail(ErrorCode::NotFound, fmt::format("no snapshot {} on {}", work.snapshotName, m_path));
    const std::string into = work.intoPartition.empty() ? q.text(0) : work.intoPartition;
    const std::string from = quoteIdentifier("_snap_" + work.snapshotName);
    StepOutcome out;
    // No change journal here: the snapshot itself is the state restored.
    auto before = checksumOf(fmt::format("SELECT k, v FROM {} WHERE {}", from, rangeWhere(work.range)));
    if (!before)
        return tl::unexpected(before.error());
    out.before = *before;
    if (auto ok = exec(fmt::format("DELETE FROM {0} WHERE {1}; INSERT INTO {0} SELECT k, v FROM {2} WHERE {1}",
                                   quoteIdentifier(into), rangeWhere(work.range), from));
        !ok)
        return tl::unexpected(ok.error());
    auto after = checksumOf(fmt::format("SELECT k, v FROM {} WHERE {}", quoteIdentifier(into), rangeWhere(work.range)));
    if (!after)
        return tl::unexpected(after.error());
    out.after = *after;
    out.rowsMoved = out.after.rows;
    return out;
}

Result<StepOutcome> SqliteTestNode::compact(const Step &step)
{
    // A rewrite that drops exact duplicate rows of an append-only segment.
    const std::string segment = quoteIdentifier(step.sources.front());
    const std::string tmp = quoteIdentifier("_compact_" + step.uid);
    StepOutcome out;
    auto before = checksumOf(fmt::format("SELECT DISTINCT k, v FROM {}", segment));
    if (!before)
        return tl::unexpected(before.error());
    out.before = *before;
    if (auto ok = exec(fmt::format("CREATE TABLE {0} (k INTEGER NOT NULL, v TEXT); "
                                   "INSERT INTO {0} SELECT DISTINCT k, v FROM {1} ORDER BY k; DELETE FROM {1}; "
                                   "INSERT INTO {1} SELECT k, v FROM {0}; DROP TABLE {0}",
                                   tmp, segment));
        !ok)
        return tl::unexpected(ok.error());
    auto after = checksumOf(fmt::format("SELECT k, v FROM {}", segment));
    if (!after)
        return tl::unexpected(after.error());
    out.after = *after;
    out.rowsMoved = out.after.rows;
    return out;
}

Result<StepOutcome> SqliteTestNode::archive(const Step &step)
{
    // The archive file is attached before BEGIN (SQLite refuses ATTACH
    // inside a transaction), so the caller's transaction covers both files.
    const std::string segment = step.sources.front();
    StepOutcome out;
    auto before = partitionSum(segment);
    if (!before)
        return tl::unexpected(before.error());
    out.before = *before;
    if (auto ok = exec(fmt::format("CREATE TABLE IF NOT EXISTS archive.{0} (k INTEGER NOT NULL, v TEXT); "
                                   "INSERT INTO archive.{0} SELECT k, v FROM main.{0}",
                                   quoteIdentifier(segment)));
        !ok)
        return tl::unexpected(ok.error());
    auto after = checksumOf(fmt::format("SELECT k, v FROM archive.{}", quoteIdentifier(segment)));
    if (!after)
        return tl::unexpected(after.error());
    out.after = *after;
    if (out.before != out.after)
        return mismatch("archive", out.before, out.after);
    if (auto ok = dropPartition(segment); !ok)
        return tl::unexpected(ok.error());
    out.rowsMoved = out.after.rows;
    return out;
}

Result<StepCommitState> SqliteTestNode::stepState(const std::string &stepUid)
{
    Query q(m_db, "SELECT 1 FROM _tidemark_steps WHERE uid = ?1");
    q.bind(1, stepUid);
    if (q.next())
        return StepCommitState::Committed;
    if (q.failed())
        return q.error();
    return StepCommitState::NotCommitted;
}

Result<void> SqliteTestNode::abandonStep(const std::string &stepUid)
{
    ++abandonCalls;
    return exec(fmt::format("DROP TABLE IF EXISTS {}", quoteIdentifier("_compact_" + stepUid)));
}

Result<RowChecksum> SqliteTestNode::checksum(const std::string &table, const KeyRange &range)
{
    auto t = describe(table);
    if (!t)
        return tl::unexpected(t.error());
    RowChecksum total;
    for (const auto &p : t->partitions) {
        auto part = checksumOf(fmt::format("SELECT k, v FROM {} WHERE {}", quoteIdentifier(p.name), rangeWhere(range)));
        if (!part)
            return part;
        total = plus(total, *part);
    }
    return total;
}

Result<void> SqliteTestNode::adopt(const AdoptRequest &)
{
    return fail(ErrorCode::Unsupported, "the test node does not adopt tables");
}

void SqliteTestNode::cancel()
{
    sqlite3_interrupt(m_db);
}

std::string SqliteTestNode::quoteIdentifier(std::string_view name) const
{
    std::string out = "\"";
    for (char c : name)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string SqliteTestNode::quoteLiteral(std::string_view value) const
{
    std::string out = "'";
    for (char c : value)
        out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

} // namespace tidemark::testnode
