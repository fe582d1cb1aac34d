// Log segments in the store: the latest figures of each segment, settings per
// log table and the archives written. Documents are JSON so a later build can
// add fields without a migration; readers keep defaults for missing fields.
#include <algorithm>
#include <climits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "store/metadata_store.h"
#include "store/sqlite_statement.h"
#include "store/store_internal.h"

namespace tidemark {

using nlohmann::json;
using store::Statement;

namespace {

json rangeJson(const KeyRange &r)
{
    json j = json::object();
    if (r.lower)
        j["lower"] = *r.lower;
    if (r.upper)
        j["upper"] = *r.upper;
    return j;
}

KeyRange rangeOf(const json &j)
{
    KeyRange r;
    if (j.contains("lower") && j["lower"].is_number_integer())
        r.lower = j["lower"].get<std::int64_t>();
    if (j.contains("upper") && j["upper"].is_number_integer())
        r.upper = j["upper"].get<std::int64_t>();
    return r;
}

json figuresJson(const SegmentFigures &f)
{
    return {{"bounds", rangeJson(f.bounds)},
            {"state", toString(f.state)},
            {"bytes", f.bytes},
            {"rows", f.rows},
            {"growthBytesPerHour", f.growthBytesPerHour},
            {"growthSamples", f.growthSamples},
            {"deadBytes", f.deadBytes},
            {"deadRows", f.deadRows},
            {"deadSource", f.deadSource},
            {"load", f.load},
            {"priority", f.priority},
            {"priorityReason", f.priorityReason},
            {"predictedAtMs", f.predictedAtMs},
            {"predictedBytes", f.predictedBytes},
            {"predictedLower95", f.predictedLower95},
            {"predictedUpper95", f.predictedUpper95},
            {"predictionModel", f.predictionModel}};
}

Result<json> parse(const std::string &text, const char *what)
{
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return fail(ErrorCode::Corrupt, fmt::format("metadata store: a stored {} is not a JSON object", what),
                    "the store was edited by hand or is damaged");
    return j;
}

template <class T> void take(const json &j, const char *key, T &into)
{
    if (j.contains(key) && !j[key].is_null()) {
        try {
            into = j[key].get<T>();
        } catch (const json::exception &) {
        }
    }
}

Result<SegmentFigures> figuresOf(const std::string &table, const std::string &partition, std::int64_t takenMs,
                                 const std::string &text)
{
    auto j = parse(text, "segment figure");
    if (!j)
        return tl::unexpected(j.error());
    SegmentFigures f;
    f.table = table;
    f.partition = partition;
    f.takenMs = takenMs;
    f.bounds = rangeOf(j->value("bounds", json::object()));
    const std::string state = j->value("state", "sealed");
    f.state = state == "active" ? SegmentState::Active
        : state == "archived"   ? SegmentState::Archived
                                : SegmentState::Sealed;
    take(*j, "bytes", f.bytes);
    take(*j, "rows", f.rows);
    take(*j, "growthBytesPerHour", f.growthBytesPerHour);
    take(*j, "growthSamples", f.growthSamples);
    take(*j, "deadBytes", f.deadBytes);
    take(*j, "deadRows", f.deadRows);
    take(*j, "deadSource", f.deadSource);
    take(*j, "load", f.load);
    take(*j, "priority", f.priority);
    take(*j, "priorityReason", f.priorityReason);
    take(*j, "predictedAtMs", f.predictedAtMs);
    take(*j, "predictedBytes", f.predictedBytes);
    take(*j, "predictedLower95", f.predictedLower95);
    take(*j, "predictedUpper95", f.predictedUpper95);
    take(*j, "predictionModel", f.predictionModel);
    return f;
}

json settingsJson(const SegmentSettings &s)
{
    return {{"smoothing", toString(s.smoothing)},
            {"alpha", s.alpha},
            {"beta", s.beta},
            {"windowMs", s.windowMs},
            {"horizonMs", s.horizonMs},
            {"timeToArchiveMs", s.timeToArchiveMs},
            {"archiveThresholdBytes", s.archiveThresholdBytes},
            {"freeSpaceMarginBytes", s.freeSpaceMarginBytes},
            {"keepDetached", s.keepDetached},
            {"compactThreshold", s.compactThreshold},
            {"deadPivotBytes", s.deadPivotBytes},
            {"growthPivotBytesPerHour", s.growthPivotBytesPerHour},
            {"sizePivotBytes", s.sizePivotBytes},
            {"peakActiveSessions", s.peakActiveSessions},
            {"ioCapBytesPerSecond", s.ioCapBytesPerSecond},
            {"keepLatestBy", s.keepLatestBy},
            {"mergeBelowBytes", s.mergeBelowBytes},
            {"mergeTargetBytes", s.mergeTargetBytes}};
}

} // namespace

Result<void> MetadataStore::saveSegmentFigures(std::int64_t connectionId, const std::vector<SegmentFigures> &figures)
{
    return store::inTransaction(m_db, [&]() -> Result<void> {
        auto stmt = Statement::prepare(m_db,
                                       "INSERT OR REPLACE INTO segment_figures(connection_id, table_name, "
                                       "partition, figures_json, taken_ms) VALUES(?1, ?2, ?3, ?4, ?5)");
        if (!stmt)
            return tl::unexpected(stmt.error());
        for (const auto &f : figures) {
            stmt->reset();
            stmt->bind(1, connectionId).bind(2, f.table).bind(3, f.partition).bind(4, figuresJson(f).dump());
            stmt->bind(5, f.takenMs);
            if (auto r = stmt->run(); !r)
                return r;
        }
        return {};
    });
}

Result<std::vector<SegmentFigures>> MetadataStore::segmentFigures(std::int64_t connectionId, const std::string &table)
{
    auto stmt = Statement::prepare(m_db,
                                   "SELECT table_name, partition, taken_ms, figures_json FROM segment_figures "
                                   "WHERE connection_id = ?1 AND (?2 = '' OR table_name = ?2) "
                                   "ORDER BY table_name, partition");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, table);
    std::vector<SegmentFigures> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        auto f = figuresOf(stmt->text(0), stmt->text(1), stmt->int64(2), stmt->text(3));
        if (!f)
            return tl::unexpected(f.error());
        out.push_back(std::move(*f));
    }
    std::stable_sort(out.begin(), out.end(), [](const SegmentFigures &a, const SegmentFigures &b) {
        if (a.table != b.table)
            return a.table < b.table;
        return a.bounds.lower.value_or(INT64_MIN) < b.bounds.lower.value_or(INT64_MIN);
    });
    return out;
}

Result<void> MetadataStore::dropSegmentFigures(std::int64_t connectionId, const std::string &table,
                                               const std::string &partition)
{
    auto stmt = Statement::prepare(
        m_db, "DELETE FROM segment_figures WHERE connection_id = ?1 AND table_name = ?2 AND partition = ?3");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, table).bind(3, partition);
    return stmt->run();
}

Result<SegmentSettings> MetadataStore::segmentSettings(std::int64_t connectionId, const std::string &table)
{
    auto stmt = Statement::prepare(
        m_db, "SELECT settings_json FROM segment_settings WHERE connection_id = ?1 AND table_name = ?2");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, table);
    auto row = stmt->step();
    if (!row)
        return tl::unexpected(row.error());
    SegmentSettings s;
    if (!*row)
        return s;
    auto j = parse(stmt->text(0), "segment setting");
    if (!j)
        return tl::unexpected(j.error());
    std::string smoothing = toString(s.smoothing);
    take(*j, "smoothing", smoothing);
    s.smoothing = growthSmoothingFromString(smoothing).value_or(GrowthSmoothing::Ewma);
    take(*j, "alpha", s.alpha);
    take(*j, "beta", s.beta);
    take(*j, "windowMs", s.windowMs);
    take(*j, "horizonMs", s.horizonMs);
    take(*j, "timeToArchiveMs", s.timeToArchiveMs);
    take(*j, "archiveThresholdBytes", s.archiveThresholdBytes);
    take(*j, "freeSpaceMarginBytes", s.freeSpaceMarginBytes);
    take(*j, "keepDetached", s.keepDetached);
    take(*j, "compactThreshold", s.compactThreshold);
    take(*j, "deadPivotBytes", s.deadPivotBytes);
    take(*j, "growthPivotBytesPerHour", s.growthPivotBytesPerHour);
    take(*j, "sizePivotBytes", s.sizePivotBytes);
    take(*j, "peakActiveSessions", s.peakActiveSessions);
    take(*j, "ioCapBytesPerSecond", s.ioCapBytesPerSecond);
    take(*j, "keepLatestBy", s.keepLatestBy);
    take(*j, "mergeBelowBytes", s.mergeBelowBytes);
    take(*j, "mergeTargetBytes", s.mergeTargetBytes);
    return s;
}

Result<void> MetadataStore::saveSegmentSettings(std::int64_t connectionId, const std::string &table,
                                                const SegmentSettings &settings, const std::string &who)
{
    return store::inTransaction(m_db, [&]() -> Result<void> {
        auto stmt = Statement::prepare(m_db,
                                       "INSERT OR REPLACE INTO segment_settings(connection_id, table_name, "
                                       "settings_json) VALUES(?1, ?2, ?3)");
        if (!stmt)
            return tl::unexpected(stmt.error());
        const std::string text = settingsJson(settings).dump();
        stmt->bind(1, connectionId).bind(2, table).bind(3, text);
        if (auto r = stmt->run(); !r)
            return r;
        AuditEntry entry;
        entry.who = who.empty() ? store::currentUser() : who;
        entry.action = "segments.settings";
        entry.detail = table + ": " + text;
        return audit(entry);
    });
}

Result<void> MetadataStore::recordSegmentArchive(std::int64_t connectionId, SegmentArchive &a)
{
    auto stmt = Statement::prepare(m_db,
                                   "INSERT INTO segment_archives(connection_id, table_name, partition, "
                                   "archive_json, manifest_path, archived_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    if (!stmt)
        return tl::unexpected(stmt.error());
    const json j = {
        {"bounds", rangeJson(a.bounds)}, {"rows", a.rows}, {"fileBytes", a.fileBytes}, {"stepUid", a.stepUid}};
    stmt->bind(1, connectionId).bind(2, a.table).bind(3, a.partition).bind(4, j.dump()).bind(5, a.manifestPath);
    stmt->bind(6, a.archivedMs);
    if (auto r = stmt->run(); !r)
        return r;
    a.id = sqlite3_last_insert_rowid(m_db);
    return {};
}

Result<std::vector<SegmentArchive>> MetadataStore::segmentArchives(std::int64_t connectionId, const std::string &table)
{
    auto stmt = Statement::prepare(m_db,
                                   "SELECT id, table_name, partition, archive_json, manifest_path, archived_ms, "
                                   "restored_ms FROM segment_archives WHERE connection_id = ?1 "
                                   "AND (?2 = '' OR table_name = ?2) ORDER BY archived_ms, id");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, table);
    std::vector<SegmentArchive> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return out;
        SegmentArchive a;
        a.id = stmt->int64(0);
        a.table = stmt->text(1);
        a.partition = stmt->text(2);
        auto j = parse(stmt->text(3), "segment archive");
        if (!j)
            return tl::unexpected(j.error());
        a.bounds = rangeOf(j->value("bounds", json::object()));
        take(*j, "rows", a.rows);
        take(*j, "fileBytes", a.fileBytes);
        take(*j, "stepUid", a.stepUid);
        a.manifestPath = stmt->text(4);
        a.archivedMs = stmt->int64(5);
        a.restoredMs = stmt->int64(6);
        out.push_back(std::move(a));
    }
}

Result<void> MetadataStore::markSegmentArchiveRestored(std::int64_t connectionId, const std::string &manifestPath,
                                                       std::int64_t atMs)
{
    auto stmt = Statement::prepare(m_db,
                                   "UPDATE segment_archives SET restored_ms = ?3 WHERE connection_id = ?1 "
                                   "AND manifest_path = ?2 AND restored_ms = 0");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, manifestPath).bind(3, atMs);
    return stmt->run();
}

} // namespace tidemark
