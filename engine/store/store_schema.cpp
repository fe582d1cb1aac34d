// Schema migrations of the metadata store. Each step runs in its own
// transaction and bumps PRAGMA user_version; steps are never edited once
// released: a change is a new step.
#include <fmt/format.h>

#include "store/metadata_store.h"
#include "store/sqlite_statement.h"

namespace tidemark {

using store::execSql;
using store::Statement;

namespace {

// Migration 1: the base schema.
constexpr const char *kMigration1 = R"sql(
CREATE TABLE connections(
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    settings_json TEXT NOT NULL DEFAULT '{}',
    policy TEXT NOT NULL DEFAULT 'report-only',
    created_ms INTEGER NOT NULL
);
CREATE TABLE samples(
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    partition TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    reads INTEGER NOT NULL,
    inserts INTEGER NOT NULL,
    updates INTEGER NOT NULL,
    deletes INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    reads_known INTEGER NOT NULL,
    counter_epoch TEXT NOT NULL,
    epoch_start_ms INTEGER NOT NULL
);
CREATE TABLE scores(
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    partition TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    score REAL NOT NULL,
    p_modified REAL NOT NULL,
    writes_ps REAL NOT NULL,
    reads_ps REAL NOT NULL,
    rows INTEGER NOT NULL,
    bytes INTEGER NOT NULL
);
CREATE INDEX scores_by_table ON scores(connection_id, table_name, ts_ms);
CREATE TABLE plans(
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connections(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    approved_by TEXT,
    approval TEXT,
    approved_ms INTEGER,
    summary TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plans_by_created ON plans(created_ms);
CREATE INDEX plans_by_connection ON plans(connection_id, created_ms);
CREATE TABLE steps(
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    uid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    table_name TEXT NOT NULL,
    sources_json TEXT NOT NULL DEFAULT '[]',
    targets_json TEXT NOT NULL DEFAULT '[]',
    reason TEXT NOT NULL DEFAULT '',
    predicted_json TEXT NOT NULL DEFAULT '{}',
    measured_json TEXT,
    sql TEXT NOT NULL DEFAULT '',
    fingerprint TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    verification TEXT NOT NULL DEFAULT '',
    started_ms INTEGER,
    finished_ms INTEGER
);
CREATE INDEX steps_by_plan ON steps(plan_id, ordinal);
CREATE INDEX steps_by_status ON steps(status);
CREATE TABLE audit(
    id INTEGER PRIMARY KEY,
    ts_ms INTEGER NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    plan_id INTEGER,
    step_id INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_plan ON audit(plan_id, id);
CREATE TABLE executor_locks(
    target TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    acquired_ms INTEGER NOT NULL,
    heartbeat_ms INTEGER NOT NULL,
    boot_id TEXT NOT NULL DEFAULT '',
    pid_start TEXT NOT NULL DEFAULT ''
);
)sql";

// Migration 2: partition lifecycle for cool-downs, a catalogue of the newest
// score per partition (latestScores reads it instead of scanning history,
// filled here from the scores already stored), and the index samples()
// needs once history grows.
constexpr const char *kMigration2 = R"sql(
CREATE TABLE partition_events(
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    partition TEXT NOT NULL,
    event TEXT NOT NULL CHECK (event IN ('created', 'dropped')),
    at_ms INTEGER NOT NULL,
    by_action TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partition_events_by_table ON partition_events(connection_id, table_name, partition, at_ms);
CREATE TABLE latest_scores(
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    partition TEXT NOT NULL,
    ts_ms INTEGER NOT NULL,
    score REAL NOT NULL,
    p_modified REAL NOT NULL,
    writes_ps REAL NOT NULL,
    reads_ps REAL NOT NULL,
    rows INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (connection_id, table_name, partition)
) WITHOUT ROWID;
INSERT INTO latest_scores(connection_id, table_name, partition, ts_ms, score, p_modified, writes_ps,
                          reads_ps, rows, bytes)
    SELECT connection_id, table_name, partition, max(ts_ms), score, p_modified, writes_ps, reads_ps, rows, bytes
    FROM scores GROUP BY connection_id, table_name, partition;
CREATE INDEX samples_by_partition ON samples(connection_id, table_name, partition, ts_ms);
)sql";

// Migration 3: the forecasts planners issued (a series' total over a time
// window) and, once the window has been observed, their checks. At most one
// forecast per series and window start; pending ones are found by window end.
constexpr const char *kMigration3 = R"sql(
CREATE TABLE forecasts(
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    partition TEXT NOT NULL,
    metric TEXT NOT NULL,
    window_start_ms INTEGER NOT NULL,
    window_end_ms INTEGER NOT NULL CHECK (window_end_ms > window_start_ms),
    predicted REAL NOT NULL,
    lower95 REAL NOT NULL,
    upper95 REAL NOT NULL,
    model TEXT NOT NULL DEFAULT '',
    made_ms INTEGER NOT NULL,
    checked_ms INTEGER,
    actual REAL,
    missed INTEGER,
    scaled_error REAL,
    UNIQUE (connection_id, table_name, partition, metric, window_start_ms)
);
CREATE INDEX forecasts_pending ON forecasts(connection_id, checked_ms, window_end_ms);
)sql";

// Migration 4: plans across nodes and step kinds. Each step names the node
// it runs on (empty: the plan's connection), its table's key type and its
// kind's payload; the node catalogue holds the servers a plan may span,
// with the role and capacity the DBA gives.
constexpr const char *kMigration4 = R"sql(
ALTER TABLE steps ADD COLUMN node TEXT NOT NULL DEFAULT '';
ALTER TABLE steps ADD COLUMN key_type TEXT NOT NULL DEFAULT 'integer';
ALTER TABLE steps ADD COLUMN payload_json TEXT NOT NULL DEFAULT '{}';
CREATE TABLE nodes(
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL UNIQUE REFERENCES connections(id) ON DELETE CASCADE,
    name TEXT NOT NULL UNIQUE CHECK (name <> ''),
    role TEXT NOT NULL CHECK (role IN ('primary', 'replica', 'shard', 'archive')),
    disk_bytes INTEGER CHECK (disk_bytes IS NULL OR disk_bytes > 0),
    cores INTEGER CHECK (cores IS NULL OR cores > 0),
    memory_bytes INTEGER CHECK (memory_bytes IS NULL OR memory_bytes > 0),
    notes TEXT NOT NULL DEFAULT '',
    added_ms INTEGER NOT NULL
);
)sql";

// Migration 5: what each node reports of its own load, sampled over time
// (the node resource monitor): cumulative counters of one epoch, and gauges.
constexpr const char *kMigration5 = R"sql(
CREATE TABLE node_samples(
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    ts_ms INTEGER NOT NULL,
    transactions INTEGER,
    tuples_read INTEGER,
    tuples_written INTEGER,
    blocks_read INTEGER,
    blocks_hit INTEGER,
    active_sessions INTEGER,
    sessions INTEGER,
    database_bytes INTEGER,
    counter_epoch TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (connection_id, ts_ms)
) WITHOUT ROWID;
)sql";

// Migration 6: the snapshot repository's manifest. Each segment is one
// file of the repository (a journal batch or a snapshot chunk) with its
// checksum; a snapshot lists its chunks, each a segment (an unchanged chunk
// refers to the segment an earlier snapshot wrote).
constexpr const char *kMigration6 = R"sql(
CREATE TABLE pitr_segments(
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('journal', 'chunk')),
    path TEXT NOT NULL UNIQUE,
    bytes INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    xxh64 TEXT NOT NULL,
    epoch_ms INTEGER NOT NULL,
    first_position INTEGER NOT NULL,
    last_position INTEGER NOT NULL,
    first_us INTEGER NOT NULL,
    last_us INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE INDEX pitr_segments_by_table ON pitr_segments(connection_id, table_name, kind, last_position);
CREATE TABLE pitr_snapshots(
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    partition TEXT NOT NULL DEFAULT '',
    key_lower INTEGER,
    key_upper INTEGER,
    epoch_ms INTEGER NOT NULL,
    taken_us INTEGER NOT NULL,
    position INTEGER NOT NULL,
    chunk_base INTEGER NOT NULL,
    chunk_width INTEGER NOT NULL CHECK (chunk_width > 0),
    rows INTEGER NOT NULL,
    checksum TEXT NOT NULL,
    bytes_written INTEGER NOT NULL,
    chunks_written INTEGER NOT NULL,
    shadow INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL
);
CREATE INDEX pitr_snapshots_by_table ON pitr_snapshots(connection_id, table_name, taken_us);
CREATE TABLE pitr_snapshot_chunks(
    snapshot_id INTEGER NOT NULL REFERENCES pitr_snapshots(id) ON DELETE CASCADE,
    chunk INTEGER NOT NULL,
    segment_id INTEGER NOT NULL REFERENCES pitr_segments(id),
    rows INTEGER NOT NULL,
    checksum TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, chunk)
);
CREATE INDEX pitr_snapshot_chunks_by_segment ON pitr_snapshot_chunks(segment_id);
)sql";

// Migration 7: log segments: the latest figures of each segment, the DBA's settings per
// log table, and the archives written from segments.
constexpr const char *kMigration7 = R"sql(
CREATE TABLE segment_figures(
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    partition TEXT NOT NULL,
    figures_json TEXT NOT NULL,
    taken_ms INTEGER NOT NULL,
    PRIMARY KEY (connection_id, table_name, partition)
);
CREATE TABLE segment_settings(
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    settings_json TEXT NOT NULL,
    PRIMARY KEY (connection_id, table_name)
);
CREATE TABLE segment_archives(
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    partition TEXT NOT NULL,
    archive_json TEXT NOT NULL,
    manifest_path TEXT NOT NULL,
    archived_ms INTEGER NOT NULL,
    restored_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX segment_archives_by_table ON segment_archives(connection_id, table_name);
)sql";

// Migration 8: the models a forecast chose per series (forecast::ModelChoice
// as JSON), so the next plan refits them instead of searching again; when
// they were searched and the hold-out error they had then.
constexpr const char *kMigration8 = R"sql(
CREATE TABLE model_choices(
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    partition TEXT NOT NULL,
    metric TEXT NOT NULL,
    model TEXT NOT NULL,
    choice_json TEXT NOT NULL,
    chosen_ms INTEGER NOT NULL,
    holdout_mase REAL,
    used_ms INTEGER NOT NULL,
    PRIMARY KEY (connection_id, table_name, partition, metric)
);
)sql";

constexpr const char *kMigrations[] = {kMigration1, kMigration2, kMigration3, kMigration4,
                                       kMigration5, kMigration6, kMigration7, kMigration8};
static_assert(std::size(kMigrations) == MetadataStore::kSchemaVersion, "every schema version needs its migration step");

} // namespace

Result<void> MetadataStore::applyMigration(int version)
{
    if (version < 1 || version > kSchemaVersion)
        return fail(ErrorCode::Internal, fmt::format("metadata store: no migration to schema {}", version));
    if (auto r = execSql(m_db, kMigrations[version - 1]); !r)
        return tl::unexpected(Error{
            r.error().code, fmt::format("migrating {} to schema {}: {}", m_path.string(), version, r.error().message),
            r.error().hint});
    if (version == 1)
        if (auto r = execSql(m_db, fmt::format("PRAGMA application_id = {}", kApplicationId).c_str()); !r)
            return r;
    return execSql(m_db, fmt::format("PRAGMA user_version = {}", version).c_str());
}

Result<void> MetadataStore::migrate(int targetVersion)
{
    for (;;) {
        bool done = false;
        // Re-read the version inside each write transaction: another process
        // may be migrating the same file at the same moment.
        auto r = store::inTransaction(m_db, [&]() -> Result<void> {
            auto stmt = Statement::prepare(m_db, "PRAGMA user_version");
            if (!stmt)
                return tl::unexpected(stmt.error());
            auto row = stmt->step();
            if (!row)
                return tl::unexpected(row.error());
            const int current = *row ? static_cast<int>(stmt->int64(0)) : 0;
            if (current > kSchemaVersion)
                return fail(ErrorCode::VersionTooNew,
                            fmt::format("{} was written by a newer Tidemark (schema {}, this build understands {})",
                                        m_path.string(), current, kSchemaVersion),
                            "upgrade Tidemark to use this metadata store, or pass another --store PATH");
            m_schemaVersion = current;
            if (current >= targetVersion) {
                done = true;
                return {};
            }
            if (auto applied = applyMigration(current + 1); !applied)
                return applied;
            m_schemaVersion = current + 1;
            return {};
        });
        if (!r)
            return r;
        if (done)
            return {};
    }
}

} // namespace tidemark
