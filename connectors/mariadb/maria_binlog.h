#pragma once
// Where writes landed by key, read from the binary log (ROW format) through
// Connector/C's replication API: the row images of one table's write,
// update and delete events, the key column of each counted. The read is
// bounded: the newest binlog files up to a byte budget, and the dump stops
// at the end instead of waiting for new events.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "maria_connection.h"
#include "model/partition.h"
#include "result.h"

namespace tidemark::mariadb {

struct BinlogKeyCounts {
    std::map<KeyValue, std::int64_t> byKey; ///< key ordinal → row images written
    std::int64_t bytesRead = 0;
    std::int64_t events = 0;
};

/// Counts the written keys of `table`'s column number `keyIndex` (0-based,
/// table order) in at most `budgetBytes` of the newest binary logs. Keys are
/// KeyValue ordinals of `type`. Unsupported (with the reason) when the
/// binary log is off or not in ROW format; InvalidArgument when a privilege
/// is missing (REPLICATION SLAVE and BINLOG MONITOR).
Result<BinlogKeyCounts> readBinlogKeys(const MariaUri &uri, const std::string &database, const std::string &table,
                                       int keyIndex, KeyType type, std::int64_t budgetBytes);

} // namespace tidemark::mariadb
