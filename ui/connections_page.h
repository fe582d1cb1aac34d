#pragma once
// Connections: add, edit, rename, test and remove databases, with a URI
// builder per connector; passwords go to the SecretStore (keychain or the
// database's own password file), never into the URI or the metadata store.
// The list says of each connection its kind, name, where it is and whether
// it can be used now (checked once per session, again on Check, after every
// test and scan). Also lists the connector plugins found (or refused, with
// the reason).
#include <QHash>
#include <QSet>
#include <QStringList>
#include <QWidget>

#include "connection_status.h"
#include "engine_types.h"

class QLabel;
class QMessageBox;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

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
    /// What the list says of `uri` now.
    ConnectionState stateOf(const QString &uri) const;
    /// True while a Test (or the test before an Add) has not answered.
    bool isTesting() const { return !m_testing.isEmpty(); }
    void setConnections(const QList<tidemark::Connection> &connections);

public Q_SLOTS:
    void addConnection();
    /// Saves the builder over the selected connection (name, password, or a new URI).
    void saveChanges();
    void editSelected();
    /// Tests the connection in the form, or stops the test that runs.
    void testConnection();
    /// Checks the selected connection again (its stored password).
    void checkSelected();
    void removeConnection();
    void focusBuilder();

Q_SIGNALS:
    void connectionChosen(const QString &uri);
    void connectionRemoved(const QString &uri);
    /// The user asked for the demo database.
    void demoRequested();

private:
    void updateUri();
    void updateTestButton();
    /// The outcome of a test or check of `uri`.
    void onTested(const QString &uri, bool ok, const QString &message, const EngineError &error);
    void setState(const QString &uri, ConnectionState state, const QString &detail);
    void showState(QTreeWidgetItem *item);
    /// Queues a check; at most two run at once so a hung server does not
    /// hold the pool from the scans of the connection in use.
    void queueCheck(const QString &uri);
    void startChecks();
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
    QTreeWidget *m_list;
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
    QPushButton *m_check;
    QTreeWidget *m_plugins;
    QMessageBox *m_confirm = nullptr;
    QSet<QString> m_passwordsAsked;
    QString m_pendingAdd; ///< the URI tested before it is added
    QString m_pendingName;
    QString m_testing; ///< the URI of the Test or Add test in flight
    bool m_testStopped = false; ///< the DBA stopped m_testing
    struct Status {
        ConnectionState state = ConnectionState::NotChecked;
        QString detail; ///< the message of the last check, test or scan
    };
    QHash<QString, Status> m_status;
    QStringList m_checkQueue;
    QSet<QString> m_checking; ///< checks in flight (not the DBA's tests)
};

} // namespace tidemark::ui
