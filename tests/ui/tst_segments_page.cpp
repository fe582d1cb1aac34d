// The Compaction queue page on the event-log demo made by the real
// tidemark-cli: reached from the keyboard, filled from the engine's segment
// survey, Plan compaction opening a compaction plan on Plan review, Archive…
// into a chosen folder opening an archive plan on Plan review, that plan
// approved and executed with the page following, and the empty states once
// nothing is due.
#include <QChart>
#include <QFileDialog>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "engine_client.h"
#include "main_window.h"
#include "plan_review_page.h"
#include "plan_step_model.h"
#include "segments_page.h"
#include "test_support.h"
#include "ui_test_support.h"

using namespace tidemark::ui;

class TestSegmentsPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void pageIsOneShortcutAway();
    void queueAndScheduleComeFromTheSurvey();
    void compactionOpensThePlanForReview();
    void archiveOpensThePlanForReview();
    void approvedArchiveRunsAndThePageFollows();
    void nothingDueSaysSo();
    void cleanupTestCase();

private:
    QString cli(const QStringList &args);

    QTemporaryDir m_dir;
    QString m_store, m_database, m_uri;
    std::unique_ptr<EngineClient> m_client;
    std::unique_ptr<MainWindow> m_window;
};

QString TestSegmentsPage::cli(const QStringList &args)
{
    const auto r = tidemark::test::run(tidemark::test::binary(QStringLiteral("tidemark-cli")),
                                       QStringList{QStringLiteral("--store"), m_store} + args);
    return r.exitCode == 0 ? QString() : QStringLiteral("tidemark-cli %1: %2").arg(args.join(QLatin1Char(' ')), r.err);
}

void TestSegmentsPage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    tidemark::test::isolateSettings(m_dir);
    m_store = m_dir.filePath(QStringLiteral("tidemark.db"));
    m_database = m_dir.filePath(QStringLiteral("events.db"));
    m_uri = QStringLiteral("sqlite://") + m_database;
    const QString failed = cli({QStringLiteral("demo"), QStringLiteral("init"), m_database, QStringLiteral("--log")});
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    m_client = tidemark::test::makeClient();
    QVERIFY2(m_client->schemes().contains(QStringLiteral("sqlite")), "the SQLite connector plugin was not loaded");
    MainWindowOptions options;
    options.storePath = m_store;
    options.demoPath = m_database;
    options.demoLog = true;
    options.offerDemo = false;
    m_window = std::make_unique<MainWindow>(m_client.get(), options);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->currentConnection(), m_uri, 20000);
}

void TestSegmentsPage::pageIsOneShortcutAway()
{
    m_window->activateWindow();
    QTest::keyClick(m_window.get(), Qt::Key_8, Qt::ControlModifier);
    QCOMPARE(m_window->currentPage(), MainWindow::SegmentsIndex);
    // Shown, the page surveys the connection on the engine's pool.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->segmentsPage()->hasSurvey(), 60000);
    QVERIFY2(m_window->segmentsPage()->errorText().isEmpty(), qPrintable(m_window->segmentsPage()->errorText()));
}

void TestSegmentsPage::queueAndScheduleComeFromTheSurvey()
{
    auto *page = m_window->segmentsPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->hasSurvey(), 60000);
    const tidemark::SegmentSurvey &survey = page->lastSurvey().survey;
    QCOMPARE(survey.tables.size(), std::size_t(1));
    const tidemark::TableSegments &events = survey.tables.front();
    QCOMPARE(events.table, std::string("events"));
    QCOMPARE(events.segments.size(), std::size_t(8));

    // The compaction queue: the three purged segments, highest priority first.
    QTableWidget *queue = page->compactionTable();
    QCOMPARE(queue->rowCount(), 3);
    QVERIFY(page->compactionEmptyText().isEmpty());
    QStringList purged;
    for (int i = 0; i < 3; ++i)
        purged << QString::fromStdString(events.segments[std::size_t(i)].partition);
    double previous = 101.0;
    for (int row = 0; row < queue->rowCount(); ++row) {
        const auto &f = survey.compactionQueue[std::size_t(row)];
        QCOMPARE(queue->item(row, 1)->text(), QString::fromStdString(f.partition));
        QVERIFY2(purged.contains(queue->item(row, 1)->text()), qPrintable(queue->item(row, 1)->text()));
        QCOMPARE(queue->item(row, 2)->text(), QLocale().toString(f.priority, 'f', 1));
        QVERIFY(f.priority <= previous && f.deadBytes > 0);
        previous = f.priority;
        QVERIFY(!queue->item(row, 7)->text().isEmpty()); // the reason
    }

    // The archive schedule: over the threshold before the time to archive,
    // the oldest segments named.
    QTableWidget *schedule = page->scheduleTable();
    QCOMPARE(schedule->rowCount(), 1);
    QCOMPARE(schedule->item(0, 0)->text(), QStringLiteral("events"));
    QVERIFY(events.settings.archiveThresholdBytes > 0);
    QVERIFY(events.predictedBytes > double(events.settings.archiveThresholdBytes));
    QVERIFY(events.crossingMs > survey.takenMs && events.crossingMs < events.archiveByMs);
    QVERIFY(!survey.archiveQueue.empty());
    QStringList due;
    for (const auto &c : survey.archiveQueue)
        due << QString::fromStdString(c.partition);
    QCOMPARE(due.first(), purged.first());
    QCOMPARE(schedule->item(0, 7)->text(), due.join(QStringLiteral(", ")));
    QVERIFY(page->archiveEmptyText().isEmpty());

    // The chart: the table's sampled history, the forecast band and the threshold.
    QCOMPARE(page->chartTable(), QStringLiteral("events"));
    QCOMPARE(page->chart()->series().size(), 4);
    QVERIFY(page->lastSurvey().sizeHistory.at("events").size() > 24);
}

void TestSegmentsPage::compactionOpensThePlanForReview()
{
    auto *page = m_window->segmentsPage();
    m_window->showPage(MainWindow::SegmentsIndex);
    std::vector<std::string> queued;
    for (const auto &f : page->lastSurvey().survey.compactionQueue)
        queued.push_back(f.partition);
    QVERIFY(!queued.empty());
    auto *button = page->findChild<QPushButton *>(QStringLiteral("compactSegments"));
    QVERIFY(button && button->isEnabled());
    button->setFocus();
    QTest::keyClick(button, Qt::Key_Space);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->currentPage(), MainWindow::PlanIndex, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->planPage()->plan().kind == "compact", 20000);
    const tidemark::Plan &plan = m_window->planPage()->plan();
    QCOMPARE(plan.status, tidemark::PlanStatus::Proposed);
    // The fresh survey queues the same purged segments; each gets a compact step.
    QCOMPARE(plan.steps.size(), queued.size());
    for (const auto &s : plan.steps) {
        QCOMPARE(s.kind, tidemark::StepKind::Compact);
        QVERIFY(std::find(queued.begin(), queued.end(), s.sources.front()) != queued.end());
    }
    m_window->showPage(MainWindow::SegmentsIndex);
}

void TestSegmentsPage::archiveOpensThePlanForReview()
{
    auto *page = m_window->segmentsPage();
    const std::size_t due = page->lastSurvey().survey.archiveQueue.size();
    const QString folder = m_dir.filePath(QStringLiteral("archives"));
    QVERIFY(QDir().mkpath(folder));
    auto *button = page->findChild<QPushButton *>(QStringLiteral("archiveSegments"));
    QVERIFY(button && button->isEnabled());
    button->setFocus();
    QTest::keyClick(button, Qt::Key_Space);
    QFileDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = page->findChild<QFileDialog *>(QStringLiteral("archiveFolderDialog"))) != nullptr);
    QCOMPARE(dialog->fileMode(), QFileDialog::Directory);
    dialog->setDirectory(folder);
    dialog->selectFile(folder);
    static_cast<QDialog *>(dialog)->accept(); // QFileDialog::accept, as its Choose button does

    QTRY_COMPARE_WITH_TIMEOUT(m_window->currentPage(), MainWindow::PlanIndex, 60000);
    // The page may still show the compaction plan of the case before: wait for the archive plan.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->planPage()->plan().kind == "archive", 20000);
    const tidemark::Plan &plan = m_window->planPage()->plan();
    QCOMPARE(plan.status, tidemark::PlanStatus::Proposed);
    // The plan rests on a fresh survey, one reading later than the page's: the
    // oldest sealed segments in key order, about as many as the page showed.
    QVERIFY2(!plan.steps.empty() && plan.steps.size() + 1 >= due && plan.steps.size() <= due + 1,
             qPrintable(QStringLiteral("%1 steps, %2 due").arg(plan.steps.size()).arg(due)));
    const auto &segments = page->lastSurvey().survey.tables.front().segments;
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        QCOMPARE(plan.steps[i].kind, tidemark::StepKind::Archive);
        QCOMPARE(plan.steps[i].sources.front(), segments[i].partition);
    }
    QCOMPARE(m_window->planPage()->stepModel()->rowCount(), int(plan.steps.size()));
    QCOMPARE(SegmentsPage::rememberedArchiveFolder(), QDir(folder).absolutePath());
    // Nothing is archived before the plan is approved and executed.
    QVERIFY(QDir(folder).entryList(QDir::Files).isEmpty());
}

void TestSegmentsPage::approvedArchiveRunsAndThePageFollows()
{
    auto *plans = m_window->planPage();
    const tidemark::Plan plan = plans->plan();
    QVERIFY(plan.id > 0);
    QStringList archived;
    for (const auto &s : plan.steps)
        archived << QString::fromStdString(s.sources.front());
    const QString ran = tidemark::test::approveAndExecute(plans, m_client.get());
    QVERIFY2(ran.isEmpty(), qPrintable(ran));
    QTRY_COMPARE(plans->plan().status, tidemark::PlanStatus::Done);
    const QDir folder(SegmentsPage::rememberedArchiveFolder());
    QCOMPARE(folder.entryList({QStringLiteral("*.manifest.json")}, QDir::Files).size(), archived.size());

    // Back on the page, it surveys again: the archived segments are gone.
    auto *page = m_window->segmentsPage();
    QSignalSpy shown(page, &SegmentsPage::surveyShown);
    m_window->showPage(MainWindow::SegmentsIndex);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, 60000);
    const auto &segments = page->lastSurvey().survey.tables.front().segments;
    QCOMPARE(int(segments.size()), 8 - int(archived.size()));
    for (const auto &f : segments)
        QVERIFY2(!archived.contains(QString::fromStdString(f.partition)), f.partition.c_str());
    QVERIFY(!page->scheduleTable()->item(0, 7)->text().contains(archived.first()));
}

void TestSegmentsPage::nothingDueSaysSo()
{
    const QString failed = cli({QStringLiteral("segments"), m_uri, QStringLiteral("--table"), QStringLiteral("events"),
                                QStringLiteral("--set"), QStringLiteral("archive-threshold=0"), QStringLiteral("--set"),
                                QStringLiteral("compact-threshold=100")});
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    auto *page = m_window->segmentsPage();
    m_window->showPage(MainWindow::SegmentsIndex);
    QSignalSpy shown(page, &SegmentsPage::surveyShown);
    page->survey();
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, 60000);
    QCOMPARE(page->compactionTable()->rowCount(), 0);
    QVERIFY2(page->compactionEmptyText().contains(QLatin1String("No sealed segment is due")),
             qPrintable(page->compactionEmptyText()));
    QVERIFY2(page->archiveEmptyText().contains(QLatin1String("No sealed segment is due")),
             qPrintable(page->archiveEmptyText()));
    QCOMPARE(page->scheduleTable()->item(0, 4)->text(), SegmentsPage::tr("off"));
    QVERIFY(!page->findChild<QPushButton *>(QStringLiteral("archiveSegments"))->isEnabled());
    QCOMPARE(page->chart()->series().size(), 3); // no threshold line
}

void TestSegmentsPage::cleanupTestCase()
{
    m_window.reset();
    m_client.reset();
}

QTEST_MAIN(TestSegmentsPage)
#include "tst_segments_page.moc"
