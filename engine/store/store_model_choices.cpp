// The models chosen per series: kept between plans so that a forecast refits
// the previous choice instead of searching again (forecast/model_choice.h).
#include <cmath>

#include <fmt/format.h>

#include "store/metadata_store.h"
#include "store/sqlite_statement.h"

namespace tidemark {

using store::Statement;

Result<void> MetadataStore::saveModelChoices(std::int64_t connectionId, const std::vector<StoredModelChoice> &choices)
{
    if (choices.empty())
        return {};
    return store::inTransaction(m_db, [&]() -> Result<void> {
        auto stmt = Statement::prepare(
            m_db,
            "INSERT INTO model_choices(connection_id, table_name, partition, metric, model, choice_json, chosen_ms, "
            "holdout_mase, used_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
            "ON CONFLICT(connection_id, table_name, partition, metric) DO UPDATE SET model = excluded.model, "
            "choice_json = excluded.choice_json, chosen_ms = excluded.chosen_ms, "
            "holdout_mase = excluded.holdout_mase, used_ms = excluded.used_ms");
        if (!stmt)
            return tl::unexpected(stmt.error());
        for (const StoredModelChoice &c : choices) {
            if (c.choiceJson.empty() || c.metric.empty())
                return fail(ErrorCode::InvalidArgument,
                            fmt::format("model choice of {}.{}: no document or no metric", c.table, c.partition));
            stmt->bind(1, connectionId).bind(2, c.table).bind(3, c.partition).bind(4, c.metric).bind(5, c.model);
            stmt->bind(6, c.choiceJson).bind(7, c.chosenMs).bind(9, c.usedMs);
            if (c.holdoutMase && std::isfinite(*c.holdoutMase))
                stmt->bind(8, *c.holdoutMase);
            else
                stmt->bind(8, nullptr);
            if (auto r = stmt->run(); !r)
                return r;
        }
        return {};
    });
}

Result<std::map<std::string, StoredModelChoice>>
MetadataStore::modelChoices(std::int64_t connectionId, const std::string &table, const std::string &metric)
{
    auto stmt = Statement::prepare(m_db,
                                   "SELECT partition, model, choice_json, chosen_ms, holdout_mase, used_ms "
                                   "FROM model_choices WHERE connection_id = ?1 AND table_name = ?2 AND metric = ?3");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, table).bind(3, metric);
    std::map<std::string, StoredModelChoice> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return out;
        StoredModelChoice c;
        c.table = table;
        c.partition = stmt->text(0);
        c.metric = metric;
        c.model = stmt->text(1);
        c.choiceJson = stmt->text(2);
        c.chosenMs = stmt->int64(3);
        if (!stmt->isNull(4))
            c.holdoutMase = stmt->real(4);
        c.usedMs = stmt->int64(5);
        out.emplace(c.partition, std::move(c));
    }
}

} // namespace tidemark
