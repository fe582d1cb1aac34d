#pragma once
// Policies: the standing approval a person gives a connection for unattended
// runs (cron, the agent). See docs/policies.md.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/maintenance_window.h"
#include "result.h"

namespace tidemark {

/// Ordered from narrowest to widest: a request may only move down this list.
enum class PolicyLevel { ReportOnly = 0, Safe = 1, Full = 2 };

const char *toString(PolicyLevel level);
std::optional<PolicyLevel> policyLevelFromString(std::string_view text);

/// What a person allowed for one connection. Limits apply to `safe` (and to a
/// busy database); unset limits fall back to the documented defaults.
struct Policy {
    static constexpr double kDefaultMaxLockSeconds = 10.0;
    static constexpr std::int64_t kDefaultMaxRewriteBytes = 1ll << 30;

    PolicyLevel level = PolicyLevel::ReportOnly;
    std::optional<double> maxLockSeconds;          ///< per step
    std::optional<std::int64_t> maxRewriteBytes;   ///< per step
    std::optional<MaintenanceWindow> window;       ///< none: any time
    /// Write rate (writes/s over all partitions) above which the database
    /// counts as busy; none: load is not considered.
    std::optional<double> busyWritesPerSecond;
    /// Active sessions (other than Tidemark's) above which the database
    /// counts as busy, where the connector reports them (PostgreSQL).
    std::optional<double> busyActiveSessions;

    double lockLimit() const { return maxLockSeconds.value_or(kDefaultMaxLockSeconds); }
    std::int64_t rewriteLimit() const { return maxRewriteBytes.value_or(kDefaultMaxRewriteBytes); }
    /// e.g. "safe (lock ≤ 5 s, rewrite ≤ 1.0 GiB per step, window Mon-Fri 01:00-05:00)"
    std::string describe() const;
};

/// The text stored in the connection's policy column: the bare level name
/// when nothing else is set (what older stores hold), JSON otherwise.
std::string policyToStored(const Policy &policy);
/// Parses the stored text; an unknown or malformed value is an error (the
/// caller then acts as report-only and says so).
Result<Policy> policyFromStored(const std::string &text);

/// What a flag or an agent request asks for; every field may only narrow.
struct PolicyRequest {
    std::optional<PolicyLevel> level;
    std::optional<double> maxLockSeconds;
    std::optional<std::int64_t> maxRewriteBytes;
    std::optional<double> busyWritesPerSecond;
    std::optional<double> busyActiveSessions;
};

/// The policy in force for one run: the stored one narrowed by the request.
/// Anything that would widen it is ignored and explained in `notes`.
/// Limits given with a `full` level narrow it to `safe` with those limits.
Policy narrowPolicy(const Policy &stored, const PolicyRequest &request, std::vector<std::string> &notes);

/// "10m", "90s", "1h30m", "500ms", "45" (seconds) → milliseconds.
Result<std::int64_t> parseDuration(std::string_view text);
/// "1.5 GiB" style.
std::string describeBytes(double bytes);

} // namespace tidemark
