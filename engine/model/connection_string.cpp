#include "model/connection_string.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <libpq-fe.h>

namespace tidemark {

namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

bool endsWith(std::string_view s, std::string_view tail)
{
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

/// A key whose value is a secret wherever it appears: libpq's `password` and
/// `sslpassword`, and the spellings other drivers and tools use.
bool isSecretWord(std::string_view key)
{
    const std::string k = lower(key);
    return k == "pass" || endsWith(k, "password") || endsWith(k, "passwd") || endsWith(k, "pwd") ||
        endsWith(k, "secret") || endsWith(k, "token");
}

/// A URI query parameter holding a secret: the words above, plus an
/// encryption key (SQLCipher's `key` / `hexkey`).
bool isSecretParameter(std::string_view key)
{
    const std::string k = lower(key);
    return isSecretWord(k) || k == "key" || k == "hexkey" || k == "apikey" || k == "api_key";
}

bool unreserved(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string percentEncode(std::string_view s, std::string_view alsoKeep = {})
{
    std::string out;
    for (const char c : s) {
        if (unreserved(c) || alsoKeep.find(c) != std::string_view::npos)
            out += c;
        else
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
    return out;
}

/// Best effort: a malformed escape is kept as written.
std::string percentDecode(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::string> splitOn(std::string_view s, char sep)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const auto at = s.find(sep, start);
        out.emplace_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
        if (at == std::string_view::npos)
            return out;
        start = at + 1;
    }
}

struct OptionsFree {
    void operator()(PQconninfoOption *o) const { PQconninfoFree(o); }
};
using Options = std::unique_ptr<PQconninfoOption, OptionsFree>;

/// libpq's own reading of a URI or conninfo; nothing when libpq refuses it.
/// Its message is dropped unread: it quotes the offending token, which may
/// be the password ("invalid percent-encoded token: …").
Options libpqOptions(std::string_view text)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(std::string(text).c_str(), &error);
    if (error)
        PQfreemem(error);
    return Options(options);
}

bool startsWith(std::string_view s, std::string_view head)
{
    return s.substr(0, head.size()) == head;
}

/// The URI prefixes libpq recognises (case-sensitive, as libpq compares them).
std::string_view postgresPrefix(std::string_view text)
{
    for (std::string_view p : {std::string_view("postgresql://"), std::string_view("postgres://")})
        if (startsWith(text, p))
            return p;
    return {};
}

std::string uriHost(std::string_view host)
{
    if (host.find(':') == std::string_view::npos)
        return percentEncode(host); // a socket directory's '/' becomes %2F
    std::string out = "["; // IPv6, perhaps with a %zone
    for (const char c : host)
        out += std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '.'
            ? std::string(1, c)
            : fmt::format("%{:02X}", static_cast<unsigned char>(c));
    return out + "]";
}

/// "h1:p1,h2:p2" for the URI's authority, or nothing when hosts and ports do
/// not pair up (they then go into the query, as libpq also accepts).
std::optional<std::string> authority(const char *host, const char *port)
{
    const std::vector<std::string> hosts = splitOn(host ? host : "", ',');
    const std::vector<std::string> ports = port ? splitOn(port, ',') : std::vector<std::string>{};
    if (!ports.empty() && ports.size() != hosts.size())
        return std::nullopt;
    if (hosts.size() > 1 && std::any_of(hosts.begin(), hosts.end(), [](const auto &h) { return h.empty(); }))
        return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        if (i)
            out += ',';
        out += uriHost(hosts[i]);
        if (i < ports.size() && !ports[i].empty())
            out += ':' + percentEncode(ports[i]);
    }
    return out;
}

bool isLibpqSecret(std::string_view keyword)
{
    return keyword == "password" || keyword == "sslpassword";
}

/// libpq's options as a postgresql:// URI without password: user, hosts,
/// ports and database in their places, every other option in the query in
/// libpq's order. A database name that is itself a connection string
/// (libpq expands it) is redacted too.
std::string assembleUri(const PQconninfoOption *options, std::string_view prefix)
{
    const char *user = nullptr, *host = nullptr, *port = nullptr, *dbname = nullptr;
    std::vector<std::pair<std::string, std::string>> query;
    for (const PQconninfoOption *o = options; o->keyword; ++o) {
        if (!o->val)
            continue;
        const std::string_view k = o->keyword;
        if (k == "user")
            user = o->val;
        else if (k == "host")
            host = o->val;
        else if (k == "port")
            port = o->val;
        else if (k == "dbname")
            dbname = o->val;
        else if (!isLibpqSecret(k))
            query.emplace_back(o->keyword, o->val);
    }
    std::string out(prefix.empty() ? std::string_view("postgresql://") : prefix);
    if (user)
        out += percentEncode(user) + '@';
    // One port for several hosts applies to all of them: libpq takes it
    // from the query, where "a,b:5432" would give only b that port.
    const bool sharedPort = port && host && std::string_view(host).find(',') != std::string_view::npos &&
        std::string_view(port).find(',') == std::string_view::npos;
    if (sharedPort) {
        out += *authority(host, nullptr);
        query.insert(query.begin(), {"port", port});
    } else if (auto a = authority(host, port)) {
        out += *a;
    } else {
        query.insert(query.begin(), {"port", port});
        query.insert(query.begin(), {"host", host});
    }
    if (dbname)
        out += '/' + percentEncode(redactUri(dbname));
    for (std::size_t i = 0; i < query.size(); ++i)
        out += (i ? "&" : "?") + query[i].first + '=' + percentEncode(query[i].second, ",");
    return out;
}

bool identifierChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

enum class PairMode {
    Drop, ///< conninfo that libpq refused: remove `password=…` pairs whole
    Mask, ///< free text: keep the key, show the value as ***
};

/// Finds `key = value` pairs whose key names a secret (conninfo syntax: the
/// value quoted with '…' and backslash escapes, or up to white space; in
/// free text also up to a double quote, '&', ',' or ';').
std::string redactPairs(std::string_view text, PairMode mode, std::string *firstSecret = nullptr)
{
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!identifierChar(text[i]) || (i > 0 && identifierChar(text[i - 1]))) {
            out += text[i++];
            continue;
        }
        std::size_t keyEnd = i;
        while (keyEnd < text.size() && identifierChar(text[keyEnd]))
            ++keyEnd;
        std::size_t eq = keyEnd;
        while (eq < text.size() && (text[eq] == ' ' || text[eq] == '\t'))
            ++eq;
        if (eq >= text.size() || text[eq] != '=' || !isSecretWord(text.substr(i, keyEnd - i))) {
            out.append(text.substr(i, keyEnd - i));
            i = keyEnd;
            continue;
        }
        std::size_t v = eq + 1;
        while (v < text.size() && (text[v] == ' ' || text[v] == '\t'))
            ++v;
        std::string value;
        std::size_t end = v;
        if (end < text.size() && text[end] == '\'') {
            for (++end; end < text.size() && text[end] != '\''; ++end) {
                if (text[end] == '\\' && end + 1 < text.size())
                    ++end;
                value += text[end];
            }
            if (end < text.size())
                ++end;
        } else {
            const std::string_view stops = mode == PairMode::Mask ? " \t\r\n\"&,;" : " \t\r\n";
            while (end < text.size() && stops.find(text[end]) == std::string_view::npos)
                value += text[end++];
        }
        if (firstSecret && firstSecret->empty())
            *firstSecret = value;
        if (mode == PairMode::Mask) {
            out.append(text.substr(i, v - i));
            out += "***";
        } else {
            while (!out.empty() && (out.back() == ' ' || out.back() == '\t'))
                out.pop_back();
        }
        i = end;
    }
    if (mode == PairMode::Drop)
        while (!out.empty() && (out.front() == ' ' || out.front() == '\t'))
            out.erase(out.begin());
    return out;
}

/// "scheme:" of a URI (letters, digits, + - .), or npos.
std::size_t schemeEnd(std::string_view text)
{
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(text[0])))
        return std::string_view::npos;
    for (std::size_t i = 0; i < colon; ++i)
        if (!std::isalnum(static_cast<unsigned char>(text[i])) && text[i] != '+' && text[i] != '-' && text[i] != '.')
            return std::string_view::npos;
    return colon;
}

/// Any other scheme, or a postgresql:// URI libpq refused: the user info's
/// password and secret query parameters are cut out of the text. The user
/// info ends at the last '@' (a password may hold an unencoded '@' or '/'),
/// so a password is never taken for a host or a path.
ConnectionString textualUri(std::string_view text, std::size_t colon)
{
    ConnectionString r;
    std::string s(text);
    if (s.compare(colon + 1, 2, "//") == 0 && colon + 3 < s.size() && s[colon + 3] != '/') {
        const std::size_t start = colon + 3;
        const auto at = s.rfind('@');
        if (at != std::string::npos && at >= start) {
            const std::string userinfo = s.substr(start, at - start);
            if (const auto c = userinfo.find(':'); c != std::string::npos) {
                r.hasPassword = true;
                r.password = percentDecode(userinfo.substr(c + 1));
                const std::string user = userinfo.substr(0, c);
                s = s.substr(0, start) + (user.empty() ? "" : user + "@") + s.substr(at + 1);
            }
        }
    }
    if (const auto q = s.find('?'); q != std::string::npos) {
        const auto hash = s.find('#', q);
        const std::string query = s.substr(q + 1, hash == std::string::npos ? std::string::npos : hash - q - 1);
        std::string kept;
        for (const auto &param : splitOn(query, '&')) {
            const std::string key = percentDecode(param.substr(0, param.find('=')));
            if (isSecretParameter(key)) {
                if (!r.hasPassword || r.password.empty())
                    r.password =
                        percentDecode(param.find('=') == std::string::npos ? "" : param.substr(param.find('=') + 1));
                r.hasPassword = true;
                continue;
            }
            kept += (kept.empty() ? "" : "&") + param;
        }
        s = s.substr(0, q) + (kept.empty() ? "" : "?" + kept) + (hash == std::string::npos ? "" : s.substr(hash));
    }
    r.shown = r.hasPassword ? s : std::string(text);
    return r;
}

} // namespace

ConnectionString ConnectionString::parse(std::string_view text)
{
    const std::string_view prefix = postgresPrefix(text);
    const bool keyValue =
        prefix.empty() && schemeEnd(text) == std::string_view::npos && text.find('=') != std::string_view::npos;
    if (!prefix.empty() || keyValue) {
        if (Options options = libpqOptions(text)) {
            ConnectionString r;
            r.conninfo = keyValue;
            bool nested = false;
            for (const PQconninfoOption *o = options.get(); o->keyword; ++o) {
                if (!o->val)
                    continue;
                const std::string_view k = o->keyword;
                if (k == "password") {
                    r.hasPassword = true;
                    r.password = o->val;
                } else if (k == "sslpassword") {
                    r.hasPassword = true;
                } else if (k == "host" && std::string_view(o->val).find('@') != std::string_view::npos) {
                    // libpq ends the user info at the first '@': the rest of
                    // the password would be taken for (and shown as) the host.
                    ConnectionString t = textualUri(text, prefix.size() - 3);
                    t.problem = "the password in the URI holds an '@': write it as %40 (percent-encoded), or "
                                "better, leave it out of the URI and keep it in ~/.pgpass";
                    return t;
                } else if (k == "dbname" && ConnectionString::parse(o->val).hasPassword) {
                    nested = true;
                    r.hasPassword = true;
                    r.password = ConnectionString::parse(o->val).password;
                }
            }
            r.shown = r.conninfo || r.hasPassword || nested ? assembleUri(options.get(), prefix) : std::string(text);
            return r;
        }
    }
    if (const auto colon = schemeEnd(text); colon != std::string_view::npos)
        return textualUri(text, colon);
    ConnectionString r;
    if (text.find('=') != std::string_view::npos) {
        r.shown = redactPairs(text, PairMode::Drop, &r.password);
        r.hasPassword = r.shown != text;
        if (!r.hasPassword)
            r.shown = std::string(text);
        return r;
    }
    r.shown = std::string(text);
    return r;
}

std::string redactUri(std::string_view uri)
{
    return ConnectionString::parse(uri).shown;
}

std::string redactSecrets(std::string_view text)
{
    // URIs first, each cut out whole (up to white space or a quote) and
    // redacted as a connection string; then password=… pairs anywhere.
    std::string out;
    std::size_t done = 0;
    for (std::size_t at = text.find("://"); at != std::string_view::npos; at = text.find("://", at + 3)) {
        std::size_t start = at;
        while (start > done &&
               (std::isalnum(static_cast<unsigned char>(text[start - 1])) || text[start - 1] == '+' ||
                text[start - 1] == '-' || text[start - 1] == '.'))
            --start;
        if (start == at)
            continue;
        std::size_t end = at + 3;
        while (end < text.size() && std::string_view(" \t\r\n\"'<>`").find(text[end]) == std::string_view::npos)
            ++end;
        // Punctuation of the sentence around it is not part of the URI.
        while (end > at + 3 && std::string_view(",.;:)]}").find(text[end - 1]) != std::string_view::npos)
            --end;
        out.append(text.substr(done, start - done));
        out += redactUri(text.substr(start, end - start));
        done = end;
        at = end - 3; // the next search starts after this URI
    }
    out.append(text.substr(done));
    return redactPairs(out, PairMode::Mask);
}

bool isConninfo(std::string_view text)
{
    return ConnectionString::parse(text).conninfo;
}

} // namespace tidemark
