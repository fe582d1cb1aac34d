#pragma once
// The PostgreSQL connector: declarative partitioning (RANGE, LIST, HASH,
// multi-level, default partitions) observed through the catalogue and the
// statistics views, and split/merge done online: the new partitions are
// filled by short batches while a trigger logs concurrent changes, then one
// short swap transaction replays the last changes, verifies, detaches,
// attaches and records the step. Log segments are archived to files and
// restored from them (docs/log-segments.md). See docs/postgres.md.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "connector.h"
#include "connector_features.h"
#include "policy/load_figure.h"

namespace tidemark::postgres {

class PgConnection;

/// What the server reports of its own load and capacity (pg_stat_database).
struct ServerStats {
    std::int64_t databaseBytes = 0;
    int connections = 0; ///< backends connected to this database
    int activeConnections = 0; ///< of which running a statement
    int maxConnections = 0;
    std::int64_t xactCommit = 0, xactRollback = 0;
    std::int64_t blocksRead = 0, blocksHit = 0;
    std::int64_t tuplesInserted = 0, tuplesUpdated = 0, tuplesDeleted = 0;
    std::int64_t tuplesReturned = 0, tuplesFetched = 0;
    std::int64_t deadlocks = 0;
    std::string serverVersion;
    std::int64_t startedMs = 0; ///< postmaster start
    std::int64_t statsResetMs = 0;
};

/// Tuning of the online split/merge (tests and benchmarks change them).
struct OnlineStepOptions {
    std::int64_t batchRows = 20000; ///< rows copied per short transaction
    std::int64_t catchUpRows = 2000; ///< replay until fewer changes than this wait
    int maxCatchUpRounds = 50;
    int swapAttempts = 8; ///< lock attempts of the final swap (and of a copy's cutover)
    // Copies to another node:
    std::int64_t coarseChunkRows = 50000; ///< rows per chunk where writes are rare (fine: a tenth)
    int maxChunkSends = 3; ///< a chunk still differing after this many sends fails the step
};

class PostgresConnector final : public Connector,
                                public LoadReporter,
                                public DatabaseExecutorLock,
                                public RowStreamer,
                                public ChangeCapture,
                                public ChunkChecksummer,
                                public ResourceReporter,
                                public ChangeJournal,
                                public DeadSpaceReporter,
                                public MoveValidator,
                                public MoveEligibility {
public:
    /// Opens a postgresql:// (or postgres://) URI or a key=value conninfo.
    static Result<std::unique_ptr<PostgresConnector>> open(const std::string &conninfo);
    ~PostgresConnector() override;
    PostgresConnector(const PostgresConnector &) = delete;
    PostgresConnector &operator=(const PostgresConnector &) = delete;

    std::string scheme() const override { return "postgresql"; }
    ConnectorTraits traits() const override;

    Result<std::vector<PartitionedTable>> discover() override;
    Result<PartitionedTable> describe(const std::string &table) override;
    Result<std::vector<ActivitySample>> sampleActivity() override;
    Result<KeyHistogram> keyHistogram(const std::string &table, const std::string &partition, int buckets) override;

    std::string partitionNameFor(const std::string &table, const KeyRange &bounds,
                                 KeyType keyType = KeyType::Integer) const override;
    Result<std::string> fingerprint(const std::string &table, const std::vector<std::string> &partitions) override;
    Result<std::string> preview(const Step &step) override;
    Result<StepOutcome> execute(const Step &step, ExecutionContext &ctx) override;
    Result<StepCommitState> stepState(const std::string &stepUid) override;
    Result<void> abandonStep(const std::string &stepUid) override;

    Result<RowChecksum> checksum(const std::string &table, const KeyRange &range) override;
    Result<void> adopt(const AdoptRequest &request) override;
    void cancel() override;

    std::string quoteIdentifier(std::string_view name) const override;
    std::string quoteLiteral(std::string_view value) const override;

    /// A session advisory lock (a fixed Tidemark class id, the database's
    /// name hashed) held on a connection of its own for the whole apply;
    /// the holder is recorded in tidemark.executor_claims. The server drops
    /// the lock with the session, so a killed executor never leaves it stale.
    Result<void> lockExecutor(const ExecutorClaim &me) override;
    void unlockExecutor() override;

    /// Rows of a partitioned table or partition in key order, through a cursor.
    Result<std::int64_t> readRows(const std::string &table, const KeyRange &range, std::int64_t batchRows,
                                  const std::function<Result<void>(const RowBatch &)> &sink,
                                  std::stop_token stop) override;
    /// COPY FROM STDIN into `table` (a schema-qualified name as reported), one transaction.
    Result<std::int64_t> writeRows(const std::string &table, const RowBatch &batch) override;
    /// A trigger on the relation logs every change of the range into
    /// tidemark.capture_log (op, key, row as jsonb).
    Result<std::string> startCapture(const std::string &table, const KeyRange &range) override;
    Result<std::vector<RowChange>> readChanges(const std::string &capture, std::int64_t afterSequence,
                                               int limit) override;
    Result<void> stopCapture(const std::string &capture) override;
    /// Chunks of about `chunkRows` distinct keys; count and checksum each, as checksum().
    Result<std::vector<ChunkChecksum>> chunkChecksums(const std::string &table, const KeyRange &range,
                                                      std::int64_t chunkRows, std::stop_token stop) override;
    /// The node's load counters and size for the node resource monitor
    /// (ResourceReporter); capacity (cores, disk) comes from the node catalogue.
    Result<NodeResources> resources() override;
    // Point-in-time journal (pg_journal.cpp).
    Result<void> enableJournal(const std::string &table) override;
    Result<void> disableJournal(const std::string &table) override;
    Result<JournalStatus> journalStatus(const std::string &table) override;
    Result<JournalCut> readJournal(const std::string &table, std::int64_t afterPosition,
                                   const std::function<Result<void>(const JournalChange &)> &sink) override;
    Result<std::int64_t> trimJournal(const std::string &table, std::int64_t upToPosition) override;
    Result<JournalCut> readImages(const std::string &table, const std::optional<KeyRange> &range,
                                  const std::function<Result<void>(const RowImage &)> &sink,
                                  std::stop_token stop) override;
    Result<void> restoreImages(const std::string &table, const std::string &into,
                               const std::vector<std::string> &images,
                               const std::function<Result<void>(const std::vector<RowImage> &)> &verify) override;
    /// Dead space per partition: pgstattuple_approx where the extension is
    /// installed, else n_dead_tup (pg_dead_space.cpp).
    Result<std::vector<DeadSpace>> deadSpace(const std::string &table) override;

    // MoveValidator (pg_move_validate.cpp)
    Result<std::vector<MoveCheck>> validateMove(const Step &step, const StepOutcome &outcome,
                                                ExecutionContext &ctx) override;

    // MoveEligibility (pg_move_limits.cpp): the parent's unique indexes,
    // partitions that are foreign tables already, non-RANGE partitions.
    Result<std::vector<MoveRefusal>> unmovablePartitions(const std::string &table) override;

    // ---- PostgreSQL-specific ----

    Result<ServerStats> serverStats();
    /// Active sessions from serverStats(), not counting this connection.
    Result<LoadFigure> currentLoad() override;
    void setOnlineStepOptions(const OnlineStepOptions &o) { m_options = o; }
    const OnlineStepOptions &onlineStepOptions() const { return m_options; }
    /// user@host:port/db of the connection (no password).
    std::string target() const;
    PgConnection &connection() { return *m_conn; }

private:
    PostgresConnector(std::unique_ptr<PgConnection> conn, std::string conninfo);
    /// Copy and Move steps (pg_copy_run.cpp, docs/copy-move.md).
    Result<StepOutcome> executeCopy(const Step &step, ExecutionContext &ctx);
    Result<std::string> previewCopy(const Step &step);
    Result<void> abandonCopy(const std::string &stepUid);
    /// Archive and restore-archive steps of log segments (pg_segment_archive.cpp, docs/log-segments.md).
    Result<StepOutcome> executeSegment(const Step &step, ExecutionContext &ctx);
    Result<std::string> previewSegment(const Step &step);
    /// Compact steps: a sealed segment rewritten and swapped in (pg_segment_compact.cpp).
    Result<StepOutcome> executeCompact(const Step &step, ExecutionContext &ctx);
    Result<std::string> previewCompact(const Step &step);

    std::unique_ptr<PgConnection> m_conn;
    std::string m_conninfo; ///< to open the executor lock's own session
    std::unique_ptr<PgConnection> m_lockConn; ///< holds the executor lock while set
    OnlineStepOptions m_options;
};

/// Factory registered by the plugin.
ConnectorFactory postgresConnectorFactory();

} // namespace tidemark::postgres
