#pragma once
// Partitioned tables as a connector discovers them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tidemark {

/// Range keys are 64-bit integers (ids, epoch seconds). A missing bound is
/// open: MINVALUE below, MAXVALUE above. Ranges are half-open [lower, upper).
using KeyValue = std::int64_t;

enum class PartitionStrategy { Range, List, Hash };

struct KeyRange {
    std::optional<KeyValue> lower;
    std::optional<KeyValue> upper;

    bool contains(KeyValue k) const { return (!lower || k >= *lower) && (!upper || k < *upper); }
    friend bool operator==(const KeyRange &, const KeyRange &) = default;
};

/// Human form of a range, e.g. "[600000, 625000)" or "[MINVALUE, 25000)".
std::string describeRange(const KeyRange &range);

struct Partition {
    std::string name; ///< physical name in the database
    KeyRange bounds;
    std::int64_t rows = 0; ///< exact where cheap, otherwise an estimate
    std::int64_t bytes = 0; ///< on-disk size including indexes
    std::int64_t createdMs = 0; ///< when the partition was created, 0 if unknown
};

struct PartitionedTable {
    std::string name; ///< the name applications use
    std::string keyColumn;
    PartitionStrategy strategy = PartitionStrategy::Range;
    std::vector<Partition> partitions; ///< in key order
    bool plannable = true; ///< false when the planner cannot handle it yet
    std::string notPlannableReason;
};

} // namespace tidemark
