// Copy of a SQLite partition to another database file: the rows there equal
// to the source's at the cutover, with writes of another connection landing
// during the copy (in chunks already copied and not yet copied); the target
// changed behind the copy's back fails the step with nothing left in either
// file; a cancelled copy and an interrupted one leave nothing behind; a move
// is refused with its reason; a file system too small for the reservation
// is refused before anything changes, and so is a receiving file that has
// a table of that name (which is kept).
#include <QTemporaryDir>
#include <QtTest>

#include "sqlite_test_util.h"

using namespace tidemark;
using namespace tidemark::test;
using tidemark::sqlite::FamilySpec;
using tidemark::sqlite::SqliteConnector;

class TestSqliteNodeCopy : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_n = 0;
    std::string m_source, m_target;
    std::unique_ptr<SqliteConnector> m_a, m_b;

    static std::string uriOf(const std::string &path) { return "sqlite://" + path; }

    Step copyStep(StepKind kind, const std::string &uid, std::int64_t chunkRows = 500, std::int64_t reserved = 0)
    {
        Step s;
        s.kind = kind;
        s.table = "events";
        s.uid = uid;
        s.sources = {"events__p_1000_5000"};
        s.payload = NodeCopyWork{uriOf(m_target), "", "", KeyRange{1000, 5000}, reserved, chunkRows, {}};
        s.fingerprint = m_a->fingerprint(s.table, s.sources).value_or("");
        return s;
    }

    ExecutionContext context(const Step &s)
    {
        ExecutionContext ctx;
        ctx.stepUid = s.uid;
        ctx.lockTimeoutMs = 2000;
        ctx.peer = [this](const std::string &uri) -> Connector * {
            return uri == uriOf(m_target) ? m_b.get() : nullptr;
        };
        return ctx;
    }

    /// count/checksum of a table through a connection of its own.
    static std::string sumOf(RawDb &db, const std::string &table)
    {
        return std::to_string(db.scalar("SELECT count(*) FROM " + ident(table))) + "/" +
            std::to_string(
                   db.scalar("SELECT total(k * 7 + length(v) * 13 + coalesce(n, 0) * 31) FROM " + ident(table)));
    }

    QString leftovers(RawDb &a, RawDb &b)
    {
        QStringList found;
        if (a.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '\\_tidemark\\_cap\\_%' "
                     "ESCAPE '\\'") != 0)
            found << QStringLiteral("capture triggers on the source");
        if (a.scalar("SELECT count(*) FROM sqlite_schema WHERE name = '_tidemark_capture'") > 0 &&
            a.scalar("SELECT count(*) FROM _tidemark_capture") != 0)
            found << QStringLiteral("capture rows");
        if (b.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'events__p_1000_5000'") != 0)
            found << QStringLiteral("the half-filled table in the receiving file");
        if (b.scalar("SELECT count(*) FROM sqlite_schema WHERE name = '_tidemark_copy_chunks'") > 0 &&
            b.scalar("SELECT count(*) FROM _tidemark_copy_chunks") != 0)
            found << QStringLiteral("chunk records");
        return found.join(QStringLiteral(", "));
    }

    /// Runs copy `uid` until chunk `n` is copied, then ends it as a killed
    /// process would (nothing after that point runs; its connection goes).
    bool killAfterChunk(const std::string &uid, int n)
    {
        struct Killed { };
        Step s = copyStep(StepKind::Copy, uid);
        ExecutionContext ctx = context(s);
        int reached = 0;
        ctx.crashPoint = [&](std::string_view name) {
            if (name == "sqlite.copy.after-chunk" && ++reached == n)
                throw Killed{};
        };
        bool killed = false;
        try {
            (void)m_a->execute(s, ctx);
        } catch (const Killed &) {
            killed = true;
        }
        m_a.reset();
        auto reopened = SqliteConnector::openPath(m_source);
        if (!reopened)
            return false;
        m_a = std::move(*reopened);
        return killed;
    }

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        ++m_n;
        m_source = m_dir.filePath(QStringLiteral("source%1.db").arg(m_n)).toStdString();
        m_target = m_dir.filePath(QStringLiteral("replica%1.db").arg(m_n)).toStdString();
        {
            RawDb create(m_source, true);
            QCOMPARE(create.exec("PRAGMA journal_mode = WAL"), std::string());
            RawDb target(m_target, true);
            QCOMPARE(target.exec("PRAGMA journal_mode = WAL; CREATE TABLE unrelated(x)"), std::string());
        }
        auto a = SqliteConnector::openPath(m_source);
        auto b = SqliteConnector::openPath(m_target);
        QVERIFY2(a && b, "cannot open the files");
        m_a = std::move(*a);
        m_b = std::move(*b);
        FamilySpec spec;
        spec.createTableSql = "CREATE TABLE events(k INTEGER PRIMARY KEY, v TEXT NOT NULL, n INTEGER)";
        spec.createIndexSql = {"CREATE INDEX events_by_n ON events(n)"};
        spec.keyColumn = "k";
        spec.splitPoints = {1000, 5000};
        spec.lowerBound = 0;
        spec.upperBound = 10000;
        auto made = m_a->createFamily(spec);
        QVERIFY2(made, made ? "" : made.error().message.c_str());
        RawDb db(m_source);
        QCOMPARE(db.exec("WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k < 9999) "
                         "INSERT INTO events SELECT k, 'v' || k, k % 97 FROM s"),
                 std::string());
    }
    void cleanup()
    {
        m_a.reset();
        m_b.reset();
    }

    void copyUnderWritesEqualsTheSourceAtTheCutover()
    {
        Step s = copyStep(StepKind::Copy, "sqlite-copy");
        ExecutionContext ctx = context(s);
        RawDb writer(m_source);
        int chunks = 0;
        ctx.crashPoint = [&](std::string_view name) {
            // Another application writes while the copy runs: in chunks already
            // copied and still to copy, a key moved out, one deleted, one added.
            if (name == "sqlite.copy.after-chunk" && ++chunks == 2) {
                QCOMPARE(writer.exec("UPDATE events SET n = n + 1000 WHERE k BETWEEN 1000 AND 1099; "
                                     "UPDATE events SET v = 'late' WHERE k BETWEEN 4900 AND 4999; "
                                     "DELETE FROM events WHERE k = 1500; INSERT INTO events VALUES (1500, 'again', 1); "
                                     "DELETE FROM events WHERE k = 3000; DELETE FROM events WHERE k = 6001; "
                                     "UPDATE events SET k = 6001 WHERE k = 3001"),
                         std::string());
            }
            if (name == "sqlite.copy.before-cutover")
                QCOMPARE(writer.exec("UPDATE events SET v = 'last' WHERE k = 2000"), std::string());
        };
        QStringList lines;
        ctx.progress = [&](double, std::string_view t) { lines << QString::fromUtf8(t.data(), int(t.size())); };
        auto out = m_a->execute(s, ctx);
        QVERIFY2(out, out ? "" : (out.error().message + " — " + out.error().hint).c_str());
        QVERIFY(chunks >= 8); // 4,000 rows in chunks of about 500
        QCOMPARE(out->before, out->after);
        RawDb a(m_source), b(m_target);
        QCOMPARE(sumOf(b, "events__p_1000_5000"), sumOf(a, "events__p_1000_5000"));
        QCOMPARE(b.scalar("SELECT count(*) FROM events__p_1000_5000"), std::int64_t(3998));
        QCOMPARE(out->after.rows, std::int64_t(3998));
        QCOMPARE(b.scalar("SELECT count(*) FROM events__p_1000_5000 WHERE v = 'last' AND k = 2000"), std::int64_t(1));
        // Its index came along; the step is recorded in the receiving file.
        QCOMPARE(b.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = "
                          "'events__p_1000_5000' AND name = 'events__p_1000_5000__events_by_n'"),
                 std::int64_t(1));
        QCOMPARE(m_b->stepState("sqlite-copy").value_or(StepCommitState::NotCommitted), StepCommitState::Committed);
        QCOMPARE(m_a->stepState("sqlite-copy").value_or(StepCommitState::Committed), StepCommitState::NotCommitted);
        QCOMPARE(a.scalar("SELECT count(*) FROM _tidemark_capture"), std::int64_t(0));
        QCOMPARE(a.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%tidemark_cap%'"),
                 std::int64_t(0));
        QVERIFY2(lines.last().contains(QLatin1String("keys written during the copy compared")),
                 qPrintable(lines.join(u'\n')));
        // The source family works on: writes after the cutover are not captured.
        QCOMPARE(a.exec("UPDATE events SET v = 'after' WHERE k = 2001"), std::string());
        QCOMPARE(a.scalar("SELECT count(*) FROM sqlite_schema WHERE name = '_tidemark_capture'") == 0 ||
                     a.scalar("SELECT count(*) FROM _tidemark_capture") == 0,
                 true);
    }

    void receivingTableChangedBehindTheCopyFailsWithNothingLeft()
    {
        Step s = copyStep(StepKind::Copy, "sqlite-spoiled");
        ExecutionContext ctx = context(s);
        RawDb other(m_target);
        int chunks = 0;
        ctx.crashPoint = [&](std::string_view name) {
            if (name == "sqlite.copy.after-chunk" && ++chunks == 3)
                QCOMPARE(other.exec("UPDATE events__p_1000_5000 SET v = 'spoiled' WHERE k = (SELECT min(k) FROM "
                                    "events__p_1000_5000)"),
                         std::string());
        };
        RawDb a(m_source);
        const std::string before = sumOf(a, "events__p_1000_5000");
        auto out = m_a->execute(s, ctx);
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::VerificationFailed);
        QVERIFY2(out.error().message.find("changed while the copy ran") != std::string::npos,
                 out.error().message.c_str());
        RawDb b(m_target);
        const QString left = leftovers(a, b);
        QVERIFY2(left.isEmpty(), qPrintable(left));
        QCOMPARE(sumOf(a, "events__p_1000_5000"), before);
        QCOMPARE(m_b->stepState("sqlite-spoiled").value_or(StepCommitState::Committed), StepCommitState::NotCommitted);
    }

    void cancelledAndInterruptedCopiesLeaveNothing()
    {
        RawDb a(m_source), b(m_target);
        {
            Step s = copyStep(StepKind::Copy, "sqlite-cancel");
            ExecutionContext ctx = context(s);
            std::stop_source stop;
            ctx.stop = stop.get_token();
            ctx.crashPoint = [&](std::string_view name) {
                if (name == "sqlite.copy.after-chunk")
                    stop.request_stop();
            };
            auto out = m_a->execute(s, ctx);
            QVERIFY(!out);
            QCOMPARE(out.error().code, ErrorCode::Cancelled);
            const QString left = leftovers(a, b);
            QVERIFY2(left.isEmpty(), qPrintable(left));
        }
        {
            // Interrupted: what a killed process leaves (the capture and half the
            // copy), then removed by the executor's recovery on both files.
            QVERIFY(killAfterChunk("sqlite-killed", 1));
            QVERIFY(!leftovers(a, b).isEmpty());
            QCOMPARE(m_b->stepState("sqlite-killed").value_or(StepCommitState::Committed),
                     StepCommitState::NotCommitted);
            QVERIFY(m_a->abandonStep("sqlite-killed"));
            QVERIFY(m_b->abandonStep("sqlite-killed"));
            const QString left = leftovers(a, b);
            QVERIFY2(left.isEmpty(), qPrintable(left));
            // And it runs again to the end.
            Step again = copyStep(StepKind::Copy, "sqlite-killed");
            ExecutionContext ctx2 = context(again);
            auto out = m_a->execute(again, ctx2);
            QVERIFY2(out, out ? "" : out.error().message.c_str());
            QCOMPARE(sumOf(b, "events__p_1000_5000"), sumOf(a, "events__p_1000_5000"));
        }
    }

    void interruptedCopyGoesOnWhereItStopped()
    {
        QVERIFY(killAfterChunk("sqlite-resume", 3));
        {
            // A write while no copy runs: captured, applied later.
            RawDb writer(m_source);
            QCOMPARE(writer.exec("UPDATE events SET v = 'meanwhile' WHERE k = 1001"), std::string());
        }
        Step s = copyStep(StepKind::Copy, "sqlite-resume");
        ExecutionContext ctx = context(s);
        int again = 0;
        QStringList lines;
        ctx.crashPoint = [&](std::string_view name) {
            if (name == "sqlite.copy.after-chunk")
                ++again;
        };
        ctx.progress = [&](double, std::string_view t) { lines << QString::fromUtf8(t.data(), int(t.size())); };
        auto out = m_a->execute(s, ctx);
        QVERIFY2(out, out ? "" : out.error().message.c_str());
        QVERIFY2(lines.join(u'\n').contains(QLatin1String("resuming: 3 of")), qPrintable(lines.join(u'\n')));
        RawDb a(m_source), b(m_target);
        // Only the chunks not copied before were sent.
        QCOMPARE(again + 3, int(b.scalar("SELECT count(*) FROM _tidemark_copy_chunks WHERE uid = 'sqlite-resume'")));
        QCOMPARE(b.scalar("SELECT count(*) FROM _tidemark_copy_chunks WHERE sends <> 1"), std::int64_t(0));
        QCOMPARE(sumOf(b, "events__p_1000_5000"), sumOf(a, "events__p_1000_5000"));
        QCOMPARE(b.scalar("SELECT count(*) FROM events__p_1000_5000 WHERE k = 1001 AND v = 'meanwhile'"),
                 std::int64_t(1));
    }

    void moveIsRefusedWithTheReason()
    {
        Step s = copyStep(StepKind::Move, "sqlite-move");
        ExecutionContext ctx = context(s);
        auto out = m_a->execute(s, ctx);
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::Unsupported);
        QVERIFY2(out.error().message.find("another file") != std::string::npos, out.error().message.c_str());
        QVERIFY(out.error().hint.find("copy it instead") != std::string::npos);
        RawDb a(m_source), b(m_target);
        QVERIFY(leftovers(a, b).isEmpty());
        auto preview = m_a->preview(copyStep(StepKind::Copy, "sqlite-preview"));
        QVERIFY2(preview, preview ? "" : preview.error().message.c_str());
        QVERIFY(preview->find("ATTACH DATABASE") != std::string::npos);
        QVERIFY(preview->find("CREATE TRIGGER") != std::string::npos);
    }

    void tableOfThatNameThereIsRefusedAndKept()
    {
        {
            RawDb b(m_target);
            QCOMPARE(b.exec("CREATE TABLE events__p_1000_5000(mine TEXT); INSERT INTO events__p_1000_5000 "
                            "VALUES('keep me')"),
                     std::string());
        }
        Step s = copyStep(StepKind::Copy, "sqlite-taken");
        ExecutionContext ctx = context(s);
        auto out = m_a->execute(s, ctx);
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(out.error().message.find("already exists") != std::string::npos, out.error().message.c_str());
        RawDb a(m_source), b(m_target);
        QCOMPARE(b.scalar("SELECT count(*) FROM events__p_1000_5000 WHERE mine = 'keep me'"), std::int64_t(1));
        QCOMPARE(a.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%tidemark_cap%'"),
                 std::int64_t(0));
    }

    void reservationLargerThanTheFileSystemIsRefused()
    {
        Step s = copyStep(StepKind::Copy, "sqlite-huge", 500, std::int64_t(1) << 60);
        ExecutionContext ctx = context(s);
        auto out = m_a->execute(s, ctx);
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(out.error().message.find("free") != std::string::npos, out.error().message.c_str());
        RawDb a(m_source), b(m_target);
        QVERIFY(leftovers(a, b).isEmpty());
        QCOMPARE(b.scalar("SELECT count(*) FROM sqlite_schema WHERE name LIKE '_tidemark%'"), std::int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestSqliteNodeCopy)
#include "tst_sqlite_node_copy.moc"
