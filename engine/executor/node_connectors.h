#pragma once
// The connectors of every node a plan touches: the home node's, given, and
// the others (a copy's receiving node) opened on first use and kept for
// the run.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "connector.h"

namespace tidemark {

class NodeConnectors {
public:
    using Opener = std::function<Result<std::unique_ptr<Connector>>(const std::string &uri)>;

    /// `open` may be empty: then only the home node can be reached.
    NodeConnectors(std::string homeUri, Connector &home, Opener open = {});
    ~NodeConnectors();
    NodeConnectors(const NodeConnectors &) = delete;
    NodeConnectors &operator=(const NodeConnectors &) = delete;

    const std::string &homeUri() const { return m_homeUri; }
    Connector &home() { return m_home; }
    /// The connector of `uri` (empty: the home node).
    Result<Connector *> get(const std::string &uri);
    /// Connector::cancel() of every open node (from any thread).
    void cancelAll();

private:
    std::string m_homeUri;
    Connector &m_home;
    Opener m_open;
    std::mutex m_mutex; ///< cancelAll() comes from other threads
    std::map<std::string, std::unique_ptr<Connector>> m_others;
};

} // namespace tidemark
