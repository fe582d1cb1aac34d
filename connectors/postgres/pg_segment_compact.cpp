// Compact steps on PostgreSQL (docs/log-segments.md, "Compact on
// PostgreSQL"): a sealed range segment rewritten into a fresh table —
// keeping only the latest row of each key where asked — verified, then
// swapped in for the old one by DETACH / ATTACH in the same transaction.
// Writers of the sealed segment wait for the whole step (SHARE lock); every
// other segment's readers and writers wait only for the swap itself.
#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "model/key_value.h"
#include "pg_connection.h"
#include "pg_node_copy.h"
#include "pg_segments.h"
#include "pg_step_plan.h"
#include "pg_tables.h"
#include "postgres_connector.h"

namespace tidemark::postgres {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

struct CompactSql {
    SegmentTarget s;
    std::string scratchRel, scratch; ///< the fresh table: bare and qualified, quoted
    std::vector<std::string> keepBy; ///< quoted
    std::string lock, prune, create, fill, bound, detach, drop, rename, attach, unbound, record;
};

/// "USING btree (a, b) WHERE …" of an index definition, with the UNIQUE flag:
/// what makes two indexes of different tables the same index.
std::string indexShape(const std::string &def)
{
    const auto using_ = def.find(" USING ");
    return (def.rfind("CREATE UNIQUE", 0) == 0 ? "U" : "") + (using_ == std::string::npos ? def : def.substr(using_));
}

/// Why the segment cannot be swapped for a rewritten copy, or "".
Result<std::string> refusal(PgConnection &c, const SegmentTarget &s)
{
    const std::string reg = c.quoteLiteral(s.quoted) + "::regclass";
    auto rows = c.query(fmt::format(
        "SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = {0} AND NOT tgisinternal AND tgparentid = 0), "
        "(SELECT count(*) FROM pg_constraint WHERE confrelid = {0}), "
        "(SELECT relrowsecurity OR relacl IS NOT NULL FROM pg_class WHERE oid = {0})",
        reg));
    if (!rows)
        return tl::unexpected(rows.error());
    if (rows->integer(0, 0) > 0)
        return fmt::format("{} has triggers of its own (not the table's), which a rewritten copy would lose",
                           s.segment.name);
    if (rows->integer(0, 1) > 0)
        return fmt::format("foreign keys of other tables reference {}", s.segment.name);
    if (rows->boolean(0, 2))
        return fmt::format("{} has grants or row security of its own, which a rewritten copy would lose",
                           s.segment.name);
    return std::string();
}

Result<CompactSql> planCompact(PgConnection &c, const Step &step, const std::string &uid)
{
    auto s = sealedSegment(c, step);
    if (!s)
        return tl::unexpected(s.error());
    CompactSql w;
    w.s = std::move(*s);
    for (const auto &name : step.work<SegmentWork>()->keepLatestBy) {
        if (std::none_of(w.s.table.columns.begin(), w.s.table.columns.end(),
                         [&](const PgColumn &col) { return col.name == name; }))
            return fail(
                ErrorCode::InvalidArgument,
                fmt::format("keep-latest names {}, which is not a column of {}", c.quoteIdent(name), w.s.table.name),
                "set keep-latest to the change log's key columns (tidemark-cli segments URI --table T --set "
                "keep-latest=COL[,COL])");
        w.keepBy.push_back(c.quoteIdent(name));
    }
    auto why = refusal(c, w.s);
    if (!why)
        return tl::unexpected(why.error());
    if (!why->empty())
        return fail(ErrorCode::Unsupported, fmt::format("{} is not compacted in place: {}", w.s.segment.name, *why),
                    "compact it by hand (pg_repack), or archive it");
    auto boundDef =
        c.query(fmt::format("SELECT pg_get_partition_constraintdef({}::regclass)", c.quoteLiteral(w.s.quoted)));
    if (!boundDef)
        return tl::unexpected(boundDef.error());
    const std::string key = c.quoteIdent(w.s.key);
    const std::string cols = columnList(c, storedColumns(w.s.table));
    w.scratchRel = c.quoteIdent("tidemark_compact_" + stepTag(uid));
    w.scratch = c.quoteIdent(w.s.segment.schema) + "." + w.scratchRel;
    w.lock = fmt::format("LOCK TABLE {} IN SHARE MODE", w.s.quoted);
    if (!w.keepBy.empty())
        w.prune = fmt::format("DELETE FROM {0} AS t USING (SELECT ctid AS c, row_number() OVER (PARTITION BY {1} "
                              "ORDER BY {2} DESC, ctid DESC) AS n FROM {0}) AS x WHERE t.ctid = x.c AND x.n > 1",
                              w.s.quoted, fmt::join(w.keepBy, ", "), key);
    w.create = fmt::format("CREATE TABLE {} (LIKE {} INCLUDING ALL)", w.scratch, w.s.quoted);
    w.fill = fmt::format("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM {} ORDER BY {}", w.scratch, cols,
                         cols, w.s.quoted, key);
    w.bound =
        fmt::format("ALTER TABLE {} ADD CONSTRAINT tidemark_compact_bound CHECK ({})", w.scratch, boundDef->text(0, 0));
    w.detach = fmt::format("ALTER TABLE {} DETACH PARTITION {}", w.s.parent, w.s.quoted);
    w.drop = "DROP TABLE " + w.s.quoted;
    w.rename = fmt::format("ALTER TABLE {} RENAME TO {}", w.scratch, c.quoteIdent(w.s.segment.relname));
    w.attach = fmt::format("ALTER TABLE {} ATTACH PARTITION {} {}", w.s.parent, w.s.quoted, w.s.segment.boundText);
    w.unbound = fmt::format("ALTER TABLE {} DROP CONSTRAINT tidemark_compact_bound", w.s.quoted);
    w.record = recordSql(c, uid, "compact", w.s.table.name, w.s.segment.name, w.s.segment.name);
    return w;
}

/// index name → shape, of one table.
Result<std::vector<std::pair<std::string, std::string>>> indexesOf(PgConnection &c, const std::string &quoted)
{
    auto rows = c.query(fmt::format("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON "
                                    "i.oid = x.indexrelid WHERE x.indrelid = {}::regclass ORDER BY i.relname",
                                    c.quoteLiteral(quoted)));
    if (!rows)
        return tl::unexpected(rows.error());
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < rows->size(); ++i)
        out.emplace_back(rows->text(i, 0), indexShape(rows->text(i, 1)));
    return out;
}

} // namespace

Result<std::string> PostgresConnector::previewCompact(const Step &step)
{
    PgConnection &c = *m_conn;
    auto w = planCompact(c, step, step.uid.empty() ? std::string("preview") : step.uid);
    if (!w)
        return tl::unexpected(w.error());
    const std::string sum = checksumSql(c, w->s.table.columns, w->s.quoted, "");
    std::string o = fmt::format("-- compact {} {} ({} rows, {} bytes){}\n", w->s.segment.name, w->s.segment.boundText,
                                w->s.segment.rows, w->s.segment.bytes,
                                w->keepBy.empty()
                                    ? std::string()
                                    : fmt::format(", keeping the latest row of each ({})", fmt::join(w->keepBy, ", ")));
    o += "BEGIN;\n" + std::string(kCanonicalText) + ";\n";
    o += w->lock + "; -- stops writes into this sealed segment only, until COMMIT\n";
    o += "-- check: the fingerprint of the segment is still " + step.fingerprint + "\n";
    if (!w->prune.empty())
        o += w->prune + ";\n";
    o += sum + "; -- the rows that stay\n";
    o += w->create + ";\n" + w->fill + ";\n";
    o += checksumSql(c, w->s.table.columns, w->scratch, "") + "; -- must equal the rows that stay\n";
    o += w->bound + "; -- so ATTACH need not scan it\n";
    o += "SAVEPOINT tidemark_swap; -- SET LOCAL lock_timeout: a short wait, retried from here\n";
    o += w->detach + "; -- ACCESS EXCLUSIVE on the table until COMMIT: a few milliseconds\n";
    o += w->drop + ";\n" + w->rename + ";\n" + w->attach + ";\n" + w->unbound + ";\n";
    o += "-- ALTER INDEX … RENAME TO: each index takes the name of the old segment's index of the same shape\n";
    o += w->record + ";\nCOMMIT;\nANALYZE " + w->s.quoted + ";\n";
    return o;
}

Result<StepOutcome> PostgresConnector::executeCompact(const Step &step, ExecutionContext &ctx)
{
    const auto started = Clock::now();
    const std::string uid = ctx.stepUid.empty() ? step.uid : ctx.stepUid;
    PgConnection &c = *m_conn;
    auto progress = [&](double f, std::string_view text) {
        if (ctx.progress)
            ctx.progress(f, text);
    };
    auto crash = [&](std::string_view name) {
        if (ctx.crashPoint)
            ctx.crashPoint(name);
    };
    std::stop_callback onStop(ctx.stop, [this] { m_conn->cancel(); });
    auto cancelledOr = [&](Error e) -> Result<StepOutcome> {
        c.rollback();
        if (ctx.stop.stop_requested())
            return fail(ErrorCode::Cancelled, "the step was cancelled; the segment is unchanged");
        return tl::unexpected(std::move(e));
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
    const int timeoutMs = std::max(1, ctx.lockTimeoutMs);
    if (auto r = ensureCopySchema(c); !r) // tidemark.steps, where the step's uid is recorded
        return tl::unexpected(r.error());

    Transaction tx(c);
    if (auto r = tx.begin(); !r)
        return tl::unexpected(r.error());
    if (auto r = c.exec(fmt::format("SET LOCAL lock_timeout = '{}ms'; {}", timeoutMs, kCanonicalText)); !r)
        return cancelledOr(r.error());
    auto w = planCompact(c, step, uid);
    if (!w)
        return cancelledOr(w.error());
    if (auto r = c.exec(w->lock); !r)
        return cancelledOr(r.error().code == ErrorCode::Busy
                               ? Error{ErrorCode::Busy,
                                       fmt::format("could not lock {} within {} ms: {}", w->s.segment.name, timeoutMs,
                                                   r.error().message),
                                       "a long transaction writes to it; nothing was changed; apply again later or "
                                       "raise --lock-timeout"}
                               : r.error());
    auto fp = structureFingerprint(c, w->s.table, step.sources);
    if (!fp)
        return cancelledOr(fp.error());
    if (*fp != step.fingerprint)
        return cancelledOr(Error{ErrorCode::StalePlan,
                                 fmt::format("the partitions of {} changed since the plan was made", w->s.table.name),
                                 "nothing was changed; plan again"});
    const std::string sumSql = checksumSql(c, w->s.table.columns, w->s.quoted, "");
    progress(0.05, "reading the segment");
    auto before = runChecksum(c, sumSql);
    if (!before)
        return cancelledOr(before.error());
    auto bytesBefore =
        c.scalar(fmt::format("SELECT pg_total_relation_size({}::regclass)", c.quoteLiteral(w->s.quoted)));
    if (!bytesBefore)
        return cancelledOr(bytesBefore.error());
    RowChecksum kept = *before;
    if (!w->prune.empty()) {
        progress(0.15, "removing the rows a later row of the same key supersedes");
        if (auto r = c.exec(w->prune); !r)
            return cancelledOr(r.error());
        auto now = runChecksum(c, sumSql);
        if (!now)
            return cancelledOr(now.error());
        kept = *now;
    }
    progress(0.25, "writing the segment's rows into a fresh table");
    for (const std::string *sql : {&w->create, &w->fill})
        if (auto r = c.exec(*sql); !r)
            return cancelledOr(r.error());
    crash("postgres.compact-after-fill");
    progress(0.7, "verifying row count and checksum");
    auto copied = runChecksum(c, checksumSql(c, w->s.table.columns, w->scratch, ""));
    if (!copied)
        return cancelledOr(copied.error());
    if (!(*copied == kept))
        return cancelledOr(
            Error{ErrorCode::VerificationFailed,
                  fmt::format("verification failed: {} rows should stay, the copy holds {} (checksum "
                              "{}); nothing was changed",
                              kept.rows, copied->rows, copied->hashSum == kept.hashSum ? "equal" : "different"),
                  "report it with the plan (tidemark-cli show)"});
    if (auto r = c.exec(w->bound); !r)
        return cancelledOr(r.error());
    auto oldIndexes = indexesOf(c, w->s.quoted);
    if (!oldIndexes)
        return cancelledOr(oldIndexes.error());
    auto newIndexes = indexesOf(c, w->scratch);
    if (!newIndexes)
        return cancelledOr(newIndexes.error());

    // The swap: short lock waits on the table, retried from a savepoint, so
    // the copy is not redone when another session holds the table a while.
    progress(0.8, "swapping the rewritten segment in");
    const int attemptMs = std::clamp(timeoutMs / 4, 50, 1000);
    if (auto r = c.exec(fmt::format("SET LOCAL lock_timeout = '{}ms'", attemptMs)); !r)
        return cancelledOr(r.error());
    Error lastBusy;
    int attempts = 0;
    bool detached = false;
    Clock::time_point locked;
    for (int waited = 0; attempts < m_options.swapAttempts && (attempts < 2 || waited < timeoutMs); ++attempts) {
        if (ctx.stop.stop_requested())
            return cancelledOr(Error{ErrorCode::Cancelled, "cancelled", ""});
        if (auto r = c.exec("SAVEPOINT tidemark_swap"); !r)
            return cancelledOr(r.error());
        locked = Clock::now();
        if (auto r = c.exec(w->detach); r) {
            detached = true;
            break;
        } else if (r.error().code != ErrorCode::Busy) {
            return cancelledOr(r.error());
        } else {
            lastBusy = r.error();
        }
        waited += attemptMs;
        if (auto r = c.exec("ROLLBACK TO SAVEPOINT tidemark_swap"); !r)
            return cancelledOr(r.error());
        const int backoff = std::min(2000, 50 << std::min(attempts, 5));
        std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
        waited += backoff;
    }
    if (!detached)
        return cancelledOr(
            Error{ErrorCode::Busy,
                  fmt::format("could not lock {} to swap {} in: {} attempts of {} ms each were not granted ({})",
                              w->s.table.name, w->s.segment.name, attempts, attemptMs, lastBusy.message),
                  "another session holds a lock on the table (a long transaction?); nothing was changed; apply again "
                  "later or raise --lock-timeout"});
    for (const std::string *sql : {&w->drop, &w->rename, &w->attach, &w->unbound})
        if (auto r = c.exec(*sql); !r)
            return cancelledOr(r.error());
    // Each index takes the old name of the index of the same shape.
    for (const auto &[name, shape] : *newIndexes)
        for (const auto &[oldName, oldShape] : *oldIndexes)
            if (shape == oldShape && name != oldName) {
                if (auto r = c.exec(fmt::format("ALTER INDEX {}.{} RENAME TO {}", c.quoteIdent(w->s.segment.schema),
                                                c.quoteIdent(name), c.quoteIdent(oldName)));
                    !r)
                    return cancelledOr(r.error());
                break;
            }
    if (auto r = c.exec(w->record); !r)
        return cancelledOr(r.error());
    crash("postgres.compact-before-commit");
    if (auto r = tx.commit(); !r)
        return cancelledOr(r.error());
    StepOutcome out;
    out.lockSeconds = secondsSince(locked);
    out.before = kept;
    out.after = *copied;
    out.rowsMoved = copied->rows;
    (void)c.exec("ANALYZE " + w->s.quoted);
    if (auto b = c.scalar(fmt::format("SELECT pg_total_relation_size({}::regclass)", c.quoteLiteral(w->s.quoted))))
        out.bytesWritten = *b;
    out.detail = fmt::format("{} of {} rows kept{}; {} → {} bytes", copied->rows, before->rows,
                             w->keepBy.empty() ? "" : " (the latest of each key)", *bytesBefore, out.bytesWritten);
    out.seconds = secondsSince(started);
    progress(1.0, "compacted");
    return out;
}

} // namespace tidemark::postgres
