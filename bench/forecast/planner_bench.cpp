// Forecast speed on the pre-backup planner's own path.
//
//   bench_forecast_planner [--series N] [--r-series K]
//       per-series timing of forecastWritesUntilBackup (fit + forecast +
//       calibration + backtests) on N partitions with six weeks of hourly
//       history (default 60): with a search, and with the models the previous
//       day's forecast chose (what the next plan does with the stored choice)
//   bench_forecast_planner --plan N --cli PATH [--dir DIR] [--r-series K]
//       builds a SQLite database of N partitions and a metadata store with six
//       weeks of hourly history for each, then times `tidemark-cli plan` end
//       to end (default N = 1000): first plan (searches), the next plan
//       (stored choices refitted), and the next plan again without the stored
//       choices, whose decisions are compared with the reusing one
//
// Per-series times are CPU time of the one thread that forecasts (medians).
// When Rscript with the forecast package is installed, R's auto.arima() and
// ets() are timed on the same series (frequency 24, the planner's horizon) in
// the same run, on K of them (default: all with --series, 40 with --plan),
// and the ratios Tidemark / R printed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "forecast/write_forecast.h"
#include "model/score.h"
#include "partition_history.h"
#include "store/metadata_store.h"

namespace fs = std::filesystem;
using namespace tidemark;

namespace {

constexpr int kHours = 42 * 24;
constexpr std::int64_t kHourMs = 3'600'000;
constexpr double kTargetSeriesMs = 50.0;
constexpr double kTargetPlanSeconds = 60.0;
constexpr int kRPeriod = 24;
/// CPU seconds R may spend on one fit: some seasonal auto.arima searches of
/// period 24 run for many minutes.
constexpr int kRSeriesLimitSeconds = 120;

double median(std::vector<double> v)
{
    if (v.empty())
        return 0.0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

double mean(const std::vector<double> &v)
{
    return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

/// CPU time of this thread: steadier than wall time on a shared machine.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return 1e3 * static_cast<double>(ts.tv_sec) + 1e-6 * static_cast<double>(ts.tv_nsec);
}

double wallMs()
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// The machine's load average (1, 5, 15 min), as uptime prints it.
std::string machineLoad()
{
    std::ifstream in("/proc/loadavg");
    double a = 0, b = 0, c = 0;
    in >> a >> b >> c;
    return fmt::format("load average {:.2f}, {:.2f}, {:.2f}", a, b, c);
}

bool haveR()
{
    return std::system("Rscript -e 'quit(status = !requireNamespace(\"forecast\", quietly = TRUE))' >/dev/null 2>&1") ==
        0;
}

/// Seconds per series of R's auto.arima() and ets() (each followed by its
/// forecast of `h` steps), CPU (user + system) and wall, in input order.
struct RTimes {
    std::vector<double> arimaCpu, etsCpu, arimaWall, etsWall;
    std::vector<std::size_t> index; ///< which input series each entry is (constant ones are skipped)
    int stopped = 0; ///< fits stopped at kRSeriesLimitSeconds (or failed): their time is a lower bound
};

std::optional<RTimes> timeInR(const fs::path &dir, const std::vector<std::vector<double>> &series, int h)
{
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (std::size_t i = 0; i < series.size(); ++i) {
        std::ofstream out(dir / fmt::format("s{:05d}.csv", i));
        out.precision(17);
        for (double v : series[i])
            out << v << "\n";
    }
    const fs::path script = dir / "time.R", result = dir / "r_times.txt";
    std::ofstream(script) << "suppressMessages(library(forecast))\n"
                             "files <- sort(list.files('"
                          << dir.string()
                          << "', pattern = '^s[0-9]+\\\\.csv$', full.names = TRUE))\n"
                             "cpu <- function(p) p[[1]] + p[[2]]\n"
                             "out <- file('"
                          << result.string()
                          << "', 'w')\n"
                             "for (k in seq_along(files)) {\n"
                             "  y <- ts(scan(files[k], quiet = TRUE), frequency = "
                          << kRPeriod
                          << ")\n"
                             "  if (var(y) == 0) next\n"
                             "  timed <- function(f) {\n"
                             "    p0 <- proc.time()\n"
                             "    setTimeLimit(cpu = "
                          << kRSeriesLimitSeconds
                          << ", transient = TRUE)\n"
                             "    ok <- tryCatch({ f(); TRUE }, error = function(e) FALSE)\n"
                             "    setTimeLimit(cpu = Inf)\n"
                             "    p1 <- proc.time()\n"
                             "    c(cpu(p1) - cpu(p0), p1[[3]] - p0[[3]], ok)\n"
                             "  }\n"
                             "  a <- timed(function() forecast(auto.arima(y), h = "
                          << h
                          << "))\n"
                             "  e <- timed(function() forecast(ets(y), h = "
                          << h
                          << "))\n"
                             "  cat(k - 1, a[1], e[1], a[2], e[2], a[3], e[3], '\\n', file = out)\n"
                             "  flush(out)\n"
                             "}\n"
                             "close(out)\n";
    if (std::system(fmt::format("Rscript '{}' >'{}' 2>&1", script.string(), (dir / "r_log.txt").string()).c_str()) != 0)
        return std::nullopt;
    std::ifstream in(result);
    RTimes r;
    std::size_t k = 0;
    double a = 0, e = 0, aw = 0, ew = 0;
    while (in >> k >> a >> e >> aw >> ew) {
        r.index.push_back(k);
        r.arimaCpu.push_back(a);
        r.etsCpu.push_back(e);
        r.arimaWall.push_back(aw);
        r.etsWall.push_back(ew);
    }
    if (r.index.empty())
        return std::nullopt;
    return r;
}

/// The hourly write series the planner forecasts from these readings.
std::vector<double> plannersSeries(const std::vector<ActivitySample> &samples, const ConnectionSettings &settings)
{
    const ActivityGrid g = activityGrid(samples, ActivityMetric::Writes, writeGridStepMs(settings));
    std::vector<double> y = g.values;
    for (double &v : y)
        if (!std::isfinite(v))
            v = 0.0;
    return y;
}

std::vector<ActivitySample> readingsUpTo(const std::vector<ActivitySample> &samples, std::int64_t fromMs,
                                         std::int64_t toMs)
{
    std::vector<ActivitySample> out;
    for (const auto &s : samples)
        if (s.timestampMs >= fromMs && s.timestampMs <= toMs)
            out.push_back(s);
    return out;
}

struct Accuracy {
    std::vector<double> error; ///< |forecast total - actual| / actual, for actual > 0
    int inside = 0, checked = 0, used = 0;
    void add(const ForecastWrites &fw, double actual)
    {
        if (fw.model.empty())
            return;
        ++checked;
        inside += actual >= fw.lower95 - 0.5 && actual <= fw.upper95 + 0.5;
        used += fw.used;
        if (actual > 0)
            error.push_back(std::fabs(fw.total - actual) / actual);
    }
    void add(const Accuracy &o)
    {
        error.insert(error.end(), o.error.begin(), o.error.end());
        inside += o.inside;
        checked += o.checked;
        used += o.used;
    }
    std::string text() const
    {
        return fmt::format("{:5.1f}% {:4d}/{:<4d} {:4d}", error.empty() ? 0.0 : 100 * median(error), inside, checked,
                           used);
    }
};

void printRRatios(const RTimes &r, const std::vector<double> &searchMs, const std::vector<double> &reuseMs,
                  const std::vector<double> &searchWallMs)
{
    std::vector<double> s, u, w;
    for (std::size_t k : r.index) {
        s.push_back(searchMs[k]);
        u.push_back(reuseMs[k]);
        w.push_back(searchWallMs[k]);
    }
    const double ra = 1000 * median(r.arimaCpu), re = 1000 * median(r.etsCpu);
    std::printf("R anchor on %zu of the series (constant ones skipped), frequency %d, same horizon, medians; %d "
                "fit(s) stopped at %d s CPU (counted at the limit):\n",
                r.index.size(), kRPeriod, r.stopped, kRSeriesLimitSeconds);
    std::printf("  R auto.arima + forecast: %.1f ms CPU (%.1f ms wall)   R ets + forecast: %.1f ms CPU (%.1f ms "
                "wall)\n",
                ra, 1000 * median(r.arimaWall), re, 1000 * median(r.etsWall));
    std::printf("  Tidemark on the same series: %.1f ms CPU searched (%.1f ms wall), %.1f ms CPU with the kept "
                "choice\n",
                median(s), median(w), median(u));
    std::printf("  ratio Tidemark / R auto.arima: %.3f searched, %.3f kept choice   ratio Tidemark / R ets: %.3f "
                "searched, %.3f kept choice  (< 1: Tidemark faster)\n",
                median(s) / ra, median(u) / ra, median(s) / re, median(u) / re);
}

int perSeries(int count, int rSeries)
{
    std::printf("%s\n", machineLoad().c_str());
    ConnectionSettings settings; // one-day backups, hourly write grid
    // Each partition's history is six weeks plus one day; the forecast is
    // made a day before its end from the six weeks before (that is the
    // series timed) and checked against the day that followed. The previous
    // day's forecast (a day less of history) chose the models that the
    // second variant refits, as the next plan does with the stored choice.
    const std::int64_t end = (1'704'067'200'000 + 50LL * 24 * kHourMs) / kHourMs * kHourMs;
    const std::int64_t madeAt = end - 24 * kHourMs + 10 * 60'000;
    const std::int64_t dayBefore = madeAt - 24 * kHourMs;
    std::map<std::string, std::vector<double>> byShape, byShapeReuse;
    std::map<std::string, Accuracy> accuracy, accuracyReuse;
    std::map<std::string, int> paths, sources;
    std::vector<double> all, allReuse, allWall;
    std::vector<std::vector<double>> rInput;
    for (int i = 0; i < count; ++i) {
        auto samples = bench::partitionHistory("events", fmt::format("p{}", i), i, kHours + 24, end, 1 << 30);
        double actual = 0.0;
        for (std::size_t k = samples.size() - 24; k < samples.size(); ++k)
            actual += static_cast<double>(samples[k].writes() - samples[k - 1].writes());
        samples.resize(samples.size() - 24); // readings up to a day before the end
        const std::vector<ActivitySample> previous =
            readingsUpTo(samples, 0, samples.back().timestampMs - 24 * kHourMs);
        WriteForecastModels before;
        (void)forecastWritesUntilBackup(previous, settings, dayBefore, {}, nullptr, nullptr, &before);

        const double w0 = wallMs(), t0 = threadCpuMs();
        const ForecastWrites fw = forecastWritesUntilBackup(samples, settings, madeAt);
        const double ms = threadCpuMs() - t0, wall = wallMs() - w0;
        WriteForecastModels again;
        const double t1 = threadCpuMs();
        const ForecastWrites fr = forecastWritesUntilBackup(samples, settings, madeAt, {}, nullptr,
                                                            before.next.choice ? &before.next : nullptr, &again);
        const double msReuse = threadCpuMs() - t1;
        all.push_back(ms);
        allWall.push_back(wall);
        allReuse.push_back(msReuse);
        const std::string shape = bench::toString(bench::shapeOf(i));
        byShape[shape].push_back(ms);
        byShapeReuse[shape].push_back(msReuse);
        ++paths[fw.model.empty() ? "(no forecast) " + fw.note : fw.model];
        ++sources[toString(again.source)];
        accuracy[shape].add(fw, actual);
        accuracyReuse[shape].add(fr, actual);
        rInput.push_back(plannersSeries(samples, settings));
    }
    std::printf("forecastWritesUntilBackup, %d partitions × %d hourly values, CPU time of one thread\n", count, kHours);
    std::printf("%-8s %4s %10s %10s %10s | %-21s | %-21s\n", "shape", "n", "search ms", "max ms", "kept ms",
                "searched: err in95 used", "kept choice: same");
    Accuracy total, totalReuse;
    for (const auto &[shape, v] : byShape) {
        total.add(accuracy[shape]);
        totalReuse.add(accuracyReuse[shape]);
        std::printf("%-8s %4zu %10.2f %10.2f %10.2f | %s | %s\n", shape.c_str(), v.size(), median(v),
                    *std::max_element(v.begin(), v.end()), median(byShapeReuse[shape]), accuracy[shape].text().c_str(),
                    accuracyReuse[shape].text().c_str());
    }
    const double med = median(all);
    std::printf("%-8s %4zu %10.2f %10.2f %10.2f | %s | %s\n", "all", all.size(), med,
                *std::max_element(all.begin(), all.end()), median(allReuse), total.text().c_str(),
                totalReuse.text().c_str());
    std::printf("(err: median |forecast - actual| / actual of the next day's writes; in95: actual inside the 95 %% "
                "band; used: the planner trusts the forecast. kept: the models the previous day's forecast chose, "
                "refitted)\n");
    std::printf("search: median %.2f ms CPU, %.2f ms wall per series; kept choice: median %.2f ms CPU\n", med,
                median(allWall), median(allReuse));
    std::printf("models:\n");
    for (const auto &[model, n] : paths)
        std::printf("  %4d  %s\n", n, model.c_str());
    std::printf("with the kept choice:");
    for (const auto &[source, n] : sources)
        std::printf("  %s %d", source.c_str(), n);
    std::printf("\n");
    std::printf("target median <= %.0f ms per series: searched %s, kept choice %s\n", kTargetSeriesMs,
                med <= kTargetSeriesMs ? "met" : "MISSED", median(allReuse) <= kTargetSeriesMs ? "met" : "MISSED");
    if (haveR()) {
        rInput.resize(std::min<std::size_t>(rInput.size(), static_cast<std::size_t>(rSeries > 0 ? rSeries : count)));
        if (const auto r = timeInR(fs::temp_directory_path() / "tidemark_bench_r_series", rInput, 24))
            printRRatios(*r, all, allReuse, allWall);
        else
            std::printf("R anchor: Rscript failed (see %s/r_log.txt)\n",
                        (fs::temp_directory_path() / "tidemark_bench_r_series").string().c_str());
    } else {
        std::printf("R anchor not run: Rscript with the forecast package is not installed (scripts/setup installs "
                    "r-base-core r-cran-forecast)\n");
    }
    std::printf("%s\n", machineLoad().c_str());
    return med <= kTargetSeriesMs ? 0 : 1;
}

/// CPU seconds (user + system) of the finished child processes so far.
double childCpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
        1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

/// Wall seconds of a command (-1 when it failed); `cpu` receives its CPU seconds.
double runSeconds(const std::string &command, double *cpu = nullptr)
{
    const double c0 = childCpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = std::system(command.c_str());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (cpu)
        *cpu = childCpuSeconds() - c0;
    return rc == 0 ? s : -1.0;
}

/// What a plan decided: its steps (kind, sources, new partitions with bounds)
/// and the partitions it left alone with the reason, one line each.
std::set<std::string> decisions(const fs::path &planJson)
{
    std::set<std::string> out;
    std::ifstream in(planJson);
    nlohmann::json j;
    try {
        in >> j;
    } catch (const nlohmann::json::exception &) {
        out.insert("(unreadable plan output)");
        return out;
    }
    for (const auto &s : j.value("steps", nlohmann::json::array())) {
        std::string line = s.value("kind", "") + " " + s.value("table", "") + " " + s.at("sources").dump() + " →";
        for (const auto &t : s.value("targets", nlohmann::json::array()))
            line += " " + t.value("name", "") + " " + t.at("bounds").dump();
        out.insert(line);
    }
    for (const auto &s : j.value("skipped", nlohmann::json::array()))
        out.insert("left alone " + s.dump());
    return out;
}

struct PlanRun {
    double wall = -1, cpu = 0;
    std::set<std::string> decided;
};

PlanRun runPlan(const std::string &cli, const fs::path &store, const std::string &uri, const fs::path &out)
{
    PlanRun r;
    r.wall = runSeconds(fmt::format("'{}' --store '{}' plan '{}' --json >'{}'", cli, store.string(), uri, out.string()),
                        &r.cpu);
    if (r.wall >= 0)
        r.decided = decisions(out);
    return r;
}

/// A demo database of `count` partitions; a store holding six weeks of hourly
/// history of real shape for each (ending an hour ago); `tidemark-cli plan`
/// timed end to end on it (scan, forecasts, plan, recording).
int planEndToEnd(int count, const std::string &cli, fs::path dir, int rSeries)
{
    if (cli.empty()) {
        std::fprintf(stderr, "--plan needs --cli PATH of tidemark-cli\n");
        return 2;
    }
    std::printf("%s\n", machineLoad().c_str());
    if (dir.empty())
        dir = fs::temp_directory_path() / fmt::format("tidemark_bench_plan_{}", count);
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path db = dir / "orders.db", scratch = dir / "scratch.sqlite", store = dir / "store.sqlite",
                   searchStore = dir / "store_without_choices.sqlite";
    const std::string uri = "sqlite://" + fs::absolute(db).string();
    // The demo's own store only serves to learn the partitions and settings.
    const double made = runSeconds(fmt::format("'{}' --store '{}' demo init '{}' --partitions {} --rows {} >/dev/null",
                                               cli, scratch.string(), db.string(), count, 200 * count));
    if (made < 0 || runSeconds(fmt::format("'{}' --store '{}' scan '{}' >/dev/null", cli, scratch.string(), uri)) < 0) {
        std::fprintf(stderr, "demo init / scan failed\n");
        return 2;
    }
    ConnectionSettings settings;
    std::vector<VolatilityScore> scores;
    {
        auto s0 = MetadataStore::open(scratch);
        if (!s0)
            return 2;
        auto conn = (*s0)->ensureConnection(uri);
        auto sc = conn ? (*s0)->latestScores(conn->id) : decltype((*s0)->latestScores(0)){};
        if (!conn || !sc)
            return 2;
        settings = conn->settings;
        scores = std::move(*sc);
    }
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const std::int64_t end = now / kHourMs * kHourMs - kHourMs;
    std::vector<std::vector<double>> series;
    {
        auto s = MetadataStore::open(store);
        if (!s)
            return 2;
        auto conn = (*s)->ensureConnection(uri);
        if (!conn || !(*s)->saveSettings(conn->id, settings))
            return 2;
        std::vector<ActivitySample> samples;
        int i = 0;
        for (const auto &v : scores) {
            auto h = bench::partitionHistory(v.table, v.partition, i++, kHours, end, v.bytes > 0 ? v.bytes : 1 << 20);
            series.push_back(plannersSeries(h, settings));
            samples.insert(samples.end(), h.begin(), h.end());
        }
        if (!(*s)->addSamples(conn->id, samples))
            return 2;
    }
    std::printf("tidemark-cli plan on %zu partitions × %d hourly samples of history (store %s)\n", scores.size(),
                kHours, store.string().c_str());
    const double perPartition = 1000.0 / static_cast<double>(std::max<std::size_t>(scores.size(), 1));
    auto show = [&](const char *what, const PlanRun &r) {
        if (r.wall < 0) {
            std::printf("  %-44s failed\n", what);
            return;
        }
        std::printf("  %-44s %7.1f s wall, %7.1f s CPU (%.1f ms CPU per partition)   target < %.0f s wall: %s   "
                    "(%s)\n",
                    what, r.wall, r.cpu, r.cpu * perPartition, kTargetPlanSeconds,
                    r.wall < kTargetPlanSeconds ? "met" : "MISSED", machineLoad().c_str());
    };
    // A first scan on this store: a partition's first reading from the
    // database starts a counter epoch and only gives a baseline score.
    if (runSeconds(fmt::format("'{}' --store '{}' scan '{}' >/dev/null", cli, store.string(), uri)) < 0) {
        std::fprintf(stderr, "scan failed\n");
        return 2;
    }
    // 1. No model stored yet: every partition's models are searched.
    const PlanRun first = runPlan(cli, store, uri, dir / "plan_first.json");
    show("first plan (models searched):", first);
    if (first.wall < 0) {
        std::printf("plan failed (output in %s)\n", (dir / "plan_first.json").string().c_str());
        return 1;
    }
    // 2. The same store without the chosen models, to plan the same state
    // with searches and compare the decisions.
    fs::copy_file(store, searchStore, fs::copy_options::overwrite_existing);
    for (const char *suffix : {"-wal", "-shm"}) {
        const fs::path side = store.string() + suffix;
        if (fs::exists(side))
            fs::copy_file(side, searchStore.string() + suffix, fs::copy_options::overwrite_existing);
    }
    if (std::system(fmt::format("sqlite3 '{}' 'DELETE FROM model_choices' >/dev/null", searchStore.string()).c_str()) !=
        0) {
        std::fprintf(stderr, "could not clear the copy's model choices (sqlite3 missing?)\n");
        return 2;
    }
    const PlanRun reused = runPlan(cli, store, uri, dir / "plan_reused.json");
    show("next plan (stored models refitted):", reused);
    const PlanRun searched = runPlan(cli, searchStore, uri, dir / "plan_searched.json");
    show("next plan without stored models (searched):", searched);
    int kept = 0, chosen = 0;
    if (auto s = MetadataStore::open(store)) {
        if (auto conn = (*s)->ensureConnection(uri)) {
            std::set<std::string> tables;
            for (const auto &v : scores)
                tables.insert(v.table);
            for (const auto &t : tables)
                if (auto c = (*s)->modelChoices(conn->id, t, "writes"))
                    for (const auto &[name, m] : *c) {
                        ++chosen;
                        kept += m.chosenMs < m.usedMs;
                    }
        }
    }
    std::printf("  stored model choices after the next plan: %d, of them refitted from the first plan's %d (the "
                "others searched again: worse hold-out error, or no longer fitting)\n",
                chosen, kept);
    std::vector<std::string> onlyReused, onlySearched;
    std::set_difference(reused.decided.begin(), reused.decided.end(), searched.decided.begin(), searched.decided.end(),
                        std::back_inserter(onlyReused));
    std::set_difference(searched.decided.begin(), searched.decided.end(), reused.decided.begin(), reused.decided.end(),
                        std::back_inserter(onlySearched));
    std::printf("  decisions (steps and partitions left alone): %zu with stored models, %zu searched; %zu only with "
                "stored models, %zu only searched%s\n",
                reused.decided.size(), searched.decided.size(), onlyReused.size(), onlySearched.size(),
                onlyReused.empty() && onlySearched.empty() ? " — the same plan" : "");
    for (const auto &d : onlyReused)
        std::printf("    only with stored models: %s\n", d.c_str());
    for (const auto &d : onlySearched)
        std::printf("    only searched: %s\n", d.c_str());

    if (haveR()) {
        // R on an even sample of the partitions' series; its total for all
        // of them extrapolated from the sample's mean.
        const std::size_t k =
            std::min<std::size_t>(series.size(), static_cast<std::size_t>(rSeries > 0 ? rSeries : 40));
        std::vector<std::vector<double>> sample;
        for (std::size_t i = 0; i < k; ++i)
            sample.push_back(series[i * series.size() / k]);
        std::size_t varying = 0;
        for (const auto &y : series)
            varying += std::any_of(y.begin(), y.end(), [&](double v) { return v != y.front(); });
        if (const auto r = timeInR(fs::temp_directory_path() / "tidemark_bench_r_plan", sample, 24)) {
            const double ra = mean(r->arimaCpu) * static_cast<double>(varying),
                         re = mean(r->etsCpu) * static_cast<double>(varying);
            std::printf("R anchor: auto.arima + forecast and ets + forecast timed on %zu of the %zu series (an even "
                        "sample; constant ones skipped), frequency %d, h = 24; total for the %zu that vary "
                        "extrapolated from the sample's mean CPU; %d fit(s) stopped at %d s CPU, counted at the "
                        "limit:\n",
                        r->index.size(), series.size(), kRPeriod, varying, r->stopped, kRSeriesLimitSeconds);
            std::printf("  R auto.arima %.1f s CPU (%.0f ms per series), R ets %.1f s CPU (%.0f ms per series), one "
                        "thread\n",
                        ra, 1000 * mean(r->arimaCpu), re, 1000 * mean(r->etsCpu));
            std::printf("  ratio Tidemark plan / R auto.arima: first plan %.3f CPU (%.3f wall), next plan %.3f CPU "
                        "(%.3f wall)\n",
                        first.cpu / ra, first.wall / ra, reused.cpu / ra, reused.wall / ra);
            std::printf("  ratio Tidemark plan / R ets:        first plan %.3f CPU (%.3f wall), next plan %.3f CPU "
                        "(%.3f wall)   (the plan includes scan, store and planning; R only fits and forecasts)\n",
                        first.cpu / re, first.wall / re, reused.cpu / re, reused.wall / re);
        } else {
            std::printf("R anchor: Rscript failed (see %s/r_log.txt)\n",
                        (fs::temp_directory_path() / "tidemark_bench_r_plan").string().c_str());
        }
    } else {
        std::printf("R anchor not run: Rscript with the forecast package is not installed (scripts/setup installs "
                    "r-base-core r-cran-forecast)\n");
    }
    std::printf("%s\n", machineLoad().c_str());
    return first.wall < kTargetPlanSeconds && reused.wall < kTargetPlanSeconds ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
    int series = 60, plan = 0, rSeries = 0;
    std::string cli, dir;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--series")
            series = std::stoi(v);
        else if (a == "--plan")
            plan = std::stoi(v);
        else if (a == "--cli")
            cli = v;
        else if (a == "--dir")
            dir = v;
        else if (a == "--r-series")
            rSeries = std::stoi(v);
    }
    if (plan > 0)
        return planEndToEnd(plan, cli, dir, rSeries);
    return perSeries(series, rSeries);
}
