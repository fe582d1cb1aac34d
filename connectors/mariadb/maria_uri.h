#pragma once
// mariadb:// and mysql:// URIs as the MariaDB connector reads them:
//   mariadb://user[:password]@host[:port]/database?ssl-mode=REQUIRED&ssl-ca=…
// Query parameters use the client's option names (ssl-mode, ssl-ca, ssl-cert,
// ssl-key, ssl-capath, ssl-cipher, tls-version, ssl-verify-server-cert,
// connect-timeout, socket, default-file, group); '_' may stand for '-'.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace tidemark::mariadb {

/// How TLS is used, in the MySQL client's ssl-mode words.
enum class SslMode { Default, Disabled, Preferred, Required, VerifyCa, VerifyIdentity };

struct MariaUri {
    std::string scheme; ///< "mariadb" or "mysql"
    std::string user; ///< empty: the option file's or the login name
    std::optional<std::string> password; ///< only when the URI carries one
    std::string host = "localhost";
    unsigned port = 0; ///< 0: the option file's or 3306
    std::string database;
    std::string socket;
    SslMode sslMode = SslMode::Default;
    std::string sslCa, sslCaPath, sslCert, sslKey, sslCipher, tlsVersion;
    int connectTimeoutSeconds = 10;
    /// The option file read for a missing user or password; empty: ~/.my.cnf.
    std::string optionFile;
    std::string optionGroup = "client";

    /// user@host:port/db, never a password.
    std::string target() const;
};

/// Parses a mariadb:// or mysql:// URI; InvalidArgument (without echoing a
/// password) for anything else or an unknown parameter.
Result<MariaUri> parseMariaUri(std::string_view text);

/// The password an option file gives `user` on `host` (the per-host section
/// [client-USER@HOST] or [client-HOST] first, then [group]); nothing when
/// the file or the entry is missing. Quotes and escapes as the client reads them.
std::optional<std::string> optionFilePassword(const std::string &file, const std::string &group,
                                              const std::string &user, const std::string &host);

/// ~/.my.cnf of the current user (HOME).
std::string defaultOptionFile();

} // namespace tidemark::mariadb
