#include "mariadb_server.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace tidemark::test {

namespace {

int freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

QString shellQuote(const QString &s)
{
    QString q = s;
    q.replace(QStringLiteral("'"), QStringLiteral("'\\''"));
    return QStringLiteral("'") + q + QStringLiteral("'");
}

QString tail(const QString &file, int chars = 3000)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll().right(chars));
}

QString sqlString(const QString &s)
{
    QString q = s;
    q.replace(QStringLiteral("\\"), QStringLiteral("\\\\")).replace(QStringLiteral("'"), QStringLiteral("''"));
    return QStringLiteral("'") + q + QStringLiteral("'");
}

QString sqlName(const QString &s)
{
    QString q = s;
    q.replace(QStringLiteral("`"), QStringLiteral("``"));
    return QStringLiteral("`") + q + QStringLiteral("`");
}

bool processAlive(qint64 pid)
{
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0;
}

} // namespace

QString MariaDbServer::serverBinary()
{
    const QString fromEnv = qEnvironmentVariable("TIDEMARK_MARIADBD");
    return fromEnv.isEmpty() ? QStringLiteral("/usr/sbin/mariadbd") : fromEnv;
}

MariaDbServer::MariaDbServer(Options options)
    : m_options(std::move(options))
{
}

std::unique_ptr<MariaDbServer> MariaDbServer::start(const Options &options)
{
    std::unique_ptr<MariaDbServer> s(new MariaDbServer(options));
    s->m_ok = s->setUp();
    if (!s->m_ok)
        s->tearDown();
    return s;
}

MariaDbServer::~MariaDbServer()
{
    tearDown();
}

bool MariaDbServer::setUp()
{
    m_asRoot = ::geteuid() == 0;
    if (!QFile::exists(serverBinary())) {
        m_error = QStringLiteral("no %1: install mariadb-server (scripts/setup does) or set TIDEMARK_MARIADBD")
                      .arg(serverBinary());
        return false;
    }
    QByteArray templ = QDir::temp().filePath(QStringLiteral("tidemark-maria-XXXXXX")).toLocal8Bit();
    if (!::mkdtemp(templ.data())) {
        m_error = QStringLiteral("cannot create a temporary directory under %1").arg(QDir::tempPath());
        return false;
    }
    m_root = QString::fromLocal8Bit(templ);
    m_dataDir = m_root + QStringLiteral("/data");
    m_socket = m_root + QStringLiteral("/mariadb.sock");
    m_logFile = m_root + QStringLiteral("/server.log");
    m_home = m_root + QStringLiteral("/home");
    QDir().mkpath(m_home);
    if (m_asRoot) {
        QProcess chown;
        chown.start(QStringLiteral("chown"), {QStringLiteral("mysql:mysql"), m_root});
        if (!chown.waitForFinished(30000) || chown.exitCode() != 0) {
            m_error = QStringLiteral("chown mysql %1 failed (is there a `mysql` system user? scripts/setup installs "
                                     "mariadb-server which creates it): %2")
                          .arg(m_root, QString::fromUtf8(chown.readAllStandardError()));
            return false;
        }
    }

    // Root authenticates by its empty password over the socket only; TCP
    // users are created with passwords so authentication is real.
    QProcess install;
    install.setProcessChannelMode(QProcess::MergedChannels);
    install.setWorkingDirectory(m_root);
    QStringList args{QStringLiteral("--no-defaults"), QStringLiteral("--datadir=") + m_dataDir,
                     QStringLiteral("--auth-root-authentication-method=normal"), QStringLiteral("--skip-test-db"),
                     QStringLiteral("--skip-name-resolve")};
    if (m_asRoot)
        install.start(QStringLiteral("runuser"),
                      QStringList{QStringLiteral("-u"), QStringLiteral("mysql"), QStringLiteral("--"),
                                  QStringLiteral("mariadb-install-db")} +
                          args);
    else
        install.start(QStringLiteral("mariadb-install-db"), args);
    if (!install.waitForFinished(180000) || install.exitStatus() != QProcess::NormalExit || install.exitCode() != 0) {
        m_error = QStringLiteral("mariadb-install-db failed: %1").arg(QString::fromUtf8(install.readAll().right(3000)));
        return false;
    }

    for (int attempt = 0; attempt < 4; ++attempt) {
        m_port = freeLoopbackPort();
        if (m_port == 0) {
            m_error = QStringLiteral("no free loopback port");
            return false;
        }
        if (startOnce())
            break;
        if (attempt == 3)
            return false;
    }

    // Kills the server and removes its files should this process die first.
    const QString script =
        QStringLiteral("while kill -0 %1 2>/dev/null; do sleep 1; done; kill -9 %2 2>/dev/null; sleep 1; rm -rf %3")
            .arg(QCoreApplication::applicationPid())
            .arg(m_serverPid)
            .arg(shellQuote(m_root));
    QProcess::startDetached(QStringLiteral("setsid"), {QStringLiteral("sh"), QStringLiteral("-c"), script},
                            QStringLiteral("/"), &m_watchdogPid);

    QString out;
    if (!sql(QStringLiteral("DELETE FROM mysql.global_priv WHERE user = 'root' AND host <> 'localhost'; "
                            "FLUSH PRIVILEGES;"),
             nullptr, &out, QStringLiteral("mysql"))) {
        m_error = QStringLiteral("removing root's TCP accounts failed: %1").arg(out);
        return false;
    }
    if (!createDatabase(m_options.database, &out)) {
        m_error = QStringLiteral("CREATE DATABASE failed: %1").arg(out);
        return false;
    }
    if (!createUser(m_options.user, m_options.password, QStringLiteral("ALL"), true, &out)) {
        m_error = QStringLiteral("CREATE USER failed: %1").arg(out);
        return false;
    }
    return true;
}

bool MariaDbServer::startOnce()
{
    QStringList args{QStringLiteral("--no-defaults"),
                     QStringLiteral("--datadir=") + m_dataDir,
                     QStringLiteral("--socket=") + m_socket,
                     QStringLiteral("--port=%1").arg(m_port),
                     QStringLiteral("--bind-address=127.0.0.1"),
                     QStringLiteral("--pid-file=") + m_root + QStringLiteral("/mariadb.pid"),
                     QStringLiteral("--log-error=") + m_logFile,
                     QStringLiteral("--log-bin=") + m_dataDir + QStringLiteral("/binlog"),
                     QStringLiteral("--binlog-format=ROW"),
                     QStringLiteral("--server-id=1"),
                     QStringLiteral("--innodb-buffer-pool-size=64M"),
                     QStringLiteral("--innodb-log-file-size=48M"),
                     QStringLiteral("--innodb-flush-log-at-trx-commit=0"),
                     QStringLiteral("--sync-binlog=0"),
                     QStringLiteral("--innodb-doublewrite=0"),
                     QStringLiteral("--skip-name-resolve"),
                     QStringLiteral("--max-connections=80"),
                     QStringLiteral("--performance-schema=OFF")};
    if (m_asRoot)
        args << QStringLiteral("--user=mysql");
    for (const QString &s : m_options.extraSettings)
        args << QStringLiteral("--") + s;
    QFile::remove(m_socket);
    if (!QProcess::startDetached(serverBinary(), args, m_root, &m_serverPid)) {
        m_error = QStringLiteral("cannot start %1").arg(serverBinary());
        return false;
    }
    const QDeadlineTimer deadline(120000);
    while (!deadline.hasExpired()) {
        if (!processAlive(m_serverPid))
            break;
        if (QFile::exists(m_socket) && sql(QStringLiteral("SELECT 1"), nullptr, nullptr, QStringLiteral("mysql")))
            return true;
        QThread::msleep(100);
    }
    m_error = QStringLiteral("mariadbd did not come up on port %1\nserver log:\n%2").arg(m_port).arg(tail(m_logFile));
    if (processAlive(m_serverPid)) {
        ::kill(static_cast<pid_t>(m_serverPid), SIGKILL);
        QThread::msleep(300);
    }
    m_serverPid = 0;
    return false;
}

void MariaDbServer::tearDown()
{
    if (m_serverPid > 0) {
        ::kill(static_cast<pid_t>(m_serverPid), SIGKILL); // a test server needs no clean shutdown
        for (int i = 0; i < 100 && processAlive(m_serverPid); ++i) {
            QThread::msleep(50);
        }
        m_serverPid = 0;
    }
    if (m_watchdogPid > 0) {
        ::kill(static_cast<pid_t>(m_watchdogPid), SIGTERM);
        m_watchdogPid = 0;
    }
    if (!m_root.isEmpty()) {
        QDir(m_root).removeRecursively();
        m_root.clear();
    }
}

QString MariaDbServer::uri(const QString &user, const QString &db) const
{
    return QStringLiteral("mariadb://%1@127.0.0.1:%2/%3")
        .arg(user.isEmpty() ? m_options.user : user)
        .arg(m_port)
        .arg(db.isEmpty() ? m_options.database : db);
}

QStringList MariaDbServer::environment() const
{
    return {QStringLiteral("HOME=") + m_home};
}

bool MariaDbServer::writeMyCnf()
{
    // [client] for the default user; a section per user and host for the
    // others, which the connector reads for a URI naming that user.
    QString text = QStringLiteral("# written by the Tidemark test server\n[client]\nuser=%1\npassword=\"%2\"\n")
                       .arg(m_options.user, m_options.password);
    for (const QString &entry : m_cnfUsers) {
        const QStringList parts = entry.split(u'\t');
        text += QStringLiteral("\n[client-%1@127.0.0.1]\npassword=\"%2\"\n").arg(parts[0], parts[1]);
    }
    QFile f(myCnf());
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        m_error = QStringLiteral("cannot write %1").arg(myCnf());
        return false;
    }
    f.write(text.toUtf8());
    f.close();
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

bool MariaDbServer::sql(const QString &statements, QString *out, QString *error, const QString &db) const
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("mariadb"),
            {QStringLiteral("--no-defaults"), QStringLiteral("--socket=") + m_socket, QStringLiteral("--user=root"),
             QStringLiteral("--batch"), QStringLiteral("--skip-column-names"), QStringLiteral("--raw"),
             db.isEmpty() ? m_options.database : db});
    if (!p.waitForStarted(30000)) {
        if (error)
            *error = p.errorString();
        return false;
    }
    p.write(statements.toUtf8());
    p.closeWriteChannel();
    const bool finished = p.waitForFinished(600000);
    if (!finished) {
        p.kill();
        p.waitForFinished();
    }
    if (out)
        *out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    if (error)
        *error = QString::fromUtf8(p.readAllStandardError());
    return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool MariaDbServer::createUser(const QString &name, const QString &password, const QString &privileges,
                               bool inOptionFile, QString *error)
{
    const QString account = sqlString(name) + QStringLiteral("@'127.0.0.1'");
    QString grant;
    if (!privileges.isEmpty())
        grant = QStringLiteral("GRANT %1 ON *.* TO %2;")
                    .arg(privileges == QStringLiteral("ALL") ? QStringLiteral("ALL PRIVILEGES") : privileges, account);
    if (!sql(QStringLiteral("CREATE USER %1 IDENTIFIED BY %2; %3").arg(account, sqlString(password), grant), nullptr,
             error, QStringLiteral("mysql")))
        return false;
    if (!inOptionFile)
        return true;
    if (name != m_options.user)
        m_cnfUsers << name + u'\t' + password;
    return writeMyCnf();
}

bool MariaDbServer::createDatabase(const QString &name, QString *error) const
{
    return sql(QStringLiteral("CREATE DATABASE %1;").arg(sqlName(name)), nullptr, error, QStringLiteral("mysql"));
}

} // namespace tidemark::test
