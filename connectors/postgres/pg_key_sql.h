#pragma once
// Typed range keys in PostgreSQL's SQL: which column types Tidemark plans,
// their literals (always through the connection's literal quoting, from
// values Tidemark formats itself), and the SQL that maps a key to its 64-bit
// ordinal and back, so batches, the change log and histograms work in the
// engine's KeyValue for every key type.
#include <optional>
#include <string>
#include <string_view>

#include "model/key_value.h"
#include "pg_connection.h"

namespace tidemark::postgres {

/// The KeyType of a column whose base type (format_type without typmod) is
/// `baseType`; nothing for types the range planner does not handle.
std::optional<KeyType> keyTypeOf(std::string_view baseType);

/// The type name used in casts: "bigint", "date", "timestamp", "timestamptz".
const char *castTypeName(KeyType type);

/// A constant of a partition bound: 42, '2026-12-02', '2026-12-02 13:00:00+00'
/// (PostgreSQL coerces it to the key's type).
std::string boundLiteral(const PgConnection &c, KeyValue value, KeyType type);
/// A typed constant for predicates: 42, '2026-12-02 13:00:00+00'::timestamptz.
std::string typedLiteral(const PgConnection &c, KeyValue value, KeyType type);

/// SQL: the ordinal (bigint) of the key expression `expr`.
std::string ordinalOf(const std::string &expr, KeyType type);
/// SQL: the key value of the bigint ordinal expression `ordinal` (e.g. "$1::bigint").
std::string keyFromOrdinal(const std::string &ordinal, KeyType type);

/// SQL: true when the key expression is a finite value. Dates and
/// timestamps have 'infinity' and '-infinity', which have no ordinal.
std::string finiteKey(const std::string &expr, KeyType type);

} // namespace tidemark::postgres
