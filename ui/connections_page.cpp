#include "connections_page.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "demo_workload.h"
#include "engine_client.h"
#include "error_banner.h"

namespace tidemark::ui {

namespace {
const QString kHiddenKey = QStringLiteral("connections/hidden");
}

ConnectionsPage::ConnectionsPage(EngineClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_list(new QListWidget(this))
    , m_kind(new QComboBox(this))
    , m_builders(new QStackedWidget(this))
    , m_sqlitePath(new QLineEdit(this))
    , m_rawUri(new QLineEdit(this))
    , m_uri(new QLabel(this))
    , m_testResult(new QLabel(this))
    , m_error(new ErrorBanner(this))
    , m_add(new QPushButton(tr("&Add"), this))
    , m_test(new QPushButton(tr("&Test"), this))
    , m_remove(new QPushButton(tr("Re&move"), this))
    , m_plugins(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("connectionsPage"));
    m_test->setObjectName(QStringLiteral("testConnectionButton"));
    m_sqlitePath->setObjectName(QStringLiteral("sqlitePath"));
    m_list->setAccessibleName(tr("Connections"));
    auto *listBox = new QGroupBox(tr("Connections"), this);
    auto *ll = new QVBoxLayout(listBox);
    ll->addWidget(m_list);
    auto *listButtons = new QHBoxLayout;
    auto *demo = new QPushButton(tr("Open the &demo database"), this);
    listButtons->addWidget(demo);
    listButtons->addStretch(1);
    listButtons->addWidget(m_remove);
    ll->addLayout(listButtons);

    // SQLite: a file picker.
    auto *sqlite = new QWidget(this);
    auto *sf = new QHBoxLayout(sqlite);
    sf->setContentsMargins(0, 0, 0, 0);
    m_sqlitePath->setPlaceholderText(tr("/path/to/database.db"));
    m_sqlitePath->setAccessibleName(tr("SQLite database file"));
    auto *browse = new QPushButton(tr("&Browse…"), this);
    sf->addWidget(m_sqlitePath, 1);
    sf->addWidget(browse);
    // Anything else: the URI as the connector documents it.
    auto *raw = new QWidget(this);
    auto *rf = new QVBoxLayout(raw);
    rf->setContentsMargins(0, 0, 0, 0);
    m_rawUri->setPlaceholderText(tr("scheme://host/database"));
    m_rawUri->setAccessibleName(tr("Connection URI"));
    auto *rawNote = new QLabel(tr("Passwords never go into the URI: Tidemark reads them from the system keychain or "
                                  "the database's own password file (~/.pgpass, ~/.my.cnf)."),
                               this);
    rawNote->setWordWrap(true);
    rf->addWidget(m_rawUri);
    rf->addWidget(rawNote);
    m_builders->addWidget(sqlite);
    m_builders->addWidget(raw);

    for (const QString &scheme : client->schemes())
        if (scheme == QStringLiteral("sqlite"))
            m_kind->addItem(tr("SQLite file"), scheme);
    m_kind->addItem(tr("Other (type the URI)"), QString());
    m_kind->setAccessibleName(tr("Database kind"));

    auto *addBox = new QGroupBox(tr("Add a connection"), this);
    auto *form = new QFormLayout(addBox);
    auto *kindLabel = new QLabel(tr("&Kind:"), this);
    kindLabel->setBuddy(m_kind);
    form->addRow(kindLabel, m_kind);
    form->addRow(tr("Database:"), m_builders);
    m_uri->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("URI:"), m_uri);
    auto *addButtons = new QHBoxLayout;
    addButtons->addWidget(m_test);
    addButtons->addWidget(m_add);
    addButtons->addStretch(1);
    form->addRow(QString(), addButtons);
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(QString(), m_testResult);

    m_plugins->setHeaderLabels({tr("Connector plugin"), tr("Schemes"), tr("State")});
    m_plugins->setRootIsDecorated(false);
    m_plugins->setAccessibleName(tr("Connector plugins"));
    for (const auto &p : client->plugins()) {
        auto *item = new QTreeWidgetItem(m_plugins);
        item->setText(0, p.id.isEmpty() ? p.path : p.id);
        item->setToolTip(0, p.path);
        item->setText(1, p.schemes.join(QStringLiteral(", ")));
        item->setText(2, p.loaded ? tr("loaded") : tr("refused: %1").arg(p.reason));
    }
    if (client->plugins().isEmpty())
        (new QTreeWidgetItem(m_plugins))->setText(0, tr("No connector plugin found; set TIDEMARK_PLUGIN_DIR"));
    m_plugins->header()->setStretchLastSection(true);
    auto *pluginBox = new QGroupBox(tr("Connectors"), this);
    auto *pl = new QVBoxLayout(pluginBox);
    pl->addWidget(m_plugins);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_error);
    layout->addWidget(listBox, 2);
    layout->addWidget(addBox);
    layout->addWidget(pluginBox, 1);

    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        m_builders->setCurrentIndex(m_kind->currentData().toString() == QStringLiteral("sqlite") ? 0 : 1);
        updateUri();
    });
    connect(m_sqlitePath, &QLineEdit::textChanged, this, &ConnectionsPage::updateUri);
    connect(m_rawUri, &QLineEdit::textChanged, this, &ConnectionsPage::updateUri);
    connect(browse, &QPushButton::clicked, this, &ConnectionsPage::browse);
    connect(m_add, &QPushButton::clicked, this, &ConnectionsPage::addConnection);
    connect(m_test, &QPushButton::clicked, this, &ConnectionsPage::testConnection);
    connect(m_remove, &QPushButton::clicked, this, &ConnectionsPage::removeConnection);
    connect(demo, &QPushButton::clicked, this, &ConnectionsPage::demoRequested);
    connect(m_list, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { Q_EMIT connectionChosen(item->data(Qt::UserRole).toString()); });
    connect(client, &EngineClient::connectionsListed, this, &ConnectionsPage::setConnections);
    connect(client, &EngineClient::connectionTested, this, [this](const QString &uri, bool ok, const QString &message) {
        m_testResult->setText(ok ? tr("%1: %2").arg(uri, message) : tr("%1 cannot be used: %2").arg(uri, message));
    });
    connect(client, &EngineClient::failed, this, [this](EngineOp op, const EngineError &error) {
        if (op == EngineOp::Connections)
            m_error->showError(tr("Connections"), error);
    });
    m_builders->setCurrentIndex(m_kind->currentData().toString() == QStringLiteral("sqlite") ? 0 : 1);
    updateUri();
}

QString ConnectionsPage::builtUri() const
{
    if (m_kind->currentData().toString() == QStringLiteral("sqlite")) {
        const QString path = m_sqlitePath->text().trimmed();
        return path.isEmpty() ? QString() : DemoWorkload::uriFor(path);
    }
    return m_rawUri->text().trimmed();
}

void ConnectionsPage::updateUri()
{
    const QString uri = builtUri();
    m_uri->setText(uri.isEmpty() ? tr("(fill in the database above)") : uri);
    m_add->setEnabled(!uri.isEmpty());
    m_test->setEnabled(!uri.isEmpty());
}

void ConnectionsPage::browse()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a SQLite database"), m_sqlitePath->text(),
                                                      tr("SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)"));
    if (!path.isEmpty())
        m_sqlitePath->setText(path);
}

void ConnectionsPage::setConnections(const QList<tidemark::Connection> &connections)
{
    const QStringList hidden = QSettings().value(kHiddenKey).toStringList();
    const QString keep = selectedUri();
    m_list->clear();
    for (const auto &c : connections) {
        const QString uri = toQString(c.uri);
        if (hidden.contains(uri))
            continue;
        auto *item = new QListWidgetItem(c.name.empty() ? uri : tr("%1 (%2)").arg(toQString(c.name), uri), m_list);
        item->setData(Qt::UserRole, uri);
        if (uri == keep)
            m_list->setCurrentItem(item);
    }
    m_remove->setEnabled(m_list->count() > 0);
}

QString ConnectionsPage::selectedUri() const
{
    auto *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void ConnectionsPage::addConnection()
{
    const QString uri = builtUri();
    if (uri.isEmpty())
        return;
    QSettings settings;
    QStringList hidden = settings.value(kHiddenKey).toStringList();
    hidden.removeAll(uri);
    settings.setValue(kHiddenKey, hidden);
    m_error->clear();
    m_client->addConnection(uri);
    Q_EMIT connectionChosen(uri);
}

void ConnectionsPage::testConnection()
{
    const QString uri = builtUri();
    if (uri.isEmpty())
        return;
    m_testResult->setText(tr("Testing %1…").arg(uri));
    m_client->testConnection(uri);
}

void ConnectionsPage::removeConnection()
{
    const QString uri = selectedUri();
    if (uri.isEmpty())
        return;
    // The store keeps the connection's history and audit trail; removing
    // hides it here and leaves the audit trail intact.
    QSettings settings;
    QStringList hidden = settings.value(kHiddenKey).toStringList();
    if (!hidden.contains(uri))
        hidden << uri;
    settings.setValue(kHiddenKey, hidden);
    delete m_list->currentItem();
    m_remove->setEnabled(m_list->count() > 0);
    Q_EMIT connectionChosen(QString());
}

} // namespace tidemark::ui
