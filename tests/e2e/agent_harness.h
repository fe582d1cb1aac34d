#pragma once
// Drives the real `tidemark-cli agent` on a loopback port: the agent process,
// Qt clients speaking the JSON-lines protocol, and raw sockets for tests that
// hold hundreds of connections at once.
#include <QElapsedTimer>
#include <QProcess>
#include <QTcpSocket>

#include <cerrno>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli_harness.h"

namespace tidemark::test {

class Agent {
public:
    /// Starts the agent with a token file holding `tokenLines` (the default
    /// token when empty) and the extra options.
    Agent(const CliHarness &h, const QStringList &extra = {}, const QByteArray &tokenLines = {})
    {
        token = QByteArrayLiteral("e2e-token-0123456789abcdef");
        tokenFile = h.path(QStringLiteral("token"));
        QFile f(tokenFile);
        if (f.open(QIODevice::WriteOnly))
            f.write(tokenLines.isEmpty() ? token + '\n' : tokenLines);
        f.close();
        QFile::setPermissions(tokenFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        process.start(binary(QStringLiteral("tidemark-cli")),
                      QStringList{QStringLiteral("--store"), h.store(), QStringLiteral("agent"),
                                  QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                  QStringLiteral("--token-file"), tokenFile} +
                          extra);
        if (!process.waitForStarted(10000))
            return;
        QElapsedTimer t;
        t.start();
        while (!process.canReadLine() && t.elapsed() < 20000)
            process.waitForReadyRead(200);
        const QString line = QString::fromUtf8(process.readLine()).trimmed();
        port = quint16(line.section(u':', -1).toUInt());
    }
    ~Agent()
    {
        process.terminate();
        if (!process.waitForFinished(20000))
            process.kill();
    }
    QByteArray token;
    QString tokenFile;
    QProcess process;
    quint16 port = 0;
};

class Client {
public:
    explicit Client(quint16 port)
    {
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        socket.waitForConnected(5000);
    }
    void sendRaw(const QByteArray &bytes)
    {
        socket.write(bytes);
        socket.flush();
        socket.waitForBytesWritten(5000);
    }
    void send(QJsonObject o, const QByteArray &token)
    {
        if (!token.isEmpty())
            o.insert(QStringLiteral("token"), QString::fromLatin1(token));
        sendRaw(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
    }
    /// The next line as JSON; empty when the agent closed or nothing came.
    QJsonObject next(int timeoutMs = 30000)
    {
        QElapsedTimer t;
        t.start();
        while (!socket.canReadLine() && t.elapsed() < timeoutMs) {
            if (socket.state() != QAbstractSocket::ConnectedState && socket.bytesAvailable() == 0)
                return {};
            socket.waitForReadyRead(100);
        }
        if (!socket.canReadLine())
            return {};
        return QJsonDocument::fromJson(socket.readLine()).object();
    }
    /// Lines until one of `type`.
    QJsonObject until(const QString &type, QList<QJsonObject> *seen = nullptr, int timeoutMs = 60000)
    {
        for (;;) {
            const QJsonObject o = next(timeoutMs);
            if (o.isEmpty() || o.value(QStringLiteral("type")).toString() == type)
                return o;
            if (seen)
                seen->append(o);
        }
    }
    bool closedByAgent(int timeoutMs = 5000)
    {
        QElapsedTimer t;
        t.start();
        while (socket.state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs)
            socket.waitForReadyRead(100);
        return socket.state() != QAbstractSocket::ConnectedState;
    }
    QTcpSocket socket;
};

inline QJsonObject op(const char *name, const QString &id = {})
{
    QJsonObject o{{QStringLiteral("op"), QLatin1String(name)}};
    if (!id.isEmpty())
        o.insert(QStringLiteral("id"), id);
    return o;
}

/// A plain blocking loopback socket, for holding many connections cheaply.
class RawConnection {
public:
    explicit RawConnection(quint16 port)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (m_fd >= 0 && ::connect(m_fd, reinterpret_cast<const sockaddr *>(&a), sizeof a) != 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    ~RawConnection()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    RawConnection(const RawConnection &) = delete;
    RawConnection &operator=(const RawConnection &) = delete;
    bool connected() const { return m_fd >= 0; }
    bool write(const QByteArray &bytes) const
    {
        return m_fd >= 0 && ::send(m_fd, bytes.constData(), std::size_t(bytes.size()), MSG_NOSIGNAL) == bytes.size();
    }
    /// The next line (without its newline); empty on close or timeout.
    QByteArray readLine(int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        for (;;) {
            if (const auto nl = m_in.indexOf('\n'); nl >= 0) {
                const QByteArray line = m_in.left(nl);
                m_in.remove(0, nl + 1);
                return line;
            }
            if (!waitReadable(timeoutMs - int(t.elapsed())))
                return {};
            char buf[4096];
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n <= 0)
                return {};
            m_in.append(buf, qsizetype(n));
        }
    }
    /// True once the agent has closed its end (EOF or reset) within the time.
    bool closedByAgent(int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        for (;;) {
            if (!waitReadable(timeoutMs - int(t.elapsed())))
                return false;
            char buf[4096];
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n <= 0)
                return true;
            m_in.append(buf, qsizetype(n));
        }
    }

private:
    bool waitReadable(int timeoutMs) const
    {
        if (m_fd < 0 || timeoutMs <= 0)
            return false;
        pollfd p{m_fd, POLLIN, 0};
        return ::poll(&p, 1, timeoutMs) > 0;
    }
    int m_fd = -1;
    QByteArray m_in;
};

/// Lets this process (and the agent it starts, which inherits it) hold
/// `wanted` descriptors; false when the hard limit is lower.
inline bool raiseOpenFileLimit(rlim_t wanted)
{
    rlimit l{};
    if (::getrlimit(RLIMIT_NOFILE, &l) != 0)
        return false;
    if (l.rlim_cur >= wanted)
        return true;
    if (l.rlim_max != RLIM_INFINITY && l.rlim_max < wanted)
        return false;
    l.rlim_cur = wanted;
    return ::setrlimit(RLIMIT_NOFILE, &l) == 0;
}

} // namespace tidemark::test
