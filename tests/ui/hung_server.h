#pragma once
// A TCP server on loopback that accepts and never answers: what a database
// server that hangs looks like to a client (its connect waits until
// connect_timeout). Needs Qt6::Network.
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>

#include <memory>

namespace tidemark::test {

class HungServer {
public:
    HungServer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                m_accepted.emplace_back(socket);
        });
    }
    bool listening() const { return m_server.isListening(); }
    quint16 port() const { return m_server.serverPort(); }
    /// Connections accepted so far (kept open, never written to).
    int accepted() const { return int(m_accepted.size()); }
    /// A PostgreSQL URI that points here.
    QString postgresUri(const QString &query = QString()) const
    {
        return QStringLiteral("postgresql://ann@127.0.0.1:%1/hung%2").arg(port()).arg(query);
    }

private:
    QTcpServer m_server;
    std::vector<std::unique_ptr<QTcpSocket>> m_accepted;
};

} // namespace tidemark::test
