#pragma once
// Partition bounds as PostgreSQL prints them with pg_get_expr(relpartbound):
//   FOR VALUES FROM (1) TO (1000)         FOR VALUES FROM (MINVALUE) TO ('-5')
//   FOR VALUES IN (1, 2, NULL)            FOR VALUES WITH (modulus 4, remainder 1)
//   DEFAULT
// parsed into values, and the reverse: bound clauses built from values with
// the connector's literal quoting.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/partition.h"
#include "pg_connection.h"
#include "result.h"

namespace tidemark::postgres {

/// One value of a bound: MINVALUE/MAXVALUE, NULL, or the constant's text.
struct BoundDatum {
    enum class Kind { MinValue, MaxValue, Null, Value } kind = Kind::Value;
    std::string text; ///< unquoted constant text for Kind::Value
};

struct ParsedBound {
    enum class Kind { Range, List, Hash, Default } kind = Kind::Default;
    std::vector<BoundDatum> from, to; ///< range: one datum per key column
    std::vector<BoundDatum> in; ///< list values
    int modulus = 0, remainder = 0; ///< hash
};

/// Parses pg_get_expr(relpartbound, oid) output.
Result<ParsedBound> parseBound(std::string_view text);

/// A constant's text as a 64-bit integer, if it is one.
std::optional<std::int64_t> integerDatum(const BoundDatum &d);

/// The KeyRange of a single-column range bound in the key's type
/// (MINVALUE/MAXVALUE as open ends); nullopt when a value is not one of that
/// type (e.g. 'infinity', which is a value, not an open end).
std::optional<KeyRange> typedRange(const ParsedBound &b, KeyType type);

/// "FOR VALUES FROM (lo) TO (hi)" with MINVALUE/MAXVALUE for open ends and
/// the values as literals of the key's type.
std::string rangeBoundSql(const PgConnection &c, const KeyRange &r, KeyType type);
/// "FOR VALUES IN (v1, v2[, NULL])".
std::string listBoundSql(const std::vector<std::int64_t> &values, bool withNull);
/// "FOR VALUES WITH (MODULUS m, REMAINDER r)".
std::string hashBoundSql(int modulus, int remainder);

} // namespace tidemark::postgres
