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

/// Score of a partition from its smoothed rates (pure function).
VolatilityScore scoreFromRates(double writesPerSecond, double readsPerSecond, bool readsKnown,
                               std::int64_t rows, std::int64_t bytes, const ConnectionSettings &settings);

/// Keeps per-partition EWMA rate state; feed samples in time order.
class VolatilityMonitor {
public:
    explicit VolatilityMonitor(ConnectionSettings settings);

    /// Folds one sample in and returns the partition's updated score.
    VolatilityScore observe(const ActivitySample &sample);
    std::optional<VolatilityScore> current(const std::string &table, const std::string &partition) const;
    const ConnectionSettings &settings() const { return m_settings; }

private:
    struct State {
        ActivitySample last;
        double writesPerSecond = 0.0;
        double readsPerSecond = 0.0;
        bool haveRate = false;
        VolatilityScore score;
    };
    ConnectionSettings m_settings;
    std::map<std::pair<std::string, std::string>, State> m_state;
};

} // namespace tidemark
