// Archive and restore-archive of log segments on a private PostgreSQL server,
// through the real tidemark-cli: archive → drop → restore-archive equals the
// original (count and checksum), a kept-detached segment, a damaged archive
// refused with the database unchanged, kill -9 at named points of an archive
// leaving the segment intact and no half archive accepted, a writer holding
// the table making the detach give up (and a later apply reuse the archive),
// and bad input refused with nothing changed.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include "../e2e/cli_harness.h"
#include "connector_features.h"
#include "postgres_test_util.h"

using namespace tidemark;
using namespace tidemark::test;
using tidemark::postgres::PgConnection;

namespace {

// Four daily segments of an event log; the last (d4) is the active one.
// Values that COPY's text format must escape, NULLs, bytea, jsonb, a
// generated column and a primary key the restored segment must get back.
const char *const kSchema =
    "CREATE TABLE events (\n"
    "  id bigint NOT NULL,\n"
    "  at timestamptz NOT NULL,\n"
    "  kind text,\n"
    "  payload text,\n"
    "  blob bytea,\n"
    "  amount numeric(12, 3),\n"
    "  meta jsonb,\n"
    "  kind_len int GENERATED ALWAYS AS (length(kind)) STORED,\n"
    "  PRIMARY KEY (at, id)\n"
    ") PARTITION BY RANGE (at);\n"
    "CREATE TABLE events_d1 PARTITION OF events FOR VALUES FROM ('2026-12-01 00:00+00') TO ('2026-12-02 00:00+00');\n"
    "CREATE TABLE events_d2 PARTITION OF events FOR VALUES FROM ('2026-12-02 00:00+00') TO ('2026-12-03 00:00+00');\n"
    "CREATE TABLE events_d3 PARTITION OF events FOR VALUES FROM ('2026-12-03 00:00+00') TO ('2026-12-04 00:00+00');\n"
    "CREATE TABLE events_d4 PARTITION OF events FOR VALUES FROM ('2026-12-04 00:00+00') TO ('2026-12-05 00:00+00');\n"
    "INSERT INTO events (id, at, kind, payload, blob, amount, meta)\n"
    "SELECT g, '2026-12-01 00:00+00'::timestamptz + g * interval '20 seconds',\n"
    "       CASE WHEN g % 7 = 0 THEN NULL ELSE (ARRAY['click', 'view', 'buy'])[1 + g % 3] END,\n"
    "       CASE g % 5 WHEN 0 THEN E'tab\\there\\nnew line\\\\back slash' WHEN 1 THEN E'bell\\b form\\f vtab\\v "
    "cr\\r'\n"
    "                  WHEN 2 THEN 'ünïcødé ✓' WHEN 3 THEN NULL ELSE repeat('x', 40) END,\n"
    "       CASE WHEN g % 4 = 0 THEN NULL ELSE decode(md5(g::text), 'hex') END,\n"
    "       g * 1.125, jsonb_build_object('n', g, 's', E'q\"uo\\\\te')\n"
    "FROM generate_series(0, 17279) g;\n"
    "ANALYZE events;\n";

QString planOf(const QJsonObject &plan)
{
    return QString::number(plan.value(QStringLiteral("id")).toInteger());
}

} // namespace

class TestPostgresSegmentArchive : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;
    QTemporaryDir m_dir;
    QString m_pgpass;
    int m_databases = 0;

    struct LogDb {
        QString name, uri, archives;
        std::unique_ptr<PgConnection> raw;
        QString checksum; ///< rows/checksum of the whole table when created
        qint64 rows = 0;
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

    /// "rows/checksum" of events as tidemark-cli checksum reports it.
    QString checksumOf(const CliHarness &h, const LogDb &d) const
    {
        const QJsonObject o = json(h, {QStringLiteral("checksum"), d.uri, QStringLiteral("events")});
        return QString::number(o.value(QStringLiteral("rows")).toInteger()) + u'/' +
            o.value(QStringLiteral("checksum")).toString();
    }

    /// A fresh database holding the event log.
    LogDb makeLog(const CliHarness &h)
    {
        LogDb d;
        d.name = QStringLiteral("segarch_%1").arg(++m_databases);
        QString err;
        if (!m_pg->createDatabase(d.name, &err))
            qWarning().noquote() << err;
        if (!m_pg->psql(QString::fromUtf8(kSchema), nullptr, &err, d.name))
            qWarning().noquote() << err;
        d.uri = m_pg->uri(QStringLiteral("postgres"), d.name);
        auto raw = PgConnection::open(str(d.uri));
        if (raw)
            d.raw = std::move(*raw);
        d.archives = h.path(QStringLiteral("archives"));
        QDir().mkpath(d.archives);
        d.checksum = checksumOf(h, d);
        d.rows = d.raw ? sqlInt(*d.raw, "SELECT count(*) FROM events") : -1;
        return d;
    }

    QString manifestOf(const LogDb &d, const QString &segment) const
    {
        return d.archives + QStringLiteral("/events.") + segment + QStringLiteral(".manifest.json");
    }

    /// Plans and approves the archive of one segment; the plan's id.
    QString approvedArchive(const CliHarness &h, const LogDb &d, const QString &segment)
    {
        const QString id =
            planOf(json(h,
                        {QStringLiteral("archive"), d.uri, QStringLiteral("--to"), d.archives,
                         QStringLiteral("--table"), QStringLiteral("events"), QStringLiteral("--partition"), segment}));
        const ProcessResult a = cli(h, {QStringLiteral("approve"), id});
        if (a.exitCode != 0)
            qWarning().noquote() << describe(a);
        return id;
    }

    /// Plans, approves and applies the archive of one segment; the apply's result.
    ProcessResult archive(const CliHarness &h, const LogDb &d, const QString &segment, QString *planId = nullptr,
                          const QStringList &extraEnv = {})
    {
        const QString id = approvedArchive(h, d, segment);
        if (planId)
            *planId = id;
        return cli(h, {QStringLiteral("apply"), id}, extraEnv);
    }

    ProcessResult restore(const CliHarness &h, const LogDb &d, const QString &manifest,
                          const QStringList &extraEnv = {})
    {
        const ProcessResult p =
            cli(h, {QStringLiteral("--json"), QStringLiteral("restore-archive"), d.uri, manifest}, extraEnv);
        if (p.exitCode != 0)
            return p;
        const QString id = planOf(QJsonDocument::fromJson(p.out.toUtf8()).object());
        const ProcessResult a = cli(h, {QStringLiteral("approve"), id});
        if (a.exitCode != 0)
            return a;
        return cli(h, {QStringLiteral("apply"), id}, extraEnv);
    }

    std::int64_t relationCount(const LogDb &d, const char *relname)
    {
        return sqlInt(*d.raw, std::string("SELECT count(*) FROM pg_class WHERE relname = '") + relname + "'");
    }
    std::int64_t attached(const LogDb &d, const char *relname)
    {
        return sqlInt(*d.raw,
                      std::string("SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass "
                                  "AND inhrelid::regclass::text = '") +
                          relname + "'");
    }

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

    void connectorOffersArchiveSteps()
    {
        usePgpass(*m_pg);
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        QVERIFY(capabilitiesOf(*c).runs(StepKind::Archive));
    }

    void archiveDropRestoreRoundTrip()
    {
        CliHarness h;
        LogDb d = makeLog(h);
        QVERIFY(d.raw && d.rows == 17280);
        const std::int64_t segmentRows = sqlInt(*d.raw, "SELECT count(*) FROM events_d2");
        QVERIFY(segmentRows > 0);
        // Archived by a session whose settings print values differently (bytea
        // in escape form, floats short, another zone) and restored by one with
        // the defaults: the archive's text and its checksums do not depend on them.
        ProcessResult r = archive(h, d, QStringLiteral("events_d2"), nullptr,
                                  {QStringLiteral("PGTZ=America/New_York"),
                                   QStringLiteral("PGOPTIONS=-c bytea_output=escape -c extra_float_digits=0")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        // The segment left the family and its table is gone; the others are untouched.
        QCOMPARE(relationCount(d, "events_d2"), 0);
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM events"), d.rows - segmentRows);
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM tidemark.steps WHERE kind = 'archive'"), 1);
        const QString manifest = manifestOf(d, QStringLiteral("events_d2"));
        const QJsonObject m = QJsonDocument::fromJson(CliHarness::fileBytes(manifest)).object();
        QCOMPARE(m.value(QStringLiteral("format")).toString(), QStringLiteral("tidemark-segment-archive/1"));
        QCOMPARE(m.value(QStringLiteral("database")).toString(), QStringLiteral("postgresql"));
        QCOMPARE(m.value(QStringLiteral("rows")).toInteger(), segmentRows);
        QCOMPARE(m.value(QStringLiteral("key_type")).toString(), QStringLiteral("timestamptz"));
        // The generated column is not in the file: the database computes it again.
        QCOMPARE(m.value(QStringLiteral("columns")).toArray().size(), 7);
        QVERIFY(QDir(d.archives).entryList({QStringLiteral("*.partial")}, QDir::Files).isEmpty());
        // Keys of the archived range have no segment now.
        QVERIFY(!m_pg->psql(QStringLiteral("INSERT INTO events (id, at) VALUES (1, '2026-12-02 10:00+00')"), nullptr,
                            nullptr, d.name));

        r = restore(h, d, manifest, {QStringLiteral("PGTZ=Asia/Tokyo")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(checksumOf(h, d), d.checksum);
        QCOMPARE(attached(d, "events_d2"), 1);
        // The primary key came back with the segment.
        QCOMPARE(sqlInt(*d.raw,
                        "SELECT count(*) FROM pg_index WHERE indrelid = 'events_d2'::regclass AND "
                        "indisprimary"),
                 1);
        // A second restore is refused: the segment is back.
        r = cli(h, {QStringLiteral("restore-archive"), d.uri, manifest});
        QVERIFY2(r.exitCode != 0 && r.err.contains(QLatin1String("already")), qPrintable(describe(r)));
        QCOMPARE(checksumOf(h, d), d.checksum);
    }

    void keptDetachedSegmentStaysAsATable()
    {
        CliHarness h;
        LogDb d = makeLog(h);
        QVERIFY(d.raw);
        const QJsonObject s =
            json(h,
                 {QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("events"),
                  QStringLiteral("--set"), QStringLiteral("keep-detached=yes"), QStringLiteral("--set"),
                  QStringLiteral("io-cap=512M")});
        QVERIFY(!s.isEmpty());
        const std::int64_t before = sqlInt(*d.raw, "SELECT count(*) FROM events_d1");
        ProcessResult r = archive(h, d, QStringLiteral("events_d1"));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(attached(d, "events_d1"), 0);
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM events_d1"), before);
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM events"), d.rows - before);
        // Restoring over the kept table is refused with the reason; nothing changes.
        r = cli(h, {QStringLiteral("restore-archive"), d.uri, manifestOf(d, QStringLiteral("events_d1"))});
        QVERIFY2(r.exitCode != 0 && r.err.contains(QLatin1String("already")), qPrintable(describe(r)));
        QVERIFY(m_pg->psql(QStringLiteral("DROP TABLE events_d1"), nullptr, nullptr, d.name));
        r = restore(h, d, manifestOf(d, QStringLiteral("events_d1")));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(checksumOf(h, d), d.checksum);
    }

    void damagedArchiveIsRefused()
    {
        CliHarness h;
        LogDb d = makeLog(h);
        QVERIFY(d.raw);
        ProcessResult r = archive(h, d, QStringLiteral("events_d1"));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QString archived = checksumOf(h, d);
        const QString manifest = manifestOf(d, QStringLiteral("events_d1"));
        const QString data = d.archives + QStringLiteral("/events.events_d1.copy.zst");
        const QByteArray good = CliHarness::fileBytes(data);

        // A restore planned on a good archive that is damaged before it runs.
        const ProcessResult p = cli(h, {QStringLiteral("--json"), QStringLiteral("restore-archive"), d.uri, manifest});
        QVERIFY2(p.exitCode == 0, qPrintable(describe(p)));
        const QString id = planOf(QJsonDocument::fromJson(p.out.toUtf8()).object());
        QVERIFY(cli(h, {QStringLiteral("approve"), id}).exitCode == 0);
        QByteArray bad = good;
        for (int i = 0; i < 4; ++i)
            bad[bad.size() / 2 + i] = char(bad[bad.size() / 2 + i] ^ 0x5a);
        {
            QFile f(data);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(bad);
        }
        r = cli(h, {QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 8 && r.err.contains(QLatin1String("does not match its manifest")),
                 qPrintable(describe(r)));
        QCOMPARE(relationCount(d, "events_d1"), 0);
        QCOMPARE(checksumOf(h, d), archived);

        // Planning a restore of the damaged archive is refused outright.
        r = cli(h, {QStringLiteral("restore-archive"), d.uri, manifest});
        QVERIFY2(r.exitCode == 8, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QLatin1String("does not match its manifest")), qPrintable(describe(r)));
        QCOMPARE(relationCount(d, "events_d1"), 0);
        QCOMPARE(checksumOf(h, d), archived);

        // The good file restores.
        {
            QFile f(data);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(good);
        }
        r = restore(h, d, manifest);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(checksumOf(h, d), d.checksum);
    }

    void killDuringArchive_data()
    {
        QTest::addColumn<QString>("point");
        QTest::addColumn<bool>("manifestLeft");
        QTest::newRow("half the rows written") << "segments.archive-mid-write" << false;
        QTest::newRow("file written, manifest not yet") << "segments.before-manifest" << false;
        QTest::newRow("archive complete, not yet verified") << "segments.after-manifest" << true;
        QTest::newRow("segment detached and dropped, not committed") << "segments.before-commit" << true;
    }
    void killDuringArchive()
    {
        QFETCH(QString, point);
        QFETCH(bool, manifestLeft);
        CliHarness h;
        LogDb d = makeLog(h);
        QVERIFY(d.raw);
        const QString marker = h.path(QStringLiteral("crash.marker"));
        QString id;
        ProcessResult r =
            archive(h, d, QStringLiteral("events_d3"), &id,
                    {QStringLiteral("TIDEMARK_CRASH_AT=") + point, QStringLiteral("TIDEMARK_CRASH_MARKER=") + marker});
        QVERIFY2(r.crashed, qPrintable(describe(r)));
        QVERIFY(CliHarness::fileBytes(marker).contains(point.toUtf8()));

        // The segment is intact and in the family; no archive without its manifest.
        QCOMPARE(checksumOf(h, d), d.checksum);
        QCOMPARE(attached(d, "events_d3"), 1);
        const QString manifest = manifestOf(d, QStringLiteral("events_d3"));
        QCOMPARE(QFile::exists(manifest), manifestLeft);
        if (!manifestLeft) {
            r = cli(h, {QStringLiteral("restore-archive"), d.uri, manifest});
            QVERIFY2(r.exitCode == 3, qPrintable(describe(r)));
        } else {
            // A complete archive of a segment still in the table is not loaded twice.
            r = cli(h, {QStringLiteral("restore-archive"), d.uri, manifest});
            QVERIFY2(r.exitCode != 0 && r.err.contains(QLatin1String("already")), qPrintable(describe(r)));
        }
        QCOMPARE(checksumOf(h, d), d.checksum);

        // Recovery settles the step; applying again completes it (reusing a complete archive).
        r = cli(h, {QStringLiteral("status"), d.uri});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("recovery:")), qPrintable(describe(r)));
        r = cli(h, {QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(relationCount(d, "events_d3"), 0);
        QVERIFY(QFile::exists(manifest));
        QVERIFY(QDir(d.archives).entryList({QStringLiteral("*.partial")}, QDir::Files).isEmpty());

        r = restore(h, d, manifest);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(checksumOf(h, d), d.checksum);
    }

    void openWriterMakesTheDetachGiveUpThenItIsReused()
    {
        CliHarness h;
        LogDb d = makeLog(h);
        QVERIFY(d.raw);
        // A writer of the active segment with its transaction open holds the
        // table: the detach waits only its short lock timeout per attempt.
        auto writer = PgConnection::open(str(d.uri));
        QVERIFY(writer);
        QVERIFY((*writer)->exec("BEGIN"));
        QVERIFY((*writer)->exec("INSERT INTO events (id, at, kind) VALUES (999999, '2026-12-04 12:00+00', 'late')"));
        const QString id = approvedArchive(h, d, QStringLiteral("events_d2"));
        ProcessResult r =
            cli(h, {QStringLiteral("apply"), id, QStringLiteral("--lock-timeout"), QStringLiteral("400")});
        QVERIFY2(r.exitCode == 5 && r.err.contains(QLatin1String("could not lock")), qPrintable(describe(r)));
        // The writer was never refused and goes on; the segment is intact and attached.
        QVERIFY((*writer)->exec("INSERT INTO events (id, at, kind) VALUES (1000000, '2026-12-04 12:01+00', 'late')"));
        QVERIFY((*writer)->exec("COMMIT"));
        QCOMPARE(attached(d, "events_d2"), 1);
        QVERIFY(QFile::exists(manifestOf(d, QStringLiteral("events_d2"))));
        r = cli(h, {QStringLiteral("status"), d.uri});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = cli(h, {QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(relationCount(d, "events_d2"), 0);
        r = restore(h, d, manifestOf(d, QStringLiteral("events_d2")));
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM events"), d.rows + 2);
    }

    void badInputIsRefused()
    {
        CliHarness h;
        LogDb d = makeLog(h);
        QVERIFY(d.raw);
        ProcessResult r =
            cli(h,
                {QStringLiteral("archive"), d.uri, QStringLiteral("--to"), d.archives, QStringLiteral("--table"),
                 QStringLiteral("events"), QStringLiteral("--partition"), QStringLiteral("events_d4")});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("active segment")), qPrintable(describe(r)));
        r = cli(h,
                {QStringLiteral("archive"), d.uri, QStringLiteral("--to"), d.archives, QStringLiteral("--table"),
                 QStringLiteral("events"), QStringLiteral("--partition"), QStringLiteral("events_d9")});
        QVERIFY2(r.exitCode == 3 && r.err.contains(QLatin1String("no segment named")), qPrintable(describe(r)));
        r = cli(h,
                {QStringLiteral("archive"), d.uri, QStringLiteral("--to"), d.archives, QStringLiteral("--table"),
                 QStringLiteral("nosuch"), QStringLiteral("--partition"), QStringLiteral("events_d1")});
        QVERIFY2(r.exitCode != 0, qPrintable(describe(r)));
        r = cli(h,
                {QStringLiteral("archive"), d.uri, QStringLiteral("--to"), h.path(QStringLiteral("missing")),
                 QStringLiteral("--table"), QStringLiteral("events"), QStringLiteral("--partition"),
                 QStringLiteral("events_d1")});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("does not exist")), qPrintable(describe(r)));
        r = cli(h, {QStringLiteral("restore-archive"), d.uri, h.path(QStringLiteral("nothing.manifest.json"))});
        QVERIFY2(r.exitCode == 3, qPrintable(describe(r)));
        QCOMPARE(checksumOf(h, d), d.checksum);
        QCOMPARE(sqlInt(*d.raw, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass"), 4);
        QVERIFY(QDir(d.archives).entryList(QDir::Files).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPostgresSegmentArchive)
#include "tst_postgres_segment_archive.moc"
