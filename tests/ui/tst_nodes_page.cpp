// The Nodes page on the demo made by the real tidemark-cli: reached with
// Ctrl+9, a node added through its dialog and listed (the URI without its
// password, sizes in human units), edited with Enter, a bad disk size
// refused in the dialog with what to do and nothing saved, removed with
// Delete after the confirmation; and from the heatmap's partition menu, a
// copy to another SQLite file planned, approved and run from Plan review,
// and a move, which SQLite refuses, with the planner's reason in the
// heatmap page's banner.
#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>

#include <sqlite3.h>

#include "copy_to_node_dialog.h"
#include "engine_client.h"
#include "heatmap_page.h"
#include "main_window.h"
#include "node_dialog.h"
#include "nodes_page.h"
#include "plan_review_page.h"
#include "store/metadata_store.h"
#include "ui_test_support.h"
#include "volatility_heatmap.h"

using namespace tidemark::ui;

class TestNodesPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void pageIsOneShortcutAway();
    void addedNodeIsListed();
    void passwordIsNotShown();
    void badDiskSizeIsRefusedAndNothingSaved();
    void enterEditsTheNode();
    void editMovesTheNodeToAnotherConnection();
    void copyOnSqliteRunsFromPlanReview();
    void moveOnSqliteShowsThePlannersReason();
    void refusedSaveShowsInTheBannerAndKeepsTheNode();
    void deleteRemovesAfterConfirmation();
    void cleanupTestCase();

private:
    /// The catalogue as the metadata store holds it, read with a store connection of the test's own.
    std::vector<tidemark::Node> stored();
    NodeDialog *waitForDialog();
    void save(NodeDialog *dialog);
    int rowOf(const QString &name) const;
    /// Opens "Copy to node…" or "Move to node…" from the partition menu, picks `node`, and plans.
    void planFromMenu(bool move, const QString &node);

    QTemporaryDir m_dir;
    tidemark::test::Demo m_demo;
    QString m_nodeFile;
    std::unique_ptr<EngineClient> m_client;
    std::unique_ptr<MainWindow> m_window;
};

std::vector<tidemark::Node> TestNodesPage::stored()
{
    auto store = tidemark::MetadataStore::open(m_demo.store.toStdString());
    if (!store)
        return {};
    auto nodes = (*store)->nodes();
    return nodes ? *nodes : std::vector<tidemark::Node>{};
}

NodeDialog *TestNodesPage::waitForDialog()
{
    NodesPage *page = m_window->nodesPage();
    if (!QTest::qWaitFor([&] { return page->openDialog() && page->openDialog()->isVisible(); }, 10000))
        return nullptr;
    return page->openDialog();
}

void TestNodesPage::save(NodeDialog *dialog)
{
    auto *buttons = dialog->findChild<QDialogButtonBox *>();
    QVERIFY(buttons);
    QTest::mouseClick(buttons->button(QDialogButtonBox::Save), Qt::LeftButton);
}

int TestNodesPage::rowOf(const QString &name) const
{
    QTableWidget *t = m_window->nodesPage()->table();
    for (int row = 0; row < t->rowCount(); ++row)
        if (t->item(row, NodesPage::NameColumn) && t->item(row, NodesPage::NameColumn)->text() == name)
            return row;
    return -1;
}

void TestNodesPage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    tidemark::test::isolateSettings(m_dir);
    QString error;
    QVERIFY2(tidemark::test::makeDemo(m_dir, 0, m_demo, error, 20000), qPrintable(error));
    // The receiving node: a second SQLite file.
    m_nodeFile = m_dir.filePath(QStringLiteral("replica.db"));
    QFile file(m_nodeFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    m_client = tidemark::test::makeClient();
    QVERIFY2(m_client->schemes().contains(QStringLiteral("sqlite")), "the SQLite connector plugin was not loaded");
    MainWindowOptions options;
    options.storePath = m_demo.store;
    options.offerDemo = false;
    options.scanIntervalSeconds = 3600; // one scan on connecting; the test drives the rest
    m_window = std::make_unique<MainWindow>(m_client.get(), options);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_COMPARE_WITH_TIMEOUT(m_window->currentConnection(), m_demo.uri, 30000);
}

void TestNodesPage::pageIsOneShortcutAway()
{
    m_window->activateWindow();
    QTest::keyClick(m_window.get(), Qt::Key_9, Qt::ControlModifier);
    QCOMPARE(m_window->currentPage(), MainWindow::NodesIndex);
    NodesPage *page = m_window->nodesPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->hasList(), 20000);
    QCOMPARE(page->nodes().size(), 0);
    QVERIFY(page->findChild<QWidget *>(QStringLiteral("nodesEmpty"))->isVisible());
    QVERIFY2(page->errorText().isEmpty(), qPrintable(page->errorText()));
}

void TestNodesPage::addedNodeIsListed()
{
    NodesPage *page = m_window->nodesPage();
    m_window->showPage(MainWindow::NodesIndex);
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("addNode")), Qt::LeftButton);
    NodeDialog *dialog = waitForDialog();
    QVERIFY(dialog);
    // The saved connections are offered.
    QVERIFY(dialog->uriBox()->findText(m_demo.uri) >= 0);
    QTest::keyClicks(dialog->nameEdit(), QStringLiteral("replica-east"));
    dialog->uriBox()->setCurrentText(QStringLiteral("sqlite://") + m_nodeFile);
    dialog->roleBox()->setCurrentIndex(dialog->roleBox()->findData(QStringLiteral("replica")));
    QTest::keyClicks(dialog->diskEdit(), QStringLiteral("500G"));
    dialog->coresBox()->setValue(8);
    QTest::keyClicks(dialog->memoryEdit(), QStringLiteral("64GiB"));
    QTest::keyClicks(dialog->notesEdit(), QStringLiteral("reporting copy"));
    QSignalSpy saved(m_client.get(), &EngineClient::nodeSaved);
    save(dialog);
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(page->nodes().size(), 1, 20000);
    QVERIFY(!page->openDialog());

    QTableWidget *t = page->table();
    QVERIFY(t->isVisible());
    const int row = rowOf(QStringLiteral("replica-east"));
    QVERIFY(row >= 0);
    QCOMPARE(t->item(row, NodesPage::ConnectionColumn)->text(), QStringLiteral("sqlite://") + m_nodeFile);
    QCOMPARE(t->item(row, NodesPage::RoleColumn)->text(), QStringLiteral("replica"));
    QCOMPARE(t->item(row, NodesPage::DiskColumn)->text(), QStringLiteral("500.0 GiB"));
    QCOMPARE(t->item(row, NodesPage::CoresColumn)->text(), QStringLiteral("8"));
    QCOMPARE(t->item(row, NodesPage::MemoryColumn)->text(), QStringLiteral("64.0 GiB"));
    QCOMPARE(t->item(row, NodesPage::ReadingColumn)->text(), QStringLiteral("no reading yet"));
    QCOMPARE(t->item(row, NodesPage::NotesColumn)->text(), QStringLiteral("reporting copy"));

    const auto nodes = stored();
    QCOMPARE(nodes.size(), std::size_t(1));
    QCOMPARE(nodes[0].name, std::string("replica-east"));
    QCOMPARE(nodes[0].role, tidemark::NodeRole::Replica);
    QCOMPARE(nodes[0].diskBytes.value_or(0), std::int64_t(500) << 30);
    QCOMPARE(nodes[0].cores.value_or(0), 8);
    QCOMPARE(nodes[0].memoryBytes.value_or(0), std::int64_t(64) << 30);

    // A reading of the node's own load (as the node monitor stores it) shows once the page reads the catalogue again.
    {
        auto store = tidemark::MetadataStore::open(m_demo.store.toStdString());
        QVERIFY(store);
        tidemark::NodeSample sample;
        sample.timestampMs = QDateTime::currentMSecsSinceEpoch();
        sample.activeSessions = 3;
        sample.sessions = 40;
        sample.databaseBytes = std::int64_t(3) << 30;
        QVERIFY((*store)->addNodeSample(nodes[0].connectionId, sample));
    }
    page->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(t->item(rowOf(QStringLiteral("replica-east")), NodesPage::ReadingColumn)
                                 ->text()
                                 .startsWith(QLatin1String("3 of 40 sessions active, 3.0 GiB of data (read ")),
                             20000);
}

void TestNodesPage::passwordIsNotShown()
{
    NodesPage *page = m_window->nodesPage();
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("addNode")), Qt::LeftButton);
    NodeDialog *dialog = waitForDialog();
    QVERIFY(dialog);
    QTest::keyClicks(dialog->nameEdit(), QStringLiteral("shard-9"));
    dialog->uriBox()->setCurrentText(QStringLiteral("postgresql://dba:s3cret@db9.example:5432/app"));
    dialog->roleBox()->setCurrentIndex(dialog->roleBox()->findData(QStringLiteral("shard")));
    save(dialog);
    QTRY_COMPARE_WITH_TIMEOUT(page->nodes().size(), 2, 20000);
    const int row = rowOf(QStringLiteral("shard-9"));
    QVERIFY(row >= 0);
    const QString shown = page->table()->item(row, NodesPage::ConnectionColumn)->text();
    QVERIFY2(!shown.contains(QLatin1String("s3cret")), qPrintable(shown));
    QVERIFY2(shown.contains(QLatin1String("dba@db9.example")), qPrintable(shown));
    QCOMPARE(page->table()->item(row, NodesPage::DiskColumn)->text(), QStringLiteral("—"));
    for (const auto &n : stored())
        QVERIFY2(n.connectionUri.find("s3cret") == std::string::npos, n.connectionUri.c_str());
}

void TestNodesPage::badDiskSizeIsRefusedAndNothingSaved()
{
    NodesPage *page = m_window->nodesPage();
    QSignalSpy saved(m_client.get(), &EngineClient::nodeSaved);
    page->table()->setFocus();
    page->table()->selectRow(rowOf(QStringLiteral("replica-east")));
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("editNode")), Qt::LeftButton);
    NodeDialog *dialog = waitForDialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->diskEdit()->text(), QStringLiteral("500.0GiB"));
    dialog->diskEdit()->setText(QStringLiteral("500 gigs"));
    save(dialog);
    // Still open, saying what is wrong and what to do.
    QVERIFY(dialog->isVisible());
    const QString problem = dialog->problem();
    QVERIFY2(problem.contains(QLatin1String("Disk")) && problem.contains(QLatin1String("500 gigs")) &&
                 problem.contains(QLatin1String("500G")),
             qPrintable(problem));
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("nodeDialogProblem"))->isVisible());
    QCOMPARE(dialog->focusWidget(), dialog->diskEdit()); // back at the field to change
    // Zero is no size either.
    dialog->diskEdit()->setText(QStringLiteral("0"));
    save(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY2(dialog->problem().contains(QLatin1String("\"0\"")), qPrintable(dialog->problem()));
    // A name another node has is refused the same way.
    dialog->diskEdit()->setText(QStringLiteral("500G"));
    dialog->nameEdit()->setText(QStringLiteral("shard-9"));
    save(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY2(dialog->problem().contains(QLatin1String("already used")), qPrintable(dialog->problem()));
    dialog->reject();
    QTRY_VERIFY(!page->openDialog());
    // Nothing reached the store.
    QTest::qWait(0);
    QCOMPARE(saved.count(), 0);
    for (const auto &n : stored())
        if (n.name == "replica-east")
            QCOMPARE(n.diskBytes.value_or(0), std::int64_t(500) << 30);
}

void TestNodesPage::enterEditsTheNode()
{
    NodesPage *page = m_window->nodesPage();
    QTableWidget *t = page->table();
    t->setFocus();
    t->selectRow(rowOf(QStringLiteral("replica-east")));
    t->setCurrentCell(rowOf(QStringLiteral("replica-east")), 0);
    QTest::keyClick(t, Qt::Key_Return);
    NodeDialog *dialog = waitForDialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->nameEdit()->text(), QStringLiteral("replica-east"));
    dialog->nameEdit()->setText(QStringLiteral("archive-1"));
    dialog->roleBox()->setCurrentIndex(dialog->roleBox()->findData(QStringLiteral("archive")));
    dialog->diskEdit()->setText(QStringLiteral("1.5T"));
    QSignalSpy listed(m_client.get(), &EngineClient::nodesListed);
    save(dialog);
    QTRY_VERIFY_WITH_TIMEOUT(listed.count() >= 1 && rowOf(QStringLiteral("archive-1")) >= 0, 20000);
    QCOMPARE(rowOf(QStringLiteral("replica-east")), -1);
    const int row = rowOf(QStringLiteral("archive-1"));
    QCOMPARE(t->item(row, NodesPage::DiskColumn)->text(), QStringLiteral("1.5 TiB"));
    QCOMPARE(t->item(row, NodesPage::RoleColumn)->text(), QStringLiteral("archive"));
    QCOMPARE(t->item(row, NodesPage::MemoryColumn)->text(), QStringLiteral("64.0 GiB")); // kept
    const auto nodes = stored();
    QCOMPARE(nodes.size(), std::size_t(2));
    const auto it = std::find_if(nodes.begin(), nodes.end(), [](const auto &n) { return n.name == "archive-1"; });
    QVERIFY(it != nodes.end());
    QCOMPARE(it->diskBytes.value_or(0), std::int64_t(1536) << 30);
    QCOMPARE(it->role, tidemark::NodeRole::Archive);
    QCOMPARE(it->connectionUri, (QStringLiteral("sqlite://") + m_nodeFile).toStdString());
}

void TestNodesPage::editMovesTheNodeToAnotherConnection()
{
    const QString moved = m_dir.filePath(QStringLiteral("archive.db"));
    QFile file(moved);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    NodesPage *page = m_window->nodesPage();
    QTableWidget *t = page->table();
    t->setFocus();
    t->selectRow(rowOf(QStringLiteral("archive-1")));
    QTest::mouseClick(page->findChild<QPushButton *>(QStringLiteral("editNode")), Qt::LeftButton);
    NodeDialog *dialog = waitForDialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->uriBox()->currentText(), QStringLiteral("sqlite://") + m_nodeFile);
    dialog->uriBox()->setCurrentText(QStringLiteral("sqlite://") + moved);
    QSignalSpy saved(m_client.get(), &EngineClient::nodeSaved);
    save(dialog);
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(QStringLiteral("archive-1")) >= 0 &&
                                 t->item(rowOf(QStringLiteral("archive-1")), NodesPage::ConnectionColumn)->text() ==
                                     QStringLiteral("sqlite://") + moved,
                             20000);
    // One node of that name, on the new connection, with its figures.
    const auto nodes = stored();
    QCOMPARE(nodes.size(), std::size_t(2));
    const auto it = std::find_if(nodes.begin(), nodes.end(), [](const auto &n) { return n.name == "archive-1"; });
    QVERIFY(it != nodes.end());
    QCOMPARE(it->connectionUri, (QStringLiteral("sqlite://") + moved).toStdString());
    QCOMPARE(it->diskBytes.value_or(0), std::int64_t(1536) << 30);
    QCOMPARE(it->memoryBytes.value_or(0), std::int64_t(64) << 30);
    QCOMPARE(it->notes, std::string("reporting copy"));
}

void TestNodesPage::planFromMenu(bool move, const QString &node)
{
    m_window->showPage(MainWindow::HeatmapIndex);
    HeatmapPage *heatmapPage = m_window->heatmapPage();
    auto *heatmap = heatmapPage->heatmap();
    QTRY_COMPARE_WITH_TIMEOUT(heatmap->data().rowCount(), 40, 60000);
    const int row = 3;
    Q_EMIT heatmap->customContextMenuRequested(QPoint(4, heatmap->cellRect(row, 0).center().y()));
    QMenu *menu = nullptr;
    QTRY_VERIFY((menu = heatmap->viewport()->findChild<QMenu *>()) != nullptr);
    QAction *action = nullptr;
    for (QAction *a : menu->actions())
        if (a->objectName() == (move ? QStringLiteral("moveToNode") : QStringLiteral("copyToNode")))
            action = a;
    QVERIFY(action);
    QVERIFY(action->isEnabled());
    action->trigger();
    menu->close();
    CopyToNodeDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = heatmapPage->findChild<CopyToNodeDialog *>()) != nullptr);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isReady(), 20000);
    QCOMPARE(dialog->isMove(), move);
    // Every node but the partition's own database is offered.
    QCOMPARE(dialog->nodeBox()->count(), 2);
    const int index = dialog->nodeBox()->findData(node);
    QVERIFY(index >= 0);
    dialog->nodeBox()->setCurrentIndex(index);
    dialog->accept();
}

void TestNodesPage::copyOnSqliteRunsFromPlanReview()
{
    // A copy to another SQLite file: planned from the menu, shown on Plan
    // review, approved and executed there; the rows land in that file.
    QSignalSpy planned(m_client.get(), &EngineClient::copyPlanned);
    planFromMenu(false, QStringLiteral("archive-1"));
    QTRY_COMPARE_WITH_TIMEOUT(planned.count(), 1, 60000);
    PlanReviewPage *plans = m_window->planPage();
    QTRY_COMPARE_WITH_TIMEOUT(m_window->currentPage(), MainWindow::PlanIndex, 60000);
    QTRY_COMPARE_WITH_TIMEOUT(plans->plan().kind, std::string("copy"), 20000);
    const tidemark::Plan plan = plans->plan();
    QCOMPARE(plan.steps.size(), std::size_t(1));
    QCOMPARE(plan.steps[0].kind, tidemark::StepKind::Copy);
    const QString ran = tidemark::test::approveAndExecute(plans, m_client.get(), 300000);
    QVERIFY2(ran.isEmpty(), qPrintable(ran));
    QTRY_COMPARE(plans->plan().status, tidemark::PlanStatus::Done);
    // Counted through connections of their own.
    auto count = [](const QString &file, const std::string &table) -> qint64 {
        sqlite3 *db = nullptr;
        qint64 n = -1;
        if (sqlite3_open_v2(file.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
            sqlite3_stmt *st = nullptr;
            const std::string sql = "SELECT count(*) FROM \"" + table + "\"";
            if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
                n = sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
        }
        sqlite3_close_v2(db);
        return n;
    };
    auto store = tidemark::MetadataStore::open(m_demo.store.toStdString());
    QVERIFY(store);
    auto node = (*store)->findNode("archive-1");
    QVERIFY(node && *node);
    const QString target = QString::fromStdString((*node)->connectionUri).mid(int(std::strlen("sqlite://")));
    const std::string partition = plan.steps[0].sources.front();
    const QString source = m_demo.uri.mid(int(std::strlen("sqlite://")));
    QVERIFY(count(target, partition) > 0);
    QCOMPARE(count(target, partition), count(source, partition));
}

void TestNodesPage::moveOnSqliteShowsThePlannersReason()
{
    HeatmapPage *heatmapPage = m_window->heatmapPage();
    QSignalSpy failed(m_client.get(), &EngineClient::failed);
    planFromMenu(true, QStringLiteral("archive-1"));
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() >= 1, 60000);
    const auto error = failed.last().at(1).value<EngineError>();
    QCOMPARE(failed.last().at(0).value<EngineOp>(), EngineOp::Copy);
    QCOMPARE(error.code, tidemark::ErrorCode::Unsupported);
    const QString text = heatmapPage->errorText();
    QVERIFY2(text.contains(QLatin1String("cannot move a partition to another node")), qPrintable(text));
    QVERIFY2(text.contains(error.message), qPrintable(text));
    QCOMPARE(m_window->currentPage(), MainWindow::HeatmapIndex);
    // No move plan was stored.
    auto store = tidemark::MetadataStore::open(m_demo.store.toStdString());
    QVERIFY(store);
    auto connection = (*store)->findConnection(m_demo.uri.toStdString());
    QVERIFY(connection && *connection);
    auto plans = (*store)->plans((*connection)->id, 50);
    QVERIFY(plans);
    for (const auto &p : *plans)
        QVERIFY2(p.kind != "move", p.summary.c_str());
}

void TestNodesPage::refusedSaveShowsInTheBannerAndKeepsTheNode()
{
    // The engine's own refusal (a name another connection's node has), past
    // the dialog's checks: archive-1 moving to a new connection under the
    // name shard-9 is refused, and archive-1 stays as it was.
    m_window->showPage(MainWindow::NodesIndex);
    NodesPage *page = m_window->nodesPage();
    QTRY_COMPARE_WITH_TIMEOUT(page->nodes().size(), 2, 20000);
    tidemark::Node before;
    for (const auto &n : stored())
        if (n.name == "archive-1")
            before = n;
    QVERIFY(before.id != 0);
    tidemark::Node renamed = before;
    renamed.name = "shard-9";
    renamed.connectionUri = (QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("third.db"))).toStdString();
    QSignalSpy failed(m_client.get(), &EngineClient::failed);
    m_client->saveNode(renamed, QStringLiteral("archive-1"));
    QTRY_VERIFY_WITH_TIMEOUT(!page->errorText().isEmpty(), 20000);
    QVERIFY2(page->errorText().contains(QLatin1String("already used")), qPrintable(page->errorText()));
    QCOMPARE(failed.last().at(0).value<EngineOp>(), EngineOp::Nodes);
    const auto nodes = stored();
    QCOMPARE(nodes.size(), std::size_t(2));
    const auto it = std::find_if(nodes.begin(), nodes.end(), [](const auto &n) { return n.name == "archive-1"; });
    QVERIFY(it != nodes.end());
    QCOMPARE(it->connectionUri, before.connectionUri);
    QCOMPARE(it->diskBytes, before.diskBytes);
    QCOMPARE(it->role, before.role);
    // The next change that goes through clears the banner.
    page->refresh();
    m_client->saveNode(before);
    QTRY_VERIFY_WITH_TIMEOUT(page->errorText().isEmpty(), 20000);
}

void TestNodesPage::deleteRemovesAfterConfirmation()
{
    m_window->showPage(MainWindow::NodesIndex);
    NodesPage *page = m_window->nodesPage();
    QTableWidget *t = page->table();
    QTRY_COMPARE_WITH_TIMEOUT(page->nodes().size(), 2, 20000);
    t->setFocus();
    t->selectRow(rowOf(QStringLiteral("shard-9")));
    // Delete asks first; Cancel keeps the node.
    QTest::keyClick(t, Qt::Key_Delete);
    QMessageBox *ask = nullptr;
    QTRY_VERIFY((ask = page->findChild<QMessageBox *>(QStringLiteral("removeNodeConfirmation"))) != nullptr);
    QVERIFY(ask->text().contains(QLatin1String("shard-9")));
    QTest::mouseClick(ask->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!page->findChild<QMessageBox *>(QStringLiteral("removeNodeConfirmation")));
    QCOMPARE(stored().size(), std::size_t(2));

    QSignalSpy removed(m_client.get(), &EngineClient::nodeRemoved);
    t->setFocus();
    t->selectRow(rowOf(QStringLiteral("shard-9")));
    QTest::keyClick(t, Qt::Key_Delete);
    QTRY_VERIFY((ask = page->findChild<QMessageBox *>(QStringLiteral("removeNodeConfirmation"))) != nullptr);
    QTest::mouseClick(ask->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(removed.count(), 1, 20000);
    QCOMPARE(removed.first().at(0).toString(), QStringLiteral("shard-9"));
    QTRY_COMPARE_WITH_TIMEOUT(page->nodes().size(), 1, 20000);
    QCOMPARE(rowOf(QStringLiteral("shard-9")), -1);
    const auto nodes = stored();
    QCOMPARE(nodes.size(), std::size_t(1));
    QCOMPARE(nodes[0].name, std::string("archive-1"));
    QVERIFY2(page->errorText().isEmpty(), qPrintable(page->errorText()));
}

void TestNodesPage::cleanupTestCase()
{
    m_window.reset();
    m_client.reset();
}

QTEST_MAIN(TestNodesPage)
#include "tst_nodes_page.moc"
