#include "planning/plan_approval.h"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "monitor/activity_scan.h"

namespace tidemark {

namespace {

constexpr const char *kSupersededAction = "plan.superseded";

using PartitionKey = std::pair<std::string, std::string>; // table, partition

std::set<PartitionKey> touched(const Plan &plan)
{
    std::set<PartitionKey> out;
    for (const auto &step : plan.steps)
        for (const auto &source : step.sources)
            out.emplace(step.table, source);
    return out;
}

/// Refuses leaving out steps another kept step depends on: a kept step whose
/// source is a partition a left-out step creates.
Result<void> checkLeaveOut(const Plan &plan, const std::set<int> &leaveOut)
{
    for (const int n : leaveOut)
        if (n < 1 || n > static_cast<int>(plan.steps.size()))
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("plan {} has no step {} (its steps are 1 to {})", plan.id, n, plan.steps.size()),
                        fmt::format("see the steps with tidemark-cli show {}", plan.id));
    if (leaveOut.size() == plan.steps.size())
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("leaving out every step of plan {} leaves nothing to approve", plan.id),
                    fmt::format("reject it instead: tidemark-cli reject {}", plan.id));
    for (const auto &kept : plan.steps) {
        if (leaveOut.count(kept.ordinal + 1))
            continue;
        for (const int n : leaveOut) {
            const Step &out = plan.steps[static_cast<std::size_t>(n - 1)];
            for (const auto &made : out.newPartitions())
                if (out.table == kept.table &&
                    std::find(kept.sources.begin(), kept.sources.end(), made.name) != kept.sources.end())
                    return fail(ErrorCode::InvalidArgument,
                                fmt::format("step {} works on {}, which step {} creates: leaving out step {} alone "
                                            "would break step {}",
                                            kept.ordinal + 1, made.name, n, n, kept.ordinal + 1),
                                fmt::format("leave out both (--leave-out {},{}) or neither", n, kept.ordinal + 1));
        }
    }
    return {};
}

} // namespace

Error supersededError(MetadataStore &store, std::int64_t planId, const std::string &act)
{
    std::string by;
    if (auto log = store.auditLog(planId, 50))
        for (const auto &entry : *log)
            if (entry.action == kSupersededAction) {
                by = entry.detail;
                break;
            }
    return Error{ErrorCode::InvalidState,
                 fmt::format("plan {} is superseded{}; it can no longer be approved or run, so it does not {}", planId,
                             by.empty() ? std::string() : " — " + by, act),
                 "review the newer plan (tidemark-cli status lists it) or make a fresh one with tidemark-cli plan URI"};
}

Result<Plan> approvePlan(MetadataStore &store, std::int64_t planId, const std::string &who, const std::string &how,
                         const std::vector<int> &leaveOut)
{
    auto plan = store.plan(planId);
    if (!plan)
        return plan;
    if (plan->status == PlanStatus::Superseded)
        return tl::unexpected(supersededError(store, planId, "get approved"));
    if (plan->status != PlanStatus::Proposed)
        return fail(ErrorCode::InvalidState,
                    fmt::format("plan {} is {}, only a proposed plan can be approved", planId, toString(plan->status)),
                    "make a fresh plan with tidemark-cli plan URI");
    const std::set<int> out(leaveOut.begin(), leaveOut.end());
    if (auto ok = checkLeaveOut(*plan, out); !ok)
        return tl::unexpected(ok.error());
    auto done = store.transaction([&]() -> Result<void> {
        if (auto ok = store.markApproved(planId, who, how); !ok)
            return ok;
        std::string left;
        for (auto &step : plan->steps) {
            if (!out.count(step.ordinal + 1))
                continue;
            step.status = StepStatus::Skipped;
            step.error = Step::kLeftOutAtApproval;
            if (auto ok = store.updateStep(step); !ok)
                return ok;
            left += fmt::format("{}{}", left.empty() ? "" : ", ", step.ordinal + 1);
        }
        const std::string detail = left.empty() ? how : fmt::format("{}; left out step(s) {}", how, left);
        return store.audit(AuditEntry{0, nowMs(), who, "plan.approved", planId, 0, detail});
    });
    if (!done)
        return tl::unexpected(done.error());
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

Result<std::vector<std::int64_t>> supersedeOverlappingPlans(MetadataStore &store, const Plan &newer,
                                                            const std::string &who)
{
    std::vector<std::int64_t> marked;
    auto connection = store.findConnection(newer.connectionUri);
    if (!connection)
        return tl::unexpected(connection.error());
    if (!*connection)
        return marked;
    auto open = store.plans((*connection)->id, 1000);
    if (!open)
        return tl::unexpected(open.error());
    const std::set<PartitionKey> mine = touched(newer);
    for (const auto &summary : *open) {
        if (summary.id == newer.id ||
            (summary.status != PlanStatus::Proposed && summary.status != PlanStatus::Approved))
            continue;
        auto older = store.plan(summary.id);
        if (!older)
            return tl::unexpected(older.error());
        std::vector<std::string> shared;
        for (const auto &key : touched(*older))
            if (mine.count(key))
                shared.push_back(key.first + " " + key.second);
        if (shared.empty())
            continue;
        if (auto ok = store.setPlanStatus(summary.id, PlanStatus::Superseded); !ok)
            return tl::unexpected(ok.error());
        std::string names;
        for (std::size_t i = 0; i < shared.size() && i < 5; ++i)
            names += (i ? ", " : "") + shared[i];
        if (shared.size() > 5)
            names += fmt::format(" and {} more", shared.size() - 5);
        if (auto ok = store.audit(AuditEntry{0, nowMs(), who, kSupersededAction, summary.id, 0,
                                             fmt::format("superseded by plan {}, made later for the same partitions "
                                                         "({})",
                                                         newer.id, names)});
            !ok)
            return tl::unexpected(ok.error());
        marked.push_back(summary.id);
    }
    return marked;
}

} // namespace tidemark
