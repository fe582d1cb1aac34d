#pragma once
// Writes expected until the next backup, per partition, from its sample
// history: cumulative counters → counts per grid step (a day's backup
// interval → hourly steps) → forecast::forecastSeries → the total over the
// next backup interval. Falls back to the EWMA (with the reason) when the
// history is short or stale, or the forecast keeps missing.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backup/prebackup_planner.h"
#include "forecast/error_tracker.h"
#include "model/activity.h"
#include "model/settings.h"

namespace tidemark {

namespace forecast {
struct ModelChoice; // forecast/model_choice.h
}

enum class ActivityMetric { Writes, Reads };

/// Counts per grid step from cumulative samples. Each interval between two
/// readings of one counter epoch (or from `epochStartMs` to a first reading)
/// is spread evenly over the steps it overlaps; intervals longer than four
/// steps, counter resets and reads that are not known leave steps unknown.
/// A step is known when intervals cover ≥ 99 % of it; unknown steps are NaN.
/// Steps are aligned to multiples of `stepMs` since the epoch.
struct ActivityGrid {
    std::int64_t stepMs = 0;
    std::int64_t firstMs = 0; ///< start of values[0]
    std::vector<double> values; ///< count per step, NaN = not fully observed
    /// Observed after the last known step (a partial step): count and time covered.
    double tailCount = 0.0;
    std::int64_t tailCoveredMs = 0;

    std::int64_t endMs() const { return firstMs + stepMs * static_cast<std::int64_t>(values.size()); }
    std::size_t known() const;
};
ActivityGrid activityGrid(const std::vector<ActivitySample> &samples, ActivityMetric metric, std::int64_t stepMs);

/// Grid step for write forecasts: a 24th of the backup interval, at least the
/// sampling interval and a minute.
std::int64_t writeGridStepMs(const ConnectionSettings &settings);

/// How many steps of history a write forecast needs: three backup intervals.
int minimumHistorySteps(const ConnectionSettings &settings);

/// The count over [fromMs, toMs) by the rules of activityGrid with `stepMs`;
/// nullopt unless both ends lie on the grid and every step between them was
/// fully observed (no gap, no counter reset, no interval too long).
std::optional<double> observedTotal(const std::vector<ActivitySample> &samples, ActivityMetric metric,
                                    std::int64_t stepMs, std::int64_t fromMs, std::int64_t toMs);

/// A recorded forecast of a window total and what the window turned out to hold.
struct TrackedCheck {
    std::int64_t windowStartMs = 0, windowEndMs = 0;
    forecast::ForecastCheck check;
};

/// The time window a forecast total covers: [startMs, endMs).
struct ForecastWindow {
    std::int64_t startMs = 0, endMs = 0;
};

/// The models an earlier forecast of the series chose (kept in the store's
/// model_choices between plans).
struct KeptModels {
    std::shared_ptr<const forecast::ModelChoice> choice;
    std::int64_t chosenMs = 0; ///< when a search chose them
    std::optional<double> holdoutMase; ///< their hold-out MASE at that search
};

/// A kept choice older than this is searched again: the series may have
/// changed its shape in ways the refitted estimates do not follow.
inline constexpr std::int64_t kModelChoiceMaxAgeMs = 7LL * 86'400'000;
/// Refitted models whose hold-out MASE (the last min(h, n/5) steps) is worse
/// than at their search by both this factor and this margin are searched
/// again; so are refitted models that keep missing their backtests. One day
/// of hold-out is noisy (a Sunday against a Monday), hence the wide bounds.
inline constexpr double kModelChoiceWorseFactor = 2.0;
inline constexpr double kModelChoiceWorseMargin = 0.5;
/// The rule above: hold-out MASE now against the one at the search (either unknown: not worse).
bool modelChoiceGotWorse(const std::optional<double> &now, const std::optional<double> &atSearch);

/// Where the models of a write forecast came from, and what to keep.
struct WriteForecastModels {
    enum class Source {
        None, ///< no model forecast (too short, constant, fallback)
        Searched, ///< no usable kept choice: searched
        Reused, ///< the kept choice refitted (no search)
        SearchedStale, ///< the kept choice was older than kModelChoiceMaxAgeMs
        SearchedWorse, ///< refitted, its hold-out error got worse or it kept missing: searched
    };
    Source source = Source::None;
    /// What to keep for the next forecast (choice null: nothing to keep).
    KeptModels next;
};
const char *toString(WriteForecastModels::Source);

/// The forecast of writes from `nowMs` until the next backup (one backup
/// interval), or — `used` false — the reason the EWMA stays in charge.
/// Whether the series keeps missing is decided on the last
/// ForecastErrorTracker::kWindow checks: the `tracked` checks of forecasts
/// recorded earlier (oldest first), and — only while there are fewer than
/// that — backtests of the backup intervals before the first tracked window
/// (the last three intervals of the history when nothing is tracked yet).
/// `issuedWindow`, when given, receives the window of the forecast total whenever
/// one was computed (`model` not empty), also when the EWMA stays in charge.
/// With `kept` (models of an earlier forecast of this series) they are
/// refitted instead of searched, unless older than kModelChoiceMaxAgeMs or
/// their hold-out error got worse; `models` receives what happened and what
/// to keep.
ForecastWrites forecastWritesUntilBackup(const std::vector<ActivitySample> &samples, const ConnectionSettings &settings,
                                         std::int64_t nowMs, const std::vector<TrackedCheck> &tracked = {},
                                         ForecastWindow *issuedWindow = nullptr, const KeptModels *kept = nullptr,
                                         WriteForecastModels *models = nullptr);

} // namespace tidemark
