// The point-in-time change journal on SQLite: AFTER triggers on every
// partition table of a watched family write each change (before and after
// images as json_array() of the columns, the statement's time) into
// _tidemark_journal. SQLite has one writer at a time, so the journal's
// sequence is the commit order. See docs/point-in-time.md.
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <sqlite3.h>

#include "sqlite_connector.h"
#include "sqlite_family.h"
#include "sqlite_sql.h"

namespace tidemark::sqlite {

namespace {

constexpr const char *kJournalSql = R"sql(
CREATE TABLE IF NOT EXISTS _tidemark_journal_watches(
  family TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
  key_column TEXT NOT NULL,
  enabled_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS _tidemark_journal(
  seq INTEGER PRIMARY KEY,
  family TEXT NOT NULL COLLATE NOCASE,
  at_us INTEGER NOT NULL,
  op TEXT NOT NULL,
  key_before,
  key_after,
  before_image TEXT,
  after_image TEXT);
CREATE INDEX IF NOT EXISTS _tidemark_journal_by_family ON _tidemark_journal(family, seq);
)sql";

// Microseconds since the epoch as SQLite evaluates 'now' (millisecond
// resolution, fixed for one statement).
constexpr const char *kNowUsSql = "(CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 1000)";

std::int64_t systemNowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string imageOf(const Family &f, const char *row)
{
    std::string out = "json_array(";
    for (std::size_t i = 0; i < f.columns.size(); ++i) {
        if (i)
            out += ", ";
        out += row + quoteIdent(f.columns[i].name);
    }
    return out + ")";
}

Result<bool> journalTablesExist(sqlite3 *db)
{
    auto n = queryInteger(db,
                          "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                          "('_tidemark_journal_watches', '_tidemark_journal')");
    if (!n)
        return tl::unexpected(n.error());
    return n->value_or(0) == 2;
}

// A second connection that holds the write lock for a moment: no write
// transaction is half way while it is held, so a read transaction begun
// then sees exactly the changes stamped before `takenUs`, and every later
// change is stamped after it (the pauses cover SQLite's millisecond clock).
class CleanCut {
public:
    static Result<CleanCut> take(const std::filesystem::path &path)
    {
        sqlite3 *db = nullptr;
        const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
        if (rc != SQLITE_OK) {
            Error e = sqliteError(db, rc, "opening a second connection for a consistent read");
            sqlite3_close(db);
            return tl::unexpected(e);
        }
        sqlite3_busy_timeout(db, 10000);
        CleanCut cut(db);
        if (auto r = exec(db, "BEGIN IMMEDIATE"); !r)
            return tl::unexpected(r.error());
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        cut.m_takenUs = systemNowUs();
        return cut;
    }
    CleanCut(CleanCut &&o) noexcept
        : m_db(std::exchange(o.m_db, nullptr))
        , m_takenUs(o.m_takenUs)
    {
    }
    CleanCut &operator=(CleanCut &&) = delete;
    ~CleanCut() { release(); }
    void release()
    {
        if (!m_db)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        (void)exec(m_db, "ROLLBACK");
        sqlite3_close(m_db);
        m_db = nullptr;
    }
    std::int64_t takenUs() const { return m_takenUs; }

private:
    explicit CleanCut(sqlite3 *db)
        : m_db(db)
    {
    }
    sqlite3 *m_db = nullptr;
    std::int64_t m_takenUs = 0;
};

class ReadTransaction {
public:
    explicit ReadTransaction(sqlite3 *db)
        : m_db(db)
    {
    }
    ~ReadTransaction()
    {
        if (m_open)
            (void)exec(m_db, "ROLLBACK");
    }
    Result<void> begin()
    {
        if (auto r = exec(m_db, "BEGIN"); !r)
            return r;
        m_open = true;
        return {};
    }

private:
    sqlite3 *m_db;
    bool m_open = false;
};

Result<Family> journaledFamily(sqlite3 *db, const std::string &table)
{
    auto f = requireFamily(db, table);
    if (!f)
        return tl::unexpected(f.error());
    if (!f->journaled)
        return fail(ErrorCode::InvalidArgument, fmt::format("{} is not journaled", quoteIdent(f->name)),
                    fmt::format("start its journal first: tidemark-cli journal enable URI --table {}", f->name));
    return f;
}

Result<std::int64_t> journalHead(sqlite3 *db)
{
    auto n = queryInteger(db, "SELECT coalesce(max(seq), 0) FROM _tidemark_journal");
    if (!n)
        return tl::unexpected(n.error());
    return n->value_or(0);
}

} // namespace

Result<bool> familyJournaled(sqlite3 *db, std::string_view family)
{
    auto exists = journalTablesExist(db);
    if (!exists || !*exists)
        return exists;
    auto st = Statement::prepare(db, "SELECT 1 FROM _tidemark_journal_watches WHERE family = ?1");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, family);
    auto row = st->step();
    if (!row)
        return tl::unexpected(row.error());
    return *row;
}

std::vector<std::string> journalTriggerSql(const Family &f, const PartitionInfo &p)
{
    const std::string fam = quoteLit(f.name);
    const std::string key = quoteIdent(f.keyColumn);
    return {
        fmt::format("CREATE TRIGGER {} AFTER INSERT ON {} BEGIN INSERT INTO _tidemark_journal(family, at_us, op, "
                    "key_after, after_image) VALUES({}, {}, 'I', NEW.{}, {}); END",
                    quoteIdent(p.name + "__journal_insert"), quoteIdent(p.name), fam, kNowUsSql, key,
                    imageOf(f, "NEW.")),
        fmt::format("CREATE TRIGGER {} AFTER UPDATE ON {} BEGIN INSERT INTO _tidemark_journal(family, at_us, op, "
                    "key_before, key_after, before_image, after_image) VALUES({}, {}, 'U', OLD.{}, NEW.{}, {}, {}); "
                    "END",
                    quoteIdent(p.name + "__journal_update"), quoteIdent(p.name), fam, kNowUsSql, key, key,
                    imageOf(f, "OLD."), imageOf(f, "NEW.")),
        fmt::format("CREATE TRIGGER {} AFTER DELETE ON {} BEGIN INSERT INTO _tidemark_journal(family, at_us, op, "
                    "key_before, before_image) VALUES({}, {}, 'D', OLD.{}, {}); END",
                    quoteIdent(p.name + "__journal_delete"), quoteIdent(p.name), fam, kNowUsSql, key,
                    imageOf(f, "OLD.")),
    };
}

std::vector<std::string> dropJournalTriggerSql(const PartitionInfo &p)
{
    std::vector<std::string> out;
    for (const char *event : {"insert", "update", "delete"})
        out.push_back("DROP TRIGGER IF EXISTS " + quoteIdent(p.name + "__journal_" + event));
    return out;
}

Result<void> SqliteConnector::enableJournal(const std::string &table)
{
    auto f = requireFamily(m_db, table);
    if (!f)
        return tl::unexpected(f.error());
    if (f->journaled)
        return {};
    auto tx = WriteTransaction::begin(m_db);
    if (!tx)
        return tl::unexpected(tx.error());
    if (auto r = exec(m_db, kJournalSql); !r)
        return r;
    auto st = Statement::prepare(m_db,
                                 "INSERT INTO _tidemark_journal_watches(family, key_column, enabled_ms) "
                                 "VALUES(?1, ?2, " +
                                     std::string(kNowMsSql) + ")");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, f->name).bind(2, f->keyColumn);
    if (auto r = st->run(); !r)
        return r;
    for (const auto &p : f->partitions)
        for (const auto &sql : journalTriggerSql(*f, p))
            if (auto r = execSingle(m_db, sql); !r)
                return r;
    return tx->commit();
}

Result<void> SqliteConnector::disableJournal(const std::string &table)
{
    auto f = requireFamily(m_db, table);
    if (!f)
        return tl::unexpected(f.error());
    auto exists = journalTablesExist(m_db);
    if (!exists)
        return tl::unexpected(exists.error());
    if (!*exists)
        return {};
    auto tx = WriteTransaction::begin(m_db);
    if (!tx)
        return tl::unexpected(tx.error());
    for (const auto &p : f->partitions)
        for (const auto &sql : dropJournalTriggerSql(p))
            if (auto r = execSingle(m_db, sql); !r)
                return r;
    for (const char *sql : {"DELETE FROM _tidemark_journal WHERE family = ?1",
                            "DELETE FROM _tidemark_journal_watches WHERE family = ?1"}) {
        auto st = Statement::prepare(m_db, sql);
        if (!st)
            return tl::unexpected(st.error());
        st->bind(1, f->name);
        if (auto r = st->run(); !r)
            return r;
    }
    auto left = queryInteger(m_db, "SELECT count(*) FROM _tidemark_journal_watches");
    if (!left)
        return tl::unexpected(left.error());
    if (left->value_or(0) == 0)
        if (auto r = exec(m_db, "DROP TABLE _tidemark_journal; DROP TABLE _tidemark_journal_watches;"); !r)
            return r;
    return tx->commit();
}

Result<JournalStatus> SqliteConnector::journalStatus(const std::string &table)
{
    auto f = requireFamily(m_db, table);
    if (!f)
        return tl::unexpected(f.error());
    JournalStatus s;
    s.enabled = f->journaled;
    s.keyColumn = f->keyColumn;
    s.keyType = KeyType::Integer;
    for (const auto &c : f->columns)
        s.columns.push_back(c.name);
    s.capture = "AFTER INSERT/UPDATE/DELETE triggers on every partition table write json_array() images into "
                "_tidemark_journal; order: the journal's sequence (one writer at a time); time: the statement's";
    if (!s.enabled)
        return s;
    auto ep = Statement::prepare(m_db, "SELECT enabled_ms FROM _tidemark_journal_watches WHERE family = ?1");
    if (!ep)
        return tl::unexpected(ep.error());
    ep->bind(1, f->name);
    if (auto row = ep->step(); !row)
        return tl::unexpected(row.error());
    else if (*row)
        s.epochMs = ep->integer(0);
    auto st = Statement::prepare(m_db,
                                 "SELECT count(*), coalesce(min(at_us), 0), coalesce(max(at_us), 0) "
                                 "FROM _tidemark_journal WHERE family = ?1 AND op <> 'K'");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, f->name);
    auto row = st->step();
    if (!row)
        return tl::unexpected(row.error());
    s.pendingChanges = st->integer(0);
    s.oldestPendingUs = st->integer(1);
    s.newestPendingUs = st->integer(2);
    return s;
}

Result<JournalCut> SqliteConnector::readJournal(const std::string &table, std::int64_t afterPosition,
                                                const std::function<Result<void>(const JournalChange &)> &sink)
{
    auto f = journaledFamily(m_db, table);
    if (!f)
        return tl::unexpected(f.error());
    auto cut = CleanCut::take(m_path);
    if (!cut)
        return tl::unexpected(cut.error());
    ReadTransaction rt(m_db);
    if (auto r = rt.begin(); !r)
        return tl::unexpected(r.error());
    auto head = journalHead(m_db); // the first read fixes the snapshot, while the cut is held
    if (!head)
        return tl::unexpected(head.error());
    JournalCut result{cut->takenUs(), *head};
    cut->release();
    auto st = Statement::prepare(m_db,
                                 "SELECT seq, at_us, op, key_before, key_after, before_image, after_image "
                                 "FROM _tidemark_journal WHERE family = ?1 AND seq > ?2 AND seq <= ?3 "
                                 "AND op <> 'K' ORDER BY seq");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, f->name).bind(2, afterPosition).bind(3, *head);
    for (;;) {
        auto row = st->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        JournalChange c;
        c.position = st->integer(0);
        c.committedUs = st->integer(1);
        c.op = st->text(2).empty() ? 'I' : st->text(2)[0];
        if (!st->isNull(3))
            c.keyBefore = st->text(3);
        if (!st->isNull(4))
            c.keyAfter = st->text(4);
        if (!st->isNull(5))
            c.before = st->text(5);
        if (!st->isNull(6))
            c.after = st->text(6);
        if (auto r = sink(c); !r)
            return tl::unexpected(r.error());
    }
    return result;
}

Result<std::int64_t> SqliteConnector::trimJournal(const std::string &table, std::int64_t upToPosition)
{
    auto f = journaledFamily(m_db, table);
    if (!f)
        return tl::unexpected(f.error());
    // The newest entry of the whole journal stays (as a 'K' keeper when
    // trimmed): the sequence continues after it instead of starting over.
    auto tx = WriteTransaction::begin(m_db);
    if (!tx)
        return tl::unexpected(tx.error());
    auto st = Statement::prepare(m_db,
                                 "DELETE FROM _tidemark_journal WHERE family = ?1 AND seq <= ?2 AND seq < "
                                 "(SELECT max(seq) FROM _tidemark_journal)");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, f->name).bind(2, upToPosition);
    if (auto r = st->run(); !r)
        return tl::unexpected(r.error());
    const std::int64_t removed = sqlite3_changes64(m_db);
    auto keep = Statement::prepare(m_db,
                                   "UPDATE _tidemark_journal SET op = 'K', before_image = NULL, after_image = "
                                   "NULL WHERE family = ?1 AND seq <= ?2");
    if (!keep)
        return tl::unexpected(keep.error());
    keep->bind(1, f->name).bind(2, upToPosition);
    if (auto r = keep->run(); !r)
        return tl::unexpected(r.error());
    if (auto r = tx->commit(); !r)
        return tl::unexpected(r.error());
    return removed;
}

Result<JournalCut> SqliteConnector::readImages(const std::string &table, const std::optional<KeyRange> &range,
                                               const std::function<Result<void>(const RowImage &)> &sink,
                                               std::stop_token stop)
{
    auto f = journaledFamily(m_db, table);
    if (!f)
        return tl::unexpected(f.error());
    auto cut = CleanCut::take(m_path);
    if (!cut)
        return tl::unexpected(cut.error());
    ReadTransaction rt(m_db);
    if (auto r = rt.begin(); !r)
        return tl::unexpected(r.error());
    auto head = journalHead(m_db);
    if (!head)
        return tl::unexpected(head.error());
    JournalCut result{cut->takenUs(), *head};
    cut->release();
    const std::string key = quoteIdent(f->keyColumn);
    std::string sql = fmt::format("SELECT {}, {} FROM {}", key, imageOf(*f, ""), quoteIdent(f->name));
    if (range)
        sql += " WHERE " + rangeCondition(key, *range);
    auto st = Statement::prepare(m_db, sql);
    if (!st)
        return tl::unexpected(st.error());
    for (std::int64_t n = 0;; ++n) {
        if ((n & 1023) == 0 && stop.stop_requested())
            return fail(ErrorCode::Cancelled, "the snapshot read was stopped", "");
        auto row = st->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        if (auto r = sink(RowImage{st->text(0), st->text(1)}); !r)
            return tl::unexpected(r.error());
    }
    return result;
}

Result<void> SqliteConnector::restoreImages(const std::string &table, const std::string &into,
                                            const std::vector<std::string> &images,
                                            const std::function<Result<void>(const std::vector<RowImage> &)> &verify)
{
    auto f = requireFamily(m_db, table);
    if (!f)
        return tl::unexpected(f.error());
    if (auto r = checkName(into, "table"); !r)
        return r;
    auto type = schemaObjectType(m_db, into);
    if (!type)
        return tl::unexpected(type.error());
    if (!type->empty())
        return fail(ErrorCode::InvalidArgument, fmt::format("a {} named {} exists already", *type, quoteIdent(into)),
                    "choose a new table name with --into; a restore never overwrites");
    auto tx = WriteTransaction::begin(m_db);
    if (!tx)
        return tl::unexpected(tx.error());
    if (auto r = execSingle(m_db, "CREATE TABLE " + quoteIdent(into) + " " + f->body); !r)
        return r;
    std::string cols, values;
    for (std::size_t i = 0; i < f->columns.size(); ++i) {
        if (f->columns[i].generated)
            continue;
        if (!cols.empty()) {
            cols += ", ";
            values += ", ";
        }
        cols += quoteIdent(f->columns[i].name);
        values += fmt::format("json_extract(?1, '$[{}]')", i);
    }
    auto ins = Statement::prepare(m_db, fmt::format("INSERT INTO {}({}) VALUES({})", quoteIdent(into), cols, values));
    if (!ins)
        return tl::unexpected(ins.error());
    for (const auto &img : images) {
        ins->reset();
        ins->bind(1, std::string_view(img));
        if (auto r = ins->run(); !r)
            return r;
    }
    std::vector<RowImage> back;
    auto rd = Statement::prepare(
        m_db, fmt::format("SELECT {}, {} FROM {}", quoteIdent(f->keyColumn), imageOf(*f, ""), quoteIdent(into)));
    if (!rd)
        return tl::unexpected(rd.error());
    for (;;) {
        auto row = rd->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        back.push_back(RowImage{rd->text(0), rd->text(1)});
    }
    if (auto r = verify(back); !r)
        return r;
    return tx->commit();
}

} // namespace tidemark::sqlite
