#pragma once
// How a copy to another node cuts a partition's key range into chunks:
// coarse where the key histogram says writes are rare, fine where they land,
// so a write during the copy dirties (and re-verifies) a small chunk; and the
// order the chunks are sent in, coldest first, so what changes during the
// copy is copied once.
#include <cstdint>
#include <string>
#include <vector>

#include "model/activity.h"
#include "model/partition.h"

namespace tidemark {

struct CopyChunk {
    KeyRange range;
    std::int64_t expectedRows = 0;
    double writesPerRow = 0.0; ///< heat from the histogram: recent writes per row
    bool fine = false; ///< cut fine because writes land here
};

struct ChunkLayoutOptions {
    std::int64_t coarseRows = 50000; ///< rows per chunk where writes are rare
    std::int64_t fineRows = 5000; ///< rows per chunk where they land
    /// A bucket is hot when its writes per row exceed this multiple of the
    /// partition's average (and it saw any write at all).
    double hotFactor = 2.0;
};

/// Chunks tiling `range` (open ends stay open on the first and last chunk),
/// in key order. Without a usable histogram: chunks of `coarseRows` by the
/// estimated `rows`, spread evenly over the histogram's or range's span.
std::vector<CopyChunk> layoutCopyChunks(const KeyRange &range, const KeyHistogram &histogram, std::int64_t rows,
                                        const ChunkLayoutOptions &options = {});

/// Indexes of `chunks` in the order a copy sends them: coldest first, hot
/// last, key order among equals.
std::vector<std::size_t> coldFirstOrder(const std::vector<CopyChunk> &chunks);

/// "12 chunks (3 fine where writes land), coldest first".
std::string describeChunkLayout(const std::vector<CopyChunk> &chunks);

} // namespace tidemark
