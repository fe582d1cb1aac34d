#pragma once
// Typed range keys: how a KeyValue of each KeyType is printed, parsed and
// rounded. Connectors wrap the printed form in their own literal syntax
// (e.g. '2026-12-02 13:00:00+00'::timestamptz on PostgreSQL).
#include <optional>
#include <string>
#include <string_view>

#include "model/partition.h"

namespace tidemark {

const char *toString(KeyType type); ///< "integer", "date", "timestamp", "timestamptz"
std::optional<KeyType> keyTypeFromString(std::string_view name);

/// The value in the database's own text form: "42", "2026-12-02",
/// "2026-12-02 13:00:00" (fractions only when non-zero), "2026-12-02 13:00:00+00".
std::string formatKey(KeyValue value, KeyType type);
/// Parses the forms formatKey prints and what databases print for bounds:
/// for timestamps also 'T' as separator, fractions, and (TimestampTz) a zone
/// offset "+05:30", "-08", "Z" or none (UTC). Nothing when it is not one.
std::optional<KeyValue> parseKey(std::string_view text, KeyType type);

/// The unit new split points are rounded to: 1 for integers and dates, one
/// hour for timestamps, so a hot day is split at the hour where writes land.
KeyValue keyRoundingUnit(KeyType type);
/// A fragment for generated partition names: "600000", "20261202",
/// "20261202t1300", "00440315bc" (lower-case letters and digits only, so it
/// needs no quoting).
std::string keyNameFragment(KeyValue value, KeyType type);

/// Microseconds per day, for Date ↔ timestamp conversions.
inline constexpr KeyValue kMicrosPerDay = 86'400'000'000LL;

} // namespace tidemark
