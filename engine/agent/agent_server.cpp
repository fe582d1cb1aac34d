#include "agent/agent_server.h"

#include <deque>
#include <future>
#include <map>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

#include "agent/agent_jobs.h"
#include "agent/token_file.h"

namespace tidemark::agent {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol;

/// What sessions need of the server (socket thread only).
class SessionHost {
public:
    virtual ~SessionHost() = default;
    virtual const AgentConfig &config() const = 0;
    virtual AgentJobs &jobs() = 0;
    /// Authenticated connections of one token.
    virtual std::size_t clientCount(const std::string &principal) const = 0;
    /// A session presented a valid token: false when the authenticated
    /// clients are at their cap (the session then refuses and closes).
    virtual bool authenticated(ReplySink *session, const std::string &principal) = 0;
    /// A session is saying goodbye: it no longer counts against the caps.
    virtual void leaving(ReplySink *session) = 0;
    virtual void removed(ReplySink *session) = 0;
};

namespace {

/// How long a closing connection may take to receive its last line.
constexpr auto kGoodbyeGrace = std::chrono::seconds(1);

/// One client: reads bounded lines, answers each, streams job lines, and
/// closes on idle, on a slow reader, on a bad token or on a line too long.
/// Until its first request carries a valid token it is unauthenticated: it
/// has until the authentication deadline, and any error closes it.
template <class Socket>
class Session : public ReplySink, public std::enable_shared_from_this<Session<Socket>> {
public:
    Session(Socket socket, SessionHost &host)
        : m_socket(std::move(socket)), m_timer(m_socket.get_executor()), m_host(host),
          m_buffer(host.config().maxLineBytes + 1)
    {
    }

    void start()
    {
        m_accepted = std::chrono::steady_clock::now();
        touch();
        armTimer();
        read();
    }

    void send(std::string line) override
    {
        if (m_closed)
            return;
        m_queued += line.size();
        if (m_queued > m_host.config().maxQueuedBytes) {
            log("client reads too slowly (over {} bytes queued); dropped", m_host.config().maxQueuedBytes);
            close();
            return;
        }
        m_out.push_back(std::move(line));
        if (m_out.size() == 1)
            write();
    }

    std::string principal() const override { return m_principal; }

    /// Sends a last line, then closes once it is written.
    void sendAndClose(std::string line)
    {
        if (m_closing || m_closed)
            return;
        m_closing = true;
        m_host.leaving(this);
        armTimer(); // closes anyway if the last line is not taken in time
        send(std::move(line));
    }

    void close()
    {
        if (m_closed)
            return;
        m_closed = true;
        boost::system::error_code ec;
        m_timer.cancel();
        m_socket.shutdown(Socket::shutdown_both, ec);
        m_socket.close(ec);
        m_host.jobs().ownerGone(this);
        m_host.removed(this);
    }

private:
    template <class... A>
    void log(fmt::format_string<A...> f, A &&...args)
    {
        if (m_host.config().log)
            m_host.config().log(fmt::format(f, std::forward<A>(args)...));
    }
    void touch() { m_lastActivity = std::chrono::steady_clock::now(); }

    void armTimer()
    {
        if (m_closing)
            m_timer.expires_after(kGoodbyeGrace);
        else if (m_authenticated)
            m_timer.expires_after(m_host.config().idleTimeout / 4 + std::chrono::milliseconds(1));
        else
            m_timer.expires_at(m_accepted + m_host.config().authTimeout);
        m_timer.async_wait([self = this->shared_from_this()](const boost::system::error_code &ec) {
            if (!ec && !self->m_closed)
                self->onTimer();
        });
    }

    void onTimer()
    {
        if (m_closing) {
            // The goodbye line had its chance; a peer that does not read it
            // does not keep the connection.
            close();
            return;
        }
        if (!m_authenticated) {
            if (std::chrono::steady_clock::now() - m_accepted >= m_host.config().authTimeout) {
                sendAndClose(errorLine("auth-timeout",
                                       fmt::format("no request with a valid token within {} ms of connecting; closing",
                                                   m_host.config().authTimeout.count())));
                return;
            }
            armTimer();
            return;
        }
        const auto idle = std::chrono::steady_clock::now() - m_lastActivity;
        if (idle >= m_host.config().idleTimeout) {
            if (!m_out.empty()) {
                log("client stopped reading for {} ms; dropped", m_host.config().idleTimeout.count());
                close();
                return;
            }
            if (m_activeJobs == 0) {
                sendAndClose(errorLine("idle-timeout", "no request within the idle timeout; closing"));
                return;
            }
        }
        armTimer();
    }

    void jobStarted() override { ++m_activeJobs; }
    void jobFinished() override { --m_activeJobs; }

    void read()
    {
        if (m_closing || m_closed)
            return;
        asio::async_read_until(m_socket, m_buffer, '\n',
                               [self = this->shared_from_this()](const boost::system::error_code &ec, std::size_t n) {
                                   self->onRead(ec, n);
                               });
    }

    void onRead(const boost::system::error_code &ec, std::size_t n)
    {
        if (m_closed || m_closing)
            return;
        if (ec == asio::error::not_found) {
            // The buffer filled without a newline: refuse, and close because
            // the rest of that line cannot be told from the next request.
            sendAndClose(errorLine("line-too-long", fmt::format("a request line is limited to {} bytes",
                                                                m_host.config().maxLineBytes)));
            return;
        }
        if (ec) {
            close(); // EOF (a truncated last line is dropped), reset, or cancelled
            return;
        }
        touch();
        std::string line(asio::buffers_begin(m_buffer.data()), asio::buffers_begin(m_buffer.data()) + n - 1);
        m_buffer.consume(n);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!line.empty())
            handle(line);
        read();
    }

    /// True when the request may go on: its token is this connection's (the
    /// first valid token authenticates the connection). Otherwise the
    /// connection has been answered and is closing.
    bool authorise(const tl::expected<Request, ProtocolError> &request)
    {
        const std::optional<std::string> token =
            request ? std::optional<std::string>(request->token) : request.error().token;
        const std::string id = request ? request->id : request.error().id;
        if (!token) {
            // Nothing to authenticate with: say why. A stranger is closed; an
            // authenticated client keeps the connection after a line that
            // was not JSON, not after a request without its token.
            if (!m_authenticated || request.error().code == "unauthorized")
                sendAndClose(errorLine(request.error()));
            else
                send(errorLine(request.error()));
            return false;
        }
        const AgentToken *match = token ? findToken(m_host.config().tokens, *token) : nullptr;
        if (!match || (m_authenticated && match->name != m_principal)) {
            log("request with a wrong token refused; connection closed");
            sendAndClose(
                errorLine("unauthorized",
                          m_authenticated && match ? "this connection belongs to another token" : "wrong token", id));
            return false;
        }
        if (m_authenticated)
            return true;
        if (!m_host.authenticated(this, match->name)) {
            sendAndClose(
                errorLine("too-many-clients",
                          fmt::format("the agent serves at most {} clients at once", m_host.config().maxClients), id));
            return false;
        }
        m_authenticated = true;
        m_principal = match->name;
        m_timer.cancel(); // re-armed for the idle timeout
        armTimer();
        return true;
    }

    void handle(const std::string &line)
    {
        auto request = parseRequest(line);
        if (!authorise(request))
            return;
        if (!request) {
            send(errorLine(request.error()));
            return;
        }
        switch (request->op) {
        case Op::PreBackup:
        case Op::PostBackup:
            m_host.jobs().start(*request, this->shared_from_this());
            break;
        case Op::Status:
            m_host.jobs().status(*request, *this, m_host.clientCount(m_principal));
            break;
        case Op::Cancel: m_host.jobs().cancel(*request, *this); break;
        }
    }

    void write()
    {
        asio::async_write(m_socket, asio::buffer(m_out.front()),
                          [self = this->shared_from_this()](const boost::system::error_code &ec, std::size_t) {
                              self->onWritten(ec);
                          });
    }

    void onWritten(const boost::system::error_code &ec)
    {
        if (m_closed)
            return;
        if (ec) {
            close();
            return;
        }
        touch();
        m_queued -= m_out.front().size();
        m_out.pop_front();
        if (!m_out.empty())
            write();
        else if (m_closing)
            close();
    }

    Socket m_socket;
    asio::steady_timer m_timer;
    SessionHost &m_host;
    asio::streambuf m_buffer;
    std::deque<std::string> m_out;
    std::size_t m_queued = 0;
    std::chrono::steady_clock::time_point m_accepted;
    std::chrono::steady_clock::time_point m_lastActivity;
    int m_activeJobs = 0; ///< jobs whose result this client still waits for
    bool m_authenticated = false;
    std::string m_principal;
    bool m_closing = false;
    bool m_closed = false;
};

Result<tcp::endpoint> parseListen(const std::string &text, bool allowNonLoopback,
                                  const std::function<void(const std::string &)> &log)
{
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0)
        return fail(ErrorCode::InvalidArgument, fmt::format("\"{}\" is not HOST:PORT", text),
                    "e.g. --listen 127.0.0.1:7654");
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    int port = -1;
    try {
        std::size_t used = 0;
        port = std::stoi(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1)
            port = -1;
    } catch (const std::exception &) {
    }
    if (port < 0 || port > 65535)
        return fail(ErrorCode::InvalidArgument, fmt::format("\"{}\" has no valid port", text),
                    "e.g. --listen 127.0.0.1:7654");
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec)
        return fail(ErrorCode::InvalidArgument, fmt::format("\"{}\" is not an IP address", host),
                    "give a numeric address such as 127.0.0.1 or ::1");
    if (!address.is_loopback()) {
        if (!allowNonLoopback)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("{} is not a loopback address; the agent listens on loopback only by default", host),
                        "use 127.0.0.1, a Unix socket, or pass --allow-remote if you really mean it");
        if (log)
            log(fmt::format("WARNING: listening on non-loopback address {}: anyone who can reach it and holds the "
                            "token can reshape your databases; prefer a Unix socket or an SSH tunnel",
                            host));
    }
    return tcp::endpoint(address, static_cast<unsigned short>(port));
}

} // namespace

struct AgentServer::Impl : SessionHost {
    enum class State { Unauthenticated, Authenticated, Leaving };
    struct Entry {
        State state = State::Unauthenticated;
        std::string principal;
        std::uint64_t order = 0; ///< accept order
        std::function<void()> close;
        std::function<bool(std::string)> sendAndClose; ///< false when the session is gone
    };

    AgentConfig cfg;
    asio::io_context io;
    std::unique_ptr<AgentJobs> jobList;
    std::unique_ptr<tcp::acceptor> tcpAcceptor;
    std::unique_ptr<unix_socket::acceptor> unixAcceptor;
    std::unique_ptr<asio::steady_timer> acceptRetry;
    std::map<ReplySink *, Entry> sessions;
    std::map<std::uint64_t, ReplySink *> unauthenticated; ///< oldest first
    std::size_t authenticatedCount = 0;
    std::uint64_t accepted = 0;
    std::atomic<std::size_t> clients{0};
    std::atomic<std::size_t> waiting{0};
    std::size_t crowdedOut = 0; ///< since the last log line about it
    std::chrono::steady_clock::time_point crowdLogged{};
    std::chrono::steady_clock::time_point acceptFailureLogged{};
    std::string endpointText;
    std::thread thread;
    bool stopped = false;

    const AgentConfig &config() const override { return cfg; }
    AgentJobs &jobs() override { return *jobList; }
    std::size_t clientCount(const std::string &principal) const override
    {
        std::size_t n = 0;
        for (const auto &[s, e] : sessions)
            n += e.state == State::Authenticated && e.principal == principal ? 1 : 0;
        return n;
    }
    bool authenticated(ReplySink *s, const std::string &principal) override
    {
        const auto it = sessions.find(s);
        if (it == sessions.end() || it->second.state != State::Unauthenticated)
            return false;
        if (authenticatedCount >= cfg.maxClients)
            return false;
        unauthenticated.erase(it->second.order);
        it->second.state = State::Authenticated;
        it->second.principal = principal;
        ++authenticatedCount;
        publish();
        return true;
    }
    void leaving(ReplySink *s) override
    {
        const auto it = sessions.find(s);
        if (it == sessions.end())
            return;
        if (it->second.state == State::Unauthenticated)
            unauthenticated.erase(it->second.order);
        else if (it->second.state == State::Authenticated)
            --authenticatedCount;
        it->second.state = State::Leaving;
        publish();
    }
    void removed(ReplySink *s) override
    {
        leaving(s);
        sessions.erase(s);
    }
    void publish()
    {
        clients = authenticatedCount;
        waiting = unauthenticated.size();
    }

    /// Closes the longest-waiting unauthenticated connection: it had the
    /// most time to present a token, and a newcomer (perhaps a valid client)
    /// needs its place.
    bool crowdOutOldest(const char *why)
    {
        if (unauthenticated.empty())
            return false;
        ReplySink *oldest = unauthenticated.begin()->second;
        // A copy: the call may end the session and erase its entry.
        const auto sendAndClose = sessions.at(oldest).sendAndClose;
        if (!sendAndClose(errorLine("too-many-clients", why)))
            removed(oldest); // already gone; its place is free

        ++crowdedOut;
        const auto now = std::chrono::steady_clock::now();
        if (cfg.log && now - crowdLogged >= std::chrono::seconds(10)) {
            cfg.log(fmt::format("{} connection(s) without a valid token closed to make room ({} may wait at once)",
                                crowdedOut, cfg.maxUnauthenticated));
            crowdedOut = 0;
            crowdLogged = now;
        }
        return true;
    }

    template <class Acceptor>
    void accept(Acceptor &acceptor)
    {
        acceptor.async_accept([this, &acceptor](const boost::system::error_code &ec, auto socket) {
            if (ec == asio::error::operation_aborted || !acceptor.is_open())
                return;
            if (ec) {
                // Out of descriptors (EMFILE) or a transient failure: free one
                // and try again shortly, rather than spin on the error.
                crowdOutOldest("the agent is out of connections; the oldest connection without a token is closed");
                if (cfg.log && std::chrono::steady_clock::now() - acceptFailureLogged >= std::chrono::seconds(10)) {
                    cfg.log(fmt::format("cannot accept a connection: {}; retrying", ec.message()));
                    acceptFailureLogged = std::chrono::steady_clock::now();
                }
                acceptRetry->expires_after(std::chrono::milliseconds(50));
                acceptRetry->async_wait([this, &acceptor](const boost::system::error_code &e) {
                    if (!e && acceptor.is_open())
                        accept(acceptor);
                });
                return;
            }
            using Socket = decltype(socket);
            auto session = std::make_shared<Session<Socket>>(std::move(socket), *this);
            if (unauthenticated.size() >= cfg.maxUnauthenticated)
                crowdOutOldest("too many connections are waiting to authenticate; the oldest is closed");
            std::weak_ptr<Session<Socket>> weak = session;
            Entry entry;
            entry.order = ++accepted;
            entry.close = [weak] {
                if (auto s = weak.lock())
                    s->close();
            };
            entry.sendAndClose = [weak](std::string line) {
                auto s = weak.lock();
                if (s)
                    s->sendAndClose(std::move(line));
                return s != nullptr;
            };
            unauthenticated[entry.order] = session.get();
            sessions[session.get()] = std::move(entry);
            publish();
            session->start();
            accept(acceptor);
        });
    }
};

AgentServer::AgentServer() : d(std::make_unique<Impl>()) {}

AgentServer::~AgentServer() { stop(); }

Result<std::unique_ptr<AgentServer>> AgentServer::start(AgentConfig config)
{
    if (config.tokens.empty())
        return fail(ErrorCode::InvalidArgument, "the agent needs a bearer token", "pass --token-file FILE (mode 0600)");
    for (const auto &t : config.tokens)
        if (t.secret.size() < kMinTokenLength)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("the token \"{}\" is shorter than {} characters", t.name, kMinTokenLength),
                        "pass --token-file FILE (mode 0600)");
    if (config.maxClients < 1 || config.maxUnauthenticated < 1 || config.authTimeout.count() < 1 ||
        config.idleTimeout.count() < 1)
        return fail(ErrorCode::InvalidArgument, "the agent's client limits and timeouts must be positive");
    if (!config.openConnector)
        return fail(ErrorCode::Internal, "the agent has no connector factory");
    std::unique_ptr<AgentServer> server(new AgentServer());
    Impl &d = *server->d;
    d.cfg = std::move(config);
    d.jobList = std::make_unique<AgentJobs>(d.io, d.cfg);
    d.acceptRetry = std::make_unique<asio::steady_timer>(d.io);
    boost::system::error_code ec;
    if (!d.cfg.socketPath.empty()) {
        struct stat st {};
        if (::lstat(d.cfg.socketPath.c_str(), &st) == 0) {
            if (!S_ISSOCK(st.st_mode))
                return fail(ErrorCode::InvalidArgument, fmt::format("{} exists and is not a socket", d.cfg.socketPath),
                            "choose another --socket path");
            // A live agent answers; a stale socket file from a dead one is replaced.
            unix_socket::socket probe(d.io);
            probe.connect(unix_socket::endpoint(d.cfg.socketPath), ec);
            if (!ec)
                return fail(ErrorCode::Busy, fmt::format("another agent listens on {}", d.cfg.socketPath),
                            "stop it first, or choose another --socket path");
            ::unlink(d.cfg.socketPath.c_str());
        }
        d.unixAcceptor = std::make_unique<unix_socket::acceptor>(d.io);
        const unix_socket::endpoint ep(d.cfg.socketPath);
        d.unixAcceptor->open(ep.protocol(), ec);
        if (!ec)
            d.unixAcceptor->bind(ep, ec);
        if (!ec)
            ::chmod(d.cfg.socketPath.c_str(), 0600);
        if (!ec)
            d.unixAcceptor->listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
            return fail(ErrorCode::Io, fmt::format("cannot listen on {}: {}", d.cfg.socketPath, ec.message()));
        d.endpointText = d.cfg.socketPath;
        d.accept(*d.unixAcceptor);
    } else {
        auto ep = parseListen(d.cfg.listen, d.cfg.allowNonLoopback, d.cfg.log);
        if (!ep)
            return tl::unexpected(ep.error());
        d.tcpAcceptor = std::make_unique<tcp::acceptor>(d.io);
        d.tcpAcceptor->open(ep->protocol(), ec);
        if (!ec)
            d.tcpAcceptor->set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec)
            d.tcpAcceptor->bind(*ep, ec);
        if (!ec)
            d.tcpAcceptor->listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
            return fail(ErrorCode::Io, fmt::format("cannot listen on {}: {}", d.cfg.listen, ec.message()),
                        "is another process using the port?");
        const auto local = d.tcpAcceptor->local_endpoint();
        d.endpointText = local.address().is_v6() ? fmt::format("[{}]:{}", local.address().to_string(), local.port())
                                                 : fmt::format("{}:{}", local.address().to_string(), local.port());
        d.accept(*d.tcpAcceptor);
    }
    d.thread = std::thread([&d] {
        for (;;) {
            try {
                d.io.run();
                return;
            } catch (const std::exception &e) {
                // A handler must never take the agent down; log and go on.
                if (d.cfg.log)
                    d.cfg.log(fmt::format("internal error in the agent (continuing): {}", e.what()));
            }
        }
    });
    return server;
}

std::string AgentServer::endpoint() const { return d->endpointText; }

AgentServer::Counters AgentServer::counters() const
{
    return {d->clients.load(), d->waiting.load(), d->jobList->running()};
}

void AgentServer::stop()
{
    if (!d || d->stopped)
        return;
    d->stopped = true;
    // Stop accepting and close every client on the socket thread; jobs are
    // told to stop between steps, then the pool is joined.
    std::promise<void> closed;
    asio::post(d->io, [this, &closed] {
        boost::system::error_code ec;
        if (d->tcpAcceptor)
            d->tcpAcceptor->close(ec);
        if (d->unixAcceptor)
            d->unixAcceptor->close(ec);
        d->acceptRetry->cancel();
        std::vector<std::function<void()>> closers;
        for (const auto &[s, e] : d->sessions)
            closers.push_back(e.close);
        for (auto &close : closers)
            close();
        closed.set_value();
    });
    if (d->thread.joinable())
        closed.get_future().wait();
    d->jobList->shutdown();
    d->io.stop();
    if (d->thread.joinable())
        d->thread.join();
    if (!d->cfg.socketPath.empty())
        ::unlink(d->cfg.socketPath.c_str());
}

} // namespace tidemark::agent
