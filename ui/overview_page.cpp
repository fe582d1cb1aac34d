#include "overview_page.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "engine_client.h"
#include "partition_table_model.h"
#include "plan_history_model.h"

namespace tidemark::ui {

OverviewPage::OverviewPage(EngineClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_connection(new QLabel(this))
    , m_tables(new QLabel(this))
    , m_partitions(new QLabel(this))
    , m_size(new QLabel(this))
    , m_state(new QLabel(tr("Idle"), this))
    , m_forecasts(new QLabel(tr("No recorded forecast checked yet"), this))
    , m_plans(new QListWidget(this))
    , m_model(new PartitionTableModel(this))
    , m_hottest(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
{
    setObjectName(QStringLiteral("overviewPage"));
    for (QLabel *l : {m_connection, m_tables, m_partitions, m_size, m_state, m_forecasts})
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_forecasts->setObjectName(QStringLiteral("forecastTracking"));
    m_tables->setObjectName(QStringLiteral("overviewTables"));
    m_forecasts->setWordWrap(true);
    m_forecasts->setToolTip(tr("Checks of the write forecasts the pre-backup planner was given, against the samples "
                               "of their windows. A partition whose recent forecasts keep missing their 95 % band is "
                               "planned with the reactive rule (EWMA)."));
    m_connection->setText(tr("No connection selected"));
    auto *facts = new QGroupBox(tr("Database"), this);
    auto *form = new QFormLayout(facts);
    form->addRow(tr("Connection:"), m_connection);
    form->addRow(tr("Partitioned tables:"), m_tables);
    form->addRow(tr("Partitions:"), m_partitions);
    form->addRow(tr("Total size:"), m_size);
    form->addRow(tr("Write forecasts:"), m_forecasts);
    form->addRow(tr("Engine:"), m_state);

    auto *plansBox = new QGroupBox(tr("Plans waiting for approval or execution"), this);
    auto *plansLayout = new QVBoxLayout(plansBox);
    m_plans->setAccessibleName(tr("Open plans"));
    plansLayout->addWidget(m_plans);
    connect(m_plans, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { Q_EMIT reviewPlanRequested(item->data(Qt::UserRole).toLongLong()); });

    m_hottest->setSourceModel(m_model);
    m_hottest->setSortRole(PartitionTableModel::SortRole);
    m_hottest->sort(PartitionTableModel::ScoreColumn, Qt::DescendingOrder);
    m_view->setModel(m_hottest);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(PartitionTableModel::ScoreColumn, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->setAccessibleName(tr("Hottest partitions"));
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) {
        const auto &row = m_model->rowAt(m_hottest->mapToSource(index).row());
        Q_EMIT partitionActivated(row.table, toQString(row.partition.name));
    });
    auto *hotBox = new QGroupBox(tr("Hottest partitions (by volatility score)"), this);
    auto *hotLayout = new QVBoxLayout(hotBox);
    hotLayout->addWidget(m_view);

    auto *top = new QHBoxLayout;
    top->addWidget(facts, 1);
    top->addWidget(plansBox, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(hotBox, 1);

    connect(client, &EngineClient::scanned, this, [this](const ScanSnapshot &snap) {
        if (snap.uri == m_uri)
            showSnapshot(snap);
    });
    connect(client, &EngineClient::stateChanged, m_state, &QLabel::setText);
    connect(client, &EngineClient::failed, this, [this](EngineOp op, const EngineError &error) {
        if (op != EngineOp::Scan || m_uri.isEmpty() || m_model->rowCount() > 0 ||
            (!error.uri.isEmpty() && error.uri != m_uri))
            return;
        m_tables->setText(tr("cannot be read: %1").arg(error.message));
        m_partitions->clear();
        m_size->clear();
    });
}

QString OverviewPage::forecastTrackingText() const
{
    return m_forecasts->text();
}

void OverviewPage::setConnection(const QString &uri)
{
    if (uri != m_uri) {
        // Nothing of the previous database stays on screen under the new name.
        m_forecasts->setText(tr("No recorded forecast checked yet"));
        for (QLabel *l : {m_tables, m_partitions, m_size})
            l->setText(uri.isEmpty() ? QString() : tr("not read yet"));
        m_model->setScan(tidemark::ScanResult{});
        m_plans->clear();
    }
    m_uri = uri;
    m_connection->setText(uri.isEmpty() ? tr("No connection selected") : uri);
}

void OverviewPage::showSnapshot(const ScanSnapshot &snap)
{
    QStringList names;
    qint64 partitions = 0, bytes = 0;
    for (const auto &t : snap.scan.tables) {
        names << toQString(t.name);
        partitions += static_cast<qint64>(t.partitions.size());
        for (const auto &p : t.partitions)
            bytes += p.bytes;
    }
    const QLocale locale;
    m_tables->setText(names.isEmpty() ? tr("none found") : names.join(QStringLiteral(", ")));
    m_partitions->setText(locale.toString(partitions));
    m_size->setText(locale.formattedDataSize(bytes));
    m_model->setScan(snap.scan);
    const auto &tracking = snap.scan.forecastTracking;
    if (tracking.checked.empty()) {
        m_forecasts->setText(tr("No recorded forecast checked yet"));
    } else if (tracking.keepMissing.empty()) {
        m_forecasts->setText(tr("Partitions checked: %1; none keeps missing").arg(tracking.checked.size()));
    } else {
        // The count says how many; a few names suffice, so that thousands of
        // missing partitions do not stretch the page.
        constexpr qsizetype kNamesShown = 10;
        QStringList missing;
        for (const auto &[table, partition] : tracking.keepMissing) {
            if (missing.size() == kNamesShown) {
                missing << QStringLiteral("…");
                break;
            }
            missing << toQString(table) + QLatin1Char('.') + toQString(partition);
        }
        m_forecasts->setText(tr("Partitions checked: %2; keep missing: %1 — the pre-backup planner uses its reactive "
                                "rule (EWMA) for them: %3")
                                 .arg(tracking.keepMissing.size())
                                 .arg(tracking.checked.size())
                                 .arg(missing.join(QStringLiteral(", "))));
    }
    m_plans->clear();
    for (const auto &p : snap.openPlans) {
        auto *item = new QListWidgetItem(
            tr("Plan %1 (%2): %3").arg(p.id).arg(PlanHistoryModel::statusText(p.status), toQString(p.summary)),
            m_plans);
        item->setData(Qt::UserRole, static_cast<qlonglong>(p.id));
    }
    if (snap.openPlans.empty())
        (new QListWidgetItem(tr("No plan is waiting."), m_plans))->setFlags(Qt::NoItemFlags);
}

} // namespace tidemark::ui
