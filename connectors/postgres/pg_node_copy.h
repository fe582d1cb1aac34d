#pragma once
// The pieces of a copy or move to another PostgreSQL node that the
// connector's optional interfaces share (connector_features.h): the
// relation a name stands for, the capture triggers and their log, and
// chunk checksums in one scan. See docs/copy-move.md.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/activity.h"
#include "pg_connection.h"
#include "pg_tables.h"

namespace tidemark::postgres {

/// A partitioned table, or one of its partitions, by the name a DBA gives.
struct KeyedRelation {
    PgTable table; ///< the partitioned table (the partition's parent)
    std::optional<PgPartition> partition;
    std::string schema, relname; ///< the relation itself
    std::string quoted;
    std::string key; ///< the family's one key column
    KeyType keyType = KeyType::Integer;
};

/// Finds `name` among partitioned tables and their partitions; refuses a
/// family without one integer, date or timestamp key column.
Result<KeyedRelation> findKeyedRelation(PgConnection &c, const std::string &name);

/// What PostgreSQL's rules for a move depend on, read once per partitioned table.
struct MoveFacts {
    bool uniqueIndex = false; ///< the parent has a primary key or unique index
};
Result<MoveFacts> loadMoveFacts(PgConnection &c, const PgTable &parent);

/// Why a move to another node (behind postgres_fdw) cannot take `p` of
/// `parent`: an Unsupported error with a hint; nothing when it can.
std::optional<Error> moveRefusal(const PgTable &parent, const PgPartition &p, const MoveFacts &facts);

/// The bookkeeping tables of copies and captures (idempotent; own transaction).
Result<void> ensureCopySchema(PgConnection &c);

/// Trigger and function names of a capture.
std::string captureTag(const std::string &capture);

/// Creates the capture: a row in tidemark.captures and an AFTER ROW trigger
/// on `rel` logging every change in `range` (op, key ordinal, row as jsonb)
/// to tidemark.capture_log. Run inside the caller's transaction.
Result<void> createCapture(PgConnection &c, const std::string &capture, const KeyedRelation &rel,
                           const KeyRange &range);
/// Whether the capture exists.
Result<bool> captureExists(PgConnection &c, const std::string &capture);
/// Removes the capture's rows (making its trigger inert at once), then its
/// trigger and function; idempotent.
Result<void> dropCapture(PgConnection &c, const std::string &capture);

/// Count and order-independent checksum of each of `chunks` (key ranges of
/// `keyColumn`, in key order, not overlapping) over the rows of `relation`,
/// in one scan; every column of `columns` hashed by name, as checksumSql;
/// only rows matching `alsoWhere` too, when given.
Result<std::vector<RowChecksum>> chunkSums(PgConnection &c, const std::vector<PgColumn> &columns,
                                           const std::string &relation, const std::string &keyColumn, KeyType type,
                                           const std::vector<KeyRange> &chunks, const std::string &alsoWhere = {});

/// A numeric sum's text reduced modulo 2^64 (the engine's wrapping sum).
std::uint64_t wrappingSum(const std::string &numericText);

/// SQL selecting the keys of a bigint ordinal array literal, typed like the key.
std::string keysOfOrdinals(const std::string &ordinalArray, KeyType type);

/// A session-level advisory lock per step uid, held for the whole of
/// execute() and taken by abandonStep(), so a clean-up can never race a run
/// of the same step (from this or any other Tidemark process).
class StepRunLock {
public:
    StepRunLock(PgConnection &c, std::string key)
        : m_c(c)
        , m_key(std::move(key))
    {
    }
    ~StepRunLock()
    {
        if (m_held)
            (void)m_c.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", {m_key});
    }
    StepRunLock(const StepRunLock &) = delete;
    StepRunLock &operator=(const StepRunLock &) = delete;
    Result<void> tryLock(const std::string &uid)
    {
        auto got =
            m_c.scalar("SELECT CASE WHEN pg_try_advisory_lock(hashtextextended($1, 0)) THEN 1 ELSE 0 END", {m_key});
        if (!got)
            return tl::unexpected(got.error());
        if (*got == 0)
            return fail(ErrorCode::Busy, fmt::format("step {} is being run by another session right now", uid),
                        "wait for that run to finish; see tidemark-cli status");
        m_held = true;
        return {};
    }

private:
    PgConnection &m_c;
    std::string m_key;
    bool m_held = false;
};

} // namespace tidemark::postgres
