#include "agent/token_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace tidemark::agent {

Result<std::string> readTokenFile(const std::string &path)
{
    const std::string hint = fmt::format("create it with: umask 077; head -c 32 /dev/urandom | base64 > {}", path);
    // Open first, then check what was opened (no race between stat and read).
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return fail(ErrorCode::NotFound, fmt::format("cannot open the token file {}: {}", path, std::strerror(errno)),
                    hint);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return fail(ErrorCode::InvalidArgument, fmt::format("the token file {} is not a regular file", path), hint);
    }
    if ((st.st_mode & 077) != 0) {
        ::close(fd);
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the token file {} is mode {:04o}; it must be 0600 (readable by its owner only)", path,
                                st.st_mode & 07777),
                    fmt::format("chmod 600 {}", path));
    }
    if (st.st_uid != ::geteuid()) {
        ::close(fd);
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the token file {} belongs to another user (uid {})", path, st.st_uid), hint);
    }
    std::string text;
    char buf[512];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0)
            break;
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > 4096)
            break;
    }
    ::close(fd);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
        text.pop_back();
    std::size_t start = 0;
    while (start < text.size() && (text[start] == ' ' || text[start] == '\t'))
        ++start;
    text.erase(0, start);
    if (text.size() > 4096 || text.find('\n') != std::string::npos)
        return fail(ErrorCode::InvalidArgument, fmt::format("the token file {} holds more than one token line", path),
                    hint);
    if (text.size() < kMinTokenLength)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the token in {} is shorter than {} characters", path, kMinTokenLength), hint);
    return text;
}

bool tokenEquals(std::string_view expected, std::string_view given)
{
    unsigned char diff = expected.size() == given.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size(); ++i)
        diff |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
    return diff == 0;
}

} // namespace tidemark::agent
