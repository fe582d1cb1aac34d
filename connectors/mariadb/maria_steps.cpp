// Split and merge with the server's own ALTER TABLE … REORGANIZE PARTITION
// ("native"): the table is write-locked (LOCK TABLES … WRITE; reads of other
// sessions wait too while it is held), the sources are checksummed, the DDL
// copies their rows into the new partitions, the targets are checksummed, and
// the step is recorded in tidemark_steps. The DDL is atomic (crash-safe since
// MariaDB 10.6), so after a kill the partition layout says whether it
// happened; stepState() reads it. See docs/mariadb.md.
#include <algorithm>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "maria_connection.h"
#include "maria_tables.h"
#include "mariadb_connector.h"
#include "model/key_value.h"

namespace tidemark::mariadb {

namespace {

/// Bytes of source partitions per second of write block for the whole
/// native step (two checksum scans and REORGANIZE PARTITION's copy), as
/// measured by scripts/demo-mariadb (33 MiB merged in 4.4 s on 2 cores).
constexpr double kNativeBytesPerSecond = 8e6;

const char *kStepsTable = "CREATE TABLE IF NOT EXISTS tidemark_steps (uid VARCHAR(64) NOT NULL PRIMARY KEY, "
                          "table_name VARCHAR(64) NOT NULL, kind VARCHAR(16) NOT NULL, sources TEXT NOT NULL, "
                          "targets TEXT NOT NULL, state VARCHAR(16) NOT NULL, started_at DATETIME(3) NOT NULL, "
                          "committed_at DATETIME(3) NULL) ENGINE=InnoDB";

bool validUid(const std::string &uid)
{
    return !uid.empty() && uid.size() <= 64 &&
        std::all_of(uid.begin(), uid.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

std::string joined(const std::vector<std::string> &names)
{
    std::string out;
    for (const auto &n : names)
        out += (out.empty() ? "" : ",") + n;
    return out;
}

std::vector<std::string> splitComma(const std::string &s)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        const auto c = s.find(',', start);
        out.push_back(s.substr(start, c == std::string::npos ? std::string::npos : c - start));
        if (c == std::string::npos)
            break;
        start = c + 1;
    }
    return out;
}

struct NativeStep {
    MariaTable table;
    std::vector<std::string> sources, targets;
    std::int64_t sourceRows = 0, sourceBytes = 0;
    std::string record, lock, verifySources, reorganize, verifyTargets, commit, unlock;
    double predictedBlockSeconds = 0.0;
};

Error refuse(std::string message, std::string hint)
{
    return Error{ErrorCode::Unsupported, std::move(message), std::move(hint)};
}

Result<NativeStep> planNative(MariaConnection &c, const Step &step, const std::string &uid)
{
    if (!validUid(uid))
        return fail(ErrorCode::InvalidArgument, "the step uid must be 1–64 letters, digits, '-' or '_'",
                    "the executor assigns one before running the step");
    if (step.kind != StepKind::Split && step.kind != StepKind::Merge)
        return fail(ErrorCode::Unsupported,
                    fmt::format("the MariaDB connector does not run {} steps", toString(step.kind)),
                    "only split and merge are offered for MariaDB");
    auto t = loadTable(c, step.table);
    if (!t)
        return tl::unexpected(t.error());
    NativeStep w;
    w.table = std::move(*t);
    const MariaTable &tab = w.table;
    if (!tab.plannable())
        return tl::unexpected(refuse(tab.notPlannableReason,
                                     "only RANGE tables with an integer or time key are "
                                     "split and merged"));
    if (step.sources.empty() || (step.kind == StepKind::Split && step.sources.size() != 1))
        return fail(ErrorCode::InvalidArgument, "a split has one source partition, a merge two or more");
    // Sources: adjacent, in key order.
    std::optional<std::size_t> previous;
    KeyRange span;
    for (const auto &name : step.sources) {
        const MariaPartition *p = tab.find(name);
        if (!p)
            return fail(ErrorCode::StalePlan, fmt::format("partition {} of {} no longer exists", name, tab.name),
                        "the partitions changed since the plan was made; plan again");
        const std::size_t at = std::size_t(p - tab.partitions.data());
        if (previous && at != *previous + 1)
            return tl::unexpected(
                refuse(fmt::format("{}: partitions {} are not adjacent in key order", tab.name, joined(step.sources)),
                       "merge neighbouring partitions only"));
        if (!previous)
            span.lower = p->range->lower;
        span.upper = p->range->upper;
        previous = at;
        w.sources.push_back(p->name);
        w.sourceRows += p->rows;
        w.sourceBytes += p->bytes();
    }
    const auto &targets = step.repartition().targets;
    if (targets.empty() || (step.kind == StepKind::Split && targets.size() < 2) ||
        (step.kind == StepKind::Merge && targets.size() != 1))
        return fail(ErrorCode::InvalidArgument, "a split makes two or more partitions, a merge one");
    // Targets tile the sources' range exactly (REORGANIZE refuses anything else
    // for RANGE, and a row without a partition would fail the DDL).
    std::optional<KeyValue> at = span.lower;
    std::string defs;
    for (const auto &np : targets) {
        if (np.bounds.lower != at)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{}: new partition {} {} does not start where the previous one ends", tab.name,
                                    np.name, describeRange(np.bounds, *tab.keyType)),
                        "the new partitions must tile the sources' range in key order");
        if (np.name.empty() || np.name.size() > 64)
            return fail(ErrorCode::InvalidArgument, fmt::format("partition name \"{}\" is empty or too long", np.name));
        if (const MariaPartition *clash = tab.find(np.name);
            clash && std::find(w.sources.begin(), w.sources.end(), np.name) == w.sources.end())
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{} already has a partition named {}", tab.name, np.name), "choose another name");
        auto bound = boundLiteral(c, tab, np.bounds.upper);
        if (!bound)
            return tl::unexpected(bound.error());
        defs += fmt::format("{}PARTITION {} VALUES LESS THAN ({})", defs.empty() ? "" : ", ", c.quoteIdent(np.name),
                            *bound);
        w.targets.push_back(np.name);
        at = np.bounds.upper;
    }
    if (at != span.upper)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{}: the new partitions end at {} but the sources at {}", tab.name,
                                at ? formatKey(*at, *tab.keyType) : "MAXVALUE",
                                span.upper ? formatKey(*span.upper, *tab.keyType) : "MAXVALUE"),
                    "the new partitions must tile the sources' range in key order");
    const std::string q = c.quoteIdent(tab.name);
    auto partList = [&c](const std::vector<std::string> &names) {
        std::string out;
        for (const auto &n : names)
            out += (out.empty() ? "" : ", ") + c.quoteIdent(n);
        return out;
    };
    w.record = fmt::format("INSERT INTO tidemark_steps (uid, table_name, kind, sources, targets, state, started_at) "
                           "VALUES ({}, {}, {}, {}, {}, 'started', NOW(3)) ON DUPLICATE KEY UPDATE state = "
                           "IF(state = 'committed', state, 'started'), started_at = NOW(3)",
                           c.quoteLiteral(uid), c.quoteLiteral(tab.name), c.quoteLiteral(toString(step.kind)),
                           c.quoteLiteral(joined(w.sources)), c.quoteLiteral(joined(w.targets)));
    w.lock = fmt::format("LOCK TABLES {} WRITE, tidemark_steps WRITE", q);
    w.verifySources = checksumSql(c, tab.columns, q + " PARTITION (" + partList(w.sources) + ")", "");
    w.reorganize = fmt::format("ALTER TABLE {} REORGANIZE PARTITION {} INTO ({})", q, partList(w.sources), defs);
    w.verifyTargets = checksumSql(c, tab.columns, q + " PARTITION (" + partList(w.targets) + ")", "");
    w.commit = fmt::format("UPDATE tidemark_steps SET state = 'committed', committed_at = NOW(3) WHERE uid = {}",
                           c.quoteLiteral(uid));
    w.unlock = "UNLOCK TABLES";
    w.predictedBlockSeconds = double(w.sourceBytes) / kNativeBytesPerSecond;
    return w;
}

/// Whether the partitions the step creates are there and its sources gone.
Result<bool> layoutDone(MariaConnection &c, const std::string &table, const std::vector<std::string> &sources,
                        const std::vector<std::string> &targets)
{
    auto t = loadTable(c, table);
    if (!t)
        return tl::unexpected(t.error());
    for (const auto &n : targets)
        if (!t->find(n))
            return false;
    for (const auto &n : sources)
        if (t->find(n) && std::find(targets.begin(), targets.end(), n) == targets.end())
            return false;
    return true;
}

} // namespace

Result<std::string> MariaDbConnector::preview(const Step &step)
{
    auto w = planNative(*m_conn, step, step.uid.empty() ? std::string("preview") : step.uid);
    if (!w)
        return tl::unexpected(w.error());
    std::string out = fmt::format(
        "-- native: MariaDB's own REORGANIZE PARTITION. Writes to {} are blocked while it runs: about {:.1f} s "
        "for {} rows / {:.1f} MiB at ~{:.0f} MB/s (two checksum scans and the copy).\n",
        w->table.name, w->predictedBlockSeconds, w->sourceRows, double(w->sourceBytes) / 1048576.0,
        kNativeBytesPerSecond / 1e6);
    for (const std::string *s :
         {&w->record, &w->lock, &w->verifySources, &w->reorganize, &w->verifyTargets, &w->commit, &w->unlock})
        out += *s + ";\n";
    return out;
}

Result<StepOutcome> MariaDbConnector::execute(const Step &step, ExecutionContext &ctx)
{
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    auto crash = [&ctx](std::string_view name) {
        if (ctx.crashPoint)
            ctx.crashPoint(name);
    };
    auto progress = [&ctx](double f, std::string_view text) {
        if (ctx.progress)
            ctx.progress(f, text);
    };
    auto done = stepState(ctx.stepUid);
    if (!done)
        return tl::unexpected(done.error());
    if (*done == StepCommitState::Committed)
        return fail(ErrorCode::InvalidState, fmt::format("step {} is already recorded as done", ctx.stepUid),
                    "nothing to run again");
    auto w = planNative(*m_conn, step, ctx.stepUid);
    if (!w)
        return tl::unexpected(w.error());
    MariaConnection &c = *m_conn;
    if (auto r = c.exec(kStepsTable); !r)
        return tl::unexpected(r.error());
    if (auto r = c.exec(w->record); !r)
        return tl::unexpected(r.error());
    crash("mariadb.after-record");
    const int lockSeconds = std::max(1, int(std::ceil(ctx.lockTimeoutMs / 1000.0)));
    if (auto r = c.exec(fmt::format("SET SESSION lock_wait_timeout = {}, SESSION max_statement_time = 0", lockSeconds));
        !r)
        return tl::unexpected(r.error());
    struct Restore {
        MariaConnection &c;
        bool locked = false;
        ~Restore()
        {
            if (locked)
                (void)c.exec("UNLOCK TABLES");
            (void)c.exec(fmt::format("SET SESSION lock_wait_timeout = DEFAULT, SESSION max_statement_time = {}",
                                     kDefaultStatementSeconds));
        }
    } restore{c};
    progress(0.05, "locking the table against writes");
    if (auto r = c.exec(w->lock); !r) {
        Error e = r.error();
        if (e.code == ErrorCode::Busy)
            e.message = fmt::format("{} could not be locked within {} s: another session holds it ({})", w->table.name,
                                    lockSeconds, e.message);
        return tl::unexpected(e);
    }
    restore.locked = true;
    const auto lockedAt = Clock::now();
    // Inside the lock nothing can change: the fingerprint of the plan must
    // still hold.
    auto current = loadTable(c, step.table);
    if (!current)
        return tl::unexpected(current.error());
    auto fp = structureFingerprint(c, *current, step.sources);
    if (!fp)
        return tl::unexpected(fp.error());
    if (!step.fingerprint.empty() && *fp != step.fingerprint)
        return fail(
            ErrorCode::StalePlan,
            fmt::format("the partitions {} of {} changed since the plan was made", joined(step.sources), step.table),
            "scan and plan again; nothing was changed");
    progress(0.1, "checksumming the source partitions");
    auto before = runChecksum(c, w->verifySources);
    if (!before)
        return tl::unexpected(before.error());
    crash("mariadb.before-reorganize");
    progress(0.3, "REORGANIZE PARTITION (writes are blocked)");
    if (auto r = c.exec(w->reorganize); !r)
        return tl::unexpected(r.error());
    crash("mariadb.after-reorganize");
    progress(0.8, "checksumming the new partitions");
    auto after = runChecksum(c, w->verifyTargets);
    if (!after)
        return tl::unexpected(after.error());
    if (!(*before == *after)) {
        (void)c.exec(
            fmt::format("UPDATE tidemark_steps SET state = 'mismatch' WHERE uid = {}", c.quoteLiteral(ctx.stepUid)));
        return fail(ErrorCode::VerificationFailed,
                    fmt::format("{}: the new partitions hold {} rows (checksum {:016x}) but the sources held {} "
                                "(checksum {:016x})",
                                step.table, after->rows, after->hashSum, before->rows, before->hashSum),
                    "compare the table with a backup; the partition layout was changed by the server's own DDL");
    }
    if (auto r = c.exec(w->commit); !r)
        return tl::unexpected(r.error());
    crash("mariadb.after-commit");
    (void)c.exec(w->unlock);
    restore.locked = false;
    const auto unlockedAt = Clock::now();
    progress(1.0, "done");
    StepOutcome out;
    out.before = *before;
    out.after = *after;
    out.rowsMoved = after->rows;
    // Fresh statistics of the new partitions (sizes, row estimates); the
    // table is no longer locked, and a failure here changes nothing.
    std::string targets;
    for (const auto &n : w->targets)
        targets += (targets.empty() ? "" : ", ") + c.quoteIdent(n);
    (void)c.query(fmt::format("ALTER TABLE {} ANALYZE PARTITION {}", c.quoteIdent(w->table.name), targets));
    if (auto t = loadTable(c, step.table))
        for (const auto &n : w->targets)
            if (const MariaPartition *p = t->find(n))
                out.bytesWritten += p->bytes();
    out.lockSeconds = std::chrono::duration<double>(unlockedAt - lockedAt).count();
    out.seconds = std::chrono::duration<double>(unlockedAt - started).count();
    return out;
}

Result<StepCommitState> MariaDbConnector::stepState(const std::string &stepUid)
{
    auto exists = m_conn->scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
                                 "TABLE_NAME = 'tidemark_steps'");
    if (!exists)
        return tl::unexpected(exists.error());
    if (*exists == 0)
        return StepCommitState::NotCommitted;
    auto row = m_conn->query("SELECT state, table_name, sources, targets FROM tidemark_steps WHERE uid = " +
                             m_conn->quoteLiteral(stepUid));
    if (!row)
        return tl::unexpected(row.error());
    if (row->size() == 0)
        return StepCommitState::NotCommitted;
    if (row->text(0, 0) == "committed")
        return StepCommitState::Committed;
    if (row->text(0, 0) != "started")
        return StepCommitState::NotCommitted;
    // Killed after the DDL, before the record: the layout is the truth.
    auto done = layoutDone(*m_conn, row->text(0, 1), splitComma(row->text(0, 2)), splitComma(row->text(0, 3)));
    if (!done)
        return tl::unexpected(done.error());
    if (!*done)
        return StepCommitState::NotCommitted;
    (void)m_conn->exec("UPDATE tidemark_steps SET state = 'committed', committed_at = NOW(3) WHERE uid = " +
                       m_conn->quoteLiteral(stepUid));
    return StepCommitState::Committed;
}

} // namespace tidemark::mariadb
