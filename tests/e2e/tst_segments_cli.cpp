// Log segments through the real tidemark-cli on real SQLite files: the
// figures and queues, archive → drop → restore-archive equal to the original
// (count and checksum), a SIGKILL in the middle of an archive leaving the
// segment intact and no archive accepted, and bad input refused.
#include <QDir>

#include "cli_harness.h"

using namespace tidemark::test;

namespace {

struct LogDb {
    QString db, uri, archives;
    QJsonObject before;
};

LogDb makeDemo(const CliHarness &h)
{
    LogDb d;
    d.db = h.path(QStringLiteral("demo.db"));
    d.uri = CliHarness::uri(d.db);
    d.archives = h.path(QStringLiteral("archives"));
    QDir().mkpath(d.archives);
    const ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), d.db, QStringLiteral("--rows"),
                                   QStringLiteral("30000"), QStringLiteral("--partitions"), QStringLiteral("6")});
    if (r.exitCode != 0)
        qWarning().noquote() << describe(r);
    d.before = h.json({QStringLiteral("checksum"), d.uri, QStringLiteral("orders")});
    return d;
}

QString segmentName(const QJsonObject &survey, int index)
{
    const QJsonArray segments =
        survey.value(QStringLiteral("tables")).toArray().at(0).toObject().value(QStringLiteral("segments")).toArray();
    return segments.at(index).toObject().value(QStringLiteral("partition")).toString();
}

QString planOf(const QJsonObject &plan)
{
    return QString::number(plan.value(QStringLiteral("id")).toInteger());
}

bool reached(const QString &marker, const QString &point)
{
    return CliHarness::fileBytes(marker).contains(point.toUtf8());
}

} // namespace

class TestSegmentsCli : public QObject {
    Q_OBJECT
private slots:
    void segmentsShowsFiguresAndStoresThem()
    {
        CliHarness h;
        const LogDb d = makeDemo(h);
        const QJsonObject s =
            h.json({QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("orders")});
        const QJsonArray tables = s.value(QStringLiteral("tables")).toArray();
        QCOMPARE(tables.size(), 1);
        const QJsonArray segments = tables.at(0).toObject().value(QStringLiteral("segments")).toArray();
        QCOMPARE(segments.size(), 6);
        qint64 rows = 0;
        for (const auto &v : segments) {
            const QJsonObject o = v.toObject();
            rows += o.value(QStringLiteral("rows")).toInteger();
            QVERIFY(o.value(QStringLiteral("bytes")).toInteger() > 0);
            QCOMPARE(o.value(QStringLiteral("dead_source")).toString(), QStringLiteral("dbstat"));
            QVERIFY(o.contains(QStringLiteral("priority")) && o.contains(QStringLiteral("predicted_upper95")));
        }
        QCOMPARE(rows, d.before.value(QStringLiteral("rows")).toInteger());
        QCOMPARE(segments.last().toObject().value(QStringLiteral("state")).toString(), QStringLiteral("active"));
        QCOMPARE(segments.first().toObject().value(QStringLiteral("state")).toString(), QStringLiteral("sealed"));
    }

    void settingsAreCheckedAndKept()
    {
        CliHarness h;
        const LogDb d = makeDemo(h);
        ProcessResult r = h.cli({QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("orders"),
                                 QStringLiteral("--set"), QStringLiteral("smoothing=kalman")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("ewma or holt")), qPrintable(describe(r)));
        r = h.cli({QStringLiteral("segments"), d.uri, QStringLiteral("--set"), QStringLiteral("smoothing=holt")});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("--table")), qPrintable(describe(r)));
        const QJsonObject s =
            h.json({QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("orders"),
                    QStringLiteral("--set"), QStringLiteral("smoothing=holt"), QStringLiteral("--set"),
                    QStringLiteral("archive-threshold=1K")});
        const QJsonObject settings =
            s.value(QStringLiteral("tables")).toArray().at(0).toObject().value(QStringLiteral("settings")).toObject();
        QCOMPARE(settings.value(QStringLiteral("smoothing")).toString(), QStringLiteral("holt"));
        QCOMPARE(settings.value(QStringLiteral("archive_threshold_bytes")).toInteger(), 1024);
        // Over its threshold already: the oldest sealed segments queue for archival, the active one never.
        const QJsonArray queue = s.value(QStringLiteral("archive_queue")).toArray();
        QCOMPARE(queue.size(), 5);
        QCOMPARE(queue.at(0).toObject().value(QStringLiteral("partition")).toString(), segmentName(s, 0));
    }

    void freeSpaceMarginBringsArchivalForward()
    {
        CliHarness h;
        const LogDb d = makeDemo(h);
        // The file system has far more than 1 KiB free: nothing is due.
        QJsonObject s = h.json({QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("orders"),
                                QStringLiteral("--set"), QStringLiteral("free-space-margin=1K")});
        QJsonObject t = s.value(QStringLiteral("tables")).toArray().at(0).toObject();
        QVERIFY(t.value(QStringLiteral("predicted_free_bytes")).toDouble() > 1024);
        QVERIFY(t.value(QStringLiteral("free_space_source")).toString().contains(QLatin1String("file system")));
        QVERIFY(s.value(QStringLiteral("archive_queue")).toArray().isEmpty());
        // No disk has 1000 TiB free: every sealed segment must go, the active one stays.
        s = h.json({QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("orders"),
                    QStringLiteral("--set"), QStringLiteral("free-space-margin=1000T")});
        QCOMPARE(s.value(QStringLiteral("archive_queue")).toArray().size(), 5);
        const QJsonObject plan = h.json({QStringLiteral("archive"), d.uri, QStringLiteral("--to"), d.archives});
        const QJsonArray steps = plan.value(QStringLiteral("steps")).toArray();
        QCOMPARE(steps.size(), 5);
        QVERIFY2(steps.at(0)
                     .toObject()
                     .value(QStringLiteral("reason"))
                     .toString()
                     .contains(QLatin1String("free-space margin")),
                 qPrintable(steps.at(0).toObject().value(QStringLiteral("reason")).toString()));
    }

    void archiveDropRestoreRoundTrip()
    {
        CliHarness h;
        const LogDb d = makeDemo(h);
        const QJsonObject s = h.json({QStringLiteral("segments"), d.uri});
        const QString segment = segmentName(s, 1);
        const QJsonObject plan =
            h.json({QStringLiteral("archive"), d.uri, QStringLiteral("--to"), d.archives, QStringLiteral("--table"),
                    QStringLiteral("orders"), QStringLiteral("--partition"), segment});
        QCOMPARE(plan.value(QStringLiteral("steps")).toArray().size(), 1);
        const QString id = planOf(plan);
        // Not approved: nothing runs.
        ProcessResult r = h.cli({QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 7, qPrintable(describe(r)));
        QVERIFY(h.cli({QStringLiteral("approve"), id}).exitCode == 0);
        r = h.cli({QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));

        const QJsonObject after = h.json({QStringLiteral("checksum"), d.uri, QStringLiteral("orders")});
        const qint64 archivedRows = s.value(QStringLiteral("tables"))
                                        .toArray()
                                        .at(0)
                                        .toObject()
                                        .value(QStringLiteral("segments"))
                                        .toArray()
                                        .at(1)
                                        .toObject()
                                        .value(QStringLiteral("rows"))
                                        .toInteger();
        QCOMPARE(after.value(QStringLiteral("rows")).toInteger(),
                 d.before.value(QStringLiteral("rows")).toInteger() - archivedRows);
        const QString manifest = d.archives + QStringLiteral("/orders.") + segment + QStringLiteral(".manifest.json");
        QVERIFY(QFile::exists(manifest));
        const QJsonObject m = QJsonDocument::fromJson(CliHarness::fileBytes(manifest)).object();
        QCOMPARE(m.value(QStringLiteral("rows")).toInteger(), archivedRows);
        QCOMPARE(m.value(QStringLiteral("format")).toString(), QStringLiteral("tidemark-segment-archive/1"));

        // Keys of the archived range are refused now, not silently lost elsewhere.
        const QJsonObject restore = h.json({QStringLiteral("restore-archive"), d.uri, manifest});
        const QString rid = planOf(restore);
        QVERIFY(h.cli({QStringLiteral("approve"), rid}).exitCode == 0);
        r = h.cli({QStringLiteral("apply"), rid});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject restored = h.json({QStringLiteral("checksum"), d.uri, QStringLiteral("orders")});
        QCOMPARE(restored.value(QStringLiteral("rows")).toInteger(),
                 d.before.value(QStringLiteral("rows")).toInteger());
        QCOMPARE(restored.value(QStringLiteral("checksum")).toString(),
                 d.before.value(QStringLiteral("checksum")).toString());
        // A second restore is refused: the segment is back.
        r = h.cli({QStringLiteral("restore-archive"), d.uri, manifest});
        QVERIFY2(r.exitCode != 0 && r.err.contains(QLatin1String("already")), qPrintable(describe(r)));
    }

    void damagedArchiveIsRefused()
    {
        CliHarness h;
        const LogDb d = makeDemo(h);
        const QJsonObject s = h.json({QStringLiteral("segments"), d.uri});
        const QString segment = segmentName(s, 0);
        const QString id = planOf(
            h.json({QStringLiteral("archive"), d.uri, QStringLiteral("--to"), d.archives, QStringLiteral("--table"),
                    QStringLiteral("orders"), QStringLiteral("--partition"), segment}));
        QVERIFY(h.cli({QStringLiteral("approve"), id}).exitCode == 0);
        QVERIFY(h.cli({QStringLiteral("apply"), id}).exitCode == 0);
        const QString data = d.archives + QStringLiteral("/orders.") + segment + QStringLiteral(".copy.zst");
        QFile f(data);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.seek(f.size() / 2);
        f.write("XXXX");
        f.close();
        const QString manifest = d.archives + QStringLiteral("/orders.") + segment + QStringLiteral(".manifest.json");
        const ProcessResult r = h.cli({QStringLiteral("restore-archive"), d.uri, manifest});
        QVERIFY2(r.exitCode == 8, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QLatin1String("does not match its manifest")), qPrintable(describe(r)));
    }

    void killDuringArchive_data()
    {
        QTest::addColumn<QString>("point");
        QTest::addColumn<bool>("manifestLeft");
        QTest::newRow("half the rows written") << "segments.archive-mid-write" << false;
        QTest::newRow("file written, manifest not yet") << "segments.before-manifest" << false;
        QTest::newRow("archive complete, segment not yet dropped") << "segments.before-commit" << true;
    }
    void killDuringArchive()
    {
        QFETCH(QString, point);
        QFETCH(bool, manifestLeft);
        CliHarness h;
        const LogDb d = makeDemo(h);
        const QJsonObject s = h.json({QStringLiteral("segments"), d.uri});
        const QString segment = segmentName(s, 2);
        const QString id = planOf(
            h.json({QStringLiteral("archive"), d.uri, QStringLiteral("--to"), d.archives, QStringLiteral("--table"),
                    QStringLiteral("orders"), QStringLiteral("--partition"), segment}));
        QVERIFY(h.cli({QStringLiteral("approve"), id}).exitCode == 0);
        const QString marker = h.path(QStringLiteral("crash.marker"));
        ProcessResult r =
            h.cli({QStringLiteral("apply"), id},
                  {QStringLiteral("TIDEMARK_CRASH_AT=") + point, QStringLiteral("TIDEMARK_CRASH_MARKER=") + marker});
        QVERIFY2(r.crashed, qPrintable(describe(r)));
        QVERIFY(reached(marker, point));

        // The segment is intact, and no archive without its manifest exists.
        const QJsonObject now = h.json({QStringLiteral("checksum"), d.uri, QStringLiteral("orders")});
        QCOMPARE(now.value(QStringLiteral("rows")).toInteger(), d.before.value(QStringLiteral("rows")).toInteger());
        QCOMPARE(now.value(QStringLiteral("checksum")).toString(),
                 d.before.value(QStringLiteral("checksum")).toString());
        const QString manifest = d.archives + QStringLiteral("/orders.") + segment + QStringLiteral(".manifest.json");
        QCOMPARE(QFile::exists(manifest), manifestLeft);
        if (!manifestLeft) {
            r = h.cli({QStringLiteral("restore-archive"), d.uri, manifest});
            QVERIFY2(r.exitCode == 3, qPrintable(describe(r)));
        }

        // Recovery settles the step as rolled back; applying again completes it.
        r = h.cli({QStringLiteral("status"), d.uri});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("recovery:")), qPrintable(describe(r)));
        r = h.cli({QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY(QFile::exists(manifest));
        QVERIFY(QDir(d.archives).entryList({QStringLiteral("*.partial")}, QDir::Files).isEmpty() || !manifestLeft);

        // And the archive restores to the original.
        const QString rid = planOf(h.json({QStringLiteral("restore-archive"), d.uri, manifest}));
        QVERIFY(h.cli({QStringLiteral("approve"), rid}).exitCode == 0);
        r = h.cli({QStringLiteral("apply"), rid});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject back = h.json({QStringLiteral("checksum"), d.uri, QStringLiteral("orders")});
        QCOMPARE(back.value(QStringLiteral("checksum")).toString(),
                 d.before.value(QStringLiteral("checksum")).toString());
    }

    // The event-log demo: its forecast queues the oldest segments for archival
    // before the time to archive, its purged segments queue for compaction,
    // and archive proposes one step per queued segment.
    void logDemoQueuesArchivalAndCompaction()
    {
        CliHarness h;
        const QString db = h.path(QStringLiteral("events.db"));
        const QString uri = CliHarness::uri(db);
        const QString archives = h.path(QStringLiteral("archives"));
        QDir().mkpath(archives);
        const ProcessResult made = h.cli({QStringLiteral("demo"), QStringLiteral("init"), db, QStringLiteral("--log")});
        QVERIFY2(made.exitCode == 0, qPrintable(describe(made)));
        const QJsonObject s = h.json({QStringLiteral("segments"), uri});
        const QJsonArray tables = s.value(QStringLiteral("tables")).toArray();
        QCOMPARE(tables.size(), 1);
        const QJsonObject events = tables.at(0).toObject();
        QCOMPARE(events.value(QStringLiteral("table")).toString(), QStringLiteral("events"));
        const QJsonArray segments = events.value(QStringLiteral("segments")).toArray();
        QCOMPARE(segments.size(), 8);
        QCOMPARE(segments.last().toObject().value(QStringLiteral("state")).toString(), QStringLiteral("active"));
        // Weeks of history: the forecast is a model's, not the current size.
        QVERIFY2(events.value(QStringLiteral("prediction_model")).toString() != QLatin1String("none"),
                 qPrintable(events.value(QStringLiteral("prediction_note")).toString()));
        QVERIFY(segments.last().toObject().value(QStringLiteral("growth_bytes_per_hour")).toDouble() > 0.0);
        // Sealed segments stopped growing days ago: predicted to stay as they are, band and all.
        for (int i = 0; i + 1 < segments.size(); ++i) {
            const QJsonObject f = segments.at(i).toObject();
            QCOMPARE(f.value(QStringLiteral("predicted_upper95")).toDouble(),
                     f.value(QStringLiteral("bytes")).toDouble());
            QCOMPARE(f.value(QStringLiteral("predicted_lower95")).toDouble(),
                     f.value(QStringLiteral("bytes")).toDouble());
        }
        QVERIFY(segments.last().toObject().value(QStringLiteral("predicted_upper95")).toDouble() >
                segments.last().toObject().value(QStringLiteral("bytes")).toDouble());
        const double threshold = events.value(QStringLiteral("settings"))
                                     .toObject()
                                     .value(QStringLiteral("archive_threshold_bytes"))
                                     .toDouble();
        QVERIFY(threshold > events.value(QStringLiteral("bytes")).toDouble());
        QVERIFY(events.value(QStringLiteral("predicted_bytes")).toDouble() > threshold);
        const qint64 crossing = events.value(QStringLiteral("crossing_ms")).toInteger();
        QVERIFY(crossing > s.value(QStringLiteral("taken_ms")).toInteger());
        QVERIFY(crossing < events.value(QStringLiteral("archive_by_ms")).toInteger());

        // The archive queue: the oldest sealed segments, oldest first, due before their time.
        const QJsonArray archive = s.value(QStringLiteral("archive_queue")).toArray();
        QVERIFY(!archive.isEmpty() && archive.size() < 7);
        for (int i = 0; i < archive.size(); ++i) {
            QCOMPARE(archive.at(i).toObject().value(QStringLiteral("partition")).toString(), segmentName(s, i));
            QVERIFY(archive.at(i).toObject().value(QStringLiteral("before_its_time")).toBool());
        }
        // The compaction queue: the purged segments (dead space), none of the others.
        const QJsonArray compaction = s.value(QStringLiteral("compaction_queue")).toArray();
        QCOMPARE(compaction.size(), 3);
        for (const auto &v : compaction) {
            const QString name = v.toObject().value(QStringLiteral("partition")).toString();
            QVERIFY2(name == segmentName(s, 0) || name == segmentName(s, 1) || name == segmentName(s, 2),
                     qPrintable(name));
        }
        for (int i = 0; i < 3; ++i)
            QVERIFY(segments.at(i).toObject().value(QStringLiteral("dead_bytes")).toDouble() >
                    0.3 * segments.at(i).toObject().value(QStringLiteral("bytes")).toDouble());

        const QJsonObject plan = h.json({QStringLiteral("archive"), uri, QStringLiteral("--to"), archives});
        const QJsonArray steps = plan.value(QStringLiteral("steps")).toArray();
        QCOMPARE(steps.size(), archive.size());
        for (const auto &v : steps)
            QCOMPARE(v.toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("archive"));

        // An existing file is never overwritten.
        const ProcessResult again =
            h.cli({QStringLiteral("demo"), QStringLiteral("init"), db, QStringLiteral("--log")});
        QVERIFY2(again.exitCode != 0 && again.err.contains(QLatin1String("already exists")),
                 qPrintable(describe(again)));
    }

    void badInputIsRefused()
    {
        CliHarness h;
        const LogDb d = makeDemo(h);
        ProcessResult r = h.cli({QStringLiteral("archive"), d.uri});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("--to")), qPrintable(describe(r)));
        r = h.cli({QStringLiteral("archive"), d.uri, QStringLiteral("--to"), h.path(QStringLiteral("missing"))});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("does not exist")), qPrintable(describe(r)));
        const QJsonObject s = h.json({QStringLiteral("segments"), d.uri});
        r = h.cli({QStringLiteral("archive"), d.uri, QStringLiteral("--to"), d.archives, QStringLiteral("--table"),
                   QStringLiteral("orders"), QStringLiteral("--partition"), segmentName(s, 5)});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("active segment")), qPrintable(describe(r)));
        r = h.cli({QStringLiteral("restore-archive"), d.uri, h.path(QStringLiteral("nothing.manifest.json"))});
        QVERIFY2(r.exitCode == 3, qPrintable(describe(r)));
        QCOMPARE(
            h.json({QStringLiteral("checksum"), d.uri, QStringLiteral("orders")}).value(QStringLiteral("checksum")),
            d.before.value(QStringLiteral("checksum")));
    }
};

QTEST_GUILESS_MAIN(TestSegmentsCli)
#include "tst_segments_cli.moc"
