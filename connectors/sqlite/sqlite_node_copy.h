#pragma once
// Copy of a partition of a family to another SQLite database file (a node
// of the catalogue), verified by chunk (docs/copy-move.md, "SQLite"). A move
// is refused: a view in one file cannot reach a table in another.
#include <string>

#include "connector.h"

struct sqlite3;

namespace tidemark::sqlite {

class SqliteConnector;

bool isNodeCopyStep(const Step &step);
Result<std::string> previewNodeCopy(sqlite3 *db, const Step &step);
Result<StepOutcome> executeNodeCopy(SqliteConnector &self, sqlite3 *db, const Step &step, ExecutionContext &ctx);
/// Removes what an uncommitted copy `uid` left in this file: its change
/// capture (as the source) and its half-filled table and records (as the
/// receiving file). Idempotent.
Result<void> abandonNodeCopy(sqlite3 *db, const std::string &uid);

} // namespace tidemark::sqlite
