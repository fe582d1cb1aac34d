#include "sqlite_sql.h"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>
#include <sqlite3.h>

namespace tidemark::sqlite {

namespace {

std::string quoteWith(std::string_view s, char q)
{
    if (s.find('\0') != std::string_view::npos)
        throw std::invalid_argument("SQL text must not contain a NUL byte");
    std::string out;
    out.reserve(s.size() + 2);
    out.push_back(q);
    for (char c : s) {
        out.push_back(c);
        if (c == q)
            out.push_back(q);
    }
    out.push_back(q);
    return out;
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

// A token of SQLite's lexical grammar, as far as DDL headers need it.
struct Token {
    enum Kind { End, Word, Quoted, String, Punct } kind = End;
    std::size_t begin = 0;
    std::size_t end = 0;
    std::string value; ///< identifier without quotes, or the punctuation
};

class Tokenizer {
public:
    explicit Tokenizer(std::string_view sql)
        : m_sql(sql)
    {
    }

    Result<Token> next()
    {
        skipSpaceAndComments();
        Token t;
        t.begin = m_pos;
        if (m_pos >= m_sql.size()) {
            t.end = m_pos;
            return t;
        }
        const char c = m_sql[m_pos];
        if (c == '"' || c == '`' || c == '[' || c == '\'') {
            const char close = c == '[' ? ']' : c;
            t.kind = c == '\'' ? Token::String : Token::Quoted;
            std::size_t i = m_pos + 1;
            for (;;) {
                if (i >= m_sql.size())
                    return fail(ErrorCode::InvalidArgument, "unterminated quoted name in SQL");
                if (m_sql[i] == close) {
                    if (close != ']' && i + 1 < m_sql.size() && m_sql[i + 1] == close) {
                        t.value.push_back(close);
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                t.value.push_back(m_sql[i++]);
            }
            m_pos = i;
        } else if (isWordChar(c)) {
            std::size_t i = m_pos;
            while (i < m_sql.size() && isWordChar(m_sql[i]))
                ++i;
            t.kind = Token::Word;
            t.value = std::string(m_sql.substr(m_pos, i - m_pos));
            m_pos = i;
        } else {
            t.kind = Token::Punct;
            t.value = std::string(1, c);
            ++m_pos;
        }
        t.end = m_pos;
        return t;
    }

    std::size_t position()
    {
        skipSpaceAndComments();
        return m_pos;
    }

private:
    static bool isWordChar(char c)
    {
        const auto u = static_cast<unsigned char>(c);
        return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' || u == '$' ||
            u >= 0x80;
    }

    void skipSpaceAndComments()
    {
        while (m_pos < m_sql.size()) {
            const char c = m_sql[m_pos];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
                ++m_pos;
            } else if (m_sql.substr(m_pos, 2) == "--") {
                const auto nl = m_sql.find('\n', m_pos);
                m_pos = nl == std::string_view::npos ? m_sql.size() : nl + 1;
            } else if (m_sql.substr(m_pos, 2) == "/*") {
                const auto close = m_sql.find("*/", m_pos + 2);
                m_pos = close == std::string_view::npos ? m_sql.size() : close + 2;
            } else {
                break;
            }
        }
    }

    std::string_view m_sql;
    std::size_t m_pos = 0;
};

bool isKeyword(const Token &t, std::string_view kw)
{
    return t.kind == Token::Word && sameIdent(t.value, kw);
}

bool isName(const Token &t)
{
    return t.kind == Token::Word || t.kind == Token::Quoted || t.kind == Token::String;
}

} // namespace

std::string quoteIdent(std::string_view name)
{
    return quoteWith(name, '"');
}
std::string quoteLit(std::string_view value)
{
    return quoteWith(value, '\'');
}

Result<void> checkName(std::string_view name, std::string_view what)
{
    if (name.empty())
        return fail(ErrorCode::InvalidArgument, fmt::format("the {} name is empty", what));
    if (name.find('\0') != std::string_view::npos)
        return fail(ErrorCode::InvalidArgument, fmt::format("the {} name contains a NUL byte", what),
                    "SQLite names cannot contain NUL; rename it");
    return {};
}

bool sameIdent(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

namespace {
// Parses "CREATE [TEMP] TABLE [IF NOT EXISTS] [schema.]name" and returns the
// name and the offset where the body starts.
Result<std::pair<std::string, std::size_t>> parseTableHead(std::string_view sql)
{
    Tokenizer tok(sql);
    auto t = tok.next();
    if (!t)
        return tl::unexpected(t.error());
    if (!isKeyword(*t, "CREATE"))
        return fail(ErrorCode::InvalidArgument, "not a CREATE TABLE statement");
    t = tok.next();
    if (!t)
        return tl::unexpected(t.error());
    if (isKeyword(*t, "TEMP") || isKeyword(*t, "TEMPORARY")) {
        t = tok.next();
        if (!t)
            return tl::unexpected(t.error());
    }
    if (!isKeyword(*t, "TABLE"))
        return fail(ErrorCode::InvalidArgument, "not a CREATE TABLE statement");
    Tokenizer probe = tok;
    auto a = probe.next();
    if (a && isKeyword(*a, "IF")) {
        auto b = probe.next();
        auto c = probe.next();
        if (b && c && isKeyword(*b, "NOT") && isKeyword(*c, "EXISTS"))
            tok = probe;
    }
    auto first = tok.next();
    if (!first)
        return tl::unexpected(first.error());
    if (!isName(*first))
        return fail(ErrorCode::InvalidArgument, "cannot find the table name in the CREATE TABLE statement");
    std::string name = first->value;
    Tokenizer probe2 = tok;
    auto dot = probe2.next();
    if (dot && dot->kind == Token::Punct && dot->value == ".") {
        auto second = probe2.next();
        if (!second)
            return tl::unexpected(second.error());
        if (!isName(*second))
            return fail(ErrorCode::InvalidArgument, "cannot find the table name in the CREATE TABLE statement");
        name = second->value;
        tok = probe2;
    }
    // The body starts at the next token, past any comment after the name.
    return std::pair{name, tok.position()};
}
} // namespace

Result<std::string> createTableBody(std::string_view createSql)
{
    auto head = parseTableHead(createSql);
    if (!head)
        return tl::unexpected(head.error());
    std::string_view body = createSql.substr(head->second);
    while (!body.empty() &&
           (body.front() == ' ' || body.front() == '\n' || body.front() == '\t' || body.front() == '\r'))
        body.remove_prefix(1);
    while (
        !body.empty() &&
        (body.back() == ' ' || body.back() == '\n' || body.back() == '\t' || body.back() == '\r' || body.back() == ';'))
        body.remove_suffix(1);
    if (body.empty())
        return fail(ErrorCode::InvalidArgument, "the CREATE TABLE statement has no column list");
    return std::string(body);
}

Result<std::string> createTableName(std::string_view createSql)
{
    auto head = parseTableHead(createSql);
    if (!head)
        return tl::unexpected(head.error());
    return head->first;
}

Result<IndexDef> parseCreateIndex(std::string_view sql)
{
    Tokenizer tok(sql);
    IndexDef def;
    auto t = tok.next();
    if (!t)
        return tl::unexpected(t.error());
    if (!isKeyword(*t, "CREATE"))
        return fail(ErrorCode::InvalidArgument, "not a CREATE INDEX statement");
    t = tok.next();
    if (!t)
        return tl::unexpected(t.error());
    if (isKeyword(*t, "UNIQUE")) {
        def.unique = true;
        t = tok.next();
        if (!t)
            return tl::unexpected(t.error());
    }
    if (!isKeyword(*t, "INDEX"))
        return fail(ErrorCode::InvalidArgument, "not a CREATE INDEX statement");
    Tokenizer probe = tok;
    auto a = probe.next();
    if (a && isKeyword(*a, "IF")) {
        auto b = probe.next();
        auto c = probe.next();
        if (b && c && isKeyword(*b, "NOT") && isKeyword(*c, "EXISTS"))
            tok = probe;
    }
    // [schema.]name ON [schema.]table
    auto n1 = tok.next();
    if (!n1)
        return tl::unexpected(n1.error());
    if (!isName(*n1))
        return fail(ErrorCode::InvalidArgument, "cannot find the index name");
    def.name = n1->value;
    auto n2 = tok.next();
    if (!n2)
        return tl::unexpected(n2.error());
    if (n2->kind == Token::Punct && n2->value == ".") {
        auto n3 = tok.next();
        if (!n3)
            return tl::unexpected(n3.error());
        def.name = n3->value;
        n2 = tok.next();
        if (!n2)
            return tl::unexpected(n2.error());
    }
    if (!isKeyword(*n2, "ON"))
        return fail(ErrorCode::InvalidArgument, "CREATE INDEX without ON");
    auto tbl = tok.next();
    if (!tbl)
        return tl::unexpected(tbl.error());
    if (!isName(*tbl))
        return fail(ErrorCode::InvalidArgument, "cannot find the indexed table");
    std::size_t bodyStart = tbl->end;
    Tokenizer probe2 = tok;
    auto dot = probe2.next();
    if (dot && dot->kind == Token::Punct && dot->value == ".") {
        auto real = probe2.next();
        if (!real)
            return tl::unexpected(real.error());
        bodyStart = real->end;
    }
    std::string_view body = sql.substr(bodyStart);
    while (!body.empty() && (body.front() == ' ' || body.front() == '\n' || body.front() == '\t'))
        body.remove_prefix(1);
    while (!body.empty() && (body.back() == ' ' || body.back() == '\n' || body.back() == ';'))
        body.remove_suffix(1);
    def.body = std::string(body);
    return def;
}

// ---- Statement ----

Statement::Statement(Statement &&other) noexcept
    : m_db(other.m_db)
    , m_stmt(other.m_stmt)
    , m_sql(std::move(other.m_sql))
{
    other.m_stmt = nullptr;
}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = other.m_db;
        m_stmt = other.m_stmt;
        m_sql = std::move(other.m_sql);
        other.m_stmt = nullptr;
    }
    return *this;
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Result<Statement> Statement::prepare(sqlite3 *db, std::string_view sql)
{
    Statement s;
    s.m_db = db;
    s.m_sql = std::string(sql);
    const int rc = sqlite3_prepare_v2(db, s.m_sql.c_str(), int(s.m_sql.size()), &s.m_stmt, nullptr);
    if (rc != SQLITE_OK)
        return tl::unexpected(sqliteError(db, rc, "preparing a statement"));
    return s;
}

Statement &Statement::bind(int index, std::int64_t value)
{
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement &Statement::bind(int index, std::string_view text)
{
    sqlite3_bind_text(m_stmt, index, text.data(), int(text.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bind(int index, std::optional<std::int64_t> value)
{
    if (value)
        sqlite3_bind_int64(m_stmt, index, *value);
    else
        sqlite3_bind_null(m_stmt, index);
    return *this;
}

Statement &Statement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

Result<bool> Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    Error e = sqliteError(m_db, rc, "running a statement");
    sqlite3_reset(m_stmt);
    return tl::unexpected(e);
}

Result<void> Statement::run()
{
    for (;;) {
        auto r = step();
        if (!r)
            return tl::unexpected(r.error());
        if (!*r)
            break;
    }
    sqlite3_reset(m_stmt);
    return {};
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

std::int64_t Statement::integer(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

std::optional<std::int64_t> Statement::optionalInteger(int column) const
{
    if (sqlite3_column_type(m_stmt, column) == SQLITE_NULL)
        return std::nullopt;
    return sqlite3_column_int64(m_stmt, column);
}

std::string Statement::text(int column) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    if (!p)
        return {};
    return std::string(p, std::size_t(sqlite3_column_bytes(m_stmt, column)));
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

Result<void> exec(sqlite3 *db, const std::string &sql)
{
    char *msg = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
    sqlite3_free(msg);
    if (rc != SQLITE_OK)
        return tl::unexpected(sqliteError(db, rc, "running SQL"));
    return {};
}

Result<std::optional<std::int64_t>> queryInteger(sqlite3 *db, const std::string &sql)
{
    auto st = Statement::prepare(db, sql);
    if (!st)
        return tl::unexpected(st.error());
    auto row = st->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return std::optional<std::int64_t>{};
    return st->optionalInteger(0);
}

Result<void> execSingle(sqlite3 *db, std::string_view sql)
{
    sqlite3_stmt *stmt = nullptr;
    const char *tail = nullptr;
    const std::string text(sql);
    int rc = sqlite3_prepare_v2(db, text.c_str(), int(text.size()), &stmt, &tail);
    if (rc != SQLITE_OK)
        return tl::unexpected(sqliteError(db, rc, "preparing a statement"));
    for (const char *p = tail; p && *p; ++p) {
        if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') {
            sqlite3_finalize(stmt);
            return fail(ErrorCode::InvalidArgument, "expected a single SQL statement, found more",
                        "pass one CREATE statement at a time");
        }
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) { }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return tl::unexpected(sqliteError(db, rc, "running a statement"));
    return {};
}

Result<WriteTransaction> WriteTransaction::begin(sqlite3 *db)
{
    const int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        return tl::unexpected(sqliteError(db, rc, "starting a write transaction"));
    return WriteTransaction(db);
}

WriteTransaction::~WriteTransaction()
{
    rollback();
}

Result<void> WriteTransaction::commit()
{
    if (!m_db)
        return fail(ErrorCode::Internal, "commit without a transaction");
    const int rc = sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        return tl::unexpected(sqliteError(m_db, rc, "committing"));
    m_db = nullptr;
    return {};
}

void WriteTransaction::rollback()
{
    // An interrupted statement may already have rolled the transaction back.
    if (m_db && !sqlite3_get_autocommit(m_db))
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    m_db = nullptr;
}

Error sqliteError(sqlite3 *db, int rc, std::string_view context)
{
    const int primary = rc & 0xff;
    const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return Error{ErrorCode::Busy, "the database is locked by another writer",
                     "wait until the other writer commits, or raise the lock timeout"};
    case SQLITE_INTERRUPT:
        return Error{ErrorCode::Cancelled, "cancelled; nothing was changed", {}};
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return Error{ErrorCode::Corrupt, fmt::format("not a usable SQLite database: {}", detail),
                     "check that the path points to an SQLite database file"};
    default:
        return Error{ErrorCode::Database, fmt::format("SQLite error while {}: {}", context, detail), {}};
    }
}

std::int64_t nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace tidemark::sqlite
