#include "policy/policy_gate.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <numeric>

#include <fmt/format.h>

namespace tidemark {

namespace {

std::string clock(std::int64_t ms)
{
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%a %Y-%m-%d %H:%M", &tm);
    return buf;
}

} // namespace

const char *toString(Readiness readiness)
{
    switch (readiness) {
    case Readiness::Ready: return "ready";
    case Readiness::DeadlineTooShort: return "deadline-too-short";
    case Readiness::OutsideWindow: return "outside-window";
    case Readiness::Busy: return "busy";
    }
    return "ready";
}

double PolicyGate::predictedSeconds(const Step &step)
{
    return std::max(0.0, step.predicted.lockSeconds) * kDurationMargin + kStepOverheadSeconds;
}

bool PolicyGate::fitsBefore(const Step &step, std::int64_t nowMs, std::int64_t endMs)
{
    return static_cast<double>(nowMs) + predictedSeconds(step) * 1000.0 <= static_cast<double>(endMs);
}

GateResult PolicyGate::decide(const GateInput &in)
{
    GateResult out;
    const Policy &policy = in.policy;
    out.decisions.resize(in.steps.size());
    for (std::size_t i = 0; i < in.steps.size(); ++i) {
        out.decisions[i].ordinal = in.steps[i].ordinal;
        out.decisions[i].predictedSeconds = predictedSeconds(in.steps[i]);
    }
    out.effectiveEndMs = in.deadlineMs;

    if (policy.level == PolicyLevel::ReportOnly) {
        for (auto &d : out.decisions)
            d.reason = "report-only: planned and reported, not run";
        out.summary = in.steps.empty() ? "nothing to do" : "report-only: nothing was changed";
        return out;
    }
    if (policy.window) {
        const auto state = policy.window->at(in.nowMs);
        out.windowOpen = state.open;
        out.windowOpensAtMs = state.opensAtMs;
        if (state.open)
            out.effectiveEndMs = std::min(out.effectiveEndMs, state.closesAtMs);
    }
    const bool busyWrites = policy.busyWritesPerSecond && in.loadWritesPerSecond &&
                            *in.loadWritesPerSecond > *policy.busyWritesPerSecond;
    const bool busySessions = policy.busyActiveSessions && in.activeSessions &&
                              *in.activeSessions > *policy.busyActiveSessions;
    out.busy = busyWrites || busySessions;
    const std::string busyWhy =
        busyWrites ? fmt::format("{:.1f} writes/s > {:g}", in.loadWritesPerSecond.value_or(0.0),
                                 policy.busyWritesPerSecond.value_or(0.0))
                   : fmt::format("{:g} active sessions > {:g}", in.activeSessions.value_or(0.0),
                                 policy.busyActiveSessions.value_or(0.0));

    // Limits in force: safe's own, and under load a quarter of them (for
    // full: a quarter of the plan's bytes), cheapest steps first.
    double lockLimit = policy.level == PolicyLevel::Safe ? policy.lockLimit() : INFINITY;
    double byteLimit = policy.level == PolicyLevel::Safe ? static_cast<double>(policy.rewriteLimit()) : INFINITY;
    double busyBudget = INFINITY;
    if (out.busy) {
        double total = 0.0;
        for (const auto &s : in.steps)
            total += static_cast<double>(s.predicted.bytesRewritten);
        lockLimit = std::isinf(lockLimit) ? lockLimit : lockLimit * kBusyShare;
        byteLimit = std::isinf(byteLimit) ? byteLimit : byteLimit * kBusyShare;
        // At least the cheapest step, so a small plan is not starved for ever.
        double cheapest = INFINITY;
        for (const auto &s : in.steps)
            cheapest = std::min(cheapest, static_cast<double>(s.predicted.bytesRewritten));
        busyBudget = std::max(total * kBusyShare, in.steps.empty() ? 0.0 : cheapest);
    }
    std::vector<std::size_t> order(in.steps.size());
    std::iota(order.begin(), order.end(), 0);
    if (out.busy)
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return in.steps[a].predicted.bytesRewritten < in.steps[b].predicted.bytesRewritten;
        });

    double t = static_cast<double>(in.nowMs);
    double busySpent = 0.0;
    int deadlineCut = 0;
    for (const std::size_t i : order) {
        const Step &step = in.steps[i];
        StepDecision &d = out.decisions[i];
        const double bytes = static_cast<double>(step.predicted.bytesRewritten);
        if (!out.windowOpen) {
            d.reason = out.windowOpensAtMs
                           ? fmt::format("outside the maintenance window {} (opens {})", policy.window->text(),
                                         clock(out.windowOpensAtMs))
                           : fmt::format("outside the maintenance window {}", policy.window->text());
            ++out.admittedByPolicy;
            continue;
        }
        if (step.predicted.lockSeconds > lockLimit) {
            d.reason = fmt::format("predicted lock {:.2f} s exceeds the limit {:.2f} s{}", step.predicted.lockSeconds,
                                   lockLimit, out.busy ? " (reduced: database busy)" : "");
            continue;
        }
        if (bytes > byteLimit) {
            d.reason = fmt::format("rewrites {}, over the limit {}{}", describeBytes(bytes), describeBytes(byteLimit),
                                   out.busy ? " (reduced: database busy)" : "");
            continue;
        }
        if (out.busy && busySpent + bytes > busyBudget) {
            d.reason = fmt::format("database busy ({}): only the cheapest steps, up to {} in all", busyWhy,
                                   describeBytes(busyBudget));
            continue;
        }
        ++out.admittedByPolicy;
        const double end = t + d.predictedSeconds * 1000.0;
        if (end > static_cast<double>(out.effectiveEndMs)) {
            const double left = std::max(0.0, (static_cast<double>(out.effectiveEndMs) - t) / 1000.0);
            d.reason = fmt::format("needs ~{:.1f} s but only {:.1f} s are left before the {}", d.predictedSeconds,
                                   left, out.effectiveEndMs < in.deadlineMs ? "window closes" : "deadline");
            ++deadlineCut;
            continue;
        }
        d.run = true;
        d.reason = fmt::format("within policy {}: lock ~{:.2f} s, rewrites {}, ~{:.1f} s", toString(policy.level),
                               step.predicted.lockSeconds, describeBytes(bytes), d.predictedSeconds);
        t = end;
        busySpent += bytes;
        ++out.toRun;
    }

    if (!out.windowOpen && out.admittedByPolicy > 0)
        out.readiness = Readiness::OutsideWindow;
    else if (out.toRun == 0 && deadlineCut > 0)
        out.readiness = out.busy ? Readiness::Busy : Readiness::DeadlineTooShort;

    const int skipped = static_cast<int>(in.steps.size()) - out.toRun;
    if (in.steps.empty())
        out.summary = "nothing to do";
    else if (out.readiness == Readiness::OutsideWindow)
        out.summary = fmt::format("outside the maintenance window {}: nothing runs", policy.window->text());
    else if (out.readiness == Readiness::DeadlineTooShort)
        out.summary = fmt::format("the deadline is too short: none of the {} admitted step(s) can finish in time; "
                                  "nothing runs",
                                  out.admittedByPolicy);
    else
        out.summary = fmt::format("{} of {} step(s) run under policy {}{}; {} skipped", out.toRun, in.steps.size(),
                                  toString(policy.level), out.busy ? " (database busy: cheapest first)" : "",
                                  skipped);
    return out;
}

} // namespace tidemark
