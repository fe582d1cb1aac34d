// Forecast speed on the pre-backup planner's own path.
//
//   bench_forecast_planner [--series N]            per-series timing of
//       forecastWritesUntilBackup (fit + forecast + calibration + backtests)
//       on N partitions with six weeks of hourly history (default 60)
//   bench_forecast_planner --plan N --cli PATH [--dir DIR]
//       builds a SQLite database of N partitions and a metadata store with six
//       weeks of hourly history for each, then times `tidemark-cli plan` end
//       to end (default N = 1000)
//
// Per-series times are CPU time of the one thread that forecasts (medians). When Rscript
// with the forecast package is installed, the same series are timed in R
// (auto.arima() and ets() with frequency 24) and the ratios printed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <sys/resource.h>
#include <vector>

#include <fmt/format.h>

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

double median(std::vector<double> v)
{
    if (v.empty())
        return 0.0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

/// CPU time of this thread: steadier than wall time on a shared machine.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return 1e3 * static_cast<double>(ts.tv_sec) + 1e-6 * static_cast<double>(ts.tv_nsec);
}

bool haveR()
{
    return std::system("Rscript -e 'quit(status = !requireNamespace(\"forecast\", quietly = TRUE))' >/dev/null 2>&1") ==
        0;
}

/// Median seconds per series of R's auto.arima() and ets() (frequency 24,
/// horizon 24) on the series written to `dir`, or empty when R fails.
std::map<std::string, double> timeInR(const fs::path &dir, int count)
{
    for (int i = 0; i < count; ++i) {
        std::ofstream out(dir / fmt::format("s{:04d}.csv", i));
        for (double v : bench::hourlyWrites(i, kHours))
            out << v << "\n";
    }
    const fs::path script = dir / "time.R", result = dir / "r_times.txt";
    std::ofstream(script) << "suppressMessages(library(forecast))\n"
                             "files <- list.files('"
                          << dir.string()
                          << "', pattern = '^s[0-9]+\\\\.csv$', full.names = TRUE)\n"
                             "ta <- c(); te <- c()\n"
                             "for (f in files) {\n"
                             "  y <- ts(scan(f, quiet = TRUE), frequency = 24)\n"
                             "  if (var(y) == 0) next\n"
                             "  t0 <- proc.time()[[3]]; a <- forecast(auto.arima(y), h = 24); t1 <- proc.time()[[3]]\n"
                             "  e <- forecast(ets(y), h = 24); t2 <- proc.time()[[3]]\n"
                             "  ta <- c(ta, t1 - t0); te <- c(te, t2 - t1)\n"
                             "}\n"
                             "cat(median(ta), median(te), length(ta), '\\n', file = '"
                          << result.string() << "')\n";
    if (std::system(fmt::format("Rscript '{}' >/dev/null 2>&1", script.string()).c_str()) != 0)
        return {};
    std::ifstream in(result);
    double a = 0, e = 0;
    int n = 0;
    if (!(in >> a >> e >> n) || n == 0)
        return {};
    return {{"auto.arima", a}, {"ets", e}};
}

int perSeries(int count)
{
    ConnectionSettings settings; // one-day backups, hourly write grid
    // Each partition's history is six weeks plus one day; the forecast is
    // made a day before its end from the six weeks before (that is the
    // series timed) and checked against the day that followed.
    const std::int64_t end = (1'704'067'200'000 + 50LL * 24 * kHourMs) / kHourMs * kHourMs;
    const std::int64_t madeAt = end - 24 * kHourMs + 10 * 60'000;
    struct Accuracy {
        std::vector<double> error; ///< |forecast total - actual| / actual, for actual > 0
        int inside = 0, checked = 0, used = 0;
    };
    std::map<std::string, std::vector<double>> byShape;
    std::map<std::string, Accuracy> accuracy;
    std::map<std::string, int> paths;
    std::vector<double> all;
    for (int i = 0; i < count; ++i) {
        auto samples = bench::partitionHistory("events", fmt::format("p{}", i), i, kHours + 24, end, 1 << 30);
        double actual = 0.0;
        for (std::size_t k = samples.size() - 24; k < samples.size(); ++k)
            actual += static_cast<double>(samples[k].writes() - samples[k - 1].writes());
        samples.resize(samples.size() - 24); // readings up to a day before the end
        const double t0 = threadCpuMs();
        const ForecastWrites fw = forecastWritesUntilBackup(samples, settings, madeAt);
        const double ms = threadCpuMs() - t0;
        all.push_back(ms);
        const std::string shape = bench::toString(bench::shapeOf(i));
        byShape[shape].push_back(ms);
        ++paths[fw.model.empty() ? "(no forecast) " + fw.note : fw.model];
        Accuracy &a = accuracy[shape];
        if (!fw.model.empty()) {
            ++a.checked;
            a.inside += actual >= fw.lower95 - 0.5 && actual <= fw.upper95 + 0.5;
            a.used += fw.used;
            if (actual > 0)
                a.error.push_back(std::fabs(fw.total - actual) / actual);
        }
    }
    std::printf("forecastWritesUntilBackup, %d partitions × %d hourly values, CPU time of one thread\n", count, kHours);
    std::printf("%-10s %6s %12s %12s   %14s %10s %8s\n", "shape", "n", "median ms", "max ms", "day total err",
                "in 95 %", "used");
    Accuracy total;
    for (const auto &[shape, v] : byShape) {
        const Accuracy &a = accuracy[shape];
        total.error.insert(total.error.end(), a.error.begin(), a.error.end());
        total.inside += a.inside;
        total.checked += a.checked;
        total.used += a.used;
        std::printf("%-10s %6zu %12.2f %12.2f   %13.1f%% %6d/%-3d %5d\n", shape.c_str(), v.size(), median(v),
                    *std::max_element(v.begin(), v.end()), a.error.empty() ? 0.0 : 100 * median(a.error), a.inside,
                    a.checked, a.used);
    }
    const double med = median(all);
    std::printf("%-10s %6zu %12.2f %12.2f   %13.1f%% %6d/%-3d %5d\n", "all", all.size(), med,
                *std::max_element(all.begin(), all.end()), total.error.empty() ? 0.0 : 100 * median(total.error),
                total.inside, total.checked, total.used);
    std::printf("(day total err: median |forecast - actual| / actual of the next day's writes; in 95 %%: actual "
                "inside the 95 %% band; used: the planner trusts the forecast)\n");
    std::printf("models:\n");
    for (const auto &[model, n] : paths)
        std::printf("  %4d  %s\n", n, model.c_str());
    std::printf("target median <= %.0f ms per series: %s\n", kTargetSeriesMs,
                med <= kTargetSeriesMs ? "met" : "MISSED");
    if (haveR()) {
        const fs::path dir = fs::temp_directory_path() / "tidemark_bench_r_series";
        fs::create_directories(dir);
        const auto r = timeInR(dir, std::min(count, 20));
        if (!r.empty())
            std::printf("R (same series, frequency 24): auto.arima %.1f ms, ets %.1f ms per series; Tidemark is "
                        "%.0fx / %.0fx faster\n",
                        1000 * r.at("auto.arima"), 1000 * r.at("ets"), 1000 * r.at("auto.arima") / med,
                        1000 * r.at("ets") / med);
    } else {
        std::printf("R with the forecast package not installed: no ratios against auto.arima()/ets()\n");
    }
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

/// A demo database of `count` partitions; a store holding six weeks of hourly
/// history of real shape for each (ending an hour ago); `tidemark-cli plan`
/// timed end to end on it (scan, forecasts, plan, recording).
int planEndToEnd(int count, const std::string &cli, fs::path dir)
{
    if (cli.empty()) {
        std::fprintf(stderr, "--plan needs --cli PATH of tidemark-cli\n");
        return 2;
    }
    if (dir.empty())
        dir = fs::temp_directory_path() / fmt::format("tidemark_bench_plan_{}", count);
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path db = dir / "orders.db", scratch = dir / "scratch.sqlite", store = dir / "store.sqlite";
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
            samples.insert(samples.end(), h.begin(), h.end());
        }
        if (!(*s)->addSamples(conn->id, samples))
            return 2;
    }
    double cpu = 0.0;
    const double seconds = runSeconds(
        fmt::format("'{}' --store '{}' plan '{}' >'{}'", cli, store.string(), uri, (dir / "plan.txt").string()), &cpu);
    std::printf("tidemark-cli plan on %zu partitions × %d hourly samples of history (store %s)\n", scores.size(),
                kHours, store.string().c_str());
    if (seconds < 0) {
        std::printf("plan failed (output in %s)\n", (dir / "plan.txt").string().c_str());
        return 1;
    }
    std::printf("  end to end: %.1f s wall, %.1f s CPU (%.1f ms CPU per partition)   target < %.0f s: %s\n", seconds,
                cpu, 1000 * cpu / static_cast<double>(std::max<std::size_t>(scores.size(), 1)), kTargetPlanSeconds,
                seconds < kTargetPlanSeconds ? "met" : "MISSED");
    return seconds < kTargetPlanSeconds ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
    int series = 60, plan = 0;
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
    }
    if (plan > 0)
        return planEndToEnd(plan, cli, dir);
    return perSeries(series);
}
