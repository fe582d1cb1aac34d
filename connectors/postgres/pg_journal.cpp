// The point-in-time change journal on PostgreSQL: an AFTER ROW trigger on
// the partitioned table (cloned by PostgreSQL onto every partition, also
// partitions attached later by a split or merge) writes each change's
// before and after images (to_jsonb) into tidemark_journal.changes, tagged
// with the transaction id. The first change of a transaction also inserts
// the transaction into tidemark_journal.commits, whose deferred constraint
// trigger stamps it at commit with the next value of a commit-order
// sequence and clock_timestamp(), under a shared advisory lock. A reader
// that takes that lock exclusively for a moment gets a clean cut: no
// journaled transaction is between its stamp and its commit. See
// docs/point-in-time.md.
#include <fmt/format.h>

#include "pg_connection.h"
#include "pg_key_sql.h"
#include "pg_tables.h"
#include "postgres_connector.h"

namespace tidemark::postgres {

namespace {

// Class id "TDJL" of the journal's advisory lock (the executor's is "TDMK").
constexpr const char *kCutLock = "1413761612, 0";

constexpr const char *kSchemaSql = R"sql(
CREATE SCHEMA IF NOT EXISTS tidemark_journal;
CREATE TABLE IF NOT EXISTS tidemark_journal.watches(
  relid oid PRIMARY KEY,
  table_name text NOT NULL,
  key_column text NOT NULL,
  enabled_at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE TABLE IF NOT EXISTS tidemark_journal.changes(
  id bigserial PRIMARY KEY,
  relid oid NOT NULL,
  txid xid8 NOT NULL,
  op "char" NOT NULL,
  key_before bigint,
  key_after bigint,
  before_image text,
  after_image text);
CREATE INDEX IF NOT EXISTS changes_by_txid ON tidemark_journal.changes(txid);
CREATE TABLE IF NOT EXISTS tidemark_journal.commits(
  txid xid8 PRIMARY KEY,
  commit_seq bigint,
  committed_at timestamptz);
CREATE INDEX IF NOT EXISTS commits_by_seq ON tidemark_journal.commits(commit_seq);
CREATE SEQUENCE IF NOT EXISTS tidemark_journal.commit_order;
CREATE OR REPLACE FUNCTION tidemark_journal.stamp() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(1413761612, 0);
  UPDATE tidemark_journal.commits SET commit_seq = nextval('tidemark_journal.commit_order'),
         committed_at = clock_timestamp() WHERE txid = NEW.txid;
  RETURN NULL;
END $f$;
DO $d$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'stamp'
                 AND tgrelid = 'tidemark_journal.commits'::regclass) THEN
    CREATE CONSTRAINT TRIGGER stamp AFTER INSERT ON tidemark_journal.commits
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tidemark_journal.stamp();
  END IF;
END $d$;
)sql";

std::string captureFunction(std::uint32_t oid)
{
    return fmt::format("tidemark_journal.capture_{}", oid);
}

// Holds the cut lock exclusively from take() until release().
class CutLock {
public:
    explicit CutLock(PgConnection &c)
        : m_c(c)
    {
    }
    ~CutLock() { release(); }
    Result<void> take()
    {
        if (auto r = m_c.exec(fmt::format("SELECT pg_advisory_lock({})", kCutLock)); !r)
            return r;
        m_held = true;
        return {};
    }
    void release()
    {
        if (!m_held)
            return;
        m_held = false;
        if (!m_c.exec(fmt::format("SELECT pg_advisory_unlock({})", kCutLock))) {
            m_c.rollback(); // an aborted transaction refuses it; the session keeps the lock otherwise
            (void)m_c.exec(fmt::format("SELECT pg_advisory_unlock({})", kCutLock));
        }
    }

private:
    PgConnection &m_c;
    bool m_held = false;
};

struct Watched {
    PgTable table;
    std::string key;
    KeyType keyType = KeyType::Integer;
};

Result<bool> schemaExists(PgConnection &c)
{
    auto n = c.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'tidemark_journal'");
    if (!n)
        return tl::unexpected(n.error());
    return *n > 0;
}

Result<bool> isWatched(PgConnection &c, std::uint32_t oid)
{
    auto exists = schemaExists(c);
    if (!exists || !*exists)
        return exists;
    auto n = c.scalar("SELECT count(*) FROM tidemark_journal.watches WHERE relid = $1", {std::to_string(oid)});
    if (!n)
        return tl::unexpected(n.error());
    return *n > 0;
}

Result<Watched> journalable(PgConnection &c, const std::string &table)
{
    auto t = loadTable(c, table);
    if (!t)
        return tl::unexpected(t.error());
    if (t->keyColumns.size() != 1 || t->keyColumns[0].name.empty() || !t->keyType)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} is not partitioned by one column of an integer, date or timestamp type", t->name),
                    "the journal needs such a key to read partitions as of a moment");
    if (!t->parentName.empty())
        return fail(ErrorCode::InvalidArgument, fmt::format("{} is a partition of {}", t->name, t->parentName),
                    fmt::format("journal the whole table: --table {}", t->parentName));
    return Watched{*t, t->keyColumns[0].name, *t->keyType};
}

Result<Watched> journaled(PgConnection &c, const std::string &table)
{
    auto w = journalable(c, table);
    if (!w)
        return w;
    auto on = isWatched(c, w->table.oid);
    if (!on)
        return tl::unexpected(on.error());
    if (!*on)
        return fail(ErrorCode::InvalidArgument, fmt::format("{} is not journaled", w->table.name),
                    fmt::format("start its journal first: tidemark-cli journal enable URI --table {}", w->table.name));
    return w;
}

std::string commitHeadSql()
{
    return "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, "
           "CASE WHEN is_called THEN last_value ELSE 0 END FROM tidemark_journal.commit_order";
}

// Begins a repeatable-read transaction whose snapshot is a clean cut.
Result<JournalCut> beginAtCleanCut(PgConnection &c)
{
    CutLock lock(c);
    if (auto r = lock.take(); !r)
        return tl::unexpected(r.error());
    if (auto r = c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ"); !r)
        return tl::unexpected(r.error());
    auto head = c.query(commitHeadSql()); // fixes the snapshot while no commit is half way
    if (!head) {
        c.rollback();
        return tl::unexpected(head.error());
    }
    lock.release();
    return JournalCut{head->integer(0, 0), head->integer(0, 1)};
}

} // namespace

Result<void> PostgresConnector::enableJournal(const std::string &table)
{
    auto w = journalable(*m_conn, table);
    if (!w)
        return tl::unexpected(w.error());
    auto on = isWatched(*m_conn, w->table.oid);
    if (!on)
        return tl::unexpected(on.error());
    if (*on)
        return {};
    const std::string oid = std::to_string(w->table.oid);
    const std::string rel = m_conn->qualified(w->table.schema, w->table.relname);
    const std::string key = m_conn->quoteIdent(w->key);
    const std::string fn = captureFunction(w->table.oid);
    const std::string body =
        fmt::format("CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
                    "DECLARE x xid8 := pg_current_xact_id();\n"
                    "BEGIN\n"
                    "  IF current_setting('tidemark_journal.txid', true) IS DISTINCT FROM x::text THEN\n"
                    "    INSERT INTO tidemark_journal.commits(txid) VALUES (x) ON CONFLICT DO NOTHING;\n"
                    "    PERFORM set_config('tidemark_journal.txid', x::text, true);\n"
                    "  END IF;\n"
                    "  IF TG_OP = 'INSERT' THEN\n"
                    "    INSERT INTO tidemark_journal.changes(relid, txid, op, key_after, after_image)\n"
                    "    VALUES ({oid}, x, 'I', {ka}, to_jsonb(NEW)::text);\n"
                    "  ELSIF TG_OP = 'UPDATE' THEN\n"
                    "    INSERT INTO tidemark_journal.changes(relid, txid, op, key_before, key_after, before_image, "
                    "after_image)\n"
                    "    VALUES ({oid}, x, 'U', {kb}, {ka}, to_jsonb(OLD)::text, to_jsonb(NEW)::text);\n"
                    "  ELSE\n"
                    "    INSERT INTO tidemark_journal.changes(relid, txid, op, key_before, before_image)\n"
                    "    VALUES ({oid}, x, 'D', {kb}, to_jsonb(OLD)::text);\n"
                    "  END IF;\n"
                    "  RETURN NULL;\n"
                    "END $f$",
                    fmt::arg("fn", fn), fmt::arg("oid", oid), fmt::arg("ka", ordinalOf("NEW." + key, w->keyType)),
                    fmt::arg("kb", ordinalOf("OLD." + key, w->keyType)));
    Transaction tx(*m_conn);
    if (auto r = tx.begin(); !r)
        return r;
    if (auto r = m_conn->exec("SET LOCAL lock_timeout = '5s'"); !r)
        return r;
    if (auto r = m_conn->exec(kSchemaSql); !r)
        return r;
    if (auto r = m_conn->exec(body); !r)
        return r;
    if (auto r = m_conn->exec(fmt::format("CREATE TRIGGER tidemark_journal AFTER INSERT OR UPDATE OR DELETE ON {} "
                                          "FOR EACH ROW EXECUTE FUNCTION {}()",
                                          rel, fn));
        !r)
        return r;
    if (auto r = m_conn->query("INSERT INTO tidemark_journal.watches(relid, table_name, key_column) "
                               "VALUES ($1, $2, $3)",
                               {oid, w->table.name, w->key});
        !r)
        return tl::unexpected(r.error());
    return tx.commit();
}

Result<void> PostgresConnector::disableJournal(const std::string &table)
{
    auto w = journalable(*m_conn, table);
    if (!w)
        return tl::unexpected(w.error());
    auto exists = schemaExists(*m_conn);
    if (!exists)
        return tl::unexpected(exists.error());
    if (!*exists)
        return {};
    const std::string oid = std::to_string(w->table.oid);
    Transaction tx(*m_conn);
    if (auto r = tx.begin(); !r)
        return r;
    if (auto r = m_conn->exec("SET LOCAL lock_timeout = '5s'"); !r)
        return r;
    if (auto r = m_conn->exec(fmt::format("DROP TRIGGER IF EXISTS tidemark_journal ON {}",
                                          m_conn->qualified(w->table.schema, w->table.relname)));
        !r)
        return r;
    if (auto r = m_conn->exec(fmt::format("DROP FUNCTION IF EXISTS {}()", captureFunction(w->table.oid))); !r)
        return r;
    for (const char *sql : {"DELETE FROM tidemark_journal.changes WHERE relid = $1",
                            "DELETE FROM tidemark_journal.watches WHERE relid = $1"})
        if (auto r = m_conn->query(sql, {oid}); !r)
            return tl::unexpected(r.error());
    auto left = m_conn->scalar("SELECT count(*) FROM tidemark_journal.watches");
    if (!left)
        return tl::unexpected(left.error());
    if (*left == 0) {
        if (auto r = m_conn->exec("DROP SCHEMA tidemark_journal CASCADE"); !r)
            return r;
    } else if (auto r = m_conn->exec("DELETE FROM tidemark_journal.commits c WHERE NOT EXISTS "
                                     "(SELECT 1 FROM tidemark_journal.changes x WHERE x.txid = c.txid)");
               !r) {
        return r;
    }
    return tx.commit();
}

Result<JournalStatus> PostgresConnector::journalStatus(const std::string &table)
{
    auto w = journalable(*m_conn, table);
    if (!w)
        return tl::unexpected(w.error());
    JournalStatus s;
    s.keyColumn = w->key;
    s.keyType = w->keyType;
    for (const auto &c : w->table.columns)
        s.columns.push_back(c.name);
    s.capture = "an AFTER ROW trigger writes to_jsonb() images into tidemark_journal.changes; a deferred trigger "
                "stamps each transaction's commit order (sequence) and time (clock_timestamp at commit)";
    auto on = isWatched(*m_conn, w->table.oid);
    if (!on)
        return tl::unexpected(on.error());
    s.enabled = *on;
    if (!s.enabled)
        return s;
    auto r = m_conn->query(
        "SELECT count(*), coalesce((extract(epoch FROM min(c.committed_at)) * 1000000)::bigint, 0), "
        "coalesce((extract(epoch FROM max(c.committed_at)) * 1000000)::bigint, 0), "
        "(SELECT (extract(epoch FROM enabled_at) * 1000)::bigint FROM tidemark_journal.watches WHERE relid = $1) "
        "FROM tidemark_journal.changes x JOIN tidemark_journal.commits c ON c.txid = x.txid "
        "WHERE x.relid = $1 AND c.commit_seq IS NOT NULL",
        {std::to_string(w->table.oid)});
    if (!r)
        return tl::unexpected(r.error());
    s.pendingChanges = r->integer(0, 0);
    s.oldestPendingUs = r->integer(0, 1);
    s.newestPendingUs = r->integer(0, 2);
    s.epochMs = r->integer(0, 3);
    return s;
}

Result<JournalCut> PostgresConnector::readJournal(const std::string &table, std::int64_t afterPosition,
                                                  const std::function<Result<void>(const JournalChange &)> &sink)
{
    auto w = journaled(*m_conn, table);
    if (!w)
        return tl::unexpected(w.error());
    auto cut = beginAtCleanCut(*m_conn);
    if (!cut)
        return cut;
    auto rows = m_conn->query(
        "SELECT c.commit_seq, (extract(epoch FROM c.committed_at) * 1000000)::bigint, x.op, x.key_before, "
        "x.key_after, x.before_image, x.after_image FROM tidemark_journal.commits c "
        "JOIN tidemark_journal.changes x ON x.txid = c.txid "
        "WHERE x.relid = $1 AND c.commit_seq > $2 AND c.commit_seq <= $3 ORDER BY c.commit_seq, x.id",
        {std::to_string(w->table.oid), std::to_string(afterPosition), std::to_string(cut->position)});
    m_conn->rollback();
    if (!rows)
        return tl::unexpected(rows.error());
    for (int i = 0; i < rows->size(); ++i) {
        JournalChange c;
        c.position = rows->integer(i, 0);
        c.committedUs = rows->integer(i, 1);
        const std::string op = rows->text(i, 2);
        c.op = op.empty() ? 'I' : op[0];
        if (!rows->null(i, 3))
            c.keyBefore = rows->text(i, 3);
        if (!rows->null(i, 4))
            c.keyAfter = rows->text(i, 4);
        if (!rows->null(i, 5))
            c.before = rows->text(i, 5);
        if (!rows->null(i, 6))
            c.after = rows->text(i, 6);
        if (auto r = sink(c); !r)
            return tl::unexpected(r.error());
    }
    return cut;
}

Result<std::int64_t> PostgresConnector::trimJournal(const std::string &table, std::int64_t upToPosition)
{
    auto w = journaled(*m_conn, table);
    if (!w)
        return tl::unexpected(w.error());
    Transaction tx(*m_conn);
    if (auto r = tx.begin(); !r)
        return tl::unexpected(r.error());
    auto removed = m_conn->query("DELETE FROM tidemark_journal.changes x USING tidemark_journal.commits c "
                                 "WHERE x.txid = c.txid AND x.relid = $1 AND c.commit_seq <= $2",
                                 {std::to_string(w->table.oid), std::to_string(upToPosition)});
    if (!removed)
        return tl::unexpected(removed.error());
    if (auto r = m_conn->query("DELETE FROM tidemark_journal.commits c WHERE c.commit_seq <= $1 AND NOT EXISTS "
                               "(SELECT 1 FROM tidemark_journal.changes x WHERE x.txid = c.txid)",
                               {std::to_string(upToPosition)});
        !r)
        return tl::unexpected(r.error());
    if (auto r = tx.commit(); !r)
        return tl::unexpected(r.error());
    return removed->affected();
}

Result<JournalCut> PostgresConnector::readImages(const std::string &table, const std::optional<KeyRange> &range,
                                                 const std::function<Result<void>(const RowImage &)> &sink,
                                                 std::stop_token stop)
{
    auto w = journaled(*m_conn, table);
    if (!w)
        return tl::unexpected(w.error());
    if (stop.stop_requested())
        return fail(ErrorCode::Cancelled, "the snapshot read was stopped", "");
    auto cut = beginAtCleanCut(*m_conn);
    if (!cut)
        return cut;
    const std::string key = m_conn->quoteIdent(w->key);
    std::string sql = fmt::format("SELECT {}, to_jsonb(t)::text FROM {} t", ordinalOf("t." + key, w->keyType),
                                  m_conn->qualified(w->table.schema, w->table.relname));
    if (range)
        sql += " WHERE " + rangePredicate(*m_conn, w->key, *range, w->keyType);
    UnboundedStatements unbounded(*m_conn); // a snapshot reads the whole range
    auto rows = m_conn->query(sql);
    m_conn->rollback();
    if (!rows)
        return tl::unexpected(rows.error());
    for (int i = 0; i < rows->size(); ++i)
        if (auto r = sink(RowImage{rows->text(i, 0), rows->text(i, 1)}); !r)
            return tl::unexpected(r.error());
    return cut;
}

Result<void> PostgresConnector::restoreImages(const std::string &table, const std::string &into,
                                              const std::vector<std::string> &images,
                                              const std::function<Result<void>(const std::vector<RowImage> &)> &verify)
{
    auto w = journalable(*m_conn, table);
    if (!w)
        return tl::unexpected(w.error());
    if (into.empty() || into.size() > 63)
        return fail(ErrorCode::InvalidArgument, fmt::format("\"{}\" cannot be a table name", into),
                    "give --into a name of 1 to 63 bytes");
    const std::string target = m_conn->qualified(w->table.schema, into);
    auto taken = m_conn->query("SELECT to_regclass($1) IS NOT NULL", {target});
    if (!taken)
        return tl::unexpected(taken.error());
    if (taken->boolean(0, 0))
        return fail(ErrorCode::InvalidArgument, fmt::format("a relation named {} exists already", target),
                    "choose a new table name with --into; a restore never overwrites");
    Transaction tx(*m_conn);
    if (auto r = tx.begin(); !r)
        return r;
    if (auto r = m_conn->exec(fmt::format("CREATE TABLE {} (LIKE {} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)", target,
                                          m_conn->qualified(w->table.schema, w->table.relname)));
        !r)
        return r;
    UnboundedStatements unbounded(*m_conn);
    constexpr std::size_t kBatch = 5000;
    for (std::size_t i = 0; i < images.size(); i += kBatch) {
        std::string array = "[";
        for (std::size_t j = i; j < std::min(images.size(), i + kBatch); ++j) {
            if (j > i)
                array += ',';
            array += images[j];
        }
        array += ']';
        if (auto r = m_conn->query(
                fmt::format("INSERT INTO {0} SELECT * FROM jsonb_populate_recordset(NULL::{0}, $1::jsonb)", target),
                {array});
            !r)
            return tl::unexpected(r.error());
    }
    auto back = m_conn->query(fmt::format("SELECT {}, to_jsonb(t)::text FROM {} t",
                                          ordinalOf("t." + m_conn->quoteIdent(w->key), w->keyType), target));
    if (!back)
        return tl::unexpected(back.error());
    std::vector<RowImage> rows;
    rows.reserve(std::size_t(back->size()));
    for (int i = 0; i < back->size(); ++i)
        rows.push_back(RowImage{back->text(i, 0), back->text(i, 1)});
    if (auto r = verify(rows); !r)
        return r;
    return tx.commit();
}

} // namespace tidemark::postgres
