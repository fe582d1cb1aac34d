#pragma once
// What the connection list says of a connection: its kind, where it is and
// whether it can be used now, in words rather than raw URIs.
#include <QCoreApplication>
#include <QString>

namespace tidemark::ui {

struct EngineError;

enum class ConnectionState {
    NotChecked, ///< nothing tried yet in this session
    Checking, ///< a check or a test is on its way
    Reachable, ///< opened and read
    AuthFailed, ///< the server refused the user or the password
    Unreachable, ///< no server answered at the address
    Missing, ///< the server answered, the database (or file) is not there
    NoConnector, ///< no connector plugin for the URI's kind is loaded
    Cancelled, ///< the check was stopped before it answered
    Failed, ///< anything else; the tooltip says what
};

/// The state a failed check or scan leaves a connection in.
ConnectionState stateFor(const EngineError &error);

struct ConnectionDescription {
    QString kind; ///< "PostgreSQL", "SQLite", …
    QString name; ///< the DBA's name, else the database or file name
    QString where; ///< "db.example:5432/orders as ann", a file path
};

class ConnectionWords {
    Q_DECLARE_TR_FUNCTIONS(tidemark::ui::ConnectionWords)
public:
    /// `name` is the DBA's name for the connection ("" when none).
    static ConnectionDescription describe(const QString &uri, const QString &name);
    static QString kindOf(const QString &scheme);
    static QString stateText(ConnectionState state);
};

} // namespace tidemark::ui
