#pragma once
// The agent's bearer tokens: read from a file only its owner can read.
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace tidemark::agent {

inline constexpr std::size_t kMinTokenLength = 16;

/// One token of the token file. Each token is its own scope: a client
/// authenticated with it sees and cancels only the jobs started with it.
struct AgentToken {
    std::string name; ///< "default" for a file of one bare token
    std::string secret;
};

/// Reads the tokens: one per line, either `TOKEN` alone (a file of a single
/// token) or `NAME TOKEN`; blank lines and lines starting with `#` are
/// skipped. Refused unless the path is a regular file (not a symbolic link,
/// FIFO, device or directory, checked without blocking) of the current user
/// with no permission bits for group or others (0600 or 0400), and every
/// token has at least kMinTokenLength characters, names and tokens unique.
Result<std::vector<AgentToken>> readTokenFile(const std::string &path);

/// Compares in time independent of where the first difference is.
bool tokenEquals(std::string_view expected, std::string_view given);

/// The token `given` matches, or null; compares against every token so the
/// time taken does not tell which one came close.
const AgentToken *findToken(const std::vector<AgentToken> &tokens, std::string_view given);

} // namespace tidemark::agent
