#pragma once
// The arithmetic of log segments, free of any database: growth smoothed
// over a sliding window (EWMA or Holt), the load-aware compaction priority,
// and the order in which segments are archived. Formulas: docs/log-segments.md.
#include <cstdint>
#include <string>
#include <vector>

#include "model/segment.h"

namespace tidemark {

/// One size reading of a segment.
struct SizePoint {
    std::int64_t timestampMs = 0;
    double bytes = 0.0;
};

/// Smoothed growth in bytes per hour over `points` (oldest first; points
/// outside the window must already be left out). EWMA smooths the rate
/// between consecutive readings; Holt smooths level and trend of the size
/// itself (per hour). Fewer than two readings: 0.
double smoothedGrowthPerHour(const std::vector<SizePoint> &points, const SegmentSettings &settings);

/// What the compaction priority is computed from.
struct PriorityInput {
    std::int64_t bytes = 0;
    std::int64_t deadBytes = 0;
    double growthBytesPerHour = 0.0;
    double load = 0.0; ///< 0 idle … 1 at peak (clamped)
};

struct Priority {
    double value = 0.0; ///< 0..100
    std::string reason; ///< e.g. "dead 31 % (12.0 MiB), growth 2.0 MiB/h, load 0.25"
};

/// 100 · (0.6 · dead + 0.25 · growth + 0.15 · size) · (1 − 0.8 · load), each
/// term saturating in [0, 1): dead = bloat ratio × dead/(dead + pivot),
/// growth = g/(g + pivot), size = bytes/(bytes + pivot). Higher load always
/// lowers a non-zero priority.
Priority compactionPriority(const PriorityInput &input, const SegmentSettings &settings);

/// Share of peak load: active sessions / peakActiveSessions, clamped to [0, 1]
/// (0 when no peak is set or the connector reports no load).
double loadShare(int activeSessions, const SegmentSettings &settings);

/// A sealed segment that may be archived, with its table's forecast.
struct ArchiveCandidate {
    std::string table;
    std::string partition;
    KeyRange bounds; ///< segments of a table are archived oldest (lowest key) first
    std::int64_t bytes = 0;
    /// The table's predicted size at its time to archive and the threshold.
    double predictedTableBytes = 0.0;
    std::int64_t thresholdBytes = 0;
    /// When the table's size is predicted to pass the threshold (0: not
    /// within the forecast) and its time to archive (now + timeToArchiveMs).
    std::int64_t crossingMs = 0;
    std::int64_t archiveByMs = 0;
    /// Bytes the table must shed because the disk's free space is predicted
    /// to fall below the free-space margin by then (0: the disk has room).
    double freeSpaceShortfall = 0.0;
};

/// The segments to archive, in the order to archive them: of each table
/// whose predicted size at its time to archive passes the threshold, the
/// oldest sealed segments until the predicted size minus what they hold is
/// under it. Tables predicted to pass their threshold before their time to
/// archive come first, soonest crossing first; then the others by how far
/// over the threshold they are predicted to be.
std::vector<ArchiveCandidate> archiveOrder(std::vector<ArchiveCandidate> sealed);

} // namespace tidemark
