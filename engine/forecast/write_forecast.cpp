#include "forecast/write_forecast.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "forecast/forecaster.h"
#include "forecast/model_choice.h"

namespace tidemark {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
/// Steps kept at most (older ones are dropped): 100 000 hourly steps are 11 years.
constexpr std::int64_t kMaxSteps = 100000;
constexpr int kBacktests = 3;
/// Backtest origins with at least this many steps before them keep the
/// estimates of the whole history (two weeks of hourly steps).
constexpr int kStateUpdateSteps = 336;

struct Interval {
    std::int64_t fromMs = 0, toMs = 0;
    double count = 0.0;
};

double counter(const ActivitySample &s, ActivityMetric m)
{
    return static_cast<double>(m == ActivityMetric::Writes ? s.writes() : s.reads);
}

std::vector<Interval> intervals(const std::vector<ActivitySample> &samples, ActivityMetric metric)
{
    std::vector<Interval> out;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const ActivitySample &cur = samples[i];
        if (metric == ActivityMetric::Reads && !cur.readsKnown)
            continue;
        const ActivitySample *prev = i > 0 ? &samples[i - 1] : nullptr;
        if (prev && prev->counterEpoch == cur.counterEpoch) {
            const double delta = counter(cur, metric) - counter(*prev, metric);
            if (cur.timestampMs > prev->timestampMs && delta >= 0.0)
                out.push_back({prev->timestampMs, cur.timestampMs, delta});
            continue; // a counter going down: the interval is unknown
        }
        // A first reading of an epoch counts from the epoch's start, when known
        // and not overlapping what earlier readings already covered.
        if (cur.epochStartMs > 0 && cur.epochStartMs < cur.timestampMs &&
            (!prev || cur.epochStartMs >= prev->timestampMs))
            out.push_back({cur.epochStartMs, cur.timestampMs, std::max(counter(cur, metric), 0.0)});
    }
    return out;
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

} // namespace

std::size_t ActivityGrid::known() const
{
    return static_cast<std::size_t>(
        std::count_if(values.begin(), values.end(), [](double v) { return std::isfinite(v); }));
}

ActivityGrid activityGrid(const std::vector<ActivitySample> &samples, ActivityMetric metric, std::int64_t stepMs)
{
    ActivityGrid g;
    g.stepMs = std::max<std::int64_t>(stepMs, 1000);
    std::vector<Interval> all = intervals(samples, metric);
    // Too coarse to say when inside them the counts happened.
    std::erase_if(all, [&](const Interval &iv) { return iv.toMs - iv.fromMs > 4 * g.stepMs; });
    if (all.empty())
        return g;
    std::int64_t first = floorDiv(all.front().fromMs, g.stepMs);
    std::int64_t last = floorDiv(all.front().toMs - 1, g.stepMs);
    for (const Interval &iv : all) {
        first = std::min(first, floorDiv(iv.fromMs, g.stepMs));
        last = std::max(last, floorDiv(iv.toMs - 1, g.stepMs));
    }
    first = std::max(first, last - kMaxSteps + 1);
    const auto n = static_cast<std::size_t>(last - first + 1);
    std::vector<double> sum(n, 0.0), covered(n, 0.0);
    for (const Interval &iv : all) {
        const double len = static_cast<double>(iv.toMs - iv.fromMs);
        for (std::int64_t b = std::max(floorDiv(iv.fromMs, g.stepMs), first); b <= floorDiv(iv.toMs - 1, g.stepMs);
             ++b) {
            const std::int64_t lo = std::max(iv.fromMs, b * g.stepMs);
            const std::int64_t hi = std::min(iv.toMs, (b + 1) * g.stepMs);
            if (hi <= lo)
                continue;
            const auto k = static_cast<std::size_t>(b - first);
            sum[k] += iv.count * static_cast<double>(hi - lo) / len;
            covered[k] += static_cast<double>(hi - lo);
        }
    }
    std::size_t end = n;
    while (end > 0 && covered[end - 1] < 0.99 * static_cast<double>(g.stepMs))
        --end;
    std::size_t begin = 0;
    while (begin < end && covered[begin] < 0.99 * static_cast<double>(g.stepMs))
        ++begin;
    g.firstMs = (first + static_cast<std::int64_t>(begin)) * g.stepMs;
    for (std::size_t k = begin; k < end; ++k)
        g.values.push_back(covered[k] >= 0.99 * static_cast<double>(g.stepMs) ? sum[k] : kNaN);
    for (std::size_t k = end; k < n; ++k) {
        g.tailCount += sum[k];
        g.tailCoveredMs += static_cast<std::int64_t>(std::min(covered[k], static_cast<double>(g.stepMs)));
    }
    if (g.values.empty())
        g.firstMs = 0;
    return g;
}

std::int64_t writeGridStepMs(const ConnectionSettings &s)
{
    const std::int64_t interval = std::max<std::int64_t>(s.backupIntervalSeconds, 60);
    std::int64_t step = std::max<std::int64_t>({interval / 24, s.samplingIntervalSeconds, 60});
    return step * 1000;
}

int minimumHistorySteps(const ConnectionSettings &s)
{
    const std::int64_t step = writeGridStepMs(s);
    const std::int64_t window = (std::max<std::int64_t>(s.backupIntervalSeconds, 60) * 1000 + step - 1) / step;
    return static_cast<int>(3 * window);
}

std::optional<double> observedTotal(const std::vector<ActivitySample> &samples, ActivityMetric metric,
                                    std::int64_t stepMs, std::int64_t fromMs, std::int64_t toMs)
{
    if (stepMs < 1000 || toMs <= fromMs || fromMs % stepMs != 0 || toMs % stepMs != 0)
        return std::nullopt;
    const ActivityGrid g = activityGrid(samples, metric, stepMs);
    if (g.values.empty() || g.firstMs > fromMs || g.endMs() < toMs)
        return std::nullopt;
    double total = 0.0;
    for (std::int64_t t = fromMs; t < toMs; t += stepMs) {
        const double v = g.values[static_cast<std::size_t>((t - g.firstMs) / stepMs)];
        if (!std::isfinite(v))
            return std::nullopt;
        total += v;
    }
    return total;
}

namespace {

forecast::ForecastOptions writeOptions(int horizon)
{
    forecast::ForecastOptions o;
    o.horizon = horizon;
    o.method = forecast::Method::Auto;
    o.nonNegative = true;
    o.simulationPaths = 300;
    return o;
}

std::string hours(std::int64_t ms)
{
    const double h = static_cast<double>(ms) / 3.6e6;
    return h >= 48.0 ? fmt::format("{:.1f} days", h / 24.0) : fmt::format("{:.0f} h", h);
}

/// Sum of the point forecasts of steps [first, first + count) whose phase of
/// the longest seasonal cycle (observed at least twice) had no writes in any
/// cycle: structural zeros of an intermittent writer.
double structuralZeros(const std::vector<double> &y, const forecast::Forecast &f, int first, int count)
{
    const auto n = static_cast<int>(y.size());
    int period = 0;
    for (int p : f.periods)
        if (p > period && n >= 2 * p)
            period = p;
    if (period < 2)
        return 0.0;
    double sum = 0.0;
    for (int k = first; k < first + count && k < static_cast<int>(f.mean.size()); ++k) {
        const int phase = (n + k) % period;
        int seen = 0;
        bool allZero = true;
        for (int i = phase; i < n && allZero; i += period) {
            const double v = y[static_cast<std::size_t>(i)];
            if (!std::isfinite(v))
                continue;
            ++seen;
            allZero = v <= 0.0;
        }
        if (allZero && seen >= 2)
            sum += std::max(f.mean[static_cast<std::size_t>(k)], 0.0);
    }
    return sum;
}

/// Replays the forecast over the last `count` backup windows of the history
/// that end by step `endLimit`: the window total forecast from each origin
/// against what happened, oldest first. Returns how many were recorded.
int backtest(const std::vector<double> &y, std::int64_t stepMs, int window, int endLimit, int count,
             forecast::ForecastErrorTracker &tracker, const std::string &id, const forecast::Forecast &whole,
             int *reused)
{
    const int n = std::min(static_cast<int>(y.size()), endLimit);
    int recorded = 0;
    for (int k = count; k >= 1; --k) {
        const int origin = n - k * window;
        if (origin < 2 * window)
            continue;
        double actual = 0.0;
        bool complete = true;
        for (int i = origin; i < origin + window; ++i) {
            complete = complete && std::isfinite(y[static_cast<std::size_t>(i)]);
            actual += std::isfinite(y[static_cast<std::size_t>(i)]) ? y[static_cast<std::size_t>(i)] : 0.0;
        }
        if (!complete)
            continue;
        forecast::SeriesInput in;
        in.values.assign(y.begin(), y.begin() + origin);
        in.stepMs = stepMs;
        auto opt = writeOptions(window);
        opt.holdout = false;
        // The models chosen on the whole history, refitted at the origin:
        // a new search there would cost a full forecast per backtest. The
        // same seasonal periods, so that the same structure is what is judged.
        opt.periods = whole.periods;
        opt.detectSeasonality = false;
        opt.reuse = whole.choice;
        // Weeks of history: the estimates stay, the models are only run
        // through the prefix (forecast::ForecastOptions::refitReused).
        opt.refitReused = origin < kStateUpdateSteps;
        const auto f = forecast::forecastSeries(in, opt);
        if (!f)
            continue;
        if (reused && f->reused)
            ++*reused;
        const auto t = forecast::totalOverWindow(*f, 0, window);
        if (!t)
            continue;
        tracker.record(id, forecast::ForecastCheck{t->mean, t->lower95, t->upper95, actual, 0.0});
        ++recorded;
    }
    return recorded;
}

} // namespace

bool modelChoiceGotWorse(const std::optional<double> &now, const std::optional<double> &atSearch)
{
    if (!now || !atSearch)
        return false;
    return *now > *atSearch * kModelChoiceWorseFactor && *now > *atSearch + kModelChoiceWorseMargin;
}

const char *toString(WriteForecastModels::Source s)
{
    switch (s) {
    case WriteForecastModels::Source::None:
        return "none";
    case WriteForecastModels::Source::Searched:
        return "searched";
    case WriteForecastModels::Source::Reused:
        return "reused";
    case WriteForecastModels::Source::SearchedStale:
        return "searched (kept choice too old)";
    case WriteForecastModels::Source::SearchedWorse:
        return "searched (kept choice got worse)";
    }
    return "none";
}

namespace {

/// The forecast of the write series: the kept models refitted where they
/// still serve, else a search.
Result<forecast::Forecast> writeSeriesForecast(const forecast::SeriesInput &in, int horizon, std::int64_t nowMs,
                                               const KeptModels *kept, WriteForecastModels &models)
{
    using Source = WriteForecastModels::Source;
    auto opt = writeOptions(horizon);
    Source source = Source::Searched;
    if (kept && kept->choice) {
        if (nowMs - kept->chosenMs > kModelChoiceMaxAgeMs) {
            source = Source::SearchedStale;
        } else {
            opt.reuse = kept->choice;
            auto f = forecastSeries(in, opt);
            if (!f || !f->reused) {
                // The kept structure no longer fits (other periods, a member
                // that cannot be fitted): forecastSeries searched already.
                models.source = f && f->choice ? Source::Searched : Source::None;
                if (f && f->choice)
                    models.next = KeptModels{f->choice, nowMs, f->holdoutMase};
                return f;
            }
            if (!modelChoiceGotWorse(f->holdoutMase, kept->holdoutMase)) {
                models.source = Source::Reused;
                models.next = KeptModels{f->choice, kept->chosenMs, kept->holdoutMase};
                return f;
            }
            source = Source::SearchedWorse;
            opt.reuse.reset();
        }
    }
    auto f = forecastSeries(in, opt);
    models.source = f && f->choice ? source : Source::None;
    if (f && f->choice)
        models.next = KeptModels{f->choice, nowMs, f->holdoutMase};
    return f;
}

ForecastWrites forecastWrites(const std::vector<ActivitySample> &samples, const ConnectionSettings &settings,
                              std::int64_t nowMs, const std::vector<TrackedCheck> &tracked,
                              ForecastWindow *issuedWindow, const KeptModels *kept, WriteForecastModels &chosen)
{
    chosen = {};
    ForecastWrites out;
    const std::int64_t step = writeGridStepMs(settings);
    const int window = minimumHistorySteps(settings) / 3;
    const ActivityGrid g = activityGrid(samples, ActivityMetric::Writes, step);
    const int needed = minimumHistorySteps(settings);
    if (static_cast<int>(g.known()) < needed) {
        out.note = fmt::format("history too short for a forecast: {} of the {} needed",
                               hours(static_cast<std::int64_t>(g.known()) * step),
                               hours(static_cast<std::int64_t>(needed) * step));
        return out;
    }
    const std::int64_t nowStep = floorDiv(nowMs, step) * step;
    const int firstStep = static_cast<int>(std::max<std::int64_t>(0, (nowStep - g.endMs()) / step));
    if (firstStep > window) {
        out.note = fmt::format("sample history ends {} before now", hours(nowMs - g.endMs()));
        return out;
    }
    forecast::SeriesInput in;
    in.values = g.values;
    in.stepMs = step;
    const auto f = writeSeriesForecast(in, firstStep + window, nowMs, kept, chosen);
    if (!f) {
        out.note = "no forecast: " + f.error().message;
        return out;
    }
    const auto total = forecast::totalOverWindow(*f, firstStep, window);
    if (!total || !std::isfinite(total->mean) || !std::isfinite(total->lower95) || !std::isfinite(total->upper95)) {
        out.note = "no forecast total for the backup interval";
        return out;
    }
    // Hours of the week that never saw a write are no write, not "a little":
    // what a smooth model spreads over them would otherwise count as a
    // likely modification.
    const double zero = structuralZeros(g.values, *f, firstStep, window);
    out.model = f->model;
    out.holdoutMase = f->holdoutMase;
    out.total = std::max(total->mean - zero, 0.0);
    out.lower95 = std::max(total->lower95 - zero, 0.0);
    out.upper95 = std::max(total->upper95 - zero, out.total);

    if (issuedWindow) {
        issuedWindow->startMs = g.endMs() + static_cast<std::int64_t>(firstStep) * step;
        issuedWindow->endMs = issuedWindow->startMs + static_cast<std::int64_t>(window) * step;
    }

    // Recorded forecasts checked against what happened decide; backtests of
    // earlier backup intervals fill in only while fewer than the tracker's
    // window have been checked.
    constexpr int kChecks = forecast::ForecastErrorTracker::kWindow;
    const std::size_t firstTracked = tracked.size() > kChecks ? tracked.size() - kChecks : 0;
    const int trackedUsed = static_cast<int>(tracked.size() - firstTracked);
    forecast::ForecastErrorTracker t;
    const std::string id = "writes";
    int backtests = 0;
    if (f->model != "Constant" && trackedUsed < kChecks) {
        const std::int64_t limitMs = tracked.empty() ? g.endMs() : tracked[firstTracked].windowStartMs;
        const int endLimit = limitMs >= g.firstMs ? static_cast<int>((limitMs - g.firstMs) / step) : -1;
        backtests = backtest(g.values, step, window, endLimit, std::min(kBacktests, kChecks - trackedUsed), t, id, *f,
                             &out.backtestsReused);
    }
    for (std::size_t i = firstTracked; i < tracked.size(); ++i)
        t.record(id, tracked[i].check);
    const forecast::ErrorStatus status = t.status(id);
    out.checks = status.checks;
    out.misses = status.misses;
    out.keepsMissing = status.keepsMissing;
    if (status.keepsMissing) {
        out.note = backtests == 0
            ? fmt::format("the forecast keeps missing: {} of its last {} recorded forecasts outside "
                          "their 95 % band",
                          status.misses, status.checks)
            : trackedUsed == 0
            ? fmt::format("the forecast keeps missing: {} of the last {} backup intervals outside its "
                          "95 % band",
                          status.misses, status.checks)
            : fmt::format("the forecast keeps missing: {} of the last {} checks ({} recorded forecasts, "
                          "{} backtests) outside the 95 % band",
                          status.misses, status.checks, trackedUsed, status.checks - trackedUsed);
        return out;
    }
    // What was already seen after the last full step must fit the forecast's
    // first steps, else the series has changed under the model.
    if (g.tailCoveredMs > 0) {
        const double share = static_cast<double>(g.tailCoveredMs) / static_cast<double>(step);
        const int steps = std::min<int>(firstStep + 1, static_cast<int>(f->mean.size()));
        double mean = 0.0, lo = 0.0, hi = 0.0;
        for (int i = 0; i < steps; ++i) {
            mean += f->mean[static_cast<std::size_t>(i)];
            lo += f->lower95[static_cast<std::size_t>(i)];
            hi += f->upper95[static_cast<std::size_t>(i)];
        }
        const double d = steps > 0 ? share / steps : 0.0;
        const forecast::ForecastCheck recent{mean * d, lo * d, hi * d, g.tailCount, 0.0};
        if (forecast::missesBand(recent)) {
            out.note = fmt::format("recent writes ({:.0f} in the last {}) lie outside the forecast's 95 % band "
                                   "({:.0f}–{:.0f})",
                                   g.tailCount,
                                   g.tailCoveredMs >= 3600000 ? hours(g.tailCoveredMs)
                                                              : fmt::format("{} s", g.tailCoveredMs / 1000),
                                   recent.lower95, recent.upper95);
            out.keepsMissing = true;
            return out;
        }
    }
    out.used = true;
    return out;
}

} // namespace

ForecastWrites forecastWritesUntilBackup(const std::vector<ActivitySample> &samples, const ConnectionSettings &settings,
                                         std::int64_t nowMs, const std::vector<TrackedCheck> &tracked,
                                         ForecastWindow *issuedWindow, const KeptModels *kept,
                                         WriteForecastModels *models)
{
    WriteForecastModels ignored;
    WriteForecastModels &chosen = models ? *models : ignored;
    ForecastWrites out = forecastWrites(samples, settings, nowMs, tracked, issuedWindow, kept, chosen);
    // The kept models keep missing their backtests or checks: a search may
    // find better ones, and its forecast is the one that counts.
    if (chosen.source == WriteForecastModels::Source::Reused && out.keepsMissing) {
        out = forecastWrites(samples, settings, nowMs, tracked, issuedWindow, nullptr, chosen);
        if (chosen.source == WriteForecastModels::Source::Searched)
            chosen.source = WriteForecastModels::Source::SearchedWorse;
    }
    return out;
}

} // namespace tidemark
