#pragma once
// Post-backup rebalance (capability 1, after the backup): light by design.
// It compares each partition's volatility now with the start of the backup
// cycle and proposes only what that change pays for: merge back a partition
// Tidemark split off whose hot range went cold, and split a partition that
// turned hot. See docs/policies.md ("Post-backup rebalance").
#include <map>
#include <string>
#include <vector>

#include "model/score.h"
#include "backup/prebackup_planner.h"

namespace tidemark {

struct PostBackupInput {
    /// Scores now, histograms (for splitCandidates), Tidemark creation times, settings.
    PlannerInput current;
    /// Each partition's score at the start of the cycle (the first score
    /// recorded in the last backup interval); missing for new partitions.
    std::map<std::string, VolatilityScore> cycleStartScores;
};

class PostBackupPlanner {
public:
    /// A volatility change smaller than this many points proposes nothing.
    static constexpr double kMinScoreChange = 20.0;
    /// A merge back may make the next incrementals copy at most this share
    /// of the merged partition more than the parts did.
    static constexpr double kMaxBackupGrowthShare = 0.05;
    /// Light: at most this many steps, the cheapest first.
    static constexpr std::size_t kMaxSteps = 4;

    /// Partitions that turned hot during the cycle (histograms needed).
    static std::vector<std::string> splitCandidates(const PostBackupInput &input);
    static std::vector<Step> plan(const PostBackupInput &input);
};

} // namespace tidemark
