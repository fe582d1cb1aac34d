#pragma once
// Pre-backup planner (capability 1): split volatile partitions so the hot
// key range sits in a small partition of its own, merge cold neighbours.
// Objective: bytes the next incremental backup copies. See docs/planner.md.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/activity.h"
#include "model/partition.h"
#include "model/plan.h"
#include "model/score.h"
#include "model/settings.h"

namespace tidemark {

struct PlannerInput {
    PartitionedTable table;
    std::map<std::string, VolatilityScore> scores;        ///< by partition name
    std::map<std::string, KeyHistogram> histograms;       ///< for split candidates
    std::map<std::string, std::int64_t> createdByTidemarkMs; ///< cool-down source
    std::int64_t nowMs = 0;
    ConnectionSettings settings;
};

class PreBackupPlanner {
public:
    /// Partitions that may be split: the planner needs their key histograms.
    static std::vector<std::string> splitCandidates(const PlannerInput &input);
    /// Steps with kind, sources, target bounds, reason and predicted effect.
    /// Names, SQL and fingerprints are filled in afterwards from the connector.
    static std::vector<Step> plan(const PlannerInput &input);
    /// Expected bytes a file-level incremental backup copies for a partition
    /// of `bytes` with smoothed write rate `writesPerSecond` (see docs).
    static double expectedBackupBytes(std::int64_t bytes, double writesPerSecond,
                                      const ConnectionSettings &settings);
};

} // namespace tidemark
