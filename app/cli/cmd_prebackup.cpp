// prebackup, postbackup and policy: unattended runs under the standing
// policy a person set (docs/policies.md, docs/backup-recipes.md).
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>

#include <fmt/format.h>

#include "cli.h"
#include "host/engine_host.h"
#include "json_output.h"
#include "backup/backup_preparation.h"
#include "monitor/activity_scan.h"

namespace tidemark::cli {

namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void onStopSignal(int) { g_stop = 1; }

Result<double> numberOption(const Args &args, const std::string &name)
{
    const std::string text = args.value(name);
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && v >= 0 && std::isfinite(v))
            return v;
    } catch (const std::exception &) {
    }
    return fail(ErrorCode::InvalidArgument, fmt::format("{} takes a number ≥ 0, not \"{}\"", name, text),
                "see tidemark-cli --help");
}

/// Limits and load threshold from flags, shared by prebackup/postbackup (to
/// narrow) and policy (to store).
Result<PolicyRequest> limitFlags(const Args &args)
{
    PolicyRequest r;
    if (args.has("--max-lock-seconds")) {
        auto v = numberOption(args, "--max-lock-seconds");
        if (!v)
            return tl::unexpected(v.error());
        r.maxLockSeconds = *v;
    }
    if (args.has("--max-rewrite-bytes")) {
        auto v = integerOption(args, "--max-rewrite-bytes", 0);
        if (!v)
            return tl::unexpected(v.error());
        r.maxRewriteBytes = *v;
    }
    if (args.has("--busy-writes-per-second")) {
        auto v = numberOption(args, "--busy-writes-per-second");
        if (!v)
            return tl::unexpected(v.error());
        r.busyWritesPerSecond = *v;
    }
    if (args.has("--busy-active-sessions")) {
        auto v = numberOption(args, "--busy-active-sessions");
        if (!v)
            return tl::unexpected(v.error());
        r.busyActiveSessions = *v;
    }
    return r;
}

nlohmann::json resultJson(const PreparationResult &r)
{
    nlohmann::json decisions = nlohmann::json::array();
    for (std::size_t i = 0; i < r.gate.decisions.size(); ++i) {
        const auto &d = r.gate.decisions[i];
        decisions.push_back({{"ordinal", d.ordinal}, {"run", d.run}, {"predicted_seconds", d.predictedSeconds},
                             {"reason", d.reason}});
    }
    nlohmann::json j = {{"result", r.ready ? "ready" : "not-ready"},
                        {"ready", r.ready},
                        {"reason", r.reason},
                        {"message", r.message},
                        {"policy", {{"stored", r.storedPolicy}, {"level", toString(r.policy.level)},
                                    {"effective", r.policy.describe()}}},
                        {"notes", r.notes},
                        {"decisions", decisions},
                        {"gate_summary", r.gate.summary},
                        {"steps_done", r.stepsDone},
                        {"steps_skipped", r.stepsSkipped},
                        {"load_writes_per_second", r.loadWritesPerSecond},
                        {"active_sessions", r.load ? nlohmann::json(r.load->activeSessions) : nlohmann::json(nullptr)},
                        {"load", r.load ? nlohmann::json(r.load->text) : nlohmann::json(nullptr)},
                        {"busy", r.gate.busy},
                        {"started_ms", r.startedMs},
                        {"deadline_ms", r.deadlineAtMs},
                        {"backup_bytes_before", r.backupBytesBefore},
                        {"backup_bytes_after", r.backupBytesAfter},
                        {"proposed_plan", r.proposedPlanId},
                        {"plan", r.plan.id ? toJson(r.plan) : nlohmann::json(nullptr)}};
    if (r.error)
        j["error"] = {{"code", errorCodeName(r.error->code)}, {"message", r.error->message}, {"hint", r.error->hint}};
    return j;
}

int runPreparation(Env &env, BackupPhase phase)
{
    const std::string name = phase == BackupPhase::PreBackup ? "prebackup" : "postbackup";
    if (env.args.positional.size() != 1)
        return usageError(env, name + " needs exactly one database URI");
    PreparationRequest request;
    request.uri = env.args.positional[0];
    request.phase = phase;
    request.requestedBy = env.who;
    auto limits = limitFlags(env.args);
    if (!limits)
        return report(env, limits.error());
    request.narrowing = *limits;
    if (env.args.has("--policy")) {
        request.narrowing.level = policyLevelFromString(env.args.value("--policy"));
        if (!request.narrowing.level)
            return usageError(env, "--policy takes report-only, safe or full");
    }
    auto deadline = parseDuration(env.args.value("--deadline", "10m"));
    if (!deadline)
        return report(env, deadline.error());
    request.deadlineMs = *deadline;
    if (env.args.has("--wait-busy")) {
        auto wait = parseDuration(env.args.value("--wait-busy"));
        if (!wait)
            return report(env, wait.error());
        request.waitWhenBusyMs = *wait;
    }
    if (env.args.has("--table"))
        request.table = env.args.value("--table");
    auto lockTimeout = integerOption(env.args, "--lock-timeout", 5000);
    if (!lockTimeout)
        return report(env, lockTimeout.error());
    request.lockTimeoutMs = static_cast<int>(*lockTimeout);
    request.clock = runClock();

    auto store = openStore(env);
    if (!store)
        return report(env, store.error());
    auto connector = openConnector(env, request.uri);
    if (!connector)
        return report(env, connector.error());

    std::stop_source stop;
    request.stop = stop.get_token();
    std::mutex printMutex;
    auto lastPrint = std::chrono::steady_clock::time_point{};
    request.onEvent = [&](const PreparationEvent &e) {
        std::lock_guard lock(printMutex);
        const auto now = std::chrono::steady_clock::now();
        const bool boundary = e.stage != "step" || e.fraction <= 0.0 || e.status != "running";
        if (!boundary && now - lastPrint < std::chrono::milliseconds(500))
            return;
        lastPrint = now;
        if (e.stage == "step")
            std::fprintf(stderr, "[step %d/%d %3.0f%%] %s: %s\n", e.stepIndex + 1, e.stepCount, 100.0 * e.fraction,
                         e.status.c_str(), e.text.c_str());
        else
            std::fprintf(stderr, "[%s] %s\n", e.stage.c_str(), e.text.c_str());
    };

    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    Result<PreparationResult> result;
    {
        // The main thread watches for Ctrl-C; the run has the store to itself.
        EngineHost host(1);
        auto future = host.callBlocking([&] { return prepareForBackup(**connector, **store, request); });
        bool asked = false;
        while (future.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready)
            if (g_stop && !asked) {
                asked = true;
                std::fprintf(stderr, "stopping safely: no new step starts; the running one finishes or rolls back\n");
                stop.request_stop();
            }
        result = future.get();
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!result)
        return report(env, result.error());

    const PreparationResult &r = *result;
    if (env.json) {
        std::printf("%s\n", resultJson(r).dump(2).c_str());
    } else {
        std::printf("policy: %s (stored: %s)\n", r.policy.describe().c_str(), r.storedPolicy.c_str());
        for (const auto &note : r.notes)
            std::printf("note: %s\n", note.c_str());
        if (r.proposedPlanId)
            std::printf("plan %lld proposed%s\n", static_cast<long long>(r.proposedPlanId),
                        r.plan.id != r.proposedPlanId
                            ? fmt::format("; plan {} holds the steps the policy admitted", r.plan.id).c_str()
                            : "");
        for (std::size_t i = 0; i < r.gate.decisions.size() && i < r.proposedSteps.size(); ++i) {
            const auto &d = r.gate.decisions[i];
            const Step &s = r.proposedSteps[i];
            std::printf("  step %d %s %s: %s — %s\n", s.ordinal + 1, toString(s.kind), s.table.c_str(),
                        d.run ? "admitted" : "not run", d.reason.c_str());
        }
        std::printf("%s: %s\n", r.ready ? "READY" : "NOT READY", r.message.c_str());
    }
    if (r.ready)
        return kExitOk;
    if (r.error)
        return exitCodeFor(*r.error);
    if (!env.json)
        std::fprintf(stderr, "not ready: %s\n", r.reason.c_str());
    return kExitNotReady;
}

} // namespace

/// Tests pin the clock with TIDEMARK_FAKE_NOW (ms since the epoch); time
/// then runs on from there. Said on stderr so it is never silent.
std::function<std::int64_t()> runClock()
{
    const char *fake = std::getenv("TIDEMARK_FAKE_NOW");
    if (!fake || !*fake)
        return [] { return nowMs(); };
    const std::int64_t base = std::atoll(fake);
    const auto start = std::chrono::steady_clock::now();
    std::fprintf(stderr, "note: clock pinned by TIDEMARK_FAKE_NOW\n");
    return [base, start] {
        return base + std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
                          .count();
    };
}

int cmdPreBackup(Env &env) { return runPreparation(env, BackupPhase::PreBackup); }
int cmdPostBackup(Env &env) { return runPreparation(env, BackupPhase::PostBackup); }

int cmdPolicy(Env &env)
{
    if (env.args.positional.size() != 1)
        return usageError(env, "policy needs exactly one database URI");
    const std::string uri = env.args.positional[0];
    auto store = openStore(env);
    if (!store)
        return report(env, store.error());
    auto connection = (*store)->ensureConnection(uri);
    if (!connection)
        return report(env, connection.error());

    if (env.args.has("--set")) {
        Policy p;
        const auto level = policyLevelFromString(env.args.value("--set"));
        if (!level)
            return usageError(env, "--set takes report-only, safe or full");
        p.level = *level;
        auto limits = limitFlags(env.args);
        if (!limits)
            return report(env, limits.error());
        if ((limits->maxLockSeconds || limits->maxRewriteBytes) && p.level != PolicyLevel::Safe)
            return usageError(env, "--max-lock-seconds and --max-rewrite-bytes apply to policy safe only");
        p.maxLockSeconds = limits->maxLockSeconds;
        p.maxRewriteBytes = limits->maxRewriteBytes;
        p.busyWritesPerSecond = limits->busyWritesPerSecond;
        p.busyActiveSessions = limits->busyActiveSessions;
        if (env.args.has("--window")) {
            auto window = MaintenanceWindow::parse(env.args.value("--window"));
            if (!window)
                return report(env, window.error());
            p.window = std::move(*window);
        }
        if (auto ok = (*store)->setPolicy(connection->id, policyToStored(p), env.who); !ok)
            return report(env, ok.error());
        connection = (*store)->ensureConnection(uri);
        if (!connection)
            return report(env, connection.error());
    }
    auto parsed = policyFromStored(connection->policy);
    if (env.json) {
        nlohmann::json j = {{"connection", uri}, {"stored", connection->policy}};
        if (parsed) {
            j["level"] = toString(parsed->level);
            j["description"] = parsed->describe();
            j["approval"] = standingApproval(**store, uri);
        } else {
            j["error"] = parsed.error().message;
        }
        std::printf("%s\n", j.dump(2).c_str());
        return parsed ? kExitOk : report(env, parsed.error());
    }
    if (!parsed)
        return report(env, parsed.error());
    std::printf("policy of %s: %s\n", uri.c_str(), parsed->describe().c_str());
    if (parsed->level != PolicyLevel::ReportOnly)
        std::printf("  %s\n", standingApproval(**store, uri).c_str());
    return kExitOk;
}

} // namespace tidemark::cli
