// segments, compact, archive, restore-archive: the log segments of a database — their
// figures and queues — and the plans that compact or archive a segment or load it back.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "cli.h"
#include "json_output.h"
#include "model/key_value.h"
#include "monitor/activity_scan.h"
#include "policy/policy.h"
#include "segments/segment_compaction.h"
#include "segments/segment_survey.h"

namespace tidemark::cli {

void printPlan(const Plan &plan);

namespace {

tl::unexpected<Error> badSetting(std::string message)
{
    return fail(ErrorCode::InvalidArgument, std::move(message),
                "see docs/log-segments.md, \"Settings\", for the keys and their values");
}

/// "10G", "512M", "0", "1048576": bytes (K/M/G/T as powers of 1024).
Result<std::int64_t> sizeValue(const std::string &key, const std::string &text)
{
    std::size_t used = 0;
    double number = -1;
    try {
        if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0])))
            number = std::stod(text, &used);
    } catch (const std::exception &) {
    }
    std::string unit = text.substr(std::min(used, text.size()));
    for (char &c : unit)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    if (unit.size() > 1 && (unit.substr(1) == "B" || unit.substr(1) == "IB"))
        unit = unit.substr(0, 1);
    const std::string units = "KMGT";
    double scale = 1;
    if (!unit.empty() && unit != "B") {
        const auto at = units.find(unit[0]);
        if (at == std::string::npos || unit.size() != 1)
            number = -1;
        scale = std::pow(1024.0, double(at + 1));
    }
    if (number < 0 || !std::isfinite(number * scale) || number * scale >= 9.2e18)
        return badSetting(fmt::format("{} takes a size such as 10G, 512M or 0, not \"{}\"", key, text));
    return std::int64_t(std::llround(number * scale));
}

Result<double> numberValue(const std::string &key, const std::string &text, double lo, double hi)
{
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && v >= lo && v <= hi)
            return v;
    } catch (const std::exception &) {
    }
    return badSetting(fmt::format("{} takes a number from {} to {}, not \"{}\"", key, lo, hi, text));
}

Result<void> applySegmentSetting(SegmentSettings &s, const std::string &assignment)
{
    const auto eq = assignment.find('=');
    if (eq == std::string::npos)
        return badSetting(fmt::format("--set takes KEY=VALUE, not \"{}\"", assignment));
    const std::string key = assignment.substr(0, eq), value = assignment.substr(eq + 1);
    auto duration = [&](std::int64_t &into, bool zeroOk) -> Result<void> {
        if (zeroOk && value == "0") {
            into = 0;
            return {};
        }
        auto d = parseDuration(value);
        if (!d || *d <= 0)
            return badSetting(fmt::format("{} takes a duration such as 30d, 12h or 90m, not \"{}\"", key, value));
        into = *d;
        return {};
    };
    auto size = [&](std::int64_t &into) -> Result<void> {
        auto v = sizeValue(key, value);
        if (!v)
            return tl::unexpected(v.error());
        into = *v;
        return {};
    };
    if (key == "smoothing") {
        auto v = growthSmoothingFromString(value);
        if (!v)
            return badSetting(fmt::format("smoothing is ewma or holt, not \"{}\"", value));
        s.smoothing = *v;
        return {};
    }
    if (key == "alpha" || key == "beta") {
        auto v = numberValue(key, value, 0.01, 1.0);
        if (!v)
            return tl::unexpected(v.error());
        (key == "alpha" ? s.alpha : s.beta) = *v;
        return {};
    }
    if (key == "compact-threshold") {
        auto v = numberValue(key, value, 0.0, 100.0);
        if (!v)
            return tl::unexpected(v.error());
        s.compactThreshold = *v;
        return {};
    }
    if (key == "peak-active-sessions") {
        auto v = numberValue(key, value, 0, 100000);
        if (!v || std::floor(*v) != *v)
            return badSetting(fmt::format("peak-active-sessions takes a whole number, not \"{}\"", value));
        s.peakActiveSessions = int(*v);
        return {};
    }
    if (key == "keep-detached") {
        if (value != "yes" && value != "no")
            return badSetting(fmt::format("keep-detached is yes or no, not \"{}\"", value));
        s.keepDetached = value == "yes";
        return {};
    }
    if (key == "keep-latest") {
        // Columns of a change log's key; "" or "none" turns key compaction off.
        s.keepLatestBy.clear();
        if (value.empty() || value == "none")
            return {};
        std::size_t from = 0;
        for (;;) {
            const auto comma = value.find(',', from);
            std::string column = value.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
            if (column.empty())
                return badSetting(fmt::format("keep-latest takes column names separated by commas, not \"{}\"", value));
            s.keepLatestBy.push_back(std::move(column));
            if (comma == std::string::npos)
                break;
            from = comma + 1;
        }
        return {};
    }
    if (key == "merge-below")
        return size(s.mergeBelowBytes);
    if (key == "merge-target")
        return size(s.mergeTargetBytes);
    if (key == "window")
        return duration(s.windowMs, false);
    if (key == "horizon")
        return duration(s.horizonMs, true);
    if (key == "time-to-archive")
        return duration(s.timeToArchiveMs, false);
    if (key == "archive-threshold")
        return size(s.archiveThresholdBytes);
    if (key == "free-space-margin")
        return size(s.freeSpaceMarginBytes);
    if (key == "io-cap")
        return size(s.ioCapBytesPerSecond);
    return badSetting(fmt::format("unknown segment setting \"{}\"", key));
}

std::string timeText(std::int64_t ms)
{
    return ms > 0 ? formatTime(ms) : std::string("-");
}

nlohmann::json figuresJson(const SegmentFigures &f, KeyType keyType)
{
    return {{"partition", f.partition},
            {"bounds", toJson(f.bounds, keyType)},
            {"state", toString(f.state)},
            {"bytes", f.bytes},
            {"rows", f.rows},
            {"growth_bytes_per_hour", f.growthBytesPerHour},
            {"growth_samples", f.growthSamples},
            {"dead_bytes", f.deadBytes},
            {"dead_rows", f.deadRows},
            {"dead_source", f.deadSource},
            {"load", f.load},
            {"priority", f.priority},
            {"priority_reason", f.priorityReason},
            {"predicted_at_ms", f.predictedAtMs},
            {"predicted_bytes", f.predictedBytes},
            {"predicted_lower95", f.predictedLower95},
            {"predicted_upper95", f.predictedUpper95},
            {"prediction_model", f.predictionModel}};
}

nlohmann::json settingsJson(const SegmentSettings &s)
{
    return {{"smoothing", toString(s.smoothing)},
            {"alpha", s.alpha},
            {"beta", s.beta},
            {"window_ms", s.windowMs},
            {"horizon_ms", s.horizonMs},
            {"time_to_archive_ms", s.timeToArchiveMs},
            {"archive_threshold_bytes", s.archiveThresholdBytes},
            {"free_space_margin_bytes", s.freeSpaceMarginBytes},
            {"keep_detached", s.keepDetached},
            {"compact_threshold", s.compactThreshold},
            {"peak_active_sessions", s.peakActiveSessions},
            {"io_cap_bytes_per_second", s.ioCapBytesPerSecond},
            {"keep_latest_by", s.keepLatestBy},
            {"merge_below_bytes", s.mergeBelowBytes},
            {"merge_target_bytes", s.mergeTargetBytes}};
}

void printSurvey(const SegmentSurvey &survey)
{
    std::printf("segments at %s%s\n", formatTime(survey.takenMs).c_str(),
                survey.load
                    ? fmt::format("; load {} ({:.0f} % of peak)", survey.load->text, 100 * survey.loadShare).c_str()
                    : "; no load figure (load counts as 0)");
    for (const auto &t : survey.tables) {
        std::printf("\n%s (key %s): %zu segments, %s\n", t.table.c_str(), t.keyColumn.c_str(), t.segments.size(),
                    humanBytes(double(t.bytes)).c_str());
        if (!t.leftAlone.empty())
            std::printf("  left alone (never queued for compaction or archival): %s\n", t.leftAlone.c_str());
        if (t.settings.freeSpaceMarginBytes > 0)
            std::printf("  free space predicted at its time to archive: %s (margin %s)\n",
                        t.predictedFreeBytes
                            ? fmt::format("{} — {}", humanBytes(std::max(0.0, *t.predictedFreeBytes)),
                                          t.freeSpaceSource)
                                  .c_str()
                            : "unknown — state the node's disk with tidemark-cli nodes add NAME URI --disk SIZE",
                        humanBytes(double(t.settings.freeSpaceMarginBytes)).c_str());
        if (t.settings.archiveThresholdBytes > 0)
            std::printf("  predicted at its time to archive %s: %s (95 %%: %s … %s, %s), threshold %s%s\n",
                        formatTime(t.archiveByMs).c_str(), humanBytes(t.predictedBytes).c_str(),
                        humanBytes(t.predictedLower95).c_str(), humanBytes(t.predictedUpper95).c_str(),
                        t.predictionModel.c_str(), humanBytes(double(t.settings.archiveThresholdBytes)).c_str(),
                        t.crossingMs > 0 ? (", passing it at " + formatTime(t.crossingMs)).c_str() : "");
        else
            std::printf("  predicted at %s: %s (%s); no archive threshold set\n", formatTime(t.archiveByMs).c_str(),
                        humanBytes(t.predictedBytes).c_str(), t.predictionModel.c_str());
        std::printf("  %-28s %-28s %-7s %10s %10s %12s %10s %6s  %s\n", "segment", "range", "state", "size", "rows",
                    "growth/h", "dead", "prio", "predicted (95 %)");
        for (const auto &f : t.segments)
            std::printf("  %-28s %-28s %-7s %10s %10lld %12s %10s %6.1f  %s (%s … %s)\n", f.partition.c_str(),
                        describeRange(f.bounds, t.keyType).c_str(), toString(f.state),
                        humanBytes(double(f.bytes)).c_str(), static_cast<long long>(f.rows),
                        humanBytes(f.growthBytesPerHour).c_str(), humanBytes(double(f.deadBytes)).c_str(), f.priority,
                        humanBytes(f.predictedBytes).c_str(), humanBytes(f.predictedLower95).c_str(),
                        humanBytes(f.predictedUpper95).c_str());
    }
    std::printf("\ncompaction queue:%s\n", survey.compactionQueue.empty() ? " empty" : "");
    for (const auto &f : survey.compactionQueue)
        std::printf("  %.1f  %s %s — %s\n", f.priority, f.table.c_str(), f.partition.c_str(), f.priorityReason.c_str());
    std::printf("archive queue:%s\n", survey.archiveQueue.empty() ? " empty" : "");
    for (const auto &c : survey.archiveQueue)
        std::printf(
            "  %s %s (%s)%s\n", c.table.c_str(), c.partition.c_str(), humanBytes(double(c.bytes)).c_str(),
            c.crossingMs > 0 && c.crossingMs <= c.archiveByMs
                ? fmt::format(" — predicted to pass the threshold at {}, before its time", timeText(c.crossingMs))
                      .c_str()
                : "");
}

int printProposedPlan(const Env &env, const Plan &plan)
{
    if (env.json) {
        std::printf("%s\n", toJson(plan).dump(2).c_str());
        return kExitOk;
    }
    if (plan.steps.empty()) {
        std::printf("%s\n", plan.summary.c_str());
        return kExitOk;
    }
    printPlan(plan);
    std::printf("\napprove it with: tidemark-cli approve %lld, then run it with: tidemark-cli apply %lld\n",
                static_cast<long long>(plan.id), static_cast<long long>(plan.id));
    return kExitOk;
}

} // namespace

int cmdSegments(Env &env)
{
    if (env.args.positional.size() != 1)
        return usageError(env, "segments needs exactly one database URI");
    const std::string table = env.args.value("--table");
    const auto sets = env.args.values("--set");
    if (!sets.empty() && table.empty())
        return usageError(env, "--set needs --table: settings are per log table");
    auto db = openDatabase(env, env.args.positional[0]);
    if (!db)
        return report(env, db.error());
    if (!sets.empty()) {
        if (auto t = db->connector->describe(table); !t)
            return report(env, t.error());
        auto settings = db->store->segmentSettings(db->connection.id, table);
        if (!settings)
            return report(env, settings.error());
        for (const auto &s : sets)
            if (auto ok = applySegmentSetting(*settings, s); !ok)
                return report(env, ok.error());
        if (auto ok = db->store->saveSegmentSettings(db->connection.id, table, *settings, env.who); !ok)
            return report(env, ok.error());
    }
    auto survey = surveySegments(*db->connector, *db->store, db->connection, table, runClock()());
    if (!survey)
        return report(env, survey.error());
    if (!env.json) {
        printSurvey(*survey);
        return kExitOk;
    }
    nlohmann::json tables = nlohmann::json::array();
    for (const auto &t : survey->tables) {
        nlohmann::json segs = nlohmann::json::array();
        for (const auto &f : t.segments)
            segs.push_back(figuresJson(f, t.keyType));
        tables.push_back({{"table", t.table},
                          {"key_column", t.keyColumn},
                          {"key_type", toString(t.keyType)},
                          {"bytes", t.bytes},
                          {"settings", settingsJson(t.settings)},
                          {"archive_by_ms", t.archiveByMs},
                          {"predicted_bytes", t.predictedBytes},
                          {"predicted_lower95", t.predictedLower95},
                          {"predicted_upper95", t.predictedUpper95},
                          {"prediction_model", t.predictionModel},
                          {"prediction_note", t.predictionNote},
                          {"crossing_ms", t.crossingMs},
                          {"left_alone", t.leftAlone},
                          {"predicted_free_bytes",
                           t.predictedFreeBytes ? nlohmann::json(*t.predictedFreeBytes) : nlohmann::json(nullptr)},
                          {"free_space_source", t.freeSpaceSource},
                          {"segments", segs}});
    }
    nlohmann::json compaction = nlohmann::json::array(), archive = nlohmann::json::array();
    for (const auto &f : survey->compactionQueue)
        compaction.push_back(
            {{"table", f.table}, {"partition", f.partition}, {"priority", f.priority}, {"reason", f.priorityReason}});
    for (const auto &c : survey->archiveQueue)
        archive.push_back({{"table", c.table},
                           {"partition", c.partition},
                           {"bytes", c.bytes},
                           {"crossing_ms", c.crossingMs},
                           {"archive_by_ms", c.archiveByMs},
                           {"before_its_time", c.crossingMs > 0 && c.crossingMs <= c.archiveByMs}});
    nlohmann::json out{{"taken_ms", survey->takenMs},    {"load_share", survey->loadShare},
                       {"at_peak", survey->atPeak},      {"tables", tables},
                       {"compaction_queue", compaction}, {"archive_queue", archive}};
    if (survey->load)
        out["load"] = survey->load->text;
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
}

int cmdArchive(Env &env)
{
    if (env.args.positional.size() != 1)
        return usageError(env, "archive needs exactly one database URI");
    if (!env.args.has("--to"))
        return usageError(env, "archive needs --to DIR, the folder that receives the archive files");
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::absolute(env.args.value("--to"), ec);
    auto db = openDatabase(env, env.args.positional[0]);
    if (!db)
        return report(env, db.error());
    const std::string table = env.args.value("--table");
    auto survey = surveySegments(*db->connector, *db->store, db->connection, table, runClock()());
    if (!survey)
        return report(env, survey.error());
    if (survey->atPeak)
        return report(env,
                      Error{ErrorCode::Busy,
                            fmt::format("the database is at peak load ({}); archival waits", survey->load->text),
                            "try again when the load is lower, or raise peak-active-sessions"});
    ArchivePlanRequest request;
    request.table = table;
    request.partition = env.args.value("--partition");
    request.toDirectory = dir.string();
    request.requestedBy = env.who;
    request.nowMs = runClock()();
    auto plan = planArchive(*db->connector, *db->store, db->connection, *survey, request);
    if (!plan)
        return report(env, plan.error());
    return printProposedPlan(env, *plan);
}

int cmdCompact(Env &env)
{
    if (env.args.positional.size() != 1)
        return usageError(env, "compact needs exactly one database URI");
    const std::string table = env.args.value("--table");
    const std::string partition = env.args.value("--partition");
    if (!partition.empty() && table.empty())
        return usageError(env, "--partition needs --table: name the table the segment belongs to");
    auto db = openDatabase(env, env.args.positional[0]);
    if (!db)
        return report(env, db.error());
    auto survey = surveySegments(*db->connector, *db->store, db->connection, table, runClock()());
    if (!survey)
        return report(env, survey.error());
    if (survey->atPeak && partition.empty())
        return report(env,
                      Error{ErrorCode::Busy,
                            fmt::format("the database is at peak load ({}); compaction waits", survey->load->text),
                            "try again when the load is lower, name one segment with --partition, or raise "
                            "peak-active-sessions"});
    CompactionPlanRequest request;
    request.table = table;
    request.partition = partition;
    request.requestedBy = env.who;
    request.nowMs = runClock()();
    auto plan = planCompaction(*db->connector, *db->store, db->connection, *survey, request);
    if (!plan)
        return report(env, plan.error());
    return printProposedPlan(env, *plan);
}

int cmdRestoreArchive(Env &env)
{
    if (env.args.positional.size() != 2)
        return usageError(env, "restore-archive needs a database URI and an archive's manifest file");
    std::error_code ec;
    const std::filesystem::path manifest = std::filesystem::absolute(env.args.positional[1], ec);
    auto db = openDatabase(env, env.args.positional[0]);
    if (!db)
        return report(env, db.error());
    auto plan =
        planRestoreArchive(*db->connector, *db->store, db->connection, manifest.string(), env.who, runClock()());
    if (!plan)
        return report(env, plan.error());
    return printProposedPlan(env, *plan);
}

} // namespace tidemark::cli
