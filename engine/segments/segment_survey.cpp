#include "segments/segment_survey.h"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "connector_features.h"
#include "forecast/forecaster.h"
#include "model/byte_units.h"
#include "model/key_value.h"
#include "monitor/activity_scan.h"
#include "planning/plan_builder.h"
#include "segments/segment_archive.h"

namespace tidemark {

namespace {

constexpr std::int64_t kHourMs = 3600LL * 1000;
/// A forecast reaches its target in at most this many steps; longer
/// histories are resampled onto a coarser grid.
constexpr std::int64_t kMaxSteps = 400;

constexpr std::int64_t kDayMs = 24 * kHourMs;

/// Whether the readings from `sinceMs` on (at least two of them) never grew.
bool stoppedGrowing(const std::vector<SizePoint> &points, std::int64_t sinceMs)
{
    int seen = 0;
    double previous = 0.0;
    for (const auto &p : points) {
        if (p.timestampMs < sinceMs)
            continue;
        if (seen > 0 && p.bytes > previous)
            return false;
        previous = p.bytes;
        ++seen;
    }
    return seen >= 2;
}

std::string formatTimestampMs(std::int64_t ms)
{
    return formatKey(ms * 1000, KeyType::TimestampTz);
}

struct FreeSpace {
    std::optional<std::int64_t> freeBytes;
    std::string source;
};

/// Free bytes where the database lives: for a SQLite file, its file system's
/// (the space this user may still fill); for a server, the disk the DBA
/// stated for its node (tidemark-cli nodes add … --disk) less what the
/// server reports the database uses. Unknown otherwise.
FreeSpace freeSpaceOf(Connector &connector, MetadataStore &store, const Connection &connection)
{
    FreeSpace out;
    const std::string prefix = "sqlite://";
    if (connector.scheme() == "sqlite" && connection.uri.rfind(prefix, 0) == 0) {
        std::string path = connection.uri.substr(prefix.size());
        if (const auto q = path.find('?'); q != std::string::npos)
            path.resize(q);
        std::error_code ec;
        const auto space = std::filesystem::space(std::filesystem::path(path).parent_path(), ec);
        if (!ec) {
            out.freeBytes = std::int64_t(space.available);
            out.source = "the file system of " + path;
        }
        return out;
    }
    auto nodes = store.nodes();
    auto *reporter = feature<ResourceReporter>(connector);
    if (!nodes || !reporter)
        return out;
    for (const auto &n : *nodes)
        if (n.connectionUri == connection.uri && n.diskBytes) {
            auto r = reporter->resources();
            if (r && r->diskBytesUsed) {
                out.freeBytes = *n.diskBytes - *r->diskBytesUsed;
                out.source = fmt::format("node {}'s stated disk of {} less the {} the database uses", n.name,
                                         humanBytes(double(*n.diskBytes)), humanBytes(double(*r->diskBytesUsed)));
            }
        }
    return out;
}

} // namespace

SizeForecast forecastSize(const std::vector<SizePoint> &points, std::int64_t targetMs, double threshold)
{
    SizeForecast out;
    if (points.empty())
        return out;
    out.mean = out.lower95 = out.upper95 = points.back().bytes;
    if (points.size() < 3) {
        out.model = "none";
        out.note = "too little history: the current size is shown";
        return out;
    }
    std::vector<std::int64_t> gaps;
    for (std::size_t i = 1; i < points.size(); ++i)
        gaps.push_back(points[i].timestampMs - points[i - 1].timestampMs);
    std::nth_element(gaps.begin(), gaps.begin() + std::ptrdiff_t(gaps.size() / 2), gaps.end());
    const std::int64_t lastMs = points.back().timestampMs;
    const std::int64_t ahead = std::max<std::int64_t>(1, targetMs - lastMs);
    const std::int64_t stepMs =
        std::max<std::int64_t>({1000, gaps[gaps.size() / 2], (ahead + kMaxSteps - 1) / kMaxSteps});
    // Last reading per step, carried forward over steps without one (sizes are gauges).
    const std::int64_t t0 = points.front().timestampMs;
    const std::size_t steps = std::size_t((lastMs - t0) / stepMs) + 1;
    std::vector<double> values(steps, std::nan(""));
    for (const auto &p : points)
        values[std::size_t((p.timestampMs - t0) / stepMs)] = p.bytes;
    for (std::size_t i = 1; i < values.size(); ++i)
        if (std::isnan(values[i]))
            values[i] = values[i - 1];
    if (values.size() < 3) {
        out.model = "none";
        out.note = "the history spans too few forecast steps: the current size is shown";
        return out;
    }
    // A size is the running total of what was written: forecast the growth
    // per step (which carries the daily and weekly rhythm of the writes) and
    // add it up, rather than the size itself. A one-off drop — rows deleted,
    // a segment archived — is not a rhythm: steps that shrink the table far
    // more than usual count as typical growth for the forecast.
    std::vector<double> growth;
    for (std::size_t i = 1; i < values.size(); ++i)
        growth.push_back(values[i] - values[i - 1]);
    std::vector<double> sorted = growth;
    std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(sorted.size() / 2), sorted.end());
    const double median = sorted[sorted.size() / 2];
    std::vector<double> spread;
    for (double g : growth)
        spread.push_back(std::fabs(g - median));
    std::nth_element(spread.begin(), spread.begin() + std::ptrdiff_t(spread.size() / 2), spread.end());
    const double mad = 1.4826 * spread[spread.size() / 2];
    int repaired = 0;
    for (double &g : growth)
        if (g < median - 8.0 * std::max(mad, 1.0) && g < 0.0) {
            g = median;
            ++repaired;
        }
    forecast::SeriesInput input;
    input.values = growth;
    input.stepMs = stepMs;
    forecast::ForecastOptions options;
    options.horizon = int(std::clamp<std::int64_t>((ahead + stepMs - 1) / stepMs, 1, 100000));
    options.method = forecast::Method::Auto;
    options.simulationPaths = 200;
    auto f = forecast::forecastSeries(input, options);
    if (!f) {
        out.model = "none";
        out.note = "forecast failed: " + f.error().message;
        return out;
    }
    auto total = forecast::totalOverWindow(*f, 0, options.horizon);
    if (!total) {
        out.model = "none";
        out.note = "forecast failed: " + total.error().message;
        return out;
    }
    const double last = values.back();
    out.mean = std::max(0.0, last + total->mean);
    out.lower95 = std::max(0.0, last + total->lower95);
    out.upper95 = std::max(0.0, last + total->upper95);
    out.model = "growth: " + f->model;
    out.note = f->note;
    if (repaired > 0)
        out.note += fmt::format("{}{} drop{} in size (rows removed) left out of the growth", out.note.empty() ? "" : "; ",
                                repaired, repaired == 1 ? "" : "s");
    if (threshold > 0.0 && threshold > last) {
        auto crossing = forecast::timeUntilThreshold(*f, threshold - last, true);
        if (crossing && crossing->expectedStep > 0)
            out.crossingMs = lastMs + std::int64_t(crossing->expectedStep) * stepMs;
    }
    return out;
}

namespace {

std::vector<SizePoint> sizePoints(const std::vector<ActivitySample> &samples)
{
    std::vector<SizePoint> out;
    for (const auto &s : samples)
        out.push_back({s.timestampMs, double(s.bytes)});
    return out;
}

} // namespace

Result<SegmentSurvey> surveySegments(Connector &connector, MetadataStore &store, const Connection &connection,
                                     const std::string &table, std::int64_t now)
{
    if (!table.empty())
        if (auto t = connector.describe(table); !t)
            return tl::unexpected(t.error());
    auto scan = scanActivity(connector, store, connection, now);
    if (!scan)
        return tl::unexpected(scan.error());
    SegmentSurvey survey;
    survey.takenMs = scan->timestampMs;
    survey.load = readLoadFigure(connector);
    auto *deadReporter = feature<DeadSpaceReporter>(connector);

    for (const auto &t : scan->tables) {
        if (!table.empty() && t.name != table)
            continue;
        if (t.strategy != PartitionStrategy::Range || t.partitions.empty())
            continue;
        auto settings = store.segmentSettings(connection.id, t.name);
        if (!settings)
            return tl::unexpected(settings.error());
        TableSegments ts;
        ts.table = t.name;
        ts.keyColumn = t.keyColumn;
        ts.keyType = t.keyType;
        ts.settings = *settings;
        if (!t.plannable)
            ts.leftAlone = t.notPlannableReason;
        const SegmentSettings &cfg = ts.settings;
        const double load = survey.load ? loadShare(survey.load->activeSessions, cfg) : 0.0;
        if (survey.tables.empty()) {
            survey.loadShare = load;
            survey.atPeak = cfg.peakActiveSessions > 0 && load >= 1.0;
        }
        std::map<std::string, DeadSpace> dead;
        if (deadReporter) {
            auto d = deadReporter->deadSpace(t.name);
            if (!d)
                return tl::unexpected(d.error());
            for (auto &x : *d)
                dead[x.partition] = std::move(x);
        }
        ts.archiveByMs = survey.takenMs + cfg.timeToArchiveMs;
        const std::int64_t predictAt = survey.takenMs + (cfg.horizonMs > 0 ? cfg.horizonMs : cfg.timeToArchiveMs);
        const std::int64_t since = survey.takenMs - cfg.windowMs;
        std::map<std::int64_t, double> tableSizes;
        for (std::size_t i = 0; i < t.partitions.size(); ++i) {
            const Partition &p = t.partitions[i];
            auto samples = store.samples(connection.id, t.name, p.name, since);
            if (!samples)
                return tl::unexpected(samples.error());
            const auto points = sizePoints(*samples);
            for (const auto &pt : points)
                tableSizes[pt.timestampMs] += pt.bytes;
            SegmentFigures f;
            f.table = t.name;
            f.partition = p.name;
            f.bounds = p.bounds;
            f.state = i + 1 == t.partitions.size() ? SegmentState::Active : SegmentState::Sealed;
            f.takenMs = survey.takenMs;
            f.bytes = p.bytes;
            f.rows = p.rows;
            f.growthBytesPerHour = smoothedGrowthPerHour(points, cfg);
            f.growthSamples = int(points.size());
            if (auto it = dead.find(p.name); it != dead.end()) {
                f.deadBytes = it->second.deadBytes;
                f.deadRows = it->second.deadRows;
                f.deadSource = it->second.source;
            }
            f.load = load;
            const Priority pr = compactionPriority({f.bytes, f.deadBytes, f.growthBytesPerHour, load}, cfg);
            f.priority = pr.value;
            f.priorityReason = pr.reason;
            // A sealed segment takes no new rows: once it has not grown for a
            // day, it is predicted to stay as it is (and costs no forecast).
            SizeForecast sf;
            if (f.state == SegmentState::Sealed && stoppedGrowing(points, survey.takenMs - kDayMs)) {
                sf.mean = sf.lower95 = sf.upper95 = double(p.bytes);
                sf.model = "none";
                sf.note = "sealed, no growth over the last day";
            } else
                sf = forecastSize(points, predictAt, 0.0);
            f.predictedAtMs = predictAt;
            f.predictedBytes = sf.mean;
            f.predictedLower95 = sf.lower95;
            f.predictedUpper95 = sf.upper95;
            f.predictionModel = sf.model;
            ts.bytes += p.bytes;
            ts.segments.push_back(std::move(f));
        }
        std::vector<SizePoint> totals;
        for (const auto &[ms, bytes] : tableSizes)
            totals.push_back({ms, bytes});
        const SizeForecast tf = forecastSize(totals, ts.archiveByMs, double(cfg.archiveThresholdBytes));
        ts.predictedBytes = tf.mean;
        ts.predictedLower95 = tf.lower95;
        ts.predictedUpper95 = tf.upper95;
        ts.predictionModel = tf.model;
        ts.predictionNote = tf.note;
        ts.crossingMs = tf.crossingMs;
        if (cfg.archiveThresholdBytes > 0 && ts.crossingMs == 0 && double(ts.bytes) > double(cfg.archiveThresholdBytes))
            ts.crossingMs = survey.takenMs; // already over
        if (auto ok = store.saveSegmentFigures(connection.id, ts.segments); !ok)
            return tl::unexpected(ok.error());
        // Forget segments no longer in the table (archived, merged).
        auto stored = store.segmentFigures(connection.id, t.name);
        if (!stored)
            return tl::unexpected(stored.error());
        for (const auto &old : *stored)
            if (std::none_of(t.partitions.begin(), t.partitions.end(),
                             [&](const Partition &p) { return p.name == old.partition; }))
                if (auto ok = store.dropSegmentFigures(connection.id, t.name, old.partition); !ok)
                    return tl::unexpected(ok.error());
        for (const auto &f : ts.segments) {
            if (f.state == SegmentState::Sealed && f.priority >= cfg.compactThreshold && ts.leftAlone.empty())
                survey.compactionQueue.push_back(f);
        }
        survey.tables.push_back(std::move(ts));
    }
    // The disk: free now, less what every log table is predicted to grow by
    // its time to archive; tables with a free-space margin shed the shortfall
    // in proportion to their predicted size.
    double growth = 0.0, marginTables = 0.0;
    for (const auto &ts : survey.tables) {
        growth += std::max(0.0, ts.predictedBytes - double(ts.bytes));
        if (ts.settings.freeSpaceMarginBytes > 0 && ts.leftAlone.empty())
            marginTables += ts.predictedBytes;
    }
    std::map<std::string, double> shortfall;
    if (marginTables > 0.0) {
        const FreeSpace disk = freeSpaceOf(connector, store, connection);
        for (auto &ts : survey.tables) {
            if (ts.settings.freeSpaceMarginBytes <= 0 || !disk.freeBytes)
                continue;
            ts.predictedFreeBytes = double(*disk.freeBytes) - growth;
            ts.freeSpaceSource = disk.source;
            const double missing = double(ts.settings.freeSpaceMarginBytes) - *ts.predictedFreeBytes;
            if (missing > 0.0 && ts.leftAlone.empty())
                shortfall[ts.table] = missing * ts.predictedBytes / marginTables;
        }
    }
    std::vector<ArchiveCandidate> candidates;
    for (const auto &ts : survey.tables)
        for (const auto &f : ts.segments)
            if (f.state == SegmentState::Sealed && ts.leftAlone.empty())
                candidates.push_back({ts.table, f.partition, f.bounds, f.bytes, ts.predictedBytes,
                                      ts.settings.archiveThresholdBytes, ts.crossingMs, ts.archiveByMs,
                                      shortfall.count(ts.table) ? shortfall[ts.table] : 0.0});
    survey.archiveQueue = archiveOrder(std::move(candidates));
    std::stable_sort(survey.compactionQueue.begin(), survey.compactionQueue.end(),
                     [](const SegmentFigures &a, const SegmentFigures &b) { return a.priority > b.priority; });
    return survey;
}

namespace {

Result<Plan> addSteps(Connector &connector, Plan plan, const std::string &table, std::vector<Step> steps)
{
    if (auto ok = prepareStepsForApproval(connector, table, steps); !ok)
        return tl::unexpected(ok.error());
    for (auto &s : steps) {
        s.ordinal = int(plan.steps.size());
        plan.steps.push_back(std::move(s));
    }
    return plan;
}

} // namespace

Result<Plan> planArchive(Connector &connector, MetadataStore &store, const Connection &connection,
                         const SegmentSurvey &survey, const ArchivePlanRequest &request)
{
    if (request.toDirectory.empty() || !std::filesystem::path(request.toDirectory).is_absolute())
        return fail(ErrorCode::InvalidArgument, "archive needs --to DIR, an absolute folder",
                    "for example --to /var/backups/tidemark-archives");
    std::error_code ec;
    if (!std::filesystem::is_directory(request.toDirectory, ec))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the archive folder {} does not exist", request.toDirectory), "create it first");
    Plan plan;
    plan.connectionUri = connection.uri;
    plan.kind = "archive";
    plan.createdMs = request.nowMs;
    plan.createdBy = request.requestedBy;

    std::vector<ArchiveCandidate> picks;
    if (!request.partition.empty()) {
        if (request.table.empty())
            return fail(ErrorCode::InvalidArgument, "--partition needs --table", "name the table it belongs to");
        bool found = false;
        for (const auto &ts : survey.tables)
            for (const auto &f : ts.segments)
                if (ts.table == request.table && f.partition == request.partition) {
                    found = true;
                    if (!ts.leftAlone.empty())
                        return fail(ErrorCode::Unsupported,
                                    fmt::format("{} is left alone: {}", ts.table, ts.leftAlone),
                                    "archive it with the tool that manages it, or take it out of that tool first");
                    if (f.state != SegmentState::Sealed)
                        return fail(ErrorCode::InvalidArgument,
                                    fmt::format("{} is the active segment of {}: it still takes new rows", f.partition,
                                                ts.table),
                                    "archive sealed segments only (all but the newest)");
                    picks.push_back({ts.table, f.partition, f.bounds, f.bytes, ts.predictedBytes,
                                     ts.settings.archiveThresholdBytes, ts.crossingMs, ts.archiveByMs, 0.0});
                }
        if (!found)
            return fail(ErrorCode::NotFound,
                        fmt::format("{} has no segment named {}", request.table, request.partition),
                        "list them with tidemark-cli segments URI --table " + request.table);
    } else {
        for (const auto &c : survey.archiveQueue)
            if (request.table.empty() || c.table == request.table)
                picks.push_back(c);
    }
    std::map<std::string, std::vector<Step>> byTable;
    std::vector<std::string> order;
    for (const auto &c : picks) {
        const TableSegments *ts = nullptr;
        for (const auto &t : survey.tables)
            if (t.table == c.table)
                ts = &t;
        Step s;
        s.kind = StepKind::Archive;
        s.payload = payloadFor(StepKind::Archive);
        s.table = c.table;
        s.keyType = ts ? ts->keyType : KeyType::Integer;
        s.sources = {c.partition};
        auto *work = s.work<SegmentWork>();
        work->archiveLocation = archiveManifestPath(request.toDirectory, c.table, c.partition).string();
        work->keepDetached = ts && ts->settings.keepDetached;
        work->ioCapBytesPerSecond = ts ? ts->settings.ioCapBytesPerSecond : 0;
        work->expectedBytesAfter = 0;
        s.predicted.bytesRewritten = c.bytes;
        if (!request.partition.empty())
            s.reason = fmt::format("archive {} {} as asked ({})", c.partition, describeRange(c.bounds, s.keyType),
                                   humanBytes(double(c.bytes)));
        else if (c.freeSpaceShortfall > 0.0 && ts && ts->predictedFreeBytes &&
                 (c.thresholdBytes <= 0 || c.predictedTableBytes <= double(c.thresholdBytes)))
            s.reason = fmt::format("the disk is predicted to have {} free at {} ({}), under the free-space margin "
                                   "{}; {} is predicted to hold {} then and sheds {} of it; {} is its oldest sealed "
                                   "segment to go ({}, {})",
                                   humanBytes(std::max(0.0, *ts->predictedFreeBytes)), formatTimestampMs(c.archiveByMs),
                                   ts->freeSpaceSource, humanBytes(double(ts->settings.freeSpaceMarginBytes)), c.table,
                                   humanBytes(c.predictedTableBytes), humanBytes(c.freeSpaceShortfall), c.partition,
                                   describeRange(c.bounds, s.keyType), humanBytes(double(c.bytes)));
        else
            s.reason = fmt::format(
                "{} is predicted to hold {} at {} (95 %: {} … {}, {}), over its threshold {}{}; {} is its oldest "
                "sealed segment to go ({}, {})",
                c.table, humanBytes(c.predictedTableBytes), formatTimestampMs(c.archiveByMs),
                humanBytes(ts ? ts->predictedLower95 : 0.0), humanBytes(ts ? ts->predictedUpper95 : 0.0),
                ts ? ts->predictionModel : std::string("?"), humanBytes(double(c.thresholdBytes)),
                c.crossingMs > 0 ? ", passing it at " + formatTimestampMs(c.crossingMs) : std::string(), c.partition,
                describeRange(c.bounds, s.keyType), humanBytes(double(c.bytes)));
        if (!byTable.count(c.table))
            order.push_back(c.table);
        byTable[c.table].push_back(std::move(s));
    }
    std::int64_t bytes = 0;
    for (const auto &tableName : order) {
        auto stored = addSteps(connector, std::move(plan), tableName, std::move(byTable[tableName]));
        if (!stored)
            return tl::unexpected(stored.error());
        plan = std::move(*stored);
    }
    for (const auto &s : plan.steps)
        bytes += s.predicted.bytesRewritten;
    plan.summary = plan.steps.empty()
        ? std::string("nothing to archive: no table is predicted to pass its threshold, or to leave the disk under "
                      "its free-space margin, by its time to archive")
        : fmt::format("archive {} sealed segment{} ({}) to {}", plan.steps.size(), plan.steps.size() == 1 ? "" : "s",
                      humanBytes(double(bytes)), request.toDirectory);
    if (plan.steps.empty())
        return plan;
    if (auto ok = store.insertPlan(plan); !ok)
        return tl::unexpected(ok.error());
    if (auto ok =
            store.audit(AuditEntry{0, request.nowMs, request.requestedBy, "plan.created", plan.id, 0, plan.summary});
        !ok)
        return tl::unexpected(ok.error());
    return plan;
}

Result<Plan> planRestoreArchive(Connector &connector, MetadataStore &store, const Connection &connection,
                                const std::string &manifestPath, const std::string &requestedBy, std::int64_t now)
{
    if (!std::filesystem::path(manifestPath).is_absolute())
        return fail(ErrorCode::InvalidArgument, "restore-archive needs the absolute path of an archive's manifest",
                    "give the .manifest.json file the archive step wrote");
    // The whole archive is checked before a plan is offered for it.
    auto manifest = readArchive(manifestPath, {});
    if (!manifest)
        return tl::unexpected(manifest.error());
    if (manifest->database != connector.scheme())
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the archive was written from a {} database; this is {}", manifest->database,
                                connector.scheme()),
                    "restore it into a database of the kind it came from");
    if (auto t = connector.describe(manifest->table); !t)
        return tl::unexpected(t.error());
    Plan plan;
    plan.connectionUri = connection.uri;
    plan.kind = "restore-archive";
    plan.createdMs = now;
    plan.createdBy = requestedBy;
    Step s;
    s.kind = StepKind::Archive;
    s.payload = payloadFor(StepKind::Archive);
    s.table = manifest->table;
    s.keyType = manifest->keyType;
    auto *work = s.work<SegmentWork>();
    work->archiveLocation = manifestPath;
    work->restore = true;
    s.predicted.rowsMoved = manifest->rows;
    s.reason = fmt::format("load {} {} back from {} ({} rows, archived {})", manifest->partition,
                           describeRange(manifest->bounds, manifest->keyType), manifestPath, manifest->rows,
                           formatTimestampMs(manifest->createdMs));
    auto stored = addSteps(connector, std::move(plan), manifest->table, {std::move(s)});
    if (!stored)
        return tl::unexpected(stored.error());
    plan = std::move(*stored);
    plan.summary = fmt::format("restore {} of {} from its archive ({} rows)", manifest->partition, manifest->table,
                               manifest->rows);
    if (auto ok = store.insertPlan(plan); !ok)
        return tl::unexpected(ok.error());
    if (auto ok = store.audit(AuditEntry{0, now, requestedBy, "plan.created", plan.id, 0, plan.summary}); !ok)
        return tl::unexpected(ok.error());
    return plan;
}

} // namespace tidemark
