#pragma once
// Moments as a DBA types them: ISO 8601 ("2026-12-02T09:14:00Z",
// "2026-12-02 09:14:00.250+01:00", "2026-12-02" — without an offset, local
// time), relative to now ("-2h", "-90s", "-1d12h", "now"), or microseconds
// since the epoch ("@1764667200000000").
#include <cstdint>
#include <string_view>

#include "result.h"

namespace tidemark {

/// Microseconds since the epoch (UTC) of `text`, relative forms counted back from `nowUs`.
Result<std::int64_t> parseMoment(std::string_view text, std::int64_t nowUs);
/// "2026-12-02 09:14:00.250123 UTC".
std::string formatMoment(std::int64_t us);

} // namespace tidemark
