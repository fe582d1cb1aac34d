#pragma once
// Connections: add, test and remove databases, with a URI builder per
// connector, and the connector plugins found (or refused, with the reason).
#include <QWidget>

#include "engine_types.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QStackedWidget;
class QTreeWidget;

namespace tidemark::ui {

class EngineClient;
class ErrorBanner;

class ConnectionsPage : public QWidget {
    Q_OBJECT
public:
    explicit ConnectionsPage(EngineClient *client, QWidget *parent = nullptr);
    /// The URI the builder currently describes.
    QString builtUri() const;
    void setConnections(const QList<tidemark::Connection> &connections);

public Q_SLOTS:
    void addConnection();
    void testConnection();
    void removeConnection();
    void browse();

Q_SIGNALS:
    void connectionChosen(const QString &uri);
    /// The user asked for the demo database.
    void demoRequested();

private:
    void updateUri();
    QString selectedUri() const;

    EngineClient *m_client;
    QListWidget *m_list;
    QComboBox *m_kind;
    QStackedWidget *m_builders;
    QLineEdit *m_sqlitePath;
    QLineEdit *m_rawUri;
    QLabel *m_uri;
    QLabel *m_testResult;
    ErrorBanner *m_error;
    QPushButton *m_add;
    QPushButton *m_test;
    QPushButton *m_remove;
    QTreeWidget *m_plugins;
};

} // namespace tidemark::ui
