#pragma once
// The backup-scheduler agent: a Boost.Asio server of the JSON-lines protocol
// (docs/agent-protocol.md) on TCP (loopback unless allowed otherwise) or a
// Unix socket. One thread runs the sockets; jobs run on a bounded pool, each
// with its own metadata store connection and connector. Asio stays out of
// this header.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/token_file.h"
#include "connector.h"
#include "result.h"

namespace tidemark::agent {

struct AgentConfig {
    /// TCP "host:port" ("127.0.0.1:0" picks a free port), or empty with socketPath.
    std::string listen = "127.0.0.1:0";
    std::string socketPath;           ///< Unix socket; wins over listen when set
    bool allowNonLoopback = false;    ///< a non-loopback address needs this
    /// Bearer tokens; every request carries one, and a connection belongs to
    /// the token of its first request.
    std::vector<AgentToken> tokens;
    std::size_t maxLineBytes = 64 * 1024;
    std::size_t maxClients = 64;      ///< authenticated connections at once
    /// Connections that have not yet presented a valid token; when full, the
    /// oldest of them is closed to make room for a newcomer.
    std::size_t maxUnauthenticated = 64;
    /// A connection whose first request has not arrived by then is closed.
    std::chrono::milliseconds authTimeout{2'000};
    std::chrono::milliseconds idleTimeout{60'000}; ///< of authenticated connections
    std::size_t maxQueuedBytes = 1 << 20; ///< per client; a slower reader is dropped
    std::size_t jobThreads = 2;
    std::size_t maxJobs = 16;         ///< running at once, across databases
    std::string storePath;
    ConnectorFactory openConnector;
    /// Injected clock for the policy gate (tests); real time when empty.
    std::function<std::int64_t()> clock;
    std::string who = "agent";        ///< recorded as the requester of plans
    std::function<void(const std::string &)> log;
};

class AgentServer {
public:
    /// Binds and starts serving on a thread of its own.
    static Result<std::unique_ptr<AgentServer>> start(AgentConfig config);
    ~AgentServer();
    AgentServer(const AgentServer &) = delete;
    AgentServer &operator=(const AgentServer &) = delete;

    /// "127.0.0.1:40123" or the socket path.
    std::string endpoint() const;
    /// Cancels running jobs (between steps), closes every client, joins.
    void stop();

    struct Counters {
        std::size_t clients = 0;         ///< authenticated
        std::size_t unauthenticated = 0;
        std::size_t runningJobs = 0;
    };
    Counters counters() const;

private:
    AgentServer();
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace tidemark::agent
