// Every statement of an online split or merge, phase by phase, and the
// preview that prints them. Identifiers go through quoteIdent, constants in
// DDL through quoteLiteral (or are integers formatted from int64 values);
// everything run per batch binds its values as $n parameters. Keys travel as
// their 64-bit ordinal (pg_key_sql.h), so batch bounds, progress and the
// change log are bigint for every key type.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "pg_key_sql.h"
#include "pg_step_plan.h"

namespace tidemark::postgres {

namespace {

const std::set<std::string> kPrivileges = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"};

bool plainOptionName(const std::string &n)
{
    return !n.empty() &&
        std::all_of(n.begin(), n.end(), [](char ch) { return (ch >= 'a' && ch <= 'z') || ch == '_' || ch == '.'; });
}

std::string join(const std::vector<std::string> &v, const std::string &sep)
{
    std::string out;
    for (const auto &s : v)
        out += (out.empty() ? "" : sep) + s;
    return out;
}

} // namespace

Result<void> buildStepSql(const PgConnection &c, StepWork &w, const Step &step)
{
    StepSql &q = w.sql;
    const PgTable &t = w.table;
    const std::string k = c.quoteIdent(w.key);
    const std::string parent = c.qualified(t.schema, t.relname);
    const std::string uidLit = c.quoteLiteral(w.uid);
    const std::string fn = c.qualified("tidemark", "log_" + w.tag);
    const std::string logTrigger = c.quoteIdent("tidemark_log_" + w.tag);
    const std::string guardTrigger = c.quoteIdent("tidemark_guard_" + w.tag);
    const std::string check = c.quoteIdent("tidemark_bound_" + w.tag);
    if (k.find("$tidemark$") != std::string::npos)
        return fail(ErrorCode::Unsupported, "the key column's name contains \"$tidemark$\"", "rename the column");
    const KeyType kt = w.keyType;
    const std::string from1 = keyFromOrdinal("$1::bigint", kt), from2 = keyFromOrdinal("$2::bigint", kt);
    // Keys of the replayed ordinals ($1), typed so that an index on the key serves the lookup.
    const std::string replayKeys = kt == KeyType::Integer
        ? std::string("$1::bigint[]")
        : fmt::format("ARRAY(SELECT {} FROM unnest($1::bigint[]) AS u(o))", keyFromOrdinal("u.o", kt));

    std::vector<std::string> cols;
    for (const auto &col : t.columns)
        if (!col.generated)
            cols.push_back(c.quoteIdent(col.name));
    const std::string colList = join(cols, ", ");

    q.schema = {
        "CREATE SCHEMA IF NOT EXISTS tidemark",
        "CREATE TABLE IF NOT EXISTS tidemark.steps (uid text PRIMARY KEY, kind text NOT NULL, table_name text NOT "
        "NULL, "
        "sources text NOT NULL, targets text NOT NULL, committed_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE IF NOT EXISTS tidemark.step_progress (uid text NOT NULL, source text NOT NULL, high_water "
        "bigint, "
        "finished boolean NOT NULL DEFAULT false, PRIMARY KEY (uid, source))",
        "CREATE TABLE IF NOT EXISTS tidemark.change_log (uid text NOT NULL, k bigint)",
        "CREATE INDEX IF NOT EXISTS change_log_uid ON tidemark.change_log (uid)",
        "CREATE OR REPLACE FUNCTION tidemark.refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $tidemark$ BEGIN "
        "IF NOT EXISTS (SELECT 1 FROM tidemark.step_progress WHERE uid = TG_ARGV[0]) THEN RETURN NULL; END IF; "
        "RAISE EXCEPTION 'Tidemark step % is moving the rows of %; TRUNCATE is refused until it finishes', "
        "TG_ARGV[0], TG_TABLE_NAME USING ERRCODE = '55006'; END $tidemark$",
    };

    // Phase 1: the new tables, standalone, shaped like the (first) source.
    const std::string like = c.qualified(w.sources.front().schema, w.sources.front().relname);
    for (const auto &tg : w.targets) {
        q.prepare.push_back(
            fmt::format("CREATE TABLE {} (LIKE {} INCLUDING ALL){}", tg.quoted, like,
                        w.tablespace.empty() ? std::string() : " TABLESPACE " + c.quoteIdent(w.tablespace)));
        // Validated at once on the empty table; ATTACH then skips its scan.
        q.prepare.push_back(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} CHECK {}", tg.quoted, check,
                                        tg.predicate.front() == '(' ? tg.predicate : "(" + tg.predicate + ")"));
        std::string autovacuum; // the source's own setting, if it has one
        for (const auto &opt : w.reloptions) {
            const auto eq = opt.find('=');
            if (eq == std::string::npos || !plainOptionName(opt.substr(0, eq)))
                continue;
            if (opt.substr(0, eq) == "autovacuum_enabled") {
                autovacuum = opt.substr(eq + 1);
                continue;
            }
            q.prepare.push_back(fmt::format("ALTER TABLE {} SET ({} = {})", tg.quoted, opt.substr(0, eq),
                                            c.quoteLiteral(opt.substr(eq + 1))));
        }
        // No autovacuum while the step fills it: its lock would hold up the
        // swap's ATTACH. The swap gives the table the source's setting.
        q.prepare.push_back(fmt::format("ALTER TABLE {} SET (autovacuum_enabled = false)", tg.quoted));
        q.afterSwap.push_back(autovacuum.empty()
                                  ? fmt::format("ALTER TABLE {} RESET (autovacuum_enabled)", tg.quoted)
                                  : fmt::format("ALTER TABLE {} SET (autovacuum_enabled = {})", tg.quoted,
                                                c.quoteLiteral(autovacuum)));
        if (!w.owner.empty())
            q.prepare.push_back(fmt::format("ALTER TABLE {} OWNER TO {}", tg.quoted, c.quoteIdent(w.owner)));
        for (const auto &g : w.grants) {
            const auto a = g.find('|'), b = g.rfind('|');
            const std::string priv = g.substr(0, a), grantee = g.substr(a + 1, b - a - 1);
            if (!kPrivileges.count(priv))
                continue;
            q.prepare.push_back(fmt::format("GRANT {} ON {} TO {}{}", priv, tg.quoted,
                                            grantee.empty() ? std::string("PUBLIC") : c.quoteIdent(grantee),
                                            g.substr(b + 1) == "t" ? " WITH GRANT OPTION" : ""));
        }
        if (!w.comment.empty())
            q.prepare.push_back(fmt::format("COMMENT ON TABLE {} IS {}", tg.quoted, c.quoteLiteral(w.comment)));
    }
    // Change capture: every write to a source logs its key (old and new).
    // SECURITY DEFINER so application roles need no right on tidemark.*.
    q.prepare.push_back(fmt::format(
        "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        "SET search_path = pg_catalog AS $tidemark$ BEGIN "
        // Inert once the step is abandoned, even if its trigger could not be dropped yet.
        "IF NOT EXISTS (SELECT 1 FROM tidemark.step_progress WHERE uid = TG_ARGV[0]) THEN RETURN NULL; END IF; "
        "IF TG_OP <> 'INSERT' THEN INSERT INTO tidemark.change_log (uid, k) VALUES (TG_ARGV[0], {}); END IF; "
        "IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.{} IS DISTINCT FROM OLD.{}) THEN "
        "INSERT INTO tidemark.change_log (uid, k) VALUES (TG_ARGV[0], {}); END IF; "
        "RETURN NULL; END $tidemark$",
        fn, ordinalOf("OLD." + k, kt), k, k, ordinalOf("NEW." + k, kt)));
    for (const auto &s : w.sources) {
        const std::string src = c.qualified(s.schema, s.relname);
        // Inert triggers an earlier clean-up could not drop (a long
        // transaction held the partition) must not make this run fail.
        q.prepare.push_back(fmt::format("DROP TRIGGER IF EXISTS {} ON {}", logTrigger, src));
        q.prepare.push_back(fmt::format("DROP TRIGGER IF EXISTS {} ON {}", guardTrigger, src));
        q.prepare.push_back(fmt::format("CREATE TRIGGER {} AFTER INSERT OR UPDATE OR DELETE ON {} FOR EACH ROW "
                                        "EXECUTE FUNCTION {}({})",
                                        logTrigger, src, fn, uidLit));
        q.prepare.push_back(fmt::format("CREATE TRIGGER {} BEFORE TRUNCATE ON {} FOR EACH STATEMENT EXECUTE FUNCTION "
                                        "tidemark.refuse_truncate({})",
                                        guardTrigger, src, uidLit));
        q.prepare.push_back(fmt::format("INSERT INTO tidemark.step_progress (uid, source) VALUES ({}, {})", uidLit,
                                        c.quoteLiteral(s.name)));
    }

    // Phase 2: batches by key, [$1, $2) with NULL for an open end.
    const bool mayHaveNullKeys = t.strategy != 'r';
    q.boundary = fmt::format("SELECT {1} FROM {{source}} WHERE {0} IS NOT NULL AND ($1::bigint IS NULL OR {0} >= {2}) "
                             "ORDER BY {0} OFFSET $2::bigint LIMIT 1",
                             k, ordinalOf(k, kt), from1);
    q.progress = "UPDATE tidemark.step_progress SET high_water = $3::bigint, finished = $4::boolean "
                 "WHERE uid = $1 AND source = $2";
    q.takeChanges = "WITH taken AS (DELETE FROM tidemark.change_log WHERE ctid = ANY (ARRAY(SELECT ctid FROM "
                    "tidemark.change_log WHERE uid = $1 LIMIT $2::bigint)) RETURNING k) "
                    "SELECT coalesce(array_agg(DISTINCT k) FILTER (WHERE k IS NOT NULL), '{}')::text, "
                    "bool_or(k IS NULL), count(*) FROM taken";
    for (const auto &tg : w.targets)
        q.replayDelete.push_back(fmt::format("DELETE FROM {} WHERE {} = ANY ({}) OR ($2::boolean AND {} IS NULL)",
                                             tg.quoted, k, replayKeys, k));
    for (const auto &s : w.sources) {
        const std::string src = c.qualified(s.schema, s.relname);
        std::vector<std::string> copy, replay;
        std::string nulls;
        for (const auto &tg : w.targets) {
            copy.push_back(
                fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} WHERE {} IS NOT NULL AND ($1::bigint IS NULL "
                            "OR {} >= {}) AND ($2::bigint IS NULL OR {} < {}) AND {}",
                            tg.quoted, colList, colList, src, k, k, from1, k, from2, tg.predicate));
            replay.push_back(fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} WHERE ({} = ANY ({}) OR "
                                         "($2::boolean AND {} IS NULL)) AND {}",
                                         tg.quoted, colList, colList, src, k, replayKeys, k, tg.predicate));
            if (mayHaveNullKeys)
                nulls += (nulls.empty() ? "" : ";\n") +
                    fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} WHERE {} IS NULL AND {}", tg.quoted, colList,
                                colList, src, k, tg.predicate);
        }
        q.copy.push_back(std::move(copy));
        q.replayInsert.push_back(std::move(replay));
        q.copyNulls.push_back(nulls);
    }

    // Phase 4: the swap.
    q.lock.push_back(fmt::format("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE", parent));
    std::vector<std::string> srcNames, tgtNames;
    for (const auto &s : w.sources) {
        q.lock.push_back(fmt::format("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE", c.qualified(s.schema, s.relname)));
        srcNames.push_back(s.name);
    }
    for (const auto &tg : w.targets) {
        tgtNames.push_back(tg.name);
        // Taken with the sources: a session on a new table (autovacuum, a
        // DBA's query) makes the attempt wait here and retry, not fail later.
        q.lock.push_back(fmt::format("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE", tg.quoted));
    }
    // Column lists differ between sources only in physical order: hash by name.
    std::string rowCols;
    for (const auto &col : t.columns)
        rowCols += (rowCols.empty() ? "" : ", ") + c.quoteIdent(col.name);
    auto unionChecksum = [&](const std::vector<std::string> &rels, const std::string &where = {}) {
        std::string parts;
        for (const auto &r : rels)
            parts += (parts.empty() ? "" : " UNION ALL ") +
                fmt::format("SELECT {} FROM ONLY {}{}", rowCols, r, where.empty() ? "" : " WHERE " + where);
        return checksumSql(c, t.columns, "(" + parts + ") AS x", "");
    };
    std::vector<std::string> srcRels, tgtRels;
    for (const auto &s : w.sources)
        srcRels.push_back(c.qualified(s.schema, s.relname));
    for (const auto &tg : w.targets)
        tgtRels.push_back(tg.quoted);
    q.verifySources = unionChecksum(srcRels);
    q.verifyTargets = unionChecksum(tgtRels);
    const std::string ofKeys = fmt::format("{} = ANY ({}) OR ($2::boolean AND {} IS NULL)", k, replayKeys, k);
    q.verifySourcesOf = unionChecksum(srcRels, ofKeys);
    q.verifyTargetsOf = unionChecksum(tgtRels, ofKeys);
    q.pendingKeys = "SELECT coalesce(array_agg(DISTINCT k) FILTER (WHERE k IS NOT NULL), '{}')::text, "
                    "coalesce(bool_or(k IS NULL), false) FROM tidemark.change_log WHERE uid = $1";
    for (const auto &s : w.sources)
        q.swap.push_back(fmt::format("ALTER TABLE {} DETACH PARTITION {}", parent, c.qualified(s.schema, s.relname)));
    for (const auto &tg : w.targets) {
        q.swap.push_back(fmt::format("ALTER TABLE {} ATTACH PARTITION {} {}", parent, tg.quoted, tg.boundSql));
        q.swap.push_back(fmt::format("ALTER TABLE {} DROP CONSTRAINT {}", tg.quoted, check));
    }
    q.swap.insert(q.swap.end(), q.afterSwap.begin(), q.afterSwap.end());
    for (const auto &s : w.sources)
        q.swap.push_back(fmt::format("DROP TABLE {}", c.qualified(s.schema, s.relname)));
    q.swap.push_back(fmt::format("DROP FUNCTION {}()", fn));
    q.swap.push_back(fmt::format("DELETE FROM tidemark.step_progress WHERE uid = {}", uidLit));
    q.swap.push_back(fmt::format("DELETE FROM tidemark.change_log WHERE uid = {}", uidLit));
    q.swap.push_back(
        fmt::format("INSERT INTO tidemark.steps (uid, kind, table_name, sources, targets) VALUES ({}, {}, {}, {}, {})",
                    uidLit, c.quoteLiteral(toString(step.kind)), c.quoteLiteral(t.name),
                    c.quoteLiteral(join(srcNames, ", ")), c.quoteLiteral(join(tgtNames, ", "))));
    // The copy's own inserts sit in this backend's pending statistics until it
    // goes idle; flush them first, or they land after the reset below and the
    // new partitions look hot right after the step.
    q.afterwards.push_back("SELECT pg_stat_force_next_flush()");
    for (const auto &tg : w.targets) {
        // Freeze now, while the new files are new anyway: otherwise
        // autovacuum's first pass rewrites them after the next full backup and
        // the incremental after it copies them all again (measured by
        // bench/backup). ANALYZE gives the planner statistics at once.
        q.afterwards.push_back(fmt::format("VACUUM (FREEZE, ANALYZE) {}", tg.quoted));
        // The copy's inserts are not workload: the new partitions' counters
        // start from zero (best effort: needs superuser or an explicit GRANT).
        q.afterwards.push_back(
            fmt::format("SELECT pg_stat_reset_single_table_counters({}::regclass)", c.quoteLiteral(tg.quoted)));
    }

    // Cleanup of an uncommitted step: the sources are untouched partitions.
    for (const auto &s : w.sources) {
        const std::string src = c.qualified(s.schema, s.relname);
        q.abandon.push_back(fmt::format("DROP TRIGGER IF EXISTS {} ON {}", logTrigger, src));
        q.abandon.push_back(fmt::format("DROP TRIGGER IF EXISTS {} ON {}", guardTrigger, src));
    }
    q.abandon.push_back(fmt::format("DROP FUNCTION IF EXISTS {}()", fn));
    for (const auto &tg : w.targets)
        q.abandon.push_back(fmt::format("DROP TABLE IF EXISTS {}", tg.quoted));
    q.abandon.push_back(fmt::format("DELETE FROM tidemark.step_progress WHERE uid = {}", uidLit));
    q.abandon.push_back(fmt::format("DELETE FROM tidemark.change_log WHERE uid = {}", uidLit));
    return {};
}

std::string renderPreview(const StepWork &w, const Step &step, int lockTimeoutMs, std::int64_t batchRows)
{
    const StepSql &q = w.sql;
    std::string o;
    auto line = [&](const std::string &s) { o += s + ";\n"; };
    o += fmt::format("-- Tidemark online {} of {} ({}): {} → {}\n", toString(step.kind), w.table.name, w.table.keyDef,
                     join(
                         [&] {
                             std::vector<std::string> v;
                             for (auto &s : w.sources)
                                 v.push_back(s.name + " " + s.boundText);
                             return v;
                         }(),
                         ", "),
                     join(
                         [&] {
                             std::vector<std::string> v;
                             for (auto &t : w.targets)
                                 v.push_back(t.name + " " + t.boundSql);
                             return v;
                         }(),
                         ", "));
    o += fmt::format("-- check before phase 1: the fingerprint of the sources is still {}\n",
                     step.fingerprint.empty() ? std::string("(not given)") : step.fingerprint);
    for (const auto &n : w.notes)
        o += "-- note: " + n + "\n";
    o += "\n-- phase 0 (own transaction, idempotent): Tidemark's bookkeeping schema\nBEGIN;\n";
    for (const auto &s : q.schema)
        line(s);
    o += "COMMIT;\n";
    o += fmt::format("\n-- phase 1 (one short transaction): the new tables, standalone; CREATE TRIGGER takes SHARE ROW "
                     "EXCLUSIVE on each source for milliseconds (waits at most lock_timeout)\nBEGIN;\n"
                     "SET LOCAL lock_timeout = '{}ms';\n",
                     lockTimeoutMs);
    for (const auto &s : q.prepare)
        line(s);
    o += "COMMIT;\n";
    o += fmt::format(
        "\n-- phase 2: copy in batches of up to {} rows, one short transaction each; the source stays fully "
        "writable (ACCESS SHARE only). {{source}} is each source; $1/$2 are the batch's key bounds, bound "
        "as parameters (NULL = open); progress is recorded in the same transaction, so a rerun resumes.\n",
        batchRows);
    line(q.boundary);
    o += "BEGIN;\n";
    for (const auto &per : q.copy)
        for (const auto &s : per)
            line(s);
    line(q.progress);
    o += "COMMIT;\n";
    for (const auto &n : q.copyNulls)
        if (!n.empty())
            o += "-- last batch of each source, rows with a NULL key:\n" + n + ";\n";
    o += "\n-- phase 3: catch up: replay the keys the trigger logged, in short transactions, until few "
         "remain\nBEGIN;\n";
    line(q.takeChanges);
    for (const auto &s : q.replayDelete)
        line(s);
    for (const auto &per : q.replayInsert)
        for (const auto &s : per)
            line(s);
    o += "COMMIT;\n";
    o += "\n-- the check ahead of the swap, writers not blocked: one snapshot (REPEATABLE READ, READ ONLY) reads the "
         "keys logged and not replayed yet ($1) and the count and checksum of sources and new partitions whole and of "
         "those keys; the two must agree without those keys, else nothing is changed\n";
    line(q.pendingKeys);
    line(q.verifySources);
    line(q.verifyTargets);
    o += "COMMIT;\n";
    o += "\n-- phase 4, the swap: one short transaction; when a lock is not granted within lock_timeout it rolls back, "
         "catches up again and retries with backoff\nBEGIN;\n";
    o += fmt::format("SET LOCAL lock_timeout = '{}ms';\n", lockTimeoutMs);
    for (const auto &s : q.lock)
        line(s);
    o += "-- replay every remaining change (phase 3 statements, until none is left)\n";
    o += "-- verify only the keys changed since the check ahead: these two must return the same count and "
         "checksum ($1 those keys), else ROLLBACK and nothing changed:\n";
    line(q.verifySourcesOf);
    line(q.verifyTargetsOf);
    for (const auto &s : q.swap)
        line(s);
    o += "COMMIT;\n";
    for (const auto &s : q.afterwards)
        line(s);
    return o;
}

} // namespace tidemark::postgres
