// Copy to node… between two private PostgreSQL servers (tests/support): a
// node of the catalogue saved through EngineClient, the copy asked for from
// the heatmap's partition menu, the plan the planner stores opened on Plan
// review, approved and executed there, and the partition's rows then on the
// receiving node.
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "copy_to_node_dialog.h"
#include "engine_client.h"
#include "heatmap_page.h"
#include "main_window.h"
#include "plan_review_page.h"
#include "postgres_test_util.h"
#include "ui_test_support.h"
#include "volatility_heatmap.h"

using namespace tidemark::ui;

class TestNodesCopyPostgres : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void copyOpensOnPlanReviewAndRuns();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    tidemark::test::TwoPostgresNodes m_nodes;
    std::unique_ptr<EngineClient> m_client;
    std::unique_ptr<MainWindow> m_window;
};

void TestNodesCopyPostgres::initTestCase()
{
    QVERIFY(m_dir.isValid());
    tidemark::test::isolateSettings(m_dir);
    const QString failed = m_nodes.start(m_dir.path(), 2, 4);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    m_client = tidemark::test::makeClient();
    QVERIFY2(m_client->schemes().contains(QStringLiteral("postgresql")), "the PostgreSQL connector was not loaded");
    MainWindowOptions options;
    options.storePath = m_dir.filePath(QStringLiteral("tidemark.db"));
    options.offerDemo = false;
    options.scanIntervalSeconds = 3600; // one scan on connecting; the test drives the rest
    m_window = std::make_unique<MainWindow>(m_client.get(), options);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy listed(m_client.get(), &EngineClient::connectionsListed);
    QTRY_VERIFY_WITH_TIMEOUT(listed.count() >= 1, 20000);
    m_client->addConnection(m_nodes.a->uri());
    m_window->setConnection(m_nodes.a->uri());
}

void TestNodesCopyPostgres::copyOpensOnPlanReviewAndRuns()
{
    tidemark::Node node;
    node.name = "replica-b";
    node.connectionUri = m_nodes.b->uri().toStdString();
    node.role = tidemark::NodeRole::Replica;
    node.diskBytes = std::int64_t(10) << 30;
    QSignalSpy saved(m_client.get(), &EngineClient::nodeSaved);
    m_client->saveNode(node);
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 20000);

    m_window->showPage(MainWindow::HeatmapIndex);
    HeatmapPage *heatmapPage = m_window->heatmapPage();
    auto *heatmap = heatmapPage->heatmap();
    QTRY_COMPARE_WITH_TIMEOUT(heatmap->data().rowCount(), 4, 60000);
    Q_EMIT heatmap->customContextMenuRequested(QPoint(4, heatmap->cellRect(1, 0).center().y()));
    QMenu *menu = nullptr;
    QTRY_VERIFY((menu = heatmap->viewport()->findChild<QMenu *>()) != nullptr);
    QAction *copy = nullptr;
    for (QAction *a : menu->actions())
        if (a->objectName() == QStringLiteral("copyToNode"))
            copy = a;
    QVERIFY(copy);
    copy->trigger();
    menu->close();
    CopyToNodeDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = heatmapPage->findChild<CopyToNodeDialog *>()) != nullptr);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isReady(), 20000);
    QCOMPARE(dialog->nodeBox()->count(), 1);
    QCOMPARE(dialog->node(), QStringLiteral("replica-b"));
    dialog->accept();

    // The stored copy plan, on Plan review.
    PlanReviewPage *plans = m_window->planPage();
    QTRY_COMPARE_WITH_TIMEOUT(m_window->currentPage(), MainWindow::PlanIndex, 120000);
    QTRY_COMPARE_WITH_TIMEOUT(plans->plan().kind, std::string("copy"), 20000);
    QVERIFY2(heatmapPage->errorText().contains(QLatin1String("reserve")), qPrintable(heatmapPage->errorText()));
    const tidemark::Plan plan = plans->plan();
    QCOMPARE(plan.status, tidemark::PlanStatus::Proposed);
    QCOMPARE(plan.steps.size(), std::size_t(1));
    QCOMPARE(plan.steps[0].kind, tidemark::StepKind::Copy);
    const std::string partition = plan.steps[0].sources.front();

    // Approved and executed there; the page follows the copy's progress.
    QSignalSpy progress(m_client.get(), &EngineClient::applyProgress);
    const QString ran = tidemark::test::approveAndExecute(plans, m_client.get(), 300000);
    QVERIFY2(ran.isEmpty(), qPrintable(ran));
    QTRY_COMPARE(plans->plan().status, tidemark::PlanStatus::Done);
    QVERIFY(progress.count() >= 2);
    auto *line = plans->findChild<QLabel *>(QStringLiteral("progressText"));
    QVERIFY(line);
    QVERIFY2(line->text().startsWith(QLatin1String("Step 1 of 1: ")), qPrintable(line->text()));

    auto count = [](tidemark::postgres::PgConnection &c, const std::string &table) {
        auto rows = c.query("SELECT count(*) FROM " + table);
        return rows ? QString::fromStdString(rows->text(0, 0)) : QStringLiteral("error");
    };
    QCOMPARE(count(*m_nodes.rawB, partition), count(*m_nodes.rawA, partition));
    QVERIFY(count(*m_nodes.rawB, partition).toLongLong() > 0);
}

void TestNodesCopyPostgres::cleanupTestCase()
{
    m_window.reset();
    m_client.reset();
    m_nodes.stop();
}

QTEST_MAIN(TestNodesCopyPostgres)
#include "tst_nodes_copy_postgres.moc"
