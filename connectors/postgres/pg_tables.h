#pragma once
// The catalogue as the PostgreSQL connector sees it: every partitioned table
// (each level of a multi-level tree is one), its key, strategy and
// partitions with parsed bounds, sizes and row estimates; pg_partman's
// part_config; and the order-independent checksum used for verification.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/activity.h"
#include "model/partition.h"
#include "pg_bounds.h"
#include "pg_connection.h"

namespace tidemark::postgres {

struct PgPartition {
    std::uint32_t oid = 0;
    std::string schema, relname;
    std::string name; ///< as reported (reportName)
    std::string boundText; ///< pg_get_expr(relpartbound, oid)
    ParsedBound bound;
    std::optional<KeyRange> range; ///< range bounds in the key's type
    std::vector<std::int64_t> listValues; ///< integer list bounds
    bool listHasNull = false;
    bool subPartitioned = false;
    bool foreign = false; ///< a foreign table (its rows live on another server, e.g. after a move)
    std::int64_t rows = 0;
    std::int64_t bytes = 0;
    bool isDefault() const { return bound.kind == ParsedBound::Kind::Default; }
};

struct PgColumn {
    std::string name;
    std::string type; ///< format_type()
    bool generated = false; ///< GENERATED ALWAYS AS (…) STORED: never inserted
    std::string baseType; ///< key columns: format_type of the (domain's) base type, no typmod
};

struct PgTable {
    std::uint32_t oid = 0;
    std::string schema, relname;
    std::string name; ///< as reported
    char strategy = 'r'; ///< r, l, h
    std::vector<PgColumn> keyColumns; ///< empty name for an expression key
    std::string keyDef; ///< pg_get_partkeydef()
    std::vector<PgColumn> columns; ///< every live column, attnum order
    std::vector<PgPartition> partitions; ///< key order; the default partition last
    std::string partmanConfig; ///< part_config table that manages it, if any
    std::string parentName; ///< when this table is itself a partition
    /// One plain key column of a type the range planner handles (integer
    /// types, date, timestamp, timestamptz): its KeyType; nothing otherwise.
    std::optional<KeyType> keyType;
    bool integerKey() const { return keyType == KeyType::Integer; }
    bool typedKey() const { return keyType.has_value(); }
    const PgPartition *find(const std::string &name) const;
};

/// Report name: displayTableName of (schema, relname) — relname in public,
/// otherwise schema.relname, a part quoted when it holds a dot or a quote.
std::string reportName(const std::string &schema, const std::string &relname);

/// A relation found by the name a plan or a DBA gives.
struct ResolvedTable {
    std::string schema, relname;
    std::uint32_t oid = 0;
    std::string relkind;
};
/// Finds the relation `name` stands for (see loadTable); nothing when none.
Result<std::optional<ResolvedTable>> resolveTable(PgConnection &c, const std::string &name);

/// Every partitioned table (all levels) of the database.
Result<std::vector<PgTable>> loadTables(PgConnection &c);
/// One partitioned table by report name (also schema.table with quoted
/// parts, and the joined form names had before parts were quoted);
/// NotFound / NotPartitioned otherwise.
Result<PgTable> loadTable(PgConnection &c, const std::string &name);

/// Converts to the engine's model, with plannable and its reason filled in.
PartitionedTable toModel(const PgTable &t);

/// One row's hash, as the checksum sums it: hashtextextended(ROW(columns)::text, 0).
std::string rowHashSql(const PgConnection &c, const std::vector<PgColumn> &columns);
/// SQL returning (count, sum of 64-bit row hashes as numeric text) over
/// `from` (a quoted relation) with the given WHERE clause (may be empty).
/// Every row is hashed as hashtextextended(ROW(c1, …, cn)::text, 0) with the
/// columns of `columns` in that order, so two tables compare equal only when
/// every column of every row matches, whatever their physical column order.
std::string checksumSql(const PgConnection &c, const std::vector<PgColumn> &columns, const std::string &from,
                        const std::string &where);
/// Runs a checksumSql() query; the numeric sum is reduced modulo 2^64.
Result<RowChecksum> runChecksum(PgConnection &c, const std::string &sql);

/// WHERE clause selecting a key range of `keyColumn`, with typed literals.
std::string rangePredicate(const PgConnection &c, const std::string &keyColumn, const KeyRange &r, KeyType type);

} // namespace tidemark::postgres
