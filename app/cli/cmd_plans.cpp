// scan, plan, show, approve, reject, settings, plugins.
#include <algorithm>
#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "cli.h"
#include "json_output.h"
#include "monitor/activity_scan.h"
#include "planning/plan_approval.h"
#include "planning/plan_builder.h"

namespace tidemark::cli {

namespace {

void printLine(const std::string &s)
{
    std::printf("%s\n", s.c_str());
}

Result<std::int64_t> planIdArg(const Env &env)
{
    if (env.args.positional.size() != 1)
        return fail(ErrorCode::InvalidArgument, fmt::format("{} needs exactly one plan id", env.args.command),
                    "list plans with tidemark-cli status");
    const std::string &text = env.args.positional[0];
    try {
        std::size_t used = 0;
        const long long id = std::stoll(text, &used);
        if (used == text.size() && id > 0)
            return id;
    } catch (const std::exception &) {
    }
    return fail(ErrorCode::InvalidArgument, fmt::format("\"{}\" is not a plan id", text),
                "plan ids are whole numbers; list them with tidemark-cli status");
}

Result<std::string> uriArg(const Env &env)
{
    if (env.args.positional.size() != 1)
        return fail(ErrorCode::InvalidArgument, fmt::format("{} needs exactly one database URI", env.args.command),
                    "e.g. tidemark-cli " + env.args.command + " sqlite:///absolute/path.db");
    return env.args.positional[0];
}

void printScores(const ScanResult &scan)
{
    std::map<std::pair<std::string, std::string>, VolatilityScore> byPartition;
    for (const auto &s : scan.scores)
        byPartition[{s.table, s.partition}] = s;
    for (const auto &table : scan.tables) {
        std::int64_t bytes = 0;
        for (const auto &p : table.partitions)
            bytes += p.bytes;
        printLine(fmt::format("table {} — key {}, {} partitions, {}{}", table.name, table.keyColumn,
                              table.partitions.size(), humanBytes(static_cast<double>(bytes)),
                              table.plannable ? "" : " (not plannable: " + table.notPlannableReason + ")"));
        printLine(fmt::format("  {:<28} {:>26} {:>10} {:>10} {:>10} {:>6}", "partition", "bounds", "rows", "size",
                              "writes/s", "score"));
        for (const auto &p : table.partitions) {
            const auto it = byPartition.find({table.name, p.name});
            const double score = it == byPartition.end() ? 0.0 : it->second.score;
            const double wps = it == byPartition.end() ? 0.0 : it->second.writesPerSecond;
            if (it != byPartition.end() && it->second.baseline) {
                printLine(fmt::format("  {:<28} {:>26} {:>10} {:>10} {:>10} {:>6}  {}", p.name,
                                      describeRange(p.bounds, table.keyType), p.rows,
                                      humanBytes(static_cast<double>(p.bytes)), "-", "-", ScanResult::kBaselineNote));
                continue;
            }
            printLine(fmt::format("  {:<28} {:>26} {:>10} {:>10} {:>10.3f} {:>6.1f}", p.name,
                                  describeRange(p.bounds, table.keyType), p.rows,
                                  humanBytes(static_cast<double>(p.bytes)), wps, score));
        }
    }
}

} // namespace

void printPlan(const Plan &plan)
{
    printLine(fmt::format("plan {} — {} — {}", plan.id, plan.kind, toString(plan.status)));
    printLine(fmt::format("  connection: {}", plan.connectionUri));
    printLine(fmt::format("  created:    {} by {}", formatTime(plan.createdMs), plan.createdBy));
    if (!plan.approvedBy.empty())
        printLine(
            fmt::format("  approved:   {} by {} ({})", formatTime(plan.approvedMs), plan.approvedBy, plan.approval));
    printLine(fmt::format("  summary:    {}", plan.summary));
    for (const auto &step : plan.steps) {
        printLine("");
        printLine(fmt::format("  step {} — {} {} — {}", step.ordinal + 1, toString(step.kind), step.table,
                              toString(step.status)));
        std::string sources;
        for (const auto &s : step.sources)
            sources += (sources.empty() ? "" : ", ") + s;
        printLine(fmt::format("    from:   {}", sources));
        if (!std::holds_alternative<RepartitionWork>(step.payload))
            printLine(fmt::format("    does:   {}", describeStep(step)));
        for (const auto &t : step.newPartitions())
            printLine(fmt::format("    to:     {} {} (~{} rows, ~{}{})", t.name, describeRange(t.bounds, step.keyType),
                                  t.expectedRows, humanBytes(static_cast<double>(t.expectedBytes)),
                                  step.kind == StepKind::Split
                                      ? fmt::format(", {:.0f} % of the writes", 100.0 * t.expectedWriteShare)
                                      : std::string()));
        printLine(fmt::format("    why:    {}", step.reason));
        const StepEffect &p = step.predicted;
        // Backup figures belong to steps planned for a backup; a compaction or
        // archive plan has none to show.
        const bool backupFigures =
            p.backupBytesBefore != 0 || p.backupBytesAfter != 0 || p.amortisedRewriteBytesPerCycle != 0;
        if (backupFigures) {
            printLine(fmt::format("    effect: rewrites {} ({} rows), lock ~{:.2f} s; next incremental copies ~{} → "
                                  "~{}; rewrite amortised ~{} per backup cycle",
                                  humanBytes(static_cast<double>(p.bytesRewritten)), p.rowsMoved, p.lockSeconds,
                                  humanBytes(static_cast<double>(p.backupBytesBefore)),
                                  humanBytes(static_cast<double>(p.backupBytesAfter)),
                                  humanBytes(static_cast<double>(p.amortisedRewriteBytesPerCycle))));
            const std::int64_t net = p.netBytesPerCycle();
            printLine(fmt::format("    net:    {}{} per backup cycle (saving minus amortised rewrite)",
                                  net < 0 ? "−" : "", humanBytes(static_cast<double>(net < 0 ? -net : net))));
        } else
            printLine(fmt::format("    effect: rewrites {} ({} rows), lock ~{:.2f} s",
                                  humanBytes(static_cast<double>(p.bytesRewritten)), p.rowsMoved, p.lockSeconds));
        if (step.measured)
            printLine(fmt::format("    measured: rewrote {} ({} rows), lock {:.2f} s (predicted {} / {:.2f} s)",
                                  humanBytes(static_cast<double>(step.measured->bytesRewritten)),
                                  step.measured->rowsMoved, step.measured->lockSeconds,
                                  humanBytes(static_cast<double>(p.bytesRewritten)), p.lockSeconds));
        if (!step.verification.empty())
            printLine(fmt::format("    verified: {}", step.verification));
        if (step.leftOutAtApproval())
            printLine(fmt::format("    skipped: {}", Step::kLeftOutAtApproval));
        else if (!step.error.empty())
            printLine(fmt::format("    error:  {}", step.error));
        printLine("    SQL:");
        std::size_t start = 0;
        while (start < step.sql.size()) {
            const auto end = step.sql.find('\n', start);
            printLine("      " + step.sql.substr(start, end == std::string::npos ? std::string::npos : end - start));
            if (end == std::string::npos)
                break;
            start = end + 1;
        }
    }
}

int cmdScan(Env &env)
{
    auto uri = uriArg(env);
    if (!uri)
        return report(env, uri.error());
    auto db = openDatabase(env, *uri);
    if (!db)
        return report(env, db.error());
    auto scan = scanActivity(*db->connector, *db->store, db->connection, nowMs());
    if (!scan)
        return report(env, scan.error());
    if (env.json) {
        nlohmann::json scores = nlohmann::json::array();
        for (const auto &s : scan->scores)
            scores.push_back(toJson(s));
        nlohmann::json j{{"connection", *uri}, {"scores", scores}, {"baseline_partitions", scan->baselinePartitions}};
        if (scan->baselinePartitions > 0)
            j["note"] = ScanResult::kBaselineNote;
        std::printf("%s\n", j.dump(2).c_str());
    } else {
        printScores(*scan);
        if (scan->baselinePartitions > 0)
            printLine(fmt::format("first contact with {} partition(s): this scan is their {}", scan->baselinePartitions,
                                  ScanResult::kBaselineNote));
        if (scan->tables.empty())
            printLine("no partitioned tables; adopt one with tidemark-cli adopt URI TABLE --key COLUMN --at K1,K2,…");
    }
    return kExitOk;
}

int cmdPlan(Env &env)
{
    auto uri = uriArg(env);
    if (!uri)
        return report(env, uri.error());
    auto db = openDatabase(env, *uri);
    if (!db)
        return report(env, db.error());
    PlanRequest request;
    if (env.args.has("--table"))
        request.table = env.args.value("--table");
    request.requestedBy = env.who;
    auto outcome = buildPreBackupPlan(*db->connector, *db->store, db->connection, request);
    if (!outcome)
        return report(env, outcome.error());
    if (env.json) {
        nlohmann::json j = toJson(outcome->plan);
        j["notes"] = outcome->notes;
        nlohmann::json skipped = nlohmann::json::array();
        for (const auto &t : outcome->skipped) {
            nlohmann::json entry = {{"table", t.table}, {"reason", t.reason}};
            if (!t.partitions.empty())
                entry["partitions"] = t.partitions;
            skipped.push_back(std::move(entry));
        }
        j["skipped"] = skipped;
        j["baseline_partitions"] = outcome->scan.baselinePartitions;
        std::printf("%s\n", j.dump(2).c_str());
        return kExitOk;
    }
    for (const auto &note : outcome->notes)
        printLine("note: " + note);
    if (outcome->plan.steps.empty()) {
        printLine(outcome->plan.summary);
        return kExitOk;
    }
    printPlan(outcome->plan);
    printLine("");
    printLine(fmt::format("Review it, then: tidemark-cli approve {0} && tidemark-cli apply {0}", outcome->plan.id));
    return kExitOk;
}

int cmdShow(Env &env)
{
    auto id = planIdArg(env);
    if (!id)
        return report(env, id.error());
    auto store = openStore(env);
    if (!store)
        return report(env, store.error());
    auto plan = (*store)->plan(*id);
    if (!plan)
        return report(env, plan.error());
    if (env.json)
        std::printf("%s\n", toJson(*plan).dump(2).c_str());
    else
        printPlan(*plan);
    return kExitOk;
}

int cmdApprove(Env &env)
{
    auto id = planIdArg(env);
    if (!id)
        return report(env, id.error());
    auto store = openStore(env);
    if (!store)
        return report(env, store.error());
    std::vector<int> leaveOut;
    if (env.args.has("--leave-out")) {
        const std::string text = env.args.value("--leave-out");
        std::size_t start = 0;
        while (start <= text.size()) {
            const std::size_t comma = std::min(text.find(',', start), text.size());
            const std::string item = text.substr(start, comma - start);
            try {
                std::size_t used = 0;
                const long long n = std::stoll(item, &used);
                if (used != item.size() || n < 1 || n > 1000000)
                    throw std::invalid_argument(item);
                leaveOut.push_back(static_cast<int>(n));
            } catch (const std::exception &) {
                return usageError(env,
                                  fmt::format("--leave-out takes step numbers as shown by tidemark-cli show, "
                                              "separated by commas (e.g. --leave-out 2,3), not \"{}\"",
                                              text));
            }
            start = comma + 1;
        }
    }
    auto plan = approvePlan(**store, *id, env.who, "interactive (tidemark-cli approve)", leaveOut);
    if (!plan)
        return report(env, plan.error());
    if (env.json) {
        std::printf("%s\n", toJson(*plan).dump(2).c_str());
    } else {
        printLine(fmt::format("plan {} approved by {}; it will change:", plan->id, env.who));
        for (const auto &step : plan->steps)
            if (step.leftOutAtApproval())
                printLine(fmt::format("  step {} left out: {} {} stays as it is", step.ordinal + 1, toString(step.kind),
                                      step.table));
            else
                printLine(fmt::format("  step {}: {} {} ({} partition(s) → {})", step.ordinal + 1, toString(step.kind),
                                      step.table, step.sources.size(), step.newPartitions().size()));
        printLine(fmt::format("run it with: tidemark-cli apply {}", plan->id));
    }
    return kExitOk;
}

int cmdReject(Env &env)
{
    auto id = planIdArg(env);
    if (!id)
        return report(env, id.error());
    auto store = openStore(env);
    if (!store)
        return report(env, store.error());
    auto plan = rejectPlan(**store, *id, env.who, env.args.value("--reason", "rejected by " + env.who));
    if (!plan)
        return report(env, plan.error());
    if (env.json)
        std::printf("%s\n", toJson(*plan).dump(2).c_str());
    else
        printLine(fmt::format("plan {} rejected; nothing will run", plan->id));
    return kExitOk;
}

int cmdSettings(Env &env)
{
    auto uri = uriArg(env);
    if (!uri)
        return report(env, uri.error());
    auto store = openStore(env);
    if (!store)
        return report(env, store.error());
    auto connection = (*store)->ensureConnection(*uri);
    if (!connection)
        return report(env, connection.error());
    ConnectionSettings settings = connection->settings;
    for (const auto &kv : env.args.values("--set")) {
        const auto eq = kv.find('=');
        std::string error;
        if (eq == std::string::npos)
            return usageError(env, "--set takes KEY=VALUE, not \"" + kv + "\"");
        if (!setSetting(settings, kv.substr(0, eq), kv.substr(eq + 1), error))
            return usageError(env, error);
    }
    if (env.args.has("--set")) {
        if (auto ok = (*store)->saveSettings(connection->id, settings); !ok)
            return report(env, ok.error());
        (void)(*store)->audit(AuditEntry{0, nowMs(), env.who, "settings.changed", 0, 0, toJson(settings).dump()});
    }
    if (env.json) {
        std::printf("%s\n",
                    nlohmann::json{{"connection", *uri}, {"settings", toJson(settings)}, {"policy", connection->policy}}
                        .dump(2)
                        .c_str());
    } else {
        printLine(fmt::format("settings of {} (policy: {})", *uri, connection->policy));
        const nlohmann::json fields = toJson(settings);
        for (const auto &[key, value] : fields.items())
            printLine(fmt::format("  {:<28} {}", key, value.dump()));
    }
    return kExitOk;
}

int cmdPlugins(Env &env)
{
    nlohmann::json list = nlohmann::json::array();
    for (const auto &p : env.plugins) {
        if (env.json) {
            list.push_back({{"path", p.path.toStdString()},
                            {"id", p.id.toStdString()},
                            {"loaded", p.loaded},
                            {"reason", p.reason.toStdString()}});
        } else {
            printLine(fmt::format("{:<10} {:<8} {}{}", p.id.toStdString(), p.loaded ? "loaded" : "REFUSED",
                                  p.path.toStdString(), p.loaded ? "" : " — " + p.reason.toStdString()));
        }
    }
    if (env.json)
        std::printf("%s\n", list.dump(2).c_str());
    else if (env.plugins.isEmpty())
        printLine("no connector plugins found; set TIDEMARK_PLUGIN_DIR or reinstall Tidemark");
    return kExitOk;
}

} // namespace tidemark::cli
