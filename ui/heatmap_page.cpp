#include "heatmap_page.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <map>
#include <set>

#include "copy_to_node_dialog.h"
#include "engine_client.h"
#include "error_banner.h"
#include "heatmap_legend.h"
#include "partition_table_model.h"
#include "volatility_heatmap.h"

namespace tidemark::ui {

using tidemark::widgets::HeatmapData;
using tidemark::widgets::HeatmapRow;

HeatmapPage::HeatmapPage(EngineClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_table(new QComboBox(this))
    , m_auto(new QCheckBox(tr("&Rescan automatically"), this))
    , m_scan(new QPushButton(tr("&Scan now"), this))
    , m_heatmap(new tidemark::widgets::VolatilityHeatmap(this))
    , m_legend(new tidemark::widgets::HeatmapLegend(this))
    , m_detail(new QLabel(this))
    , m_model(new PartitionTableModel(this))
    , m_view(new QTableView(this))
    , m_error(new ErrorBanner(this))
    , m_forecast(new QAction(tr("&Forecast this partition"), this))
    , m_copy(new QAction(tr("&Copy to node…"), this))
    , m_move(new QAction(tr("&Move to node…"), this))
{
    setObjectName(QStringLiteral("heatmapPage"));
    m_heatmap->setObjectName(QStringLiteral("heatmap"));
    m_table->setAccessibleName(tr("Table"));
    m_auto->setChecked(true);
    m_auto->setToolTip(tr("Sample the database at the connection's sampling interval"));
    m_scan->setToolTip(tr("Sample activity now (F5)"));
    auto *tableLabel = new QLabel(tr("&Table:"), this);
    tableLabel->setBuddy(m_table);
    auto zoomButton = [this](const QString &text, const QString &tip) {
        auto *b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        return b;
    };
    auto *zoomIn = zoomButton(tr("Zoom in"), tr("Show fewer samples, wider (Ctrl+wheel, +)"));
    auto *zoomOut = zoomButton(tr("Zoom out"), tr("Show more samples (Ctrl+wheel, −)"));
    auto *fit = zoomButton(tr("Fit"), tr("Show the whole time range (0)"));
    connect(zoomIn, &QToolButton::clicked, m_heatmap, &tidemark::widgets::VolatilityHeatmap::zoomIn);
    connect(zoomOut, &QToolButton::clicked, m_heatmap, &tidemark::widgets::VolatilityHeatmap::zoomOut);
    connect(fit, &QToolButton::clicked, m_heatmap, &tidemark::widgets::VolatilityHeatmap::fitTime);

    auto *bar = new QHBoxLayout;
    bar->addWidget(tableLabel);
    bar->addWidget(m_table, 1);
    bar->addWidget(zoomIn);
    bar->addWidget(zoomOut);
    bar->addWidget(fit);
    bar->addWidget(m_auto);
    bar->addWidget(m_scan);

    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setText(tr("Click a row to see the partition; hover a cell for its score and counts; double-click or "
                         "press Enter to forecast it."));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->setAccessibleName(tr("Partitions of the table"));

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_heatmap, 1);
    topLayout->addWidget(m_legend);
    topLayout->addWidget(m_detail);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(m_view);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_error);
    layout->addWidget(split, 1);
    setTabOrder(m_table, m_heatmap);
    setTabOrder(m_heatmap, m_view);

    connect(m_scan, &QPushButton::clicked, this, &HeatmapPage::scanNow);
    connect(m_auto, &QCheckBox::toggled, this, &HeatmapPage::updateTimer);
    connect(&m_timer, &QTimer::timeout, this, &HeatmapPage::scanNow);
    connect(m_table, &QComboBox::currentIndexChanged, this, [this] { rebuild(); });
    connect(m_heatmap, &tidemark::widgets::VolatilityHeatmap::partitionSelected, this,
            [this](int row, const QString &name) {
                if (row < m_model->rowCount())
                    m_view->selectRow(row);
                updateDetail();
                Q_EMIT partitionSelected(currentTable(), name);
            });
    connect(m_view, &QTableView::clicked, this,
            [this](const QModelIndex &index) { m_heatmap->setSelectedRow(index.row()); });
    connect(m_heatmap, &tidemark::widgets::VolatilityHeatmap::partitionActivated, this,
            [this](int row, const QString &) { requestForecast(row); });
    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &index) { requestForecast(index.row()); });
    m_forecast->setToolTip(tr("Open the Forecasts page for the selected partition"));
    connect(m_forecast, &QAction::triggered, this, [this] { requestForecast(m_forecast->data().toInt()); });
    m_copy->setObjectName(QStringLiteral("copyToNode"));
    m_copy->setToolTip(tr("Plan copying the partition to a node of the catalogue; the plan opens on Plan review"));
    m_move->setObjectName(QStringLiteral("moveToNode"));
    m_move->setToolTip(tr("Plan moving the partition to a node of the catalogue; the plan opens on Plan review"));
    connect(m_copy, &QAction::triggered, this, [this] { copyToNode(m_forecast->data().toInt(), false); });
    connect(m_move, &QAction::triggered, this, [this] { copyToNode(m_forecast->data().toInt(), true); });
    connect(client, &EngineClient::copyPlanned, this, [this](const CopyPlanReply &reply) {
        if (reply.uri != m_uri)
            return;
        m_error->clear();
        m_showsScanError = false;
        if (!reply.notes.isEmpty())
            m_error->showMessage(reply.notes.join(QLatin1Char('\n')), false);
        Q_EMIT reviewPlanRequested(reply.plan.id);
    });
    // Mouse: the row under the pointer; keyboard (menu key): the selected row.
    m_heatmap->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_heatmap, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const int row = m_heatmap->rowAt(pos);
        showForecastMenu(m_heatmap->viewport(), m_heatmap->viewport()->mapToGlobal(pos),
                         row >= 0 ? row : m_heatmap->selectedRow());
    });
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        const int row = index.isValid() ? index.row() : m_view->currentIndex().row();
        showForecastMenu(m_view->viewport(), m_view->viewport()->mapToGlobal(pos), row);
    });
    connect(client, &EngineClient::scanned, this, [this](const ScanSnapshot &snap) {
        // Any finished scan frees the slot, also one of a connection the
        // page has since switched away from; only the current one is drawn.
        m_scanInFlight = false;
        if (snap.uri != m_uri)
            return;
        // A scan settles a scan's error, not a copy plan's refusal.
        if (m_showsScanError)
            m_error->clear();
        m_showsScanError = false;
        showSnapshot(snap);
    });
    connect(client, &EngineClient::failed, this, [this](EngineOp op, const EngineError &error) {
        if (op == EngineOp::Copy && error.uri == m_uri) {
            m_showsScanError = false;
            m_error->showError(tr("The partition cannot be copied or moved"), error);
            return;
        }
        if (op != EngineOp::Scan)
            return;
        m_scanInFlight = false;
        // A scan of the connection shown before a switch answers late: its
        // error is not this connection's.
        if (!error.uri.isEmpty() && error.uri != m_uri)
            return;
        m_showsScanError = true;
        m_error->showError(tr("Scanning failed"), error);
    });
}

QString HeatmapPage::currentTable() const
{
    return m_table->currentText();
}

void HeatmapPage::setConnection(const QString &uri)
{
    if (uri == m_uri)
        return;
    m_uri = uri;
    m_haveSnapshot = false;
    m_table->clear();
    m_heatmap->setData({});
    m_error->clear();
    if (!uri.isEmpty())
        scanNow();
    updateTimer();
}

void HeatmapPage::setScanIntervalOverride(int seconds)
{
    m_intervalOverride = seconds;
    updateTimer();
}

void HeatmapPage::updateTimer()
{
    int seconds = m_intervalOverride;
    if (seconds <= 0)
        seconds = m_haveSnapshot ? static_cast<int>(m_last.connection.settings.samplingIntervalSeconds) : 60;
    m_timer.setInterval(std::max(1, seconds) * 1000);
    if (m_auto->isChecked() && !m_uri.isEmpty())
        m_timer.start();
    else
        m_timer.stop();
}

void HeatmapPage::scanNow()
{
    // One scan at a time: a slow database must not pile up requests.
    if (m_uri.isEmpty() || m_scanInFlight)
        return;
    m_scanInFlight = true;
    m_client->scan(m_uri);
}

void HeatmapPage::showSnapshot(const ScanSnapshot &snap)
{
    const bool first = !m_haveSnapshot;
    m_last = snap;
    m_haveSnapshot = true;
    const QString keep = m_table->currentText();
    QStringList tables;
    for (const auto &t : snap.scan.tables)
        tables << toQString(t.name);
    QStringList existing;
    for (int i = 0; i < m_table->count(); ++i)
        existing << m_table->itemText(i);
    if (existing != tables) {
        QSignalBlocker block(m_table);
        m_table->clear();
        m_table->addItems(tables);
        if (tables.contains(keep))
            m_table->setCurrentText(keep);
    }
    m_legend->setThresholds(snap.connection.settings.lowThreshold, snap.connection.settings.highThreshold);
    rebuild();
    if (first)
        updateTimer();
    ++m_scansShown;
    Q_EMIT heatmapUpdated();
}

void HeatmapPage::rebuild()
{
    if (!m_haveSnapshot)
        return;
    const std::string table = toStd(m_table->currentText());
    const tidemark::PartitionedTable *t = nullptr;
    for (const auto &candidate : m_last.scan.tables)
        if (candidate.name == table)
            t = &candidate;
    if (!t) {
        m_heatmap->setData({});
        m_model->setScan({});
        return;
    }
    QList<HeatmapRow> rows;
    std::map<std::string, int> rowOf;
    for (const auto &p : t->partitions) {
        rowOf[p.name] = static_cast<int>(rows.size());
        rows.append({toQString(p.name), toQString(tidemark::describeRange(p.bounds, t->keyType)), p.rows, p.bytes});
    }
    std::set<std::int64_t> stamps;
    const auto it = m_last.history.find(table);
    if (it != m_last.history.end())
        for (const auto &s : it->second)
            if (rowOf.count(s.partition))
                stamps.insert(s.timestampMs);
    QList<qint64> times(stamps.begin(), stamps.end());
    std::map<std::int64_t, int> columnOf;
    for (int c = 0; c < times.size(); ++c)
        columnOf[times[c]] = c;

    // Same partitions and only newer samples: append columns, repainting only those.
    const HeatmapData &old = m_heatmap->data();
    bool sameRows = old.rowCount() == rows.size() && old.columnCount() > 0 && old.columnCount() <= times.size();
    for (int r = 0; sameRows && r < rows.size(); ++r)
        sameRows = old.rows()[r].name == rows[r].name;
    for (int c = 0; sameRows && c < old.columnCount(); ++c)
        sameRows = old.timesMs()[c] == times[c];

    HeatmapData data(rows, times);
    if (it != m_last.history.end())
        for (const auto &s : it->second)
            if (auto r = rowOf.find(s.partition); r != rowOf.end())
                data.setCell(r->second, columnOf[s.timestampMs], float(s.score), float(s.writesPerSecond),
                             float(s.readsPerSecond));
    if (sameRows && old.columnCount() < times.size() && times.size() - old.columnCount() <= 4) {
        for (int c = old.columnCount(); c < times.size(); ++c) {
            QList<float> scores, writes, reads;
            for (int r = 0; r < rows.size(); ++r) {
                scores << data.score(r, c);
                writes << data.writesPerSecond(r, c);
                reads << data.readsPerSecond(r, c);
            }
            m_heatmap->appendColumn(times[c], scores, writes, reads);
        }
    } else if (!sameRows || old.columnCount() != times.size()) {
        m_heatmap->setData(std::move(data));
    }
    const int keepRow = m_heatmap->selectedRow();
    m_model->setScan(m_last.scan, m_table->currentText());
    if (keepRow >= 0 && keepRow < m_model->rowCount())
        m_view->selectRow(keepRow);
    updateDetail();
}

void HeatmapPage::updateDetail()
{
    const int row = m_heatmap->selectedRow();
    if (row < 0 || row >= m_model->rowCount())
        return;
    const auto &r = m_model->rowAt(row);
    const QLocale locale;
    m_detail->setText(
        tr("%1 %2: %3 rows, %4, score %5, %6 writes/s")
            .arg(toQString(r.partition.name), toQString(tidemark::describeRange(r.partition.bounds, r.keyType)),
                 locale.toString(static_cast<qlonglong>(r.partition.rows)), locale.formattedDataSize(r.partition.bytes),
                 locale.toString(r.score, 'f', 1), locale.toString(r.writesPerSecond, 'f', 2)));
}

void HeatmapPage::showForecastMenu(QWidget *from, const QPoint &globalPos, int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    m_heatmap->setSelectedRow(row);
    m_forecast->setData(row);
    auto *menu = new QMenu(from);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(m_forecast);
    menu->addSeparator();
    menu->addAction(m_copy);
    menu->addAction(m_move);
    menu->popup(globalPos);
}

void HeatmapPage::requestForecast(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    Q_EMIT forecastRequested(currentTable(), toQString(m_model->rowAt(row).partition.name));
}

void HeatmapPage::selectPartition(const QString &table, const QString &partition)
{
    if (m_table->currentText() != table)
        m_table->setCurrentText(table);
    m_heatmap->selectPartition(partition);
}

QString HeatmapPage::errorText() const
{
    return m_error->text();
}

void HeatmapPage::copySelectedToNode(bool move)
{
    copyToNode(m_heatmap->selectedRow(), move);
}

void HeatmapPage::copyToNode(int row, bool move)
{
    if (m_uri.isEmpty() || row < 0 || row >= m_model->rowCount())
        return;
    const QString table = currentTable();
    const QString partition = toQString(m_model->rowAt(row).partition.name);
    // Window-modal and not blocking: the engine's answers keep arriving.
    auto *dialog = new CopyToNodeDialog(m_client, m_uri, table, partition, move, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, uri = m_uri, table, partition, move] {
        if (dialog->node().isEmpty() || uri != m_uri)
            return;
        m_error->clear();
        m_client->planCopy(uri, table, partition, dialog->node(), move);
    });
    dialog->open();
}

} // namespace tidemark::ui
