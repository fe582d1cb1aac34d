#include "pg_key_sql.h"

#include <fmt/format.h>

namespace tidemark::postgres {

std::optional<KeyType> keyTypeOf(std::string_view t)
{
    if (t == "smallint" || t == "integer" || t == "bigint")
        return KeyType::Integer;
    if (t == "date")
        return KeyType::Date;
    if (t == "timestamp without time zone")
        return KeyType::Timestamp;
    if (t == "timestamp with time zone")
        return KeyType::TimestampTz;
    return std::nullopt;
}

const char *castTypeName(KeyType type)
{
    switch (type) {
    case KeyType::Integer:
        return "bigint";
    case KeyType::Date:
        return "date";
    case KeyType::Timestamp:
        return "timestamp";
    case KeyType::TimestampTz:
        return "timestamptz";
    }
    return "bigint";
}

// Integers need no quoting: they are formatted from int64 values, never pasted.
std::string boundLiteral(const PgConnection &c, KeyValue value, KeyType type)
{
    if (type == KeyType::Integer)
        return std::to_string(value);
    return c.quoteLiteral(formatKey(value, type));
}

std::string typedLiteral(const PgConnection &c, KeyValue value, KeyType type)
{
    if (type == KeyType::Integer)
        return std::to_string(value);
    return boundLiteral(c, value, type) + "::" + castTypeName(type);
}

// extract(epoch …) is numeric since PostgreSQL 14, so microseconds are exact;
// for timestamp without time zone it counts wall-clock time, as KeyValue does.
std::string ordinalOf(const std::string &expr, KeyType type)
{
    switch (type) {
    case KeyType::Integer:
        return expr;
    case KeyType::Date:
        return fmt::format("({} - DATE '1970-01-01')::bigint", expr);
    case KeyType::Timestamp:
    case KeyType::TimestampTz:
        return fmt::format("(extract(epoch FROM {}) * 1000000)::bigint", expr);
    }
    return expr;
}

// interval * float8 is exact here: whole microseconds below 2^53.
std::string keyFromOrdinal(const std::string &ordinal, KeyType type)
{
    switch (type) {
    case KeyType::Integer:
        return ordinal;
    case KeyType::Date:
        return fmt::format("(DATE '1970-01-01' + ({})::integer)", ordinal);
    case KeyType::Timestamp:
        return fmt::format("(TIMESTAMP '1970-01-01 00:00:00' + ({}) * INTERVAL '1 microsecond')", ordinal);
    case KeyType::TimestampTz:
        return fmt::format("(TIMESTAMPTZ '1970-01-01 00:00:00+00' + ({}) * INTERVAL '1 microsecond')", ordinal);
    }
    return ordinal;
}

std::string finiteKey(const std::string &expr, KeyType type)
{
    return type == KeyType::Integer ? std::string("true") : fmt::format("isfinite({})", expr);
}

} // namespace tidemark::postgres
