#pragma once
// Plans and their steps: what a person approves and the executor runs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/step.h"

namespace tidemark {

/// Superseded: a newer plan was made for the same partitions while this one
/// was still open (proposed or approved); it can no longer be approved or run.
enum class PlanStatus { Proposed, Approved, Rejected, Running, Done, Failed, RolledBack, Superseded };

const char *toString(PlanStatus);
std::optional<PlanStatus> planStatusFromString(const std::string &);

struct Plan {
    std::int64_t id = 0;
    std::string connectionUri; ///< the plan's home node; steps name others in Step::node / payloads
    std::string kind = "prebackup";
    PlanStatus status = PlanStatus::Proposed;
    std::int64_t createdMs = 0;
    std::string createdBy;
    std::string approvedBy;
    std::string approval; ///< how: "interactive", "policy:<name>"
    std::int64_t approvedMs = 0;
    std::string summary;
    std::vector<Step> steps;

    /// Every node (connection URI) the plan's steps run on or record in,
    /// the home node first.
    std::vector<std::string> nodes() const;
};

} // namespace tidemark
