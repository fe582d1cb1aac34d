#include "forecast/rolling_forecaster.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "forecast/decomposition.h"
#include "forecast/ets_fit.h"

namespace tidemark::forecast {

namespace {

EtsSelectOptions linearOnly()
{
    EtsSelectOptions o;
    o.allowMultiplicative = false; // class 1 models: analytic intervals
    return o;
}

} // namespace

double RollingForecaster::seasonalAt(const Entry &e, std::int64_t position) const
{
    double s = 0.0;
    for (const auto &c : e.cycles)
        s += c[static_cast<std::size_t>(position % static_cast<std::int64_t>(c.size()))];
    return s;
}

Forecast RollingForecaster::forecastFrom(const Entry &e) const
{
    const int h = std::max(1, e.options.horizon);
    const ModelForecast m = etsForecast(e.fit, h);
    Forecast f;
    f.model = e.fit.spec.name();
    if (!e.cycles.empty()) {
        std::string p;
        for (const auto &c : e.cycles)
            p += (p.empty() ? "" : ",") + std::to_string(c.size());
        f.model += "+MSTL(" + p + ")";
    }
    f.periods = e.options.periods;
    f.uncertainty = m.uncertainty;
    for (int j = 0; j < h; ++j) {
        const double s = seasonalAt(e, e.position + j);
        double mean = m.mean[static_cast<std::size_t>(j)] + s;
        double lo80 = mean + m.uncertainty->stepQuantile(j, 0.1), hi80 = mean + m.uncertainty->stepQuantile(j, 0.9);
        double lo95 = mean + m.uncertainty->stepQuantile(j, 0.025), hi95 = mean + m.uncertainty->stepQuantile(j, 0.975);
        for (double *v : {&mean, &lo80, &hi80, &lo95, &hi95})
            if (!std::isfinite(*v))
                *v = e.adjusted.empty() ? 0.0 : e.adjusted.back() + s;
        f.mean.push_back(mean);
        f.lower80.push_back(std::min(lo80, mean));
        f.upper80.push_back(std::max(hi80, mean));
        f.lower95.push_back(std::min(lo95, f.lower80.back()));
        f.upper95.push_back(std::max(hi95, f.upper80.back()));
    }
    f.confidence = 0.5;
    return f;
}

Result<Forecast> RollingForecaster::refit(const std::string &id, const std::vector<double> &values,
                                          const RollingOptions &options)
{
    std::vector<double> y;
    for (double v : values)
        if (std::isfinite(v))
            y.push_back(v);
    if (y.size() < 4)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{}: {} finite values, a rolling model needs 4", id, y.size()));
    Entry e;
    e.options = options;
    e.position = static_cast<std::int64_t>(y.size());
    std::vector<int> periods;
    for (int m : options.periods)
        if (m > 1 && y.size() >= 2 * static_cast<std::size_t>(m))
            periods.push_back(m);
    std::sort(periods.begin(), periods.end());
    std::vector<double> adjusted = y;
    if (!periods.empty()) {
        const MultiSeasonal ms = multiSeasonalDecompose(y, periods);
        adjusted = ms.adjusted;
        for (std::size_t k = 0; k < periods.size(); ++k) {
            const auto m = static_cast<std::size_t>(periods[k]);
            std::vector<double> cycle(m, 0.0);
            for (std::size_t i = y.size() - m; i < y.size(); ++i)
                cycle[i % m] = std::isfinite(ms.seasonal[k][i]) ? ms.seasonal[k][i] : 0.0;
            e.cycles.push_back(std::move(cycle));
        }
    }
    e.fit = etsSelect(adjusted, 1, linearOnly());
    if (!e.fit.ok)
        return fail(ErrorCode::Internal, fmt::format("{}: no ETS model could be fitted", id));
    const std::size_t keep = static_cast<std::size_t>(std::max(options.window, 16));
    if (adjusted.size() > keep)
        adjusted.erase(adjusted.begin(), adjusted.end() - static_cast<std::ptrdiff_t>(keep));
    e.adjusted = std::move(adjusted);
    e.last = forecastFrom(e);
    auto &slot = m_cache[id];
    slot = std::move(e);
    m_tracker.forget(id);
    return slot.last;
}

Result<Forecast> RollingForecaster::update(const std::string &id, double value)
{
    auto it = m_cache.find(id);
    if (it == m_cache.end())
        return fail(ErrorCode::NotFound, fmt::format("{}: no model yet", id), "refit the series first");
    Entry &e = it->second;
    if (!std::isfinite(value))
        return e.last;
    if (!e.last.mean.empty())
        m_tracker.record(id, ForecastCheck{e.last.mean[0], e.last.lower95[0], e.last.upper95[0], value, 0.0});
    const double adjusted = value - seasonalAt(e, e.position);
    EtsState state = e.fit.final;
    const double oneStep = etsStep(e.fit.spec, e.fit.params, state, adjusted);
    if (std::isfinite(oneStep))
        e.fit.final = std::move(state);
    ++e.position;
    e.adjusted.push_back(adjusted);
    if (e.adjusted.size() > static_cast<std::size_t>(std::max(e.options.window, 16)))
        e.adjusted.erase(e.adjusted.begin());
    if (e.options.refitEvery > 0 && ++e.sinceRefit >= e.options.refitEvery) {
        EtsFitOptions warm;
        warm.startParams = e.fit.params;
        warm.maxEvaluations = 300;
        EtsFit again = etsFit(e.adjusted, e.fit.spec, warm);
        if (again.ok)
            e.fit = std::move(again);
        e.sinceRefit = 0;
    }
    e.last = forecastFrom(e);
    return e.last;
}

void RollingForecaster::forget(const std::string &id)
{
    m_cache.erase(id);
    m_tracker.forget(id);
}

} // namespace tidemark::forecast
