#pragma once
// Point in time (capability 4): the journal read off the database into the
// snapshot repository, consistent partition snapshots incremental by
// key-range chunk, rows as of a moment (the newest snapshot before it plus
// the journal replayed up to it), the difference between two moments, and a
// restore into a new table verified by checksum. See docs/point-in-time.md.
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "connector.h"
#include "connector_features.h"
#include "journal/segment_file.h"
#include "journal/snapshot_repository.h"

namespace tidemark {

/// The connector's change journal, or Unsupported saying why.
Result<ChangeJournal *> changeJournalOf(Connector &connector);

struct HarvestResult {
    std::int64_t changes = 0; ///< read off into a new segment
    std::int64_t bytes = 0;
    std::int64_t cursor = 0; ///< last journal position kept in the repository
    std::int64_t trimmed = 0; ///< removed from the database's journal
};

/// Moves the database's journal of `table` into a repository segment, then
/// trims it from the database.
Result<HarvestResult> harvestJournal(ChangeJournal &journal, SnapshotRepository &repository, const std::string &table);

struct SnapshotResult {
    SnapshotRecord snapshot;
    HarvestResult harvest;
    std::int64_t chunksReused = 0;
};

/// A consistent snapshot of `partition` (empty: the whole table), writing
/// only the chunks that changed since the previous snapshot of it.
Result<SnapshotResult> takeSnapshot(Connector &connector, SnapshotRepository &repository, const std::string &table,
                                    const std::string &partition, std::stop_token stop = {});

struct AsOfResult {
    KeyRange range;
    KeyType keyType = KeyType::Integer;
    std::vector<std::string> columns;
    std::vector<RowImage> rows; ///< in key order
    ImageChecksum checksum;
    SnapshotRecord base; ///< the snapshot it started from
    std::int64_t changesApplied = 0;
};

/// The range `partition` stands for: its bounds now, or (a partition a split
/// or merge replaced) the bounds it had when it was snapshotted; empty: the
/// whole table.
Result<KeyRange> partitionRange(Connector &connector, SnapshotRepository &repository, const std::string &table,
                                const std::string &partition);

/// Rows of `partition` (empty: the whole table) as of `atUs`.
Result<AsOfResult> readAsOf(Connector &connector, SnapshotRepository &repository, const std::string &table,
                            const std::string &partition, std::int64_t atUs);

struct RowDifference {
    std::vector<RowImage> removed; ///< in `from`, gone at `to`
    std::vector<RowImage> added;
    std::vector<std::pair<RowImage, RowImage>> changed; ///< same key, other row (before, after)
    AsOfResult from, to;
};
Result<RowDifference> diffAsOf(Connector &connector, SnapshotRepository &repository, const std::string &table,
                               const std::string &partition, std::int64_t fromUs, std::int64_t toUs);

struct RestoreResult {
    AsOfResult asOf;
    std::string into;
    ImageChecksum written; ///< of the new table, read back before it committed
};
/// Creates table `into` holding the rows of `partition` as of `atUs`, in one
/// transaction that commits only when the new table's row count and
/// checksum equal the as-of result's.
Result<RestoreResult> restoreAsOf(Connector &connector, SnapshotRepository &repository, const std::string &table,
                                  const std::string &partition, std::int64_t atUs, const std::string &into);

/// Checksum of the rows of `range` in the live table at a clean cut.
struct LiveState {
    JournalCut cut;
    ImageChecksum checksum;
};
Result<LiveState> liveState(ChangeJournal &journal, const std::string &table, const std::optional<KeyRange> &range);

} // namespace tidemark
