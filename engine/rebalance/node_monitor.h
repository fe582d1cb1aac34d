#pragma once
// The node resource monitor: what each node reports of its own load
// (ResourceReporter: transactions, tuples read and written, blocks, active
// sessions, database size), sampled into the metadata store as a time
// series, and the rates between readings. Capacity the server cannot tell
// (cores, disk) comes from the node catalogue.
#include <cstdint>
#include <optional>
#include <vector>

#include "connector.h"
#include "model/node.h"
#include "store/metadata_store.h"

namespace tidemark::rebalance {

/// Reads the node's own figures through its connector and stores them as
/// one sample of `connectionId`. Unsupported (with the reason) when the
/// connector reports none.
Result<NodeSample> sampleNodeResources(Connector &connector, MetadataStore &store, std::int64_t connectionId,
                                       std::int64_t nowMs);

/// The load between two consecutive readings of one counter epoch.
struct NodeRate {
    std::int64_t fromMs = 0, toMs = 0;
    std::optional<double> transactionsPerSecond, tuplesReadPerSecond, tuplesWrittenPerSecond, blocksReadPerSecond;
    std::optional<int> activeSessions; ///< at the later reading
};

/// Rates between consecutive samples (oldest first); an interval across a
/// counter reset (new epoch, or a counter that went down) is left out.
std::vector<NodeRate> nodeRates(const std::vector<NodeSample> &samples);

} // namespace tidemark::rebalance
