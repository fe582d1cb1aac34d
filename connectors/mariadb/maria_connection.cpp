#include "maria_connection.h"

#include <cstdlib>
#include <cstring>

#include <errmsg.h>
#include <fmt/format.h>
#include <mysql.h>
#include <mysqld_error.h>

namespace tidemark::mariadb {

std::string Rows::text(int row, int col) const
{
    const auto &v = value(row, col);
    return v ? *v : std::string();
}
std::int64_t Rows::integer(int row, int col) const
{
    const auto &v = value(row, col);
    return v ? std::strtoll(v->c_str(), nullptr, 10) : 0;
}
std::uint64_t Rows::unsignedInteger(int row, int col) const
{
    const auto &v = value(row, col);
    return v ? std::strtoull(v->c_str(), nullptr, 10) : 0;
}
std::optional<std::int64_t> Rows::optInteger(int row, int col) const
{
    if (null(row, col))
        return std::nullopt;
    return integer(row, col);
}

ErrorCode codeForErrno(unsigned e)
{
    switch (e) {
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_LOCK_DEADLOCK:
    case ER_LOCK_ABORTED:
        return ErrorCode::Busy;
    case ER_QUERY_INTERRUPTED:
    case ER_STATEMENT_TIMEOUT:
        return ErrorCode::Cancelled;
    case ER_NO_SUCH_TABLE:
    case ER_BAD_DB_ERROR:
    case ER_UNKNOWN_PARTITION:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_UNKNOWN_HOST:
        return ErrorCode::NotFound;
    case ER_ACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_COLUMNACCESS_DENIED_ERROR:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    case ER_PARSE_ERROR:
    case ER_BAD_FIELD_ERROR:
        return ErrorCode::InvalidArgument;
    case ER_PARTITION_MGMT_ON_NONPARTITIONED:
        return ErrorCode::NotPartitioned;
    default:
        return ErrorCode::Database;
    }
}

std::string hintForErrno(unsigned e)
{
    switch (e) {
    case ER_ACCESS_DENIED_ERROR:
        return "check the user name and the password in ~/.my.cnf (a [client] or [client-USER@HOST] section, "
               "mode 0600) or the keychain entry; Tidemark never stores passwords itself";
    case ER_DBACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_COLUMNACCESS_DENIED_ERROR:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
        return "the connecting user lacks a privilege: have an administrator GRANT it (SELECT, PROCESS for "
               "observing; ALTER, CREATE, DROP, INSERT, UPDATE, DELETE for split and merge); nothing was changed";
    case ER_LOCK_WAIT_TIMEOUT:
        return "another session held a conflicting lock longer than the lock timeout; retry later or raise "
               "--lock-timeout; nothing was changed";
    case ER_LOCK_DEADLOCK:
        return "a deadlock with another session was broken by rolling this transaction back; retry";
    case ER_QUERY_INTERRUPTED:
    case ER_STATEMENT_TIMEOUT:
        return "the statement was stopped (by Tidemark's cancel, max_statement_time, or an administrator's KILL)";
    case ER_CON_COUNT_ERROR:
        return "the server has no free connection slot; close idle sessions or raise max_connections";
    case ER_BAD_DB_ERROR:
        return "check the database name in the URI";
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_SERVER_LOST:
        return "check host and port, that mariadbd runs and accepts TCP connections there (bind-address, "
               "skip-networking, firewall); `mariadb-admin -h HOST -P PORT ping` tells quickly";
    case CR_SSL_CONNECTION_ERROR:
        return "check ssl-mode (DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY), ssl-ca and the "
               "certificates; the server must have TLS configured for REQUIRED and above";
    default:
        return {};
    }
}

MariaConnection::MariaConnection(st_mysql *conn, MariaUri uri)
    : m_conn(conn)
    , m_uri(std::move(uri))
{
}

MariaConnection::~MariaConnection()
{
    mysql_close(m_conn);
}

namespace {

void setTls(MYSQL *m, const MariaUri &u)
{
    auto opt = [m](mysql_option o, const std::string &v) {
        if (!v.empty())
            mysql_optionsv(m, o, v.c_str());
    };
    opt(MYSQL_OPT_SSL_CA, u.sslCa);
    opt(MYSQL_OPT_SSL_CAPATH, u.sslCaPath);
    opt(MYSQL_OPT_SSL_CERT, u.sslCert);
    opt(MYSQL_OPT_SSL_KEY, u.sslKey);
    opt(MYSQL_OPT_SSL_CIPHER, u.sslCipher);
    opt(MARIADB_OPT_TLS_VERSION, u.tlsVersion);
    my_bool yes = 1, no = 0;
    switch (u.sslMode) {
    case SslMode::Default:
        break;
    case SslMode::Disabled:
        // Connector/C 3.4 would try TLS by default; nothing to switch off in 3.3.
        break;
    case SslMode::Preferred:
        mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &no);
        break;
    case SslMode::Required:
        mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &yes);
        mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &no);
        break;
    case SslMode::VerifyCa:
    case SslMode::VerifyIdentity:
        mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &yes);
        mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
        break;
    }
}

} // namespace

Result<std::unique_ptr<MariaConnection>> MariaConnection::open(const MariaUri &given)
{
    MariaUri u = given;
    MYSQL *m = mysql_init(nullptr);
    if (!m)
        return fail(ErrorCode::Internal, "Connector/C could not allocate a connection");
    const std::string file = u.optionFile.empty() ? defaultOptionFile() : u.optionFile;
    if (!u.password) {
        // A per-host entry is ours to read; [client] the driver reads itself,
        // with the rest of the option file (user, TLS settings).
        u.password = optionFilePassword(file, u.optionGroup, u.user, u.host);
        mysql_optionsv(m, MYSQL_READ_DEFAULT_FILE, file.c_str());
        mysql_optionsv(m, MYSQL_READ_DEFAULT_GROUP, u.optionGroup.c_str());
    }
    unsigned timeout = unsigned(u.connectTimeoutSeconds);
    mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    unsigned rw = 600;
    mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &rw);
    mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(m, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", "tidemark");
    setTls(m, u);
    const char *host = u.socket.empty() ? u.host.c_str() : "localhost";
    if (!mysql_real_connect(m, host, u.user.empty() ? nullptr : u.user.c_str(),
                            u.password ? u.password->c_str() : nullptr,
                            u.database.empty() ? nullptr : u.database.c_str(), u.port,
                            u.socket.empty() ? nullptr : u.socket.c_str(), CLIENT_MULTI_RESULTS)) {
        const unsigned err = mysql_errno(m);
        std::string msg = mysql_error(m);
        mysql_close(m);
        Error e{codeForErrno(err), fmt::format("cannot connect to MariaDB {}: {}", u.target(), msg), hintForErrno(err)};
        if (err == CR_CONN_HOST_ERROR || err == CR_CONNECTION_ERROR || err == CR_UNKNOWN_HOST ||
            err == CR_SERVER_LOST || err == 2013)
            e.code = ErrorCode::Unreachable;
        else if (err == ER_ACCESS_DENIED_ERROR || err == ER_ACCESS_DENIED_NO_PASSWORD_ERROR)
            e.code = ErrorCode::AuthFailed;
        if (err == ER_ACCESS_DENIED_ERROR && !u.password)
            e.message += " (no password in the URI, the keychain or " + file + ")";
        return tl::unexpected(e);
    }
    // Some Connector/C builds fall back to plain text when the server offers
    // no TLS, whatever ssl-mode says: check what was negotiated.
    if (u.sslMode == SslMode::Required || u.sslMode == SslMode::VerifyCa || u.sslMode == SslMode::VerifyIdentity) {
        if (!mysql_get_ssl_cipher(m)) {
            mysql_close(m);
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("cannot connect to MariaDB {}: ssl-mode requires TLS but the server did not "
                                    "negotiate it",
                                    u.target()),
                        hintForErrno(CR_SSL_CONNECTION_ERROR));
        }
    }
    if (u.user.empty())
        if (const char *who = m->user)
            u.user = who;
    std::unique_ptr<MariaConnection> c(new MariaConnection(m, std::move(u)));
    // UTC: UNIX_TIMESTAMP and TIMESTAMP values read the same for everyone.
    // Catalogue and activity queries are bounded; steps lift the bound.
    if (auto r =
            c->exec(fmt::format("SET time_zone = '+00:00', SESSION max_statement_time = {}", kDefaultStatementSeconds));
        !r)
        return tl::unexpected(r.error());
    return c;
}

Error MariaConnection::errorFrom(std::string_view sql) const
{
    const unsigned err = mysql_errno(m_conn);
    std::string statement(sql.substr(0, 300));
    Error e{codeForErrno(err),
            fmt::format("MariaDB {} refused: {} (error {})", m_uri.target(), mysql_error(m_conn), err),
            hintForErrno(err)};
    if (!statement.empty())
        e.message += fmt::format(" — in: {}{}", statement, sql.size() > 300 ? "…" : "");
    return e;
}

Result<Rows> MariaConnection::query(std::string_view sql)
{
    if (mysql_real_query(m_conn, sql.data(), static_cast<unsigned long>(sql.size())) != 0)
        return tl::unexpected(errorFrom(sql));
    Rows out;
    // Only the last result of a multi-result statement (a CALL) is kept.
    for (;;) {
        MYSQL_RES *res = mysql_store_result(m_conn);
        if (res) {
            out = Rows{};
            out.m_columns = int(mysql_num_fields(res));
            MYSQL_FIELD *fields = mysql_fetch_fields(res);
            for (int i = 0; i < out.m_columns; ++i)
                out.m_names.emplace_back(fields[i].name);
            while (MYSQL_ROW row = mysql_fetch_row(res)) {
                unsigned long *len = mysql_fetch_lengths(res);
                std::vector<std::optional<std::string>> r;
                r.reserve(std::size_t(out.m_columns));
                for (int i = 0; i < out.m_columns; ++i)
                    r.push_back(row[i] ? std::optional<std::string>(std::string(row[i], len[i])) : std::nullopt);
                out.m_rows.push_back(std::move(r));
            }
            mysql_free_result(res);
        } else if (mysql_field_count(m_conn) != 0) {
            return tl::unexpected(errorFrom(sql));
        } else {
            out.m_affected = std::int64_t(mysql_affected_rows(m_conn));
        }
        const int more = mysql_next_result(m_conn);
        if (more > 0)
            return tl::unexpected(errorFrom(sql));
        if (more < 0)
            break;
    }
    return out;
}

Result<void> MariaConnection::exec(std::string_view sql)
{
    auto r = query(sql);
    if (!r)
        return tl::unexpected(r.error());
    return {};
}

Result<std::int64_t> MariaConnection::scalar(std::string_view sql)
{
    auto r = query(sql);
    if (!r)
        return tl::unexpected(r.error());
    return r->size() && r->columns() ? r->integer(0, 0) : 0;
}

void MariaConnection::rollback()
{
    (void)mysql_real_query(m_conn, "ROLLBACK", 8);
}

void MariaConnection::cancel()
{
    std::lock_guard lock(m_cancelMutex);
    auto other = open(m_uri);
    if (other)
        (void)(*other)->exec(fmt::format("KILL QUERY {}", threadId()));
}

std::string MariaConnection::quoteIdent(std::string_view name) const
{
    std::string out = "`";
    for (const char c : name)
        out += c == '`' ? std::string("``") : std::string(1, c);
    return out + "`";
}

std::string MariaConnection::quoteLiteral(std::string_view value) const
{
    std::string buf(value.size() * 2 + 1, '\0');
    const unsigned long n =
        mysql_real_escape_string(m_conn, buf.data(), value.data(), static_cast<unsigned long>(value.size()));
    buf.resize(n);
    return "'" + buf + "'";
}

unsigned long MariaConnection::serverVersion() const
{
    return mysql_get_server_version(m_conn);
}

unsigned long MariaConnection::threadId() const
{
    return mysql_thread_id(m_conn);
}

} // namespace tidemark::mariadb
