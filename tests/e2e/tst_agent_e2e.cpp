// The agent end to end: the real `tidemark-cli agent` on a loopback port,
// driven by plain TCP clients speaking the JSON-lines protocol.
#include <QElapsedTimer>
#include <QProcess>
#include <QTcpSocket>

#include <memory>

#include "cli_harness.h"

using namespace tidemark::test;

namespace {

class Agent {
public:
    Agent(const CliHarness &h, const QStringList &extra = {})
    {
        token = QByteArrayLiteral("e2e-token-0123456789abcdef");
        tokenFile = h.path(QStringLiteral("token"));
        QFile f(tokenFile);
        if (f.open(QIODevice::WriteOnly))
            f.write(token + '\n');
        f.close();
        QFile::setPermissions(tokenFile, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        process.setProcessEnvironment(env);
        process.start(binary(QStringLiteral("tidemark-cli")),
                      QStringList{QStringLiteral("--store"), h.store(), QStringLiteral("agent"), QStringLiteral("--listen"),
                                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--token-file"), tokenFile} + extra);
        if (!process.waitForStarted(10000))
            return;
        QElapsedTimer t;
        t.start();
        while (!process.canReadLine() && t.elapsed() < 20000)
            process.waitForReadyRead(200);
        const QString line = QString::fromUtf8(process.readLine()).trimmed();
        port = quint16(line.section(u':', -1).toUInt());
    }
    ~Agent()
    {
        process.terminate();
        if (!process.waitForFinished(20000))
            process.kill();
    }
    QByteArray token;
    QString tokenFile;
    QProcess process;
    quint16 port = 0;
};

class Client {
public:
    explicit Client(quint16 port)
    {
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        socket.waitForConnected(5000);
    }
    void sendRaw(const QByteArray &bytes)
    {
        socket.write(bytes);
        socket.flush();
        socket.waitForBytesWritten(5000);
    }
    void send(QJsonObject o, const QByteArray &token)
    {
        if (!token.isEmpty())
            o.insert(QStringLiteral("token"), QString::fromLatin1(token));
        sendRaw(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
    }
    /// The next line as JSON; empty when the agent closed or nothing came.
    QJsonObject next(int timeoutMs = 30000)
    {
        QElapsedTimer t;
        t.start();
        while (!socket.canReadLine() && t.elapsed() < timeoutMs) {
            if (socket.state() != QAbstractSocket::ConnectedState && socket.bytesAvailable() == 0)
                return {};
            socket.waitForReadyRead(100);
        }
        if (!socket.canReadLine())
            return {};
        return QJsonDocument::fromJson(socket.readLine()).object();
    }
    /// Lines until one of `type`.
    QJsonObject until(const QString &type, QList<QJsonObject> *seen = nullptr, int timeoutMs = 60000)
    {
        for (;;) {
            const QJsonObject o = next(timeoutMs);
            if (o.isEmpty() || o.value(QStringLiteral("type")).toString() == type)
                return o;
            if (seen)
                seen->append(o);
        }
    }
    bool closedByAgent(int timeoutMs = 5000)
    {
        QElapsedTimer t;
        t.start();
        while (socket.state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs)
            socket.waitForReadyRead(100);
        return socket.state() != QAbstractSocket::ConnectedState;
    }
    QTcpSocket socket;
};

QJsonObject op(const char *name, const QString &id = {})
{
    QJsonObject o{{QStringLiteral("op"), QLatin1String(name)}};
    if (!id.isEmpty())
        o.insert(QStringLiteral("id"), id);
    return o;
}

QString checksum(const CliHarness &h, const QString &uri)
{
    const QJsonObject c = h.json({QStringLiteral("checksum"), uri, QStringLiteral("orders")});
    return QStringLiteral("%1/%2").arg(c.value(QStringLiteral("rows")).toInteger()).arg(c.value(QStringLiteral("checksum")).toString());
}

void makeDemo(const CliHarness &h, const QString &db)
{
    ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), db, QStringLiteral("--rows"),
                             QStringLiteral("200000"), QStringLiteral("--partitions"), QStringLiteral("20")});
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    r = h.cli({QStringLiteral("demo"), QStringLiteral("load"), db, QStringLiteral("--seconds"), QStringLiteral("3")});
    QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
    QVERIFY(h.cli({QStringLiteral("scan"), CliHarness::uri(db)}).exitCode == 0);
}

} // namespace

class TestAgentE2e : public QObject {
    Q_OBJECT
private slots:
    void prebackupStreamsProgressWhileStatusAnswers()
    {
        CliHarness h;
        const QString db = h.path(QStringLiteral("demo.db"));
        const QString uri = CliHarness::uri(db);
        makeDemo(h, db);
        QVERIFY(h.cli({QStringLiteral("policy"), uri, QStringLiteral("--set"), QStringLiteral("full")}).exitCode == 0);
        Agent agent(h);
        QVERIFY2(agent.port != 0, agent.process.readAllStandardError().constData());
        const QString before = checksum(h, uri);

        // A busy threshold of 0 with a wait keeps the job alive (waiting for
        // quiet) long enough for a second client to see it in status.
        Client a(agent.port);
        QJsonObject req = op("prebackup", QStringLiteral("job-a"));
        req.insert(QStringLiteral("uri"), uri);
        req.insert(QStringLiteral("deadline"), QStringLiteral("2m"));
        req.insert(QStringLiteral("busy_writes_per_second"), 0);
        req.insert(QStringLiteral("wait_busy"), QStringLiteral("60s"));
        a.send(req, agent.token);
        const QJsonObject accepted = a.next();
        QCOMPARE(accepted.value(QStringLiteral("type")).toString(), QStringLiteral("accepted"));
        QCOMPARE(accepted.value(QStringLiteral("id")).toString(), QStringLiteral("job-a"));
        const qint64 job = accepted.value(QStringLiteral("job")).toInteger();
        QList<QJsonObject> seen;
        const QJsonObject waiting = a.until(QStringLiteral("progress"));
        QVERIFY(!waiting.isEmpty());
        for (int i = 0; i < 10; ++i) {
            const QJsonObject p = a.next();
            if (p.value(QStringLiteral("stage")).toString() == QLatin1String("wait"))
                break;
        }

        // Meanwhile: a second client's status answers, and a second prebackup
        // of the same database is refused (one job per database).
        Client b(agent.port);
        b.send(op("status", QStringLiteral("s1")), agent.token);
        const QJsonObject status = b.next(5000);
        QCOMPARE(status.value(QStringLiteral("type")).toString(), QStringLiteral("status"));
        const QJsonArray jobs = status.value(QStringLiteral("jobs")).toArray();
        QCOMPARE(jobs.size(), 1);
        QCOMPARE(jobs.at(0).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QJsonObject again = op("prebackup", QStringLiteral("dup"));
        again.insert(QStringLiteral("uri"), uri);
        b.send(again, agent.token);
        QCOMPARE(b.next(5000).value(QStringLiteral("code")).toString(), QStringLiteral("busy"));

        // Cancel from the second client: the waiting job ends, nothing changed.
        QJsonObject cancel = op("cancel", QStringLiteral("c1"));
        cancel.insert(QStringLiteral("job"), job);
        b.send(cancel, agent.token);
        QCOMPARE(b.next(5000).value(QStringLiteral("type")).toString(), QStringLiteral("cancelled"));
        const QJsonObject cancelled = a.until(QStringLiteral("result"));
        QCOMPARE(cancelled.value(QStringLiteral("result")).toString(), QStringLiteral("not-ready"));
        QCOMPARE(cancelled.value(QStringLiteral("reason")).toString(), QStringLiteral("cancelled"));
        QCOMPARE(checksum(h, uri), before);

        // Now a real run: progress lines, then ready.
        QJsonObject run = op("prebackup", QStringLiteral("job-b"));
        run.insert(QStringLiteral("uri"), uri);
        run.insert(QStringLiteral("deadline"), 120);
        a.send(run, agent.token);
        seen.clear();
        const QJsonObject result = a.until(QStringLiteral("result"), &seen);
        QCOMPARE(result.value(QStringLiteral("result")).toString(), QStringLiteral("ready"));
        QCOMPARE(result.value(QStringLiteral("id")).toString(), QStringLiteral("job-b"));
        int stepLines = 0;
        for (const auto &p : seen)
            if (p.value(QStringLiteral("stage")).toString() == QLatin1String("step"))
                ++stepLines;
        QVERIFY2(result.value(QStringLiteral("steps_done")).toInt() >= 1, QJsonDocument(result).toJson().constData());
        QVERIFY(stepLines >= 2);
        QCOMPARE(checksum(h, uri), before);
        const QJsonObject shown = h.json({QStringLiteral("show"), QString::number(result.value(QStringLiteral("plan")).toInteger())});
        QCOMPARE(shown.value(QStringLiteral("approved_by")).toString(), QStringLiteral("policy:full"));
    }

    void cancelStopsBetweenSteps()
    {
        CliHarness h;
        const QString db = h.path(QStringLiteral("demo.db"));
        const QString uri = CliHarness::uri(db);
        makeDemo(h, db);
        QVERIFY(h.cli({QStringLiteral("policy"), uri, QStringLiteral("--set"), QStringLiteral("full")}).exitCode == 0);
        const QString before = checksum(h, uri);
        Agent agent(h);
        QVERIFY(agent.port != 0);
        Client a(agent.port);
        QJsonObject req = op("prebackup", QStringLiteral("x"));
        req.insert(QStringLiteral("uri"), uri);
        a.send(req, agent.token);
        const qint64 job = a.until(QStringLiteral("accepted")).value(QStringLiteral("job")).toInteger();
        QJsonObject first;
        for (;;) {
            first = a.next();
            QVERIFY(!first.isEmpty());
            if (first.value(QStringLiteral("stage")).toString() == QLatin1String("step"))
                break;
        }
        const int steps = first.value(QStringLiteral("steps")).toInt();
        QVERIFY2(steps >= 2, "the demo plan has several steps");
        QJsonObject cancel = op("cancel");
        cancel.insert(QStringLiteral("job"), job);
        a.send(cancel, agent.token);
        const QJsonObject result = a.until(QStringLiteral("result"));
        QCOMPARE(result.value(QStringLiteral("reason")).toString(), QStringLiteral("cancelled"));
        QVERIFY(result.value(QStringLiteral("steps_done")).toInt() < steps);
        // Nothing half-applied: every step is done or never started.
        const QJsonObject plan = h.json({QStringLiteral("show"), QString::number(result.value(QStringLiteral("plan")).toInteger())});
        for (const auto &v : plan.value(QStringLiteral("steps")).toArray()) {
            const QString s = v.toObject().value(QStringLiteral("status")).toString();
            QVERIFY2(s == QLatin1String("done") || s == QLatin1String("skipped") || s == QLatin1String("pending") ||
                         s == QLatin1String("rolled_back") || s == QLatin1String("rolled-back"),
                     qPrintable(s));
        }
        QCOMPARE(checksum(h, uri), before);
    }

    void fiftyConcurrentClients()
    {
        CliHarness h;
        Agent agent(h);
        QVERIFY(agent.port != 0);
        std::vector<std::unique_ptr<Client>> clients;
        for (int i = 0; i < 50; ++i)
            clients.push_back(std::make_unique<Client>(agent.port));
        for (int i = 0; i < 50; ++i)
            clients[std::size_t(i)]->send(op("status", QString::number(i)), agent.token);
        for (int i = 0; i < 50; ++i) {
            const QJsonObject s = clients[std::size_t(i)]->next(10000);
            QCOMPARE(s.value(QStringLiteral("type")).toString(), QStringLiteral("status"));
            QCOMPARE(s.value(QStringLiteral("id")).toString(), QString::number(i));
            QVERIFY(s.value(QStringLiteral("clients")).toInt() >= 1);
        }
        // All fifty are still connected and counted; none leaked or dropped.
        Client last(agent.port);
        last.send(op("status"), agent.token);
        QCOMPARE(last.next(5000).value(QStringLiteral("clients")).toInt(), 51);
        clients.clear();
        // Until the agent has seen the fifty leave: then only `last` and `after` remain.
        Client after(agent.port);
        const auto connected = [&] {
            after.send(op("status"), agent.token);
            return after.next(5000).value(QStringLiteral("clients")).toInt();
        };
        QTRY_COMPARE_WITH_TIMEOUT(connected(), 2, 10000);
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("bytes");     ///< sent as is; TOKEN is replaced
        QTest::addColumn<QString>("code");         ///< expected error code
        QTest::addColumn<bool>("closes");          ///< the agent closes the connection
        QTest::newRow("malformed JSON") << QByteArray("{\"op\": status\n") << "malformed-json" << false;
        QTest::newRow("not an object") << QByteArray("[1,2,3]\n") << "malformed-json" << false;
        QTest::newRow("unknown op") << QByteArray("{\"op\":\"drop\",\"token\":\"TOKEN\"}\n") << "unknown-op" << false;
        QTest::newRow("wrong type of op") << QByteArray("{\"op\":7,\"token\":\"TOKEN\"}\n") << "bad-field" << false;
        QTest::newRow("wrong type of deadline")
            << QByteArray("{\"op\":\"prebackup\",\"token\":\"TOKEN\",\"uri\":\"sqlite:///x.db\",\"deadline\":[1]}\n")
            << "bad-field" << false;
        QTest::newRow("negative lock limit")
            << QByteArray("{\"op\":\"prebackup\",\"token\":\"TOKEN\",\"uri\":\"sqlite:///x.db\",\"max_lock_seconds\":-1}\n")
            << "bad-field" << false;
        QTest::newRow("deeply nested") << QByteArray(200, '[') + QByteArray(200, ']') + '\n' << "too-deep" << false;
        QTest::newRow("missing token") << QByteArray("{\"op\":\"status\"}\n") << "unauthorized" << true;
        QTest::newRow("bad token") << QByteArray("{\"op\":\"status\",\"token\":\"guess-guess-guess-guess\"}\n")
                                   << "unauthorized" << true;
        QTest::newRow("1 MiB line") << QByteArray(1 << 20, 'x') + '\n' << "line-too-long" << true;
        QTest::newRow("cancel of no job") << QByteArray("{\"op\":\"cancel\",\"token\":\"TOKEN\",\"job\":999}\n")
                                          << "not-found" << false;
    }
    void badInput()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, code);
        QFETCH(bool, closes);
        static CliHarness h;
        static Agent agent(h, {QStringLiteral("--idle-timeout"), QStringLiteral("2s")});
        QVERIFY(agent.port != 0);
        Client c(agent.port);
        bytes.replace("TOKEN", agent.token);
        c.sendRaw(bytes);
        const QJsonObject reply = c.next(10000);
        QCOMPARE(reply.value(QStringLiteral("type")).toString(), QStringLiteral("error"));
        QCOMPARE(reply.value(QStringLiteral("code")).toString(), code);
        if (closes) {
            QVERIFY(c.closedByAgent());
        } else {
            // Still served after the error.
            c.send(op("status"), agent.token);
            QCOMPARE(c.next(5000).value(QStringLiteral("type")).toString(), QStringLiteral("status"));
        }
        // The agent is alive and serves others.
        Client other(agent.port);
        other.send(op("status"), agent.token);
        QCOMPARE(other.next(5000).value(QStringLiteral("type")).toString(), QStringLiteral("status"));
        QCOMPARE(agent.process.state(), QProcess::Running);
    }

    void slowTruncatedAndIdleClients()
    {
        CliHarness h;
        Agent agent(h, {QStringLiteral("--idle-timeout"), QStringLiteral("1s"), QStringLiteral("--max-clients"),
                        QStringLiteral("5")});
        QVERIFY(agent.port != 0);
        // A truncated line, then an abrupt disconnect.
        {
            Client t(agent.port);
            t.sendRaw("{\"op\":\"stat");
            t.socket.abort();
        }
        // A slow client stalls mid-line; others are served meanwhile; the
        // stalled one is closed after the idle timeout.
        Client slow(agent.port);
        slow.sendRaw("{\"op\":\"status\",");
        Client quick(agent.port);
        quick.send(op("status"), agent.token);
        QCOMPARE(quick.next(2000).value(QStringLiteral("type")).toString(), QStringLiteral("status"));
        QVERIFY(slow.closedByAgent(5000));
        // A silent client is told and closed.
        Client idle(agent.port);
        QCOMPARE(idle.next(5000).value(QStringLiteral("code")).toString(), QStringLiteral("idle-timeout"));
        QVERIFY(idle.closedByAgent());
        // Bounded clients: the sixth is refused, and a slot frees when one leaves.
        std::vector<std::unique_ptr<Client>> five;
        for (int i = 0; i < 5; ++i) {
            five.push_back(std::make_unique<Client>(agent.port));
            five.back()->send(op("status"), agent.token);
            QCOMPARE(five.back()->next(2000).value(QStringLiteral("type")).toString(), QStringLiteral("status"));
        }
        Client sixth(agent.port);
        QCOMPARE(sixth.next(5000).value(QStringLiteral("code")).toString(), QStringLiteral("too-many-clients"));
        QVERIFY(sixth.closedByAgent());
        five.clear();
        // A slot frees once the agent has seen one of the five leave.
        const auto served = [&] {
            Client again(agent.port);
            again.send(op("status"), agent.token);
            return again.next(5000).value(QStringLiteral("type")).toString() == QLatin1String("status");
        };
        QTRY_VERIFY_WITH_TIMEOUT(served(), 10000);
    }

    void tokenFileMustBePrivateAndAddressLoopback()
    {
        CliHarness h;
        const QString file = h.path(QStringLiteral("open-token"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("0123456789abcdef0123\n");
        f.close();
        QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
        ProcessResult r = h.cli({QStringLiteral("agent"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                 QStringLiteral("--token-file"), file});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("0600")), qPrintable(describe(r)));
        QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        r = h.cli({QStringLiteral("agent"), QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0"),
                   QStringLiteral("--token-file"), file});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("loopback")), qPrintable(describe(r)));
    }
};

QTEST_GUILESS_MAIN(TestAgentE2e)
#include "tst_agent_e2e.moc"
