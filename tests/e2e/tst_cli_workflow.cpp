// The whole loop on the demo: init → load → scan → plan → approve → apply →
// verify, then the properties a DBA relies on afterwards.
#include "cli_harness.h"

using namespace tidemark::test;

class TestCliWorkflow : public QObject {
    Q_OBJECT
private slots:
    void demoLoopSplitsHotRangeAndMergesColdNeighbours()
    {
        CliHarness h;
        const QString db = h.path(QStringLiteral("demo.db"));
        const QString uri = CliHarness::uri(db);

        ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), db});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject initial = h.json({QStringLiteral("scan"), uri});
        const QJsonArray initialScores = initial.value(QStringLiteral("scores")).toArray();
        QVERIFY2(initialScores.size() >= 40, "the demo has at least 40 partitions");
        qint64 rows = 0;
        for (const auto &s : initialScores)
            rows += s.toObject().value(QStringLiteral("rows")).toInteger();
        QVERIFY2(rows >= 1000000, qPrintable(QString::number(rows)));

        r = h.cli(
            {QStringLiteral("demo"), QStringLiteral("load"), db, QStringLiteral("--seconds"), QStringLiteral("6")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY2(h.cli({QStringLiteral("scan"), uri}).exitCode == 0, "scan");

        // Merging cold neighbours saves no backup bytes: left out, with the balance as the reason.
        const QJsonObject first = h.json({QStringLiteral("plan"), uri});
        const QString firstText = QString::fromUtf8(QJsonDocument(first).toJson());
        for (const auto &v : first.value(QStringLiteral("steps")).toArray())
            QVERIFY2(v.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("split"),
                     qPrintable(firstText));
        bool mergeLeftOut = false;
        for (const auto &v : first.value(QStringLiteral("skipped")).toArray())
            mergeLeftOut = mergeLeftOut ||
                (v.toObject().value(QStringLiteral("reason")).toString().contains(QLatin1String("merge left out")) &&
                 v.toObject().value(QStringLiteral("partitions")).toArray().size() >= 2);
        QVERIFY2(mergeLeftOut, qPrintable(firstText));
        const QString firstId = QString::number(first.value(QStringLiteral("id")).toInteger());
        QVERIFY2(first.value(QStringLiteral("id")).toInteger() > 0, qPrintable(firstText));

        // A DBA who wants fewer partitions says so; the merges come with that reason.
        QVERIFY(
            h.cli({QStringLiteral("settings"), uri, QStringLiteral("--set"), QStringLiteral("merge_cold_partitions=1")})
                .exitCode == 0);
        const QJsonObject plan = h.json({QStringLiteral("plan"), uri});
        const QJsonArray steps = plan.value(QStringLiteral("steps")).toArray();
        QJsonObject split;
        int merges = 0;
        for (const auto &v : steps) {
            const QJsonObject s = v.toObject();
            if (s.value(QStringLiteral("kind")).toString() == QLatin1String("split"))
                split = s;
            else if (s.value(QStringLiteral("kind")).toString() == QLatin1String("merge"))
                ++merges;
            QVERIFY2(!s.value(QStringLiteral("sql")).toString().isEmpty(), "every step shows its SQL");
            QVERIFY2(!s.value(QStringLiteral("reason")).toString().isEmpty(), "every step gives its reason");
        }
        QVERIFY2(!split.isEmpty(), QJsonDocument(plan).toJson().constData());
        QVERIFY2(merges >= 1, QJsonDocument(plan).toJson().constData());
        const QString planId = QString::number(plan.value(QStringLiteral("id")).toInteger());
        for (const auto &v : steps) {
            const QJsonObject s = v.toObject();
            const QJsonObject p = s.value(QStringLiteral("predicted")).toObject();
            QCOMPARE(p.value(QStringLiteral("net_bytes_per_cycle")).toInteger(),
                     p.value(QStringLiteral("backup_bytes_before")).toInteger() -
                         p.value(QStringLiteral("backup_bytes_after")).toInteger() -
                         p.value(QStringLiteral("amortised_rewrite_bytes_per_cycle")).toInteger());
            if (s.value(QStringLiteral("kind")).toString() == QLatin1String("merge"))
                QVERIFY2(s.value(QStringLiteral("reason"))
                             .toString()
                             .contains(QLatin1String("fewer partitions were asked for")),
                         qPrintable(s.value(QStringLiteral("reason")).toString()));
        }
        r = h.cli({QStringLiteral("show"), planId});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("    net:    ")), qPrintable(describe(r)));

        // The first plan touched the same partition: superseded, and it says by which plan.
        QCOMPARE(h.json({QStringLiteral("show"), firstId}).value(QStringLiteral("status")).toString(),
                 QStringLiteral("superseded"));
        for (const QString &act : {QStringLiteral("approve"), QStringLiteral("apply")}) {
            r = h.cli({act, firstId});
            QVERIFY2(r.exitCode == 7 && r.err.contains(QStringLiteral("superseded by plan ") + planId),
                     qPrintable(act + QLatin1Char(' ') + describe(r)));
        }
        QCOMPARE(h.json({QStringLiteral("show"), firstId}).value(QStringLiteral("status")).toString(),
                 QStringLiteral("superseded"));

        // The hot target: the one the planner expects most writes in.
        QString hot;
        double bestShare = -1;
        for (const auto &t : split.value(QStringLiteral("targets")).toArray()) {
            const QJsonObject o = t.toObject();
            if (o.value(QStringLiteral("expected_write_share")).toDouble() > bestShare) {
                bestShare = o.value(QStringLiteral("expected_write_share")).toDouble();
                hot = o.value(QStringLiteral("name")).toString();
            }
        }
        const QString oldPartition = split.value(QStringLiteral("sources")).toArray().at(0).toString();
        qint64 oldRows = 0;
        for (const auto &s : h.json({QStringLiteral("scan"), uri}).value(QStringLiteral("scores")).toArray())
            if (s.toObject().value(QStringLiteral("partition")).toString() == oldPartition)
                oldRows = s.toObject().value(QStringLiteral("rows")).toInteger();
        QVERIFY(oldRows > 0);

        // Apply without approval is refused and changes nothing.
        r = h.cli({QStringLiteral("apply"), planId});
        QCOMPARE(r.exitCode, 7);
        QVERIFY2(r.err.contains(QLatin1String("approve")), qPrintable(describe(r)));

        const QJsonObject before = h.json({QStringLiteral("checksum"), uri, QStringLiteral("orders")});
        // Leave the last merge out of the approval; a number naming no step is refused first.
        const QString lastMerge = QString::number(steps.size());
        QVERIFY(steps.last().toObject().value(QStringLiteral("kind")).toString() == QLatin1String("merge") ||
                steps.first().toObject().value(QStringLiteral("kind")).toString() == QLatin1String("merge"));
        const QString leaveOut =
            steps.last().toObject().value(QStringLiteral("kind")).toString() == QLatin1String("merge")
            ? lastMerge
            : QStringLiteral("1");
        const QStringList leftSources = [&] {
            QStringList out;
            for (const auto &v : steps.at(leaveOut.toInt() - 1).toObject().value(QStringLiteral("sources")).toArray())
                out << v.toString();
            return out;
        }();
        r = h.cli({QStringLiteral("approve"), planId, QStringLiteral("--leave-out"), QStringLiteral("99")});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("has no step 99")), qPrintable(describe(r)));
        r = h.cli({QStringLiteral("approve"), planId, QStringLiteral("--leave-out"), QStringLiteral("x")});
        QVERIFY2(r.exitCode == 2 && r.err.contains(QLatin1String("--leave-out")), qPrintable(describe(r)));
        QCOMPARE(h.json({QStringLiteral("show"), planId}).value(QStringLiteral("status")).toString(),
                 QStringLiteral("proposed"));
        r = h.cli({QStringLiteral("approve"), planId, QStringLiteral("--leave-out"), leaveOut});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("step %1 left out").arg(leaveOut)),
                 qPrintable(describe(r)));
        r = h.cli({QStringLiteral("apply"), planId});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject after = h.json({QStringLiteral("checksum"), uri, QStringLiteral("orders")});
        QCOMPARE(after.value(QStringLiteral("rows")).toInteger(), before.value(QStringLiteral("rows")).toInteger());
        QCOMPARE(after.value(QStringLiteral("checksum")).toString(),
                 before.value(QStringLiteral("checksum")).toString());

        const QJsonObject shown = h.json({QStringLiteral("show"), planId});
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QStringList partitionsAfter;
        for (const auto &s : h.json({QStringLiteral("scan"), uri}).value(QStringLiteral("scores")).toArray())
            partitionsAfter << s.toObject().value(QStringLiteral("partition")).toString();
        for (const QString &p : leftSources)
            QVERIFY2(partitionsAfter.contains(p), qPrintable(p + QLatin1String(" stays as it was")));
        for (const auto &v : shown.value(QStringLiteral("steps")).toArray()) {
            const QJsonObject s = v.toObject();
            if (s.value(QStringLiteral("ordinal")).toInt() + 1 == leaveOut.toInt()) {
                QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("skipped"));
                QCOMPARE(s.value(QStringLiteral("error")).toString(), QStringLiteral("left out at approval"));
                continue;
            }
            QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
            QVERIFY2(s.value(QStringLiteral("verification")).toString().endsWith(QLatin1String("equal")),
                     qPrintable(s.value(QStringLiteral("verification")).toString()));
            QVERIFY2(s.value(QStringLiteral("measured")).isObject(), "measured effect recorded beside the prediction");
        }

        // The hot partition holds few rows and takes most of the new writes.
        qint64 hotRows = -1;
        for (const auto &s : h.json({QStringLiteral("scan"), uri}).value(QStringLiteral("scores")).toArray())
            if (s.toObject().value(QStringLiteral("partition")).toString() == hot)
                hotRows = s.toObject().value(QStringLiteral("rows")).toInteger();
        QVERIFY2(hotRows >= 0, qPrintable(hot));
        QVERIFY2(hotRows * 5 <= oldRows, qPrintable(QStringLiteral("%1 of %2 rows").arg(hotRows).arg(oldRows)));

        const QJsonObject load = h.json(
            {QStringLiteral("demo"), QStringLiteral("load"), db, QStringLiteral("--seconds"), QStringLiteral("4")});
        const QJsonObject byPartition = load.value(QStringLiteral("writes_by_partition")).toObject();
        qint64 total = 0;
        for (const auto &v : byPartition)
            total += v.toInteger();
        const qint64 hotWrites = byPartition.value(hot).toInteger();
        QVERIFY(total > 0);
        QVERIFY2(hotWrites * 10 >= total * 8,
                 qPrintable(QStringLiteral("%1 of %2 writes in %3").arg(hotWrites).arg(total).arg(hot)));

        // Nothing left to do right after, and the plan says why: the new
        // partitions are cooling down (not "within thresholds"). The merge left
        // out at approval saves nothing, so without the wish for fewer
        // partitions it is not proposed again either.
        QVERIFY(
            h.cli({QStringLiteral("settings"), uri, QStringLiteral("--set"), QStringLiteral("merge_cold_partitions=0")})
                .exitCode == 0);
        const QJsonObject again = h.json({QStringLiteral("plan"), uri});
        const QString againText = QString::fromUtf8(QJsonDocument(again).toJson());
        QVERIFY2(again.value(QStringLiteral("steps")).toArray().isEmpty(), qPrintable(againText));
        QVERIFY2(again.value(QStringLiteral("summary")).toString().contains(QLatin1String("; cool-down until ")),
                 qPrintable(againText));
    }

    void monitorSamplesAtItsInterval()
    {
        CliHarness h;
        const QString db = h.path(QStringLiteral("monitor.db"));
        ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), db, QStringLiteral("--rows"),
                                 QStringLiteral("20000"), QStringLiteral("--partitions"), QStringLiteral("40")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = h.cli({QStringLiteral("--json"), QStringLiteral("monitor"), CliHarness::uri(db), QStringLiteral("--count"),
                   QStringLiteral("2"), QStringLiteral("--interval"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        qint64 previous = 0;
        for (const QString &line : lines) {
            const QJsonObject sample = QJsonDocument::fromJson(line.toUtf8()).object();
            QCOMPARE(sample.value(QStringLiteral("partitions")).toInt(), 40);
            QVERIFY(sample.value(QStringLiteral("timestamp_ms")).toInteger() > previous);
            previous = sample.value(QStringLiteral("timestamp_ms")).toInteger();
        }
    }

    void uniformWorkloadGetsNoSplit()
    {
        CliHarness h;
        const QString db = h.path(QStringLiteral("uniform.db"));
        const QString uri = CliHarness::uri(db);
        ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), db, QStringLiteral("--rows"),
                                 QStringLiteral("200000"), QStringLiteral("--partitions"), QStringLiteral("40")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = h.cli({QStringLiteral("demo"), QStringLiteral("load"), db, QStringLiteral("--seconds"), QStringLiteral("4"),
                   QStringLiteral("--uniform")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject plan = h.json({QStringLiteral("plan"), uri});
        for (const auto &v : plan.value(QStringLiteral("steps")).toArray())
            QVERIFY2(v.toObject().value(QStringLiteral("kind")).toString() != QLatin1String("split"),
                     QJsonDocument(plan).toJson().constData());
    }
};

QTEST_GUILESS_MAIN(TestCliWorkflow)
#include "tst_cli_workflow.moc"
