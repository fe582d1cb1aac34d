// copy / move: a plan that copies one partition to a node of the catalogue
// (or moves it there), sized ahead and shown, then approved and applied like
// every other plan (docs/cli.md, docs/copy-move.md).
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "json_output.h"
#include "replication/copy_planner.h"

namespace tidemark::cli {

void printPlan(const Plan &plan);

namespace {

Result<Node> nodeNamed(MetadataStore &store, const std::string &name)
{
    auto nodes = store.nodes();
    if (!nodes)
        return tl::unexpected(nodes.error());
    for (const auto &n : *nodes)
        if (n.name == name)
            return n;
    return fail(ErrorCode::NotFound, fmt::format("there is no node named \"{}\" in the catalogue", name),
                "list them with tidemark-cli nodes; add one with tidemark-cli nodes add NAME URI --role replica");
}

} // namespace

int cmdCopy(Env &env)
{
    const bool move = env.args.command == "move";
    const std::string usage = fmt::format("tidemark-cli {} URI --table T --partition P --to NODE [--dry-run] "
                                          "[--max-buffer-bytes N] [--chunk-rows N]{}",
                                          env.args.command, move ? " [--smoke ROWS:SQL ...]" : "");
    if (env.args.positional.size() != 1)
        return report(env,
                      Error{ErrorCode::InvalidArgument,
                            fmt::format("{} needs exactly one database URI (the partition's)", env.args.command),
                            usage});
    for (const char *required : {"--table", "--partition", "--to"})
        if (env.args.value(required).empty())
            return report(
                env, Error{ErrorCode::InvalidArgument, fmt::format("{} needs {}", env.args.command, required), usage});
    auto maxBuffer = integerOption(env.args, "--max-buffer-bytes", 0);
    if (!maxBuffer)
        return report(env, maxBuffer.error());
    auto chunkRows = integerOption(env.args, "--chunk-rows", 0);
    if (!chunkRows)
        return report(env, chunkRows.error());
    auto smoke = smokeQueryOptions(env.args);
    if (!smoke)
        return report(env, smoke.error());
    if (!move && !smoke->empty())
        return report(env, Error{ErrorCode::InvalidArgument,
                                 "--smoke checks a move through the parent table; a copy leaves the parent as it is",
                                 "use it with tidemark-cli move"});
    const std::string uri = env.args.positional[0];
    auto db = openDatabase(env, uri);
    if (!db)
        return report(env, db.error());
    auto node = nodeNamed(*db->store, env.args.value("--to"));
    if (!node)
        return report(env, node.error());
    // The receiving node is asked what it reports of itself, when it answers.
    auto target = nodeOpener(env)(node->connectionUri);

    CopyRequest request;
    request.kind = move ? StepKind::Move : StepKind::Copy;
    request.table = env.args.value("--table");
    request.partition = env.args.value("--partition");
    request.target = *node;
    request.requestedBy = env.who;
    request.nowMs = runClock()();
    request.maxBufferBytes = *maxBuffer;
    request.chunkRows = *chunkRows;
    request.smokeQueries = *smoke;
    request.store = !env.args.has("--dry-run");
    auto outcome = buildCopyPlan(*db->connector, target ? target->get() : nullptr, *db->store, db->connection, request);
    if (!outcome)
        return report(env, outcome.error());
    if (env.json) {
        nlohmann::json j = toJson(outcome->plan);
        j["dryRun"] = !request.store;
        j["notes"] = outcome->notes;
        j["sizing"] = {{"reservedBytes", outcome->sizing.reservedBytes},
                       {"bufferBytes", outcome->sizing.bufferBytes},
                       {"growthBytes", outcome->sizing.growthBytes},
                       {"growthUpperBytes", outcome->sizing.growthUpperBytes},
                       {"transferSeconds", outcome->sizing.transferSeconds},
                       {"capped", outcome->sizing.capped}};
        nlohmann::json chunks = nlohmann::json::array();
        for (const auto &c : outcome->chunks)
            chunks.push_back({{"range", toJson(c.range, outcome->plan.steps.front().keyType)},
                              {"expectedRows", c.expectedRows},
                              {"writesPerRow", c.writesPerRow},
                              {"fine", c.fine}});
        j["chunks"] = chunks;
        std::printf("%s\n", j.dump(2).c_str());
        return kExitOk;
    }
    if (!target)
        std::printf("note: node %s does not answer now (%s); it is sized from the catalogue alone\n",
                    node->name.c_str(), target.error().message.c_str());
    for (const auto &note : outcome->notes)
        std::printf("note: %s\n", note.c_str());
    std::printf("%s\n", outcome->sizing.text.c_str());
    if (!outcome->chunks.empty())
        std::printf("%s\n", describeChunkLayout(outcome->chunks).c_str());
    printPlan(outcome->plan);
    if (!request.store) {
        std::printf("\n(dry run: the plan was not stored)\n");
        return kExitOk;
    }
    std::printf("\nReview it, then: tidemark-cli approve %lld && tidemark-cli apply %lld\n",
                static_cast<long long>(outcome->plan.id), static_cast<long long>(outcome->plan.id));
    return kExitOk;
}

} // namespace tidemark::cli
