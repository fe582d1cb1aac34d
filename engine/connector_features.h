#pragma once
// Optional connector interfaces: what only some connectors offer, kept out
// of Connector so it stays small and stable. The engine finds them at run
// time with a dynamic_cast (as it does LoadReporter in policy/load_figure.h),
// and capabilitiesOf() derives what a connection can do from them, with the
// reason for what it cannot, for the desktop to grey out and say why.
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "connector.h"

namespace tidemark {

/// Rows in a connector-neutral form: column names, then one text value per
/// column (std::nullopt for NULL), in the database's own text format.
struct RowBatch {
    std::vector<std::string> columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
    std::optional<KeyValue> lastKey; ///< key of the last row, to resume after it
};

/// Reads a key range in key order, batch by batch, and writes batches into
/// a partition (both ends of a copy or move to another node).
class RowStreamer {
public:
    virtual ~RowStreamer();
    /// Calls `sink` with batches of at most `batchRows` rows of `range`, in
    /// key order; stops at the first error `sink` returns or on `stop`.
    virtual Result<std::int64_t> readRows(const std::string &table, const KeyRange &range, std::int64_t batchRows,
                                          const std::function<Result<void>(const RowBatch &)> &sink,
                                          std::stop_token stop) = 0;
    /// Inserts `batch` into `table` (routed to its partition), in one transaction.
    virtual Result<std::int64_t> writeRows(const std::string &table, const RowBatch &batch) = 0;
};

/// One captured change of a row.
struct RowChange {
    enum class Op { Insert, Update, Delete };
    std::int64_t sequence = 0; ///< increasing within one capture
    std::int64_t timestampMs = 0;
    Op op = Op::Insert;
    KeyValue key = 0;
    RowBatch row; ///< the row after the change (before it, for a delete); one row
};

/// Captures changes to a table's key range while other work runs (live
/// writes buffered during a copy, the point-in-time journal).
class ChangeCapture {
public:
    virtual ~ChangeCapture();
    /// Starts capturing; returns a handle that names the capture.
    virtual Result<std::string> startCapture(const std::string &table, const KeyRange &range) = 0;
    /// Changes after `afterSequence`, at most `limit`, in order.
    virtual Result<std::vector<RowChange>> readChanges(const std::string &capture, std::int64_t afterSequence,
                                                       int limit) = 0;
    /// Stops capturing and removes what the capture kept; idempotent.
    virtual Result<void> stopCapture(const std::string &capture) = 0;
};

/// Checksum of one chunk of a key range.
struct ChunkChecksum {
    KeyRange range;
    RowChecksum sum;
};

/// Checksums a key range chunk by chunk, so two copies can be compared and
/// only the chunks that differ repaired.
class ChunkChecksummer {
public:
    virtual ~ChunkChecksummer();
    /// Consecutive chunks of about `chunkRows` rows covering `range`.
    virtual Result<std::vector<ChunkChecksum>> chunkChecksums(const std::string &table, const KeyRange &range,
                                                              std::int64_t chunkRows, std::stop_token stop) = 0;
};

/// What a node reports of its own capacity and use (the DBA's figures in
/// the node catalogue fill what a server cannot tell).
struct NodeResources {
    std::optional<std::int64_t> diskBytesTotal;
    std::optional<std::int64_t> diskBytesUsed; ///< by this database
    std::optional<int> cores;
    std::optional<std::int64_t> memoryBytes;
    std::string text; ///< one line, e.g. "12.4 GiB used by the database"
};

class ResourceReporter {
public:
    virtual ~ResourceReporter();
    virtual Result<NodeResources> resources() = 0;
};

/// Dead space of one partition in the database's own figures (bloat the
/// compaction queue can reclaim).
struct DeadSpace {
    std::string partition;
    std::int64_t deadBytes = 0;
    std::int64_t deadRows = 0;
    std::string source; ///< where the figure comes from: "pgstattuple", "n_dead_tup", "dbstat"
};

class DeadSpaceReporter {
public:
    virtual ~DeadSpaceReporter();
    /// One entry per partition of `table` (key order).
    virtual Result<std::vector<DeadSpace>> deadSpace(const std::string &table) = 0;
};

/// A snapshot a connector keeps of a partition's rows.
struct SnapshotInfo {
    std::string name;
    std::string table;
    std::string partition;
    KeyRange range;
    std::int64_t takenMs = 0;
    std::int64_t rows = 0;
    std::int64_t bytes = 0;
    bool shadow = false;
};

/// Keeps partition snapshots; Snapshot and Restore steps create and use
/// them through execute().
class SnapshotStore {
public:
    virtual ~SnapshotStore();
    virtual Result<std::vector<SnapshotInfo>> snapshots(const std::string &table) = 0;
    virtual Result<void> dropSnapshot(const std::string &name) = 0;
};

/// Who holds a database's executor lock, as the holder recorded it.
struct ExecutorClaim {
    std::string host;
    std::int64_t pid = 0;
    std::string store; ///< the holder's metadata store
    std::int64_t sinceMs = 0;
};

/// Takes the executor lock in the database itself, so that executors using
/// different metadata stores (other profiles, other hosts, a cron job and a
/// desktop) exclude each other too; the store's lock only sees its own
/// processes. The lock is held until unlockExecutor() or until the process
/// ends, also by a kill: it is never left stale.
class DatabaseExecutorLock {
public:
    virtual ~DatabaseExecutorLock();
    /// Takes the lock, recording `me` as its holder; ExecutorLocked naming
    /// the holder (host, pid, store, since) when another executor has it.
    virtual Result<void> lockExecutor(const ExecutorClaim &me) = 0;
    /// Releases it; a no-op when not held.
    virtual void unlockExecutor() = 0;
};

/// The message of a refused database executor lock (the same for every connector).
Error executorLockedBy(const ExecutorClaim &holder, const std::string &database);

/// Everything a connector can do, derived from its traits and the optional
/// interfaces it implements, with the reason for each thing it cannot.
struct ConnectorCapabilities {
    bool readsCounted = false;
    bool adopt = false;
    bool transactionalSteps = false;
    bool keyHistogram = true; ///< part of Connector
    bool checksum = true; ///< part of Connector
    bool rowStreaming = false;
    bool changeCapture = false;
    bool chunkChecksums = false;
    bool resources = false;
    bool snapshots = false;
    bool loadFigure = false;
    bool databaseLock = false; ///< DatabaseExecutorLock
    std::vector<StepKind> stepKinds;
    /// capability or step kind name → why it is missing.
    std::vector<std::pair<std::string, std::string>> limitations;

    bool runs(StepKind kind) const;
    /// The reason `name` (a capability or step kind name) is missing; empty
    /// when it is there.
    std::string whyNot(std::string_view name) const;
};

ConnectorCapabilities capabilitiesOf(const Connector &connector);

/// The interface if `connector` implements it, else nullptr.
template <class Feature> Feature *feature(Connector &connector)
{
    return dynamic_cast<Feature *>(&connector);
}
template <class Feature> const Feature *feature(const Connector &connector)
{
    return dynamic_cast<const Feature *>(&connector);
}

} // namespace tidemark
