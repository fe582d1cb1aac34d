#include "connection_status.h"

#include <QFileInfo>
#include <QUrl>

#include "engine_types.h"
#include "secret_store.h"

namespace tidemark::ui {

ConnectionState stateFor(const EngineError &error)
{
    switch (error.code) {
    case tidemark::ErrorCode::AuthFailed:
        return ConnectionState::AuthFailed;
    case tidemark::ErrorCode::Unreachable:
        return ConnectionState::Unreachable;
    case tidemark::ErrorCode::NotFound:
        return ConnectionState::Missing;
    case tidemark::ErrorCode::Cancelled:
        return ConnectionState::Cancelled;
    case tidemark::ErrorCode::Unsupported:
        return ConnectionState::NoConnector;
    default:
        return ConnectionState::Failed;
    }
}

QString ConnectionWords::kindOf(const QString &scheme)
{
    if (scheme == QLatin1String("sqlite"))
        return QStringLiteral("SQLite");
    if (scheme == QLatin1String("postgresql") || scheme == QLatin1String("postgres"))
        return QStringLiteral("PostgreSQL");
    if (scheme == QLatin1String("mariadb") || scheme == QLatin1String("mysql"))
        return QStringLiteral("MariaDB");
    return scheme.isEmpty() ? tr("unknown") : scheme;
}

ConnectionDescription ConnectionWords::describe(const QString &uri, const QString &name)
{
    const QUrl url(uri);
    ConnectionDescription d;
    d.kind = kindOf(url.scheme());
    if (url.scheme() == QLatin1String("sqlite")) {
        // sqlite:///abs/path.db, sqlite://relative.db
        QString path = uri.mid(int(qstrlen("sqlite://")));
        if (const int q = path.indexOf(QLatin1Char('?')); q >= 0)
            path.truncate(q);
        d.where = path;
        d.name = name.isEmpty() ? QFileInfo(path).completeBaseName() : name;
        return d;
    }
    // Server URIs split as the password store does (conninfo too; never
    // with a password).
    const ConnectionSecret server = ConnectionSecret::fromUri(uri);
    if (server.host.isEmpty() && server.database.isEmpty()) {
        d.where = SecretStore::stripPassword(uri);
        d.name = name;
        return d;
    }
    const QString database = server.database;
    QString where = server.host.isEmpty() ? QStringLiteral("localhost") : server.host;
    if (server.port > 0)
        where += QLatin1Char(':') + QString::number(server.port);
    if (!database.isEmpty())
        where += QLatin1Char('/') + database;
    d.where = server.user.isEmpty() ? where : tr("%1 as %2").arg(where, server.user);
    d.name = name.isEmpty() ? database : name;
    return d;
}

QString ConnectionWords::stateText(ConnectionState state)
{
    switch (state) {
    case ConnectionState::NotChecked:
        return tr("not checked yet");
    case ConnectionState::Checking:
        return tr("checking…");
    case ConnectionState::Reachable:
        return tr("reachable");
    case ConnectionState::AuthFailed:
        return tr("password or user refused");
    case ConnectionState::Unreachable:
        return tr("server does not answer");
    case ConnectionState::Missing:
        return tr("database not found");
    case ConnectionState::NoConnector:
        return tr("no connector for this kind");
    case ConnectionState::Cancelled:
        return tr("check stopped");
    case ConnectionState::Failed:
        return tr("cannot be read");
    }
    return {};
}

} // namespace tidemark::ui
