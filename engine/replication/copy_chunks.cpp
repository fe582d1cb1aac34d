#include "replication/copy_chunks.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace tidemark {

namespace {

/// Cuts [lo, hi) into `pieces` key ranges of about equal width.
void cutEvenly(KeyValue lo, KeyValue hi, std::int64_t pieces, std::int64_t rows, double heat, bool fine,
               std::vector<CopyChunk> &out)
{
    pieces = std::clamp<std::int64_t>(pieces, 1, std::max<std::int64_t>(1, hi - lo));
    const long double width = static_cast<long double>(hi - lo);
    for (std::int64_t i = 0; i < pieces; ++i) {
        const KeyValue a = lo + static_cast<KeyValue>(width * i / pieces);
        const KeyValue b = i + 1 == pieces ? hi : lo + static_cast<KeyValue>(width * (i + 1) / pieces);
        if (b <= a)
            continue;
        out.push_back(CopyChunk{KeyRange{a, b}, rows / pieces, heat, fine});
    }
}

} // namespace

std::vector<CopyChunk> layoutCopyChunks(const KeyRange &range, const KeyHistogram &histogram, std::int64_t rows,
                                        const ChunkLayoutOptions &options)
{
    const std::int64_t coarse = std::max<std::int64_t>(1, options.coarseRows);
    const std::int64_t fine = std::clamp<std::int64_t>(options.fineRows, 1, coarse);
    std::vector<CopyChunk> out;
    // Buckets inside the range, in key order.
    std::vector<KeyHistogram::Bucket> buckets;
    for (const auto &b : histogram.buckets) {
        if (!b.range.lower || !b.range.upper || *b.range.upper <= *b.range.lower)
            continue;
        KeyRange r = b.range;
        if (range.lower && *r.lower < *range.lower)
            r.lower = range.lower;
        if (range.upper && *r.upper > *range.upper)
            r.upper = range.upper;
        if (*r.upper <= *r.lower)
            continue;
        buckets.push_back(KeyHistogram::Bucket{r, b.writes, b.rows});
    }
    std::sort(buckets.begin(), buckets.end(),
              [](const auto &a, const auto &b) { return *a.range.lower < *b.range.lower; });
    if (buckets.empty()) {
        const auto lo = range.lower ? range.lower : histogram.bounds.lower;
        const auto hi = range.upper ? range.upper : histogram.bounds.upper;
        if (!lo || !hi || *hi <= *lo)
            return {CopyChunk{range, rows, 0.0, false}};
        cutEvenly(*lo, *hi, (rows + coarse - 1) / coarse, rows, 0.0, false, out);
    } else {
        const std::int64_t sampledRows = std::accumulate(buckets.begin(), buckets.end(), std::int64_t(0),
                                                         [](std::int64_t s, const auto &b) { return s + b.rows; });
        const std::int64_t writes = std::accumulate(buckets.begin(), buckets.end(), std::int64_t(0),
                                                    [](std::int64_t s, const auto &b) { return s + b.writes; });
        // The histogram's rows are an estimate; scale them to the partition's.
        const double rowScale = sampledRows > 0 && rows > 0 ? double(rows) / double(sampledRows) : 1.0;
        const double average = sampledRows > 0 ? double(writes) / double(sampledRows) : 0.0;
        // Cold buckets accumulate into one coarse chunk until it is full.
        std::optional<CopyChunk> pending;
        auto flush = [&] {
            if (pending)
                out.push_back(*pending);
            pending.reset();
        };
        for (const auto &b : buckets) {
            const std::int64_t bucketRows = std::llround(double(b.rows) * rowScale);
            const double heat = b.rows > 0 ? double(b.writes) / double(b.rows) : (b.writes > 0 ? 1.0 : 0.0);
            const bool hot = b.writes > 0 && heat > options.hotFactor * average;
            if (hot) {
                flush();
                cutEvenly(*b.range.lower, *b.range.upper, (bucketRows + fine - 1) / fine, bucketRows, heat, true, out);
                continue;
            }
            if (pending && pending->expectedRows + bucketRows > coarse)
                flush();
            if (!pending) {
                pending = CopyChunk{b.range, 0, 0.0, false};
            }
            const double before = double(pending->expectedRows);
            pending->range.upper = b.range.upper;
            pending->expectedRows += bucketRows;
            pending->writesPerRow = pending->expectedRows > 0
                ? (pending->writesPerRow * before + heat * double(bucketRows)) / double(pending->expectedRows)
                : std::max(pending->writesPerRow, heat);
            if (bucketRows > coarse) {
                // One cold bucket larger than a coarse chunk: cut it evenly.
                const CopyChunk big = *pending;
                pending.reset();
                cutEvenly(*big.range.lower, *big.range.upper, (bucketRows + coarse - 1) / coarse, bucketRows,
                          big.writesPerRow, false, out);
            }
        }
        flush();
    }
    if (out.empty())
        return {CopyChunk{range, rows, 0.0, false}};
    // Tile the whole range: the ends reach the range's ends (open or not),
    // and gaps between buckets belong to the chunk before them.
    out.front().range.lower = range.lower;
    out.back().range.upper = range.upper;
    for (std::size_t i = 0; i + 1 < out.size(); ++i)
        out[i].range.upper = out[i + 1].range.lower;
    return out;
}

std::vector<std::size_t> coldFirstOrder(const std::vector<CopyChunk> &chunks)
{
    std::vector<std::size_t> order(chunks.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return chunks[a].writesPerRow < chunks[b].writesPerRow; });
    return order;
}

std::string describeChunkLayout(const std::vector<CopyChunk> &chunks)
{
    const auto fine = std::count_if(chunks.begin(), chunks.end(), [](const CopyChunk &c) { return c.fine; });
    return fmt::format("{} chunk{} ({} fine where writes land), sent coldest first", chunks.size(),
                       chunks.size() == 1 ? "" : "s", fine);
}

} // namespace tidemark
