// The executor lock in the database's own folder (docs/safety.md), and the
// check that the database can be written at all.
#include <cerrno>
#include <cstring>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fmt/format.h>

#include "sqlite_connector.h"
#include "sqlite_sql.h"

namespace tidemark::sqlite {

std::string readOnlyReason(const std::filesystem::path &path)
{
    const std::filesystem::path folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    struct statvfs fs { };
    if (::statvfs(path.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY))
        return fmt::format("{} is on a file system mounted read-only", path.string());
    if (::access(path.c_str(), W_OK) != 0 && errno != ENOENT)
        return fmt::format("the file {} is read-only ({})", path.string(), std::strerror(errno));
    if (::access(folder.c_str(), W_OK) != 0)
        return fmt::format("its folder {} is read-only ({})", folder.string(), std::strerror(errno));
    return {};
}

std::string readOnlyHint(const std::filesystem::path &path)
{
    return fmt::format("SQLite needs to write the file and to create its journal ({0}-journal or {0}-wal) in the "
                       "same folder, even to read a database in WAL mode; make the file and its folder writable "
                       "(or remount the file system read-write), or copy the database to a writable folder",
                       path.filename().string());
}

std::filesystem::path SqliteConnector::executorLockPath(const std::filesystem::path &path)
{
    return std::filesystem::path(path.string() + "-tidemark-lock");
}

namespace {

ExecutorClaim readClaim(int fd)
{
    ExecutorClaim claim;
    std::string text(4096, '\0');
    const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq == std::string::npos)
            continue;
        const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        try {
            if (key == "host")
                claim.host = value;
            else if (key == "pid")
                claim.pid = std::stoll(value);
            else if (key == "store")
                claim.store = value;
            else if (key == "since_ms")
                claim.sinceMs = std::stoll(value);
        } catch (const std::exception &) {
            // A torn or foreign line: the message says "unknown" for it.
        }
    }
    return claim;
}

} // namespace

Result<void> SqliteConnector::lockExecutor(const ExecutorClaim &me)
{
    if (m_lockFd >= 0)
        return {};
    const std::filesystem::path lockPath = executorLockPath(m_path);
    int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && errno == EACCES)
        fd = ::open(lockPath.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW); // someone else's file: lock, record nothing
    if (fd < 0) {
        const int err = errno;
        const std::string why = readOnlyReason(m_path);
        return fail(ErrorCode::Io,
                    fmt::format("cannot create the executor lock file {}: {}{}", lockPath.string(), std::strerror(err),
                                why.empty() ? "" : "; " + why),
                    why.empty() ? "make the database's folder writable" : readOnlyHint(m_path));
    }
    // flock() belongs to this open file: another connector, in this process
    // or any other, is refused until it is released or the process ends.
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        const ExecutorClaim holder = err == EWOULDBLOCK ? readClaim(fd) : ExecutorClaim{};
        ::close(fd);
        if (err != EWOULDBLOCK)
            return fail(ErrorCode::Io, fmt::format("cannot lock {}: {}", lockPath.string(), std::strerror(err)),
                        "the file system may not support locks; keep the database on a local disk");
        return tl::unexpected(executorLockedBy(holder, "sqlite://" + m_path.string()));
    }
    const std::string claim =
        fmt::format("host={}\npid={}\nstore={}\nsince_ms={}\n", me.host, me.pid, me.store, me.sinceMs);
    if (::ftruncate(fd, 0) == 0) [[maybe_unused]]
        const auto written = ::pwrite(fd, claim.data(), claim.size(), 0);
    m_lockFd = fd;
    return {};
}

void SqliteConnector::unlockExecutor()
{
    if (m_lockFd < 0)
        return;
    // The file stays (removing it would race a process that opened it and
    // waits to lock it); only its claim goes.
    [[maybe_unused]] const int truncated = ::ftruncate(m_lockFd, 0);
    ::flock(m_lockFd, LOCK_UN);
    ::close(m_lockFd);
    m_lockFd = -1;
}

} // namespace tidemark::sqlite
