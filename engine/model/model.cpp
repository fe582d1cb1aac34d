#include "model/partition.h"
#include "model/plan.h"

#include <array>
#include <utility>

#include <fmt/format.h>

namespace tidemark {

std::string describeRange(const KeyRange &range)
{
    return fmt::format("[{}, {})", range.lower ? std::to_string(*range.lower) : std::string("MINVALUE"),
                       range.upper ? std::to_string(*range.upper) : std::string("MAXVALUE"));
}

namespace {
constexpr std::array<std::pair<StepKind, const char *>, 2> kStepKinds{
    {{StepKind::Split, "split"}, {StepKind::Merge, "merge"}}};
constexpr std::array<std::pair<PlanStatus, const char *>, 7> kPlanStatuses{{
    {PlanStatus::Proposed, "proposed"},
    {PlanStatus::Approved, "approved"},
    {PlanStatus::Rejected, "rejected"},
    {PlanStatus::Running, "running"},
    {PlanStatus::Done, "done"},
    {PlanStatus::Failed, "failed"},
    {PlanStatus::RolledBack, "rolled back"},
}};
constexpr std::array<std::pair<StepStatus, const char *>, 6> kStepStatuses{{
    {StepStatus::Pending, "pending"},
    {StepStatus::Running, "running"},
    {StepStatus::Done, "done"},
    {StepStatus::Failed, "failed"},
    {StepStatus::RolledBack, "rolled back"},
    {StepStatus::Skipped, "skipped"},
}};

template <class E, std::size_t N> const char *nameOf(const std::array<std::pair<E, const char *>, N> &table, E value)
{
    for (const auto &[v, name] : table)
        if (v == value)
            return name;
    return "unknown";
}

template <class E, std::size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, const char *>, N> &table, const std::string &name)
{
    for (const auto &[v, n] : table)
        if (name == n)
            return v;
    return std::nullopt;
}
} // namespace

const char *toString(StepKind v)
{
    return nameOf(kStepKinds, v);
}
const char *toString(PlanStatus v)
{
    return nameOf(kPlanStatuses, v);
}
const char *toString(StepStatus v)
{
    return nameOf(kStepStatuses, v);
}
std::optional<StepKind> stepKindFromString(const std::string &s)
{
    return valueOf(kStepKinds, s);
}
std::optional<PlanStatus> planStatusFromString(const std::string &s)
{
    return valueOf(kPlanStatuses, s);
}
std::optional<StepStatus> stepStatusFromString(const std::string &s)
{
    return valueOf(kStepStatuses, s);
}

} // namespace tidemark
