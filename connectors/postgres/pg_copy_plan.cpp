// Planning a copy (or move) of a partition to another PostgreSQL node:
// what it will do, worked out from both catalogues, and its preview
// (docs/copy-move.md).
#include <fmt/format.h>
#include <libpq-fe.h>

#include "model/table_name.h"
#include "pg_copy_work.h"
#include "pg_key_sql.h"
#include "pg_step_plan.h"

namespace tidemark::postgres {

namespace nodecopy {

Result<void> runAll(PgConnection &c, const std::vector<std::string> &list)
{
    for (const auto &s : list)
        if (auto r = c.exec(s); !r)
            return r;
    return {};
}

Result<CopyWork> planCopy(PgConnection &a, PgConnection &b, const Step &step, const NodeCopyWork &work)
{
    CopyWork w;
    w.move = step.kind == StepKind::Move;
    auto rel = findKeyedRelation(a, step.sources.front());
    if (!rel)
        return tl::unexpected(rel.error());
    if (!rel->partition)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} is a partitioned table, not a partition", step.sources.front()),
                    "name one partition of it with --partition");
    auto parent = loadTable(a, step.table);
    if (!parent)
        return tl::unexpected(parent.error());
    if (parent->oid != rel->table.oid)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} is not a partition of {}", step.sources.front(), step.table));
    const PgPartition &p = *rel->partition;
    if (rel->table.strategy != 'r' || !p.range || p.isDefault())
        return fail(
            ErrorCode::Unsupported,
            fmt::format("{} is not a RANGE partition with bounds: a copy to another node goes by key range", p.name),
            "copy a RANGE partition");
    w.source = *rel;
    w.range = *p.range;
    w.capture = "step:" + step.uid;
    w.parentQuoted = a.qualified(rel->table.schema, rel->table.relname);
    std::string cols;
    for (const auto &col : rel->table.columns)
        cols += (cols.empty() ? "" : ", ") + a.quoteIdent(col.name);
    w.columns = cols;
    // The receiving table: the same schema and name unless the step names another.
    if (!work.targetPartition.empty()) {
        auto name = parseTableName(work.targetPartition);
        if (!name)
            return tl::unexpected(name.error());
        w.targetSchema = name->schema;
        w.targetRel = name->name;
    } else {
        w.targetSchema = p.schema;
        w.targetRel = p.relname;
    }
    w.targetQuoted = b.qualified(w.targetSchema, w.targetRel);
    w.targetName = reportName(w.targetSchema, w.targetRel);

    // Columns with their types and NOT NULL, then the keys, as on the source.
    auto columns = a.query("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                           "CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN "
                           "(SELECT quote_ident(n.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co "
                           "JOIN pg_namespace n ON n.oid = co.collnamespace WHERE co.oid = a.attcollation) END "
                           "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid WHERE a.attrelid = $1::oid AND "
                           "a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                           {std::to_string(p.oid)});
    if (!columns)
        return tl::unexpected(columns.error());
    std::string ddl;
    for (int i = 0; i < columns->size(); ++i) {
        ddl += (ddl.empty() ? "" : ", ") + b.quoteIdent(columns->text(i, 0)) + " " + columns->text(i, 1);
        if (!columns->null(i, 3))
            ddl += " COLLATE " + columns->text(i, 3);
        if (columns->boolean(i, 2))
            ddl += " NOT NULL";
    }
    w.createTarget.push_back(fmt::format("CREATE SCHEMA IF NOT EXISTS {}", b.quoteIdent(w.targetSchema)));
    w.createTarget.push_back(fmt::format("CREATE TABLE {} ({})", w.targetQuoted, ddl));
    auto keys = a.query("SELECT pg_get_constraintdef(c.oid), (SELECT attname FROM pg_attribute WHERE attrelid = "
                        "c.conrelid AND attnum = c.conkey[1]) FROM pg_constraint c WHERE c.conrelid = $1::oid AND "
                        "c.contype IN ('p', 'u') ORDER BY c.contype, c.conname",
                        {std::to_string(p.oid)});
    if (!keys)
        return tl::unexpected(keys.error());
    bool keyIndexed = false;
    for (int i = 0; i < keys->size(); ++i) {
        w.createKeys.push_back(fmt::format("ALTER TABLE {} ADD {}", w.targetQuoted, keys->text(i, 0)));
        keyIndexed = keyIndexed || keys->text(i, 1) == rel->key;
    }
    // Changes are applied by key: the key needs an index there.
    if (!keyIndexed)
        w.createKeys.push_back(fmt::format("CREATE INDEX ON {} ({})", w.targetQuoted, b.quoteIdent(rel->key)));
    // CHECK constraints, the parent's and the partition's own: the receiving
    // table enforces them (PostgreSQL does not check them on a foreign partition).
    auto checks = a.query("SELECT c.conname, pg_get_constraintdef(c.oid), c.conislocal AND c.coninhcount = 0 FROM "
                          "pg_constraint c WHERE c.conrelid = $1::oid AND c.contype = 'c' ORDER BY c.conname",
                          {std::to_string(p.oid)});
    if (!checks)
        return tl::unexpected(checks.error());
    for (int i = 0; i < checks->size(); ++i) {
        w.createTarget.push_back(fmt::format("ALTER TABLE {} ADD CONSTRAINT {} {}", w.targetQuoted,
                                             b.quoteIdent(checks->text(i, 0)), checks->text(i, 1)));
        if (checks->boolean(i, 2))
            w.ownChecks.emplace_back(checks->text(i, 0), checks->text(i, 1));
    }

    if (w.move) {
        auto facts = loadMoveFacts(a, rel->table);
        if (!facts)
            return tl::unexpected(facts.error());
        if (auto refused = moveRefusal(rel->table, p, *facts))
            return fail(refused->code, fmt::format("{} cannot be moved to another node: {}", p.name, refused->message),
                        refused->hint);
        const char *host = PQhost(b.handle());
        const char *port = PQport(b.handle());
        const char *db = PQdb(b.handle());
        const char *user = PQuser(b.handle());
        w.fdwHost = host && *host ? host : "localhost";
        if (!w.fdwHost.empty() && w.fdwHost.front() == '/')
            w.notes.push_back("the receiving node is reached through a unix socket: the foreign server uses the "
                              "same socket path, which only works when both servers run on one machine");
        w.fdwPort = port ? port : "5432";
        w.fdwDb = db ? db : "";
        w.fdwUser = user ? user : "";
        auto server = a.query("SELECT s.srvname FROM pg_foreign_server s JOIN pg_foreign_data_wrapper f ON f.oid = "
                              "s.srvfdw WHERE f.fdwname = 'postgres_fdw' AND s.srvoptions @> ARRAY['host=' || $1, "
                              "'port=' || $2, 'dbname=' || $3] ORDER BY s.srvname LIMIT 1",
                              {w.fdwHost, w.fdwPort, w.fdwDb});
        if (!server)
            return tl::unexpected(server.error());
        if (server->size()) {
            w.fdwServer = server->text(0, 0);
            w.fdwServerExists = true;
            auto mapping = a.scalar("SELECT count(*) FROM pg_user_mappings WHERE srvname = $1 AND (usename = "
                                    "current_user OR usename = 'public')",
                                    {w.fdwServer});
            if (!mapping)
                return tl::unexpected(mapping.error());
            w.fdwMappingExists = *mapping > 0;
        } else {
            w.fdwServer = "tidemark_" + captureTag(w.fdwHost + ":" + w.fdwPort + "/" + w.fdwDb);
        }
    }
    return w;
}

std::vector<std::string> fdwSetupSql(PgConnection &a, const CopyWork &w, const std::string &password, bool forPreview)
{
    std::vector<std::string> sql;
    sql.push_back("CREATE EXTENSION IF NOT EXISTS postgres_fdw");
    if (!w.fdwServerExists)
        sql.push_back(fmt::format("CREATE SERVER IF NOT EXISTS {} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host {}, "
                                  "port {}, dbname {})",
                                  a.quoteIdent(w.fdwServer), a.quoteLiteral(w.fdwHost), a.quoteLiteral(w.fdwPort),
                                  a.quoteLiteral(w.fdwDb)));
    if (!w.fdwMappingExists) {
        // The password stays off the first line: error messages quote only that.
        std::string options = fmt::format("user {}", a.quoteLiteral(w.fdwUser));
        if (!password.empty())
            options += forPreview ? ",\n  password '(from the receiving node's connection: its URI or pgpass)'"
                                  : ",\n  password " + a.quoteLiteral(password);
        sql.push_back(fmt::format("CREATE USER MAPPING IF NOT EXISTS FOR CURRENT_USER SERVER {} OPTIONS ({})",
                                  a.quoteIdent(w.fdwServer), options));
    }
    return sql;
}

std::vector<std::string> cutoverSql(PgConnection &a, const CopyWork &w)
{
    const PgPartition &p = *w.source.partition;
    std::vector<std::string> sql{
        fmt::format("ALTER TABLE {} DETACH PARTITION {}", w.parentQuoted, w.source.quoted),
        fmt::format("DROP TABLE {}", w.source.quoted),
        fmt::format("CREATE FOREIGN TABLE {} PARTITION OF {} {} SERVER {} OPTIONS (schema_name {}, table_name {})",
                    w.source.quoted, w.parentQuoted, p.boundText, a.quoteIdent(w.fdwServer),
                    a.quoteLiteral(w.targetSchema), a.quoteLiteral(w.targetRel)),
    };
    // Declared, not checked, on a foreign table: the receiving table enforces them.
    for (const auto &[name, definition] : w.ownChecks)
        sql.push_back(fmt::format("ALTER FOREIGN TABLE {} ADD CONSTRAINT {} {}", w.source.quoted, a.quoteIdent(name),
                                  definition));
    return sql;
}

std::string chunkPredicate(PgConnection &c, const CopyWork &w, const KeyRange &r)
{
    return rangePredicate(c, w.source.key, r, w.source.keyType);
}

} // namespace nodecopy

using namespace nodecopy;

Result<std::string> PostgresConnector::previewCopy(const Step &step)
{
    const NodeCopyWork &work = *step.work<NodeCopyWork>();
    // The receiving node is not open here: its statements name the target as planned.
    auto w = planCopy(*m_conn, *m_conn, step, work);
    if (!w)
        return tl::unexpected(w.error());
    std::string o;
    auto line = [&](const std::string &s) { o += s + ";\n"; };
    o += fmt::format("-- Tidemark {} of {} {} ({} rows, {}) to {} as {}\n", toString(step.kind),
                     w->source.partition->name, w->source.partition->boundText, w->source.partition->rows,
                     fmt::format("{} bytes", w->source.partition->bytes), work.targetNode, w->targetName);
    if (work.reservedBytes > 0)
        o += fmt::format("-- target sized ahead: {} bytes reserved (size now + forecast writes during the copy)\n",
                         work.reservedBytes);
    for (const auto &n : w->notes)
        o += "-- note: " + n + "\n";
    o += "\n-- 1. on the source (one short transaction): change capture; CREATE TRIGGER takes SHARE ROW EXCLUSIVE "
         "for milliseconds\n";
    o += fmt::format("CREATE TRIGGER tidemark_cap_{} AFTER INSERT OR UPDATE OR DELETE ON {} FOR EACH ROW "
                     "-- logs op, key and row into tidemark.capture_log\n",
                     captureTag(w->capture), w->source.quoted);
    o += "\n-- 2. on the receiving node (one transaction): the table and its chunk layout (tidemark.copy_chunks)\n";
    for (const auto &s : w->createTarget)
        line(s);
    o += "\n-- 3. per chunk, coldest first (source: REPEATABLE READ, READ ONLY; writers are not blocked):\n";
    o += fmt::format("COPY {} ({}) FROM STDIN; -- on the receiving node (a chunk sent again: DELETE FROM {} WHERE "
                     "<chunk range> first)\n",
                     w->targetQuoted, w->columns, w->targetQuoted);
    o += fmt::format("COPY (SELECT {} FROM {} WHERE <chunk range>) TO STDOUT; -- on the source\n", w->columns,
                     w->source.quoted);
    o += "-- then count + checksum of the chunk on both sides; a differing chunk is sent again (at most "
         "3 times)\n";
    o += "\n-- 3b. after the bulk copy (or before the first captured change is applied): the keys and the key "
         "index, one sort\n";
    for (const auto &s : w->createKeys)
        line(s);
    o += "\n-- 4. between chunks: captured keys are applied (delete + copy of their rows now); their chunks "
         "become dirty\n";
    o += fmt::format("\n-- 5. cutover (one short transaction that blocks writers to {}; readers too for a move):\n",
                     w->source.partition->name);
    o += fmt::format("LOCK TABLE {} IN {} MODE;\n",
                     w->move ? w->parentQuoted + ", " + w->source.quoted : w->source.quoted,
                     w->move ? "ACCESS EXCLUSIVE" : "SHARE ROW EXCLUSIVE");
    o += "-- apply the last captured changes, then verify only the chunks dirtied since they were verified\n";
    o += "INSERT INTO tidemark.steps (uid, …) VALUES (…); -- on the receiving node, committed there first\n";
    if (w->move) {
        for (const auto &s : fdwSetupSql(*m_conn, *w, "preview", true))
            line(s);
        for (const auto &s : cutoverSql(*m_conn, *w))
            line(s);
        o += "INSERT INTO tidemark.steps (uid, …) VALUES (…); -- on the source, in the same transaction\n";
    } else {
        o += fmt::format("DROP TRIGGER tidemark_cap_{} ON {};\n", captureTag(w->capture), w->source.quoted);
    }
    o += "COMMIT;\n";
    return o;
}

} // namespace tidemark::postgres
