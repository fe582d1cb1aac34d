#pragma once
// Internal to engine/store: a small RAII layer over the SQLite C API so every
// statement is finalized and every SQLite failure becomes a Result error.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <sqlite3.h>

#include "result.h"

namespace tidemark::store {

/// The error for a failed SQLite call on `db`; `what` names the operation.
inline Error sqliteError(sqlite3 *db, int rc, std::string_view what)
{
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    const int primary = rc & 0xff;
    Error e;
    e.message = std::string("metadata store: ") + std::string(what) + ": " + (msg ? msg : sqlite3_errstr(rc));
    switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        e.code = ErrorCode::Busy;
        e.hint = "another Tidemark process is writing to the metadata store; try again in a moment";
        break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        e.code = ErrorCode::Corrupt;
        e.hint = "restore the metadata store from a backup, or move it aside or pass another --store PATH";
        break;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
        e.code = ErrorCode::Io;
        e.hint = "check that the metadata store's directory exists, is writable and has free space";
        break;
    default:
        e.code = ErrorCode::Database;
        break;
    }
    return e;
}

/// Runs SQL without results (DDL, PRAGMA, BEGIN/COMMIT); may hold several statements.
inline Result<void> execSql(sqlite3 *db, const char *sql)
{
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        return tl::unexpected(sqliteError(db, rc, sql));
    return {};
}

/// One prepared statement. Bind with 1-based indexes, step, read 0-based columns.
class Statement {
public:
    static Result<Statement> prepare(sqlite3 *db, std::string_view sql)
    {
        sqlite3_stmt *stmt = nullptr;
        const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(stmt);
            return tl::unexpected(sqliteError(db, rc, std::string("preparing ") + std::string(sql)));
        }
        return Statement(db, stmt);
    }

    Statement(Statement &&other) noexcept
        : m_db(other.m_db)
        , m_stmt(std::exchange(other.m_stmt, nullptr))
        , m_bindRc(other.m_bindRc)
    {
    }
    Statement &operator=(Statement &&other) noexcept
    {
        if (this != &other) {
            sqlite3_finalize(m_stmt);
            m_db = other.m_db;
            m_stmt = std::exchange(other.m_stmt, nullptr);
            m_bindRc = other.m_bindRc;
        }
        return *this;
    }
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement() { sqlite3_finalize(m_stmt); }

    Statement &bind(int i, std::int64_t v) { return check(sqlite3_bind_int64(m_stmt, i, v)); }
    Statement &bind(int i, int v) { return check(sqlite3_bind_int64(m_stmt, i, v)); }
    Statement &bind(int i, bool v) { return check(sqlite3_bind_int(m_stmt, i, v ? 1 : 0)); }
    Statement &bind(int i, double v) { return check(sqlite3_bind_double(m_stmt, i, v)); }
    Statement &bind(int i, std::string_view v)
    {
        return check(sqlite3_bind_text64(m_stmt, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    }
    Statement &bind(int i, const std::string &v) { return bind(i, std::string_view(v)); }
    Statement &bind(int i, const char *v) { return bind(i, std::string_view(v)); }
    Statement &bind(int i, std::nullptr_t) { return check(sqlite3_bind_null(m_stmt, i)); }
    /// Bytes as a BLOB (text() reads them back).
    Statement &bindBlob(int i, std::string_view bytes)
    {
        return check(sqlite3_bind_blob64(m_stmt, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
    }
    template <class T> Statement &bind(int i, const std::optional<T> &v) { return v ? bind(i, *v) : bind(i, nullptr); }
    /// Binds 0 as NULL: for optional ids and times stored as NULL when unset.
    Statement &bindNonZero(int i, std::int64_t v) { return v ? bind(i, v) : bind(i, nullptr); }

    /// Advances; true while a row is available, false when done.
    Result<bool> step()
    {
        if (m_bindRc != SQLITE_OK)
            return tl::unexpected(sqliteError(m_db, m_bindRc, std::string("binding ") + sql()));
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW)
            return true;
        if (rc == SQLITE_DONE)
            return false;
        return tl::unexpected(sqliteError(m_db, rc, sql()));
    }
    /// Steps to completion (for INSERT/UPDATE/DELETE) and resets for reuse.
    Result<void> run()
    {
        for (;;) {
            auto r = step();
            if (!r) {
                reset();
                return tl::unexpected(r.error());
            }
            if (!*r)
                break;
        }
        reset();
        return {};
    }
    void reset()
    {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
        m_bindRc = SQLITE_OK;
    }

    bool isNull(int c) const { return sqlite3_column_type(m_stmt, c) == SQLITE_NULL; }
    bool isBlob(int c) const { return sqlite3_column_type(m_stmt, c) == SQLITE_BLOB; }
    std::int64_t int64(int c) const { return sqlite3_column_int64(m_stmt, c); }
    double real(int c) const { return sqlite3_column_double(m_stmt, c); }
    std::string text(int c) const
    {
        const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, c));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, c))) : std::string();
    }

private:
    Statement(sqlite3 *db, sqlite3_stmt *stmt)
        : m_db(db)
        , m_stmt(stmt)
    {
    }
    Statement &check(int rc)
    {
        if (rc != SQLITE_OK && m_bindRc == SQLITE_OK)
            m_bindRc = rc;
        return *this;
    }
    std::string sql() const
    {
        const char *s = sqlite3_sql(m_stmt);
        return s ? s : "";
    }

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    int m_bindRc = SQLITE_OK;
};

/// Runs `fn` in a transaction: BEGIN IMMEDIATE at the outermost level (so a
/// writer waits for the busy timeout instead of failing on upgrade), a
/// SAVEPOINT when nested. Rolls back when `fn` returns an error.
template <class Fn> Result<void> inTransaction(sqlite3 *db, Fn &&fn)
{
    const bool outermost = sqlite3_get_autocommit(db) != 0;
    if (auto r = execSql(db, outermost ? "BEGIN IMMEDIATE" : "SAVEPOINT tidemark_nested"); !r)
        return r;
    Result<void> result = fn();
    if (result) {
        if (auto r = execSql(db, outermost ? "COMMIT" : "RELEASE tidemark_nested"); r)
            return result;
        else
            result = r;
    }
    if (outermost) {
        // A failed statement may already have rolled back; only roll back an open transaction.
        if (sqlite3_get_autocommit(db) == 0)
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    } else {
        sqlite3_exec(db, "ROLLBACK TO tidemark_nested", nullptr, nullptr, nullptr);
        sqlite3_exec(db, "RELEASE tidemark_nested", nullptr, nullptr, nullptr);
    }
    return result;
}

} // namespace tidemark::store
