// The verification of one copy's chunks (docs/copy-move.md, step 5): each
// chunk checked on the receiving node as it is sent, the row count after
// the bulk copy, the pass over dirty chunks before the cutover, and the
// cutover's check of the keys written since.
#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "pg_copy_work.h"
#include "pg_key_sql.h"

namespace tidemark::postgres::nodecopy {

std::future<Result<RowChecksum>> CopyRun::checkSentLater(PgConnection &other, std::size_t i) const
{
    // Only the pages its send wrote into, by key: a row of the chunk in
    // another page makes the count differ, and the pass before the cutover
    // compares the chunk whole. Rows nobody sent, elsewhere, are found by
    // the count of the whole table after the bulk copy (checkRowsThere).
    const Chunk &ch = chunks[i];
    const std::string pages = ch.pagesTo > 0
        ? fmt::format("ctid >= '({},0)'::tid AND ctid < '({},0)'::tid", ch.pagesFrom, ch.pagesTo)
        : std::string();
    return std::async(std::launch::async, [this, &other, range = ch.layout.range, pages]() -> Result<RowChecksum> {
        auto sums = chunkSums(other, m_w.source.table.columns, m_w.targetQuoted, m_w.source.key, m_w.source.keyType,
                              {range}, pages);
        if (!sums)
            return tl::unexpected(sums.error());
        return (*sums)[0];
    });
}

Result<bool> CopyRun::takeSentCheck(std::size_t i, Result<RowChecksum> there)
{
    if (!there)
        return tl::unexpected(there.error());
    Chunk &ch = chunks[i];
    // Applied to since (dirty), or differing: the pass before the cutover compares it.
    if (ch.state != ChunkState::Copied || !(*there == ch.sum))
        return false;
    ch.state = ChunkState::Verified;
    ch.keys.clear();
    if (auto r = recordVerified({i}); !r)
        return tl::unexpected(r.error());
    return true;
}

Result<bool> CopyRun::checkRowsThere()
{
    auto there = m_b.scalar(fmt::format("SELECT count(*) FROM {}", m_w.targetQuoted));
    if (!there)
        return tl::unexpected(there.error());
    if (*there == total().rows)
        return true;
    // Rows that were not sent: every chunk is compared whole before the cutover.
    for (auto &ch : chunks)
        if (ch.state == ChunkState::Verified && ch.keys.empty())
            ch.state = ChunkState::Copied;
        else if (ch.state == ChunkState::Verified)
            ch.state = ChunkState::Dirty;
    return false;
}


namespace {

/// Runs `onB` on a thread of its own while `onA` runs here, so that the two
/// nodes' scans overlap; each uses its own connection only.
template <class OnA, class OnB> auto onBothNodes(OnA &&onA, OnB &&onB)
{
    auto b = std::async(std::launch::async, std::forward<OnB>(onB));
    auto a = onA();
    return std::pair{std::move(a), b.get()};
}

RowChecksum minus(RowChecksum a, const RowChecksum &b)
{
    a.rows -= b.rows;
    a.hashSum -= b.hashSum;
    return a;
}

} // namespace

std::string CopyRun::keysWhere(const std::vector<KeyValue> &keys) const
{
    std::string array = "{";
    for (std::size_t i = 0; i < keys.size(); ++i)
        array += (i ? "," : "") + std::to_string(keys[i]);
    array += "}";
    return fmt::format("{} = ANY ({})", m_a.quoteIdent(m_w.source.key),
                       keysOfOrdinals(m_a.quoteLiteral(array) + "::bigint[]", m_w.source.keyType));
}

Result<std::vector<RowChecksum>> CopyRun::sums(PgConnection &c, const std::string &relation,
                                               const std::vector<std::size_t> &which, const std::string &where)
{
    std::vector<KeyRange> ranges;
    for (auto i : which)
        ranges.push_back(chunks[i].layout.range);
    return chunkSums(c, m_w.source.table.columns, relation, m_w.source.key, m_w.source.keyType, ranges, where);
}

Result<int> CopyRun::verifyDirty(bool locked)
{
    const auto listed = dirtyChunks();
    if (listed.empty())
        return 0;
    // A chunk only sent (Copied) is on the source as it was sent but for
    // keys captured since, whose changes make it Dirty when applied: the
    // receiving side alone is compared with the sum sent. A chunk with
    // changes applied (Dirty) is compared on both sides.
    std::vector<std::size_t> sentOnly, changed;
    for (auto i : listed)
        (chunks[i].state == ChunkState::Copied ? sentOnly : changed).push_back(i);

    // The source in one snapshot: the keys captured and not applied yet, and
    // the changed chunks' sums with and without those keys' rows. Every
    // change the snapshot holds is either applied on the receiving node or
    // among those keys, so the chunks agree without them even while writers
    // run; the keys are compared one by one at the cutover.
    Transaction snapshot(m_a);
    std::vector<KeyValue> pending;
    std::map<std::size_t, std::vector<KeyValue>> pendingOf;
    const bool inSnapshot = !locked && !changed.empty();
    if (inSnapshot) {
        if (auto r = snapshot.begin(); !r)
            return tl::unexpected(r.error());
        if (auto r = m_a.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"); !r)
            return tl::unexpected(r.error());
        auto rows = m_a.query("SELECT DISTINCT k FROM tidemark.capture_log WHERE capture = $1 AND k IS NOT NULL",
                              {m_w.capture});
        if (!rows)
            return tl::unexpected(rows.error());
        const std::set<std::size_t> isChanged(changed.begin(), changed.end());
        for (int r = 0; r < rows->size(); ++r) {
            const KeyValue k = rows->integer(r, 0);
            const std::size_t c = chunkOf(k);
            if (isChanged.count(c)) {
                pending.push_back(k);
                pendingOf[c].push_back(k);
            }
        }
    }
    const std::string pendingWhere = pending.empty() ? std::string() : keysWhere(pending);
    struct Sides {
        std::vector<RowChecksum> whole, pending;
    };
    auto readSide = [&](PgConnection &c, const std::string &relation,
                        const std::vector<std::size_t> &which) -> Result<Sides> {
        Sides out;
        auto whole = sums(c, relation, which);
        if (!whole)
            return tl::unexpected(whole.error());
        out.whole = std::move(*whole);
        out.pending.assign(which.size(), RowChecksum{});
        if (!pendingWhere.empty()) {
            auto p = sums(c, relation, which, pendingWhere);
            if (!p)
                return tl::unexpected(p.error());
            out.pending = std::move(*p);
        }
        return out;
    };
    // The receiving side: the changed chunks first, then those only sent.
    std::vector<std::size_t> onTarget = changed;
    onTarget.insert(onTarget.end(), sentOnly.begin(), sentOnly.end());
    auto [src, tgt] = onBothNodes([&] { return readSide(m_a, m_w.source.quoted, changed); },
                                  [&] { return readSide(m_b, m_w.targetQuoted, onTarget); });
    if (!src)
        return tl::unexpected(src.error());
    if (!tgt)
        return tl::unexpected(tgt.error());
    if (inSnapshot)
        if (auto r = snapshot.commit(); !r)
            return tl::unexpected(r.error());

    std::vector<std::size_t> verified, differing;
    for (std::size_t j = 0; j < onTarget.size(); ++j) {
        const std::size_t i = onTarget[j];
        Chunk &ch = chunks[i];
        const bool isChanged = j < changed.size();
        const bool equal = isChanged ? minus(src->whole[j], src->pending[j]) == minus(tgt->whole[j], tgt->pending[j])
                                     : tgt->whole[j] == ch.sum;
        if (!equal) {
            differing.push_back(i);
            continue;
        }
        ch.state = ChunkState::Verified;
        ch.sum = tgt->whole[j];
        ch.keys.clear();
        if (auto p = pendingOf.find(i); p != pendingOf.end())
            ch.keys.insert(p->second.begin(), p->second.end());
        verified.push_back(i);
    }
    if (auto r = recordVerified(verified); !r)
        return tl::unexpected(r.error());
    // What differs beyond the pending keys was not written by the source's
    // writers: the receiving table changed, or a change went missing. Sent again.
    for (auto i : differing) {
        if (auto r = sendChunk(i, !locked); !r)
            return tl::unexpected(r.error());
        chunks[i].state = ChunkState::Verified;
        chunks[i].keys.clear();
        if (auto r = recordVerified({i}); !r)
            return tl::unexpected(r.error());
    }
    return int(differing.size());
}

Result<void> CopyRun::recordVerified()
{
    std::vector<std::size_t> all(chunks.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = i;
    return recordVerified(all);
}

Result<void> CopyRun::recordVerified(const std::vector<std::size_t> &which)
{
    if (which.empty())
        return {};
    std::string ids = "{", rows = "{", hashes = "{";
    for (std::size_t j = 0; j < which.size(); ++j) {
        const char *sep = j ? "," : "";
        const Chunk &ch = chunks[which[j]];
        ids += sep + std::to_string(which[j]);
        rows += sep + std::to_string(ch.sum.rows);
        hashes += sep + sumText(ch.sum.hashSum);
    }
    ids += "}";
    rows += "}";
    hashes += "}";
    auto r = m_b.query("UPDATE tidemark.copy_chunks c SET state = 'verified', rows = v.r, hash = v.h FROM "
                       "unnest($2::int[], $3::bigint[], $4::text[]) AS v(i, r, h) WHERE c.uid = $1 AND c.chunk = "
                       "v.i",
                       {m_step.uid, ids, rows, hashes});
    if (!r)
        return tl::unexpected(r.error());
    return {};
}

Result<std::size_t> CopyRun::verifyWrittenKeys()
{
    std::vector<KeyValue> keys;
    std::vector<std::size_t> touched;
    for (std::size_t i = 0; i < chunks.size(); ++i)
        if (chunks[i].state == ChunkState::Verified && !chunks[i].keys.empty()) {
            touched.push_back(i);
            keys.insert(keys.end(), chunks[i].keys.begin(), chunks[i].keys.end());
        }
    if (keys.empty())
        return 0;
    const std::string where = keysWhere(keys);
    auto [src, tgt] = onBothNodes(
        [&] { return runChecksum(m_a, checksumSql(m_a, m_w.source.table.columns, m_w.source.quoted, where)); },
        [&] { return runChecksum(m_b, checksumSql(m_b, m_w.source.table.columns, m_w.targetQuoted, where)); });
    if (!src)
        return tl::unexpected(src.error());
    if (!tgt)
        return tl::unexpected(tgt.error());
    if (*src == *tgt) {
        for (auto i : touched)
            chunks[i].keys.clear();
        return keys.size();
    }
    for (auto i : touched)
        chunks[i].state = ChunkState::Dirty;
    auto whole = verifyDirty(true);
    if (!whole)
        return tl::unexpected(whole.error());
    return keys.size();
}


} // namespace tidemark::postgres::nodecopy
