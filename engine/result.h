#pragma once
// Expected failures travel as values: a DBA-readable message plus what to do.
#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace tidemark {

enum class ErrorCode {
    InvalidArgument, ///< bad URI, unknown option, malformed input
    NotFound, ///< file, table or plan that does not exist
    NotPartitioned, ///< a table exists but is not a partitioned family
    Unsupported, ///< the connector cannot do this
    Busy, ///< database locked by another writer, lock timeout
    ExecutorLocked, ///< another Tidemark executor holds the database
    Corrupt, ///< a file that is not what it should be
    VersionTooNew, ///< metadata store written by a newer Tidemark
    StalePlan, ///< partitions changed since the plan was made
    VerificationFailed,
    Cancelled,
    InvalidState, ///< e.g. applying a plan that was not approved
    Database, ///< any other error the database reported
    Io,
    Internal,
    AuthFailed, ///< the server refused the user name, password or certificate
    Unreachable, ///< no server answered at the address (refused, timed out, unknown host)
};

/// An expected failure: `message` says what is wrong, `hint` what to do.
struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;
    std::string hint;
};

template <class T> using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string message, std::string hint = {})
{
    return tl::unexpected<Error>(Error{code, std::move(message), std::move(hint)});
}

/// Stable lower-case name of an error code (for JSON output and exit codes).
const char *errorCodeName(ErrorCode code);

} // namespace tidemark
