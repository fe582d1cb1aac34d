#pragma once
// The node catalogue: the database servers (connections) a plan may span,
// with the role and capacity figures the DBA gives for each.
#include <cstdint>
#include <optional>
#include <string>

namespace tidemark {

enum class NodeRole { Primary, Replica, Shard, Archive };

const char *toString(NodeRole role);
std::optional<NodeRole> nodeRoleFromString(const std::string &name);

struct Node {
    std::int64_t id = 0;
    std::int64_t connectionId = 0;
    std::string connectionUri;
    std::string name; ///< unique, as the DBA calls it ("db2", "replica-east")
    NodeRole role = NodeRole::Primary;
    /// Capacity as the DBA states it; what a server reports itself comes
    /// from ResourceReporter (connector_features.h).
    std::optional<std::int64_t> diskBytes;
    std::optional<int> cores;
    std::optional<std::int64_t> memoryBytes;
    std::string notes;
    std::int64_t addedMs = 0;
};

/// One reading of what a node reports of its own load (ResourceReporter),
/// stored as a time series like partition samples: the counters are
/// cumulative within `counterEpoch`; sessions and bytes are gauges.
struct NodeSample {
    std::int64_t timestampMs = 0;
    std::optional<std::int64_t> transactions, tuplesRead, tuplesWritten, blocksRead, blocksHit;
    std::optional<int> activeSessions, sessions;
    std::optional<std::int64_t> databaseBytes;
    std::string counterEpoch;
};

} // namespace tidemark
