// Node resource samples in the metadata store (the node resource monitor).
#include "store/metadata_store.h"
#include "store/sqlite_statement.h"
#include "store/store_internal.h"

namespace tidemark {

using store::Statement;

Result<void> MetadataStore::addNodeSample(std::int64_t connectionId, const NodeSample &sample)
{
    auto stmt = Statement::prepare(
        m_db,
        "INSERT OR REPLACE INTO node_samples(connection_id, ts_ms, transactions, tuples_read, tuples_written, "
        "blocks_read, blocks_hit, active_sessions, sessions, database_bytes, counter_epoch) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, sample.timestampMs).bind(3, sample.transactions).bind(4, sample.tuplesRead);
    stmt->bind(5, sample.tuplesWritten).bind(6, sample.blocksRead).bind(7, sample.blocksHit);
    stmt->bind(8, sample.activeSessions).bind(9, sample.sessions).bind(10, sample.databaseBytes);
    stmt->bind(11, sample.counterEpoch);
    return stmt->run();
}

Result<std::vector<NodeSample>> MetadataStore::nodeSamples(std::int64_t connectionId, std::int64_t sinceMs)
{
    auto stmt = Statement::prepare(
        m_db,
        "SELECT ts_ms, transactions, tuples_read, tuples_written, blocks_read, blocks_hit, active_sessions, "
        "sessions, database_bytes, counter_epoch FROM node_samples WHERE connection_id = ?1 AND ts_ms >= ?2 "
        "ORDER BY ts_ms");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, sinceMs);
    std::vector<NodeSample> out;
    auto opt = [&](int c) { return stmt->isNull(c) ? std::optional<std::int64_t>{} : stmt->int64(c); };
    auto optInt = [&](int c) { return stmt->isNull(c) ? std::optional<int>{} : static_cast<int>(stmt->int64(c)); };
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        NodeSample s;
        s.timestampMs = stmt->int64(0);
        s.transactions = opt(1);
        s.tuplesRead = opt(2);
        s.tuplesWritten = opt(3);
        s.blocksRead = opt(4);
        s.blocksHit = opt(5);
        s.activeSessions = optInt(6);
        s.sessions = optInt(7);
        s.databaseBytes = opt(8);
        s.counterEpoch = stmt->text(9);
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace tidemark
