#pragma once
// Partitioned tables as a connector discovers them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tidemark {

/// A range key value, kept as a 64-bit ordinal of its KeyType so that split
/// points and histogram buckets stay exact, ordered integer arithmetic. A
/// missing bound is open: MINVALUE below, MAXVALUE above. Ranges are
/// half-open [lower, upper).
using KeyValue = std::int64_t;

/// The type of a table's range key and how its values map to KeyValue:
/// integers as they are; dates as days since 1970-01-01; timestamps as
/// microseconds since 1970-01-01 00:00 — UTC for TimestampTz, wall-clock
/// time for Timestamp (which has no zone). Connectors print them as literals
/// of their database's own type (see key_value.h).
enum class KeyType { Integer, Date, Timestamp, TimestampTz };

enum class PartitionStrategy { Range, List, Hash };

struct KeyRange {
    std::optional<KeyValue> lower;
    std::optional<KeyValue> upper;

    bool contains(KeyValue k) const { return (!lower || k >= *lower) && (!upper || k < *upper); }
    friend bool operator==(const KeyRange &, const KeyRange &) = default;
};

/// Human form of a range, e.g. "[600000, 625000)", "[MINVALUE, 25000)" or
/// "[2026-12-01, 2026-12-02)".
std::string describeRange(const KeyRange &range, KeyType type = KeyType::Integer);

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
    KeyType keyType = KeyType::Integer;
    PartitionStrategy strategy = PartitionStrategy::Range;
    std::vector<Partition> partitions; ///< in key order
    bool plannable = true; ///< false when the planner cannot handle it yet
    std::string notPlannableReason;
};

} // namespace tidemark
