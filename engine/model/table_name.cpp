#include "model/table_name.h"

#include <fmt/format.h>
#include <xxhash.h>

namespace tidemark {

namespace {

bool isContinuation(char c)
{
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

bool needsQuotes(std::string_view part)
{
    if (part.empty() || part.front() == ' ' || part.back() == ' ')
        return true;
    for (char c : part) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '.' || c == '"' || u < 0x20 || u == 0x7F)
            return true;
    }
    return false;
}

// One part from position i: quoted ("" is a quote) or bare up to the next dot.
Result<std::string> readPart(std::string_view text, std::size_t &i)
{
    std::string out;
    if (i < text.size() && text[i] == '"') {
        for (++i; i < text.size(); ++i) {
            if (text[i] != '"') {
                out += text[i];
                continue;
            }
            if (i + 1 < text.size() && text[i + 1] == '"') {
                out += '"';
                ++i;
                continue;
            }
            ++i; // the closing quote
            if (out.empty())
                return fail(ErrorCode::InvalidArgument, fmt::format("table name {} has an empty quoted part", text),
                            "write a name between the quotes, e.g. \"my.sch\".orders");
            return out;
        }
        return fail(ErrorCode::InvalidArgument, fmt::format("table name {} has a quote that is never closed", text),
                    "close the quoted part, and double a quote inside it (\"say \"\"hi\"\"\")");
    }
    while (i < text.size() && text[i] != '.') {
        if (text[i] == '"')
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("table name {} has a quote inside an unquoted part", text),
                        "quote the whole part and double the quote inside it, e.g. \"a\"\"b\"");
        out += text[i++];
    }
    if (out.empty())
        return fail(ErrorCode::InvalidArgument, fmt::format("table name '{}' has an empty part", text),
                    "give TABLE or SCHEMA.TABLE; quote a part that holds a dot, e.g. \"my.sch\".orders");
    return out;
}

} // namespace

std::string displayNamePart(std::string_view part)
{
    if (!needsQuotes(part))
        return std::string(part);
    std::string out = "\"";
    for (char c : part) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

std::string displayTableName(const TableName &table, std::string_view defaultSchema)
{
    if (table.schema.empty() || table.schema == defaultSchema)
        return displayNamePart(table.name);
    return displayNamePart(table.schema) + "." + displayNamePart(table.name);
}

Result<TableName> parseTableName(std::string_view text, std::string_view defaultSchema)
{
    std::size_t i = 0;
    auto first = readPart(text, i);
    if (!first)
        return tl::unexpected(first.error());
    if (i == text.size())
        return TableName{std::string(defaultSchema), std::move(*first)};
    if (text[i] != '.')
        return fail(ErrorCode::InvalidArgument, fmt::format("table name {} has text after a closing quote", text),
                    "put a dot between schema and table, e.g. \"my.sch\".orders");
    ++i;
    auto second = readPart(text, i);
    if (!second)
        return tl::unexpected(second.error());
    if (i != text.size())
        return fail(ErrorCode::InvalidArgument, fmt::format("table name {} has more than two parts", text),
                    "give TABLE or SCHEMA.TABLE; quote a part that holds a dot, e.g. \"my.sch\".orders");
    return TableName{std::move(*first), std::move(*second)};
}

std::size_t identifierLength(std::string_view text, IdentifierLimit::Unit unit)
{
    if (unit == IdentifierLimit::Unit::Bytes)
        return text.size();
    std::size_t n = 0;
    for (char c : text)
        n += isContinuation(c) ? 0 : 1;
    return n;
}

std::string fitIdentifier(std::string_view name, IdentifierLimit limit)
{
    if (identifierLength(name, limit.unit) <= limit.max)
        return std::string(name);
    const std::string suffix = fmt::format("_{:016x}", XXH3_64bits(name.data(), name.size()));
    const std::size_t room = limit.max > suffix.size() ? limit.max - suffix.size() : 0;
    // Keep whole characters only: `room` bytes, or `room` characters.
    std::size_t cut = 0;
    if (limit.unit == IdentifierLimit::Unit::Bytes) {
        cut = std::min(room, name.size());
        while (cut > 0 && cut < name.size() && isContinuation(name[cut]))
            --cut;
    } else {
        std::size_t chars = 0;
        while (cut < name.size()) {
            if (!isContinuation(name[cut]) && chars++ == room)
                break;
            ++cut;
        }
    }
    return std::string(name.substr(0, cut)) + suffix;
}

} // namespace tidemark
