// tidemark-cli prebackup under each policy on the SQLite demo: report-only
// changes nothing, a flag cannot widen the stored policy, a deadline too
// short runs nothing and says so, limits and a deadline that admit some
// steps run exactly those, and a closed maintenance window runs nothing.
#include <algorithm>

#include "cli_harness.h"

using namespace tidemark::test;

namespace {

struct Run {
    ProcessResult process;
    QJsonObject json;
};

Run prebackup(const CliHarness &h, const QStringList &args, const QStringList &env = {})
{
    Run r;
    r.process = h.cli(QStringList{QStringLiteral("--json"), QStringLiteral("prebackup")} + args, env);
    r.json = QJsonDocument::fromJson(r.process.out.toUtf8()).object();
    return r;
}

QString checksum(const CliHarness &h, const QString &uri)
{
    const QJsonObject c = h.json({QStringLiteral("checksum"), uri, QStringLiteral("orders")});
    return QStringLiteral("%1/%2").arg(c.value(QStringLiteral("rows")).toInteger()).arg(c.value(QStringLiteral("checksum")).toString());
}

QStringList sourcesOf(const QJsonObject &step)
{
    QStringList out;
    for (const auto &v : step.value(QStringLiteral("sources")).toArray())
        out << v.toString();
    return out;
}

} // namespace

class TestPreBackupCli : public QObject {
    Q_OBJECT
private slots:
    void policiesOnTheDemo()
    {
        CliHarness h;
        const QString db = h.path(QStringLiteral("demo.db"));
        const QString uri = CliHarness::uri(db);
        ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), db, QStringLiteral("--rows"),
                                 QStringLiteral("200000"), QStringLiteral("--partitions"), QStringLiteral("20")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = h.cli({QStringLiteral("demo"), QStringLiteral("load"), db, QStringLiteral("--seconds"), QStringLiteral("3")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY(h.cli({QStringLiteral("scan"), uri}).exitCode == 0);
        // Slow predicted rewrites (0.5 MB/s) so the demo's steps take seconds
        // on paper; they still run in milliseconds — no real waiting.
        // Merges of cold neighbours save no backup bytes; asked for here, so
        // that steps of several sizes are proposed.
        r = h.cli({QStringLiteral("settings"), uri, QStringLiteral("--set"), QStringLiteral("rewrite_bytes_per_second=500000"),
                   QStringLiteral("--set"), QStringLiteral("merge_cold_partitions=1")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QString original = checksum(h, uri);

        // 1. The default policy is report-only: a plan, nothing changed, ready.
        Run run = prebackup(h, {uri, QStringLiteral("--deadline"), QStringLiteral("10m")});
        QVERIFY2(run.process.exitCode == 0, qPrintable(describe(run.process)));
        QCOMPARE(run.json.value(QStringLiteral("result")).toString(), QStringLiteral("ready"));
        QCOMPARE(run.json.value(QStringLiteral("steps_done")).toInt(), 0);
        const QJsonArray decisions = run.json.value(QStringLiteral("decisions")).toArray();
        QVERIFY2(decisions.size() >= 3, qPrintable(run.process.out));
        QCOMPARE(checksum(h, uri), original);

        // 2. A flag cannot widen the stored policy.
        run = prebackup(h, {uri, QStringLiteral("--policy"), QStringLiteral("full")});
        QVERIFY2(run.process.exitCode == 0, qPrintable(describe(run.process)));
        QCOMPARE(run.json.value(QStringLiteral("policy")).toObject().value(QStringLiteral("level")).toString(),
                 QStringLiteral("report-only"));
        QVERIFY2(run.process.out.contains(QLatin1String("wider than the stored policy")), qPrintable(run.process.out));
        QCOMPARE(run.json.value(QStringLiteral("steps_done")).toInt(), 0);
        QCOMPARE(checksum(h, uri), original);

        // 3. Under full, a deadline too short for any step runs nothing and says so.
        QVERIFY(h.cli({QStringLiteral("policy"), uri, QStringLiteral("--set"), QStringLiteral("full")}).exitCode == 0);
        run = prebackup(h, {uri, QStringLiteral("--deadline"), QStringLiteral("100ms")});
        QVERIFY2(run.process.exitCode == 11, qPrintable(describe(run.process)));
        QCOMPARE(run.json.value(QStringLiteral("result")).toString(), QStringLiteral("not-ready"));
        QCOMPARE(run.json.value(QStringLiteral("reason")).toString(), QStringLiteral("deadline-too-short"));
        QVERIFY2(run.json.value(QStringLiteral("message")).toString().contains(QLatin1String("too short")),
                 qPrintable(run.process.out));
        QCOMPARE(run.json.value(QStringLiteral("steps_done")).toInt(), 0);
        QCOMPARE(checksum(h, uri), original);

        // 4. Limits and a deadline that admit some steps but not all. The lock
        // limit sits below the largest step; the deadline fits only the
        // smallest admitted step.
        QList<double> locks;
        QList<double> seconds;
        for (const auto &v : decisions) {
            seconds << v.toObject().value(QStringLiteral("predicted_seconds")).toDouble();
            locks << (seconds.last() - 0.25) / 1.25;
        }
        QList<double> sortedLocks = locks;
        std::sort(sortedLocks.begin(), sortedLocks.end());
        const double lockLimit = (sortedLocks.at(sortedLocks.size() - 1) + sortedLocks.at(sortedLocks.size() - 2)) / 2;
        QVERIFY2(sortedLocks.last() - sortedLocks.at(sortedLocks.size() - 2) > 0.05, "steps of distinct sizes");
        // Admitted by the lock limit, shortest first: the deadline fits the
        // first with room for planning time, never the first two.
        QList<double> fitting;
        for (int i = 0; i < locks.size(); ++i)
            if (locks.at(i) <= lockLimit)
                fitting << seconds.at(i);
        std::sort(fitting.begin(), fitting.end());
        QVERIFY2(fitting.size() >= 2, qPrintable(run.process.out));
        const qint64 deadlineMs = qint64((fitting.at(0) + 0.5 * fitting.at(1)) * 1000);
        r = h.cli({QStringLiteral("policy"), uri, QStringLiteral("--set"), QStringLiteral("safe"),
                   QStringLiteral("--max-lock-seconds"), QString::number(lockLimit, 'f', 3)});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        run = prebackup(h, {uri, QStringLiteral("--policy"), QStringLiteral("full"), QStringLiteral("--deadline"),
                            QStringLiteral("%1ms").arg(deadlineMs)});
        QVERIFY2(run.process.exitCode == 0, qPrintable(describe(run.process)));
        QCOMPARE(run.json.value(QStringLiteral("policy")).toObject().value(QStringLiteral("level")).toString(),
                 QStringLiteral("safe"));
        const QJsonArray gated = run.json.value(QStringLiteral("decisions")).toArray();
        int admitted = 0, byLock = 0, byDeadline = 0;
        double planned = 0;
        for (const auto &v : gated) {
            const QJsonObject d = v.toObject();
            const QString why = d.value(QStringLiteral("reason")).toString();
            if (d.value(QStringLiteral("run")).toBool()) {
                ++admitted;
                planned += d.value(QStringLiteral("predicted_seconds")).toDouble();
            } else if (why.contains(QLatin1String("exceeds the limit"))) {
                ++byLock;
            } else if (why.contains(QLatin1String("deadline"))) {
                ++byDeadline;
            } else {
                QFAIL(qPrintable(why));
            }
        }
        QCOMPARE(admitted, 1);
        QVERIFY2(byLock >= 1 && byDeadline >= 1, qPrintable(run.process.out));
        QVERIFY(planned * 1000 <= double(deadlineMs));
        // Exactly the admitted steps ran: the plan that ran holds them, all done.
        const QJsonObject ranPlan = run.json.value(QStringLiteral("plan")).toObject();
        QCOMPARE(ranPlan.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QCOMPARE(ranPlan.value(QStringLiteral("approval")).toString().left(18), QStringLiteral("standing approval "));
        QCOMPARE(ranPlan.value(QStringLiteral("approved_by")).toString(), QStringLiteral("policy:safe"));
        const QJsonArray ranSteps = ranPlan.value(QStringLiteral("steps")).toArray();
        QCOMPARE(ranSteps.size(), admitted);
        QCOMPARE(ranSteps.at(0).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        QCOMPARE(run.json.value(QStringLiteral("steps_done")).toInt(), 1);
        const QJsonObject proposed = h.json({QStringLiteral("show"),
                                             QString::number(run.json.value(QStringLiteral("proposed_plan")).toInteger())});
        QCOMPARE(proposed.value(QStringLiteral("status")).toString(), QStringLiteral("rejected"));
        for (const auto &v : proposed.value(QStringLiteral("steps")).toArray())
            QVERIFY(v.toObject().value(QStringLiteral("status")).toString() == QLatin1String("pending"));
        int admittedIndex = 0;
        for (int i = 0; i < gated.size(); ++i)
            if (gated.at(i).toObject().value(QStringLiteral("run")).toBool())
                admittedIndex = i;
        QCOMPARE(sourcesOf(ranSteps.at(0).toObject()),
                 sourcesOf(proposed.value(QStringLiteral("steps")).toArray().at(admittedIndex).toObject()));
        // The data is the same, only its layout changed.
        QCOMPARE(checksum(h, uri), original);

        // 5. Outside the maintenance window nothing runs (clock pinned to a Monday).
        r = h.cli({QStringLiteral("policy"), uri, QStringLiteral("--set"), QStringLiteral("full"), QStringLiteral("--window"),
                   QStringLiteral("Sat 01:00-02:00")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QString before = checksum(h, uri);
        run = prebackup(h, {uri}, {QStringLiteral("TIDEMARK_FAKE_NOW=1704103200000"), QStringLiteral("TZ=UTC")});
        if (run.json.value(QStringLiteral("decisions")).toArray().isEmpty())
            QSKIP("nothing left to plan after step 4");
        QVERIFY2(run.process.exitCode == 11, qPrintable(describe(run.process)));
        QCOMPARE(run.json.value(QStringLiteral("reason")).toString(), QStringLiteral("outside-window"));
        QCOMPARE(checksum(h, uri), before);
        // The policy changes were audited with who set them.
        r = h.cli({QStringLiteral("policy"), uri});
        QVERIFY2(r.out.contains(QLatin1String("standing approval by")), qPrintable(describe(r)));
    }

    void badFlagsAreUsageErrors()
    {
        CliHarness h;
        const QString uri = CliHarness::uri(h.path(QStringLiteral("none.db")));
        QCOMPARE(h.cli({QStringLiteral("prebackup"), uri, QStringLiteral("--policy"), QStringLiteral("turbo")}).exitCode, 2);
        QCOMPARE(h.cli({QStringLiteral("prebackup"), uri, QStringLiteral("--deadline"), QStringLiteral("soon")}).exitCode, 2);
        QCOMPARE(h.cli({QStringLiteral("policy"), uri, QStringLiteral("--set"), QStringLiteral("full"),
                        QStringLiteral("--window"), QStringLiteral("Mon-Fri 25:00-26:00")})
                     .exitCode,
                 2);
        QCOMPARE(h.cli({QStringLiteral("policy"), uri, QStringLiteral("--set"), QStringLiteral("full"),
                        QStringLiteral("--max-lock-seconds"), QStringLiteral("5")})
                     .exitCode,
                 2);
    }
};

QTEST_GUILESS_MAIN(TestPreBackupCli)
#include "tst_prebackup_cli.moc"
