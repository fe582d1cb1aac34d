// Running a split or merge online (docs/postgres.md): phase 1 creates the new
// tables and the change capture, phase 2 copies in short batches with a
// recorded high-water mark, phase 3 replays logged changes until few remain,
// phase 4 swaps in one short transaction that also records the step uid.
#include <chrono>
#include <cstdlib>
#include <set>
#include <stop_token>
#include <thread>

#include <fmt/format.h>

#include "executor/step_checks.h"
#include "pg_connection.h"
#include "pg_node_copy.h"
#include "pg_step_plan.h"
#include "pg_step_verify.h"
#include "postgres_connector.h"

namespace tidemark::postgres {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

Param optParam(std::optional<std::int64_t> v)
{
    return v ? Param(std::to_string(*v)) : Param();
}

Result<bool> tableExists(PgConnection &c, const char *name)
{
    auto n = c.scalar("SELECT count(*) FROM pg_class WHERE oid = to_regclass($1)", {std::string(name)});
    if (!n)
        return tl::unexpected(n.error());
    return *n > 0;
}

Result<void> runAll(PgConnection &c, const std::vector<std::string> &list)
{
    for (const auto &s : list)
        if (auto r = c.exec(s); !r)
            return r;
    return {};
}

} // namespace

Result<StepCommitState> PostgresConnector::stepState(const std::string &stepUid)
{
    auto exists = tableExists(*m_conn, "tidemark.steps");
    if (!exists)
        return tl::unexpected(exists.error());
    if (!*exists)
        return StepCommitState::NotCommitted;
    auto n = m_conn->scalar("SELECT count(*) FROM tidemark.steps WHERE uid = $1", {stepUid});
    if (!n)
        return tl::unexpected(n.error());
    return *n > 0 ? StepCommitState::Committed : StepCommitState::NotCommitted;
}

Result<std::string> PostgresConnector::preview(const Step &step)
{
    if (step.work<NodeCopyWork>())
        return previewCopy(step);
    if (step.work<SegmentWork>())
        return previewSegment(step);
    auto w = planStep(*m_conn, step, step.uid.empty() ? std::string("preview") : step.uid);
    if (!w)
        return tl::unexpected(w.error());
    if (auto r = buildStepSql(*m_conn, *w, step); !r)
        return tl::unexpected(r.error());
    return renderPreview(*w, step, 5000, m_options.batchRows);
}

Result<void> PostgresConnector::abandonStep(const std::string &stepUid)
{
    const UnboundedStatements unbounded(*m_conn); // dropping a big half-filled table takes what it takes
    StepRunLock runLock(*m_conn, "tidemark-step:" + stepUid);
    if (auto r = runLock.tryLock(stepUid); !r)
        return r;
    // A copy's capture (on its source) and half-filled table (on its receiving node).
    if (auto r = abandonCopy(stepUid); !r)
        return r;
    auto progress = tableExists(*m_conn, "tidemark.step_progress");
    if (!progress)
        return tl::unexpected(progress.error());
    if (!*progress)
        return {};
    auto state = stepState(stepUid);
    if (!state)
        return tl::unexpected(state.error());
    if (*state == StepCommitState::Committed)
        return fail(ErrorCode::InvalidState, fmt::format("step {} is committed; there is nothing to abandon", stepUid));
    // Objects are named after the uid: drop whatever exists, wherever the triggers sit.
    const std::string tag = stepTag(stepUid);
    auto triggers = m_conn->query("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgname IN ($1, $2)",
                                  {"tidemark_log_" + tag, "tidemark_guard_" + tag});
    if (!triggers)
        return tl::unexpected(triggers.error());
    // First the data: the progress rows (which also make the capture
    // triggers inert), the log and the standalone new tables. None of these
    // conflicts with the application's locks.
    std::vector<std::string> data;
    auto targets =
        m_conn->query("SELECT conrelid::regclass::text FROM pg_constraint WHERE conname = $1 AND contype = 'c'",
                      {"tidemark_bound_" + tag});
    if (!targets)
        return tl::unexpected(targets.error());
    for (int i = 0; i < targets->size(); ++i)
        data.push_back(fmt::format("DROP TABLE IF EXISTS {}", targets->text(i, 0))); // regclass text is quoted
    data.push_back(fmt::format("DELETE FROM tidemark.step_progress WHERE uid = {}", m_conn->quoteLiteral(stepUid)));
    data.push_back(fmt::format("DELETE FROM tidemark.change_log WHERE uid = {}", m_conn->quoteLiteral(stepUid)));
    {
        Transaction tx(*m_conn);
        if (auto r = tx.begin(); !r)
            return r;
        if (auto r = m_conn->exec("SET LOCAL lock_timeout = '5s'"); !r)
            return r;
        if (auto r = runAll(*m_conn, data); !r)
            return r;
        if (auto r = tx.commit(); !r)
            return r;
    }
    // Then the triggers: DROP TRIGGER needs ACCESS EXCLUSIVE on the source;
    // if a long transaction holds it, they stay (inert) until the next try.
    std::vector<std::string> sql;
    for (int i = 0; i < triggers->size(); ++i)
        sql.push_back(fmt::format("DROP TRIGGER IF EXISTS {} ON {}", m_conn->quoteIdent(triggers->text(i, 0)),
                                  triggers->text(i, 1)));
    sql.push_back(fmt::format("DROP FUNCTION IF EXISTS {}()", m_conn->qualified("tidemark", "log_" + tag)));
    Transaction tx(*m_conn);
    if (auto r = tx.begin(); !r)
        return r;
    if (auto r = m_conn->exec("SET LOCAL lock_timeout = '2s'"); !r)
        return r;
    if (auto r = runAll(*m_conn, sql); !r) {
        Error e = r.error();
        e.message =
            "the step's data was removed, but its (now inert) capture triggers could not be dropped: " + e.message;
        e.hint = "abandon the step again when the lock is free (tidemark re-tries on the next run)";
        return tl::unexpected(e);
    }
    return tx.commit();
}

Result<StepOutcome> PostgresConnector::execute(const Step &step, ExecutionContext &ctx)
{
    const UnboundedStatements unbounded(*m_conn); // a step is bounded by its lock_timeout and the cancel
    const auto started = Clock::now();
    const std::string uid = ctx.stepUid.empty() ? step.uid : ctx.stepUid;
    if (uid.empty())
        return fail(ErrorCode::InvalidArgument, "the step has no uid", "the executor assigns one before running it");
    // The executor has checked the shape already; a direct caller gets the same rule.
    if (auto shape = checkStepShape(step); !shape)
        return tl::unexpected(shape.error());
    if (step.work<NodeCopyWork>())
        return executeCopy(step, ctx);
    if (step.work<SegmentWork>())
        return executeSegment(step, ctx);
    auto progress = [&](double f, std::string_view text) {
        if (ctx.progress)
            ctx.progress(f, text);
    };
    auto crash = [&](std::string_view name) {
        if (ctx.crashPoint)
            ctx.crashPoint(name);
    };
    PgConnection &c = *m_conn;
    // Cancellation interrupts a running statement too, not only between batches.
    std::stop_callback onStop(ctx.stop, [this] { m_conn->cancel(); });
    auto cancelled = [] {
        return fail(ErrorCode::Cancelled,
                    "the step was cancelled; its partial work was removed and nothing was changed");
    };

    StepRunLock runLock(c, "tidemark-step:" + uid);
    if (auto r = runLock.tryLock(uid); !r)
        return tl::unexpected(r.error());
    auto done = stepState(uid);
    if (!done)
        return tl::unexpected(done.error());
    if (*done == StepCommitState::Committed)
        return fail(ErrorCode::InvalidState, fmt::format("step {} is already committed in this database", uid),
                    "nothing to do; mark the step done");
    auto w = planStep(c, step, uid);
    if (!w)
        return tl::unexpected(w.error());
    if (auto r = buildStepSql(c, *w, step); !r)
        return tl::unexpected(r.error());
    auto fp = structureFingerprint(c, w->table, step.sources);
    if (!fp)
        return tl::unexpected(fp.error());
    if (*fp != step.fingerprint)
        return fail(ErrorCode::StalePlan,
                    fmt::format("the partitions of {} changed since the plan was made (fingerprint {} ≠ {})",
                                w->table.name, *fp, step.fingerprint),
                    "nothing was changed; plan again");

    // Phase 0: bookkeeping schema (idempotent).
    {
        Transaction tx(c);
        if (auto r = tx.begin(); !r)
            return tl::unexpected(r.error());
        if (auto r = runAll(c, w->sql.schema); !r) {
            Error e = r.error();
            e.message = "cannot create Tidemark's bookkeeping schema \"tidemark\": " + e.message;
            if (e.hint.empty())
                e.hint = "the connecting role needs CREATE on the database (once) and ownership of the table";
            return tl::unexpected(e);
        }
        if (auto r = tx.commit(); !r)
            return tl::unexpected(r.error());
    }
    auto resumeRows = c.scalar("SELECT count(*) FROM tidemark.step_progress WHERE uid = $1", {uid});
    if (!resumeRows)
        return tl::unexpected(resumeRows.error());
    bool resume = *resumeRows > 0 && w->existingTargets.size() == w->targets.size();
    if (*resumeRows > 0 && !resume) {
        if (auto r = abandonStep(uid); !r)
            return tl::unexpected(r.error());
        auto again = planStep(c, step, uid);
        if (!again)
            return tl::unexpected(again.error());
        if (auto r = buildStepSql(c, *again, step); !r)
            return tl::unexpected(r.error());
        w = std::move(again);
    }
    if (!resume && !w->existingTargets.empty())
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("a relation named {} already exists", w->existingTargets.front()),
                    "choose other target names; nothing was changed");

    const int timeoutMs = std::max(1, ctx.lockTimeoutMs);
    if (!resume) {
        progress(0.0, "creating the new partitions and the change capture");
        Transaction tx(c);
        if (auto r = tx.begin(); !r)
            return tl::unexpected(r.error());
        if (auto r = c.exec(fmt::format("SET LOCAL lock_timeout = '{}ms'", timeoutMs)); !r)
            return tl::unexpected(r.error());
        if (auto r = runAll(c, w->sql.prepare); !r)
            return tl::unexpected(r.error());
        if (auto r = tx.commit(); !r)
            return tl::unexpected(r.error());
    } else {
        progress(0.0, "resuming an interrupted copy");
    }
    crash("postgres.after-prepare");

    // From here on a failure removes the partial work: the family is unchanged.
    auto undo = [&](Error e) -> Result<StepOutcome> {
        c.rollback();
        if (e.code != ErrorCode::Io) {
            if (auto r = abandonStep(uid); !r)
                e.hint += (e.hint.empty() ? "" : "; ") + std::string("cleaning up failed too (") + r.error().message +
                    "): run the step again to resume, or abandon it";
        }
        if (e.code == ErrorCode::Cancelled || ctx.stop.stop_requested())
            return cancelled();
        return tl::unexpected(e);
    };

    // Phase 2: batches.
    std::int64_t expected = 0, copied = 0;
    for (const auto &s : w->sources)
        expected += s.rows;
    for (std::size_t i = 0; i < w->sources.size(); ++i) {
        const auto &s = w->sources[i];
        // Progress recorded before names were quoted keys a source by its
        // joined name (my.sch.t_a): take it over under the name used now.
        if (const std::string joined = s.schema == "public" ? s.relname : s.schema + "." + s.relname;
            resume && joined != s.name) {
            auto moved = c.query("UPDATE tidemark.step_progress SET source = $2 WHERE uid = $1 AND source = $3 "
                                 "AND NOT EXISTS (SELECT 1 FROM tidemark.step_progress WHERE uid = $1 AND source = $2)",
                                 {uid, s.name, joined});
            if (!moved)
                return undo(moved.error());
        }
        auto state = c.query("SELECT high_water, finished FROM tidemark.step_progress WHERE uid = $1 AND source = $2",
                             {uid, s.name});
        if (!state)
            return undo(state.error());
        std::optional<std::int64_t> hw = state->size() ? state->optInteger(0, 0) : std::nullopt;
        bool finished = state->size() && state->boolean(0, 1);
        std::string boundary = w->sql.boundary;
        boundary.replace(boundary.find("{source}"), 8, c.qualified(s.schema, s.relname));
        while (!finished) {
            if (ctx.stop.stop_requested())
                return undo(Error{ErrorCode::Cancelled, "cancelled", {}});
            auto next = c.query(boundary, {optParam(hw), std::to_string(m_options.batchRows)});
            if (!next)
                return undo(next.error());
            std::optional<std::int64_t> hi = next->size() ? next->optInteger(0, 0) : std::nullopt;
            if (hi && hw && *hi <= *hw)
                hi = *hw + 1; // more duplicates of one key than a batch: take them all
            Transaction tx(c);
            if (auto r = tx.begin(); !r)
                return undo(r.error());
            for (const auto &sql : w->sql.copy[i]) {
                auto r = c.query(sql, {optParam(hw), optParam(hi)});
                if (!r)
                    return undo(r.error());
                copied += r->affected();
            }
            if (!hi && !w->sql.copyNulls[i].empty())
                if (auto r = c.exec(w->sql.copyNulls[i]); !r)
                    return undo(r.error());
            if (auto r = c.query(w->sql.progress, {uid, s.name, optParam(hi), std::string(hi ? "false" : "true")}); !r)
                return undo(r.error());
            if (auto r = tx.commit(); !r)
                return undo(r.error());
            hw = hi;
            finished = !hi;
            progress(0.05 + 0.75 * (expected > 0 ? std::min(1.0, double(copied) / double(expected)) : 0.5),
                     fmt::format("copied {} rows into the new partitions", copied));
        }
    }
    crash("postgres.after-copy");

    // Phase 3: catch up with the writes made meanwhile.
    progress(0.8, "replaying changes made during the copy");
    for (int round = 0; round < m_options.maxCatchUpRounds; ++round) {
        if (ctx.stop.stop_requested())
            return undo(Error{ErrorCode::Cancelled, "cancelled", {}});
        auto n = replayInTransaction(c, *w, 50000);
        if (!n)
            return undo(n.error());
        if (*n < m_options.catchUpRows)
            break;
    }

    // The check ahead of the swap, so the swap compares only what changed since.
    progress(0.85, "verifying the new partitions against the sources (writers not blocked)");
    auto since = checkAhead(c, *w);
    if (!since)
        return undo(since.error());
    crash("postgres.after-check");
    // Rounds of one replay of what the writers logged meanwhile and a
    // comparison of the keys it touched, in one snapshot: each round is
    // shorter than the one before (it handles the writes of the previous
    // round only), so the swap is left the writes of the last moments.
    for (int round = 0; round < 8; ++round) {
        if (ctx.stop.stop_requested())
            return undo(Error{ErrorCode::Cancelled, "cancelled", {}});
        std::int64_t replayed = 0;
        for (;;) {
            auto n = replayInTransaction(c, *w, 50000, &*since);
            if (!n)
                return undo(n.error());
            replayed += *n;
            if (*n < 50000)
                break;
        }
        const std::size_t before = since->keys.size();
        auto narrowed = narrow(c, *w, *since);
        if (!narrowed)
            return undo(narrowed.error());
        progress(0.86 + 0.005 * round,
                 fmt::format("{} changes replayed; {} keys changed since the check ahead compared again: {}; {} "
                             "left for the swap",
                             replayed, before, *narrowed ? "equal" : "different (the swap compares them all)",
                             since->keys.size()));
        if (replayed < std::max<std::int64_t>(20, m_options.catchUpRows / 10))
            break;
    }
    crash("postgres.before-swap");

    // Phase 4: the swap, retried when the lock is not granted in time.
    progress(0.9, "swapping the new partitions in");
    const int attemptMs = std::clamp(timeoutMs / 4, 50, 1000);
    Clock::time_point locked;
    StepOutcome out;
    Error lastBusy;
    std::size_t keysAtSwap = 0;
    double replaySeconds = 0, verifySeconds = 0;
    bool wholeAtSwap = false;
    bool swapped = false;
    int attempts = 0;
    for (int waited = 0; attempts < m_options.swapAttempts && (attempts < 2 || waited < timeoutMs); ++attempts) {
        if (ctx.stop.stop_requested())
            return undo(Error{ErrorCode::Cancelled, "cancelled", {}});
        Transaction tx(c);
        if (auto r = tx.begin(); !r)
            return undo(r.error());
        if (auto r = c.exec(fmt::format("SET LOCAL lock_timeout = '{}ms'", attemptMs)); !r)
            return undo(r.error());
        waited += attemptMs;
        Result<void> lock = runAll(c, w->sql.lock);
        if (!lock) {
            if (lock.error().code != ErrorCode::Busy)
                return undo(lock.error());
            lastBusy = lock.error();
            c.rollback();
            const int backoff = std::min(2000, 50 << std::min(attempts, 5));
            std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
            waited += backoff;
            if (auto n = replayInTransaction(c, *w, 50000, &*since); !n)
                return undo(n.error());
            continue;
        }
        locked = Clock::now();
        for (;;) {
            auto n = replayOnce(c, *w, 100000, &*since);
            if (!n)
                return undo(n.error());
            if (*n == 0)
                break;
        }
        // Only the keys changed since the check ahead can differ: the rest
        // was equal then and neither side has changed it since.
        const std::string changed = since->text();
        auto sourcesOf = checksumOfKeys(c, w->sql.verifySourcesOf, changed, since->nulls);
        if (!sourcesOf)
            return undo(sourcesOf.error());
        auto targetsOf = checksumOfKeys(c, w->sql.verifyTargetsOf, changed, since->nulls);
        if (!targetsOf)
            return undo(targetsOf.error());
        keysAtSwap = since->keys.size();
        replaySeconds = secondsSince(locked);
        Result<RowChecksum> before = since->targets, after = since->targets;
        if (!(*sourcesOf == *targetsOf)) {
            // Compared whole, to say what differs.
            wholeAtSwap = true;
            before = runChecksum(c, w->sql.verifySources);
            if (!before)
                return undo(before.error());
            after = runChecksum(c, w->sql.verifyTargets);
            if (!after)
                return undo(after.error());
        }
        out.before = *before;
        out.after = *after;
        if (!(*before == *after))
            return undo(
                Error{ErrorCode::VerificationFailed,
                      fmt::format("verification failed: the sources hold {} rows, the new partitions {} "
                                  "(checksum {}); nothing was changed",
                                  before->rows, after->rows, before->hashSum == after->hashSum ? "equal" : "different"),
                      "report this with the server log; the new tables were removed"});
        verifySeconds = secondsSince(locked) - replaySeconds;
        if (auto r = runAll(c, w->sql.swap); !r)
            return undo(r.error());
        crash("postgres.before-commit");
        if (auto r = tx.commit(); !r)
            return undo(r.error());
        swapped = true;
        break;
    }
    if (!swapped) {
        Error e{ErrorCode::Busy,
                fmt::format("could not lock {} for the final swap: {} attempts of {} ms each were not granted ({})",
                            w->table.name, attempts, attemptMs, lastBusy.message),
                "another session holds a lock on the table (a long transaction?); the new tables and the change "
                "capture were removed and nothing was changed; retry later or raise --lock-timeout"};
        return undo(e);
    }
    out.lockSeconds = secondsSince(locked);
    out.rowsMoved = out.before.rows;
    crash("postgres.after-commit"); // before the VACUUM that follows the swap
    for (const auto &sql : w->sql.afterwards)
        (void)c.exec(sql); // statistics only; a missing privilege changes nothing
    for (const auto &t : w->targets)
        if (auto b = c.scalar("SELECT pg_total_relation_size(to_regclass($1))", {t.quoted}))
            out.bytesWritten += *b;
    out.seconds = secondsSince(started);
    const std::string how = wholeAtSwap
        ? std::string("compared whole at the swap")
        : fmt::format("verified ahead of the swap; at the swap the rows of {} changed keys compared", keysAtSwap);
    progress(1.0,
             fmt::format("done: {}; writers waited {:.3f} s ({:.3f} s replaying, {:.3f} s verifying, the rest "
                         "swapping and committing)",
                         how, out.lockSeconds, replaySeconds, verifySeconds));
    return out;
}

} // namespace tidemark::postgres
