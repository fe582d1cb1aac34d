#include "policy/policy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tidemark {

using nlohmann::json;

const char *toString(PolicyLevel level)
{
    switch (level) {
    case PolicyLevel::ReportOnly: return "report-only";
    case PolicyLevel::Safe: return "safe";
    case PolicyLevel::Full: return "full";
    }
    return "report-only";
}

std::optional<PolicyLevel> policyLevelFromString(std::string_view text)
{
    if (text == "report-only")
        return PolicyLevel::ReportOnly;
    if (text == "safe")
        return PolicyLevel::Safe;
    if (text == "full")
        return PolicyLevel::Full;
    return std::nullopt;
}

std::string describeBytes(double bytes)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 4) {
        bytes /= 1024.0;
        ++u;
    }
    return u == 0 ? fmt::format("{:.0f} {}", bytes, units[u]) : fmt::format("{:.1f} {}", bytes, units[u]);
}

std::string Policy::describe() const
{
    std::vector<std::string> parts;
    if (level == PolicyLevel::Safe)
        parts.push_back(fmt::format("lock ≤ {}, rewrite ≤ {} per step{}",
                                    std::isinf(lockLimit()) ? std::string("any") : fmt::format("{:g} s", lockLimit()),
                                    rewriteLimit() == std::numeric_limits<std::int64_t>::max()
                                        ? std::string("any")
                                        : describeBytes(static_cast<double>(rewriteLimit())),
                                    maxLockSeconds || maxRewriteBytes ? "" : " (defaults)"));
    if (window)
        parts.push_back("window " + window->text());
    if (busyWritesPerSecond)
        parts.push_back(fmt::format("busy above {:g} writes/s", *busyWritesPerSecond));
    if (busyActiveSessions)
        parts.push_back(fmt::format("busy above {:g} active sessions", *busyActiveSessions));
    std::string out = toString(level);
    if (!parts.empty()) {
        out += " (";
        for (std::size_t i = 0; i < parts.size(); ++i)
            out += (i ? ", " : "") + parts[i];
        out += ")";
    }
    return out;
}

std::string policyToStored(const Policy &policy)
{
    if (!policy.maxLockSeconds && !policy.maxRewriteBytes && !policy.window && !policy.busyWritesPerSecond &&
        !policy.busyActiveSessions)
        return toString(policy.level);
    json j = {{"level", toString(policy.level)}};
    if (policy.maxLockSeconds)
        j["max_lock_seconds"] = *policy.maxLockSeconds;
    if (policy.maxRewriteBytes)
        j["max_rewrite_bytes"] = *policy.maxRewriteBytes;
    if (policy.window)
        j["window"] = policy.window->text();
    if (policy.busyWritesPerSecond)
        j["busy_writes_per_second"] = *policy.busyWritesPerSecond;
    if (policy.busyActiveSessions)
        j["busy_active_sessions"] = *policy.busyActiveSessions;
    return j.dump();
}

Result<Policy> policyFromStored(const std::string &text)
{
    const auto unusable = [&](const std::string &why) {
        return fail(ErrorCode::InvalidArgument, fmt::format("the stored policy \"{}\" is unusable: {}", text, why),
                    "set it again with tidemark-cli policy URI --set report-only|safe|full");
    };
    Policy policy;
    if (text.empty() || text.front() != '{') {
        const auto level = policyLevelFromString(text);
        if (!level)
            return unusable("not report-only, safe or full");
        policy.level = *level;
        return policy;
    }
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("level") || !j["level"].is_string())
        return unusable("not a policy document");
    const auto level = policyLevelFromString(j["level"].get<std::string>());
    if (!level)
        return unusable("unknown level");
    policy.level = *level;
    if (j.contains("max_lock_seconds")) {
        if (!j["max_lock_seconds"].is_number() || j["max_lock_seconds"].get<double>() < 0)
            return unusable("max_lock_seconds is not a number ≥ 0");
        policy.maxLockSeconds = j["max_lock_seconds"].get<double>();
    }
    if (j.contains("max_rewrite_bytes")) {
        if (!j["max_rewrite_bytes"].is_number_integer() || j["max_rewrite_bytes"].get<std::int64_t>() < 0)
            return unusable("max_rewrite_bytes is not a whole number ≥ 0");
        policy.maxRewriteBytes = j["max_rewrite_bytes"].get<std::int64_t>();
    }
    if (j.contains("busy_writes_per_second")) {
        if (!j["busy_writes_per_second"].is_number() || j["busy_writes_per_second"].get<double>() < 0)
            return unusable("busy_writes_per_second is not a number ≥ 0");
        policy.busyWritesPerSecond = j["busy_writes_per_second"].get<double>();
    }
    if (j.contains("busy_active_sessions")) {
        if (!j["busy_active_sessions"].is_number() || j["busy_active_sessions"].get<double>() < 0)
            return unusable("busy_active_sessions is not a number ≥ 0");
        policy.busyActiveSessions = j["busy_active_sessions"].get<double>();
    }
    if (j.contains("window")) {
        if (!j["window"].is_string())
            return unusable("window is not text");
        auto window = MaintenanceWindow::parse(j["window"].get<std::string>());
        if (!window)
            return unusable(window.error().message);
        policy.window = std::move(*window);
    }
    return policy;
}

Policy narrowPolicy(const Policy &stored, const PolicyRequest &request, std::vector<std::string> &notes)
{
    Policy p = stored;
    if (request.level) {
        if (*request.level > stored.level)
            notes.push_back(fmt::format("requested policy {} is wider than the stored policy {}; running as {}",
                                        toString(*request.level), toString(stored.level), toString(stored.level)));
        else
            p.level = *request.level;
    }
    const bool limitsGiven = request.maxLockSeconds || request.maxRewriteBytes;
    // Under a stored `full` any limit is narrower; under `safe` only a tighter one.
    const bool storedUnlimited = stored.level == PolicyLevel::Full;
    if (request.maxLockSeconds) {
        if (!storedUnlimited && *request.maxLockSeconds > stored.lockLimit())
            notes.push_back(fmt::format("requested lock limit {:g} s is looser than the stored {:g} s; keeping {:g} s",
                                        *request.maxLockSeconds, stored.lockLimit(), stored.lockLimit()));
        else
            p.maxLockSeconds = *request.maxLockSeconds;
    }
    if (request.maxRewriteBytes) {
        if (!storedUnlimited && *request.maxRewriteBytes > stored.rewriteLimit())
            notes.push_back(fmt::format("requested rewrite limit {} is looser than the stored {}; keeping {}",
                                        describeBytes(static_cast<double>(*request.maxRewriteBytes)),
                                        describeBytes(static_cast<double>(stored.rewriteLimit())),
                                        describeBytes(static_cast<double>(stored.rewriteLimit()))));
        else
            p.maxRewriteBytes = *request.maxRewriteBytes;
    }
    if (limitsGiven && p.level == PolicyLevel::Full) {
        // Under full the plan runs whole; limits can only make that narrower.
        p.level = PolicyLevel::Safe;
        if (!request.maxLockSeconds)
            p.maxLockSeconds = std::numeric_limits<double>::infinity();
        if (!request.maxRewriteBytes)
            p.maxRewriteBytes = std::numeric_limits<std::int64_t>::max();
        notes.push_back("limits given with policy full: running as safe with those limits");
    }
    if (request.busyWritesPerSecond) {
        if (stored.busyWritesPerSecond && *request.busyWritesPerSecond > *stored.busyWritesPerSecond)
            notes.push_back(fmt::format("requested busy threshold {:g} writes/s is looser than the stored {:g}; "
                                        "keeping {:g}",
                                        *request.busyWritesPerSecond, *stored.busyWritesPerSecond,
                                        *stored.busyWritesPerSecond));
        else
            p.busyWritesPerSecond = *request.busyWritesPerSecond;
    }
    if (request.busyActiveSessions) {
        if (stored.busyActiveSessions && *request.busyActiveSessions > *stored.busyActiveSessions)
            notes.push_back(fmt::format("requested busy threshold {:g} active sessions is looser than the stored "
                                        "{:g}; keeping {:g}",
                                        *request.busyActiveSessions, *stored.busyActiveSessions,
                                        *stored.busyActiveSessions));
        else
            p.busyActiveSessions = *request.busyActiveSessions;
    }
    return p;
}

Result<std::int64_t> parseDuration(std::string_view text)
{
    const auto bad = [&] {
        return fail(ErrorCode::InvalidArgument, fmt::format("\"{}\" is not a duration", text),
                    "write e.g. 10m, 90s, 1h30m, 500ms, or a number of seconds");
    };
    if (text.empty() || text.size() > 32)
        return bad();
    double total = 0.0;
    std::size_t i = 0;
    bool any = false;
    while (i < text.size()) {
        std::size_t j = i;
        while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.'))
            ++j;
        if (j == i)
            return bad();
        double number = 0.0;
        try {
            number = std::stod(std::string(text.substr(i, j - i)));
        } catch (const std::exception &) {
            return bad();
        }
        std::size_t k = j;
        while (k < text.size() && std::isalpha(static_cast<unsigned char>(text[k])))
            ++k;
        const std::string_view unit = text.substr(j, k - j);
        double factor = 0.0;
        if (unit.empty() || unit == "s")
            factor = 1000.0;
        else if (unit == "ms")
            factor = 1.0;
        else if (unit == "m" || unit == "min")
            factor = 60'000.0;
        else if (unit == "h")
            factor = 3'600'000.0;
        else
            return bad();
        if (unit.empty() && k != text.size())
            return bad();
        total += number * factor;
        any = true;
        i = k;
    }
    if (!any || !std::isfinite(total) || total > 366.0 * 86400'000.0)
        return bad();
    return static_cast<std::int64_t>(std::llround(total));
}

} // namespace tidemark
