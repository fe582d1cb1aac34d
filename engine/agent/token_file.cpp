#include "agent/token_file.h"

#include <cerrno>
#include <cstring>
#include <set>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace tidemark::agent {

namespace {

constexpr std::size_t kMaxTokenFileBytes = 64 * 1024;

/// What a non-regular file is, in a DBA's words.
const char *kindOf(mode_t mode)
{
    if (S_ISLNK(mode))
        return "a symbolic link";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a plain file";
}

std::string_view trimmed(std::string_view s)
{
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (!s.empty() && blank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && blank(s.back()))
        s.remove_suffix(1);
    return s;
}

bool validName(std::string_view name)
{
    if (name.empty() || name.size() > 64)
        return false;
    for (const char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return false;
    return true;
}

} // namespace

Result<std::vector<AgentToken>> readTokenFile(const std::string &path)
{
    const std::string hint = fmt::format("create it with: umask 077; head -c 32 /dev/urandom | base64 > {}", path);
    // Look before opening: opening a FIFO for reading blocks until a writer
    // comes, and a symbolic link may lead anywhere.
    struct stat st { };
    if (::lstat(path.c_str(), &st) != 0)
        return fail(ErrorCode::NotFound, fmt::format("cannot read the token file {}: {}", path, std::strerror(errno)),
                    hint);
    if (!S_ISREG(st.st_mode))
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the token file {} is {}, not a regular file", path, kindOf(st.st_mode)),
                    fmt::format("point --token-file at a regular file; {}", hint));
    // Then open without following links or blocking, and check what was
    // opened (the path may have been swapped in between).
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("cannot open the token file {}: {}", path,
                                errno == ELOOP ? "it is a symbolic link, not a regular file" : std::strerror(errno)),
                    hint);
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the token file {} is {}, not a regular file", path, kindOf(st.st_mode)), hint);
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
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > kMaxTokenFileBytes)
            break;
    }
    ::close(fd);
    if (text.size() > kMaxTokenFileBytes)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("the token file {} is larger than {} bytes", path, kMaxTokenFileBytes), hint);

    std::vector<AgentToken> tokens;
    std::set<std::string> names, secrets;
    int lineNo = 0, bare = 0;
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto nl = rest.find('\n');
        const std::string_view raw = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        ++lineNo;
        const std::string_view line = trimmed(raw);
        if (line.empty() || line.front() == '#')
            continue;
        AgentToken token;
        const auto gap = line.find_first_of(" \t");
        if (gap == std::string_view::npos) {
            token = {"default", std::string(line)};
            ++bare;
        } else {
            token = {std::string(line.substr(0, gap)), std::string(trimmed(line.substr(gap)))};
            if (!validName(token.name) || token.secret.find_first_of(" \t") != std::string::npos)
                return fail(ErrorCode::InvalidArgument,
                            fmt::format("line {} of the token file {} is not NAME TOKEN (a name of letters, digits, "
                                        "'-', '_' or '.', then the token)",
                                        lineNo, path),
                            hint);
        }
        if (token.secret.size() < kMinTokenLength)
            return fail(
                ErrorCode::InvalidArgument,
                fmt::format("the token on line {} of {} is shorter than {} characters", lineNo, path, kMinTokenLength),
                hint);
        if (bare > 0 && !tokens.empty())
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("the token file {} holds several tokens, not all named (line {})", path, lineNo),
                        "with more than one token, write each line as NAME TOKEN");
        if (!names.insert(token.name).second)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("the token file {} names \"{}\" twice (line {})", path, token.name, lineNo),
                        "give each token its own name: NAME TOKEN");
        if (!secrets.insert(token.secret).second)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("the token file {} holds the same token twice (line {})", path, lineNo),
                        "give each scheduler a token of its own");
        tokens.push_back(std::move(token));
    }
    if (tokens.empty())
        return fail(ErrorCode::InvalidArgument, fmt::format("the token file {} holds no token", path), hint);
    return tokens;
}

bool tokenEquals(std::string_view expected, std::string_view given)
{
    unsigned char diff = expected.size() == given.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size(); ++i)
        diff |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
    return diff == 0;
}

const AgentToken *findToken(const std::vector<AgentToken> &tokens, std::string_view given)
{
    const AgentToken *found = nullptr;
    for (const auto &t : tokens)
        if (tokenEquals(t.secret, given))
            found = &t;
    return found;
}

} // namespace tidemark::agent
