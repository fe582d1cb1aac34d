#include "pg_bounds.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "pg_key_sql.h"

namespace tidemark::postgres {

namespace {

class Lexer {
public:
    explicit Lexer(std::string_view s)
        : m_s(s)
    {
    }

    void skipSpace()
    {
        while (m_i < m_s.size() && std::isspace(static_cast<unsigned char>(m_s[m_i])))
            ++m_i;
    }
    bool keyword(std::string_view word)
    {
        skipSpace();
        if (m_s.size() - m_i < word.size())
            return false;
        for (std::size_t k = 0; k < word.size(); ++k)
            if (std::toupper(static_cast<unsigned char>(m_s[m_i + k])) != word[k])
                return false;
        const std::size_t end = m_i + word.size();
        if (end < m_s.size() && (std::isalnum(static_cast<unsigned char>(m_s[end])) || m_s[end] == '_'))
            return false;
        m_i = end;
        return true;
    }
    bool punct(char c)
    {
        skipSpace();
        if (m_i < m_s.size() && m_s[m_i] == c) {
            ++m_i;
            return true;
        }
        return false;
    }
    bool atEnd()
    {
        skipSpace();
        return m_i >= m_s.size();
    }
    // A constant: 'quoted' (with '' escapes and an optional ::type cast),
    // a bare number, MINVALUE, MAXVALUE or NULL.
    std::optional<BoundDatum> datum()
    {
        skipSpace();
        if (keyword("MINVALUE"))
            return BoundDatum{BoundDatum::Kind::MinValue, {}};
        if (keyword("MAXVALUE"))
            return BoundDatum{BoundDatum::Kind::MaxValue, {}};
        if (keyword("NULL"))
            return BoundDatum{BoundDatum::Kind::Null, {}};
        BoundDatum d;
        if (m_i < m_s.size() && m_s[m_i] == '\'') {
            ++m_i;
            for (;;) {
                if (m_i >= m_s.size())
                    return std::nullopt;
                if (m_s[m_i] == '\'') {
                    if (m_i + 1 < m_s.size() && m_s[m_i + 1] == '\'') {
                        d.text += '\'';
                        m_i += 2;
                        continue;
                    }
                    ++m_i;
                    break;
                }
                d.text += m_s[m_i++];
            }
        } else {
            while (m_i < m_s.size() &&
                   (std::isalnum(static_cast<unsigned char>(m_s[m_i])) || m_s[m_i] == '.' || m_s[m_i] == '-' ||
                    m_s[m_i] == '+'))
                d.text += m_s[m_i++];
            if (d.text.empty())
                return std::nullopt;
        }
        skipSpace();
        // A cast such as ::date or ::timestamp without time zone.
        while (m_i + 1 < m_s.size() && m_s[m_i] == ':' && m_s[m_i + 1] == ':') {
            m_i += 2;
            while (m_i < m_s.size() && m_s[m_i] != ',' && m_s[m_i] != ')')
                ++m_i;
        }
        return d;
    }
    std::optional<int> number()
    {
        skipSpace();
        int v = 0;
        auto [p, ec] = std::from_chars(m_s.data() + m_i, m_s.data() + m_s.size(), v);
        if (ec != std::errc())
            return std::nullopt;
        m_i = std::size_t(p - m_s.data());
        return v;
    }

private:
    std::string_view m_s;
    std::size_t m_i = 0;
};

bool datumList(Lexer &lx, std::vector<BoundDatum> &out)
{
    if (!lx.punct('('))
        return false;
    do {
        auto d = lx.datum();
        if (!d)
            return false;
        out.push_back(std::move(*d));
    } while (lx.punct(','));
    return lx.punct(')');
}

Error unreadable(std::string_view text)
{
    return Error{ErrorCode::Internal, fmt::format("unexpected partition bound text \"{}\"", text),
                 "report this to the Tidemark developers with the server version"};
}

} // namespace

Result<ParsedBound> parseBound(std::string_view text)
{
    Lexer lx(text);
    ParsedBound b;
    if (lx.keyword("DEFAULT")) {
        b.kind = ParsedBound::Kind::Default;
        return b;
    }
    if (!lx.keyword("FOR") || !lx.keyword("VALUES"))
        return tl::unexpected(unreadable(text));
    if (lx.keyword("FROM")) {
        b.kind = ParsedBound::Kind::Range;
        if (!datumList(lx, b.from) || !lx.keyword("TO") || !datumList(lx, b.to))
            return tl::unexpected(unreadable(text));
    } else if (lx.keyword("IN")) {
        b.kind = ParsedBound::Kind::List;
        if (!datumList(lx, b.in))
            return tl::unexpected(unreadable(text));
    } else if (lx.keyword("WITH")) {
        b.kind = ParsedBound::Kind::Hash;
        if (!lx.punct('(') || !lx.keyword("MODULUS"))
            return tl::unexpected(unreadable(text));
        auto m = lx.number();
        if (!m || !lx.punct(',') || !lx.keyword("REMAINDER"))
            return tl::unexpected(unreadable(text));
        auto r = lx.number();
        if (!r || !lx.punct(')'))
            return tl::unexpected(unreadable(text));
        b.modulus = *m;
        b.remainder = *r;
    } else {
        return tl::unexpected(unreadable(text));
    }
    if (!lx.atEnd())
        return tl::unexpected(unreadable(text));
    return b;
}

std::optional<std::int64_t> integerDatum(const BoundDatum &d)
{
    if (d.kind != BoundDatum::Kind::Value || d.text.empty())
        return std::nullopt;
    std::int64_t v = 0;
    const char *begin = d.text.data();
    if (*begin == '+')
        ++begin;
    auto [p, ec] = std::from_chars(begin, d.text.data() + d.text.size(), v);
    if (ec != std::errc() || p != d.text.data() + d.text.size())
        return std::nullopt;
    return v;
}

std::optional<KeyRange> typedRange(const ParsedBound &b, KeyType type)
{
    if (b.kind != ParsedBound::Kind::Range || b.from.size() != 1 || b.to.size() != 1)
        return std::nullopt;
    auto value = [&](const BoundDatum &d) {
        return type == KeyType::Integer ? integerDatum(d) : parseKey(d.text, type);
    };
    KeyRange r;
    const BoundDatum &lo = b.from.front();
    const BoundDatum &hi = b.to.front();
    if (lo.kind == BoundDatum::Kind::Value) {
        r.lower = value(lo);
        if (!r.lower)
            return std::nullopt;
    } else if (lo.kind != BoundDatum::Kind::MinValue) {
        return std::nullopt;
    }
    if (hi.kind == BoundDatum::Kind::Value) {
        r.upper = value(hi);
        if (!r.upper)
            return std::nullopt;
    } else if (hi.kind != BoundDatum::Kind::MaxValue) {
        return std::nullopt;
    }
    return r;
}

std::string rangeBoundSql(const PgConnection &c, const KeyRange &r, KeyType type)
{
    return fmt::format("FOR VALUES FROM ({}) TO ({})",
                       r.lower ? boundLiteral(c, *r.lower, type) : std::string("MINVALUE"),
                       r.upper ? boundLiteral(c, *r.upper, type) : std::string("MAXVALUE"));
}

std::string listBoundSql(const std::vector<std::int64_t> &values, bool withNull)
{
    std::string list;
    for (auto v : values)
        list += (list.empty() ? "" : ", ") + std::to_string(v);
    if (withNull)
        list += list.empty() ? "NULL" : ", NULL";
    return fmt::format("FOR VALUES IN ({})", list);
}

std::string hashBoundSql(int modulus, int remainder)
{
    return fmt::format("FOR VALUES WITH (MODULUS {}, REMAINDER {})", modulus, remainder);
}

} // namespace tidemark::postgres
