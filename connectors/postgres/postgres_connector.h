#pragma once
// The PostgreSQL connector: declarative partitioning (RANGE, LIST, HASH,
// multi-level, default partitions) observed through the catalogue and the
// statistics views, and split/merge done online: the new partitions are
// filled by short batches while a trigger logs concurrent changes, then one
// short swap transaction replays the last changes, verifies, detaches,
// attaches and records the step. See docs/postgres.md.
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

/// What the server reports of its own load and capacity.
struct NodeResources {
    std::int64_t databaseBytes = 0;
    int connections = 0; ///< backends connected to this database
    int activeConnections = 0; ///< of which running a statement
    int maxConnections = 0;
    std::int64_t xactCommit = 0, xactRollback = 0;
    std::int64_t blocksRead = 0, blocksHit = 0;
    std::int64_t tuplesInserted = 0, tuplesUpdated = 0, tuplesDeleted = 0;
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
    int swapAttempts = 8; ///< lock attempts of the final swap
};

class PostgresConnector final : public Connector,
                                public LoadReporter,
                                public DatabaseExecutorLock,
                                public DeadSpaceReporter {
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

    /// Dead space per partition: pgstattuple_approx where the extension is
    /// installed, else n_dead_tup (pg_dead_space.cpp).
    Result<std::vector<DeadSpace>> deadSpace(const std::string &table) override;

    // ---- PostgreSQL-specific ----

    Result<NodeResources> resources();
    /// Active sessions from resources(), not counting this connection.
    Result<LoadFigure> currentLoad() override;
    void setOnlineStepOptions(const OnlineStepOptions &o) { m_options = o; }
    const OnlineStepOptions &onlineStepOptions() const { return m_options; }
    /// user@host:port/db of the connection (no password).
    std::string target() const;
    PgConnection &connection() { return *m_conn; }

private:
    PostgresConnector(std::unique_ptr<PgConnection> conn, std::string conninfo);

    std::unique_ptr<PgConnection> m_conn;
    std::string m_conninfo; ///< to open the executor lock's own session
    std::unique_ptr<PgConnection> m_lockConn; ///< holds the executor lock while set
    OnlineStepOptions m_options;
};

/// Factory registered by the plugin.
ConnectorFactory postgresConnectorFactory();

} // namespace tidemark::postgres
