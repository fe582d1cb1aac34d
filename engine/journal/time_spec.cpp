#include "journal/time_spec.h"

#include <cctype>
#include <ctime>
#include <string>

#include <fmt/format.h>

namespace tidemark {

namespace {

Error badMoment(std::string_view text)
{
    return Error{ErrorCode::InvalidArgument, fmt::format("\"{}\" is not a moment", text),
                 "give ISO 8601 (2026-12-02T09:14:00Z, 2026-12-02 09:14:00+01:00; local time without an offset) "
                 "or a time back from now (-2h, -30m, -1d12h, now)"};
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int &out)
{
    if (at + n > s.size())
        return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i])))
            return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

Result<std::int64_t> relative(std::string_view text, std::int64_t nowUs)
{
    std::int64_t total = 0;
    std::size_t i = 1;
    bool any = false;
    while (i < text.size()) {
        std::int64_t n = 0;
        std::size_t start = i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && i - start < 12)
            n = n * 10 + (text[i++] - '0');
        if (i == start || i >= text.size())
            return tl::unexpected(badMoment(text));
        std::int64_t unit = 0;
        switch (text[i++]) {
        case 's':
            unit = 1'000'000;
            break;
        case 'm':
            unit = 60'000'000;
            break;
        case 'h':
            unit = 3'600'000'000;
            break;
        case 'd':
            unit = 86'400'000'000;
            break;
        case 'w':
            unit = 604'800'000'000;
            break;
        default:
            return tl::unexpected(badMoment(text));
        }
        total += n * unit;
        any = true;
    }
    if (!any)
        return tl::unexpected(badMoment(text));
    return nowUs - total;
}

} // namespace

Result<std::int64_t> parseMoment(std::string_view text, std::int64_t nowUs)
{
    if (text == "now")
        return nowUs;
    if (!text.empty() && text[0] == '-')
        return relative(text, nowUs);
    if (!text.empty() && text[0] == '@') {
        try {
            std::size_t used = 0;
            const long long v = std::stoll(std::string(text.substr(1)), &used);
            if (used + 1 == text.size())
                return v;
        } catch (const std::exception &) {
        }
        return tl::unexpected(badMoment(text));
    }
    std::tm tm{};
    int y, mo, d;
    if (!digits(text, 0, 4, y) || text.size() < 10 || text[4] != '-' || !digits(text, 5, 2, mo) || text[7] != '-' ||
        !digits(text, 8, 2, d) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return tl::unexpected(badMoment(text));
    int h = 0, mi = 0, s = 0;
    std::int64_t fracUs = 0;
    std::size_t i = 10;
    if (i < text.size() && (text[i] == 'T' || text[i] == ' ')) {
        if (!digits(text, i + 1, 2, h) || text.size() < i + 6 || text[i + 3] != ':' || !digits(text, i + 4, 2, mi))
            return tl::unexpected(badMoment(text));
        i += 6;
        if (i < text.size() && text[i] == ':') {
            if (!digits(text, i + 1, 2, s))
                return tl::unexpected(badMoment(text));
            i += 3;
            if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
                ++i;
                std::int64_t scale = 100000;
                while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
                    fracUs += (text[i] - '0') * scale;
                    scale /= 10;
                    ++i;
                }
            }
        }
        if (h > 23 || mi > 59 || s > 60)
            return tl::unexpected(badMoment(text));
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    std::int64_t seconds = 0;
    if (i == text.size()) {
        tm.tm_isdst = -1;
        seconds = std::mktime(&tm); // local time
    } else {
        std::int64_t offset = 0;
        if (text[i] == 'Z' && i + 1 == text.size()) {
            offset = 0;
        } else if (text[i] == '+' || text[i] == '-') {
            int oh = 0, om = 0;
            if (!digits(text, i + 1, 2, oh))
                return tl::unexpected(badMoment(text));
            std::size_t j = i + 3;
            if (j < text.size() && text[j] == ':')
                ++j;
            if (j < text.size() && !digits(text, j, 2, om))
                return tl::unexpected(badMoment(text));
            if (j < text.size() && j + 2 != text.size())
                return tl::unexpected(badMoment(text));
            offset = (oh * 3600 + om * 60) * (text[i] == '-' ? -1 : 1);
        } else {
            return tl::unexpected(badMoment(text));
        }
        seconds = timegm(&tm) - offset;
    }
    return seconds * 1'000'000 + fracUs;
}

std::string formatMoment(std::int64_t us)
{
    const std::time_t t = static_cast<std::time_t>(us >= 0 ? us / 1'000'000 : (us - 999'999) / 1'000'000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return fmt::format("{}.{:06} UTC", buf, ((us % 1'000'000) + 1'000'000) % 1'000'000);
}

} // namespace tidemark
