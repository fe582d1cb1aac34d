#pragma once
// A copy or move plan for one partition to a node of the catalogue: the
// target sized ahead (size now + writes forecast during the transfer, with
// the forecast's interval, capped), refused when the node's stated capacity
// cannot hold it, the chunk layout the key histogram gives, and the step
// with its fingerprint and exact SQL — stored as a proposed plan.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "connector.h"
#include "model/node.h"
#include "model/plan.h"
#include "replication/copy_chunks.h"
#include "replication/copy_sizing.h"
#include "store/metadata_store.h"

namespace tidemark {

struct CopyRequest {
    StepKind kind = StepKind::Copy; ///< Copy or Move
    std::string table;
    std::string partition;
    Node target; ///< from the node catalogue
    std::string requestedBy;
    std::int64_t nowMs = 0;
    /// The largest buffer reserved above the size now (0: a quarter of the size now, at least 64 MiB).
    std::int64_t maxBufferBytes = 0;
    /// Copy throughput to assume; unset: a short calibration read of the partition.
    std::optional<double> throughputBytesPerSecond;
    std::int64_t chunkRows = 0; ///< rows per coarse chunk; 0: the connector's default
    std::vector<SmokeQuery> smokeQueries; ///< a move's checks afterwards (NodeCopyWork)
    bool store = true; ///< false: work the plan out without storing it (--dry-run)
};

struct CopyPlanOutcome {
    Plan plan;
    CopySizing sizing;
    std::vector<CopyChunk> chunks;
    std::vector<std::string> notes;
};

/// `target` may be null (not reachable now): then only the catalogue's
/// figures size it.
Result<CopyPlanOutcome> buildCopyPlan(Connector &source, Connector *target, MetadataStore &store,
                                      const Connection &connection, const CopyRequest &request);

} // namespace tidemark
