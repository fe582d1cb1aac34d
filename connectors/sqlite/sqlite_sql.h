#pragma once
// Small SQL toolkit of the SQLite connector: identifier/literal quoting, a
// tokenizer that finds the body of CREATE TABLE / CREATE INDEX statements,
// and a RAII prepared statement that reports errors as tidemark::Error.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tidemark::sqlite {

/// "name" with embedded quotes doubled. Throws std::invalid_argument on a NUL
/// byte: callers validate user-supplied names with checkName() first.
std::string quoteIdent(std::string_view name);
/// 'value' with embedded single quotes doubled (NUL refused the same way).
std::string quoteLit(std::string_view value);
/// An integer for DDL text.
inline std::string sqlInt(std::int64_t v)
{
    return std::to_string(v);
}

/// InvalidArgument unless `name` is a usable table/column name (non-empty, no NUL).
Result<void> checkName(std::string_view name, std::string_view what);

/// ASCII case-insensitive equality, as SQLite compares identifiers.
bool sameIdent(std::string_view a, std::string_view b);

/// Everything after the table name of a CREATE TABLE statement, verbatim
/// ("(id INTEGER PRIMARY KEY, …) WITHOUT ROWID"). The name may be quoted in
/// any of SQLite's styles and schema-qualified; comments are skipped.
Result<std::string> createTableBody(std::string_view createSql);
/// The (unquoted) table name of a CREATE TABLE statement.
Result<std::string> createTableName(std::string_view createSql);

/// A CREATE INDEX statement split at its names, so it can be re-created on
/// another table under another name.
struct IndexDef {
    std::string name;
    bool unique = false;
    std::string body; ///< verbatim text after "ON table": "(col, …) WHERE …"
};
Result<IndexDef> parseCreateIndex(std::string_view createSql);

/// One prepared statement; finalized on destruction.
class Statement {
public:
    Statement() = default;
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement();

    static Result<Statement> prepare(sqlite3 *db, std::string_view sql);

    Statement &bind(int index, std::int64_t value);
    Statement &bind(int index, std::string_view text);
    Statement &bind(int index, std::optional<std::int64_t> value);
    Statement &bindNull(int index);

    /// true when a row is available, false when done.
    Result<bool> step();
    /// Runs to completion, ignoring rows.
    Result<void> run();
    void reset();

    std::int64_t integer(int column) const;
    std::optional<std::int64_t> optionalInteger(int column) const;
    std::string text(int column) const;
    bool isNull(int column) const;

    sqlite3_stmt *handle() const { return m_stmt; }

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    std::string m_sql;
};

/// Runs one or more statements without results.
Result<void> exec(sqlite3 *db, const std::string &sql);
/// A single integer result (0 rows → nullopt).
Result<std::optional<std::int64_t>> queryInteger(sqlite3 *db, const std::string &sql);

/// Runs exactly one statement; refuses SQL text that holds more than one.
Result<void> execSingle(sqlite3 *db, std::string_view sql);

/// BEGIN IMMEDIATE … COMMIT; rolls back on destruction unless committed.
class WriteTransaction {
public:
    static Result<WriteTransaction> begin(sqlite3 *db);
    WriteTransaction(WriteTransaction &&other) noexcept
        : m_db(other.m_db)
    {
        other.m_db = nullptr;
    }
    WriteTransaction &operator=(WriteTransaction &&) = delete;
    WriteTransaction(const WriteTransaction &) = delete;
    ~WriteTransaction();
    Result<void> commit();
    void rollback();

private:
    explicit WriteTransaction(sqlite3 *db)
        : m_db(db)
    {
    }
    sqlite3 *m_db = nullptr;
};

/// Error for a failed SQLite call: BUSY → Busy, INTERRUPT → Cancelled,
/// NOTADB/CORRUPT → Corrupt, everything else → Database.
Error sqliteError(sqlite3 *db, int rc, std::string_view context);
/// Why the database at `path` cannot be written (a read-only file, folder or
/// file system), or "" when it can.
std::string readOnlyReason(const std::filesystem::path &path);
/// What to do about it: SQLite writes its journal beside the database.
std::string readOnlyHint(const std::filesystem::path &path);

/// Milliseconds since the epoch, as SQL text evaluated by SQLite
/// (used in catalogue rows so preview and execute run identical text).
inline constexpr const char *kNowMsSql = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

std::int64_t nowMs();

} // namespace tidemark::sqlite
