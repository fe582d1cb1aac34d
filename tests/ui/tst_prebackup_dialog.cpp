// "Optimize before backup" driven through the widgets on the SQLite demo:
// the toolbar action opens the dialog, the analysis shows the plan and its
// predicted saving, approving executes it within the deadline with progress,
// and the dialog says "ready for backup" with every step done and verified;
// then the post-backup rebalance is analysed from the same dialog. A
// deadline too short for any step runs nothing (not even approves) and says so.
// A first step that fails while the next would not fit the deadline left is
// "not ready" with the database's reason, never "ready for backup"; Enter
// never approves and executes.
#include <QAction>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QToolBar>
#include <QTreeWidget>
#include <QtTest>

#include <sqlite3.h>

#include "engine_client.h"
#include "main_window.h"
#include "plan_step_model.h"
#include "prebackup_dialog.h"
#include "ui_test_support.h"

using namespace tidemark::ui;
using Stage = PreBackupDialog::Stage;

class TestPreBackupDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
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
        options.offerDemo = false;
        m_window = std::make_unique<MainWindow>(m_client.get(), options);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->currentConnection(), m_demo.uri, 20000);
    }

    void deadlineTooShortRunsNothing()
    {
        // Slow predicted rewrites (1 kB/s): every step needs far more than a minute on paper.
        QSignalSpy loaded(m_client.get(), &EngineClient::settingsLoaded);
        m_client->loadSettings(m_demo.uri);
        // The settings page may ask too: any answer for this connection will do.
        QTRY_VERIFY(!loaded.isEmpty());
        const auto original = loaded.last().at(1).value<tidemark::ConnectionSettings>();
        auto slow = original;
        slow.rewriteBytesPerSecond = 1000;
        QSignalSpy saved(m_client.get(), &EngineClient::settingsSaved);
        m_client->saveSettings(m_demo.uri, slow);
        QTRY_VERIFY(saved.count() >= 1);

        QPointer<PreBackupDialog> dialog = openDialog();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->stage() != Stage::Analysing, 60000);
        QCOMPARE(dialog->stage(), Stage::Review);
        QVERIFY(!dialog->plan().steps.empty());
        dialog->findChild<QSpinBox *>(QStringLiteral("deadline"))->setValue(1);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("execute")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->stage() != Stage::Executing, 60000);
        QCOMPARE(dialog->stage(), Stage::NotReady);
        QVERIFY2(dialog->findChild<QLabel *>(QStringLiteral("stage"))->text().contains(QLatin1String("too short")),
                 qPrintable(dialog->findChild<QLabel *>(QStringLiteral("stage"))->text()));
        QCOMPARE(dialog->plan().status, tidemark::PlanStatus::Proposed); // not even approved
        for (const auto &s : dialog->plan().steps)
            QCOMPARE(s.status, tidemark::StepStatus::Pending);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("cancel")), Qt::LeftButton);
        QTRY_VERIFY(dialog.isNull());
        const int savedBefore = int(saved.count());
        m_client->saveSettings(m_demo.uri, original);
        QTRY_VERIFY(saved.count() > savedBefore);
    }

    void enterDoesNotApproveAndExecute()
    {
        QPointer<PreBackupDialog> dialog = openDialog();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->stage() != Stage::Analysing, 60000);
        QCOMPARE(dialog->stage(), Stage::Review);
        auto *execute = dialog->findChild<QPushButton *>(QStringLiteral("execute"));
        QVERIFY(execute && execute->isEnabled());
        QVERIFY(QTest::qWaitForWindowActive(dialog.data()));
        QVERIFY2(!execute->isDefault(), "Enter would approve and execute the plan");
        QSignalSpy started(m_client.get(), &EngineClient::applyStarted);
        QSignalSpy progressed(m_client.get(), &EngineClient::preparationProgress);
        // Enter on the dialog, on the step list, and with the button itself focused.
        QTest::keyClick(dialog.data(), Qt::Key_Return);
        QTest::keyClick(dialog->findChild<QTreeWidget *>(QStringLiteral("steps")), Qt::Key_Enter);
        execute->setFocus();
        QTest::keyClick(execute, Qt::Key_Return);
        QTest::keyClick(execute, Qt::Key_Enter);
        QVERIFY(!execute->isDefault());
        QCoreApplication::processEvents();
        QCOMPARE(dialog->stage(), Stage::Review);
        QCOMPARE(started.count(), 0);
        QCOMPARE(progressed.count(), 0);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("cancel")), Qt::LeftButton);
        QTRY_VERIFY(dialog.isNull());
    }

    void failedStepWithNoTimeLeftIsNotReady()
    {
        // First plan at the usual rate, to size the first step.
        QPointer<PreBackupDialog> dialog = openDialog();
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->stage() != Stage::Analysing, 60000);
        QCOMPARE(dialog->stage(), Stage::Review);
        QVERIFY(dialog->plan().steps.size() >= 2);
        const auto firstBytes = dialog->plan().steps.front().predicted.bytesRewritten;
        QVERIFY(firstBytes > 0);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("cancel")), Qt::LeftButton);
        QTRY_VERIFY(dialog.isNull());

        // A rewrite rate at which the first step needs ~58 s of a 1 min deadline.
        QSignalSpy loaded(m_client.get(), &EngineClient::settingsLoaded);
        m_client->loadSettings(m_demo.uri);
        QTRY_VERIFY(!loaded.isEmpty());
        const auto original = loaded.last().at(1).value<tidemark::ConnectionSettings>();
        auto slow = original;
        slow.rewriteBytesPerSecond = double(firstBytes) * tidemark::PolicyGate::kDurationMargin /
            (58.0 - tidemark::PolicyGate::kStepOverheadSeconds);
        QSignalSpy saved(m_client.get(), &EngineClient::settingsSaved);
        m_client->saveSettings(m_demo.uri, slow);
        QTRY_VERIFY(saved.count() >= 1);
        auto restore = qScopeGuard([&] { m_client->saveSettings(m_demo.uri, original); });

        dialog = openDialog();
        QVERIFY(dialog);
        dialog->findChild<QSpinBox *>(QStringLiteral("deadline"))->setValue(1);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("analyse")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->stage() != Stage::Analysing, 60000);
        QCOMPARE(dialog->stage(), Stage::Review);
        const tidemark::Plan proposed = dialog->plan();
        QVERIFY(proposed.steps.size() >= 2);
        // The premise: the first step fits the minute, the second does not fit
        // what is left once the first has waited out its lock timeout (5 s).
        const double first = tidemark::PolicyGate::predictedSeconds(proposed.steps[0]);
        const double second = tidemark::PolicyGate::predictedSeconds(proposed.steps[1]);
        QVERIFY2(first < 59.5 && second > 56.0,
                 qPrintable(QStringLiteral("steps need %1 s and %2 s").arg(first).arg(second)));

        // Another writer holds the database: the first step cannot have its lock.
        sqlite3 *other = nullptr;
        QCOMPARE(sqlite3_open(m_demo.database.toUtf8().constData(), &other), SQLITE_OK);
        auto closeOther = qScopeGuard([&] { sqlite3_close(other); });
        QCOMPARE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("execute")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->stage() != Stage::Executing, 120000);
        sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);

        const QString stageText = dialog->findChild<QLabel *>(QStringLiteral("stage"))->text();
        QVERIFY2(dialog->stage() == Stage::NotReady, qPrintable(stageText));
        QVERIFY2(!stageText.contains(QLatin1String("Ready for backup")), qPrintable(stageText));
        QVERIFY2(stageText.contains(QLatin1String("locked")), qPrintable(stageText));
        const tidemark::Plan ran = dialog->plan();
        QCOMPARE(ran.id, proposed.id);
        QVERIFY2(ran.status != tidemark::PlanStatus::Done, tidemark::toString(ran.status));
        QCOMPARE(ran.steps.front().status, tidemark::StepStatus::RolledBack);
        for (const auto &s : ran.steps)
            QVERIFY(s.status != tidemark::StepStatus::Done);
        QVERIFY(!dialog->findChild<QPushButton *>(QStringLiteral("postBackup"))->isEnabled());
        QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("cancel")), Qt::LeftButton);
        QTRY_VERIFY(dialog.isNull());
        const int savedBefore = int(saved.count());
        restore.dismiss();
        m_client->saveSettings(m_demo.uri, original);
        QTRY_VERIFY(saved.count() > savedBefore);
    }

    void optimizeBeforeBackupThroughTheWidgets()
    {
        QPointer<PreBackupDialog> dialog = openDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->phase(), tidemark::BackupPhase::PreBackup);
        auto *stage = dialog->findChild<QLabel *>(QStringLiteral("stage"));
        auto *saving = dialog->findChild<QLabel *>(QStringLiteral("saving"));
        auto *steps = dialog->findChild<QTreeWidget *>(QStringLiteral("steps"));
        auto *progress = dialog->findChild<QProgressBar *>(QStringLiteral("progress"));
        auto *deadline = dialog->findChild<QSpinBox *>(QStringLiteral("deadline"));
        auto *execute = dialog->findChild<QPushButton *>(QStringLiteral("execute"));
        auto *postBackup = dialog->findChild<QPushButton *>(QStringLiteral("postBackup"));
        auto *cancel = dialog->findChild<QPushButton *>(QStringLiteral("cancel"));
        QVERIFY(stage && saving && steps && progress && deadline && execute && postBackup && cancel);

        // Analysis: a plan with its predicted saving; nothing has run yet.
        QTRY_VERIFY_WITH_TIMEOUT(dialog->stage() != Stage::Analysing, 60000);
        QCOMPARE(dialog->stage(), Stage::Review);
        const tidemark::Plan proposed = dialog->plan();
        QVERIFY(proposed.id > 0);
        QVERIFY(!proposed.steps.empty());
        QCOMPARE(proposed.status, tidemark::PlanStatus::Proposed);
        for (const auto &s : proposed.steps)
            QCOMPARE(s.status, tidemark::StepStatus::Pending);
        QCOMPARE(steps->topLevelItemCount(), int(proposed.steps.size()));
        QVERIFY2(dialog->predictedBytesBefore() > dialog->predictedBytesAfter(), "the plan saves backup bytes");
        QVERIFY2(saving->text().contains(QLatin1String("MB/s")), qPrintable(saving->text()));
        QVERIFY(execute->isEnabled());
        QVERIFY(!postBackup->isEnabled());

        // Approve and execute within a deadline, with progress, to "ready for backup".
        deadline->setValue(30);
        QSignalSpy progressed(m_client.get(), &EngineClient::preparationProgress);
        QTest::mouseClick(execute, Qt::LeftButton);
        QCOMPARE(dialog->stage(), Stage::Executing);
        QCOMPARE(cancel->text(), tr("Cancel"));
        QTRY_VERIFY_WITH_TIMEOUT(dialog->stage() != Stage::Executing, 120000);
        QVERIFY2(dialog->stage() == Stage::Ready, qPrintable(stage->text()));
        QVERIFY(progressed.count() > 0);
        QCOMPARE(progress->value(), progress->maximum());
        const tidemark::Plan ran = dialog->plan();
        QCOMPARE(ran.id, proposed.id);
        QCOMPARE(ran.status, tidemark::PlanStatus::Done);
        QCOMPARE(QString::fromStdString(ran.approvedBy), QStringLiteral("ui-test"));
        QVERIFY(QString::fromStdString(ran.approval).contains(QLatin1String("interactive")));
        for (const auto &s : ran.steps) {
            QCOMPARE(s.status, tidemark::StepStatus::Done);
            QVERIFY2(QString::fromStdString(s.verification).endsWith(QLatin1String("equal")), s.verification.c_str());
        }
        for (int r = 0; r < steps->topLevelItemCount(); ++r)
            QCOMPARE(steps->topLevelItem(r)->text(5), PlanStepModel::statusText(tidemark::StepStatus::Done));

        // Afterwards: the post-backup rebalance from the same dialog.
        QVERIFY(postBackup->isEnabled());
        QTest::mouseClick(postBackup, Qt::LeftButton);
        QCOMPARE(dialog->phase(), tidemark::BackupPhase::PostBackup);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->stage() != Stage::Analysing, 60000);
        QVERIFY2(dialog->stage() == Stage::Review || dialog->stage() == Stage::Ready, qPrintable(stage->text()));
        QCOMPARE(cancel->text(), tr("Close"));
        QTest::mouseClick(cancel, Qt::LeftButton);
        QTRY_VERIFY(dialog.isNull());
    }

    // A failed test function must not leave its dialog to the next one.
    void cleanup()
    {
        if (QPointer<PreBackupDialog> left = m_window->findChild<PreBackupDialog *>()) {
            QTRY_VERIFY_WITH_TIMEOUT(left->stage() != Stage::Analysing && left->stage() != Stage::Executing, 120000);
            delete left.data();
        }
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_client.reset();
    }

private:
    /// Clicks the toolbar button of the "Optimize before backup" action.
    PreBackupDialog *openDialog()
    {
        auto *action = m_window->findChild<QAction *>(QStringLiteral("optimizeBeforeBackup"));
        auto *toolbar = m_window->findChild<QToolBar *>(QStringLiteral("mainToolbar"));
        if (!action || action->shortcut().isEmpty() || !toolbar || !toolbar->widgetForAction(action))
            return nullptr;
        QTest::mouseClick(toolbar->widgetForAction(action), Qt::LeftButton);
        PreBackupDialog *dialog = nullptr;
        (void)QTest::qWaitFor([&] { return (dialog = m_window->findChild<PreBackupDialog *>()) != nullptr; }, 5000);
        return dialog;
    }

    QTemporaryDir m_dir;
    tidemark::test::Demo m_demo;
    std::unique_ptr<EngineClient> m_client;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestPreBackupDialog)
#include "tst_prebackup_dialog.moc"
