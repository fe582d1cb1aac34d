#include "replication/copy_planner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "connector_features.h"
#include "forecast/write_forecast.h"
#include "model/byte_units.h"
#include "planning/plan_builder.h"

namespace tidemark {

namespace {

struct WriteRate {
    double point = 0.0, upper = 0.0, confidence = 0.0;
    std::string source;
};

/// Writes per second to expect during the copy: the forecasting engine's
/// write forecast over the next backup interval (its point and 95 % upper
/// end, trusted as far as its checks hit); else the latest observed rate,
/// doubled for the upper end and little trusted.
WriteRate writeRate(const std::vector<ActivitySample> &samples, const ConnectionSettings &settings, std::int64_t nowMs)
{
    WriteRate r;
    const double interval = double(std::max<std::int64_t>(1, settings.backupIntervalSeconds));
    ForecastWrites f = forecastWritesUntilBackup(samples, settings, nowMs);
    if (f.used) {
        r.point = f.total / interval;
        r.upper = std::max(r.point, f.upper95 / interval);
        r.confidence = f.checks > 0 ? 1.0 - double(f.misses) / double(f.checks) : 0.5;
        r.source = fmt::format("{} write forecast", f.model.empty() ? std::string("model") : f.model);
        return r;
    }
    if (samples.size() >= 2) {
        const auto &a = samples[samples.size() - 2];
        const auto &b = samples.back();
        const double seconds = double(b.timestampMs - a.timestampMs) / 1000.0;
        if (seconds > 0 && a.counterEpoch == b.counterEpoch && b.writes() >= a.writes()) {
            r.point = double(b.writes() - a.writes()) / seconds;
            r.upper = 2.0 * r.point;
            r.confidence = 0.3;
            r.source = "the latest observed write rate" + (f.note.empty() ? std::string() : " (" + f.note + ")");
            return r;
        }
    }
    r.source = "no write history (scan the source to sample it)";
    return r;
}

/// Reads about `rows` rows of the partition and times it; the copy reads and
/// writes each byte once, on two servers: half the read rate.
std::optional<double> calibrate(Connector &source, const std::string &partition, const KeyRange &range)
{
    auto *streamer = feature<RowStreamer>(source);
    if (!streamer)
        return std::nullopt;
    std::int64_t bytes = 0, rows = 0;
    const auto started = std::chrono::steady_clock::now();
    auto read = streamer->readRows(partition, range, 2000,
                                   [&](const RowBatch &batch) -> Result<void> {
                                       for (const auto &row : batch.rows)
                                           for (const auto &v : row)
                                               bytes += v ? std::int64_t(v->size()) + 1 : 2;
                                       rows += std::int64_t(batch.rows.size());
                                       if (rows >= 20000)
                                           return fail(ErrorCode::Cancelled, "calibrated");
                                       return {};
                                   },
                                   {});
    if (!read && read.error().code != ErrorCode::Cancelled)
        return std::nullopt;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (rows == 0 || seconds <= 0)
        return std::nullopt;
    return double(bytes) / seconds / 2.0;
}

} // namespace

Result<CopyPlanOutcome> buildCopyPlan(Connector &source, Connector *target, MetadataStore &store,
                                      const Connection &connection, const CopyRequest &request)
{
    if (request.kind != StepKind::Copy && request.kind != StepKind::Move)
        return fail(ErrorCode::InvalidArgument, "a copy plan copies or moves");
    if (request.target.connectionUri.empty())
        return fail(ErrorCode::InvalidArgument, "the receiving node has no connection URI",
                    "add it with tidemark-cli nodes add NAME URI --role …");
    if (request.target.connectionUri == connection.uri)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("node {} is the database the partition is on", request.target.name),
                    "copy to another node; a copy inside one database is a split or merge");
    const ConnectorCapabilities caps = capabilitiesOf(source);
    if (!caps.runs(request.kind))
        return fail(ErrorCode::Unsupported,
                    fmt::format("this database cannot {} a partition to another node: {}",
                                request.kind == StepKind::Move ? "move" : "copy", caps.whyNot(toString(request.kind))),
                    request.kind == StepKind::Move ? "copy it instead (tidemark-cli copy)" : std::string());
    auto table = source.describe(request.table);
    if (!table)
        return tl::unexpected(table.error());
    const auto found = std::find_if(table->partitions.begin(), table->partitions.end(),
                                    [&](const Partition &p) { return p.name == request.partition; });
    if (found == table->partitions.end())
        return fail(ErrorCode::NotFound, fmt::format("{} has no partition {}", table->name, request.partition),
                    "see its partitions with tidemark-cli scan URI");
    const Partition &p = *found;
    // A partition the database's rules keep from moving is refused here,
    // before anything is read, sized or stored.
    if (auto *eligibility = feature<MoveEligibility>(source); eligibility && request.kind == StepKind::Move) {
        auto refusals = eligibility->unmovablePartitions(table->name);
        if (!refusals)
            return tl::unexpected(refusals.error());
        for (const auto &r : *refusals)
            if (r.partition == p.name)
                return fail(ErrorCode::Unsupported,
                            fmt::format("{} cannot be moved to another node: {}", p.name, r.reason), r.hint);
    }

    CopyPlanOutcome out;
    auto samples = store.samples(connection.id, table->name, p.name);
    if (!samples)
        return tl::unexpected(samples.error());
    const WriteRate rate = writeRate(*samples, connection.settings, request.nowMs);

    CopySizingInput in;
    in.bytesNow = p.bytes;
    in.rowsNow = p.rows;
    in.writesPerSecond = rate.point;
    in.writesPerSecondUpper = rate.upper;
    in.confidence = rate.confidence;
    in.forecastSource = rate.source;
    in.targetName = request.target.name;
    const auto throughput =
        request.throughputBytesPerSecond ? request.throughputBytesPerSecond : calibrate(source, p.name, p.bounds);
    in.throughputBytesPerSecond = throughput.value_or(20.0 * 1024 * 1024);
    if (!throughput)
        out.notes.push_back("throughput not calibrated: 20 MiB/s assumed");
    in.maxBufferBytes =
        request.maxBufferBytes > 0 ? request.maxBufferBytes : std::max<std::int64_t>(64ll << 20, p.bytes / 4);
    if (request.target.diskBytes) {
        std::int64_t used = 0;
        bool usedKnown = false;
        if (target)
            if (auto *reporter = feature<ResourceReporter>(*target))
                if (auto r = reporter->resources(); r && r->diskBytesUsed) {
                    used = *r->diskBytesUsed;
                    usedKnown = true;
                }
        in.targetFreeBytes = *request.target.diskBytes - used;
        if (!usedKnown)
            out.notes.push_back(fmt::format("checked against {}'s stated disk capacity; what it already holds is not "
                                            "known, so keep the catalogue's figure to its free space",
                                            request.target.name));
    } else if (const std::string prefix = "sqlite://"; request.target.connectionUri.rfind(prefix, 0) == 0) {
        // A SQLite file: the space its file system still gives this user.
        std::string path = request.target.connectionUri.substr(prefix.size());
        if (const auto q = path.find('?'); q != std::string::npos)
            path.resize(q);
        std::error_code ec;
        const auto space = std::filesystem::space(std::filesystem::path(path).parent_path(), ec);
        if (!ec)
            in.targetFreeBytes = std::int64_t(space.available);
        out.notes.push_back(ec ? fmt::format("the free space of {}'s file system cannot be read ({}): the copy "
                                             "checks it again when it runs",
                                             request.target.name, ec.message())
                               : fmt::format("checked against the free space of {}'s file system ({}); the copy "
                                             "checks it again when it runs",
                                             request.target.name, humanBytes(double(space.available))));
    } else {
        out.notes.push_back(fmt::format("{} has no disk capacity in the node catalogue: the reservation is not "
                                        "checked (tidemark-cli nodes add {} URI --disk 500G)",
                                        request.target.name, request.target.name));
    }
    out.sizing = sizeCopyTarget(in);
    if (out.sizing.refusal)
        return fail(ErrorCode::InvalidArgument, "the receiving node cannot hold the copy: " + *out.sizing.refusal,
                    "choose a node with room, or raise its stated capacity if it has more (tidemark-cli nodes add)");

    auto histogram = source.keyHistogram(table->name, p.name, 64);
    if (histogram) {
        ChunkLayoutOptions layout;
        if (request.chunkRows > 0) {
            layout.coarseRows = request.chunkRows;
            layout.fineRows = std::max<std::int64_t>(1, request.chunkRows / 10);
        }
        out.chunks = layoutCopyChunks(p.bounds, *histogram, p.rows, layout);
    }

    Step step;
    step.kind = request.kind;
    step.table = table->name;
    step.keyType = table->keyType;
    step.sources = {p.name};
    step.uid = newUid();
    step.payload =
        NodeCopyWork{request.target.connectionUri, "", "", p.bounds, out.sizing.reservedBytes, request.chunkRows,
                     request.smokeQueries};
    step.reason = fmt::format("{} requested to {} node {} ({}); {}; {}", request.requestedBy,
                              request.kind == StepKind::Move ? "move it to" : "copy it to", request.target.name,
                              toString(request.target.role), out.sizing.text,
                              out.chunks.empty() ? std::string("chunks from the key histogram at run time")
                                                 : describeChunkLayout(out.chunks));
    step.predicted.bytesRewritten = out.sizing.reservedBytes;
    step.predicted.rowsMoved = p.rows;
    auto fingerprint = source.fingerprint(table->name, step.sources);
    if (!fingerprint)
        return tl::unexpected(fingerprint.error());
    step.fingerprint = *fingerprint;
    auto sql = source.preview(step);
    if (!sql)
        return tl::unexpected(sql.error());
    step.sql = *sql;

    Plan &plan = out.plan;
    plan.connectionUri = connection.uri;
    plan.kind = request.kind == StepKind::Move ? "move" : "copy";
    plan.createdMs = request.nowMs;
    plan.createdBy = request.requestedBy;
    plan.summary = fmt::format("{} {} ({} rows) of {} to node {}; {}", request.kind == StepKind::Move ? "move" : "copy",
                               p.name, p.rows, table->name, request.target.name, out.sizing.text);
    plan.steps.push_back(std::move(step));
    if (!request.store)
        return out;
    if (auto ok = store.insertPlan(plan); !ok)
        return tl::unexpected(ok.error());
    if (auto ok =
            store.audit(AuditEntry{0, request.nowMs, request.requestedBy, "plan.created", plan.id, 0, plan.summary});
        !ok)
        return tl::unexpected(ok.error());
    return out;
}

} // namespace tidemark
