#pragma once
// The verification of an online split or merge on PostgreSQL (docs/postgres.md,
// phases 3b and 4): the check ahead of the swap in one snapshot, the replays
// that record the keys they touch, the rounds that narrow those keys, so the
// swap compares only the rows of the keys changed in its last moments.
#include <cstdint>
#include <set>
#include <string>

#include "pg_connection.h"
#include "pg_step_plan.h"

namespace tidemark::postgres {

/// The keys changed since the check ahead of the swap (those logged and not
/// replayed then, and every key replayed since), and the new partitions'
/// count and checksum followed through those replays.
struct SinceCheck {
    std::set<std::int64_t> keys; ///< ordinals
    bool nulls = false;
    RowChecksum targets;

    void add(const std::string &arrayText, bool nullKeys)
    {
        nulls = nulls || nullKeys;
        const char *p = arrayText.c_str();
        while (*p) {
            if (*p == '-' || (*p >= '0' && *p <= '9')) {
                char *end = nullptr;
                keys.insert(std::strtoll(p, &end, 10));
                p = end;
            } else {
                ++p;
            }
        }
    }
    std::string text() const
    {
        std::string out = "{";
        for (auto k : keys)
            out += (out.size() > 1 ? "," : "") + std::to_string(k);
        return out + "}";
    }
};

/// Count and checksum of the rows of `keys` (ordinal array text; `nulls`:
/// and of NULL keys) by one of the StepSql "…Of" queries.
Result<RowChecksum> checksumOfKeys(PgConnection &c, const std::string &sql, const std::string &keys, bool nulls);

/// Replays up to `limit` logged changes; with `since`, their keys join it
/// and the new partitions' sums follow the rows replayed.
Result<std::int64_t> replayOnce(PgConnection &c, const StepWork &w, std::int64_t limit, SinceCheck *since = nullptr);
/// The same in a transaction of its own; `since` follows only what commits.
Result<std::int64_t> replayInTransaction(PgConnection &c, const StepWork &w, std::int64_t limit,
                                         SinceCheck *since = nullptr);

/// The check ahead of the swap, writers not blocked: in one snapshot, the
/// keys logged and not replayed yet, and the sums of sources and new
/// partitions whole and of those keys. Every change the snapshot holds is
/// replayed or among those keys, so both sides must agree without them;
/// the swap then compares only the keys changed since. Fails when they
/// differ (nothing is changed).
Result<SinceCheck> checkAhead(PgConnection &c, const StepWork &w);

/// Narrows `since` to the keys still logged: in one snapshot, the rows of
/// every other key of it must agree on both sides (each change to them is
/// replayed, from a read after the change), so only the keys still logged
/// then, and those written later, are left for the swap to compare. When
/// they do not agree, `since` stays as it is and the swap compares it all.
Result<bool> narrow(PgConnection &c, const StepWork &w, SinceCheck &since);

} // namespace tidemark::postgres
