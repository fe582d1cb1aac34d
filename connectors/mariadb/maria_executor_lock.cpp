// The executor lock in the database itself (docs/safety.md): GET_LOCK on a
// connection of its own, so it lasts exactly as long as the executor's
// session — a kill -9 or a lost connection ends the session and the server
// releases the lock.
#include <cerrno>
#include <chrono>
#include <csignal>
#include <thread>

#include <fmt/format.h>

#include "maria_connection.h"
#include "mariadb_connector.h"

namespace tidemark::mariadb {

namespace {

const char *kLockName = "CONCAT('tidemark-executor:', DATABASE())";

ExecutorClaim holderOf(MariaConnection &c)
{
    ExecutorClaim who;
    auto claim = c.query(fmt::format("SELECT host, pid, store, since_ms FROM tidemark_executor_claims WHERE "
                                     "connection_id = IS_USED_LOCK({})",
                                     kLockName));
    if (claim && claim->size() == 1) {
        who.host = claim->text(0, 0);
        who.pid = claim->integer(0, 1);
        who.store = claim->text(0, 2);
        who.sinceMs = claim->integer(0, 3);
        return who;
    }
    auto session = c.query(fmt::format("SELECT SUBSTRING_INDEX(HOST, ':', 1), USER FROM information_schema.PROCESSLIST "
                                       "WHERE ID = IS_USED_LOCK({})",
                                       kLockName));
    if (session && session->size() == 1) {
        who.host = session->text(0, 0);
        who.store = "user " + session->text(0, 1) + " (its claim is not recorded)";
    }
    return who;
}

} // namespace

Result<void> MariaDbConnector::lockExecutor(const ExecutorClaim &me)
{
    if (m_lockConn)
        return {};
    auto conn = MariaConnection::open(m_conn->uri());
    if (!conn)
        return tl::unexpected(conn.error());
    MariaConnection &c = **conn;
    const std::string tryLock = fmt::format("SELECT COALESCE(GET_LOCK({}, 0), 0)", kLockName);
    auto got = c.scalar(tryLock);
    if (!got)
        return tl::unexpected(got.error());
    if (*got == 0) {
        const ExecutorClaim holder = holderOf(c);
        // A holder on this host whose process is gone but whose session the
        // server has not noticed yet: end that session; the lock goes with it.
        if (holder.host == me.host && holder.pid > 0 && ::kill(static_cast<pid_t>(holder.pid), 0) == -1 &&
            errno == ESRCH) {
            if (auto id = c.scalar(fmt::format("SELECT COALESCE(IS_USED_LOCK({}), 0)", kLockName)); id && *id > 0)
                (void)c.exec(fmt::format("KILL CONNECTION {}", *id));
            for (int i = 0; i < 50 && *got == 0; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                got = c.scalar(tryLock);
                if (!got)
                    return tl::unexpected(got.error());
            }
        }
        if (*got == 0)
            return tl::unexpected(executorLockedBy(holder, m_conn->target()));
    }
    // Who holds it, for the next executor's message; without the privilege
    // to create the table the lock still holds, unnamed.
    if (c.exec("CREATE TABLE IF NOT EXISTS tidemark_executor_claims (db VARCHAR(64) NOT NULL PRIMARY KEY, host "
               "VARCHAR(255) NOT NULL, pid BIGINT NOT NULL, store TEXT NOT NULL, since_ms BIGINT NOT NULL, "
               "connection_id BIGINT NOT NULL) ENGINE=InnoDB")) {
        (void)c.exec(fmt::format("REPLACE INTO tidemark_executor_claims VALUES (DATABASE(), {}, {}, {}, {}, "
                                 "CONNECTION_ID())",
                                 c.quoteLiteral(me.host), me.pid, c.quoteLiteral(me.store), me.sinceMs));
    }
    m_lockConn = std::move(*conn);
    return {};
}

void MariaDbConnector::unlockExecutor()
{
    if (!m_lockConn)
        return;
    (void)m_lockConn->exec("DELETE FROM tidemark_executor_claims WHERE connection_id = CONNECTION_ID()");
    (void)m_lockConn->scalar(fmt::format("SELECT RELEASE_LOCK({})", kLockName));
    m_lockConn.reset();
}

} // namespace tidemark::mariadb
