#pragma once
// Approval is a person's act (or a policy's standing approval): recorded
// with who and how, and audited.
#include <string>
#include <vector>

#include "store/metadata_store.h"

namespace tidemark {

/// proposed → approved. `how` is e.g. "interactive (tidemark-cli approve)".
/// Steps whose ordinals (1-based, as shown) are in `leaveOut` are marked
/// skipped with the reason Step::kLeftOutAtApproval and never run. Refused,
/// with nothing changed, when a number names no step, when every step would
/// be left out, or when a step kept needs a partition a left-out step makes.
/// A superseded plan is refused naming the newer plan.
Result<Plan> approvePlan(MetadataStore &store, std::int64_t planId, const std::string &who, const std::string &how,
                         const std::vector<int> &leaveOut = {});
/// proposed|approved → rejected.
Result<Plan> rejectPlan(MetadataStore &store, std::int64_t planId, const std::string &who, const std::string &why);

/// Marks every open (proposed or approved) plan of the same connection that
/// touches a partition `newer` touches as superseded by it, audited
/// ("plan.superseded"). Returns the ids marked.
Result<std::vector<std::int64_t>> supersedeOverlappingPlans(MetadataStore &store, const Plan &newer,
                                                            const std::string &who);
/// The refusal for acting on a superseded plan: names the newer plan.
Error supersededError(MetadataStore &store, std::int64_t planId, const std::string &act);

} // namespace tidemark
