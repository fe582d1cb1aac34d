#pragma once
// Cumulative activity counters per partition, as sampled from a database.
#include <cstdint>
#include <string>
#include <vector>

#include "model/partition.h"

namespace tidemark {

/// One reading of a partition's cumulative counters. Counters only grow
/// until a reset; `counterEpoch` changes whenever they restart from zero
/// (server restart, stats reset, partition re-created), and `epochStartMs`
/// is when the current epoch began counting, so a first reading already
/// yields a rate.
struct ActivitySample {
    std::string table;
    std::string partition;
    std::int64_t timestampMs = 0;
    std::int64_t reads = 0;
    std::int64_t inserts = 0;
    std::int64_t updates = 0;
    std::int64_t deletes = 0;
    std::int64_t rows = 0;
    std::int64_t bytes = 0;
    bool readsKnown = false; ///< false where the database cannot see reads
    std::string counterEpoch;
    std::int64_t epochStartMs = 0;

    std::int64_t writes() const { return inserts + updates + deletes; }
};

/// Where writes landed inside one partition: equal-width key buckets.
struct KeyHistogram {
    std::string table;
    std::string partition;
    KeyRange bounds; ///< the range the buckets cover (finite)
    struct Bucket {
        KeyRange range;
        std::int64_t writes = 0;
        std::int64_t rows = 0; ///< rows currently in the bucket
    };
    std::vector<Bucket> buckets;
};

/// Order-independent summary of a set of rows: the count, and the wrapping
/// 64-bit sum of a hash over every column of each row (a sum, not XOR, so
/// duplicated rows do not cancel).
struct RowChecksum {
    std::int64_t rows = 0;
    std::uint64_t hashSum = 0;
    friend bool operator==(const RowChecksum &, const RowChecksum &) = default;
};

} // namespace tidemark
