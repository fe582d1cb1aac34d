// The whole desktop flow through the real widgets: open the demo, see its
// partitions in the heatmap, propose a plan, approve it in the confirmation
// dialog, execute it and see every step done and verified; then the history,
// the settings and an error shown in place.
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolBar>
#include <QtTest>

#include "connections_page.h"
#include "engine_client.h"
#include "error_banner.h"
#include "heatmap_page.h"
#include "history_page.h"
#include "hung_server.h"
#include "main_window.h"
#include "overview_page.h"
#include "partition_table_model.h"
#include "plan_history_model.h"
#include "plan_review_page.h"
#include "plan_step_model.h"
#include "settings_page.h"
#include "ui_test_support.h"
#include "volatility_heatmap.h"

using namespace tidemark::ui;

class TestDesktopFlow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void heatmapShowsEveryPartition();
    void baselinePartitionSaysSo();
    void proposeApproveExecute();
    void historyShowsWhoApprovedAndWhatRan();
    void settingsAreSavedAndReadBack();
    void failedConnectionTestIsExplainedInPlace();
    void switchingConnectionClearsTheOverview();
    void toolbarButtonsShowTextAndShortcut();
    void toolbarActionsFollowThePlan();
    void lateScanErrorStaysWithItsConnection();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    tidemark::test::Demo m_demo;
    std::unique_ptr<EngineClient> m_client;
    std::unique_ptr<MainWindow> m_window;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
};

void TestDesktopFlow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    tidemark::test::isolateSettings(m_dir);
    QString error;
    QVERIFY2(tidemark::test::makeDemo(m_dir, 2, m_demo, error), qPrintable(error));
    m_client = tidemark::test::makeClient();
    QVERIFY2(m_client->schemes().contains(QStringLiteral("sqlite")), "the SQLite connector plugin was not loaded");
    MainWindowOptions options;
    options.storePath = m_demo.store;
    options.demoPath = m_demo.database;
    options.demoLoadSeconds = 0;
    options.scanIntervalSeconds = 1;
    options.offerDemo = false;
    m_window = std::make_unique<MainWindow>(m_client.get(), options);
    // Every item model is checked for consistency while the flow runs.
    for (QAbstractItemModel *model : std::initializer_list<QAbstractItemModel *>{
             m_window->heatmapPage()->partitionModel(), m_window->overviewPage()->partitionModel(),
             m_window->planPage()->stepModel(), m_window->historyPage()->planModel(),
             m_window->historyPage()->auditModel()})
        m_testers.push_back(
            std::make_unique<QAbstractItemModelTester>(model, QAbstractItemModelTester::FailureReportingMode::QtTest));
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->currentConnection(), m_demo.uri, 20000);
}

void TestDesktopFlow::heatmapShowsEveryPartition()
{
    m_window->showPage(MainWindow::HeatmapIndex);
    auto *page = m_window->heatmapPage();
    QTRY_COMPARE_WITH_TIMEOUT(page->partitionModel()->rowCount(), 40, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(page->heatmap()->data().rowCount(), 40, 20000);
    // The periodic rescan adds samples: the heatmap grows to the right.
    const int columns = page->heatmap()->data().columnCount();
    QTRY_VERIFY_WITH_TIMEOUT(page->heatmap()->data().columnCount() > columns, 20000);

    // The demo workload wrote into one hot range: that partition scores highest.
    const auto *model = page->partitionModel();
    int hottest = 0;
    for (int r = 1; r < model->rowCount(); ++r)
        if (model->rowAt(r).score > model->rowAt(hottest).score)
            hottest = r;
    QVERIFY2(model->rowAt(hottest).score >= 60.0, "the demo's hot partition should score above the split threshold");

    // Clicking its row selects it in the heatmap and the table.
    auto *heatmap = page->heatmap();
    QSignalSpy selected(heatmap, &tidemark::widgets::VolatilityHeatmap::partitionSelected);
    const QRect cell = heatmap->cellRect(hottest, heatmap->data().columnCount() - 1);
    QTest::mouseClick(heatmap->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(selected.count(), 1);
    QCOMPARE(heatmap->selectedPartition(), QString::fromStdString(model->rowAt(hottest).partition.name));
    QVERIFY(heatmap->cellDescription(hottest, heatmap->data().columnCount() - 1)
                .contains(QString::fromStdString(model->rowAt(hottest).partition.name)));
}

// A partition whose first reading is only a baseline shows no score (it
// would look cold), but the words a DBA needs.
void TestDesktopFlow::baselinePartitionSaysSo()
{
    tidemark::ScanResult scan;
    tidemark::PartitionedTable t;
    t.name = "orders";
    t.partitions = {tidemark::Partition{"p0", tidemark::KeyRange{0, 10}, 10, 100, 0},
                    tidemark::Partition{"p1", tidemark::KeyRange{10, 20}, 10, 100, 0}};
    scan.tables.push_back(t);
    tidemark::VolatilityScore measured;
    measured.table = "orders";
    measured.partition = "p0";
    measured.score = 42.0;
    tidemark::VolatilityScore first = measured;
    first.partition = "p1";
    first.score = 0.0;
    first.baseline = true;
    scan.scores = {measured, first};
    PartitionTableModel model;
    model.setScan(scan);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, PartitionTableModel::ScoreColumn).data().toString(), QLocale().toString(42.0, 'f', 1));
    QCOMPARE(model.index(1, PartitionTableModel::ScoreColumn).data().toString(), QStringLiteral("baseline"));
    QCOMPARE(model.index(1, PartitionTableModel::ScoreColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("baseline; scores from the next scan"));
    QVERIFY(!model.index(1, PartitionTableModel::ScoreColumn).data(Qt::DecorationRole).isValid());
}

void TestDesktopFlow::proposeApproveExecute()
{
    m_window->showPage(MainWindow::PlanIndex);
    auto *page = m_window->planPage();
    auto *propose = page->findChild<QPushButton *>(QStringLiteral("proposeButton"));
    auto *approve = page->findChild<QPushButton *>(QStringLiteral("approveButton"));
    auto *execute = page->findChild<QPushButton *>(QStringLiteral("executeButton"));
    QVERIFY(propose && approve && execute);

    QTRY_VERIFY(propose->isEnabled());
    QTest::mouseClick(propose, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(page->plan().id > 0, 30000);
    QCOMPARE(page->plan().status, tidemark::PlanStatus::Proposed);
    QVERIFY(page->stepModel()->rowCount() > 0);
    QVERIFY(!execute->isEnabled()); // not before approval
    // Each step shows what it gains per backup cycle, as the CLI does.
    auto *view = page->findChild<QTableView *>(QStringLiteral("stepTable"));
    auto *effect = page->findChild<QLabel *>(QStringLiteral("stepEffect"));
    QVERIFY(view && effect);
    view->setCurrentIndex(page->stepModel()->index(0, 0));
    QTRY_VERIFY2(effect->text().contains(QLatin1String("net per backup cycle")), qPrintable(effect->text()));

    // The confirmation names what will change; Approve records it.
    QTRY_VERIFY(approve->isEnabled());
    QTest::mouseClick(approve, Qt::LeftButton);
    QTRY_VERIFY(page->pendingConfirmation() != nullptr);
    QMessageBox *box = page->pendingConfirmation();
    const auto &firstStep = page->plan().steps.front();
    QVERIFY2(box->text().contains(QString::fromStdString(firstStep.sources.front())), qPrintable(box->text()));
    QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(page->plan().status, tidemark::PlanStatus::Approved, 10000);
    QCOMPARE(QString::fromStdString(page->plan().approvedBy), QStringLiteral("ui-test"));

    QSignalSpy progress(m_client.get(), &EngineClient::applyProgress);
    QSignalSpy finished(m_client.get(), &EngineClient::applyFinished);
    QTRY_VERIFY(execute->isEnabled());
    QTest::mouseClick(execute, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
    QVERIFY(progress.count() > 0);
    const auto error = finished.first().at(1).value<EngineError>();
    QVERIFY2(error.message.isEmpty(), qPrintable(error.text()));
    QTRY_COMPARE(page->plan().status, tidemark::PlanStatus::Done);
    QVERIFY(page->statusText().startsWith(PlanHistoryModel::statusText(tidemark::PlanStatus::Done)));
    for (const auto &step : page->plan().steps) {
        QCOMPARE(step.status, tidemark::StepStatus::Done);
        QVERIFY2(!step.verification.empty(), "every step carries its verification result");
    }
    const auto *steps = page->stepModel();
    for (int r = 0; r < steps->rowCount(); ++r) {
        QCOMPARE(steps->index(r, PlanStepModel::StatusColumn).data().toString(),
                 PlanStepModel::statusText(tidemark::StepStatus::Done));
        QVERIFY(!steps->index(r, PlanStepModel::VerificationColumn).data().toString().isEmpty());
    }
}

void TestDesktopFlow::historyShowsWhoApprovedAndWhatRan()
{
    m_window->showPage(MainWindow::HistoryIndex);
    auto *model = m_window->historyPage()->planModel();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= 1, 10000);
    QCOMPARE(model->planAt(0).status, tidemark::PlanStatus::Done);
    QVERIFY(model->index(0, PlanHistoryModel::ApprovedByColumn).data().toString().contains(QStringLiteral("ui-test")));
    QVERIFY(model->index(0, PlanHistoryModel::DurationColumn).data().toString() != QStringLiteral("–"));
}

void TestDesktopFlow::settingsAreSavedAndReadBack()
{
    m_window->showPage(MainWindow::SettingsIndex);
    auto *page = m_window->settingsPage();
    QTRY_VERIFY(page->isEnabled());
    QSignalSpy loaded(m_client.get(), &EngineClient::settingsLoaded);
    QTRY_VERIFY(page->edited().samplingIntervalSeconds > 0);
    auto spins = page->findChildren<QSpinBox *>();
    QVERIFY(!spins.isEmpty());
    QSpinBox *sampling = spins.first(); // the sampling interval is the first whole-second field
    sampling->setValue(sampling->value() + 7);
    const auto wanted = page->edited().samplingIntervalSeconds;
    QSignalSpy saved(m_client.get(), &EngineClient::settingsSaved);
    // Saved through the keyboard shortcut, as a keyboard user would.
    QApplication::setActiveWindow(m_window.get());
    QTRY_VERIFY(m_window->isActiveWindow());
    sampling->setFocus();
    QTest::keyClick(sampling, Qt::Key_S, Qt::ControlModifier);
    QTRY_COMPARE(saved.count(), 1);
    m_client->loadSettings(m_demo.uri);
    QTRY_VERIFY(loaded.count() >= 1);
    QCOMPARE(loaded.last().at(1).value<tidemark::ConnectionSettings>().samplingIntervalSeconds, wanted);
}

void TestDesktopFlow::failedConnectionTestIsExplainedInPlace()
{
    m_window->showPage(MainWindow::ConnectionsIndex);
    auto *page = m_window->connectionsPage();
    auto *path = page->findChild<QLineEdit *>(QStringLiteral("sqlitePath"));
    QVERIFY(path);
    path->setText(m_dir.filePath(QStringLiteral("no-such-file.db")));
    QSignalSpy tested(m_client.get(), &EngineClient::connectionTested);
    auto *test = page->findChild<QPushButton *>(QStringLiteral("testConnectionButton"));
    QVERIFY(test);
    QTest::mouseClick(test, Qt::LeftButton);
    // Checks of listed connections answer on the same signal: find this test's.
    const QString uri = page->builtUri();
    const auto answer = [&]() -> QList<QVariant> {
        for (const auto &args : tested)
            if (args.at(0).toString() == uri)
                return args;
        return {};
    };
    QTRY_VERIFY_WITH_TIMEOUT(!answer().isEmpty(), 10000);
    QCOMPARE(answer().at(1).toBool(), false);
    QVERIFY(!answer().at(2).toString().isEmpty());
}

// A connection that cannot be read must not show the previous database's
// tables and partitions under its name.
void TestDesktopFlow::switchingConnectionClearsTheOverview()
{
    auto *overview = m_window->overviewPage();
    auto *tables = overview->findChild<QLabel *>(QStringLiteral("overviewTables"));
    QVERIFY(tables);
    m_window->setConnection(m_demo.uri);
    QTRY_VERIFY_WITH_TIMEOUT(overview->partitionModel()->rowCount() > 0, 30000);
    QVERIFY(tables->text().contains(QLatin1String("orders")));
    const QString missing = QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("no-such-dir/none.db"));
    m_window->setConnection(missing);
    QCOMPARE(overview->partitionModel()->rowCount(), 0);
    QVERIFY2(!tables->text().contains(QLatin1String("orders")), qPrintable(tables->text()));
    QTRY_VERIFY_WITH_TIMEOUT(tables->text().contains(QLatin1String("cannot be read")), 20000);
    QCOMPARE(overview->partitionModel()->rowCount(), 0);
    m_window->setConnection(m_demo.uri);
    QTRY_VERIFY_WITH_TIMEOUT(overview->partitionModel()->rowCount() > 0, 30000);
}

void TestDesktopFlow::toolbarButtonsShowTextAndShortcut()
{
    auto *toolbar = m_window->findChild<QToolBar *>(QStringLiteral("mainToolbar"));
    QVERIFY(toolbar);
    QCOMPARE(toolbar->toolButtonStyle(), Qt::ToolButtonTextBesideIcon);
    int checked = 0;
    for (QAction *a : toolbar->actions()) {
        if (a->isSeparator() || a->shortcut().isEmpty())
            continue;
        ++checked;
        QVERIFY2(a->toolTip().contains(a->shortcut().toString(QKeySequence::NativeText)), qPrintable(a->toolTip()));
    }
    QVERIFY(checked >= 7);
}

// The Plan menu's actions (and toolbar buttons) are enabled as the plan
// page's own buttons are: none without a plan that allows them.
void TestDesktopFlow::toolbarActionsFollowThePlan()
{
    m_window->setConnection(m_demo.uri);
    auto *page = m_window->planPage();
    const auto action = [&](const char *name) { return m_window->findChild<QAction *>(QLatin1String(name)); };
    for (const char *name : {"proposePlan", "approvePlan", "rejectPlan", "executePlan", "cancelExecution"})
        QVERIFY2(action(name), name);
    const auto follows = [&] {
        using A = PlanReviewPage::Action;
        return action("proposePlan")->isEnabled() == page->allows(A::Propose) &&
            action("approvePlan")->isEnabled() == page->allows(A::Approve) &&
            action("rejectPlan")->isEnabled() == page->allows(A::Reject) &&
            action("executePlan")->isEnabled() == page->allows(A::Execute) &&
            action("cancelExecution")->isEnabled() == page->allows(A::Cancel);
    };
    // The plan run earlier is done (or none is shown): nothing to approve,
    // reject, execute or cancel.
    QTRY_VERIFY(follows());
    QVERIFY(!action("approvePlan")->isEnabled());
    QVERIFY(!action("executePlan")->isEnabled());
    QVERIFY(!action("cancelExecution")->isEnabled());
    QVERIFY(action("proposePlan")->isEnabled());
    // A disabled action's shortcut does nothing.
    QSignalSpy changed(m_client.get(), &EngineClient::planChanged);
    QApplication::setActiveWindow(m_window.get());
    QTest::keyClick(m_window.get(), Qt::Key_E, Qt::ControlModifier);
    QTest::qWait(100);
    QCOMPARE(changed.count(), 0);
    // No connection: not even Propose.
    m_window->setConnection(QString());
    QTRY_VERIFY(!action("proposePlan")->isEnabled());
    QVERIFY(!action("approvePlan")->isEnabled());
    QVERIFY(follows());
    m_window->setConnection(m_demo.uri);
    QTRY_VERIFY(action("proposePlan")->isEnabled());
}

// A scan of the connection shown before a switch that fails later is not
// shown as the new connection's error.
void TestDesktopFlow::lateScanErrorStaysWithItsConnection()
{
    tidemark::test::HungServer hung;
    QVERIFY(hung.listening());
    const QString stuck = hung.postgresUri(QStringLiteral("?connect_timeout=2"));
    QSignalSpy failed(m_client.get(), &EngineClient::failed);
    QSignalSpy scanned(m_client.get(), &EngineClient::scanned);
    m_window->showPage(MainWindow::HeatmapIndex);
    m_window->setConnection(stuck);
    QTRY_VERIFY(hung.accepted() > 0);
    m_window->setConnection(m_demo.uri);
    const auto stuckFailed = [&] {
        for (const auto &args : failed)
            if (args.at(0).value<EngineOp>() == EngineOp::Scan && args.at(1).value<EngineError>().uri == stuck)
                return true;
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(stuckFailed(), 20000);
    QTest::qWait(50);
    auto *banner = m_window->heatmapPage()->findChild<ErrorBanner *>();
    QVERIFY(banner);
    QVERIFY2(banner->text().isEmpty(), qPrintable(banner->text()));
    auto *tables = m_window->overviewPage()->findChild<QLabel *>(QStringLiteral("overviewTables"));
    QVERIFY2(!tables->text().contains(QLatin1String("cannot be read")), qPrintable(tables->text()));
    // Its own failure is shown on its own connection.
    QCOMPARE(m_window->connectionsPage()->stateOf(stuck), ConnectionState::Unreachable);
}

void TestDesktopFlow::cleanupTestCase()
{
    m_testers.clear();
    m_window.reset();
    m_client.reset();
}

QTEST_MAIN(TestDesktopFlow)
#include "tst_desktop_flow.moc"
