#pragma once
// One libpq connection with the few things the connector needs: bound-
// parameter queries whose failures come back as tidemark::Error (SQLSTATE
// mapped to an ErrorCode and a hint a DBA can act on), identifier and literal
// quoting, and a cancel handle usable from any thread. Nothing here ever
// puts a password into a message.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

struct pg_conn;
struct pg_result;
struct pg_cancel;

namespace tidemark::postgres {

/// A query result: rows of nullable text values.
class Rows {
public:
    Rows() = default;
    explicit Rows(pg_result *res);
    Rows(Rows &&) noexcept;
    Rows &operator=(Rows &&) noexcept;
    Rows(const Rows &) = delete;
    Rows &operator=(const Rows &) = delete;
    ~Rows();

    int size() const;
    int columns() const;
    bool null(int row, int col) const;
    std::string text(int row, int col) const; ///< "" for NULL
    std::int64_t integer(int row, int col) const; ///< 0 for NULL
    double real(int row, int col) const;
    bool boolean(int row, int col) const;
    std::optional<std::int64_t> optInteger(int row, int col) const;
    std::int64_t affected() const; ///< rows changed by INSERT/UPDATE/DELETE

private:
    pg_result *m_res = nullptr;
};

/// A value for a $n parameter: text, or SQL NULL.
using Param = std::optional<std::string>;

/// Where the connection goes, for messages: user@host:port/db, no secrets.
std::string describeTarget(pg_conn *conn);

/// statement_timeout of Tidemark's own queries (catalogue, activity, key
/// histograms) unless the connection string sets one.
inline constexpr std::int64_t kDefaultStatementTimeoutMs = 30000;

class PgConnection {
public:
    /// Connects to a postgresql:// URI or key=value conninfo. The password is
    /// whatever libpq finds (the URI, PGPASSWORD, ~/.pgpass / PGPASSFILE).
    /// The connect gives up on connect_timeout (default 10 s) or as soon as
    /// the calling job's stop token (currentStopToken()) is set. query() and
    /// exec() refuse to start once it is set.
    static Result<std::unique_ptr<PgConnection>> open(const std::string &conninfo);
    /// A second session to the same server and database as this one, with
    /// the same connection options (for work that overlaps this session's).
    Result<std::unique_ptr<PgConnection>> openAnother() const;
    ~PgConnection();
    PgConnection(const PgConnection &) = delete;
    PgConnection &operator=(const PgConnection &) = delete;

    /// A statement with bound parameters ($1 …), one result.
    Result<Rows> query(std::string_view sql, const std::vector<Param> &params = {});
    /// A statement (or several separated by ';') without parameters.
    Result<void> exec(std::string_view sql);
    /// First column of the first row as an integer (0 for none or NULL).
    Result<std::int64_t> scalar(std::string_view sql, const std::vector<Param> &params = {});

    /// COPY … TO STDOUT: calls `row` with each row in COPY's text format
    /// (one line, with its newline); returns the rows. An error `row`
    /// returns stops the copy (the connection is drained and stays usable).
    Result<std::int64_t> copyOut(std::string_view sql, const std::function<Result<void>(std::string_view)> &row);
    /// COPY … FROM STDIN: start, put data (any slicing), end; the rows copied.
    Result<void> copyInStart(std::string_view sql);
    Result<void> copyInPut(std::string_view data);
    Result<std::int64_t> copyInEnd();
    /// Ends a COPY FROM STDIN with an error: the statement fails, nothing is copied.
    void copyInAbort(std::string_view why);

    Result<void> begin() { return exec("BEGIN"); }
    Result<void> commit() { return exec("COMMIT"); }
    /// Rolls back if a transaction is open; never fails loudly.
    void rollback();
    bool inTransaction() const;

    /// Asks the server to stop the running statement (any thread).
    void cancel();

    std::string quoteIdent(std::string_view name) const;
    std::string quoteLiteral(std::string_view value) const;
    /// schema.name, both parts quoted.
    std::string qualified(std::string_view schema, std::string_view name) const
    {
        return quoteIdent(schema) + "." + quoteIdent(name);
    }

    /// The session's statement_timeout for Tidemark's own queries, in ms.
    std::int64_t statementTimeoutMs() const { return m_statementTimeoutMs; }
    /// Sets the session's statement_timeout now (0: none), ignoring failure.
    void setStatementTimeout(std::int64_t ms);

    int serverVersion() const;
    std::string target() const; ///< user@host:port/db
    pg_conn *handle() const { return m_conn; }

private:
    explicit PgConnection(pg_conn *conn);
    Error errorFrom(pg_result *res, std::string_view sql) const;
    Result<void> checkStop() const;

    pg_conn *m_conn = nullptr;
    std::mutex m_cancelMutex;
    pg_cancel *m_cancel = nullptr;
    std::int64_t m_statementTimeoutMs = kDefaultStatementTimeoutMs;
};

/// Lifts statement_timeout while a step runs (or verifies): its batches and
/// checksums take as long as the data needs and are bounded by their own
/// lock_timeout and by cancellation instead. Restores it when destroyed.
class UnboundedStatements {
public:
    explicit UnboundedStatements(PgConnection &c);
    ~UnboundedStatements();
    UnboundedStatements(const UnboundedStatements &) = delete;
    UnboundedStatements &operator=(const UnboundedStatements &) = delete;

private:
    PgConnection &m_c;
};

/// Maps an SQLSTATE to the engine's error code.
ErrorCode codeForSqlState(std::string_view sqlstate);
/// What a DBA can do about an SQLSTATE ("" when nothing specific).
std::string hintForSqlState(std::string_view sqlstate);

/// Scoped transaction: rolls back unless committed.
class Transaction {
public:
    explicit Transaction(PgConnection &c)
        : m_c(c)
    {
    }
    ~Transaction()
    {
        if (m_open)
            m_c.rollback();
    }
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    Result<void> begin()
    {
        auto r = m_c.begin();
        m_open = bool(r);
        return r;
    }
    Result<void> commit()
    {
        m_open = false;
        return m_c.commit();
    }

private:
    PgConnection &m_c;
    bool m_open = false;
};

} // namespace tidemark::postgres
