// Issued forecasts and their checks: what a planner predicted for a window,
// and — once samples cover the window — what happened.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "store/metadata_store.h"
#include "store/sqlite_statement.h"

namespace tidemark {

using store::Statement;

namespace {

constexpr const char *kColumns =
    "id, table_name, partition, metric, window_start_ms, window_end_ms, predicted, lower95, upper95, model, "
    "made_ms, checked_ms, actual, missed, scaled_error";

ForecastRecord readRecord(const Statement &s)
{
    ForecastRecord r;
    r.id = s.int64(0);
    r.table = s.text(1);
    r.partition = s.text(2);
    r.metric = s.text(3);
    r.windowStartMs = s.int64(4);
    r.windowEndMs = s.int64(5);
    r.predicted = s.real(6);
    r.lower95 = s.real(7);
    r.upper95 = s.real(8);
    r.model = s.text(9);
    r.madeMs = s.int64(10);
    if (!s.isNull(11)) {
        r.checkedMs = s.int64(11);
        r.actual = s.real(12);
        r.missed = s.int64(13) != 0;
        r.scaledError = s.real(14);
    }
    return r;
}

Result<std::vector<ForecastRecord>> readAll(Statement &stmt)
{
    std::vector<ForecastRecord> out;
    for (;;) {
        auto row = stmt.step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return out;
        out.push_back(readRecord(stmt));
    }
}

bool finite(double v)
{
    return std::isfinite(v);
}

} // namespace

Result<bool> MetadataStore::recordForecast(std::int64_t connectionId, ForecastRecord &record)
{
    if (record.windowEndMs <= record.windowStartMs || !finite(record.predicted) || !finite(record.lower95) ||
        !finite(record.upper95))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("forecast of {}.{}: empty window or a total that is not a number", record.table,
                                record.partition));
    bool recorded = false;
    auto ok = store::inTransaction(m_db, [&]() -> Result<void> {
        auto overlap = Statement::prepare(
            m_db,
            "SELECT 1 FROM forecasts WHERE connection_id = ?1 AND table_name = ?2 AND partition = ?3 "
            "AND metric = ?4 AND window_start_ms < ?6 AND window_end_ms > ?5 LIMIT 1");
        if (!overlap)
            return tl::unexpected(overlap.error());
        overlap->bind(1, connectionId).bind(2, record.table).bind(3, record.partition).bind(4, record.metric);
        overlap->bind(5, record.windowStartMs).bind(6, record.windowEndMs);
        auto row = overlap->step();
        if (!row)
            return tl::unexpected(row.error());
        if (*row)
            return {};
        auto insert =
            Statement::prepare(m_db,
                               "INSERT INTO forecasts(connection_id, table_name, partition, metric, window_start_ms, "
                               "window_end_ms, predicted, lower95, upper95, model, made_ms) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        if (!insert)
            return tl::unexpected(insert.error());
        insert->bind(1, connectionId).bind(2, record.table).bind(3, record.partition).bind(4, record.metric);
        insert->bind(5, record.windowStartMs).bind(6, record.windowEndMs).bind(7, record.predicted);
        insert->bind(8, record.lower95).bind(9, record.upper95).bind(10, record.model).bind(11, record.madeMs);
        if (auto r = insert->run(); !r)
            return r;
        record.id = sqlite3_last_insert_rowid(m_db);
        recorded = true;
        return {};
    });
    if (!ok)
        return tl::unexpected(ok.error());
    return recorded;
}

Result<std::vector<ForecastRecord>> MetadataStore::pendingForecasts(std::int64_t connectionId, std::int64_t endedByMs)
{
    auto stmt =
        Statement::prepare(m_db,
                           fmt::format("SELECT {} FROM forecasts WHERE connection_id = ?1 AND checked_ms IS NULL "
                                       "AND window_end_ms <= ?2 ORDER BY window_end_ms, id",
                                       kColumns)
                               .c_str());
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, endedByMs);
    return readAll(*stmt);
}

Result<void> MetadataStore::saveForecastCheck(const ForecastRecord &record)
{
    if (!record.checked() || !finite(record.actual) || !finite(record.scaledError))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("check of the forecast of {}.{}: no time or a value that is not a number", record.table,
                                record.partition));
    auto stmt = Statement::prepare(m_db,
                                   "UPDATE forecasts SET checked_ms = ?2, actual = ?3, missed = ?4, "
                                   "scaled_error = ?5 WHERE id = ?1");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, record.id).bind(2, record.checkedMs).bind(3, record.actual).bind(4, record.missed);
    stmt->bind(5, record.scaledError);
    if (auto r = stmt->run(); !r)
        return r;
    if (sqlite3_changes(m_db) == 0)
        return fail(ErrorCode::NotFound, fmt::format("no recorded forecast {}", record.id));
    return {};
}

Result<void> MetadataStore::dropForecast(std::int64_t forecastId)
{
    auto stmt = Statement::prepare(m_db, "DELETE FROM forecasts WHERE id = ?1");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, forecastId);
    return stmt->run();
}

Result<std::vector<ForecastRecord>> MetadataStore::forecastChecks(std::int64_t connectionId, const std::string &table,
                                                                  const std::string &partition,
                                                                  const std::string &metric, int limit)
{
    auto stmt = Statement::prepare(
        m_db,
        fmt::format("SELECT * FROM (SELECT {} FROM forecasts WHERE connection_id = ?1 AND table_name = ?2 "
                    "AND partition = ?3 AND metric = ?4 AND checked_ms IS NOT NULL "
                    "ORDER BY window_start_ms DESC, id DESC LIMIT ?5) ORDER BY window_start_ms, id",
                    kColumns)
            .c_str());
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, table).bind(3, partition).bind(4, metric).bind(5, std::max(limit, 0));
    return readAll(*stmt);
}

Result<std::vector<ForecastRecord>> MetadataStore::recentForecastChecks(std::int64_t connectionId,
                                                                        const std::string &metric, int perSeries)
{
    auto stmt = Statement::prepare(
        m_db,
        fmt::format("SELECT {0} FROM (SELECT {0}, row_number() OVER (PARTITION BY table_name, partition "
                    "ORDER BY window_start_ms DESC, id DESC) AS newest FROM forecasts WHERE connection_id = ?1 "
                    "AND metric = ?2 AND checked_ms IS NOT NULL) WHERE newest <= ?3 "
                    "ORDER BY table_name, partition, window_start_ms, id",
                    kColumns)
            .c_str());
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, metric).bind(3, std::max(perSeries, 0));
    return readAll(*stmt);
}

Result<int> MetadataStore::pruneForecastChecks(std::int64_t connectionId, int keepPerSeries)
{
    auto stmt = Statement::prepare(
        m_db,
        "DELETE FROM forecasts WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY "
        "table_name, partition, metric ORDER BY window_start_ms DESC, id DESC) AS newest FROM forecasts "
        "WHERE connection_id = ?1 AND checked_ms IS NOT NULL) WHERE newest > ?2)");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, std::max(keepPerSeries, 0));
    if (auto r = stmt->run(); !r)
        return tl::unexpected(r.error());
    return sqlite3_changes(m_db);
}

} // namespace tidemark
