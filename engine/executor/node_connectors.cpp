#include "executor/node_connectors.h"

#include <fmt/format.h>

namespace tidemark {

NodeConnectors::NodeConnectors(std::string homeUri, Connector &home, Opener open)
    : m_homeUri(std::move(homeUri))
    , m_home(home)
    , m_open(std::move(open))
{
}

NodeConnectors::~NodeConnectors() = default;

Result<Connector *> NodeConnectors::get(const std::string &uri)
{
    if (uri.empty() || uri == m_homeUri)
        return &m_home;
    {
        std::lock_guard guard(m_mutex);
        if (auto it = m_others.find(uri); it != m_others.end())
            return it->second.get();
    }
    if (!m_open)
        return fail(ErrorCode::Unsupported, fmt::format("the plan touches node {}, which this run cannot reach", uri),
                    "run the plan from tidemark-cli apply, which opens every node a plan names");
    auto opened = m_open(uri);
    if (!opened) {
        Error e = opened.error();
        e.message = fmt::format("node {}: {}", uri, e.message);
        return tl::unexpected(e);
    }
    Connector *raw = opened->get();
    std::lock_guard guard(m_mutex);
    m_others.emplace(uri, std::move(*opened));
    return raw;
}

void NodeConnectors::cancelAll()
{
    m_home.cancel();
    std::lock_guard guard(m_mutex);
    for (auto &[uri, c] : m_others)
        c->cancel();
}

} // namespace tidemark
