// Harvesting the journal and taking snapshots (point_in_time.h).
#include "journal/point_in_time.h"

#include <algorithm>
#include <map>
#include <random>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "executor/crash_points.h"

namespace tidemark {

namespace {

using nlohmann::json;

std::int64_t floorDiv(std::int64_t a, std::int64_t b)
{
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

std::string uniqueSuffix()
{
    static std::mt19937_64 rng{std::random_device{}()};
    return fmt::format("{:08x}", std::uint32_t(rng()));
}

// Serialises snapshots of one table across processes (the sweep of stray
// files must not see another snapshot's file before it is recorded).
class TableLock {
public:
    static Result<TableLock> take(const std::filesystem::path &dir)
    {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        const auto path = dir / ".lock";
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
            if (fd >= 0)
                ::close(fd);
            return fail(ErrorCode::Io, fmt::format("cannot lock the snapshot repository at {}", dir.string()),
                        "check that the repository directory is writable");
        }
        return TableLock(fd);
    }
    TableLock(TableLock &&o) noexcept
        : m_fd(std::exchange(o.m_fd, -1))
    {
    }
    TableLock &operator=(TableLock &&) = delete;
    ~TableLock()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }

private:
    explicit TableLock(int fd)
        : m_fd(fd)
    {
    }
    int m_fd = -1;
};

json optionalText(const std::optional<std::string> &s)
{
    return s ? json(*s) : json(nullptr);
}

} // namespace

Result<ChangeJournal *> changeJournalOf(Connector &connector)
{
    if (auto *j = feature<ChangeJournal>(connector))
        return j;
    return fail(ErrorCode::Unsupported,
                fmt::format("the {} connector keeps no point-in-time journal", connector.scheme()),
                "point in time works on SQLite and PostgreSQL connections");
}

Result<HarvestResult> harvestJournal(ChangeJournal &journal, SnapshotRepository &repository, const std::string &table)
{
    auto status = journal.journalStatus(table);
    if (!status)
        return tl::unexpected(status.error());
    if (!status->enabled)
        return fail(ErrorCode::InvalidArgument, fmt::format("{} is not journaled", table),
                    fmt::format("start its journal first: tidemark-cli journal enable URI --table {}", table));
    HarvestResult out;
    auto cursor = repository.journalCursor(table, status->epochMs);
    if (!cursor)
        return tl::unexpected(cursor.error());
    out.cursor = *cursor;
    json entries = json::array();
    SegmentRecord seg;
    seg.table = table;
    seg.kind = "journal";
    seg.epochMs = status->epochMs;
    auto cut = journal.readJournal(table, *cursor, [&](const JournalChange &c) -> Result<void> {
        if (entries.empty()) {
            seg.firstPosition = c.position;
            seg.firstUs = c.committedUs;
        }
        seg.lastPosition = std::max(seg.lastPosition, c.position);
        seg.firstUs = std::min(seg.firstUs, c.committedUs);
        seg.lastUs = std::max(seg.lastUs, c.committedUs);
        entries.push_back(json::array({c.position, c.committedUs, std::string(1, c.op), optionalText(c.keyBefore),
                                       optionalText(c.keyAfter), optionalText(c.before), optionalText(c.after)}));
        return {};
    });
    if (!cut)
        return tl::unexpected(cut.error());
    if (!entries.empty()) {
        seg.entries = std::int64_t(entries.size());
        seg.path = repository.tableDirectory(table) /
            fmt::format("journal-{}-{}-{}.seg", seg.firstPosition, seg.lastPosition, uniqueSuffix());
        auto written = writeSegment(seg.path, entries.dump());
        if (!written)
            return tl::unexpected(written.error());
        CrashPoints::reach("pitr.harvest.written");
        seg.bytes = written->bytes;
        seg.xxh64 = written->xxh64;
        if (auto id = repository.addSegment(seg); !id)
            return tl::unexpected(id.error());
        CrashPoints::reach("pitr.harvest.recorded");
        out.changes = seg.entries;
        out.bytes = seg.bytes;
        out.cursor = seg.lastPosition;
    }
    if (out.cursor > 0) {
        auto trimmed = journal.trimJournal(table, out.cursor);
        if (!trimmed)
            return tl::unexpected(trimmed.error());
        out.trimmed = *trimmed;
    }
    return out;
}

Result<KeyRange> partitionRange(Connector &connector, SnapshotRepository &repository, const std::string &table,
                                const std::string &partition)
{
    if (partition.empty())
        return KeyRange{};
    auto t = connector.describe(table);
    if (!t)
        return tl::unexpected(t.error());
    for (const auto &p : t->partitions)
        if (p.name == partition)
            return p.bounds;
    auto recorded = repository.recordedPartitionRange(table, partition);
    if (!recorded)
        return tl::unexpected(recorded.error());
    if (*recorded)
        return **recorded;
    std::string names;
    for (const auto &p : t->partitions)
        names += (names.empty() ? "" : ", ") + p.name;
    return fail(ErrorCode::NotFound, fmt::format("{} has no partition {} now, nor in its snapshots", table, partition),
                fmt::format("its partitions: {}", names));
}

Result<SnapshotResult> takeSnapshot(Connector &connector, SnapshotRepository &repository, const std::string &table,
                                    const std::string &partition, std::stop_token stop)
{
    auto journal = changeJournalOf(connector);
    if (!journal)
        return tl::unexpected(journal.error());
    auto lock = TableLock::take(repository.tableDirectory(table));
    if (!lock)
        return tl::unexpected(lock.error());
    if (auto swept = repository.sweep(table); !swept)
        return tl::unexpected(swept.error());
    SnapshotResult out;
    auto harvest = harvestJournal(**journal, repository, table);
    if (!harvest)
        return tl::unexpected(harvest.error());
    out.harvest = *harvest;
    auto status = (*journal)->journalStatus(table);
    if (!status)
        return tl::unexpected(status.error());
    KeyRange range;
    if (!partition.empty()) {
        auto t = connector.describe(table);
        if (!t)
            return tl::unexpected(t.error());
        const Partition *found = nullptr;
        for (const auto &p : t->partitions)
            if (p.name == partition)
                found = &p;
        if (!found) {
            std::string names;
            for (const auto &p : t->partitions)
                names += (names.empty() ? "" : ", ") + p.name;
            return fail(ErrorCode::NotFound, fmt::format("{} has no partition {}", table, partition),
                        fmt::format("its partitions: {}", names));
        }
        range = found->bounds;
    }
    auto previous = repository.latestSnapshot(table, partition, status->epochMs);
    if (!previous)
        return tl::unexpected(previous.error());

    std::vector<std::pair<KeyValue, std::string>> rows;
    auto cut = (*journal)->readImages(
        table, partition.empty() ? std::optional<KeyRange>{} : std::optional<KeyRange>{range},
        [&](const RowImage &r) -> Result<void> {
            try {
                rows.emplace_back(std::stoll(r.key), r.image);
            } catch (const std::exception &) {
                return fail(ErrorCode::Unsupported, fmt::format("a row of {} has no usable key (\"{}\")", table, r.key),
                            "rows with a NULL key cannot be snapshotted");
            }
            return {};
        },
        stop);
    if (!cut)
        return tl::unexpected(cut.error());

    SnapshotRecord s;
    s.table = table;
    s.partition = partition;
    s.range = range;
    s.epochMs = status->epochMs;
    s.takenUs = cut->takenUs;
    s.position = cut->position;
    if (*previous) {
        s.chunkBase = (*previous)->chunkBase;
        s.chunkWidth = (*previous)->chunkWidth;
    } else if (range.lower && range.upper) {
        s.chunkBase = *range.lower;
        s.chunkWidth = std::max<std::int64_t>(1, (*range.upper - *range.lower + 63) / 64);
    } else if (!rows.empty()) {
        auto [lo, hi] = std::minmax_element(rows.begin(), rows.end());
        s.chunkBase = range.lower.value_or(lo->first);
        s.chunkWidth = std::max<std::int64_t>(1, (hi->first - s.chunkBase) / 64 + 1);
    } else {
        s.chunkBase = range.lower.value_or(0);
        s.chunkWidth = 1 << 20;
    }
    std::map<std::int64_t, std::vector<std::pair<KeyValue, std::string>>> chunks;
    for (auto &r : rows)
        chunks[floorDiv(r.first - s.chunkBase, s.chunkWidth)].push_back(std::move(r));
    rows.clear();
    std::map<std::int64_t, const ChunkRecord *> before;
    if (*previous)
        for (const auto &c : (*previous)->chunks)
            before[c.chunk] = &c;
    ImageChecksum total;
    for (auto &[index, chunkRows] : chunks) {
        std::sort(chunkRows.begin(), chunkRows.end());
        ImageChecksum sum;
        for (const auto &r : chunkRows)
            sum.add(r.second);
        total.rows += sum.rows;
        total.sum += sum.sum;
        ChunkRecord c;
        c.chunk = index;
        c.rows = sum.rows;
        c.checksum = sum.hex();
        if (auto it = before.find(index);
            it != before.end() && it->second->rows == c.rows && it->second->checksum == c.checksum) {
            c.segment = it->second->segment; // unchanged: the earlier file serves
            ++out.chunksReused;
        } else {
            json payload = json::array();
            for (const auto &r : chunkRows)
                payload.push_back(json::array({r.first, r.second}));
            c.segment.table = table;
            c.segment.kind = "chunk";
            c.segment.epochMs = s.epochMs;
            c.segment.entries = c.rows;
            c.segment.firstPosition = c.segment.lastPosition = s.position;
            c.segment.firstUs = c.segment.lastUs = s.takenUs;
            c.segment.path =
                repository.tableDirectory(table) / fmt::format("chunk-{}-{}-{}.seg", s.takenUs, index, uniqueSuffix());
            auto written = writeSegment(c.segment.path, payload.dump());
            if (!written)
                return tl::unexpected(written.error());
            CrashPoints::reach("pitr.snapshot.chunk-written");
            c.segment.bytes = written->bytes;
            c.segment.xxh64 = written->xxh64;
            s.bytesWritten += written->bytes;
            ++s.chunksWritten;
        }
        s.chunks.push_back(std::move(c));
    }
    s.rows = total.rows;
    s.checksum = total.hex();
    if (auto id = repository.addSnapshot(s); !id)
        return tl::unexpected(id.error());
    CrashPoints::reach("pitr.snapshot.recorded");
    out.snapshot = std::move(s);
    return out;
}

Result<LiveState> liveState(ChangeJournal &journal, const std::string &table, const std::optional<KeyRange> &range)
{
    LiveState out;
    auto cut = journal.readImages(table, range,
                                  [&](const RowImage &r) -> Result<void> {
                                      out.checksum.add(r.image);
                                      return {};
                                  },
                                  {});
    if (!cut)
        return tl::unexpected(cut.error());
    out.cut = *cut;
    return out;
}

} // namespace tidemark
