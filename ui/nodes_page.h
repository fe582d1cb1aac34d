#pragma once
// The node catalogue: the database servers a plan may span, with the role
// and capacity the DBA states for each and the latest reading of what the
// node reports of its own load. Add…, Edit… (Enter) and Remove… (Delete,
// after a confirmation) go through EngineClient to the metadata store.
#include <QList>
#include <QPointer>
#include <QWidget>

#include "engine_types.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace tidemark::ui {

class EngineClient;
class ErrorBanner;
class NodeDialog;

class NodesPage : public QWidget {
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        ConnectionColumn,
        RoleColumn,
        DiskColumn,
        CoresColumn,
        MemoryColumn,
        ReadingColumn,
        NotesColumn,
        ColumnCount
    };

    explicit NodesPage(EngineClient *client, QWidget *parent = nullptr);
    ~NodesPage() override;

    QTableWidget *table() const { return m_table; }
    const QList<NodeEntry> &nodes() const { return m_nodes; }
    bool hasList() const { return m_haveList; }
    QString errorText() const;
    QString statusText() const;
    /// The Add / Edit dialog while it is open (nullptr otherwise).
    NodeDialog *openDialog() const;

public Q_SLOTS:
    void refresh();
    void addNode();
    /// Edits the selected node.
    void editNode();
    /// Asks, then removes the selected node from the catalogue.
    void removeNode();

protected:
    void showEvent(QShowEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void showNodes(const QList<NodeEntry> &nodes);
    void openEditor(const tidemark::Node *editing);
    int selectedRow() const;
    void updateButtons();

    EngineClient *m_client;
    QList<NodeEntry> m_nodes;
    QStringList m_connections; ///< saved connection URIs, offered in the dialog
    bool m_haveList = false;
    QString m_select; ///< the node to select once the list comes back
    QPointer<NodeDialog> m_dialog;
    QLabel *m_status;
    ErrorBanner *m_error;
    QPushButton *m_add;
    QPushButton *m_edit;
    QPushButton *m_remove;
    QLabel *m_empty;
    QTableWidget *m_table;
};

} // namespace tidemark::ui
