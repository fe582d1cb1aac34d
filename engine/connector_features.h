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
    /// Load the server counts itself, cumulative since `counterEpoch` began
    /// (rates come from two readings of one epoch).
    std::optional<std::int64_t> transactions; ///< committed and rolled back
    std::optional<std::int64_t> tuplesRead; ///< returned and fetched
    std::optional<std::int64_t> tuplesWritten; ///< inserted, updated and deleted
    std::optional<std::int64_t> blocksRead, blocksHit;
    std::optional<int> activeSessions, sessions, maxSessions; ///< now, not counting the reporter's own
    std::string counterEpoch; ///< changes when the counters restart (server start, statistics reset)
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

/// One change of a journaled table's row, as the database's journal
/// recorded it (the point-in-time journal, engine/journal). Unlike
/// RowChange (a copy's live writes) it keeps both images and the commit
/// order and time, which as-of reads need.
struct JournalChange {
    std::int64_t position = 0; ///< commit order; the changes of one transaction share it
    std::int64_t committedUs = 0; ///< commit time, microseconds since the epoch (UTC)
    char op = 'I'; ///< 'I', 'U' or 'D'
    std::optional<std::string> before; ///< row image before the change (update, delete)
    std::optional<std::string> after; ///< row image after it (insert, update)
    /// The key of each image as its 64-bit ordinal (KeyValue), in decimal.
    std::optional<std::string> keyBefore;
    std::optional<std::string> keyAfter;
};

/// A row of a journaled table in the journal's image form.
struct RowImage {
    std::string key; ///< the key as its 64-bit ordinal (KeyValue), in decimal
    std::string image; ///< the connector's canonical text of the whole row
};

/// A clean cut through a database's commits: every journaled transaction
/// that committed before `takenUs` has a position ≤ `position` and is seen,
/// none after it is.
struct JournalCut {
    std::int64_t takenUs = 0;
    std::int64_t position = 0;
};

struct JournalStatus {
    bool enabled = false;
    std::string keyColumn;
    KeyType keyType = KeyType::Integer;
    std::vector<std::string> columns; ///< the table's columns, in order
    std::int64_t pendingChanges = 0; ///< in the database's journal, not yet read off
    std::int64_t oldestPendingUs = 0;
    std::int64_t newestPendingUs = 0;
    std::string capture; ///< how changes are captured, in one line
    /// When this journal was enabled (ms): positions compare only within one
    /// epoch (a journal disabled and enabled again starts over).
    std::int64_t epochMs = 0;
};

/// The point-in-time change journal kept in the database: triggers write
/// every change of a watched table with its before/after images, commit
/// order and time into a journal table; Tidemark reads it off into its
/// snapshot repository. See docs/point-in-time.md.
class ChangeJournal {
public:
    virtual ~ChangeJournal();
    /// Starts journaling `table` (idempotent).
    virtual Result<void> enableJournal(const std::string &table) = 0;
    /// Stops journaling `table` and removes its journal; once no table is
    /// journaled, nothing of the journal is left in the database.
    virtual Result<void> disableJournal(const std::string &table) = 0;
    virtual Result<JournalStatus> journalStatus(const std::string &table) = 0;
    /// Calls `sink` with the changes of `table` whose position is after
    /// `afterPosition`, in commit order, up to a clean cut taken now.
    virtual Result<JournalCut> readJournal(const std::string &table, std::int64_t afterPosition,
                                           const std::function<Result<void>(const JournalChange &)> &sink) = 0;
    /// Removes the changes of `table` up to `upToPosition` (kept elsewhere now).
    virtual Result<std::int64_t> trimJournal(const std::string &table, std::int64_t upToPosition) = 0;
    /// Every row of `table` (of `range`, when given) at a clean cut, in one
    /// consistent read (a repeatable-read snapshot or a read transaction).
    virtual Result<JournalCut> readImages(const std::string &table, const std::optional<KeyRange> &range,
                                          const std::function<Result<void>(const RowImage &)> &sink,
                                          std::stop_token stop) = 0;
    /// Creates the new table `into` shaped like `table` and fills it with
    /// `images` in one transaction; `verify` sees the new table's rows as read
    /// back inside it, and the transaction commits only if it returns success.
    virtual Result<void> restoreImages(const std::string &table, const std::string &into,
                                       const std::vector<std::string> &images,
                                       const std::function<Result<void>(const std::vector<RowImage> &)> &verify) = 0;
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

/// One check of a committed move, as the DBA reads it afterwards.
struct MoveCheck {
    std::string what; ///< e.g. "rows readable through the parent"
    bool ok = false;
    std::string detail; ///< figures, or why it failed
};

/// Validates a Move step after it committed, from where applications see
/// the partition: rows readable and writable through the parent table on
/// the source, the receiving table's constraints and indexes, and the DBA's
/// smoke queries (NodeCopyWork::smokeQueries). Checks never change data.
class MoveValidator {
public:
    virtual ~MoveValidator();
    /// Every check, passed or not; an error only when the checks could not run.
    virtual Result<std::vector<MoveCheck>> validateMove(const Step &step, const StepOutcome &outcome,
                                                        ExecutionContext &ctx) = 0;
};

/// A partition that a Move step to another node cannot take, and why.
struct MoveRefusal {
    std::string partition; ///< as discover() reports it
    std::string reason; ///< read after "P cannot be moved: "; names the table, not P (groups partitions)
    std::string hint; ///< what the DBA can do instead
};

/// Says, before anything runs, which partitions of a table a Move step
/// cannot take (the database's own rules, e.g. PostgreSQL's for foreign
/// partitions), so that planners leave them out with the reason instead of
/// proposing a move that fails at apply.
class MoveEligibility {
public:
    virtual ~MoveEligibility();
    /// The partitions of `table` a move cannot take; empty when it can take all.
    virtual Result<std::vector<MoveRefusal>> unmovablePartitions(const std::string &table) = 0;
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
    bool changeJournal = false; ///< ChangeJournal (point in time)
    bool moveValidation = false; ///< MoveValidator
    bool moveEligibility = false; ///< MoveEligibility
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
