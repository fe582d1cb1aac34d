// apply and status: the commands that run or settle work on a database.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "cli.h"
#include "executor/plan_executor.h"
#include "host/engine_host.h"
#include "json_output.h"
#include "monitor/activity_scan.h"

namespace tidemark::cli {

void printPlan(const Plan &plan);

namespace {

// Set from a signal handler that may run on any thread: a lock-free atomic
// is both async-signal-safe and race-free, unlike a plain flag.
std::atomic<int> g_interrupts{0};
static_assert(std::atomic<int>::is_always_lock_free);
extern "C" void onInterrupt(int)
{
    // A second Ctrl-C means "now": the database rolls the open transaction
    // back and the next start settles the step (docs/safety.md).
    if (g_interrupts.fetch_add(1) >= 1)
        std::_Exit(130);
}

} // namespace

int cmdApply(Env &env)
{
    if (env.args.positional.size() != 1)
        return usageError(env, "apply needs exactly one plan id");
    long long planId = 0;
    try {
        planId = std::stoll(env.args.positional[0]);
    } catch (const std::exception &) {
    }
    if (planId <= 0)
        return usageError(env, "\"" + env.args.positional[0] + "\" is not a plan id");
    auto lockTimeout = integerOption(env.args, "--lock-timeout", 5000);
    if (!lockTimeout)
        return report(env, lockTimeout.error());
    auto store = openStore(env);
    if (!store)
        return report(env, store.error());
    auto plan = (*store)->plan(planId);
    if (!plan)
        return report(env, plan.error());
    auto connector = openConnector(env, plan->connectionUri);
    if (!connector)
        return report(env, connector.error());

    PlanExecutor executor(**connector, **store);
    executor.setNodeOpener(nodeOpener(env));
    std::stop_source stop;
    ApplyOptions options;
    options.dryRun = env.args.has("--dry-run");
    options.who = env.who;
    options.stop = stop.get_token();
    options.lockTimeoutMs = static_cast<int>(*lockTimeout);
    std::mutex printMutex;
    auto lastPrint = std::chrono::steady_clock::time_point{};
    options.onEvent = [&](const ApplyEvent &e) {
        // Progress goes to stderr, throttled; a step's first and last lines
        // (its summary, at 100 %) and its end always print.
        std::lock_guard lock(printMutex);
        const auto now = std::chrono::steady_clock::now();
        const bool boundary = e.stepFraction <= 0.0 || e.stepFraction >= 1.0 || e.status != StepStatus::Running;
        if (!boundary && now - lastPrint < std::chrono::milliseconds(500))
            return;
        lastPrint = now;
        std::fprintf(stderr, "[step %d/%d %3.0f%%] %s: %s\n", e.stepIndex + 1, e.stepCount, 100.0 * e.stepFraction,
                     toString(e.status), e.text.c_str());
    };

    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    Result<ApplyReport> result;
    {
        // The main thread stays free to notice Ctrl-C; the work runs on the
        // engine's blocking pool, which alone touches the store meanwhile.
        EngineHost host(1);
        auto future = host.callBlocking([&] { return executor.apply(planId, options); });
        bool asked = false;
        while (future.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
            if (g_interrupts.load() > 0 && !asked) {
                asked = true;
                std::fprintf(stderr, "stopping safely: the running step rolls back, no new step starts "
                                     "(Ctrl-C again to stop at once)…\n");
                stop.request_stop();
                executor.cancel(); // every node's running statement, a copy's receiving node too
            }
        }
        result = future.get();
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    if (!result) {
        const int code = report(env, result.error());
        if (!env.json)
            std::fprintf(stderr, "see tidemark-cli show %lld for each step's state\n", planId);
        return code;
    }
    if (env.json) {
        nlohmann::json j = toJson(result->plan);
        j["dry_run"] = result->dryRun;
        j["messages"] = result->messages;
        std::printf("%s\n", j.dump(2).c_str());
        return kExitOk;
    }
    for (const auto &m : result->messages)
        std::printf("%s\n", m.c_str());
    if (result->dryRun) {
        std::printf("dry run: nothing was changed\n");
        return kExitOk;
    }
    printPlan(result->plan);
    std::printf("\nplan %lld %s\n", planId, toString(result->plan.status));
    return kExitOk;
}

int cmdStatus(Env &env)
{
    if (env.args.positional.size() > 1)
        return usageError(env, "status takes at most one database URI");
    auto store = openStore(env);
    if (!store)
        return report(env, store.error());
    std::optional<std::string> only;
    if (!env.args.positional.empty())
        only = env.args.positional[0];

    // Settle work a killed process left behind, where no live executor owns it.
    nlohmann::json recovered = nlohmann::json::array();
    auto uris = (*store)->unsettledConnections();
    if (!uris)
        return report(env, uris.error());
    for (const auto &uri : *uris) {
        if (only && uri != *only)
            continue;
        auto connector = openConnector(env, uri);
        if (!connector) {
            recovered.push_back(fmt::format("{}: interrupted work not settled: {}", uri, connector.error().message));
            continue;
        }
        PlanExecutor executor(**connector, **store);
        executor.setNodeOpener(nodeOpener(env)); // a copy's receiving node says whether it committed
        auto r = executor.recoverIfIdle(uri, env.who);
        if (!r)
            return report(env, r.error());
        for (const auto &m : r->messages)
            recovered.push_back(m);
    }

    std::optional<std::int64_t> connectionId;
    if (only) {
        auto c = (*store)->findConnection(*only);
        if (!c)
            return report(env, c.error());
        if (!*c)
            return report(env,
                          Error{ErrorCode::NotFound, fmt::format("{} has never been scanned or planned", *only),
                                "start with tidemark-cli scan " + *only});
        connectionId = (*c)->id;
    }
    auto plans = (*store)->plans(connectionId, 20);
    if (!plans)
        return report(env, plans.error());
    if (env.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto &p : *plans)
            list.push_back(toJson(p));
        std::printf(
            "%s\n",
            nlohmann::json{{"store", env.storePath}, {"recovered", recovered}, {"plans", list}}.dump(2).c_str());
        return kExitOk;
    }
    std::printf("metadata store: %s\n", env.storePath.c_str());
    for (const auto &m : recovered)
        std::printf("recovery: %s\n", m.get<std::string>().c_str());
    if (plans->empty()) {
        std::printf("no plans yet; make one with tidemark-cli plan URI\n");
        return kExitOk;
    }
    std::printf("%-6s %-12s %-20s %-6s %s\n", "plan", "status", "created", "steps", "connection / summary");
    for (const auto &p : *plans)
        std::printf("%-6lld %-12s %-20s %-6d %s\n         %s\n", static_cast<long long>(p.id), toString(p.status),
                    formatTime(p.createdMs).c_str(), p.steps, p.connectionUri.c_str(), p.summary.c_str());
    return kExitOk;
}

} // namespace tidemark::cli
