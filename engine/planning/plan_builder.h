#pragma once
// Plan: from fresh scores and key histograms to a stored pre-backup plan
// whose every step carries its reason, predicted effect, exact SQL and the
// fingerprint of the partitions it touches.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "connector.h"
#include "model/plan.h"
#include "store/metadata_store.h"
#include "monitor/activity_scan.h"

namespace tidemark {

struct PlanRequest {
    std::optional<std::string> table;  ///< only this table; all partitioned tables otherwise
    std::string requestedBy;           ///< OS user or "policy:<name>"
    std::int64_t nowMs = 0;
};

/// What the plan leaves out, and why: a table whose planning failed (no
/// partitions named), or partitions the planner leaves alone (a cool-down, a
/// merge that would not pay for its rewrite).
struct SkippedTable {
    std::string table;
    std::string reason; ///< the error's message (and what to do)
    std::vector<std::string> partitions; ///< empty: the whole table
};

struct PlanOutcome {
    Plan plan;                 ///< id 0 and no steps when nothing is proposed
    ScanResult scan;           ///< what the plan was made from
    std::vector<std::string> notes; ///< e.g. tables skipped and why
    /// Tables whose planning failed (the other tables are planned all the
    /// same), then partitions left alone with the reason.
    std::vector<SkippedTable> skipped;
};

/// Scans, plans every (or one) partitioned table and stores the plan when it
/// has steps. A named table that is not partitioned is an error.
Result<PlanOutcome> buildPreBackupPlan(Connector &connector, MetadataStore &store, const Connection &connection,
                                       const PlanRequest &request);

/// What a plan's steps add up to, for its summary.
struct PlanTotals {
    int steps = 0;
    int splits = 0;
    int merges = 0;
    std::int64_t backupBytesBefore = 0;
    std::int64_t backupBytesAfter = 0;
    std::int64_t bytesRewritten = 0;
};

/// Plans one partitioned table from a fresh scan (steps not yet numbered).
using TablePlanner = std::function<Result<std::vector<Step>>(const PartitionedTable &, const ScanResult &,
                                                             std::int64_t nowMs)>;

/// The loop every planner shares: refuse a named table that is not a
/// partitioned family, scan, plan each plannable table with `planOneTable`
/// (a table whose planning fails is listed in `skipped` and `notes`, the
/// others are planned; only a stop request or a failing store ends it),
/// number the steps, summarise, and store and audit the plan when it has
/// steps. `summarize` also words the empty plan (totals.steps == 0).
Result<PlanOutcome> assemblePlan(Connector &connector, MetadataStore &store, const Connection &connection,
                                 const PlanRequest &request, const std::string &kind, const TablePlanner &planOneTable,
                                 const std::function<std::string(const PlanTotals &)> &summarize);

/// A fresh random 128-bit identifier in hex.
std::string newUid();

/// Gives planned steps what approval and execution need from the connector:
/// a uid, names for the new partitions, the fingerprint of the sources and
/// the exact SQL the step will run.
Result<void> prepareStepsForApproval(Connector &connector, const std::string &table, std::vector<Step> &steps);

} // namespace tidemark
