#include "forecast/forecast_tracking.h"

#include <algorithm>
#include <cmath>

#include "forecast/error_tracker.h"

namespace tidemark {

namespace {

/// The error of a check in half-widths of its 95 % band (at least 1), as
/// ForecastErrorTracker scales it.
double scaledError(const forecast::ForecastCheck &c)
{
    const double scale = std::max((c.upper95 - c.lower95) / 2.0, 1.0);
    const double e = std::fabs(c.actual - c.predicted) / scale;
    return std::isfinite(e) ? e : 1e6;
}

forecast::ForecastCheck checkOf(const ForecastRecord &r)
{
    return forecast::ForecastCheck{r.predicted, r.lower95, r.upper95, r.actual, 0.0};
}

} // namespace

Result<ForecastCheckRun> checkRecordedForecasts(MetadataStore &store, const Connection &connection, std::int64_t nowMs)
{
    ForecastCheckRun run;
    auto pending = store.pendingForecasts(connection.id, nowMs);
    if (!pending)
        return tl::unexpected(pending.error());
    if (pending->empty())
        return run;
    const std::int64_t step = writeGridStepMs(connection.settings);
    auto ok = store.transaction([&]() -> Result<void> {
        for (ForecastRecord &r : *pending) {
            if (r.metric != kWritesMetric)
                continue;
            // An interval longer than four steps is not spread (activityGrid),
            // so readings from five steps before the window suffice.
            auto samples = store.samples(connection.id, r.table, r.partition, r.windowStartMs - 5 * step);
            if (!samples)
                return tl::unexpected(samples.error());
            std::erase_if(*samples, [&](const ActivitySample &s) { return s.timestampMs > r.windowEndMs + 5 * step; });
            const auto actual = observedTotal(*samples, ActivityMetric::Writes, step, r.windowStartMs, r.windowEndMs);
            if (!actual) {
                const bool reachedEnd = !samples->empty() && samples->back().timestampMs >= r.windowEndMs;
                const bool overdue = nowMs >= r.windowEndMs + (r.windowEndMs - r.windowStartMs);
                if (reachedEnd || overdue) {
                    if (auto d = store.dropForecast(r.id); !d)
                        return d;
                    ++run.dropped;
                }
                continue;
            }
            r.checkedMs = nowMs;
            r.actual = *actual;
            const forecast::ForecastCheck c = checkOf(r);
            r.missed = forecast::missesBand(c);
            r.scaledError = scaledError(c);
            if (auto s = store.saveForecastCheck(r); !s)
                return s;
            ++run.checked;
            run.missed += r.missed ? 1 : 0;
        }
        if (run.checked == 0)
            return {};
        auto pruned = store.pruneForecastChecks(connection.id, kForecastChecksKept);
        if (!pruned)
            return tl::unexpected(pruned.error());
        return {};
    });
    if (!ok)
        return tl::unexpected(ok.error());
    return run;
}

Result<bool> recordWriteForecast(MetadataStore &store, const Connection &connection, const std::string &table,
                                 const std::string &partition, const ForecastWrites &forecast,
                                 const ForecastWindow &window, std::int64_t nowMs)
{
    if (forecast.model.empty() || window.endMs <= window.startMs || !std::isfinite(forecast.total) ||
        !std::isfinite(forecast.lower95) || !std::isfinite(forecast.upper95))
        return false;
    ForecastRecord r;
    r.table = table;
    r.partition = partition;
    r.metric = kWritesMetric;
    r.windowStartMs = window.startMs;
    r.windowEndMs = window.endMs;
    r.predicted = forecast.total;
    r.lower95 = forecast.lower95;
    r.upper95 = forecast.upper95;
    r.model = forecast.model;
    r.madeMs = nowMs;
    return store.recordForecast(connection.id, r);
}

Result<std::vector<ForecastRecord>> writeForecastChecks(MetadataStore &store, const Connection &connection,
                                                        const std::string &table, const std::string &partition,
                                                        int limit)
{
    return store.forecastChecks(connection.id, table, partition, kWritesMetric, limit);
}

std::vector<TrackedCheck> trackedChecks(const std::vector<ForecastRecord> &records)
{
    std::vector<TrackedCheck> out;
    for (const ForecastRecord &r : records)
        if (r.checked())
            out.push_back(TrackedCheck{r.windowStartMs, r.windowEndMs, checkOf(r)});
    return out;
}

Result<ForecastTrackingSummary> forecastTrackingSummary(MetadataStore &store, const Connection &connection)
{
    auto checks = store.recentForecastChecks(connection.id, kWritesMetric, forecast::ForecastErrorTracker::kWindow);
    if (!checks)
        return tl::unexpected(checks.error());
    forecast::ForecastErrorTracker tracker;
    ForecastTrackingSummary out;
    auto &series = out.checked;
    for (const ForecastRecord &r : *checks) {
        if (series.empty() || series.back() != std::pair(r.table, r.partition))
            series.emplace_back(r.table, r.partition);
        tracker.record(r.table + '\n' + r.partition, checkOf(r));
    }
    for (const auto &s : series)
        if (tracker.status(s.first + '\n' + s.second).keepsMissing)
            out.keepMissing.push_back(s);
    return out;
}

} // namespace tidemark
