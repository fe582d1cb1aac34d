#include "pg_connection.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>

#include "host/stop_scope.h"

namespace tidemark::postgres {

Rows::Rows(pg_result *res)
    : m_res(res)
{
}
Rows::Rows(Rows &&o) noexcept
    : m_res(o.m_res)
{
    o.m_res = nullptr;
}
Rows &Rows::operator=(Rows &&o) noexcept
{
    if (this != &o) {
        if (m_res)
            PQclear(m_res);
        m_res = o.m_res;
        o.m_res = nullptr;
    }
    return *this;
}
Rows::~Rows()
{
    if (m_res)
        PQclear(m_res);
}
int Rows::size() const
{
    return m_res ? PQntuples(m_res) : 0;
}
int Rows::columns() const
{
    return m_res ? PQnfields(m_res) : 0;
}
bool Rows::null(int row, int col) const
{
    return !m_res || PQgetisnull(m_res, row, col);
}
std::string Rows::text(int row, int col) const
{
    if (null(row, col))
        return {};
    return std::string(PQgetvalue(m_res, row, col), std::size_t(PQgetlength(m_res, row, col)));
}
std::int64_t Rows::integer(int row, int col) const
{
    return null(row, col) ? 0 : std::strtoll(PQgetvalue(m_res, row, col), nullptr, 10);
}
double Rows::real(int row, int col) const
{
    return null(row, col) ? 0.0 : std::strtod(PQgetvalue(m_res, row, col), nullptr);
}
bool Rows::boolean(int row, int col) const
{
    return !null(row, col) && PQgetvalue(m_res, row, col)[0] == 't';
}
std::optional<std::int64_t> Rows::optInteger(int row, int col) const
{
    if (null(row, col))
        return std::nullopt;
    return integer(row, col);
}
std::int64_t Rows::affected() const
{
    const char *n = m_res ? PQcmdTuples(m_res) : "";
    return *n ? std::strtoll(n, nullptr, 10) : 0;
}

std::string describeTarget(pg_conn *conn)
{
    auto s = [](const char *p) { return std::string(p ? p : ""); };
    std::string host = s(PQhost(conn));
    if (host.empty() || host.front() == '/')
        host = "[socket " + host + "]";
    return fmt::format("{}@{}:{}/{}", s(PQuser(conn)), host, s(PQport(conn)), s(PQdb(conn)));
}

namespace {

bool contains(const std::string &s, const char *what)
{
    return s.find(what) != std::string::npos;
}

// Messages libpq gives for a failed connection, turned into a code and a hint.
Error connectError(pg_conn *conn)
{
    std::string msg = PQerrorMessage(conn);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
        msg.pop_back();
    const std::string where = describeTarget(conn);
    Error e{ErrorCode::Database, fmt::format("cannot connect to PostgreSQL {}: {}", where, msg), {}};
    if (contains(msg, "password authentication failed") || contains(msg, "no password supplied") ||
        contains(msg, "authentication failed")) {
        e.code = ErrorCode::AuthFailed;
        e.hint = "check the user name and the password in ~/.pgpass (or the file PGPASSFILE names; it must be "
                 "mode 0600) or the keychain entry; Tidemark never stores passwords itself";
    } else if (contains(msg, "Connection refused") || contains(msg, "timeout expired") ||
               contains(msg, "could not translate host name") || contains(msg, "No route to host") ||
               contains(msg, "Network is unreachable") || contains(msg, "No such file or directory")) {
        e.code = ErrorCode::Unreachable;
        e.hint = "check host and port, that the server runs and accepts TCP connections there "
                 "(listen_addresses, firewall); `pg_isready -h HOST -p PORT` tells quickly";
    } else if (contains(msg, "does not exist")) {
        e.code = ErrorCode::NotFound;
        e.hint = "check the database and role names in the URI";
    } else if (contains(msg, "pg_hba.conf")) {
        e.code = ErrorCode::AuthFailed;
        e.hint = "the server's pg_hba.conf does not admit this user/database/address; ask the DBA to add a line";
    } else if (contains(msg, "SSL")) {
        e.code = ErrorCode::InvalidArgument;
        e.hint = "check sslmode (disable, prefer, require, verify-ca, verify-full) and the certificates";
    } else if (contains(msg, "invalid") || contains(msg, "missing")) {
        e.code = ErrorCode::InvalidArgument;
        e.hint = "use postgresql://user@host:port/database?sslmode=… or key=value conninfo "
                 "(host=… port=… dbname=… user=…)";
    }
    return e;
}

Error cancelledConnect(pg_conn *conn)
{
    return Error{ErrorCode::Cancelled,
                 fmt::format("the connection to PostgreSQL {} was cancelled before it was made", describeTarget(conn)),
                 {}};
}

/// connect_timeout as libpq reads it (seconds; 0 or none: wait forever; at least 2).
int connectTimeoutSeconds(pg_conn *conn)
{
    int seconds = 0;
    if (PQconninfoOption *options = PQconninfo(conn)) {
        for (PQconninfoOption *o = options; o->keyword; ++o)
            if (std::strcmp(o->keyword, "connect_timeout") == 0 && o->val)
                seconds = std::atoi(o->val);
        PQconninfoFree(options);
    }
    return seconds <= 0 ? 0 : std::max(seconds, 2);
}

/// Drives a non-blocking connect to its end. The blocking PQconnectdb cannot
/// be interrupted, and a server that accepts the TCP connection but never
/// answers would hold the job until connect_timeout; here the job's stop
/// token is looked at every few milliseconds. PQconnectPoll ignores
/// connect_timeout, so the deadline is kept here (for all hosts together).
std::optional<Error> finishConnect(pg_conn *conn)
{
    using Clock = std::chrono::steady_clock;
    constexpr int kSliceMs = 50;
    const std::stop_token stop = currentStopToken();
    const int timeout = connectTimeoutSeconds(conn);
    const auto deadline = Clock::now() + std::chrono::seconds(timeout);
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    while (state != PGRES_POLLING_OK) {
        if (state == PGRES_POLLING_FAILED)
            return connectError(conn);
        pollfd p{PQsocket(conn), short(state == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
        for (;;) {
            if (stop.stop_requested())
                return cancelledConnect(conn);
            if (timeout > 0 && Clock::now() >= deadline) {
                Error e;
                e.code = ErrorCode::Unreachable;
                e.message = fmt::format("cannot connect to PostgreSQL {}: no answer within connect_timeout ({} s)",
                                        describeTarget(conn), timeout);
                e.hint = "check host and port and that a PostgreSQL server (not another service) answers there; "
                         "raise connect_timeout in the URI for a slow network";
                return e;
            }
            const int ready = ::poll(&p, 1, kSliceMs);
            if (ready > 0 || (ready < 0 && errno != EINTR))
                break;
        }
        state = PQconnectPoll(conn);
    }
    return std::nullopt;
}

} // namespace

ErrorCode codeForSqlState(std::string_view s)
{
    if (s == "55P03" || s == "40P01" || s == "40001" || s == "55006")
        return ErrorCode::Busy;
    if (s == "57014")
        return ErrorCode::Cancelled;
    if (s == "42P01" || s == "3F000" || s == "42704")
        return ErrorCode::NotFound;
    if (s == "0A000")
        return ErrorCode::Unsupported;
    if (s.substr(0, 2) == "22" || s == "42601" || s == "42703")
        return ErrorCode::InvalidArgument;
    return ErrorCode::Database;
}

std::string hintForSqlState(std::string_view s)
{
    if (s == "42501")
        return "the connecting role lacks a privilege: connect as the table's owner (or a member of the owning "
               "role), or have the owner GRANT it; nothing was changed";
    if (s == "55P03")
        return "another session held a conflicting lock longer than the lock timeout; retry later or raise "
               "--lock-timeout; nothing was changed";
    if (s == "40P01")
        return "a deadlock with another session was broken by rolling this transaction back; retry";
    if (s == "57014")
        return "the statement was cancelled (by Tidemark's cancel, a statement_timeout, or an administrator)";
    if (s == "53300")
        return "the server has no free connection slot; close idle sessions or raise max_connections";
    if (s == "25006")
        return "the server is read-only (a standby?); connect to the primary";
    return {};
}

PgConnection::PgConnection(pg_conn *conn)
    : m_conn(conn)
    , m_cancel(PQgetCancel(conn))
{
}

PgConnection::~PgConnection()
{
    {
        std::lock_guard lock(m_cancelMutex);
        if (m_cancel)
            PQfreeCancel(m_cancel);
        m_cancel = nullptr;
    }
    PQfinish(m_conn);
}

Result<std::unique_ptr<PgConnection>> PgConnection::openAnother() const
{
    std::string conninfo;
    if (PQconninfoOption *options = PQconninfo(m_conn)) {
        for (PQconninfoOption *o = options; o->keyword; ++o) {
            if (!o->val || !*o->val)
                continue;
            std::string v;
            for (const char *p = o->val; *p; ++p) {
                if (*p == '\\' || *p == '\'')
                    v += '\\';
                v += *p;
            }
            conninfo += fmt::format("{}{}='{}'", conninfo.empty() ? "" : " ", o->keyword, v);
        }
        PQconninfoFree(options);
    }
    if (conninfo.empty())
        return fail(ErrorCode::Internal, "libpq did not give this connection's options");
    return open(conninfo);
}

Result<std::unique_ptr<PgConnection>> PgConnection::open(const std::string &conninfo)
{
    if (conninfo.empty())
        return fail(ErrorCode::InvalidArgument, "empty PostgreSQL connection string",
                    "use postgresql://user@host:port/database or host=… dbname=… user=…");
    // Defaults first: anything the URI says overrides them.
    const char *keys[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
    const char *values[] = {"10", "tidemark", conninfo.c_str(), nullptr};
    pg_conn *conn = PQconnectStartParams(keys, values, 1);
    if (!conn)
        return fail(ErrorCode::Internal, "libpq could not allocate a connection");
    std::optional<Error> failed;
    if (PQstatus(conn) == CONNECTION_BAD)
        failed = connectError(conn);
    else
        failed = finishConnect(conn);
    if (failed) {
        PQfinish(conn);
        return tl::unexpected(*failed);
    }
    std::unique_ptr<PgConnection> c(new PgConnection(conn));
    // A value given at connect time (options=-c statement_timeout=… in the
    // URI, or PGOPTIONS) is the user's choice; a role's default is not.
    auto current = c->query("SELECT setting, source = 'client' FROM pg_settings WHERE name = 'statement_timeout'");
    if (!current)
        return tl::unexpected(current.error());
    if (current->size() && current->boolean(0, 1))
        c->m_statementTimeoutMs = current->integer(0, 0);
    // Every session of Tidemark reads the catalogue the same way whatever the
    // role's defaults are; its own queries are bounded by statement_timeout
    // so a stuck server or lock cannot hold a scan forever (steps lift it,
    // see UnboundedStatements). TimeZone UTC: timestamptz bounds print as
    // "+00", so bound texts (and the fingerprints made of them) do not depend
    // on the role's zone; parseKey still honours any offset printed.
    if (auto r = c->exec(fmt::format("SET search_path = pg_catalog, public; SET client_min_messages = warning; "
                                     "SET statement_timeout = {}; SET DateStyle = ISO; SET IntervalStyle = postgres; "
                                     "SET TimeZone = 'UTC'",
                                     c->m_statementTimeoutMs));
        !r)
        return tl::unexpected(r.error());
    return c;
}

Error PgConnection::errorFrom(pg_result *res, std::string_view sql) const
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : nullptr;
    const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : nullptr;
    std::string message = primary ? primary : PQerrorMessage(m_conn);
    while (!message.empty() && message.back() == '\n')
        message.pop_back();
    if (detail && *detail)
        message += fmt::format(" ({})", detail);
    const std::string sqlstate = state ? state : "";
    Error e{sqlstate.empty() ? ErrorCode::Database : codeForSqlState(sqlstate), message, hintForSqlState(sqlstate)};
    if (e.hint.empty() && hint)
        e.hint = hint;
    if (PQstatus(m_conn) == CONNECTION_BAD) {
        e.code = ErrorCode::Io;
        e.hint = "the connection to the server was lost; reconnect and retry";
    }
    // The first line of the statement helps locate the failure; statements
    // never carry secrets (values are bound, DDL holds only names and bounds).
    std::string first(sql.substr(0, sql.find('\n')));
    if (first.size() > 160)
        first = first.substr(0, 157) + "...";
    if (!first.empty())
        e.message += fmt::format(" [SQLSTATE {}; in: {}]", sqlstate.empty() ? "?" : sqlstate, first);
    return e;
}

Result<Rows> PgConnection::query(std::string_view sql, const std::vector<Param> &params)
{
    if (auto stopped = checkStop(); !stopped)
        return tl::unexpected(stopped.error());
    std::string text(sql);
    std::vector<const char *> values;
    values.reserve(params.size());
    for (const auto &p : params)
        values.push_back(p ? p->c_str() : nullptr);
    pg_result *res =
        PQexecParams(m_conn, text.c_str(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    const auto status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        Error e = errorFrom(res, sql);
        if (res)
            PQclear(res);
        return tl::unexpected(e);
    }
    return Rows(res);
}

Result<void> PgConnection::exec(std::string_view sql)
{
    if (auto stopped = checkStop(); !stopped)
        return stopped;
    std::string text(sql);
    pg_result *res = PQexec(m_conn, text.c_str());
    const auto status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
        Error e = errorFrom(res, sql);
        if (res)
            PQclear(res);
        return tl::unexpected(e);
    }
    PQclear(res);
    return {};
}

Result<std::int64_t> PgConnection::scalar(std::string_view sql, const std::vector<Param> &params)
{
    auto rows = query(sql, params);
    if (!rows)
        return tl::unexpected(rows.error());
    return rows->size() ? rows->integer(0, 0) : 0;
}

void PgConnection::rollback()
{
    if (PQtransactionStatus(m_conn) != PQTRANS_IDLE && PQstatus(m_conn) == CONNECTION_OK)
        if (pg_result *res = PQexec(m_conn, "ROLLBACK"))
            PQclear(res);
}

bool PgConnection::inTransaction() const
{
    return PQtransactionStatus(m_conn) != PQTRANS_IDLE;
}

Result<void> PgConnection::checkStop() const
{
    // A job's queries are its batches: PQcancel stops the running one, this
    // keeps the next from starting.
    if (currentStopToken().stop_requested())
        return fail(ErrorCode::Cancelled, "cancelled; nothing was changed");
    return {};
}

void PgConnection::setStatementTimeout(std::int64_t ms)
{
    if (pg_result *res = PQexec(m_conn, fmt::format("SET statement_timeout = {}", ms).c_str()))
        PQclear(res);
}

UnboundedStatements::UnboundedStatements(PgConnection &c)
    : m_c(c)
{
    m_c.setStatementTimeout(0);
}

UnboundedStatements::~UnboundedStatements()
{
    // Outside any transaction again here (the step's own ones are closed), so
    // the SET sticks; bypasses the stop check so a cancelled step restores it.
    m_c.setStatementTimeout(m_c.statementTimeoutMs());
}

void PgConnection::cancel()
{
    std::lock_guard lock(m_cancelMutex);
    if (!m_cancel)
        return;
    char err[256];
    PQcancel(m_cancel, err, sizeof err);
}

std::string PgConnection::quoteIdent(std::string_view name) const
{
    // PQescapeIdentifier's rule, without the round trip: double quotes doubled.
    std::string out = "\"";
    for (char c : name) {
        if (c == '\0')
            continue;
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

std::string PgConnection::quoteLiteral(std::string_view value) const
{
    std::string v(value);
    char *q = PQescapeLiteral(m_conn, v.data(), v.size());
    if (!q)
        return "NULL";
    std::string out(q);
    PQfreemem(q);
    return out;
}

int PgConnection::serverVersion() const
{
    return PQserverVersion(m_conn);
}

std::string PgConnection::target() const
{
    return describeTarget(m_conn);
}

} // namespace tidemark::postgres

namespace tidemark::postgres {

namespace {

/// The COPY's final result: an error, or the row count from its command tag.
Result<std::int64_t> finishCopy(pg_conn *conn, const std::function<Error(pg_result *)> &errorFrom)
{
    Result<std::int64_t> out = std::int64_t(0);
    bool failed = false;
    while (pg_result *res = PQgetResult(conn)) {
        if (!failed) {
            if (PQresultStatus(res) == PGRES_COMMAND_OK) {
                const char *tuples = PQcmdTuples(res);
                out = tuples && *tuples ? std::strtoll(tuples, nullptr, 10) : 0;
            } else {
                out = tl::unexpected(errorFrom(res));
                failed = true;
            }
        }
        PQclear(res);
    }
    return out;
}

} // namespace

Result<std::int64_t> PgConnection::copyOut(std::string_view sql,
                                           const std::function<Result<void>(std::string_view)> &row)
{
    if (auto stopped = checkStop(); !stopped)
        return tl::unexpected(stopped.error());
    const std::string text(sql);
    pg_result *res = PQexec(m_conn, text.c_str());
    if (!res || PQresultStatus(res) != PGRES_COPY_OUT) {
        Error e = errorFrom(res, sql);
        if (res)
            PQclear(res);
        return tl::unexpected(e);
    }
    PQclear(res);
    std::optional<Error> stoppedBy;
    std::int64_t rows = 0;
    for (;;) {
        char *buffer = nullptr;
        const int n = PQgetCopyData(m_conn, &buffer, 0);
        if (n == -1)
            break; // done: the final result follows
        if (n == -2) {
            Error e = errorFrom(nullptr, sql);
            return tl::unexpected(e);
        }
        if (!stoppedBy) {
            if (auto ok = row(std::string_view(buffer, std::size_t(n))); !ok) {
                stoppedBy = ok.error();
                // Stop the server sending; the rest of the data is drained below.
                cancel();
            }
            ++rows;
        }
        PQfreemem(buffer);
    }
    auto done = finishCopy(m_conn, [&](pg_result *r) { return errorFrom(r, sql); });
    if (stoppedBy)
        return tl::unexpected(*stoppedBy);
    if (!done)
        return done;
    return rows;
}

Result<void> PgConnection::copyInStart(std::string_view sql)
{
    if (auto stopped = checkStop(); !stopped)
        return stopped;
    const std::string text(sql);
    pg_result *res = PQexec(m_conn, text.c_str());
    if (!res || PQresultStatus(res) != PGRES_COPY_IN) {
        Error e = errorFrom(res, sql);
        if (res)
            PQclear(res);
        return tl::unexpected(e);
    }
    PQclear(res);
    return {};
}

Result<void> PgConnection::copyInPut(std::string_view data)
{
    if (PQputCopyData(m_conn, data.data(), int(data.size())) != 1)
        return tl::unexpected(errorFrom(nullptr, "COPY FROM STDIN"));
    return {};
}

Result<std::int64_t> PgConnection::copyInEnd()
{
    if (PQputCopyEnd(m_conn, nullptr) != 1)
        return tl::unexpected(errorFrom(nullptr, "COPY FROM STDIN"));
    return finishCopy(m_conn, [&](pg_result *r) { return errorFrom(r, "COPY FROM STDIN"); });
}

void PgConnection::copyInAbort(std::string_view why)
{
    const std::string text(why);
    if (PQputCopyEnd(m_conn, text.c_str()) == 1)
        (void)finishCopy(m_conn, [&](pg_result *r) { return errorFrom(r, "COPY FROM STDIN"); });
}

} // namespace tidemark::postgres
