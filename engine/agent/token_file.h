#pragma once
// The agent's bearer token: read from a file only its owner can read.
#include <string>
#include <string_view>

#include "result.h"

namespace tidemark::agent {

inline constexpr std::size_t kMinTokenLength = 16;

/// Reads and trims the token. Refused unless the file is a regular file of
/// the current user with no permission bits for group or others (0600 or
/// 0400), and the token has at least kMinTokenLength characters.
Result<std::string> readTokenFile(const std::string &path);

/// Compares in time independent of where the first difference is.
bool tokenEquals(std::string_view expected, std::string_view given);

} // namespace tidemark::agent
