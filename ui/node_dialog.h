#pragma once
// Adds or edits one node of the catalogue: name, connection (typed or one of
// the saved connections), role, stated disk / cores / memory and notes. The
// figures are checked here, the way the CLI checks them ("500G", "1.5T");
// a bad one keeps the dialog open with what is wrong and what to do.
#include <QDialog>
#include <QList>

#include <optional>

#include "engine_types.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace tidemark::ui {

/// A node role in the DBA's words, translated.
QString roleText(tidemark::NodeRole role);

class NodeDialog : public QDialog {
    Q_OBJECT
public:
    /// `editing` null: a new node. `catalogue` is every node (for clashes),
    /// `connections` the saved connections to pick from, `schemes` the URI
    /// schemes a connector handles.
    NodeDialog(const tidemark::Node *editing, const QList<tidemark::Node> &catalogue, const QStringList &connections,
               const QStringList &schemes, QWidget *parent = nullptr);

    /// The node the fields describe, or nullopt with problem() saying why.
    std::optional<tidemark::Node> node() const;
    /// What is wrong with the fields, shown under them ("" when nothing).
    QString problem() const;
    /// The node edited, as it was (empty for a new one).
    QString editedName() const { return m_original ? toQString(m_original->name) : QString(); }

    QLineEdit *nameEdit() const { return m_name; }
    QComboBox *uriBox() const { return m_uri; }
    QComboBox *roleBox() const { return m_role; }
    QLineEdit *diskEdit() const { return m_disk; }
    QSpinBox *coresBox() const { return m_cores; }
    QLineEdit *memoryEdit() const { return m_memory; }
    QLineEdit *notesEdit() const { return m_notes; }

public Q_SLOTS:
    void accept() override;

private:
    /// The node, or the message and the field to go back to.
    std::optional<tidemark::Node> read(QString *why, QWidget **field) const;

    std::optional<tidemark::Node> m_original;
    QList<tidemark::Node> m_catalogue;
    QStringList m_schemes;
    QLineEdit *m_name;
    QComboBox *m_uri;
    QComboBox *m_role;
    QLineEdit *m_disk;
    QSpinBox *m_cores;
    QLineEdit *m_memory;
    QLineEdit *m_notes;
    QLabel *m_problem;
};

} // namespace tidemark::ui
