// Planning, preview and clean-up of a copy to another SQLite file
// (sqlite_node_copy.h): what it touches, its SQL, and what a killed run left.
#include "sqlite_node_copy_plan.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>
#include <sqlite3.h>

#include "model/byte_units.h"
#include "sqlite_checksum.h"
#include "sqlite_node_copy.h"
#include "sqlite_sql.h"

namespace tidemark::sqlite {

namespace nodecopy {

std::string tagOf(const std::string &uid)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : uid)
        h = (h ^ c) * 1099511628211ULL;
    return fmt::format("{:016x}", h);
}

std::string trigger(const std::string &uid, const char *event)
{
    return quoteIdent("_tidemark_cap_" + tagOf(uid) + "_" + event);
}

Result<CopyPlan> planNodeCopy(sqlite3 *db, const Step &step)
{
    if (step.kind == StepKind::Move)
        return fail(ErrorCode::Unsupported,
                    "a SQLite partition cannot be moved to another file: the family's view and triggers cannot "
                    "reach a table in another database file",
                    "copy it instead (tidemark-cli copy); nothing was changed");
    const auto *work = step.work<NodeCopyWork>();
    if (!work || step.sources.size() != 1)
        return fail(ErrorCode::InvalidArgument, "a copy step names one partition and the receiving node");
    auto family = requireFamily(db, step.table);
    if (!family)
        return tl::unexpected(family.error());
    const PartitionInfo *p = findPartition(*family, step.sources.front());
    if (!p)
        return fail(ErrorCode::NotFound, fmt::format("{} has no partition {}", step.table, step.sources.front()),
                    "see its partitions with tidemark-cli scan URI");
    CopyPlan c;
    c.family = *family;
    c.part = *p;
    c.target = work->targetPartition.empty() ? p->name : work->targetPartition;
    if (auto ok = checkName(c.target, "the receiving table's name"); !ok)
        return tl::unexpected(ok.error());
    c.targetQuoted = std::string(kTarget) + "." + quoteIdent(c.target);
    for (const auto &col : family->columns) {
        c.hashed.push_back(quoteIdent(col.name));
        if (!col.generated)
            c.columns += (c.columns.empty() ? "" : ", ") + quoteIdent(col.name);
    }
    c.key = quoteIdent(family->keyColumn);
    return c;
}

std::string sumSql(const CopyPlan &c, const std::string &relation, const std::string &where)
{
    return fmt::format("SELECT count(*), tidemark_rowhash_sum({}) FROM {}{}", rowHashArguments(c.hashed), relation,
                       where.empty() ? std::string() : " WHERE " + where);
}

std::vector<std::string> captureSql(const CopyPlan &c, const std::string &uid)
{
    const std::string u = quoteLit(uid);
    return {
        "CREATE TABLE IF NOT EXISTS main._tidemark_capture(uid TEXT NOT NULL, k INTEGER)",
        "CREATE INDEX IF NOT EXISTS main._tidemark_capture_by_uid ON _tidemark_capture(uid)",
        fmt::format("CREATE TRIGGER main.{} AFTER INSERT ON {} BEGIN INSERT INTO _tidemark_capture(uid, k) "
                    "VALUES({}, NEW.{}); END",
                    trigger(uid, "ins"), quoteIdent(c.part.name), u, c.key),
        fmt::format("CREATE TRIGGER main.{0} AFTER UPDATE ON {1} BEGIN INSERT INTO _tidemark_capture(uid, k) "
                    "VALUES({2}, OLD.{3}), ({2}, NEW.{3}); END",
                    trigger(uid, "upd"), quoteIdent(c.part.name), u, c.key),
        fmt::format("CREATE TRIGGER main.{} AFTER DELETE ON {} BEGIN INSERT INTO _tidemark_capture(uid, k) "
                    "VALUES({}, OLD.{}); END",
                    trigger(uid, "del"), quoteIdent(c.part.name), u, c.key),
    };
}

std::vector<std::string> targetSql(const CopyPlan &c, const std::string &uid)
{
    const std::string t = kTarget;
    std::vector<std::string> out{
        "CREATE TABLE IF NOT EXISTS " + t +
            "._tidemark_steps(uid TEXT PRIMARY KEY, kind TEXT NOT NULL, committed_ms INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS " + t +
            "._tidemark_copies(uid TEXT PRIMARY KEY, relation TEXT NOT NULL, source TEXT NOT NULL, finished_ms "
            "INTEGER)",
        "CREATE TABLE IF NOT EXISTS " + t +
            "._tidemark_copy_chunks(uid TEXT NOT NULL, chunk INTEGER NOT NULL, lo INTEGER, hi INTEGER, ord INTEGER "
            "NOT NULL, fine INTEGER NOT NULL, rows INTEGER NOT NULL, hash INTEGER NOT NULL, sends INTEGER NOT NULL, "
            "PRIMARY KEY(uid, chunk))",
        fmt::format("CREATE TABLE {} {}", c.targetQuoted, c.family.body),
    };
    for (const auto &ix : c.family.indexes)
        out.push_back(fmt::format("CREATE {}INDEX {}.{} ON {} {}", ix.unique ? "UNIQUE " : "", t,
                                  quoteIdent(c.target + "__" + ix.name), quoteIdent(c.target), ix.body));
    out.push_back(fmt::format("INSERT INTO {}._tidemark_copies(uid, relation, source) VALUES({}, {}, {})", t,
                              quoteLit(uid), quoteLit(c.target), quoteLit(c.part.name)));
    return out;
}

Result<std::optional<Resumable>> resumable(sqlite3 *db, sqlite3 *target, const std::string &uid)
{
    auto count = [](sqlite3 *d, const std::string &sql) -> Result<std::int64_t> {
        auto n = queryInteger(d, sql);
        if (!n)
            return tl::unexpected(n.error());
        return n->value_or(0);
    };
    auto capture = count(db,
                         fmt::format("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = {}",
                                     quoteLit("_tidemark_cap_" + tagOf(uid) + "_ins")));
    auto tables = count(target,
                        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                        "('_tidemark_copies', '_tidemark_copy_chunks', '_tidemark_steps')");
    if (!capture || !tables)
        return tl::unexpected(!capture ? capture.error() : tables.error());
    if (*capture == 0 || *tables < 3)
        return std::optional<Resumable>();
    auto open = count(target,
                      fmt::format("SELECT count(*) FROM _tidemark_copies WHERE uid = {0} AND uid NOT IN "
                                  "(SELECT uid FROM _tidemark_steps)",
                                  quoteLit(uid)));
    if (!open)
        return tl::unexpected(open.error());
    if (*open == 0)
        return std::optional<Resumable>();
    auto st = Statement::prepare(
        target, "SELECT lo, hi, ord, fine, rows, hash, sends FROM _tidemark_copy_chunks WHERE uid = ?1 ORDER BY chunk");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, uid);
    Resumable r;
    std::vector<std::pair<std::int64_t, std::size_t>> ords;
    for (;;) {
        auto row = st->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        CopyChunk ch;
        ch.range = KeyRange{st->optionalInteger(0), st->optionalInteger(1)};
        ch.fine = st->integer(3) != 0;
        ords.emplace_back(st->integer(2), r.chunks.size());
        const bool sent = st->integer(6) > 0;
        r.sent.push_back(sent);
        if (sent)
            accumulate(r.total, RowChecksum{st->integer(4), std::uint64_t(st->integer(5))});
        r.chunks.push_back(ch);
    }
    if (r.chunks.empty() || std::find(r.sent.begin(), r.sent.end(), false) == r.sent.end())
        return std::optional<Resumable>(); // all sent: the catch-up may have begun; start again
    std::sort(ords.begin(), ords.end());
    for (const auto &o : ords)
        r.order.push_back(o.second);
    return std::optional<Resumable>(std::move(r));
}

} // namespace nodecopy

using namespace nodecopy;

bool isNodeCopyStep(const Step &step)
{
    return step.kind == StepKind::Copy || step.kind == StepKind::Move;
}

Result<std::string> previewNodeCopy(sqlite3 *db, const Step &step)
{
    auto c = planNodeCopy(db, step);
    if (!c)
        return tl::unexpected(c.error());
    const NodeCopyWork &work = *step.work<NodeCopyWork>();
    std::string o = fmt::format("-- Tidemark copy of {} {} to {} as {}\n", c->part.name, describeRange(c->part.bounds),
                                work.targetNode, c->target);
    if (work.reservedBytes > 0)
        o += fmt::format("-- the receiving file's file system must have {} free (size now + forecast writes); "
                         "SQLITE_FCNTL_SIZE_HINT grows the file ahead\n",
                         humanBytes(double(work.reservedBytes)));
    o += fmt::format("ATTACH DATABASE '<{}>' AS {};\n", work.targetNode, kTarget);
    o += "-- 1. one short write transaction on the source: the change capture\nBEGIN IMMEDIATE;\n";
    for (const auto &s : captureSql(*c, step.uid))
        o += s + ";\n";
    o += "COMMIT;\n-- 2. the receiving table and the copy's records\nBEGIN IMMEDIATE;\n";
    for (const auto &s : targetSql(*c, step.uid))
        o += s + ";\n";
    o += "COMMIT;\n-- 3. per chunk, coldest first; one transaction each, reading one snapshot of the source:\n";
    o += fmt::format("INSERT INTO {} ({}) SELECT {} FROM main.{} WHERE <chunk range>;\n", c->targetQuoted, c->columns,
                     c->columns, quoteIdent(c->part.name));
    o += "-- then count + checksum of the chunk on both sides (sent again while they differ, at most 3 times)\n";
    o += "-- 4. the logged keys applied (their rows deleted there and copied again); the receiving table's "
         "checksum against the chunks' and the applied keys'\n";
    o += "-- 5. the cutover: BEGIN IMMEDIATE (writers to the source wait); the last logged keys applied; the rows "
         "of every key written during the copy compared on both sides;\n";
    o += fmt::format("INSERT INTO {}._tidemark_steps(uid, kind, committed_ms) VALUES({}, 'copy', …);\n", kTarget,
                     quoteLit(step.uid));
    for (const char *e : {"ins", "upd", "del"})
        o += fmt::format("DROP TRIGGER main.{};\n", trigger(step.uid, e));
    o += "COMMIT;\nDETACH DATABASE tidemark_target;\n";
    (void)db;
    return o;
}

Result<void> abandonNodeCopy(sqlite3 *db, const std::string &uid)
{
    auto has = [&](const char *table) -> Result<bool> {
        auto n = queryInteger(
            db, fmt::format("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = {}", quoteLit(table)));
        if (!n)
            return tl::unexpected(n.error());
        return n->value_or(0) > 0;
    };
    auto capture = has("_tidemark_capture");
    auto copies = has("_tidemark_copies");
    auto steps = has("_tidemark_steps");
    if (!capture || !copies || !steps)
        return tl::unexpected(!capture ? capture.error() : !copies ? copies.error() : steps.error());
    auto tx = WriteTransaction::begin(db);
    if (!tx)
        return tl::unexpected(tx.error());
    for (const char *e : {"ins", "upd", "del"})
        if (auto r = exec(db, "DROP TRIGGER IF EXISTS " + trigger(uid, e)); !r)
            return r;
    if (*capture)
        if (auto r = exec(db, "DELETE FROM _tidemark_capture WHERE uid = " + quoteLit(uid)); !r)
            return r;
    if (*copies) {
        auto committed = *steps ? queryInteger(db, "SELECT count(*) FROM _tidemark_steps WHERE uid = " + quoteLit(uid))
                                : Result<std::optional<std::int64_t>>(std::int64_t(0));
        if (!committed)
            return tl::unexpected(committed.error());
        if (committed->value_or(0) == 0) {
            auto st = Statement::prepare(db, "SELECT relation FROM _tidemark_copies WHERE uid = ?1");
            if (!st)
                return tl::unexpected(st.error());
            st->bind(1, uid);
            std::vector<std::string> relations;
            for (;;) {
                auto row = st->step();
                if (!row)
                    return tl::unexpected(row.error());
                if (!*row)
                    break;
                relations.push_back(st->text(0));
            }
            st = Statement();
            for (const auto &r : relations)
                if (auto ok = exec(db, "DROP TABLE IF EXISTS " + quoteIdent(r)); !ok)
                    return ok;
            for (const char *t : {"_tidemark_copies", "_tidemark_copy_chunks"})
                if (auto ok = exec(db, fmt::format("DELETE FROM {} WHERE uid = {}", t, quoteLit(uid))); !ok)
                    return ok;
        }
    }
    return tx->commit();
}

} // namespace tidemark::sqlite
