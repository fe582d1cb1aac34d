#pragma once
// Named crash points, for tests that prove recovery after a real kill. An
// armed process appends the point's name to a marker file (so the test can
// assert the point was reached) and then kills itself with SIGKILL — or,
// armed to stop, stops itself with SIGSTOP so the test can change the world
// (fill the disk) before it resumes with SIGCONT. Unarmed, reach() is a
// cheap no-op. Only the apps arm it (from TIDEMARK_CRASH_AT, and
// TIDEMARK_CRASH_ACTION=stop). "name#k" fires at the k-th reach of the point.
#include <string>
#include <string_view>

namespace tidemark {

class CrashPoints {
public:
    static void arm(std::string name, std::string markerFile, bool stopInsteadOfKill = false);
    static void reach(std::string_view name);
};

} // namespace tidemark
