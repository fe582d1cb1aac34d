// Log segments on SQLite: archive a sealed partition of a family to a zstd
// COPY-text file with a manifest, then drop (or detach) it; load an archive
// back as a partition; dead space from dbstat. See docs/log-segments.md.
#include "sqlite_segments.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <sqlite3.h>

#include "executor/step_checks.h"
#include "segments/segment_archive.h"

#include "sqlite_checksum.h"
#include "sqlite_family.h"

namespace tidemark::sqlite {

namespace {

double secondsSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int stopRequested(void *arg)
{
    const auto *ctx = static_cast<const ExecutionContext *>(arg);
    return ctx->stop.stop_requested() ? 1 : 0;
}

struct ConnectionGuard {
    sqlite3 *db;
    ~ConnectionGuard()
    {
        sqlite3_progress_handler(db, 0, nullptr, nullptr);
        sqlite3_busy_timeout(db, 5000);
    }
};

std::vector<Column> storedColumns(const Family &f)
{
    std::vector<Column> out;
    for (const auto &c : f.columns)
        if (!c.generated)
            out.push_back(c);
    return out;
}

/// The steps that take the segment out of the family: view, triggers and
/// catalogue, and the table itself unless it is kept detached.
struct ArchivePlan {
    Family family;
    PartitionInfo segment;
    std::vector<PartitionInfo> after;
    std::vector<std::string> finish;
};

Result<ArchivePlan> planArchive(sqlite3 *db, const Step &step, const std::string &uid)
{
    auto f = requireFamily(db, step.table);
    if (!f)
        return tl::unexpected(f.error());
    ArchivePlan w;
    w.family = std::move(*f);
    auto sealed = sealedSegment(w.family, step);
    if (!sealed)
        return tl::unexpected(sealed.error());
    const PartitionInfo *p = *sealed;
    w.segment = *p;
    for (const auto &q : w.family.partitions)
        if (q.id != p->id)
            w.after.push_back(q);
    const bool keep = step.work<SegmentWork>()->keepDetached;
    for (auto &s : dropUnionViewSql(w.family, w.family.partitions.size()))
        w.finish.push_back(std::move(s));
    for (auto &s : dropRoutingTriggerSql(w.segment))
        w.finish.push_back(std::move(s));
    if (keep)
        for (auto &s : dropCountingTriggerSql(w.segment))
            w.finish.push_back(std::move(s));
    else
        w.finish.push_back("DROP TABLE " + quoteIdent(w.segment.name));
    for (auto &s : removePartitionRowsSql(w.segment))
        w.finish.push_back(std::move(s));
    for (auto &s : createUnionViewSql(w.family, w.after))
        w.finish.push_back(std::move(s));
    for (auto &s : keyCheckTriggerSql(w.family, w.after))
        w.finish.push_back(std::move(s));
    w.finish.push_back(fmt::format("INSERT INTO _tidemark_steps(uid, kind, committed_ms) VALUES({}, {}, {})",
                                   quoteLit(uid), quoteLit("archive"), kNowMsSql));
    return w;
}

struct RestorePlan {
    Family family;
    ArchiveManifest manifest;
    PartitionInfo segment;
    std::vector<PartitionInfo> after;
    std::vector<std::string> create;
    std::string insert;
    std::vector<std::string> finish;
};

bool overlaps(const KeyRange &a, const KeyRange &b)
{
    const bool aBelowB = a.upper && b.lower && *a.upper <= *b.lower;
    const bool bBelowA = b.upper && a.lower && *b.upper <= *a.lower;
    return !aBelowB && !bBelowA;
}

Result<RestorePlan> planRestore(sqlite3 *db, const Step &step, const std::string &uid)
{
    const std::string &location = step.work<SegmentWork>()->archiveLocation;
    auto m = readArchiveManifest(location);
    if (!m)
        return tl::unexpected(m.error());
    auto f = requireFamily(db, step.table);
    if (!f)
        return tl::unexpected(f.error());
    RestorePlan w;
    w.family = std::move(*f);
    w.manifest = std::move(*m);
    const Family &fam = w.family;
    if (!sameIdent(w.manifest.table, fam.name) || !sameIdent(w.manifest.keyColumn, fam.keyColumn))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the archive holds {} keyed by {}, not {} keyed by {}", w.manifest.table,
                                w.manifest.keyColumn, fam.name, fam.keyColumn),
                    "restore an archive into the table it was written from");
    const auto columns = storedColumns(fam);
    bool same = columns.size() == w.manifest.columns.size();
    for (std::size_t i = 0; same && i < columns.size(); ++i)
        same = sameIdent(columns[i].name, w.manifest.columns[i].name);
    if (!same)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the columns of {} changed since the archive was written", quoteIdent(fam.name)),
                    "restore into a table with the archive's columns (see its manifest)");
    if (findPartition(fam, w.manifest.partition))
        return fail(
            ErrorCode::InvalidState,
            fmt::format("{} already has a partition {}", quoteIdent(fam.name), quoteIdent(w.manifest.partition)),
            "the segment is in the table; nothing to restore");
    for (const auto &p : fam.partitions)
        if (overlaps(p.bounds, w.manifest.bounds))
            return fail(ErrorCode::InvalidState,
                        fmt::format("partition {} already covers part of {}", quoteIdent(p.name),
                                    describeRange(w.manifest.bounds)),
                        "the archived keys are in the table again; restore into another database");
    if (auto r = checkName(w.manifest.partition, "partition"); !r)
        return tl::unexpected(r.error());
    std::vector<KeyRange> ranges;
    for (const auto &p : fam.partitions)
        ranges.push_back(p.bounds);
    ranges.push_back(w.manifest.bounds);
    std::sort(ranges.begin(), ranges.end(), [](const KeyRange &a, const KeyRange &b) {
        return a.lower.value_or(INT64_MIN) < b.lower.value_or(INT64_MIN);
    });
    const std::size_t at = std::size_t(std::find(ranges.begin(), ranges.end(), w.manifest.bounds) - ranges.begin());
    w.segment = makePartition(fam.name, w.manifest.bounds, neighbourWidth(ranges, at, fam.buckets), fam.buckets);
    w.segment.name = w.manifest.partition;
    w.segment.id = partitionIdFor(w.segment.name);
    for (const auto &o : derivedObjectNames(fam, w.segment)) {
        auto type = schemaObjectType(db, o);
        if (!type)
            return tl::unexpected(type.error());
        if (!type->empty())
            return fail(ErrorCode::InvalidState, fmt::format("a {} named {} already exists", *type, quoteIdent(o)),
                        "a detached copy of the segment may still be there; drop or rename it first");
    }
    w.after = fam.partitions;
    w.after.push_back(w.segment);
    std::sort(w.after.begin(), w.after.end(), [](const PartitionInfo &a, const PartitionInfo &b) {
        return a.bounds.lower.value_or(INT64_MIN) < b.bounds.lower.value_or(INT64_MIN);
    });
    w.create = createPartitionSql(fam, w.segment);
    std::vector<std::string> names, marks;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        names.push_back(quoteIdent(columns[i].name));
        marks.push_back(fmt::format("?{}", i + 1));
    }
    w.insert = fmt::format("INSERT INTO {}({}) VALUES({})", quoteIdent(w.segment.name), fmt::join(names, ", "),
                           fmt::join(marks, ", "));
    w.finish.push_back(insertPartitionRowSql(fam, w.segment));
    for (auto &s : dropUnionViewSql(fam, fam.partitions.size()))
        w.finish.push_back(std::move(s));
    for (auto &s : createUnionViewSql(fam, w.after))
        w.finish.push_back(std::move(s));
    for (auto &s : routingTriggerSql(fam, w.segment))
        w.finish.push_back(std::move(s));
    if (fam.counting)
        for (auto &s : countingTriggerSql(fam, w.segment))
            w.finish.push_back(std::move(s));
    for (auto &s : keyCheckTriggerSql(fam, w.after))
        w.finish.push_back(std::move(s));
    w.finish.push_back(fmt::format("INSERT INTO _tidemark_steps(uid, kind, committed_ms) VALUES({}, {}, {})",
                                   quoteLit(uid), quoteLit("restore-archive"), kNowMsSql));
    return w;
}

/// SQLite's type affinity of a declared column type (section 3.1 of its datatype page).
char affinityOf(std::string type)
{
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    if (type.find("INT") != std::string::npos)
        return 'i';
    if (type.find("CHAR") != std::string::npos || type.find("CLOB") != std::string::npos ||
        type.find("TEXT") != std::string::npos)
        return 't';
    if (type.empty() || type.find("BLOB") != std::string::npos)
        return 'b';
    if (type.find("REAL") != std::string::npos || type.find("FLOA") != std::string::npos ||
        type.find("DOUB") != std::string::npos)
        return 'r';
    return 'n';
}

std::string realText(double v)
{
    return fmt::format("{:.17g}", v);
}

/// One value as archive text: integers and reals in their shortest exact
/// form, text as it is, blobs in PostgreSQL's bytea hex form (\x…).
std::optional<std::string> valueText(sqlite3_stmt *stmt, int i)
{
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_NULL:
        return std::nullopt;
    case SQLITE_INTEGER:
        return std::to_string(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
        return realText(sqlite3_column_double(stmt, i));
    case SQLITE_BLOB: {
        const auto *b = static_cast<const unsigned char *>(sqlite3_column_blob(stmt, i));
        const int n = sqlite3_column_bytes(stmt, i);
        std::string s = "\\x";
        for (int k = 0; k < n; ++k)
            s += fmt::format("{:02x}", b[k]);
        return s;
    }
    default: {
        const auto *t = reinterpret_cast<const char *>(sqlite3_column_text(stmt, i));
        return std::string(t ? t : "", std::size_t(sqlite3_column_bytes(stmt, i)));
    }
    }
}

bool hexBlob(const std::string &s, std::string &out)
{
    if (s.size() < 2 || s[0] != '\\' || s[1] != 'x' || s.size() % 2 != 0)
        return false;
    out.clear();
    for (std::size_t i = 2; i < s.size(); i += 2) {
        const std::string byte = s.substr(i, 2);
        if (!std::isxdigit(static_cast<unsigned char>(byte[0])) || !std::isxdigit(static_cast<unsigned char>(byte[1])))
            return false;
        out += char(std::stoi(byte, nullptr, 16));
    }
    return true;
}

/// Binds archive text back with the storage class the value had: the
/// column's affinity converts numbers in typed columns; in untyped (BLOB
/// affinity) columns the text form decides.
void bindValue(sqlite3_stmt *stmt, int index, const std::optional<std::string> &v, char affinity)
{
    if (!v) {
        sqlite3_bind_null(stmt, index);
        return;
    }
    std::string blob;
    if (affinity == 'b') {
        if (hexBlob(*v, blob)) {
            sqlite3_bind_blob(stmt, index, blob.data(), int(blob.size()), SQLITE_TRANSIENT);
            return;
        }
        char *end = nullptr;
        errno = 0;
        const long long i = std::strtoll(v->c_str(), &end, 10);
        if (!v->empty() && errno == 0 && *end == '\0' && std::to_string(i) == *v) {
            sqlite3_bind_int64(stmt, index, i);
            return;
        }
        const double d = std::strtod(v->c_str(), &end);
        if (!v->empty() && *end == '\0' && realText(d) == *v) {
            sqlite3_bind_double(stmt, index, d);
            return;
        }
    } else if (affinity == 't' && hexBlob(*v, blob)) {
        // A blob in a text column stays a blob; a text that looks like one
        // would not verify, and the restore is refused.
        sqlite3_bind_blob(stmt, index, blob.data(), int(blob.size()), SQLITE_TRANSIENT);
        return;
    }
    sqlite3_bind_text(stmt, index, v->data(), int(v->size()), SQLITE_TRANSIENT);
}

Result<RowChecksum> segmentChecksum(sqlite3 *db, const Family &f, const PartitionInfo &p)
{
    return queryChecksum(db, checksumSql(f.columns, p.name, f.keyColumn, std::nullopt));
}

std::string createSqlOf(const Family &f)
{
    return "CREATE TABLE " + quoteIdent(f.name) + " " + f.body;
}

Result<StepOutcome> runArchive(Connector &self, sqlite3 *db, const Step &step, ExecutionContext &ctx,
                               const std::string &uid)
{
    const auto started = std::chrono::steady_clock::now();
    const SegmentWork &work = *step.work<SegmentWork>();
    auto progress = [&](double f, std::string_view text) {
        if (ctx.progress)
            ctx.progress(f, text);
    };
    auto crash = [&](std::string_view name) {
        if (ctx.crashPoint)
            ctx.crashPoint(name);
    };
    const std::filesystem::path manifestPath = work.archiveLocation;
    auto w = planArchive(db, step, uid);
    if (!w)
        return tl::unexpected(w.error());
    if (structureFingerprint(w->family, {&w->segment}) != step.fingerprint)
        return fail(ErrorCode::StalePlan,
                    fmt::format("the partitions of {} changed since the plan was made", quoteIdent(w->family.name)),
                    "nothing was changed; plan again");
    const auto columns = storedColumns(w->family);

    // 1. Write the archive from one read snapshot, holding no write lock.
    ArchiveManifest manifest;
    std::error_code ec;
    auto existing = std::filesystem::exists(manifestPath, ec) ? readArchive(manifestPath, {})
                                                              : Result<ArchiveManifest>(ArchiveManifest{});
    if (!existing || (!existing->stepUid.empty() && existing->stepUid != uid))
        return fail(
            ErrorCode::InvalidState,
            fmt::format("{} already holds another archive of {}", manifestPath.parent_path().string(), w->segment.name),
            "move that archive away, or archive to another folder");
    if (!existing->stepUid.empty()) {
        manifest = *existing; // written by this step before an interruption, and verified just now
        progress(0.6, "the archive this step wrote before it was interrupted verifies; using it");
    } else {
        if (auto r = exec(db, "BEGIN"); !r)
            return tl::unexpected(r.error());
        struct ReadEnd {
            sqlite3 *db;
            ~ReadEnd() { sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr); }
        } readEnd{db};
        auto sum = segmentChecksum(db, w->family, w->segment);
        if (!sum)
            return tl::unexpected(sum.error());
        ArchiveManifest head;
        head.database = self.scheme();
        head.table = w->family.name;
        head.partition = w->segment.name;
        head.keyColumn = w->family.keyColumn;
        head.keyType = step.keyType;
        head.bounds = w->segment.bounds;
        for (const auto &c : columns)
            head.columns.push_back({c.name, c.declaredType});
        head.createSql = createSqlOf(w->family);
        head.stepUid = uid;
        auto writer = ArchiveWriter::create(manifestPath.parent_path(), head, work.ioCapBytesPerSecond);
        if (!writer)
            return tl::unexpected(writer.error());
        if ((*writer)->manifestPath() != manifestPath)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("the step's archive location {} is not the archive name of {} ({})",
                                    manifestPath.string(), w->segment.name, (*writer)->manifestPath().string()),
                        "plan the archive again");
        std::vector<std::string> names;
        for (const auto &c : columns)
            names.push_back(quoteIdent(c.name));
        auto select = Statement::prepare(db,
                                         fmt::format("SELECT {} FROM {} ORDER BY {}", fmt::join(names, ", "),
                                                     quoteIdent(w->segment.name), quoteIdent(w->family.keyColumn)));
        if (!select)
            return tl::unexpected(select.error());
        ArchiveRow row(columns.size());
        for (;;) {
            auto more = select->step();
            if (!more)
                return tl::unexpected(more.error());
            if (!*more)
                break;
            for (std::size_t i = 0; i < columns.size(); ++i)
                row[i] = valueText(select->handle(), int(i));
            if (auto r = (*writer)->addRow(row); !r)
                return tl::unexpected(r.error());
            const std::int64_t n = (*writer)->rows();
            if (n % 5000 == 0) {
                if (ctx.stop.stop_requested())
                    return fail(ErrorCode::Cancelled, "the archive was cancelled; the segment is unchanged");
                progress(0.6 * double(n) / double(std::max<std::int64_t>(1, sum->rows)), "writing the archive");
            }
            if (n == sum->rows / 2 + 1)
                crash("segments.archive-mid-write");
        }
        crash("segments.before-manifest");
        auto done = (*writer)->finish(*sum);
        if (!done)
            return tl::unexpected(done.error());
        manifest = *done;
    }
    crash("segments.after-manifest");

    // 2. Verify the archive as written against what was read.
    progress(0.65, "verifying the archive");
    if (auto verified = verifyWrittenArchive(manifestPath, manifest); !verified)
        return tl::unexpected(verified.error());

    // 3. Drop it in one write transaction, once it is proven unchanged.
    progress(0.8, "removing the archived segment");
    auto tx = WriteTransaction::begin(db);
    if (!tx)
        return tl::unexpected(tx.error());
    const auto locked = std::chrono::steady_clock::now();
    auto again = planArchive(db, step, uid);
    if (!again)
        return tl::unexpected(again.error());
    if (structureFingerprint(again->family, {&again->segment}) != step.fingerprint)
        return fail(ErrorCode::StalePlan, "the partitions changed while the archive was written",
                    "the segment stays; plan again");
    auto now = segmentChecksum(db, again->family, again->segment);
    if (!now)
        return tl::unexpected(now.error());
    if (!(*now == manifest.databaseChecksum))
        return fail(ErrorCode::VerificationFailed,
                    fmt::format("the segment changed while it was archived ({} rows then, {} now)",
                                manifest.databaseChecksum.rows, now->rows),
                    "the segment stays; archive it again once writes to it have stopped");
    for (const auto &sql : again->finish)
        if (auto r = execSingle(db, sql); !r)
            return tl::unexpected(r.error());
    crash("segments.before-commit");
    if (auto r = tx->commit(); !r)
        return tl::unexpected(r.error());
    StepOutcome out;
    out.before = manifest.databaseChecksum;
    out.after = *now;
    out.rowsMoved = manifest.rows;
    out.bytesWritten = manifest.fileBytes;
    out.lockSeconds = secondsSince(locked);
    out.seconds = secondsSince(started);
    progress(1.0, "archived");
    return out;
}

Result<StepOutcome> runRestore(sqlite3 *db, const Step &step, ExecutionContext &ctx, const std::string &uid)
{
    const auto started = std::chrono::steady_clock::now();
    auto tx = WriteTransaction::begin(db);
    if (!tx)
        return tl::unexpected(tx.error());
    auto w = planRestore(db, step, uid);
    if (!w)
        return tl::unexpected(w.error());
    if (structureFingerprint(w->family, {}) != step.fingerprint)
        return fail(ErrorCode::StalePlan,
                    fmt::format("{} changed since the restore was planned", quoteIdent(w->family.name)),
                    "nothing was changed; plan again");
    for (const auto &sql : w->create)
        if (auto r = execSingle(db, sql); !r)
            return tl::unexpected(r.error());
    auto insert = Statement::prepare(db, w->insert);
    if (!insert)
        return tl::unexpected(insert.error());
    const auto columns = storedColumns(w->family);
    std::vector<char> affinity;
    for (const auto &c : columns)
        affinity.push_back(affinityOf(c.declaredType));
    std::int64_t loaded = 0;
    auto read = readArchive(
        step.work<SegmentWork>()->archiveLocation, [&](const std::vector<ArchiveRow> &rows) -> Result<void> {
            if (ctx.stop.stop_requested())
                return fail(ErrorCode::Cancelled, "the restore was cancelled; nothing was changed");
            for (const auto &row : rows) {
                insert->reset();
                for (std::size_t i = 0; i < row.size(); ++i)
                    bindValue(insert->handle(), int(i + 1), row[i], affinity[i]);
                if (auto r = insert->run(); !r)
                    return r;
                ++loaded;
            }
            if (ctx.progress)
                ctx.progress(0.8 * double(loaded) / double(std::max<std::int64_t>(1, w->manifest.rows)),
                             "loading rows");
            return {};
        });
    if (!read)
        return tl::unexpected(read.error());
    if (ctx.crashPoint)
        ctx.crashPoint("segments.restore-after-load");
    auto sum = segmentChecksum(db, w->family, w->segment);
    if (!sum)
        return tl::unexpected(sum.error());
    if (!(*sum == w->manifest.databaseChecksum) || loaded != w->manifest.rows)
        return fail(ErrorCode::VerificationFailed,
                    fmt::format("the restored segment does not match the archive: {} rows (checksum {}), the "
                                "archive says {} ({}); nothing was changed",
                                sum->rows, hex64(sum->hashSum), w->manifest.databaseChecksum.rows,
                                hex64(w->manifest.databaseChecksum.hashSum)),
                    "values whose SQLite storage class the text form cannot carry (a blob in an untyped column "
                    "that looks like text) cannot be restored exactly");
    for (const auto &sql : w->finish)
        if (auto r = execSingle(db, sql); !r)
            return tl::unexpected(r.error());
    if (auto r = tx->commit(); !r)
        return tl::unexpected(r.error());
    StepOutcome out;
    out.before = w->manifest.databaseChecksum;
    out.after = *sum;
    out.rowsMoved = loaded;
    out.seconds = out.lockSeconds = secondsSince(started);
    if (auto b = tableBytes(db, w->segment.name))
        out.bytesWritten = *b;
    return out;
}

} // namespace

Result<const PartitionInfo *> sealedSegment(const Family &family, const Step &step)
{
    const PartitionInfo *p = findPartition(family, step.sources.front());
    if (!p)
        return fail(ErrorCode::StalePlan,
                    fmt::format("partition {} of {} no longer exists", quoteIdent(step.sources.front()),
                                quoteIdent(family.name)),
                    "the partitions changed since the plan was made; plan again");
    if (p == &family.partitions.back())
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} is the active segment of {}: it takes new rows", quoteIdent(p->name),
                                quoteIdent(family.name)),
                    fmt::format("{} sealed segments only", toString(step.kind)));
    return p;
}

bool isSegmentStep(const Step &step)
{
    return step.kind == StepKind::Archive || step.kind == StepKind::Compact;
}

Result<std::string> previewSegmentStep(sqlite3 *db, const Step &step)
{
    if (step.kind == StepKind::Compact)
        return previewCompactStep(db, step);
    const SegmentWork &work = *step.work<SegmentWork>();
    std::string out;
    if (work.restore) {
        auto w = planRestore(db, step, step.uid);
        if (!w)
            return tl::unexpected(w.error());
        out +=
            fmt::format("-- restore {} {} from {} ({} rows)\nBEGIN IMMEDIATE;\n", w->segment.name,
                        describeRange(w->segment.bounds, w->manifest.keyType), work.archiveLocation, w->manifest.rows);
        for (const auto &s : w->create)
            out += s + ";\n";
        out +=
            "-- for every line of " + w->manifest.dataFile + " (checked against the manifest's XXH64 and row hash):\n";
        out += w->insert + ";\n";
        out += "-- verify: " + checksumSql(w->family.columns, w->segment.name, w->family.keyColumn, std::nullopt) +
            fmt::format("\n--   must give {} rows, checksum {}\n", w->manifest.databaseChecksum.rows,
                        hex64(w->manifest.databaseChecksum.hashSum));
        for (const auto &s : w->finish)
            out += s + ";\n";
        return out + "COMMIT;\n";
    }
    auto w = planArchive(db, step, step.uid);
    if (!w)
        return tl::unexpected(w.error());
    out += fmt::format("-- archive {} {} to {}\n", w->segment.name, describeRange(w->segment.bounds, step.keyType),
                       work.archiveLocation);
    out += "BEGIN; -- a read snapshot, no write lock\n";
    out += checksumSql(w->family.columns, w->segment.name, w->family.keyColumn, std::nullopt) + ";\n";
    out += fmt::format(
        "SELECT * FROM {} ORDER BY {}; -- into {} (COPY text, zstd), then the manifest\nCOMMIT;\n",
        quoteIdent(w->segment.name), quoteIdent(w->family.keyColumn),
        archiveDataPath(std::filesystem::path(work.archiveLocation).parent_path(), w->family.name, w->segment.name)
            .filename()
            .string());
    out += "-- verify the archive file: size, XXH64, row count and row hash\n";
    out += "BEGIN IMMEDIATE;\n-- the segment must be unchanged: the same count and checksum as archived\n";
    for (const auto &s : w->finish)
        out += s + ";\n";
    return out + "COMMIT;\n";
}

Result<StepOutcome> executeSegmentStep(Connector &self, sqlite3 *db, const Step &step, ExecutionContext &ctx)
{
    const std::string uid = ctx.stepUid.empty() ? step.uid : ctx.stepUid;
    if (uid.empty())
        return fail(ErrorCode::InvalidArgument, "the step has no uid", "the executor assigns one before running it");
    if (auto shape = checkStepShape(step); !shape)
        return tl::unexpected(shape.error());
    ConnectionGuard guard{db};
    sqlite3_busy_timeout(db, std::max(0, ctx.lockTimeoutMs));
    sqlite3_progress_handler(db, 2000, stopRequested, &ctx);
    if (ctx.stop.stop_requested())
        return fail(ErrorCode::Cancelled, "the step was cancelled; nothing was changed");
    auto done = self.stepState(uid);
    if (!done)
        return tl::unexpected(done.error());
    if (*done == StepCommitState::Committed)
        return fail(ErrorCode::InvalidState, fmt::format("step {} is already committed in this database", uid),
                    "nothing to do; mark the step done");
    if (step.kind == StepKind::Compact)
        return runCompact(db, step, ctx, uid);
    return step.work<SegmentWork>()->restore ? runRestore(db, step, ctx, uid) : runArchive(self, db, step, ctx, uid);
}

Result<std::vector<DeadSpace>> sqliteDeadSpace(sqlite3 *db, const std::string &table)
{
    auto f = requireFamily(db, table);
    if (!f)
        return tl::unexpected(f.error());
    // One pass over the file's page map: unused bytes per b-tree, summed per
    // table over its own pages and its indexes'.
    auto stmt = Statement::prepare(db,
                                   "SELECT s.tbl_name, sum(d.unused) FROM dbstat AS d JOIN sqlite_schema AS s "
                                   "ON s.name = d.name GROUP BY s.tbl_name");
    if (!stmt)
        return tl::unexpected(stmt.error());
    std::map<std::string, std::int64_t> unused;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        unused[stmt->text(0)] = stmt->integer(1);
    }
    std::vector<DeadSpace> out;
    for (const auto &p : f->partitions)
        out.push_back({p.name, unused.count(p.name) ? unused[p.name] : 0, 0, "dbstat"});
    return out;
}

} // namespace tidemark::sqlite
