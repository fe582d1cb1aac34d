#pragma once
// Byte counts in the DBA's words: "512 B", "3.4 MiB", "1.2 GiB".
#include <string>

namespace tidemark {

/// Whole bytes below 1 KiB, else one decimal in KiB … TiB (powers of 1024).
std::string humanBytes(double bytes);

} // namespace tidemark
