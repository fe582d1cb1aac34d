#include "monitor/derived_history.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "monitor/volatility_monitor.h"
#include "store/metadata_store.h"

namespace tidemark {

namespace {

struct Counters {
    double reads = 0, inserts = 0, updates = 0, deletes = 0;
};

/// The sample of `series` at exactly `ts` (nullptr when it has none).
const ActivitySample *at(const std::vector<ActivitySample> &series, std::int64_t ts)
{
    auto it = std::lower_bound(series.begin(), series.end(), ts,
                               [](const ActivitySample &s, std::int64_t t) { return s.timestampMs < t; });
    return it != series.end() && it->timestampMs == ts ? &*it : nullptr;
}

/// What `cur` counted since `prev`, when both belong to one epoch and no
/// counter went down; false when the interval is unknown.
bool delta(const ActivitySample &prev, const ActivitySample &cur, Counters &out)
{
    if (prev.counterEpoch != cur.counterEpoch)
        return false;
    out = Counters{double(cur.reads - prev.reads), double(cur.inserts - prev.inserts),
                   double(cur.updates - prev.updates), double(cur.deletes - prev.deletes)};
    return out.reads >= 0 && out.inserts >= 0 && out.updates >= 0 && out.deletes >= 0;
}

/// Shares of a split's targets: of the writes (as planned) and of the rows.
void splitShares(const std::vector<NewPartition> &targets, std::vector<double> &writes, std::vector<double> &rows)
{
    const std::size_t n = targets.size();
    double w = 0, r = 0;
    for (const auto &t : targets) {
        w += std::max(t.expectedWriteShare, 0.0);
        r += static_cast<double>(std::max<std::int64_t>(t.expectedRows, 0));
    }
    writes.assign(n, 1.0 / static_cast<double>(n));
    rows.assign(n, 1.0 / static_cast<double>(n));
    for (std::size_t i = 0; i < n; ++i) {
        if (r > 0)
            rows[i] = static_cast<double>(std::max<std::int64_t>(targets[i].expectedRows, 0)) / r;
        if (w > 0)
            writes[i] = std::max(targets[i].expectedWriteShare, 0.0) / w;
        else if (r > 0)
            writes[i] = rows[i];
    }
}

} // namespace

bool isDerived(const ActivitySample &sample)
{
    return sample.counterEpoch.rfind(kDerivedEpochPrefix, 0) == 0;
}

std::vector<ActivitySample>
deriveHistory(const Step &step, const std::map<std::string, std::vector<ActivitySample>> &sources, std::int64_t untilMs)
{
    const auto *work = step.work<RepartitionWork>();
    if (!work || work->targets.empty() || step.sources.empty())
        return {};
    const bool split = step.kind == StepKind::Split;
    if (!split && step.kind != StepKind::Merge)
        return {};
    // The moments every source was sampled at (one scan samples them all).
    std::vector<const std::vector<ActivitySample> *> series;
    for (const auto &name : step.sources) {
        auto it = sources.find(name);
        if (it == sources.end() || it->second.empty())
            return {};
        series.push_back(&it->second);
    }
    std::vector<std::int64_t> times;
    for (const auto &s : *series.front())
        if (s.timestampMs < untilMs && std::all_of(series.begin() + 1, series.end(), [&](const auto *other) {
                return at(*other, s.timestampMs) != nullptr;
            }))
            times.push_back(s.timestampMs);
    times.erase(std::unique(times.begin(), times.end()), times.end());
    if (times.empty())
        return {};

    const std::size_t n = split ? work->targets.size() : 1;
    std::vector<double> writeShare(n, 1.0), rowShare(n, 1.0);
    if (split)
        splitShares(work->targets, writeShare, rowShare);
    std::vector<Counters> total(n);
    int segment = 0;
    std::vector<ActivitySample> out;
    out.reserve(times.size() * n);
    for (std::size_t k = 0; k < times.size(); ++k) {
        // The interval since the previous moment, summed over the sources.
        Counters sum;
        bool known = k > 0;
        std::int64_t rows = 0, bytes = 0;
        bool readsKnown = true;
        for (const auto *s : series) {
            const ActivitySample *cur = at(*s, times[k]);
            rows += cur->rows;
            bytes += cur->bytes;
            readsKnown = readsKnown && cur->readsKnown;
            Counters d;
            if (known && delta(*at(*s, times[k - 1]), *cur, d)) {
                sum.reads += d.reads;
                sum.inserts += d.inserts;
                sum.updates += d.updates;
                sum.deletes += d.deletes;
            } else {
                known = false;
            }
        }
        if (!known && k > 0)
            ++segment; // an unknown interval: the derived counters start again
        for (std::size_t i = 0; i < n; ++i) {
            if (!known)
                total[i] = Counters{};
            else {
                total[i].reads += sum.reads * rowShare[i];
                total[i].inserts += sum.inserts * writeShare[i];
                total[i].updates += sum.updates * writeShare[i];
                total[i].deletes += sum.deletes * writeShare[i];
            }
            ActivitySample d;
            d.table = step.table;
            d.partition = work->targets[i].name;
            d.timestampMs = times[k];
            d.reads = std::llround(total[i].reads);
            d.inserts = std::llround(total[i].inserts);
            d.updates = std::llround(total[i].updates);
            d.deletes = std::llround(total[i].deletes);
            d.rows = std::llround(static_cast<double>(rows) * rowShare[i]);
            d.bytes = std::llround(static_cast<double>(bytes) * rowShare[i]);
            d.readsKnown = readsKnown;
            d.counterEpoch = fmt::format("{}{}:{}", kDerivedEpochPrefix, step.uid, segment);
            d.epochStartMs = 0; // nothing before the first derived moment is counted
            out.push_back(std::move(d));
        }
    }
    return out;
}

Result<void> recordDerivedHistory(MetadataStore &store, const Connection &connection, const Step &step)
{
    const std::int64_t connectionId = connection.id;
    const auto *work = step.work<RepartitionWork>();
    if (!work || (step.kind != StepKind::Split && step.kind != StepKind::Merge))
        return {};
    const std::int64_t since = step.finishedMs - kDerivedHistoryDays * 86'400'000LL;
    for (const auto &target : work->targets) {
        auto existing = store.samples(connectionId, step.table, target.name, since);
        if (!existing)
            return tl::unexpected(existing.error());
        if (!existing->empty())
            return {};
    }
    std::map<std::string, std::vector<ActivitySample>> sources;
    for (const auto &name : step.sources) {
        auto samples = store.samples(connectionId, step.table, name, since);
        if (!samples)
            return tl::unexpected(samples.error());
        sources[name] = std::move(*samples);
    }
    std::vector<ActivitySample> derived = deriveHistory(step, sources, step.finishedMs);
    if (derived.empty())
        return {};
    if (auto ok = store.addSamples(connectionId, derived); !ok)
        return ok;
    // The scores a scan would have given them, moment by moment.
    std::stable_sort(derived.begin(), derived.end(),
                     [](const ActivitySample &a, const ActivitySample &b) { return a.timestampMs < b.timestampMs; });
    VolatilityMonitor monitor(connection.settings);
    std::vector<VolatilityScore> scores;
    for (const auto &sample : derived) {
        VolatilityScore score = monitor.observe(sample);
        score.timestampMs = sample.timestampMs;
        score.rows = sample.rows;
        score.bytes = sample.bytes;
        if (!score.baseline)
            scores.push_back(score);
    }
    return store.saveScores(connectionId, scores);
}

} // namespace tidemark
