// The demo workload: a zipfian hot spot of keys that drifts with wall-clock
// time, writes through the `orders` view in small transactions like an
// application, plus point reads of a cold key range.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <system_error>
#include <unordered_set>

#include <fmt/format.h>
#include <sqlite3.h>

#include "sqlite_demo.h"
#include "sqlite_demo_internal.h"
#include "sqlite_sql.h"

namespace tidemark::sqlite {

namespace {

constexpr double kZipfExponent = 1.1;

struct Meta {
    std::int64_t rows = 0;
    std::int64_t hotStart = 0;
    std::int64_t hotWidth = 1;
    double drift = 0.0;
    std::int64_t t0Ms = 0;
    std::uint64_t seed = 0;
};

struct Layout {
    std::vector<std::string> names;
    std::vector<std::optional<std::int64_t>> lowers; ///< ascending; nullopt = MINVALUE

    std::size_t indexOf(std::int64_t key) const
    {
        // lowers[1..] are all set and ascending: binary search them.
        const auto it = std::upper_bound(lowers.begin() + 1, lowers.end(), key,
                                         [](std::int64_t k, const std::optional<std::int64_t> &l) { return k < *l; });
        return std::size_t(it - lowers.begin()) - 1;
    }
};

Result<Meta> readMeta(sqlite3 *db)
{
    auto st = Statement::prepare(db, "SELECT key, value FROM demo_meta");
    if (!st)
        return fail(ErrorCode::InvalidArgument, "this is not a Tidemark demo database (it has no demo_meta table)",
                    "create one with: tidemark-cli demo init PATH");
    Meta m;
    for (;;) {
        auto r = st->step();
        if (!r)
            return tl::unexpected(r.error());
        if (!*r)
            break;
        const std::string k = st->text(0);
        if (k == "rows")
            m.rows = st->integer(1);
        else if (k == "hot_window_start")
            m.hotStart = st->integer(1);
        else if (k == "hot_window_width")
            m.hotWidth = std::max<std::int64_t>(1, st->integer(1));
        else if (k == "drift_keys_per_second")
            m.drift = sqlite3_column_double(st->handle(), 1);
        else if (k == "t0_ms")
            m.t0Ms = st->integer(1);
        else if (k == "seed")
            m.seed = std::uint64_t(st->integer(1));
    }
    if (m.rows <= 0)
        return fail(ErrorCode::Corrupt, "demo_meta does not record the number of rows");
    return m;
}

Result<Layout> readLayout(sqlite3 *db)
{
    Layout l;
    auto st = Statement::prepare(db,
                                 "SELECT name, lower FROM _tidemark_partitions WHERE family = 'orders' "
                                 "ORDER BY lower IS NOT NULL, lower");
    if (st) {
        for (;;) {
            auto r = st->step();
            if (!r)
                return tl::unexpected(r.error());
            if (!*r)
                break;
            l.names.push_back(st->text(0));
            l.lowers.push_back(st->optionalInteger(1));
        }
    }
    if (l.names.empty()) { // a plain table (benchmark variant)
        l.names.push_back("orders");
        l.lowers.push_back(std::nullopt);
    }
    return l;
}

// Zipf over ranks 0..n-1 by inverse CDF.
class Zipf {
public:
    explicit Zipf(std::int64_t n)
    {
        double total = 0;
        m_cdf.reserve(std::size_t(n));
        for (std::int64_t i = 1; i <= n; ++i) {
            total += 1.0 / std::pow(double(i), kZipfExponent);
            m_cdf.push_back(total);
        }
        for (double &c : m_cdf)
            c /= total;
    }
    std::int64_t operator()(double u) const
    {
        return std::int64_t(std::lower_bound(m_cdf.begin(), m_cdf.end(), u) - m_cdf.begin());
    }

private:
    std::vector<double> m_cdf;
};

std::int64_t windowStart(const Meta &m, std::int64_t nowMs)
{
    const std::int64_t span = std::max<std::int64_t>(1, m.rows - m.hotWidth);
    const auto drifted = std::int64_t(std::floor(m.drift * double(nowMs - m.t0Ms) / 1000.0));
    return ((m.hotStart + drifted) % span + span) % span;
}

} // namespace

Result<DemoLoadReport> runDemoLoad(const std::filesystem::path &path, const DemoLoadOptions &opt)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return fail(ErrorCode::NotFound, fmt::format("no SQLite database at {}", path.string()),
                    fmt::format("create the demo first: tidemark-cli demo init {}", path.string()));
    sqlite3 *db = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    struct Closer {
        sqlite3 *db;
        ~Closer() { sqlite3_close_v2(db); }
    } closer{db};
    if (rc != SQLITE_OK)
        return tl::unexpected(sqliteError(db, rc, "opening the demo database"));
    sqlite3_busy_timeout(db, 5000);
    // WAL + synchronous=NORMAL is how applications commonly run SQLite.
    if (auto r = exec(db, "PRAGMA synchronous = NORMAL"); !r)
        return tl::unexpected(r.error());
    auto meta = readMeta(db);
    if (!meta)
        return tl::unexpected(meta.error());
    auto layout = readLayout(db);
    if (!layout)
        return tl::unexpected(layout.error());

    auto upd = Statement::prepare(db,
                                  "UPDATE orders SET status = ?2, amount_cents = amount_cents + ?3, note = ?4 "
                                  "WHERE order_id = ?1");
    auto ins = Statement::prepare(db,
                                  "INSERT INTO orders(order_id, customer_id, status, amount_cents, created_at, "
                                  "note) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    auto del = Statement::prepare(db, "DELETE FROM orders WHERE order_id = ?1");
    auto sel = Statement::prepare(db, "SELECT status, amount_cents FROM orders WHERE order_id = ?1");
    for (auto *st : {&upd, &ins, &del, &sel})
        if (!*st)
            return tl::unexpected(st->error());

    DemoLoadReport rep;
    rep.hotWindowWidth = meta->hotWidth;
    rep.hotWindowStart = windowStart(*meta, nowMs());
    rep.hotPartition = layout->names[layout->indexOf(rep.hotWindowStart)];
    std::vector<std::int64_t> perPartition(layout->names.size(), 0);
    const Zipf zipf(meta->hotWidth);
    std::mt19937_64 rng(opt.seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::unordered_set<std::int64_t> deleted;
    const std::int64_t coldEnd = std::max<std::int64_t>(1, meta->rows * 3 / 10);
    // Ranks map to offsets by a stride coprime with the width, scattering the
    // hottest keys across the window.
    std::int64_t stride = 7919;
    while (std::gcd(stride, meta->hotWidth) != 1)
        ++stride;

    const auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
    auto more = [&] { return elapsed() < opt.seconds && (!opt.maxOperations || rep.operations < *opt.maxOperations); };
    auto noteError = [&](const Error &e) {
        ++rep.errors;
        rep.lastError = e.message;
    };

    std::int64_t windowAt = rep.hotWindowStart;
    while (more()) {
        windowAt = windowStart(*meta, nowMs());
        if (auto r = exec(db, "BEGIN IMMEDIATE"); !r) {
            noteError(r.error());
            continue;
        }
        for (int j = 0; j < opt.operationsPerTransaction && more(); ++j) {
            ++rep.operations;
            if (unit(rng) < opt.readShare) {
                const std::int64_t key = std::int64_t(rng() % std::uint64_t(coldEnd));
                sel->reset();
                sel->bind(1, key);
                if (auto r = sel->run(); !r)
                    noteError(r.error());
                ++rep.reads;
                continue;
            }
            const std::int64_t key = opt.uniform ? std::int64_t(rng() % std::uint64_t(meta->rows))
                                                 : windowAt + (zipf(unit(rng)) * stride) % meta->hotWidth;
            const std::uint64_t r1 = rng();
            Result<void> r;
            if (deleted.count(key)) {
                const DemoRow row = demoRow(meta->seed, key, meta->rows);
                ins->reset();
                ins->bind(1, key).bind(2, row.customerId).bind(3, std::string_view(row.status));
                ins->bind(4, row.amountCents).bind(5, nowMs() / 1000).bind(6, std::string_view(row.note));
                r = ins->run();
                if (r) {
                    deleted.erase(key);
                    ++rep.inserts;
                }
            } else if (unit(rng) < opt.deleteShare) {
                del->reset();
                del->bind(1, key);
                r = del->run();
                if (r) {
                    deleted.insert(key);
                    ++rep.deletes;
                }
            } else {
                const std::string note = fmt::format("updated by demo load; ref {:08x}", std::uint32_t(r1 >> 32));
                upd->reset();
                upd->bind(1, key).bind(2, std::string_view(demoStatus(r1))).bind(3, std::int64_t(r1 % 500));
                upd->bind(4, std::string_view(note));
                r = upd->run();
                if (r)
                    ++rep.updates;
            }
            if (!r) {
                noteError(r.error());
                continue;
            }
            ++rep.writes;
            ++perPartition[layout->indexOf(key)];
        }
        if (auto r = exec(db, "COMMIT"); !r) {
            noteError(r.error());
            (void)exec(db, "ROLLBACK");
        }
    }
    rep.seconds = elapsed();
    rep.hotWindowEnd = windowAt;
    for (std::size_t i = 0; i < perPartition.size(); ++i)
        if (perPartition[i])
            rep.writesPerPartition.emplace_back(layout->names[i], perPartition[i]);
    return rep;
}

} // namespace tidemark::sqlite
