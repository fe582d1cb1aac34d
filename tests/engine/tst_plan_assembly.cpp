// The loop every planner shares (planning/plan_builder.h) over tables on a
// real SQLite file: a table whose planning fails is listed with its reason
// and the other tables are planned and stored; a stop request still ends
// the whole plan.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "forecast/forecast_tracking.h"
#include "planning/plan_builder.h"
#include "sqlite_test_node.h"
#include "store/metadata_store.h"

using namespace tidemark;
using namespace tidemark::testnode;

namespace {

Step splitOf(const PartitionedTable &table)
{
    Step step;
    step.kind = StepKind::Split;
    step.table = table.name;
    step.sources = {table.partitions.front().name};
    const KeyRange whole = table.partitions.front().bounds;
    step.repartition().targets = {NewPartition{table.name + "_lo", KeyRange{whole.lower, 50}},
                                  NewPartition{table.name + "_hi", KeyRange{50, whole.upper}}};
    step.reason = "test split";
    return step;
}

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMonday = 1'704'067'200'000; ///< 2024-01-01 00:00 UTC

/// Hourly cumulative readings of `partition` in (fromHour, toHour] since the
/// Monday: an office-hours day cycle with quieter weekends.
std::vector<ActivitySample> officeHours(const std::string &table, const std::string &partition, int fromHour,
                                        int toHour)
{
    std::vector<ActivitySample> out;
    ActivitySample s;
    s.table = table;
    s.partition = partition;
    s.counterEpoch = "e1";
    s.rows = 100;
    s.bytes = 8192;
    for (int t = 0; t <= toHour; ++t) {
        if (t > 0) {
            const int hour = (t - 1) % 24, day = ((t - 1) / 24) % 7;
            double rate = 300.0 * (1.0 + 0.6 * std::sin(2 * M_PI * (hour - 8) / 24.0));
            if (day >= 5)
                rate *= 0.4;
            s.inserts += std::llround(rate * (1.0 + 0.08 * std::sin(t * 2.3) * std::cos(t * 0.7)));
        }
        s.timestampMs = kMonday + t * kHourMs;
        if (t > fromHour)
            out.push_back(s);
    }
    return out;
}

} // namespace

class TestPlanAssembly : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<SqliteTestNode> m_node;
    std::unique_ptr<MetadataStore> m_store;
    Connection m_connection;

    Result<PlanOutcome> assemble(const std::function<Result<std::vector<Step>>(const PartitionedTable &)> &plan)
    {
        PlanRequest request;
        request.requestedBy = "tester";
        return assemblePlan(
            *m_node, *m_store, m_connection, request, "prebackup",
            [&](const PartitionedTable &t, const ScanResult &, std::int64_t) { return plan(t); },
            [](const PlanTotals &t) { return std::to_string(t.steps) + " step(s)"; });
    }

private slots:
    void init()
    {
        m_node = std::make_unique<SqliteTestNode>(m_dir.filePath(QStringLiteral("node.db")).toStdString());
        for (const char *table : {"alpha", "beta", "gamma"})
            QVERIFY(m_node->addPartition(table, std::string(table) + "_1", KeyRange{0, 100}, 0, 100));
        auto store = MetadataStore::open(m_dir.filePath(QStringLiteral("store.db")).toStdString());
        QVERIFY(store);
        m_store = std::move(*store);
        auto connection = m_store->ensureConnection(m_node->uri());
        QVERIFY(connection);
        m_connection = *connection;
    }
    void cleanup()
    {
        m_store.reset();
        m_node.reset();
        QFile::remove(m_dir.filePath(QStringLiteral("node.db")));
        QFile::remove(m_dir.filePath(QStringLiteral("store.db")));
    }

    void oneTableThatCannotBePlannedLeavesTheOthersPlanned()
    {
        auto outcome = assemble([](const PartitionedTable &t) -> Result<std::vector<Step>> {
            if (t.name == "beta")
                return fail(ErrorCode::Unsupported, "partition beta_1 has its own trigger",
                            "define the trigger on the partitioned table instead");
            return std::vector<Step>{splitOf(t)};
        });
        QVERIFY2(outcome, outcome ? "" : outcome.error().message.c_str());
        QCOMPARE(int(outcome->plan.steps.size()), 2);
        QVERIFY(outcome->plan.id > 0); // stored
        QCOMPARE(outcome->plan.steps[0].table, std::string("alpha"));
        QCOMPARE(outcome->plan.steps[1].table, std::string("gamma"));
        QCOMPARE(int(outcome->skipped.size()), 1);
        QCOMPARE(outcome->skipped[0].table, std::string("beta"));
        QCOMPARE(outcome->skipped[0].reason,
                 std::string("partition beta_1 has its own trigger (define the trigger on the partitioned table "
                             "instead)"));
        QCOMPARE(int(outcome->notes.size()), 1);
        QVERIFY2(outcome->notes[0].starts_with("beta: not planned: partition beta_1"), outcome->notes[0].c_str());
    }

    void everyTableFailingGivesAnEmptyPlanWithEveryReason()
    {
        auto outcome = assemble([](const PartitionedTable &t) -> Result<std::vector<Step>> {
            return fail(ErrorCode::Database, "invalid byte sequence in " + t.name);
        });
        QVERIFY(outcome);
        QVERIFY(outcome->plan.steps.empty());
        QCOMPARE(outcome->plan.id, std::int64_t(0));
        QCOMPARE(int(outcome->skipped.size()), 3);
        QCOMPARE(outcome->skipped[2].reason, std::string("invalid byte sequence in gamma"));
    }

    void aStopRequestEndsTheWholePlan()
    {
        int planned = 0;
        auto outcome = assemble([&](const PartitionedTable &t) -> Result<std::vector<Step>> {
            ++planned;
            if (t.name == "alpha")
                return fail(ErrorCode::Cancelled, "stopped");
            return std::vector<Step>{splitOf(t)};
        });
        QVERIFY(!outcome);
        QCOMPARE(outcome.error().code, ErrorCode::Cancelled);
        QCOMPARE(planned, 1);
        auto plans = m_store->plans();
        QVERIFY(plans);
        QVERIFY(plans->empty());
    }

    // The pre-backup plan keeps the models it chose per partition in the
    // store; the next plan refits them (their search time stays), and a
    // plan after kModelChoiceMaxAgeMs searches again.
    void theNextPlanRefitsTheStoredModels()
    {
        const std::string table = "alpha", partition = "alpha_1";
        QVERIFY(m_store->addSamples(m_connection.id, officeHours(table, partition, -1, 42 * 24)));
        auto plan = [&](std::int64_t now) {
            PlanRequest request;
            request.requestedBy = "tester";
            request.nowMs = now;
            request.table = table;
            return buildPreBackupPlan(*m_node, *m_store, m_connection, request);
        };
        auto stored = [&]() -> StoredModelChoice {
            auto c = m_store->modelChoices(m_connection.id, table, kWritesMetric);
            if (!c || c->size() != 1 || !c->count(partition))
                return {};
            return c->at(partition);
        };
        const std::int64_t day1 = kMonday + 42 * kDayMs + 20 * 60'000;
        auto first = plan(day1);
        QVERIFY2(first, first ? "" : first.error().message.c_str());
        const StoredModelChoice chosen = stored();
        QVERIFY2(!chosen.choiceJson.empty(), "no model choice stored by the first plan");
        QCOMPARE(chosen.chosenMs, day1);
        QCOMPARE(chosen.usedMs, day1);
        QVERIFY(chosen.model.find("ETS(") != std::string::npos);

        // A day later the same models are refitted: no search.
        QVERIFY(m_store->addSamples(m_connection.id, officeHours(table, partition, 42 * 24, 43 * 24)));
        const std::int64_t day2 = day1 + kDayMs;
        auto second = plan(day2);
        QVERIFY2(second, second ? "" : second.error().message.c_str());
        const StoredModelChoice refitted = stored();
        QCOMPARE(refitted.chosenMs, day1);
        QCOMPARE(refitted.usedMs, day2);
        QCOMPARE(refitted.model, chosen.model);
        QVERIFY(refitted.choiceJson != chosen.choiceJson); // estimates refitted on the longer history

        // Older than the limit: searched again.
        QVERIFY(m_store->addSamples(m_connection.id, officeHours(table, partition, 43 * 24, 51 * 24)));
        const std::int64_t day9 = day1 + kModelChoiceMaxAgeMs + kDayMs;
        auto third = plan(day9);
        QVERIFY2(third, third ? "" : third.error().message.c_str());
        const StoredModelChoice searched = stored();
        QCOMPARE(searched.chosenMs, day9);
        QCOMPARE(searched.usedMs, day9);
    }
};

QTEST_GUILESS_MAIN(TestPlanAssembly)
#include "tst_plan_assembly.moc"
