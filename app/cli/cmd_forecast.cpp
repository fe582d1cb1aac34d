// forecast: point forecasts with 80/95 % intervals for one series, from a
// CSV file or from a partition's stored samples.
//   tidemark-cli forecast --csv FILE [--period N] --horizon N [--method M] [--json]
//   tidemark-cli forecast URI --table T --partition P --metric size|writes|reads --horizon N [--step S] [--json]
#include <algorithm>
#include <cmath>
#include <optional>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "forecast/error_tracker.h"
#include "forecast/forecaster.h"
#include "monitor/activity_scan.h"
#include "forecast/forecast_tracking.h"
#include "forecast/write_forecast.h"

namespace tidemark::cli {

namespace {

struct CsvSeries {
    forecast::SeriesInput input;
    int period = 0;
    int horizon = 0;
};

// Format of bench/forecast/series (docs/forecasting.md): optional "# key=value"
// header lines (period, horizon, periods), then "value" or "timestamp,value"
// rows; timestamps are epoch milliseconds; NA or empty values are gaps.
Result<CsvSeries> readCsv(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        return fail(ErrorCode::NotFound, fmt::format("cannot read {}", path), "check the file name");
    CsvSeries s;
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            continue;
        if (line[0] == '#') {
            std::istringstream words(line.substr(1));
            std::string w;
            while (words >> w) {
                const auto eq = w.find('=');
                if (eq == std::string::npos)
                    continue;
                try {
                    if (w.substr(0, eq) == "period")
                        s.period = std::stoi(w.substr(eq + 1));
                    else if (w.substr(0, eq) == "horizon")
                        s.horizon = std::stoi(w.substr(eq + 1));
                } catch (const std::exception &) {
                }
            }
            continue;
        }
        const auto comma = line.find(',');
        const std::string valueText = comma == std::string::npos ? line : line.substr(line.rfind(',') + 1);
        double value = NAN;
        try {
            std::size_t used = 0;
            value = std::stod(valueText, &used);
        } catch (const std::exception &) {
            if (valueText != "NA" && !valueText.empty()) {
                if (s.input.values.empty())
                    continue; // a header row such as "timestamp,value"
                return fail(ErrorCode::InvalidArgument, fmt::format("{}:{}: \"{}\" is not a number", path, lineNo, valueText),
                            "use NA for a missing value");
            }
        }
        if (comma != std::string::npos) {
            try {
                s.input.timestampsMs.push_back(std::stoll(line.substr(0, comma)));
            } catch (const std::exception &) {
                return fail(ErrorCode::InvalidArgument, fmt::format("{}:{}: bad timestamp", path, lineNo),
                            "timestamps are epoch milliseconds");
            }
        }
        s.input.values.push_back(value);
    }
    if (!s.input.timestampsMs.empty() && s.input.timestampsMs.size() != s.input.values.size())
        return fail(ErrorCode::InvalidArgument, "some rows have a timestamp and some do not");
    return s;
}

// Stored samples → a gauge series on a grid of `stepMs`: bytes as sampled
// (interpolated onto the grid); writes/reads as counts per step from the
// cumulative counters (workflow/write_forecast.h: intervals spread evenly
// over the steps they cover, a counter reset leaves its interval unknown),
// shown per second.
struct StoredSeries {
    forecast::SeriesInput input;
    std::optional<ForecastWrites> tracking; ///< writes: the planner's view
    std::vector<ForecastRecord> checks; ///< writes: checked recorded forecasts, oldest first
};

Result<StoredSeries> storedSeries(const Env &env, const std::string &uri, const std::string &table,
                                  const std::string &partition, const std::string &metric, std::int64_t stepMs)
{
    auto store = openStore(env);
    if (!store)
        return tl::unexpected(store.error());
    auto connection = (*store)->findConnection(uri);
    if (!connection)
        return tl::unexpected(connection.error());
    if (!*connection)
        return fail(ErrorCode::NotFound, fmt::format("no samples for {}", uri), "run tidemark-cli scan URI first");
    auto samples = (*store)->samples((**connection).id, table, partition);
    if (!samples)
        return tl::unexpected(samples.error());
    if (samples->empty())
        return fail(ErrorCode::NotFound, fmt::format("no samples of {}.{}", table, partition),
                    "check the names with tidemark-cli scan URI");
    StoredSeries out;
    forecast::SeriesInput &s = out.input;
    s.stepMs = stepMs;
    if (metric == "size") {
        for (const auto &cur : *samples) {
            if (!s.timestampsMs.empty() && cur.timestampMs <= s.timestampsMs.back())
                continue;
            s.values.push_back(static_cast<double>(cur.bytes));
            s.timestampsMs.push_back(cur.timestampMs);
        }
        return out;
    }
    if (metric == "reads" && std::none_of(samples->begin(), samples->end(), [](const ActivitySample &a) { return a.readsKnown; }))
        return fail(ErrorCode::Unsupported, "this database does not report reads per partition",
                    "forecast writes or size instead");
    const ActivityGrid g = activityGrid(*samples, metric == "writes" ? ActivityMetric::Writes : ActivityMetric::Reads, stepMs);
    if (g.known() < 2)
        return fail(ErrorCode::NotFound,
                    fmt::format("{}.{}: fewer than two fully sampled steps of {} s", table, partition, stepMs / 1000),
                    "sample longer (tidemark-cli scan URI) or choose a smaller --step");
    for (std::size_t i = 0; i < g.values.size(); ++i) {
        s.values.push_back(g.values[i] / (static_cast<double>(stepMs) / 1000.0));
        s.timestampsMs.push_back(g.firstMs + static_cast<std::int64_t>(i) * stepMs);
    }
    if (metric == "writes") {
        auto checks = writeForecastChecks(**store, **connection, table, partition);
        if (!checks)
            return tl::unexpected(checks.error());
        out.checks = std::move(*checks);
        out.tracking = forecastWritesUntilBackup(*samples, (**connection).settings, nowMs(), trackedChecks(out.checks));
    }
    return out;
}

/// How many of the planner's checks are checks of recorded forecasts (the
/// rest are backtests): the newest ForecastErrorTracker::kWindow at most.
int recordedChecksWeighed(const ForecastWrites &t, const std::vector<ForecastRecord> &checks)
{
    return std::min({t.checks, static_cast<int>(checks.size()), forecast::ForecastErrorTracker::kWindow});
}

nlohmann::json checkJson(const ForecastRecord &r)
{
    return {{"windowStartMs", r.windowStartMs},
            {"windowEndMs", r.windowEndMs},
            {"predicted", r.predicted},
            {"lower95", r.lower95},
            {"upper95", r.upper95},
            {"actual", r.actual},
            {"missed", r.missed},
            {"scaledError", r.scaledError},
            {"model", r.model},
            {"madeMs", r.madeMs},
            {"checkedMs", r.checkedMs}};
}

nlohmann::json trackedJson(const ForecastWrites &t, const std::vector<ForecastRecord> &checks)
{
    const int misses =
        static_cast<int>(std::count_if(checks.begin(), checks.end(), [](const auto &r) { return r.missed; }));
    nlohmann::json recent = nlohmann::json::array();
    for (const auto &r : checks)
        recent.push_back(checkJson(r));
    const int weighed = recordedChecksWeighed(t, checks);
    return {{"checks", checks.size()},
            {"misses", misses},
            {"recordedChecksWeighed", weighed},
            {"backtestsWeighed", t.checks - weighed},
            {"last", checks.empty() ? nlohmann::json(nullptr) : checkJson(checks.back())},
            {"recent", std::move(recent)}};
}

/// "12 checked, 3 missed; last (… → …): 5321 writes, forecast 4800 (95 %: 4100–5600), inside the band"
std::string trackedText(const ForecastWrites &t, const std::vector<ForecastRecord> &checks)
{
    if (checks.empty())
        return fmt::format("no recorded forecast checked yet; the planner weighs {} backtest(s) of past backup "
                           "intervals",
                           t.checks);
    const int misses =
        static_cast<int>(std::count_if(checks.begin(), checks.end(), [](const auto &r) { return r.missed; }));
    const ForecastRecord &last = checks.back();
    const int weighed = recordedChecksWeighed(t, checks);
    const std::string weighs = t.checks == 0
        ? std::string()
        : fmt::format("; the planner weighs the last {} ({} missed{})", t.checks, t.misses,
                      t.checks > weighed ? fmt::format(", {} of them backtests", t.checks - weighed) : std::string());
    return fmt::format("{} checked, {} missed{}; last ({} → {}): {:.0f} writes, forecast {:.0f} (95 %: {:.0f}–{:.0f}), "
                       "{}",
                       checks.size(), misses, weighs, formatTime(last.windowStartMs), formatTime(last.windowEndMs),
                       last.actual, last.predicted, last.lower95, last.upper95,
                       last.missed ? "outside the band" : "inside the band");
}

nlohmann::json trackingJson(const ForecastWrites &t)
{
    nlohmann::json j{{"forecastUsed", t.used},     {"writesUntilBackup", t.total}, {"lower95", t.lower95},
                     {"upper95", t.upper95},       {"model", t.model},             {"checks", t.checks},
                     {"misses", t.misses},         {"keepsMissing", t.keepsMissing}, {"note", t.note},
                     {"basis", PreBackupPlanner::writesBasis(&t)}};
    return j;
}

} // namespace

int cmdForecast(Env &env)
{
    const auto &a = env.args;
    auto horizonOpt = integerOption(a, "--horizon", 0);
    if (!horizonOpt)
        return report(env, horizonOpt.error());
    auto periodOpt = integerOption(a, "--period", 0);
    if (!periodOpt)
        return report(env, periodOpt.error());
    forecast::ForecastOptions opt;
    const auto method = forecast::methodFromString(a.value("--method", "auto"));
    if (!method)
        return usageError(env, "--method is one of auto, ets, arima, theta, naive, snaive, drift, mean");
    opt.method = *method;
    forecast::SeriesInput input;
    std::optional<ForecastWrites> tracking;
    std::vector<ForecastRecord> checks;
    std::string what;
    double totalScale = 1.0;
    std::string totalUnit = "sum of the values";
    if (a.has("--csv")) {
        auto csv = readCsv(a.value("--csv"));
        if (!csv)
            return report(env, csv.error());
        input = std::move(csv->input);
        opt.horizon = static_cast<int>(*horizonOpt ? *horizonOpt : csv->horizon);
        const long long period = *periodOpt ? *periodOpt : csv->period;
        if (period > 1)
            opt.periods = {static_cast<int>(period)};
        what = a.value("--csv");
    } else {
        if (a.positional.size() != 1)
            return usageError(env, "forecast needs --csv FILE or a database URI with --table, --partition and --metric");
        const std::string metric = a.value("--metric", "size");
        if (metric != "size" && metric != "writes" && metric != "reads")
            return usageError(env, "--metric is one of size, writes, reads");
        if (!a.has("--table") || !a.has("--partition"))
            return usageError(env, "forecast URI needs --table T and --partition P");
        auto stepOpt = integerOption(a, "--step", 3600);
        if (!stepOpt)
            return report(env, stepOpt.error());
        if (*stepOpt < 1)
            return usageError(env, "--step takes seconds ≥ 1");
        auto s = storedSeries(env, a.positional[0], a.value("--table"), a.value("--partition"), metric,
                              static_cast<std::int64_t>(*stepOpt) * 1000);
        if (!s)
            return report(env, s.error());
        input = std::move(s->input);
        tracking = std::move(s->tracking);
        checks = std::move(s->checks);
        totalScale = metric == "size" ? 0.0 : static_cast<double>(*stepOpt);
        totalUnit = metric;
        opt.horizon = static_cast<int>(*horizonOpt);
        if (*periodOpt > 1)
            opt.periods = {static_cast<int>(*periodOpt)};
        what = fmt::format("{}.{} {}{}", a.value("--table"), a.value("--partition"), metric,
                           metric == "size" ? " (bytes)" : " (per second)");
    }
    if (opt.horizon < 1)
        return usageError(env, "--horizon N is required (steps ahead)");
    const auto f = forecast::forecastSeries(input, opt);
    if (!f)
        return report(env, f.error());
    if (env.json) {
        nlohmann::json j;
        j["series"] = what;
        j["model"] = f->model;
        j["confidence"] = f->confidence;
        j["holdoutMase"] = f->holdoutMase ? nlohmann::json(*f->holdoutMase) : nlohmann::json(nullptr);
        j["fallback"] = f->fallback;
        j["note"] = f->note;
        j["periods"] = f->periods;
        j["stepMs"] = f->stepMs;
        j["calibration"] = {{"factor80", f->calibration.factor80},
                            {"factor95", f->calibration.factor95},
                            {"points", f->calibration.points},
                            {"origins", f->calibration.origins}};
        nlohmann::json steps = nlohmann::json::array();
        for (std::size_t i = 0; i < f->mean.size(); ++i) {
            nlohmann::json s{{"step", i + 1}, {"mean", f->mean[i]}, {"lower80", f->lower80[i]}, {"upper80", f->upper80[i]},
                             {"lower95", f->lower95[i]}, {"upper95", f->upper95[i]}};
            if (i < f->timestampsMs.size())
                s["timestampMs"] = f->timestampsMs[i];
            steps.push_back(std::move(s));
        }
        j["forecast"] = std::move(steps);
        // Over the horizon: the sum of the values, or for rates per second the
        // count (rate × step); a sum of sizes means nothing and is left out.
        if (const auto w = forecast::totalOverWindow(*f, 0, static_cast<int>(f->mean.size())); w && totalScale > 0.0)
            j["total"] = {{"mean", w->mean * totalScale},
                          {"lower95", w->lower95 * totalScale},
                          {"upper95", w->upper95 * totalScale},
                          {"unit", totalUnit}};
        if (tracking) {
            j["planner"] = trackingJson(*tracking);
            j["planner"]["tracked"] = trackedJson(*tracking, checks);
        }
        std::printf("%s\n", j.dump(2).c_str());
        return kExitOk;
    }
    std::printf("%s\n", fmt::format("forecast of {} — {}", what, f->model).c_str());
    std::printf("%s\n",
                fmt::format("  confidence {:.2f}, hold-out MASE {}{}", f->confidence,
                            f->holdoutMase ? fmt::format("{:.3f}", *f->holdoutMase) : std::string("n/a"),
                            f->note.empty() ? std::string() : " (" + f->note + ")")
                    .c_str());
    if (f->calibration.points > 0)
        std::printf("%s\n", fmt::format("  bands widened by backtests: 80 % ×{:.2f}, 95 % ×{:.2f} ({} errors from {} "
                                        "origins)",
                                        f->calibration.factor80, f->calibration.factor95, f->calibration.points,
                                        f->calibration.origins)
                                .c_str());
    if (tracking)
        std::printf("%s\n", fmt::format("  planner: {}{}", PreBackupPlanner::writesBasis(&*tracking),
                                        tracking->keepsMissing ? " — keeps missing, reactive rules apply" : "").c_str());
    if (tracking)
        std::printf("%s\n", fmt::format("  tracked forecasts: {}", trackedText(*tracking, checks)).c_str());
    std::printf(
        "%s\n",
        fmt::format("  {:>5} {:>14} {:>14} {:>14} {:>14} {:>14}", "step", "mean", "lo95", "lo80", "hi80", "hi95")
            .c_str());
    for (std::size_t i = 0; i < f->mean.size(); ++i)
        std::printf("%s\n", fmt::format("  {:>5} {:>14.6g} {:>14.6g} {:>14.6g} {:>14.6g} {:>14.6g}", i + 1, f->mean[i],
                                        f->lower95[i], f->lower80[i], f->upper80[i], f->upper95[i]).c_str());
    return kExitOk;
}

} // namespace tidemark::cli
