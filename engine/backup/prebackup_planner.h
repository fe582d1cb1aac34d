#pragma once
// Pre-backup planner (capability 1): split volatile partitions so the hot
// key range sits in a small partition of its own, merge cold neighbours.
// Objective: bytes the next incremental backup copies. See docs/planner.md.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backup/lock_calibration.h"
#include "model/activity.h"
#include "model/partition.h"
#include "model/plan.h"
#include "model/score.h"
#include "model/settings.h"

namespace tidemark {

/// Writes a partition is forecast to receive until the next backup (one
/// backup interval), from engine/forecast; see docs/planner.md. With `used`
/// false the planner keeps the EWMA of past writes and shows `note` (why).
struct ForecastWrites {
    bool used = false;
    double total = 0.0; ///< expected writes in the interval
    double lower95 = 0.0, upper95 = 0.0;
    std::string model;
    std::optional<double> holdoutMase;
    int checks = 0; ///< backtests / tracked checks of window totals
    int misses = 0; ///< of those, outside the 95 % band
    int backtestsReused = 0; ///< backtests that refitted the chosen models (no new search)
    bool keepsMissing = false; ///< the planner falls back to the EWMA
    std::string note; ///< why the EWMA is used (when not used)
};

struct PlannerInput {
    PartitionedTable table;
    std::map<std::string, VolatilityScore> scores; ///< by partition name
    std::map<std::string, KeyHistogram> histograms; ///< for split candidates
    std::map<std::string, std::int64_t> createdByTidemarkMs; ///< cool-down source
    std::map<std::string, std::string> createdByAction; ///< "split", "merge", … (for the cool-down reason)
    std::int64_t nowMs = 0;
    ConnectionSettings settings;
    /// Optional, by partition name: forecast writes until the next backup.
    /// When `used`, their rate (total / backup interval) replaces the EWMA
    /// write rate for the score, P(modified) and expected backup bytes.
    std::map<std::string, ForecastWrites> forecastWrites;
    /// Lock times from the steps measured on this connection; with none
    /// measured, bytes / settings.rewriteBytesPerSecond.
    LockCalibration lockCalibration;
};

/// Partitions the planner would have acted on but leaves alone, and why
/// (a cool-down; a merge that would not pay for its rewrite).
struct LeftAlone {
    std::vector<std::string> partitions;
    std::string reason;
};

class PreBackupPlanner {
public:
    /// Partitions that may be split: the planner needs their key histograms.
    static std::vector<std::string> splitCandidates(const PlannerInput &input);
    /// Steps with kind, sources, target bounds, reason and predicted effect.
    /// Names, SQL and fingerprints are filled in afterwards from the connector.
    static std::vector<Step> plan(const PlannerInput &input, std::vector<LeftAlone> *leftAlone = nullptr);
    /// "split 13:52 today; cool-down until 13:52 on 2026-12-10" (local time).
    static std::string coolDownReason(const std::string &action, std::int64_t createdMs, std::int64_t cooldownSeconds,
                                      std::int64_t nowMs);
    /// Expected bytes a file-level incremental backup copies for a partition
    /// of `bytes` with smoothed write rate `writesPerSecond` (see docs).
    /// The score the planner decides on: the stored score, with the write
    /// rate replaced by the forecast's when one is used.
    static VolatilityScore effectiveScore(const VolatilityScore &score, const ForecastWrites *forecast,
                                          const ConnectionSettings &settings);
    /// "forecast: ~N writes before the next backup (95 %: a–b)" or
    /// "EWMA of past writes (why)"; empty without forecast information.
    static std::string writesBasis(const ForecastWrites *forecast);
    static double expectedBackupBytes(std::int64_t bytes, double writesPerSecond, const ConnectionSettings &settings);
};

} // namespace tidemark
