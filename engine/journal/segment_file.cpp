#include "journal/segment_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <xxhash.h>
#include <zstd.h>

namespace tidemark {

namespace {

constexpr char kMagic[8] = {'T', 'D', 'M', 'K', 'S', 'E', 'G', '1'};
constexpr std::size_t kHeader = 8 + 8 + 8;

std::string hex64(std::uint64_t v)
{
    return fmt::format("{:016x}", v);
}

Error ioError(const std::filesystem::path &path, const char *what)
{
    return Error{ErrorCode::Io,
                 fmt::format("snapshot repository: {} {}: {}", what, path.string(), std::strerror(errno)),
                 "check that the repository directory exists, is writable and has free space"};
}

Result<void> writeAll(int fd, const char *data, std::size_t size, const std::filesystem::path &path)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return tl::unexpected(ioError(path, "writing"));
        }
        data += n;
        size -= std::size_t(n);
    }
    return {};
}

} // namespace

void ImageChecksum::add(const std::string &image, std::int64_t times)
{
    rows += times;
    sum += XXH64(image.data(), image.size(), 0) * std::uint64_t(times);
}

std::string ImageChecksum::hex() const
{
    return hex64(sum);
}

Result<SegmentWritten> writeSegment(const std::filesystem::path &path, const std::string &payload)
{
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec)
        return fail(ErrorCode::Io,
                    fmt::format("snapshot repository: cannot create {}: {}", path.parent_path().string(), ec.message()),
                    "choose a writable repository directory with --repository DIR");
    std::string out(kHeader + ZSTD_compressBound(payload.size()), '\0');
    const std::size_t n = ZSTD_compress(out.data() + kHeader, out.size() - kHeader, payload.data(), payload.size(), 3);
    if (ZSTD_isError(n))
        return fail(ErrorCode::Internal, fmt::format("zstd: {}", ZSTD_getErrorName(n)), "");
    out.resize(kHeader + n);
    const std::uint64_t raw = payload.size();
    const std::uint64_t sum = XXH64(out.data() + kHeader, n, 0);
    std::memcpy(out.data(), kMagic, 8);
    std::memcpy(out.data() + 8, &raw, 8);
    std::memcpy(out.data() + 16, &sum, 8);

    const std::filesystem::path tmp = path.string() + fmt::format(".tmp-{}", ::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return tl::unexpected(ioError(tmp, "creating"));
    auto written = writeAll(fd, out.data(), out.size(), tmp);
    if (written && ::fsync(fd) != 0)
        written = tl::unexpected(ioError(tmp, "flushing"));
    ::close(fd);
    if (!written) {
        std::filesystem::remove(tmp, ec);
        return tl::unexpected(written.error());
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        auto e = ioError(path, "renaming into");
        std::filesystem::remove(tmp, ec);
        return tl::unexpected(e);
    }
    if (const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return SegmentWritten{std::int64_t(out.size()), hex64(sum)};
}

Result<std::string> readSegment(const std::filesystem::path &path, const std::string &expectedXxh64)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(ErrorCode::Corrupt,
                    fmt::format("snapshot repository segment {} is missing: {}", path.string(), std::strerror(errno)),
                    "the repository was moved or files were removed by hand; take a new snapshot "
                    "(tidemark-cli snapshot URI --table T) and read times after it");
    std::string data;
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        data.append(buf, std::size_t(n));
    }
    ::close(fd);
    auto corrupt = [&](const std::string &why) -> Result<std::string> {
        return fail(ErrorCode::Corrupt,
                    fmt::format("snapshot repository segment {} is damaged: {}", path.string(), why),
                    "its rows cannot be trusted: restore the file from a backup of the repository, or take a new "
                    "snapshot (tidemark-cli snapshot URI --table T) and read times after it");
    };
    if (data.size() < kHeader || std::memcmp(data.data(), kMagic, 8) != 0)
        return corrupt("not a Tidemark segment (bad header)");
    std::uint64_t raw = 0, sum = 0;
    std::memcpy(&raw, data.data() + 8, 8);
    std::memcpy(&sum, data.data() + 16, 8);
    const std::uint64_t actual = XXH64(data.data() + kHeader, data.size() - kHeader, 0);
    if (actual != sum || hex64(sum) != expectedXxh64)
        return corrupt(fmt::format("checksum {} (header {}, manifest {})", hex64(actual), hex64(sum), expectedXxh64));
    std::string out(raw, '\0');
    const std::size_t n = ZSTD_decompress(out.data(), out.size(), data.data() + kHeader, data.size() - kHeader);
    if (ZSTD_isError(n) || n != raw)
        return corrupt("it does not decompress");
    return out;
}

} // namespace tidemark
