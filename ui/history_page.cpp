#include "history_page.h"

#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "engine_client.h"
#include "error_banner.h"
#include "plan_history_model.h"

namespace tidemark::ui {

namespace {
void setupView(QTableView *view)
{
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
}
} // namespace

HistoryPage::HistoryPage(EngineClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_plans(new PlanHistoryModel(this))
    , m_audit(new AuditLogModel(this))
    , m_planView(new QTableView(this))
    , m_auditView(new QTableView(this))
    , m_error(new ErrorBanner(this))
{
    setObjectName(QStringLiteral("historyPage"));
    m_planView->setModel(m_plans);
    m_auditView->setModel(m_audit);
    setupView(m_planView);
    setupView(m_auditView);
    m_planView->setAccessibleName(tr("Past plans"));
    m_auditView->setAccessibleName(tr("Audit trail of the selected plan"));
    auto *refreshButton = new QPushButton(tr("Re&fresh"), this);
    auto *open = new QPushButton(tr("&Open in plan review"), this);
    auto *plansBox = new QGroupBox(tr("Plans"), this);
    auto *pl = new QVBoxLayout(plansBox);
    pl->addWidget(m_planView);
    auto *auditBox = new QGroupBox(tr("Audit trail"), this);
    auto *al = new QVBoxLayout(auditBox);
    al->addWidget(m_auditView);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(plansBox);
    split->addWidget(auditBox);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(open);
    buttons->addWidget(refreshButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_error);
    layout->addWidget(split, 1);
    layout->addLayout(buttons);

    connect(refreshButton, &QPushButton::clicked, this, &HistoryPage::refresh);
    auto openCurrent = [this] {
        const QModelIndex i = m_planView->currentIndex();
        if (i.isValid())
            Q_EMIT reviewPlanRequested(m_plans->planAt(i.row()).id);
    };
    connect(open, &QPushButton::clicked, this, openCurrent);
    connect(m_planView, &QTableView::activated, this, openCurrent);
    connect(m_planView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &i) {
        if (i.isValid())
            m_client->loadAudit(m_plans->planAt(i.row()).id);
    });
    connect(client, &EngineClient::historyLoaded, this, [this](const QString &uri, const QList<tidemark::Plan> &plans) {
        if (uri != m_uri)
            return;
        m_error->clear();
        const qint64 keep = m_planView->currentIndex().isValid() ? m_plans->planAt(m_planView->currentIndex().row()).id : 0;
        m_plans->setPlans(plans);
        for (int r = 0; r < plans.size(); ++r)
            if (plans[r].id == keep)
                m_planView->selectRow(r);
    });
    connect(client, &EngineClient::auditLoaded, this,
            [this](qint64, const QList<tidemark::AuditEntry> &entries) { m_audit->setEntries(entries); });
    connect(client, &EngineClient::planChanged, this, [this] {
        if (isVisible())
            refresh();
    });
    connect(client, &EngineClient::failed, this, [this](EngineOp op, const EngineError &error) {
        if (op == EngineOp::History)
            m_error->showError(tr("Reading the history failed"), error);
    });
}

void HistoryPage::setConnection(const QString &uri)
{
    m_uri = uri;
    m_plans->setPlans({});
    m_audit->setEntries({});
    if (isVisible())
        refresh();
}

void HistoryPage::refresh()
{
    if (!m_uri.isEmpty())
        m_client->loadHistory(m_uri);
}

void HistoryPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

} // namespace tidemark::ui
