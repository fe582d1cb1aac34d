#include "backup/postbackup_planner.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "model/byte_units.h"
#include "monitor/volatility_monitor.h"

namespace tidemark {

namespace {

std::int64_t toBytes(double v)
{
    return std::isfinite(v) ? static_cast<std::int64_t>(std::llround(v)) : 0;
}

bool adjacent(const Partition &left, const Partition &right)
{
    return left.bounds.upper && right.bounds.lower && *left.bounds.upper == *right.bounds.lower;
}

class CycleFacts {
public:
    explicit CycleFacts(const PostBackupInput &in)
        : m_in(in)
        , m_s(in.current.settings)
    {
    }

    const VolatilityScore *now(const std::string &name) const { return find(m_in.current.scores, name); }
    const VolatilityScore *start(const std::string &name) const { return find(m_in.cycleStartScores, name); }
    /// Points the score moved during the cycle (positive: hotter); 0 when unknown.
    double change(const std::string &name) const
    {
        const auto *n = now(name);
        const auto *s = start(name);
        return n && s ? n->score - s->score : 0.0;
    }
    std::optional<std::int64_t> createdMs(const std::string &name) const
    {
        const auto it = m_in.current.createdByTidemarkMs.find(name);
        if (it == m_in.current.createdByTidemarkMs.end())
            return std::nullopt;
        return it->second;
    }
    bool cold(const std::string &name) const
    {
        const auto *n = now(name);
        return n && n->score < m_s.lowThreshold;
    }
    /// Tidemark made it, it served a whole backup cycle, and it cooled.
    bool cooledTidemarkPartition(const std::string &name) const
    {
        const auto created = createdMs(name);
        return created && m_in.current.nowMs - *created >= m_s.backupIntervalSeconds * 1000 && cold(name) &&
            -change(name) >= PostBackupPlanner::kMinScoreChange;
    }
    /// A cold neighbour that may join a merge back (as the pre-backup merge rule).
    bool smallColdNeighbour(const Partition &p) const
    {
        const auto created = createdMs(p.name);
        const bool coolingDown = created && m_in.current.nowMs - *created < m_s.cooldownSeconds * 1000;
        return cold(p.name) && p.bytes < m_s.targetMinBytes && !coolingDown;
    }

private:
    static const VolatilityScore *find(const std::map<std::string, VolatilityScore> &m, const std::string &name)
    {
        const auto it = m.find(name);
        return it == m.end() ? nullptr : &it->second;
    }
    const PostBackupInput &m_in;
    const ConnectionSettings &m_s;
};

struct Run {
    std::size_t begin = 0;
    std::size_t count = 0;
    std::int64_t bytes = 0;
    std::int64_t rows = 0;
    double writesPerSecond = 0.0;
    double readsPerSecond = 0.0;
    double backupBefore = 0.0;
    std::vector<std::string> cooled; ///< Tidemark partitions whose hot range went cold
};

std::optional<Step> mergeBack(const Run &run, const PostBackupInput &in, const CycleFacts &facts)
{
    const ConnectionSettings &s = in.current.settings;
    const auto &parts = in.current.table.partitions;
    if (run.count < 2 || run.cooled.empty())
        return std::nullopt;
    const double after = PreBackupPlanner::expectedBackupBytes(run.bytes, run.writesPerSecond, s);
    // The merged partition must stay cold: incrementals keep skipping it.
    if (after - run.backupBefore > PostBackupPlanner::kMaxBackupGrowthShare * static_cast<double>(run.bytes))
        return std::nullopt;
    Step step;
    step.kind = StepKind::Merge;
    step.table = in.current.table.name;
    step.keyType = in.current.table.keyType;
    for (std::size_t i = run.begin; i < run.begin + run.count; ++i)
        step.sources.push_back(parts[i].name);
    NewPartition target;
    target.bounds = KeyRange{parts[run.begin].bounds.lower, parts[run.begin + run.count - 1].bounds.upper};
    target.expectedRows = run.rows;
    target.expectedBytes = run.bytes;
    target.expectedWriteShare = 1.0;
    step.repartition().targets.push_back(target);
    const double rate = s.rewriteBytesPerSecond > 0.0 ? s.rewriteBytesPerSecond : 50e6;
    const double lifetime = s.layoutLifetimeCycles > 0.0 ? s.layoutLifetimeCycles : 1.0;
    const LockCalibration &lock = in.current.lockCalibration;
    step.predicted.bytesRewritten = run.bytes;
    step.predicted.lockSeconds =
        lock.measuredSteps > 0 ? lock.predict(run.bytes) : static_cast<double>(run.bytes) / rate;
    step.predicted.backupBytesBefore = toBytes(run.backupBefore);
    step.predicted.backupBytesAfter = toBytes(after);
    step.predicted.amortisedRewriteBytesPerCycle = toBytes(static_cast<double>(run.bytes) / lifetime);
    step.predicted.rowsMoved = run.rows;
    std::string cooled;
    for (const auto &name : run.cooled) {
        const auto *st = facts.start(name);
        const auto *nw = facts.now(name);
        cooled += fmt::format("{}{} {:.0f} → {:.0f}", cooled.empty() ? "" : ", ", name, st ? st->score : 0.0,
                              nw ? nw->score : 0.0);
    }
    step.reason =
        fmt::format("merge back: the hot range Tidemark split off went cold during the backup cycle (volatility {}); "
                    "{} partitions, {} together, stay cold (incrementals copy ~{} instead of ~{} per cycle); "
                    "the merge rewrites {} once",
                    cooled, run.count, humanBytes(static_cast<double>(run.bytes)), humanBytes(after),
                    humanBytes(run.backupBefore), humanBytes(static_cast<double>(run.bytes)));
    return step;
}

} // namespace

std::vector<std::string> PostBackupPlanner::splitCandidates(const PostBackupInput &input)
{
    const CycleFacts facts(input);
    std::vector<std::string> out;
    for (const auto &name : PreBackupPlanner::splitCandidates(input.current))
        if (facts.start(name) && facts.change(name) >= kMinScoreChange)
            out.push_back(name);
    return out;
}

std::vector<Step> PostBackupPlanner::plan(const PostBackupInput &input)
{
    std::vector<Step> steps;
    const PlannerInput &cur = input.current;
    if (!cur.table.plannable || cur.table.strategy != PartitionStrategy::Range)
        return steps;
    const CycleFacts facts(input);
    const ConnectionSettings &s = cur.settings;

    // Splits: only partitions that turned hot during the cycle, planned by
    // the pre-backup rules (hot range from the histogram, must pay).
    const auto hot = splitCandidates(input);
    if (!hot.empty()) {
        PlannerInput only = cur;
        only.scores.clear();
        for (const auto &name : hot)
            only.scores[name] = cur.scores.at(name);
        for (auto &step : PreBackupPlanner::plan(only))
            if (step.kind == StepKind::Split) {
                step.reason = fmt::format("turned hot during the backup cycle (volatility {:+.0f}); {}",
                                          facts.change(step.sources.front()), step.reason);
                steps.push_back(std::move(step));
            }
    }

    // Merge backs: runs of touching cold partitions holding at least one
    // Tidemark partition whose hot range went cold.
    const auto &parts = cur.table.partitions;
    std::set<std::string> inSplit;
    for (const auto &st : steps)
        inSplit.insert(st.sources.begin(), st.sources.end());
    Run run;
    auto close = [&] {
        if (auto step = mergeBack(run, input, facts))
            steps.push_back(std::move(*step));
        run = Run{};
    };
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const Partition &p = parts[i];
        const bool cooled = facts.cooledTidemarkPartition(p.name);
        if (inSplit.count(p.name) || !(cooled || facts.smallColdNeighbour(p))) {
            close();
            continue;
        }
        const VolatilityScore &sc = *facts.now(p.name);
        Run grown = run;
        grown.count += 1;
        grown.bytes += p.bytes;
        grown.rows += p.rows;
        grown.writesPerSecond += sc.writesPerSecond;
        grown.readsPerSecond += sc.readsPerSecond;
        grown.backupBefore += PreBackupPlanner::expectedBackupBytes(p.bytes, sc.writesPerSecond, s);
        if (cooled)
            grown.cooled.push_back(p.name);
        const bool fits = grown.bytes <= s.targetMaxBytes &&
            scoreFromRates(grown.writesPerSecond, grown.readsPerSecond, grown.readsPerSecond > 0.0, grown.rows,
                           grown.bytes, s)
                    .score < s.lowThreshold;
        if (run.count > 0 && adjacent(parts[i - 1], p) && fits) {
            run = grown;
            continue;
        }
        close();
        run = Run{i,
                  1,
                  p.bytes,
                  p.rows,
                  sc.writesPerSecond,
                  sc.readsPerSecond,
                  PreBackupPlanner::expectedBackupBytes(p.bytes, sc.writesPerSecond, s),
                  {}};
        if (cooled)
            run.cooled.push_back(p.name);
    }
    close();

    // Light: the cheapest few.
    std::stable_sort(steps.begin(), steps.end(), [](const Step &a, const Step &b) {
        return a.predicted.bytesRewritten < b.predicted.bytesRewritten;
    });
    if (steps.size() > kMaxSteps)
        steps.resize(kMaxSteps);
    for (std::size_t i = 0; i < steps.size(); ++i)
        steps[i].ordinal = static_cast<int>(i);
    return steps;
}

} // namespace tidemark
