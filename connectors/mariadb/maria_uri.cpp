#include "maria_uri.h"

#include <cctype>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

namespace tidemark::mariadb {

namespace {

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

std::string lowerDashed(std::string_view s)
{
    std::string out;
    for (const char c : s)
        out += c == '_' ? '-' : char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

const char *kUsage = "use mariadb://user@host:port/database (or mysql://…), e.g. "
                     "mariadb://app@db1:3306/shop?ssl-mode=REQUIRED; keep the password in ~/.my.cnf";

std::optional<SslMode> sslModeFrom(std::string v)
{
    for (auto &c : v)
        c = c == '-' ? '_' : char(std::toupper(static_cast<unsigned char>(c)));
    if (v == "DISABLED" || v == "DISABLE")
        return SslMode::Disabled;
    if (v == "PREFERRED" || v == "PREFER")
        return SslMode::Preferred;
    if (v == "REQUIRED" || v == "REQUIRE")
        return SslMode::Required;
    if (v == "VERIFY_CA")
        return SslMode::VerifyCa;
    if (v == "VERIFY_IDENTITY" || v == "VERIFY_FULL")
        return SslMode::VerifyIdentity;
    return std::nullopt;
}

std::string trim(std::string s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

/// An option value as the client reads it: quotes removed, backslash escapes.
std::string optionValue(std::string v)
{
    v = trim(v);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
        std::string out;
        for (std::size_t i = 1; i + 1 < v.size(); ++i) {
            if (v[i] == '\\' && i + 2 < v.size()) {
                const char n = v[++i];
                out += n == 'n' ? '\n' : n == 't' ? '\t' : n == 's' ? ' ' : n;
            } else {
                out += v[i];
            }
        }
        return out;
    }
    if (const auto hash = v.find(" #"); hash != std::string::npos)
        v = trim(v.substr(0, hash));
    return v;
}

} // namespace

std::string MariaUri::target() const
{
    const std::string where =
        socket.empty() ? fmt::format("{}:{}", host, port ? port : 3306) : fmt::format("[socket {}]", socket);
    return fmt::format("{}@{}/{}", user.empty() ? "(option file user)" : user, where, database);
}

std::string defaultOptionFile()
{
    const char *home = std::getenv("HOME");
    return std::string(home ? home : "") + "/.my.cnf";
}

Result<MariaUri> parseMariaUri(std::string_view text)
{
    MariaUri u;
    std::string_view rest;
    for (std::string_view s : {std::string_view("mariadb://"), std::string_view("mysql://")})
        if (text.substr(0, s.size()) == s) {
            u.scheme = std::string(s.substr(0, s.size() - 3));
            rest = text.substr(s.size());
        }
    if (u.scheme.empty())
        return fail(ErrorCode::InvalidArgument, "not a MariaDB URI (it must start with mariadb:// or mysql://)",
                    kUsage);
    std::string_view query;
    if (const auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    // The user info ends at the last '@', so a password with '@' or '/' is
    // never read as a host or a path.
    std::string_view authority = rest;
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view info = rest.substr(0, at);
        authority = rest.substr(at + 1);
        if (const auto c = info.find(':'); c != std::string_view::npos) {
            u.user = percentDecode(info.substr(0, c));
            u.password = percentDecode(info.substr(c + 1));
        } else {
            u.user = percentDecode(info);
        }
    }
    std::string_view path;
    if (const auto slash = authority.find('/'); slash != std::string_view::npos) {
        path = authority.substr(slash + 1);
        authority = authority.substr(0, slash);
    }
    u.database = percentDecode(path);
    if (u.database.find('/') != std::string::npos)
        return fail(ErrorCode::InvalidArgument, fmt::format("{}: the path must be one database name", u.database),
                    kUsage);
    std::string_view hostPart = authority;
    if (!hostPart.empty() && hostPart.front() == '[') {
        const auto close = hostPart.find(']');
        if (close == std::string_view::npos)
            return fail(ErrorCode::InvalidArgument, "an IPv6 host in brackets lacks its ']'", kUsage);
        u.host = std::string(hostPart.substr(1, close - 1));
        hostPart = hostPart.substr(close + 1);
        if (!hostPart.empty() && hostPart.front() != ':')
            return fail(ErrorCode::InvalidArgument, "unexpected text after the IPv6 host", kUsage);
    } else {
        const auto colon = hostPart.rfind(':');
        u.host = percentDecode(hostPart.substr(0, colon));
        hostPart = colon == std::string_view::npos ? std::string_view() : hostPart.substr(colon);
    }
    if (u.host.empty())
        u.host = "localhost";
    if (!hostPart.empty()) {
        const std::string port(hostPart.substr(1));
        char *end = nullptr;
        const long p = std::strtol(port.c_str(), &end, 10);
        if (port.empty() || *end || p < 1 || p > 65535)
            return fail(ErrorCode::InvalidArgument, fmt::format("\"{}\" is not a port number (1–65535)", port), kUsage);
        u.port = unsigned(p);
    }
    std::size_t start = 0;
    while (start < query.size()) {
        auto amp = query.find('&', start);
        if (amp == std::string_view::npos)
            amp = query.size();
        const std::string_view param = query.substr(start, amp - start);
        start = amp + 1;
        if (param.empty())
            continue;
        const auto eq = param.find('=');
        const std::string key = lowerDashed(percentDecode(param.substr(0, eq)));
        const std::string value = eq == std::string_view::npos ? "" : percentDecode(param.substr(eq + 1));
        if (key == "password") {
            u.password = value;
        } else if (key == "user") {
            u.user = value;
        } else if (key == "ssl-mode" || key == "sslmode") {
            const auto m = sslModeFrom(value);
            if (!m)
                return fail(ErrorCode::InvalidArgument, fmt::format("unknown ssl-mode \"{}\"", value),
                            "use ssl-mode=DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
            u.sslMode = *m;
        } else if (key == "ssl" || key == "tls") {
            u.sslMode = value == "0" || value == "false" || value == "off" ? SslMode::Disabled : SslMode::Required;
        } else if (key == "ssl-ca" || key == "sslrootcert") {
            u.sslCa = value;
        } else if (key == "ssl-capath") {
            u.sslCaPath = value;
        } else if (key == "ssl-cert" || key == "sslcert") {
            u.sslCert = value;
        } else if (key == "ssl-key" || key == "sslkey") {
            u.sslKey = value;
        } else if (key == "ssl-cipher") {
            u.sslCipher = value;
        } else if (key == "tls-version") {
            u.tlsVersion = value;
        } else if (key == "ssl-verify-server-cert") {
            if (value != "0" && value != "false" && value != "off")
                u.sslMode = SslMode::VerifyIdentity;
        } else if (key == "connect-timeout") {
            u.connectTimeoutSeconds = std::max(1, std::atoi(value.c_str()));
        } else if (key == "socket") {
            u.socket = value;
        } else if (key == "default-file" || key == "defaults-file" || key == "option-file") {
            u.optionFile = value;
        } else if (key == "group" || key == "default-group") {
            u.optionGroup = value;
        } else {
            return fail(ErrorCode::InvalidArgument, fmt::format("unknown MariaDB URI parameter \"{}\"", key),
                        "known: ssl-mode, ssl-ca, ssl-capath, ssl-cert, ssl-key, ssl-cipher, tls-version, "
                        "ssl-verify-server-cert, connect-timeout, socket, default-file, group");
        }
    }
    return u;
}

std::optional<std::string> optionFilePassword(const std::string &file, const std::string &group,
                                              const std::string &user, const std::string &host)
{
    std::ifstream in(file);
    if (!in)
        return std::nullopt;
    const std::string perUser = "client-" + user + "@" + host, perHost = "client-" + host;
    std::optional<std::string> inUser, inHost, inGroup;
    std::optional<std::string> groupUser;
    std::string section, line;
    while (std::getline(in, line)) {
        line = trim(line);
        if (line.empty() || line[0] == '#' || line[0] == ';')
            continue;
        if (line.front() == '[' && line.back() == ']') {
            section = trim(line.substr(1, line.size() - 2));
            continue;
        }
        const auto eq = line.find('=');
        const std::string key = lowerDashed(trim(line.substr(0, eq)));
        if (eq == std::string::npos)
            continue;
        const std::string value = optionValue(line.substr(eq + 1));
        if (key == "password") {
            if (section == perUser)
                inUser = value;
            else if (section == perHost)
                inHost = value;
            else if (section == group)
                inGroup = value;
        } else if (key == "user" && section == group) {
            groupUser = value;
        }
    }
    if (inUser)
        return inUser;
    if (inHost)
        return inHost;
    // The group's password belongs to the group's user (or to whoever
    // connects when the group names none).
    if (inGroup && (!groupUser || user.empty() || *groupUser == user))
        return inGroup;
    return std::nullopt;
}

} // namespace tidemark::mariadb
