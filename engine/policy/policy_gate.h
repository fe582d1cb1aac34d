#pragma once
// The policy gate: which steps of a plan an unattended run may start, given
// the policy in force, the clock, the deadline, the maintenance window and
// the database's load. Pure: no I/O, no waiting; the caller brings the clock.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/plan.h"
#include "policy/policy.h"

namespace tidemark {

/// Why a run is or is not ready for the backup (stable words for scripts).
enum class Readiness {
    Ready,             ///< nothing in flight; the backup may start
    DeadlineTooShort,  ///< steps were admitted by the policy but none fits before the deadline
    OutsideWindow,     ///< the policy would run steps but the maintenance window is closed
    Busy,              ///< the database stayed busy and nothing could run in time
};
const char *toString(Readiness readiness);

struct StepDecision {
    int ordinal = 0;
    bool run = false;
    double predictedSeconds = 0.0;  ///< lock estimate × margin + overhead
    std::string reason;             ///< why it runs or why not, in a DBA's words
};

struct GateInput {
    std::vector<Step> steps;        ///< pending steps, in plan order
    Policy policy;                  ///< already narrowed
    std::int64_t nowMs = 0;
    std::int64_t deadlineMs = 0;
    /// Writes/s over all partitions as last observed; none if unknown.
    std::optional<double> loadWritesPerSecond;
    /// Other sessions running a statement, where the connector reports them.
    std::optional<double> activeSessions;
};

struct GateResult {
    std::vector<StepDecision> decisions; ///< one per input step, same order
    Readiness readiness = Readiness::Ready;
    std::string summary;             ///< one line: what runs and why the rest does not
    bool windowOpen = true;
    std::int64_t windowOpensAtMs = 0;
    std::int64_t effectiveEndMs = 0; ///< earlier of the deadline and the window's close
    bool busy = false;
    int toRun = 0;
    /// Step ordinals admitted by the policy and the limits, deadline aside.
    int admittedByPolicy = 0;
};

class PolicyGate {
public:
    static constexpr double kDurationMargin = 1.25;   ///< predictions err short
    static constexpr double kStepOverheadSeconds = 0.25;
    /// Under load, limits (and for `full` the plan's bytes) shrink to this share.
    static constexpr double kBusyShare = 0.25;

    /// Predicted wall time of a step: its lock estimate (the whole step is
    /// under lock on SQLite; an upper bound elsewhere) × margin + overhead.
    static double predictedSeconds(const Step &step);
    static GateResult decide(const GateInput &input);
    /// Whether the next step still fits when it is about to start.
    static bool fitsBefore(const Step &step, std::int64_t nowMs, std::int64_t endMs);
};

} // namespace tidemark
