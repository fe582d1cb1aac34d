#pragma once
// Maps URI schemes to connector factories; the apps fill it from plugins.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connector.h"

namespace tidemark {

/// "sqlite" for "sqlite:///x.db"; empty when the text has no scheme.
std::string uriScheme(const std::string &uri);

class ConnectorRegistry {
public:
    /// `origin` says where the factory came from (plugin path), for messages.
    void add(const std::string &scheme, ConnectorFactory factory, std::string origin = {});
    bool has(const std::string &scheme) const;
    std::vector<std::string> schemes() const;
    /// Opens a connector for `uri` (libpq key=value conninfo goes to the
    /// "postgresql" connector); an unknown scheme is an error naming the
    /// known ones. Errors never carry the URI's password.
    Result<std::unique_ptr<Connector>> open(const std::string &uri) const;

private:
    struct Entry {
        ConnectorFactory factory;
        std::string origin;
    };
    std::map<std::string, Entry> m_factories;
};

} // namespace tidemark
