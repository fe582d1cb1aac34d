#pragma once
// Archive and restore-archive steps on SQLite families, and dead space from
// dbstat (sqlite_segments.cpp).
#include <string>
#include <vector>

#include "connector.h"
#include "connector_features.h"
#include "sqlite_family.h"

struct sqlite3;

namespace tidemark::sqlite {

/// The sealed segment (any partition but the newest) a segment step names:
/// StalePlan when it is gone, InvalidArgument for the active one.
Result<const PartitionInfo *> sealedSegment(const Family &family, const Step &step);

/// Whether `step` is one of this file's (an Archive or Compact step).
bool isSegmentStep(const Step &step);
Result<std::string> previewSegmentStep(sqlite3 *db, const Step &step);
/// Archive: write and verify the archive outside any write lock, then in one
/// write transaction check the segment is unchanged, drop (or detach) it
/// and record the uid. Restore: one write transaction that creates the
/// partition, loads and verifies the archive and records the uid.
Result<StepOutcome> executeSegmentStep(Connector &self, sqlite3 *db, const Step &step, ExecutionContext &ctx);
/// Compact (sqlite_compact.cpp): in one write transaction, keep the latest
/// row of each key where asked, rewrite the segment densely in place,
/// verify count and checksum against the rows that stay, record the uid.
Result<std::string> previewCompactStep(sqlite3 *db, const Step &step);
Result<StepOutcome> runCompact(sqlite3 *db, const Step &step, ExecutionContext &ctx, const std::string &uid);
/// Unused bytes inside each partition's pages (table and its indexes).
Result<std::vector<DeadSpace>> sqliteDeadSpace(sqlite3 *db, const std::string &table);

} // namespace tidemark::sqlite
