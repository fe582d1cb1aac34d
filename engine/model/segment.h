#pragma once
// Log segments: the partitions of an append-only table (audit logs, events,
// metrics, change logs). One active segment takes new rows; older ones are
// sealed. What Tidemark knows of each, what the DBA set per table, and the
// archives it wrote.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/partition.h"

namespace tidemark {

enum class SegmentState { Active, Sealed, Archived };
const char *toString(SegmentState);

/// How growth is smoothed over the sliding window of size samples.
enum class GrowthSmoothing { Ewma, Holt };
const char *toString(GrowthSmoothing);
std::optional<GrowthSmoothing> growthSmoothingFromString(const std::string &);

/// What the DBA set for one log table (stored per connection and table).
struct SegmentSettings {
    GrowthSmoothing smoothing = GrowthSmoothing::Ewma;
    double alpha = 0.3; ///< level smoothing (EWMA weight of the newest rate)
    double beta = 0.1; ///< trend smoothing (Holt only)
    std::int64_t windowMs = 7LL * 24 * 3600 * 1000; ///< sliding window of samples
    /// When the predicted size is read: now + horizonMs (0: the time to archive).
    std::int64_t horizonMs = 0;
    /// Archival: the table's predicted size at now + timeToArchiveMs must stay
    /// below archiveThresholdBytes; 0 turns archival off.
    std::int64_t timeToArchiveMs = 30LL * 24 * 3600 * 1000;
    std::int64_t archiveThresholdBytes = 0;
    /// Archival also when the disk's predicted free space falls below this (0: off).
    std::int64_t freeSpaceMarginBytes = 0;
    bool keepDetached = false; ///< archive, then keep the segment detached instead of dropping it
    /// Compaction queue: a segment is queued once its priority passes this.
    double compactThreshold = 40.0;
    /// Pivots of the priority's saturating terms (see docs/log-segments.md).
    std::int64_t deadPivotBytes = 8LL * 1024 * 1024;
    std::int64_t growthPivotBytesPerHour = 1024 * 1024;
    std::int64_t sizePivotBytes = 1024LL * 1024 * 1024;
    /// Peak load: at or above this many active sessions work waits (0: never).
    int peakActiveSessions = 8;
    /// Compaction and archival read and write at most this many bytes/s (0: no cap).
    std::int64_t ioCapBytesPerSecond = 0;
    /// Compaction of a queued segment keeps only the latest row of each value
    /// of these columns (a change log's key compaction); empty: rewrite only.
    std::vector<std::string> keepLatestBy;
    /// Sealed neighbours smaller than this merge into one segment of at most
    /// mergeTargetBytes (0 turns merging off; target 0: 8 × mergeBelowBytes).
    std::int64_t mergeBelowBytes = 0;
    std::int64_t mergeTargetBytes = 0;
    friend bool operator==(const SegmentSettings &, const SegmentSettings &) = default;
};

/// One segment's figures at one moment.
struct SegmentFigures {
    std::string table;
    std::string partition;
    KeyRange bounds;
    SegmentState state = SegmentState::Sealed;
    std::int64_t takenMs = 0;
    std::int64_t bytes = 0;
    std::int64_t rows = 0;
    double growthBytesPerHour = 0.0; ///< smoothed over the window
    int growthSamples = 0; ///< size samples the growth rests on
    std::int64_t deadBytes = 0; ///< the database's own figure; 0 when unknown
    std::int64_t deadRows = 0;
    std::string deadSource; ///< "pgstattuple", "n_dead_tup", "dbstat", "" (unknown)
    double load = 0.0; ///< 0..1 share of peak load when scored
    double priority = 0.0; ///< compaction priority 0..100
    std::string priorityReason;
    std::int64_t predictedAtMs = 0;
    double predictedBytes = 0.0;
    double predictedLower95 = 0.0;
    double predictedUpper95 = 0.0;
    std::string predictionModel;
};

/// An archive file written from a segment (its manifest's essentials).
struct SegmentArchive {
    std::int64_t id = 0;
    std::string table;
    std::string partition;
    KeyRange bounds;
    std::string manifestPath;
    std::int64_t rows = 0;
    std::int64_t fileBytes = 0;
    std::int64_t archivedMs = 0;
    std::int64_t restoredMs = 0; ///< 0: still archived
    std::string stepUid;
};

} // namespace tidemark
