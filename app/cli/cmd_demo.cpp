// demo init / demo load (the embedded SQLite demo), adopt and checksum.
#include <cstdio>
#include <sstream>

#include <fmt/format.h>

#include "cli.h"
#include "json_output.h"
#include "sqlite_demo.h"
#include "workflow/activity_scan.h"

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

} // namespace

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
