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
#include <thread>

#include <fmt/format.h>
#include <libpq-fe.h>

#include "executor/step_checks.h"
#include "pg_copy_work.h"
#include "pg_step_plan.h"

namespace tidemark::postgres {

namespace nodecopy {

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

} // namespace nodecopy

using namespace nodecopy;

Result<void> PostgresConnector::abandonCopy(const std::string &stepUid)
{
    if (auto r = dropCapture(*m_conn, "step:" + stepUid); !r)
        return r;
    return abandonTarget(*m_conn, stepUid);
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
    const auto sending = Clock::now();
    // Each chunk sent is checked on the receiving node by a second session
    // while the next one is sent; without that session, in the pass below.
    std::unique_ptr<PgConnection> checker;
    if (auto other = b.openAnother())
        checker = std::move(*other);
    std::optional<UnboundedStatements> checkerUnbounded;
    if (checker)
        checkerUnbounded.emplace(*checker);
    std::stop_callback onStopChecker(ctx.stop, [&checker] {
        if (checker)
            checker->cancel();
    });
    std::future<Result<RowChecksum>> checking;
    std::size_t checkingChunk = 0, checkedAsSent = 0;
    auto takeCheck = [&]() -> Result<void> {
        if (!checking.valid())
            return {};
        auto verified = run.takeSentCheck(checkingChunk, checking.get());
        if (!verified)
            return tl::unexpected(verified.error());
        checkedAsSent += *verified ? 1 : 0;
        return {};
    };
    auto waitCheck = [&] {
        if (checking.valid())
            checking.wait();
    };
    std::size_t sent = 0;
    for (const auto i : order) {
        if (ctx.stop.stop_requested()) {
            waitCheck();
            return undo(Error{ErrorCode::Cancelled, "cancelled", {}});
        }
        ++sent;
        if (run.chunks[i].state != ChunkState::Pending)
            continue;
        run.m_fraction = 0.05 + 0.8 * double(sent) / double(order.size());
        if (auto r = run.sendChunk(i, true, false); !r) {
            waitCheck();
            return undo(r.error());
        }
        if (auto r = takeCheck(); !r)
            return undo(r.error());
        run.progress(run.m_fraction,
                     fmt::format("chunk {}/{} {} sent, {} rows counted there{} (cold → hot)", sent, order.size(),
                                 describeRange(run.chunks[i].layout.range, w->source.keyType), run.chunks[i].sum.rows,
                                 run.chunks[i].layout.fine ? ", fine" : ""));
        // No check is running here: a crash point finds the chunk just sent unchecked.
        run.crash("postgres.copy.after-chunk");
        if (checker) {
            checking = run.checkSentLater(*checker, i);
            checkingChunk = i;
        }
        if (auto n = run.applyChanges(m_options.catchUpRows * 10, true); !n) {
            waitCheck();
            return undo(n.error());
        }
    }
    if (auto r = takeCheck(); !r)
        return undo(r.error());
    if (checker)
        run.progress(0.85, fmt::format("{} of {} chunks verified on the receiving node as they were sent",
                                       checkedAsSent, order.size()));

    if (!run.keysBuilt()) {
        run.progress(0.85, "building the keys and the key index of " + w->targetName + " on the receiving node");
        if (auto r = run.buildKeys(); !r)
            return undo(r.error());
    }
    if (checkedAsSent > 0) {
        auto matched = run.checkRowsThere();
        if (!matched)
            return undo(matched.error());
        if (!*matched)
            run.progress(0.85, "the receiving table holds rows that were not sent: every chunk is compared whole");
    }
    const double sendSeconds = std::chrono::duration<double>(Clock::now() - sending).count();
    const auto verifying = Clock::now();
    // Catch up, and verify while writers run: every chunk's checksum on the
    // receiving side against the one sent (both sides where changes were
    // applied), then the chunks live writes dirty, until few are left for
    // the cutover: its stall follows the writes of its last moments, not
    // the partition's size.
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
        const std::size_t compared = run.dirtyChunks().size();
        auto resent = run.verifyDirty(false);
        if (!resent)
            return undo(resent.error());
        run.progress(0.86 + 0.01 * round,
                     fmt::format("{} chunks compared: {} verified, {} sent again; {} changes applied so far", compared,
                                 compared - std::size_t(*resent), *resent, run.m_applied));
        if (run.dirtyChunks().size() <= 2)
            break;
    }
    run.crash("postgres.copy.before-cutover");
    const double catchUpSeconds = std::chrono::duration<double>(Clock::now() - verifying).count();

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
                             "s applying, {:.3f} s verifying); {:.2f} s sending, {:.2f} s catching up and "
                             "verifying, {:.2f} s in all",
                             run.chunks.size(), run.m_applied, verifiedAtCutover, keysAtCutover, resends,
                             out.lockSeconds, applySeconds, verifySeconds, sendSeconds, catchUpSeconds,
                             std::chrono::duration<double>(Clock::now() - started).count()));
    return out;
}

} // namespace tidemark::postgres
