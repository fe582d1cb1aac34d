// Forecast accuracy and speed on a folder of series, against R's forecast
// package (bench/forecast/run_r.sh writes R's results; pass them with --r).
//
//   bench_forecast [--series DIR] [--r R_RESULTS.csv] [--out RESULTS.csv]
//                  [--generate DIR] [--throughput N]
//
// Series files: docs/forecasting.md, "Benchmark". Each series' last h values
// are held out; per method we report mean MASE, mean sMAPE, 95 % coverage
// and fit+forecast time per series, measured in-process.
#include <algorithm>
#include <atomic>
#include <thread>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "forecast/baselines.h"
#include "forecast/forecaster.h"
#include "forecast/rolling_forecaster.h"

namespace fs = std::filesystem;
using namespace tidemark::forecast;

namespace {

struct SeriesFile {
    std::string name;
    int period = 1;
    int horizon = 1;
    std::vector<int> periods; // optional several cycles (Tidemark only)
    std::vector<double> values;
};

bool readSeries(const fs::path &file, SeriesFile &s)
{
    std::ifstream in(file);
    if (!in)
        return false;
    s.name = file.stem().string();
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        if (line[0] == '#') {
            std::istringstream words(line.substr(1));
            std::string w;
            while (words >> w) {
                const auto eq = w.find('=');
                if (eq == std::string::npos)
                    continue;
                const std::string k = w.substr(0, eq), v = w.substr(eq + 1);
                if (k == "period")
                    s.period = std::stoi(v);
                else if (k == "horizon")
                    s.horizon = std::stoi(v);
                else if (k == "periods") {
                    std::istringstream ps(v);
                    std::string p;
                    while (std::getline(ps, p, ','))
                        s.periods.push_back(std::stoi(p));
                }
            }
            continue;
        }
        const std::string field = line.substr(line.find_last_of(',') == std::string::npos ? 0 : line.find_last_of(',') + 1);
        try {
            s.values.push_back(field == "NA" ? NAN : std::stod(field));
        } catch (const std::exception &) {
            // header line such as "value" or "timestamp,value"
        }
    }
    return s.values.size() > static_cast<std::size_t>(s.horizon);
}

struct Score {
    double mase = 0, smape = 0, coverage = 0, seconds = 0;
    bool ok = false;
};

Score evaluate(const SeriesFile &s, Method method)
{
    Score sc;
    const int h = s.horizon;
    const std::vector<double> train(s.values.begin(), s.values.end() - h), test(s.values.end() - h, s.values.end());
    ForecastOptions o;
    o.horizon = h;
    o.method = method;
    o.holdout = false;
    o.detectSeasonality = false;
    o.periods = !s.periods.empty() ? s.periods : (s.period > 1 ? std::vector<int>{s.period} : std::vector<int>{});
    o.nonNegative = false;
    SeriesInput in;
    in.values = train;
    const auto t0 = std::chrono::steady_clock::now();
    auto f = forecastSeries(in, o);
    sc.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!f)
        return sc;
    const double scale = maseScale(train, s.period);
    double ae = 0, sm = 0;
    int inside = 0;
    for (int j = 0; j < h; ++j) {
        const double a = test[static_cast<std::size_t>(j)], p = f->mean[static_cast<std::size_t>(j)];
        ae += std::fabs(a - p);
        sm += (std::fabs(a) + std::fabs(p)) > 0 ? 200.0 * std::fabs(a - p) / (std::fabs(a) + std::fabs(p)) : 0.0;
        if (a >= f->lower95[static_cast<std::size_t>(j)] && a <= f->upper95[static_cast<std::size_t>(j)])
            ++inside;
    }
    sc.mase = scale > 0 ? ae / h / scale : 0.0;
    sc.smape = sm / h;
    sc.coverage = static_cast<double>(inside) / h;
    sc.ok = true;
    return sc;
}

// Database-activity series: hourly with daily and weekly cycles, trend
// changes, level shifts and bursts; daily with a weekly cycle.
void generate(const fs::path &dir)
{
    fs::create_directories(dir);
    std::mt19937_64 rng(20240501);
    std::normal_distribution<double> z(0, 1);
    std::uniform_real_distribution<double> u(0, 1);
    for (int k = 0; k < 8; ++k) {
        const bool hourly = k < 5;
        const int n = hourly ? 1008 + 48 : 180 + 14;
        const int h = hourly ? 48 : 14;
        std::vector<double> y(static_cast<std::size_t>(n));
        double level = 1000 * (1 + k), slope = (k % 3 == 0 ? 0.0 : 0.5 * (k + 1)) * (hourly ? 0.2 : 3);
        const int change = n / 2 + static_cast<int>(u(rng) * n / 4);
        for (int t = 0; t < n; ++t) {
            if (t == change) {
                slope *= (k % 2 ? 2.0 : -0.5);
                if (k % 4 == 1)
                    level *= 1.3; // a level shift (e.g. new tenant)
            }
            level += slope;
            double v = level;
            if (hourly) {
                const int hod = t % 24, dow = (t / 24) % 7;
                v *= 1.0 + 0.5 * std::sin(2 * M_PI * (hod - 8) / 24.0) * (k == 4 ? 0.2 : 1.0);
                v *= dow >= 5 ? 0.6 : 1.0;
            } else {
                v *= (t % 7 >= 5) ? 0.7 : 1.0;
            }
            v *= 1.0 + 0.05 * z(rng);
            if (u(rng) < 0.01 && t < n - h)
                v *= 1.5 + u(rng); // a burst (batch job)
            y[static_cast<std::size_t>(t)] = std::max(0.0, v);
        }
        std::ofstream out(dir / (std::string("db_") + (hourly ? "hourly_" : "daily_") + std::to_string(k) + ".csv"));
        if (hourly)
            out << "# period=24 horizon=" << h << " periods=24,168 source=generated\n";
        else
            out << "# period=7 horizon=" << h << " source=generated\n";
        out << "value\n";
        out.precision(10);
        for (double v : y)
            out << v << "\n";
    }
}

struct RRow {
    double mase = 0, smape = 0, coverage = 0, seconds = 0;
};

// R results: name,method,mase,smape,coverage95,seconds (method ets|arima).
std::map<std::string, std::map<std::string, RRow>> readR(const std::string &file)
{
    std::map<std::string, std::map<std::string, RRow>> r;
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string name, method, a, b, c, d;
        if (!std::getline(ls, name, ',') || !std::getline(ls, method, ',') || !std::getline(ls, a, ',') ||
            !std::getline(ls, b, ',') || !std::getline(ls, c, ',') || !std::getline(ls, d, ','))
            continue;
        try {
            r[name][method] = RRow{std::stod(a), std::stod(b), std::stod(c), std::stod(d)};
        } catch (const std::exception &) {
        }
    }
    return r;
}

/// A six-week hourly database series: day and week cycles, trend, noise.
std::vector<double> hourlySeries(int index, int n)
{
    std::mt19937_64 rng(static_cast<std::uint64_t>(index) * 7919 + 7);
    std::normal_distribution<double> z(0, 1);
    std::uniform_real_distribution<double> u(0.5, 2.0);
    const double level = 100 * u(rng), day = 0.3 * u(rng), week = 0.2 * u(rng), trend = 0.0005 * z(rng);
    std::vector<double> y(static_cast<std::size_t>(n));
    for (int t = 0; t < n; ++t)
        y[static_cast<std::size_t>(t)] = level * (1 + trend * t + day * std::sin(2 * M_PI * t / 24.0) +
                                                  week * ((t / 24) % 7 >= 5 ? -1.0 : 0.4)) +
                                         0.05 * level * z(rng);
    return y;
}

int throughput(int count)
{
    // count series × six weeks hourly (1008 values) on two threads, each with
    // its own RollingForecaster holding half the series: a full refit (MSTL +
    // ETS model selection) of all, then one new sample for all (one recursion
    // step + the error check each), then the warm refits that every 24th
    // sample triggers (measured on all series once).
    constexpr int kThreads = 2, kN = 1008;
    RollingOptions opt;
    opt.periods = {24, 168};
    opt.horizon = 24;
    opt.refitEvery = 0;
    std::vector<RollingForecaster> shards(kThreads);
    auto timed = [&](auto &&work) {
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] { work(t); });
        for (auto &th : threads)
            th.join();
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    std::atomic<int> failures{0};
    const double refit = timed([&](int t) {
        for (int i = t; i < count; i += kThreads)
            if (!shards[static_cast<std::size_t>(t)].refit(std::to_string(i), hourlySeries(i, kN), opt))
                ++failures;
    });
    const double update = timed([&](int t) {
        for (int i = t; i < count; i += kThreads) {
            const double next = hourlySeries(i, kN + 1).back();
            if (!shards[static_cast<std::size_t>(t)].update(std::to_string(i), next))
                ++failures;
        }
    });
    // Warm refits: same model, parameters from the last fit.
    RollingOptions warmOpt = opt;
    warmOpt.refitEvery = 1;
    std::vector<RollingForecaster> warmShards(kThreads);
    const int warmCount = std::min(count, 1000);
    (void)timed([&](int t) {
        for (int i = t; i < warmCount; i += kThreads)
            (void)warmShards[static_cast<std::size_t>(t)].refit(std::to_string(i), hourlySeries(i, kN), warmOpt);
    });
    const double warm = timed([&](int t) {
        for (int i = t; i < warmCount; i += kThreads)
            (void)warmShards[static_cast<std::size_t>(t)].update(std::to_string(i), hourlySeries(i, kN + 1).back());
    });
    const double warmAll = warm * count / warmCount;
    std::printf("throughput on %d threads, %d series × %d hourly values (periods 24, 168):\n", kThreads, count, kN);
    std::printf("  full refit (MSTL + ETS selection): %8.1f s  (%.1f ms/series)   target < 300 s: %s\n", refit,
                1000 * refit / count, refit < 300 ? "met" : "MISSED");
    std::printf("  one-sample update of all:          %8.2f s  (%.3f ms/series)  target < 10 s:  %s\n", update,
                1000 * update / count, update < 10 ? "met" : "MISSED");
    std::printf("  warm refit (every %d samples):     %8.1f s for all (measured on %d)\n", 24, warmAll, warmCount);
    std::printf("  failures: %d\n", failures.load());
    return failures.load() == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
    std::string seriesDir = std::string(TIDEMARK_SOURCE_DIR) + "/bench/forecast/series";
    std::string rFile, outFile;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--series")
            seriesDir = v;
        else if (a == "--r")
            rFile = v;
        else if (a == "--out")
            outFile = v;
        else if (a == "--generate") {
            generate(v);
            return 0;
        } else if (a == "--throughput")
            return throughput(std::stoi(v));
    }
    std::vector<fs::path> files;
    for (const auto &e : fs::directory_iterator(seriesDir))
        if (e.path().extension() == ".csv")
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    const std::vector<std::pair<std::string, Method>> methods = {
        {"ets", Method::Ets}, {"arima", Method::Arima}, {"theta", Method::Theta}, {"comb", Method::Auto},
        {"snaive", Method::SeasonalNaive}};
    const auto rres = rFile.empty() ? std::map<std::string, std::map<std::string, RRow>>{} : readR(rFile);
    std::ofstream out;
    if (!outFile.empty()) {
        out.open(outFile);
        out << "name,method,mase,smape,coverage95,seconds\n";
    }
    struct Acc {
        double mase = 0, smape = 0, cov = 0, secs = 0;
        int n = 0;
    };
    // Groups: all, real (R's series), generated.
    std::map<std::string, std::map<std::string, Acc>> acc;
    std::set<std::string> groups;
    for (const auto &file : files) {
        SeriesFile s;
        if (!readSeries(file, s))
            continue;
        // Groups by file-name prefix: r_ = R's real series, db_ = generated
        // database activity, any other prefix (e.g. aer_) a group of its own.
        const std::string prefix = s.name.substr(0, s.name.find('_'));
        const std::string group = prefix == "r" ? "real" : prefix == "db" ? "generated" : prefix;
        groups.insert(group);
        const bool inR = rres.count(s.name) && rres.at(s.name).count("ets") && rres.at(s.name).count("arima");
        std::printf("%-28s n=%-5zu m=%-3d h=%-3d", s.name.c_str(), s.values.size() - static_cast<std::size_t>(s.horizon),
                    s.period, s.horizon);
        for (const auto &[label, method] : methods) {
            const Score sc = evaluate(s, method);
            if (!sc.ok)
                continue;
            std::printf(" %s=%.3f", label.c_str(), sc.mase);
            if (out)
                out << s.name << ',' << label << ',' << sc.mase << ',' << sc.smape << ',' << sc.coverage << ','
                    << sc.seconds << '\n';
            for (const std::string &g : {std::string("all"), group}) {
                // Only series R also finished enter the comparison.
                if (!rres.empty() && !inR)
                    continue;
                auto &a = acc[g][label];
                a.mase += sc.mase;
                a.smape += sc.smape;
                a.cov += sc.coverage;
                a.secs += sc.seconds;
                ++a.n;
            }
        }
        if (inR)
            for (const std::string label : {"ets", "arima"})
                for (const std::string &g : {std::string("all"), group}) {
                    const RRow &r = rres.at(s.name).at(label);
                    auto &a = acc[g]["R_" + label];
                    a.mase += r.mase;
                    a.smape += r.smape;
                    a.cov += r.coverage;
                    a.secs += r.seconds;
                    ++a.n;
                }
        std::printf("\n");
    }
    std::vector<std::string> order{"all", "real", "generated"};
    for (const auto &g : groups)
        if (std::find(order.begin(), order.end(), g) == order.end())
            order.push_back(g);
    for (const std::string &g : order) {
        if (!acc.count(g))
            continue;
        std::printf("\n== %s series ==\n%-10s %5s %9s %9s %10s %12s\n", g.c_str(), "method", "n", "MASE", "sMAPE",
                    "cover95%", "ms/series");
        for (auto &[label, a] : acc[g])
            std::printf("%-10s %5d %9.4f %9.3f %10.1f %12.2f\n", label.c_str(), a.n, a.mase / a.n, a.smape / a.n,
                        100 * a.cov / a.n, 1000 * a.secs / a.n);
        if (acc[g].count("R_ets")) {
            auto mean = [&](const std::string &l) { return acc[g][l].mase / acc[g][l].n; };
            auto ms = [&](const std::string &l) { return acc[g][l].secs / acc[g][l].n; };
            auto verdict = [](bool ok) { return ok ? "met" : "MISSED"; };
            const double etsRatio = mean("ets") / mean("R_ets"), combEts = mean("comb") / mean("R_ets"),
                         combArima = mean("comb") / mean("R_arima"), speed = ms("R_ets") / ms("ets");
            std::printf("ratios: ETS MASE / R ets = %.3f (target <= 1.00: %s)\n", etsRatio, verdict(etsRatio <= 1.0));
            std::printf("        comb MASE / R ets = %.3f (target <= 0.97: %s)\n", combEts, verdict(combEts <= 0.97));
            std::printf("        comb MASE / R auto.arima = %.3f (target <= 1.00: %s)\n", combArima,
                        verdict(combArima <= 1.0));
            std::printf("        ARIMA MASE / R auto.arima = %.3f\n", mean("arima") / mean("R_arima"));
            std::printf("        speed: R ets time / Tidemark ETS time = %.1fx (target >= 20: %s)\n", speed,
                        verdict(speed >= 20));
            for (const char *l : {"ets", "arima", "comb"}) {
                const double c = 100 * acc[g][l].cov / acc[g][l].n;
                std::printf("        95%% coverage %-5s = %.1f %% (target 91-99: %s)\n", l, c,
                            verdict(c >= 91 && c <= 99));
            }
            std::printf("        speed: R auto.arima time / Tidemark ARIMA time = %.1fx\n", ms("R_arima") / ms("arima"));
        }
    }
    return 0;
}
