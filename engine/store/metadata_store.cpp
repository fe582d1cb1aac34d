// Opening the metadata store (with its refusals), connections, samples,
// scores, the partition lifecycle and the audit trail. Plans live in
// store_plans.cpp, the executor lock in store_lock.cpp, migrations in
// store_schema.cpp.
#include "store/metadata_store.h"

#include <cstring>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "model/connection_string.h"
#include "store/sqlite_statement.h"
#include "store/store_internal.h"

namespace tidemark {

using store::execSql;
using store::Statement;

namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr const char *kStoreHint = "move it aside or pass another --store PATH";

tl::unexpected<Error> notAStore(const std::filesystem::path &path, const std::string &reason)
{
    return fail(ErrorCode::Corrupt, fmt::format("{} is not a Tidemark metadata store ({})", path.string(), reason),
                kStoreHint);
}

/// Reads one integer from a single-row query (PRAGMA, count).
Result<std::int64_t> queryInt(sqlite3 *db, const char *sql)
{
    auto stmt = Statement::prepare(db, sql);
    if (!stmt)
        return tl::unexpected(stmt.error());
    auto row = stmt->step();
    if (!row)
        return tl::unexpected(row.error());
    return *row ? stmt->int64(0) : 0;
}

struct SqliteCloser {
    void operator()(sqlite3 *db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

/// "file:" URI of a path, with the characters URIs reserve percent-encoded.
std::string sqliteUri(const std::filesystem::path &path)
{
    const std::string abs = std::filesystem::absolute(path).string();
    std::string out = "file:";
    for (const char c : abs) {
        if (c == '%' || c == '?' || c == '#')
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        else
            out += c;
    }
    return out;
}

/// Looks at an existing file without writing to it: is it SQLite at all, is
/// it ours (application_id, or an empty database), is its schema one we
/// understand? A missing or empty file passes (it will be created).
Result<void> inspectExisting(const std::filesystem::path &path)
{
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        return {};
    if (std::filesystem::is_directory(status))
        return notAStore(path, "it is a directory");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return fail(ErrorCode::Io, fmt::format("cannot read {}: {}", path.string(), ec.message()));
    if (size == 0)
        return {};

    std::ifstream in(path, std::ios::binary);
    char header[16] = {};
    if (!in.read(header, sizeof header) && size >= sizeof header)
        return fail(ErrorCode::Io, fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)),
                    "check the file's permissions");
    if (size < 100 || std::memcmp(header, "SQLite format 3", 16) != 0)
        return notAStore(path, "file is not a database");

    // With no -wal file beside it nobody has the database open in WAL mode,
    // and the main file alone is the truth: open it immutable, so SQLite
    // creates no -wal/-shm and takes no locks. Otherwise a plain read-only
    // open reads the WAL that is already there.
    std::filesystem::path wal = path;
    wal += "-wal";
    const bool walInUse = std::filesystem::exists(wal, ec) && std::filesystem::file_size(wal, ec) > 0;
    const std::string name = walInUse ? path.string() : sqliteUri(path) + "?immutable=1";
    sqlite3 *raw = nullptr;
    const int rc =
        sqlite3_open_v2(name.c_str(), &raw, SQLITE_OPEN_READONLY | (walInUse ? 0 : SQLITE_OPEN_URI), nullptr);
    SqliteHandle db(raw);
    if (rc != SQLITE_OK)
        return tl::unexpected(store::sqliteError(raw, rc, fmt::format("opening {} read-only", path.string())));
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);

    auto appId = queryInt(raw, "PRAGMA application_id");
    auto version = appId ? queryInt(raw, "PRAGMA user_version") : appId;
    auto objects = version ? queryInt(raw, "SELECT count(*) FROM sqlite_schema") : version;
    if (!objects) {
        if (objects.error().code == ErrorCode::Corrupt)
            return notAStore(path,
                             sqlite3_errcode(raw) == SQLITE_NOTADB
                                 ? std::string("file is not a database")
                                 : fmt::format("the database is damaged: {}", sqlite3_errmsg(raw)));
        return tl::unexpected(objects.error());
    }
    if (*appId != MetadataStore::kApplicationId) {
        if (*appId != 0)
            return notAStore(path,
                             fmt::format("it is the SQLite database of another application, application_id "
                                         "0x{:08x}",
                                         static_cast<std::uint32_t>(*appId)));
        if (*objects > 0)
            return notAStore(path, "it is a SQLite database with tables of another application");
    }
    if (*version > MetadataStore::kSchemaVersion)
        return fail(ErrorCode::VersionTooNew,
                    fmt::format("{} was written by a newer Tidemark (schema {}, this build understands {})",
                                path.string(), *version, MetadataStore::kSchemaVersion),
                    "upgrade Tidemark to use this metadata store, or pass another --store PATH");
    return {};
}

VolatilityScore scoreFromRow(const Statement &s)
{
    VolatilityScore v;
    v.table = s.text(0);
    v.partition = s.text(1);
    v.timestampMs = s.int64(2);
    v.score = s.real(3);
    v.pModified = s.real(4);
    v.writesPerSecond = s.real(5);
    v.readsPerSecond = s.real(6);
    v.rows = s.int64(7);
    v.bytes = s.int64(8);
    return v;
}

} // namespace

MetadataStore::MetadataStore(std::filesystem::path path, sqlite3 *db)
    : m_path(std::move(path))
    , m_db(db)
{
}

MetadataStore::~MetadataStore()
{
    sqlite3_close_v2(m_db);
}

Result<std::unique_ptr<MetadataStore>> MetadataStore::open(const std::filesystem::path &path)
{
    return openAtVersion(path, kSchemaVersion);
}

Result<std::unique_ptr<MetadataStore>> MetadataStore::openAtVersion(const std::filesystem::path &path, int version)
{
    if (version < 1 || version > kSchemaVersion)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("metadata store schema {} does not exist (1..{})", version, kSchemaVersion));
    if (path.empty())
        return fail(ErrorCode::InvalidArgument, "no metadata store path given", "pass --store PATH");
    if (const auto parent = path.parent_path(); !parent.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(parent, ec);
        if (ec)
            return fail(ErrorCode::Io, fmt::format("cannot create {}: {}", parent.string(), ec.message()),
                        "check the permissions of the directory, or pass another --store PATH");
    }
    // Refusals happen before the read-write open: nothing is written to a
    // file that is not ours or is newer than us.
    if (auto r = inspectExisting(path); !r)
        return tl::unexpected(r.error());
    std::vector<std::string> notices;
    if (auto r = store::keepPrivate(path, notices); !r)
        return tl::unexpected(r.error());

    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        Error e = store::sqliteError(raw, rc, fmt::format("opening {}", path.string()));
        sqlite3_close_v2(raw);
        return tl::unexpected(e);
    }
    std::unique_ptr<MetadataStore> self(new MetadataStore(path, raw));
    self->m_notices = std::move(notices);
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);
    sqlite3_extended_result_codes(raw, 1);
    for (const char *pragma : {"PRAGMA foreign_keys = ON", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"})
        if (auto r = execSql(raw, pragma); !r)
            return tl::unexpected(r.error());
    if (auto r = self->migrate(version); !r)
        return tl::unexpected(r.error());
    if (auto r = self->scrubSecrets(); !r)
        return tl::unexpected(r.error());
    return self;
}

int MetadataStore::schemaVersion() const
{
    return m_schemaVersion;
}

Result<void> MetadataStore::transaction(const std::function<Result<void>()> &fn)
{
    return store::inTransaction(m_db, fn);
}

// ---- connections

namespace {
constexpr const char *kConnectionColumns = "SELECT id, uri, name, settings_json, policy, created_ms FROM connections";

Result<Connection> connectionFromRow(const Statement &s)
{
    Connection c;
    c.id = s.int64(0);
    c.uri = s.text(1);
    c.name = s.text(2);
    auto settings = store::settingsFromJson(s.text(3));
    if (!settings) {
        Error e = settings.error();
        e.message += fmt::format(" of connection {}", c.uri);
        return tl::unexpected(e);
    }
    c.settings = *settings;
    c.policy = s.text(4);
    c.createdMs = s.int64(5);
    return c;
}
} // namespace

Result<std::optional<Connection>> MetadataStore::findConnection(const std::string &given)
{
    const std::string uri = redactUri(given);
    auto stmt = Statement::prepare(m_db, fmt::format("{} WHERE uri = ?1", kConnectionColumns));
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, uri);
    auto row = stmt->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return std::optional<Connection>();
    auto c = connectionFromRow(*stmt);
    if (!c)
        return tl::unexpected(c.error());
    return std::optional<Connection>(std::move(*c));
}

Result<Connection> MetadataStore::ensureConnection(const std::string &given)
{
    const std::string uri = redactUri(given);
    if (uri.empty())
        return fail(ErrorCode::InvalidArgument, "empty connection URI");
    auto insert = Statement::prepare(m_db,
                                     "INSERT INTO connections(uri, name, settings_json, policy, created_ms) "
                                     "VALUES (?1, ?1, ?2, 'report-only', ?3) ON CONFLICT(uri) DO NOTHING");
    if (!insert)
        return tl::unexpected(insert.error());
    insert->bind(1, uri).bind(2, store::settingsToJson(ConnectionSettings{})).bind(3, store::nowMs());
    if (auto r = insert->run(); !r)
        return tl::unexpected(r.error());
    // Using a removed connection again brings it back, without its old policy.
    auto revive =
        Statement::prepare(m_db, "UPDATE connections SET policy = 'report-only' WHERE uri = ?1 AND policy = ?2");
    if (!revive)
        return tl::unexpected(revive.error());
    revive->bind(1, uri).bind(2, std::string(kRemovedPolicy));
    if (auto r = revive->run(); !r)
        return tl::unexpected(r.error());
    auto found = findConnection(uri);
    if (!found)
        return tl::unexpected(found.error());
    if (!*found)
        return fail(ErrorCode::Internal, fmt::format("metadata store: connection {} vanished after insert", uri));
    return std::move(**found);
}

Result<std::vector<Connection>> MetadataStore::connections()
{
    auto stmt = Statement::prepare(m_db, fmt::format("{} WHERE policy <> ?1 ORDER BY id", kConnectionColumns));
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, std::string(kRemovedPolicy));
    std::vector<Connection> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        auto c = connectionFromRow(*stmt);
        if (!c)
            return tl::unexpected(c.error());
        out.push_back(std::move(*c));
    }
    return out;
}

Result<void> MetadataStore::saveSettings(std::int64_t connectionId, const ConnectionSettings &settings)
{
    auto stmt = Statement::prepare(m_db, "UPDATE connections SET settings_json = ?2 WHERE id = ?1");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, store::settingsToJson(settings));
    if (auto r = stmt->run(); !r)
        return r;
    if (sqlite3_changes(m_db) == 0)
        return fail(ErrorCode::NotFound, fmt::format("no connection {} in the metadata store", connectionId));
    return {};
}

Result<void> MetadataStore::setPolicy(std::int64_t connectionId, const std::string &policy, const std::string &who)
{
    return store::inTransaction(m_db, [&]() -> Result<void> {
        auto old = Statement::prepare(m_db, "SELECT policy, uri FROM connections WHERE id = ?1");
        if (!old)
            return tl::unexpected(old.error());
        old->bind(1, connectionId);
        auto row = old->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return fail(ErrorCode::NotFound, fmt::format("no connection {} in the metadata store", connectionId));
        const std::string previous = old->text(0);
        const std::string uri = old->text(1);
        auto update = Statement::prepare(m_db, "UPDATE connections SET policy = ?2 WHERE id = ?1");
        if (!update)
            return tl::unexpected(update.error());
        update->bind(1, connectionId).bind(2, policy);
        if (auto r = update->run(); !r)
            return r;
        AuditEntry entry;
        entry.who = who;
        entry.action = "policy.set";
        entry.detail = fmt::format("{}: policy {} -> {}", uri, previous, policy);
        return audit(entry);
    });
}

// ---- samples and scores

Result<void> MetadataStore::addSamples(std::int64_t connectionId, const std::vector<ActivitySample> &samples)
{
    return store::inTransaction(m_db, [&]() -> Result<void> {
        auto stmt = Statement::prepare(
            m_db,
            "INSERT INTO samples(connection_id, table_name, partition, ts_ms, reads, inserts, updates, deletes, "
            "rows, bytes, reads_known, counter_epoch, epoch_start_ms) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
        if (!stmt)
            return tl::unexpected(stmt.error());
        for (const auto &s : samples) {
            stmt->bind(1, connectionId).bind(2, s.table).bind(3, s.partition).bind(4, s.timestampMs);
            stmt->bind(5, s.reads).bind(6, s.inserts).bind(7, s.updates).bind(8, s.deletes);
            stmt->bind(9, s.rows).bind(10, s.bytes).bind(11, s.readsKnown).bind(12, s.counterEpoch);
            stmt->bind(13, s.epochStartMs);
            if (auto r = stmt->run(); !r)
                return r;
        }
        return {};
    });
}

Result<std::vector<ActivitySample>> MetadataStore::samples(std::int64_t connectionId, const std::string &table,
                                                           const std::string &partition, std::int64_t sinceMs)
{
    auto stmt = Statement::prepare(
        m_db,
        "SELECT ts_ms, reads, inserts, updates, deletes, rows, bytes, reads_known, counter_epoch, "
        "epoch_start_ms FROM samples WHERE connection_id = ?1 AND table_name = ?2 AND partition = ?3 "
        "AND ts_ms >= ?4 ORDER BY ts_ms, rowid");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, table).bind(3, partition).bind(4, sinceMs);
    std::vector<ActivitySample> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        ActivitySample s;
        s.table = table;
        s.partition = partition;
        s.timestampMs = stmt->int64(0);
        s.reads = stmt->int64(1);
        s.inserts = stmt->int64(2);
        s.updates = stmt->int64(3);
        s.deletes = stmt->int64(4);
        s.rows = stmt->int64(5);
        s.bytes = stmt->int64(6);
        s.readsKnown = stmt->int64(7) != 0;
        s.counterEpoch = stmt->text(8);
        s.epochStartMs = stmt->int64(9);
        out.push_back(std::move(s));
    }
    return out;
}

Result<std::int64_t> MetadataStore::firstSampleMs(std::int64_t connectionId)
{
    auto stmt = Statement::prepare(m_db, "SELECT coalesce(min(ts_ms), 0) FROM samples WHERE connection_id = ?1");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId);
    auto row = stmt->step();
    if (!row)
        return tl::unexpected(row.error());
    return *row ? stmt->int64(0) : std::int64_t(0);
}

Result<void> MetadataStore::saveScores(std::int64_t connectionId, const std::vector<VolatilityScore> &scores)
{
    return store::inTransaction(m_db, [&]() -> Result<void> {
        auto history = Statement::prepare(
            m_db,
            "INSERT INTO scores(connection_id, table_name, partition, ts_ms, score, p_modified, writes_ps, "
            "reads_ps, rows, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
        if (!history)
            return tl::unexpected(history.error());
        // The catalogue keeps only the newest score per partition; an older
        // score arriving late does not replace a newer one.
        auto latest = Statement::prepare(
            m_db,
            "INSERT INTO latest_scores(connection_id, table_name, partition, ts_ms, score, p_modified, "
            "writes_ps, reads_ps, rows, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
            "ON CONFLICT(connection_id, table_name, partition) DO UPDATE SET ts_ms = excluded.ts_ms, "
            "score = excluded.score, p_modified = excluded.p_modified, writes_ps = excluded.writes_ps, "
            "reads_ps = excluded.reads_ps, rows = excluded.rows, bytes = excluded.bytes "
            "WHERE excluded.ts_ms >= latest_scores.ts_ms");
        if (!latest)
            return tl::unexpected(latest.error());
        for (const auto &s : scores) {
            for (Statement *stmt : {&*history, &*latest}) {
                stmt->bind(1, connectionId).bind(2, s.table).bind(3, s.partition).bind(4, s.timestampMs);
                stmt->bind(5, s.score).bind(6, s.pModified).bind(7, s.writesPerSecond).bind(8, s.readsPerSecond);
                stmt->bind(9, s.rows).bind(10, s.bytes);
                if (auto r = stmt->run(); !r)
                    return r;
            }
        }
        return {};
    });
}

Result<std::vector<VolatilityScore>> MetadataStore::latestScores(std::int64_t connectionId)
{
    auto stmt =
        Statement::prepare(m_db,
                           "SELECT table_name, partition, ts_ms, score, p_modified, writes_ps, reads_ps, rows, bytes "
                           "FROM latest_scores WHERE connection_id = ?1 ORDER BY table_name, partition");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId);
    std::vector<VolatilityScore> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        out.push_back(scoreFromRow(*stmt));
    }
    return out;
}

Result<std::vector<VolatilityScore>> MetadataStore::scoreHistory(std::int64_t connectionId, const std::string &table,
                                                                 std::int64_t sinceMs)
{
    auto stmt =
        Statement::prepare(m_db,
                           "SELECT table_name, partition, ts_ms, score, p_modified, writes_ps, reads_ps, rows, bytes "
                           "FROM scores WHERE connection_id = ?1 AND table_name = ?2 AND ts_ms >= ?3 "
                           "ORDER BY ts_ms, partition, rowid");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, table).bind(3, sinceMs);
    std::vector<VolatilityScore> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        out.push_back(scoreFromRow(*stmt));
    }
    return out;
}

// ---- partition lifecycle

namespace {
Result<void> recordPartitionEvent(sqlite3 *db, std::int64_t connectionId, const std::string &table,
                                  const std::string &partition, const char *event, std::int64_t atMs,
                                  const std::string &byAction)
{
    auto stmt = Statement::prepare(db,
                                   "INSERT INTO partition_events(connection_id, table_name, partition, event, "
                                   "at_ms, by_action) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, table).bind(3, partition).bind(4, event).bind(5, atMs).bind(6, byAction);
    return stmt->run();
}
} // namespace

Result<void> MetadataStore::recordPartitionCreated(std::int64_t connectionId, const std::string &table,
                                                   const std::string &partition, std::int64_t atMs,
                                                   const std::string &byAction)
{
    return recordPartitionEvent(m_db, connectionId, table, partition, "created", atMs, byAction);
}

Result<void> MetadataStore::recordPartitionDropped(std::int64_t connectionId, const std::string &table,
                                                   const std::string &partition, std::int64_t atMs,
                                                   const std::string &byAction)
{
    return store::inTransaction(m_db, [&]() -> Result<void> {
        if (auto r = recordPartitionEvent(m_db, connectionId, table, partition, "dropped", atMs, byAction); !r)
            return r;
        auto forget = Statement::prepare(m_db,
                                         "DELETE FROM latest_scores WHERE connection_id = ?1 AND "
                                         "table_name = ?2 AND partition = ?3 AND ts_ms <= ?4");
        if (!forget)
            return tl::unexpected(forget.error());
        forget->bind(1, connectionId).bind(2, table).bind(3, partition).bind(4, atMs);
        if (auto r = forget->run(); !r)
            return r;
        // A partition of that name created later has another history: its
        // models are searched afresh.
        auto models = Statement::prepare(
            m_db, "DELETE FROM model_choices WHERE connection_id = ?1 AND table_name = ?2 AND partition = ?3");
        if (!models)
            return tl::unexpected(models.error());
        models->bind(1, connectionId).bind(2, table).bind(3, partition);
        return models->run();
    });
}

Result<std::map<std::string, std::int64_t>> MetadataStore::partitionCreationTimes(std::int64_t connectionId,
                                                                                  const std::string &table)
{
    // The newest event per partition decides: created → listed, dropped → not.
    auto stmt = Statement::prepare(m_db,
                                   "SELECT partition, event, max(at_ms) FROM partition_events "
                                   "WHERE connection_id = ?1 AND table_name = ?2 GROUP BY partition");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, table);
    std::map<std::string, std::int64_t> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        if (stmt->text(1) == "created")
            out[stmt->text(0)] = stmt->int64(2);
    }
    return out;
}

Result<std::map<std::string, std::string>> MetadataStore::partitionCreationActions(std::int64_t connectionId,
                                                                                   const std::string &table)
{
    // SQLite takes the bare columns from the row that holds max(at_ms).
    auto stmt = Statement::prepare(m_db,
                                   "SELECT partition, event, by_action, max(at_ms) FROM partition_events "
                                   "WHERE connection_id = ?1 AND table_name = ?2 GROUP BY partition");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, table);
    std::map<std::string, std::string> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        if (stmt->text(1) == "created")
            out[stmt->text(0)] = stmt->text(2);
    }
    return out;
}

// ---- audit

Result<void> MetadataStore::audit(const AuditEntry &entry)
{
    auto stmt = Statement::prepare(
        m_db, "INSERT INTO audit(ts_ms, who, action, plan_id, step_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, entry.timestampMs ? entry.timestampMs : store::nowMs()).bind(2, entry.who).bind(3, entry.action);
    stmt->bindNonZero(4, entry.planId).bindNonZero(5, entry.stepId).bind(6, redactSecrets(entry.detail));
    return stmt->run();
}

Result<std::vector<AuditEntry>> MetadataStore::auditLog(std::optional<std::int64_t> planId, int limit)
{
    auto stmt = Statement::prepare(m_db,
                                   "SELECT id, ts_ms, who, action, plan_id, step_id, detail FROM audit "
                                   "WHERE ?1 IS NULL OR plan_id = ?1 ORDER BY id DESC LIMIT ?2");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, planId).bind(2, limit);
    std::vector<AuditEntry> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        AuditEntry e;
        e.id = stmt->int64(0);
        e.timestampMs = stmt->int64(1);
        e.who = stmt->text(2);
        e.action = stmt->text(3);
        e.planId = stmt->isNull(4) ? 0 : stmt->int64(4);
        e.stepId = stmt->isNull(5) ? 0 : stmt->int64(5);
        e.detail = stmt->text(6);
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace tidemark
