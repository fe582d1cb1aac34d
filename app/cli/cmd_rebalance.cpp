// rebalance: over the node catalogue, which node will cross its saturation
// line, when and how likely (show), and the moves that prevent it as a plan
// of Move steps for approval (plan). docs/rebalancing.md, docs/cli.md.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "json_output.h"
#include "rebalance/catalogue_rebalance.h"

namespace tidemark::cli {

void printPlan(const Plan &plan);

namespace {

constexpr const char *kRebalanceUsage =
    "tidemark-cli rebalance plan|show [--threshold 80] [--horizon 24] [--c 1.25] [--tuples-per-core N] "
    "[--copy-rate-mib 64] [--smoke ROWS:SQL ...]";

Result<double> numberOption(const Env &env, const std::string &name, double fallback, double lo, double hi)
{
    if (!env.args.has(name))
        return fallback;
    const std::string text = env.args.value(name);
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !(v >= lo && v <= hi))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} takes a number from {} to {}, not \"{}\"", name, lo, hi, text), kRebalanceUsage);
    return v;
}

nlohmann::json outlookJson(const rebalance::NodeReport &n)
{
    auto one = [](const rebalance::NodeOutlook &o) {
        return nlohmann::json{{"peak", o.peak},
                              {"peak_step", o.peakStep},
                              {"crossing_step", o.crossingStep},
                              {"probability", o.probability},
                              {"expected_overload_minutes", o.expectedOverloadMinutes},
                              {"utilisation", o.utilisation}};
    };
    return {{"name", n.name},           {"uri", n.uri},
            {"capacity", n.capacity},   {"partitions", n.partitions},
            {"resources", n.resources}, {"before", one(n.before)},
            {"after", one(n.after)}};
}

void printOutlooks(const rebalance::CatalogueRebalance &r, double threshold, bool withAfter)
{
    std::printf("%-14s %6s %8s %-22s %9s %10s%s\n", "node", "parts", "peak", "crosses the line", "chance", "overload",
                withAfter ? "  after the moves" : "");
    for (const auto &n : r.nodes) {
        const auto &b = n.before;
        const std::string crosses =
            b.crossingStep >= 0 ? fmt::format("{:.0f} % in {} h", threshold * 100, b.crossingStep) : "not expected";
        std::printf("%-14s %6d %7.0f%% %-22s %8.0f%% %7.0f min", n.name.c_str(), n.partitions, b.peak * 100,
                    crosses.c_str(), b.probability * 100, b.expectedOverloadMinutes);
        if (withAfter)
            std::printf("  peak %.0f %%, %.0f %% chance", n.after.peak * 100, n.after.probability * 100);
        std::printf("\n");
        std::printf("%-14s %s\n", "", n.resources.c_str());
    }
}

} // namespace

int cmdRebalance(Env &env)
{
    const auto &p = env.args.positional;
    if (p.empty() || (p[0] != "plan" && p[0] != "show") || p.size() > 1)
        return report(env,
                      Error{ErrorCode::InvalidArgument,
                            p.empty() ? "rebalance needs plan or show"
                                      : fmt::format("rebalance takes plan or show, not \"{}\"", p.back()),
                            kRebalanceUsage});
    const bool storePlan = p[0] == "plan";
    rebalance::CatalogueOptions o;
    auto threshold = numberOption(env, "--threshold", 80, 1, 200);
    auto horizon = numberOption(env, "--horizon", 24, 1, 336);
    auto c = numberOption(env, "--c", 1.25, 1, 10);
    auto perCore = numberOption(env, "--tuples-per-core", o.tuplesPerSecondPerCore, 1, 1e9);
    auto copyMiB = numberOption(env, "--copy-rate-mib", 64, 0.001, 1e6);
    for (const auto *r : {&threshold, &horizon, &c, &perCore, &copyMiB})
        if (!*r)
            return report(env, r->error());
    o.planner.cost.outlook.threshold = *threshold / 100.0;
    o.planner.capacityFactor = *c;
    o.horizonHours = int(*horizon);
    o.tuplesPerSecondPerCore = *perCore;
    o.copyBytesPerSecond = *copyMiB * (1 << 20);
    o.nowMs = runClock()();
    o.requestedBy = env.who;
    auto smoke = smokeQueryOptions(env.args);
    if (!smoke)
        return report(env, smoke.error());
    o.smokeQueries = *smoke;

    auto store = openStore(env);
    if (!store)
        return report(env, store.error());
    auto catalogue = (*store)->nodes();
    if (!catalogue)
        return report(env, catalogue.error());
    std::vector<std::unique_ptr<Connector>> connectors;
    std::vector<rebalance::CatalogueNode> nodes;
    for (const auto &n : *catalogue) {
        if (n.role == NodeRole::Replica)
            continue; // a replica holds copies, not its own partitions
        auto connector = openConnector(env, canonicalDatabaseUri(n.connectionUri));
        if (!connector)
            return report(env,
                          Error{connector.error().code, fmt::format("node {}: {}", n.name, connector.error().message),
                                connector.error().hint});
        nodes.push_back({n, connector->get()});
        connectors.push_back(std::move(*connector));
    }
    auto r = rebalance::planCatalogueRebalance(**store, nodes, o);
    if (!r)
        return report(env, r.error());
    if (storePlan && !r->plan.steps.empty()) {
        if (auto ok = (*store)->insertPlan(r->plan); !ok)
            return report(env, ok.error());
        if (auto ok = (*store)->audit(AuditEntry{0, o.nowMs, env.who, "plan.created", r->plan.id, 0, r->plan.summary});
            !ok)
            return report(env, ok.error());
    }
    const std::string refused = r->movesRefusedUntilSupported > 0
        ? fmt::format("{} move(s) start on a node whose connector cannot run Move steps yet: apply will refuse "
                      "them, changing nothing",
                      r->movesRefusedUntilSupported)
        : "";
    if (env.json) {
        nlohmann::json j{{"summary", r->plan.summary}, {"notes", r->notes}, {"nodes", nlohmann::json::array()}};
        for (const auto &n : r->nodes)
            j["nodes"].push_back(outlookJson(n));
        if (storePlan)
            j["plan"] = r->plan.steps.empty() ? nlohmann::json(nullptr) : toJson(r->plan);
        if (!refused.empty())
            j["apply_refused"] = refused;
        std::printf("%s\n", j.dump(2).c_str());
        return kExitOk;
    }
    printOutlooks(*r, o.planner.cost.outlook.threshold, storePlan);
    for (const auto &n : r->notes)
        std::printf("note: %s\n", n.c_str());
    if (!storePlan) {
        std::printf("%s\n", r->plan.summary.c_str());
        return kExitOk;
    }
    if (r->plan.steps.empty()) {
        std::printf("%s; no plan stored\n", r->plan.summary.c_str());
        return kExitOk;
    }
    std::printf("\n");
    printPlan(r->plan);
    if (!refused.empty())
        std::printf("note: %s\n", refused.c_str());
    return kExitOk;
}

} // namespace tidemark::cli
