// nodes: the node catalogue — the database servers a plan may span, with the
// role and capacity the DBA gives for each (docs/cli.md).
#include <cctype>
#include <cstdio>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "host/connector_registry.h"
#include "model/byte_units.h"

namespace tidemark::cli {

namespace {

constexpr const char *kNodesUsage = "tidemark-cli nodes add NAME URI --role primary|replica|shard|archive "
                                    "[--disk 500G | --disk-bytes N] [--cores N] [--memory 64G] [--notes TEXT]";

tl::unexpected<Error> badInput(std::string message, std::string hint = kNodesUsage)
{
    return fail(ErrorCode::InvalidArgument, std::move(message), std::move(hint));
}

Result<int> parseCores(const std::string &text)
{
    std::size_t used = 0;
    long long v = 0;
    try {
        v = std::stoll(text, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !std::isdigit(static_cast<unsigned char>(text[0])) || v > 1'000'000)
        return badInput(fmt::format("--cores takes a whole number of cores, not \"{}\"", text));
    if (v <= 0)
        return badInput(fmt::format("--cores must be positive, not \"{}\"", text),
                        "leave the option out when the figure is not known");
    return static_cast<int>(v);
}

std::string sizeText(const std::optional<std::int64_t> &bytes)
{
    return bytes ? humanBytes(static_cast<double>(*bytes)) : "-";
}

nlohmann::json nodeJson(const Node &n)
{
    auto orNull = [](const auto &v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
    return {{"id", n.id},
            {"name", n.name},
            {"role", toString(n.role)},
            {"uri", n.connectionUri},
            {"disk_bytes", orNull(n.diskBytes)},
            {"cores", orNull(n.cores)},
            {"memory_bytes", orNull(n.memoryBytes)},
            {"notes", n.notes},
            {"added_ms", n.addedMs}};
}

int listNodes(Env &env, MetadataStore &store)
{
    auto nodes = store.nodes();
    if (!nodes)
        return report(env, nodes.error());
    if (env.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto &n : *nodes)
            list.push_back(nodeJson(n));
        std::printf("%s\n", nlohmann::json{{"nodes", list}}.dump(2).c_str());
        return kExitOk;
    }
    if (nodes->empty()) {
        std::printf("no nodes yet; add one with %s\n", kNodesUsage);
        return kExitOk;
    }
    std::printf("%-16s %-8s %-10s %-6s %-10s %s\n", "name", "role", "disk", "cores", "memory", "URI");
    for (const auto &n : *nodes) {
        std::printf("%-16s %-8s %-10s %-6s %-10s %s\n", n.name.c_str(), toString(n.role), sizeText(n.diskBytes).c_str(),
                    n.cores ? std::to_string(*n.cores).c_str() : "-", sizeText(n.memoryBytes).c_str(),
                    n.connectionUri.c_str());
        if (!n.notes.empty())
            std::printf("%-16s %s\n", "", n.notes.c_str());
    }
    return kExitOk;
}

/// The node `nodes add` describes; options left out keep the values of the
/// URI's existing node, if it has one.
Result<Node> nodeFromArgs(const Env &env, const std::vector<Node> &existing)
{
    const auto &p = env.args.positional;
    if (p.size() < 3)
        return badInput(p.size() < 2 ? "nodes add needs a NAME and a URI" : "nodes add needs a URI after the name");
    if (p.size() > 3)
        return badInput(fmt::format("nodes add takes a NAME and a URI, then options; \"{}\" is one too many", p[3]));
    Node node;
    node.name = p[1];
    node.connectionUri = p[2];
    if (uriScheme(node.connectionUri).empty())
        return badInput(fmt::format("\"{}\" is not a database URI", node.connectionUri),
                        "give one such as postgresql://db2/sales or sqlite:///srv/db.sqlite");
    if (!env.registry.has(uriScheme(node.connectionUri)))
        return badInput(fmt::format("no connector for URI scheme \"{}\"", uriScheme(node.connectionUri)),
                        "tidemark-cli plugins lists the connectors found");
    bool known = false;
    for (const auto &n : existing)
        if (n.connectionUri == node.connectionUri) {
            node = n;
            node.name = p[1];
            known = true;
        }
    if (env.args.has("--role")) {
        const auto role = nodeRoleFromString(env.args.value("--role"));
        if (!role)
            return badInput(fmt::format("unknown role \"{}\"", env.args.value("--role")),
                            "--role takes primary, replica, shard or archive");
        node.role = *role;
    } else if (!known) {
        return badInput(fmt::format("node {} needs a role", node.name),
                        "add --role primary, replica, shard or archive");
    }
    if (env.args.has("--disk") && env.args.has("--disk-bytes"))
        return badInput("give the disk size once: --disk 500G or --disk-bytes N, not both");
    if (env.args.has("--disk")) {
        auto disk = parseByteSize("--disk", env.args.value("--disk"));
        if (!disk)
            return tl::unexpected(disk.error());
        node.diskBytes = *disk;
    }
    if (env.args.has("--disk-bytes")) {
        const std::string text = env.args.value("--disk-bytes");
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
            return badInput(fmt::format("--disk-bytes takes a whole number of bytes, not \"{}\"", text),
                            "or give --disk 500G");
        auto disk = parseByteSize("--disk-bytes", text);
        if (!disk)
            return tl::unexpected(disk.error());
        node.diskBytes = *disk;
    }
    if (env.args.has("--cores")) {
        auto cores = parseCores(env.args.value("--cores"));
        if (!cores)
            return tl::unexpected(cores.error());
        node.cores = *cores;
    }
    if (env.args.has("--memory")) {
        auto memory = parseByteSize("--memory", env.args.value("--memory"));
        if (!memory)
            return tl::unexpected(memory.error());
        node.memoryBytes = *memory;
    }
    if (env.args.has("--notes"))
        node.notes = env.args.value("--notes");
    return node;
}

} // namespace

int cmdNodes(Env &env)
{
    const auto &p = env.args.positional;
    const std::string sub = p.empty() ? "list" : p[0];
    static const std::set<std::string> kGlobal = {"--json", "--store"};
    static const std::set<std::string> kAdd = {"--role", "--disk", "--disk-bytes", "--cores", "--memory", "--notes"};
    for (const auto &[name, value] : env.args.options)
        if (!kGlobal.count(name) && !(sub == "add" && kAdd.count(name)))
            return report(env, Error{ErrorCode::InvalidArgument,
                                     fmt::format("nodes {} does not take {}", sub, name),
                                     sub == "add" ? kNodesUsage : "see tidemark-cli --help"});
    if (sub != "list" && sub != "add" && sub != "remove")
        return report(env, Error{ErrorCode::InvalidArgument, fmt::format("unknown nodes command \"{}\"", sub),
                                 "use nodes, nodes add NAME URI --role ROLE or nodes remove NAME"});
    if (sub == "list" && p.size() > 1)
        return usageError(env, "nodes lists the catalogue and takes no arguments");
    if (sub == "remove" && p.size() != 2)
        return report(env, Error{ErrorCode::InvalidArgument, "nodes remove needs exactly one node name",
                                 "tidemark-cli nodes lists the names"});

    auto store = openStore(env);
    if (!store)
        return report(env, store.error());
    if (sub == "list")
        return listNodes(env, **store);

    if (sub == "remove") {
        if (auto ok = (*store)->removeNode(p[1], env.who); !ok)
            return report(env, ok.error());
        if (env.json)
            std::printf("%s\n", nlohmann::json{{"removed", p[1]}}.dump(2).c_str());
        else
            std::printf("node %s removed from the catalogue (its connection, plans and history stay)\n",
                        p[1].c_str());
        return kExitOk;
    }

    auto existing = (*store)->nodes();
    if (!existing)
        return report(env, existing.error());
    auto node = nodeFromArgs(env, *existing);
    if (!node)
        return report(env, node.error());
    const bool update = node->id != 0;
    auto saved = (*store)->saveNode(*node, env.who);
    if (!saved)
        return report(env, saved.error());
    if (env.json) {
        std::printf("%s\n", nodeJson(*saved).dump(2).c_str());
        return kExitOk;
    }
    std::printf("node %s (%s) %s: %s\n", saved->name.c_str(), toString(saved->role), update ? "updated" : "added",
                saved->connectionUri.c_str());
    return kExitOk;
}

} // namespace tidemark::cli
