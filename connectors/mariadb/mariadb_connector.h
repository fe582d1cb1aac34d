#pragma once
// The MariaDB connector: RANGE / RANGE COLUMNS partitioning (integer, DATE,
// DATETIME and TIMESTAMP keys) observed through information_schema and
// InnoDB's per-partition statistics, and split/merge done with the server's
// own ALTER TABLE … REORGANIZE PARTITION under a write lock, verified by
// count and checksum over every column and recorded in tidemark_steps.
// See docs/mariadb.md.
#include <memory>
#include <string>
#include <vector>

#include "connector.h"
#include "connector_features.h"

namespace tidemark::mariadb {

class MariaConnection;

class MariaDbConnector final : public Connector, public DatabaseExecutorLock {
public:
    /// Opens a mariadb:// or mysql:// URI.
    static Result<std::unique_ptr<MariaDbConnector>> open(const std::string &uri);
    ~MariaDbConnector() override;
    MariaDbConnector(const MariaDbConnector &) = delete;
    MariaDbConnector &operator=(const MariaDbConnector &) = delete;

    std::string scheme() const override { return "mariadb"; }
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

    Result<RowChecksum> checksum(const std::string &table, const KeyRange &range) override;
    Result<void> adopt(const AdoptRequest &request) override;
    void cancel() override;

    std::string quoteIdentifier(std::string_view name) const override;
    std::string quoteLiteral(std::string_view value) const override;

    /// GET_LOCK on a connection of its own, named after the database; the
    /// holder is recorded in tidemark_executor_claims. The server releases
    /// the lock with the session, so a killed executor never leaves it stale.
    Result<void> lockExecutor(const ExecutorClaim &me) override;
    void unlockExecutor() override;

    /// user@host:port/db (no password).
    std::string target() const;
    MariaConnection &connection() { return *m_conn; }

private:
    explicit MariaDbConnector(std::unique_ptr<MariaConnection> conn);

    std::unique_ptr<MariaConnection> m_conn;
    std::unique_ptr<MariaConnection> m_lockConn; ///< holds the executor lock while set
};

/// Factory registered by the plugin.
ConnectorFactory mariadbConnectorFactory();

} // namespace tidemark::mariadb
