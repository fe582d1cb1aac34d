#pragma once
// Connection strings without their secrets: the one path every URI takes
// before it is shown, logged, sent in a reply or stored. PostgreSQL URIs and
// key=value conninfo are read by libpq's own parser (PQconninfoParse) and
// re-assembled without `password` / `sslpassword`; other schemes (sqlite:,
// mariadb:, anything unknown) are cut apart textually, never echoing a
// `user:password@` part or a password-like query parameter.
#include <string>
#include <string_view>

namespace tidemark {

/// What a connection string may show, and the secret it carried.
struct ConnectionString {
    /// The URI without any password: what is shown, logged, stored and used
    /// as the keychain key. Key=value conninfo becomes a postgresql:// URI of
    /// the same options; a string without a secret stays as written.
    std::string shown;
    /// The password it carried (URI user info, `password=` in the query or
    /// in conninfo), decoded; empty when none.
    std::string password;
    bool hasPassword = false;
    /// Key=value conninfo (libpq's other form), not a URI.
    bool conninfo = false;
    /// Set when the text cannot be what the user meant and must not be used
    /// (e.g. an unencoded '@' in a URI's password, which libpq would take for
    /// part of the host name and echo in its errors). Never contains a secret.
    std::string problem;

    static ConnectionString parse(std::string_view text);
};

/// `uri` without its password (ConnectionString::parse(uri).shown).
std::string redactUri(std::string_view uri);

/// Free text (an error message, a log line) with every URI's password
/// removed and the value of every `password=`-like pair masked as "***".
/// The last net under messages that quote what a user or a driver wrote.
std::string redactSecrets(std::string_view text);

/// Whether `text` is libpq key=value conninfo (`host=… dbname=…`), which has
/// no scheme but belongs to the PostgreSQL connector.
bool isConninfo(std::string_view text);

} // namespace tidemark
