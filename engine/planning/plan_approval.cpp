#include "planning/plan_approval.h"

#include <fmt/format.h>

#include "monitor/activity_scan.h"

namespace tidemark {

Result<Plan> approvePlan(MetadataStore &store, std::int64_t planId, const std::string &who, const std::string &how)
{
    auto plan = store.plan(planId);
    if (!plan)
        return plan;
    if (plan->status != PlanStatus::Proposed)
        return fail(ErrorCode::InvalidState,
                    fmt::format("plan {} is {}, only a proposed plan can be approved", planId, toString(plan->status)),
                    "make a fresh plan with tidemark-cli plan URI");
    if (auto ok = store.markApproved(planId, who, how); !ok)
        return tl::unexpected(ok.error());
    AuditEntry entry{0, nowMs(), who, "plan.approved", planId, 0, how};
    if (auto ok = store.audit(entry); !ok)
        return tl::unexpected(ok.error());
    return store.plan(planId);
}

Result<Plan> rejectPlan(MetadataStore &store, std::int64_t planId, const std::string &who, const std::string &why)
{
    auto plan = store.plan(planId);
    if (!plan)
        return plan;
    if (plan->status != PlanStatus::Proposed && plan->status != PlanStatus::Approved)
        return fail(ErrorCode::InvalidState,
                    fmt::format("plan {} is {}, only a proposed or approved plan can be rejected", planId,
                                toString(plan->status)));
    if (auto ok = store.setPlanStatus(planId, PlanStatus::Rejected); !ok)
        return tl::unexpected(ok.error());
    AuditEntry entry{0, nowMs(), who, "plan.rejected", planId, 0, why};
    if (auto ok = store.audit(entry); !ok)
        return tl::unexpected(ok.error());
    return store.plan(planId);
}

} // namespace tidemark
