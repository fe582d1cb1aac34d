// Approving a plan with steps left out, and plans superseded by a newer plan
// for the same partitions, on a real metadata store.
#include <QTemporaryDir>
#include <QtTest>

#include "planning/plan_approval.h"
#include "store/metadata_store.h"

using namespace tidemark;

namespace {

Step step(StepKind kind, std::vector<std::string> sources, std::vector<std::string> targets)
{
    Step s;
    s.kind = kind;
    s.table = "t";
    s.sources = std::move(sources);
    s.reason = "test";
    for (auto &name : targets) {
        NewPartition p;
        p.name = std::move(name);
        s.repartition().targets.push_back(std::move(p));
    }
    return s;
}

Plan planOf(std::vector<Step> steps)
{
    Plan p;
    p.connectionUri = "sqlite:///tmp/tidemark-approval-test.db";
    p.createdMs = 1000;
    p.createdBy = "tester";
    for (std::size_t i = 0; i < steps.size(); ++i) {
        steps[i].ordinal = static_cast<int>(i);
        p.steps.push_back(std::move(steps[i]));
    }
    return p;
}

/// 1 splits p1 into p1a and p1b; 2 merges p1b with p2 (needs step 1); 3 splits p3.
Plan dependentPlan()
{
    return planOf({step(StepKind::Split, {"p1"}, {"p1a", "p1b"}), step(StepKind::Merge, {"p1b", "p2"}, {"p1b_p2"}),
                   step(StepKind::Split, {"p3"}, {"p3a", "p3b"})});
}

} // namespace

class TestPlanApproval : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_count = 0;
    std::unique_ptr<MetadataStore> freshStore()
    {
        auto s = MetadataStore::open(m_dir.filePath(QStringLiteral("store-%1.db").arg(++m_count)).toStdString());
        if (!s)
            qWarning("%s", s.error().message.c_str());
        return s ? std::move(*s) : nullptr;
    }

private slots:
    void leaveOutIsCheckedBeforeAnythingChanges_data()
    {
        QTest::addColumn<QList<int>>("leaveOut");
        QTest::addColumn<QString>("message");
        QTest::newRow("a step another needs") << QList<int>{1} << "step 2 works on p1b, which step 1 creates";
        QTest::newRow("a step that does not exist") << QList<int>{3, 9} << "has no step 9";
        QTest::newRow("zero is no step") << QList<int>{0} << "has no step 0";
        QTest::newRow("every step") << QList<int>{1, 2, 3} << "leaves nothing to approve";
    }
    void leaveOutIsCheckedBeforeAnythingChanges()
    {
        QFETCH(QList<int>, leaveOut);
        QFETCH(QString, message);
        auto store = freshStore();
        QVERIFY(store);
        Plan plan = dependentPlan();
        QVERIFY(store->insertPlan(plan));
        auto r = approvePlan(*store, plan.id, "dba", "test", std::vector<int>(leaveOut.begin(), leaveOut.end()));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(r.error().message.find(message.toStdString()) != std::string::npos, r.error().message.c_str());
        QVERIFY(!r.error().hint.empty());
        auto after = store->plan(plan.id);
        QVERIFY(after);
        QCOMPARE(after->status, PlanStatus::Proposed);
        for (const auto &s : after->steps)
            QCOMPARE(s.status, StepStatus::Pending);
    }

    void leftOutStepsAreSkippedWithTheReason()
    {
        auto store = freshStore();
        QVERIFY(store);
        Plan plan = dependentPlan();
        QVERIFY(store->insertPlan(plan));
        auto r = approvePlan(*store, plan.id, "dba", "test", {1, 2});
        QVERIFY2(r, r ? "" : r.error().message.c_str());
        QCOMPARE(r->status, PlanStatus::Approved);
        QCOMPARE(r->steps[0].status, StepStatus::Skipped);
        QCOMPARE(r->steps[0].error, std::string("left out at approval"));
        QVERIFY(r->steps[1].leftOutAtApproval());
        QCOMPARE(r->steps[2].status, StepStatus::Pending);
        QVERIFY(!r->steps[2].leftOutAtApproval());
        auto log = store->auditLog(plan.id);
        QVERIFY(log && !log->empty());
        QVERIFY2(log->front().detail.find("left out step(s) 1, 2") != std::string::npos, log->front().detail.c_str());
    }

    void olderOpenPlanForTheSamePartitionsIsSuperseded()
    {
        auto store = freshStore();
        QVERIFY(store);
        Plan older = planOf({step(StepKind::Split, {"p3"}, {"p3a", "p3b"})});
        Plan elsewhere = planOf({step(StepKind::Split, {"p7"}, {"p7a", "p7b"})});
        Plan finished = planOf({step(StepKind::Split, {"p3"}, {"p3x", "p3y"})});
        QVERIFY(store->insertPlan(older));
        QVERIFY(store->insertPlan(elsewhere));
        QVERIFY(store->insertPlan(finished));
        QVERIFY(store->setPlanStatus(finished.id, PlanStatus::Done));
        Plan newer = planOf({step(StepKind::Merge, {"p2", "p3"}, {"p2_p3"})});
        QVERIFY(store->insertPlan(newer));

        auto marked = supersedeOverlappingPlans(*store, newer, "dba");
        QVERIFY(marked);
        QCOMPARE(*marked, std::vector<std::int64_t>{older.id});
        QCOMPARE(store->plan(older.id)->status, PlanStatus::Superseded);
        QCOMPARE(store->plan(elsewhere.id)->status, PlanStatus::Proposed);
        QCOMPARE(store->plan(finished.id)->status, PlanStatus::Done);
        QCOMPARE(store->plan(newer.id)->status, PlanStatus::Proposed);

        auto refused = approvePlan(*store, older.id, "dba", "test");
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::InvalidState);
        const std::string want = "superseded by plan " + std::to_string(newer.id);
        QVERIFY2(refused.error().message.find(want) != std::string::npos, refused.error().message.c_str());
        QVERIFY2(refused.error().message.find("t p3") != std::string::npos, refused.error().message.c_str());
        QCOMPARE(store->plan(older.id)->status, PlanStatus::Superseded);
        QVERIFY(approvePlan(*store, newer.id, "dba", "test"));
    }
};

QTEST_GUILESS_MAIN(TestPlanApproval)
#include "tst_plan_approval.moc"
