// demo init / demo load (the embedded SQLite demo), adopt and checksum.
#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "cli.h"
#include "json_output.h"
#include "sqlite_demo.h"
#include "monitor/activity_scan.h"
#include "demo/demo_history.h"

namespace tidemark::cli {

namespace {

Result<std::vector<KeyValue>> parseKeys(const std::string &text)
{
    std::vector<KeyValue> keys;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, ',')) {
        try {
            std::size_t used = 0;
            keys.push_back(std::stoll(part, &used));
            if (used != part.size())
                throw std::invalid_argument(part);
        } catch (const std::exception &) {
            return fail(ErrorCode::InvalidArgument, fmt::format("--at takes whole numbers separated by commas; "
                                                                "\"{}\" is not one",
                                                                part));
        }
    }
    for (std::size_t i = 1; i < keys.size(); ++i)
        if (keys[i] <= keys[i - 1])
            return fail(ErrorCode::InvalidArgument, "--at needs strictly ascending keys",
                        "e.g. --at 100000,200000,300000");
    if (keys.empty())
        return fail(ErrorCode::InvalidArgument, "--at needs at least one split key");
    return keys;
}

/// Settings scaled to the demo's partition size A: a partition is one backup
/// unit, cold ones smaller than 2A merge up to 8A, hot ones above A/2 split.
ConnectionSettings demoSettings(const sqlite::DemoSummary &demo)
{
    ConnectionSettings s;
    const std::int64_t a = std::max<std::int64_t>(demo.bytes / std::max(demo.partitions, 1), 64 * 1024);
    s.backupIntervalSeconds = 86400;
    s.samplingIntervalSeconds = 5;
    s.halfLifeSeconds = 600;
    s.backupUnitBytes = a;
    s.splitMinBytes = a / 2;
    s.targetMinBytes = 2 * a;
    s.targetMaxBytes = 8 * a;
    s.cooldownSeconds = 86400;
    s.rewriteBytesPerSecond = 50e6;
    return s;
}

/// Four weeks of hourly samples, ending before the scan's EWMA window (eight
/// half-lives) so today's scores are the same as without them: the partition
/// holding the hot window gets an office-hours cycle of writes at about the
/// rate of `demo load`, the others none.
Result<int> backfillDemoHistory(const Env &env, MetadataStore &store, std::int64_t connectionId, const std::string &uri,
                                const ConnectionSettings &settings, const sqlite::DemoSummary &demo)
{
    auto connector = openConnector(env, uri);
    if (!connector)
        return tl::unexpected(connector.error());
    auto tables = (*connector)->discover();
    if (!tables)
        return tl::unexpected(tables.error());
    std::vector<ActivitySample> samples;
    const std::int64_t now = nowMs();
    const std::int64_t quiet = std::max<std::int64_t>(8 * settings.halfLifeSeconds, 3600) * 1000;
    for (const auto &table : *tables) {
        std::vector<DemoHistoryPartition> parts;
        for (const auto &p : table.partitions)
            parts.push_back({p.name, p.rows, p.bytes, p.bounds.contains(demo.hotWindowStart)});
        auto made = demoHistory(table.name, parts, now - quiet);
        samples.insert(samples.end(), made.begin(), made.end());
    }
    if (auto ok = store.addSamples(connectionId, samples); !ok)
        return tl::unexpected(ok.error());
    return static_cast<int>(samples.size());
}

} // namespace

int cmdDemoInit(Env &env)
{
    if (env.args.positional.size() != 1)
        return usageError(env, "demo init needs the path of the database to create");
    if (env.args.has("--log"))
        return cmdDemoInitLog(env);
    auto rows = integerOption(env.args, "--rows", 1'000'000);
    auto partitions = integerOption(env.args, "--partitions", 40);
    auto seed = integerOption(env.args, "--seed", 42);
    for (auto *r : {&rows, &partitions, &seed})
        if (!*r)
            return report(env, r->error());
    if (*rows < 1000 || *partitions < 2 || *partitions > 100000 || *rows / *partitions < 10)
        return usageError(env, "the demo needs --rows ≥ 1000 and 2 ≤ --partitions ≤ 100000 with ≥ 10 rows each");
    std::error_code ec;
    std::filesystem::path path = std::filesystem::weakly_canonical(std::filesystem::absolute(env.args.positional[0]), ec);
    if (ec)
        path = std::filesystem::absolute(env.args.positional[0]);
    // The store is checked first so a bad --store leaves no demo file behind.
    auto store = openStore(env);
    if (!store)
        return report(env, store.error());
    sqlite::DemoOptions options;
    options.rows = *rows;
    options.partitions = static_cast<int>(*partitions);
    options.seed = static_cast<std::uint64_t>(*seed);
    if (!env.json)
        std::fprintf(stderr, "creating %s: %lld rows in %d partitions…\n", path.c_str(),
                     static_cast<long long>(options.rows), options.partitions);
    auto demo = sqlite::createDemoDatabase(path, options);
    if (!demo)
        return report(env, demo.error());
    const std::string uri = "sqlite://" + path.string();
    auto connection = (*store)->ensureConnection(uri);
    if (!connection)
        return report(env, connection.error());
    const ConnectionSettings settings = demoSettings(*demo);
    if (auto ok = (*store)->saveSettings(connection->id, settings); !ok)
        return report(env, ok.error());
    (void)(*store)->audit(AuditEntry{0, nowMs(), env.who, "settings.changed", 0, 0,
                                     "demo settings: " + toJson(settings).dump()});
    auto backfilled = backfillDemoHistory(env, **store, connection->id, uri, settings, *demo);
    if (!backfilled)
        return report(env, backfilled.error());
    if (env.json) {
        std::printf("%s\n", nlohmann::json{{"path", path.string()},
                                           {"uri", uri},
                                           {"rows", demo->rows},
                                           {"partitions", demo->partitions},
                                           {"bytes", demo->bytes},
                                           {"seconds", demo->seconds},
                                           {"hot_window_start", demo->hotWindowStart},
                                           {"settings", toJson(settings)}}
                                 .dump(2)
                                 .c_str());
    } else {
        std::printf("demo database %s: table orders, %lld rows in %d partitions (%s), made in %.1f s\n",
                    path.c_str(), static_cast<long long>(demo->rows), demo->partitions,
                    humanBytes(static_cast<double>(demo->bytes)).c_str(), demo->seconds);
        std::printf("the workload's hot key range starts near order_id %lld and drifts %.1f keys/s\n",
                    static_cast<long long>(demo->hotWindowStart), demo->driftKeysPerSecond);
        std::printf("planning settings scaled to its partitions (see: tidemark-cli settings %s)\n", uri.c_str());
        std::printf("next: tidemark-cli demo load %s --seconds 30\n", path.c_str());
    }
    return kExitOk;
}

int cmdDemoLoad(Env &env)
{
    if (env.args.positional.size() != 1)
        return usageError(env, "demo load needs the path of the demo database");
    auto seconds = integerOption(env.args, "--seconds", 10);
    auto seed = integerOption(env.args, "--seed", 1);
    auto maxOps = integerOption(env.args, "--max-ops", 0);
    for (auto *r : {&seconds, &seed, &maxOps})
        if (!*r)
            return report(env, r->error());
    if (*seconds < 1 || *seconds > 7 * 86400)
        return usageError(env, "--seconds takes 1 to 604800");
    sqlite::DemoLoadOptions options;
    options.seconds = static_cast<double>(*seconds);
    options.uniform = env.args.has("--uniform");
    options.seed = static_cast<std::uint64_t>(*seed);
    if (*maxOps > 0)
        options.maxOperations = *maxOps;
    const std::filesystem::path path = std::filesystem::absolute(env.args.positional[0]);
    if (!env.json)
        std::fprintf(stderr, "running the %s demo workload on %s for %lld s…\n",
                     options.uniform ? "uniform" : "skewed", path.c_str(), static_cast<long long>(*seconds));
    auto load = sqlite::runDemoLoad(path, options);
    if (!load)
        return report(env, load.error());
    if (env.json) {
        nlohmann::json byPartition = nlohmann::json::object();
        for (const auto &[name, writes] : load->writesPerPartition)
            byPartition[name] = writes;
        std::printf("%s\n", nlohmann::json{{"operations", load->operations},
                                           {"reads", load->reads},
                                           {"writes", load->writes},
                                           {"inserts", load->inserts},
                                           {"updates", load->updates},
                                           {"deletes", load->deletes},
                                           {"errors", load->errors},
                                           {"seconds", load->seconds},
                                           {"hot_window", {{"start", load->hotWindowStart},
                                                           {"end", load->hotWindowEnd},
                                                           {"width", load->hotWindowWidth}}},
                                           {"hot_partition", load->hotPartition},
                                           {"writes_by_partition", byPartition}}
                                 .dump(2)
                                 .c_str());
        return kExitOk;
    }
    std::printf("%lld operations in %.1f s: %lld writes (%.0f/s), %lld reads, %lld errors\n",
                static_cast<long long>(load->operations), load->seconds, static_cast<long long>(load->writes),
                load->writesPerSecond(), static_cast<long long>(load->reads), static_cast<long long>(load->errors));
    if (!options.uniform)
        std::printf("hot key range [%lld, %lld) in partition %s\n", static_cast<long long>(load->hotWindowStart),
                    static_cast<long long>(load->hotWindowStart + load->hotWindowWidth), load->hotPartition.c_str());
    if (!load->lastError.empty())
        std::printf("last error: %s\n", load->lastError.c_str());
    return kExitOk;
}

int cmdAdopt(Env &env)
{
    if (env.args.positional.size() != 2 || !env.args.has("--key") || !env.args.has("--at"))
        return usageError(env, "adopt needs URI TABLE --key COLUMN --at K1,K2,…");
    auto keys = parseKeys(env.args.value("--at"));
    if (!keys)
        return report(env, keys.error());
    auto connector = openConnector(env, env.args.positional[0]);
    if (!connector)
        return report(env, connector.error());
    AdoptRequest request{env.args.positional[1], env.args.value("--key"), *keys};
    if (auto ok = (*connector)->adopt(request); !ok)
        return report(env, ok.error());
    auto table = (*connector)->describe(request.table);
    if (!table)
        return report(env, table.error());
    if (auto store = openStore(env)) {
        if (auto connection = (*store)->ensureConnection(env.args.positional[0]))
            (void)(*store)->audit(AuditEntry{0, nowMs(), env.who, "table.adopted", 0, 0,
                                             fmt::format("{} by {} into {} partitions", request.table,
                                                         request.keyColumn, table->partitions.size())});
    }
    if (env.json)
        std::printf("%s\n", nlohmann::json{{"table", table->name}, {"partitions", table->partitions.size()}}.dump(2).c_str());
    else
        std::printf("%s is now a partitioned family of %zu partitions keyed by %s; applications keep using the "
                    "name %s\n",
                    table->name.c_str(), table->partitions.size(), request.keyColumn.c_str(), table->name.c_str());
    return kExitOk;
}

int cmdChecksum(Env &env)
{
    if (env.args.positional.size() != 2)
        return usageError(env, "checksum needs URI TABLE");
    auto connector = openConnector(env, env.args.positional[0]);
    if (!connector)
        return report(env, connector.error());
    auto sum = (*connector)->checksum(env.args.positional[1], KeyRange{});
    if (!sum)
        return report(env, sum.error());
    if (env.json)
        std::printf("%s\n", nlohmann::json{{"table", env.args.positional[1]}, {"rows", sum->rows},
                                           {"checksum", fmt::format("{:016x}", sum->hashSum)}}
                                .dump(2)
                                .c_str());
    else
        std::printf("%s: %lld rows, checksum %016llx\n", env.args.positional[1].c_str(),
                    static_cast<long long>(sum->rows), static_cast<unsigned long long>(sum->hashSum));
    return kExitOk;
}

} // namespace tidemark::cli
