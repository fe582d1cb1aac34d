#include "journal/snapshot_repository.h"

#include <chrono>
#include <set>

#include <fmt/format.h>
#include <sqlite3.h>
#include <xxhash.h>

#include "store/sqlite_statement.h"

namespace tidemark {

using store::Statement;

namespace {

std::int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

constexpr const char *kSegmentColumns = "id, table_name, kind, path, bytes, entries, xxh64, epoch_ms, first_position, "
                                        "last_position, first_us, last_us";

SegmentRecord segmentFrom(const Statement &st, int at = 0)
{
    SegmentRecord s;
    s.id = st.int64(at + 0);
    s.table = st.text(at + 1);
    s.kind = st.text(at + 2);
    s.path = st.text(at + 3);
    s.bytes = st.int64(at + 4);
    s.entries = st.int64(at + 5);
    s.xxh64 = st.text(at + 6);
    s.epochMs = st.int64(at + 7);
    s.firstPosition = st.int64(at + 8);
    s.lastPosition = st.int64(at + 9);
    s.firstUs = st.int64(at + 10);
    s.lastUs = st.int64(at + 11);
    return s;
}

constexpr const char *kSnapshotColumns = "id, table_name, partition, key_lower, key_upper, epoch_ms, taken_us, "
                                         "position, chunk_base, chunk_width, rows, checksum, bytes_written, "
                                         "chunks_written, shadow";

SnapshotRecord snapshotFrom(const Statement &st)
{
    SnapshotRecord s;
    s.id = st.int64(0);
    s.table = st.text(1);
    s.partition = st.text(2);
    if (!st.isNull(3))
        s.range.lower = st.int64(3);
    if (!st.isNull(4))
        s.range.upper = st.int64(4);
    s.epochMs = st.int64(5);
    s.takenUs = st.int64(6);
    s.position = st.int64(7);
    s.chunkBase = st.int64(8);
    s.chunkWidth = st.int64(9);
    s.rows = st.int64(10);
    s.checksum = st.text(11);
    s.bytesWritten = st.int64(12);
    s.chunksWritten = st.int64(13);
    s.shadow = st.int64(14) != 0;
    return s;
}

bool covers(const KeyRange &outer, const KeyRange &inner)
{
    const bool lowOk = !outer.lower || (inner.lower && *inner.lower >= *outer.lower);
    const bool highOk = !outer.upper || (inner.upper && *inner.upper <= *outer.upper);
    return lowOk && highOk;
}

template <class Fn> Result<void> eachRow(Statement &st, Fn &&fn)
{
    for (;;) {
        auto row = st.step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return {};
        fn();
    }
}

} // namespace

Result<std::unique_ptr<SnapshotRepository>> SnapshotRepository::open(const std::filesystem::path &storePath,
                                                                     std::int64_t connectionId,
                                                                     const std::filesystem::path &directory)
{
    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(storePath.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    if (rc != SQLITE_OK) {
        Error e = store::sqliteError(db, rc, "opening for the snapshot repository's manifest");
        sqlite3_close(db);
        return tl::unexpected(e);
    }
    sqlite3_busy_timeout(db, 10000);
    std::filesystem::path dir = directory.empty() ? storePath.parent_path() / "snapshots" : directory;
    std::error_code ec;
    dir = std::filesystem::absolute(dir, ec);
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir)) {
        sqlite3_close(db);
        return fail(ErrorCode::Io,
                    fmt::format("the snapshot repository {} cannot be created: {}", dir.string(),
                                ec ? ec.message() : std::string("not a directory")),
                    "choose a writable directory with --repository DIR");
    }
    return std::unique_ptr<SnapshotRepository>(new SnapshotRepository(db, connectionId, dir));
}

SnapshotRepository::SnapshotRepository(sqlite3 *db, std::int64_t connectionId, std::filesystem::path dir)
    : m_db(db)
    , m_connectionId(connectionId)
    , m_dir(std::move(dir))
{
}

SnapshotRepository::~SnapshotRepository()
{
    sqlite3_close(m_db);
}

std::filesystem::path SnapshotRepository::tableDirectory(const std::string &table) const
{
    std::string safe;
    for (char c : table)
        safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    if (safe.size() > 40)
        safe.resize(40);
    return m_dir / fmt::format("c{}", m_connectionId) /
        fmt::format("{}-{:08x}", safe, std::uint32_t(XXH64(table.data(), table.size(), 0)));
}

Result<std::int64_t> SnapshotRepository::journalCursor(const std::string &table, std::int64_t epochMs)
{
    auto st = Statement::prepare(m_db,
                                 "SELECT coalesce(max(last_position), 0) FROM pitr_segments WHERE "
                                 "connection_id = ?1 AND table_name = ?2 AND kind = 'journal' AND epoch_ms = ?3");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, m_connectionId).bind(2, table).bind(3, epochMs);
    auto row = st->step();
    if (!row)
        return tl::unexpected(row.error());
    return st->int64(0);
}

Result<std::int64_t> SnapshotRepository::addSegment(const SegmentRecord &s)
{
    auto st = Statement::prepare(m_db,
                                 "INSERT INTO pitr_segments(connection_id, table_name, kind, path, bytes, "
                                 "entries, xxh64, epoch_ms, first_position, last_position, first_us, last_us, "
                                 "created_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, m_connectionId)
        .bind(2, s.table)
        .bind(3, s.kind)
        .bind(4, s.path.string())
        .bind(5, s.bytes)
        .bind(6, s.entries)
        .bind(7, s.xxh64)
        .bind(8, s.epochMs)
        .bind(9, s.firstPosition)
        .bind(10, s.lastPosition)
        .bind(11, s.firstUs)
        .bind(12, s.lastUs)
        .bind(13, nowMs());
    if (auto r = st->run(); !r)
        return tl::unexpected(r.error());
    return sqlite3_last_insert_rowid(m_db);
}

Result<std::vector<SegmentRecord>> SnapshotRepository::journalSegments(const std::string &table, std::int64_t epochMs,
                                                                       std::int64_t afterPosition)
{
    auto st = Statement::prepare(m_db,
                                 fmt::format("SELECT {} FROM pitr_segments WHERE connection_id = ?1 AND "
                                             "table_name = ?2 AND kind = 'journal' AND epoch_ms = ?3 AND "
                                             "last_position > ?4 ORDER BY first_position",
                                             kSegmentColumns));
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, m_connectionId).bind(2, table).bind(3, epochMs).bind(4, afterPosition);
    std::vector<SegmentRecord> out;
    if (auto r = eachRow(*st, [&] { out.push_back(segmentFrom(*st)); }); !r)
        return tl::unexpected(r.error());
    return out;
}

Result<void> SnapshotRepository::loadChunks(SnapshotRecord &s)
{
    auto st = Statement::prepare(
        m_db,
        fmt::format("SELECT c.chunk, c.rows, c.checksum, {} FROM pitr_snapshot_chunks c JOIN pitr_segments g "
                    "ON g.id = c.segment_id WHERE c.snapshot_id = ?1 ORDER BY c.chunk",
                    [] {
                        std::string cols;
                        for (const char *c : {"id", "table_name", "kind", "path", "bytes", "entries", "xxh64",
                                              "epoch_ms", "first_position", "last_position", "first_us", "last_us"})
                            cols += (cols.empty() ? "g." : ", g.") + std::string(c);
                        return cols;
                    }()));
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, s.id);
    s.chunks.clear();
    return eachRow(*st, [&] {
        ChunkRecord c;
        c.chunk = st->int64(0);
        c.rows = st->int64(1);
        c.checksum = st->text(2);
        c.segment = segmentFrom(*st, 3);
        s.chunks.push_back(std::move(c));
    });
}

Result<std::optional<SnapshotRecord>>
SnapshotRepository::latestSnapshot(const std::string &table, const std::string &partition, std::int64_t epochMs)
{
    auto st = Statement::prepare(m_db,
                                 fmt::format("SELECT {} FROM pitr_snapshots WHERE connection_id = ?1 AND "
                                             "table_name = ?2 AND partition = ?3 AND epoch_ms = ?4 ORDER BY "
                                             "taken_us DESC, id DESC LIMIT 1",
                                             kSnapshotColumns));
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, m_connectionId).bind(2, table).bind(3, partition).bind(4, epochMs);
    auto row = st->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return std::optional<SnapshotRecord>{};
    SnapshotRecord s = snapshotFrom(*st);
    st->reset();
    if (auto r = loadChunks(s); !r)
        return tl::unexpected(r.error());
    return std::optional<SnapshotRecord>{std::move(s)};
}

Result<std::optional<SnapshotRecord>> SnapshotRepository::baseSnapshot(const std::string &table, const KeyRange &range,
                                                                       std::int64_t epochMs, std::int64_t atUs)
{
    auto st = Statement::prepare(m_db,
                                 fmt::format("SELECT {} FROM pitr_snapshots WHERE connection_id = ?1 AND "
                                             "table_name = ?2 AND epoch_ms = ?3 AND taken_us <= ?4 ORDER BY "
                                             "taken_us DESC, id DESC",
                                             kSnapshotColumns));
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, m_connectionId).bind(2, table).bind(3, epochMs).bind(4, atUs);
    std::optional<SnapshotRecord> found;
    for (;;) {
        auto row = st->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        SnapshotRecord s = snapshotFrom(*st);
        if (covers(s.range, range)) {
            found = std::move(s);
            break;
        }
    }
    st->reset();
    if (found)
        if (auto r = loadChunks(*found); !r)
            return tl::unexpected(r.error());
    return found;
}

Result<std::vector<SnapshotRecord>> SnapshotRepository::snapshots(const std::string &table)
{
    auto st = Statement::prepare(m_db,
                                 fmt::format("SELECT {} FROM pitr_snapshots WHERE connection_id = ?1 AND "
                                             "table_name = ?2 ORDER BY taken_us, id",
                                             kSnapshotColumns));
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, m_connectionId).bind(2, table);
    std::vector<SnapshotRecord> out;
    if (auto r = eachRow(*st, [&] { out.push_back(snapshotFrom(*st)); }); !r)
        return tl::unexpected(r.error());
    return out;
}

Result<std::int64_t> SnapshotRepository::addSnapshot(SnapshotRecord &s)
{
    auto r = store::inTransaction(m_db, [&]() -> Result<void> {
        for (auto &c : s.chunks)
            if (c.segment.id == 0) {
                auto id = addSegment(c.segment);
                if (!id)
                    return tl::unexpected(id.error());
                c.segment.id = *id;
            }
        auto st = Statement::prepare(m_db,
                                     "INSERT INTO pitr_snapshots(connection_id, table_name, partition, "
                                     "key_lower, key_upper, epoch_ms, taken_us, position, chunk_base, "
                                     "chunk_width, rows, checksum, bytes_written, chunks_written, shadow, "
                                     "created_ms) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                     "?13, ?14, ?15, ?16)");
        if (!st)
            return tl::unexpected(st.error());
        st->bind(1, m_connectionId)
            .bind(2, s.table)
            .bind(3, s.partition)
            .bind(4, s.range.lower)
            .bind(5, s.range.upper)
            .bind(6, s.epochMs)
            .bind(7, s.takenUs)
            .bind(8, s.position)
            .bind(9, s.chunkBase)
            .bind(10, s.chunkWidth)
            .bind(11, s.rows)
            .bind(12, s.checksum)
            .bind(13, s.bytesWritten)
            .bind(14, s.chunksWritten)
            .bind(15, s.shadow)
            .bind(16, nowMs());
        if (auto run = st->run(); !run)
            return run;
        s.id = sqlite3_last_insert_rowid(m_db);
        auto ch = Statement::prepare(m_db,
                                     "INSERT INTO pitr_snapshot_chunks(snapshot_id, chunk, segment_id, rows, "
                                     "checksum) VALUES(?1, ?2, ?3, ?4, ?5)");
        if (!ch)
            return tl::unexpected(ch.error());
        for (const auto &c : s.chunks) {
            ch->reset();
            ch->bind(1, s.id).bind(2, c.chunk).bind(3, c.segment.id).bind(4, c.rows).bind(5, c.checksum);
            if (auto run = ch->run(); !run)
                return run;
        }
        return {};
    });
    if (!r)
        return tl::unexpected(r.error());
    return s.id;
}

Result<std::optional<KeyRange>> SnapshotRepository::recordedPartitionRange(const std::string &table,
                                                                           const std::string &partition)
{
    auto st = Statement::prepare(m_db,
                                 "SELECT key_lower, key_upper FROM pitr_snapshots WHERE connection_id = ?1 AND "
                                 "table_name = ?2 AND partition = ?3 ORDER BY taken_us DESC LIMIT 1");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, m_connectionId).bind(2, table).bind(3, partition);
    auto row = st->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return std::optional<KeyRange>{};
    KeyRange r;
    if (!st->isNull(0))
        r.lower = st->int64(0);
    if (!st->isNull(1))
        r.upper = st->int64(1);
    return std::optional<KeyRange>{r};
}

Result<PruneResult> SnapshotRepository::removeUnreferenced(const std::string &table)
{
    // Chunk segments no snapshot refers to any more, then their files.
    PruneResult out;
    std::vector<SegmentRecord> gone;
    auto st = Statement::prepare(m_db,
                                 fmt::format("SELECT {} FROM pitr_segments g WHERE connection_id = ?1 AND "
                                             "table_name = ?2 AND kind = 'chunk' AND NOT EXISTS (SELECT 1 FROM "
                                             "pitr_snapshot_chunks c WHERE c.segment_id = g.id)",
                                             kSegmentColumns));
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, m_connectionId).bind(2, table);
    if (auto r = eachRow(*st, [&] { gone.push_back(segmentFrom(*st)); }); !r)
        return tl::unexpected(r.error());
    st->reset();
    auto del = Statement::prepare(m_db, "DELETE FROM pitr_segments WHERE id = ?1");
    if (!del)
        return tl::unexpected(del.error());
    for (const auto &g : gone) {
        del->reset();
        del->bind(1, g.id);
        if (auto r = del->run(); !r)
            return tl::unexpected(r.error());
        out.segments++;
        out.bytes += g.bytes;
    }
    std::error_code ec;
    for (const auto &g : gone)
        std::filesystem::remove(g.path, ec);
    return out;
}

Result<PruneResult> SnapshotRepository::prune(const std::string &table, std::int64_t keepFromUs)
{
    PruneResult out;
    std::vector<SegmentRecord> journalGone;
    auto r = store::inTransaction(m_db, [&]() -> Result<void> {
        // Per partition (and for the whole table) the newest snapshot at or
        // before `keepFromUs` stays: it is the base for reading that moment.
        auto drop = Statement::prepare(m_db,
                                       "DELETE FROM pitr_snapshots AS s WHERE connection_id = ?1 AND "
                                       "table_name = ?2 AND taken_us < (SELECT max(taken_us) FROM pitr_snapshots "
                                       "b WHERE b.connection_id = s.connection_id AND b.table_name = s.table_name "
                                       "AND b.partition = s.partition AND b.taken_us <= ?3)");
        if (!drop)
            return tl::unexpected(drop.error());
        drop->bind(1, m_connectionId).bind(2, table).bind(3, keepFromUs);
        if (auto run = drop->run(); !run)
            return run;
        out.snapshots = sqlite3_changes(m_db);
        if (auto e = store::execSql(m_db,
                                    "DELETE FROM pitr_snapshot_chunks WHERE snapshot_id NOT IN "
                                    "(SELECT id FROM pitr_snapshots)");
            !e)
            return e;
        // The journal before the oldest snapshot that stays is no longer needed.
        auto pos = Statement::prepare(m_db,
                                      "SELECT min(position) FROM pitr_snapshots WHERE connection_id = ?1 AND "
                                      "table_name = ?2");
        if (!pos)
            return tl::unexpected(pos.error());
        pos->bind(1, m_connectionId).bind(2, table);
        if (auto row = pos->step(); !row)
            return tl::unexpected(row.error());
        if (pos->isNull(0))
            return {};
        const std::int64_t keepPosition = pos->int64(0);
        pos->reset();
        auto js = Statement::prepare(m_db,
                                     fmt::format("SELECT {} FROM pitr_segments WHERE connection_id = ?1 AND "
                                                 "table_name = ?2 AND kind = 'journal' AND last_position <= ?3",
                                                 kSegmentColumns));
        if (!js)
            return tl::unexpected(js.error());
        js->bind(1, m_connectionId).bind(2, table).bind(3, keepPosition);
        if (auto e = eachRow(*js, [&] { journalGone.push_back(segmentFrom(*js)); }); !e)
            return e;
        js->reset();
        auto del = Statement::prepare(m_db, "DELETE FROM pitr_segments WHERE id = ?1");
        if (!del)
            return tl::unexpected(del.error());
        for (const auto &g : journalGone) {
            del->reset();
            del->bind(1, g.id);
            if (auto run = del->run(); !run)
                return run;
            out.segments++;
            out.bytes += g.bytes;
        }
        auto chunkSegs = removeUnreferenced(table);
        if (!chunkSegs)
            return tl::unexpected(chunkSegs.error());
        out.segments += chunkSegs->segments;
        out.bytes += chunkSegs->bytes;
        return {};
    });
    if (!r)
        return tl::unexpected(r.error());
    std::error_code ec;
    for (const auto &g : journalGone)
        std::filesystem::remove(g.path, ec);
    return out;
}

Result<PruneResult> SnapshotRepository::forget(const std::string &table)
{
    PruneResult out;
    std::vector<SegmentRecord> journal;
    auto r = store::inTransaction(m_db, [&]() -> Result<void> {
        auto drop = Statement::prepare(m_db, "DELETE FROM pitr_snapshots WHERE connection_id = ?1 AND table_name = ?2");
        if (!drop)
            return tl::unexpected(drop.error());
        drop->bind(1, m_connectionId).bind(2, table);
        if (auto run = drop->run(); !run)
            return run;
        out.snapshots = sqlite3_changes(m_db);
        if (auto e = store::execSql(m_db,
                                    "DELETE FROM pitr_snapshot_chunks WHERE snapshot_id NOT IN "
                                    "(SELECT id FROM pitr_snapshots)");
            !e)
            return e;
        auto js = Statement::prepare(m_db,
                                     fmt::format("SELECT {} FROM pitr_segments WHERE connection_id = ?1 AND "
                                                 "table_name = ?2 AND kind = 'journal'",
                                                 kSegmentColumns));
        if (!js)
            return tl::unexpected(js.error());
        js->bind(1, m_connectionId).bind(2, table);
        if (auto e = eachRow(*js, [&] { journal.push_back(segmentFrom(*js)); }); !e)
            return e;
        js->reset();
        auto del = Statement::prepare(m_db,
                                      "DELETE FROM pitr_segments WHERE connection_id = ?1 AND table_name = ?2 "
                                      "AND kind = 'journal'");
        if (!del)
            return tl::unexpected(del.error());
        del->bind(1, m_connectionId).bind(2, table);
        if (auto run = del->run(); !run)
            return run;
        out.segments += int(journal.size());
        for (const auto &g : journal)
            out.bytes += g.bytes;
        auto chunkSegs = removeUnreferenced(table);
        if (!chunkSegs)
            return tl::unexpected(chunkSegs.error());
        out.segments += chunkSegs->segments;
        out.bytes += chunkSegs->bytes;
        return {};
    });
    if (!r)
        return tl::unexpected(r.error());
    std::error_code ec;
    for (const auto &g : journal)
        std::filesystem::remove(g.path, ec);
    return out;
}

Result<int> SnapshotRepository::sweep(const std::string &table)
{
    const auto dir = tableDirectory(table);
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        return 0;
    std::set<std::string> known;
    auto st = Statement::prepare(m_db, "SELECT path FROM pitr_segments WHERE connection_id = ?1 AND table_name = ?2");
    if (!st)
        return tl::unexpected(st.error());
    st->bind(1, m_connectionId).bind(2, table);
    if (auto r = eachRow(*st, [&] { known.insert(st->text(0)); }); !r)
        return tl::unexpected(r.error());
    int removed = 0;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.is_regular_file() && entry.path().filename().string().front() != '.' &&
            !known.count(entry.path().string())) {
            std::filesystem::remove(entry.path(), ec);
            ++removed;
        }
    return removed;
}

} // namespace tidemark
