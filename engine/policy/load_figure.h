#pragma once
// The load a connector reads from its server (active sessions), beyond the
// write rates every scan measures. An optional interface, found with a
// dynamic_cast, so connectors without a server (SQLite) and plugins built
// before it simply report nothing. See docs/policies.md, "Load awareness".
#include <optional>
#include <string>

#include "connector.h"

namespace tidemark {

/// What the server says of its own load right now.
struct LoadFigure {
    int activeSessions = 0; ///< other sessions running a statement in this database
    int sessions = 0; ///< other sessions connected to this database
    int maxSessions = 0; ///< the server's limit (0: unknown)
    std::string text; ///< e.g. "3 active of 12 sessions (max 100)"
};

/// Implemented by connectors that can read a load figure (PostgreSQL).
class LoadReporter {
public:
    virtual ~LoadReporter();
    /// The load now, not counting the connector's own session.
    virtual Result<LoadFigure> currentLoad() = 0;
};

/// The connector's load figure, or none when it reports none or reading it
/// fails (load awareness then rests on write rates alone).
std::optional<LoadFigure> readLoadFigure(Connector &connector);

} // namespace tidemark
