#include "executor/crash_points.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <mutex>

#include <fcntl.h>
#include <unistd.h>

namespace tidemark {

namespace {
std::mutex g_mutex;
std::string g_name;
int g_remaining = 1; ///< reaches of the point until it fires
std::string g_marker;
bool g_stop = false;
} // namespace

void CrashPoints::arm(std::string name, std::string markerFile, bool stopInsteadOfKill)
{
    std::lock_guard lock(g_mutex);
    g_stop = stopInsteadOfKill;
    g_remaining = 1;
    // "name#k" fires at the k-th reach (the k-th step that passes the point).
    if (const auto hash = name.rfind('#'); hash != std::string::npos) {
        try {
            g_remaining = std::max(1, std::stoi(name.substr(hash + 1)));
        } catch (const std::exception &) {
            g_remaining = 1;
        }
        name.resize(hash);
    }
    g_name = std::move(name);
    g_marker = std::move(markerFile);
}

void CrashPoints::reach(std::string_view name)
{
    std::lock_guard lock(g_mutex);
    if (g_name.empty() || name != g_name || --g_remaining > 0)
        return;
    if (!g_marker.empty()) {
        const int fd = ::open(g_marker.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            const std::string line = std::string(name) + "\n";
            [[maybe_unused]] const auto written = ::write(fd, line.data(), line.size());
            ::fsync(fd);
            ::close(fd);
        }
    }
    if (g_stop) {
        g_name.clear(); // once: the resumed process runs on
        ::kill(::getpid(), SIGSTOP);
        return;
    }
    ::kill(::getpid(), SIGKILL);
}

} // namespace tidemark
