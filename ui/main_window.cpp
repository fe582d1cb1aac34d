#include "main_window.h"

#include <algorithm>

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QToolBar>

#include "connections_page.h"
#include "demo_workload.h"
#include "engine_client.h"
#include "forecast_page.h"
#include "heatmap_page.h"
#include "history_page.h"
#include "nodes_page.h"
#include "overview_page.h"
#include "plan_review_page.h"
#include "prebackup_dialog.h"
#include "segments_page.h"
#include "settings_page.h"
#include "volatility_heatmap.h"

namespace tidemark::ui {

MainWindow::MainWindow(EngineClient *client, MainWindowOptions options, QWidget *parent)
    : QMainWindow(parent)
    , m_client(client)
    , m_options(std::move(options))
    , m_demo(new DemoWorkload(this))
    , m_nav(new QListWidget(this))
    , m_stack(new QStackedWidget(this))
    , m_connectionBox(new QComboBox(this))
    , m_state(new QLabel(tr("Idle"), this))
    , m_overview(new OverviewPage(client, this))
    , m_heatmap(new HeatmapPage(client, this))
    , m_plan(new PlanReviewPage(client, this))
    , m_history(new HistoryPage(client, this))
    , m_settings(new SettingsPage(client, this))
    , m_connections(new ConnectionsPage(client, this))
    , m_forecasts(new ForecastPage(client, this))
    , m_segments(new SegmentsPage(client, this))
    , m_nodes(new NodesPage(client, this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Tidemark"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/tidemark.svg")));
    const struct {
        QWidget *page;
        QString title;
        QString icon;
    } pages[] = {
        {m_overview, tr("Overview"), QStringLiteral("overview")},
        {m_heatmap, tr("Heatmap"), QStringLiteral("heatmap")},
        {m_plan, tr("Plan review"), QStringLiteral("plan")},
        {m_history, tr("History"), QStringLiteral("history")},
        {m_settings, tr("Settings"), QStringLiteral("settings")},
        {m_connections, tr("Connections"), QStringLiteral("connection")},
        {m_forecasts, tr("Forecasts"), QStringLiteral("heatmap")},
        {m_segments, tr("Compaction queue"), QStringLiteral("history")},
        {m_nodes, tr("Nodes"), QStringLiteral("connection")},
    };
    for (const auto &p : pages) {
        m_stack->addWidget(p.page);
        new QListWidgetItem(QIcon(QStringLiteral(":/icons/%1.svg").arg(p.icon)), p.title, m_nav);
    }
    m_nav->setAccessibleName(tr("Pages"));
    m_nav->setIconSize(QSize(24, 24));
    m_nav->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);
    connect(m_nav, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    auto *split = new QSplitter(this);
    split->setObjectName(QStringLiteral("mainSplitter"));
    split->addWidget(m_nav);
    split->addWidget(m_stack);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    split->setSizes({m_nav->sizeHintForColumn(0) + 24, 1000});
    setCentralWidget(split);

    m_connectionBox->setAccessibleName(tr("Connection"));
    m_connectionBox->setMinimumContentsLength(32);
    m_connectionBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    connect(m_connectionBox, &QComboBox::activated, this,
            [this](int i) { setConnection(m_connectionBox->itemData(i).toString()); });
    statusBar()->addPermanentWidget(m_state);
    buildActions();
    m_nav->setCurrentRow(0);

    connect(client, &EngineClient::stateChanged, m_state, &QLabel::setText);
    connect(client, &EngineClient::storeOpened, this,
            [this](const QString &, const QStringList &recovery) { onStoreOpened(recovery); });
    connect(client, &EngineClient::connectionsListed, this, &MainWindow::onConnections);
    connect(client, &EngineClient::failed, this, [this](EngineOp op, const EngineError &error) {
        if (op == EngineOp::OpenStore)
            QMessageBox::critical(this, tr("The metadata store cannot be opened"), error.text());
        statusBar()->showMessage(error.message, 10000);
    });
    connect(m_overview, &OverviewPage::reviewPlanRequested, this, [this](qint64 id) {
        m_plan->showPlan(id);
        showPage(PlanIndex);
    });
    connect(m_segments, &SegmentsPage::reviewPlanRequested, this, [this](qint64 id) {
        m_plan->showPlan(id);
        showPage(PlanIndex);
    });
    connect(m_heatmap, &HeatmapPage::reviewPlanRequested, this, [this](qint64 id) {
        m_plan->showPlan(id);
        showPage(PlanIndex);
    });
    connect(m_history, &HistoryPage::reviewPlanRequested, this, [this](qint64 id) {
        m_plan->showPlan(id);
        showPage(PlanIndex);
    });
    connect(m_overview, &OverviewPage::partitionActivated, this, [this](const QString &table, const QString &p) {
        m_heatmap->selectPartition(table, p);
        showPage(HeatmapIndex);
    });
    connect(m_heatmap, &HeatmapPage::forecastRequested, this, [this](const QString &table, const QString &p) {
        m_forecasts->selectPartition(table, p);
        showPage(ForecastsIndex);
    });
    connect(client, &EngineClient::scanned, this,
            [this](const ScanSnapshot &snap) { applyCapabilities(snap.uri, snap.capabilities); });
    connect(m_connections, &ConnectionsPage::connectionChosen, this, &MainWindow::setConnection);
    connect(m_connections, &ConnectionsPage::demoRequested, this, &MainWindow::openDemo);
    connect(m_connections, &ConnectionsPage::connectionRemoved, this, [this](const QString &uri) {
        if (uri == m_uri)
            setConnection(QString());
    });
    connect(m_demo, &DemoWorkload::demoReady, this, [this](const QString &uri) {
        statusBar()->clearMessage();
        m_client->addConnection(uri);
        setConnection(uri);
        if (m_options.demoLoadSeconds > 0 && !m_options.demoLog)
            m_demo->startLoad(uri.mid(int(qstrlen("sqlite://"))), m_client->storePath(), m_options.demoLoadSeconds);
    });
    connect(m_demo, &DemoWorkload::failed, this,
            [this](const QString &message) { QMessageBox::warning(this, tr("Demo database"), message); });
    m_heatmap->setScanIntervalOverride(m_options.scanIntervalSeconds);

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    split->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1200, 800);

    client->openStore(m_options.storePath);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions()
{
    auto *fileMenu = menuBar()->addMenu(tr("&File"));
    auto *demo = fileMenu->addAction(tr("Open the &demo database"), this, &MainWindow::openDemo);
    demo->setShortcut(QKeySequence(tr("Ctrl+D")));
    auto *newConnection =
        fileMenu->addAction(QIcon(QStringLiteral(":/icons/connection.svg")), tr("&New connection…"), this, [this] {
            showPage(ConnectionsIndex);
            m_connections->focusBuilder();
        });
    newConnection->setShortcut(QKeySequence::New);
    fileMenu->addSeparator();
    auto *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    auto *viewMenu = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < PageCount; ++i) {
        auto *a = viewMenu->addAction(m_nav->item(i)->text(), this, [this, i] { showPage(Page(i)); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        a->setIcon(m_nav->item(i)->icon());
    }
    viewMenu->addSeparator();
    auto *zoomIn = viewMenu->addAction(tr("Zoom &in on time"), this, [this] {
        showPage(HeatmapIndex);
        m_heatmap->heatmap()->zoomIn();
    });
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    auto *zoomOut = viewMenu->addAction(tr("Zoom &out on time"), this, [this] {
        showPage(HeatmapIndex);
        m_heatmap->heatmap()->zoomOut();
    });
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    auto *fit = viewMenu->addAction(tr("&Fit the whole time range"), this, [this] {
        showPage(HeatmapIndex);
        m_heatmap->heatmap()->fitTime();
    });
    fit->setShortcut(QKeySequence(tr("Ctrl+0")));

    auto *planMenu = menuBar()->addMenu(tr("&Plan"));
    auto *scan = planMenu->addAction(QIcon(QStringLiteral(":/icons/scan.svg")), tr("&Scan now"), m_heatmap,
                                     &HeatmapPage::scanNow);
    scan->setShortcut(QKeySequence::Refresh);
    // Scans, plans, tests and forecasts wait on a server; this stops them
    // (a plan's execution has its own, safe cancel below).
    auto *stop = planMenu->addAction(QIcon(QStringLiteral(":/icons/cancel.svg")), tr("S&top waiting"), m_client,
                                     &EngineClient::cancelAll);
    stop->setObjectName(QStringLiteral("stopRequests"));
    stop->setToolTip(tr("Stop the scan, plan, connection test or forecast that is waiting on a database (Esc)"));
    stop->setShortcut(QKeySequence::Cancel);
    stop->setEnabled(false);
    connect(m_client, &EngineClient::stateChanged, stop,
            [this, stop] { stop->setEnabled(m_client->pendingRequests() > 0); });
    auto *propose = planMenu->addAction(QIcon(QStringLiteral(":/icons/plan.svg")), tr("&Propose a plan"), this, [this] {
        showPage(PlanIndex);
        m_plan->proposePlan();
    });
    propose->setShortcut(QKeySequence(tr("Ctrl+P")));
    propose->setObjectName(QStringLiteral("proposePlan"));
    auto *approve = planMenu->addAction(QIcon(QStringLiteral(":/icons/approve.svg")), tr("&Approve…"), this, [this] {
        showPage(PlanIndex);
        m_plan->approve();
    });
    approve->setShortcut(QKeySequence(tr("Ctrl+Shift+A")));
    approve->setObjectName(QStringLiteral("approvePlan"));
    auto *reject = planMenu->addAction(QIcon(QStringLiteral(":/icons/reject.svg")), tr("&Reject…"), this, [this] {
        showPage(PlanIndex);
        m_plan->reject();
    });
    reject->setShortcut(QKeySequence(tr("Ctrl+Shift+R")));
    reject->setObjectName(QStringLiteral("rejectPlan"));
    auto *execute = planMenu->addAction(QIcon(QStringLiteral(":/icons/execute.svg")), tr("&Execute"), this, [this] {
        showPage(PlanIndex);
        m_plan->execute();
    });
    execute->setShortcut(QKeySequence(tr("Ctrl+E")));
    execute->setObjectName(QStringLiteral("executePlan"));
    auto *cancel = planMenu->addAction(QIcon(QStringLiteral(":/icons/cancel.svg")), tr("&Cancel execution"), m_plan,
                                       &PlanReviewPage::cancel);
    cancel->setShortcut(QKeySequence(tr("Ctrl+Shift+X")));
    cancel->setObjectName(QStringLiteral("cancelExecution"));
    auto *save = planMenu->addAction(tr("Sa&ve settings"), this, [this] {
        showPage(SettingsIndex);
        m_settings->save();
    });
    save->setShortcut(QKeySequence::Save);
    planMenu->addSeparator();
    const auto backupDialog = [this](tidemark::BackupPhase phase) {
        if (m_uri.isEmpty())
            return showPage(ConnectionsIndex);
        // One at a time: the engine runs one preparation or apply at once.
        if (auto *open = findChild<PreBackupDialog *>())
            return open->raise();
        auto *dialog = new PreBackupDialog(m_client, m_uri, phase, this);
        dialog->show();
    };
    auto *optimize = planMenu->addAction(QIcon(QStringLiteral(":/icons/execute.svg")), tr("&Optimize before backup…"),
                                         this, [backupDialog] { backupDialog(tidemark::BackupPhase::PreBackup); });
    optimize->setObjectName(QStringLiteral("optimizeBeforeBackup"));
    optimize->setShortcut(QKeySequence(tr("Ctrl+B")));
    auto *rebalance = planMenu->addAction(tr("Post-backup &rebalance…"), this,
                                          [backupDialog] { backupDialog(tidemark::BackupPhase::PostBackup); });
    rebalance->setObjectName(QStringLiteral("postBackupRebalance"));
    rebalance->setShortcut(QKeySequence(tr("Ctrl+Shift+B")));
    // Toolbar buttons say what they do and how to reach it from the keyboard.
    for (QAction *a : {scan, propose, approve, reject, execute, cancel, optimize}) {
        const QString keys = a->shortcut().toString(QKeySequence::NativeText);
        if (!a->toolTip().contains(keys))
            a->setToolTip(tr("%1 (%2)").arg(QString(a->text()).remove(QLatin1Char('&')).remove(QChar(0x2026)), keys));
    }
    for (QAction *a : {propose, approve, execute, optimize, rebalance})
        m_repartitionActions.append({a, a->toolTip()});
    using A = PlanReviewPage::Action;
    m_planActions = {{propose, int(A::Propose)},
                     {approve, int(A::Approve)},
                     {reject, int(A::Reject)},
                     {execute, int(A::Execute)},
                     {cancel, int(A::Cancel)}};
    for (const auto &[action, what] : std::as_const(m_planActions))
        action->setEnabled(true); // updateActions() narrows it
    connect(m_plan, &PlanReviewPage::actionsChanged, this, &MainWindow::updateActions);
    updateActions();

    auto *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu
        ->addAction(tr("&Keyboard shortcuts"), this,
                    [this] {
                        QStringList lines;
                        for (QAction *menu : menuBar()->actions())
                            for (QAction *a : menu->menu()->actions())
                                if (!a->shortcut().isEmpty())
                                    lines << tr("%1\t%2").arg(a->shortcut().toString(QKeySequence::NativeText),
                                                              a->text().remove(QLatin1Char('&')));
                        QMessageBox::information(this, tr("Keyboard shortcuts"), lines.join(QLatin1Char('\n')));
                    })
        ->setShortcut(QKeySequence::HelpContents);
    helpMenu->addAction(tr("&About Tidemark"), this, [this] {
        QMessageBox::about(this, tr("About Tidemark"),
                           tr("Tidemark %1\nWatches how partitions are written, proposes splits and merges before "
                              "backups, and runs them only after you approve.")
                               .arg(QApplication::applicationVersion()));
    });

    auto *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    auto *connLabel = new QLabel(tr("Co&nnection:"), this);
    connLabel->setBuddy(m_connectionBox);
    toolbar->addWidget(connLabel);
    toolbar->addWidget(m_connectionBox);
    toolbar->addSeparator();
    toolbar->addActions({scan, stop, propose, approve, execute, cancel, optimize});
}

void MainWindow::showPage(Page page)
{
    m_nav->setCurrentRow(page);
}
MainWindow::Page MainWindow::currentPage() const
{
    return Page(m_stack->currentIndex());
}

void MainWindow::onStoreOpened(const QStringList &recovery)
{
    if (!recovery.isEmpty())
        QMessageBox::information(this, tr("Interrupted work was settled"), recovery.join(QLatin1Char('\n')));
    if (!m_options.demoPath.isEmpty()) {
        startDemo(m_options.demoPath);
        return;
    }
    m_client->listConnections();
}

void MainWindow::onConnections(const QList<tidemark::Connection> &connections)
{
    m_connectionBox->clear();
    for (const auto &c : connections) {
        const QString uri = toQString(c.uri);
        const QString name = toQString(c.name);
        m_connectionBox->addItem(QIcon(QStringLiteral(":/icons/connection.svg")),
                                 name.isEmpty() || name == uri ? uri : name, uri);
        m_connectionBox->setItemData(m_connectionBox->count() - 1, uri, Qt::ToolTipRole);
    }
    if (m_uri.isEmpty() && m_connectionBox->count() > 0) {
        const QString last = QSettings().value(QStringLiteral("connections/last")).toString();
        const int i = m_connectionBox->findData(last);
        setConnection(m_connectionBox->itemData(i >= 0 ? i : 0).toString());
    }
    m_connectionBox->setCurrentIndex(m_connectionBox->findData(m_uri));
    if (m_connectionBox->count() == 0 && m_options.offerDemo && !m_demoOffered) {
        m_demoOffered = true;
        auto *ask = new QMessageBox(QMessageBox::Question, tr("Welcome to Tidemark"),
                                    tr("There is no database to watch yet. Create the demo database (a SQLite file "
                                       "with a partitioned orders table and a workload that keeps it busy)?"),
                                    QMessageBox::Yes | QMessageBox::No, this);
        ask->button(QMessageBox::Yes)->setText(tr("Create the &demo"));
        ask->button(QMessageBox::No)->setText(tr("&Add my own database"));
        ask->setAttribute(Qt::WA_DeleteOnClose);
        connect(ask, &QMessageBox::finished, this, [this](int r) {
            if (r == QMessageBox::Yes)
                openDemo();
            else
                showPage(ConnectionsIndex);
        });
        ask->open();
    }
}

void MainWindow::openDemo()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    startDemo(QDir(dir).filePath(QStringLiteral("demo.db")));
}

void MainWindow::startDemo(const QString &path)
{
    statusBar()->showMessage(tr("Preparing the demo database %1…").arg(path));
    m_demo->ensureDemo(path, m_client->storePath(), m_options.demoRows, m_options.demoPartitions, m_options.demoLog);
}

void MainWindow::applyCapabilities(const QString &uri, const tidemark::ConnectorCapabilities &capabilities)
{
    if (uri != m_uri)
        return;
    m_canRepartition = capabilities.runs(tidemark::StepKind::Split) || capabilities.runs(tidemark::StepKind::Merge);
    m_whyNotRepartition = tr("This connection cannot split or merge partitions: %1")
                              .arg(toQString(capabilities.whyNot(tidemark::toString(tidemark::StepKind::Split))));
    updateActions();
}

void MainWindow::updateActions()
{
    for (const auto &[action, tip] : std::as_const(m_repartitionActions)) {
        action->setEnabled(m_canRepartition);
        action->setToolTip(m_canRepartition ? tip : m_whyNotRepartition);
        action->setStatusTip(m_canRepartition ? QString() : m_whyNotRepartition);
    }
    // Propose, Approve, Reject, Execute and Cancel only when the shown plan
    // (or its absence) allows it, as the plan page's own buttons do.
    for (const auto &[action, what] : std::as_const(m_planActions)) {
        const bool repartitions = std::any_of(m_repartitionActions.cbegin(), m_repartitionActions.cend(),
                                              [a = action](const auto &r) { return r.first == a; });
        action->setEnabled(m_plan->allows(PlanReviewPage::Action(what)) && (!repartitions || m_canRepartition));
    }
}

void MainWindow::setConnection(const QString &uri)
{
    if (uri == m_uri)
        return;
    m_uri = uri;
    // Until its first scan says otherwise, a connection may do everything.
    m_canRepartition = true;
    m_whyNotRepartition.clear();
    if (m_connectionBox->findData(uri) < 0 && !uri.isEmpty())
        m_connectionBox->addItem(QIcon(QStringLiteral(":/icons/connection.svg")), uri, uri);
    m_connectionBox->setCurrentIndex(m_connectionBox->findData(uri));
    m_overview->setConnection(uri);
    m_heatmap->setConnection(uri);
    m_plan->setConnection(uri);
    m_history->setConnection(uri);
    m_settings->setConnection(uri);
    m_forecasts->setConnection(uri);
    m_segments->setConnection(uri);
    updateActions();
    if (!uri.isEmpty())
        QSettings().setValue(QStringLiteral("connections/last"), uri);
    setWindowTitle(uri.isEmpty() ? tr("Tidemark") : tr("%1 — Tidemark").arg(uri));
    Q_EMIT connectionChanged(uri);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_client->isApplying()) {
        const auto answer = QMessageBox::question(
            this, tr("A plan is executing"),
            tr("Stop it safely and quit? The running step rolls back; finished steps stay done."));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        m_client->cancelApply();
    }
    m_demo->stopLoad();
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (auto *split = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        settings.setValue(QStringLiteral("window/splitter"), split->saveState());
    QMainWindow::closeEvent(event);
}

} // namespace tidemark::ui
