#pragma once
// A partitioned table's structure for the callers that read no sizes.
#include <cstdint>
#include <string>
#include <vector>

#include "pg_tables.h"

namespace tidemark::postgres {

/// The table's structure (partitions, bounds, columns, key) for a step's
/// checks, SQL and fingerprint: the last load of it through any connection
/// of this process, reused while its catalogue stamp (server start, row
/// versions of the parent's and its partitions' catalogue rows) is
/// unchanged, else loaded afresh. A plan of many steps then reads a
/// 10,000-partition catalogue once per scan, not twice per step. Rows and
/// bytes are those of that last load; pg_partman's configuration is read
/// afresh.
Result<PgTable> loadTableStructure(PgConnection &c, const std::string &name);

/// Every partitioned table, as loadTables, but the result of a loadTables
/// through a connection to the same database at most `maxAgeMs` ago when
/// no table's stamp changed since: a scan lists the tables (discover) and
/// then samples them, and reads the sizes of every partition once.
Result<std::vector<PgTable>> loadTablesReused(PgConnection &c, std::int64_t maxAgeMs);

} // namespace tidemark::postgres
