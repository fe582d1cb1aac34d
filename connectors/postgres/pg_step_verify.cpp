// The verification of an online split or merge (pg_step_verify.h).
#include "pg_step_verify.h"

#include <cstdlib>

#include <fmt/format.h>

#include "pg_node_copy.h"
#include "pg_tables.h"

namespace tidemark::postgres {

namespace {

RowChecksum minus(RowChecksum a, const RowChecksum &b)
{
    a.rows -= b.rows;
    a.hashSum -= b.hashSum;
    return a;
}

/// Opens one REPEATABLE READ, READ ONLY snapshot in `tx` and reads the keys
/// logged and not replayed yet in it: (ordinal array text, any NULL key).
Result<Rows> pendingInSnapshot(PgConnection &c, Transaction &tx, const StepWork &w)
{
    if (auto r = tx.begin(); !r)
        return tl::unexpected(r.error());
    if (auto r = c.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"); !r)
        return tl::unexpected(r.error());
    return c.query(w.sql.pendingKeys, {w.uid});
}

} // namespace

Result<RowChecksum> checksumOfKeys(PgConnection &c, const std::string &sql, const std::string &keys, bool nulls)
{
    auto rows = c.query(sql, {keys, std::string(nulls ? "true" : "false")});
    if (!rows)
        return tl::unexpected(rows.error());
    return RowChecksum{rows->integer(0, 0), wrappingSum(rows->text(0, 1))};
}

Result<bool> narrow(PgConnection &c, const StepWork &w, SinceCheck &since)
{
    Transaction tx(c);
    auto pending = pendingInSnapshot(c, tx, w);
    if (!pending)
        return tl::unexpected(pending.error());
    SinceCheck still;
    still.add(pending->text(0, 0), pending->boolean(0, 1));
    SinceCheck settled;
    for (auto k : since.keys)
        if (!still.keys.count(k))
            settled.keys.insert(k);
    settled.nulls = since.nulls && !still.nulls;
    auto sources = checksumOfKeys(c, w.sql.verifySourcesOf, settled.text(), settled.nulls);
    if (!sources)
        return tl::unexpected(sources.error());
    auto targets = checksumOfKeys(c, w.sql.verifyTargetsOf, settled.text(), settled.nulls);
    if (!targets)
        return tl::unexpected(targets.error());
    if (auto r = tx.commit(); !r)
        return tl::unexpected(r.error());
    if (!(*sources == *targets))
        return false;
    since.keys = std::move(still.keys);
    since.nulls = still.nulls;
    return true;
}

/// Replays up to `limit` logged changes; with `since`, their keys join it
/// and the new partitions' sums follow the rows replayed.
Result<std::int64_t> replayOnce(PgConnection &c, const StepWork &w, std::int64_t limit, SinceCheck *since)
{
    auto taken = c.query(w.sql.takeChanges, {w.uid, std::to_string(limit)});
    if (!taken)
        return tl::unexpected(taken.error());
    const std::int64_t n = taken->integer(0, 2);
    if (n == 0)
        return 0;
    const std::string keyText = taken->text(0, 0);
    const bool nullKeys = taken->boolean(0, 1);
    const Param keys = keyText;
    const Param nulls = std::string(nullKeys ? "true" : "false");
    RowChecksum old;
    if (since) {
        auto r = checksumOfKeys(c, w.sql.verifyTargetsOf, keyText, nullKeys);
        if (!r)
            return tl::unexpected(r.error());
        old = *r;
    }
    for (const auto &s : w.sql.replayDelete)
        if (auto r = c.query(s, {keys, nulls}); !r)
            return tl::unexpected(r.error());
    for (const auto &per : w.sql.replayInsert)
        for (const auto &s : per)
            if (auto r = c.query(s, {keys, nulls}); !r)
                return tl::unexpected(r.error());
    if (since) {
        auto now = checksumOfKeys(c, w.sql.verifyTargetsOf, keyText, nullKeys);
        if (!now)
            return tl::unexpected(now.error());
        since->targets.rows += now->rows - old.rows;
        since->targets.hashSum += now->hashSum - old.hashSum;
        since->add(keyText, nullKeys);
    }
    return n;
}

Result<std::int64_t> replayInTransaction(PgConnection &c, const StepWork &w, std::int64_t limit, SinceCheck *since)
{
    Transaction tx(c);
    if (auto r = tx.begin(); !r)
        return tl::unexpected(r.error());
    // The keys and sums follow only what commits.
    SinceCheck next;
    if (since)
        next = *since;
    auto n = replayOnce(c, w, limit, since ? &next : nullptr);
    if (!n)
        return n;
    if (auto r = tx.commit(); !r)
        return tl::unexpected(r.error());
    if (since)
        *since = std::move(next);
    return n;
}

/// The check ahead of the swap, writers not blocked: in one snapshot, the
/// keys logged and not replayed yet, and the sums of sources and new
/// partitions whole and of those keys. Every change the snapshot holds is
/// replayed or among those keys, so both sides must agree without them;
/// the swap then compares only the keys changed since. Fails when they
/// differ (nothing is changed).
Result<SinceCheck> checkAhead(PgConnection &c, const StepWork &w)
{
    Transaction tx(c);
    auto pending = pendingInSnapshot(c, tx, w);
    if (!pending)
        return tl::unexpected(pending.error());
    const std::string keys = pending->text(0, 0);
    const bool nulls = pending->boolean(0, 1);
    auto sources = runChecksum(c, w.sql.verifySources);
    if (!sources)
        return tl::unexpected(sources.error());
    auto targets = runChecksum(c, w.sql.verifyTargets);
    if (!targets)
        return tl::unexpected(targets.error());
    auto sourcesOf = checksumOfKeys(c, w.sql.verifySourcesOf, keys, nulls);
    if (!sourcesOf)
        return tl::unexpected(sourcesOf.error());
    auto targetsOf = checksumOfKeys(c, w.sql.verifyTargetsOf, keys, nulls);
    if (!targetsOf)
        return tl::unexpected(targetsOf.error());
    if (auto r = tx.commit(); !r)
        return tl::unexpected(r.error());
    const RowChecksum src = minus(*sources, *sourcesOf), tgt = minus(*targets, *targetsOf);
    if (!(src == tgt))
        return fail(ErrorCode::VerificationFailed,
                    fmt::format("verification failed before the swap: apart from the {} rows of keys still to "
                                "replay, the sources hold {} rows, the new partitions {} (checksum {}); nothing was "
                                "changed",
                                sourcesOf->rows, src.rows, tgt.rows,
                                src.hashSum == tgt.hashSum ? "equal" : "different"),
                    "something other than the source's writers changed the new tables (check their triggers and "
                    "writers); the new tables were removed");
    SinceCheck out;
    out.add(keys, nulls);
    out.targets = *targets;
    return out;
}

} // namespace tidemark::postgres
