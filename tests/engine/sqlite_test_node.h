#pragma once
// A connector for the executor tests over real SQLite files: each node is
// its own file holding plain tables as partitions (columns k INTEGER, v
// TEXT), listed with their bounds in `_parts`. execute() runs every step
// kind in one SQLite transaction and records the step's uid in
// `_tidemark_steps` in that transaction (for a copy or move: in the
// receiving node's transaction), verifying row count and checksum first.
// Not a mock: the rows really move between files.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "connector.h"

struct sqlite3;

namespace tidemark::testnode {

/// Every step kind, the default of what a node runs.
std::vector<StepKind> allKinds();

class SqliteTestNode : public Connector {
public:
    static constexpr const char *kScheme = "testnode";
    static std::string uriFor(const std::string &path) { return std::string(kScheme) + "://" + path; }
    /// The file of a uriFor() URI; empty for another scheme.
    static std::string pathOf(const std::string &uri);

    explicit SqliteTestNode(std::string path, std::vector<StepKind> kinds = allKinds(),
                            std::vector<std::pair<std::string, std::string>> limitations = {});
    ~SqliteTestNode() override;
    SqliteTestNode(const SqliteTestNode &) = delete;
    SqliteTestNode &operator=(const SqliteTestNode &) = delete;

    const std::string &path() const { return m_path; }
    std::string uri() const { return uriFor(m_path); }

    // Set-up and inspection for the tests.
    /// Creates partition `name` of `table` with `bounds`, filled with one
    /// row per key in [from, to) (v = "row <k>").
    Result<void> addPartition(const std::string &table, const std::string &name, const KeyRange &bounds,
                              KeyValue from, KeyValue to);
    /// Runs SQL that returns nothing (test data changes behind the executor).
    Result<void> exec(const std::string &sql);
    /// Checksum over the rows (k, v) a query returns; the test's own view.
    Result<RowChecksum> checksumOf(const std::string &selectKv);
    /// Checksum of every row of one partition table.
    Result<RowChecksum> partitionSum(const std::string &partition);
    bool hasTable(const std::string &name);
    /// Uids in `_tidemark_steps`.
    std::vector<std::string> recordedUids();

    /// Called at the start of execute(); tests throw from it, cancel, or try
    /// a second executor while this one holds its locks.
    std::function<void(const Step &)> beforeExecute;
    /// Called at the start of fingerprint() (a connector failing there).
    std::function<void()> beforeFingerprint;
    /// Called once a copy or move committed on the receiving node, before
    /// the source side goes on; an error stands for the source failing then.
    std::function<Result<void>()> afterReceive;
    /// execute() reports an error after its COMMIT went through (the
    /// connection dropped on the way back).
    bool loseResultAfterCommit = false;
    /// The next this many stepState() calls fail (the database unreachable).
    int stepStateFailures = 0;
    int executeCalls = 0;
    int abandonCalls = 0;

    // Connector
    std::string scheme() const override { return kScheme; }
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

    /// The receiving end of a copy or move: writes `rows` into `partition`
    /// of `table` (created with `bounds` if missing), verifies them against
    /// `expected` and records `uid` — all in one transaction.
    Result<RowChecksum> receiveCopy(const std::string &uid, const std::string &table, const std::string &partition,
                                    const KeyRange &bounds, const std::vector<std::pair<KeyValue, std::string>> &rows,
                                    const RowChecksum &expected);

private:
    Result<StepOutcome> runInTransaction(const Step &step, ExecutionContext &ctx);
    Result<StepOutcome> split(const Step &step);
    Result<StepOutcome> merge(const Step &step);
    Result<StepOutcome> copy(const Step &step, ExecutionContext &ctx);
    Result<StepOutcome> snapshot(const Step &step);
    Result<StepOutcome> restore(const Step &step);
    Result<StepOutcome> compact(const Step &step);
    Result<StepOutcome> archive(const Step &step);
    Result<std::optional<KeyRange>> boundsOf(const std::string &partition);
    Result<void> createPartitionTable(const std::string &table, const std::string &name, const KeyRange &bounds);
    Result<void> dropPartition(const std::string &name);
    Result<void> recordUid(const std::string &uid, StepKind kind);

    std::string m_path;
    std::vector<StepKind> m_kinds;
    std::vector<std::pair<std::string, std::string>> m_limitations;
    sqlite3 *m_db = nullptr;
};

} // namespace tidemark::testnode
