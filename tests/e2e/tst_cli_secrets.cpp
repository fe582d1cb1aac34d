// A password written into a URI is used and never shown or stored: against a
// private PostgreSQL whose role has a sentinel password (and an empty
// password file, so only the URI can supply it), every tidemark-cli command
// that takes a URI runs with the password in the user info, in the query
// string and in key=value conninfo; the sentinel appears in no stdout or
// stderr, in no byte of the metadata store, its WAL or shared memory, and in
// no reply or log line of the agent. The store files are mode 0600.
#include <QElapsedTimer>
#include <QProcess>
#include <QTcpSocket>

#include <sys/stat.h>

#include "cli_harness.h"
#include "postgres_server.h"

using namespace tidemark::test;

namespace {

const QString kUser = QStringLiteral("secret_dba");
const QString kSentinel = QStringLiteral("Sntl-7f3a-pw"); // kUser's password; must show up nowhere

int modeOf(const QString &file)
{
    struct stat st { };
    return ::stat(file.toUtf8().constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

/// A failure message that does not print the sentinel itself.
QString masked(const QString &text)
{
    return QString(text).replace(kSentinel, QStringLiteral("<SENTINEL>"));
}

} // namespace

class TestCliSecrets : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;
    CliHarness m_cli;
    QStringList m_env;

    QString hostPort() const { return QStringLiteral("127.0.0.1:%1").arg(m_pg->port()); }
    /// The connection as Tidemark shows and stores it.
    QString shown() const { return QStringLiteral("postgresql://%1@%2/%3").arg(kUser, hostPort(), m_pg->database()); }
    QString withUserInfo() const
    {
        return QStringLiteral("postgresql://%1:%2@%3/%4").arg(kUser, kSentinel, hostPort(), m_pg->database());
    }
    QString withQuery() const { return shown() + QStringLiteral("?password=") + kSentinel; }
    QString conninfo() const
    {
        return QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=%3 password='%4'")
            .arg(m_pg->port())
            .arg(m_pg->database(), kUser, kSentinel);
    }

    QString m_why;

    /// Runs tidemark-cli into `r`: false (with m_why) when the sentinel shows
    /// in its output or it exits otherwise than `exits`.
    bool cli(ProcessResult &r, const QStringList &args, const QList<int> &exits = {0})
    {
        r = m_cli.cli(args, m_env);
        m_why = masked(args.join(u' ') + QLatin1Char('\n') + describe(r));
        if (r.out.contains(kSentinel) || r.err.contains(kSentinel)) {
            m_why.prepend(QStringLiteral("the password was printed: "));
            return false;
        }
        return exits.contains(r.exitCode);
    }

    void checkStoreBytes()
    {
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
            const QByteArray bytes = CliHarness::fileBytes(m_cli.store() + suffix);
            QVERIFY2(!bytes.contains(kSentinel.toUtf8()),
                     qPrintable(QStringLiteral("the password is in the store%1").arg(suffix)));
        }
    }

private slots:
    void initTestCase()
    {
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        QString error;
        QVERIFY2(m_pg->createRole(kUser, kSentinel, &error), qPrintable(error));
        QString sql = QStringLiteral("CREATE TABLE events (id bigint NOT NULL, v text) PARTITION BY RANGE (id);");
        for (int p = 0; p < 6; ++p)
            sql += QStringLiteral("CREATE TABLE events_p%1 PARTITION OF events FOR VALUES FROM (%2) TO (%3);"
                                  "ALTER TABLE events_p%1 OWNER TO %4;")
                       .arg(p)
                       .arg(p * 1000)
                       .arg((p + 1) * 1000)
                       .arg(kUser);
        sql += QStringLiteral("ALTER TABLE events OWNER TO %1;"
                              "INSERT INTO events SELECT g, repeat('x', 200) FROM generate_series(0, 5999) g;"
                              "ANALYZE events;")
                   .arg(kUser);
        QVERIFY2(m_pg->psql(sql, nullptr, &error), qPrintable(error));
        // No password file anywhere: only the URI can log kUser in.
        const QString empty = m_cli.path(QStringLiteral("empty.pgpass"));
        QFile f(empty);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QFile::setPermissions(empty, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        m_env = {QStringLiteral("PGPASSFILE=") + empty, QStringLiteral("PGPASSWORD=")};
    }

    void cleanupTestCase() { m_pg.reset(); }

    void withoutThePasswordTheLoginFails()
    {
        ProcessResult r;
        QVERIFY2(cli(r, {QStringLiteral("scan"), shown()}, {1, 2, 3}), qPrintable(m_why));
        QVERIFY2(r.err.contains(QLatin1String("password")), qPrintable(describe(r)));
    }

    void everyCommandUsesThePasswordAndShowsNone()
    {
        ProcessResult scratch;
        ProcessResult r;
        // Thresholds scaled to these ~256 KiB partitions, so the cold ones are merged.
        QVERIFY2(cli(r,
                     {QStringLiteral("settings"), withUserInfo(), QStringLiteral("--set"),
                      QStringLiteral("backup_unit_bytes=262144"), QStringLiteral("--set"),
                      QStringLiteral("split_min_bytes=131072"), QStringLiteral("--set"),
                      QStringLiteral("target_min_bytes=1048576"), QStringLiteral("--set"),
                      QStringLiteral("target_max_bytes=4194304")}),
                 qPrintable(m_why));
        QVERIFY2(r.out.contains(shown()), qPrintable(masked(describe(r))));
        // The command line is visible in ps: warned, with the better place.
        QVERIFY2(r.err.contains(QLatin1String("warning:")) && r.err.contains(QLatin1String("~/.pgpass")) &&
                     r.err.contains(QLatin1String("PGPASSFILE")),
                 qPrintable(masked(describe(r))));
        QVERIFY2(cli(scratch, {QStringLiteral("--json"), QStringLiteral("settings"), withQuery()}), qPrintable(m_why));
        QVERIFY2(cli(r,
                     {QStringLiteral("policy"), withUserInfo(), QStringLiteral("--set"), QStringLiteral("safe"),
                      QStringLiteral("--max-lock-seconds"), QStringLiteral("2")}),
                 qPrintable(m_why));
        QVERIFY2(r.out.contains(shown()), qPrintable(masked(describe(r))));
        QVERIFY2(cli(scratch, {QStringLiteral("--json"), QStringLiteral("policy"), conninfo()}), qPrintable(m_why));

        // These connect: the password given is the one that logs in.
        QVERIFY2(cli(r, {QStringLiteral("scan"), withUserInfo()}), qPrintable(m_why));
        QVERIFY2(r.out.contains(QLatin1String("events")), qPrintable(masked(describe(r))));
        QVERIFY2(cli(scratch, {QStringLiteral("--json"), QStringLiteral("scan"), withQuery()}), qPrintable(m_why));
        QVERIFY2(cli(r,
                     {QStringLiteral("monitor"), conninfo(), QStringLiteral("--count"), QStringLiteral("1"),
                      QStringLiteral("--interval"), QStringLiteral("1")}),
                 qPrintable(m_why));
        QVERIFY2(r.err.contains(shown()), qPrintable(masked(describe(r))));
        QVERIFY2(cli(r, {QStringLiteral("--json"), QStringLiteral("plan"), withUserInfo()}), qPrintable(m_why));
        const QJsonObject plan = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(plan.value(QStringLiteral("connection")).toString(), shown());
        const qint64 planId = plan.value(QStringLiteral("id")).toInteger();
        QVERIFY2(cli(scratch, {QStringLiteral("plan"), withQuery()}), qPrintable(m_why));
        // A plan with steps is stored (id > 0) only when the planner proposes
        // something for these partitions; `show` is checked when it does.
        if (planId > 0) {
            QVERIFY2(cli(r, {QStringLiteral("show"), QString::number(planId)}), qPrintable(m_why));
            QVERIFY2(r.out.contains(shown()), qPrintable(masked(describe(r))));
            QVERIFY2(cli(scratch, {QStringLiteral("--json"), QStringLiteral("show"), QString::number(planId)}),
                     qPrintable(m_why));
        }
        QVERIFY2(cli(r, {QStringLiteral("status")}), qPrintable(m_why));
        if (planId > 0)
            QVERIFY2(r.out.contains(shown()), qPrintable(masked(describe(r))));
        QVERIFY2(cli(scratch, {QStringLiteral("--json"), QStringLiteral("status"), withUserInfo()}), qPrintable(m_why));
        QVERIFY2(cli(scratch,
                     {QStringLiteral("prebackup"), withUserInfo(), QStringLiteral("--policy"),
                      QStringLiteral("report-only")},
                     {0, 11}),
                 qPrintable(m_why));
        QVERIFY2(cli(scratch,
                     {QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("db1"), withUserInfo(),
                      QStringLiteral("--role"), QStringLiteral("primary")}),
                 qPrintable(m_why));
        QVERIFY2(cli(r, {QStringLiteral("nodes")}), qPrintable(m_why));
        QVERIFY2(r.out.contains(shown()), qPrintable(masked(describe(r))));

        // One connection, kept without the password; nothing of it in the store.
        QVERIFY2(cli(r, {QStringLiteral("--json"), QStringLiteral("status")}), qPrintable(m_why));
        for (const auto &p : QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("plans")).toArray())
            QCOMPARE(p.toObject().value(QStringLiteral("connection")).toString(), shown());
        checkStoreBytes();
    }

    void conninfoIsAcceptedAndARefusedOneIsNotEchoed()
    {
        ProcessResult r;
        QVERIFY2(cli(r, {QStringLiteral("scan"), conninfo()}), qPrintable(m_why));
        QVERIFY2(r.out.contains(QLatin1String("events_p0")), qPrintable(masked(describe(r))));
        QVERIFY2(cli(r, {QStringLiteral("scan"), QStringLiteral("host=127.0.0.1 nosuch=1 password=") + kSentinel}, {2}),
                 qPrintable(m_why));
        QVERIFY2(r.err.contains(QLatin1String("is not a database URI")), qPrintable(masked(describe(r))));
    }

    void storeFilesAreOwnerOnly()
    {
        QCOMPARE(modeOf(m_cli.store()), 0600);
        for (const QString &suffix : {QStringLiteral("-wal"), QStringLiteral("-shm")})
            if (QFile::exists(m_cli.store() + suffix))
                QCOMPARE(modeOf(m_cli.store() + suffix), 0600);
    }

    void agentRepliesAndLogShowNoPassword()
    {
        const QString tokenFile = m_cli.path(QStringLiteral("agent.token"));
        const QByteArray token = QByteArrayLiteral("secrets-e2e-token-0123456789");
        {
            QFile f(tokenFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(token + '\n');
        }
        QFile::setPermissions(tokenFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QProcess agent;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &kv : std::as_const(m_env))
            env.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
        agent.setProcessEnvironment(env);
        agent.start(binary(QStringLiteral("tidemark-cli")),
                    {QStringLiteral("--store"), m_cli.store(), QStringLiteral("agent"), QStringLiteral("--listen"),
                     QStringLiteral("127.0.0.1:0"), QStringLiteral("--token-file"), tokenFile});
        QVERIFY(agent.waitForStarted(10000));
        QTRY_VERIFY_WITH_TIMEOUT(agent.canReadLine(), 20000);
        const quint16 port = quint16(QString::fromUtf8(agent.readLine()).trimmed().section(u':', -1).toUInt());
        QVERIFY(port != 0);

        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        QVERIFY(socket.waitForConnected(5000));
        QByteArray replies;
        auto nextLine = [&]() -> QJsonObject {
            QElapsedTimer t;
            t.start();
            while (!socket.canReadLine() && t.elapsed() < 60000)
                socket.waitForReadyRead(100);
            const QByteArray line = socket.readLine();
            replies += line;
            return QJsonDocument::fromJson(line).object();
        };
        auto send = [&](QJsonObject o) {
            o.insert(QStringLiteral("token"), QString::fromLatin1(token));
            socket.write(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
            socket.flush();
        };
        send({{QStringLiteral("op"), QStringLiteral("prebackup")},
              {QStringLiteral("uri"), withUserInfo()},
              {QStringLiteral("policy"), QStringLiteral("report-only")},
              {QStringLiteral("deadline"), 60}});
        const QJsonObject accepted = nextLine();
        QCOMPARE(accepted.value(QStringLiteral("type")).toString(), QStringLiteral("accepted"));
        QCOMPARE(accepted.value(QStringLiteral("uri")).toString(), shown());
        send({{QStringLiteral("op"), QStringLiteral("status")}});
        QJsonObject line;
        QJsonObject status, result;
        for (int i = 0; i < 200 && (status.isEmpty() || result.isEmpty()); ++i) {
            line = nextLine();
            if (line.isEmpty())
                break;
            const QString type = line.value(QStringLiteral("type")).toString();
            if (type == QLatin1String("status"))
                status = line;
            else if (type == QLatin1String("result"))
                result = line;
        }
        QVERIFY2(!status.isEmpty() && !result.isEmpty(), qPrintable(masked(QString::fromUtf8(replies))));
        QCOMPARE(
            status.value(QStringLiteral("jobs")).toArray().at(0).toObject().value(QStringLiteral("uri")).toString(),
            shown());
        // The job logged in with the password it was given.
        QVERIFY2(result.value(QStringLiteral("reason")).toString() != QLatin1String("error"),
                 qPrintable(masked(QString::fromUtf8(replies))));
        agent.terminate();
        QVERIFY(agent.waitForFinished(20000));
        const QString log = QString::fromUtf8(agent.readAllStandardError());
        QVERIFY2(log.contains(QStringLiteral("job 1 (prebackup %1) finished").arg(shown())), qPrintable(masked(log)));
        QVERIFY2(!log.contains(kSentinel), qPrintable(masked(log)));
        QVERIFY2(!replies.contains(kSentinel.toUtf8()), qPrintable(masked(QString::fromUtf8(replies))));
        checkStoreBytes();
    }
};

QTEST_GUILESS_MAIN(TestCliSecrets)
#include "tst_cli_secrets.moc"
