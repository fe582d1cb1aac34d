#pragma once
// What the segment steps of the PostgreSQL connector share: the sealed
// segment a step names, checked against the catalogue; the columns COPY and
// INSERT … SELECT carry; how a step's uid is recorded; fixed text settings.
// Archive and restore-archive: pg_segment_archive.cpp; compact:
// pg_segment_compact.cpp (docs/log-segments.md).
#include <string>
#include <vector>

#include "model/step.h"
#include "pg_connection.h"
#include "pg_tables.h"

namespace tidemark::postgres {

/// Session settings that shape how values print (and so the archive's text
/// and the row hashes of the checksum): fixed inside each transaction, so an
/// archive reads and verifies the same whatever the session's defaults.
inline constexpr const char *kCanonicalText = "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; "
                                              "SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 3; "
                                              "SET LOCAL bytea_output = 'hex'";

/// The sealed segment a segment step names.
struct SegmentTarget {
    PgTable table;
    PgPartition segment;
    std::string parent; ///< quoted
    std::string quoted; ///< the segment, quoted
    std::string key;
};

/// The step's one source: a range partition of a table partitioned by one
/// integer, date or timestamp column, not the default and not the active
/// (newest) one; StalePlan when it is gone.
Result<SegmentTarget> sealedSegment(PgConnection &c, const Step &step);
/// INSERT INTO tidemark.steps for the step's own transaction.
std::string recordSql(const PgConnection &c, const std::string &uid, const char *kind, const std::string &table,
                      const std::string &sources, const std::string &targets);
/// Every live column but generated ones.
std::vector<PgColumn> storedColumns(const PgTable &t);
/// "a", "b", … quoted.
std::string columnList(const PgConnection &c, const std::vector<PgColumn> &columns);

} // namespace tidemark::postgres
