#pragma once
// The catalogue as the MariaDB connector sees it: partitioned tables of the
// connection's database from information_schema.PARTITIONS, their method
// (RANGE, RANGE COLUMNS, LIST, HASH, KEY, LINEAR …), sub-partitions, the key
// and how its values map to the engine's KeyValue, partitions with parsed
// bounds, sizes (data + index + free) and row estimates; and the
// order-independent checksum used for verification.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "maria_connection.h"
#include "model/activity.h"
#include "model/partition.h"

namespace tidemark::mariadb {

/// How a range bound's number relates to the key column's value.
enum class KeyEncoding {
    Plain, ///< RANGE(col) on an integer column, or RANGE COLUMNS(col) on an integer
    ToDays, ///< RANGE(TO_DAYS(col)) on DATE or DATETIME: day numbers
    UnixTimestamp, ///< RANGE(UNIX_TIMESTAMP(col)) on TIMESTAMP: seconds
    ColumnsTime, ///< RANGE COLUMNS(col) on DATE or DATETIME: quoted literals
};

struct MariaPartition {
    std::string name;
    std::vector<std::string> subpartitions;
    std::string description; ///< PARTITION_DESCRIPTION as the server prints it
    std::optional<KeyRange> range; ///< range tables with a typed key
    std::int64_t rows = 0; ///< TABLE_ROWS (an estimate for InnoDB)
    std::int64_t dataBytes = 0, indexBytes = 0, freeBytes = 0;
    std::int64_t createdMs = 0;
    std::int64_t bytes() const { return dataBytes + indexBytes + freeBytes; }
};

struct MariaColumn {
    std::string name;
    std::string dataType; ///< DATA_TYPE, lower case
    std::string columnType; ///< COLUMN_TYPE
    bool generated = false; ///< virtual or persistent generated column: never inserted
};

struct MariaTable {
    std::string schema, name;
    std::string method; ///< RANGE, RANGE COLUMNS, LIST, LIST COLUMNS, HASH, LINEAR HASH, KEY, LINEAR KEY, SYSTEM_TIME
    std::string subMethod; ///< empty when not sub-partitioned
    std::string expression; ///< PARTITION_EXPRESSION
    std::string engine;
    std::vector<MariaColumn> columns; ///< ordinal order
    std::vector<MariaPartition> partitions; ///< ordinal order (key order for RANGE)
    /// One key column of a type the range planner handles, and its encoding.
    std::string keyColumn;
    std::optional<KeyType> keyType;
    KeyEncoding encoding = KeyEncoding::Plain;
    std::string notPlannableReason; ///< empty when the planner can handle it

    bool plannable() const { return notPlannableReason.empty() && keyType.has_value(); }
    const MariaPartition *find(const std::string &partition) const;
};

/// Every partitioned table of the connection's database.
Result<std::vector<MariaTable>> loadTables(MariaConnection &c);
/// One table by name; NotFound or NotPartitioned otherwise.
Result<MariaTable> loadTable(MariaConnection &c, const std::string &name);

PartitionedTable toModel(const MariaTable &t);

/// The bound literal of `value` in the table's partitioning expression
/// ("738000", "'2026-12-01'", "MAXVALUE" for nothing); InvalidArgument when
/// the value cannot be a bound (a split inside a day of a TO_DAYS key).
Result<std::string> boundLiteral(const MariaConnection &c, const MariaTable &t, std::optional<KeyValue> value);
/// WHERE predicate selecting a key range in the column's own type.
std::string rangePredicate(const MariaConnection &c, const MariaTable &t, const KeyRange &r);

/// SELECT of (count, sum of 64-bit row hashes mod 2^64) over `from` (quoted,
/// may carry a PARTITION clause) with `where` (may be empty). Every column
/// is hashed in the table's column order, NULL told apart from any value.
std::string checksumSql(const MariaConnection &c, const std::vector<MariaColumn> &columns, const std::string &from,
                        const std::string &where);
Result<RowChecksum> runChecksum(MariaConnection &c, const std::string &sql);

/// Structure fingerprint of the named partitions (names, descriptions, the
/// table's CREATE statement's column part).
Result<std::string> structureFingerprint(MariaConnection &c, const MariaTable &t,
                                         const std::vector<std::string> &partitions);

} // namespace tidemark::mariadb
