#pragma once
// Compaction plans for log segments (docs/log-segments.md, "Compaction"):
// runs of small sealed neighbours merge into one segment, and every sealed
// segment in the compaction queue is rewritten densely in place — keeping
// only the latest row of each key where the table is a change log. The
// active segment is never touched.
#include <cstdint>
#include <string>

#include "connector.h"
#include "model/plan.h"
#include "segments/segment_survey.h"
#include "store/metadata_store.h"

namespace tidemark {

struct CompactionPlanRequest {
    std::string table; ///< only this table (empty: every table)
    std::string partition; ///< compact this sealed segment whatever its priority (needs table)
    std::string requestedBy;
    std::int64_t nowMs = 0;
};

/// A stored plan of Merge steps (small sealed neighbours, mergeBelowBytes)
/// and Compact steps (the survey's compaction queue, or the named segment),
/// each with its reason, exact SQL and fingerprint; id 0 and no steps when
/// nothing is due. The caller refuses at peak load (survey.atPeak).
Result<Plan> planCompaction(Connector &connector, MetadataStore &store, const Connection &connection,
                            const SegmentSurvey &survey, const CompactionPlanRequest &request);

} // namespace tidemark
