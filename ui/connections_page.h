#pragma once
// Connections: add, edit, rename, test and remove databases, with a URI
// builder per connector; passwords go to the SecretStore (keychain or the
// database's own password file), never into the URI or the metadata store.
// Also lists the connector plugins found (or refused, with the reason).
#include <QSet>
#include <QWidget>

#include "engine_types.h"

class QLabel;
class QListWidget;
class QMessageBox;
class QPushButton;
class QTreeWidget;

namespace tidemark::ui {

class ConnectionBuilder;
class EngineClient;
class ErrorBanner;
class SecretStore;

class ConnectionsPage : public QWidget {
    Q_OBJECT
public:
    explicit ConnectionsPage(EngineClient *client, QWidget *parent = nullptr);
    /// The URI the builder currently describes (never with a password).
    QString builtUri() const;
    ConnectionBuilder *builder() const { return m_builder; }
    SecretStore *secretStore() const { return m_secrets; }
    /// The remove confirmation, or the "add anyway?" question after a failed
    /// test, while it is open (for keyboard users and tests).
    QMessageBox *pendingConfirmation() const { return m_confirm; }
    QString testResultText() const;
    QString secretStatusText() const;
    void setConnections(const QList<tidemark::Connection> &connections);

public Q_SLOTS:
    void addConnection();
    /// Saves the builder over the selected connection (name, password, or a new URI).
    void saveChanges();
    void editSelected();
    void testConnection();
    void removeConnection();
    void focusBuilder();

Q_SIGNALS:
    void connectionChosen(const QString &uri);
    void connectionRemoved(const QString &uri);
    /// The user asked for the demo database.
    void demoRequested();

private:
    void updateUri();
    void storePassword(const QString &uri);
    /// Adds `uri` for good: its password is saved only now.
    void finishAdd(const QString &uri, const QString &name);
    /// After a failed test: asks whether to add the connection anyway.
    void askAddAnyway(const QString &uri, const QString &name, const QString &why);
    /// The kind of database a URI names, for messages ("" when it names none).
    QString schemeOf(const QString &uri) const;
    qint64 selectedId() const;
    QString selectedUri() const;
    QString selectedName() const;

    EngineClient *m_client;
    SecretStore *m_secrets;
    QListWidget *m_list;
    ConnectionBuilder *m_builder;
    QLabel *m_uri;
    QLabel *m_testResult;
    QLabel *m_secretStatus;
    ErrorBanner *m_error;
    QPushButton *m_add;
    QPushButton *m_save;
    QPushButton *m_test;
    QPushButton *m_edit;
    QPushButton *m_remove;
    QTreeWidget *m_plugins;
    QMessageBox *m_confirm = nullptr;
    QSet<QString> m_passwordsAsked;
    QString m_pendingAdd; ///< the URI tested before it is added
    QString m_pendingName;
};

} // namespace tidemark::ui
