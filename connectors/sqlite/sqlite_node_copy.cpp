// Copy of a partition to another SQLite file (docs/copy-move.md, "SQLite").
// The receiving file is attached to the source's connection. Triggers on
// the partition log the key of every change; the chunks are copied coldest
// first, each in one transaction that reads one snapshot of the source,
// checksums both sides and records the chunk in the receiving file; then the
// logged keys are applied (their rows deleted there and copied again), the
// receiving table's checksum is compared with the one the chunks and the
// applied keys add up to, and a last short write transaction on the source
// applies what is left, compares the rows of every key written during the
// copy, records the step in the receiving file and removes the triggers.
#include "sqlite_node_copy.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/statvfs.h>

#include "model/byte_units.h"
#include "replication/copy_chunks.h"
#include "sqlite_checksum.h"
#include "sqlite_connector.h"
#include "sqlite_node_copy_plan.h"
#include "sqlite_sql.h"

namespace tidemark::sqlite {

using namespace nodecopy;

namespace {

constexpr int kMaxSends = 3;
const char *kKeysIn = "IN (SELECT k FROM temp._tidemark_copy_keys)";
const char *kWrittenIn = "IN (SELECT k FROM temp._tidemark_copy_written)";

/// One round of logged keys applied (inside the caller's write transaction):
/// their rows on the receiving side deleted and copied again; `total`
/// follows the receiving side's sums. Returns how many changes were taken.
Result<std::int64_t> applyLogged(sqlite3 *db, const CopyPlan &c, const std::string &uid, RowChecksum &total)
{
    if (auto r = exec(db, "DELETE FROM temp._tidemark_copy_keys"); !r)
        return tl::unexpected(r.error());
    auto taken = queryInteger(db, "SELECT count(*) FROM main._tidemark_capture WHERE uid = " + quoteLit(uid));
    if (!taken)
        return tl::unexpected(taken.error());
    if (taken->value_or(0) == 0)
        return 0;
    const std::string key = c.key + " " + kKeysIn;
    for (const std::string &sql :
         {fmt::format("INSERT OR IGNORE INTO temp._tidemark_copy_keys SELECT k FROM main._tidemark_capture WHERE "
                      "uid = {} AND k IS NOT NULL",
                      quoteLit(uid)),
          fmt::format("DELETE FROM main._tidemark_capture WHERE uid = {}", quoteLit(uid))})
        if (auto r = exec(db, sql); !r)
            return tl::unexpected(r.error());
    // The receiving side's sums over the keys taken, before and after.
    auto old = queryChecksum(db, sumSql(c, c.targetQuoted, key));
    if (!old)
        return tl::unexpected(old.error());
    for (const std::string &sql :
         {fmt::format("DELETE FROM {} WHERE {}", c.targetQuoted, key),
          fmt::format("INSERT INTO {} ({}) SELECT {} FROM main.{} WHERE {}", c.targetQuoted, c.columns, c.columns,
                      quoteIdent(c.part.name), key),
          std::string("INSERT OR IGNORE INTO temp._tidemark_copy_written SELECT k FROM temp._tidemark_copy_keys")})
        if (auto r = exec(db, sql); !r)
            return tl::unexpected(r.error());
    auto now = queryChecksum(db, sumSql(c, c.targetQuoted, key));
    if (!now)
        return tl::unexpected(now.error());
    total.rows += now->rows - old->rows;
    total.hashSum += now->hashSum - old->hashSum;
    return taken->value_or(0);
}

/// Detaches the receiving file however the copy ends.
struct Attached {
    sqlite3 *db;
    ~Attached()
    {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_exec(db, "DETACH DATABASE tidemark_target", nullptr, nullptr, nullptr);
        sqlite3_progress_handler(db, 0, nullptr, nullptr);
        sqlite3_busy_timeout(db, 5000);
    }
};

int stopRequested(void *arg)
{
    return static_cast<const ExecutionContext *>(arg)->stop.stop_requested() ? 1 : 0;
}

} // namespace

Result<StepOutcome> executeNodeCopy(SqliteConnector &self, sqlite3 *db, const Step &step, ExecutionContext &ctx)
{
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    const std::string uid = ctx.stepUid.empty() ? step.uid : ctx.stepUid;
    auto c = planNodeCopy(db, step);
    if (!c)
        return tl::unexpected(c.error());
    const NodeCopyWork &work = *step.work<NodeCopyWork>();
    auto progress = [&](double f, const std::string &text) {
        if (ctx.progress)
            ctx.progress(f, text);
    };
    auto crash = [&](std::string_view name) {
        if (ctx.crashPoint)
            ctx.crashPoint(name);
    };
    Connector *peerConnector = ctx.peer ? ctx.peer(work.targetNode) : nullptr;
    if (!peerConnector)
        return fail(ErrorCode::Unsupported, fmt::format("cannot reach the receiving node {}", work.targetNode),
                    "add it with tidemark-cli nodes add and check that its file exists");
    auto *peer = dynamic_cast<SqliteConnector *>(peerConnector);
    if (!peer)
        return fail(ErrorCode::Unsupported,
                    fmt::format("the receiving node {} is a {} database: a SQLite partition is copied to another "
                                "SQLite file",
                                work.targetNode, peerConnector->scheme()));
    std::error_code ec;
    if (peer == &self || std::filesystem::equivalent(peer->path(), self.path(), ec))
        return fail(ErrorCode::InvalidArgument, "the receiving node is the source's own file",
                    "copy to another file; a copy inside one database is a split or merge");
    if (auto fp = self.fingerprint(step.table, step.sources); !fp)
        return tl::unexpected(fp.error());
    else if (!step.fingerprint.empty() && *fp != step.fingerprint)
        return fail(ErrorCode::StalePlan,
                    fmt::format("the partitions of {} changed since the plan was made", step.table),
                    "nothing was changed; plan again");
    if (auto done = peer->stepState(uid); !done)
        return tl::unexpected(done.error());
    else if (*done == StepCommitState::Committed)
        return fail(ErrorCode::InvalidState, fmt::format("step {} is already committed in the receiving file", uid),
                    "nothing to do; mark the step done");
    // Sized ahead: the file system of the receiving file must hold the reservation.
    struct statvfs fs { };
    if (work.reservedBytes > 0 && ::statvfs(peer->path().parent_path().c_str(), &fs) == 0) {
        const std::int64_t free = std::int64_t(fs.f_bavail) * std::int64_t(fs.f_frsize);
        if (free < work.reservedBytes)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("the receiving file's file system has {} free; the copy needs {} (the partition "
                                    "now plus the writes forecast during the copy)",
                                    humanBytes(double(free)), humanBytes(double(work.reservedBytes))),
                        "free space there or copy to another node; nothing was changed");
    }

    // A killed earlier run goes on where it stopped; one that cannot (no
    // capture left, or every chunk sent) is removed and the copy starts again.
    auto resume = resumable(db, peer->handle(), uid);
    if (!resume)
        return tl::unexpected(resume.error());
    bool leftovers = false;
    if (!*resume) {
        if (auto n = queryInteger(db,
                                  fmt::format("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name "
                                              "= {}",
                                              quoteLit("_tidemark_cap_" + tagOf(uid) + "_ins")));
            n && n->value_or(0) > 0)
            leftovers = true;
        if (auto r = abandonNodeCopy(db, uid); !r)
            return tl::unexpected(r.error());
        if (auto r = abandonNodeCopy(peer->handle(), uid); !r)
            return tl::unexpected(r.error());
    }

    if (auto r = exec(db, fmt::format("ATTACH DATABASE {} AS {}", quoteLit(peer->path().string()), kTarget)); !r)
        return tl::unexpected(r.error());
    Attached attached{db};
    if (!*resume) {
        if (auto n = queryInteger(db,
                                  fmt::format("SELECT count(*) FROM {}.sqlite_schema WHERE name = {} COLLATE NOCASE",
                                              kTarget, quoteLit(c->target)));
            !n)
            return tl::unexpected(n.error());
        else if (n->value_or(0) > 0)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{} already exists in the receiving file {}", c->target, peer->path().string()),
                        "drop or rename it there, or copy into another name; nothing was changed");
    }
    sqlite3_busy_timeout(db, std::max(1, ctx.lockTimeoutMs));
    sqlite3_progress_handler(db, 2000, stopRequested, &ctx);
    auto undo = [&](Error e) -> Result<StepOutcome> {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_progress_handler(db, 0, nullptr, nullptr);
        auto r1 = abandonNodeCopy(db, uid);
        auto r2 = exec(db, std::string("DETACH DATABASE ") + kTarget);
        Result<void> r3 = r2 ? abandonNodeCopy(peer->handle(), uid) : r2;
        if (!r1 || !r3)
            e.hint += std::string(e.hint.empty() ? "" : "; ") + "cleaning up failed too (" +
                (!r1 ? r1.error().message : r3.error().message) + "): run tidemark-cli status to settle the step";
        if (e.code == ErrorCode::Cancelled || ctx.stop.stop_requested())
            return fail(ErrorCode::Cancelled,
                        "the copy was cancelled; what it had copied and its change capture "
                        "were removed, and the source is unchanged");
        return tl::unexpected(e);
    };
    for (const char *sql : {"CREATE TEMP TABLE IF NOT EXISTS _tidemark_copy_keys(k INTEGER PRIMARY KEY)",
                            "CREATE TEMP TABLE IF NOT EXISTS _tidemark_copy_written(k INTEGER PRIMARY KEY)",
                            "DELETE FROM temp._tidemark_copy_written"})
        if (auto r = exec(db, sql); !r)
            return undo(r.error());

    // 1–2. The capture, then the receiving table and its records (the chunk
    // layout with its send order, so a killed run goes on with the same one).
    std::vector<CopyChunk> chunks;
    std::vector<std::size_t> order;
    std::vector<bool> sent;
    RowChecksum total;
    if (*resume) {
        chunks = (*resume)->chunks;
        order = (*resume)->order;
        sent = (*resume)->sent;
        total = (*resume)->total;
        progress(0.05,
                 fmt::format("resuming: {} of {} chunks copied before the interruption",
                             std::count(sent.begin(), sent.end(), true), chunks.size()));
    } else {
        auto histogram = self.keyHistogram(step.table, c->part.name, 64);
        if (!histogram)
            return undo(histogram.error());
        ChunkLayoutOptions layout;
        if (work.chunkRows > 0)
            layout.coarseRows = work.chunkRows;
        layout.fineRows = std::max<std::int64_t>(1, layout.coarseRows / 10);
        auto rows = tableRows(db, c->part.name);
        if (!rows)
            return undo(rows.error());
        chunks = layoutCopyChunks(c->part.bounds, *histogram, *rows, layout);
        order = coldFirstOrder(chunks);
        sent.assign(chunks.size(), false);
        progress(0.0,
                 std::string(leftovers ? "an interrupted run of this copy was removed; " : "") +
                     "capturing changes on the source; creating " + c->target + " in the receiving file (" +
                     describeChunkLayout(chunks) + ")");
        std::vector<std::string> target = targetSql(*c, uid);
        for (std::size_t n = 0; n < order.size(); ++n) {
            const CopyChunk &ch = chunks[order[n]];
            auto bound = [](std::optional<KeyValue> v) { return v ? std::to_string(*v) : std::string("NULL"); };
            target.push_back(fmt::format("INSERT INTO {}._tidemark_copy_chunks(uid, chunk, lo, hi, ord, fine, rows, "
                                         "hash, sends) VALUES({}, {}, {}, {}, {}, {}, 0, 0, 0)",
                                         kTarget, quoteLit(uid), order[n], bound(ch.range.lower), bound(ch.range.upper),
                                         n, ch.fine ? 1 : 0));
        }
        for (const auto &list : {captureSql(*c, uid), target}) {
            auto tx = WriteTransaction::begin(db);
            if (!tx)
                return undo(tx.error());
            for (const auto &sql : list)
                if (auto r = exec(db, sql); !r)
                    return undo(r.error());
            if (auto r = tx->commit(); !r)
                return undo(r.error());
        }
        if (work.reservedBytes > 0) {
            std::error_code sizeError;
            sqlite3_int64 hint =
                sqlite3_int64(std::filesystem::file_size(peer->path(), sizeError)) + work.reservedBytes;
            (void)sqlite3_file_control(db, kTarget, SQLITE_FCNTL_SIZE_HINT, &hint);
        }
        crash("sqlite.copy.after-setup");
    }

    // 3. Chunks, coldest first.
    int resends = 0;
    for (std::size_t n = 0; n < order.size(); ++n) {
        const std::size_t i = order[n];
        if (sent[i])
            continue;
        const std::string range = rangeCondition(c->key, chunks[i].range);
        for (int send = 1;; ++send) {
            if (ctx.stop.stop_requested())
                return undo(Error{ErrorCode::Cancelled, "cancelled", {}});
            if (auto r = exec(db, "BEGIN"); !r)
                return undo(r.error());
            RowChecksum src, tgt;
            for (const std::string &sql :
                 {fmt::format("DELETE FROM {} WHERE {}", c->targetQuoted, range),
                  fmt::format("INSERT INTO {} ({}) SELECT {} FROM main.{} WHERE {}", c->targetQuoted, c->columns,
                              c->columns, quoteIdent(c->part.name), range)})
                if (auto r = exec(db, sql); !r)
                    return undo(r.error());
            auto s = queryChecksum(db, sumSql(*c, "main." + quoteIdent(c->part.name), range));
            auto t = queryChecksum(db, sumSql(*c, c->targetQuoted, range));
            if (!s || !t)
                return undo(!s ? s.error() : t.error());
            if (!(*s == *t)) {
                sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
                if (send >= kMaxSends)
                    return undo(
                        Error{ErrorCode::VerificationFailed,
                              fmt::format("chunk {} {} of {} still differs in the receiving file after {} "
                                          "sends ({} rows there, {} here)",
                                          i + 1, describeRange(chunks[i].range), c->part.name, send, t->rows, s->rows),
                              "nothing was kept; check the receiving file (triggers or writers on the copied "
                              "table) and run the copy again"});
                ++resends;
                continue;
            }
            auto record = Statement::prepare(db,
                                             fmt::format("UPDATE {}._tidemark_copy_chunks SET rows = ?3, hash = "
                                                         "?4, sends = ?5 WHERE uid = ?1 AND chunk = ?2",
                                                         kTarget));
            if (!record)
                return undo(record.error());
            record->bind(1, uid)
                .bind(2, std::int64_t(i))
                .bind(3, s->rows)
                .bind(4, std::int64_t(s->hashSum))
                .bind(5, std::int64_t(send));
            if (auto r = record->run(); !r)
                return undo(r.error());
            record = Statement();
            if (auto r = exec(db, "COMMIT"); !r)
                return undo(r.error());
            accumulate(total, *s);
            break;
        }
        progress(0.05 + 0.8 * double(n + 1) / double(order.size()),
                 fmt::format("chunk {}/{} {} copied and verified ({} rows so far{}; cold → hot)", n + 1, order.size(),
                             describeRange(chunks[i].range), total.rows, chunks[i].fine ? ", fine" : ""));
        crash("sqlite.copy.after-chunk");
    }

    // 4. Catch up, then the receiving table whole against what it should hold.
    progress(0.86, "applying the changes made during the copy; comparing the receiving table");
    {
        auto tx = WriteTransaction::begin(db);
        if (!tx)
            return undo(tx.error());
        if (auto n = applyLogged(db, *c, uid, total); !n)
            return undo(n.error());
        if (auto r = tx->commit(); !r)
            return undo(r.error());
    }
    auto whole = queryChecksum(db, sumSql(*c, c->targetQuoted, ""));
    if (!whole)
        return undo(whole.error());
    if (!(*whole == total))
        return undo(Error{ErrorCode::VerificationFailed,
                          fmt::format("the receiving table {} changed while the copy ran: it holds {} rows where the "
                                      "chunks and the applied changes add up to {}",
                                      c->target, whole->rows, total.rows),
                          "nothing was kept; check for writers on the receiving file and run the copy again"});
    crash("sqlite.copy.before-cutover");

    // 5. The cutover: writers to the source wait for this one transaction.
    auto tx = WriteTransaction::begin(db);
    if (!tx) {
        Error e = tx.error();
        if (e.code == ErrorCode::Busy)
            e.hint = fmt::format("another connection held a write transaction for longer than the lock timeout "
                                 "({} ms); the copy was removed, nothing was changed; retry later",
                                 ctx.lockTimeoutMs);
        return undo(e);
    }
    const auto locked = Clock::now();
    auto applied = applyLogged(db, *c, uid, total);
    if (!applied)
        return undo(applied.error());
    auto written = queryInteger(db, "SELECT count(*) FROM temp._tidemark_copy_written");
    if (!written)
        return undo(written.error());
    const std::string keys = c->key + " " + kWrittenIn;
    auto src = queryChecksum(db, sumSql(*c, "main." + quoteIdent(c->part.name), keys));
    auto tgt = queryChecksum(db, sumSql(*c, c->targetQuoted, keys));
    if (!src || !tgt)
        return undo(!src ? src.error() : tgt.error());
    if (!(*src == *tgt))
        return undo(Error{ErrorCode::VerificationFailed,
                          fmt::format("the rows of the {} keys written during the copy differ between the source and "
                                      "the receiving file ({} rows here, {} there)",
                                      written->value_or(0), src->rows, tgt->rows),
                          "nothing was kept; run the copy again"});
    for (const std::string &sql :
         {fmt::format("INSERT INTO {}._tidemark_steps(uid, kind, committed_ms) VALUES({}, 'copy', {})", kTarget,
                      quoteLit(uid), kNowMsSql),
          fmt::format("UPDATE {}._tidemark_copies SET finished_ms = {} WHERE uid = {}", kTarget, kNowMsSql,
                      quoteLit(uid)),
          "DROP TRIGGER main." + trigger(uid, "ins"), "DROP TRIGGER main." + trigger(uid, "upd"),
          "DROP TRIGGER main." + trigger(uid, "del")})
        if (auto r = exec(db, sql); !r)
            return undo(r.error());
    crash("sqlite.copy.before-commit");
    if (auto r = tx->commit(); !r)
        return undo(r.error());
    StepOutcome out;
    out.lockSeconds = std::chrono::duration<double>(Clock::now() - locked).count();
    out.before = total;
    out.after = total; // every chunk equal on both sides, and every key written since
    out.rowsMoved = total.rows;
    if (auto b = tableBytes(peer->handle(), c->target))
        out.bytesWritten = *b;
    out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    progress(1.0,
             fmt::format("{} chunks verified; the rows of {} keys written during the copy compared at the "
                         "cutover; {} re-sends; writers waited {:.3f} s",
                         chunks.size(), written->value_or(0), resends, out.lockSeconds));
    return out;
}

} // namespace tidemark::sqlite
