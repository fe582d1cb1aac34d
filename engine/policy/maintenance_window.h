#pragma once
// A maintenance window: when unattended steps may start, in local time,
// e.g. "Mon-Fri 01:00-05:00; Sat,Sun 00:00-08:00" or "22:00-02:00" (daily,
// crossing midnight: the day named is the day the window opens).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace tidemark {

class MaintenanceWindow {
public:
    struct Span {
        std::array<bool, 7> days{}; ///< 0 = Sunday … 6 = Saturday (struct tm)
        int startMinute = 0;        ///< minutes after local midnight
        int endMinute = 0;          ///< ≤ startMinute: ends the next day
    };
    /// Where `nowMs` stands: open (and until when) or closed (and when it opens).
    struct State {
        bool open = false;
        std::int64_t closesAtMs = 0; ///< when open
        std::int64_t opensAtMs = 0;  ///< when closed; 0 if never within 8 days
    };

    static Result<MaintenanceWindow> parse(std::string_view text);
    State at(std::int64_t nowMs) const;
    const std::string &text() const { return m_text; }
    const std::vector<Span> &spans() const { return m_spans; }

private:
    std::string m_text;
    std::vector<Span> m_spans;
};

} // namespace tidemark
