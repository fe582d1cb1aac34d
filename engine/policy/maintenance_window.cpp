#include "policy/maintenance_window.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include <fmt/format.h>

namespace tidemark {

namespace {

constexpr std::array<const char *, 7> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::string trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return std::string(s);
}

std::string lower(std::string s)
{
    for (auto &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

Error bad(std::string_view text, const std::string &why)
{
    return Error{ErrorCode::InvalidArgument, fmt::format("maintenance window \"{}\": {}", text, why),
                 "write it like 'Mon-Fri 01:00-05:00', 'Sat,Sun 00:00-08:00; Mon-Fri 02:00-04:00' or "
                 "'22:00-02:00' (local time)"};
}

int dayIndex(const std::string &name)
{
    const std::string n = lower(name).substr(0, 3);
    for (int i = 0; i < 7; ++i)
        if (name.size() >= 3 && n == kDayNames[static_cast<std::size_t>(i)])
            return i;
    return -1;
}

bool parseClock(const std::string &s, int &minute)
{
    int h = 0, m = 0;
    char colon = 0;
    if (s.size() != 5 || std::sscanf(s.c_str(), "%2d%c%2d", &h, &colon, &m) != 3 || colon != ':')
        return false;
    if (!std::isdigit(static_cast<unsigned char>(s[0])) || !std::isdigit(static_cast<unsigned char>(s[3])))
        return false;
    if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0))
        return false;
    minute = h * 60 + m;
    return true;
}

// Local time of day `dayOffset` days from the day of `nowMs`, at `minute`
// minutes after midnight (mktime normalises overflowing minutes, DST aware).
std::int64_t localAt(std::int64_t nowMs, int dayOffset, int minute, int &weekday)
{
    const std::time_t now = static_cast<std::time_t>(nowMs / 1000);
    std::tm tm{};
    ::localtime_r(&now, &tm);
    tm.tm_mday += dayOffset;
    tm.tm_hour = 0;
    tm.tm_min = minute;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    const std::time_t t = std::mktime(&tm);
    // tm_wday is normalised to the day of the resulting time; we want the day
    // the span is named after, i.e. of its midnight.
    std::tm day{};
    const std::time_t midnightish = t - static_cast<std::time_t>(minute) * 60;
    ::localtime_r(&midnightish, &day);
    weekday = day.tm_wday;
    return static_cast<std::int64_t>(t) * 1000;
}

} // namespace

Result<MaintenanceWindow> MaintenanceWindow::parse(std::string_view text)
{
    MaintenanceWindow w;
    w.m_text = trim(text);
    if (w.m_text.empty())
        return tl::unexpected(bad(text, "empty"));
    std::string rest = w.m_text;
    std::size_t pos = 0;
    while (pos <= rest.size()) {
        const auto semi = rest.find(';', pos);
        const std::string part = trim(std::string_view(rest).substr(pos, semi == std::string::npos ? std::string::npos
                                                                                                   : semi - pos));
        pos = semi == std::string::npos ? rest.size() + 1 : semi + 1;
        if (part.empty())
            return tl::unexpected(bad(text, "an empty entry between ';'"));
        Span span;
        std::string days = "daily", times = part;
        if (const auto space = part.rfind(' '); space != std::string::npos) {
            days = trim(std::string_view(part).substr(0, space));
            times = trim(std::string_view(part).substr(space + 1));
        }
        const auto dash = times.find('-');
        if (dash == std::string::npos || !parseClock(times.substr(0, dash), span.startMinute) ||
            !parseClock(times.substr(dash + 1), span.endMinute))
            return tl::unexpected(bad(text, fmt::format("\"{}\" is not HH:MM-HH:MM", times)));
        if (span.startMinute == span.endMinute)
            return tl::unexpected(bad(text, "a window that opens and closes at the same minute"));
        const std::string d = lower(days);
        if (d == "daily" || d == "*" || d == "every day") {
            span.days.fill(true);
        } else {
            std::size_t p = 0;
            while (p <= days.size()) {
                const auto comma = days.find(',', p);
                const std::string item =
                    trim(std::string_view(days).substr(p, comma == std::string::npos ? std::string::npos : comma - p));
                p = comma == std::string::npos ? days.size() + 1 : comma + 1;
                const auto range = item.find('-');
                const int a = dayIndex(item.substr(0, range));
                const int b = range == std::string::npos ? a : dayIndex(item.substr(range + 1));
                if (a < 0 || b < 0)
                    return tl::unexpected(bad(text, fmt::format("\"{}\" is not a day or day range (Mon-Fri)", item)));
                for (int i = a;; i = (i + 1) % 7) {
                    span.days[static_cast<std::size_t>(i)] = true;
                    if (i == b)
                        break;
                }
            }
        }
        w.m_spans.push_back(span);
    }
    return w;
}

MaintenanceWindow::State MaintenanceWindow::at(std::int64_t nowMs) const
{
    State state;
    std::int64_t bestOpen = 0;
    for (int offset = -1; offset <= 8; ++offset) {
        for (const auto &span : m_spans) {
            int weekday = 0;
            const std::int64_t start = localAt(nowMs, offset, span.startMinute, weekday);
            if (!span.days[static_cast<std::size_t>(weekday)])
                continue;
            const int length = span.endMinute > span.startMinute ? span.endMinute - span.startMinute
                                                                  : span.endMinute + 1440 - span.startMinute;
            int ignored = 0;
            const std::int64_t end = localAt(nowMs, offset, span.startMinute + length, ignored);
            if (start <= nowMs && nowMs < end) {
                // Overlapping spans: the latest close wins.
                state.open = true;
                state.closesAtMs = std::max(state.closesAtMs, end);
            } else if (start > nowMs && (bestOpen == 0 || start < bestOpen)) {
                bestOpen = start;
            }
        }
    }
    if (!state.open)
        state.opensAtMs = bestOpen;
    return state;
}

} // namespace tidemark
