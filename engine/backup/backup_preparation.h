#pragma once
// An unattended pre- or post-backup run under the connection's policy:
// plan, let the policy gate choose the steps (limits, deadline, window,
// load), approve them as the policy's standing approval, run them, and say
// whether the database is ready for the backup. Used by `tidemark-cli
// prebackup/postbackup` and the agent; see docs/policies.md.
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "connector.h"
#include "policy/load_figure.h"
#include "policy/policy.h"
#include "policy/policy_gate.h"
#include "store/metadata_store.h"

namespace tidemark {

enum class BackupPhase { PreBackup, PostBackup };

/// Progress of a run: stage "plan", "wait", "step" or "done".
struct PreparationEvent {
    std::string stage;
    std::int64_t planId = 0;
    int stepIndex = -1;        ///< 0-based index in the plan, for stage "step"
    int stepCount = 0;
    double fraction = 0.0;
    std::string status;        ///< step status for stage "step"
    std::string text;
};

struct PreparationRequest {
    std::string uri;
    BackupPhase phase = BackupPhase::PreBackup;
    PolicyRequest narrowing;
    std::int64_t deadlineMs = 10 * 60 * 1000; ///< from the start of the run
    std::optional<std::string> table;
    std::string requestedBy;                  ///< OS user, "agent", …
    int lockTimeoutMs = 5000;
    /// How long to wait for a busy database to calm down (within the deadline).
    std::int64_t waitWhenBusyMs = 0;
    /// Injectable clock (ms since the epoch) and sleep; defaults are real.
    std::function<std::int64_t()> clock;
    std::function<void(std::int64_t, std::stop_token)> sleep;
    /// Cancel: no new step starts; the running one finishes (or, if the
    /// connector notices first, rolls back whole).
    std::stop_token stop;
    std::function<void(const PreparationEvent &)> onEvent;
    /// A plan a person reviewed and approves now (the desktop's "Approve and
    /// execute"): it runs as proposed instead of a fresh plan, approved by
    /// `requestedBy` with `approval` as the how. The person's approval stands
    /// in for the policy's, so the policy's limits do not apply; the deadline
    /// does, as for every run. 0: plan afresh under the policy.
    std::int64_t approvedPlanId = 0;
    std::string approval;
};

struct PreparationResult {
    bool ready = false;
    /// "ready", "deadline-too-short", "outside-window", "busy", "cancelled",
    /// "locked", "stale-plan", "step-failed".
    std::string reason;
    std::string message;                ///< one line for a person
    std::optional<Error> error;         ///< the failure behind a not-ready, if any
    std::string storedPolicy;           ///< as stored for the connection
    Policy policy;                      ///< in force for this run
    std::vector<std::string> notes;
    /// The plan that ran, as stored afterwards: the proposal itself, or (when
    /// the policy admitted only some steps) a plan of just those. id 0: none.
    Plan plan;
    std::int64_t proposedPlanId = 0;    ///< the full proposal; gate.decisions follow its steps
    std::vector<Step> proposedSteps;    ///< its steps, for reports
    GateResult gate;
    double loadWritesPerSecond = 0.0;
    /// The connector's own load figure (PostgreSQL: active sessions); none
    /// where it reports none (SQLite).
    std::optional<LoadFigure> load;
    int stepsDone = 0;
    int stepsSkipped = 0;
    std::int64_t backupBytesBefore = 0; ///< predicted, over the steps that ran
    std::int64_t backupBytesAfter = 0;
    std::int64_t startedMs = 0;
    std::int64_t deadlineAtMs = 0;
};

/// Errors are returned only for what stops the run before it can report
/// (store or connector unusable, bad table, unknown approved plan);
/// everything else is a result. The one rule for every caller (CLI, agent,
/// desktop): no step starts that would not finish before the deadline, and
/// only a run whose started steps all finished is ready.
Result<PreparationResult> prepareForBackup(Connector &connector, MetadataStore &store,
                                           const PreparationRequest &request);

/// The standing approval text of the connection's current policy, from the
/// audit: "standing approval by <who> at <time>".
std::string standingApproval(MetadataStore &store, const std::string &uri);

} // namespace tidemark
