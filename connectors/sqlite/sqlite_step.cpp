// Split and merge: one write transaction that creates the targets, copies the
// rows, verifies count and checksum, swaps the catalogue, view and triggers,
// and records the step uid. preview() prints the very statements execute() runs.
#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <sqlite3.h>

#include "executor/step_checks.h"

#include "sqlite_checksum.h"
#include "sqlite_connector.h"
#include "sqlite_family.h"
#include "sqlite_node_copy.h"
#include "sqlite_segments.h"

namespace tidemark::sqlite {

namespace {

struct Copy {
    std::string from;
    std::string to;
    KeyRange range;
};

struct StepWork {
    Family family;
    std::vector<PartitionInfo> sources;
    std::vector<PartitionInfo> targets;
    std::vector<Copy> copies;
    std::vector<std::string> create;
    std::vector<std::string> copy;
    std::vector<std::string> finish;
};

bool boundLess(std::optional<KeyValue> a, std::optional<KeyValue> b, bool openIsLow)
{
    if (!a || !b)
        return openIsLow ? (!a && b) : (a && !b);
    return *a < *b;
}

std::optional<KeyRange> intersect(const KeyRange &a, const KeyRange &b)
{
    KeyRange r;
    r.lower = boundLess(a.lower, b.lower, true) ? b.lower : a.lower;
    r.upper = boundLess(a.upper, b.upper, false) ? a.upper : b.upper;
    if (r.lower && r.upper && *r.lower >= *r.upper)
        return std::nullopt;
    return r;
}

Error invalid(std::string message, std::string hint = {})
{
    return Error{ErrorCode::InvalidArgument, std::move(message), std::move(hint)};
}

Result<StepWork> planStep(sqlite3 *db, const Step &step, const std::string &uid)
{
    auto f = requireFamily(db, step.table);
    if (!f)
        return tl::unexpected(f.error());
    StepWork w;
    w.family = std::move(*f);
    const Family &fam = w.family;
    const char *kind = toString(step.kind);

    if (!std::holds_alternative<RepartitionWork>(step.payload))
        return fail(ErrorCode::Unsupported, fmt::format("the SQLite connector does not run {} steps", kind));

    std::vector<std::size_t> positions;
    for (const auto &name : step.sources) {
        const PartitionInfo *p = findPartition(fam, name);
        if (!p)
            return fail(ErrorCode::StalePlan,
                        fmt::format("partition {} of {} no longer exists", quoteIdent(name), quoteIdent(fam.name)),
                        "the partitions changed since the plan was made; plan again");
        positions.push_back(std::size_t(p - fam.partitions.data()));
    }
    std::sort(positions.begin(), positions.end());
    for (std::size_t i = 1; i < positions.size(); ++i) {
        const auto &a = fam.partitions[positions[i - 1]];
        const auto &b = fam.partitions[positions[i]];
        if (positions[i] != positions[i - 1] + 1 || !a.bounds.upper || a.bounds.upper != b.bounds.lower)
            return tl::unexpected(
                invalid(fmt::format("partitions {} and {} are not adjacent", quoteIdent(a.name), quoteIdent(b.name)),
                        "merge only neighbouring partitions"));
    }
    for (std::size_t pos : positions)
        w.sources.push_back(fam.partitions[pos]);
    const KeyRange whole{w.sources.front().bounds.lower, w.sources.back().bounds.upper};

    // Targets must tile the sources' range exactly, in key order.
    for (std::size_t i = 0; i < step.repartition().targets.size(); ++i) {
        const KeyRange &r = step.repartition().targets[i].bounds;
        const bool first = i == 0;
        const bool last = i + 1 == step.repartition().targets.size();
        if ((first && r.lower != whole.lower) || (last && r.upper != whole.upper) ||
            (!first && (!r.lower || r.lower != step.repartition().targets[i - 1].bounds.upper)) || (!last && !r.upper) ||
            (r.lower && r.upper && *r.lower >= *r.upper))
            return tl::unexpected(
                invalid(fmt::format("the targets of the {} do not tile {} exactly (target {} is {})", kind,
                                    describeRange(whole), i + 1, describeRange(r)),
                        "give targets in key order, each starting where the previous ends, covering the sources"));
    }

    std::vector<PartitionInfo> after;
    for (std::size_t i = 0; i < fam.partitions.size(); ++i)
        if (!std::binary_search(positions.begin(), positions.end(), i))
            after.push_back(fam.partitions[i]);
    const std::size_t insertAt = positions.front();
    std::vector<KeyRange> ranges;
    for (std::size_t i = 0; i < insertAt; ++i)
        ranges.push_back(after[i].bounds);
    for (const auto &t : step.repartition().targets)
        ranges.push_back(t.bounds);
    for (std::size_t i = insertAt; i < after.size(); ++i)
        ranges.push_back(after[i].bounds);

    for (std::size_t i = 0; i < step.repartition().targets.size(); ++i) {
        PartitionInfo p = makePartition(fam.name, step.repartition().targets[i].bounds,
                                        neighbourWidth(ranges, insertAt + i, fam.buckets), fam.buckets);
        if (!step.repartition().targets[i].name.empty()) {
            if (auto r = checkName(step.repartition().targets[i].name, "partition"); !r)
                return tl::unexpected(r.error());
            p.name = step.repartition().targets[i].name;
            p.id = partitionIdFor(p.name);
        }
        for (const auto &other : w.targets)
            if (sameIdent(other.name, p.name))
                return tl::unexpected(invalid(fmt::format("two targets are named {}", quoteIdent(p.name))));
        for (const auto &o : derivedObjectNames(fam, p)) {
            auto type = schemaObjectType(db, o);
            if (!type)
                return tl::unexpected(type.error());
            if (!type->empty())
                return tl::unexpected(invalid(fmt::format("a {} named {} already exists", *type, quoteIdent(o)),
                                              "choose other target names"));
        }
        w.targets.push_back(std::move(p));
    }
    after.insert(after.begin() + std::ptrdiff_t(insertAt), w.targets.begin(), w.targets.end());

    for (const auto &s : w.sources)
        for (const auto &t : w.targets)
            if (auto r = intersect(s.bounds, t.bounds))
                w.copies.push_back(Copy{s.name, t.name, *r});

    for (const auto &t : w.targets)
        for (auto &s : createPartitionSql(fam, t))
            w.create.push_back(std::move(s));
    for (const auto &c : w.copies)
        w.copy.push_back(copySql(fam, c.from, c.to, c.range));

    for (auto &s : dropUnionViewSql(fam, fam.partitions.size()))
        w.finish.push_back(std::move(s));
    for (const auto &s : w.sources) {
        for (auto &x : dropRoutingTriggerSql(s))
            w.finish.push_back(std::move(x));
        w.finish.push_back("DROP TABLE " + quoteIdent(s.name));
        for (auto &x : removePartitionRowsSql(s))
            w.finish.push_back(std::move(x));
    }
    for (const auto &t : w.targets)
        w.finish.push_back(insertPartitionRowSql(fam, t));
    for (auto &s : createUnionViewSql(fam, after))
        w.finish.push_back(std::move(s));
    for (const auto &t : w.targets)
        for (auto &s : routingTriggerSql(fam, t))
            w.finish.push_back(std::move(s));
    if (fam.counting)
        for (const auto &t : w.targets)
            for (auto &s : countingTriggerSql(fam, t))
                w.finish.push_back(std::move(s));
    // After the copy: rows a split or merge moves are not changes of the table.
    if (fam.journaled)
        for (const auto &t : w.targets)
            for (auto &s : journalTriggerSql(fam, t))
                w.finish.push_back(std::move(s));
    w.finish.push_back(fmt::format("INSERT INTO _tidemark_steps(uid, kind, committed_ms) VALUES({}, {}, {})",
                                   quoteLit(uid), quoteLit(kind), kNowMsSql));
    return w;
}

std::string verifyComment(const StepWork &w)
{
    std::string s = "-- verify before dropping the sources: count and checksum of\n";
    for (const auto &p : w.sources)
        s += "--   " + checksumSql(w.family.columns, p.name, w.family.keyColumn, std::nullopt) + "\n";
    s += "-- must equal the sum over\n";
    for (const auto &p : w.targets)
        s += "--   " + checksumSql(w.family.columns, p.name, w.family.keyColumn, std::nullopt) + "\n";
    return s;
}

Result<RowChecksum> sumChecksums(sqlite3 *db, const Family &f, const std::vector<PartitionInfo> &parts)
{
    RowChecksum total;
    for (const auto &p : parts) {
        auto c = queryChecksum(db, checksumSql(f.columns, p.name, f.keyColumn, std::nullopt));
        if (!c)
            return tl::unexpected(c.error());
        accumulate(total, *c);
    }
    return total;
}

int stopRequested(void *arg)
{
    const auto *ctx = static_cast<const ExecutionContext *>(arg);
    return ctx->stop.stop_requested() ? 1 : 0;
}

// Restores the connection's defaults however execute() leaves.
struct ConnectionGuard {
    sqlite3 *db;
    ~ConnectionGuard()
    {
        sqlite3_progress_handler(db, 0, nullptr, nullptr);
        sqlite3_busy_timeout(db, 5000);
    }
};

double secondsSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

} // namespace

Result<std::string> SqliteConnector::preview(const Step &step)
{
    if (isSegmentStep(step))
        return previewSegmentStep(m_db, step);
    if (isNodeCopyStep(step))
        return previewNodeCopy(m_db, step);
    auto w = planStep(m_db, step, step.uid);
    if (!w)
        return tl::unexpected(w.error());
    std::string out = "BEGIN IMMEDIATE;\n";
    std::vector<std::string> names;
    for (const auto &s : w->sources)
        names.push_back(s.name);
    out += fmt::format("-- check: the fingerprint of the sources is still {}\n",
                       step.fingerprint.empty() ? std::string("(not given)") : step.fingerprint);
    for (const auto &s : w->create)
        out += s + ";\n";
    for (const auto &s : w->copy)
        out += s + ";\n";
    out += verifyComment(*w);
    for (const auto &s : w->finish)
        out += s + ";\n";
    out += "COMMIT;\n";
    return out;
}

Result<StepOutcome> SqliteConnector::execute(const Step &step, ExecutionContext &ctx)
{
    if (isSegmentStep(step))
        return executeSegmentStep(*this, m_db, step, ctx);
    if (isNodeCopyStep(step))
        return executeNodeCopy(*this, m_db, step, ctx);
    const auto started = std::chrono::steady_clock::now();
    const std::string uid = ctx.stepUid.empty() ? step.uid : ctx.stepUid;
    if (uid.empty())
        return fail(ErrorCode::InvalidArgument, "the step has no uid", "the executor assigns one before running it");
    // The executor has checked the shape already; a direct caller gets the same rule.
    if (auto shape = checkStepShape(step); !shape)
        return tl::unexpected(shape.error());
    auto progress = [&](double f, std::string_view text) {
        if (ctx.progress)
            ctx.progress(f, text);
    };
    auto crash = [&](std::string_view name) {
        if (ctx.crashPoint)
            ctx.crashPoint(name);
    };
    auto cancelled = [] { return fail(ErrorCode::Cancelled, "the step was cancelled; nothing was changed"); };

    ConnectionGuard guard{m_db};
    sqlite3_busy_timeout(m_db, std::max(0, ctx.lockTimeoutMs));
    sqlite3_progress_handler(m_db, 2000, stopRequested, &ctx);
    if (ctx.stop.stop_requested())
        return cancelled();

    auto tx = WriteTransaction::begin(m_db);
    if (!tx) {
        Error e = tx.error();
        if (e.code == ErrorCode::Busy)
            e.hint = fmt::format("another connection held a write transaction for longer than the lock timeout "
                                 "({} ms); retry when it is done or raise the timeout",
                                 ctx.lockTimeoutMs);
        return tl::unexpected(e);
    }
    const auto locked = std::chrono::steady_clock::now();

    auto done = stepState(uid);
    if (!done)
        return tl::unexpected(done.error());
    if (*done == StepCommitState::Committed)
        return fail(ErrorCode::InvalidState, fmt::format("step {} is already committed in this database", uid),
                    "nothing to do; mark the step done");

    auto w = planStep(m_db, step, uid);
    if (!w)
        return tl::unexpected(w.error());
    std::vector<const PartitionInfo *> sources;
    for (const auto &s : w->sources)
        sources.push_back(&s);
    const std::string fp = structureFingerprint(w->family, sources);
    if (fp != step.fingerprint)
        return fail(ErrorCode::StalePlan,
                    fmt::format("the partitions of {} changed since the plan was made (fingerprint {} ≠ {})",
                                quoteIdent(w->family.name), fp, step.fingerprint),
                    "nothing was changed; plan again");

    auto runList = [&](const std::vector<std::string> &list) -> Result<void> {
        for (const auto &sql : list) {
            if (ctx.stop.stop_requested())
                return cancelled();
            if (auto r = execSingle(m_db, sql); !r)
                return r;
        }
        return {};
    };

    progress(0.0, "creating the new partitions");
    if (auto r = runList(w->create); !r)
        return tl::unexpected(r.error());
    std::int64_t copied = 0;
    for (std::size_t i = 0; i < w->copy.size(); ++i) {
        progress(0.05 + 0.75 * double(i) / double(w->copy.size()),
                 fmt::format("copying rows into {}", w->copies[i].to));
        if (ctx.stop.stop_requested())
            return cancelled();
        if (auto r = execSingle(m_db, w->copy[i]); !r)
            return tl::unexpected(r.error());
        copied += sqlite3_changes64(m_db);
    }
    crash("sqlite.after-copy");

    progress(0.8, "verifying row count and checksum");
    StepOutcome out;
    auto before = sumChecksums(m_db, w->family, w->sources);
    if (!before)
        return tl::unexpected(before.error());
    auto after = sumChecksums(m_db, w->family, w->targets);
    if (!after)
        return tl::unexpected(after.error());
    out.before = *before;
    out.after = *after;
    if (!(*before == *after) || copied != before->rows)
        return fail(ErrorCode::VerificationFailed,
                    fmt::format("verification failed: the sources hold {} rows, the targets {} (checksum {}); "
                                "nothing was changed",
                                before->rows, after->rows, before->hashSum == after->hashSum ? "equal" : "different"),
                    "a source partition may hold rows outside its bounds (written to the partition table "
                    "directly); move them, then plan again");

    progress(0.9, "switching the view and triggers to the new partitions");
    if (auto r = runList(w->finish); !r)
        return tl::unexpected(r.error());
    crash("sqlite.before-commit");
    if (auto r = tx->commit(); !r)
        return tl::unexpected(r.error());
    crash("sqlite.after-commit");
    out.lockSeconds = secondsSince(locked);
    out.rowsMoved = before->rows;
    std::vector<std::string> targetNames;
    for (const auto &t : w->targets)
        targetNames.push_back(t.name);
    if (auto b = bytesOfTables(m_db, targetNames))
        for (const auto &[name, bytes] : *b)
            out.bytesWritten += bytes;
    out.seconds = secondsSince(started);
    progress(1.0, "done");
    return out;
}

} // namespace tidemark::sqlite
