#pragma once
// Rolling refits for many series: a fitted model per series id, so that one
// new sample costs one step of the recursions (and a check of the last
// forecast against it), and the periodic refit starts from the last
// parameters (warm start) instead of a model search. Long cycles (a day and a
// week of hourly samples) are removed by the MSTL-style decomposition at
// each full refit and carried forward between refits. Not thread-safe: one
// instance per thread (e.g. a shard of the series each).
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "forecast/error_tracker.h"
#include "forecast/ets_model.h"
#include "forecast/forecaster.h"
#include "result.h"

namespace tidemark::forecast {

struct RollingOptions {
    std::vector<int> periods; ///< seasonal periods in steps (e.g. 24, 168); empty = none
    int horizon = 24;
    int refitEvery = 24; ///< updates between warm refits; 0 = never
    int window = 1008; ///< most recent values kept for refits (six weeks hourly)
};

class RollingForecaster {
public:
    /// Full fit with model selection (additive-error ETS on the seasonally
    /// adjusted series: analytic intervals, so updates stay cheap).
    Result<Forecast> refit(const std::string &id, const std::vector<double> &values, const RollingOptions &options);
    /// One new value: checks the last one-step forecast against it (error
    /// tracking), advances the model, and every `refitEvery` updates refits
    /// warm (same model, parameters starting from the last ones). NotFound for
    /// an unknown id; a non-finite value is skipped (the forecast is repeated).
    Result<Forecast> update(const std::string &id, double value);
    bool has(const std::string &id) const { return m_cache.contains(id); }
    std::size_t size() const { return m_cache.size(); }
    ErrorStatus errorStatus(const std::string &id) const { return m_tracker.status(id); }
    void forget(const std::string &id);

private:
    struct Entry {
        RollingOptions options;
        EtsFit fit; ///< fit.final = state after the last value
        std::vector<std::vector<double>> cycles; ///< per period: value for position p at [p % m]
        std::vector<double> adjusted; ///< recent seasonally adjusted values (≤ window)
        std::int64_t position = 0; ///< values seen
        int sinceRefit = 0;
        Forecast last;
    };
    double seasonalAt(const Entry &e, std::int64_t position) const;
    Forecast forecastFrom(const Entry &e) const;

    std::unordered_map<std::string, Entry> m_cache;
    ForecastErrorTracker m_tracker;
};

} // namespace tidemark::forecast
