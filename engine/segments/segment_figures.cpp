#include "segments/segment_figures.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <fmt/format.h>

namespace tidemark {

const char *toString(SegmentState s)
{
    switch (s) {
    case SegmentState::Active:
        return "active";
    case SegmentState::Sealed:
        return "sealed";
    case SegmentState::Archived:
        return "archived";
    }
    return "sealed";
}

const char *toString(GrowthSmoothing s)
{
    return s == GrowthSmoothing::Holt ? "holt" : "ewma";
}

std::optional<GrowthSmoothing> growthSmoothingFromString(const std::string &s)
{
    if (s == "ewma")
        return GrowthSmoothing::Ewma;
    if (s == "holt")
        return GrowthSmoothing::Holt;
    return std::nullopt;
}

namespace {

constexpr double kHourMs = 3600.0 * 1000.0;

double saturate(double x, double pivot)
{
    if (x <= 0.0)
        return 0.0;
    return x / (x + std::max(1.0, pivot));
}

std::string mib(double bytes)
{
    return fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024.0));
}

} // namespace

double smoothedGrowthPerHour(const std::vector<SizePoint> &points, const SegmentSettings &settings)
{
    if (points.size() < 2)
        return 0.0;
    // Readings come at irregular times (a scan by hand seconds after the
    // sampler's): each interval weighs by its length against the typical
    // one, 1 − (1 − α)^(Δt / typical Δt), so on a regular grid the weight is
    // α and a reading moments after the last one barely moves the rate.
    std::vector<double> gaps;
    for (std::size_t i = 1; i < points.size(); ++i)
        if (points[i].timestampMs > points[i - 1].timestampMs)
            gaps.push_back(double(points[i].timestampMs - points[i - 1].timestampMs) / kHourMs);
    if (gaps.empty())
        return 0.0;
    std::vector<double> sorted = gaps;
    std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(sorted.size() / 2), sorted.end());
    const double typical = sorted[sorted.size() / 2];
    auto weight = [typical](double w, double hours) { return 1.0 - std::pow(1.0 - w, hours / typical); };
    const double alpha = std::clamp(settings.alpha, 0.01, 1.0);
    if (settings.smoothing == GrowthSmoothing::Ewma) {
        bool started = false;
        double rate = 0.0;
        for (std::size_t i = 1; i < points.size(); ++i) {
            const double hours = double(points[i].timestampMs - points[i - 1].timestampMs) / kHourMs;
            if (hours <= 0.0)
                continue;
            const double r = (points[i].bytes - points[i - 1].bytes) / hours;
            const double a = alpha >= 1.0 ? 1.0 : weight(alpha, hours);
            rate = started ? a * r + (1.0 - a) * rate : r;
            started = true;
        }
        return rate;
    }
    // Holt on an irregular grid: the trend is per hour, so a gap of h hours
    // advances the level by trend · h; both weights follow the gap as above.
    const double beta = std::clamp(settings.beta, 0.01, 1.0);
    double level = points[0].bytes;
    double trend = 0.0;
    bool trendStarted = false;
    for (std::size_t i = 1; i < points.size(); ++i) {
        const double hours = double(points[i].timestampMs - points[i - 1].timestampMs) / kHourMs;
        if (hours <= 0.0)
            continue;
        if (!trendStarted) {
            trend = (points[i].bytes - level) / hours;
            level = points[i].bytes;
            trendStarted = true;
            continue;
        }
        const double a = alpha >= 1.0 ? 1.0 : weight(alpha, hours);
        const double b = beta >= 1.0 ? 1.0 : weight(beta, hours);
        const double previous = level;
        level = a * points[i].bytes + (1.0 - a) * (level + trend * hours);
        trend = b * ((level - previous) / hours) + (1.0 - b) * trend;
    }
    return trend;
}

double loadShare(int activeSessions, const SegmentSettings &settings)
{
    if (settings.peakActiveSessions <= 0 || activeSessions <= 0)
        return 0.0;
    return std::clamp(double(activeSessions) / double(settings.peakActiveSessions), 0.0, 1.0);
}

Priority compactionPriority(const PriorityInput &in, const SegmentSettings &settings)
{
    const double bytes = std::max<double>(0.0, double(in.bytes));
    const double dead = std::clamp<double>(double(in.deadBytes), 0.0, bytes);
    const double bloat = bytes > 0.0 ? dead / bytes : 0.0;
    const double deadTerm = bloat * saturate(dead, double(settings.deadPivotBytes));
    const double growthTerm = saturate(in.growthBytesPerHour, double(settings.growthPivotBytesPerHour));
    const double sizeTerm = saturate(bytes, double(settings.sizePivotBytes));
    const double load = std::clamp(in.load, 0.0, 1.0);
    Priority p;
    p.value = 100.0 * (0.6 * deadTerm + 0.25 * growthTerm + 0.15 * sizeTerm) * (1.0 - 0.8 * load);
    p.reason = fmt::format("dead {:.0f} % ({}), growth {}/h, size {}, load {:.2f}", 100.0 * bloat, mib(dead),
                           mib(in.growthBytesPerHour), mib(bytes), load);
    return p;
}

std::vector<ArchiveCandidate> archiveOrder(std::vector<ArchiveCandidate> sealed)
{
    std::map<std::string, std::vector<ArchiveCandidate>> byTable;
    for (auto &c : sealed)
        byTable[c.table].push_back(std::move(c));
    struct TablePick {
        bool urgent = false;
        std::int64_t crossingMs = 0;
        double over = 0.0;
        std::vector<ArchiveCandidate> picks;
    };
    std::vector<TablePick> tables;
    for (auto &[table, segments] : byTable) {
        std::sort(segments.begin(), segments.end(), [](const ArchiveCandidate &a, const ArchiveCandidate &b) {
            return a.bounds.lower.value_or(INT64_MIN) < b.bounds.lower.value_or(INT64_MIN);
        });
        const ArchiveCandidate &first = segments.front();
        // What the table may hold at its time to archive: under its threshold,
        // and small enough that the disk keeps its free-space margin.
        double limit = first.thresholdBytes > 0 ? double(first.thresholdBytes) : HUGE_VAL;
        if (first.freeSpaceShortfall > 0.0)
            limit = std::min(limit, std::max(0.0, first.predictedTableBytes - first.freeSpaceShortfall));
        if (!(first.predictedTableBytes > limit))
            continue;
        TablePick pick;
        pick.urgent = first.thresholdBytes > 0 && first.crossingMs > 0 && first.crossingMs <= first.archiveByMs;
        pick.crossingMs = first.crossingMs;
        pick.over = first.predictedTableBytes / std::max(1.0, limit);
        double remaining = first.predictedTableBytes;
        for (const auto &s : segments) {
            if (remaining <= limit)
                break;
            pick.picks.push_back(s);
            remaining -= double(s.bytes);
        }
        tables.push_back(std::move(pick));
    }
    std::stable_sort(tables.begin(), tables.end(), [](const TablePick &a, const TablePick &b) {
        if (a.urgent != b.urgent)
            return a.urgent;
        if (a.urgent)
            return a.crossingMs < b.crossingMs;
        return a.over > b.over;
    });
    std::vector<ArchiveCandidate> out;
    for (auto &t : tables)
        for (auto &p : t.picks)
            out.push_back(std::move(p));
    return out;
}

} // namespace tidemark
