// monitor: sample a database at its sampling interval until stopped, so the
// volatility scores follow the workload without anyone running scan by hand.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "cli.h"
#include "json_output.h"
#include "monitor/activity_scan.h"

namespace tidemark::cli {

namespace {
volatile std::sig_atomic_t g_stopMonitor = 0;
extern "C" void onMonitorSignal(int)
{
    g_stopMonitor = 1;
}
} // namespace

int cmdMonitor(Env &env)
{
    if (env.args.positional.size() != 1)
        return usageError(env, "monitor needs exactly one database URI");
    const std::string uri = env.args.positional[0];
    auto count = integerOption(env.args, "--count", 0);
    if (!count)
        return report(env, count.error());
    auto db = openDatabase(env, uri);
    if (!db)
        return report(env, db.error());
    auto interval = integerOption(env.args, "--interval", db->connection.settings.samplingIntervalSeconds);
    if (!interval)
        return report(env, interval.error());
    if (*interval < 1)
        return usageError(env, "--interval takes at least 1 second");

    std::signal(SIGINT, onMonitorSignal);
    std::signal(SIGTERM, onMonitorSignal);
    if (!env.json)
        std::fprintf(stderr, "sampling %s every %lld s; Ctrl-C stops\n", uri.c_str(),
                     static_cast<long long>(*interval));
    long long taken = 0;
    int code = kExitOk;
    while (!g_stopMonitor) {
        auto scan = scanActivity(*db->connector, *db->store, db->connection, nowMs());
        if (!scan) {
            // A busy database is worth another try at the next tick; anything else stops.
            if (scan.error().code != ErrorCode::Busy) {
                code = report(env, scan.error());
                break;
            }
            std::fprintf(stderr, "sample skipped: %s\n", scan.error().message.c_str());
        } else {
            ++taken;
            auto scores = scan->scores;
            std::sort(scores.begin(), scores.end(),
                      [](const VolatilityScore &a, const VolatilityScore &b) { return a.score > b.score; });
            if (env.json) {
                nlohmann::json hottest = nlohmann::json::array();
                for (std::size_t i = 0; i < std::min<std::size_t>(5, scores.size()); ++i)
                    hottest.push_back(toJson(scores[i]));
                std::printf("%s\n",
                            nlohmann::json{{"timestamp_ms", scan->timestampMs},
                                           {"partitions", scores.size()},
                                           {"hottest", hottest}}
                                .dump()
                                .c_str());
            } else {
                std::string line;
                for (std::size_t i = 0; i < std::min<std::size_t>(3, scores.size()); ++i)
                    line += fmt::format("{}{} {:.0f} ({:.1f} writes/s)", i ? ", " : "", scores[i].partition,
                                        scores[i].score, scores[i].writesPerSecond);
                std::printf("%s  %zu partitions; hottest: %s\n", formatTime(scan->timestampMs).c_str(), scores.size(),
                            line.empty() ? "-" : line.c_str());
            }
            std::fflush(stdout);
        }
        if (*count > 0 && taken >= *count)
            break;
        // Sleep in short slices so Ctrl-C is honoured promptly.
        for (long long waited = 0; waited < *interval * 10 && !g_stopMonitor; ++waited)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return code;
}

} // namespace tidemark::cli
