// Demo database generator: `orders` as a family of range partitions, filled
// in one transaction with prepared statements, deterministically from a seed.
#include "sqlite_demo.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <system_error>

#include <fmt/format.h>
#include <sqlite3.h>

#include "sqlite_checksum.h"
#include "sqlite_connector.h"
#include "sqlite_demo_internal.h"
#include "sqlite_family.h"
#include "sqlite_sql.h"

namespace tidemark::sqlite {

namespace {

constexpr const char *kOrdersSql = "CREATE TABLE orders(\n"
                                   "  order_id INTEGER PRIMARY KEY,\n"
                                   "  customer_id INTEGER NOT NULL,\n"
                                   "  status TEXT NOT NULL DEFAULT 'new',\n"
                                   "  amount_cents INTEGER NOT NULL,\n"
                                   "  created_at INTEGER NOT NULL,\n"
                                   "  note TEXT)";
constexpr const char *kOrdersIndexSql = "CREATE INDEX orders_customer ON orders(customer_id)";

constexpr std::array<const char *, 12> kNotes{"leave at the front door",
                                              "gift wrap, no invoice in the box",
                                              "call before delivery",
                                              "deliver to the neighbour at 12",
                                              "fragile: glassware",
                                              "weekday mornings only",
                                              "express shipping requested",
                                              "customer asked for paper receipt",
                                              "split shipment allowed",
                                              "use the side entrance",
                                              "reorder of a previous purchase",
                                              "bulk order for the office"};

// Orders are dated back from a fixed day so the data depends on the seed alone.
constexpr std::int64_t kDemoEpochSeconds = 1'704'067'200; // 2024-01-01

struct DbCloser {
    sqlite3 *db = nullptr;
    ~DbCloser() { sqlite3_close_v2(db); }
};

} // namespace

std::uint64_t demoMix(std::uint64_t x)
{
    // splitmix64: a row's values depend on (seed, key) only.
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

DemoRow demoRow(std::uint64_t seed, std::int64_t key, std::int64_t rows)
{
    const std::uint64_t h = demoMix(seed ^ demoMix(std::uint64_t(key)));
    const std::uint64_t h2 = demoMix(h);
    DemoRow r;
    r.orderId = key;
    r.customerId = 1 + std::int64_t(h % 100000);
    const int s = int((h >> 20) % 100);
    r.status = s < 10 ? "new"
        : s < 35      ? "paid"
        : s < 60      ? "shipped"
        : s < 90      ? "delivered"
        : s < 96      ? "cancelled"
                      : "returned";
    r.amountCents = 199 + std::int64_t((h >> 7) % 99800);
    r.createdAt = kDemoEpochSeconds - (rows - key) * 37;
    r.note = fmt::format("{}; ref {:08x}", kNotes[h2 % kNotes.size()], std::uint32_t(h2 >> 32));
    return r;
}

std::string demoStatus(std::uint64_t r)
{
    static constexpr std::array<const char *, 6> kStatuses{"new",       "paid",      "shipped",
                                                           "delivered", "cancelled", "returned"};
    return kStatuses[r % kStatuses.size()];
}

Result<DemoSummary> createDemoDatabase(const std::filesystem::path &path, const DemoOptions &opt)
{
    const auto started = std::chrono::steady_clock::now();
    if (opt.rows < 1 || opt.partitions < 1 || opt.partitions > 5000 || opt.rows < opt.partitions)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("cannot make {} rows in {} partitions", opt.rows, opt.partitions),
                    "use at least one row per partition and at most 5000 partitions");
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} already exists; the demo never overwrites a file", path.string()),
                    "remove the file or choose another path");
    const auto parent = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::is_directory(parent, ec))
        return fail(ErrorCode::NotFound, fmt::format("the directory {} does not exist", parent.string()),
                    "create it first");

    DbCloser c;
    int rc = sqlite3_open_v2(path.c_str(), &c.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK)
        return tl::unexpected(sqliteError(c.db, rc, "creating the demo database"));
    sqlite3 *db = c.db;
    if (auto r = exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536"); !r)
        return tl::unexpected(r.error());
    if (auto r = registerChecksumFunctions(db); !r)
        return tl::unexpected(r.error());

    const std::int64_t width = (opt.rows + opt.partitions - 1) / opt.partitions;
    std::vector<KeyValue> splits;
    for (int i = 1; i < opt.partitions; ++i)
        splits.push_back(width * i);
    if (opt.plainTable) {
        if (auto r = exec(db, std::string(kOrdersSql) + ";\n" + kOrdersIndexSql); !r)
            return tl::unexpected(r.error());
    } else {
        FamilySpec spec;
        spec.createTableSql = kOrdersSql;
        spec.createIndexSql = {kOrdersIndexSql};
        spec.keyColumn = "order_id";
        spec.splitPoints = splits;
        spec.countWrites = false; // switched on after the bulk load
        if (auto r = createFamilyOn(db, spec); !r)
            return tl::unexpected(r.error());
    }

    const std::int64_t t0 = nowMs();
    auto tx = WriteTransaction::begin(db);
    if (!tx)
        return tl::unexpected(tx.error());
    std::vector<Statement> inserts;
    std::vector<KeyValue> uppers;
    std::optional<KeyValue> lower;
    for (std::size_t i = 0; i <= splits.size(); ++i) {
        const std::optional<KeyValue> upper = i < splits.size() ? std::optional<KeyValue>(splits[i]) : std::nullopt;
        const std::string table = opt.plainTable ? std::string("orders") : partitionName("orders", {lower, upper});
        auto st = Statement::prepare(db,
                                     "INSERT INTO " + quoteIdent(table) +
                                         "(order_id, customer_id, status, amount_cents, created_at, note) "
                                         "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
        if (!st)
            return tl::unexpected(st.error());
        inserts.push_back(std::move(*st));
        uppers.push_back(upper.value_or(INT64_MAX));
        lower = upper;
        if (opt.plainTable)
            break;
    }
    std::size_t part = 0;
    for (std::int64_t key = 0; key < opt.rows; ++key) {
        while (!opt.plainTable && key >= uppers[part])
            ++part;
        const DemoRow row = demoRow(opt.seed, key, opt.rows);
        Statement &st = inserts[part];
        st.bind(1, row.orderId).bind(2, row.customerId).bind(3, std::string_view(row.status));
        st.bind(4, row.amountCents).bind(5, row.createdAt).bind(6, std::string_view(row.note));
        if (auto r = st.run(); !r)
            return tl::unexpected(r.error());
    }
    inserts.clear();

    const int hotPartition = std::min(opt.partitions - 1, int(std::floor(0.61 * opt.partitions)));
    DemoSummary s;
    s.path = path;
    s.rows = opt.rows;
    s.partitions = opt.plainTable ? 1 : opt.partitions;
    s.partitionWidth = width;
    s.hotWindowWidth = std::max<std::int64_t>(1, std::min(opt.hotWindowWidth, width / 4));
    s.hotWindowStart = std::min(opt.rows - s.hotWindowWidth, hotPartition * width + width * 2 / 5);
    s.driftKeysPerSecond = opt.driftKeysPerSecond;
    s.t0Ms = t0;
    auto meta = exec(db, "CREATE TABLE demo_meta(key TEXT PRIMARY KEY, value NOT NULL)");
    if (!meta)
        return tl::unexpected(meta.error());
    auto put = Statement::prepare(db, "INSERT INTO demo_meta(key, value) VALUES(?1, ?2)");
    if (!put)
        return tl::unexpected(put.error());
    const std::vector<std::pair<const char *, std::int64_t>> ints{
        {"rows", s.rows},
        {"partitions", s.partitions},
        {"partition_width", s.partitionWidth},
        {"hot_window_start", s.hotWindowStart},
        {"hot_window_width", s.hotWindowWidth},
        {"t0_ms", s.t0Ms},
        {"seed", std::int64_t(opt.seed)},
    };
    for (const auto &[k, v] : ints) {
        put->reset();
        if (auto r = put->bind(1, std::string_view(k)).bind(2, v).run(); !r)
            return tl::unexpected(r.error());
    }
    put->reset();
    sqlite3_bind_text(put->handle(), 1, "drift_keys_per_second", -1, SQLITE_STATIC);
    sqlite3_bind_double(put->handle(), 2, opt.driftKeysPerSecond);
    if (auto r = put->run(); !r)
        return tl::unexpected(r.error());
    put = Statement();
    if (auto r = tx->commit(); !r)
        return tl::unexpected(r.error());

    // The bulk load is not workload: counting starts now, from zero.
    if (!opt.plainTable && opt.countWrites)
        if (auto r = setWriteCountingOn(db, "orders", true); !r)
            return tl::unexpected(r.error());
    if (auto r = exec(db, "PRAGMA wal_checkpoint(TRUNCATE)"); !r)
        return tl::unexpected(r.error());
    s.bytes = std::int64_t(std::filesystem::file_size(path, ec));
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return s;
}

} // namespace tidemark::sqlite
