#include "model/byte_units.h"

#include <cctype>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace tidemark {

std::string humanBytes(double bytes)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (std::fabs(bytes) >= 1024.0 && u < 4) {
        bytes /= 1024.0;
        ++u;
    }
    return u == 0 ? fmt::format("{:.0f} {}", bytes, units[u]) : fmt::format("{:.1f} {}", bytes, units[u]);
}

Result<std::int64_t> parseByteSize(const std::string &what, const std::string &text)
{
    auto bad = [&] {
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("{} takes a size such as 500G, 64GiB or 1.5T, not \"{}\"", what, text),
                    "units K, M, G, T, P are powers of 1024; a plain number is bytes");
    };
    if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '.'))
        return bad(); // no sign, no "inf", no leading blanks
    std::size_t used = 0;
    double number = 0;
    try {
        number = std::stod(text, &used);
    } catch (const std::exception &) {
        return bad();
    }
    std::string unit = text.substr(used);
    unit.erase(0, unit.find_first_not_of(' '));
    for (char &c : unit)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    static const std::string kUnits = "KMGTP";
    double scale = 1;
    if (!unit.empty() && unit != "B") {
        const auto at = kUnits.find(unit[0]);
        const std::string rest = unit.substr(1);
        if (at == std::string::npos || !(rest.empty() || rest == "B" || rest == "IB"))
            return bad();
        scale = std::pow(1024.0, static_cast<double>(at + 1));
    }
    const double bytes = std::round(number * scale);
    if (!std::isfinite(bytes) || bytes >= 9.2e18)
        return bad();
    if (bytes < 1)
        return fail(ErrorCode::InvalidArgument, fmt::format("{} must be positive, not \"{}\"", what, text),
                    "leave the figure out when it is not known");
    return static_cast<std::int64_t>(bytes);
}

} // namespace tidemark
