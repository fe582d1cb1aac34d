// The agent end to end: the real `tidemark-cli agent` on a loopback port,
// driven by plain TCP clients speaking the JSON-lines protocol.
#include <memory>

#include <sys/stat.h>

#include "agent_harness.h"

using namespace tidemark::test;

namespace {

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
    // Merges of cold neighbours save no backup bytes: asked for, so that plans have several steps.
    QVERIFY(h.cli({QStringLiteral("settings"), CliHarness::uri(db), QStringLiteral("--set"),
                   QStringLiteral("merge_cold_partitions=1")})
                .exitCode == 0);
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
        // Before a valid token, any error is answered once and closes.
        QTest::newRow("malformed JSON first") << QByteArray("{\"op\": status\n") << "malformed-json" << true;
        QTest::newRow("not an object first") << QByteArray("[1,2,3]\n") << "malformed-json" << true;
        QTest::newRow("deeply nested first") << QByteArray(200, '[') + QByteArray(200, ']') + '\n'
                                             << "too-deep" << true;
        QTest::newRow("missing token") << QByteArray("{\"op\":\"status\"}\n") << "unauthorized" << true;
        QTest::newRow("bad token") << QByteArray("{\"op\":\"status\",\"token\":\"guess-guess-guess-guess\"}\n")
                                   << "unauthorized" << true;
        QTest::newRow("unknown op with a wrong token")
            << QByteArray("{\"op\":\"drop\",\"token\":\"wrong\"}\n") << "unauthorized" << true;
        QTest::newRow("bad field with a wrong token")
            << QByteArray("{\"op\":\"prebackup\",\"token\":\"wrong\",\"uri\":7}\n") << "unauthorized" << true;
        QTest::newRow("1 MiB line") << QByteArray(1 << 20, 'x') + '\n' << "line-too-long" << true;
        // With the right token the connection is authenticated: a refused
        // request is answered and the connection stays.
        QTest::newRow("unknown op") << QByteArray("{\"op\":\"drop\",\"token\":\"TOKEN\"}\n") << "unknown-op" << false;
        QTest::newRow("wrong type of op") << QByteArray("{\"op\":7,\"token\":\"TOKEN\"}\n") << "bad-field" << false;
        QTest::newRow("wrong type of deadline")
            << QByteArray("{\"op\":\"prebackup\",\"token\":\"TOKEN\",\"uri\":\"sqlite:///x.db\",\"deadline\":[1]}\n")
            << "bad-field" << false;
        QTest::newRow("negative lock limit")
            << QByteArray(
                   "{\"op\":\"prebackup\",\"token\":\"TOKEN\",\"uri\":\"sqlite:///x.db\",\"max_lock_seconds\":-1}\n")
            << "bad-field" << false;
        QTest::newRow("cancel of no job") << QByteArray("{\"op\":\"cancel\",\"token\":\"TOKEN\",\"job\":999}\n")
                                          << "not-found" << false;
        // Once authenticated, a malformed line is answered and the connection stays.
        QTest::newRow("malformed JSON after a status")
            << QByteArray("{\"op\":\"status\",\"token\":\"TOKEN\"}\n{\"op\": status\n") << "malformed-json" << false;
        QTest::newRow("no token after a status")
            << QByteArray("{\"op\":\"status\",\"token\":\"TOKEN\"}\n{\"op\":\"status\"}\n") << "unauthorized" << true;
        QTest::newRow("wrong token after a status")
            << QByteArray("{\"op\":\"status\",\"token\":\"TOKEN\"}\n{\"op\":\"status\",\"token\":\"wrong\"}\n")
            << "unauthorized" << true;
    }
    void badInput()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, code);
        QFETCH(bool, closes);
        static CliHarness h;
        // Deadlines far beyond the checks: a close seen here is the answer to the error.
        static Agent agent(h,
                           {QStringLiteral("--idle-timeout"), QStringLiteral("60s"), QStringLiteral("--auth-timeout"),
                            QStringLiteral("60s")});
        QVERIFY(agent.port != 0);
        Client c(agent.port);
        bytes.replace("TOKEN", agent.token);
        c.sendRaw(bytes);
        QJsonObject reply = c.next(10000);
        if (reply.value(QStringLiteral("type")).toString() == QLatin1String("status"))
            reply = c.next(10000); // the authenticating request of a two-line row
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
        Agent agent(h,
                    {QStringLiteral("--idle-timeout"), QStringLiteral("1s"), QStringLiteral("--max-clients"),
                     QStringLiteral("5"), QStringLiteral("--auth-timeout"), QStringLiteral("1s")});
        QVERIFY(agent.port != 0);
        // A truncated line, then an abrupt disconnect.
        {
            Client t(agent.port);
            t.sendRaw("{\"op\":\"stat");
            t.socket.abort();
        }
        // A slow client stalls mid-line; others are served meanwhile; the
        // stalled one is closed when its time to authenticate is over.
        Client slow(agent.port);
        slow.sendRaw("{\"op\":\"status\",");
        Client quick(agent.port);
        quick.send(op("status"), agent.token);
        QCOMPARE(quick.next(2000).value(QStringLiteral("type")).toString(), QStringLiteral("status"));
        QVERIFY(slow.closedByAgent(5000));
        // A silent client is told it did not authenticate in time, and closed.
        Client silent(agent.port);
        QCOMPARE(silent.next(5000).value(QStringLiteral("code")).toString(), QStringLiteral("auth-timeout"));
        QVERIFY(silent.closedByAgent());
        // An authenticated client that falls silent is closed after the idle timeout.
        Client idle(agent.port);
        idle.send(op("status"), agent.token);
        QCOMPARE(idle.next(5000).value(QStringLiteral("type")).toString(), QStringLiteral("status"));
        QCOMPARE(idle.next(5000).value(QStringLiteral("code")).toString(), QStringLiteral("idle-timeout"));
        QVERIFY(idle.closedByAgent());
        // Bounded authenticated clients: the sixth is refused when it presents
        // its token, and a slot frees when one leaves.
        std::vector<std::unique_ptr<Client>> five;
        for (int i = 0; i < 5; ++i) {
            five.push_back(std::make_unique<Client>(agent.port));
            five.back()->send(op("status"), agent.token);
            QCOMPARE(five.back()->next(2000).value(QStringLiteral("type")).toString(), QStringLiteral("status"));
        }
        Client sixth(agent.port);
        sixth.send(op("status"), agent.token);
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

    void tokenFileMustBeARegularFile_data()
    {
        QTest::addColumn<QString>("kind"); ///< what stands at the token file's path
        QTest::addColumn<QString>("said"); ///< the refusal names it
        QTest::newRow("FIFO (would block an open)") << "fifo" << "FIFO";
        QTest::newRow("symbolic link to a good file") << "symlink" << "symbolic link";
        QTest::newRow("directory") << "directory" << "directory";
        QTest::newRow("character device") << "device" << "device";
    }
    void tokenFileMustBeARegularFile()
    {
        QFETCH(QString, kind);
        QFETCH(QString, said);
        CliHarness h;
        QString file = h.path(QStringLiteral("token"));
        if (kind == QLatin1String("fifo")) {
            QCOMPARE(::mkfifo(QFile::encodeName(file).constData(), 0600), 0);
        } else if (kind == QLatin1String("symlink")) {
            const QString target = h.path(QStringLiteral("real-token"));
            QFile f(target);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("0123456789abcdef0123\n");
            f.close();
            QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            QVERIFY(QFile::link(target, file));
        } else if (kind == QLatin1String("directory")) {
            QVERIFY(QDir().mkdir(file));
        } else {
            file = QStringLiteral("/dev/zero");
        }
        // Refused at once: a run that hangs is killed after 20 s and fails here.
        const ProcessResult r = h.cli({QStringLiteral("agent"), QStringLiteral("--listen"),
                                       QStringLiteral("127.0.0.1:0"), QStringLiteral("--token-file"), file},
                                      {}, 20000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(said) && r.err.contains(QLatin1String("regular file")), qPrintable(describe(r)));
    }

    void statusShowsOnlyWhatTheTokenMaySee()
    {
        CliHarness h;
        const QByteArray nightly = "nightly-token-0123456789", adhoc = "adhoc-token-0123456789ab";
        Agent agent(h, {}, "# one token per scheduler\nnightly " + nightly + "\nadhoc   " + adhoc + "\n");
        QVERIFY2(agent.port != 0, agent.process.readAllStandardError().constData());
        // A job of the nightly scheduler (it ends at once: no such database).
        Client a(agent.port);
        QJsonObject req = op("prebackup", QStringLiteral("mine"));
        req.insert(QStringLiteral("uri"), CliHarness::uri(h.path(QStringLiteral("missing.db"))));
        a.send(req, nightly);
        const qint64 job = a.until(QStringLiteral("accepted")).value(QStringLiteral("job")).toInteger();
        QVERIFY(job > 0);
        QVERIFY(!a.until(QStringLiteral("result")).isEmpty());
        a.send(op("status"), nightly);
        const QJsonObject own = a.next(5000);
        QCOMPARE(own.value(QStringLiteral("jobs")).toArray().size(), 1);
        QCOMPARE(own.value(QStringLiteral("jobs")).toArray().at(0).toObject().value(QStringLiteral("job")).toInteger(),
                 job);

        // The other token sees none of it, cannot ask for it and cannot cancel it.
        Client b(agent.port);
        b.send(op("status"), adhoc);
        const QJsonObject other = b.next(5000);
        QCOMPARE(other.value(QStringLiteral("type")).toString(), QStringLiteral("status"));
        QCOMPARE(other.value(QStringLiteral("jobs")).toArray().size(), 0);
        QCOMPARE(other.value(QStringLiteral("clients")).toInt(), 1);
        QJsonObject one = op("status");
        one.insert(QStringLiteral("job"), job);
        b.send(one, adhoc);
        QCOMPARE(b.next(5000).value(QStringLiteral("code")).toString(), QStringLiteral("not-found"));
        QJsonObject cancel = op("cancel");
        cancel.insert(QStringLiteral("job"), job);
        b.send(cancel, adhoc);
        QCOMPARE(b.next(5000).value(QStringLiteral("code")).toString(), QStringLiteral("not-found"));
        // A connection belongs to the token that opened it.
        b.send(op("status"), nightly);
        QCOMPARE(b.next(5000).value(QStringLiteral("code")).toString(), QStringLiteral("unauthorized"));
        QVERIFY(b.closedByAgent());
    }
};

QTEST_GUILESS_MAIN(TestAgentE2e)
#include "tst_agent_e2e.moc"
