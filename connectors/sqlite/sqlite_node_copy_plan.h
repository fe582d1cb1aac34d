#pragma once
// The parts of a copy to another SQLite file (sqlite_node_copy.h) that its
// planning, preview and clean-up share with its run: the names of its
// objects, its SQL, and the state a killed run left to go on from.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "connector.h"
#include "replication/copy_chunks.h"
#include "sqlite_family.h"

struct sqlite3;

namespace tidemark::sqlite::nodecopy {

/// The receiving file's schema name on the source's connection.
inline constexpr const char *kTarget = "tidemark_target";

/// Object names of one copy: a stable hex tag of its uid.
std::string tagOf(const std::string &uid);
/// The quoted name of the capture trigger of `uid` for `event` (ins, upd, del).
std::string trigger(const std::string &uid, const char *event);

struct CopyPlan {
    Family family;
    PartitionInfo part;
    std::string target; ///< table name in the receiving file
    std::string targetQuoted; ///< tidemark_target."name"
    std::string columns; ///< quoted, writable columns
    std::vector<std::string> hashed; ///< every column, quoted
    std::string key; ///< quoted key column
};

/// Checks the step and works out what the copy touches; refuses a move.
Result<CopyPlan> planNodeCopy(sqlite3 *db, const Step &step);
/// Count and row-hash sum of `relation` (rows matching `where`, if given).
std::string sumSql(const CopyPlan &c, const std::string &relation, const std::string &where);
/// The capture: its log table and triggers on the partition.
std::vector<std::string> captureSql(const CopyPlan &c, const std::string &uid);
/// The receiving table, its indexes and the copy's records there.
std::vector<std::string> targetSql(const CopyPlan &c, const std::string &uid);

/// A killed run's state, when it can go on: the capture on the source, the
/// copy's records in the receiving file (not committed), and a chunk still
/// to send. Chunks already sent stay as they are: their rows were verified
/// at their snapshot, and every change since is in the capture's log.
struct Resumable {
    std::vector<CopyChunk> chunks;
    std::vector<std::size_t> order;
    std::vector<bool> sent;
    RowChecksum total; ///< of the chunks sent
};
Result<std::optional<Resumable>> resumable(sqlite3 *db, sqlite3 *target, const std::string &uid);

} // namespace tidemark::sqlite::nodecopy
