// Compaction of log segments through the real tidemark-cli on real SQLite
// files: a bloated sealed segment queued by its priority and rewritten
// densely with every row kept, a change log's key compaction keeping exactly
// the latest row of each key, small sealed neighbours merged, a SIGKILL in
// the middle leaving the segment as it was, and bad input refused with
// nothing stored or changed.
#include <sqlite3.h>

#include "cli_harness.h"

using namespace tidemark::test;

namespace {

struct Demo {
    QString db, uri;
};

Demo makeDemo(const CliHarness &h)
{
    Demo d;
    d.db = h.path(QStringLiteral("demo.db"));
    d.uri = CliHarness::uri(d.db);
    const ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), d.db, QStringLiteral("--rows"),
                                   QStringLiteral("30000"), QStringLiteral("--partitions"), QStringLiteral("6")});
    if (r.exitCode != 0)
        qWarning().noquote() << describe(r);
    return d;
}

bool exec(const QString &file, const QString &sql)
{
    sqlite3 *db = nullptr;
    sqlite3_open(file.toUtf8().constData(), &db);
    char *error = nullptr;
    const int rc = sqlite3_exec(db, sql.toUtf8().constData(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK)
        qWarning() << "sqlite:" << error;
    sqlite3_free(error);
    sqlite3_close(db);
    return rc == SQLITE_OK;
}

QStringList column(const QString &file, const QString &sql)
{
    sqlite3 *db = nullptr;
    sqlite3_open(file.toUtf8().constData(), &db);
    sqlite3_stmt *stmt = nullptr;
    QStringList out;
    if (sqlite3_prepare_v2(db, sql.toUtf8().constData(), -1, &stmt, nullptr) == SQLITE_OK)
        while (sqlite3_step(stmt) == SQLITE_ROW)
            out << QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

QJsonArray segmentsOf(const QJsonObject &survey)
{
    return survey.value(QStringLiteral("tables"))
        .toArray()
        .at(0)
        .toObject()
        .value(QStringLiteral("segments"))
        .toArray();
}

QJsonObject segment(const QJsonObject &survey, const QString &name)
{
    for (const auto &v : segmentsOf(survey))
        if (v.toObject().value(QStringLiteral("partition")).toString() == name)
            return v.toObject();
    return {};
}

QString planOf(const QJsonObject &plan)
{
    return QString::number(plan.value(QStringLiteral("id")).toInteger());
}

QJsonObject checksum(const CliHarness &h, const Demo &d)
{
    return h.json({QStringLiteral("checksum"), d.uri, QStringLiteral("orders")});
}

/// Deletes two rows of every three in the segment: its pages keep the room.
QString bloat(const CliHarness &h, const Demo &d, int index)
{
    const QJsonObject s = h.json({QStringLiteral("segments"), d.uri});
    const QString name = segmentsOf(s).at(index).toObject().value(QStringLiteral("partition")).toString();
    exec(d.db, QStringLiteral("DELETE FROM \"%1\" WHERE order_id % 3 <> 0").arg(name));
    return name;
}

bool approveAndApply(const CliHarness &h, const QString &id, QString *why)
{
    ProcessResult r = h.cli({QStringLiteral("approve"), id});
    if (r.exitCode == 0)
        r = h.cli({QStringLiteral("apply"), id});
    *why = describe(r);
    return r.exitCode == 0;
}

} // namespace

class TestCompactCli : public QObject {
    Q_OBJECT
private slots:
    void bloatedSegmentIsQueuedAndRewrittenDensely()
    {
        CliHarness h;
        const Demo d = makeDemo(h);
        const QString bloated = bloat(h, d, 1);
        const QJsonObject before = checksum(h, d);
        const QString triggersSql =
            QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = '%1' ORDER BY name");
        const QStringList triggers = column(d.db, triggersSql.arg(bloated));
        QVERIFY(!triggers.isEmpty());
        QJsonObject s = h.json({QStringLiteral("segments"), d.uri});
        const QJsonObject b = segment(s, bloated);
        QVERIFY2(b.value(QStringLiteral("dead_bytes")).toInteger() > b.value(QStringLiteral("bytes")).toInteger() / 5,
                 QJsonDocument(b).toJson().constData());
        // The threshold between the bloated segment's priority and every other's.
        double others = 0;
        for (const auto &v : segmentsOf(s))
            if (v.toObject().value(QStringLiteral("partition")).toString() != bloated)
                others = std::max(others, v.toObject().value(QStringLiteral("priority")).toDouble());
        const double mine = b.value(QStringLiteral("priority")).toDouble();
        QVERIFY2(mine > others, qPrintable(QStringLiteral("%1 vs %2").arg(mine).arg(others)));
        s = h.json({QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("orders"),
                    QStringLiteral("--set"), QStringLiteral("compact-threshold=%1").arg((mine + others) / 2)});
        const QJsonArray queue = s.value(QStringLiteral("compaction_queue")).toArray();
        QCOMPARE(queue.size(), 1);
        QCOMPARE(queue.at(0).toObject().value(QStringLiteral("partition")).toString(), bloated);

        const QJsonObject plan = h.json({QStringLiteral("compact"), d.uri});
        const QJsonArray steps = plan.value(QStringLiteral("steps")).toArray();
        QCOMPARE(steps.size(), 1);
        const QJsonObject step = steps.at(0).toObject();
        QCOMPARE(step.value(QStringLiteral("kind")).toString(), QStringLiteral("compact"));
        QVERIFY(step.value(QStringLiteral("sql")).toString().contains(QLatin1String("REINDEX")));
        QVERIFY(step.value(QStringLiteral("reason")).toString().contains(QLatin1String("priority")));
        QString why;
        QVERIFY2(approveAndApply(h, planOf(plan), &why), qPrintable(why));

        QCOMPARE(checksum(h, d), before);
        const QJsonObject a = segment(h.json({QStringLiteral("segments"), d.uri}), bloated);
        QCOMPARE(a.value(QStringLiteral("rows")).toInteger(), b.value(QStringLiteral("rows")).toInteger());
        QVERIFY2(a.value(QStringLiteral("dead_bytes")).toInteger() <
                     b.value(QStringLiteral("dead_bytes")).toInteger() / 4,
                 qPrintable(QStringLiteral("dead %1 → %2")
                                .arg(b.value(QStringLiteral("dead_bytes")).toInteger())
                                .arg(a.value(QStringLiteral("dead_bytes")).toInteger())));
        QVERIFY(a.value(QStringLiteral("bytes")).toInteger() < b.value(QStringLiteral("bytes")).toInteger());
        // The segment's own triggers (activity counting) are back, and writes through the family land.
        QCOMPARE(column(d.db, triggersSql.arg(bloated)), triggers);
        QVERIFY(exec(d.db,
                     QStringLiteral("UPDATE orders SET status = 'paid' WHERE order_id = (SELECT min(order_id) "
                                    "FROM \"%1\")")
                         .arg(bloated)));
        const ProcessResult show = h.cli({QStringLiteral("show"), planOf(plan)});
        QVERIFY2(show.out.contains(QLatin1String("rows kept")), qPrintable(describe(show)));
    }

    void changeLogKeepsTheLatestRowOfEachKey()
    {
        CliHarness h;
        const Demo d = makeDemo(h);
        const QJsonObject s =
            h.json({QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("orders"),
                    QStringLiteral("--set"), QStringLiteral("keep-latest=status")});
        const QString name = segmentsOf(s).at(2).toObject().value(QStringLiteral("partition")).toString();
        const QStringList latest =
            column(d.db, QStringLiteral("SELECT max(order_id) FROM \"%1\" GROUP BY status ORDER BY 1").arg(name));
        QVERIFY(latest.size() >= 2);
        const qint64 rowsBefore = checksum(h, d).value(QStringLiteral("rows")).toInteger();
        const qint64 segmentRows = segment(s, name).value(QStringLiteral("rows")).toInteger();

        const QJsonObject plan = h.json({QStringLiteral("compact"), d.uri, QStringLiteral("--table"),
                                         QStringLiteral("orders"), QStringLiteral("--partition"), name});
        QCOMPARE(plan.value(QStringLiteral("steps")).toArray().size(), 1);
        QString why;
        QVERIFY2(approveAndApply(h, planOf(plan), &why), qPrintable(why));
        QCOMPARE(column(d.db, QStringLiteral("SELECT order_id FROM \"%1\" ORDER BY 1").arg(name)), latest);
        QCOMPARE(checksum(h, d).value(QStringLiteral("rows")).toInteger(),
                 rowsBefore - segmentRows + qint64(latest.size()));
    }

    void smallSealedNeighboursMerge()
    {
        CliHarness h;
        const Demo d = makeDemo(h);
        const QJsonObject before = checksum(h, d);
        const QJsonObject s =
            h.json({QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("orders"),
                    QStringLiteral("--set"), QStringLiteral("merge-below=100M")});
        QCOMPARE(segmentsOf(s).size(), 6);
        const QJsonObject plan = h.json({QStringLiteral("compact"), d.uri});
        const QJsonArray steps = plan.value(QStringLiteral("steps")).toArray();
        QCOMPARE(steps.size(), 1);
        QCOMPARE(steps.at(0).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("merge"));
        // Every sealed segment, never the active one.
        QCOMPARE(steps.at(0).toObject().value(QStringLiteral("sources")).toArray().size(), 5);
        QString why;
        QVERIFY2(approveAndApply(h, planOf(plan), &why), qPrintable(why));
        QCOMPARE(checksum(h, d), before);
        QCOMPARE(segmentsOf(h.json({QStringLiteral("segments"), d.uri})).size(), 2);
    }

    void killDuringCompactionLeavesTheSegment()
    {
        CliHarness h;
        const Demo d = makeDemo(h);
        const QString name = bloat(h, d, 3);
        const QJsonObject before = checksum(h, d);
        const QString id = planOf(h.json({QStringLiteral("compact"), d.uri, QStringLiteral("--table"),
                                          QStringLiteral("orders"), QStringLiteral("--partition"), name}));
        QVERIFY(h.cli({QStringLiteral("approve"), id}).exitCode == 0);
        const QString marker = h.path(QStringLiteral("crash.marker"));
        ProcessResult r = h.cli({QStringLiteral("apply"), id},
                                {QStringLiteral("TIDEMARK_CRASH_AT=sqlite.compact-after-rewrite"),
                                 QStringLiteral("TIDEMARK_CRASH_MARKER=") + marker});
        QVERIFY2(r.crashed, qPrintable(describe(r)));
        QCOMPARE(checksum(h, d), before);
        r = h.cli({QStringLiteral("status"), d.uri});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("recovery:")), qPrintable(describe(r)));
        r = h.cli({QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(checksum(h, d), before);
    }

    void badInputIsRefused()
    {
        CliHarness h;
        const Demo d = makeDemo(h);
        const QJsonObject before = checksum(h, d);
        const QJsonObject s = h.json({QStringLiteral("segments"), d.uri});
        const QString active = segmentsOf(s).at(5).toObject().value(QStringLiteral("partition")).toString();
        const QString sealed = segmentsOf(s).at(0).toObject().value(QStringLiteral("partition")).toString();
        ProcessResult r = h.cli({QStringLiteral("compact"), d.uri, QStringLiteral("--table"), QStringLiteral("orders"),
                                 QStringLiteral("--partition"), active});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("active segment")), qPrintable(describe(r)));
        r = h.cli({QStringLiteral("compact"), d.uri, QStringLiteral("--partition"), sealed});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("--table")), qPrintable(describe(r)));
        r = h.cli({QStringLiteral("compact"), d.uri, QStringLiteral("--table"), QStringLiteral("orders"),
                   QStringLiteral("--partition"), QStringLiteral("no_such_segment")});
        QVERIFY2(r.exitCode != 0 && r.err.contains(QLatin1String("no segment named")), qPrintable(describe(r)));
        r = h.cli({QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("orders"),
                   QStringLiteral("--set"), QStringLiteral("keep-latest=status,,note")});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("keep-latest")), qPrintable(describe(r)));
        h.json({QStringLiteral("segments"), d.uri, QStringLiteral("--table"), QStringLiteral("orders"),
                QStringLiteral("--set"), QStringLiteral("keep-latest=no_such_column")});
        r = h.cli({QStringLiteral("compact"), d.uri, QStringLiteral("--table"), QStringLiteral("orders"),
                   QStringLiteral("--partition"), sealed});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("not a column")), qPrintable(describe(r)));
        // Nothing was stored or changed.
        QCOMPARE(column(h.store(), QStringLiteral("SELECT count(*) FROM plans")), QStringList{QStringLiteral("0")});
        QCOMPARE(checksum(h, d), before);
    }
};

QTEST_GUILESS_MAIN(TestCompactCli)
#include "tst_compact_cli.moc"
