// Point in time on real databases (a SQLite file, a private PostgreSQL
// server): under a concurrent random workload the test records the true
// state (row count + checksum, also of one key range) at hundreds of random
// moments, each a clean cut it takes itself; the rows as of each moment,
// from the snapshot repository and the journal, must equal it — also across
// a split executed in between, for the split's children. Then: journal
// disable leaves nothing in the database, a damaged segment is refused by
// checksum, a restore into a new table is verified, and kill -9 during a
// snapshot and during a restore leaves nothing half-written.
#include <atomic>
#include <chrono>
#include <random>
#include <set>
#include <thread>

#include <QTemporaryDir>
#include <QtTest>

#include <fmt/format.h>
#include <sqlite3.h>
#include <xxhash.h>

#include "../e2e/cli_harness.h"
#include "journal/point_in_time.h"
#include "pg_connection.h"
#include "postgres_connector.h"
#include "postgres_test_util.h"
#include "sqlite_connector.h"
#include "store/metadata_store.h"

using namespace tidemark;
using namespace tidemark::test;
using tidemark::postgres::PgConnection;
using tidemark::postgres::PostgresConnector;

namespace {

std::int64_t nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The test's own checksum of row images (independent of the engine's code).
struct Truth {
    std::int64_t atUs = 0;
    std::int64_t rows = 0;
    std::uint64_t sum = 0;
    std::int64_t childRows = 0; ///< keys in [250, 375)
    std::uint64_t childSum = 0;
    void add(std::int64_t key, const std::string &image)
    {
        const std::uint64_t h = XXH64(image.data(), image.size(), 0);
        ++rows;
        sum += h;
        if (key >= 250 && key < 375) {
            ++childRows;
            childSum += h;
        }
    }
};

std::string hex(std::uint64_t v)
{
    return fmt::format("{:016x}", v);
}

std::string err(const Error &e)
{
    return e.message + (e.hint.empty() ? "" : " (" + e.hint + ")");
}

sqlite3 *openSqlite(const std::string &path)
{
    sqlite3 *db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_busy_timeout(db, 10000);
    return db;
}

bool sqliteExec(sqlite3 *db, const std::string &sql)
{
    return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
}

std::vector<std::string> sqliteSchema(sqlite3 *db)
{
    std::vector<std::string> out;
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "SELECT type || ' ' || name FROM sqlite_schema ORDER BY 1", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
        out.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    return out;
}

// Random transactions of 1–3 statements: inserts, range updates, deletes.
std::string randomStatement(std::mt19937 &rng, bool postgres)
{
    const int id = int(rng() % 1000);
    switch (rng() % 4) {
    case 0:
    case 1:
        return postgres ? fmt::format("INSERT INTO acc VALUES ({}, {}, 'i{}', {}) ON CONFLICT DO NOTHING", id,
                                      rng() % 100, rng() % 1000, rng() % 1000)
                        : fmt::format("INSERT INTO acc SELECT {0}, {1}, 'i{2}', {3} WHERE NOT EXISTS (SELECT 1 FROM "
                                      "acc WHERE id = {0})",
                                      id, rng() % 100, rng() % 1000, rng() % 1000);
    case 2:
        return fmt::format("UPDATE acc SET v = 'u{}', n = n + 1 WHERE id BETWEEN {} AND {}", rng() % 1000, id, id + 4);
    default:
        return fmt::format("DELETE FROM acc WHERE id = {}", id);
    }
}

// Stops and joins the workload threads however the test function returns.
struct JoinAll {
    std::atomic<bool> &stop;
    std::vector<std::thread> &threads;
    ~JoinAll()
    {
        stop = true;
        for (auto &t : threads)
            if (t.joinable())
                t.join();
    }
};

// A loaded machine samples more slowly: keep the workload running until
// enough moments are recorded (at most 20 s more).
void waitForSamples(const std::atomic<int> &samples)
{
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (samples < 150 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

} // namespace

class TestPointInTime : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<PostgresServer> m_pg;

    // Checks every recorded moment against the rows as of it; `child` is a
    // partition name whose range is [250, 375) (empty: not checked).
    void checkMoments(Connector &c, SnapshotRepository &repo, const std::vector<Truth> &truths,
                      const std::string &child, std::int64_t childFromUs)
    {
        int checked = 0, childChecked = 0;
        for (const auto &t : truths) {
            auto r = readAsOf(c, repo, "acc", "", t.atUs);
            QVERIFY2(r, r ? "" : err(r.error()).c_str());
            QVERIFY2(r->checksum.rows == t.rows && r->checksum.sum == t.sum,
                     qPrintable(QStringLiteral("at %1: as of %2 rows %3, truth %4 rows %5")
                                    .arg(t.atUs)
                                    .arg(r->checksum.rows)
                                    .arg(QString::fromStdString(r->checksum.hex()))
                                    .arg(t.rows)
                                    .arg(QString::fromStdString(hex(t.sum)))));
            ++checked;
            if (!child.empty() && t.atUs >= childFromUs) {
                auto p = readAsOf(c, repo, "acc", child, t.atUs);
                QVERIFY2(p, p ? "" : err(p.error()).c_str());
                QCOMPARE(p->checksum.rows, t.childRows);
                QCOMPARE(p->checksum.sum, t.childSum);
                ++childChecked;
            }
        }
        qInfo("%d moments checked, %d of them for the split's child %s", checked, childChecked, child.c_str());
        QVERIFY(checked >= 100);
        if (!child.empty())
            QVERIFY(childChecked >= 50);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        usePgpass(*m_pg);
    }
    void cleanupTestCase() { m_pg.reset(); }

    void sqliteJournalEnableDisableLeavesNothing()
    {
        const std::string path = m_dir.filePath(QStringLiteral("clean.db")).toStdString();
        sqlite3 *raw = nullptr;
        sqlite3_open(path.c_str(), &raw);
        sqlite3_close(raw);
        auto c = sqlite::SqliteConnector::openPath(path);
        QVERIFY2(c, c ? "" : err(c.error()).c_str());
        sqlite::FamilySpec spec;
        spec.createTableSql = "CREATE TABLE acc(id INTEGER PRIMARY KEY, k INTEGER, v TEXT, n REAL)";
        spec.keyColumn = "id";
        spec.splitPoints = {500};
        QVERIFY((*c)->createFamily(spec));
        sqlite3 *db = openSqlite(path);
        const auto before = sqliteSchema(db);
        QVERIFY((*c)->enableJournal("acc"));
        QVERIFY(sqliteSchema(db) != before);
        QVERIFY(sqliteExec(db, "INSERT INTO acc VALUES (1, 1, 'a', 1.5)"));
        auto st = (*c)->journalStatus("acc");
        QVERIFY(st && st->enabled && st->pendingChanges == 1);
        QVERIFY((*c)->disableJournal("acc"));
        QCOMPARE(sqliteSchema(db), before);
        auto again = (*c)->journalStatus("acc");
        QVERIFY(again && !again->enabled);
        // A table that is not a family is refused with the reason.
        auto bad = (*c)->enableJournal("nosuch");
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::NotFound);
        sqlite3_close(db);
    }

    void sqliteAsOfEqualsTruthUnderConcurrentWritesAcrossASplit()
    {
        const std::string path = m_dir.filePath(QStringLiteral("prop.db")).toStdString();
        sqlite3 *raw = nullptr;
        sqlite3_open(path.c_str(), &raw);
        sqliteExec(raw, "PRAGMA journal_mode = WAL");
        sqlite3_close(raw);
        auto c = sqlite::SqliteConnector::openPath(path);
        QVERIFY2(c, c ? "" : err(c.error()).c_str());
        sqlite::FamilySpec spec;
        spec.createTableSql = "CREATE TABLE acc(id INTEGER PRIMARY KEY, k INTEGER, v TEXT, n REAL)";
        spec.keyColumn = "id";
        spec.splitPoints = {250, 500, 750};
        spec.lowerBound = 0;
        spec.upperBound = 1000;
        QVERIFY((*c)->createFamily(spec));
        QVERIFY((*c)->enableJournal("acc"));
        {
            sqlite3 *db = openSqlite(path);
            QVERIFY(sqliteExec(db,
                               "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 2 FROM s WHERE i < 998) "
                               "INSERT INTO acc SELECT i, i % 7, 'v' || i, i * 0.5 FROM s"));
            sqlite3_close(db);
        }
        auto repo = SnapshotRepository::open(m_dir.filePath(QStringLiteral("store-sqlite.db")).toStdString(), 1,
                                             m_dir.filePath(QStringLiteral("repo-sqlite")).toStdString());
        QVERIFY(!repo); // the manifest lives in a metadata store: none there yet
        auto store = MetadataStore::open(m_dir.filePath(QStringLiteral("store-sqlite.db")).toStdString());
        QVERIFY(store);
        auto conn = (*store)->ensureConnection("sqlite://" + path);
        QVERIFY(conn);
        repo = SnapshotRepository::open((*store)->path(), conn->id,
                                        m_dir.filePath(QStringLiteral("repo-sqlite")).toStdString());
        QVERIFY2(repo, repo ? "" : err(repo.error()).c_str());
        auto first = takeSnapshot(**c, **repo, "acc", "");
        QVERIFY2(first, first ? "" : err(first.error()).c_str());

        std::atomic<bool> stop{false};
        std::vector<std::thread> writers;
        for (int w = 0; w < 2; ++w)
            writers.emplace_back([&, w] {
                std::mt19937 rng(1234 + w);
                sqlite3 *db = openSqlite(path);
                while (!stop) {
                    std::string tx = "BEGIN IMMEDIATE;";
                    for (int i = 0, n = 1 + int(rng() % 3); i < n; ++i)
                        tx += randomStatement(rng, false) + ";";
                    if (!sqliteExec(db, tx + "COMMIT;"))
                        sqliteExec(db, "ROLLBACK");
                    std::this_thread::sleep_for(std::chrono::microseconds(300 + rng() % 1500));
                }
                sqlite3_close(db);
            });
        std::vector<Truth> truths;
        std::atomic<int> samples{0};
        JoinAll joinAll{stop, writers};
        writers.emplace_back([&] {
            std::mt19937 rng(99);
            sqlite3 *db = openSqlite(path);
            while (!stop) {
                // The test's own clean cut: no writer is inside a transaction.
                if (!sqliteExec(db, "BEGIN IMMEDIATE"))
                    continue;
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                Truth t;
                t.atUs = nowUs();
                sqlite3_stmt *st = nullptr;
                sqlite3_prepare_v2(db, "SELECT id, json_array(id, k, v, n) FROM acc", -1, &st, nullptr);
                while (sqlite3_step(st) == SQLITE_ROW)
                    t.add(sqlite3_column_int64(st, 0), reinterpret_cast<const char *>(sqlite3_column_text(st, 1)));
                sqlite3_finalize(st);
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                sqliteExec(db, "ROLLBACK");
                truths.push_back(t);
                ++samples;
                std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 12));
            }
            sqlite3_close(db);
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(1200));
        auto mid = takeSnapshot(**c, **repo, "acc", "");
        QVERIFY2(mid, mid ? "" : err(mid.error()).c_str());
        QVERIFY(mid->chunksReused + mid->snapshot.chunksWritten == std::int64_t(mid->snapshot.chunks.size()));
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        // A split executed in between: [250, 500) into [250, 375) and [375, 500).
        auto t0 = (*c)->describe("acc");
        QVERIFY(t0);
        const std::string source = t0->partitions[1].name;
        Step split;
        split.uid = "pitr-split-1";
        split.kind = StepKind::Split;
        split.table = "acc";
        split.sources = {source};
        split.repartition().targets = {NewPartition{(*c)->partitionNameFor("acc", KeyRange{250, 375}), {250, 375}},
                                       NewPartition{(*c)->partitionNameFor("acc", KeyRange{375, 500}), {375, 500}}};
        split.fingerprint = *(*c)->fingerprint("acc", split.sources);
        ExecutionContext ctx;
        ctx.stepUid = split.uid;
        ctx.lockTimeoutMs = 10000;
        auto done = (*c)->execute(split, ctx);
        QVERIFY2(done, done ? "" : err(done.error()).c_str());
        const std::string child = split.repartition().targets[0].name;
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        auto part = takeSnapshot(**c, **repo, "acc", child);
        QVERIFY2(part, part ? "" : err(part.error()).c_str());
        std::this_thread::sleep_for(std::chrono::milliseconds(1200));
        waitForSamples(samples);
        stop = true;
        for (auto &w : writers)
            w.join();
        QVERIFY(truths.size() >= 100);
        // The child's history reaches back before the split (to the first snapshot).
        checkMoments(**c, **repo, truths, child, first->snapshot.takenUs);
        // Nothing before the first snapshot can be read, and the message says why.
        auto early = readAsOf(**c, **repo, "acc", "", first->snapshot.takenUs - 1000000);
        QVERIFY(!early);
        QCOMPARE(early.error().code, ErrorCode::NotFound);
        QVERIFY(early.error().hint.find("snapshot") != std::string::npos);

        // Restore the moment in the middle into a new table, verified.
        const Truth &m = truths[truths.size() / 2];
        auto restored = restoreAsOf(**c, **repo, "acc", "", m.atUs, "acc_restored");
        QVERIFY2(restored, restored ? "" : err(restored.error()).c_str());
        {
            sqlite3 *db = openSqlite(path);
            Truth back;
            sqlite3_stmt *st = nullptr;
            sqlite3_prepare_v2(db, "SELECT id, json_array(id, k, v, n) FROM acc_restored", -1, &st, nullptr);
            while (sqlite3_step(st) == SQLITE_ROW)
                back.add(sqlite3_column_int64(st, 0), reinterpret_cast<const char *>(sqlite3_column_text(st, 1)));
            sqlite3_finalize(st);
            sqlite3_close(db);
            QCOMPARE(back.rows, m.rows);
            QCOMPARE(back.sum, m.sum);
        }
        auto twice = restoreAsOf(**c, **repo, "acc", "", m.atUs, "acc_restored");
        QVERIFY(!twice);
        QVERIFY(twice.error().message.find("exists already") != std::string::npos);

        // Retention: keep from the partition snapshot on; earlier moments go, later ones still read.
        auto pruned = (*repo)->prune("acc", part->snapshot.takenUs);
        QVERIFY2(pruned, pruned ? "" : err(pruned.error()).c_str());
        QVERIFY(pruned->snapshots >= 1);
        const Truth &last = truths.back();
        auto still = readAsOf(**c, **repo, "acc", "", last.atUs);
        QVERIFY2(still, still ? "" : err(still.error()).c_str());
        QCOMPARE(still->checksum.rows, last.rows);
        QCOMPARE(still->checksum.sum, last.sum);

        // A damaged segment is refused by its checksum, naming the file.
        auto snaps = (*repo)->baseSnapshot("acc", KeyRange{}, still->base.epochMs, last.atUs);
        QVERIFY(snaps && *snaps && !(*snaps)->chunks.empty());
        const auto victim = (*snaps)->chunks.front().segment.path;
        {
            std::FILE *f = std::fopen(victim.c_str(), "r+b");
            QVERIFY(f);
            std::fseek(f, -3, SEEK_END);
            std::fputc(0x5a, f);
            std::fclose(f);
        }
        auto broken = readAsOf(**c, **repo, "acc", "", last.atUs);
        QVERIFY(!broken);
        QCOMPARE(broken.error().code, ErrorCode::Corrupt);
        QVERIFY2(broken.error().message.find(victim.string()) != std::string::npos, broken.error().message.c_str());
        QVERIFY(broken.error().message.find("damaged") != std::string::npos);
    }

    void postgresAsOfEqualsTruthUnderConcurrentWritesAcrossASplit()
    {
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        QString e;
        QVERIFY2(
            m_pg->psql(
                QStringLiteral("CREATE TABLE acc(id int PRIMARY KEY, k int, v text, n numeric) PARTITION BY RANGE (id);"
                               "CREATE TABLE acc_p0 PARTITION OF acc FOR VALUES FROM (0) TO (250);"
                               "CREATE TABLE acc_p250 PARTITION OF acc FOR VALUES FROM (250) TO (500);"
                               "CREATE TABLE acc_p500 PARTITION OF acc FOR VALUES FROM (500) TO (750);"
                               "CREATE TABLE acc_p750 PARTITION OF acc FOR VALUES FROM (750) TO (1000);"),
                nullptr, &e),
            qPrintable(e));
        QVERIFY2(c->enableJournal("acc"), "enable");
        QVERIFY(m_pg->psql(QStringLiteral("INSERT INTO acc SELECT i, i % 7, 'v' || i, i * 0.5 FROM "
                                          "generate_series(0, 998, 2) i")));
        auto store = MetadataStore::open(m_dir.filePath(QStringLiteral("store-pg.db")).toStdString());
        QVERIFY(store);
        auto conn = (*store)->ensureConnection(str(m_pg->uri()));
        QVERIFY(conn);
        auto repo = SnapshotRepository::open((*store)->path(), conn->id,
                                             m_dir.filePath(QStringLiteral("repo-pg")).toStdString());
        QVERIFY2(repo, repo ? "" : err(repo.error()).c_str());
        auto first = takeSnapshot(*c, **repo, "acc", "");
        QVERIFY2(first, first ? "" : err(first.error()).c_str());
        QCOMPARE(first->snapshot.rows, std::int64_t(500));

        const std::string uri = str(m_pg->uri());
        std::atomic<bool> stop{false};
        std::atomic<int> commits{0};
        std::vector<std::thread> writers;
        for (int w = 0; w < 3; ++w)
            writers.emplace_back([&, w] {
                std::mt19937 rng(777 + w);
                auto db = PgConnection::open(uri);
                if (!db)
                    return;
                while (!stop) {
                    bool ok = bool((*db)->exec("BEGIN"));
                    for (int i = 0, n = 1 + int(rng() % 3); ok && i < n; ++i)
                        ok = bool((*db)->exec(randomStatement(rng, true)));
                    if (ok && (*db)->exec("COMMIT"))
                        ++commits;
                    else
                        (*db)->rollback();
                    std::this_thread::sleep_for(std::chrono::microseconds(500 + rng() % 2000));
                }
            });
        std::vector<Truth> truths;
        std::atomic<int> samples{0};
        JoinAll joinAll{stop, writers};
        writers.emplace_back([&] {
            std::mt19937 rng(5);
            auto db = PgConnection::open(uri);
            if (!db)
                return;
            while (!stop) {
                // The test's own clean cut: with the journal's lock held, no
                // journaled transaction is between its commit stamp and its commit.
                if (!(*db)->exec("SELECT pg_advisory_lock(1413761612, 0)"))
                    continue;
                Truth t;
                auto rows = (*db)->query("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, id, "
                                         "to_jsonb(t)::text FROM acc t");
                (void)(*db)->exec("SELECT pg_advisory_unlock(1413761612, 0)");
                if (!rows || rows->size() == 0)
                    continue;
                t.atUs = rows->integer(0, 0);
                for (int i = 0; i < rows->size(); ++i)
                    t.add(rows->integer(i, 1), rows->text(i, 2));
                truths.push_back(t);
                ++samples;
                std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 10));
            }
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        auto mid = takeSnapshot(*c, **repo, "acc", "");
        QVERIFY2(mid, mid ? "" : err(mid.error()).c_str());
        std::this_thread::sleep_for(std::chrono::milliseconds(800));
        Step split =
            makeStep(*c, StepKind::Split, "acc", {"acc_p250"}, {target(250, 375), target(375, 500)}, "pitr-pg-split-1");
        ExecutionContext ctx;
        ctx.stepUid = split.uid;
        ctx.lockTimeoutMs = 5000;
        auto done = c->execute(split, ctx);
        QVERIFY2(done, done ? "" : err(done.error()).c_str());
        const std::string child = split.repartition().targets[0].name;
        std::this_thread::sleep_for(std::chrono::milliseconds(800));
        auto part = takeSnapshot(*c, **repo, "acc", child);
        QVERIFY2(part, part ? "" : err(part.error()).c_str());
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        waitForSamples(samples);
        stop = true;
        for (auto &w : writers)
            w.join();
        qInfo("%d transactions committed by the workload", commits.load());
        QVERIFY(commits > 200);
        checkMoments(*c, **repo, truths, child, first->snapshot.takenUs);

        const Truth &m = truths[truths.size() / 2];
        auto restored = restoreAsOf(*c, **repo, "acc", "", m.atUs, "acc_restored");
        QVERIFY2(restored, restored ? "" : err(restored.error()).c_str());
        auto pgc = PgConnection::open(uri);
        QVERIFY(pgc);
        QCOMPARE(sqlInt(**pgc, "SELECT count(*) FROM acc_restored"), m.rows);

        // Disabling leaves nothing behind: no schema, trigger or function of the journal.
        QVERIFY(c->disableJournal("acc"));
        QCOMPARE(sqlInt(**pgc, "SELECT count(*) FROM pg_namespace WHERE nspname = 'tidemark_journal'"), 0);
        QCOMPARE(sqlInt(**pgc, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_journal%'"), 0);
        QCOMPARE(sqlInt(**pgc, "SELECT count(*) FROM pg_proc WHERE proname LIKE 'capture_%'"), 0);
    }

    void killDuringSnapshotAndRestoreLeavesNothingHalfWritten()
    {
        CliHarness h;
        const QString db = h.path(QStringLiteral("kill.db"));
        QCOMPARE(h.cli({QStringLiteral("demo"), QStringLiteral("init"), db, QStringLiteral("--rows"),
                        QStringLiteral("4000"), QStringLiteral("--partitions"), QStringLiteral("4")})
                     .exitCode,
                 0);
        const QString uri = CliHarness::uri(db);
        const QStringList table{uri, QStringLiteral("--table"), QStringLiteral("orders")};
        const QString repoDir = h.path(QStringLiteral("repo"));
        const QStringList repo{QStringLiteral("--repository"), repoDir};
        QCOMPARE(h.cli(QStringList{QStringLiteral("journal"), QStringLiteral("enable")} + table).exitCode, 0);
        auto snap = h.cli(QStringList{QStringLiteral("snapshot")} + table + repo);
        QVERIFY2(snap.exitCode == 0, qPrintable(snap.err));
        auto before = h.cli(QStringList{QStringLiteral("asof")} + table + repo +
                            QStringList{QStringLiteral("--at"), QStringLiteral("now"), QStringLiteral("--checksum")});
        QCOMPARE(before.exitCode, 0);
        {
            sqlite3 *w = openSqlite(db.toStdString());
            QVERIFY(sqliteExec(w, "UPDATE orders SET amount_cents = amount_cents + 1 WHERE order_id < 3000"));
            sqlite3_close(w);
        }
        const QString marker = h.path(QStringLiteral("marker"));
        auto killed = h.cli(QStringList{QStringLiteral("snapshot")} + table + repo,
                            {QStringLiteral("TIDEMARK_CRASH_AT=pitr.snapshot.chunk-written#3"),
                             QStringLiteral("TIDEMARK_CRASH_MARKER=") + marker});
        QVERIFY2(killed.crashed, qPrintable(killed.out + killed.err));
        QVERIFY(QFile::exists(marker));
        // The killed snapshot is not listed; its stray chunk files are never read.
        auto status = h.cli(QStringList{QStringLiteral("--json"), QStringLiteral("journal"), QStringLiteral("status")} +
                            table + repo);
        QCOMPARE(status.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(status.out.toUtf8()).object().value(QStringLiteral("snapshots")).toInt(), 1);
        auto after = h.cli(QStringList{QStringLiteral("snapshot")} + table + repo);
        QVERIFY2(after.exitCode == 0, qPrintable(after.err));
        // Every file left in the repository is one the manifest names.
        auto store = MetadataStore::open(h.store().toStdString());
        QVERIFY(store);
        sqlite3 *m = openSqlite(h.store().toStdString());
        std::set<std::string> known;
        sqlite3_stmt *st = nullptr;
        sqlite3_prepare_v2(m, "SELECT path FROM pitr_segments", -1, &st, nullptr);
        while (sqlite3_step(st) == SQLITE_ROW)
            known.insert(reinterpret_cast<const char *>(sqlite3_column_text(st, 0)));
        sqlite3_finalize(st);
        sqlite3_close(m);
        for (const auto &f : std::filesystem::recursive_directory_iterator(repoDir.toStdString()))
            if (f.is_regular_file() && f.path().filename().string().front() != '.')
                QVERIFY2(known.count(f.path().string()), f.path().c_str());

        // kill -9 inside the restore's transaction: no table is left.
        auto killRestore = h.cli(QStringList{QStringLiteral("restore")} + table + repo +
                                     QStringList{QStringLiteral("--at"), QStringLiteral("now"),
                                                 QStringLiteral("--into"), QStringLiteral("orders_back")},
                                 {QStringLiteral("TIDEMARK_CRASH_AT=pitr.restore.verified"),
                                  QStringLiteral("TIDEMARK_CRASH_MARKER=") + marker});
        QVERIFY2(killRestore.crashed, qPrintable(killRestore.out + killRestore.err));
        {
            sqlite3 *r = openSqlite(db.toStdString());
            const auto schema = sqliteSchema(r);
            sqlite3_close(r);
            QVERIFY(std::find(schema.begin(), schema.end(), "table orders_back") == schema.end());
        }
        auto restore = h.cli(QStringList{QStringLiteral("restore")} + table + repo +
                             QStringList{QStringLiteral("--at"), QStringLiteral("now"), QStringLiteral("--into"),
                                         QStringLiteral("orders_back")});
        QVERIFY2(restore.exitCode == 0, qPrintable(restore.err));
        QVERIFY(restore.out.contains(QStringLiteral("verified")));
        // Bad input: a moment that is no moment, clear message, exit 2-class failure, nothing changed.
        auto bad = h.cli(QStringList{QStringLiteral("asof")} + table + repo +
                         QStringList{QStringLiteral("--at"), QStringLiteral("yesterday-ish")});
        QVERIFY(bad.exitCode != 0);
        QVERIFY2(bad.err.contains(QStringLiteral("is not a moment")), qPrintable(bad.err));
    }
};

QTEST_GUILESS_MAIN(TestPointInTime)
#include "tst_point_in_time.moc"
