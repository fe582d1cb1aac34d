// What the window shows when a run does not simply succeed, and the heatmap
// moving under the demo workload — all through the real widgets:
// - Cancel (button) while the first step of a plan on a bigger demo runs:
//   that step rolled back, later steps not run, the data unchanged;
// - a step that meets a write lock held by another connection: the
//   database's message and what was rolled back, in place;
// - the hot partition's newest cell rising above the split threshold once
//   the workload starts, from ~0 at the first sample.
#include <QDir>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include "engine_client.h"
#include "heatmap_page.h"
#include "main_window.h"
#include "partition_table_model.h"
#include "plan_review_page.h"
#include "plan_step_model.h"
#include "test_support.h"
#include "ui_test_support.h"
#include "volatility_heatmap.h"

using namespace tidemark::ui;

class TestApplyOutcomes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cancelRollsBackTheRunningStep();
    void lockedDatabaseIsExplainedInPlace();
    void heatmapRisesWithTheWorkload();
    void cleanup();

private:
    QString checksum() const;
    /// Proposes (through the button) and approves a plan on the open demo.
    bool approvedPlan();
    PlanReviewPage *page() const { return m_window->planPage(); }

    QTemporaryDir m_dir;
    tidemark::test::Demo m_demo;
    std::unique_ptr<EngineClient> m_client;
    std::unique_ptr<MainWindow> m_window;
};

void TestApplyOutcomes::initTestCase()
{
    QVERIFY(m_dir.isValid());
    tidemark::test::isolateSettings(m_dir);
}

void TestApplyOutcomes::init()
{
    const bool big = QByteArray(QTest::currentTestFunction()) == "cancelRollsBackTheRunningStep";
    const bool idle = QByteArray(QTest::currentTestFunction()) == "heatmapRisesWithTheWorkload";
    QTemporaryDir *dir = &m_dir;
    const QString sub = QString::fromLatin1(QTest::currentTestFunction());
    QVERIFY(QDir(dir->path()).mkpath(sub));
    QTemporaryDir local(dir->filePath(sub + QStringLiteral("/XXXXXX")));
    local.setAutoRemove(false);
    QString error;
    // The cancel test needs a first step long enough to be caught running.
    QVERIFY2(tidemark::test::makeDemo(local, idle ? 0 : 2, m_demo, error, big ? 300000 : 60000), qPrintable(error));
    m_client = tidemark::test::makeClient();
    MainWindowOptions options;
    options.storePath = m_demo.store;
    options.demoPath = m_demo.database;
    options.demoLoadSeconds = 0;
    options.scanIntervalSeconds = 1;
    options.offerDemo = false;
    m_window = std::make_unique<MainWindow>(m_client.get(), options);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->currentConnection(), m_demo.uri, 20000);
}

void TestApplyOutcomes::cleanup()
{
    m_window.reset();
    m_client.reset();
}

QString TestApplyOutcomes::checksum() const
{
    auto r = tidemark::test::run(tidemark::test::binary(QStringLiteral("tidemark-cli")),
                                 {QStringLiteral("--store"), m_demo.store, QStringLiteral("checksum"), m_demo.uri,
                                  QStringLiteral("orders")});
    return r.exitCode == 0 ? r.out.trimmed() : QStringLiteral("checksum failed: ") + r.err;
}

bool TestApplyOutcomes::approvedPlan()
{
    m_window->showPage(MainWindow::PlanIndex);
    auto *propose = page()->findChild<QPushButton *>(QStringLiteral("proposeButton"));
    if (!QTest::qWaitFor([&] { return propose->isEnabled(); }, 20000))
        return false;
    QTest::mouseClick(propose, Qt::LeftButton);
    if (!QTest::qWaitFor([&] { return page()->plan().id > 0; }, 30000) || page()->plan().steps.size() < 2)
        return false;
    QSignalSpy changed(m_client.get(), &EngineClient::planChanged);
    m_client->approve(page()->plan().id); // approval through the dialog is tst_desktop_flow's
    return QTest::qWaitFor([&] { return page()->plan().status == tidemark::PlanStatus::Approved; }, 10000);
}

void TestApplyOutcomes::cancelRollsBackTheRunningStep()
{
    QVERIFY2(approvedPlan(), "no approved plan with two or more steps");
    const QString before = checksum();
    QVERIFY2(before.contains(QStringLiteral("rows")), qPrintable(before));
    auto *execute = page()->findChild<QPushButton *>(QStringLiteral("executeButton"));
    auto *cancel = page()->findChild<QPushButton *>(QStringLiteral("cancelButton"));
    QSignalSpy finished(m_client.get(), &EngineClient::applyFinished);
    bool firstStepRunning = false;
    connect(m_client.get(), &EngineClient::applyProgress, this, [&](const ApplyProgress &p) {
        // At the first sign of step 1 running: progress is queued, so waiting
        // for a later batch could miss a short step.
        if (p.stepIndex == 0 && p.status == tidemark::StepStatus::Running && !firstStepRunning) {
            firstStepRunning = true;
            QTest::mouseClick(cancel, Qt::LeftButton);
        }
    });
    QTRY_VERIFY(execute->isEnabled());
    QTest::mouseClick(execute, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
    QVERIFY2(firstStepRunning, "the first step finished before progress was reported");
    QVERIFY2(finished.first().at(2).toBool(), "the run should report that it was cancelled");
    QTRY_VERIFY(page()->plan().status != tidemark::PlanStatus::Running);
    const auto &steps = page()->plan().steps;
    QCOMPARE(PlanStepModel::statusText(steps.front().status), PlanStepModel::statusText(tidemark::StepStatus::RolledBack));
    for (std::size_t i = 1; i < steps.size(); ++i)
        QVERIFY2(steps[i].status == tidemark::StepStatus::Pending || steps[i].status == tidemark::StepStatus::Skipped,
                 "no step after the cancelled one may run");
    QCOMPARE(page()->stepModel()->index(0, PlanStepModel::StatusColumn).data().toString(),
             PlanStepModel::statusText(tidemark::StepStatus::RolledBack));
    QCOMPARE(checksum(), before);
}

void TestApplyOutcomes::lockedDatabaseIsExplainedInPlace()
{
    QVERIFY2(approvedPlan(), "no approved plan");
    const QString before = checksum();
    // Another writer holds the database for the whole run.
    sqlite3 *other = nullptr;
    QCOMPARE(sqlite3_open(m_demo.database.toUtf8().constData(), &other), SQLITE_OK);
    auto closeOther = qScopeGuard([&] { sqlite3_close(other); });
    QCOMPARE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

    QSignalSpy finished(m_client.get(), &EngineClient::applyFinished);
    auto *execute = page()->findChild<QPushButton *>(QStringLiteral("executeButton"));
    QTRY_VERIFY(execute->isEnabled());
    QTest::mouseClick(execute, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    const auto error = finished.first().at(1).value<EngineError>();
    QVERIFY2(!error.message.isEmpty(), "the run should have failed");
    QTRY_VERIFY(page()->plan().status != tidemark::PlanStatus::Running);
    const auto &first = page()->plan().steps.front();
    QVERIFY2(first.status == tidemark::StepStatus::Failed || first.status == tidemark::StepStatus::RolledBack,
             qPrintable(PlanStepModel::statusText(first.status)));
    QVERIFY2(QString::fromStdString(first.error).contains(QStringLiteral("locked")), first.error.c_str());
    // Shown in place: the database's words and what was rolled back.
    QTRY_VERIFY(!page()->stepErrorText().isEmpty());
    QVERIFY2(page()->stepErrorText().contains(QStringLiteral("locked")), qPrintable(page()->stepErrorText()));
    QVERIFY2(page()->stepErrorText().contains(QStringLiteral("rolled back")), qPrintable(page()->stepErrorText()));
    QCOMPARE(checksum(), before);
}

void TestApplyOutcomes::heatmapRisesWithTheWorkload()
{
    m_window->showPage(MainWindow::HeatmapIndex);
    auto *heatmap = m_window->heatmapPage()->heatmap();
    QTRY_VERIFY_WITH_TIMEOUT(heatmap->data().rowCount() == 40 && heatmap->data().columnCount() >= 1, 20000);
    // Before the workload: nothing is written, every partition is cold.
    for (int r = 0; r < heatmap->data().rowCount(); ++r)
        QVERIFY2(heatmap->data().score(r, 0) < 5.0, "a quiet demo should start cold");

    QProcess load;
    load.start(tidemark::test::binary(QStringLiteral("tidemark-cli")),
               {QStringLiteral("--store"), m_dir.filePath(QStringLiteral("load-store.db")), QStringLiteral("demo"),
                QStringLiteral("load"), m_demo.database, QStringLiteral("--seconds"), QStringLiteral("60")});
    QVERIFY(load.waitForStarted());
    auto stopLoad = qScopeGuard([&] {
        load.terminate();
        if (!load.waitForFinished(5000))
            load.kill();
    });
    // The newest column of the hot partition climbs above the split threshold
    // (60) while its first column stays at ~0.
    const auto hottest = [&] {
        const auto &d = heatmap->data();
        int best = -1;
        for (int r = 0; d.columnCount() > 1 && r < d.rowCount(); ++r)
            if (best < 0 || d.score(r, d.columnCount() - 1) > d.score(best, d.columnCount() - 1))
                best = r;
        return best;
    };
    QTRY_VERIFY_WITH_TIMEOUT(hottest() >= 0 && heatmap->data().score(hottest(), heatmap->data().columnCount() - 1) > 60.0,
                             90000);
    const int row = hottest();
    QVERIFY(heatmap->data().score(row, 0) < 5.0);
    // The page's model agrees with what is drawn.
    const auto *model = m_window->heatmapPage()->partitionModel();
    QCOMPARE(QString::fromStdString(model->rowAt(row).partition.name), heatmap->data().rows()[row].name);
    QTRY_VERIFY(model->rowAt(row).score > 60.0);
}

QTEST_MAIN(TestApplyOutcomes)
#include "tst_apply_outcomes.moc"
