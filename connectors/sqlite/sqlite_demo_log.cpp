// The event-log demo: `events` as a family of id-keyed segments, each
// holding an equal span of time, filled hour by hour in the demo's weekly
// rhythm (demo/demo_history.h), then the debug events of the oldest segments
// purged, which leaves dead space inside their pages.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <system_error>

#include <fmt/format.h>
#include <sqlite3.h>

#include "demo/demo_history.h"
#include "sqlite_checksum.h"
#include "sqlite_connector.h"
#include "sqlite_demo.h"
#include "sqlite_demo_internal.h"
#include "sqlite_family.h"
#include "sqlite_sql.h"

namespace tidemark::sqlite {

namespace {

constexpr const char *kEventsSql = "CREATE TABLE events(\n"
                                   "  event_id INTEGER PRIMARY KEY,\n"
                                   "  occurred_at INTEGER NOT NULL,\n"
                                   "  source TEXT NOT NULL,\n"
                                   "  level TEXT NOT NULL,\n"
                                   "  message TEXT NOT NULL)";
constexpr const char *kEventsIndexSql = "CREATE INDEX events_occurred ON events(occurred_at)";
constexpr std::int64_t kHourMs = 3600LL * 1000;

constexpr std::array<const char *, 8> kSources{"api-gateway", "billing", "checkout",  "auth",
                                               "search",      "mailer",  "inventory", "scheduler"};
constexpr std::array<const char *, 6> kMessages{
    "request served in {} ms", "cache miss for key {}", "retrying upstream call, attempt {}",
    "session {} refreshed",    "job {} finished",       "queue depth {} above soft limit"};

struct DbCloser {
    sqlite3 *db = nullptr;
    ~DbCloser() { sqlite3_close_v2(db); }
};

const char *levelOf(std::uint64_t h)
{
    const int l = int(h % 100);
    return l < 45 ? "debug" : l < 85 ? "info" : l < 95 ? "warn" : "error";
}

} // namespace

Result<LogDemoSummary> createLogDemoDatabase(const std::filesystem::path &path, const LogDemoOptions &opt)
{
    const auto started = std::chrono::steady_clock::now();
    if (opt.segments < 2 || opt.segments > 1000 || opt.days < 1 || opt.rows < 10LL * opt.segments ||
        opt.purgedSegments < 0 || opt.purgedSegments >= opt.segments)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("cannot make {} events in {} segments over {} days", opt.rows, opt.segments, opt.days),
                    "use 2 to 1000 segments with at least 10 events each");
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} already exists; the demo never overwrites a file", path.string()),
                    "remove the file or choose another path");
    const auto parent = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(parent, ec))
        return fail(ErrorCode::NotFound, fmt::format("the directory {} does not exist", parent.string()),
                    "create it first");

    LogDemoSummary s;
    s.path = path;
    s.endMs = opt.endMs > 0 ? opt.endMs : nowMs();
    const std::int64_t hours = std::int64_t(opt.days) * 24;
    s.startMs = (s.endMs / kHourMs - hours) * kHourMs;

    // Events per hour in the weekly rhythm, summing to opt.rows.
    std::vector<double> weight(static_cast<std::size_t>(hours));
    double total = 0.0;
    for (std::int64_t h = 0; h < hours; ++h)
        total += weight[std::size_t(h)] = demoHotRate(s.startMs + h * kHourMs + kHourMs / 2, 1.0);
    std::vector<std::int64_t> perHour(static_cast<std::size_t>(hours));
    double carried = 0.0;
    std::int64_t given = 0;
    for (std::int64_t h = 0; h < hours; ++h) {
        carried += double(opt.rows) * weight[std::size_t(h)] / total;
        const auto upTo = std::min<std::int64_t>(opt.rows, std::llround(carried));
        perHour[std::size_t(h)] = upTo - given;
        given = upTo;
    }
    perHour.back() += opt.rows - given;

    // Segment i holds the events of hours [i·span, (i+1)·span): split at the first id of each.
    const double span = double(hours) / opt.segments;
    std::vector<KeyValue> splits;
    {
        std::int64_t id = 1;
        int next = 1;
        for (std::int64_t h = 0; h < hours && next < opt.segments; ++h) {
            if (double(h) >= next * span) {
                splits.push_back(id);
                ++next;
            }
            id += perHour[std::size_t(h)];
        }
    }

    DbCloser c;
    int rc = sqlite3_open_v2(path.c_str(), &c.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK)
        return tl::unexpected(sqliteError(c.db, rc, "creating the event-log demo database"));
    sqlite3 *db = c.db;
    if (auto r = exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536"); !r)
        return tl::unexpected(r.error());
    if (auto r = registerChecksumFunctions(db); !r)
        return tl::unexpected(r.error());
    FamilySpec spec;
    spec.createTableSql = kEventsSql;
    spec.createIndexSql = {kEventsIndexSql};
    spec.keyColumn = "event_id";
    spec.splitPoints = splits;
    spec.countWrites = false; // switched on after the load
    if (auto r = createFamilyOn(db, spec); !r)
        return tl::unexpected(r.error());

    auto tx = WriteTransaction::begin(db);
    if (!tx)
        return tl::unexpected(tx.error());
    std::vector<Statement> inserts;
    std::optional<KeyValue> lower;
    for (std::size_t i = 0; i <= splits.size(); ++i) {
        const std::optional<KeyValue> upper = i < splits.size() ? std::optional<KeyValue>(splits[i]) : std::nullopt;
        LogDemoSegment seg;
        seg.name = partitionName("events", {lower, upper});
        s.segments.push_back(seg);
        auto st = Statement::prepare(db,
                                     "INSERT INTO " + quoteIdent(seg.name) +
                                         "(event_id, occurred_at, source, level, message) "
                                         "VALUES(?1, ?2, ?3, ?4, ?5)");
        if (!st)
            return tl::unexpected(st.error());
        inserts.push_back(std::move(*st));
        lower = upper;
    }
    std::int64_t id = 1;
    std::size_t part = 0;
    for (std::int64_t h = 0; h < hours; ++h) {
        const std::int64_t n = perHour[std::size_t(h)];
        for (std::int64_t k = 0; k < n; ++k, ++id) {
            while (part < splits.size() && id >= splits[part])
                ++part;
            const std::uint64_t r = demoMix(opt.seed ^ demoMix(std::uint64_t(id)));
            const std::int64_t at =
                s.startMs + h * kHourMs + (k * kHourMs + std::int64_t(r % 997)) / std::max<std::int64_t>(n, 1);
            LogDemoSegment &seg = s.segments[part];
            if (seg.insertedRows == 0)
                seg.firstMs = at;
            seg.lastMs = at;
            ++seg.insertedRows;
            const std::string message =
                fmt::format(fmt::runtime(kMessages[(r >> 8) % kMessages.size()]), (r >> 16) % 5000);
            Statement &st = inserts[part];
            st.bind(1, id).bind(2, at).bind(3, std::string_view(kSources[(r >> 4) % kSources.size()]));
            st.bind(4, std::string_view(levelOf(r >> 32))).bind(5, std::string_view(message));
            if (auto ok = st.run(); !ok)
                return tl::unexpected(ok.error());
        }
    }
    inserts.clear();
    // The retention job of the oldest segments: their debug events are gone,
    // their pages keep the space until a compaction rewrites them.
    for (int i = 0; i < opt.purgedSegments; ++i) {
        if (auto r = exec(db, "DELETE FROM " + quoteIdent(s.segments[std::size_t(i)].name) + " WHERE level = 'debug'");
            !r)
            return tl::unexpected(r.error());
        s.segments[std::size_t(i)].deletedRows = sqlite3_changes64(db);
        s.deletedRows += s.segments[std::size_t(i)].deletedRows;
    }
    if (auto r = tx->commit(); !r)
        return tl::unexpected(r.error());
    if (auto r = setWriteCountingOn(db, "events", true); !r)
        return tl::unexpected(r.error());
    if (auto r = exec(db, "PRAGMA wal_checkpoint(TRUNCATE)"); !r)
        return tl::unexpected(r.error());
    s.rows = opt.rows - s.deletedRows;
    s.bytes = std::int64_t(std::filesystem::file_size(path, ec));
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return s;
}

} // namespace tidemark::sqlite
