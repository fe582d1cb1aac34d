#pragma once
// Turns cumulative activity samples into smoothed rates and a Volatility
// Score 0–100 per partition. The formula is documented in
// docs/volatility-score.md.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/activity.h"
#include "model/score.h"
#include "model/settings.h"

namespace tidemark {

/// Reads per backup unit per backup interval that count as "busy": read
/// activity is 1 − exp(−reads per unit per interval / kBusyReadsPerUnit).
inline constexpr double kBusyReadsPerUnit = 1000.0;

/// Share of a partition's uniformly spread writes that one backup unit
/// (a file an incremental backup copies whole) receives: min(1, U / bytes).
double unitShare(std::int64_t bytes, const ConnectionSettings &settings);

/// Probability that one backup unit of a partition of `bytes` written at
/// `writesPerSecond` (uniformly) is modified within one backup interval:
/// 1 − exp(−writesPerSecond · unitShare · T). Never NaN.
double pModifiedWithin(double writesPerSecond, std::int64_t bytes, const ConnectionSettings &settings);

/// Score of a partition from its smoothed rates (pure function):
/// 100 · ((1 − w) · pModified + w · readActivity), w = readWeight when reads
/// are known, else 0. Always in [0, 100], never NaN.
VolatilityScore scoreFromRates(double writesPerSecond, double readsPerSecond, bool readsKnown, std::int64_t rows,
                               std::int64_t bytes, const ConnectionSettings &settings);

/// Keeps per-partition smoothed rates (time-based EWMA, normalised so the
/// first interval sets the rate); feed samples in time order.
class VolatilityMonitor {
public:
    explicit VolatilityMonitor(ConnectionSettings settings);

    /// When Tidemark first sampled this database. A first reading whose
    /// counters began before then (server start, stats reset) is a baseline:
    /// what they hold may be one bulk load just before, not a rate. Counting
    /// that began later (a partition Tidemark created) yields a rate at once.
    void setFirstContactMs(std::int64_t ms) { m_firstContactMs = ms; }

    /// Folds one sample in and returns the partition's updated score.
    VolatilityScore observe(const ActivitySample &sample);
    std::optional<VolatilityScore> current(const std::string &table, const std::string &partition) const;
    const ConnectionSettings &settings() const { return m_settings; }

private:
    /// EWMA weight of a new rate measured over `elapsedSeconds`.
    double smoothingFactor(double elapsedSeconds) const;

    struct State {
        ActivitySample last;
        double writesSum = 0.0; ///< EWMA of interval rates started from zero
        double readsSum = 0.0;
        double weight = 0.0; ///< EWMA weight accumulated so far (→ 1)
        double writesPerSecond = 0.0; ///< writesSum / weight
        double readsPerSecond = 0.0;
        VolatilityScore score;
    };
    /// Folds the counts of one interval into the rates.
    void fold(State &state, double elapsedSeconds, std::int64_t writes, std::int64_t reads) const;

    ConnectionSettings m_settings;
    std::int64_t m_firstContactMs = 0;
    std::map<std::pair<std::string, std::string>, State> m_state;
};

} // namespace tidemark
