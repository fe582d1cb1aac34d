#include "node_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "host/connector_registry.h"
#include "model/byte_units.h"
#include "model/connection_string.h"

namespace tidemark::ui {

namespace {

constexpr tidemark::NodeRole kRoles[] = {tidemark::NodeRole::Primary, tidemark::NodeRole::Replica,
                                         tidemark::NodeRole::Shard, tidemark::NodeRole::Archive};

QString sizeField(const std::optional<std::int64_t> &bytes)
{
    return bytes ? toQString(tidemark::humanBytes(double(*bytes))).remove(QLatin1Char(' ')) : QString();
}

} // namespace

QString roleText(tidemark::NodeRole role)
{
    switch (role) {
    case tidemark::NodeRole::Primary:
        return NodeDialog::tr("primary");
    case tidemark::NodeRole::Replica:
        return NodeDialog::tr("replica");
    case tidemark::NodeRole::Shard:
        return NodeDialog::tr("shard");
    case tidemark::NodeRole::Archive:
        return NodeDialog::tr("archive");
    }
    return {};
}

NodeDialog::NodeDialog(const tidemark::Node *editing, const QList<tidemark::Node> &catalogue,
                       const QStringList &connections, const QStringList &schemes, QWidget *parent)
    : QDialog(parent)
    , m_catalogue(catalogue)
    , m_schemes(schemes)
    , m_name(new QLineEdit(this))
    , m_uri(new QComboBox(this))
    , m_role(new QComboBox(this))
    , m_disk(new QLineEdit(this))
    , m_cores(new QSpinBox(this))
    , m_memory(new QLineEdit(this))
    , m_notes(new QLineEdit(this))
    , m_problem(new QLabel(this))
{
    if (editing)
        m_original = *editing;
    setObjectName(QStringLiteral("nodeDialog"));
    setWindowTitle(editing ? tr("Edit node %1").arg(toQString(editing->name)) : tr("Add a node"));
    m_name->setPlaceholderText(tr("e.g. db2 or replica-east"));
    m_uri->setEditable(true);
    m_uri->setInsertPolicy(QComboBox::NoInsert);
    for (const QString &c : connections)
        m_uri->addItem(toQString(tidemark::redactUri(toStd(c))));
    m_uri->setToolTip(tr("The database the node serves: type its URI or pick a saved connection"));
    m_uri->lineEdit()->setPlaceholderText(tr("e.g. postgresql://db2/sales or sqlite:///srv/db.sqlite"));
    for (tidemark::NodeRole r : kRoles)
        m_role->addItem(roleText(r), QString::fromLatin1(tidemark::toString(r)));
    m_disk->setPlaceholderText(tr("e.g. 500G or 1.5T; empty when not known"));
    m_memory->setPlaceholderText(tr("e.g. 64G; empty when not known"));
    m_cores->setRange(0, 1000000);
    m_cores->setSpecialValueText(tr("not known"));
    m_problem->setObjectName(QStringLiteral("nodeDialogProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_problem->hide();

    if (editing) {
        m_name->setText(toQString(editing->name));
        m_uri->setCurrentText(toQString(tidemark::redactUri(editing->connectionUri)));
        m_role->setCurrentIndex(m_role->findData(QString::fromLatin1(tidemark::toString(editing->role))));
        m_disk->setText(sizeField(editing->diskBytes));
        m_cores->setValue(editing->cores.value_or(0));
        m_memory->setText(sizeField(editing->memoryBytes));
        m_notes->setText(toQString(editing->notes));
    } else {
        m_uri->setCurrentText(QString());
        m_role->setCurrentIndex(m_role->findData(QStringLiteral("replica")));
    }

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Connection:"), m_uri);
    form->addRow(tr("&Role:"), m_role);
    form->addRow(tr("&Disk:"), m_disk);
    form->addRow(tr("C&ores:"), m_cores);
    form->addRow(tr("&Memory:"), m_memory);
    form->addRow(tr("No&tes:"), m_notes);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &NodeDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &NodeDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
}

std::optional<tidemark::Node> NodeDialog::node() const
{
    QString why;
    QWidget *field = nullptr;
    return read(&why, &field);
}

QString NodeDialog::problem() const
{
    return m_problem->text();
}

void NodeDialog::accept()
{
    QString why;
    QWidget *field = nullptr;
    if (!read(&why, &field)) {
        m_problem->setText(why);
        m_problem->show();
        if (field)
            field->setFocus();
        return; // nothing is saved: the dialog stays with what to change
    }
    m_problem->clear();
    m_problem->hide();
    QDialog::accept();
}

std::optional<tidemark::Node> NodeDialog::read(QString *why, QWidget **field) const
{
    auto refuse = [&](QWidget *at, const QString &text) -> std::optional<tidemark::Node> {
        *why = text;
        *field = at;
        return std::nullopt;
    };
    tidemark::Node node = m_original.value_or(tidemark::Node{});
    const QString name = m_name->text().trimmed();
    if (name.isEmpty())
        return refuse(m_name, tr("Give the node a name, such as db2 or replica-east."));
    const QString uri = m_uri->currentText().trimmed();
    if (uri.isEmpty())
        return refuse(m_uri,
                      tr("Give the URI of the database the node serves (such as postgresql://db2/sales or "
                         "sqlite:///srv/db.sqlite), or pick a saved connection."));
    const QString scheme = toQString(tidemark::uriScheme(toStd(uri)));
    if (scheme.isEmpty())
        return refuse(m_uri,
                      tr("\"%1\" is not a database URI. Give one such as postgresql://db2/sales or "
                         "sqlite:///srv/db.sqlite.")
                          .arg(uri));
    if (!m_schemes.contains(scheme))
        return refuse(m_uri,
                      tr("No connector handles URIs of the scheme \"%1\". Use one of: %2.")
                          .arg(scheme, m_schemes.join(QLatin1String(", "))));
    const std::string shown = tidemark::redactUri(toStd(uri));
    for (const auto &other : m_catalogue) {
        if (m_original && other.id == m_original->id)
            continue;
        if (toQString(other.name) == name)
            return refuse(m_name,
                          tr("The name %1 is already used by the node on %2. Choose another name, or edit "
                             "that node.")
                              .arg(name, toQString(tidemark::redactUri(other.connectionUri))));
        if (tidemark::redactUri(other.connectionUri) == shown)
            return refuse(m_uri,
                          tr("%1 is already the connection of node %2. Edit that node instead.")
                              .arg(toQString(shown), toQString(other.name)));
    }
    auto size = [&](QLineEdit *edit, const QString &what, std::optional<std::int64_t> &out) -> std::optional<QString> {
        const QString text = edit->text().trimmed();
        if (text.isEmpty()) {
            out.reset();
            return std::nullopt;
        }
        auto bytes = tidemark::parseByteSize(toStd(what), toStd(text));
        if (!bytes)
            return tr("%1: \"%2\" is not a size. Give one such as 500G, 64GiB or 1.5T (K, M, G, T, P are powers of "
                      "1024; a plain number is bytes), or leave it empty when it is not known.")
                .arg(what, text);
        out = *bytes;
        return std::nullopt;
    };
    if (auto bad = size(m_disk, tr("Disk"), node.diskBytes))
        return refuse(m_disk, *bad);
    if (auto bad = size(m_memory, tr("Memory"), node.memoryBytes))
        return refuse(m_memory, *bad);
    node.name = toStd(name);
    // A URI shown without its password stays the stored one (the store keeps none).
    if (!m_original || shown != tidemark::redactUri(m_original->connectionUri))
        node.connectionUri = toStd(uri);
    node.role =
        tidemark::nodeRoleFromString(toStd(m_role->currentData().toString())).value_or(tidemark::NodeRole::Primary);
    if (m_cores->value() > 0)
        node.cores = m_cores->value();
    else
        node.cores.reset();
    node.notes = toStd(m_notes->text().trimmed());
    return node;
}

} // namespace tidemark::ui
