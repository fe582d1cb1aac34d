// Log segments on PostgreSQL (docs/log-segments.md): archive a sealed range
// partition to the documented archive format (segments/segment_archive.h)
// from one REPEATABLE READ snapshot, verify the files, then — in one short
// transaction that re-checks the segment — detach and drop it (or keep it
// detached) and record the step; restore-archive loads an archive into a new
// table, verifies it against the manifest and attaches it, all in one
// transaction.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <stop_token>
#include <thread>

#include <fmt/format.h>

#include "executor/step_checks.h"
#include "model/key_value.h"
#include "model/table_name.h"
#include "pg_connection.h"
#include "pg_node_copy.h"
#include "pg_step_plan.h"
#include "pg_segments.h"
#include "pg_tables.h"
#include "postgres_connector.h"
#include "segments/segment_archive.h"

namespace tidemark::postgres {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}


bool overlaps(const KeyRange &a, const KeyRange &b)
{
    const bool aBelowB = a.upper && b.lower && *a.upper <= *b.lower;
    const bool bBelowA = b.upper && a.lower && *b.upper <= *a.lower;
    return !aBelowB && !bBelowA;
}

/// One line of COPY … TO STDOUT (text format, newline stripped) as values.
/// PostgreSQL also writes \b, \f and \v; the archive keeps those characters
/// as they are, which COPY FROM reads back unchanged.
Result<ArchiveRow> decodeServerLine(std::string_view line, std::size_t columns)
{
    if (!line.empty() && line.back() == '\n')
        line.remove_suffix(1);
    std::string plain;
    plain.reserve(line.size());
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) {
            const char e = line[i + 1];
            if (e == 'b' || e == 'f' || e == 'v') {
                plain += e == 'b' ? '\b' : e == 'f' ? '\f' : '\v';
                ++i;
                continue;
            }
            plain += line[i];
            plain += e;
            ++i;
            continue;
        }
        plain += line[i];
    }
    return decodeCopyLine(plain, columns);
}

/// What a restore-archive step loads, checked against the catalogue.
struct RestoreTarget {
    PgTable table;
    ArchiveManifest manifest;
    std::vector<PgColumn> columns;
    std::string parent, quoted, schema, relname, boundSql;
    std::vector<std::string> create; ///< the new standalone table
    std::string copy; ///< COPY … FROM STDIN
    std::vector<std::string> finish; ///< attach and record
};

Result<RestoreTarget> planRestore(PgConnection &c, const Step &step, const std::string &uid)
{
    auto m = readArchiveManifest(step.work<SegmentWork>()->archiveLocation);
    if (!m)
        return tl::unexpected(m.error());
    auto t = loadTable(c, step.table);
    if (!t)
        return tl::unexpected(t.error());
    RestoreTarget w;
    w.table = std::move(*t);
    w.manifest = std::move(*m);
    const PgTable &tab = w.table;
    const ArchiveManifest &man = w.manifest;
    if (man.database != "postgresql")
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the archive was written from a {} database, not PostgreSQL", man.database),
                    "restore it into a database of the kind it came from");
    if (tab.strategy != 'r' || !tab.typedKey() || man.table != tab.name || man.keyColumn != tab.keyColumns[0].name)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the archive holds {} keyed by {}, not {} partitioned by {}", man.table, man.keyColumn,
                                tab.name, tab.keyDef),
                    "restore an archive into the table it was written from");
    if (man.keyType != *tab.keyType)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the archive's key is a {}, the key of {} a {}", toString(man.keyType), tab.name,
                                toString(*tab.keyType)),
                    "restore into a table with the archive's key type");
    w.columns = storedColumns(tab);
    bool same = w.columns.size() == man.columns.size();
    for (std::size_t i = 0; same && i < w.columns.size(); ++i)
        same = w.columns[i].name == man.columns[i].name && w.columns[i].type == man.columns[i].type;
    if (!same)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the columns of {} changed since the archive was written", tab.name),
                    "restore into a table with the archive's columns and types (see its manifest)");
    if (tab.find(man.partition))
        return fail(ErrorCode::InvalidState, fmt::format("{} already has a partition {}", tab.name, man.partition),
                    "the segment is in the table; nothing to restore");
    for (const auto &p : tab.partitions)
        if (p.range && overlaps(*p.range, man.bounds))
            return fail(ErrorCode::InvalidState,
                        fmt::format("partition {} of {} already covers part of {}", p.name, tab.name,
                                    describeRange(man.bounds, man.keyType)),
                        "the archived keys are in the table again; restore into another database");
    auto name = parseTableName(man.partition); // report names leave out "public" only
    if (!name)
        return tl::unexpected(name.error());
    w.schema = name->schema;
    w.relname = name->name;
    w.parent = c.qualified(tab.schema, tab.relname);
    w.quoted = c.qualified(w.schema, w.relname);
    auto taken = c.scalar("SELECT count(*) FROM pg_class WHERE oid = to_regclass($1)", {w.quoted});
    if (!taken)
        return tl::unexpected(taken.error());
    if (*taken > 0)
        return fail(ErrorCode::InvalidState, fmt::format("a relation named {} already exists", w.quoted),
                    "a detached copy of the segment may still be there; drop or rename it first");
    w.boundSql = rangeBoundSql(c, man.bounds, man.keyType);
    const std::string like = c.serverVersion() >= 120000
        ? "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS"
        : "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS";
    w.create.push_back(fmt::format("CREATE TABLE {} (LIKE {} {})", w.quoted, w.parent, like));
    w.copy = fmt::format("COPY {} ({}) FROM STDIN", w.quoted, columnList(c, w.columns));
    w.finish.push_back(fmt::format("ALTER TABLE {} ATTACH PARTITION {} {}", w.parent, w.quoted, w.boundSql));
    w.finish.push_back(recordSql(c, uid, "restore-archive", tab.name, "", man.partition));
    return w;
}

} // namespace

/// The columns COPY writes and reads: every live column but generated ones.
std::vector<PgColumn> storedColumns(const PgTable &t)
{
    std::vector<PgColumn> out;
    for (const auto &c : t.columns)
        if (!c.generated)
            out.push_back(c);
    return out;
}

std::string columnList(const PgConnection &c, const std::vector<PgColumn> &columns)
{
    std::string out;
    for (const auto &col : columns)
        out += (out.empty() ? "" : ", ") + c.quoteIdent(col.name);
    return out;
}

Result<SegmentTarget> sealedSegment(PgConnection &c, const Step &step)
{
    auto t = loadTable(c, step.table);
    if (!t)
        return tl::unexpected(t.error());
    if (t->strategy != 'r' || !t->typedKey())
        return fail(ErrorCode::Unsupported,
                    fmt::format("{} is not partitioned by range of one integer, date or timestamp column ({})", t->name,
                                t->keyDef),
                    fmt::format("{} segments of a time- or id-partitioned log table", toString(step.kind)));
    const std::string &name = step.sources.front();
    const PgPartition *p = t->find(name);
    if (!p)
        return fail(ErrorCode::StalePlan, fmt::format("{} has no partition {}", t->name, name),
                    "the partitions changed since the plan was made; list them with tidemark-cli segments");
    if (p->isDefault() || p->subPartitioned || !p->range)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} is not a range segment of {} (default or itself partitioned)", name, t->name),
                    fmt::format("{} range partitions only", toString(step.kind)));
    const PgPartition *active = nullptr;
    for (const auto &q : t->partitions)
        if (!q.isDefault())
            active = &q;
    if (active == p)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} is the active segment of {}: it takes new rows", name, t->name),
                    fmt::format("{} sealed segments only (all but the newest)", toString(step.kind)));
    SegmentTarget s;
    s.segment = *p;
    s.table = std::move(*t);
    s.parent = c.qualified(s.table.schema, s.table.relname);
    s.quoted = c.qualified(s.segment.schema, s.segment.relname);
    s.key = s.table.keyColumns[0].name;
    return s;
}

std::string recordSql(const PgConnection &c, const std::string &uid, const char *kind, const std::string &table,
                      const std::string &sources, const std::string &targets)
{
    return fmt::format(
        "INSERT INTO tidemark.steps (uid, kind, table_name, sources, targets) VALUES ({}, {}, {}, {}, {})",
        c.quoteLiteral(uid), c.quoteLiteral(kind), c.quoteLiteral(table), c.quoteLiteral(sources),
        c.quoteLiteral(targets));
}

Result<std::string> PostgresConnector::previewSegment(const Step &step)
{
    if (step.kind == StepKind::Compact)
        return previewCompact(step);
    PgConnection &c = *m_conn;
    const SegmentWork &work = *step.work<SegmentWork>();
    if (step.kind != StepKind::Archive)
        return fail(ErrorCode::Unsupported, fmt::format("{} steps do not run on PostgreSQL yet", toString(step.kind)));
    const std::string uid = step.uid.empty() ? std::string("preview") : step.uid;
    std::string o;
    if (work.restore) {
        auto w = planRestore(c, step, uid);
        if (!w)
            return tl::unexpected(w.error());
        o +=
            fmt::format("-- restore {} {} from {} ({} rows)\n", w->manifest.partition,
                        describeRange(w->manifest.bounds, w->manifest.keyType), work.archiveLocation, w->manifest.rows);
        o += "BEGIN;\n" + std::string(kCanonicalText) + ";\n";
        for (const auto &s : w->create)
            o += s + ";\n";
        o += w->copy + "; -- every line of " + w->manifest.dataFile +
            ", checked against the manifest's size, XXH64 and row hash\n";
        o += "-- verify: " + checksumSql(c, w->table.columns, w->quoted, "") +
            fmt::format("\n--   must give {} rows, checksum {}\n", w->manifest.databaseChecksum.rows,
                        hex64(w->manifest.databaseChecksum.hashSum));
        o += "-- ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the table: its readers and writers go on\n";
        for (const auto &s : w->finish)
            o += s + ";\n";
        return o + "COMMIT;\n";
    }
    auto s = sealedSegment(c, step);
    if (!s)
        return tl::unexpected(s.error());
    const auto columns = storedColumns(s->table);
    o += fmt::format("-- archive {} {} ({} rows, {} bytes) to {}\n", s->segment.name, s->segment.boundText,
                     s->segment.rows, s->segment.bytes, work.archiveLocation);
    if (work.ioCapBytesPerSecond > 0)
        o += fmt::format("-- read at most {} bytes/s\n", work.ioCapBytesPerSecond);
    o += "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; -- one snapshot, no lock beyond ACCESS SHARE\n";
    o += std::string(kCanonicalText) + ";\n";
    o += "SELECT count(*) FROM " + s->quoted + ";\n";
    o += fmt::format(
        "COPY (SELECT {}, {} FROM {}) TO STDOUT; -- into {} (zstd) without the hash, summed into the database "
        "checksum; then the manifest\n",
        columnList(c, columns), rowHashSql(c, s->table.columns), s->quoted,
        archiveDataPath(std::filesystem::path(work.archiveLocation).parent_path(), s->table.name, s->segment.name)
            .filename()
            .string());
    o += "COMMIT;\n-- verify the archive file: size, XXH64, row count and row hash\n";
    o += "BEGIN; -- SET LOCAL lock_timeout: a short wait, retried\n" + std::string(kCanonicalText) + ";\n";
    o += fmt::format("LOCK TABLE {} IN SHARE MODE; -- stops writes into this sealed segment only\n", s->quoted);
    o += "-- the segment must be unchanged: the same count and checksum as archived\n";
    o += fmt::format("ALTER TABLE {} DETACH PARTITION {}; -- ACCESS EXCLUSIVE on the table until COMMIT\n", s->parent,
                     s->quoted);
    if (!work.keepDetached)
        o += fmt::format("DROP TABLE {};\n", s->quoted);
    o += recordSql(c, uid, "archive", s->table.name, s->segment.name, "") + ";\n";
    return o + "COMMIT;\n";
}

Result<StepOutcome> PostgresConnector::executeSegment(const Step &step, ExecutionContext &ctx)
{
    if (step.kind == StepKind::Compact)
        return executeCompact(step, ctx);
    if (step.kind != StepKind::Archive)
        return fail(ErrorCode::Unsupported, fmt::format("{} steps do not run on PostgreSQL yet", toString(step.kind)));
    const auto started = Clock::now();
    const std::string uid = ctx.stepUid.empty() ? step.uid : ctx.stepUid;
    const SegmentWork &work = *step.work<SegmentWork>();
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
            return fail(ErrorCode::Cancelled, "the step was cancelled; nothing was changed");
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
    StepOutcome out;

    if (work.restore) {
        auto w = planRestore(c, step, uid);
        if (!w)
            return tl::unexpected(w.error());
        auto fp = structureFingerprint(c, w->table, {});
        if (!fp)
            return tl::unexpected(fp.error());
        if (*fp != step.fingerprint)
            return fail(ErrorCode::StalePlan, fmt::format("{} changed since the restore was planned", w->table.name),
                        "nothing was changed; plan again");
        if (auto r = ensureCopySchema(c); !r)
            return tl::unexpected(r.error());
        Transaction tx(c);
        if (auto r = tx.begin(); !r)
            return tl::unexpected(r.error());
        if (auto r = c.exec(fmt::format("SET LOCAL lock_timeout = '{}ms'; {}", timeoutMs, kCanonicalText)); !r)
            return cancelledOr(r.error());
        for (const auto &s : w->create)
            if (auto r = c.exec(s); !r)
                return cancelledOr(r.error());
        if (auto r = c.copyInStart(w->copy); !r)
            return cancelledOr(r.error());
        std::int64_t loaded = 0;
        std::string buffer;
        auto read = readArchive(work.archiveLocation, [&](const std::vector<ArchiveRow> &rows) -> Result<void> {
            if (ctx.stop.stop_requested())
                return fail(ErrorCode::Cancelled, "the restore was cancelled; nothing was changed");
            buffer.clear();
            for (const auto &row : rows) {
                buffer += encodeCopyLine(row);
                buffer += '\n';
            }
            if (auto r = c.copyInPut(buffer); !r)
                return r;
            loaded += std::int64_t(rows.size());
            progress(0.8 * double(loaded) / double(std::max<std::int64_t>(1, w->manifest.rows)), "loading rows");
            return {};
        });
        if (!read) {
            c.copyInAbort(read.error().message);
            Error e = read.error();
            e.message += "; nothing was changed";
            return cancelledOr(e);
        }
        auto copied = c.copyInEnd();
        if (!copied)
            return cancelledOr(copied.error());
        crash("segments.restore-after-load");
        auto sum = runChecksum(c, checksumSql(c, w->table.columns, w->quoted, ""));
        if (!sum)
            return cancelledOr(sum.error());
        if (!(*sum == w->manifest.databaseChecksum) || *copied != w->manifest.rows)
            return cancelledOr(Error{
                ErrorCode::VerificationFailed,
                fmt::format("the restored segment does not match the archive: {} rows (checksum {}), the archive says "
                            "{} ({}); nothing was changed",
                            sum->rows, hex64(sum->hashSum), w->manifest.databaseChecksum.rows,
                            hex64(w->manifest.databaseChecksum.hashSum)),
                "the table's column types may have changed since the archive was written"});
        const auto locked = Clock::now();
        for (const auto &s : w->finish)
            if (auto r = c.exec(s); !r)
                return cancelledOr(r.error());
        crash("segments.restore-before-commit");
        if (auto r = tx.commit(); !r)
            return cancelledOr(r.error());
        (void)c.exec("ANALYZE " + w->quoted); // statistics only
        out.before = w->manifest.databaseChecksum;
        out.after = *sum;
        out.rowsMoved = loaded;
        out.lockSeconds = secondsSince(locked);
        if (auto b = c.scalar("SELECT pg_total_relation_size(to_regclass($1))", {w->quoted}))
            out.bytesWritten = *b;
        out.seconds = secondsSince(started);
        progress(1.0, "restored");
        return out;
    }

    auto s = sealedSegment(c, step);
    if (!s)
        return tl::unexpected(s.error());
    auto fp = structureFingerprint(c, s->table, step.sources);
    if (!fp)
        return tl::unexpected(fp.error());
    if (*fp != step.fingerprint)
        return fail(ErrorCode::StalePlan,
                    fmt::format("the partitions of {} changed since the plan was made", s->table.name),
                    "nothing was changed; plan again");
    if (auto r = ensureCopySchema(c); !r)
        return tl::unexpected(r.error());
    const auto columns = storedColumns(s->table);
    const std::filesystem::path manifestPath = work.archiveLocation;
    const std::string checksumQuery = checksumSql(c, s->table.columns, s->quoted, "");

    // 1. The archive, from one snapshot: the checksum and the rows agree.
    ArchiveManifest manifest;
    std::error_code ec;
    auto existing = std::filesystem::exists(manifestPath, ec) ? readArchive(manifestPath, {})
                                                              : Result<ArchiveManifest>(ArchiveManifest{});
    if (!existing || (!existing->stepUid.empty() && existing->stepUid != uid))
        return fail(
            ErrorCode::InvalidState,
            fmt::format("{} already holds another archive of {}", manifestPath.parent_path().string(), s->segment.name),
            "move that archive away, or archive to another folder");
    if (!existing->stepUid.empty()) {
        manifest = *existing; // this step's own, written before an interruption and verified just now
        progress(0.6, "the archive this step wrote before it was interrupted verifies; using it");
    } else {
        ArchiveManifest head;
        head.database = scheme();
        head.table = s->table.name;
        head.partition = s->segment.name;
        head.keyColumn = s->key;
        head.keyType = *s->table.keyType;
        head.bounds = *s->segment.range;
        for (const auto &col : columns)
            head.columns.push_back({col.name, col.type});
        head.createSql = fmt::format("CREATE TABLE {} PARTITION OF {} {}", s->quoted, s->parent, s->segment.boundText);
        head.stepUid = uid;
        auto writer = ArchiveWriter::create(manifestPath.parent_path(), head, work.ioCapBytesPerSecond);
        if (!writer)
            return tl::unexpected(writer.error());
        if ((*writer)->manifestPath() != manifestPath)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("the step's archive location {} is not the archive name of {} ({})",
                                    manifestPath.string(), s->segment.name, (*writer)->manifestPath().string()),
                        "plan the archive again");
        Transaction tx(c);
        if (auto r = tx.begin(); !r)
            return tl::unexpected(r.error());
        if (auto r =
                c.exec(fmt::format("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; {}", kCanonicalText));
            !r)
            return cancelledOr(r.error());
        // One pass over the segment: COPY carries each row's hash (the
        // checksum's own expression), summed here as the server's sum is,
        // modulo 2^64 — the database checksum of the very rows written.
        auto total = c.scalar("SELECT count(*) FROM " + s->quoted);
        if (!total)
            return cancelledOr(total.error());
        RowChecksum sum;
        progress(0.05, "writing the archive");
        auto copied = c.copyOut(
            fmt::format("COPY (SELECT {}, {} FROM {}) TO STDOUT", columnList(c, columns),
                        rowHashSql(c, s->table.columns), s->quoted),
            [&](std::string_view line) -> Result<void> {
                auto row = decodeServerLine(line, columns.size() + 1);
                if (!row)
                    return tl::unexpected(row.error());
                std::int64_t hash = 0;
                const auto &text = row->back();
                if (!text || std::from_chars(text->data(), text->data() + text->size(), hash).ec != std::errc())
                    return fail(ErrorCode::Internal, "the server sent a row without its hash");
                row->pop_back();
                sum.hashSum += std::uint64_t(hash);
                ++sum.rows;
                if (auto r = (*writer)->addRow(*row); !r)
                    return r;
                const std::int64_t n = (*writer)->rows();
                if (n % 5000 == 0) {
                    if (ctx.stop.stop_requested())
                        return fail(ErrorCode::Cancelled, "cancelled");
                    progress(0.05 + 0.55 * double(n) / double(std::max<std::int64_t>(1, *total)),
                             "writing the archive");
                }
                if (n == *total / 2 + 1)
                    crash("segments.archive-mid-write");
                return {};
            });
        if (!copied)
            return cancelledOr(copied.error());
        if (auto r = tx.commit(); !r)
            return cancelledOr(r.error());
        if (*copied != *total || (*writer)->rows() != *total)
            return fail(ErrorCode::VerificationFailed,
                        fmt::format("the export gave {} rows where the same snapshot counts {}", *copied, *total),
                        "the segment is unchanged; archive it again");
        crash("segments.before-manifest");
        auto finished = (*writer)->finish(sum);
        if (!finished)
            return tl::unexpected(finished.error());
        manifest = *finished;
    }
    crash("segments.after-manifest");

    // 2. The archive as written, read back against its manifest.
    progress(0.65, "verifying the archive");
    if (auto verified = verifyWrittenArchive(manifestPath, manifest); !verified)
        return tl::unexpected(verified.error());

    // 3. One short transaction: the segment unchanged, detached, dropped (or
    //    kept), the step recorded. Lock waits are short and retried.
    progress(0.8, "detaching the archived segment");
    const int attemptMs = std::clamp(timeoutMs / 4, 50, 1000);
    Error lastBusy;
    int attempts = 0;
    for (int waited = 0; attempts < m_options.swapAttempts && (attempts < 2 || waited < timeoutMs); ++attempts) {
        if (ctx.stop.stop_requested())
            return fail(ErrorCode::Cancelled, "the step was cancelled; the segment is unchanged");
        Transaction tx(c);
        if (auto r = tx.begin(); !r)
            return tl::unexpected(r.error());
        if (auto r = c.exec(fmt::format("SET LOCAL lock_timeout = '{}ms'; {}", attemptMs, kCanonicalText)); !r)
            return cancelledOr(r.error());
        waited += attemptMs;
        auto busy = [&](const Error &e) {
            lastBusy = e;
            c.rollback();
            const int backoff = std::min(2000, 50 << std::min(attempts, 5));
            std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
            waited += backoff;
        };
        if (auto r = c.exec(fmt::format("LOCK TABLE {} IN SHARE MODE", s->quoted)); !r) {
            if (r.error().code != ErrorCode::Busy)
                return cancelledOr(r.error());
            busy(r.error());
            continue;
        }
        auto again = sealedSegment(c, step);
        if (!again)
            return cancelledOr(again.error());
        auto fpNow = structureFingerprint(c, again->table, step.sources);
        if (!fpNow)
            return cancelledOr(fpNow.error());
        if (*fpNow != step.fingerprint)
            return cancelledOr(Error{ErrorCode::StalePlan, "the partitions changed while the archive was written",
                                     "the segment stays; plan again"});
        auto now = runChecksum(c, checksumQuery);
        if (!now)
            return cancelledOr(now.error());
        if (!(*now == manifest.databaseChecksum))
            return cancelledOr(Error{ErrorCode::VerificationFailed,
                                     fmt::format("the segment changed while it was archived ({} rows then, {} now)",
                                                 manifest.databaseChecksum.rows, now->rows),
                                     "the segment stays; archive it again once writes to it have stopped"});
        const auto locked = Clock::now();
        if (auto r = c.exec(fmt::format("ALTER TABLE {} DETACH PARTITION {}", s->parent, s->quoted)); !r) {
            if (r.error().code != ErrorCode::Busy)
                return cancelledOr(r.error());
            busy(r.error());
            continue;
        }
        if (!work.keepDetached)
            if (auto r = c.exec("DROP TABLE " + s->quoted); !r)
                return cancelledOr(r.error());
        if (auto r = c.exec(recordSql(c, uid, "archive", s->table.name, s->segment.name, "")); !r)
            return cancelledOr(r.error());
        crash("segments.before-commit");
        if (auto r = tx.commit(); !r)
            return cancelledOr(r.error());
        out.before = manifest.databaseChecksum;
        out.after = *now;
        out.rowsMoved = manifest.rows;
        out.bytesWritten = manifest.fileBytes;
        out.lockSeconds = secondsSince(locked);
        out.seconds = secondsSince(started);
        progress(1.0, "archived");
        return out;
    }
    return fail(ErrorCode::Busy,
                fmt::format("could not lock {} to detach {}: {} attempts of {} ms each were not granted ({})",
                            s->table.name, s->segment.name, attempts, attemptMs, lastBusy.message),
                "another session holds a lock on the table (a long transaction?); the archive is kept and the "
                "segment is unchanged; apply again later (the archive is reused) or raise --lock-timeout");
}

} // namespace tidemark::postgres
