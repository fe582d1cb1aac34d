#include "sqlite_connector.h"
#include "sqlite_segments.h"

#include <algorithm>
#include <map>
#include <system_error>

#include <fmt/format.h>
#include <sqlite3.h>

#include "sqlite_checksum.h"
#include "sqlite_family.h"
#include "sqlite_node_copy.h"
#include "sqlite_sql.h"

namespace tidemark::sqlite {

namespace {

constexpr int kDefaultBusyMs = 5000;

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string percentDecode(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0) {
            out.push_back(char(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

// Saturating a + b * c for bucket ranges near the ends of the key space.
std::int64_t offsetKey(std::int64_t a, std::int64_t b, std::int64_t c)
{
    std::int64_t prod = 0;
    std::int64_t sum = 0;
    if (__builtin_mul_overflow(b, c, &prod))
        return b > 0 ? INT64_MAX : INT64_MIN;
    if (__builtin_add_overflow(a, prod, &sum))
        return prod > 0 ? INT64_MAX : INT64_MIN;
    return sum;
}

Partition toPartition(const PartitionInfo &p, std::int64_t rows, std::int64_t bytes)
{
    return Partition{p.name, p.bounds, rows, bytes, p.createdMs};
}

Result<PartitionedTable> describeFamily(sqlite3 *db, const Family &f, const std::map<std::string, std::int64_t> &bytes)
{
    PartitionedTable t;
    t.name = f.name;
    t.keyColumn = f.keyColumn;
    t.strategy = PartitionStrategy::Range;
    for (const auto &p : f.partitions) {
        auto rows = tableRows(db, p.name);
        if (!rows)
            return tl::unexpected(rows.error());
        const auto b = bytes.find(p.name);
        t.partitions.push_back(toPartition(p, *rows, b == bytes.end() ? 0 : b->second));
    }
    return t;
}

Result<std::map<std::string, std::int64_t>> bytesByTable(sqlite3 *db)
{
    return allTableBytes(db);
}

} // namespace

SqliteConnector::SqliteConnector(sqlite3 *db, std::filesystem::path path)
    : m_db(db)
    , m_path(std::move(path))
{
}

SqliteConnector::~SqliteConnector()
{
    unlockExecutor();
    sqlite3_close_v2(m_db);
}

Result<std::filesystem::path> SqliteConnector::pathFromUri(const std::string &uri)
{
    const std::string expected = "expected sqlite:///absolute/path/to/file.db";
    std::string_view rest;
    if (uri.rfind("sqlite://", 0) == 0) {
        rest = std::string_view(uri).substr(9);
        if (rest.rfind("localhost/", 0) == 0)
            rest.remove_prefix(9);
        else if (rest.empty() || rest.front() != '/')
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("\"{}\" names a host; SQLite databases are local files", uri), expected);
    } else if (uri.rfind("sqlite:", 0) == 0) {
        rest = std::string_view(uri).substr(7);
    } else {
        return fail(ErrorCode::InvalidArgument, fmt::format("\"{}\" is not an sqlite URI", uri), expected);
    }
    std::filesystem::path path(percentDecode(rest));
    if (path.empty() || !path.is_absolute())
        return fail(ErrorCode::InvalidArgument, fmt::format("\"{}\" does not name an absolute path", uri), expected);
    return path;
}

Result<std::unique_ptr<SqliteConnector>> SqliteConnector::open(const std::string &uri)
{
    auto path = pathFromUri(uri);
    if (!path)
        return tl::unexpected(path.error());
    return openPath(*path);
}

Result<std::unique_ptr<SqliteConnector>> SqliteConnector::openPath(const std::filesystem::path &path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return fail(ErrorCode::NotFound, fmt::format("no SQLite database at {}", path.string()),
                    fmt::format("check the path; to create a demo database there run: tidemark-cli demo init {}",
                                path.string()));
    if (std::filesystem::is_directory(path, ec))
        return fail(ErrorCode::InvalidArgument, fmt::format("{} is a directory, not an SQLite database", path.string()),
                    "give the path of the database file");
    // SQLite itself says only "unable to open database file" or "attempt to
    // write a readonly database", and only at the first write.
    if (const std::string why = readOnlyReason(path); !why.empty())
        return fail(ErrorCode::Io, fmt::format("cannot open {} for writing: {}", path.string(), why),
                    readOnlyHint(path));
    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        Error e = sqliteError(db, rc, "opening the database");
        sqlite3_close_v2(db);
        e.message = fmt::format("cannot open {}: {}", path.string(), e.message);
        return tl::unexpected(e);
    }
    sqlite3_extended_result_codes(db, 0);
    sqlite3_busy_timeout(db, kDefaultBusyMs);
    // The header is read lazily; touch the schema so a non-database fails here.
    if (auto probe = queryInteger(db, "SELECT count(*) FROM sqlite_schema"); !probe) {
        Error e = probe.error();
        sqlite3_close_v2(db);
        if (e.code == ErrorCode::Corrupt)
            return fail(ErrorCode::Corrupt, fmt::format("{} is not an SQLite database", path.string()),
                        "check the path; the file exists but does not hold an SQLite database");
        return tl::unexpected(e);
    }
    if (auto r = registerChecksumFunctions(db); !r) {
        sqlite3_close_v2(db);
        return tl::unexpected(r.error());
    }
    return std::unique_ptr<SqliteConnector>(new SqliteConnector(db, path));
}

ConnectorTraits SqliteConnector::traits() const
{
    ConnectorTraits t;
    t.readsCounted = false;
    t.adopt = true;
    t.transactionalSteps = true;
    t.stepKinds = {StepKind::Split, StepKind::Merge, StepKind::Archive, StepKind::Compact, StepKind::Copy};
    t.limitations = {
        {"readsCounted",
         "SQLite keeps no read statistics and cannot see other processes' reads; only writes are "
         "counted (by triggers on each partition)"},
        {"resources", "SQLite is a library inside each application; there is no server whose load could be read"},
        {"loadFigure", "SQLite is a library inside each application; there is no server whose load could be read"},
        {"move",
         "a SQLite family's view and triggers cannot reach a table in another database file, so a partition is "
         "copied to another file, not moved"},
    };
    return t;
}

Result<std::vector<PartitionedTable>> SqliteConnector::discover()
{
    auto names = familyNames(m_db);
    if (!names)
        return tl::unexpected(names.error());
    std::vector<PartitionedTable> out;
    if (names->empty())
        return out;
    auto bytes = bytesByTable(m_db);
    if (!bytes)
        return tl::unexpected(bytes.error());
    for (const auto &n : *names) {
        auto f = requireFamily(m_db, n);
        if (!f)
            return tl::unexpected(f.error());
        auto t = describeFamily(m_db, *f, *bytes);
        if (!t)
            return tl::unexpected(t.error());
        out.push_back(std::move(*t));
    }
    return out;
}

Result<PartitionedTable> SqliteConnector::describe(const std::string &table)
{
    auto f = requireFamily(m_db, table);
    if (!f)
        return tl::unexpected(f.error());
    std::vector<std::string> names;
    for (const auto &p : f->partitions)
        names.push_back(p.name);
    auto bytes = bytesOfTables(m_db, names);
    if (!bytes)
        return tl::unexpected(bytes.error());
    return describeFamily(m_db, *f, *bytes);
}

Result<std::vector<ActivitySample>> SqliteConnector::sampleActivity()
{
    auto names = familyNames(m_db);
    if (!names)
        return tl::unexpected(names.error());
    std::vector<ActivitySample> out;
    if (names->empty())
        return out;
    auto bytes = bytesByTable(m_db);
    if (!bytes)
        return tl::unexpected(bytes.error());
    struct Counts {
        std::int64_t inserts = 0, updates = 0, deletes = 0;
    };
    std::map<std::int64_t, Counts> counts;
    {
        auto st = Statement::prepare(m_db,
                                     "SELECT partition_id, sum(inserts), sum(updates), sum(deletes) "
                                     "FROM _tidemark_activity GROUP BY partition_id");
        if (!st)
            return tl::unexpected(st.error());
        for (;;) {
            auto r = st->step();
            if (!r)
                return tl::unexpected(r.error());
            if (!*r)
                break;
            counts[st->integer(0)] = Counts{st->integer(1), st->integer(2), st->integer(3)};
        }
    }
    const std::int64_t now = nowMs();
    for (const auto &n : *names) {
        auto f = requireFamily(m_db, n);
        if (!f)
            return tl::unexpected(f.error());
        for (const auto &p : f->partitions) {
            ActivitySample s;
            s.table = f->name;
            s.partition = p.name;
            s.timestampMs = now;
            const auto c = counts.find(p.id);
            if (c != counts.end()) {
                s.inserts = c->second.inserts;
                s.updates = c->second.updates;
                s.deletes = c->second.deletes;
            }
            auto rows = tableRows(m_db, p.name);
            if (!rows)
                return tl::unexpected(rows.error());
            s.rows = *rows;
            const auto b = bytes->find(p.name);
            s.bytes = b == bytes->end() ? 0 : b->second;
            s.readsKnown = false;
            s.counterEpoch = fmt::format("{}:{}", p.id, p.createdMs);
            s.epochStartMs = p.createdMs;
            out.push_back(std::move(s));
        }
    }
    return out;
}

Result<KeyHistogram> SqliteConnector::keyHistogram(const std::string &table, const std::string &partition, int buckets)
{
    auto f = requireFamily(m_db, table);
    if (!f)
        return tl::unexpected(f.error());
    const PartitionInfo *p = findPartition(*f, partition);
    if (!p)
        return fail(ErrorCode::NotFound,
                    fmt::format("{} has no partition named {}", quoteIdent(f->name), quoteIdent(partition)),
                    "tidemark-cli discover lists the partitions");
    const int stored = p->bucketCount;
    const int n = std::clamp(buckets, 1, stored);
    std::vector<std::int64_t> writes(std::size_t(stored), 0);
    std::vector<std::int64_t> rows(std::size_t(stored), 0);
    {
        auto st = Statement::prepare(m_db,
                                     "SELECT bucket, inserts + updates + deletes FROM _tidemark_activity "
                                     "WHERE partition_id = ?1");
        if (!st)
            return tl::unexpected(st.error());
        st->bind(1, p->id);
        for (;;) {
            auto r = st->step();
            if (!r)
                return tl::unexpected(r.error());
            if (!*r)
                break;
            const auto b = std::clamp<std::int64_t>(st->integer(0), 0, stored - 1);
            writes[std::size_t(b)] += st->integer(1);
        }
    }
    {
        auto st = Statement::prepare(m_db,
                                     fmt::format("SELECT {} AS b, count(*) FROM {} GROUP BY b",
                                                 bucketExpression(*p, quoteIdent(f->keyColumn)), quoteIdent(p->name)));
        if (!st)
            return tl::unexpected(st.error());
        for (;;) {
            auto r = st->step();
            if (!r)
                return tl::unexpected(r.error());
            if (!*r)
                break;
            const auto b = std::clamp<std::int64_t>(st->integer(0), 0, stored - 1);
            rows[std::size_t(b)] += st->integer(1);
        }
    }
    KeyHistogram h;
    h.table = f->name;
    h.partition = p->name;
    for (int g = 0; g < n; ++g) {
        const int first = int(std::int64_t(g) * stored / n);
        const int last = int(std::int64_t(g + 1) * stored / n) - 1;
        KeyHistogram::Bucket b;
        KeyValue lo = offsetKey(p->bucketBase, first, p->bucketWidth);
        KeyValue hi = offsetKey(p->bucketBase, last + 1, p->bucketWidth);
        if (p->bounds.lower)
            lo = std::max(lo, *p->bounds.lower);
        if (p->bounds.upper)
            hi = std::min(hi, *p->bounds.upper);
        if (g == 0 && p->bounds.lower)
            lo = *p->bounds.lower;
        if (g == n - 1 && p->bounds.upper)
            hi = *p->bounds.upper;
        b.range = KeyRange{lo, hi};
        for (int i = first; i <= last; ++i) {
            b.writes += writes[std::size_t(i)];
            b.rows += rows[std::size_t(i)];
        }
        h.buckets.push_back(b);
    }
    h.bounds = KeyRange{h.buckets.front().range.lower, h.buckets.back().range.upper};
    return h;
}

std::string SqliteConnector::partitionNameFor(const std::string &table, const KeyRange &bounds, KeyType) const
{
    return partitionName(table, bounds);
}

Result<std::string> SqliteConnector::fingerprint(const std::string &table, const std::vector<std::string> &partitions)
{
    auto f = requireFamily(m_db, table);
    if (!f)
        return tl::unexpected(f.error());
    std::vector<const PartitionInfo *> parts;
    for (const auto &name : partitions) {
        const PartitionInfo *p = findPartition(*f, name);
        if (!p)
            return fail(ErrorCode::StalePlan,
                        fmt::format("partition {} of {} no longer exists", quoteIdent(name), quoteIdent(f->name)),
                        "the partitions changed since the plan was made; plan again");
        parts.push_back(p);
    }
    return structureFingerprint(*f, parts);
}

Result<std::vector<DeadSpace>> SqliteConnector::deadSpace(const std::string &table)
{
    return sqliteDeadSpace(m_db, table);
}

Result<StepCommitState> SqliteConnector::stepState(const std::string &stepUid)
{
    auto has =
        queryInteger(m_db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_tidemark_steps'");
    if (!has)
        return tl::unexpected(has.error());
    if (has->value_or(0) == 0)
        return StepCommitState::NotCommitted;
    auto st = Statement::prepare(m_db, "SELECT 1 FROM _tidemark_steps WHERE uid = ?1");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, stepUid);
    auto row = st->step();
    if (!row)
        return tl::unexpected(row.error());
    return *row ? StepCommitState::Committed : StepCommitState::NotCommitted;
}

Result<void> SqliteConnector::abandonStep(const std::string &stepUid)
{
    return abandonNodeCopy(m_db, stepUid);
}

Result<RowChecksum> SqliteConnector::checksum(const std::string &table, const KeyRange &range)
{
    auto f = requireFamily(m_db, table);
    if (f)
        return queryChecksum(m_db, checksumSql(f->columns, f->name, f->keyColumn, range));
    if (f.error().code != ErrorCode::NotPartitioned || range.lower || range.upper)
        return tl::unexpected(f.error());
    // A whole ordinary table (e.g. before adopting it).
    auto cols = tableColumns(m_db, table);
    if (!cols)
        return tl::unexpected(cols.error());
    return queryChecksum(m_db, checksumSql(*cols, table, {}, std::nullopt));
}

Result<void> SqliteConnector::adopt(const AdoptRequest &request)
{
    return adoptTable(m_db, request, AdoptOptions{});
}

Result<void> SqliteConnector::adopt(const AdoptRequest &request, const AdoptOptions &options)
{
    return adoptTable(m_db, request, options);
}

Result<void> SqliteConnector::createFamily(const FamilySpec &spec)
{
    return createFamilyOn(m_db, spec);
}

Result<void> SqliteConnector::setWriteCounting(const std::string &table, bool on)
{
    return setWriteCountingOn(m_db, table, on);
}

Result<void> SqliteConnector::resetWriteCounters(const std::string &table)
{
    auto f = requireFamily(m_db, table);
    if (!f)
        return tl::unexpected(f.error());
    auto st = Statement::prepare(m_db,
                                 "DELETE FROM _tidemark_activity WHERE partition_id IN "
                                 "(SELECT id FROM _tidemark_partitions WHERE family = ?1)");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, f->name);
    return st->run();
}

void SqliteConnector::cancel()
{
    sqlite3_interrupt(m_db);
}

std::string SqliteConnector::quoteIdentifier(std::string_view name) const
{
    return quoteIdent(name);
}
std::string SqliteConnector::quoteLiteral(std::string_view value) const
{
    return quoteLit(value);
}

ConnectorFactory sqliteConnectorFactory()
{
    return [](const std::string &uri) -> Result<std::unique_ptr<Connector>> {
        auto c = SqliteConnector::open(uri);
        if (!c)
            return tl::unexpected(c.error());
        return std::unique_ptr<Connector>(std::move(*c));
    };
}

} // namespace tidemark::sqlite
