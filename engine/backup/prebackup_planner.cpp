#include "backup/prebackup_planner.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <optional>

#include <fmt/format.h>

#include "model/key_value.h"
#include "monitor/volatility_monitor.h"

namespace tidemark {

namespace {

/// The hot range of a split holds at least this share of the partition's
/// recent writes. Wider runs (up to all written buckets) are tried too and
/// the one with the smallest next incremental wins.
constexpr double kMinHotWriteShare = 0.90;
/// Most partitions one merge step takes: each source is locked in the
/// step's swap (a server's lock table holds a few thousand) and named in its
/// statements, so a long cold run becomes several merges of at most this
/// many neighbours (docs/planner.md).
constexpr std::size_t kMaxMergeSources = 200;
constexpr std::array<double, 4> kHotWriteShareCandidates{kMinHotWriteShare, 0.95, 0.99, 1.0};

std::string humanBytes(double bytes)
{
    static constexpr std::array<const char *, 5> kUnits{"B", "KiB", "MiB", "GiB", "TiB"};
    std::size_t u = 0;
    while (bytes >= 1024.0 && u + 1 < kUnits.size()) {
        bytes /= 1024.0;
        ++u;
    }
    if (u == 0)
        return fmt::format("{:.0f} B", bytes);
    return bytes < 10.0 ? fmt::format("{:.1f} {}", bytes, kUnits[u]) : fmt::format("{:.0f} {}", bytes, kUnits[u]);
}

std::string percent(double share)
{
    return fmt::format("{:.0f} %", 100.0 * share);
}

double cycles(const ConnectionSettings &s)
{
    return s.layoutLifetimeCycles > 0.0 ? s.layoutLifetimeCycles : 1.0;
}

double lockSecondsFor(std::int64_t bytes, const PlannerInput &in)
{
    if (in.lockCalibration.measuredSteps > 0)
        return in.lockCalibration.predict(bytes);
    const double rate = in.settings.rewriteBytesPerSecond > 0.0 ? in.settings.rewriteBytesPerSecond : 50e6;
    return static_cast<double>(bytes) / rate;
}

std::int64_t toBytes(double v)
{
    return std::isfinite(v) ? static_cast<std::int64_t>(std::llround(v)) : 0;
}

/// Lookups shared by splitCandidates and plan.
class PartitionFacts {
public:
    explicit PartitionFacts(const PlannerInput &input)
        : m_in(input)
    {
        for (const auto &[name, sc] : input.scores)
            m_effective.emplace(name, PreBackupPlanner::effectiveScore(sc, forecast(name), input.settings));
    }

    /// The score decided on (forecast write rate where one is used).
    const VolatilityScore *score(const std::string &name) const
    {
        auto it = m_effective.find(name);
        return it == m_effective.end() ? nullptr : &it->second;
    }
    const ForecastWrites *forecast(const std::string &name) const
    {
        auto it = m_in.forecastWrites.find(name);
        return it == m_in.forecastWrites.end() ? nullptr : &it->second;
    }
    bool coolingDown(const std::string &name) const
    {
        auto it = m_in.createdByTidemarkMs.find(name);
        return it != m_in.createdByTidemarkMs.end() && m_in.nowMs - it->second < m_in.settings.cooldownSeconds * 1000;
    }
    bool plannable() const { return m_in.table.plannable && m_in.table.strategy == PartitionStrategy::Range; }
    /// Hot and big enough to split, cool-down aside.
    bool hotEnough(const Partition &p) const
    {
        const VolatilityScore *s = score(p.name);
        return s && s->score > m_in.settings.highThreshold && p.bytes >= m_in.settings.splitMinBytes;
    }
    /// Cold and small enough to merge, cool-down aside.
    bool coldEnough(const Partition &p) const
    {
        const VolatilityScore *s = score(p.name);
        return s && s->score < m_in.settings.lowThreshold && p.bytes < m_in.settings.targetMinBytes;
    }
    /// Every split pre-condition except the histogram.
    bool splitCandidate(const Partition &p) const { return hotEnough(p) && !coolingDown(p.name); }
    bool mergeCandidate(const Partition &p) const { return coldEnough(p) && !coolingDown(p.name); }
    /// Why a candidate cooling down is left alone.
    std::string coolDownReason(const Partition &p) const
    {
        const auto action = m_in.createdByAction.find(p.name);
        const VolatilityScore *s = score(p.name);
        return fmt::format("volatility {:.0f} ({}), but {}", s ? s->score : 0.0,
                           hotEnough(p) ? fmt::format("> {:.0f}: a split candidate", m_in.settings.highThreshold)
                                        : fmt::format("< {:.0f}: a merge candidate", m_in.settings.lowThreshold),
                           PreBackupPlanner::coolDownReason(
                               action == m_in.createdByAction.end() || action->second.empty()
                                   ? std::string("created by Tidemark")
                                   : action->second,
                               m_in.createdByTidemarkMs.at(p.name), m_in.settings.cooldownSeconds, m_in.nowMs));
    }

private:
    const PlannerInput &m_in;
    std::map<std::string, VolatilityScore> m_effective;
};

// ---- split --------------------------------------------------------------

struct BucketRun {
    std::size_t first = 0;
    std::size_t last = 0; ///< inclusive
};

std::int64_t bucketWrites(const KeyHistogram::Bucket &b)
{
    return std::max<std::int64_t>(b.writes, 0);
}

/// Smallest contiguous run of buckets whose writes reach `needed` (two
/// pointers, linear). Among equally short runs the one with most writes.
std::optional<BucketRun> smallestRunHolding(const std::vector<KeyHistogram::Bucket> &buckets, double needed)
{
    std::optional<BucketRun> best;
    std::int64_t bestWrites = 0;
    std::int64_t sum = 0;
    std::size_t left = 0;
    for (std::size_t right = 0; right < buckets.size(); ++right) {
        sum += bucketWrites(buckets[right]);
        while (left < right && static_cast<double>(sum - bucketWrites(buckets[left])) >= needed)
            sum -= bucketWrites(buckets[left++]);
        if (static_cast<double>(sum) < needed)
            continue;
        const std::size_t len = right - left + 1;
        if (!best || len < best->last - best->first + 1 || (len == best->last - best->first + 1 && sum > bestWrites)) {
            best = BucketRun{left, right};
            bestWrites = sum;
        }
    }
    return best;
}

struct SplitLayout {
    std::vector<NewPartition> targets;
    std::size_t hot = 0; ///< index of the hot target
    double hotRowShare = 0.0;
    double backupBytesAfter = 0.0;
};

/// Targets for isolating `run`: [lower, a), [a, b), [b, upper). A remainder
/// with an empty key range is left out; an open end always stays on a
/// remainder so the hot partition is bounded.
std::optional<SplitLayout> layoutFor(const Partition &p, double writesPerSecond, const KeyHistogram &h,
                                     const BucketRun &run, const ConnectionSettings &settings, KeyType keyType)
{
    const auto &buckets = h.buckets;
    if (!buckets[run.first].range.lower || !buckets[run.last].range.upper)
        return std::nullopt;
    KeyValue a = *buckets[run.first].range.lower;
    KeyValue b = *buckets[run.last].range.upper;
    // Split points on the key type's unit (the hour for timestamps), widening
    // the hot range outwards so it keeps every hot bucket. Integers: unit 1.
    if (const KeyValue unit = keyRoundingUnit(keyType); unit > 1) {
        a -= ((a % unit) + unit) % unit;
        if (const KeyValue over = ((b % unit) + unit) % unit; over != 0)
            b += unit - over;
    }
    if (p.bounds.lower && (run.first == 0 || a < *p.bounds.lower))
        a = *p.bounds.lower;
    if (p.bounds.upper && (run.last + 1 == buckets.size() || b > *p.bounds.upper))
        b = *p.bounds.upper;
    if (a >= b)
        return std::nullopt;
    const bool lowerRest = !p.bounds.lower || *p.bounds.lower < a;
    const bool upperRest = !p.bounds.upper || b < *p.bounds.upper;
    if (!lowerRest && !upperRest)
        return std::nullopt; // the hot range is the whole partition

    // Rows and writes per segment: [0, first), [first, last], (last, n).
    std::array<double, 3> rows{}, writes{};
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        const std::size_t seg = i < run.first ? 0 : (i <= run.last ? 1 : 2);
        rows[seg] += static_cast<double>(std::max<std::int64_t>(buckets[i].rows, 0));
        writes[seg] += static_cast<double>(bucketWrites(buckets[i]));
    }
    double totalRows = rows[0] + rows[1] + rows[2];
    if (totalRows <= 0.0) { // no row counts: assume rows spread like the key range
        rows = {static_cast<double>(run.first), static_cast<double>(run.last - run.first + 1),
                static_cast<double>(buckets.size() - run.last - 1)};
        totalRows = static_cast<double>(buckets.size());
    }
    const double totalWrites = writes[0] + writes[1] + writes[2];
    if (totalWrites <= 0.0)
        return std::nullopt;
    if (!lowerRest) { // fold a (theoretical) leftover into the neighbour
        rows[1] += rows[0], writes[1] += writes[0];
        rows[0] = writes[0] = 0.0;
    }
    if (!upperRest) {
        rows[1] += rows[2], writes[1] += writes[2];
        rows[2] = writes[2] = 0.0;
    }

    SplitLayout layout;
    const std::array<KeyRange, 3> bounds{KeyRange{p.bounds.lower, a}, KeyRange{a, b}, KeyRange{b, p.bounds.upper}};
    const std::array<bool, 3> present{lowerRest, true, upperRest};
    std::int64_t rowsLeft = p.rows, bytesLeft = p.bytes;
    std::size_t largest = 0;
    for (std::size_t seg = 0; seg < 3; ++seg) {
        if (!present[seg])
            continue;
        NewPartition t;
        t.bounds = bounds[seg];
        const double rowShare = rows[seg] / totalRows;
        t.expectedRows = std::llround(static_cast<double>(p.rows) * rowShare);
        t.expectedBytes = std::llround(static_cast<double>(p.bytes) * rowShare); // bytes ∝ rows
        t.expectedWriteShare = writes[seg] / totalWrites;
        rowsLeft -= t.expectedRows;
        bytesLeft -= t.expectedBytes;
        if (seg == 1) {
            layout.hot = layout.targets.size();
            layout.hotRowShare = rowShare;
        }
        if (layout.targets.empty() || t.expectedBytes > layout.targets[largest].expectedBytes)
            largest = layout.targets.size();
        layout.targets.push_back(std::move(t));
    }
    // Rounding: the targets add up to the source exactly.
    layout.targets[largest].expectedRows += rowsLeft;
    layout.targets[largest].expectedBytes += bytesLeft;
    for (const auto &t : layout.targets)
        layout.backupBytesAfter +=
            PreBackupPlanner::expectedBackupBytes(t.expectedBytes, t.expectedWriteShare * writesPerSecond, settings);
    return layout;
}

std::optional<Step> planSplit(const Partition &p, const VolatilityScore &score, const KeyHistogram &h,
                              const PlannerInput &in, const ForecastWrites *forecast)
{
    const ConnectionSettings &s = in.settings;
    std::int64_t total = 0;
    for (const auto &bucket : h.buckets)
        total += bucketWrites(bucket);
    if (h.buckets.empty() || total <= 0)
        return std::nullopt;

    std::optional<SplitLayout> best;
    for (double share : kHotWriteShareCandidates) {
        auto run = smallestRunHolding(h.buckets, share * static_cast<double>(total));
        if (!run)
            continue;
        auto layout = layoutFor(p, score.writesPerSecond, h, *run, s, in.table.keyType);
        if (layout && (!best || layout->backupBytesAfter < best->backupBytesAfter))
            best = std::move(layout);
    }
    if (!best)
        return std::nullopt;

    Step step;
    step.kind = StepKind::Split;
    step.table = in.table.name;
    step.keyType = in.table.keyType;
    step.sources = {p.name};
    step.predicted.bytesRewritten = p.bytes;
    step.predicted.lockSeconds = lockSecondsFor(p.bytes, in);
    const double before = PreBackupPlanner::expectedBackupBytes(p.bytes, score.writesPerSecond, s);
    step.predicted.backupBytesBefore = toBytes(before);
    step.predicted.backupBytesAfter = toBytes(best->backupBytesAfter);
    const double amortised = static_cast<double>(p.bytes) / cycles(s);
    step.predicted.amortisedRewriteBytesPerCycle = toBytes(amortised);
    step.predicted.rowsMoved = p.rows;
    if (!(before - best->backupBytesAfter > amortised))
        return std::nullopt; // does not pay for its own rewrite

    const NewPartition &hot = best->targets[best->hot];
    step.reason = fmt::format(
        "volatility {:.0f} > {:.0f}; {} of writes land in {} ({} of rows); incremental backups then copy ~{} "
        "instead of ~{} per cycle; the split rewrites {} once (copied by the next incremental; ~{} per cycle "
        "over {:g} cycles)",
        score.score, s.highThreshold, percent(hot.expectedWriteShare), describeRange(hot.bounds, in.table.keyType),
        percent(best->hotRowShare), humanBytes(best->backupBytesAfter), humanBytes(before),
        humanBytes(static_cast<double>(p.bytes)), humanBytes(amortised), cycles(s));
    if (const std::string basis = PreBackupPlanner::writesBasis(forecast); !basis.empty())
        step.reason += "; writes: " + basis;
    step.repartition().targets = std::move(best->targets);
    return step;
}

// ---- merge --------------------------------------------------------------

struct MergeRun {
    std::size_t begin = 0;
    std::size_t count = 0;
    std::int64_t bytes = 0;
    std::int64_t rows = 0;
    double writesPerSecond = 0.0;
    double readsPerSecond = 0.0;
    double backupBytesBefore = 0.0;

    double mergedScore(const ConnectionSettings &s) const
    {
        // Reads that were never seen add nothing; score writes only then.
        return scoreFromRates(writesPerSecond, readsPerSecond, readsPerSecond > 0.0, rows, bytes, s).score;
    }
};

/// Which write figures a merge used: forecasts (summed) and/or EWMAs.
std::string mergeBasis(const MergeRun &run, const PlannerInput &in)
{
    int forecasts = 0, ewmas = 0;
    double total = 0.0, lo = 0.0, hi = 0.0;
    std::string why;
    for (std::size_t i = run.begin; i < run.begin + run.count; ++i) {
        const auto it = in.forecastWrites.find(in.table.partitions[i].name);
        if (it == in.forecastWrites.end())
            continue;
        if (it->second.used) {
            ++forecasts;
            total += it->second.total, lo += it->second.lower95, hi += it->second.upper95;
        } else {
            ++ewmas;
            if (why.empty())
                why = it->second.note;
        }
    }
    if (forecasts == 0 && ewmas == 0)
        return {};
    std::string out;
    if (forecasts > 0)
        out = fmt::format("forecast for {} of {}: ~{:.0f} writes before the next backup (95 %: {:.0f}–{:.0f})",
                          forecasts, run.count, total, lo, hi);
    if (ewmas > 0)
        out += fmt::format("{}EWMA of past writes for {} of {} ({})", out.empty() ? "" : "; ", ewmas, run.count, why);
    return out;
}

Step mergeStep(const MergeRun &run, const PlannerInput &in)
{
    const ConnectionSettings &s = in.settings;
    const auto &parts = in.table.partitions;
    Step step;
    step.kind = StepKind::Merge;
    step.table = in.table.name;
    step.keyType = in.table.keyType;
    step.sources.reserve(run.count);
    for (std::size_t i = run.begin; i < run.begin + run.count; ++i)
        step.sources.push_back(parts[i].name);
    NewPartition target;
    target.bounds = KeyRange{parts[run.begin].bounds.lower, parts[run.begin + run.count - 1].bounds.upper};
    target.expectedRows = run.rows;
    target.expectedBytes = run.bytes;
    target.expectedWriteShare = 1.0;
    step.repartition().targets.push_back(std::move(target));

    const double after = PreBackupPlanner::expectedBackupBytes(run.bytes, run.writesPerSecond, s);
    step.predicted.bytesRewritten = run.bytes;
    step.predicted.lockSeconds = lockSecondsFor(run.bytes, in);
    step.predicted.backupBytesBefore = toBytes(run.backupBytesBefore);
    step.predicted.backupBytesAfter = toBytes(after);
    step.predicted.amortisedRewriteBytesPerCycle = toBytes(static_cast<double>(run.bytes) / cycles(s));
    step.predicted.rowsMoved = run.rows;
    step.reason =
        fmt::format("{} cold partitions (volatility < {:.0f}), each below target min {}, {} together ≤ target max {}; "
                    "fewer files for the backup to stat and fewer partitions to plan; {}; the merge rewrites {} once "
                    "(copied by the next incremental)",
                    run.count, s.lowThreshold, humanBytes(static_cast<double>(s.targetMinBytes)),
                    humanBytes(static_cast<double>(run.bytes)), humanBytes(static_cast<double>(s.targetMaxBytes)),
                    std::llround(after) == std::llround(run.backupBytesBefore)
                        ? fmt::format("incremental backups keep copying ~{} per cycle", humanBytes(after))
                        : fmt::format("incremental backups then copy ~{} instead of ~{} per cycle", humanBytes(after),
                                      humanBytes(run.backupBytesBefore)),
                    humanBytes(static_cast<double>(run.bytes)));
    if (const std::string basis = mergeBasis(run, in); !basis.empty())
        step.reason += "; writes: " + basis;
    return step;
}

bool adjacent(const Partition &left, const Partition &right)
{
    return left.bounds.upper && right.bounds.lower && *left.bounds.upper == *right.bounds.lower;
}

} // namespace

VolatilityScore PreBackupPlanner::effectiveScore(const VolatilityScore &score, const ForecastWrites *forecast,
                                                 const ConnectionSettings &settings)
{
    if (!forecast || !forecast->used || !std::isfinite(forecast->total) || settings.backupIntervalSeconds <= 0)
        return score;
    const double rate = std::max(forecast->total, 0.0) / static_cast<double>(settings.backupIntervalSeconds);
    VolatilityScore out =
        scoreFromRates(rate, score.readsPerSecond, score.readsPerSecond > 0.0, score.rows, score.bytes, settings);
    out.table = score.table;
    out.partition = score.partition;
    out.timestampMs = score.timestampMs;
    return out;
}

std::string PreBackupPlanner::writesBasis(const ForecastWrites *forecast)
{
    if (!forecast)
        return {};
    if (forecast->used)
        return fmt::format("forecast: ~{:.0f} writes before the next backup (95 %: {:.0f}–{:.0f}; {})", forecast->total,
                           forecast->lower95, forecast->upper95, forecast->model);
    return fmt::format("EWMA of past writes ({})", forecast->note);
}

double PreBackupPlanner::expectedBackupBytes(std::int64_t bytes, double writesPerSecond,
                                             const ConnectionSettings &settings)
{
    if (bytes <= 0)
        return 0.0;
    return static_cast<double>(bytes) * pModifiedWithin(writesPerSecond, bytes, settings);
}

std::vector<std::string> PreBackupPlanner::splitCandidates(const PlannerInput &input)
{
    std::vector<std::string> names;
    const PartitionFacts facts(input);
    if (!facts.plannable())
        return names;
    for (const auto &p : input.table.partitions)
        if (facts.splitCandidate(p))
            names.push_back(p.name);
    return names;
}

std::string PreBackupPlanner::coolDownReason(const std::string &action, std::int64_t createdMs,
                                             std::int64_t cooldownSeconds, std::int64_t nowMs)
{
    auto local = [](std::int64_t ms) {
        const std::time_t t = static_cast<std::time_t>(ms / 1000);
        std::tm tm{};
        ::localtime_r(&t, &tm);
        return tm;
    };
    const std::tm today = local(nowMs);
    auto when = [&](std::int64_t ms) {
        const std::tm tm = local(ms);
        char buf[40];
        if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
            std::strftime(buf, sizeof buf, "%H:%M today", &tm);
        else
            std::strftime(buf, sizeof buf, "%H:%M on %Y-%m-%d", &tm);
        return std::string(buf);
    };
    return fmt::format("{} {}; cool-down until {}", action, when(createdMs), when(createdMs + cooldownSeconds * 1000));
}

std::vector<Step> PreBackupPlanner::plan(const PlannerInput &input, std::vector<LeftAlone> *leftAlone)
{
    std::vector<Step> steps;
    const PartitionFacts facts(input);
    if (!facts.plannable())
        return steps;
    const ConnectionSettings &s = input.settings;
    const auto &parts = input.table.partitions;

    // One pass in key order. A partition is either cold (merge run), hot
    // (split), or in between (hysteresis: nothing), so no partition can end
    // up in two steps.
    MergeRun run;
    auto leaveAlone = [&](std::vector<std::string> partitions, std::string reason) {
        if (leftAlone)
            leftAlone->push_back(LeftAlone{std::move(partitions), std::move(reason)});
    };
    auto closeRun = [&] {
        if (run.count >= 2) {
            Step step = mergeStep(run, input);
            // A merge pays when the backup bytes it saves per cycle exceed its
            // rewrite amortised over the layout's lifetime; otherwise only a
            // DBA who asked for fewer partitions gets it.
            const StepEffect &e = step.predicted;
            const std::int64_t net = e.netBytesPerCycle();
            const std::string balance = fmt::format(
                "saves ~{} per backup cycle, its rewrite costs ~{} per cycle over {:g} cycles: net {}{}",
                humanBytes(static_cast<double>(std::max<std::int64_t>(e.backupBytesBefore - e.backupBytesAfter, 0))),
                humanBytes(static_cast<double>(e.amortisedRewriteBytesPerCycle)), cycles(s), net < 0 ? "−" : "",
                humanBytes(static_cast<double>(net < 0 ? -net : net)));
            if (net > 0) {
                steps.push_back(std::move(step));
            } else if (s.mergeColdPartitions) {
                step.reason += "; merged because fewer partitions were asked for (merge_cold_partitions = 1), "
                               "although it " +
                    balance;
                steps.push_back(std::move(step));
            } else {
                leaveAlone(step.sources,
                           "merge left out: it " + balance +
                               " (set merge_cold_partitions = 1 to merge cold neighbours for fewer "
                               "partitions anyway)");
            }
        }
        run = MergeRun{};
    };
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const Partition &p = parts[i];
        if (facts.coolingDown(p.name) && (facts.hotEnough(p) || facts.coldEnough(p)))
            leaveAlone({p.name}, facts.coolDownReason(p));
        if (facts.mergeCandidate(p)) {
            const VolatilityScore &sc = *facts.score(p.name);
            const double before = expectedBackupBytes(p.bytes, sc.writesPerSecond, s);
            MergeRun grown = run;
            grown.count += 1;
            grown.bytes += p.bytes;
            grown.rows += p.rows;
            grown.writesPerSecond += sc.writesPerSecond;
            grown.readsPerSecond += sc.readsPerSecond;
            grown.backupBytesBefore += before;
            // Grow while the result stays within the size and source caps and stays cold.
            if (run.count > 0 && run.count < kMaxMergeSources && adjacent(parts[i - 1], p) &&
                grown.bytes <= s.targetMaxBytes && grown.mergedScore(s) < s.lowThreshold) {
                run = grown;
                continue;
            }
            closeRun();
            run = MergeRun{i, 1, p.bytes, p.rows, sc.writesPerSecond, sc.readsPerSecond, before};
            continue;
        }
        closeRun();
        if (!facts.splitCandidate(p))
            continue;
        auto h = input.histograms.find(p.name);
        if (h == input.histograms.end())
            continue;
        if (auto step = planSplit(p, *facts.score(p.name), h->second, input, facts.forecast(p.name)))
            steps.push_back(std::move(*step));
    }
    closeRun();

    for (std::size_t i = 0; i < steps.size(); ++i)
        steps[i].ordinal = static_cast<int>(i);
    return steps;
}

} // namespace tidemark
