// Compact steps on SQLite families: a sealed segment rewritten densely in
// place, optionally keeping only the latest row of each key, verified and
// recorded in one write transaction. See docs/log-segments.md, "Compaction".
#include "sqlite_segments.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <fmt/format.h>
#include <sqlite3.h>

#include "sqlite_checksum.h"
#include "sqlite_family.h"

namespace tidemark::sqlite {

namespace {

constexpr const char *kScratch = "_tidemark_compact";

struct CompactPlan {
    Family family;
    PartitionInfo segment;
    std::vector<std::string> keepBy; ///< quoted
    std::vector<std::string> columns; ///< stored (not generated) columns, quoted
    std::string fill; ///< CREATE TEMP TABLE … AS the rows that stay
    std::string prune; ///< keep-latest only: DELETE of the superseded rows
    std::string empty, reload, reindex, record;
};

bool withoutRowid(const std::string &body)
{
    std::string upper;
    for (char c : body)
        if (!std::isspace(static_cast<unsigned char>(c)))
            upper += char(std::toupper(static_cast<unsigned char>(c)));
    return upper.find("WITHOUTROWID") != std::string::npos;
}

Result<CompactPlan> planCompact(sqlite3 *db, const Step &step, const std::string &uid)
{
    auto f = requireFamily(db, step.table);
    if (!f)
        return tl::unexpected(f.error());
    CompactPlan w;
    w.family = std::move(*f);
    auto sealed = sealedSegment(w.family, step);
    if (!sealed)
        return tl::unexpected(sealed.error());
    const PartitionInfo *p = *sealed;
    if (withoutRowid(w.family.body))
        return fail(ErrorCode::Unsupported,
                    fmt::format("{} is a WITHOUT ROWID table; its segments are not compacted in place",
                                quoteIdent(w.family.name)),
                    "merge its small segments instead (merge-below), or VACUUM the file at a quiet time");
    w.segment = *p;
    for (const auto &name : step.work<SegmentWork>()->keepLatestBy) {
        const bool known = std::any_of(w.family.columns.begin(), w.family.columns.end(),
                                       [&](const Column &c) { return sameIdent(c.name, name); });
        if (!known)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("keep-latest names {}, which is not a column of {}", quoteIdent(name),
                                    quoteIdent(w.family.name)),
                        "set keep-latest to the change log's key columns (tidemark-cli segments URI --table T --set "
                        "keep-latest=COL[,COL])");
        w.keepBy.push_back(quoteIdent(name));
    }
    for (const auto &c : w.family.columns)
        if (!c.generated)
            w.columns.push_back(quoteIdent(c.name));
    const std::string seg = quoteIdent(w.segment.name), key = quoteIdent(w.family.keyColumn);
    // The latest row of a key: the highest segment key, then the highest rowid.
    const std::string latest = w.keepBy.empty()
        ? std::string()
        : fmt::format(" WHERE rowid IN (SELECT r FROM (SELECT rowid AS r, row_number() OVER (PARTITION BY {} "
                      "ORDER BY {} DESC, rowid DESC) AS n FROM {}) WHERE n = 1)",
                      fmt::join(w.keepBy, ", "), key, seg);
    w.fill = fmt::format("CREATE TEMP TABLE {} AS SELECT rowid AS _tidemark_rowid, * FROM {}{}", kScratch, seg, latest);
    if (!w.keepBy.empty())
        w.prune = fmt::format("DELETE FROM {} WHERE rowid NOT IN (SELECT _tidemark_rowid FROM temp.{})", seg, kScratch);
    w.empty = "DELETE FROM " + seg;
    w.reload = fmt::format("INSERT INTO {}(rowid, {}) SELECT _tidemark_rowid, {} FROM temp.{} ORDER BY {}, "
                           "_tidemark_rowid",
                           seg, fmt::join(w.columns, ", "), fmt::join(w.columns, ", "), kScratch, key);
    w.reindex = "REINDEX " + seg;
    w.record = fmt::format("INSERT INTO _tidemark_steps(uid, kind, committed_ms) VALUES({}, {}, {})", quoteLit(uid),
                           quoteLit("compact"), kNowMsSql);
    return w;
}

/// The segment's own triggers (activity counting, change journal): name and SQL.
Result<std::vector<std::pair<std::string, std::string>>> triggersOn(sqlite3 *db, const std::string &table)
{
    auto stmt = Statement::prepare(db,
                                   "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1 "
                                   "ORDER BY name");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, std::string_view(table));
    std::vector<std::pair<std::string, std::string>> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        out.emplace_back(stmt->text(0), stmt->text(1));
    }
    return out;
}

double secondsSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

Result<std::string> previewCompactStep(sqlite3 *db, const Step &step)
{
    auto w = planCompact(db, step, step.uid);
    if (!w)
        return tl::unexpected(w.error());
    const std::string sum = checksumSql(w->family.columns, w->segment.name, w->family.keyColumn, std::nullopt);
    std::string out = fmt::format(
        "-- compact {} {}{}\nBEGIN IMMEDIATE;\n", w->segment.name, describeRange(w->segment.bounds, step.keyType),
        w->keepBy.empty() ? std::string()
                          : fmt::format(", keeping the latest row of each ({})", fmt::join(w->keepBy, ", ")));
    out += fmt::format("-- check: the fingerprint of the segment is still {}\n", step.fingerprint);
    out += sum + "; -- before\n" + w->fill + ";\n";
    if (!w->prune.empty())
        out += w->prune + "; -- with the segment's triggers, so the change journal sees the rows go\n";
    out += "-- drop the segment's own triggers (activity counting, change journal), kept to recreate\n";
    out += w->empty + ";\n" + w->reload + ";\n" + w->reindex + ";\n";
    out += "-- recreate the triggers as they were\n";
    out += sum + "; -- must equal the rows kept: " +
        checksumSql(w->family.columns, kScratch, w->family.keyColumn, std::nullopt) + "\n";
    out += fmt::format("DROP TABLE temp.{};\n{};\nCOMMIT;\n", kScratch, w->record);
    out += "PRAGMA incremental_vacuum; -- only where the file has auto_vacuum = INCREMENTAL\n";
    return out;
}

Result<StepOutcome> runCompact(sqlite3 *db, const Step &step, ExecutionContext &ctx, const std::string &uid)
{
    const auto started = std::chrono::steady_clock::now();
    auto progress = [&](double f, std::string_view text) {
        if (ctx.progress)
            ctx.progress(f, text);
    };
    auto crash = [&](std::string_view name) {
        if (ctx.crashPoint)
            ctx.crashPoint(name);
    };
    auto run = [&](const std::string &sql) -> Result<void> {
        if (ctx.stop.stop_requested())
            return fail(ErrorCode::Cancelled, "the compaction was cancelled; the segment is unchanged");
        return execSingle(db, sql);
    };
    auto before0 = bytesOfTables(db, {step.sources.front()});

    auto tx = WriteTransaction::begin(db);
    if (!tx) {
        Error e = tx.error();
        if (e.code == ErrorCode::Busy)
            e.hint = fmt::format("another connection held a write transaction for longer than the lock timeout "
                                 "({} ms); retry when it is done or raise the timeout",
                                 ctx.lockTimeoutMs);
        return tl::unexpected(e);
    }
    const auto locked = std::chrono::steady_clock::now();
    auto w = planCompact(db, step, uid);
    if (!w)
        return tl::unexpected(w.error());
    if (structureFingerprint(w->family, {&w->segment}) != step.fingerprint)
        return fail(ErrorCode::StalePlan,
                    fmt::format("the partitions of {} changed since the plan was made", quoteIdent(w->family.name)),
                    "nothing was changed; plan again");
    const std::string sumSql = checksumSql(w->family.columns, w->segment.name, w->family.keyColumn, std::nullopt);
    progress(0.05, "reading the segment");
    auto before = queryChecksum(db, sumSql);
    if (!before)
        return tl::unexpected(before.error());
    (void)sqlite3_exec(db, fmt::format("DROP TABLE IF EXISTS temp.{}", kScratch).c_str(), nullptr, nullptr, nullptr);
    if (auto r = run(w->fill); !r)
        return tl::unexpected(r.error());
    struct ScratchEnd {
        sqlite3 *db;
        ~ScratchEnd()
        {
            sqlite3_exec(db, fmt::format("DROP TABLE IF EXISTS temp.{}", kScratch).c_str(), nullptr, nullptr, nullptr);
        }
    } scratchEnd{db};
    auto kept = queryChecksum(db, checksumSql(w->family.columns, kScratch, w->family.keyColumn, std::nullopt));
    if (!kept)
        return tl::unexpected(kept.error());
    if (w->keepBy.empty() && !(*kept == *before))
        return fail(ErrorCode::VerificationFailed, "the copy of the segment does not match it; nothing was changed");
    if (!w->prune.empty()) {
        progress(0.3, "removing the rows a later row of the same key supersedes");
        if (auto r = run(w->prune); !r)
            return tl::unexpected(r.error());
    }
    auto triggers = triggersOn(db, w->segment.name);
    if (!triggers)
        return tl::unexpected(triggers.error());
    for (const auto &t : *triggers)
        if (auto r = run("DROP TRIGGER " + quoteIdent(t.first)); !r)
            return tl::unexpected(r.error());
    progress(0.45, "rewriting the segment densely");
    for (const std::string *sql : {&w->empty, &w->reload, &w->reindex})
        if (auto r = run(*sql); !r)
            return tl::unexpected(r.error());
    for (const auto &t : *triggers)
        if (auto r = run(t.second); !r)
            return tl::unexpected(r.error());
    crash("sqlite.compact-after-rewrite");

    progress(0.85, "verifying row count and checksum");
    auto after = queryChecksum(db, sumSql);
    if (!after)
        return tl::unexpected(after.error());
    if (!(*after == *kept))
        return fail(ErrorCode::VerificationFailed,
                    fmt::format("verification failed: {} rows should stay, the segment holds {} (checksum {}); "
                                "nothing was changed",
                                kept->rows, after->rows, after->hashSum == kept->hashSum ? "equal" : "different"));
    if (auto r = run(w->record); !r)
        return tl::unexpected(r.error());
    if (auto r = execSingle(db, fmt::format("DROP TABLE temp.{}", kScratch)); !r)
        return tl::unexpected(r.error());
    crash("sqlite.compact-before-commit");
    if (auto r = tx->commit(); !r)
        return tl::unexpected(r.error());
    StepOutcome out;
    out.lockSeconds = secondsSince(locked);
    out.before = *kept; // the rows that stay, read before anything changed
    out.after = *after;
    out.rowsMoved = after->rows;
    // Freed pages go back to the file where it reclaims them incrementally;
    // otherwise they stay on the freelist, which the active segment reuses.
    if (auto mode = queryInteger(db, "PRAGMA auto_vacuum"); mode && mode->value_or(0) == 2)
        (void)exec(db, "PRAGMA incremental_vacuum");
    if (auto b = bytesOfTables(db, {w->segment.name}))
        for (const auto &[name, bytes] : *b)
            out.bytesWritten += bytes;
    std::int64_t bytesBefore = 0;
    if (before0)
        for (const auto &[name, bytes] : *before0)
            bytesBefore += bytes;
    out.detail = fmt::format("{} of {} rows kept{}; {} → {} bytes", after->rows, before->rows,
                             w->keepBy.empty() ? "" : " (the latest of each key)", bytesBefore, out.bytesWritten);
    out.seconds = secondsSince(started);
    progress(1.0, "compacted");
    return out;
}

} // namespace tidemark::sqlite
