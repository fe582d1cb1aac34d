#pragma once
// The SQLite connector. SQLite has no native partitions, so a partitioned
// table is a "family": physical tables <name>__p_<lo>_<hi>, a view <name>
// over them whose INSTEAD OF triggers route every write to the right
// partition, per-partition AFTER triggers that count writes, and a
// catalogue (_tidemark_* tables) in the same file. See sqlite_family.h.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connector.h"
#include "connector_features.h"

struct sqlite3;

namespace tidemark::sqlite {

/// A new, empty family created from a CREATE TABLE statement.
struct FamilySpec {
    std::string createTableSql; ///< "CREATE TABLE orders(…)"; the family takes its name
    std::vector<std::string> createIndexSql; ///< "CREATE INDEX … ON orders(…)"
    std::string keyColumn;
    std::vector<KeyValue> splitPoints; ///< ascending; N points give N+1 partitions
    bool countWrites = true; ///< false only for benchmarks (see bench/)
    int histogramBuckets = 64;
    /// Outer bounds; unset means the first/last partition is open-ended.
    std::optional<KeyValue> lowerBound;
    std::optional<KeyValue> upperBound;
};

/// Options of adopt() beyond the engine's AdoptRequest.
struct AdoptOptions {
    bool countWrites = true;
    int histogramBuckets = 64;
    /// Outer bounds of the family; every row must lie inside them.
    std::optional<KeyValue> lowerBound;
    std::optional<KeyValue> upperBound;
};

class SqliteConnector final : public Connector, public DatabaseExecutorLock, public ChangeJournal, public DeadSpaceReporter {
public:
    /// Opens `sqlite:///abs/path.db` (or `sqlite:/abs/path.db`) read-write;
    /// never creates a file.
    static Result<std::unique_ptr<SqliteConnector>> open(const std::string &uri);
    /// Opens a file path directly (same rules as open()).
    static Result<std::unique_ptr<SqliteConnector>> openPath(const std::filesystem::path &path);
    /// The file path a URI names, or InvalidArgument saying the expected form.
    static Result<std::filesystem::path> pathFromUri(const std::string &uri);

    ~SqliteConnector() override;
    SqliteConnector(const SqliteConnector &) = delete;
    SqliteConnector &operator=(const SqliteConnector &) = delete;

    std::string scheme() const override { return "sqlite"; }
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
    /// Removes an interrupted copy's change capture and half-filled table
    /// (sqlite_node_copy.cpp); other steps are one transaction each.
    Result<void> abandonStep(const std::string &stepUid) override;

    Result<RowChecksum> checksum(const std::string &table, const KeyRange &range) override;
    Result<void> adopt(const AdoptRequest &request) override;
    void cancel() override;

    std::string quoteIdentifier(std::string_view name) const override;
    std::string quoteLiteral(std::string_view value) const override;

    /// An exclusive flock() on a lock file beside the database
    /// (`<file>-tidemark-lock`, kept between runs), holding the holder's
    /// host, pid, store and start time for the next executor's message. The
    /// kernel drops the lock with the process, so a kill -9 leaves none.
    Result<void> lockExecutor(const ExecutorClaim &me) override;
    void unlockExecutor() override;
    /// The lock file of the database at `path`.
    static std::filesystem::path executorLockPath(const std::filesystem::path &path);

    // Point-in-time journal (sqlite_journal.cpp).
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
    /// Unused bytes in each partition's pages (dbstat), table and indexes.
    Result<std::vector<DeadSpace>> deadSpace(const std::string &table) override;

    // ---- SQLite-specific ----

    Result<void> adopt(const AdoptRequest &request, const AdoptOptions &options);
    Result<void> createFamily(const FamilySpec &spec);
    /// Adds or removes the write-counting triggers of every partition of
    /// `table` (counters are kept). Benchmarks compare both.
    Result<void> setWriteCounting(const std::string &table, bool on);
    /// Zeroes the write counters of `table` (a new counter epoch is not
    /// started; use after a bulk load that is not workload).
    Result<void> resetWriteCounters(const std::string &table);

    const std::filesystem::path &path() const { return m_path; }
    /// The connection, for the demo generator and tests in this library.
    sqlite3 *handle() const { return m_db; }

private:
    SqliteConnector(sqlite3 *db, std::filesystem::path path);

    sqlite3 *m_db = nullptr;
    std::filesystem::path m_path;
    int m_lockFd = -1; ///< the executor lock file while held
};

/// Factory registered by the plugin: opens sqlite URIs.
ConnectorFactory sqliteConnectorFactory();

/// Adopt and family creation on a bare connection (used by the connector and
/// the demo generator). The caller holds no transaction: these run their own.
Result<void> adoptTable(sqlite3 *db, const AdoptRequest &request, const AdoptOptions &options);
Result<void> createFamilyOn(sqlite3 *db, const FamilySpec &spec);
Result<void> setWriteCountingOn(sqlite3 *db, const std::string &table, bool on);

} // namespace tidemark::sqlite
