// The executor lock in the database itself (docs/safety.md): a session-level
// advisory lock on a connection of its own, so it lasts exactly as long as
// the executor's process — a kill -9 or a lost connection ends the session
// and the server releases the lock.
#include <cerrno>
#include <chrono>
#include <csignal>
#include <thread>

#include <fmt/format.h>

#include "pg_connection.h"
#include "postgres_connector.h"

namespace tidemark::postgres {

namespace {

/// Class id of Tidemark's advisory locks ("TDMK"); the object id is the
/// database's name hashed. Advisory locks are local to a database anyway;
/// the pair keeps them apart from other applications' locks.
constexpr const char *kLockClass = "1413762379";
constexpr const char *kTryLock = "SELECT CASE WHEN pg_try_advisory_lock(1413762379, hashtext(current_database())) "
                                 "THEN 1 ELSE 0 END";

/// Who holds the lock: the claim the holder recorded, matched to the
/// backend that holds the lock now; else what the server knows of that backend.
/// The backend that holds the lock now.
std::string holderBackendSql()
{
    return fmt::format(
        "SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {} AND "
        "l.objsubid = 2 AND l.objid::bigint = (hashtext(current_database())::bigint & 4294967295) AND l.database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database()) LIMIT 1",
        kLockClass);
}

ExecutorClaim holderOf(PgConnection &c)
{
    ExecutorClaim who;
    const std::string holder = holderBackendSql();
    auto claim = c.query(fmt::format("SELECT host, pid, store, since_ms FROM tidemark.executor_claims WHERE "
                                     "database = current_database() AND backend_pid = ({})",
                                     holder));
    if (claim && claim->size() == 1) {
        who.host = claim->text(0, 0);
        who.pid = claim->integer(0, 1);
        who.store = claim->text(0, 2);
        who.sinceMs = claim->integer(0, 3);
        return who;
    }
    auto session = c.query(fmt::format("SELECT coalesce(host(client_addr), 'local socket'), "
                                       "(extract(epoch FROM backend_start) * 1000)::bigint, application_name "
                                       "FROM pg_stat_activity WHERE pid = ({})",
                                       holder));
    if (session && session->size() == 1) {
        who.host = session->text(0, 0);
        who.sinceMs = session->integer(0, 1);
        who.store = session->text(0, 2) + " (its claim is not recorded)";
    }
    return who;
}

} // namespace

Result<void> PostgresConnector::lockExecutor(const ExecutorClaim &me)
{
    if (m_lockConn)
        return {};
    auto conn = PgConnection::open(m_conninfo);
    if (!conn)
        return tl::unexpected(conn.error());
    PgConnection &c = **conn;
    (void)c.exec("SET application_name = 'tidemark executor'");
    auto got = c.scalar(kTryLock);
    if (!got)
        return tl::unexpected(got.error());
    if (*got == 0) {
        const ExecutorClaim holder = holderOf(c);
        // A holder on this host whose process is gone: the server has not
        // noticed yet (its backend still finishes a statement). End that
        // session; the lock goes with it.
        if (holder.host == me.host && holder.pid > 0 && ::kill(static_cast<pid_t>(holder.pid), 0) == -1 &&
            errno == ESRCH) {
            (void)c.query(fmt::format("SELECT pg_terminate_backend(({}))", holderBackendSql()));
            for (int i = 0; i < 100 && *got == 0; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                got = c.scalar(kTryLock);
                if (!got)
                    return tl::unexpected(got.error());
            }
        }
        if (*got == 0)
            return tl::unexpected(executorLockedBy(holder, m_conn->target()));
    }
    // Record who holds it, for the next executor's message. Only the holder
    // writes here, so creating the table cannot race another executor.
    // Without the privilege to create it the lock still holds, unnamed.
    Transaction tx(c);
    if (tx.begin()) {
        bool recorded = c.exec("CREATE SCHEMA IF NOT EXISTS tidemark").has_value() &&
            c.exec("CREATE TABLE IF NOT EXISTS tidemark.executor_claims (database text PRIMARY KEY, host text NOT "
                   "NULL, pid bigint NOT NULL, store text NOT NULL, since_ms bigint NOT NULL, backend_pid int NOT "
                   "NULL)")
                .has_value() &&
            c.query("INSERT INTO tidemark.executor_claims VALUES (current_database(), $1, $2, $3, $4, "
                    "pg_backend_pid()) ON CONFLICT (database) DO UPDATE SET host = excluded.host, pid = excluded.pid, "
                    "store = excluded.store, since_ms = excluded.since_ms, backend_pid = excluded.backend_pid",
                    {me.host, std::to_string(me.pid), me.store, std::to_string(me.sinceMs)})
                .has_value();
        if (recorded)
            (void)tx.commit();
    }
    m_lockConn = std::move(*conn);
    return {};
}

void PostgresConnector::unlockExecutor()
{
    if (!m_lockConn)
        return;
    (void)m_lockConn->query("DELETE FROM tidemark.executor_claims WHERE backend_pid = pg_backend_pid()");
    (void)m_lockConn->scalar("SELECT CASE WHEN pg_advisory_unlock(1413762379, hashtext(current_database())) THEN 1 "
                             "ELSE 0 END");
    m_lockConn.reset(); // closing the session would release it too
}

} // namespace tidemark::postgres
