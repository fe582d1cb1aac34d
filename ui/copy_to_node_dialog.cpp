#include "copy_to_node_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "engine_client.h"
#include "model/connection_string.h"
#include "node_dialog.h"

namespace tidemark::ui {

CopyToNodeDialog::CopyToNodeDialog(EngineClient *client, const QString &uri, const QString &table,
                                   const QString &partition, bool move, QWidget *parent)
    : QDialog(parent)
    , m_move(move)
    , m_note(new QLabel(this))
    , m_nodes(new QComboBox(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("copyToNodeDialog"));
    setWindowTitle(move ? tr("Move %1 to a node").arg(partition) : tr("Copy %1 to a node").arg(partition));
    m_note->setWordWrap(true);
    m_note->setText(move ? tr("Plan moving partition %1 of %2 to another node. The plan opens on Plan review; "
                              "nothing changes before you approve it.")
                               .arg(partition, table)
                         : tr("Plan copying partition %1 of %2 to another node. The plan opens on Plan review; "
                              "nothing changes before you approve it.")
                               .arg(partition, table));
    m_nodes->setAccessibleName(tr("Receiving node"));
    m_nodes->setEnabled(false);
    m_nodes->addItem(tr("Reading the node catalogue…"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Plan"));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    auto *form = new QFormLayout;
    form->addRow(tr("&To node:"), m_nodes);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_note);
    layout->addLayout(form);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    const std::string source = tidemark::redactUri(toStd(uri));
    connect(client, &EngineClient::nodesListed, this, [this, source](const QList<NodeEntry> &nodes) {
        m_ready = true;
        const QString chosen = m_nodes->currentData().toString(); // kept when the catalogue is read again
        m_nodes->clear();
        for (const auto &e : nodes) {
            // The partition's own database is no place to copy it to.
            if (tidemark::redactUri(e.node.connectionUri) == source)
                continue;
            m_nodes->addItem(tr("%1 (%2, %3)")
                                 .arg(toQString(e.node.name), roleText(e.node.role),
                                      toQString(tidemark::redactUri(e.node.connectionUri))),
                             toQString(e.node.name));
        }
        const bool any = m_nodes->count() > 0;
        if (!any)
            m_nodes->addItem(tr("No other node in the catalogue: add one on the Nodes page (Ctrl+9)"));
        if (const int i = m_nodes->findData(chosen); i >= 0 && !chosen.isEmpty())
            m_nodes->setCurrentIndex(i);
        m_nodes->setEnabled(any);
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(any);
        if (any)
            m_nodes->setFocus();
    });
    client->listNodes();
}

QString CopyToNodeDialog::node() const
{
    return m_nodes->currentData().toString();
}

} // namespace tidemark::ui
