// Round-trip time of the agent's `status` for a valid client, on an idle
// agent (the anchor) and while 1,000 other connections are open: 500
// authenticated, 500 without a token, renewed by a flood that keeps opening
// new ones as the agent closes the oldest. Target: every answer under the
// crowd within 1 s; the ratio to the idle agent is printed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/agent_server.h"

using namespace tidemark;

namespace {

constexpr char kToken[] = "bench-token-0123456789";
constexpr int kSamples = 300;
constexpr int kAuthenticated = 500;
constexpr int kUnauthenticated = 500;

int connectTo(unsigned short port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr *>(&a), sizeof a) == 0)
        return fd;
    if (fd >= 0)
        ::close(fd);
    return -1;
}

bool sendAll(int fd, const std::string &s)
{
    return ::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == ssize_t(s.size());
}

/// Reads up to the first newline; false on close or after 10 s.
bool readLine(int fd, std::string *line = nullptr)
{
    std::string got;
    char c = 0;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 10'000) <= 0 || ::recv(fd, &c, 1, 0) != 1)
            return false;
        if (c == '\n')
            break;
        got.push_back(c);
    }
    if (line)
        *line = got;
    return true;
}

const std::string kStatus = std::string(R"({"op":"status","token":")") + kToken + "\"}\n";

/// Milliseconds of each `status` round trip, a new connection each time.
std::vector<double> sample(unsigned short port, int n, int *failures)
{
    std::vector<double> ms;
    for (int i = 0; i < n; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const int fd = connectTo(port);
        std::string line;
        const bool ok = fd >= 0 && sendAll(fd, kStatus) && readLine(fd, &line) &&
            line.find(R"("type":"status")") != std::string::npos;
        const auto stop = std::chrono::steady_clock::now();
        if (fd >= 0)
            ::close(fd);
        if (!ok)
            ++*failures;
        else
            ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms;
}

double at(const std::vector<double> &sorted, double q)
{
    return sorted.empty() ? -1.0 : sorted[std::min(sorted.size() - 1, std::size_t(q * double(sorted.size())))];
}

} // namespace

int main()
{
    rlimit l{};
    ::getrlimit(RLIMIT_NOFILE, &l);
    if (l.rlim_cur < 8192) {
        l.rlim_cur = std::min<rlim_t>(8192, l.rlim_max);
        ::setrlimit(RLIMIT_NOFILE, &l);
    }
    agent::AgentConfig config;
    config.tokens = {{"default", kToken}};
    config.maxClients = kAuthenticated + 100;
    config.openConnector = [](const std::string &) -> Result<std::unique_ptr<Connector>> {
        return fail(ErrorCode::Unsupported, "the benchmark runs no jobs");
    };
    auto server = agent::AgentServer::start(config);
    if (!server) {
        std::fprintf(stderr, "cannot start the agent: %s\n", server.error().message.c_str());
        return 1;
    }
    const auto port =
        static_cast<unsigned short>(std::stoi((*server)->endpoint().substr((*server)->endpoint().rfind(':') + 1)));

    int idleFailures = 0, crowdFailures = 0;
    const auto idle = sample(port, kSamples, &idleFailures);

    std::vector<int> held;
    for (int i = 0; i < kAuthenticated; ++i) {
        const int fd = connectTo(port);
        if (fd < 0 || !sendAll(fd, kStatus) || !readLine(fd)) {
            std::fprintf(stderr, "authenticated connection %d was not served\n", i);
            return 1;
        }
        held.push_back(fd);
    }
    // The flood: connections without a token, kept at 500 open, each new one
    // replacing the oldest, as fast as this thread can open them.
    std::atomic<bool> stop{false};
    std::atomic<long> opened{0};
    std::thread flood([&] {
        std::deque<int> open;
        while (!stop) {
            const int fd = connectTo(port);
            if (fd < 0)
                continue;
            if (opened++ % 2 == 0)
                sendAll(fd, R"({"op":"prebackup","uri":"sqlite:///x.db")");
            open.push_back(fd);
            if (open.size() > std::size_t(kUnauthenticated)) {
                ::close(open.front());
                open.pop_front();
            }
        }
        for (const int fd : open)
            ::close(fd);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto crowd = sample(port, kSamples, &crowdFailures);
    stop = true;
    flood.join();
    for (const int fd : held)
        ::close(fd);
    (*server)->stop();

    std::printf("Agent status round trip (new connection, request, answer), %d samples each\n", kSamples);
    std::printf("anchor: the same agent with no other connection\n\n");
    std::printf("%-44s %8s %8s %8s %8s\n", "", "p50 ms", "p99 ms", "max ms", "failed");
    std::printf("%-44s %8.2f %8.2f %8.2f %8d\n", "idle agent (anchor)", at(idle, 0.5), at(idle, 0.99),
                idle.empty() ? -1.0 : idle.back(), idleFailures);
    std::printf("%-44s %8.2f %8.2f %8.2f %8d\n", "500 authenticated + 500 without token (flood)", at(crowd, 0.5),
                at(crowd, 0.99), crowd.empty() ? -1.0 : crowd.back(), crowdFailures);
    std::printf("\nflood opened %ld connections without a token while sampling\n", opened.load());
    std::printf("ratio p99 crowd / idle: %.1fx\n", at(crowd, 0.99) / std::max(at(idle, 0.99), 0.001));
    const bool pass = crowdFailures == 0 && !crowd.empty() && crowd.back() < 1000.0;
    std::printf("target \"every status under the crowd answered within 1 s\": %s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
