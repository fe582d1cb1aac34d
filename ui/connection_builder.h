#pragma once
// The URI builder of the Connections page: one form per kind of database
// (SQLite: a file picker; PostgreSQL: host, port, database, user, password,
// sslmode; MariaDB: the same without sslmode; anything else: the URI). The
// URI it builds never holds the password: password() hands it out apart.
#include <QWidget>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QStackedWidget;

namespace tidemark::ui {

class ConnectionBuilder : public QWidget {
    Q_OBJECT
public:
    explicit ConnectionBuilder(QWidget *parent = nullptr);

    /// "sqlite", "postgresql", "mariadb", or the scheme of a typed URI.
    QString scheme() const;
    /// The URI described, without password; empty while incomplete.
    QString uri() const;
    QString password() const;
    QString name() const;
    /// Fills the form from a stored connection (for editing).
    void setConnection(const QString &uri, const QString &name);
    void clear();

Q_SIGNALS:
    void changed();

private:
    void kindChanged();
    void browse();

    QComboBox *m_kind;
    QLineEdit *m_name;
    QStackedWidget *m_forms;
    QLineEdit *m_sqlitePath;
    QWidget *m_serverForm;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QLineEdit *m_database;
    QLineEdit *m_user;
    QLineEdit *m_password;
    QComboBox *m_sslMode;
    QLabel *m_sslLabel;
    QLineEdit *m_rawUri;
};

} // namespace tidemark::ui
