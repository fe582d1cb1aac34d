#pragma once
// Post-backup rebalance plan: scan, compare each partition's volatility with
// the start of the backup cycle, and store the few steps that change pays
// for (engine/backup/postbackup_planner.h).
#include "planning/plan_builder.h"

namespace tidemark {

/// Like buildPreBackupPlan, for a plan of kind "postbackup".
Result<PlanOutcome> buildPostBackupPlan(Connector &connector, MetadataStore &store, const Connection &connection,
                                        const PlanRequest &request);

} // namespace tidemark
