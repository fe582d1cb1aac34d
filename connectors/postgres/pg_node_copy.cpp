// Row streaming, change capture and chunk checksums of the PostgreSQL
// connector (connector_features.h), and the pieces a copy to another node
// builds on: triggers log every change of a key range into
// tidemark.capture_log; checksums are per chunk, one scan for many chunks.
#include "pg_node_copy.h"

#include <algorithm>
#include <map>
#include <random>

#include <fmt/format.h>

#include "model/table_name.h"
#include "pg_key_sql.h"
#include "pg_step_plan.h"
#include "postgres_connector.h"

namespace tidemark::postgres {

namespace {

std::string columnList(const PgConnection &c, const std::vector<PgColumn> &columns)
{
    std::string out;
    for (const auto &col : columns)
        out += (out.empty() ? "" : ", ") + c.quoteIdent(col.name);
    return out;
}

/// COPY text format: backslash escapes for the characters that delimit.
void appendCopyField(std::string &line, const std::optional<std::string> &value)
{
    if (!value) {
        line += "\\N";
        return;
    }
    for (char ch : *value) {
        switch (ch) {
        case '\\':
            line += "\\\\";
            break;
        case '\t':
            line += "\\t";
            break;
        case '\n':
            line += "\\n";
            break;
        case '\r':
            line += "\\r";
            break;
        default:
            line += ch;
        }
    }
}

} // namespace

std::uint64_t wrappingSum(const std::string &text)
{
    // Horner's rule in wrapping 64-bit arithmetic keeps the residue mod 2^64.
    std::uint64_t v = 0;
    bool negative = false;
    for (char ch : text) {
        if (ch == '-')
            negative = true;
        else if (ch >= '0' && ch <= '9')
            v = v * 10u + std::uint64_t(ch - '0');
    }
    return negative ? std::uint64_t(0) - v : v;
}

std::string keysOfOrdinals(const std::string &ordinalArray, KeyType type)
{
    if (type == KeyType::Integer)
        return ordinalArray;
    return fmt::format("ARRAY(SELECT {} FROM unnest({}) AS u(o))", keyFromOrdinal("u.o", type), ordinalArray);
}

Result<KeyedRelation> findKeyedRelation(PgConnection &c, const std::string &name)
{
    auto tables = loadTables(c);
    if (!tables)
        return tl::unexpected(tables.error());
    std::optional<KeyedRelation> found;
    for (const auto &t : *tables) {
        if (t.name == name) {
            found = KeyedRelation{t, std::nullopt, t.schema, t.relname, c.qualified(t.schema, t.relname), {}, {}};
            break;
        }
        if (const PgPartition *p = t.find(name); p && !found) {
            found = KeyedRelation{t, *p, p->schema, p->relname, c.qualified(p->schema, p->relname), {}, {}};
        }
    }
    if (!found)
        return fail(ErrorCode::NotFound, fmt::format("there is no partitioned table or partition named {}", name),
                    "check the name with tidemark-cli scan URI");
    if (!found->table.typedKey())
        return fail(ErrorCode::Unsupported,
                    fmt::format("{} is partitioned by {}: a copy by key range needs one integer, date or timestamp "
                                "key column",
                                found->table.name, found->table.keyDef),
                    "copy a table partitioned by one such column");
    if (found->partition && found->partition->subPartitioned)
        return fail(ErrorCode::Unsupported, fmt::format("{} is itself partitioned", name),
                    "copy its partitions one by one");
    found->key = found->table.keyColumns[0].name;
    found->keyType = *found->table.keyType;
    return *found;
}

Result<void> ensureCopySchema(PgConnection &c)
{
    static const char *const kSchema[] = {
        "CREATE SCHEMA IF NOT EXISTS tidemark",
        "CREATE TABLE IF NOT EXISTS tidemark.steps (uid text PRIMARY KEY, kind text NOT NULL, table_name text NOT "
        "NULL, sources text NOT NULL, targets text NOT NULL, committed_at timestamptz NOT NULL DEFAULT now())",
        // Captures live on the node whose rows change (a copy's source).
        "CREATE TABLE IF NOT EXISTS tidemark.captures (capture text PRIMARY KEY, relation text NOT NULL, "
        "trigger_name text NOT NULL, function_name text NOT NULL, started_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE IF NOT EXISTS tidemark.capture_log (capture text NOT NULL, seq bigserial NOT NULL, op text NOT "
        "NULL, k bigint, row_data jsonb, at timestamptz NOT NULL DEFAULT clock_timestamp())",
        "CREATE INDEX IF NOT EXISTS capture_log_seq ON tidemark.capture_log (capture, seq)",
        // Copies and their chunks live on the receiving node, written in the
        // transactions that write the rows.
        "CREATE TABLE IF NOT EXISTS tidemark.copies (uid text PRIMARY KEY, relation text NOT NULL, source text NOT "
        "NULL, created_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz)",
        "CREATE TABLE IF NOT EXISTS tidemark.copy_chunks (uid text NOT NULL, chunk int NOT NULL, lo bigint, hi "
        "bigint, heat double precision NOT NULL DEFAULT 0, fine boolean NOT NULL DEFAULT false, state text NOT NULL "
        "DEFAULT 'pending', rows bigint, hash text, sends int NOT NULL DEFAULT 0, PRIMARY KEY (uid, chunk))",
    };
    Transaction tx(c);
    if (auto r = tx.begin(); !r)
        return r;
    for (const char *s : kSchema)
        if (auto r = c.exec(s); !r) {
            Error e = r.error();
            e.message = "cannot create Tidemark's bookkeeping schema \"tidemark\": " + e.message;
            if (e.hint.empty())
                e.hint = "the connecting role needs CREATE on the database (once)";
            return tl::unexpected(e);
        }
    return tx.commit();
}

std::string captureTag(const std::string &capture)
{
    // Names stay short and plain whatever the capture is called.
    return fmt::format("{:016x}", std::hash<std::string>{}(capture)).substr(0, 16);
}

Result<void> createCapture(PgConnection &c, const std::string &capture, const KeyedRelation &rel, const KeyRange &range)
{
    const std::string tag = captureTag(capture);
    const std::string fn = c.qualified("tidemark", "cap_" + tag);
    const std::string trigger = "tidemark_cap_" + tag;
    const std::string k = c.quoteIdent(rel.key);
    if (k.find("$tidemark$") != std::string::npos)
        return fail(ErrorCode::Unsupported, "the key column's name contains \"$tidemark$\"", "rename the column");
    const KeyType kt = rel.keyType;
    auto inRange = [&](const std::string &row) {
        std::string w = fmt::format("{}.{} IS NOT NULL", row, k);
        if (range.lower)
            w += fmt::format(" AND {}.{} >= {}", row, k, typedLiteral(c, *range.lower, kt));
        if (range.upper)
            w += fmt::format(" AND {}.{} < {}", row, k, typedLiteral(c, *range.upper, kt));
        return w;
    };
    const std::string cap = c.quoteLiteral(capture);
    // SECURITY DEFINER so application roles need no right on tidemark.*;
    // inert as soon as the capture's row is gone, even before the trigger is.
    const std::string body = fmt::format(
        "CREATE OR REPLACE FUNCTION {0}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        "SET search_path = pg_catalog AS $tidemark$ BEGIN "
        "IF NOT EXISTS (SELECT 1 FROM tidemark.captures WHERE capture = TG_ARGV[0]) THEN RETURN NULL; END IF; "
        "IF TG_OP <> 'INSERT' AND ({1}) AND (TG_OP = 'DELETE' OR NEW.{3} IS DISTINCT FROM OLD.{3}) THEN "
        "INSERT INTO tidemark.capture_log (capture, op, k, row_data) VALUES (TG_ARGV[0], 'D', {4}, to_jsonb(OLD)); "
        "END IF; "
        "IF TG_OP <> 'DELETE' AND ({2}) THEN "
        "INSERT INTO tidemark.capture_log (capture, op, k, row_data) VALUES (TG_ARGV[0], "
        "CASE WHEN TG_OP = 'INSERT' OR NEW.{3} IS DISTINCT FROM OLD.{3} THEN 'I' ELSE 'U' END, {5}, to_jsonb(NEW)); "
        "END IF; RETURN NULL; END $tidemark$",
        fn, inRange("OLD"), inRange("NEW"), k, ordinalOf("OLD." + k, kt), ordinalOf("NEW." + k, kt));
    const std::vector<std::string> sql = {
        fmt::format("INSERT INTO tidemark.captures (capture, relation, trigger_name, function_name) VALUES ({}, {}, "
                    "{}, {})",
                    cap, c.quoteLiteral(rel.quoted), c.quoteLiteral(trigger), c.quoteLiteral(fn)),
        body,
        fmt::format("DROP TRIGGER IF EXISTS {} ON {}", c.quoteIdent(trigger), rel.quoted),
        fmt::format("CREATE TRIGGER {} AFTER INSERT OR UPDATE OR DELETE ON {} FOR EACH ROW EXECUTE FUNCTION {}({})",
                    c.quoteIdent(trigger), rel.quoted, fn, cap),
    };
    for (const auto &s : sql)
        if (auto r = c.exec(s); !r)
            return r;
    return {};
}

Result<bool> captureExists(PgConnection &c, const std::string &capture)
{
    auto n = c.scalar("SELECT CASE WHEN to_regclass('tidemark.captures') IS NULL THEN 0 ELSE 1 END");
    if (!n)
        return tl::unexpected(n.error());
    if (*n == 0)
        return false;
    auto m = c.scalar("SELECT count(*) FROM tidemark.captures WHERE capture = $1", {capture});
    if (!m)
        return tl::unexpected(m.error());
    return *m > 0;
}

Result<void> dropCapture(PgConnection &c, const std::string &capture)
{
    auto exists = c.scalar("SELECT CASE WHEN to_regclass('tidemark.captures') IS NULL THEN 0 ELSE 1 END");
    if (!exists)
        return tl::unexpected(exists.error());
    if (*exists == 0)
        return {};
    const std::string tag = captureTag(capture);
    const std::string trigger = "tidemark_cap_" + tag;
    auto triggers = c.query("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = $1", {trigger});
    if (!triggers)
        return tl::unexpected(triggers.error());
    const bool outer = c.inTransaction();
    // First the data: without its row the trigger logs nothing more.
    {
        Transaction tx(c);
        if (!outer)
            if (auto r = tx.begin(); !r)
                return r;
        if (auto r = c.query("DELETE FROM tidemark.captures WHERE capture = $1", {capture}); !r)
            return tl::unexpected(r.error());
        if (auto r = c.query("DELETE FROM tidemark.capture_log WHERE capture = $1", {capture}); !r)
            return tl::unexpected(r.error());
        if (!outer)
            if (auto r = tx.commit(); !r)
                return r;
    }
    // Then the trigger: DROP TRIGGER locks the table briefly.
    Transaction tx(c);
    if (!outer) {
        if (auto r = tx.begin(); !r)
            return r;
        if (auto r = c.exec("SET LOCAL lock_timeout = '2s'"); !r)
            return r;
    }
    for (int i = 0; i < triggers->size(); ++i)
        if (auto r =
                c.exec(fmt::format("DROP TRIGGER IF EXISTS {} ON {}", c.quoteIdent(trigger), triggers->text(i, 0)));
            !r) {
            Error e = r.error();
            e.message = "the capture's log was removed, but its (now inert) trigger could not be dropped: " + e.message;
            e.hint = "drop it again when the lock is free (tidemark re-tries on the next run)";
            return tl::unexpected(e);
        }
    if (auto r = c.exec(fmt::format("DROP FUNCTION IF EXISTS {}()", c.qualified("tidemark", "cap_" + tag))); !r)
        return r;
    if (!outer)
        return tx.commit();
    return {};
}

Result<std::vector<RowChecksum>> chunkSums(PgConnection &c, const std::vector<PgColumn> &columns,
                                           const std::string &relation, const std::string &keyColumn, KeyType type,
                                           const std::vector<KeyRange> &chunks, const std::string &alsoWhere)
{
    std::vector<RowChecksum> out(chunks.size());
    if (chunks.empty())
        return out;
    // Thresholds: every finite bound; bucket b of width_bucket is
    // [t(b-1), t(b)), which lies inside exactly one chunk or none.
    std::vector<KeyValue> thresholds;
    std::string where;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        // Adjacent chunks share one predicate.
        KeyRange run = chunks[i];
        while (i + 1 < chunks.size() && chunks[i + 1].lower && run.upper && *chunks[i + 1].lower == *run.upper)
            run.upper = chunks[++i].upper;
        where += (where.empty() ? "" : " OR ") + ("(" + rangePredicate(c, keyColumn, run, type) + ")");
    }
    for (const auto &ch : chunks) {
        if (ch.lower)
            thresholds.push_back(*ch.lower);
        if (ch.upper)
            thresholds.push_back(*ch.upper);
    }
    std::sort(thresholds.begin(), thresholds.end());
    thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
    std::string array = "{";
    for (std::size_t i = 0; i < thresholds.size(); ++i)
        array += (i ? "," : "") + std::to_string(thresholds[i]);
    array += "}";
    if (!alsoWhere.empty())
        where = "(" + where + ") AND (" + alsoWhere + ")";
    const std::string k = c.quoteIdent(keyColumn);
    const std::string bucket = thresholds.empty()
        ? std::string("0")
        : fmt::format("width_bucket({}, {}::bigint[])", ordinalOf(k, type), c.quoteLiteral(array));
    const std::string sql =
        fmt::format("SELECT {}, count(*), coalesce(sum(hashtextextended(ROW({})::text, 0)), 0)::text FROM {} WHERE {} "
                    "GROUP BY 1",
                    bucket, columnList(c, columns), relation, where);
    auto rows = c.query(sql);
    if (!rows)
        return tl::unexpected(rows.error());
    for (int i = 0; i < rows->size(); ++i) {
        const std::int64_t b = rows->integer(i, 0);
        const KeyValue rep = thresholds.empty() ? 0 : b == 0 ? thresholds.front() - 1 : thresholds[std::size_t(b - 1)];
        for (std::size_t j = 0; j < chunks.size(); ++j)
            if (chunks[j].contains(rep)) {
                out[j].rows += rows->integer(i, 1);
                out[j].hashSum += wrappingSum(rows->text(i, 2));
                break;
            }
    }
    return out;
}

// ---- the optional interfaces ----

Result<std::int64_t> PostgresConnector::readRows(const std::string &table, const KeyRange &range,
                                                 std::int64_t batchRows,
                                                 const std::function<Result<void>(const RowBatch &)> &sink,
                                                 std::stop_token stop)
{
    const UnboundedStatements unbounded(*m_conn);
    auto rel = findKeyedRelation(*m_conn, table);
    if (!rel)
        return tl::unexpected(rel.error());
    PgConnection &c = *m_conn;
    const std::string k = c.quoteIdent(rel->key);
    Transaction tx(c);
    if (auto r = tx.begin(); !r)
        return tl::unexpected(r.error());
    if (auto r = c.exec(fmt::format("DECLARE tidemark_rows NO SCROLL CURSOR FOR SELECT {}, {} FROM {} WHERE {} "
                                    "ORDER BY {}",
                                    columnList(c, rel->table.columns), ordinalOf(k, rel->keyType), rel->quoted,
                                    rangePredicate(c, rel->key, range, rel->keyType), k));
        !r)
        return tl::unexpected(r.error());
    std::int64_t total = 0;
    const int ncols = int(rel->table.columns.size());
    for (;;) {
        if (stop.stop_requested())
            return fail(ErrorCode::Cancelled, "reading the rows was cancelled");
        auto rows = c.query(fmt::format("FETCH {} FROM tidemark_rows", std::max<std::int64_t>(1, batchRows)));
        if (!rows)
            return tl::unexpected(rows.error());
        if (rows->size() == 0)
            break;
        RowBatch batch;
        for (const auto &col : rel->table.columns)
            batch.columns.push_back(col.name);
        for (int i = 0; i < rows->size(); ++i) {
            std::vector<std::optional<std::string>> row;
            for (int j = 0; j < ncols; ++j)
                row.push_back(rows->null(i, j) ? std::nullopt : std::optional<std::string>(rows->text(i, j)));
            batch.rows.push_back(std::move(row));
        }
        batch.lastKey = rows->integer(rows->size() - 1, ncols);
        total += rows->size();
        if (auto ok = sink(batch); !ok)
            return tl::unexpected(ok.error());
    }
    if (auto r = tx.commit(); !r)
        return tl::unexpected(r.error());
    return total;
}

Result<std::int64_t> PostgresConnector::writeRows(const std::string &table, const RowBatch &batch)
{
    PgConnection &c = *m_conn;
    auto name = parseTableName(table);
    if (!name)
        return tl::unexpected(name.error());
    std::string cols;
    for (const auto &col : batch.columns)
        cols += (cols.empty() ? "" : ", ") + c.quoteIdent(col);
    Transaction tx(c);
    if (auto r = tx.begin(); !r)
        return tl::unexpected(r.error());
    if (auto r = c.copyInStart(fmt::format("COPY {} ({}) FROM STDIN", c.qualified(name->schema, name->name), cols)); !r)
        return tl::unexpected(r.error());
    std::string data;
    for (const auto &row : batch.rows) {
        if (row.size() != batch.columns.size()) {
            c.copyInAbort("a row has the wrong number of values");
            return fail(ErrorCode::InvalidArgument, "a row of the batch has the wrong number of values");
        }
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i)
                data += '\t';
            appendCopyField(data, row[i]);
        }
        data += '\n';
        if (data.size() > (1 << 20)) {
            if (auto r = c.copyInPut(data); !r)
                return tl::unexpected(r.error());
            data.clear();
        }
    }
    if (!data.empty())
        if (auto r = c.copyInPut(data); !r)
            return tl::unexpected(r.error());
    auto n = c.copyInEnd();
    if (!n)
        return n;
    if (auto r = tx.commit(); !r)
        return tl::unexpected(r.error());
    return n;
}

Result<std::string> PostgresConnector::startCapture(const std::string &table, const KeyRange &range)
{
    auto rel = findKeyedRelation(*m_conn, table);
    if (!rel)
        return tl::unexpected(rel.error());
    if (auto r = ensureCopySchema(*m_conn); !r)
        return tl::unexpected(r.error());
    std::random_device rd;
    const std::string capture = fmt::format("capture-{:08x}{:08x}", rd(), rd());
    Transaction tx(*m_conn);
    if (auto r = tx.begin(); !r)
        return tl::unexpected(r.error());
    if (auto r = m_conn->exec("SET LOCAL lock_timeout = '5s'"); !r)
        return tl::unexpected(r.error());
    if (auto r = createCapture(*m_conn, capture, *rel, range); !r)
        return tl::unexpected(r.error());
    if (auto r = tx.commit(); !r)
        return tl::unexpected(r.error());
    return capture;
}

Result<std::vector<RowChange>> PostgresConnector::readChanges(const std::string &capture, std::int64_t afterSequence,
                                                              int limit)
{
    auto exists = captureExists(*m_conn, capture);
    if (!exists)
        return tl::unexpected(exists.error());
    if (!*exists)
        return fail(ErrorCode::NotFound, fmt::format("there is no capture named {}", capture),
                    "start one with startCapture");
    auto rows =
        m_conn->query("SELECT l.seq, (extract(epoch FROM l.at) * 1000)::bigint, l.op, l.k, e.key, e.value "
                      "FROM (SELECT * FROM tidemark.capture_log WHERE capture = $1 AND seq > $2::bigint ORDER BY seq "
                      "LIMIT $3::int) l LEFT JOIN LATERAL jsonb_each_text(l.row_data) e ON true ORDER BY l.seq, e.key",
                      {capture, std::to_string(afterSequence), std::to_string(std::max(1, limit))});
    if (!rows)
        return tl::unexpected(rows.error());
    std::vector<RowChange> out;
    for (int i = 0; i < rows->size(); ++i) {
        const std::int64_t seq = rows->integer(i, 0);
        if (out.empty() || out.back().sequence != seq) {
            RowChange ch;
            ch.sequence = seq;
            ch.timestampMs = rows->integer(i, 1);
            const std::string op = rows->text(i, 2);
            ch.op = op == "D" ? RowChange::Op::Delete : op == "U" ? RowChange::Op::Update : RowChange::Op::Insert;
            ch.key = rows->integer(i, 3);
            ch.row.rows.emplace_back();
            ch.row.lastKey = ch.key;
            out.push_back(std::move(ch));
        }
        if (!rows->null(i, 4)) {
            out.back().row.columns.push_back(rows->text(i, 4));
            out.back().row.rows.front().push_back(rows->null(i, 5) ? std::nullopt
                                                                   : std::optional<std::string>(rows->text(i, 5)));
        }
    }
    return out;
}

Result<void> PostgresConnector::stopCapture(const std::string &capture)
{
    return dropCapture(*m_conn, capture);
}

Result<std::vector<ChunkChecksum>> PostgresConnector::chunkChecksums(const std::string &table, const KeyRange &range,
                                                                     std::int64_t chunkRows, std::stop_token stop)
{
    const UnboundedStatements unbounded(*m_conn);
    std::stop_callback onStop(stop, [this] { m_conn->cancel(); });
    auto rel = findKeyedRelation(*m_conn, table);
    if (!rel)
        return tl::unexpected(rel.error());
    PgConnection &c = *m_conn;
    const std::string k = c.quoteIdent(rel->key);
    // Chunk starts: every chunkRows-th distinct key (duplicates of one key stay in one chunk).
    auto starts = c.query(fmt::format("SELECT o FROM (SELECT {0} AS o, row_number() OVER (ORDER BY {1}) AS rn FROM "
                                      "(SELECT DISTINCT {1} FROM {2} WHERE {3}) d) s WHERE rn > 1 AND rn % $1::bigint "
                                      "= 1 ORDER BY o",
                                      ordinalOf(k, rel->keyType), k, rel->quoted,
                                      rangePredicate(c, rel->key, range, rel->keyType)),
                          {std::to_string(std::max<std::int64_t>(1, chunkRows))});
    if (!starts)
        return tl::unexpected(starts.error());
    std::vector<KeyRange> chunks;
    std::optional<KeyValue> lo = range.lower;
    for (int i = 0; i < starts->size(); ++i) {
        const KeyValue s = starts->integer(i, 0);
        chunks.push_back(KeyRange{lo, s});
        lo = s;
    }
    chunks.push_back(KeyRange{lo, range.upper});
    auto sums = chunkSums(c, rel->table.columns, rel->quoted, rel->key, rel->keyType, chunks);
    if (!sums)
        return tl::unexpected(sums.error());
    std::vector<ChunkChecksum> out;
    for (std::size_t i = 0; i < chunks.size(); ++i)
        out.push_back(ChunkChecksum{chunks[i], (*sums)[i]});
    return out;
}

} // namespace tidemark::postgres
