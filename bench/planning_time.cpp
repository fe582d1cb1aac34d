// Time to plan a pre-backup layout change (splitCandidates + plan) for
// synthetic tables of 1k, 10k and 100k partitions, against the anchor
// "Citus rebalancer: 11 s for ~8,000 shard groups" scaled per partition.
// Target: 100k partitions in < 1 s.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "monitor/volatility_monitor.h"
#include "backup/prebackup_planner.h"

using namespace tidemark;

namespace {

constexpr double kAnchorMs = 11'000.0;
constexpr double kAnchorPartitions = 8'000.0;
constexpr double kTargetMs = 1'000.0; // for 100k partitions
constexpr int kRuns = 5;
constexpr std::int64_t kMiB = 1ll << 20;
constexpr std::int64_t kGiB = 1ll << 30;

double rateForScore(double score, std::int64_t bytes, const ConnectionSettings &s)
{
    return -std::log1p(-score / 100.0) / (unitShare(bytes, s) * static_cast<double>(s.backupIntervalSeconds));
}

/// A realistic mix with production defaults: ~2 % hot partitions (half of
/// them with a narrow hot range), ~60 % cold, many of those small enough
/// to merge, the rest between the thresholds. Histograms are attached for
/// the split candidates, as the engine would fetch them.
PlannerInput syntheticTable(int n, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::lognormal_distribution<double> size(std::log(512.0 * kMiB), 1.2);

    PlannerInput in;
    in.table.name = "events";
    in.table.keyColumn = "id";
    in.nowMs = 1'700'000'000'000;
    const ConnectionSettings &s = in.settings;
    constexpr KeyValue kWidth = 1'000'000;
    in.table.partitions.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        Partition p;
        p.name = fmt::format("events_p{:06d}", i);
        p.bounds = KeyRange{KeyValue(i) * kWidth, KeyValue(i + 1) * kWidth};
        p.bytes = std::clamp<std::int64_t>(static_cast<std::int64_t>(size(rng)), 8 * kMiB, 64 * kGiB);
        p.rows = p.bytes / 200;
        const double kind = u(rng);
        double score = kind < 0.02 ? 70.0 + 29.0 * u(rng) : (kind < 0.62 ? 19.0 * u(rng) : 20.0 + 40.0 * u(rng));
        if (u(rng) < 0.01)
            in.createdByTidemarkMs[p.name] = in.nowMs - static_cast<std::int64_t>(u(rng) * 14 * 86'400'000.0);
        VolatilityScore v = scoreFromRates(rateForScore(score, p.bytes, s), 0, false, p.rows, p.bytes, s);
        v.table = in.table.name;
        v.partition = p.name;
        in.scores.emplace(p.name, v);
        in.table.partitions.push_back(std::move(p));
    }
    in.table.partitions.front().bounds.lower.reset();
    in.table.partitions.back().bounds.upper.reset();

    for (const auto &name : PreBackupPlanner::splitCandidates(in)) {
        const auto idx = static_cast<std::size_t>(std::stoi(name.substr(name.size() - 6)));
        const Partition &p = in.table.partitions[idx];
        const KeyValue lo = p.bounds.lower.value_or(*p.bounds.upper - kWidth);
        const int buckets = s.histogramBuckets;
        const bool narrow = u(rng) < 0.5;
        const int first = static_cast<int>(u(rng) * (buckets - 6));
        KeyHistogram h;
        h.table = in.table.name;
        h.partition = name;
        h.bounds = KeyRange{lo, lo + kWidth};
        for (int b = 0; b < buckets; ++b) {
            KeyHistogram::Bucket bucket;
            bucket.range = KeyRange{lo + b * (kWidth / buckets), lo + (b + 1) * (kWidth / buckets)};
            bucket.rows = p.rows / buckets;
            bucket.writes = narrow ? (b >= first && b < first + 4 ? 5000 : 2) : 100 + static_cast<int>(u(rng) * 20);
            h.buckets.push_back(bucket);
        }
        in.histograms.emplace(name, std::move(h));
    }
    return in;
}

} // namespace

int main()
{
    std::printf("Pre-backup planning time (splitCandidates + plan), median of %d runs\n", kRuns);
    std::printf("anchor: Citus rebalancer, 11 s for ~8,000 shard groups (%.0f ms per 1000)\n\n",
                kAnchorMs / kAnchorPartitions * 1000.0);
    std::printf("%11s %7s %7s %10s %14s %14s %14s\n", "partitions", "splits", "merges", "median ms", "ms per 1000",
                "anchor ms", "vs anchor");
    bool pass = true;
    for (int n : {1'000, 10'000, 100'000}) {
        const PlannerInput input = syntheticTable(n, 20240601u + static_cast<unsigned>(n));
        std::vector<double> times;
        std::size_t splits = 0, merges = 0, candidates = 0;
        for (int run = 0; run < kRuns; ++run) {
            const auto start = std::chrono::steady_clock::now();
            const auto names = PreBackupPlanner::splitCandidates(input);
            const auto steps = PreBackupPlanner::plan(input);
            const auto stop = std::chrono::steady_clock::now();
            times.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
            candidates = names.size();
            splits = static_cast<std::size_t>(
                std::count_if(steps.begin(), steps.end(), [](const Step &s) { return s.kind == StepKind::Split; }));
            merges = steps.size() - splits;
        }
        std::sort(times.begin(), times.end());
        const double median = times[times.size() / 2];
        const double anchor = kAnchorMs / kAnchorPartitions * n;
        std::printf("%11d %7zu %7zu %10.2f %14.3f %14.0f %12.0fx faster   (%zu split candidates)\n", n, splits,
                    merges, median, median / n * 1000.0, anchor, anchor / median, candidates);
        if (n == 100'000)
            pass = median < kTargetMs;
    }
    std::printf("\ntarget \"100k partitions in < 1 s\": %s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
