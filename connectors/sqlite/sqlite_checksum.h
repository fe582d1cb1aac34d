#pragma once
// The order-independent row checksum: an SQL aggregate
// tidemark_rowhash_sum(c1, …, cn) that hashes each row's columns (type tag,
// length, bytes) with XXH3 and adds the hashes with wrapping 64-bit
// arithmetic. SQLite's own sum() would overflow, and XOR would let
// duplicated rows cancel out.
#include <cstdint>
#include <string>
#include <vector>

#include "model/activity.h"
#include "result.h"

struct sqlite3;
struct sqlite3_value;

namespace tidemark::sqlite {

/// Registers tidemark_rowhash_sum() and tidemark_rowhash() on a connection.
Result<void> registerChecksumFunctions(sqlite3 *db);

/// Argument list for tidemark_rowhash_sum over already-quoted column
/// expressions; wide tables are hashed in chunks (SQLite allows 127 arguments).
std::string rowHashArguments(const std::vector<std::string> &quotedColumns);

/// Adds b's rows to a (wrapping sum, as the aggregate does).
inline void accumulate(RowChecksum &a, const RowChecksum &b)
{
    a.rows += b.rows;
    a.hashSum += b.hashSum;
}

/// Runs a query returning (count, rowhash sum) as built by checksumSql().
Result<RowChecksum> queryChecksum(sqlite3 *db, const std::string &sql);

/// XXH3 of one row given as SQLite values; exposed for tests.
std::uint64_t rowHash(int argc, sqlite3_value **argv);

} // namespace tidemark::sqlite
