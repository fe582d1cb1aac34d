#pragma once
// Where connection passwords live: the system keychain (QtKeychain, when a
// Secret Service answers on the session bus), otherwise the database's own
// password file — ~/.pgpass (or $PGPASSFILE) for PostgreSQL, the [client]
// section of ~/.my.cnf for MariaDB — written with mode 0600. Never the
// metadata store, never a stored URI: stripPassword() removes it first.
// libpq and the mysql tools read those files themselves; tidemark-cli looks
// keychain passwords up with app/common/keychain_password.h (same service
// and key), so both apps find the same passwords. In the desktop app a
// keychain password reaches the engine through EngineClient::setPassword().
#include <QObject>
#include <QString>

namespace tidemark::ui {

/// The parts of a connection URI a password belongs to.
struct ConnectionSecret {
    QString scheme;   ///< "postgresql" or "mariadb"
    QString host;     ///< empty: localhost
    int port = 0;     ///< 0: the scheme's default port
    QString database;
    QString user;
    QString password;
    QString query;    ///< e.g. "sslmode=require", kept in the URI

    /// Splits a URI (a password in it is taken as the secret).
    static ConnectionSecret fromUri(const QString &uri);
    /// The URI without password: the keychain key and what the store keeps.
    QString uri() const;
    int effectivePort() const;
    QString effectiveHost() const;
};

class SecretStore : public QObject {
    Q_OBJECT
public:
    enum class Backend { Keychain, PasswordFile };
    Q_ENUM(Backend)

    explicit SecretStore(QObject *parent = nullptr);

    /// Keychain when a Secret Service is registered or activatable on the
    /// session bus, the password file otherwise. Decided once, at construction.
    Backend backend() const { return m_backend; }
    /// For tests and for a user who prefers the files.
    void setBackend(Backend backend) { m_backend = backend; }
    static bool secretServiceAvailable();

    /// Stores the password (asynchronously for the keychain): emits saved().
    void save(const ConnectionSecret &secret);
    /// Reads a keychain password: emits loaded() (empty password when none,
    /// or when the backend is the password file, which the drivers read).
    void load(const QString &uri);
    /// Forgets a keychain password (password files are left to the user).
    void remove(const QString &uri);

    /// The URI without password (the engine's redactUri): the keychain key.
    static QString stripPassword(const QString &uri);
    static QString pgpassPath();
    static QString myCnfPath();
    /// `host:port:db:user:password` with ':' and '\' escaped as libpq expects.
    static QString pgpassLine(const ConnectionSecret &secret);
    /// Adds or replaces the line for host, port, database and user; keeps
    /// every other line; mode 0600. False with a reason in `error`.
    static bool writePgpass(const QString &path, const ConnectionSecret &secret, QString *error);
    /// Sets user and password in the [client] section; keeps everything else; mode 0600.
    static bool writeMyCnf(const QString &path, const ConnectionSecret &secret, QString *error);

    static constexpr const char *kService = "tidemark";

Q_SIGNALS:
    /// `error` is empty on success; `where` says where the password went.
    void saved(const QString &uri, tidemark::ui::SecretStore::Backend where, const QString &location,
               const QString &error);
    void loaded(const QString &uri, const QString &password);

private:
    void saveToFile(const ConnectionSecret &secret);
    Backend m_backend;
};

} // namespace tidemark::ui
