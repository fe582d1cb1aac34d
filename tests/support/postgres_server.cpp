#include "postgres_server.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace tidemark::test {

namespace {

// A port the kernel just handed out on loopback; free unless someone races us
// (start() retries with a new port when the server cannot bind it).
int freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
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
    const QByteArray all = f.readAll();
    return QString::fromUtf8(all.right(chars));
}

} // namespace

QString PostgresServer::binDir()
{
    const QString fromEnv = qEnvironmentVariable("TIDEMARK_PG_BINDIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    // Debian keeps the server binaries out of PATH, one folder per major version.
    QDir lib(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = lib.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(
        versions.begin(), versions.end(), [](const QString &a, const QString &b) { return a.toInt() > b.toInt(); });
    for (const QString &v : versions)
        if (QFile::exists(lib.filePath(v + QStringLiteral("/bin/initdb"))))
            return lib.filePath(v + QStringLiteral("/bin"));
    return QStringLiteral("/usr/bin");
}

QString PostgresServer::binary(const QString &name) const
{
    return QDir(binDir()).filePath(name);
}

PostgresServer::PostgresServer(Options options)
    : m_options(std::move(options))
{
}

std::unique_ptr<PostgresServer> PostgresServer::start(const Options &options)
{
    std::unique_ptr<PostgresServer> s(new PostgresServer(options));
    s->m_ok = s->setUp();
    if (!s->m_ok)
        s->tearDown();
    return s;
}

PostgresServer::~PostgresServer()
{
    tearDown();
}

bool PostgresServer::runAsOwner(const QString &program, const QStringList &args, QString *output, int timeoutMs) const
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setWorkingDirectory(m_root.isEmpty() ? QDir::tempPath() : m_root);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    env.remove(QStringLiteral("PGPASSFILE"));
    p.setProcessEnvironment(env);
    if (m_asRoot)
        p.start(QStringLiteral("runuser"),
            QStringList {QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"), program} + args);
    else
        p.start(program, args);
    if (!p.waitForStarted(30000)) {
        if (output)
            *output = QStringLiteral("could not start %1: %2").arg(program, p.errorString());
        return false;
    }
    const bool finished = p.waitForFinished(timeoutMs);
    if (!finished) {
        p.kill();
        p.waitForFinished();
    }
    if (output)
        *output = QString::fromUtf8(p.readAll()) + (finished ? QString() : QStringLiteral("\n(timed out)"));
    return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool PostgresServer::setUp()
{
    m_asRoot = ::geteuid() == 0;
    if (!QFile::exists(binary(QStringLiteral("initdb")))) {
        m_error
            = QStringLiteral("no initdb in %1: install postgresql-15 (scripts/setup does) or set TIDEMARK_PG_BINDIR")
                  .arg(binDir());
        return false;
    }
    QByteArray templ = QDir::temp().filePath(QStringLiteral("tidemark-pg-XXXXXX")).toLocal8Bit();
    if (!::mkdtemp(templ.data())) {
        m_error = QStringLiteral("cannot create a temporary directory under %1").arg(QDir::tempPath());
        return false;
    }
    m_root = QString::fromLocal8Bit(templ);
    m_dataDir = m_root + QStringLiteral("/data");
    m_socketDir = m_root + QStringLiteral("/sock");
    m_logFile = m_root + QStringLiteral("/server.log");
    m_pgpass = m_root + QStringLiteral("/pgpass");
    QDir().mkpath(m_socketDir);
    if (m_asRoot) {
        QString out;
        QProcess chown;
        chown.start(QStringLiteral("chown"), {QStringLiteral("-R"), QStringLiteral("postgres:postgres"), m_root});
        if (!chown.waitForFinished(30000) || chown.exitCode() != 0) {
            m_error = QStringLiteral("chown postgres %1 failed (is there a `postgres` system user? scripts/setup "
                                     "installs postgresql-15 which creates it): %2")
                          .arg(m_root, QString::fromUtf8(chown.readAllStandardError()));
            return false;
        }
    }

    const QString pwfile = m_root + QStringLiteral("/pw");
    {
        QFile f(pwfile);
        if (!f.open(QIODevice::WriteOnly)) {
            m_error = QStringLiteral("cannot write %1").arg(pwfile);
            return false;
        }
        f.write(m_options.superPassword.toUtf8() + '\n');
    }
    if (m_asRoot)
        QProcess::execute(QStringLiteral("chown"), {QStringLiteral("postgres"), pwfile});
    QString out;
    // Local (socket) connections trusted for the test's own setup; TCP needs a
    // password, so wrong-password and pgpass behaviour are real.
    if (!runAsOwner(binary(QStringLiteral("initdb")),
            {QStringLiteral("-D"), m_dataDir, QStringLiteral("-U"), QStringLiteral("postgres"),
                QStringLiteral("--auth-local=trust"), QStringLiteral("--auth-host=scram-sha-256"),
                QStringLiteral("--pwfile=") + pwfile, QStringLiteral("-E"), QStringLiteral("UTF8"),
                QStringLiteral("--locale=C.UTF-8"), QStringLiteral("--no-sync")},
            &out, 120000)) {
        m_error = QStringLiteral("initdb failed: %1").arg(out.right(3000));
        return false;
    }
    QFile::remove(pwfile);
    if (!appendPgpass(QStringLiteral("postgres"), m_options.superPassword))
        return false;

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
    m_running = true;

    // Stops and removes the cluster should this process die without cleaning up.
    const QString pgctl = binary(QStringLiteral("pg_ctl"));
    const QString stop = (m_asRoot ? QStringLiteral("runuser -u postgres -- ") : QString()) + shellQuote(pgctl)
        + QStringLiteral(" stop -D ") + shellQuote(m_dataDir) + QStringLiteral(" -m immediate");
    const QString script
        = QStringLiteral("while kill -0 %1 2>/dev/null; do sleep 1; done; %2 >/dev/null 2>&1; rm -rf %3")
              .arg(QCoreApplication::applicationPid())
              .arg(stop, shellQuote(m_root));
    QProcess::startDetached(QStringLiteral("setsid"), {QStringLiteral("sh"), QStringLiteral("-c"), script},
        QStringLiteral("/"), &m_watchdogPid);

    if (!createDatabase(m_options.database, &out)) {
        m_error = QStringLiteral("CREATE DATABASE failed: %1").arg(out);
        return false;
    }
    return true;
}

bool PostgresServer::startOnce()
{
    QStringList opts {QStringLiteral("-p %1").arg(m_port), QStringLiteral("-k %1").arg(m_socketDir),
        QStringLiteral("-c listen_addresses=127.0.0.1"), QStringLiteral("-c fsync=off"),
        QStringLiteral("-c synchronous_commit=off"), QStringLiteral("-c full_page_writes=off"),
        QStringLiteral("-c shared_buffers=32MB"), QStringLiteral("-c max_connections=60"),
        QStringLiteral("-c log_min_messages=warning"), QStringLiteral("-c log_lock_waits=on")};
    for (const QString &s : m_options.extraSettings)
        opts << QStringLiteral("-c ") + s;
    QString out;
    if (runAsOwner(binary(QStringLiteral("pg_ctl")),
            {QStringLiteral("start"), QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("120"),
                QStringLiteral("-D"), m_dataDir, QStringLiteral("-l"), m_logFile, QStringLiteral("-o"),
                opts.join(u' ')},
            &out, 150000))
        return true;
    m_error
        = QStringLiteral("pg_ctl start failed on port %1: %2\nserver log:\n%3").arg(m_port).arg(out, tail(m_logFile));
    // A half-started postmaster must not outlive the attempt.
    runAsOwner(binary(QStringLiteral("pg_ctl")),
        {QStringLiteral("stop"), QStringLiteral("-D"), m_dataDir, QStringLiteral("-m"), QStringLiteral("immediate")},
        nullptr, 60000);
    return false;
}

void PostgresServer::tearDown()
{
    if (m_running) {
        QString out;
        runAsOwner(binary(QStringLiteral("pg_ctl")),
            {QStringLiteral("stop"), QStringLiteral("-D"), m_dataDir, QStringLiteral("-m"), QStringLiteral("immediate"),
                QStringLiteral("-w")},
            &out, 60000);
        m_running = false;
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

bool PostgresServer::appendPgpass(const QString &user, const QString &password)
{
    QFile f(m_pgpass);
    if (!f.open(QIODevice::Append | QIODevice::WriteOnly)) {
        m_error = QStringLiteral("cannot write %1").arg(m_pgpass);
        return false;
    }
    // host:port:database:username:password; the port is filled in by wildcard
    // because the file is written before the port is known.
    QString pw = password;
    pw.replace(QStringLiteral("\\"), QStringLiteral("\\\\")).replace(QStringLiteral(":"), QStringLiteral("\\:"));
    f.write(QStringLiteral("127.0.0.1:*:*:%1:%2\n").arg(user, pw).toUtf8());
    f.close();
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

QString PostgresServer::uri(const QString &user, const QString &db) const
{
    return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3?sslmode=disable")
        .arg(user)
        .arg(m_port)
        .arg(db.isEmpty() ? m_options.database : db);
}

QString PostgresServer::conninfo(const QString &user, const QString &db) const
{
    return QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=%3 sslmode=disable")
        .arg(m_port)
        .arg(db.isEmpty() ? m_options.database : db, user);
}

QStringList PostgresServer::environment() const
{
    return {QStringLiteral("PGPASSFILE=") + m_pgpass};
}

bool PostgresServer::psql(const QString &sql, QString *out, QString *error, const QString &db) const
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGPASSFILE"), m_pgpass);
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    p.setProcessEnvironment(env);
    p.start(binary(QStringLiteral("psql")),
        {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-A"), QStringLiteral("-t"), QStringLiteral("-v"),
            QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-h"), m_socketDir, QStringLiteral("-p"),
            QString::number(m_port), QStringLiteral("-U"), QStringLiteral("postgres"), QStringLiteral("-d"),
            db.isEmpty() ? m_options.database : db, QStringLiteral("-f"), QStringLiteral("-")});
    if (!p.waitForStarted(30000)) {
        if (error)
            *error = p.errorString();
        return false;
    }
    p.write(sql.toUtf8());
    p.closeWriteChannel();
    const bool finished = p.waitForFinished(600000);
    if (out)
        *out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    const QString err = QString::fromUtf8(p.readAllStandardError());
    if (error)
        *error = err;
    return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

bool PostgresServer::createRole(const QString &name, const QString &password, QString *error)
{
    QString quotedPw = password;
    quotedPw.replace(QStringLiteral("'"), QStringLiteral("''"));
    QString quotedName = name;
    quotedName.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    if (!psql(QStringLiteral("CREATE ROLE \"%1\" LOGIN PASSWORD '%2';").arg(quotedName, quotedPw), nullptr, error,
            QStringLiteral("postgres")))
        return false;
    return appendPgpass(name, password);
}

bool PostgresServer::createDatabase(const QString &name, QString *error) const
{
    QString quoted = name;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return psql(QStringLiteral("CREATE DATABASE \"%1\";").arg(quoted), nullptr, error, QStringLiteral("postgres"));
}

} // namespace tidemark::test
