#pragma once
// Passwords the desktop app saved in the system keychain, for tidemark-cli:
// both apps read the same places (keychain first, then the databases' own
// password files, which libpq and the MariaDB client read themselves).
#include <optional>
#include <string>

#include <QString>

namespace tidemark::app {

/// The keychain password stored for `uri` (the URI without a password, as
/// the desktop app stores it), when a Secret Service answers on the session
/// bus within `timeoutMs`; nullopt otherwise.
std::optional<QString> keychainPassword(const QString &uri, int timeoutMs = 3000);

/// `uri` with the keychain's password filled in — only in memory, never
/// printed or stored — or `uri` unchanged when it has a password already,
/// is not a network database, or the keychain has none.
std::string withKeychainPassword(const std::string &uri);

} // namespace tidemark::app
