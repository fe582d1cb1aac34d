#pragma once
// Approval is a person's act (or a policy's standing approval): recorded
// with who and how, and audited.
#include <string>

#include "store/metadata_store.h"

namespace tidemark {

/// proposed → approved. `how` is e.g. "interactive (tidemark-cli approve)".
Result<Plan> approvePlan(MetadataStore &store, std::int64_t planId, const std::string &who, const std::string &how);
/// proposed|approved → rejected.
Result<Plan> rejectPlan(MetadataStore &store, std::int64_t planId, const std::string &who, const std::string &why);

} // namespace tidemark
