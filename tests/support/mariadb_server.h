#pragma once
// A private MariaDB server for integration tests: mariadb-install-db in a
// temporary directory, a free loopback port, its own socket, the binary log
// on (ROW format, for a binlog activity source), started as the `mysql`
// system user when the tests run as root, stopped and removed again by the
// destructor, also when a test fails. A detached watchdog kills the server
// if the test process dies without running its destructors.
//
// QTest use:
//   void initTestCase() { m_db = MariaDbServer::start(); QVERIFY2(m_db->ok(), qPrintable(m_db->error())); }
//   void cleanupTestCase() { m_db.reset(); }
#include <memory>

#include <QString>
#include <QStringList>

namespace tidemark::test {

class MariaDbServer {
public:
    struct Options {
        QString database = QStringLiteral("tidemark_test");
        /// A TCP user with every privilege, created at start; its password
        /// goes into the option file (myCnf()), never into a URI.
        QString user = QStringLiteral("tidemark");
        QString password = QStringLiteral("tidemark-maria");
        QStringList extraSettings; ///< "name=value" server options without "--"
    };

    /// Starts a server; check ok() (and error() for the reason) afterwards.
    static std::unique_ptr<MariaDbServer> start(const Options &options);
    static std::unique_ptr<MariaDbServer> start() { return start(Options{}); }

    ~MariaDbServer();
    MariaDbServer(const MariaDbServer &) = delete;
    MariaDbServer &operator=(const MariaDbServer &) = delete;

    bool ok() const { return m_ok; }
    QString error() const { return m_error; }

    int port() const { return m_port; }
    QString socket() const { return m_socket; }
    QString dataDir() const { return m_dataDir; }
    QString root() const { return m_root; }
    QString database() const { return m_options.database; }

    /// mariadb://user@127.0.0.1:port/db (no password: see myCnf()).
    QString uri(const QString &user = QString(), const QString &db = QString()) const;
    /// A 0600 directory holding .my.cnf with a [client] password of the
    /// default user and a per-host section for each user created here; tests
    /// point HOME at it (see environment()).
    QString home() const { return m_home; }
    QString myCnf() const { return m_home + QStringLiteral("/.my.cnf"); }
    /// Environment for child processes (HOME) as "NAME=value" entries.
    QStringList environment() const;

    /// Runs SQL as root through the socket with the `mariadb` client; on
    /// failure returns false with the client's message in *error. *out gets
    /// tab-separated rows without column names.
    bool sql(const QString &sql, QString *out = nullptr, QString *error = nullptr, const QString &db = QString()) const;
    /// Creates 'name'@'127.0.0.1' with a password and the given privileges
    /// ("ALL" or a list like "SELECT, PROCESS") on every database; the
    /// password is added to the option file unless `inOptionFile` is false.
    bool createUser(const QString &name, const QString &password, const QString &privileges = QStringLiteral("ALL"),
                    bool inOptionFile = true, QString *error = nullptr);
    bool createDatabase(const QString &name, QString *error = nullptr) const;

    /// Folder of mariadbd, mariadb-install-db and the client tools.
    static QString serverBinary();

private:
    explicit MariaDbServer(Options options);
    bool setUp();
    bool startOnce();
    void tearDown();
    bool writeMyCnf();

    Options m_options;
    bool m_ok = false;
    bool m_asRoot = false;
    QString m_error;
    QString m_root;
    QString m_dataDir;
    QString m_socket;
    QString m_logFile;
    QString m_home;
    QStringList m_cnfUsers; ///< "user\tpassword" entries written to .my.cnf
    int m_port = 0;
    qint64 m_serverPid = 0;
    qint64 m_watchdogPid = 0;
};

} // namespace tidemark::test
