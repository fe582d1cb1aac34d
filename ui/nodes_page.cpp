#include "nodes_page.h"

#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "engine_client.h"
#include "error_banner.h"
#include "model/byte_units.h"
#include "model/connection_string.h"
#include "node_dialog.h"

namespace tidemark::ui {

namespace {

QString sizeText(const std::optional<std::int64_t> &bytes)
{
    return bytes ? toQString(tidemark::humanBytes(double(*bytes))) : NodesPage::tr("—");
}

/// The node's latest reading of its own load, in a line.
QString readingText(const std::optional<tidemark::NodeSample> &s)
{
    if (!s)
        return NodesPage::tr("no reading yet");
    QStringList parts;
    if (s->activeSessions && s->sessions)
        parts << NodesPage::tr("%1 of %2 sessions active").arg(*s->activeSessions).arg(*s->sessions);
    else if (s->sessions)
        parts << NodesPage::tr("%n session(s)", nullptr, *s->sessions);
    if (s->databaseBytes)
        parts << NodesPage::tr("%1 of data").arg(toQString(tidemark::humanBytes(double(*s->databaseBytes))));
    const QString when = QLocale().toString(QDateTime::fromMSecsSinceEpoch(s->timestampMs), QLocale::ShortFormat);
    return parts.isEmpty() ? NodesPage::tr("read %1").arg(when)
                           : NodesPage::tr("%1 (read %2)").arg(parts.join(QLatin1String(", ")), when);
}

QTableWidgetItem *cell(const QString &text, bool number = false)
{
    auto *item = new QTableWidgetItem(text);
    item->setTextAlignment(number ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter);
    return item;
}

} // namespace

NodesPage::NodesPage(EngineClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_status(new QLabel(this))
    , m_error(new ErrorBanner(this))
    , m_add(new QPushButton(tr("&Add node…"), this))
    , m_edit(new QPushButton(tr("&Edit…"), this))
    , m_remove(new QPushButton(tr("&Remove…"), this))
    , m_empty(new QLabel(this))
    , m_table(new QTableWidget(0, ColumnCount, this))
{
    setObjectName(QStringLiteral("nodesPage"));
    m_status->setObjectName(QStringLiteral("nodesStatus"));
    m_status->setWordWrap(true);
    m_status->setText(tr("The servers a plan may copy or move partitions to."));
    m_add->setObjectName(QStringLiteral("addNode"));
    m_add->setToolTip(tr("Add a database server to the node catalogue"));
    m_edit->setObjectName(QStringLiteral("editNode"));
    m_edit->setToolTip(tr("Change the selected node (Enter)"));
    m_remove->setObjectName(QStringLiteral("removeNode"));
    m_remove->setToolTip(tr("Remove the selected node from the catalogue (Delete); its connection, plans and "
                            "history stay"));
    m_empty->setObjectName(QStringLiteral("nodesEmpty"));
    m_empty->setWordWrap(true);
    m_empty->setText(tr("No nodes yet. Add the servers partitions may be copied or moved to with Add node…."));
    m_empty->hide();
    m_table->setObjectName(QStringLiteral("nodesTable"));
    m_table->setAccessibleName(tr("Node catalogue"));
    m_table->setHorizontalHeaderLabels({tr("Name"), tr("Connection"), tr("Role"), tr("Disk"), tr("Cores"), tr("Memory"),
                                        tr("Latest reading"), tr("Notes")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setTabKeyNavigation(false); // Tab leaves the table, arrows move inside
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->installEventFilter(this);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_status, 1);
    bar->addWidget(m_add);
    bar->addWidget(m_edit);
    bar->addWidget(m_remove);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_error);
    layout->addWidget(m_empty);
    layout->addWidget(m_table, 1);
    setFocusProxy(m_table);
    updateButtons();

    connect(m_add, &QPushButton::clicked, this, &NodesPage::addNode);
    connect(m_edit, &QPushButton::clicked, this, &NodesPage::editNode);
    connect(m_remove, &QPushButton::clicked, this, &NodesPage::removeNode);
    connect(m_table, &QTableWidget::activated, this, [this] { editNode(); });
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &NodesPage::updateButtons);
    connect(client, &EngineClient::nodesListed, this, &NodesPage::showNodes);
    connect(client, &EngineClient::nodeSaved, this, [this](const tidemark::Node &node) {
        m_error->clear();
        m_select = toQString(node.name);
    });
    connect(client, &EngineClient::nodeRemoved, this, [this](const QString &) { m_error->clear(); });
    connect(client, &EngineClient::connectionsListed, this, [this](const QList<tidemark::Connection> &list) {
        m_connections.clear();
        for (const auto &c : list)
            m_connections << toQString(c.uri);
    });
    connect(client, &EngineClient::storeOpened, this, [this] {
        if (isVisible())
            refresh();
    });
    connect(client, &EngineClient::failed, this, [this](EngineOp op, const EngineError &error) {
        if (op == EngineOp::Nodes)
            m_error->showError(tr("The node catalogue could not be read or changed"), error);
    });
}

NodesPage::~NodesPage() = default;

void NodesPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

bool NodesPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Delete && key->modifiers() == Qt::NoModifier) {
            removeNode();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void NodesPage::refresh()
{
    m_client->listNodes();
}

QString NodesPage::errorText() const
{
    return m_error->text();
}

NodeDialog *NodesPage::openDialog() const
{
    return m_dialog.data();
}

QString NodesPage::statusText() const
{
    return m_status->text();
}

int NodesPage::selectedRow() const
{
    const auto rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

void NodesPage::updateButtons()
{
    const bool one = selectedRow() >= 0;
    m_edit->setEnabled(one);
    m_remove->setEnabled(one);
}

void NodesPage::showNodes(const QList<NodeEntry> &nodes)
{
    const int was = selectedRow();
    QString keep = m_select;
    if (keep.isEmpty() && was >= 0 && was < m_nodes.size())
        keep = toQString(m_nodes[was].node.name);
    m_select.clear();
    m_nodes = nodes;
    m_haveList = true;
    const QLocale locale;
    m_table->setRowCount(int(nodes.size()));
    int select = -1;
    for (int row = 0; row < int(nodes.size()); ++row) {
        const auto &n = nodes[row].node;
        m_table->setItem(row, NameColumn, cell(toQString(n.name)));
        m_table->setItem(row, ConnectionColumn, cell(toQString(tidemark::redactUri(n.connectionUri))));
        m_table->setItem(row, RoleColumn, cell(roleText(n.role)));
        m_table->setItem(row, DiskColumn, cell(sizeText(n.diskBytes), true));
        m_table->setItem(row, CoresColumn, cell(n.cores ? locale.toString(*n.cores) : tr("—"), true));
        m_table->setItem(row, MemoryColumn, cell(sizeText(n.memoryBytes), true));
        m_table->setItem(row, ReadingColumn, cell(readingText(nodes[row].latest)));
        m_table->setItem(row, NotesColumn, cell(toQString(n.notes)));
        if (toQString(n.name) == keep)
            select = row;
    }
    m_table->resizeColumnsToContents();
    m_empty->setVisible(nodes.isEmpty());
    m_table->setVisible(!nodes.isEmpty());
    m_status->setText(tr("%n node(s) in the catalogue.", nullptr, int(nodes.size())));
    if (select < 0 && !nodes.isEmpty())
        select = std::min(std::max(was, 0), int(nodes.size()) - 1);
    if (select >= 0)
        m_table->selectRow(select);
    updateButtons();
}

void NodesPage::addNode()
{
    openEditor(nullptr);
}

void NodesPage::editNode()
{
    const int row = selectedRow();
    if (row < 0 || row >= m_nodes.size())
        return;
    const tidemark::Node node = m_nodes[row].node;
    openEditor(&node);
}

void NodesPage::openEditor(const tidemark::Node *editing)
{
    if (m_dialog)
        return m_dialog->raise();
    QList<tidemark::Node> catalogue;
    for (const auto &e : std::as_const(m_nodes))
        catalogue.append(e.node);
    m_client->listConnections(); // fresher choices next time
    // Window-modal and not blocking: the engine's answers keep arriving.
    m_dialog = new NodeDialog(editing, catalogue, m_connections, m_client->schemes(), this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::accepted, this, [this, dialog = m_dialog.data()] {
        if (auto node = dialog->node())
            m_client->saveNode(*node, dialog->editedName());
    });
    connect(m_dialog, &QDialog::finished, m_table, [this] { m_table->setFocus(); });
    m_dialog->open();
}

void NodesPage::removeNode()
{
    const int row = selectedRow();
    if (row < 0 || row >= m_nodes.size())
        return;
    const QString name = toQString(m_nodes[row].node.name);
    auto *ask = new QMessageBox(QMessageBox::Question, tr("Remove node %1?").arg(name),
                                tr("Remove %1 from the node catalogue? Its connection, plans and history stay; "
                                   "plans can no longer copy or move partitions to it.")
                                    .arg(name),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    ask->setObjectName(QStringLiteral("removeNodeConfirmation"));
    ask->button(QMessageBox::Yes)->setText(tr("&Remove"));
    ask->setDefaultButton(QMessageBox::Cancel);
    ask->setAttribute(Qt::WA_DeleteOnClose);
    connect(ask, &QMessageBox::finished, this, [this, name](int r) {
        if (r == QMessageBox::Yes)
            m_client->removeNode(name);
        m_table->setFocus();
    });
    ask->open();
}

} // namespace tidemark::ui
