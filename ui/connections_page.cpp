#include "connections_page.h"

#include <QAction>
#include <QColor>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTime>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include "connection_builder.h"
#include "engine_client.h"
#include "error_banner.h"
#include "secret_store.h"

namespace tidemark::ui {

namespace {
constexpr int kIdRole = Qt::UserRole + 1;
constexpr int kNameRole = Qt::UserRole + 2;
constexpr int kMaxChecks = 2;
enum Column { KindColumn, NameColumn, WhereColumn, StatusColumn };

bool hasPasswordFile(const QString &scheme)
{
    return scheme == QStringLiteral("postgresql") || scheme == QStringLiteral("mariadb");
}
} // namespace

ConnectionsPage::ConnectionsPage(EngineClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_secrets(new SecretStore(this))
    , m_list(new QTreeWidget(this))
    , m_builder(new ConnectionBuilder(this))
    , m_uri(new QLabel(this))
    , m_testResult(new QLabel(this))
    , m_secretStatus(new QLabel(this))
    , m_error(new ErrorBanner(this))
    , m_add(new QPushButton(tr("&Add"), this))
    , m_save(new QPushButton(tr("&Save changes"), this))
    , m_test(new QPushButton(tr("&Test"), this))
    , m_edit(new QPushButton(tr("&Edit"), this))
    , m_remove(new QPushButton(tr("Re&move…"), this))
    , m_check(new QPushButton(tr("C&heck"), this))
    , m_plugins(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("connectionsPage"));
    m_test->setObjectName(QStringLiteral("testConnectionButton"));
    m_add->setObjectName(QStringLiteral("addConnectionButton"));
    m_save->setObjectName(QStringLiteral("saveConnectionButton"));
    m_edit->setObjectName(QStringLiteral("editConnectionButton"));
    m_remove->setObjectName(QStringLiteral("removeConnectionButton"));
    m_check->setObjectName(QStringLiteral("checkConnectionButton"));
    m_list->setObjectName(QStringLiteral("connectionList"));
    m_list->setAccessibleName(tr("Connections"));
    m_list->setHeaderLabels({tr("Kind"), tr("Name"), tr("Where"), tr("Status")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAllColumnsShowFocus(true);
    m_list->header()->setStretchLastSection(true);
    m_check->setToolTip(tr("Connect to the selected database again and say whether it can be used"));
    m_add->setToolTip(tr("Add the connection described below (Ctrl+Return)"));
    m_save->setToolTip(tr("Save the name, password or URI below over the selected connection"));
    m_test->setToolTip(tr("Connect and list the partitioned tables, without adding (Ctrl+T)"));
    m_edit->setToolTip(tr("Load the selected connection into the form below (F2)"));
    m_remove->setToolTip(tr("Remove the selected connection; its plans and audit trail stay in History (Delete)"));

    auto *listBox = new QGroupBox(tr("Connections"), this);
    auto *ll = new QVBoxLayout(listBox);
    ll->addWidget(m_list);
    auto *listButtons = new QHBoxLayout;
    auto *demo = new QPushButton(tr("Open the &demo database"), this);
    listButtons->addWidget(demo);
    listButtons->addStretch(1);
    listButtons->addWidget(m_check);
    listButtons->addWidget(m_edit);
    listButtons->addWidget(m_remove);
    ll->addLayout(listButtons);

    auto *addBox = new QGroupBox(tr("Add or edit a connection"), this);
    auto *form = new QFormLayout(addBox);
    form->addRow(m_builder);
    m_uri->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("URI:"), m_uri);
    auto *addButtons = new QHBoxLayout;
    addButtons->addWidget(m_test);
    addButtons->addWidget(m_add);
    addButtons->addWidget(m_save);
    addButtons->addStretch(1);
    form->addRow(QString(), addButtons);
    for (QLabel *label : {m_testResult, m_secretStatus}) {
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(QString(), label);
    }
    m_secretStatus->setText(m_secrets->backend() == SecretStore::Backend::Keychain
                                ? tr("Passwords are kept in the system keychain.")
                                : tr("No keychain is running: passwords go to ~/.pgpass or ~/.my.cnf (mode 0600)."));

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

    // Shortcuts while the page has focus.
    const struct {
        QKeySequence keys;
        void (ConnectionsPage::*slot)();
    } shortcuts[] = {{QKeySequence(tr("Ctrl+Return")), &ConnectionsPage::addConnection},
                     {QKeySequence(tr("Ctrl+T")), &ConnectionsPage::testConnection},
                     {QKeySequence(tr("F2")), &ConnectionsPage::editSelected}};
    for (const auto &s : shortcuts) {
        auto *action = new QAction(this);
        action->setShortcut(s.keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, s.slot);
        addAction(action);
    }
    auto *stop = new QAction(this);
    stop->setShortcut(QKeySequence(Qt::Key_Escape));
    stop->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(stop, &QAction::triggered, this, [this] {
        if (isTesting())
            testConnection(); // stops it
    });
    addAction(stop);
    auto *del = new QAction(m_list);
    del->setShortcut(QKeySequence::Delete);
    del->setShortcutContext(Qt::WidgetShortcut);
    connect(del, &QAction::triggered, this, &ConnectionsPage::removeConnection);
    m_list->addAction(del);

    connect(m_builder, &ConnectionBuilder::changed, this, &ConnectionsPage::updateUri);
    connect(m_add, &QPushButton::clicked, this, &ConnectionsPage::addConnection);
    connect(m_save, &QPushButton::clicked, this, &ConnectionsPage::saveChanges);
    connect(m_test, &QPushButton::clicked, this, &ConnectionsPage::testConnection);
    connect(m_edit, &QPushButton::clicked, this, &ConnectionsPage::editSelected);
    connect(m_remove, &QPushButton::clicked, this, &ConnectionsPage::removeConnection);
    connect(m_check, &QPushButton::clicked, this, &ConnectionsPage::checkSelected);
    connect(demo, &QPushButton::clicked, this, &ConnectionsPage::demoRequested);
    connect(m_list, &QTreeWidget::currentItemChanged, this, &ConnectionsPage::updateUri);
    connect(m_list, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        Q_EMIT connectionChosen(item->data(KindColumn, Qt::UserRole).toString());
    });
    connect(client, &EngineClient::connectionsListed, this, &ConnectionsPage::setConnections);
    connect(client, &EngineClient::connectionTested, this, &ConnectionsPage::onTested);
    connect(client, &EngineClient::scanned, this, [this](const ScanSnapshot &snap) {
        setState(snap.uri, ConnectionState::Reachable,
                 tr("scanned at %1").arg(QLocale().toString(QTime::currentTime(), QLocale::ShortFormat)));
    });
    connect(client, &EngineClient::failed, this, [this](EngineOp op, const EngineError &error) {
        if (op == EngineOp::Connections)
            m_error->showError(tr("Connections"), error);
        else if (op == EngineOp::Scan && !error.uri.isEmpty() && error.code != tidemark::ErrorCode::Cancelled)
            setState(error.uri, stateFor(error), error.text());
    });
    connect(m_secrets, &SecretStore::saved, this,
            [this](const QString &uri, SecretStore::Backend, const QString &location, const QString &error) {
                if (error.isEmpty())
                    m_secretStatus->setText(tr("The password of %1 is kept in %2.").arg(uri, location));
                else
                    m_secretStatus->setText(tr("The password of %1 was not saved: %2").arg(uri, error));
            });
    connect(m_secrets, &SecretStore::loaded, this, [this](const QString &uri, const QString &password) {
        if (!password.isEmpty())
            m_client->setPassword(uri, password);
        // Checked once its password (if any) reached the engine.
        if (stateOf(uri) == ConnectionState::NotChecked)
            queueCheck(uri);
    });
    updateUri();
}

ConnectionState ConnectionsPage::stateOf(const QString &uri) const
{
    return m_status.value(uri).state;
}

void ConnectionsPage::updateTestButton()
{
    m_test->setText(isTesting() ? tr("S&top test") : tr("&Test"));
    m_test->setToolTip(isTesting() ? tr("Stop the test that runs (Esc)")
                                   : tr("Connect and list the partitioned tables, without adding (Ctrl+T)"));
    m_test->setEnabled(isTesting() || !builtUri().isEmpty());
}

void ConnectionsPage::onTested(const QString &uri, bool ok, const QString &message, const EngineError &error)
{
    if (m_checking.remove(uri))
        startChecks();
    setState(uri, ok ? ConnectionState::Reachable : stateFor(error), message);
    if (uri != m_testing)
        return;
    const bool stopped = m_testStopped && !ok;
    m_testing.clear();
    m_testStopped = false;
    updateUri();
    if (stopped)
        m_testResult->setText(tr("The test of %1 was stopped; nothing was added.").arg(uri));
    else
        m_testResult->setText(ok ? tr("%1: %2").arg(uri, message) : tr("%1 cannot be used: %2").arg(uri, message));
    if (uri != m_pendingAdd)
        return;
    const QString name = m_pendingName;
    m_pendingAdd.clear();
    m_pendingName.clear();
    if (ok)
        finishAdd(uri, name);
    else if (!stopped)
        askAddAnyway(uri, name, message);
}

void ConnectionsPage::setState(const QString &uri, ConnectionState state, const QString &detail)
{
    if (uri.isEmpty())
        return;
    m_status[uri] = Status{state, detail};
    for (int i = 0; i < m_list->topLevelItemCount(); ++i) {
        auto *item = m_list->topLevelItem(i);
        if (item->data(KindColumn, Qt::UserRole).toString() == uri)
            showState(item);
    }
}

void ConnectionsPage::showState(QTreeWidgetItem *item)
{
    const QString uri = item->data(KindColumn, Qt::UserRole).toString();
    const Status status = m_status.value(uri);
    item->setText(StatusColumn, ConnectionWords::stateText(status.state));
    const bool bad = status.state != ConnectionState::Reachable && status.state != ConnectionState::NotChecked &&
        status.state != ConnectionState::Checking && status.state != ConnectionState::Cancelled;
    item->setData(StatusColumn, Qt::ForegroundRole, bad ? QVariant(QColor(0xc0, 0x39, 0x2b)) : QVariant());
    const QString tip = status.detail.isEmpty() ? uri : tr("%1\n%2").arg(uri, status.detail);
    for (int c = 0; c < m_list->columnCount(); ++c)
        item->setToolTip(c, tip);
}

void ConnectionsPage::queueCheck(const QString &uri)
{
    if (uri.isEmpty() || m_checking.contains(uri) || m_checkQueue.contains(uri))
        return;
    if (!m_client->schemes().contains(QUrl(uri).scheme())) {
        setState(uri, ConnectionState::NoConnector, tr("no connector plugin for %1 is loaded").arg(QUrl(uri).scheme()));
        return;
    }
    m_checkQueue << uri;
    setState(uri, ConnectionState::Checking, QString());
    startChecks();
}

void ConnectionsPage::startChecks()
{
    while (m_checking.size() < kMaxChecks && !m_checkQueue.isEmpty()) {
        const QString uri = m_checkQueue.takeFirst();
        m_checking.insert(uri);
        m_client->testConnection(uri);
    }
}

void ConnectionsPage::checkSelected()
{
    const QString uri = selectedUri();
    if (!uri.isEmpty())
        queueCheck(uri);
}

QString ConnectionsPage::builtUri() const
{
    return m_builder->uri();
}
QString ConnectionsPage::testResultText() const
{
    return m_testResult->text();
}
QString ConnectionsPage::secretStatusText() const
{
    return m_secretStatus->text();
}

void ConnectionsPage::updateUri()
{
    const QString uri = builtUri();
    m_uri->setText(uri.isEmpty() ? tr("(fill in the database above)") : uri);
    m_add->setEnabled(!uri.isEmpty() && !isTesting());
    updateTestButton();
    m_save->setEnabled(!uri.isEmpty() && selectedId() > 0);
    m_edit->setEnabled(selectedId() > 0);
    m_remove->setEnabled(selectedId() > 0);
    m_check->setEnabled(selectedId() > 0);
}

void ConnectionsPage::focusBuilder()
{
    m_builder->setFocus(Qt::ShortcutFocusReason);
}

void ConnectionsPage::setConnections(const QList<tidemark::Connection> &connections)
{
    const QString keep = selectedUri();
    m_list->clear();
    for (const auto &c : connections) {
        const QString uri = toQString(c.uri);
        const QString name = toQString(c.name) == uri ? QString() : toQString(c.name);
        const ConnectionDescription d = ConnectionWords::describe(uri, name);
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(KindColumn, d.kind);
        item->setText(NameColumn, d.name);
        item->setText(WhereColumn, d.where);
        item->setData(KindColumn, Qt::UserRole, uri);
        item->setData(KindColumn, kIdRole, qint64(c.id));
        item->setData(KindColumn, kNameRole, name);
        showState(item);
        if (uri == keep)
            m_list->setCurrentItem(item);
        // Keychain passwords reach the engine before the connection is
        // opened; a connection not checked yet is checked once they have.
        const QString scheme = QUrl(uri).scheme();
        if (scheme == QStringLiteral("sqlite")) {
            if (stateOf(uri) == ConnectionState::NotChecked)
                queueCheck(uri);
        } else if (!m_passwordsAsked.contains(uri)) {
            m_passwordsAsked.insert(uri);
            m_secrets->load(uri);
        }
    }
    for (int c = 0; c < m_list->columnCount() - 1; ++c)
        m_list->resizeColumnToContents(c);
    updateUri();
}

qint64 ConnectionsPage::selectedId() const
{
    auto *item = m_list->currentItem();
    return item ? item->data(KindColumn, kIdRole).toLongLong() : 0;
}

QString ConnectionsPage::selectedUri() const
{
    auto *item = m_list->currentItem();
    return item ? item->data(KindColumn, Qt::UserRole).toString() : QString();
}

QString ConnectionsPage::selectedName() const
{
    auto *item = m_list->currentItem();
    return item ? item->data(KindColumn, kNameRole).toString() : QString();
}

void ConnectionsPage::storePassword(const QString &uri)
{
    const QString password = m_builder->password();
    if (password.isEmpty())
        return;
    ConnectionSecret secret = ConnectionSecret::fromUri(uri);
    secret.password = password;
    if (!hasPasswordFile(secret.scheme) && m_secrets->backend() == SecretStore::Backend::PasswordFile) {
        m_secretStatus->setText(tr("The password of %1 was not saved: no keychain is running and %2 has no "
                                   "password file. Start a Secret Service (e.g. gnome-keyring) and add it again.")
                                    .arg(uri, secret.scheme));
        return;
    }
    m_client->setPassword(uri, password);
    m_secrets->save(secret);
}

// A connection is tested before it is kept: when the test fails, the DBA
// decides (the server may be down for now), and no password is written for a
// connection that is not kept.
void ConnectionsPage::addConnection()
{
    const QString uri = builtUri();
    if (uri.isEmpty() || m_confirm || !m_pendingAdd.isEmpty())
        return;
    const QString scheme = schemeOf(uri);
    if (scheme.isEmpty()) {
        askAddAnyway(uri, m_builder->name(),
                     tr("it names no kind of database; write it as sqlite:///path/to/file.db or "
                        "postgresql://user@host:port/database"));
        return;
    }
    if (!m_client->schemes().contains(scheme)) {
        askAddAnyway(uri, m_builder->name(), tr("no connector plugin for %1 is loaded").arg(scheme));
        return;
    }
    m_pendingAdd = uri;
    m_pendingName = m_builder->name();
    m_testing = uri;
    m_testResult->setText(tr("Testing %1 before adding it… (Esc stops)").arg(uri));
    updateUri();
    m_client->testConnection(uri, m_builder->password());
}

void ConnectionsPage::finishAdd(const QString &uri, const QString &name)
{
    m_error->clear();
    storePassword(uri);
    m_client->addConnection(uri, name);
    Q_EMIT connectionChosen(uri);
}

void ConnectionsPage::askAddAnyway(const QString &uri, const QString &name, const QString &why)
{
    m_confirm = new QMessageBox(QMessageBox::Warning, tr("Add connection"),
                                tr("%1 cannot be used now: %2\n\nAdd it anyway? Its password is saved only if you "
                                   "add it.")
                                    .arg(uri, why),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    m_confirm->button(QMessageBox::Yes)->setText(tr("Add &anyway"));
    m_confirm->setDefaultButton(QMessageBox::Cancel);
    m_confirm->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_confirm, &QMessageBox::finished, this, [this, uri, name](int result) {
        m_confirm = nullptr;
        if (result == QMessageBox::Yes)
            finishAdd(uri, name);
    });
    m_confirm->open();
}

QString ConnectionsPage::schemeOf(const QString &uri) const
{
    const QString scheme = m_builder->scheme();
    return scheme.isEmpty() ? QUrl(uri).scheme() : scheme;
}

void ConnectionsPage::saveChanges()
{
    const qint64 id = selectedId();
    const QString uri = builtUri();
    if (id <= 0 || uri.isEmpty())
        return;
    m_error->clear();
    storePassword(uri);
    if (uri == selectedUri()) {
        if (m_builder->name() != selectedName())
            m_client->renameConnection(id, m_builder->name());
        return;
    }
    // A new URI is a new connection; the old one leaves the list, its plans stay in History.
    const QString old = selectedUri();
    m_client->addConnection(uri, m_builder->name());
    m_client->removeConnection(id);
    m_secrets->remove(old);
    Q_EMIT connectionRemoved(old);
    Q_EMIT connectionChosen(uri);
}

void ConnectionsPage::editSelected()
{
    if (selectedId() <= 0)
        return;
    m_builder->setConnection(selectedUri(), selectedName());
    m_builder->setFocus(Qt::ShortcutFocusReason);
}

void ConnectionsPage::testConnection()
{
    if (isTesting()) {
        // Stops this test only; checks of other connections go on.
        m_testStopped = true;
        m_client->cancel(EngineOp::TestConnection, m_testing);
        return;
    }
    const QString uri = builtUri();
    if (uri.isEmpty())
        return;
    const QString scheme = schemeOf(uri);
    if (scheme.isEmpty()) {
        m_testResult->setText(tr("%1 cannot be tested: it names no kind of database; write it as "
                                 "sqlite:///path/to/file.db or postgresql://user@host:port/database")
                                  .arg(uri));
        return;
    }
    if (!m_client->schemes().contains(scheme)) {
        m_testResult->setText(tr("%1 cannot be tested: no connector plugin for %2 is loaded. The connection can "
                                 "still be added; install the %2 connector to scan it.")
                                  .arg(uri, scheme));
        return;
    }
    m_testing = uri;
    m_testResult->setText(tr("Testing %1… (Esc stops)").arg(uri));
    updateUri();
    m_client->testConnection(uri, m_builder->password());
}

void ConnectionsPage::removeConnection()
{
    const qint64 id = selectedId();
    const QString uri = selectedUri();
    if (id <= 0 || m_confirm)
        return;
    const QString shown = selectedName().isEmpty() ? uri : tr("%1 (%2)").arg(selectedName(), uri);
    m_confirm = new QMessageBox(QMessageBox::Question, tr("Remove connection"),
                                tr("Remove the connection %1?\n\nIts samples and scores are deleted. Its plans and "
                                   "audit trail stay in History; its password is removed from the keychain.")
                                    .arg(shown),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    m_confirm->button(QMessageBox::Yes)->setText(tr("&Remove"));
    m_confirm->setDefaultButton(QMessageBox::Cancel);
    m_confirm->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_confirm, &QMessageBox::finished, this, [this, id, uri](int result) {
        m_confirm = nullptr;
        if (result != QMessageBox::Yes)
            return;
        m_error->clear();
        m_client->removeConnection(id);
        m_client->setPassword(uri, QString());
        m_secrets->remove(uri);
        m_passwordsAsked.remove(uri);
        m_status.remove(uri);
        m_checkQueue.removeAll(uri);
        Q_EMIT connectionRemoved(uri);
    });
    m_confirm->open();
}

} // namespace tidemark::ui
