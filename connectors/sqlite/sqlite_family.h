#pragma once
// A partitioned "family" in SQLite: physical tables <family>__p_<lo>_<hi>
// holding key ranges [lo, hi), a catalogue (_tidemark_* tables) in the same
// database, and a view named <family> whose INSTEAD OF triggers route
// writes to the right partition. This header holds the model, catalogue
// access (sqlite_family.cpp) and DDL generation (sqlite_ddl.cpp).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/partition.h"
#include "result.h"
#include "sqlite_sql.h"

struct sqlite3;

namespace tidemark::sqlite {

inline constexpr int kDefaultBuckets = 64;
/// SQLite (as Debian builds it) allows 500 terms in a compound SELECT; views
/// over more partitions are built from sub-views of this many.
inline constexpr std::size_t kPartitionsPerView = 400;

struct Column {
    std::string name;
    std::string declaredType;
    bool notNull = false;
    std::optional<std::string> defaultSql;
    int pkOrder = 0; ///< 1-based position in the primary key, 0 if not in it
    bool generated = false; ///< GENERATED ALWAYS AS: read-only
};

struct PartitionInfo {
    std::int64_t id = 0;
    std::string name;
    KeyRange bounds;
    /// Write-counter buckets: bucket = clamp((key - base) / width, 0, count-1).
    std::int64_t bucketBase = 0;
    std::int64_t bucketWidth = 1;
    int bucketCount = 1;
    std::int64_t createdMs = 0;
};

struct Family {
    std::string name;
    std::string keyColumn;
    std::string body; ///< CREATE TABLE text after the name, verbatim
    std::vector<IndexDef> indexes;
    bool counting = true;
    int buckets = kDefaultBuckets;
    std::int64_t createdMs = 0;
    std::vector<Column> columns;
    std::vector<PartitionInfo> partitions; ///< key order
    bool journaled = false; ///< the point-in-time journal watches it (sqlite_journal.cpp)
};

// ---- names and bucket layout (sqlite_ddl.cpp) ----

/// "p_600000_625000", "p_min_25000", "p_975000_max", "p_m100_0".
std::string partitionSuffix(const KeyRange &bounds);
std::string partitionName(std::string_view family, const KeyRange &bounds);
/// Deterministic id from the name, so preview text equals what execute runs.
std::int64_t partitionIdFor(std::string_view partitionName);
/// A new partition's catalogue entry; open-ended ranges take their bucket
/// width from `widthHint` (a neighbour's), else 1/64 of a million keys.
PartitionInfo makePartition(std::string_view family, const KeyRange &bounds, std::optional<std::int64_t> widthHint,
                            int buckets);
/// Width of the nearest bounded partition to position `index`.
std::optional<std::int64_t> neighbourWidth(const std::vector<KeyRange> &ranges, std::size_t index, int buckets);

// ---- catalogue (sqlite_family.cpp) ----

Result<void> ensureCatalogue(sqlite3 *db);
Result<bool> catalogueExists(sqlite3 *db);
/// nullopt when `name` is not a family (case-insensitive, as SQLite names are).
Result<std::optional<Family>> loadFamily(sqlite3 *db, std::string_view name);
Result<std::vector<std::string>> familyNames(sqlite3 *db);
Result<std::vector<Column>> tableColumns(sqlite3 *db, std::string_view table);
/// "table", "view", "index", "trigger" or "" for a schema object name.
Result<std::string> schemaObjectType(sqlite3 *db, std::string_view name);
/// Rows and on-disk bytes (table + indexes, from dbstat) per table name.
Result<std::int64_t> tableRows(sqlite3 *db, std::string_view table);
Result<std::int64_t> tableBytes(sqlite3 *db, std::string_view table);
Result<std::map<std::string, std::int64_t>> bytesOfTables(sqlite3 *db, const std::vector<std::string> &tables);
/// Every table's bytes in one dbstat pass over the whole file.
Result<std::map<std::string, std::int64_t>> allTableBytes(sqlite3 *db);
/// The family named `table`; NotPartitioned for an ordinary table or view,
/// NotFound when nothing has that name.
Result<Family> requireFamily(sqlite3 *db, std::string_view table);
/// The partition named `name` (case-insensitive), or nullptr.
const PartitionInfo *findPartition(const Family &family, std::string_view name);
/// Hex XXH64 of family, key, table SQL and the partitions' names and bounds.
std::string structureFingerprint(const Family &family, std::vector<const PartitionInfo *> partitions);

// ---- DDL (sqlite_ddl.cpp) ----

/// clamp((key - base) / width, 0, count-1) as SQL, the same in triggers and queries.
std::string bucketExpression(const PartitionInfo &p, const std::string &keyExpr);
std::string rangeCondition(std::string_view keyExpr, const KeyRange &bounds);
std::vector<std::string> createPartitionSql(const Family &family, const PartitionInfo &p);
std::string insertFamilyRowSql(const Family &family);
std::vector<std::string> insertIndexRowsSql(const Family &family);
std::string insertPartitionRowSql(const Family &family, const PartitionInfo &p);
std::vector<std::string> removePartitionRowsSql(const PartitionInfo &p);
/// The inner view `<family>__union` (UNION ALL of the partitions, in
/// sub-views of kPartitionsPerView when there are more).
std::vector<std::string> dropUnionViewSql(const Family &family, std::size_t partitionCount);
std::vector<std::string> createUnionViewSql(const Family &family, const std::vector<PartitionInfo> &partitions);
/// INSTEAD OF INSERT/UPDATE/DELETE triggers on the family's view that route
/// rows of one partition.
std::vector<std::string> routingTriggerSql(const Family &family, const PartitionInfo &p);
std::vector<std::string> dropRoutingTriggerSql(const PartitionInfo &p);
/// Everything applications see: inner views, the view named like the
/// family, key checks and routing triggers.
std::vector<std::string> createFacadeSql(const Family &family, const std::vector<PartitionInfo> &partitions);
/// Re-creates the key checks of the family's view for `parts` (after a
/// segment left or came back, the keys covered changed); created last so
/// they fire first.
std::vector<std::string> keyCheckTriggerSql(const Family &family, const std::vector<PartitionInfo> &parts);
/// Every schema object a partition brings (table, indexes, triggers).
std::vector<std::string> derivedObjectNames(const Family &family, const PartitionInfo &p);
std::vector<std::string> countingTriggerSql(const Family &family, const PartitionInfo &p);
std::vector<std::string> dropCountingTriggerSql(const PartitionInfo &p);
/// INSERT INTO to(cols) SELECT cols FROM from WHERE key in range.
std::string copySql(const Family &family, std::string_view from, std::string_view to, const KeyRange &range);
/// SELECT count(*), tidemark_rowhash_sum(all columns) FROM table [WHERE range].
std::string checksumSql(const std::vector<Column> &columns, std::string_view table, std::string_view keyColumn,
                        const std::optional<KeyRange> &range);

// ---- point-in-time journal (sqlite_journal.cpp) ----

/// Whether the change journal watches `family`.
Result<bool> familyJournaled(sqlite3 *db, std::string_view family);
/// AFTER INSERT/UPDATE/DELETE triggers writing a partition's changes to the journal.
std::vector<std::string> journalTriggerSql(const Family &family, const PartitionInfo &p);
std::vector<std::string> dropJournalTriggerSql(const PartitionInfo &p);

} // namespace tidemark::sqlite
