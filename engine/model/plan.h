#pragma once
// Plans and their steps: what a person approves and the executor runs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/partition.h"

namespace tidemark {

enum class StepKind { Split, Merge };
enum class PlanStatus { Proposed, Approved, Rejected, Running, Done, Failed, RolledBack };
enum class StepStatus { Pending, Running, Done, Failed, RolledBack, Skipped };

const char *toString(StepKind);
const char *toString(PlanStatus);
const char *toString(StepStatus);
std::optional<StepKind> stepKindFromString(const std::string &);
std::optional<PlanStatus> planStatusFromString(const std::string &);
std::optional<StepStatus> stepStatusFromString(const std::string &);

/// A partition a step will create.
struct NewPartition {
    std::string name;
    KeyRange bounds;
    std::int64_t expectedRows = 0;
    std::int64_t expectedBytes = 0;
    double expectedWriteShare = 0.0; ///< share of the source's writes that land here
};

/// What a step is predicted to do, or (when measured) did.
struct StepEffect {
    std::int64_t bytesRewritten = 0;
    double lockSeconds = 0.0;
    /// Bytes the next incremental backup is expected to copy from the
    /// partitions involved, without and with the step.
    std::int64_t backupBytesBefore = 0;
    std::int64_t backupBytesAfter = 0;
    /// bytesRewritten spread over the backup cycles the layout should last.
    std::int64_t amortisedRewriteBytesPerCycle = 0;
    std::int64_t rowsMoved = 0;
};

struct Step {
    std::int64_t id = 0; ///< store id, 0 until saved
    std::string uid; ///< globally unique; recorded in the target database
    int ordinal = 0;
    StepKind kind = StepKind::Split;
    std::string table;
    std::vector<std::string> sources; ///< partitions consumed, in key order
    std::vector<NewPartition> targets; ///< partitions created, in key order
    std::string reason;
    StepEffect predicted;
    std::optional<StepEffect> measured;
    std::string sql; ///< exact SQL, as the connector will run it
    std::string fingerprint; ///< of the sources when planned
    StepStatus status = StepStatus::Pending;
    std::string error;
    std::string verification; ///< e.g. "rows 25000 = 25000, checksum equal"
    std::int64_t startedMs = 0;
    std::int64_t finishedMs = 0;
};

struct Plan {
    std::int64_t id = 0;
    std::string connectionUri;
    std::string kind = "prebackup";
    PlanStatus status = PlanStatus::Proposed;
    std::int64_t createdMs = 0;
    std::string createdBy;
    std::string approvedBy;
    std::string approval; ///< how: "interactive", "policy:<name>"
    std::int64_t approvedMs = 0;
    std::string summary;
    std::vector<Step> steps;
};

} // namespace tidemark
