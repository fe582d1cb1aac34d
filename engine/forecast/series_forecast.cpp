#include "forecast/series_forecast.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "forecast/forecast_tracking.h"
#include "forecast/write_forecast.h"

namespace tidemark {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Size per step: the last reading inside each step, carried forward.
std::map<std::int64_t, double> sizeSteps(const std::vector<ActivitySample> &samples, std::int64_t stepMs)
{
    std::map<std::int64_t, double> out;
    for (const auto &s : samples)
        out[s.timestampMs / stepMs] = static_cast<double>(s.bytes);
    return out;
}

} // namespace

Result<StoredSeriesForecast> forecastStoredSeries(MetadataStore &store, const Connection &connection,
                                                  const StoredSeriesRequest &request, std::int64_t nowMs)
{
    if (request.partitions.empty())
        return fail(ErrorCode::InvalidArgument, "no partition to forecast");
    const std::int64_t step = std::max<std::int64_t>(request.stepMs, 1000);
    // Absolute step index → summed value; a partition adds 0 outside the
    // steps it has data for, and makes a step unknown inside them.
    std::map<std::int64_t, double> sum;
    std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
    std::vector<std::map<std::int64_t, double>> perPartition;
    std::vector<ActivitySample> single;
    for (const auto &name : request.partitions) {
        auto samples = store.samples(connection.id, request.table, name);
        if (!samples)
            return tl::unexpected(samples.error());
        if (samples->empty())
            continue;
        std::map<std::int64_t, double> steps;
        if (request.metric == SeriesMetric::Writes) {
            const ActivityGrid g = activityGrid(*samples, ActivityMetric::Writes, step);
            for (std::size_t i = 0; i < g.values.size(); ++i)
                steps[g.firstMs / step + static_cast<std::int64_t>(i)] = g.values[i];
        } else {
            steps = sizeSteps(*samples, step);
        }
        if (steps.empty())
            continue;
        if (request.partitions.size() == 1)
            single = std::move(*samples);
        perPartition.push_back(std::move(steps));
    }
    if (perPartition.empty())
        return fail(ErrorCode::NotFound,
                    fmt::format("{}: no fully sampled step of {} s yet", request.table, step / 1000),
                    "let the scan run longer, or load the demo with tidemark-cli demo init");
    std::int64_t first = perPartition.front().begin()->first, last = perPartition.front().rbegin()->first;
    for (const auto &p : perPartition) {
        first = std::min(first, p.begin()->first);
        last = std::max(last, p.rbegin()->first);
    }
    StoredSeriesForecast out;
    for (std::int64_t k = first; k <= last; ++k) {
        double total = 0.0;
        for (const auto &p : perPartition) {
            if (k < p.begin()->first)
                continue;
            auto it = p.upper_bound(k);
            if (request.metric == SeriesMetric::Size) {
                total += std::prev(it)->second; // carried forward
            } else if (k <= p.rbegin()->first) {
                const auto at = p.find(k);
                total += at == p.end() ? kNaN : at->second;
            }
        }
        out.historyMs.push_back(k * step);
        out.history.push_back(total);
    }
    forecast::SeriesInput in;
    in.values = out.history;
    in.stepMs = step;
    forecast::ForecastOptions opt;
    opt.horizon = request.horizon;
    opt.method = request.method;
    opt.nonNegative = true;
    auto f = forecast::forecastSeries(in, opt);
    if (!f)
        return tl::unexpected(f.error());
    out.forecast = std::move(*f);
    // The forecaster drops trailing gaps: its steps follow the last known value.
    std::size_t lastKnown = out.history.size();
    while (lastKnown > 0 && !std::isfinite(out.history[lastKnown - 1]))
        --lastKnown;
    const std::int64_t startMs = lastKnown > 0 ? out.historyMs[lastKnown - 1] + step : (last + 1) * step;
    for (std::size_t i = 0; i < out.forecast.mean.size(); ++i)
        out.forecastMs.push_back(startMs + static_cast<std::int64_t>(i) * step);
    if (request.metric == SeriesMetric::Writes && request.partitions.size() == 1 && !single.empty()) {
        auto checks = writeForecastChecks(store, connection, request.table, request.partitions.front());
        if (!checks)
            return tl::unexpected(checks.error());
        out.trackedChecks = std::move(*checks);
        out.planner = forecastWritesUntilBackup(single, connection.settings, nowMs, trackedChecks(out.trackedChecks));
    }
    return out;
}

} // namespace tidemark
