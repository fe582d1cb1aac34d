#pragma once
// A private PostgreSQL server for integration tests: initdb in a temporary
// directory, a free loopback port, its own socket directory, started with
// pg_ctl and stopped and removed again by the destructor, also when a test
// fails. As root the cluster belongs to the `postgres` system user (initdb
// refuses root). A detached watchdog stops the server if the test process
// dies without running its destructors.
//
// QTest use:
//   void initTestCase() { m_pg = PostgresServer::start(); QVERIFY2(m_pg->ok(), qPrintable(m_pg->error())); }
//   void cleanupTestCase() { m_pg.reset(); }
#include <memory>

#include <QString>
#include <QStringList>

namespace tidemark::test {

class PostgresServer {
public:
    struct Options {
        QString database = QStringLiteral("tidemark_test");
        /// Password of the superuser `postgres` for TCP connections (scram).
        QString superPassword = QStringLiteral("tidemark-super");
        QStringList extraSettings; ///< "-c name=value" pairs without "-c"
    };

    /// Starts a server; check ok() (and error() for the reason) afterwards.
    static std::unique_ptr<PostgresServer> start(const Options &options);
    static std::unique_ptr<PostgresServer> start() { return start(Options {}); }

    ~PostgresServer();
    PostgresServer(const PostgresServer &) = delete;
    PostgresServer &operator=(const PostgresServer &) = delete;

    bool ok() const { return m_ok; }
    QString error() const { return m_error; }

    int port() const { return m_port; }
    QString socketDir() const { return m_socketDir; }
    QString dataDir() const { return m_dataDir; }
    QString database() const { return m_options.database; }
    /// The server's log (log_min_messages = warning: every ERROR is in it).
    QString logFile() const { return m_logFile; }
    /// Folder of the server's binaries (initdb, pg_ctl, psql, pgbench).
    static QString binDir();
    QString binary(const QString &name) const;

    /// postgresql://user@127.0.0.1:port/db; the password comes from the
    /// pgpass file this server writes (see pgpassFile()), never from the URI.
    QString uri(const QString &user = QStringLiteral("postgres"), const QString &db = QString()) const;
    /// key=value conninfo for the same connection.
    QString conninfo(const QString &user = QStringLiteral("postgres"), const QString &db = QString()) const;
    /// A 0600 pgpass file holding the passwords of the users created here.
    QString pgpassFile() const { return m_pgpass; }
    /// Environment for child processes (PGPASSFILE) as "NAME=value" entries.
    QStringList environment() const;

    /// Runs SQL as the superuser through the unix socket; on failure returns
    /// false and puts psql's message into *error. *out gets unaligned output.
    bool psql(
        const QString &sql, QString *out = nullptr, QString *error = nullptr, const QString &db = QString()) const;
    /// Creates a login role with a password (also added to the pgpass file).
    bool createRole(const QString &name, const QString &password, QString *error = nullptr);
    bool createDatabase(const QString &name, QString *error = nullptr) const;

private:
    explicit PostgresServer(Options options);
    bool setUp();
    bool startOnce();
    void tearDown();
    bool runAsOwner(const QString &program, const QStringList &args, QString *output, int timeoutMs) const;
    bool appendPgpass(const QString &user, const QString &password);

    Options m_options;
    bool m_ok = false;
    bool m_running = false;
    bool m_asRoot = false;
    QString m_error;
    QString m_root;
    QString m_dataDir;
    QString m_socketDir;
    QString m_logFile;
    QString m_pgpass;
    int m_port = 0;
    qint64 m_watchdogPid = 0;
};

} // namespace tidemark::test
