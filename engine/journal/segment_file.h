#pragma once
// One file of the snapshot repository: a zstd-compressed payload behind a
// small header that carries its raw size and the XXH64 of the compressed
// bytes. Written to a temporary name, flushed and renamed, so a file under
// its final name is always whole; a damaged one is refused by checksum.
#include <cstdint>
#include <filesystem>
#include <string>

#include "result.h"

namespace tidemark {

struct SegmentWritten {
    std::int64_t bytes = 0; ///< on disk
    std::string xxh64; ///< of the compressed payload, 16 hex digits
};

/// Compresses `payload` into `path` (parents created), atomically.
Result<SegmentWritten> writeSegment(const std::filesystem::path &path, const std::string &payload);
/// Reads `path` back; Corrupt when its checksum differs from the header's or
/// from `expectedXxh64` (the manifest's), naming the file.
Result<std::string> readSegment(const std::filesystem::path &path, const std::string &expectedXxh64);

/// Order-independent checksum of row images: their count and the sum of
/// their XXH64 hashes modulo 2^64.
struct ImageChecksum {
    std::int64_t rows = 0;
    std::uint64_t sum = 0;
    void add(const std::string &image, std::int64_t times = 1);
    std::string hex() const;
    friend bool operator==(const ImageChecksum &, const ImageChecksum &) = default;
};

} // namespace tidemark
