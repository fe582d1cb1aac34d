#pragma once
// Byte counts in the DBA's words: "512 B", "3.4 MiB", "1.2 GiB", and back.
#include <cstdint>
#include <string>

#include "result.h"

namespace tidemark {

/// Whole bytes below 1 KiB, else one decimal in KiB … TiB (powers of 1024).
std::string humanBytes(double bytes);

/// "500G", "1.5T", "64GiB", "512 MB", "1048576": bytes, with K/M/G/T/P as
/// powers of 1024 (the way DBAs size disks and memory in database settings).
/// InvalidArgument for anything else, or a size below one byte; `what`
/// names the figure in the message ("--disk", "disk").
Result<std::int64_t> parseByteSize(const std::string &what, const std::string &text);

} // namespace tidemark
