#pragma once
// Steps: one unit of work the executor runs under the safety protocol. A
// step has a kind and a typed payload (what the kind needs), plus what
// every kind shares: the node it runs on, the table and source partitions
// it reads (fingerprinted), its reason, predicted and measured effect, SQL
// and status.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/partition.h"

namespace tidemark {

enum class StepKind { Split, Merge, Copy, Move, Snapshot, Restore, Compact, Archive };
enum class StepStatus { Pending, Running, Done, Failed, RolledBack, Skipped };

const char *toString(StepKind);
const char *toString(StepStatus);
std::optional<StepKind> stepKindFromString(const std::string &);
std::optional<StepStatus> stepStatusFromString(const std::string &);

/// A partition a step will create.
struct NewPartition {
    std::string name;
    KeyRange bounds;
    std::int64_t expectedRows = 0;
    std::int64_t expectedBytes = 0;
    double expectedWriteShare = 0.0; ///< share of the source's writes that land here
    friend bool operator==(const NewPartition &, const NewPartition &) = default;
};

/// Split (one source → two or more targets) or Merge (adjacent sources →
/// one target) inside one table on the step's node.
struct RepartitionWork {
    std::vector<NewPartition> targets; ///< in key order, tiling the sources' range
    friend bool operator==(const RepartitionWork &, const RepartitionWork &) = default;
};

/// A DBA's smoke query, run on the source node through the parent table
/// after a move: it must return exactly `expectedRows` rows.
struct SmokeQuery {
    std::string sql;
    std::int64_t expectedRows = 0;
    friend bool operator==(const SmokeQuery &, const SmokeQuery &) = default;
};

/// Copy (Copy) one partition's key range to another node, or move it
/// (Move: the source goes once the copy has verified on the target).
struct NodeCopyWork {
    std::string targetNode; ///< connection URI of the receiving node
    std::string targetTable; ///< table there; empty: the same name
    std::string targetPartition; ///< partition created or filled there
    KeyRange range; ///< the key range copied
    /// Space reserved on the target: the snapshot plus the writes forecast
    /// during the copy (upper band), so the target is sized ahead.
    std::int64_t reservedBytes = 0;
    std::int64_t chunkRows = 0; ///< rows per chunk; 0: the connector's default
    /// Checked after a move, besides the connector's own validation.
    std::vector<SmokeQuery> smokeQueries;
    friend bool operator==(const NodeCopyWork &, const NodeCopyWork &) = default;
};

/// A snapshot of a partition's rows (Snapshot), for as-of reads and
/// restores; `shadow` marks a snapshot of a forecast split's future child,
/// whose range lies inside the source.
struct SnapshotWork {
    std::string snapshotName; ///< where the connector keeps it
    KeyRange range;
    bool shadow = false;
    friend bool operator==(const SnapshotWork &, const SnapshotWork &) = default;
};

/// Restores a key range as of a past moment from a snapshot and the change
/// journal (Restore).
struct RestoreWork {
    std::string snapshotName;
    std::int64_t asOfMs = 0;
    KeyRange range;
    std::string intoPartition; ///< empty: in place
    friend bool operator==(const RestoreWork &, const RestoreWork &) = default;
};

/// Compacts one sealed log segment (Compact: rewritten densely in place,
/// optionally keeping only the latest row per key), or archives it (Archive:
/// written to `archiveLocation`, verified, then removed from the table).
struct SegmentWork {
    std::string archiveLocation; ///< Archive only: the archive's manifest file (segments/segment_archive.h)
    std::int64_t expectedBytesAfter = 0;
    /// Archive only: load the archive at archiveLocation back into the
    /// family as the partition in `sources` (restore-archive), verified.
    bool restore = false;
    /// Archive only: detach the segment once archived instead of dropping it.
    bool keepDetached = false;
    /// Archive and Compact: read the segment at most this fast (bytes/s; 0: no cap).
    std::int64_t ioCapBytesPerSecond = 0;
    /// Compact only: keep just the latest row (highest segment key) of each
    /// value of these columns — a change log's key compaction; empty: every
    /// row stays and the segment is only rewritten densely.
    std::vector<std::string> keepLatestBy;
    friend bool operator==(const SegmentWork &, const SegmentWork &) = default;
};

using StepPayload = std::variant<RepartitionWork, NodeCopyWork, SnapshotWork, RestoreWork, SegmentWork>;

/// The payload alternative (index into StepPayload) a kind carries.
std::size_t payloadIndexFor(StepKind kind);
/// A default payload of the right alternative for `kind`.
StepPayload payloadFor(StepKind kind);

/// What a step is predicted to do, or (when measured) did.
struct StepEffect {
    std::int64_t bytesRewritten = 0;
    double lockSeconds = 0.0;
    /// Bytes the next incremental backup is expected to copy from the
    /// partitions involved, without and with the step.
    std::int64_t backupBytesBefore = 0;
    std::int64_t backupBytesAfter = 0;
    /// bytesRewritten spread over the backup cycles the layout should last.
    std::int64_t amortisedRewriteBytesPerCycle = 0;
    std::int64_t rowsMoved = 0;

    /// What the step gains per backup cycle: the backup bytes it saves minus
    /// its rewrite amortised over the cycles the layout should last.
    std::int64_t netBytesPerCycle() const
    {
        return backupBytesBefore - backupBytesAfter - amortisedRewriteBytesPerCycle;
    }
};

struct Step {
    std::int64_t id = 0; ///< store id, 0 until saved
    std::string uid; ///< globally unique; recorded in the target database
    int ordinal = 0;
    StepKind kind = StepKind::Split;
    /// Connection URI of the node the step runs on; empty: the plan's home node.
    std::string node;
    std::string table;
    KeyType keyType = KeyType::Integer; ///< of the table's key, for printing bounds
    std::vector<std::string> sources; ///< partitions read or consumed, in key order
    StepPayload payload; ///< the kind's own data; see payloadIndexFor
    std::string reason;
    StepEffect predicted;
    std::optional<StepEffect> measured;
    std::string sql; ///< exact SQL, as the connector will run it
    std::string fingerprint; ///< of the sources when planned
    StepStatus status = StepStatus::Pending;
    std::string error; ///< why it failed; for a step left out at approval, kLeftOutAtApproval

    /// The reason a step skipped because the approver left it out carries.
    static constexpr const char *kLeftOutAtApproval = "left out at approval";
    bool leftOutAtApproval() const { return status == StepStatus::Skipped && error == kLeftOutAtApproval; }
    std::string verification; ///< e.g. "rows 25000 = 25000, checksum equal"
    std::int64_t startedMs = 0;
    std::int64_t finishedMs = 0;

    /// The split/merge payload. Asking a step of another kind for it is a
    /// programming error (std::bad_variant_access).
    RepartitionWork &repartition() { return std::get<RepartitionWork>(payload); }
    const RepartitionWork &repartition() const { return std::get<RepartitionWork>(payload); }
    /// The partitions a split or merge creates; empty for other kinds (for
    /// display code that lists them whatever the kind).
    const std::vector<NewPartition> &newPartitions() const
    {
        static const std::vector<NewPartition> kNone;
        const auto *r = std::get_if<RepartitionWork>(&payload);
        return r ? r->targets : kNone;
    }
    /// The payload as W, or nullptr when the step carries another.
    template <class W> const W *work() const { return std::get_if<W>(&payload); }
    template <class W> W *work() { return std::get_if<W>(&payload); }
};

/// The node the step runs on: Step::node, or the plan's home node.
std::string runNode(const Step &step, const std::string &homeNode);
/// The node whose database records the step's uid in the step's own
/// transaction — the one recovery asks: the receiving node of a copy or
/// move, the run node otherwise.
std::string recordingNode(const Step &step, const std::string &homeNode);
/// Every node the step touches: the run node, then any other.
std::vector<std::string> stepNodes(const Step &step, const std::string &homeNode);
/// "split orders: p1 → p1a [0, 10), p1b [10, 20)" and the like, one line.
std::string describeStep(const Step &step);

} // namespace tidemark
