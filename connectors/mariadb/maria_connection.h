#pragma once
// One MariaDB Connector/C connection with what the connector needs: queries
// whose failures come back as tidemark::Error (server error numbers mapped
// to an ErrorCode and a hint a DBA can act on), identifier and literal
// quoting, and a cancel (KILL QUERY from a second session) usable from any
// thread. Nothing here ever puts a password into a message.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "maria_uri.h"
#include "result.h"

struct st_mysql;

namespace tidemark::mariadb {

/// A query result: rows of nullable text values, held in memory.
class Rows {
public:
    int size() const { return int(m_rows.size()); }
    int columns() const { return m_columns; }
    bool null(int row, int col) const { return !m_rows[std::size_t(row)][std::size_t(col)]; }
    std::string text(int row, int col) const; ///< "" for NULL
    std::int64_t integer(int row, int col) const; ///< 0 for NULL
    std::uint64_t unsignedInteger(int row, int col) const;
    std::optional<std::int64_t> optInteger(int row, int col) const;
    const std::optional<std::string> &value(int row, int col) const
    {
        return m_rows[std::size_t(row)][std::size_t(col)];
    }
    const std::vector<std::string> &names() const { return m_names; }
    std::int64_t affected() const { return m_affected; }

private:
    friend class MariaConnection;
    int m_columns = 0;
    std::vector<std::string> m_names;
    std::vector<std::vector<std::optional<std::string>>> m_rows;
    std::int64_t m_affected = 0;
};

/// Tidemark's own queries (catalogue, activity) give up after this unless
/// a step lifts it (max_statement_time).
inline constexpr int kDefaultStatementSeconds = 30;

class MariaConnection {
public:
    /// Connects with the URI's user and password; a missing password comes
    /// from the option file (~/.my.cnf: a [client-USER@HOST] or
    /// [client-HOST] section first, else Connector/C's own reading of [client]).
    static Result<std::unique_ptr<MariaConnection>> open(const MariaUri &uri);
    ~MariaConnection();
    MariaConnection(const MariaConnection &) = delete;
    MariaConnection &operator=(const MariaConnection &) = delete;

    /// One statement; its result rows (none for statements without).
    Result<Rows> query(std::string_view sql);
    Result<void> exec(std::string_view sql);
    /// First column of the first row as an integer (0 for none or NULL).
    Result<std::int64_t> scalar(std::string_view sql);

    Result<void> begin() { return exec("START TRANSACTION"); }
    Result<void> commit() { return exec("COMMIT"); }
    void rollback();

    /// KILL QUERY of the running statement from a second session (any thread).
    void cancel();

    std::string quoteIdent(std::string_view name) const;
    std::string quoteLiteral(std::string_view value) const;

    unsigned long serverVersion() const; ///< e.g. 101119
    unsigned long threadId() const;
    std::string target() const { return m_uri.target(); }
    const MariaUri &uri() const { return m_uri; }
    st_mysql *handle() const { return m_conn; }

private:
    MariaConnection(st_mysql *conn, MariaUri uri);
    Error errorFrom(std::string_view sql) const;

    st_mysql *m_conn = nullptr;
    MariaUri m_uri; ///< with the password actually used, to open the cancel session
    std::mutex m_cancelMutex;
};

/// Maps a server or client error number to the engine's error code.
ErrorCode codeForErrno(unsigned err);
/// What a DBA can do about an error number ("" when nothing specific).
std::string hintForErrno(unsigned err);

/// Scoped transaction: rolls back unless committed.
class Transaction {
public:
    explicit Transaction(MariaConnection &c)
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
    MariaConnection &m_c;
    bool m_open = false;
};

} // namespace tidemark::mariadb
