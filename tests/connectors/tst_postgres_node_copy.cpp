// Copy and move of a partition between two private PostgreSQL servers: the
// connector's row streaming, change capture and chunk checksums; a copy
// under pgbench load verified by chunk; a corrupted chunk on the receiving
// node found and re-sent alone; one that stays corrupt fails the step with
// nothing dropped and nothing left behind; a move under pgbench load after
// which reads and writes through the parent on the source reach the rows on
// the receiving node, with sum(abalance) = sum(delta) and no failed
// transaction; a moved partition's CHECK constraints enforced there, and one
// dropped there found by the validation.
#include <QProcess>
#include <QTemporaryDir>

#include "pg_node_copy_util.h"

using namespace tidemark;
using namespace tidemark::test;
using tidemark::postgres::PgConnection;
using tidemark::postgres::PostgresConnector;

class TestPostgresNodeCopy : public QObject {
    Q_OBJECT

    Node m_a, m_b;
    QTemporaryDir m_dir;

    bool open(Node &n)
    {
        n.connector = connectOrFail(*n.pg);
        auto raw = PgConnection::open(str(n.pg->uri()));
        if (!n.connector || !raw)
            return false;
        n.raw = std::move(*raw);
        return true;
    }

    ExecutionContext context(const Step &s)
    {
        ExecutionContext ctx;
        ctx.stepUid = s.uid;
        ctx.lockTimeoutMs = 2000;
        const std::string bUri = str(m_b.pg->uri());
        ctx.peer = [this, bUri](const std::string &uri) -> Connector * {
            return uri == bUri ? m_b.connector.get() : nullptr;
        };
        return ctx;
    }

    QProcess *startPgbench(QProcess &bench, int seconds, QByteArray &output, int tries = 1)
    {
        bench.setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGPASSFILE"), m_a.pg->pgpassFile());
        bench.setProcessEnvironment(env);
        const QString script = writeSkewedScript(m_dir.path());
        bench.start(m_a.pg->binary(QStringLiteral("pgbench")),
                    QStringList{QStringLiteral("-n"), QStringLiteral("-c"), QStringLiteral("4"), QStringLiteral("-j"),
                                QStringLiteral("2"), QStringLiteral("-T"), QString::number(seconds),
                                QStringLiteral("-P"), QStringLiteral("1"), QStringLiteral("--failures-detailed"),
                                QStringLiteral("--max-tries=%1").arg(tries), QStringLiteral("-f"), script} +
                        pgbenchConnection(*m_a.pg) + QStringList{m_a.pg->database()});
        if (!bench.waitForStarted(10000))
            return nullptr;
        QElapsedTimer t;
        t.start();
        while (!(output += bench.readAll()).contains("progress:") && t.elapsed() < 60000)
            bench.waitForReadyRead(500);
        return output.contains("progress:") ? &bench : nullptr;
    }

    static QString finishPgbench(QProcess &bench, QByteArray &output)
    {
        if (!bench.waitForFinished(240000))
            return QStringLiteral("pgbench did not finish");
        const QString out = QString::fromUtf8(output + bench.readAll());
        if (bench.exitStatus() != QProcess::NormalExit || bench.exitCode() != 0)
            return out.right(3000);
        if (!out.contains(QLatin1String("number of failed transactions: 0 "))) {
            QStringList summary;
            for (const QString &line : out.split(QLatin1Char('\n')))
                if (!line.startsWith(QLatin1String("progress:")))
                    summary << line;
            return QStringLiteral("pgbench saw failed transactions: ") + summary.join(QLatin1Char('\n')).right(2500);
        }
        return {};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_a.pg = PostgresServer::start();
        QVERIFY2(m_a.pg->ok(), qPrintable(m_a.pg->error()));
        m_b.pg = PostgresServer::start();
        QVERIFY2(m_b.pg->ok(), qPrintable(m_b.pg->error()));
        QVERIFY(!useCombinedPgpass(m_dir.path(), {m_a.pg.get(), m_b.pg.get()}).isEmpty());
        // pgbench's tables without their primary keys (-I dtgv): PostgreSQL
        // refuses a foreign-table partition under a unique index, and the
        // move test needs one. A plain index on the key serves the lookups.
        const ProcessResult r =
            run(m_a.pg->binary(QStringLiteral("pgbench")),
                QStringList{QStringLiteral("-i"), QStringLiteral("-q"), QStringLiteral("-I"), QStringLiteral("dtgv"),
                            QStringLiteral("-s"), QStringLiteral("5"), QStringLiteral("--partitions=10"),
                            QStringLiteral("--partition-method=range")} +
                    pgbenchConnection(*m_a.pg) + QStringList{m_a.pg->database()},
                m_a.pg->environment(), 600000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QString error;
        QVERIFY2(m_a.pg->psql(QStringLiteral("CREATE INDEX ON pgbench_accounts (aid)"), nullptr, &error),
                 qPrintable(error));
        QVERIFY(open(m_a));
        QVERIFY(open(m_b));
        m_a.connector->setOnlineStepOptions({10000, 500, 50, 8, 5000, 3});
    }
    void cleanupTestCase()
    {
        m_a = {};
        m_b = {};
    }

    void interfacesStreamCaptureAndChecksum()
    {
        PostgresConnector &a = *m_a.connector;
        auto caps = capabilitiesOf(a);
        QVERIFY(caps.rowStreaming && caps.changeCapture && caps.chunkChecksums);
        QVERIFY(caps.runs(StepKind::Copy) && caps.runs(StepKind::Move));

        // Chunks of about 1000 keys tile the range; their sums add up to the whole.
        auto chunks = a.chunkChecksums("pgbench_accounts_9", KeyRange{400001, 450001}, 1000, {});
        QVERIFY2(chunks, chunks ? "" : qPrintable(explain(chunks.error())));
        QCOMPARE(chunks->size(), std::size_t(50));
        RowChecksum sum;
        for (const auto &c : *chunks) {
            sum.rows += c.sum.rows;
            sum.hashSum += c.sum.hashSum;
        }
        auto whole = a.checksum("pgbench_accounts", KeyRange{400001, 450001});
        QVERIFY(whole);
        QCOMPARE(sum, *whole);

        // Rows stream in key order into a table on the other node, unchanged.
        QString error;
        QVERIFY2(m_b.pg->psql(QStringLiteral("CREATE TABLE streamed (aid int, bid int, abalance int, filler "
                                             "character(84))"),
                              nullptr, &error),
                 qPrintable(error));
        std::int64_t previous = 0;
        bool ordered = true;
        auto read =
            a.readRows("pgbench_accounts_9", KeyRange{400001, 402001}, 300,
                       [&](const RowBatch &batch) -> Result<void> {
                           ordered = ordered && batch.lastKey && *batch.lastKey > previous && batch.rows.size() <= 300;
                           previous = batch.lastKey.value_or(0);
                           auto w = m_b.connector->writeRows("streamed", batch);
                           if (!w)
                               return tl::unexpected(w.error());
                           return {};
                       },
                       {});
        QVERIFY2(read, read ? "" : qPrintable(explain(read.error())));
        QCOMPARE(*read, std::int64_t(2000));
        QVERIFY(ordered);
        QCOMPARE(tableChecksum(*m_b.raw, "streamed"),
                 tableChecksum(*m_a.raw, "pgbench_accounts_9 WHERE aid >= 400001 AND aid < 402001"));

        // Changes are captured in order with their rows; stopping leaves nothing.
        auto capture = a.startCapture("pgbench_accounts_9", KeyRange{400001, 401001});
        QVERIFY2(capture, capture ? "" : qPrintable(explain(capture.error())));
        QVERIFY(m_a.pg->psql(QStringLiteral("UPDATE pgbench_accounts SET abalance = abalance + 7 WHERE aid = 400005; "
                                            "DELETE FROM pgbench_accounts WHERE aid = 400006; "
                                            "UPDATE pgbench_accounts SET abalance = 1 WHERE aid = 420000; "
                                            "INSERT INTO pgbench_accounts VALUES (400006, 1, 0, '')"),
                             nullptr, &error));
        auto changes = a.readChanges(*capture, 0, 100);
        QVERIFY2(changes, changes ? "" : qPrintable(explain(changes.error())));
        QCOMPARE(changes->size(), std::size_t(3)); // 420000 lies outside the captured range
        QCOMPARE(int((*changes)[0].op), int(RowChange::Op::Update));
        QCOMPARE((*changes)[0].key, KeyValue(400005));
        QCOMPARE(int((*changes)[1].op), int(RowChange::Op::Delete));
        QCOMPARE(int((*changes)[2].op), int(RowChange::Op::Insert));
        QVERIFY((*changes)[0].sequence < (*changes)[1].sequence);
        const auto &row = (*changes)[0].row;
        const auto col = std::find(row.columns.begin(), row.columns.end(), "aid") - row.columns.begin();
        QVERIFY(std::size_t(col) < row.columns.size());
        QCOMPARE(row.rows.front()[std::size_t(col)].value_or(""), std::string("400005"));
        auto after = a.readChanges(*capture, (*changes)[1].sequence, 100);
        QVERIFY(after);
        QCOMPARE(after->size(), std::size_t(1));
        QVERIFY(a.stopCapture(*capture));
        QVERIFY(a.stopCapture(*capture)); // idempotent
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_cap_%'"), 0);
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM tidemark.capture_log"), 0);
        QVERIFY(m_a.pg->psql(QStringLiteral("UPDATE pgbench_accounts SET abalance = abalance - 7 WHERE aid = 400005; "
                                            "UPDATE pgbench_accounts SET abalance = 0 WHERE aid = 420000"),
                             nullptr, &error));
    }

    void corruptedChunkIsSentAgainAlone()
    {
        // No load: every chunk is equally cold and goes in key order.
        const std::string uid = "copy-corrupt";
        Step s = copyStep(*m_a.connector, StepKind::Copy, "pgbench_accounts_2", str(m_b.pg->uri()), uid, 5000);
        ExecutionContext ctx = context(s);
        int chunksSent = 0;
        std::int64_t spoiled = 0, indexesDuringLoad = -1;
        ctx.crashPoint = [&](std::string_view name) {
            // No change arrives: the keys are built once the rows are loaded.
            if (name == "postgres.copy.after-chunk" && chunksSent == 1)
                indexesDuringLoad =
                    sqlInt(*m_b.raw, "SELECT count(*) FROM pg_index WHERE indrelid = 'pgbench_accounts_2'::regclass");
            // After the third chunk: corrupt one of its rows on the receiving node.
            if (name == "postgres.copy.after-chunk" && ++chunksSent == 3) {
                spoiled = sqlInt(*m_b.raw, "SELECT max(aid) FROM pgbench_accounts_2");
                QVERIFY(m_b.pg->psql(QStringLiteral("UPDATE pgbench_accounts_2 SET abalance = abalance + 1 WHERE "
                                                    "aid = %1")
                                         .arg(spoiled)));
            }
        };
        QStringList progress;
        ctx.progress = collectProgress(progress);
        auto out = m_a.connector->execute(s, ctx);
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        QCOMPARE(out->before, out->after);
        QCOMPARE(out->after.rows, std::int64_t(50000));
        QCOMPARE(tableChecksum(*m_b.raw, "pgbench_accounts_2"), tableChecksum(*m_a.raw, "pgbench_accounts_2"));
        QCOMPARE(indexesDuringLoad, std::int64_t(0));
        QCOMPARE(sqlInt(*m_b.raw, "SELECT count(*) FROM pg_index WHERE indrelid = 'pgbench_accounts_2'::regclass"),
                 sqlInt(*m_a.raw, "SELECT count(*) FROM pg_index WHERE indrelid = 'pgbench_accounts_2'::regclass"));
        // Only the corrupted chunk went twice.
        QVERIFY(spoiled > 0);
        QVERIFY(sqlInt(*m_b.raw, "SELECT count(*) FROM tidemark.copy_chunks WHERE uid = '" + uid + "'") >= 10);
        QCOMPARE(onlyChunkSentAgain(*m_b.raw, uid, spoiled), QString());
        QCOMPARE(sqlInt(*m_b.raw,
                        "SELECT count(*) FROM tidemark.copy_chunks WHERE uid = '" + uid + "' AND state <> 'verified'"),
                 0);
        QCOMPARE(m_b.connector->stepState(uid).value_or(StepCommitState::NotCommitted), StepCommitState::Committed);
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_cap_%'"), 0);
        qInfo("%s", qPrintable(progress.join(QStringLiteral("\n"))));
        QString error;
        QVERIFY2(m_b.pg->psql(QStringLiteral("DROP TABLE pgbench_accounts_2"), nullptr, &error), qPrintable(error));
    }

    void rowDeletedThereAfterItsChunkWasCheckedIsFound()
    {
        // Chunks are checked as they are sent; a row of the first one removed
        // on the receiving node afterwards is found by the count after the
        // bulk copy, and that chunk alone is sent again.
        const std::string uid = "copy-deleted-there";
        Step s = copyStep(*m_a.connector, StepKind::Copy, "pgbench_accounts_2", str(m_b.pg->uri()), uid, 5000);
        ExecutionContext ctx = context(s);
        int chunksSent = 0;
        std::int64_t removed = 0;
        ctx.crashPoint = [&](std::string_view name) {
            if (name == "postgres.copy.after-chunk" && ++chunksSent == 3) {
                removed = sqlInt(*m_b.raw, "SELECT min(aid) FROM pgbench_accounts_2");
                QVERIFY(m_b.pg->psql(QStringLiteral("DELETE FROM pgbench_accounts_2 WHERE aid = %1").arg(removed)));
            }
        };
        QStringList progress;
        ctx.progress = collectProgress(progress);
        auto out = m_a.connector->execute(s, ctx);
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        QCOMPARE(out->after.rows, std::int64_t(50000));
        QCOMPARE(tableChecksum(*m_b.raw, "pgbench_accounts_2"), tableChecksum(*m_a.raw, "pgbench_accounts_2"));
        QVERIFY(removed > 0);
        QVERIFY2(progress.join(u'\n').contains(QLatin1String("rows that were not sent")),
                 qPrintable(progress.join(u'\n')));
        QCOMPARE(onlyChunkSentAgain(*m_b.raw, uid, removed), QString());
        QString error;
        QVERIFY2(m_b.pg->psql(QStringLiteral("DROP TABLE pgbench_accounts_2"), nullptr, &error), qPrintable(error));
    }

    void chunkThatStaysCorruptFailsWithNothingLeft()
    {
        const std::string uid = "copy-stays-corrupt";
        Step s = copyStep(*m_a.connector, StepKind::Copy, "pgbench_accounts_3", str(m_b.pg->uri()), uid, 5000);
        const std::string before = tableChecksum(*m_a.raw, "pgbench_accounts_3");
        ExecutionContext ctx = context(s);
        bool armed = false;
        ctx.crashPoint = [&](std::string_view name) {
            // Every send of the last chunk is corrupted on arrival.
            if (name == "postgres.copy.after-chunk" && !armed) {
                armed = true;
                QString error;
                QVERIFY2(m_b.pg->psql(QStringLiteral(
                                          "CREATE FUNCTION public.spoil() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                                          "IF NEW.aid = 149999 THEN NEW.abalance := NEW.abalance + 1; END IF; RETURN "
                                          "NEW; END $$; CREATE TRIGGER spoil BEFORE INSERT ON pgbench_accounts_3 FOR "
                                          "EACH ROW EXECUTE FUNCTION public.spoil()"),
                                      nullptr, &error),
                         qPrintable(error));
            }
        };
        auto out = m_a.connector->execute(s, ctx);
        QVERIFY(!out);
        QCOMPARE(int(out.error().code), int(ErrorCode::VerificationFailed));
        QVERIFY2(QString::fromStdString(out.error().message).contains(QLatin1String("after 3 sends")),
                 qPrintable(explain(out.error())));
        QCOMPARE(tableChecksum(*m_a.raw, "pgbench_accounts_3"), before);
        const QString left = leftovers(*m_a.raw, *m_b.raw, uid, "pgbench_accounts_3");
        QVERIFY2(left.isEmpty(), qPrintable(left));
        QCOMPARE(m_b.connector->stepState(uid).value_or(StepCommitState::Committed), StepCommitState::NotCommitted);
        QVERIFY(m_b.pg->psql(QStringLiteral("DROP FUNCTION public.spoil()")));
    }

    void cancelledCopyLeavesNothing()
    {
        const std::string uid = "copy-cancelled";
        Step s = copyStep(*m_a.connector, StepKind::Copy, "pgbench_accounts_4", str(m_b.pg->uri()), uid, 5000);
        ExecutionContext ctx = context(s);
        std::stop_source stop;
        ctx.stop = stop.get_token();
        int chunks = 0;
        ctx.crashPoint = [&](std::string_view name) {
            if (name == "postgres.copy.after-chunk" && ++chunks == 2)
                stop.request_stop();
        };
        auto out = m_a.connector->execute(s, ctx);
        QVERIFY(!out);
        QCOMPARE(int(out.error().code), int(ErrorCode::Cancelled));
        const QString left = leftovers(*m_a.raw, *m_b.raw, uid, "pgbench_accounts_4");
        QVERIFY2(left.isEmpty(), qPrintable(left));
    }

    void lostTargetLeavesNoCaptureOnTheSource()
    {
        // The receiving node drops every connection mid-copy (an Io error):
        // the source must lose its capture at once; the target half is left
        // for the next run, which cleans it up.
        const std::string uid = "copy-target-lost";
        Step s = copyStep(*m_a.connector, StepKind::Copy, "pgbench_accounts_3", str(m_b.pg->uri()), uid, 5000);
        ExecutionContext ctx = context(s);
        const std::string own = std::to_string(sqlInt(*m_b.raw, "SELECT pg_backend_pid()"));
        int chunks = 0;
        ctx.crashPoint = [&](std::string_view name) {
            if (name == "postgres.copy.after-chunk" && ++chunks == 2)
                (void)sqlInt(*m_b.raw,
                             "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> " + own +
                                 " AND backend_type = 'client backend'");
        };
        auto out = m_a.connector->execute(s, ctx);
        QVERIFY(!out);
        QCOMPARE(int(out.error().code), int(ErrorCode::Io));
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_cap_%'"), 0);
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM tidemark.capture_log"), 0);
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM tidemark.captures"), 0);
        QVERIFY(open(m_b)); // the receiving node is back: fresh connections

        // A later run finds chunks without a capture, starts clean and, when
        // cancelled, leaves nothing on either node.
        ExecutionContext again = context(s);
        std::stop_source stop;
        again.stop = stop.get_token();
        again.crashPoint = [&](std::string_view name) {
            if (name == "postgres.copy.after-chunk")
                stop.request_stop();
        };
        auto second = m_a.connector->execute(s, again);
        QVERIFY(!second);
        const QString left = leftovers(*m_a.raw, *m_b.raw, uid, "pgbench_accounts_3");
        QVERIFY2(left.isEmpty(), qPrintable(left));
    }

    void copyUnderPgbenchVerifiesByChunk()
    {
        QProcess bench;
        QByteArray output;
        QVERIFY2(startPgbench(bench, 40, output), output.constData());
        // The zipfian load lands at the low keys of the first partition.
        const std::string uid = "copy-under-load";
        Step s = copyStep(*m_a.connector, StepKind::Copy, "pgbench_accounts_1", str(m_b.pg->uri()), uid, 5000);
        ExecutionContext ctx = context(s);
        QString last;
        ctx.progress = [&](double, std::string_view text) { last = QString::fromUtf8(text.data(), int(text.size())); };
        auto out = m_a.connector->execute(s, ctx);
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        QVERIFY2(bench.state() == QProcess::Running, "the copy finished while pgbench was running");
        qInfo("copy: %lld rows, writers waited %.3f s, %.2f s in all; %s", static_cast<long long>(out->rowsMoved),
              out->lockSeconds, out->seconds, qPrintable(last));
        QCOMPARE(out->before, out->after);
        QCOMPARE(out->after.rows, std::int64_t(50000));
        // What the receiving node holds is what the chunks verified.
        auto there = m_b.raw->query("SELECT count(*), coalesce(sum(hashtextextended(ROW(aid, bid, abalance, "
                                    "filler)::text, 0)), 0)::text FROM pgbench_accounts_1");
        QVERIFY(there);
        QCOMPARE(there->integer(0, 0), out->after.rows);
        QCOMPARE(tidemark::postgres::wrappingSum(there->text(0, 1)), out->after.hashSum);
        // Fine chunks where the writes land, sent last; every chunk verified.
        QVERIFY(sqlInt(*m_b.raw, "SELECT count(*) FROM tidemark.copy_chunks WHERE uid = '" + uid + "' AND fine") > 0);
        QCOMPARE(sqlInt(*m_b.raw,
                        "SELECT count(*) FROM tidemark.copy_chunks WHERE uid = '" + uid + "' AND state <> 'verified'"),
                 0);
        const QString left = finishPgbench(bench, output);
        QVERIFY2(left.isEmpty(), qPrintable(left));
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_cap_%'"), 0);
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM tidemark.capture_log"), 0);
        QCOMPARE(
            sqlInt(*m_a.raw,
                   "SELECT (SELECT sum(abalance) FROM pgbench_accounts) - (SELECT sum(delta) FROM pgbench_history)"),
            0);
    }

    void moveUnderPgbenchReachesTheRowsThere()
    {
        QProcess bench;
        QByteArray output;
        // postgres_fdw runs its remote transactions in REPEATABLE READ: once the
        // hot partition is behind it, two clients updating one row see a
        // serialization failure, which a client retries (pgbench --max-tries).
        QVERIFY2(startPgbench(bench, 40, output, 20), output.constData());
        const std::string uid = "move-under-load";
        Step s = copyStep(*m_a.connector, StepKind::Move, "pgbench_accounts_1", str(m_b.pg->uri()), uid, 5000);
        QString error;
        // The copy above left its table there: the move goes to another name.
        s.work<NodeCopyWork>()->targetPartition = "moved.accounts_1";
        ExecutionContext ctx = context(s);
        auto out = m_a.connector->execute(s, ctx);
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        qInfo("move: %lld rows, writers waited %.3f s, %.2f s in all", static_cast<long long>(out->rowsMoved),
              out->lockSeconds, out->seconds);
        QVERIFY2(bench.state() == QProcess::Running, "the move finished while pgbench was running");
        QCOMPARE(m_a.connector->stepState(uid).value_or(StepCommitState::NotCommitted), StepCommitState::Committed);
        QCOMPARE(m_b.connector->stepState(uid).value_or(StepCommitState::NotCommitted), StepCommitState::Committed);
        const QString left = finishPgbench(bench, output);
        QVERIFY2(left.isEmpty(), qPrintable(left));
        // The partition on the source is now a foreign table reaching the receiving node.
        QCOMPARE(sqlInt(*m_a.raw,
                        "SELECT count(*) FROM pg_class WHERE oid = 'pgbench_accounts_1'::regclass AND "
                        "relkind = 'f'"),
                 1);
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM pgbench_accounts"), 500000);
        QCOMPARE(sqlInt(*m_b.raw, "SELECT count(*) FROM moved.accounts_1"), 50000);
        QCOMPARE(
            sqlInt(*m_a.raw,
                   "SELECT (SELECT sum(abalance) FROM pgbench_accounts) - (SELECT sum(delta) FROM pgbench_history)"),
            0);
        // Writes through the parent on the source land on the receiving node.
        // pgbench has stopped; the zipfian load walks aid 7's balance far from
        // zero, so the check is against the balance just before.
        const std::int64_t balanceBefore = sqlInt(*m_b.raw, "SELECT abalance FROM moved.accounts_1 WHERE aid = 7");
        QVERIFY2(m_a.pg->psql(QStringLiteral("UPDATE pgbench_accounts SET abalance = abalance + 1000000 WHERE aid = 7"),
                              nullptr, &error),
                 qPrintable(error));
        QCOMPARE(sqlInt(*m_b.raw, "SELECT abalance FROM moved.accounts_1 WHERE aid = 7"),
                 balanceBefore + std::int64_t(1000000));
        QCOMPARE(sqlInt(*m_a.raw, "SELECT abalance FROM pgbench_accounts WHERE aid = 7"),
                 sqlInt(*m_b.raw, "SELECT abalance FROM moved.accounts_1 WHERE aid = 7"));
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_cap_%'"), 0);
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM tidemark.capture_log"), 0);
    }

    void hostileNamesOnBothNodes()
    {
        // Quotes, dots, spaces, a semicolon and multi-byte characters in the
        // schema, table, key column and partition names: a copy to the
        // receiving node and a move there, every row kept.
        const QString schema = QStringLiteral("\"we\"\"ird; sch.ema\"");
        const QString table = schema + QString::fromUtf8(".\"tab.le \"\"ü\"\" 名\"");
        const QString key = QStringLiteral("\"k\"\"ey col\"");
        QString error;
        QVERIFY2(m_a.pg->psql(QStringLiteral("CREATE SCHEMA %1; CREATE TABLE %2 (%3 bigint NOT NULL, \"v;al\" text) "
                                             "PARTITION BY RANGE (%3); CREATE TABLE %1.\"p.a \"\"0\"\"\" PARTITION "
                                             "OF %2 FOR VALUES FROM (0) TO (1000); CREATE TABLE %1.\"p b\" PARTITION "
                                             "OF %2 FOR VALUES FROM (1000) TO (2000); INSERT INTO %2 SELECT g, 'v' "
                                             "|| g FROM generate_series(0, 1999) AS g; CREATE INDEX ON %2 (%3)")
                                  .arg(schema, table, key),
                              nullptr, &error),
                 qPrintable(error));
        const std::string shownTable = table.toStdString();
        auto family = m_a.connector->describe(shownTable);
        QVERIFY2(family, family ? "" : qPrintable(explain(family.error())));
        QCOMPARE(family->partitions.size(), std::size_t(2));
        auto sum = [&](PgConnection &c, const std::string &rel) {
            return sqlInt(c, "SELECT count(*) FROM " + rel) * 1000003 +
                sqlInt(c, "SELECT coalesce(sum(hashtext(r::text)), 0) FROM " + rel + " r");
        };
        const std::string partA = schema.toStdString() + ".\"p.a \"\"0\"\"\"";
        const std::string partB = schema.toStdString() + ".\"p b\"";
        const std::int64_t sumA = sum(*m_a.raw, partA), sumB = sum(*m_a.raw, partB);
        for (int i = 0; i < 2; ++i) {
            const bool move = i == 1;
            Step s;
            s.kind = move ? StepKind::Move : StepKind::Copy;
            s.table = shownTable;
            s.uid = move ? "hostile-move" : "hostile-copy";
            s.sources = {family->partitions[std::size_t(i)].name};
            s.payload = NodeCopyWork{str(m_b.pg->uri()), "", "", KeyRange{}, 0, 300, {}};
            auto fp = m_a.connector->fingerprint(s.table, s.sources);
            QVERIFY2(fp, fp ? "" : qPrintable(explain(fp.error())));
            s.fingerprint = *fp;
            ExecutionContext ctx = context(s);
            auto out = m_a.connector->execute(s, ctx);
            QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
            QCOMPARE(out->after.rows, std::int64_t(1000));
        }
        // The copy and the moved partition on the receiving node, as on the source.
        QCOMPARE(sum(*m_b.raw, partA), sumA);
        QCOMPARE(sum(*m_b.raw, partB), sumB);
        // The moved one is reached through the parent on the source.
        QCOMPARE(
            sqlInt(*m_a.raw, "SELECT count(*) FROM pg_class WHERE oid = '" + partB + "'::regclass AND relkind = 'f'"),
            1);
        QCOMPARE(sum(*m_a.raw, partB), sumB);
        QVERIFY2(m_a.pg->psql(QStringLiteral("UPDATE %1 SET \"v;al\" = 'moved' WHERE %2 = 1500").arg(table, key),
                              nullptr, &error),
                 qPrintable(error));
        QCOMPARE(sqlInt(*m_b.raw, "SELECT count(*) FROM " + partB + " WHERE \"v;al\" = 'moved'"), 1);
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_cap_%'"), 0);
    }

    void moveRefusedUnderAUniqueIndex()
    {
        QString error;
        QVERIFY2(m_a.pg->psql(QStringLiteral("CREATE TABLE keyed (id bigint PRIMARY KEY, v text) PARTITION BY RANGE "
                                             "(id); CREATE TABLE keyed_1 PARTITION OF keyed FOR VALUES FROM (0) TO "
                                             "(100); INSERT INTO keyed SELECT g, 'x' FROM generate_series(0, 99) g"),
                              nullptr, &error),
                 qPrintable(error));
        Step s = copyStep(*m_a.connector, StepKind::Move, "keyed_1", str(m_b.pg->uri()), "move-keyed", 0);
        s.table = "keyed";
        if (auto fp = m_a.connector->fingerprint(s.table, s.sources))
            s.fingerprint = *fp;
        ExecutionContext ctx = context(s);
        auto out = m_a.connector->execute(s, ctx);
        QVERIFY(!out);
        QCOMPARE(int(out.error().code), int(ErrorCode::Unsupported));
        QVERIFY2(QString::fromStdString(out.error().message).contains(QLatin1String("unique index")),
                 qPrintable(explain(out.error())));
        QCOMPARE(sqlInt(*m_b.raw, "SELECT count(*) FROM pg_class WHERE relname = 'keyed_1'"), 0);
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM keyed"), 100);
    }

    void checkConstraintsMoveAlongAndAMissingOneIsFound()
    {
        QString error;
        QVERIFY2(m_a.pg->psql(QStringLiteral(
                                  "CREATE TABLE checked (id bigint NOT NULL, qty int NOT NULL, CONSTRAINT qty_positive "
                                  "CHECK (qty > 0)) PARTITION BY RANGE (id); CREATE TABLE checked_1 PARTITION OF "
                                  "checked FOR VALUES FROM (0) TO (1000); ALTER TABLE checked_1 ADD CONSTRAINT "
                                  "qty_small CHECK (qty < 1000); CREATE INDEX ON checked (id); INSERT INTO checked "
                                  "SELECT g, g % 100 + 1 FROM generate_series(0, 999) g"),
                              nullptr, &error),
                 qPrintable(error));
        Step s = copyStep(*m_a.connector, StepKind::Move, "checked_1", str(m_b.pg->uri()), "move-checked", 0);
        s.table = "checked";
        if (auto fp = m_a.connector->fingerprint(s.table, s.sources))
            s.fingerprint = *fp;
        ExecutionContext ctx = context(s);
        auto out = m_a.connector->execute(s, ctx);
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));

        auto checkOf = [&](QString &detail) {
            return moveCheck(*m_a.connector, s, *out, ctx, "CHECK constraints on the receiving table", detail);
        };
        QString detail;
        QVERIFY2(checkOf(detail), qPrintable(detail));
        QVERIFY2(detail.contains(QLatin1String("2 CHECK constraint(s) of the parent and the partition on checked_1")),
                 qPrintable(detail));
        // The receiving table enforces both, also for writes through the parent.
        QVERIFY(!m_b.pg->psql(QStringLiteral("INSERT INTO checked_1 VALUES (5, 0)"), nullptr, &error));
        QVERIFY2(error.contains(QLatin1String("qty_positive")), qPrintable(error));
        QVERIFY(!m_a.pg->psql(QStringLiteral("INSERT INTO checked VALUES (5, 5000)"), nullptr, &error));
        QVERIFY2(error.contains(QLatin1String("qty_small")), qPrintable(error));
        QCOMPARE(sqlInt(*m_a.raw, "SELECT count(*) FROM checked"), 1000);
        // The partition's own constraint is declared on the foreign partition as well.
        QCOMPARE(sqlInt(*m_a.raw,
                        "SELECT count(*) FROM pg_constraint WHERE conrelid = 'checked_1'::regclass AND contype = 'c'"),
                 2);

        // Dropped on the receiving node behind Tidemark's back: the validation names it.
        QVERIFY(m_b.pg->psql(QStringLiteral("ALTER TABLE checked_1 DROP CONSTRAINT qty_small")));
        QVERIFY2(!checkOf(detail), qPrintable(detail));
        QVERIFY2(detail.contains(QLatin1String("missing on checked_1: CHECK ((qty < 1000))")), qPrintable(detail));

        // The foreign partition reads the wrong column there: as many rows,
        // other values. The readable check compares checksums, not counts.
        auto readable = [&](QString &detail) {
            return moveCheck(*m_a.connector, s, *out, ctx, "rows readable through the parent", detail);
        };
        QVERIFY2(readable(detail), qPrintable(detail));
        QVERIFY2(detail.contains(QLatin1String("1000 rows of the range")), qPrintable(detail));
        QVERIFY2(m_a.pg->psql(QStringLiteral("ALTER FOREIGN TABLE checked_1 ALTER COLUMN qty OPTIONS (ADD column_name "
                                             "'id')"),
                              nullptr, &error),
                 qPrintable(error));
        QVERIFY2(!readable(detail), qPrintable(detail));
        QVERIFY2(detail.contains(QLatin1String("1000 rows (checksum")), qPrintable(detail));
    }
};

QTEST_GUILESS_MAIN(TestPostgresNodeCopy)
#include "tst_postgres_node_copy.moc"
