#include "keychain_password.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QEventLoop>
#include <QTimer>
#include <QUrl>

#include <qt6keychain/keychain.h>

namespace tidemark::app {

namespace {
// The service name and key scheme the desktop app's SecretStore uses.
constexpr auto kService = "tidemark";
constexpr auto kSecretService = "org.freedesktop.secrets";

bool secretServiceAvailable()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface())
        return false;
    const QString name = QLatin1String(kSecretService);
    if (bus.interface()->isServiceRegistered(name).value())
        return true;
    return bus.interface()->activatableServiceNames().value().contains(name);
}
} // namespace

std::optional<QString> keychainPassword(const QString &uri, int timeoutMs)
{
    if (!secretServiceAvailable())
        return std::nullopt;
    QKeychain::ReadPasswordJob job{QLatin1String(kService)};
    job.setAutoDelete(false);
    job.setKey(uri);
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    timeout.start(timeoutMs);
    job.start();
    loop.exec();
    if (timeout.isActive() && job.error() == QKeychain::NoError && !job.textData().isEmpty())
        return job.textData();
    return std::nullopt;
}

std::string withKeychainPassword(const std::string &uri)
{
    QUrl url(QString::fromStdString(uri), QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || !url.password().isEmpty()
        || (scheme != QLatin1String("postgresql") && scheme != QLatin1String("postgres")
            && scheme != QLatin1String("mariadb") && scheme != QLatin1String("mysql")))
        return uri;
    const auto password = keychainPassword(QString::fromStdString(uri));
    if (!password)
        return uri;
    url.setPassword(*password);
    return url.toString().toStdString();
}

} // namespace tidemark::app
