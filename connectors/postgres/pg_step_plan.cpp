#include "pg_step_plan.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <xxhash.h>

#include "model/key_value.h"
#include "model/table_name.h"
#include "pg_key_sql.h"
#include "pg_table_structure.h"

namespace tidemark::postgres {

namespace {

Error refuse(std::string message, std::string hint = {})
{
    return Error{ErrorCode::Unsupported, std::move(message), std::move(hint)};
}
Error invalid(std::string message, std::string hint = {})
{
    return Error{ErrorCode::InvalidArgument, std::move(message), std::move(hint)};
}

std::string hex64(std::uint64_t v)
{
    return fmt::format("{:016x}", v);
}

std::string keyText(std::optional<KeyValue> v, const char *open, KeyType type)
{
    if (!v)
        return open;
    return keyNameFragment(*v, type);
}

// Relation names are at most NAMEDATALEN - 1 = 63 bytes: longer names keep
// a prefix cut on a UTF-8 character boundary and a hash of the whole name.
std::string fitName(const std::string &name)
{
    return fitIdentifier(name, kPgIdentifierLimit);
}

std::pair<std::string, std::string> splitReportName(const std::string &name)
{
    if (auto t = parseTableName(name))
        return {t->schema, t->name};
    const auto dot = name.find('.');
    if (dot == std::string::npos)
        return {"public", name};
    return {name.substr(0, dot), name.substr(dot + 1)};
}

bool validUid(const std::string &uid)
{
    return !uid.empty() && uid.size() <= 64 && std::all_of(uid.begin(), uid.end(), [](char ch) {
        return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-' ||
            ch == '_';
    });
}

struct SourceFacts {
    std::string owner;
    std::string comment;
    std::string tablespace;
    std::vector<std::string> reloptions;
    std::vector<std::string> grants; ///< "privilege|grantee|grantable"
};

Result<SourceFacts> sourceFacts(PgConnection &c, const PgPartition &p)
{
    const std::string oid = std::to_string(p.oid);
    auto r = c.query("SELECT pg_get_userbyid(c.relowner), coalesce(obj_description(c.oid, 'pg_class'), ''), "
                     "coalesce((SELECT spcname FROM pg_tablespace WHERE oid = c.reltablespace), ''), "
                     "coalesce(array_to_string(c.reloptions, chr(1)), '') "
                     "FROM pg_class c WHERE c.oid = $1::oid",
                     {oid});
    if (!r)
        return tl::unexpected(r.error());
    SourceFacts f;
    f.owner = r->text(0, 0);
    f.comment = r->text(0, 1);
    f.tablespace = r->text(0, 2);
    const std::string opts = r->text(0, 3);
    std::size_t start = 0;
    while (start < opts.size()) {
        const auto end = opts.find('\x01', start);
        f.reloptions.push_back(opts.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    auto g = c.query("SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN '' ELSE pg_get_userbyid(a.grantee) END, "
                     "a.is_grantable FROM pg_class c, aclexplode(c.relacl) a "
                     "WHERE c.oid = $1::oid AND a.grantee <> c.relowner ORDER BY 2, 1",
                     {oid});
    if (!g)
        return tl::unexpected(g.error());
    for (int i = 0; i < g->size(); ++i)
        f.grants.push_back(g->text(i, 0) + "|" + g->text(i, 1) + "|" + (g->boolean(i, 2) ? "t" : "f"));
    return f;
}

// Refusals that protect the data or the DBA's intent.
Result<void> checkRefusals(PgConnection &c, const PgTable &t, const std::vector<PgPartition> &sources)
{
    if (!t.partmanConfig.empty())
        return tl::unexpected(refuse(fmt::format("{} is managed by pg_partman ({}); Tidemark does not fight its "
                                                 "premake and retention",
                                                 t.name, t.partmanConfig),
                                     "change the partition set through pg_partman, or remove it from part_config"));
    if (t.strategy == 'r' ? !t.typedKey() : !t.integerKey())
        return tl::unexpected(refuse(fmt::format("{} is partitioned by {}: split and merge need a single key column "
                                                 "of type {}",
                                                 t.name, t.keyDef,
                                                 t.strategy == 'r' ? "smallint/integer/bigint, date, timestamp or "
                                                                     "timestamptz"
                                                                   : "smallint/integer/bigint (LIST and HASH)")));
    if (!t.integerKey() && c.serverVersion() < 140000)
        return tl::unexpected(refuse(fmt::format("{} has a {} key: its split and merge need PostgreSQL 14 or later "
                                                 "(exact microseconds from extract(epoch …))",
                                                 t.name, toString(*t.keyType)),
                                     "upgrade the server"));
    // A partition with an open end may hold 'infinity' or '-infinity' keys,
    // which have no ordinal to copy by. Bounded partitions cannot: their
    // bounds are finite values.
    if (t.strategy == 'r' && !t.integerKey())
        for (const auto &s : sources) {
            if (!s.range || (s.range->lower && s.range->upper))
                continue;
            const std::string k = c.quoteIdent(t.keyColumns[0].name);
            const char *type = castTypeName(*t.keyType);
            auto inf = c.scalar(fmt::format("SELECT count(*) FROM (SELECT 1 FROM ONLY {} WHERE {} IN "
                                            "('infinity'::{}, '-infinity'::{}) LIMIT 1) x",
                                            c.qualified(s.schema, s.relname), k, type, type));
            if (!inf)
                return tl::unexpected(inf.error());
            if (*inf > 0)
                return tl::unexpected(refuse(fmt::format("partition {} holds rows whose key is 'infinity' or "
                                                         "'-infinity': they have no place in a split or merge by key",
                                                         s.name),
                                             "leave this partition as it is, or move those rows out of the table; "
                                             "nothing was changed"));
        }
    std::string oids = std::to_string(t.oid);
    for (const auto &s : sources) {
        if (s.isDefault())
            return tl::unexpected(refuse(fmt::format("{} is the default partition: its rows would move to partitions "
                                                     "that do not exist yet",
                                                     s.name),
                                         "create explicit partitions for the values it holds first"));
        if (s.subPartitioned)
            return tl::unexpected(refuse(fmt::format("{} is itself partitioned", s.name),
                                         "split or merge its own partitions (listed as a table of their own)"));
        oids += "," + std::to_string(s.oid);
    }
    // Foreign keys pointing at the partition (or its parent) would have to be
    // re-validated against the new tables; refuse rather than hold a lock.
    auto fk = c.query("SELECT conname, conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
                      "WHERE contype = 'f' AND (confrelid = ANY (string_to_array($1, ',')::oid[]) "
                      "OR conrelid = ANY (string_to_array($2, ',')::oid[])) ORDER BY 1",
                      {oids, oids.substr(oids.find(',') + 1)});
    if (!fk)
        return tl::unexpected(fk.error());
    if (fk->size() > 0)
        return tl::unexpected(refuse(
            fmt::format("foreign key {} of {} references {}: moving the partition's rows would need the key "
                        "re-validated under lock",
                        c.quoteIdent(fk->text(0, 0)), fk->text(0, 1), fk->text(0, 2)),
            "drop the foreign key for the duration (and re-add it NOT VALID + VALIDATE), or leave this partition "
            "as it is; nothing was changed"));
    // One catalogue query for all sources (a merge may name hundreds).
    auto trg = c.query("SELECT tgrelid::bigint, tgname FROM pg_trigger WHERE tgrelid = ANY "
                       "(string_to_array($1, ',')::oid[]) AND NOT tgisinternal AND tgparentid = 0 "
                       "AND tgname NOT LIKE 'tidemark\\_%' ORDER BY 2",
                       {oids.substr(oids.find(',') + 1)});
    if (!trg)
        return tl::unexpected(trg.error());
    std::map<std::uint32_t, std::string> ownTrigger; // the first by name, as the refusal names it
    for (int i = 0; i < trg->size(); ++i)
        ownTrigger.emplace(std::uint32_t(trg->integer(i, 0)), trg->text(i, 1));
    for (const auto &s : sources)
        if (const auto it = ownTrigger.find(s.oid); it != ownTrigger.end())
            return tl::unexpected(refuse(fmt::format("partition {} has its own trigger {} that the new partitions "
                                                     "would not have",
                                                     s.name, c.quoteIdent(it->second)),
                                         "define the trigger on the partitioned table instead, or drop it"));
    return {};
}

std::string typedArray(const std::vector<std::int64_t> &values, const std::string &type)
{
    std::string list;
    for (auto v : values)
        list += (list.empty() ? "" : ", ") + std::to_string(v);
    return fmt::format("ARRAY[{}]::{}[]", list, type);
}

Result<void> buildTargets(PgConnection &c, const Step &step, StepWork &w)
{
    const PgTable &t = w.table;
    const std::string k = c.quoteIdent(w.key);
    const std::string keyType = t.keyColumns[0].type; // an integer type name, from format_type
    auto add = [&](const NewPartition &np, TargetSpec spec, const std::string &generated) -> Result<void> {
        spec.name = np.name.empty() ? generated : np.name;
        // A report name is schema.relname outside public, a part quoted when
        // it holds a dot (reportName). Names written before parts were quoted
        // match the table's schema as a prefix; in public such a name is the
        // relname as it stands, and a dot names another schema unless the
        // table's own name has one.
        std::string rel;
        if (auto parsed = parseTableName(spec.name); parsed && parsed->schema == t.schema)
            rel = parsed->name;
        else if (spec.name.starts_with(t.schema + "."))
            rel = spec.name.substr(t.schema.size() + 1);
        else if (t.schema == "public" &&
                 (spec.name.find('.') == std::string::npos || t.relname.find('.') != std::string::npos))
            rel = spec.name;
        else
            return tl::unexpected(invalid(fmt::format("target {} is not in the schema of {}", spec.name, t.name)));
        spec.schema = t.schema;
        spec.relname = rel;
        if (spec.relname.empty() || spec.relname.size() > 63)
            return tl::unexpected(invalid(fmt::format("target name \"{}\" is empty or longer than 63 bytes", rel)));
        spec.name = reportName(spec.schema, spec.relname);
        spec.quoted = c.qualified(spec.schema, spec.relname);
        w.targets.push_back(std::move(spec));
        return {};
    };

    if (t.strategy == 'h') {
        if (step.kind == StepKind::Split) {
            const auto &s = w.sources.front();
            const int m = s.bound.modulus, r = s.bound.remainder;
            if (step.repartition().targets.size() != 2)
                return tl::unexpected(invalid("a HASH split doubles the modulus: give exactly two targets"));
            for (int i = 0; i < 2; ++i) {
                TargetSpec spec;
                spec.modulus = 2 * m;
                spec.remainder = r + i * m;
                const std::string gen = fitName(fmt::format("{}_h{}_{}", t.relname, spec.modulus, spec.remainder));
                if (auto ok = add(step.repartition().targets[std::size_t(i)], std::move(spec), reportName(t.schema, gen)); !ok)
                    return ok;
            }
        } else {
            const auto &a = w.sources[0], &b = w.sources[1];
            const int m2 = a.bound.modulus;
            if (w.sources.size() != 2 || step.repartition().targets.size() != 1 || b.bound.modulus != m2 || m2 % 2 != 0 ||
                std::abs(a.bound.remainder - b.bound.remainder) != m2 / 2)
                return tl::unexpected(invalid(
                    "a HASH merge takes two partitions of the same modulus 2m whose remainders differ by m",
                    "e.g. (modulus 8, remainder 1) and (modulus 8, remainder 5) merge into (modulus 4, remainder 1)"));
            TargetSpec spec;
            spec.modulus = m2 / 2;
            spec.remainder = std::min(a.bound.remainder, b.bound.remainder);
            for (const auto &p : t.partitions)
                if (p.bound.kind == ParsedBound::Kind::Hash && p.oid != a.oid && p.oid != b.oid &&
                    p.bound.modulus % spec.modulus != 0 && spec.modulus % p.bound.modulus != 0)
                    return tl::unexpected(refuse(fmt::format("modulus {} would not divide (or be divided by) the "
                                                             "modulus {} of {}",
                                                             spec.modulus, p.bound.modulus, p.name)));
            const std::string gen = fitName(fmt::format("{}_h{}_{}", t.relname, spec.modulus, spec.remainder));
            if (auto ok = add(step.repartition().targets[0], std::move(spec), reportName(t.schema, gen)); !ok)
                return ok;
        }
        for (auto &spec : w.targets) {
            spec.boundSql = hashBoundSql(spec.modulus, spec.remainder);
            spec.predicate =
                fmt::format("satisfies_hash_partition({}::oid, {}, {}, {})", t.oid, spec.modulus, spec.remainder, k);
        }
        return {};
    }

    if (t.strategy == 'l') {
        std::vector<std::int64_t> values;
        bool hasNull = false;
        for (const auto &s : w.sources) {
            values.insert(values.end(), s.listValues.begin(), s.listValues.end());
            hasNull = hasNull || s.listHasNull;
        }
        std::sort(values.begin(), values.end());
        for (std::size_t i = 0; i < step.repartition().targets.size(); ++i) {
            TargetSpec spec;
            spec.range = step.repartition().targets[i].bounds;
            for (auto v : values)
                if (spec.range.contains(v))
                    spec.listValues.push_back(v);
            spec.listNull = hasNull && i == 0;
            if (spec.listValues.empty() && !spec.listNull)
                return tl::unexpected(
                    invalid(fmt::format("target {} of the LIST {} would hold no value", i + 1, toString(step.kind)),
                            "give each target a key range holding at least one listed value"));
            const std::string gen =
                fitName(fmt::format("{}_l{}", t.relname,
                                    spec.listValues.empty() ? std::string("null")
                                                            : keyText(spec.listValues.front(), "", KeyType::Integer)));
            if (auto ok = add(step.repartition().targets[i], std::move(spec), reportName(t.schema, gen)); !ok)
                return ok;
        }
        std::size_t covered = 0;
        for (const auto &spec : w.targets)
            covered += spec.listValues.size();
        if (covered != values.size())
            return tl::unexpected(invalid("the targets' key ranges overlap or miss some listed values",
                                          "give disjoint ranges that together hold every value of the sources"));
        for (auto &spec : w.targets) {
            spec.boundSql = listBoundSql(spec.listValues, spec.listNull);
            std::string inList = spec.listValues.empty()
                ? std::string("false")
                : fmt::format("{} = ANY ({})", k, typedArray(spec.listValues, keyType));
            spec.predicate = spec.listNull ? fmt::format("({} IS NULL OR {})", k, inList)
                                           : fmt::format("({} IS NOT NULL AND {})", k, inList);
        }
        return {};
    }

    // RANGE: the targets tile the sources' range exactly, in key order.
    const KeyRange whole{w.sources.front().range->lower, w.sources.back().range->upper};
    for (std::size_t i = 0; i < step.repartition().targets.size(); ++i) {
        const KeyRange &r = step.repartition().targets[i].bounds;
        const bool first = i == 0, last = i + 1 == step.repartition().targets.size();
        if ((first && r.lower != whole.lower) || (last && r.upper != whole.upper) ||
            (!first && (!r.lower || r.lower != step.repartition().targets[i - 1].bounds.upper)) || (!last && !r.upper) ||
            (r.lower && r.upper && *r.lower >= *r.upper))
            return tl::unexpected(
                invalid(fmt::format("the targets do not tile {} exactly (target {} is {})",
                                    describeRange(whole, w.keyType), i + 1, describeRange(r, w.keyType)),
                        "give targets in key order, each starting where the previous ends"));
        TargetSpec spec;
        spec.range = r;
        spec.boundSql = rangeBoundSql(c, r, w.keyType);
        spec.predicate = "(" + rangePredicate(c, w.key, r, w.keyType) + ")";
        if (auto ok = add(step.repartition().targets[i], std::move(spec),
                          rangePartitionName(t.schema, t.relname, r, w.keyType));
            !ok)
            return ok;
    }
    return {};
}

/// PgTable::find for many names: each spelling it accepts (report name,
/// relname, schema.relname) → the first partition in key order holding it,
/// built once instead of a scan of every partition per name.
class PartitionLookup {
public:
    explicit PartitionLookup(const PgTable &t)
        : m_table(t)
    {
        m_first.reserve(3 * t.partitions.size());
        for (std::size_t i = 0; i < t.partitions.size(); ++i) {
            const PgPartition &p = t.partitions[i];
            m_first.emplace(p.name, i); // emplace keeps the first partition of a spelling
            m_first.emplace(p.relname, i);
            m_first.emplace(p.schema + "." + p.relname, i);
        }
    }
    const PgPartition *find(const std::string &name) const
    {
        const auto it = m_first.find(name);
        return it == m_first.end() ? nullptr : &m_table.partitions[it->second];
    }

private:
    const PgTable &m_table;
    std::unordered_map<std::string, std::size_t> m_first;
};

Result<void> checkSources(const Step &step, StepWork &w)
{
    const PgTable &t = w.table;
    const PartitionLookup lookup(t);
    const char *kind = toString(step.kind);
    if (!std::holds_alternative<RepartitionWork>(step.payload))
        return fail(ErrorCode::Unsupported, fmt::format("the PostgreSQL connector does not run {} steps", kind));
    for (const auto &name : step.sources) {
        const PgPartition *p = lookup.find(name);
        if (!p)
            return fail(ErrorCode::StalePlan, fmt::format("partition {} of {} no longer exists", name, t.name),
                        "the partitions changed since the plan was made; plan again");
        w.sources.push_back(*p);
    }
    for (const auto &s : w.sources)
        if (s.isDefault())
            return tl::unexpected(refuse(fmt::format("{} is the default partition: its rows would move to partitions "
                                                     "that do not exist yet",
                                                     s.name),
                                         "create explicit partitions for the values it holds first"));
    if (t.strategy == 'r' && t.typedKey()) {
        for (const auto &s : w.sources)
            if (!s.range)
                return tl::unexpected(refuse(fmt::format("partition {} has bounds {} that are not {} values or "
                                                         "MINVALUE/MAXVALUE",
                                                         s.name, s.boundText, toString(*t.keyType))));
        std::sort(w.sources.begin(), w.sources.end(), [](const PgPartition &a, const PgPartition &b) {
            return !a.range->lower || (b.range->lower && *a.range->lower < *b.range->lower);
        });
        for (std::size_t i = 1; i < w.sources.size(); ++i)
            if (!w.sources[i - 1].range->upper || w.sources[i - 1].range->upper != w.sources[i].range->lower)
                return tl::unexpected(invalid(
                    fmt::format("partitions {} and {} are not adjacent", w.sources[i - 1].name, w.sources[i].name),
                    "merge only neighbouring partitions"));
    }
    return {};
}

} // namespace

std::string stepTag(const std::string &uid)
{
    return uid.substr(0, std::min<std::size_t>(uid.size(), 20));
}

std::string rangePartitionName(const std::string &table, const KeyRange &bounds, KeyType type)
{
    auto [schema, rel] = splitReportName(table);
    return rangePartitionName(schema, rel, bounds, type);
}

std::string rangePartitionName(const std::string &schema, const std::string &relname, const KeyRange &bounds,
                               KeyType type)
{
    const std::string name = fitName(
        fmt::format("{}_p{}_{}", relname, keyText(bounds.lower, "min", type), keyText(bounds.upper, "max", type)));
    return reportName(schema, name);
}

Result<StepWork> planStep(PgConnection &c, const Step &step, const std::string &uid)
{
    if (!validUid(uid))
        return fail(ErrorCode::InvalidArgument, "the step uid must be 1–64 letters, digits, '-' or '_'",
                    "the executor assigns one before running the step");
    auto table = loadTableStructure(c, step.table); // re-read when the catalogue changed
    if (!table)
        return tl::unexpected(table.error());
    StepWork w;
    w.table = std::move(*table);
    w.uid = uid;
    w.tag = stepTag(uid);
    if (w.table.typedKey()) {
        w.key = w.table.keyColumns[0].name;
        w.keyType = *w.table.keyType;
    }
    if (auto r = checkSources(step, w); !r)
        return tl::unexpected(r.error());
    if (auto r = checkRefusals(c, w.table, w.sources); !r)
        return tl::unexpected(r.error());
    if (auto r = buildTargets(c, step, w); !r)
        return tl::unexpected(r.error());
    if (auto f = sourceFacts(c, w.sources.front()); f) {
        w.owner = f->owner;
        w.comment = f->comment;
        w.tablespace = f->tablespace;
        w.reloptions = f->reloptions;
        w.grants = f->grants;
    } else {
        return tl::unexpected(f.error());
    }
    std::set<std::string> names;
    for (const auto &tg : w.targets) {
        if (!names.insert(tg.relname).second)
            return fail(ErrorCode::InvalidArgument, fmt::format("two targets are named {}", tg.name));
        auto exists = c.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "WHERE n.nspname = $1 AND c.relname = $2",
                               {tg.schema, tg.relname});
        if (!exists)
            return tl::unexpected(exists.error());
        if (*exists > 0)
            w.existingTargets.push_back(tg.name);
    }
    for (const auto &p : w.table.partitions)
        if (p.isDefault())
            w.notes.push_back(
                fmt::format("{} has a default partition ({}): each ATTACH scans it, under the swap's lock, "
                            "to prove it holds no row of the new bounds",
                            w.table.name, p.name));
    return w;
}

Result<std::string> structureFingerprint(PgConnection &c, const PgTable &t, const std::vector<std::string> &names)
{
    // The definitions of every named partition in one query (not one per
    // partition: a merge may name hundreds), then the text in name order.
    const PartitionLookup lookup(t);
    std::vector<const PgPartition *> found;
    std::string oids;
    for (const auto &n : names) {
        found.push_back(lookup.find(n));
        if (found.back())
            oids += (oids.empty() ? "" : ",") + std::to_string(found.back()->oid);
    }
    std::map<std::uint32_t, std::string> defsOf;
    if (!oids.empty()) {
        auto defs = c.query("SELECT x.relid::bigint, string_agg(d, ';' ORDER BY d) FROM ("
                            "SELECT indrelid AS relid, pg_get_indexdef(indexrelid) AS d FROM pg_index "
                            "WHERE indrelid = ANY (string_to_array($1, ',')::oid[]) "
                            "UNION ALL SELECT conrelid, conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint "
                            "WHERE conrelid = ANY (string_to_array($1, ',')::oid[]) AND conname NOT LIKE 'tidemark\\_%' "
                            "UNION ALL SELECT attrelid, attname || ':' || format_type(atttypid, atttypmod) || ':' || "
                            "attnotnull FROM pg_attribute WHERE attrelid = ANY (string_to_array($1, ',')::oid[]) "
                            "AND attnum > 0 AND NOT attisdropped) x GROUP BY x.relid",
                            {oids});
        if (!defs)
            return tl::unexpected(defs.error());
        for (int i = 0; i < defs->size(); ++i)
            defsOf[std::uint32_t(defs->integer(i, 0))] = defs->text(i, 1);
    }
    std::string text = t.schema + "." + t.relname + "|" + t.keyDef + "|";
    for (const auto &col : t.columns)
        text += col.name + ":" + col.type + ",";
    for (std::size_t i = 0; i < names.size(); ++i) {
        const PgPartition *p = found[i];
        if (!p) {
            text += "|missing:" + names[i];
            continue;
        }
        text += "|" + p->schema + "." + p->relname + "|" + p->boundText;
        const auto d = defsOf.find(p->oid);
        text += "|" + (d == defsOf.end() ? std::string() : d->second);
    }
    return hex64(XXH3_64bits(text.data(), text.size()));
}

} // namespace tidemark::postgres
