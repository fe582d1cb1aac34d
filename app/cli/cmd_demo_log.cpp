// demo init --log: the event-log demo (docs/log-segments.md, "The event-log
// demo"), with weeks of size history and segment settings under which the
// forecast queues its oldest segments for archival and its purged ones for
// compaction.
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "cli.h"
#include "demo/demo_history.h"
#include "json_output.h"
#include "monitor/activity_scan.h"
#include "sqlite_demo.h"

namespace tidemark::cli {

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

/// The demo's segments are MiB, not GiB: the time to archive is a week, the
/// threshold 15 % above today's size (the forecast passes it within days),
/// and a segment queues for compaction once its dead space is worth a rewrite
/// at this scale.
SegmentSettings logDemoSettings(std::int64_t tableBytes)
{
    SegmentSettings s;
    s.timeToArchiveMs = 7 * kDayMs;
    s.archiveThresholdBytes = (tableBytes + tableBytes * 15 / 100 + 1023) / 1024 * 1024;
    s.compactThreshold = 1.0;
    return s;
}

} // namespace

int cmdDemoInitLog(Env &env)
{
    auto rows = integerOption(env.args, "--rows", 200'000);
    auto segments = integerOption(env.args, "--partitions", 8);
    auto seed = integerOption(env.args, "--seed", 42);
    for (auto *r : {&rows, &segments, &seed})
        if (!*r)
            return report(env, r->error());
    if (*rows < 1000 || *segments < 2 || *segments > 1000 || *rows / *segments < 10)
        return usageError(env,
                          "the event-log demo needs --rows ≥ 1000 and 2 ≤ --partitions ≤ 1000 with ≥ 10 rows "
                          "each");
    std::error_code ec;
    std::filesystem::path path =
        std::filesystem::weakly_canonical(std::filesystem::absolute(env.args.positional[0]), ec);
    if (ec)
        path = std::filesystem::absolute(env.args.positional[0]);
    auto store = openStore(env);
    if (!store)
        return report(env, store.error());
    sqlite::LogDemoOptions options;
    options.rows = *rows;
    options.segments = static_cast<int>(*segments);
    options.purgedSegments = std::max(1, options.segments * 3 / 8);
    options.seed = static_cast<std::uint64_t>(*seed);
    if (!env.json)
        std::fprintf(stderr, "creating %s: %lld events over %d days in %d segments…\n", path.c_str(),
                     static_cast<long long>(options.rows), options.days, options.segments);
    auto demo = sqlite::createLogDemoDatabase(path, options);
    if (!demo)
        return report(env, demo.error());
    const std::string uri = "sqlite://" + path.string();
    auto connection = (*store)->ensureConnection(uri);
    if (!connection)
        return report(env, connection.error());
    auto connector = openConnector(env, uri);
    if (!connector)
        return report(env, connector.error());
    auto table = (*connector)->describe("events");
    if (!table)
        return report(env, table.error());
    if (table->partitions.size() != demo->segments.size())
        return report(env, Error{ErrorCode::Internal, "the event-log demo's segments do not match its family", {}});
    // Hourly history up to the last whole hour, ending in each segment's present size.
    std::vector<DemoLogSegment> history;
    std::int64_t tableBytes = 0;
    for (std::size_t i = 0; i < table->partitions.size(); ++i) {
        const Partition &p = table->partitions[i];
        const sqlite::LogDemoSegment &seg = demo->segments[i];
        history.push_back({p.name, p.rows, p.bytes, seg.firstMs, seg.lastMs});
        tableBytes += p.bytes;
    }
    const std::int64_t hourMs = 3600LL * 1000;
    auto samples = demoLogHistory("events", history, demo->startMs, (nowMs() - 1) / hourMs * hourMs);
    if (auto ok = (*store)->addSamples(connection->id, samples); !ok)
        return report(env, ok.error());
    const SegmentSettings settings = logDemoSettings(tableBytes);
    if (auto ok = (*store)->saveSegmentSettings(connection->id, "events", settings, env.who); !ok)
        return report(env, ok.error());
    if (env.json) {
        std::printf("%s\n",
                    nlohmann::json{{"path", path.string()},
                                   {"uri", uri},
                                   {"table", "events"},
                                   {"rows", demo->rows},
                                   {"deleted_rows", demo->deletedRows},
                                   {"segments", static_cast<int>(demo->segments.size())},
                                   {"bytes", tableBytes},
                                   {"history_samples", static_cast<std::int64_t>(samples.size())},
                                   {"seconds", demo->seconds},
                                   {"archive_threshold_bytes", settings.archiveThresholdBytes},
                                   {"time_to_archive_ms", settings.timeToArchiveMs},
                                   {"compact_threshold", settings.compactThreshold}}
                        .dump(2)
                        .c_str());
        return kExitOk;
    }
    std::printf("event-log demo %s: table events, %lld events over %d days in %zu segments (%s), made in %.1f s\n",
                path.c_str(), static_cast<long long>(demo->rows), options.days, demo->segments.size(),
                humanBytes(static_cast<double>(tableBytes)).c_str(), demo->seconds);
    std::printf("the debug events of the %d oldest segments were purged (%lld rows): their pages hold dead space\n",
                options.purgedSegments, static_cast<long long>(demo->deletedRows));
    std::printf("segment settings: archive threshold %s, time to archive 7d, compact threshold %.0f\n",
                humanBytes(static_cast<double>(settings.archiveThresholdBytes)).c_str(), settings.compactThreshold);
    std::printf("next: tidemark-cli segments %s\n", uri.c_str());
    return kExitOk;
}

} // namespace tidemark::cli
