#include "model/key_value.h"

#include <charconv>
#include <cstdint>

#include <fmt/format.h>

namespace tidemark {

namespace {

// Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's
// civil-date algorithms), valid far beyond any partition bound.
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

Civil civilFromDays(std::int64_t z)
{
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

unsigned daysInMonth(std::int64_t y, unsigned m)
{
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : kDays[m - 1];
}

// A small cursor over the text being parsed.
struct Reader {
    std::string_view s;
    std::size_t i = 0;
    bool done() const { return i >= s.size(); }
    bool eat(char c)
    {
        if (i < s.size() && s[i] == c) {
            ++i;
            return true;
        }
        return false;
    }
    bool eatWord(std::string_view w)
    {
        if (s.substr(i, w.size()) != w)
            return false;
        i += w.size();
        return true;
    }
    bool atDigit() const { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }
    // At most `max` digits (max <= 9, so the value cannot overflow).
    std::optional<std::int64_t> digits(std::size_t min, std::size_t max)
    {
        std::size_t n = 0;
        std::int64_t v = 0;
        while (atDigit() && n < max) {
            v = v * 10 + (s[i] - '0');
            ++i;
            ++n;
        }
        if (n < min)
            return std::nullopt;
        return v;
    }
};

// A date as PostgreSQL writes it: years 1 AD and later plain, earlier ones
// with a " BC" suffix at the very end ("0044-03-15 BC"); there is no year 0.
struct DateParts {
    std::int64_t year = 0;
    unsigned month = 0, day = 0;
};

std::optional<DateParts> readDateParts(Reader &r)
{
    auto y = r.digits(4, 7);
    if (!y || r.atDigit() || !r.eat('-'))
        return std::nullopt;
    auto m = r.digits(2, 2);
    if (!m || !r.eat('-'))
        return std::nullopt;
    auto d = r.digits(2, 2);
    if (!d || *y == 0 || *m < 1 || *m > 12)
        return std::nullopt;
    return DateParts{*y, unsigned(*m), unsigned(*d)};
}

// Reads the optional " BC" and checks the day only then: 1 BC (astronomical
// year 0) is a leap year, 1 AD is not.
std::optional<std::int64_t> finishDate(Reader &r, DateParts p)
{
    if (r.eatWord(" BC") || r.eatWord(" bc"))
        p.year = 1 - p.year;
    if (p.day < 1 || p.day > daysInMonth(p.year, p.month))
        return std::nullopt;
    return daysFromCivil(p.year, p.month, p.day);
}

std::optional<std::int64_t> readDate(Reader &r)
{
    auto p = readDateParts(r);
    if (!p)
        return std::nullopt;
    return finishDate(r, *p);
}

std::string printDate(std::int64_t days)
{
    const Civil c = civilFromDays(days);
    return fmt::format("{:04}-{:02}-{:02}", c.year > 0 ? c.year : 1 - c.year, c.month, c.day);
}

const char *eraSuffix(std::int64_t days)
{
    return civilFromDays(days).year > 0 ? "" : " BC";
}

// Days a timestamp can hold in 64-bit microseconds (PostgreSQL's own range,
// up to 294276 AD, lies inside).
std::string dateFragment(std::int64_t days)
{
    const Civil c = civilFromDays(days);
    return fmt::format("{:04}{:02}{:02}{}", c.year > 0 ? c.year : 1 - c.year, c.month, c.day, c.year > 0 ? "" : "bc");
}

constexpr std::int64_t kMaxTimestampDays = INT64_MAX / kMicrosPerDay - 1;

std::string printTimestamp(KeyValue micros)
{
    const std::int64_t days = floorDiv(micros, kMicrosPerDay);
    std::int64_t rest = micros - days * kMicrosPerDay;
    const std::int64_t h = rest / 3'600'000'000LL;
    rest %= 3'600'000'000LL;
    const std::int64_t m = rest / 60'000'000LL;
    rest %= 60'000'000LL;
    const std::int64_t sec = rest / 1'000'000LL;
    const std::int64_t frac = rest % 1'000'000LL;
    std::string out = fmt::format("{} {:02}:{:02}:{:02}", printDate(days), h, m, sec);
    if (frac != 0) {
        std::string f = fmt::format("{:06}", frac);
        while (!f.empty() && f.back() == '0')
            f.pop_back();
        out += "." + f;
    }
    return out;
}

// The era suffix follows the zone, as PostgreSQL writes it.
std::string printTimestampWith(KeyValue micros, const char *zone)
{
    return printTimestamp(micros) + zone + eraSuffix(floorDiv(micros, kMicrosPerDay));
}

std::optional<KeyValue> readTimestamp(Reader &r, bool withZone)
{
    auto date = readDateParts(r);
    if (!date)
        return std::nullopt;
    std::int64_t micros = 0;
    if (r.eat(' ') || r.eat('T') || r.eat('t')) {
        auto h = r.digits(2, 2);
        if (!h || !r.eat(':'))
            return std::nullopt;
        auto m = r.digits(2, 2);
        if (!m || *h > 24 || *m > 59)
            return std::nullopt;
        std::int64_t sec = 0, frac = 0;
        if (r.eat(':')) {
            auto s = r.digits(2, 2);
            if (!s || *s > 60)
                return std::nullopt;
            sec = *s;
            if (r.eat('.')) {
                const std::size_t start = r.i;
                auto f = r.digits(1, 6);
                if (!f)
                    return std::nullopt;
                frac = *f;
                for (std::size_t n = r.i - start; n < 6; ++n)
                    frac *= 10;
                // Past microseconds PostgreSQL rounds half up; the rest is dropped.
                if (r.atDigit() && r.s[r.i] >= '5')
                    ++frac;
                while (r.atDigit())
                    ++r.i;
            }
        }
        if (*h == 24 && (*m != 0 || sec != 0 || frac != 0))
            return std::nullopt; // 24:00:00 is the only time past 23:59:59.999999
        micros = *h * 3'600'000'000LL + *m * 60'000'000LL + sec * 1'000'000LL + frac;
    }
    std::int64_t offset = 0;
    if (withZone && !r.done() && r.s[r.i] != ' ' && !r.eat('Z') && !r.eat('z')) {
        const bool minus = r.eat('-');
        if (!minus && !r.eat('+'))
            return std::nullopt;
        auto oh = r.digits(2, 2);
        if (!oh || *oh > 15)
            return std::nullopt;
        std::int64_t om = 0, os = 0;
        const bool colon = r.eat(':');
        if (colon || r.atDigit()) {
            auto v = r.digits(2, 2);
            if (!v)
                return std::nullopt;
            om = *v;
            if (colon && r.eat(':')) { // historical offsets such as +00:19:32 (Amsterdam until 1937)
                auto w = r.digits(2, 2);
                if (!w)
                    return std::nullopt;
                os = *w;
            }
        }
        if (om > 59 || os > 59)
            return std::nullopt;
        offset = ((*oh * 60 + om) * 60 + os) * 1'000'000LL;
        if (minus)
            offset = -offset;
    }
    auto days = finishDate(r, *date);
    if (!days || *days > kMaxTimestampDays || *days < -kMaxTimestampDays)
        return std::nullopt;
    return *days * kMicrosPerDay + micros - offset; // local time minus its offset is UTC
}

} // namespace

const char *toString(KeyType type)
{
    switch (type) {
    case KeyType::Integer:
        return "integer";
    case KeyType::Date:
        return "date";
    case KeyType::Timestamp:
        return "timestamp";
    case KeyType::TimestampTz:
        return "timestamptz";
    }
    return "integer";
}

std::optional<KeyType> keyTypeFromString(std::string_view name)
{
    for (KeyType t : {KeyType::Integer, KeyType::Date, KeyType::Timestamp, KeyType::TimestampTz})
        if (name == toString(t))
            return t;
    return std::nullopt;
}

std::string formatKey(KeyValue value, KeyType type)
{
    switch (type) {
    case KeyType::Integer:
        return std::to_string(value);
    case KeyType::Date:
        return printDate(value) + eraSuffix(value);
    case KeyType::Timestamp:
        return printTimestampWith(value, "");
    case KeyType::TimestampTz:
        return printTimestampWith(value, "+00");
    }
    return std::to_string(value);
}

std::optional<KeyValue> parseKey(std::string_view text, KeyType type)
{
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    Reader r{text};
    std::optional<KeyValue> v;
    switch (type) {
    case KeyType::Integer: {
        KeyValue out = 0;
        const char *end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, out);
        if (ec != std::errc() || ptr != end || text.empty())
            return std::nullopt;
        return out;
    }
    case KeyType::Date:
        v = readDate(r);
        break;
    case KeyType::Timestamp:
        v = readTimestamp(r, false);
        break;
    case KeyType::TimestampTz:
        v = readTimestamp(r, true);
        break;
    }
    if (!v || !r.done())
        return std::nullopt;
    return v;
}

KeyValue keyRoundingUnit(KeyType type)
{
    return type == KeyType::Timestamp || type == KeyType::TimestampTz ? 3'600'000'000LL : 1;
}

std::string keyNameFragment(KeyValue value, KeyType type)
{
    switch (type) {
    case KeyType::Integer:
        return value < 0 ? "m" + std::to_string(0ULL - static_cast<unsigned long long>(value)) : std::to_string(value);
    case KeyType::Date:
        return dateFragment(value);
    case KeyType::Timestamp:
    case KeyType::TimestampTz: {
        const std::int64_t days = floorDiv(value, kMicrosPerDay);
        const std::int64_t rest = value - days * kMicrosPerDay;
        std::string out = dateFragment(days);
        if (rest != 0) {
            // hhmm, then ss when not whole minutes, then 6 fraction digits when
            // not whole seconds: distinct values never share a name.
            out += fmt::format("t{:02}{:02}", rest / 3'600'000'000LL, rest % 3'600'000'000LL / 60'000'000LL);
            if (rest % 60'000'000LL != 0)
                out += fmt::format("{:02}", rest % 60'000'000LL / 1'000'000LL);
            if (rest % 1'000'000LL != 0)
                out += fmt::format("{:06}", rest % 1'000'000LL);
        }
        return out;
    }
    }
    return std::to_string(value);
}

std::string describeRange(const KeyRange &range, KeyType type)
{
    return fmt::format("[{}, {})", range.lower ? formatKey(*range.lower, type) : std::string("MINVALUE"),
                       range.upper ? formatKey(*range.upper, type) : std::string("MAXVALUE"));
}

} // namespace tidemark
