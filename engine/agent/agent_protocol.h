#pragma once
// The agent's JSON-lines protocol (docs/agent-protocol.md): one request per
// line in, progress and result lines out. Parsing is pure and bounded so it
// can be fuzzed (tests/fuzz).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "policy/policy.h"

namespace tidemark::agent {

enum class Op { PreBackup, PostBackup, Status, Cancel };
const char *toString(Op op);

struct Request {
    Op op = Op::Status;
    std::string id;              ///< echoed on every reply line (≤ 128 chars)
    std::string token;
    // prebackup / postbackup
    std::string uri;
    std::int64_t deadlineMs = 10 * 60 * 1000;
    PolicyRequest narrowing;
    std::optional<std::string> table;
    std::int64_t waitBusyMs = 0;
    // status / cancel
    std::int64_t job = 0;
};

/// A request that cannot be served; `code` is stable for scripts.
struct ProtocolError {
    std::string code;            ///< "malformed-json", "unknown-op", "bad-field", "too-deep", …
    std::string message;
    std::string id;              ///< the request's id when it could be read
    /// The request's "token" when it could be read as text, so a server can
    /// tell a refused request of an authorised client from a stranger's.
    std::optional<std::string> token;
};

inline constexpr std::size_t kMaxIdLength = 128;
inline constexpr std::size_t kMaxUriLength = 4096;
inline constexpr std::size_t kMaxTokenLength = 4096;
inline constexpr int kMaxNesting = 16;

/// Parses one line (without its newline). Never throws. The token is read
/// before anything else is judged, and any refusal carries it.
tl::expected<Request, ProtocolError> parseRequest(std::string_view line);

/// One reply line: a JSON object with "type" and "id", newline-terminated.
std::string errorLine(const ProtocolError &error);
std::string errorLine(const std::string &code, const std::string &message, const std::string &id = {});

} // namespace tidemark::agent
