#include "host/connector_registry.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

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
    const std::string scheme = uriScheme(uri);
    const std::string known = schemes().empty() ? std::string("none (no connector plugin was found)")
                                                : fmt::format("{}", fmt::join(schemes(), ", "));
    if (scheme.empty())
        return fail(ErrorCode::InvalidArgument, fmt::format("\"{}\" is not a database URI", uri),
                    fmt::format("write it as scheme:…, e.g. sqlite:///absolute/path.db; known schemes: {}", known));
    const auto it = m_factories.find(scheme);
    if (it == m_factories.end())
        return fail(ErrorCode::InvalidArgument, fmt::format("no connector for URI scheme \"{}\"", scheme),
                    fmt::format("known schemes: {}; check the URI or the installed connector plugins", known));
    return it->second.factory(uri);
}

} // namespace tidemark
