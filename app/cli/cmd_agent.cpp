// agent: serve prebackup/postbackup/status/cancel to backup schedulers over
// a JSON-lines protocol (docs/agent-protocol.md) until SIGINT or SIGTERM.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include <sys/resource.h>

#include <fmt/format.h>

#include "agent/agent_server.h"
#include "agent/token_file.h"
#include "cli.h"
#include "model/connection_string.h"
#include "policy/policy.h"

namespace tidemark::cli {

namespace {

volatile std::sig_atomic_t g_quit = 0;
extern "C" void onQuit(int) { g_quit = 1; }

/// Each client holds a descriptor: make room for every allowed one (and the
/// store, the databases and some slack) up to the hard limit, as a daemon
/// serving many clients should. Beyond the limit the agent still runs; a
/// connection it cannot accept closes the oldest one without a token.
void raiseOpenFileLimit(std::size_t clients)
{
    rlimit l{};
    if (::getrlimit(RLIMIT_NOFILE, &l) != 0)
        return;
    const rlim_t wanted = static_cast<rlim_t>(clients) + 256;
    if (l.rlim_cur != RLIM_INFINITY && l.rlim_cur < wanted) {
        l.rlim_cur = l.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, l.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &l);
    }
}

} // namespace

int cmdAgent(Env &env)
{
    if (!env.args.positional.empty())
        return usageError(env, "agent takes no positional arguments");
    if (env.args.has("--listen") == env.args.has("--socket"))
        return usageError(env, "agent needs exactly one of --listen HOST:PORT or --socket PATH");
    if (!env.args.has("--token-file"))
        return usageError(env, "agent needs --token-file FILE (mode 0600) holding the bearer token");
    auto tokens = agent::readTokenFile(env.args.value("--token-file"));
    if (!tokens)
        return report(env, tokens.error());
    auto maxClients = integerOption(env.args, "--max-clients", 64);
    if (!maxClients)
        return report(env, maxClients.error());
    auto maxUnauthenticated = integerOption(env.args, "--max-unauthenticated", 64);
    if (!maxUnauthenticated)
        return report(env, maxUnauthenticated.error());
    auto idle = parseDuration(env.args.value("--idle-timeout", "60s"));
    if (!idle)
        return report(env, idle.error());
    auto authTimeout = parseDuration(env.args.value("--auth-timeout", "2s"));
    if (!authTimeout)
        return report(env, authTimeout.error());
    if (*maxClients < 1 || *maxUnauthenticated < 1 || *idle < 100 || *authTimeout < 100)
        return usageError(env,
                          "--max-clients and --max-unauthenticated must be ≥ 1, --idle-timeout and "
                          "--auth-timeout ≥ 100ms");
    raiseOpenFileLimit(static_cast<std::size_t>(*maxClients + *maxUnauthenticated));

    agent::AgentConfig config;
    config.listen = env.args.value("--listen");
    config.socketPath = env.args.value("--socket");
    config.allowNonLoopback = env.args.has("--allow-remote");
    config.tokens = std::move(*tokens);
    config.maxClients = static_cast<std::size_t>(*maxClients);
    config.maxUnauthenticated = static_cast<std::size_t>(*maxUnauthenticated);
    config.idleTimeout = std::chrono::milliseconds(*idle);
    config.authTimeout = std::chrono::milliseconds(*authTimeout);
    config.storePath = env.storePath;
    config.who = "agent (" + env.who + ")";
    config.clock = runClock();
    const ConnectorRegistry &registry = env.registry;
    config.openConnector = [&registry](const std::string &uri) { return registry.open(uri); };
    config.log = [](const std::string &line) {
        std::fprintf(stderr, "agent: %s\n", redactSecrets(line).c_str());
    };

    // Make sure the store opens before clients arrive (and migrate it once).
    if (auto store = openStore(env); !store)
        return report(env, store.error());
    auto server = agent::AgentServer::start(std::move(config));
    if (!server)
        return report(env, server.error());
    std::printf("listening on %s\n", (*server)->endpoint().c_str());
    std::fflush(stdout);

    std::signal(SIGINT, onQuit);
    std::signal(SIGTERM, onQuit);
    std::signal(SIGPIPE, SIG_IGN);
    while (!g_quit)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::fprintf(stderr, "agent: stopping: running jobs stop between steps\n");
    (*server)->stop();
    return kExitOk;
}

} // namespace tidemark::cli
