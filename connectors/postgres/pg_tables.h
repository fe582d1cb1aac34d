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
    std::string name; ///< as reported: relname in public, else schema.relname
    std::string boundText; ///< pg_get_expr(relpartbound, oid)
    ParsedBound bound;
    std::optional<KeyRange> range; ///< integer range bounds
    std::vector<std::int64_t> listValues; ///< integer list bounds
    bool listHasNull = false;
    bool subPartitioned = false;
    std::int64_t rows = 0;
    std::int64_t bytes = 0;
    bool isDefault() const { return bound.kind == ParsedBound::Kind::Default; }
};

struct PgColumn {
    std::string name;
    std::string type; ///< format_type()
    bool generated = false; ///< GENERATED ALWAYS AS (…) STORED: never inserted
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
    bool integerKey() const; ///< one plain column of type smallint/integer/bigint
    const PgPartition *find(const std::string &name) const;
};

/// Report name: relname when in public, otherwise schema.relname.
std::string reportName(const std::string &schema, const std::string &relname);

/// Every partitioned table (all levels) of the database.
Result<std::vector<PgTable>> loadTables(PgConnection &c);
/// One partitioned table by report name; NotFound / NotPartitioned otherwise.
Result<PgTable> loadTable(PgConnection &c, const std::string &name);

/// Converts to the engine's model, with plannable and its reason filled in.
PartitionedTable toModel(const PgTable &t);

/// SQL returning (count, sum of 64-bit row hashes as numeric text) over
/// `from` (a quoted relation) with the given WHERE clause (may be empty).
/// Every row is hashed as hashtextextended(ROW(c1, …, cn)::text, 0) with the
/// columns of `columns` in that order, so two tables compare equal only when
/// every column of every row matches, whatever their physical column order.
std::string checksumSql(const PgConnection &c, const std::vector<PgColumn> &columns, const std::string &from,
                        const std::string &where);
/// Runs a checksumSql() query; the numeric sum is reduced modulo 2^64.
Result<RowChecksum> runChecksum(PgConnection &c, const std::string &sql);

/// WHERE clause selecting an integer key range of `keyColumn`.
std::string rangePredicate(const PgConnection &c, const std::string &keyColumn, const KeyRange &r);

} // namespace tidemark::postgres
