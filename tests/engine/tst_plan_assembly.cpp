// The loop every planner shares (planning/plan_builder.h) over tables on a
// real SQLite file: a table whose planning fails is listed with its reason
// and the other tables are planned and stored; a stop request still ends
// the whole plan.
#include <QTemporaryDir>
#include <QtTest>

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
};

QTEST_GUILESS_MAIN(TestPlanAssembly)
#include "tst_plan_assembly.moc"
