#include "sqlite_test_node.h"

#include "sqlite_test_node_sql.h"

namespace tidemark::testnode {

using namespace detail;

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

std::string SqliteTestNode::partitionNameFor(const std::string &table, const KeyRange &bounds, KeyType) const
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

Result<StepCommitState> SqliteTestNode::stepState(const std::string &stepUid)
{
    if (stepStateFailures > 0) {
        --stepStateFailures;
        return fail(ErrorCode::Database, "could not connect to the server");
    }
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
