// Compaction of log segments on a private PostgreSQL server, through the
// real tidemark-cli: a bloated sealed segment rewritten and swapped in with
// every row, its index names and its place in the family kept and its size
// reclaimed, while a writer keeps inserting into the active segment; a
// change log's key compaction keeping exactly the latest row of each key;
// kill -9 in the middle leaving the segment as it was; a segment a rewrite
// would change (its own trigger) refused with nothing changed; a table
// pg_partman manages shown but never queued, compacted or archived; a
// node's stated disk bringing archival forward by its free-space margin.
#include <atomic>
#include <thread>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "../e2e/cli_harness.h"
#include "postgres_test_util.h"

using namespace tidemark;
using namespace tidemark::test;
using tidemark::postgres::PgConnection;

namespace {

// Four daily segments of an event log; the last (d4) is the active one.
const char *const kSchema =
    "CREATE TABLE events (\n"
    "  id bigint NOT NULL,\n"
    "  at timestamptz NOT NULL,\n"
    "  kind text,\n"
    "  payload text,\n"
    "  kind_len int GENERATED ALWAYS AS (length(kind)) STORED,\n"
    "  PRIMARY KEY (at, id)\n"
    ") PARTITION BY RANGE (at);\n"
    "CREATE INDEX events_kind ON events (kind);\n"
    "CREATE TABLE events_d1 PARTITION OF events FOR VALUES FROM ('2026-12-01 00:00+00') TO ('2026-12-02 00:00+00');\n"
    "CREATE TABLE events_d2 PARTITION OF events FOR VALUES FROM ('2026-12-02 00:00+00') TO ('2026-12-03 00:00+00');\n"
    "CREATE TABLE events_d3 PARTITION OF events FOR VALUES FROM ('2026-12-03 00:00+00') TO ('2026-12-04 00:00+00');\n"
    "CREATE TABLE events_d4 PARTITION OF events FOR VALUES FROM ('2026-12-04 00:00+00') TO ('2026-12-05 00:00+00');\n"
    "INSERT INTO events (id, at, kind, payload)\n"
    "SELECT g, '2026-12-01 00:00+00'::timestamptz + g * interval '8 seconds',\n"
    "       CASE WHEN g % 7 = 0 THEN NULL ELSE (ARRAY['click', 'view', 'buy'])[1 + g % 3] END, repeat('x', 80)\n"
    "FROM generate_series(0, 43199) g;\n"
    "ANALYZE events;\n";

QString planOf(const QJsonObject &plan)
{
    return QString::number(plan.value(QStringLiteral("id")).toInteger());
}

} // namespace

class TestPostgresCompact : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;
    QTemporaryDir m_dir;
    QString m_pgpass;
    int m_databases = 0;

    struct LogDb {
        QString name, uri;
        std::unique_ptr<PgConnection> raw;
    };

    QStringList env() const { return {QStringLiteral("PGPASSFILE=") + m_pgpass}; }

    ProcessResult cli(const CliHarness &h, const QStringList &args, const QStringList &extra = {}) const
    {
        return h.cli(args, env() + extra);
    }

    QJsonObject json(const CliHarness &h, const QStringList &args) const
    {
        const ProcessResult r = cli(h, QStringList{QStringLiteral("--json")} + args);
        if (r.exitCode != 0 || r.crashed)
            qWarning().noquote() << describe(r);
        return QJsonDocument::fromJson(r.out.toUtf8()).object();
    }

    QString checksumOf(const CliHarness &h, const LogDb &d) const
    {
        const QJsonObject o = json(h, {QStringLiteral("checksum"), d.uri, QStringLiteral("events")});
        return QString::number(o.value(QStringLiteral("rows")).toInteger()) + u'/' +
            o.value(QStringLiteral("checksum")).toString();
    }

    LogDb makeLog()
    {
        LogDb d;
        d.name = QStringLiteral("compact_%1").arg(++m_databases);
        QString err;
        if (!m_pg->createDatabase(d.name, &err))
            qWarning().noquote() << err;
        if (!m_pg->psql(QString::fromUtf8(kSchema), nullptr, &err, d.name))
            qWarning().noquote() << err;
        d.uri = m_pg->uri(QStringLiteral("postgres"), d.name);
        if (auto raw = PgConnection::open(str(d.uri)))
            d.raw = std::move(*raw);
        return d;
    }

    static QStringList texts(PgConnection &c, const std::string &sql)
    {
        QStringList out;
        auto rows = c.query(sql);
        if (!rows)
            qWarning().noquote() << explain(rows.error());
        else
            for (int i = 0; i < rows->size(); ++i)
                out << QString::fromStdString(rows->text(i, 0));
        return out;
    }

    /// Plans the compaction of one segment and approves it; the plan's id.
    QString approvedCompaction(const CliHarness &h, const LogDb &d, const QString &segment, QString *sql = nullptr)
    {
        const QJsonObject plan = json(h,
                                      {QStringLiteral("compact"), d.uri, QStringLiteral("--table"),
                                       QStringLiteral("events"), QStringLiteral("--partition"), segment});
        if (sql)
            *sql =
                plan.value(QStringLiteral("steps")).toArray().at(0).toObject().value(QStringLiteral("sql")).toString();
        const QString id = planOf(plan);
        const ProcessResult a = cli(h, {QStringLiteral("approve"), id});
        if (a.exitCode != 0)
            qWarning().noquote() << describe(a);
        return id;
    }

    static bool run(PgConnection &c, const std::string &sql)
    {
        auto r = c.exec(sql);
        if (!r)
            qWarning().noquote() << explain(r.error());
        return bool(r);
    }

    static constexpr const char *kIndexesOfD2 =
        "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = 'events_d2'::regclass ORDER BY 1";

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        m_pgpass = useCombinedPgpass(m_dir.path(), {m_pg.get()});
        QVERIFY(!m_pgpass.isEmpty());
    }
    void cleanupTestCase() { m_pg.reset(); }

    void bloatedSegmentIsRewrittenAndSwappedIn()
    {
        CliHarness h;
        LogDb d = makeLog();
        QVERIFY(d.raw);
        QVERIFY(d.raw->exec("DELETE FROM events_d2 WHERE id % 4 <> 0"));
        const QString before = checksumOf(h, d);
        const QStringList indexes = texts(*d.raw, kIndexesOfD2);
        QCOMPARE(indexes.size(), 2);
        const std::int64_t bytesBefore = sqlInt(*d.raw, "SELECT pg_total_relation_size('events_d2')");
        const std::int64_t oidBefore = sqlInt(*d.raw, "SELECT 'events_d2'::regclass::oid::bigint");

        QString sql;
        const QString id = approvedCompaction(h, d, QStringLiteral("events_d2"), &sql);
        QVERIFY2(sql.contains(QLatin1String("LOCK TABLE")) && sql.contains(QLatin1String("ATTACH PARTITION")),
                 qPrintable(sql));

        // A writer of the active segment keeps going through the whole step.
        auto writerConn = PgConnection::open(str(d.uri));
        QVERIFY(writerConn);
        std::atomic<bool> stop{false};
        std::atomic<int> written{0}, failed{0};
        std::thread writer([&] {
            for (int i = 0; !stop; ++i) {
                const auto r = (*writerConn)
                                   ->exec("INSERT INTO events (id, at, kind) VALUES (" + std::to_string(1'000'000 + i) +
                                          ", '2026-12-04 12:00+00'::timestamptz + " + std::to_string(i) +
                                          " * interval '1 ms', 'live')");
                (r ? written : failed)++;
            }
        });
        const ProcessResult r = cli(h, {QStringLiteral("apply"), id});
        stop = true;
        writer.join();
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(failed.load(), 0);
        QVERIFY(written.load() > 0);
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM events_d4 WHERE kind = 'live'"), std::int64_t(written.load()));

        // The same rows, a new table in the same place with the same index names, smaller.
        QVERIFY(d.raw->exec("DELETE FROM events WHERE kind = 'live'"));
        QCOMPARE(checksumOf(h, d), before);
        QVERIFY(sqlInt(*d.raw, "SELECT 'events_d2'::regclass::oid::bigint") != oidBefore);
        QCOMPARE(sqlInt(*d.raw,
                        "SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass AND "
                        "inhrelid = 'events_d2'::regclass"),
                 1);
        QCOMPARE(texts(*d.raw, kIndexesOfD2), indexes);
        const std::int64_t bytesAfter = sqlInt(*d.raw, "SELECT pg_total_relation_size('events_d2')");
        QVERIFY2(bytesAfter < bytesBefore / 2, qPrintable(QStringLiteral("%1 → %2").arg(bytesBefore).arg(bytesAfter)));
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM pg_class WHERE relname LIKE 'tidemark_compact_%'"), 0);
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM pg_constraint WHERE conname = 'tidemark_compact_bound'"), 0);
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM tidemark.steps WHERE kind = 'compact'"), 1);
        // Keys outside the segment's range are still refused by it.
        QVERIFY(!d.raw->exec("INSERT INTO events_d2 (id, at) VALUES (1, '2026-12-09 00:00+00')"));
        const ProcessResult show = cli(h, {QStringLiteral("show"), id});
        QVERIFY2(show.out.contains(QLatin1String("rows kept")), qPrintable(describe(show)));
    }

    void changeLogKeepsTheLatestRowOfEachKey()
    {
        CliHarness h;
        LogDb d = makeLog();
        QVERIFY(d.raw);
        const ProcessResult set =
            cli(h,
                {QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("events"),
                 QStringLiteral("--set"), QStringLiteral("keep-latest=kind")});
        QVERIFY2(set.exitCode == 0, qPrintable(describe(set)));
        const QStringList latest = texts(*d.raw, "SELECT max(id)::text FROM events_d3 GROUP BY kind ORDER BY 1");
        QCOMPARE(latest.size(), 4); // click, view, buy and NULL
        const std::int64_t others = sqlInt(*d.raw,
                                           "SELECT count(*) FROM events WHERE at < '2026-12-03' OR "
                                           "at >= '2026-12-04'");
        const QString id = approvedCompaction(h, d, QStringLiteral("events_d3"));
        const ProcessResult r = cli(h, {QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(texts(*d.raw, "SELECT id::text FROM events_d3 ORDER BY 1"), latest);
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM events"), others + 4);
    }

    void killDuringCompactionLeavesTheSegment()
    {
        CliHarness h;
        LogDb d = makeLog();
        QVERIFY(d.raw);
        QVERIFY(d.raw->exec("DELETE FROM events_d1 WHERE id % 2 = 0"));
        const QString before = checksumOf(h, d);
        const std::int64_t oid = sqlInt(*d.raw, "SELECT 'events_d1'::regclass::oid::bigint");
        const QString id = approvedCompaction(h, d, QStringLiteral("events_d1"));
        const QString marker = h.path(QStringLiteral("crash.marker"));
        ProcessResult r = cli(h, {QStringLiteral("apply"), id},
                              {QStringLiteral("TIDEMARK_CRASH_AT=postgres.compact-after-fill"),
                               QStringLiteral("TIDEMARK_CRASH_MARKER=") + marker});
        QVERIFY2(r.crashed, qPrintable(describe(r)));
        // The server rolls the transaction back once the session is gone.
        QTRY_COMPARE_WITH_TIMEOUT(
            sqlInt(*d.raw, "SELECT count(*) FROM pg_class WHERE relname LIKE 'tidemark_compact_%'"), 0, 10000);
        QCOMPARE(sqlInt(*d.raw, "SELECT 'events_d1'::regclass::oid::bigint"), oid);
        QCOMPARE(checksumOf(h, d), before);
        r = cli(h, {QStringLiteral("status"), d.uri});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("recovery:")), qPrintable(describe(r)));
        r = cli(h, {QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(checksumOf(h, d), before);
        QVERIFY(sqlInt(*d.raw, "SELECT 'events_d1'::regclass::oid::bigint") != oid);
    }

    void segmentARewriteWouldChangeIsRefused()
    {
        CliHarness h;
        LogDb d = makeLog();
        QVERIFY(d.raw);
        QVERIFY(d.raw->exec("CREATE FUNCTION audit_d2() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; "
                            "END $$; CREATE TRIGGER d2_audit BEFORE UPDATE ON events_d2 FOR EACH ROW EXECUTE "
                            "FUNCTION audit_d2()"));
        const QString before = checksumOf(h, d);
        ProcessResult r = cli(h,
                              {QStringLiteral("compact"), d.uri, QStringLiteral("--table"), QStringLiteral("events"),
                               QStringLiteral("--partition"), QStringLiteral("events_d2")});
        QVERIFY2(r.exitCode != 0 && r.err.contains(QLatin1String("triggers of its own")), qPrintable(describe(r)));
        r = cli(h,
                {QStringLiteral("compact"), d.uri, QStringLiteral("--table"), QStringLiteral("events"),
                 QStringLiteral("--partition"), QStringLiteral("events_d4")});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("active segment")), qPrintable(describe(r)));
        QCOMPARE(checksumOf(h, d), before);
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM pg_trigger WHERE tgname = 'd2_audit'"), 1);
    }

    void statedDiskBringsArchivalForward()
    {
        CliHarness h;
        LogDb d = makeLog();
        QVERIFY(d.raw);
        ProcessResult r = cli(h, {QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("db1"), d.uri,
                                  QStringLiteral("--role"), QStringLiteral("primary"), QStringLiteral("--disk"),
                                  QStringLiteral("1G")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QJsonObject s = json(h, {QStringLiteral("segments"), d.uri, QStringLiteral("--table"),
                                 QStringLiteral("events"), QStringLiteral("--set"),
                                 QStringLiteral("free-space-margin=1K")});
        QJsonObject t = s.value(QStringLiteral("tables")).toArray().at(0).toObject();
        QVERIFY2(t.value(QStringLiteral("free_space_source")).toString().contains(QLatin1String("node db1")),
                 QJsonDocument(t).toJson().constData());
        const double free = t.value(QStringLiteral("predicted_free_bytes")).toDouble();
        QVERIFY(free > 0 && free < 1024.0 * 1024 * 1024);
        QVERIFY(s.value(QStringLiteral("archive_queue")).toArray().isEmpty());
        // A margin above the stated disk's free space: the oldest sealed segments go, oldest first.
        s = json(h, {QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("events"),
                     QStringLiteral("--set"), QStringLiteral("free-space-margin=%1").arg(qint64(free) + 1024)});
        const QJsonArray queue = s.value(QStringLiteral("archive_queue")).toArray();
        QVERIFY(!queue.isEmpty() && queue.size() < 4);
        QCOMPARE(queue.at(0).toObject().value(QStringLiteral("partition")).toString(), QStringLiteral("events_d1"));
    }

    void partmanManagedTableIsLeftAlone()
    {
        // pg_partman (Debian postgresql-15-partman) premakes and retires the
        // partitions of its tables: Tidemark shows them and does not fight it.
        CliHarness h;
        LogDb d = makeLog();
        QVERIFY(d.raw);
        QVERIFY(run(*d.raw, "CREATE SCHEMA partman; CREATE EXTENSION pg_partman SCHEMA partman"));
        QVERIFY(run(*d.raw, "CREATE TABLE public.plog (id bigint NOT NULL, at timestamptz NOT NULL, v text) PARTITION BY "
                            "RANGE (at)"));
        QVERIFY(run(*d.raw, "SELECT partman.create_parent('public.plog', 'at', 'native', 'daily', "
                            "p_premake := 2, p_start_partition := (now() - interval '5 days')::text)"));
        QVERIFY(run(*d.raw, "INSERT INTO plog SELECT g, now() - interval '5 days' + g * interval '1 minute', "
                            "repeat('x', 200) FROM generate_series(0, 7000) g; ANALYZE plog"));
        const std::int64_t partitions =
            sqlInt(*d.raw, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'plog'::regclass");
        QVERIFY(partitions >= 6);
        const QJsonObject s = json(h, {QStringLiteral("segments"), d.uri, QStringLiteral("--table"),
                                       QStringLiteral("plog"), QStringLiteral("--set"),
                                       QStringLiteral("archive-threshold=1K"), QStringLiteral("--set"),
                                       QStringLiteral("compact-threshold=0")});
        const QJsonObject table = s.value(QStringLiteral("tables")).toArray().at(0).toObject();
        QVERIFY2(table.value(QStringLiteral("left_alone")).toString().contains(QLatin1String("pg_partman")),
                 QJsonDocument(table).toJson().constData());
        QVERIFY(table.value(QStringLiteral("segments")).toArray().size() >= 6); // shown, with their figures
        QVERIFY(s.value(QStringLiteral("archive_queue")).toArray().isEmpty());
        QVERIFY(s.value(QStringLiteral("compaction_queue")).toArray().isEmpty());
        const QString sealed = table.value(QStringLiteral("segments"))
                                   .toArray()
                                   .at(0)
                                   .toObject()
                                   .value(QStringLiteral("partition"))
                                   .toString();
        ProcessResult r = cli(h, {QStringLiteral("compact"), d.uri, QStringLiteral("--table"), QStringLiteral("plog"),
                                  QStringLiteral("--partition"), sealed});
        QVERIFY2(r.exitCode != 0 && r.err.contains(QLatin1String("pg_partman")), qPrintable(describe(r)));
        r = cli(h, {QStringLiteral("archive"), d.uri, QStringLiteral("--to"), h.path(QString()),
                    QStringLiteral("--table"), QStringLiteral("plog"), QStringLiteral("--partition"), sealed});
        QVERIFY2(r.exitCode != 0 && r.err.contains(QLatin1String("pg_partman")), qPrintable(describe(r)));
        r = cli(h, {QStringLiteral("--json"), QStringLiteral("compact"), d.uri});
        QVERIFY2(r.exitCode == 0 && !r.out.contains(QLatin1String("plog")), qPrintable(describe(r)));
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'plog'::regclass"), partitions);
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM plog"), 7001);
    }
};

QTEST_GUILESS_MAIN(TestPostgresCompact)
#include "tst_postgres_compact.moc"
