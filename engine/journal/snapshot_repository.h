#pragma once
// The snapshot repository: a directory the DBA chooses holding segment
// files (journal batches read off the database, snapshot chunks), and their
// manifest in the metadata store (pitr_* tables). A segment counts only once
// its manifest row is committed, and the manifest is written only after the
// file is whole, so a kill at any moment leaves either nothing or a stray
// file that sweep() removes.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/partition.h"
#include "result.h"

struct sqlite3;

namespace tidemark {

struct SegmentRecord {
    std::int64_t id = 0;
    std::string table;
    std::string kind; ///< "journal" or "chunk"
    std::filesystem::path path;
    std::int64_t bytes = 0;
    std::int64_t entries = 0;
    std::string xxh64;
    std::int64_t epochMs = 0;
    std::int64_t firstPosition = 0, lastPosition = 0;
    std::int64_t firstUs = 0, lastUs = 0;
};

struct ChunkRecord {
    std::int64_t chunk = 0;
    std::int64_t rows = 0;
    std::string checksum;
    SegmentRecord segment; ///< id 0: a new segment, inserted with the snapshot
};

struct SnapshotRecord {
    std::int64_t id = 0;
    std::string table;
    std::string partition; ///< empty: the whole table
    KeyRange range;
    std::int64_t epochMs = 0;
    std::int64_t takenUs = 0;
    std::int64_t position = 0; ///< journal position of the cut
    std::int64_t chunkBase = 0, chunkWidth = 1;
    std::int64_t rows = 0;
    std::string checksum;
    std::int64_t bytesWritten = 0;
    std::int64_t chunksWritten = 0;
    bool shadow = false;
    std::vector<ChunkRecord> chunks;
};

struct PruneResult {
    int snapshots = 0;
    int segments = 0;
    std::int64_t bytes = 0;
};

class SnapshotRepository {
public:
    /// `directory` empty: the default, "snapshots" beside the metadata store.
    static Result<std::unique_ptr<SnapshotRepository>>
    open(const std::filesystem::path &storePath, std::int64_t connectionId, const std::filesystem::path &directory);
    ~SnapshotRepository();
    SnapshotRepository(const SnapshotRepository &) = delete;
    SnapshotRepository &operator=(const SnapshotRepository &) = delete;

    const std::filesystem::path &directory() const { return m_dir; }
    std::filesystem::path tableDirectory(const std::string &table) const;

    /// The last journal position kept for `table` in `epochMs` (0: none).
    Result<std::int64_t> journalCursor(const std::string &table, std::int64_t epochMs);
    Result<std::int64_t> addSegment(const SegmentRecord &segment);
    /// Journal segments of the epoch holding positions after `afterPosition`.
    Result<std::vector<SegmentRecord>> journalSegments(const std::string &table, std::int64_t epochMs,
                                                       std::int64_t afterPosition);
    /// The last snapshot of exactly this table and partition (for increments).
    Result<std::optional<SnapshotRecord>> latestSnapshot(const std::string &table, const std::string &partition,
                                                         std::int64_t epochMs);
    /// The newest snapshot taken at or before `atUs` whose range covers `range`.
    Result<std::optional<SnapshotRecord>> baseSnapshot(const std::string &table, const KeyRange &range,
                                                       std::int64_t epochMs, std::int64_t atUs);
    /// Every snapshot of `table`, oldest first (chunks not loaded).
    Result<std::vector<SnapshotRecord>> snapshots(const std::string &table);
    /// Records a snapshot and its new chunk segments in one transaction.
    Result<std::int64_t> addSnapshot(SnapshotRecord &snapshot);
    /// The range a partition had when a snapshot of it was taken (history of
    /// a partition a split or merge replaced).
    Result<std::optional<KeyRange>> recordedPartitionRange(const std::string &table, const std::string &partition);
    /// Keeps what reading any moment from `keepFromUs` on needs: the newest
    /// snapshot at or before it and everything after; removes the rest.
    Result<PruneResult> prune(const std::string &table, std::int64_t keepFromUs);
    /// Removes the table's history (its journal was disabled).
    Result<PruneResult> forget(const std::string &table);
    /// Removes files of the table's directory that no manifest row names
    /// (left by a kill between writing a file and recording it).
    Result<int> sweep(const std::string &table);

private:
    SnapshotRepository(sqlite3 *db, std::int64_t connectionId, std::filesystem::path dir);
    Result<void> loadChunks(SnapshotRecord &s);
    Result<PruneResult> removeUnreferenced(const std::string &table);

    sqlite3 *m_db = nullptr;
    std::int64_t m_connectionId = 0;
    std::filesystem::path m_dir;
};

} // namespace tidemark
