#pragma once
// Table identity: a (schema, name) pair, and the one text form that stands
// for it in plans, the metadata store and every display. A part is written
// as it stands unless it could be misread (a dot, a double quote, a space at
// either end, a control character, or nothing at all); then it is quoted
// like an SQL identifier ("my.sch".t). The default schema is left out. So
// the text form of two different pairs is never the same, and names that
// need no quoting read exactly as the database spells them.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "result.h"

namespace tidemark {

struct TableName {
    std::string schema; ///< empty for databases without schemas (SQLite)
    std::string name;
    friend bool operator==(const TableName &, const TableName &) = default;
};

/// One part, quoted only when it could be misread (see above).
std::string displayNamePart(std::string_view part);
/// "t" in the default schema, "x.y", "\"my.sch\".t", "\"x.y\"" (public table x.y).
std::string displayTableName(const TableName &table, std::string_view defaultSchema = "public");

/// Reads what a DBA types or displayTableName wrote: `table`, `schema.table`,
/// and either part double-quoted (`"my.sch"."t"`, `"say ""hi"""`). Letters
/// are taken as written (no case folding). A missing schema is
/// `defaultSchema`. InvalidArgument with what is wrong otherwise.
Result<TableName> parseTableName(std::string_view text, std::string_view defaultSchema = "public");

/// How long an identifier may be in a database: PostgreSQL counts bytes
/// (NAMEDATALEN - 1 = 63), MariaDB characters (64).
struct IdentifierLimit {
    enum class Unit { Bytes, Characters };
    std::size_t max = 63;
    Unit unit = Unit::Bytes;
};

/// `name` when it fits `limit`; otherwise a prefix cut on a UTF-8 character
/// boundary followed by "_" and 16 hex digits of a hash of the whole name,
/// so that names that differ only after the cut stay different.
std::string fitIdentifier(std::string_view name, IdentifierLimit limit);
/// Length of `text` in the unit of `unit` (UTF-8 characters or bytes).
std::size_t identifierLength(std::string_view text, IdentifierLimit::Unit unit);

} // namespace tidemark
