#include "maria_binlog.h"

#include <chrono>
#include <memory>
#include <random>
#include <vector>

#include <fmt/format.h>
#include <mysql.h>

#include <mariadb_rpl.h> // needs mysql.h first
#include <unistd.h>

namespace tidemark::mariadb {

namespace {

struct EventFree {
    void operator()(MARIADB_RPL_EVENT *e) const { mariadb_free_rpl_event(e); }
};
using Event = std::unique_ptr<MARIADB_RPL_EVENT, EventFree>;

std::int64_t daysFromCivil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + std::int64_t(doe) - 719468;
}

/// The value as a KeyValue ordinal of `type`; nothing for NULL or another type.
std::optional<KeyValue> ordinal(const MARIADB_RPL_VALUE &v, KeyType type)
{
    if (v.is_null)
        return std::nullopt;
    switch (v.field_type) {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
        if (type != KeyType::Integer)
            return std::nullopt;
        return v.is_signed ? v.val.ll : std::int64_t(v.val.ull);
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_DATETIME2: {
        const MYSQL_TIME &t = v.val.tm;
        const std::int64_t days = daysFromCivil(int(t.year), t.month, t.day);
        if (type == KeyType::Date)
            return days;
        return ((days * 24 + t.hour) * 60 + t.minute) * 60'000'000LL + std::int64_t(t.second) * 1'000'000LL +
            std::int64_t(t.second_part);
    }
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIMESTAMP2:
        return std::int64_t(v.val.ts.second) * 1'000'000LL + std::int64_t(v.val.ts.second_part);
    default:
        return std::nullopt;
    }
}

} // namespace

Result<BinlogKeyCounts> readBinlogKeys(const MariaUri &uri, const std::string &database, const std::string &table,
                                       int keyIndex, KeyType type, std::int64_t budgetBytes)
{
    auto conn = MariaConnection::open(uri);
    if (!conn)
        return tl::unexpected(conn.error());
    MariaConnection &c = **conn;
    auto format = c.query("SELECT @@GLOBAL.log_bin, @@GLOBAL.binlog_format");
    if (!format)
        return tl::unexpected(format.error());
    if (format->integer(0, 0) == 0 || format->text(0, 1) != "ROW")
        return fail(ErrorCode::Unsupported,
                    fmt::format("the server's binary log is {} (binlog_format {}): no row events to read",
                                format->integer(0, 0) ? "on" : "off", format->text(0, 1)),
                    "start mariadbd with log_bin and binlog_format=ROW for per-key write counts");
    auto logs = c.query("SHOW BINARY LOGS");
    if (!logs) {
        Error e = logs.error();
        e.hint = "reading the binary log needs the BINLOG MONITOR and REPLICATION SLAVE privileges: GRANT "
                 "BINLOG MONITOR, REPLICATION SLAVE ON *.* TO the user Tidemark connects as";
        return tl::unexpected(e);
    }
    // The newest files that fit the budget (at least the newest one).
    std::size_t first = std::size_t(logs->size());
    std::int64_t total = 0;
    while (first > 0) {
        const std::int64_t size = logs->integer(int(first) - 1, 1);
        if (first < std::size_t(logs->size()) && total + size > budgetBytes)
            break;
        total += size;
        --first;
    }
    if (first >= std::size_t(logs->size()))
        return BinlogKeyCounts{};
    const std::string file = logs->text(int(first), 0);

    // The dump takes the session over. Events come with the server's own
    // checksums, which Connector/C skips (MARIADB_RPL_VERIFY_CHECKSUM off).
    (void)c.exec("SET @mariadb_slave_capability = 4, @master_binlog_checksum = @@global.binlog_checksum");
    MARIADB_RPL *rpl = mariadb_rpl_init(c.handle());
    if (!rpl)
        return fail(ErrorCode::Internal, "Connector/C could not start a binary log reader");
    struct Close {
        MARIADB_RPL *r;
        ~Close() { mariadb_rpl_close(r); }
    } close{rpl};
    std::mt19937 rng(unsigned(std::chrono::steady_clock::now().time_since_epoch().count()) ^ unsigned(::getpid()));
    // A server id of its own, far from real replicas' (it must be unique).
    const unsigned serverId = 3'000'000'000u + rng() % 1'000'000'000u;
    const unsigned flags = MARIADB_RPL_BINLOG_DUMP_NON_BLOCK;
    unsigned long start = 4;
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_FILENAME, file.c_str(), file.size());
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_START, start);
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_SERVER_ID, serverId);
    mariadb_rpl_optionsv(rpl, MARIADB_RPL_FLAGS, flags);
    if (mariadb_rpl_open(rpl) != 0) {
        const unsigned err = mysql_errno(c.handle());
        return fail(err == 1227 || err == 1045 ? ErrorCode::InvalidArgument : ErrorCode::Database,
                    fmt::format("cannot read the binary log of {}: {}", c.target(), mysql_error(c.handle())),
                    "reading the binary log needs the REPLICATION SLAVE privilege");
    }
    BinlogKeyCounts out;
    std::map<unsigned long long, Event> maps; // table id → its TABLE_MAP event, for our table only
    for (;;) {
        Event ev(mariadb_rpl_fetch(rpl, nullptr));
        if (!ev) {
            if (mysql_errno(c.handle()) != 0 && out.events <= 1)
                return fail(ErrorCode::Database,
                            fmt::format("cannot read the binary log of {}: {}", c.target(), mysql_error(c.handle())));
            break; // the end (non-blocking dump) or an error
        }
        ++out.events;
        out.bytesRead += std::int64_t(ev->event_length);
        if (ev->event_type == TABLE_MAP_EVENT) {
            const auto &tm = ev->event.table_map;
            if (std::string(tm.database.str, tm.database.length) == database &&
                std::string(tm.table.str, tm.table.length) == table && int(tm.column_count) > keyIndex)
                maps[tm.table_id] = std::move(ev);
            else
                maps.erase(tm.table_id);
        } else if (ev->event_type == WRITE_ROWS_EVENT || ev->event_type == UPDATE_ROWS_EVENT ||
                   ev->event_type == DELETE_ROWS_EVENT || ev->event_type == WRITE_ROWS_EVENT_V1 ||
                   ev->event_type == UPDATE_ROWS_EVENT_V1 || ev->event_type == DELETE_ROWS_EVENT_V1) {
            const auto it = maps.find(ev->event.rows.table_id);
            if (it == maps.end())
                continue;
            const bool update = ev->event_type == UPDATE_ROWS_EVENT || ev->event_type == UPDATE_ROWS_EVENT_V1;
            int image = 0;
            for (MARIADB_RPL_ROW *row = mariadb_rpl_extract_rows(rpl, it->second.get(), ev.get()); row;
                 row = row->next, ++image) {
                if (update && image % 2 == 0)
                    continue; // the before image of an update; its after image follows
                if (int(row->column_count) <= keyIndex)
                    continue;
                if (auto k = ordinal(row->columns[keyIndex], type))
                    ++out.byKey[*k];
            }
        }
        if (out.bytesRead > budgetBytes + (std::int64_t(1) << 20))
            break;
    }
    return out;
}

} // namespace tidemark::mariadb
