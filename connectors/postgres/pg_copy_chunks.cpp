// One copy's chunks as it runs (docs/copy-move.md): the receiving table
// and its keys, each chunk sent from one snapshot of the source with its
// checksum, and captured changes applied by key, their chunks dirtied.
// Their verification is in pg_copy_verify.cpp.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "pg_copy_work.h"
#include "pg_key_sql.h"

namespace tidemark::postgres::nodecopy {

ChunkState stateFrom(const std::string &s)
{
    return s == "copied"  ? ChunkState::Copied
        : s == "dirty"    ? ChunkState::Dirty
        : s == "verified" ? ChunkState::Verified
                          : ChunkState::Pending;
}

std::string sumText(std::uint64_t v)
{
    return std::to_string(v);
}

namespace {

/// Takes the row hash off the end of a COPY text row (its last column, a
/// bigint), appends the row's own columns and its newline to `batch`, and
/// returns the hash.
Result<std::uint64_t> takeRowHash(std::string_view row, std::string &batch)
{
    if (!row.empty() && row.back() == '\n')
        row.remove_suffix(1);
    const auto tab = row.rfind('\t');
    std::int64_t hash = 0;
    if (tab == std::string_view::npos ||
        std::from_chars(row.data() + tab + 1, row.data() + row.size(), hash).ec != std::errc())
        return fail(ErrorCode::Internal, "the source sent a row without its hash");
    batch.append(row.data(), tab);
    batch += '\n';
    return std::uint64_t(hash);
}

/// Rows are handed to the receiving node in blocks of about this size.
constexpr std::size_t kCopyBlockBytes = 256 * 1024;

} // namespace

void CopyRun::crash(std::string_view name)
{
    if (m_ctx.crashPoint)
        m_ctx.crashPoint(name);
}

void CopyRun::progress(double f, const std::string &text)
{
    if (m_ctx.progress)
        m_ctx.progress(f, text);
}

/// Chunks of the layout on the receiving node (a resumed run), or nothing.
Result<bool> CopyRun::loadChunks()
{
    auto rows = m_b.query("SELECT chunk, lo, hi, heat, fine, state, rows, hash, sends FROM tidemark.copy_chunks "
                          "WHERE uid = $1 ORDER BY chunk",
                          {m_step.uid});
    if (!rows)
        return tl::unexpected(rows.error());
    chunks.clear();
    for (int i = 0; i < rows->size(); ++i) {
        Chunk ch;
        ch.layout.range = KeyRange{rows->optInteger(i, 1), rows->optInteger(i, 2)};
        ch.layout.writesPerRow = rows->real(i, 3);
        ch.layout.fine = rows->boolean(i, 4);
        ch.state = stateFrom(rows->text(i, 5));
        ch.sum.rows = rows->integer(i, 6);
        ch.sum.hashSum = wrappingSum(rows->text(i, 7));
        ch.sends = int(rows->integer(i, 8));
        chunks.push_back(ch);
    }
    // A resumed run: the keys are built when the receiving table has an index.
    auto indexes = m_b.scalar("SELECT count(*) FROM pg_index WHERE indrelid = to_regclass($1)", {m_w.targetQuoted});
    if (!indexes)
        return tl::unexpected(indexes.error());
    m_keysBuilt = m_w.createKeys.empty() || *indexes > 0;
    return !chunks.empty();
}

/// Creates the capture on the source, then the target with its layout.
Result<void> CopyRun::setUp(const std::vector<CopyChunk> &layout)
{
    {
        Transaction tx(m_a);
        if (auto r = tx.begin(); !r)
            return r;
        if (auto r = m_a.exec(fmt::format("SET LOCAL lock_timeout = '{}ms'", std::max(1, m_ctx.lockTimeoutMs))); !r)
            return r;
        if (auto r = createCapture(m_a, m_w.capture, m_w.source, m_w.range); !r)
            return r;
        if (auto r = tx.commit(); !r)
            return r;
    }
    Transaction tx(m_b);
    if (auto r = tx.begin(); !r)
        return r;
    auto exists = m_b.scalar("SELECT count(*) FROM pg_class WHERE oid = to_regclass($1)", {m_w.targetQuoted});
    if (!exists)
        return tl::unexpected(exists.error());
    if (*exists > 0)
        return fail(ErrorCode::InvalidArgument, fmt::format("{} already exists on the receiving node", m_w.targetName),
                    "drop or rename it there, or copy into another name; nothing was changed");
    if (auto r = runAll(m_b, m_w.createTarget); !r)
        return r;
    if (auto r = m_b.query("INSERT INTO tidemark.copies (uid, relation, source) VALUES ($1, $2, $3)",
                           {m_step.uid, m_w.targetQuoted, m_w.source.partition->name});
        !r)
        return tl::unexpected(r.error());
    chunks.clear();
    for (std::size_t i = 0; i < layout.size(); ++i) {
        const auto &l = layout[i];
        auto opt = [](std::optional<KeyValue> v) { return v ? Param(std::to_string(*v)) : Param(); };
        if (auto r = m_b.query("INSERT INTO tidemark.copy_chunks (uid, chunk, lo, hi, heat, fine) VALUES ($1, "
                               "$2::int, $3::bigint, $4::bigint, $5::float8, $6::boolean)",
                               {m_step.uid, std::to_string(i), opt(l.range.lower), opt(l.range.upper),
                                fmt::format("{}", l.writesPerRow), std::string(l.fine ? "true" : "false")});
            !r)
            return tl::unexpected(r.error());
        chunks.push_back(Chunk{l, ChunkState::Pending, {}, 0, {}});
    }
    m_keysBuilt = m_w.createKeys.empty();
    return tx.commit();
}

Result<void> CopyRun::buildKeys()
{
    if (m_keysBuilt)
        return {};
    Transaction tx(m_b);
    if (auto r = tx.begin(); !r)
        return r;
    if (auto r = runAll(m_b, m_w.createKeys); !r)
        return r;
    if (auto r = tx.commit(); !r)
        return r;
    m_keysBuilt = true;
    return {};
}

/// Sends chunk `i` again from scratch: its rows on the target are
/// replaced, both sides are checksummed, and the chunk is recorded as
/// copied with the source's sum. `ownTransactions`: outside the cutover.
Result<void> CopyRun::sendChunk(std::size_t i, bool ownTransactions, bool compareNow)
{
    Chunk &ch = chunks[i];
    for (;;) {
        if (ch.sends >= m_options.maxChunkSends)
            return fail(ErrorCode::VerificationFailed,
                        fmt::format("chunk {} {} of {} still differs on the receiving node after {} sends", i + 1,
                                    describeRange(ch.layout.range, m_w.source.keyType), m_w.source.partition->name,
                                    ch.sends),
                        "nothing was dropped: the source is unchanged; check the receiving node (disk, "
                        "triggers or writers on the copied table) and run the copy again");
        if (ch.sends > 0 && !m_keysBuilt)
            if (auto r = buildKeys(); !r) // outside the cutover: it builds them first
                return r;
        Transaction ta(m_a), tb(m_b);
        if (ownTransactions) {
            // One snapshot for the rows sent and their checksum.
            if (auto r = ta.begin(); !r)
                return r;
            if (auto r = m_a.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"); !r)
                return r;
            if (auto r = tb.begin(); !r)
                return r;
        }
        const std::string pa = chunkPredicate(m_a, m_w, ch.layout.range);
        // A chunk never sent has no rows there (a send commits its rows
        // with its count): only one sent before is emptied first, by key.
        if (ch.sends > 0) {
            if (auto r = m_b.exec(fmt::format("DELETE FROM {} WHERE {}", m_w.targetQuoted, pa)); !r)
                return r;
        }
        // The pages this send writes into: from the table's last page on.
        auto pagesBefore = m_b.scalar("SELECT pg_relation_size($1::regclass) / current_setting('block_size')::int",
                                      {m_w.targetQuoted});
        if (!pagesBefore)
            return tl::unexpected(pagesBefore.error());
        if (auto r = m_b.copyInStart(fmt::format("COPY {} ({}) FROM STDIN", m_w.targetQuoted, m_w.columns)); !r)
            return r;
        // One pass over the source: each row carries its hash (the
        // checksum's own expression), summed here as the server sums it.
        RowChecksum sourceSum;
        std::string block;
        block.reserve(kCopyBlockBytes + 4096);
        auto sent = m_a.copyOut(fmt::format("COPY (SELECT {}, {} FROM {} WHERE {}) TO STDOUT", m_w.columns,
                                            rowHashSql(m_a, m_w.source.table.columns), m_w.source.quoted, pa),
                                [&](std::string_view row) -> Result<void> {
                                    auto hash = takeRowHash(row, block);
                                    if (!hash)
                                        return tl::unexpected(hash.error());
                                    sourceSum.hashSum += *hash;
                                    ++sourceSum.rows;
                                    if (block.size() < kCopyBlockBytes)
                                        return {};
                                    auto put = m_b.copyInPut(block);
                                    block.clear();
                                    return put;
                                });
        if (sent && !block.empty())
            if (auto put = m_b.copyInPut(block); !put)
                sent = tl::unexpected(put.error());
        if (!sent) {
            m_b.copyInAbort("the source failed");
            return tl::unexpected(sent.error());
        }
        auto received = m_b.copyInEnd();
        if (!received)
            return tl::unexpected(received.error());
        auto pagesAfter = m_b.scalar("SELECT pg_relation_size($1::regclass) / current_setting('block_size')::int",
                                     {m_w.targetQuoted});
        if (!pagesAfter)
            return tl::unexpected(pagesAfter.error());
        ch.pagesFrom = std::max<std::int64_t>(0, *pagesBefore - 1);
        ch.pagesTo = *pagesAfter;
        // The receiving side: its checksum now, or (the bulk copy) its count
        // now and its checksum in the pass over every chunk that follows.
        RowChecksum there = sourceSum;
        there.rows = *received;
        if (compareNow) {
            auto tgt = chunkSums(m_b, m_w.source.table.columns, m_w.targetQuoted, m_w.source.key, m_w.source.keyType,
                                 {ch.layout.range});
            if (!tgt)
                return tl::unexpected(tgt.error());
            there = (*tgt)[0];
        }
        ++ch.sends;
        const bool equal = sourceSum == there;
        if (auto r = m_b.query("UPDATE tidemark.copy_chunks SET state = $3, rows = $4::bigint, hash = $5, sends = "
                               "$6::int WHERE uid = $1 AND chunk = $2::int",
                               {m_step.uid, std::to_string(i), std::string(equal ? "copied" : "pending"),
                                std::to_string(sourceSum.rows), sumText(sourceSum.hashSum), std::to_string(ch.sends)});
            !r)
            return tl::unexpected(r.error());
        if (ownTransactions) {
            if (auto r = tb.commit(); !r)
                return r;
            if (auto r = ta.commit(); !r)
                return r;
        }
        if (equal) {
            ch.state = ChunkState::Copied;
            ch.sum = sourceSum;
            return {};
        }
        compareNow = true;
        progress(m_fraction,
                 fmt::format("chunk {} {} differed after sending ({} rows there, {} here): sending "
                             "it again",
                             i + 1, describeRange(ch.layout.range, m_w.source.keyType), there.rows, sourceSum.rows));
    }
}

std::size_t CopyRun::chunkOf(KeyValue k) const
{
    // Chunks tile the range in key order.
    std::size_t lo = 0, hi = chunks.size();
    while (hi - lo > 1) {
        const std::size_t mid = (lo + hi) / 2;
        if (chunks[mid].layout.range.lower && k < *chunks[mid].layout.range.lower)
            hi = mid;
        else
            lo = mid;
    }
    return lo;
}

/// Takes up to `limit` captured changes and applies those of chunks
/// already sent (the others are sent later, as they are then); their
/// chunks become dirty. In the cutover, `ownTransactions` is false.
Result<std::int64_t> CopyRun::applyChanges(std::int64_t limit, bool ownTransactions)
{
    Transaction ta(m_a), tb(m_b);
    if (ownTransactions)
        if (auto r = ta.begin(); !r)
            return tl::unexpected(r.error());
    auto taken = m_a.query("WITH taken AS (DELETE FROM tidemark.capture_log WHERE capture = $1 AND seq IN "
                           "(SELECT seq FROM tidemark.capture_log WHERE capture = $1 ORDER BY seq LIMIT "
                           "$2::bigint) RETURNING k) SELECT k, count(*) OVER () FROM taken WHERE k IS NOT NULL "
                           "GROUP BY k",
                           {m_w.capture, std::to_string(limit)});
    if (!taken)
        return tl::unexpected(taken.error());
    std::int64_t n = taken->size() ? taken->integer(0, 1) : 0;
    std::vector<KeyValue> keys;
    std::set<std::size_t> dirty;
    for (int i = 0; i < taken->size(); ++i) {
        const KeyValue k = taken->integer(i, 0);
        const std::size_t c = chunkOf(k);
        if (chunks[c].state == ChunkState::Pending)
            continue; // sent later, as it is then
        keys.push_back(k);
        dirty.insert(c);
        if (chunks[c].state == ChunkState::Verified)
            chunks[c].keys.insert(k);
    }
    if (!keys.empty()) {
        if (auto r = buildKeys(); !r)
            return tl::unexpected(r.error());
        std::string array = "{";
        for (std::size_t i = 0; i < keys.size(); ++i)
            array += (i ? "," : "") + std::to_string(keys[i]);
        array += "}";
        const std::string lit = m_a.quoteLiteral(array) + "::bigint[]";
        const std::string k = m_a.quoteIdent(m_w.source.key);
        if (ownTransactions)
            if (auto r = tb.begin(); !r)
                return tl::unexpected(r.error());
        // The chunks' sums follow what the keys' rows there were and are.
        const std::vector<std::size_t> touched(dirty.begin(), dirty.end());
        std::vector<KeyRange> ranges;
        for (auto c : touched)
            ranges.push_back(chunks[c].layout.range);
        const std::string keyWhere = fmt::format("{} = ANY ({})", k, keysOfOrdinals(lit, m_w.source.keyType));
        auto old = chunkSums(m_b, m_w.source.table.columns, m_w.targetQuoted, m_w.source.key, m_w.source.keyType,
                             ranges, keyWhere);
        if (!old)
            return tl::unexpected(old.error());
        if (auto r = m_b.exec(fmt::format("DELETE FROM {} WHERE {}", m_w.targetQuoted, keyWhere)); !r)
            return tl::unexpected(r.error());
        if (auto r = m_b.copyInStart(fmt::format("COPY {} ({}) FROM STDIN", m_w.targetQuoted, m_w.columns)); !r)
            return tl::unexpected(r.error());
        auto sent = m_a.copyOut(fmt::format("COPY (SELECT {} FROM {} WHERE {} = ANY ({})) TO STDOUT", m_w.columns,
                                            m_w.source.quoted, k, keysOfOrdinals(lit, m_w.source.keyType)),
                                [&](std::string_view row) { return m_b.copyInPut(row); });
        if (!sent) {
            m_b.copyInAbort("the source failed");
            return tl::unexpected(sent.error());
        }
        if (auto r = m_b.copyInEnd(); !r)
            return tl::unexpected(r.error());
        auto now = chunkSums(m_b, m_w.source.table.columns, m_w.targetQuoted, m_w.source.key, m_w.source.keyType,
                             ranges, keyWhere);
        if (!now)
            return tl::unexpected(now.error());
        for (std::size_t j = 0; j < touched.size(); ++j) {
            RowChecksum &sum = chunks[touched[j]].sum;
            sum.rows += (*now)[j].rows - (*old)[j].rows;
            sum.hashSum += (*now)[j].hashSum - (*old)[j].hashSum;
        }
        std::string list = "{";
        for (auto c : dirty)
            list += (list.size() > 1 ? "," : "") + std::to_string(c);
        list += "}";
        if (auto r = m_b.query("UPDATE tidemark.copy_chunks SET state = 'dirty' WHERE uid = $1 AND chunk = "
                               "ANY ($2::int[])",
                               {m_step.uid, list});
            !r)
            return tl::unexpected(r.error());
        if (ownTransactions)
            if (auto r = tb.commit(); !r)
                return tl::unexpected(r.error());
        for (auto c : dirty)
            if (chunks[c].state != ChunkState::Verified)
                chunks[c].state = ChunkState::Dirty;
        m_applied += std::int64_t(keys.size());
    }
    if (ownTransactions)
        if (auto r = ta.commit(); !r)
            return tl::unexpected(r.error());
    return n;
}

std::vector<std::size_t> CopyRun::dirtyChunks() const
{
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < chunks.size(); ++i)
        if (chunks[i].state == ChunkState::Dirty || chunks[i].state == ChunkState::Copied)
            out.push_back(i);
    return out;
}

RowChecksum CopyRun::total() const
{
    RowChecksum t;
    for (const auto &ch : chunks) {
        t.rows += ch.sum.rows;
        t.hashSum += ch.sum.hashSum;
    }
    return t;
}

} // namespace tidemark::postgres::nodecopy
