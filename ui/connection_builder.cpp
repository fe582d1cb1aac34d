#include "connection_builder.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QUrl>
#include <QUrlQuery>

#include "demo_workload.h"
#include "secret_store.h"

namespace tidemark::ui {

namespace {
enum Form { SqliteForm, ServerForm, RawForm };
const QString kSqlite = QStringLiteral("sqlite");
const QString kPostgres = QStringLiteral("postgresql");
const QString kMariadb = QStringLiteral("mariadb");
int defaultPort(const QString &scheme) { return scheme == kMariadb ? 3306 : 5432; }
} // namespace

ConnectionBuilder::ConnectionBuilder(QWidget *parent)
    : QWidget(parent)
    , m_kind(new QComboBox(this))
    , m_name(new QLineEdit(this))
    , m_forms(new QStackedWidget(this))
    , m_sqlitePath(new QLineEdit(this))
    , m_serverForm(new QWidget(this))
    , m_host(new QLineEdit(this))
    , m_port(new QSpinBox(this))
    , m_database(new QLineEdit(this))
    , m_user(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_sslMode(new QComboBox(this))
    , m_sslLabel(new QLabel(tr("SS&L mode:"), this))
    , m_rawUri(new QLineEdit(this))
{
    m_kind->setObjectName(QStringLiteral("connectionKind"));
    m_name->setObjectName(QStringLiteral("connectionName"));
    m_sqlitePath->setObjectName(QStringLiteral("sqlitePath"));
    m_host->setObjectName(QStringLiteral("serverHost"));
    m_port->setObjectName(QStringLiteral("serverPort"));
    m_database->setObjectName(QStringLiteral("serverDatabase"));
    m_user->setObjectName(QStringLiteral("serverUser"));
    m_password->setObjectName(QStringLiteral("serverPassword"));
    m_sslMode->setObjectName(QStringLiteral("sslMode"));
    m_rawUri->setObjectName(QStringLiteral("rawUri"));

    m_kind->addItem(tr("SQLite file"), kSqlite);
    m_kind->addItem(tr("PostgreSQL"), kPostgres);
    m_kind->addItem(tr("MariaDB"), kMariadb);
    m_kind->addItem(tr("Other (type the URI)"), QString());
    m_kind->setAccessibleName(tr("Database kind"));
    m_name->setPlaceholderText(tr("optional: a name to show instead of the URI"));
    m_name->setAccessibleName(tr("Connection name"));

    // SQLite: a file picker.
    auto *sqlite = new QWidget(this);
    auto *sf = new QHBoxLayout(sqlite);
    sf->setContentsMargins(0, 0, 0, 0);
    m_sqlitePath->setPlaceholderText(tr("/path/to/database.db"));
    m_sqlitePath->setAccessibleName(tr("SQLite database file"));
    auto *browseButton = new QPushButton(tr("&Browse…"), this);
    sf->addWidget(m_sqlitePath, 1);
    sf->addWidget(browseButton);

    // PostgreSQL and MariaDB: a server.
    auto *server = new QFormLayout(m_serverForm);
    server->setContentsMargins(0, 0, 0, 0);
    m_host->setPlaceholderText(tr("localhost"));
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("kept in the keychain or the password file, never in the URI"));
    // libpq's sslmode keywords; shown with a translated hint, stored as the keyword.
    const std::pair<const char *, QString> modes[] = {
        {"prefer", tr("prefer (TLS when the server offers it)")}, {"disable", tr("disable (never TLS)")},
        {"allow", tr("allow (TLS only when the server insists)")}, {"require", tr("require (always TLS)")},
        {"verify-ca", tr("verify-ca (TLS, certificate checked)")},
        {"verify-full", tr("verify-full (TLS, certificate and host name checked)")}};
    for (const auto &[mode, text] : modes)
        m_sslMode->addItem(text, QLatin1String(mode));
    const struct {
        QString label;
        QWidget *field;
    } rows[] = {{tr("&Host:"), m_host}, {tr("P&ort:"), m_port}, {tr("Data&base:"), m_database},
                {tr("&User:"), m_user}, {tr("Pass&word:"), m_password}};
    for (const auto &row : rows) {
        auto *label = new QLabel(row.label, this);
        label->setBuddy(row.field);
        row.field->setAccessibleName(QString(row.label).remove(QLatin1Char('&')).remove(QLatin1Char(':')));
        server->addRow(label, row.field);
    }
    m_sslLabel->setBuddy(m_sslMode);
    m_sslMode->setAccessibleName(tr("SSL mode"));
    server->addRow(m_sslLabel, m_sslMode);

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
    m_forms->addWidget(sqlite);
    m_forms->addWidget(m_serverForm);
    m_forms->addWidget(raw);

    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    auto *kindLabel = new QLabel(tr("&Kind:"), this);
    kindLabel->setBuddy(m_kind);
    form->addRow(kindLabel, m_kind);
    auto *nameLabel = new QLabel(tr("Na&me:"), this);
    nameLabel->setBuddy(m_name);
    form->addRow(nameLabel, m_name);
    form->addRow(tr("Database:"), m_forms);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &ConnectionBuilder::kindChanged);
    connect(browseButton, &QPushButton::clicked, this, &ConnectionBuilder::browse);
    for (QLineEdit *edit : {m_name, m_sqlitePath, m_host, m_database, m_user, m_password, m_rawUri})
        connect(edit, &QLineEdit::textChanged, this, &ConnectionBuilder::changed);
    connect(m_port, &QSpinBox::valueChanged, this, &ConnectionBuilder::changed);
    connect(m_sslMode, &QComboBox::currentIndexChanged, this, &ConnectionBuilder::changed);
    kindChanged();
}

void ConnectionBuilder::kindChanged()
{
    const QString kind = m_kind->currentData().toString();
    m_forms->setCurrentIndex(kind == kSqlite ? SqliteForm : kind.isEmpty() ? RawForm : ServerForm);
    if (m_port->value() == defaultPort(kind == kMariadb ? kPostgres : kMariadb))
        m_port->setValue(defaultPort(kind));
    m_sslLabel->setVisible(kind == kPostgres);
    m_sslMode->setVisible(kind == kPostgres);
    Q_EMIT changed();
}

void ConnectionBuilder::browse()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a SQLite database"), m_sqlitePath->text(),
                                                      tr("SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)"));
    if (!path.isEmpty())
        m_sqlitePath->setText(path);
}

QString ConnectionBuilder::scheme() const
{
    const QString kind = m_kind->currentData().toString();
    return kind.isEmpty() ? QUrl(uri()).scheme() : kind; // conninfo becomes a postgresql:// URI
}

QString ConnectionBuilder::uri() const
{
    const QString kind = m_kind->currentData().toString();
    if (kind == kSqlite) {
        const QString path = m_sqlitePath->text().trimmed();
        return path.isEmpty() ? QString() : DemoWorkload::uriFor(path);
    }
    if (kind.isEmpty())
        return SecretStore::stripPassword(m_rawUri->text().trimmed());
    if (m_database->text().trimmed().isEmpty() || m_user->text().trimmed().isEmpty())
        return {};
    ConnectionSecret s;
    s.scheme = kind;
    s.host = m_host->text().trimmed();
    s.port = m_port->value();
    s.database = m_database->text().trimmed();
    s.user = m_user->text().trimmed();
    if (kind == kPostgres && m_sslMode->currentData().toString() != QStringLiteral("prefer"))
        s.query = QStringLiteral("sslmode=") + m_sslMode->currentData().toString();
    return s.uri();
}

QString ConnectionBuilder::password() const
{
    const QString kind = m_kind->currentData().toString();
    if (kind.isEmpty())
        return ConnectionSecret::fromUri(m_rawUri->text().trimmed()).password;
    return kind == kSqlite ? QString() : m_password->text();
}

QString ConnectionBuilder::name() const { return m_name->text().trimmed(); }

void ConnectionBuilder::setConnection(const QString &uri, const QString &name)
{
    clear();
    m_name->setText(name == uri ? QString() : name);
    const ConnectionSecret s = ConnectionSecret::fromUri(uri);
    const int kind = m_kind->findData(s.scheme);
    if (s.scheme == kSqlite) {
        m_kind->setCurrentIndex(kind);
        m_sqlitePath->setText(QUrl(uri).path());
    } else if (kind >= 0) {
        m_kind->setCurrentIndex(kind);
        m_host->setText(s.host);
        m_port->setValue(s.effectivePort());
        m_database->setText(s.database);
        m_user->setText(s.user);
        const QString mode = QUrlQuery(s.query).queryItemValue(QStringLiteral("sslmode"));
        m_sslMode->setCurrentIndex(std::max(0, m_sslMode->findData(mode)));
    } else {
        m_kind->setCurrentIndex(m_kind->findData(QString()));
        m_rawUri->setText(uri);
    }
}

void ConnectionBuilder::clear()
{
    for (QLineEdit *edit : {m_name, m_sqlitePath, m_host, m_database, m_user, m_password, m_rawUri})
        edit->clear();
    m_sslMode->setCurrentIndex(0);
}

} // namespace tidemark::ui
