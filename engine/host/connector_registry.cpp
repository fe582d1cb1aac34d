#include "host/connector_registry.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "model/connection_string.h"

namespace tidemark {

std::string uriScheme(const std::string &uri)
{
    const auto colon = uri.find(':');
    if (colon == std::string::npos || colon == 0)
        return {};
    const std::string scheme = uri.substr(0, colon);
    const bool valid =
        std::isalpha(static_cast<unsigned char>(scheme[0])) && std::all_of(scheme.begin(), scheme.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
        });
    if (!valid)
        return {};
    std::string lower = scheme;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower;
}

void ConnectorRegistry::add(const std::string &scheme, ConnectorFactory factory, std::string origin)
{
    m_factories[scheme] = Entry{std::move(factory), std::move(origin)};
}

bool ConnectorRegistry::has(const std::string &scheme) const
{
    return m_factories.count(scheme) != 0;
}

std::vector<std::string> ConnectorRegistry::schemes() const
{
    std::vector<std::string> out;
    for (const auto &[scheme, entry] : m_factories)
        out.push_back(scheme);
    return out;
}

Result<std::unique_ptr<Connector>> ConnectorRegistry::open(const std::string &uri) const
{
    // Messages name the URI as shown: never with its password.
    const ConnectionString parsed = ConnectionString::parse(uri);
    if (!parsed.problem.empty())
        return fail(ErrorCode::InvalidArgument, fmt::format("{}: {}", parsed.shown, parsed.problem),
                    "see docs/postgres.md, Connecting");
    // libpq's key=value conninfo has no scheme; it is PostgreSQL's, and the
    // connector takes it as written.
    const std::string scheme = parsed.conninfo ? std::string("postgresql") : uriScheme(uri);
    const std::string known = schemes().empty() ? std::string("none (no connector plugin was found)")
                                                : fmt::format("{}", fmt::join(schemes(), ", "));
    if (scheme.empty())
        return fail(ErrorCode::InvalidArgument, fmt::format("\"{}\" is not a database URI", parsed.shown),
                    fmt::format("write it as scheme:…, e.g. sqlite:///absolute/path.db, or as PostgreSQL key=value "
                                "conninfo (host=… dbname=…); known schemes: {}",
                                known));
    const auto it = m_factories.find(scheme);
    if (it == m_factories.end())
        return fail(ErrorCode::InvalidArgument, fmt::format("no connector for URI scheme \"{}\"", scheme),
                    fmt::format("known schemes: {}; check the URI or the installed connector plugins", known));
    auto opened = it->second.factory(uri);
    if (!opened) {
        // A driver may quote what it was given (libpq quotes a bad token).
        Error e = opened.error();
        e.message = redactSecrets(e.message);
        e.hint = redactSecrets(e.hint);
        return tl::unexpected(e);
    }
    return opened;
}

} // namespace tidemark
