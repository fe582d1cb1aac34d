// Reading rows as of a moment: the newest snapshot at or before it, plus
// every journaled change committed after the snapshot's cut and up to the
// moment. Rows are a multiset of images, so the changes of concurrent
// transactions may be applied in any order (point_in_time.h).
#include <algorithm>
#include <chrono>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "executor/crash_points.h"
#include "journal/point_in_time.h"
#include "journal/time_spec.h"

namespace tidemark {

namespace {

using nlohmann::json;

struct Counted {
    KeyValue key = 0;
    std::int64_t count = 0;
};
using RowBag = std::unordered_map<std::string, Counted>;

std::optional<KeyValue> keyOf(const json &v)
{
    if (v.is_number_integer())
        return v.get<std::int64_t>();
    if (v.is_string()) {
        try {
            return std::stoll(v.get<std::string>());
        } catch (const std::exception &) {
        }
    }
    return std::nullopt;
}

std::optional<KeyValue> keyOf(const std::optional<std::string> &s)
{
    if (!s)
        return std::nullopt;
    try {
        return std::stoll(*s);
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

bool chunkMeets(const SnapshotRecord &s, std::int64_t chunk, const KeyRange &range)
{
    const KeyValue lo = s.chunkBase + chunk * s.chunkWidth;
    const KeyValue hi = lo + s.chunkWidth; // [lo, hi)
    return (!range.upper || lo < *range.upper) && (!range.lower || hi > *range.lower);
}

class Replay {
public:
    Replay(const KeyRange &range, std::int64_t afterPosition, std::int64_t atUs)
        : m_range(range)
        , m_after(afterPosition)
        , m_at(atUs)
    {
    }
    void add(KeyValue key, const std::string &image, std::int64_t n)
    {
        if (!m_range.contains(key))
            return;
        auto &c = m_bag[image];
        c.key = key;
        c.count += n;
    }
    void apply(std::int64_t position, std::int64_t us, const std::optional<std::string> &before,
               std::optional<KeyValue> keyBefore, const std::optional<std::string> &after,
               std::optional<KeyValue> keyAfter)
    {
        if (position <= m_after || us > m_at)
            return;
        ++m_applied;
        if (before && keyBefore)
            add(*keyBefore, *before, -1);
        if (after && keyAfter)
            add(*keyAfter, *after, +1);
    }
    std::int64_t applied() const { return m_applied; }
    Result<void> finish(AsOfResult &out)
    {
        for (auto &[image, c] : m_bag) {
            if (c.count < 0)
                return fail(ErrorCode::Corrupt,
                            "the journal removes a row the snapshot does not hold: changes are missing (a TRUNCATE, "
                            "or writes while the journal was off)",
                            "take a new snapshot (tidemark-cli snapshot URI --table T); moments after it read "
                            "correctly");
            for (std::int64_t i = 0; i < c.count; ++i) {
                out.rows.push_back(RowImage{std::to_string(c.key), image});
                out.checksum.add(image);
            }
        }
        std::sort(out.rows.begin(), out.rows.end(), [](const RowImage &a, const RowImage &b) {
            const KeyValue ka = std::stoll(a.key), kb = std::stoll(b.key);
            return ka != kb ? ka < kb : a.image < b.image;
        });
        return {};
    }

private:
    KeyRange m_range;
    std::int64_t m_after;
    std::int64_t m_at;
    RowBag m_bag;
    std::int64_t m_applied = 0;
};

} // namespace

Result<AsOfResult> readAsOf(Connector &connector, SnapshotRepository &repository, const std::string &table,
                            const std::string &partition, std::int64_t atUs)
{
    auto journal = changeJournalOf(connector);
    if (!journal)
        return tl::unexpected(journal.error());
    auto status = (*journal)->journalStatus(table);
    if (!status)
        return tl::unexpected(status.error());
    if (!status->enabled)
        return fail(
            ErrorCode::InvalidArgument, fmt::format("{} is not journaled", table),
            fmt::format("start its journal and take a snapshot: tidemark-cli journal enable URI --table {}", table));
    const std::int64_t nowUs =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    if (atUs > nowUs)
        return fail(ErrorCode::InvalidArgument, fmt::format("{} is in the future", formatMoment(atUs)),
                    "give a moment up to now");
    auto range = partitionRange(connector, repository, table, partition);
    if (!range)
        return tl::unexpected(range.error());
    auto base = repository.baseSnapshot(table, *range, status->epochMs, atUs);
    if (!base)
        return tl::unexpected(base.error());
    if (!*base) {
        auto all = repository.snapshots(table);
        std::string earliest;
        if (all)
            for (const auto &s : *all)
                if (s.epochMs == status->epochMs) {
                    earliest = fmt::format("; the earliest is {}", formatMoment(s.takenUs));
                    break;
                }
        return fail(ErrorCode::NotFound,
                    fmt::format("no snapshot of {}{} was taken at or before {}{}", table,
                                partition.empty() ? "" : " covering " + partition, formatMoment(atUs), earliest),
                    fmt::format("history starts at the first snapshot: tidemark-cli snapshot URI --table {}", table));
    }
    AsOfResult out;
    out.range = *range;
    out.keyType = status->keyType;
    out.columns = status->columns;
    out.base = **base;
    Replay replay(*range, out.base.position, atUs);
    for (const auto &c : out.base.chunks) {
        if (!chunkMeets(out.base, c.chunk, *range))
            continue;
        auto text = readSegment(c.segment.path, c.segment.xxh64);
        if (!text)
            return tl::unexpected(text.error());
        for (const auto &row : json::parse(*text))
            if (auto k = keyOf(row.at(0)))
                replay.add(*k, row.at(1).get<std::string>(), +1);
    }
    auto segments = repository.journalSegments(table, status->epochMs, out.base.position);
    if (!segments)
        return tl::unexpected(segments.error());
    std::int64_t kept = out.base.position;
    auto text = [](const json &v) { return v.is_null() ? std::optional<std::string>{} : v.get<std::string>(); };
    for (const auto &seg : *segments) {
        kept = std::max(kept, seg.lastPosition);
        if (seg.firstUs > atUs)
            continue;
        auto body = readSegment(seg.path, seg.xxh64);
        if (!body)
            return tl::unexpected(body.error());
        for (const auto &e : json::parse(*body)) {
            const auto before = text(e.at(5)), after = text(e.at(6));
            replay.apply(e.at(0).get<std::int64_t>(), e.at(1).get<std::int64_t>(), before, keyOf(text(e.at(3))), after,
                         keyOf(text(e.at(4))));
        }
    }
    // What the database's journal still holds beyond the repository.
    auto cut = (*journal)->readJournal(table, kept, [&](const JournalChange &c) -> Result<void> {
        replay.apply(c.position, c.committedUs, c.before, keyOf(c.keyBefore), c.after, keyOf(c.keyAfter));
        return {};
    });
    if (!cut)
        return tl::unexpected(cut.error());
    out.changesApplied = replay.applied();
    if (auto r = replay.finish(out); !r)
        return tl::unexpected(r.error());
    return out;
}

Result<RestoreResult> restoreAsOf(Connector &connector, SnapshotRepository &repository, const std::string &table,
                                  const std::string &partition, std::int64_t atUs, const std::string &into)
{
    auto journal = changeJournalOf(connector);
    if (!journal)
        return tl::unexpected(journal.error());
    auto asOf = readAsOf(connector, repository, table, partition, atUs);
    if (!asOf)
        return tl::unexpected(asOf.error());
    RestoreResult out;
    out.into = into;
    std::vector<std::string> images;
    images.reserve(asOf->rows.size());
    for (const auto &r : asOf->rows)
        images.push_back(r.image);
    auto done = (*journal)->restoreImages(table, into, images, [&](const std::vector<RowImage> &back) -> Result<void> {
        ImageChecksum sum;
        for (const auto &r : back)
            sum.add(r.image);
        out.written = sum;
        CrashPoints::reach("pitr.restore.verified");
        if (sum == asOf->checksum)
            return {};
        return fail(ErrorCode::VerificationFailed,
                    fmt::format("the restored table would hold {} rows (checksum {}), the moment holds {} rows "
                                "(checksum {}); nothing was created",
                                sum.rows, sum.hex(), asOf->checksum.rows, asOf->checksum.hex()),
                    "a column type may not round-trip through the journal's row images; see docs/point-in-time.md");
    });
    if (!done)
        return tl::unexpected(done.error());
    out.asOf = std::move(*asOf);
    return out;
}

Result<RowDifference> diffAsOf(Connector &connector, SnapshotRepository &repository, const std::string &table,
                               const std::string &partition, std::int64_t fromUs, std::int64_t toUs)
{
    auto from = readAsOf(connector, repository, table, partition, fromUs);
    if (!from)
        return tl::unexpected(from.error());
    auto to = readAsOf(connector, repository, table, partition, toUs);
    if (!to)
        return tl::unexpected(to.error());
    RowDifference d;
    // Multiset difference of the two sorted row lists.
    auto less = [](const RowImage &a, const RowImage &b) {
        const KeyValue ka = std::stoll(a.key), kb = std::stoll(b.key);
        return ka != kb ? ka < kb : a.image < b.image;
    };
    std::vector<RowImage> removed, added;
    std::set_difference(from->rows.begin(), from->rows.end(), to->rows.begin(), to->rows.end(),
                        std::back_inserter(removed), less);
    std::set_difference(to->rows.begin(), to->rows.end(), from->rows.begin(), from->rows.end(),
                        std::back_inserter(added), less);
    // A key removed once and added once is a changed row.
    std::unordered_map<std::string, int> removedPerKey, addedPerKey;
    for (const auto &r : removed)
        removedPerKey[r.key]++;
    for (const auto &r : added)
        addedPerKey[r.key]++;
    std::unordered_map<std::string, RowImage> changedBefore;
    for (auto &r : removed) {
        if (removedPerKey[r.key] == 1 && addedPerKey[r.key] == 1)
            changedBefore.emplace(r.key, r);
        else
            d.removed.push_back(r);
    }
    for (auto &r : added) {
        if (auto it = changedBefore.find(r.key); it != changedBefore.end())
            d.changed.emplace_back(it->second, r);
        else
            d.added.push_back(r);
    }
    d.from = std::move(*from);
    d.to = std::move(*to);
    return d;
}

} // namespace tidemark
