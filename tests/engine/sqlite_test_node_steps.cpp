// The step kinds of the test node, each inside the transaction execute() opens.
#include "sqlite_test_node.h"

#include "sqlite_test_node_sql.h"

namespace tidemark::testnode {

using namespace detail;

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
            else if (loseResultAfterCommit)
                return fail(ErrorCode::Database, "server closed the connection unexpectedly");
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
    if (afterReceive)
        if (auto ok = afterReceive(); !ok)
            return tl::unexpected(ok.error());
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

} // namespace tidemark::testnode
