#pragma once
// The interface every database connector implements (plain C++, no Qt).
// Connectors are loaded as plugins; the plugin glue only hands out a
// ConnectorFactory. See docs/architecture.md.
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/activity.h"
#include "model/partition.h"
#include "model/plan.h"
#include "result.h"

namespace tidemark {

/// Bumped whenever this header changes incompatibly; plugins declare the
/// version they were built against and are refused when it differs.
/// 2: steps carry a kind with a typed payload, tables a typed key, and
/// what only some connectors offer is an optional interface
/// (connector_features.h); capabilities are derived from those.
inline constexpr int kConnectorApiVersion = 2;

/// What only the connector itself can say about what it does; everything
/// else a connector can do is derived from the interfaces it implements
/// (capabilitiesOf() in connector_features.h).
struct ConnectorTraits {
    bool readsCounted = false; ///< the database counts reads per partition
    bool adopt = false; ///< adopt() turns a plain table into a partitioned one
    bool transactionalSteps = false; ///< a whole step commits in one transaction
    /// The step kinds execute() runs (Split and Merge for the connectors so far).
    std::vector<StepKind> stepKinds;
    /// capability or step kind name → why it is missing, in the DBA's words.
    std::vector<std::pair<std::string, std::string>> limitations;
};

/// Passed to execute(): identity, cancellation, progress and test hooks.
class Connector;

struct ExecutionContext {
    std::string stepUid;
    /// Connectors of the other nodes a step touches (a copy's receiving
    /// node), by connection URI; empty for single-node steps.
    std::function<Connector *(const std::string &uri)> peer;
    std::stop_token stop;
    int lockTimeoutMs = 5000;
    /// fraction 0..1 and a few words on what is happening
    std::function<void(double, std::string_view)> progress;
    /// Named crash points; a no-op unless a test arms one (see crash_point.h).
    std::function<void(std::string_view)> crashPoint;
};

/// What a step did, as measured by the connector.
struct StepOutcome {
    RowChecksum before; ///< over the source partitions, inside the step
    RowChecksum after; ///< over the target partitions, before the sources go
    std::int64_t rowsMoved = 0;
    std::int64_t bytesWritten = 0; ///< size of the new partitions
    double lockSeconds = 0.0; ///< time writers were blocked
    double seconds = 0.0; ///< whole step
    /// What the verification line adds in the connector's words, e.g. "800
    /// of 1000 rows kept (latest per key)"; empty: nothing.
    std::string detail;
};

/// Whether a step's work is committed in the target database. The connector
/// records the step uid inside the step's own transaction, so this is the
/// truth recovery relies on.
enum class StepCommitState { Committed, NotCommitted };

/// Request to turn an ordinary table into a partitioned family.
struct AdoptRequest {
    std::string table;
    std::string keyColumn;
    std::vector<KeyValue> splitPoints; ///< ascending; N points give N+1 partitions
};

class Connector {
public:
    virtual ~Connector() = default;

    virtual std::string scheme() const = 0; ///< "sqlite", "postgresql", …
    /// See ConnectorTraits; the full picture is capabilitiesOf(*this).
    virtual ConnectorTraits traits() const = 0;

    /// Partitioned tables with their partitions, in key order.
    virtual Result<std::vector<PartitionedTable>> discover() = 0;
    /// The partitioned table `table`; NotFound / NotPartitioned otherwise.
    virtual Result<PartitionedTable> describe(const std::string &table) = 0;
    /// Cumulative counters of every partition of every partitioned table.
    virtual Result<std::vector<ActivitySample>> sampleActivity() = 0;
    /// Where writes landed inside one partition (at most `buckets` buckets).
    virtual Result<KeyHistogram> keyHistogram(const std::string &table, const std::string &partition, int buckets) = 0;

    /// Deterministic physical name for a new partition of `table`; bounds are
    /// of the table's key type (names of time ranges read as dates and hours).
    virtual std::string partitionNameFor(const std::string &table, const KeyRange &bounds,
                                         KeyType keyType = KeyType::Integer) const = 0;
    /// Fingerprint of the named partitions' structure (names, bounds, schema):
    /// changes when a partition is split, merged, dropped or altered.
    virtual Result<std::string> fingerprint(const std::string &table, const std::vector<std::string> &partitions) = 0;
    /// The exact SQL execute() will run for `step`, statement by statement.
    virtual Result<std::string> preview(const Step &step) = 0;
    /// Run one step of a kind traits().stepKinds lists. The executor has
    /// already checked the step's shape (checkStepShape in executor/) and
    /// that its uid and fingerprint are set; the connector re-checks what
    /// only the database knows (the fingerprint inside its transaction,
    /// adjacency, that the uid is not yet recorded). Verifies row count and
    /// checksum before the sources are dropped and records ctx.stepUid in
    /// the database in the same transaction. A copy or move records it on
    /// the receiving node (ctx.peer), in the transaction that writes the rows
    /// there; a move records it again on its own node in the transaction
    /// that removes the source, so a move stopped between the two is seen
    /// as half done, never as done.
    virtual Result<StepOutcome> execute(const Step &step, ExecutionContext &ctx) = 0;
    virtual Result<StepCommitState> stepState(const std::string &stepUid) = 0;
    /// Removes what an interrupted, uncommitted step left behind (connectors
    /// whose steps span several transactions: half-filled new tables, change
    /// capture). Call only for a step whose stepState() is NotCommitted.
    /// Connectors whose steps are one transaction have nothing to clean.
    virtual Result<void> abandonStep(const std::string &stepUid)
    {
        (void)stepUid;
        return {};
    }

    /// Rows of `table` within `range` (every column hashed).
    virtual Result<RowChecksum> checksum(const std::string &table, const KeyRange &range) = 0;
    virtual Result<void> adopt(const AdoptRequest &request) = 0;

    /// Ask a running statement to stop (from any thread).
    virtual void cancel() = 0;

    virtual std::string quoteIdentifier(std::string_view name) const = 0;
    virtual std::string quoteLiteral(std::string_view value) const = 0;
};

/// Opens a connector for a URI of the factory's scheme.
using ConnectorFactory = std::function<Result<std::unique_ptr<Connector>>(const std::string &uri)>;

} // namespace tidemark
