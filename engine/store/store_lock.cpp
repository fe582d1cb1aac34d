// The executor lock: one executor per target database across processes.
// The row lives in the metadata store, so every Tidemark process of this
// profile (GUI, CLI, cron, agent) sees it; a BEGIN IMMEDIATE transaction
// makes check-and-take atomic between them.
#include <cerrno>
#include <csignal>
#include <ctime>
#include <fstream>
#include <limits>
#include <sstream>

#include <sys/types.h>
#include <unistd.h>

#include <fmt/format.h>

#include "store/metadata_store.h"
#include "store/sqlite_statement.h"
#include "store/store_internal.h"

namespace tidemark {

using store::Statement;

namespace {

std::string hostName()
{
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0 || !buf[0])
        return "localhost";
    return buf;
}

std::string localTime(std::int64_t ms)
{
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

/// First line of a small file, "" if it cannot be read.
std::string readLine(const std::string &file)
{
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return line;
}

/// Identifies this boot of the machine (Linux), "" where unknown.
std::string bootId()
{
    return readLine("/proc/sys/kernel/random/boot_id");
}

/// Start time of a process in clock ticks since boot (field 22 of
/// /proc/<pid>/stat), "" where unknown. With the pid it names one process
/// even after the pid is reused.
std::string processStart(std::int64_t pid)
{
    const std::string stat = readLine(fmt::format("/proc/{}/stat", pid));
    const auto close = stat.rfind(')'); // the command name may hold spaces and parentheses
    if (close == std::string::npos)
        return {};
    std::istringstream fields(stat.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22; ++i)
        if (!(fields >> field))
            return {};
    return field;
}

/// True only when we know the holder is gone: kill(pid, 0) answers ESRCH
/// (EPERM means it exists under another user), the machine has rebooted
/// since, or the pid now belongs to a process that started later.
bool holderIsGone(std::int64_t pid, const std::string &holderBoot, const std::string &holderStart)
{
    if (pid <= 0 || pid > std::numeric_limits<pid_t>::max())
        return true;
    if (::kill(static_cast<pid_t>(pid), 0) == -1 && errno == ESRCH)
        return true;
    if (const std::string boot = bootId(); !holderBoot.empty() && !boot.empty() && boot != holderBoot)
        return true;
    if (const std::string start = processStart(pid); !holderStart.empty() && !start.empty() && start != holderStart)
        return true;
    return false;
}

} // namespace

Result<ExecutorLock> MetadataStore::acquireExecutorLock(const std::string &target, std::int64_t staleAfterMs)
{
    if (target.empty())
        return fail(ErrorCode::InvalidArgument, "executor lock: empty target");
    const std::string host = hostName();
    const auto pid = static_cast<std::int64_t>(::getpid());
    ExecutorLock lock{target, fmt::format("{}:{}:{}", host, pid, store::randomHex(8))};

    auto r = store::inTransaction(m_db, [&]() -> Result<void> {
        const std::int64_t now = store::nowMs();
        auto current = Statement::prepare(
            m_db,
            "SELECT owner, host, pid, acquired_ms, heartbeat_ms, boot_id, pid_start FROM executor_locks "
            "WHERE target = ?1");
        if (!current)
            return tl::unexpected(current.error());
        current->bind(1, target);
        auto row = current->step();
        if (!row)
            return tl::unexpected(row.error());
        if (*row) {
            const std::string prevOwner = current->text(0);
            const std::string prevHost = current->text(1);
            const std::int64_t prevPid = current->int64(2);
            const std::int64_t since = current->int64(3);
            const std::int64_t heartbeat = current->int64(4);
            // On this host the process table is the truth: a live holder keeps
            // its lock however long a step runs (taking it over would let a
            // second executor clean up work the first is about to commit).
            // Only a holder on another host, whose pid cannot be checked, is
            // judged by its heartbeat.
            const bool sameHost = prevHost == host;
            const bool dead = sameHost && holderIsGone(prevPid, current->text(5), current->text(6));
            const bool silent = !sameHost && now - heartbeat > staleAfterMs;
            if (!dead && !silent)
                return fail(ErrorCode::ExecutorLocked,
                            fmt::format("another Tidemark executor (pid {} on host {}, since {}) is working on {}",
                                        prevPid, prevHost, localTime(since), target),
                            "wait for it to finish; a lock left by a process that died is taken over automatically");
            AuditEntry entry;
            entry.timestampMs = now;
            entry.who = store::currentUser();
            entry.action = "lock.taken-over";
            entry.detail = fmt::format(
                "executor lock on {} taken over by {} from {} (pid {} on host {}, since {}, last heartbeat {}): {}",
                target, lock.owner, prevOwner, prevPid, prevHost, localTime(since), localTime(heartbeat),
                dead ? "the process no longer exists" : fmt::format("no heartbeat for {} s", (now - heartbeat) / 1000));
            if (auto a = audit(entry); !a)
                return a;
        }
        auto take = Statement::prepare(
            m_db,
            "INSERT INTO executor_locks(target, owner, host, pid, acquired_ms, heartbeat_ms, boot_id, pid_start) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7) ON CONFLICT(target) DO UPDATE SET owner = excluded.owner, "
            "host = excluded.host, pid = excluded.pid, acquired_ms = excluded.acquired_ms, "
            "heartbeat_ms = excluded.heartbeat_ms, boot_id = excluded.boot_id, pid_start = excluded.pid_start");
        if (!take)
            return tl::unexpected(take.error());
        take->bind(1, target).bind(2, lock.owner).bind(3, host).bind(4, pid).bind(5, now);
        take->bind(6, bootId()).bind(7, processStart(pid));
        return take->run();
    });
    if (!r)
        return tl::unexpected(r.error());
    return lock;
}

Result<void> MetadataStore::heartbeat(const ExecutorLock &lock)
{
    auto stmt =
        Statement::prepare(m_db, "UPDATE executor_locks SET heartbeat_ms = ?3 WHERE target = ?1 AND owner = ?2");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, lock.target).bind(2, lock.owner).bind(3, store::nowMs());
    if (auto r = stmt->run(); !r)
        return r;
    if (sqlite3_changes(m_db) == 0)
        return fail(
            ErrorCode::ExecutorLocked,
            fmt::format("this executor no longer holds the lock on {} (it was released or taken over)", lock.target),
            "stop working on the target; see `tidemark-cli status` for who holds it now");
    return {};
}

Result<void> MetadataStore::releaseExecutorLock(const ExecutorLock &lock)
{
    auto stmt = Statement::prepare(m_db, "DELETE FROM executor_locks WHERE target = ?1 AND owner = ?2");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, lock.target).bind(2, lock.owner);
    return stmt->run();
}

} // namespace tidemark
