// The sysbench proof: oltp_write_only with a pareto key (sysbench 1.0 has no zipfian) against a
// range-partitioned sbtest1 on a private MariaDB while tidemark-cli applies a
// split of the hot partition and a merge of cold ones. Both commit during the
// run, verified (count and checksum over every column) inside their steps;
// afterwards the row count is what sysbench keeps, every row is in its
// partition's bounds, and sysbench reports no error but the retryable ones
// it retries itself. The longest stretch without a committed write
// (sysbench's 1 s reports) and the longest transaction are printed, not judged.
#include <QProcess>
#include <QRegularExpression>

#include "../e2e/cli_harness.h"
#include "mariadb_test_util.h"
#include "store/metadata_store.h"

using namespace tidemark;
using namespace tidemark::test;

namespace {
constexpr int kRows = 40000;
constexpr int kPartitions = 8;
} // namespace

class TestMariaDbSysbench : public QObject {
    Q_OBJECT

    std::unique_ptr<MariaDbServer> m_db;

    QStringList sysbenchArgs(const QString &command, int seconds) const
    {
        return {QStringLiteral("oltp_write_only"),
                QStringLiteral("--db-driver=mysql"),
                QStringLiteral("--mysql-socket=") + m_db->socket(),
                QStringLiteral("--mysql-user=root"),
                QStringLiteral("--mysql-db=") + m_db->database(),
                QStringLiteral("--tables=1"),
                QStringLiteral("--table-size=%1").arg(kRows),
                QStringLiteral("--threads=2"),
                QStringLiteral("--rand-type=pareto"),
                QStringLiteral("--time=%1").arg(seconds),
                QStringLiteral("--report-interval=1"),
                command};
    }

private slots:
    void initTestCase()
    {
        m_db = MariaDbServer::start();
        QVERIFY2(m_db->ok(), qPrintable(m_db->error()));
        useServerHome(*m_db);
        const ProcessResult prep = run(QStringLiteral("sysbench"), sysbenchArgs(QStringLiteral("prepare"), 1));
        QVERIFY2(prep.exitCode == 0, qPrintable(describe(prep)));
        QString parts;
        for (int i = 0; i < kPartitions; ++i)
            parts += QStringLiteral("%1PARTITION p%2 VALUES LESS THAN (%3)")
                         .arg(i ? QStringLiteral(", ") : QString())
                         .arg(i)
                         .arg(i + 1 == kPartitions ? QStringLiteral("MAXVALUE") : QString::number((i + 1) * 5000 + 1));
        QString err;
        QVERIFY2(
            m_db->sql(QStringLiteral("ALTER TABLE sbtest1 PARTITION BY RANGE (id) (%1)").arg(parts), nullptr, &err),
            qPrintable(err));
    }
    void cleanupTestCase() { m_db.reset(); }

    void splitAndMergeCommitWhileSysbenchWrites()
    {
        CliHarness h;
        auto c = mariaConnect(*m_db);
        QVERIFY(c);
        auto t = c->describe("sbtest1");
        QVERIFY2(t, t ? "" : qPrintable(explainError(t.error())));
        const auto &ps = t->partitions;
        // pareto keys crowd at the low ids: split p0 at 1000, merge p5 and p6.
        Plan plan;
        plan.connectionUri = mstr(m_db->uri());
        plan.kind = "test";
        plan.steps.push_back(mariaStep(*c, StepKind::Split, "sbtest1", {ps[0].name},
                                       {mariaTarget(std::nullopt, 1001), mariaTarget(1001, ps[0].bounds.upper)}, ""));
        plan.steps.push_back(mariaStep(*c, StepKind::Merge, "sbtest1", {ps[5].name, ps[6].name},
                                       {mariaTarget(ps[5].bounds.lower, ps[6].bounds.upper)}, ""));
        plan.steps[1].ordinal = 1;
        {
            auto store = MetadataStore::open(mstr(h.store()));
            QVERIFY(store && (*store)->insertPlan(plan) && (*store)->markApproved(plan.id, "tester", "sysbench"));
        }

        QProcess bench;
        bench.setProcessChannelMode(QProcess::MergedChannels);
        bench.start(QStringLiteral("sysbench"), sysbenchArgs(QStringLiteral("run"), 14));
        QVERIFY(bench.waitForStarted(10000));
        QTest::qWait(3000);
        const ProcessResult applied = h.cli({QStringLiteral("apply"), QString::number(plan.id)}, m_db->environment());
        QVERIFY2(bench.state() == QProcess::Running, "the steps committed while sysbench was writing");
        QVERIFY2(applied.exitCode == 0, qPrintable(describe(applied)));
        QVERIFY(bench.waitForFinished(60000));
        const QString out = QString::fromUtf8(bench.readAll());
        QVERIFY2(bench.exitCode() == 0, qPrintable(out));
        QVERIFY2(!out.contains(QLatin1String("FATAL")), qPrintable(out));
        // sysbench retries deadlocks and lock wait timeouts (its default
        // --mysql-ignore-errors=1213,1020,1205, counted as "ignored errors");
        // its two threads deadlock on the hot pareto keys by themselves.
        static const QRegularExpression ignored(QStringLiteral(R"(ignored errors:\s+(\d+))"));
        const auto ignoredMatch = ignored.match(out);
        QVERIFY2(ignoredMatch.hasMatch(), qPrintable(out));
        static const QRegularExpression maxLatency(QStringLiteral(R"(max:\s+([0-9.]+))"));
        const auto maxMatch = maxLatency.match(out);
        QVERIFY2(maxMatch.hasMatch(), qPrintable(out));
        // sysbench's per-second reports: the longest run of seconds without a write.
        int longest = 0, current = 0, reports = 0;
        static const QRegularExpression report(QStringLiteral(R"(\]\s+thds:\s+\d+\s+tps:\s+([0-9.]+))"));
        for (auto it = report.globalMatch(out); it.hasNext();) {
            ++reports;
            current = it.next().captured(1).toDouble() == 0.0 ? current + 1 : 0;
            longest = std::max(longest, current);
        }
        QVERIFY2(reports >= 10, qPrintable(out));
        qInfo("sysbench: %d one-second reports, longest stretch without a commit: %d s, longest transaction %s ms, "
              "retried deadlocks %s",
              reports, longest, qPrintable(maxMatch.captured(1)), qPrintable(ignoredMatch.captured(1)));

        const QJsonObject shown = h.json({QStringLiteral("show"), QString::number(plan.id)});
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        for (const auto &v : shown.value(QStringLiteral("steps")).toArray()) {
            const QJsonObject s = v.toObject();
            QVERIFY2(s.value(QStringLiteral("verification")).toString().endsWith(QLatin1String("equal")),
                     QJsonDocument(shown).toJson().constData());
        }
        // oltp_write_only deletes and re-inserts the same id: the count holds.
        QCOMPARE(mariaInt(c->connection(), "SELECT COUNT(*) FROM sbtest1"), std::int64_t(kRows));
        auto after = c->describe("sbtest1");
        QVERIFY(after);
        QCOMPARE(after->partitions.size(), std::size_t(kPartitions));
        for (const auto &p : after->partitions) {
            std::string outside;
            if (p.bounds.lower)
                outside += "id < " + std::to_string(*p.bounds.lower);
            if (p.bounds.upper)
                outside += (outside.empty() ? "" : " OR ") + std::string("id >= ") + std::to_string(*p.bounds.upper);
            if (outside.empty())
                continue;
            QCOMPARE(mariaInt(c->connection(),
                              "SELECT COUNT(*) FROM sbtest1 PARTITION (" + c->quoteIdentifier(p.name) + ") WHERE " +
                                  outside),
                     std::int64_t(0));
        }
        QCOMPARE(after->partitions[0].bounds, (KeyRange{std::nullopt, 1001}));
    }
};

QTEST_GUILESS_MAIN(TestMariaDbSysbench)
#include "tst_mariadb_sysbench.moc"
