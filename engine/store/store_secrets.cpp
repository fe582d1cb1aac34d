// Keeping secrets out of the metadata store file. The file (and the -wal
// and -shm SQLite makes beside it with the same mode) is private to its
// owner; URIs are written without passwords (model/connection_string.h),
// and a store an earlier Tidemark wrote with passwords in it is scrubbed
// on open.
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "model/connection_string.h"
#include "store/metadata_store.h"
#include "store/sqlite_statement.h"
#include "store/store_internal.h"

namespace tidemark {

using store::execSql;
using store::Statement;

namespace store {

Result<void> keepPrivate(const std::filesystem::path &path, std::vector<std::string> &notices)
{
    // Created here with 0600 rather than by SQLite with 0644 & ~umask:
    // SQLite gives the -wal and -shm files the main file's mode.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        ::close(fd);
    else if (errno != EEXIST)
        return fail(ErrorCode::Io, fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)),
                    "check the permissions of the directory, or pass another --store PATH");
    for (const char *suffix : {"", "-wal", "-shm"}) {
        const std::string file = path.string() + suffix;
        struct stat st { };
        if (::lstat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) == 0)
            continue;
        const mode_t narrowed = st.st_mode & 0700;
        if (::chmod(file.c_str(), narrowed) == 0)
            notices.push_back(fmt::format("{} was readable by others (mode {:04o}); narrowed to {:04o}: the metadata "
                                          "store holds connection URIs, plans and the audit trail",
                                          file, st.st_mode & 07777, narrowed));
        else
            notices.push_back(fmt::format("{} is readable by others (mode {:04o}) and cannot be narrowed: {}; run "
                                          "chmod 600 on it as its owner",
                                          file, st.st_mode & 07777, std::strerror(errno)));
    }
    return {};
}

} // namespace store

namespace {

/// Rewrites one text column with `redact` in every row that may hold a URI
/// or a key=value pair (found by rowid, so any table will do).
Result<void> redactColumn(sqlite3 *db, const char *table, const char *column, std::string (*redact)(std::string_view))
{
    auto select = Statement::prepare(
        db, fmt::format("SELECT rowid, {1} FROM {0} WHERE {1} LIKE '%@%' OR {1} LIKE '%=%'", table, column));
    if (!select)
        return tl::unexpected(select.error());
    std::vector<std::pair<std::int64_t, std::string>> changes;
    for (;;) {
        auto row = select->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        const std::string value = select->text(1);
        if (std::string clean = redact(value); clean != value)
            changes.emplace_back(select->int64(0), std::move(clean));
    }
    // OR IGNORE: two lock targets that become one keep the older spelling.
    auto update =
        Statement::prepare(db, fmt::format("UPDATE OR IGNORE {} SET {} = ?2 WHERE rowid = ?1", table, column));
    if (!update)
        return tl::unexpected(update.error());
    for (const auto &[rowid, clean] : changes) {
        update->bind(1, rowid).bind(2, clean);
        if (auto r = update->run(); !r)
            return r;
    }
    return {};
}

std::string redactUriColumn(std::string_view s)
{
    return redactUri(s);
}
std::string redactTextColumn(std::string_view s)
{
    return redactSecrets(s);
}

} // namespace

Result<void> MetadataStore::scrubSecrets()
{
    // Connections are few; every other column that held a URI got it from a
    // connection, so the rest is only looked at when a connection had one.
    struct Dirty {
        std::int64_t id;
        std::string uri, name;
    };
    std::vector<Dirty> dirty;
    {
        auto stmt = Statement::prepare(m_db, "SELECT id, uri, name FROM connections");
        if (!stmt)
            return tl::unexpected(stmt.error());
        for (;;) {
            auto row = stmt->step();
            if (!row)
                return tl::unexpected(row.error());
            if (!*row)
                break;
            const std::string uri = stmt->text(1), name = stmt->text(2);
            if (redactUri(uri) != uri || redactSecrets(name) != name)
                dirty.push_back({stmt->int64(0), uri, name});
        }
    }
    if (dirty.empty())
        return {};
    // Overwritten cells are zeroed, not left in the pages' free space.
    if (auto r = execSql(m_db, "PRAGMA secure_delete = ON"); !r)
        return r;
    auto scrubbed = store::inTransaction(m_db, [&]() -> Result<void> {
        auto clash = Statement::prepare(m_db, "SELECT count(*) FROM connections WHERE uri = ?1 AND id <> ?2");
        auto update = Statement::prepare(m_db, "UPDATE connections SET uri = ?2, name = ?3 WHERE id = ?1");
        if (!clash)
            return tl::unexpected(clash.error());
        if (!update)
            return tl::unexpected(update.error());
        for (const auto &d : dirty) {
            std::string uri = redactUri(d.uri);
            // The same database without the password may have a row of its
            // own already: this one stays as history under a distinct name.
            clash->bind(1, uri).bind(2, d.id);
            auto row = clash->step();
            if (!row)
                return tl::unexpected(row.error());
            const bool taken = clash->int64(0) > 0;
            clash->reset();
            if (uri != d.uri && taken)
                uri = fmt::format("{} (connection {}, password removed)", uri, d.id);
            update->bind(1, d.id).bind(2, uri).bind(3, d.name == d.uri ? uri : redactSecrets(d.name));
            if (auto r = update->run(); !r)
                return r;
        }
        if (auto r = redactColumn(m_db, "audit", "detail", &redactTextColumn); !r)
            return r;
        if (auto r = redactColumn(m_db, "executor_locks", "target", &redactUriColumn); !r)
            return r;
        if (auto r = redactColumn(m_db, "steps", "error", &redactTextColumn); !r)
            return r;
        if (m_schemaVersion >= 4) {
            if (auto r = redactColumn(m_db, "steps", "node", &redactUriColumn); !r)
                return r;
            if (auto r = redactColumn(m_db, "steps", "payload_json", &redactTextColumn); !r)
                return r;
        }
        return {};
    });
    (void)execSql(m_db, "PRAGMA secure_delete = OFF");
    if (!scrubbed)
        return scrubbed;
    // The old pages must not live on in the WAL either.
    (void)execSql(m_db, "PRAGMA wal_checkpoint(TRUNCATE)");
    m_notices.push_back(fmt::format("removed the password from {} connection URI(s) an earlier Tidemark stored in {}; "
                                    "keep passwords in ~/.pgpass (or PGPASSFILE) or the keychain",
                                    dirty.size(), m_path.string()));
    return {};
}

} // namespace tidemark
