#include "secret_store.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QUrl>

#include <qt6keychain/keychain.h>

#include "model/connection_string.h"

namespace tidemark::ui {

namespace {

const QString kSecretService = QStringLiteral("org.freedesktop.secrets");

QString pgpassEscape(const QString &field)
{
    QString out;
    out.reserve(field.size());
    for (QChar c : field) {
        if (c == QLatin1Char(':') || c == QLatin1Char('\\'))
            out += QLatin1Char('\\');
        out += c;
    }
    return out;
}

/// The unescaped fields of a pgpass line (libpq's rules: '\' escapes the next character).
QStringList pgpassFields(const QString &line)
{
    QStringList fields{QString()};
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (c == QLatin1Char('\\') && i + 1 < line.size())
            fields.last() += line.at(++i);
        else if (c == QLatin1Char(':'))
            fields << QString();
        else
            fields.last() += c;
    }
    return fields;
}

/// Writes `lines` to `path` atomically with mode 0600 (also when the file
/// was more open before: the drivers ignore a group- or world-readable file).
bool writePrivateFile(const QString &path, const QStringList &lines, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        if (error)
            *error = SecretStore::tr("%1 cannot be written: %2").arg(path, file.errorString());
        return false;
    }
    for (const QString &line : lines)
        file.write(line.toUtf8() + '\n');
    if (!file.commit()) {
        if (error)
            *error = SecretStore::tr("%1 cannot be written: %2").arg(path, file.errorString());
        return false;
    }
    return QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

QStringList readLines(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

/// A my.cnf value: quoted, with the escapes the option-file parser knows.
QString myCnfValue(const QString &value)
{
    QString out;
    for (QChar c : value) {
        if (c == QLatin1Char('\\'))
            out += QStringLiteral("\\\\");
        else if (c == QLatin1Char('\n'))
            out += QStringLiteral("\\n");
        else if (c == QLatin1Char('\t'))
            out += QStringLiteral("\\t");
        else
            out += c;
    }
    return QLatin1Char('"') + out + QLatin1Char('"');
}

} // namespace

ConnectionSecret ConnectionSecret::fromUri(const QString &uri)
{
    // The engine finds the password wherever libpq would (user info, a
    // password= parameter, conninfo); every other part comes from the URI
    // without it, so no query keeps a copy.
    const tidemark::ConnectionString parsed = tidemark::ConnectionString::parse(uri.toStdString());
    const QUrl url(QString::fromStdString(parsed.shown));
    ConnectionSecret s;
    s.scheme = url.scheme();
    s.host = url.host();
    s.port = url.port(0);
    s.database = url.path().mid(1);
    s.user = url.userName();
    s.password = QString::fromStdString(parsed.password);
    s.query = url.query();
    return s;
}

QString ConnectionSecret::uri() const
{
    QUrl url;
    url.setScheme(scheme);
    url.setUserName(user);
    url.setHost(host.isEmpty() ? QStringLiteral("localhost") : host);
    if (port > 0)
        url.setPort(port);
    url.setPath(QLatin1Char('/') + database);
    if (!query.isEmpty())
        url.setQuery(query);
    return url.toString();
}

int ConnectionSecret::effectivePort() const
{
    if (port > 0)
        return port;
    return scheme == QStringLiteral("mariadb") ? 3306 : 5432;
}

QString ConnectionSecret::effectiveHost() const { return host.isEmpty() ? QStringLiteral("localhost") : host; }

SecretStore::SecretStore(QObject *parent)
    : QObject(parent)
    , m_backend(secretServiceAvailable() ? Backend::Keychain : Backend::PasswordFile)
{
}

bool SecretStore::secretServiceAvailable()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface())
        return false;
    if (bus.interface()->isServiceRegistered(kSecretService).value())
        return true;
    return bus.interface()->activatableServiceNames().value().contains(kSecretService);
}

QString SecretStore::stripPassword(const QString &uri)
{
    return QString::fromStdString(tidemark::redactUri(uri.toStdString()));
}

QString SecretStore::pgpassPath()
{
    const QString fromEnv = qEnvironmentVariable("PGPASSFILE");
    return fromEnv.isEmpty() ? QDir::home().filePath(QStringLiteral(".pgpass")) : fromEnv;
}

QString SecretStore::myCnfPath() { return QDir::home().filePath(QStringLiteral(".my.cnf")); }

QString SecretStore::pgpassLine(const ConnectionSecret &s)
{
    return QStringList{pgpassEscape(s.effectiveHost()), QString::number(s.effectivePort()),
                       s.database.isEmpty() ? QStringLiteral("*") : pgpassEscape(s.database), pgpassEscape(s.user),
                       pgpassEscape(s.password)}
        .join(QLatin1Char(':'));
}

bool SecretStore::writePgpass(const QString &path, const ConnectionSecret &secret, QString *error)
{
    const QString line = pgpassLine(secret);
    const QStringList key = pgpassFields(line).mid(0, 4);
    QStringList lines = readLines(path);
    bool replaced = false;
    for (QString &existing : lines) {
        if (existing.trimmed().startsWith(QLatin1Char('#')))
            continue;
        if (pgpassFields(existing).mid(0, 4) == key) {
            existing = line;
            replaced = true;
        }
    }
    if (!replaced)
        lines << line;
    lines.removeDuplicates();
    return writePrivateFile(path, lines, error);
}

bool SecretStore::writeMyCnf(const QString &path, const ConnectionSecret &secret, QString *error)
{
    QStringList lines = readLines(path);
    const QString userLine = QStringLiteral("user=") + myCnfValue(secret.user);
    const QString passwordLine = QStringLiteral("password=") + myCnfValue(secret.password);
    qsizetype section = -1;
    for (qsizetype i = 0; i < lines.size(); ++i)
        if (lines[i].trimmed().compare(QStringLiteral("[client]"), Qt::CaseInsensitive) == 0)
            section = i;
    if (section < 0) {
        if (!lines.isEmpty() && !lines.last().trimmed().isEmpty())
            lines << QString();
        lines << QStringLiteral("[client]") << userLine << passwordLine;
        return writePrivateFile(path, lines, error);
    }
    qsizetype end = section + 1;
    while (end < lines.size() && !lines[end].trimmed().startsWith(QLatin1Char('[')))
        ++end;
    bool haveUser = false, havePassword = false;
    for (qsizetype i = section + 1; i < end; ++i) {
        const QString option = lines[i].section(QLatin1Char('='), 0, 0).trimmed();
        if (option == QStringLiteral("user")) {
            lines[i] = userLine;
            haveUser = true;
        } else if (option == QStringLiteral("password")) {
            lines[i] = passwordLine;
            havePassword = true;
        }
    }
    if (!havePassword)
        lines.insert(section + 1, passwordLine);
    if (!haveUser)
        lines.insert(section + 1, userLine);
    return writePrivateFile(path, lines, error);
}

void SecretStore::saveToFile(const ConnectionSecret &secret)
{
    const QString uri = secret.uri();
    const bool maria = secret.scheme == QStringLiteral("mariadb");
    const QString path = maria ? myCnfPath() : pgpassPath();
    QString error;
    const bool ok = maria ? writeMyCnf(path, secret, &error) : writePgpass(path, secret, &error);
    Q_EMIT saved(uri, Backend::PasswordFile, path, ok ? QString() : error);
}

void SecretStore::save(const ConnectionSecret &secret)
{
    if (m_backend == Backend::PasswordFile) {
        saveToFile(secret);
        return;
    }
    auto *job = new QKeychain::WritePasswordJob(QLatin1String(kService), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(secret.uri());
    job->setTextData(secret.password);
    connect(job, &QKeychain::Job::finished, this, [this, secret](QKeychain::Job *done) {
        if (done->error() == QKeychain::NoError) {
            Q_EMIT saved(secret.uri(), Backend::Keychain, tr("the system keychain"), QString());
            return;
        }
        // A keychain that refuses (locked, no collection) must not lose the
        // password: the database's own 0600 file still keeps it out of the store.
        qWarning("tidemark: keychain refused the password (%s); using the password file",
                 qPrintable(done->errorString()));
        saveToFile(secret);
    });
    job->start();
}

void SecretStore::load(const QString &uri)
{
    const QString key = stripPassword(uri);
    if (m_backend == Backend::PasswordFile) {
        Q_EMIT loaded(key, QString());
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(QLatin1String(kService), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [this, key](QKeychain::Job *done) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(done);
        Q_EMIT loaded(key, read->error() == QKeychain::NoError ? read->textData() : QString());
    });
    job->start();
}

void SecretStore::remove(const QString &uri)
{
    if (m_backend == Backend::PasswordFile)
        return;
    auto *job = new QKeychain::DeletePasswordJob(QLatin1String(kService), this);
    job->setAutoDelete(true);
    job->setKey(stripPassword(uri));
    job->start();
}

} // namespace tidemark::ui
