#pragma once
// Observe and score log segments: one fresh sample, then per segment its
// size, rows, smoothed growth, dead space, load-aware compaction priority
// and predicted size (forecast engine, with its 95 % interval), stored in
// the metadata store; per table the predicted size at its time to archive
// and the segments to archive before then. The archive plan is built here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "connector.h"
#include "model/plan.h"
#include "model/segment.h"
#include "policy/load_figure.h"
#include "segments/segment_figures.h"
#include "store/metadata_store.h"

namespace tidemark {

struct TableSegments {
    std::string table;
    std::string keyColumn;
    KeyType keyType = KeyType::Integer;
    SegmentSettings settings;
    std::vector<SegmentFigures> segments; ///< key order; the last is the active one
    std::int64_t bytes = 0;
    /// The table's size forecast at its time to archive (now + timeToArchiveMs).
    std::int64_t archiveByMs = 0;
    double predictedBytes = 0.0, predictedLower95 = 0.0, predictedUpper95 = 0.0;
    std::string predictionModel;
    std::string predictionNote;
    /// When the point forecast passes the archive threshold; 0: not before the horizon.
    std::int64_t crossingMs = 0;
    /// The disk's free space predicted at the time to archive, when the
    /// free-space margin is set and the free space is known; what it is read
    /// from ("the file system of /srv/app.db", "node db1's stated disk").
    std::optional<double> predictedFreeBytes;
    std::string freeSpaceSource;
    /// Why Tidemark shows the table but neither compacts nor archives it (e.g.
    /// pg_partman manages its partitions); empty: it may.
    std::string leftAlone;
};

struct SegmentSurvey {
    std::int64_t takenMs = 0;
    std::vector<TableSegments> tables;
    std::optional<LoadFigure> load;
    double loadShare = 0.0; ///< of the first table's peak setting; per segment in its figures
    bool atPeak = false;
    /// Sealed segments whose priority passed their table's threshold, highest first.
    std::vector<SegmentFigures> compactionQueue;
    /// Sealed segments to archive, in order (archiveOrder).
    std::vector<ArchiveCandidate> archiveQueue;
};

/// A size forecast at one moment, with its 95 % interval.
struct SizeForecast {
    double mean = 0.0, lower95 = 0.0, upper95 = 0.0;
    std::string model;
    std::string note;
    std::int64_t crossingMs = 0; ///< when the mean passes `threshold` (0: not before targetMs)
};

/// The size at `targetMs` from readings `points` (oldest first), by the
/// forecast engine (method Auto) on a regular grid of at most 400 steps to
/// the target: what `segments` predicts for a segment and a table.
SizeForecast forecastSize(const std::vector<SizePoint> &points, std::int64_t targetMs, double threshold);

/// Samples the database, computes and stores every segment's figures (of
/// `table` only when given: NotFound / NotPartitioned for a bad name).
Result<SegmentSurvey> surveySegments(Connector &connector, MetadataStore &store, const Connection &connection,
                                     const std::string &table, std::int64_t nowMs);

struct ArchivePlanRequest {
    std::string table; ///< only this table (empty: every table with an archive queue)
    std::string partition; ///< archive this sealed segment regardless of the forecast
    std::string toDirectory; ///< absolute folder that receives the archives
    std::string requestedBy;
    std::int64_t nowMs = 0;
};

/// A stored plan of Archive steps for the archive queue (or the named
/// segment), each with its reason (the forecast that triggers it), exact
/// SQL and fingerprint; id 0 and no steps when nothing is due.
Result<Plan> planArchive(Connector &connector, MetadataStore &store, const Connection &connection,
                         const SegmentSurvey &survey, const ArchivePlanRequest &request);

/// A stored plan of one restore-archive step: loads the archive whose
/// manifest is `manifestPath` back into its table, verified.
Result<Plan> planRestoreArchive(Connector &connector, MetadataStore &store, const Connection &connection,
                                const std::string &manifestPath, const std::string &requestedBy, std::int64_t nowMs);

} // namespace tidemark
