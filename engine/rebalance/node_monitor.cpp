// The node resource monitor.
#include "rebalance/node_monitor.h"

#include "connector_features.h"

namespace tidemark::rebalance {

Result<NodeSample> sampleNodeResources(Connector &connector, MetadataStore &store, std::int64_t connectionId,
                                       std::int64_t nowMs)
{
    auto *reporter = feature<ResourceReporter>(connector);
    if (!reporter)
        return fail(ErrorCode::Unsupported, capabilitiesOf(connector).whyNot("resources"),
                    "node load comes from the servers that report it (PostgreSQL); state capacity in the node "
                    "catalogue");
    auto r = reporter->resources();
    if (!r)
        return tl::unexpected(r.error());
    NodeSample s;
    s.timestampMs = nowMs;
    s.transactions = r->transactions;
    s.tuplesRead = r->tuplesRead;
    s.tuplesWritten = r->tuplesWritten;
    s.blocksRead = r->blocksRead;
    s.blocksHit = r->blocksHit;
    s.activeSessions = r->activeSessions;
    s.sessions = r->sessions;
    s.databaseBytes = r->diskBytesUsed;
    s.counterEpoch = r->counterEpoch;
    if (auto ok = store.addNodeSample(connectionId, s); !ok)
        return tl::unexpected(ok.error());
    return s;
}

std::vector<NodeRate> nodeRates(const std::vector<NodeSample> &samples)
{
    std::vector<NodeRate> out;
    for (std::size_t i = 1; i < samples.size(); ++i) {
        const auto &a = samples[i - 1], &b = samples[i];
        if (a.counterEpoch != b.counterEpoch || b.timestampMs <= a.timestampMs)
            continue;
        const double seconds = double(b.timestampMs - a.timestampMs) / 1000.0;
        bool reset = false;
        auto rate = [&](const std::optional<std::int64_t> &x, const std::optional<std::int64_t> &y) {
            if (!x || !y)
                return std::optional<double>{};
            if (*y < *x) {
                reset = true;
                return std::optional<double>{};
            }
            return std::optional<double>{double(*y - *x) / seconds};
        };
        NodeRate r;
        r.fromMs = a.timestampMs;
        r.toMs = b.timestampMs;
        r.transactionsPerSecond = rate(a.transactions, b.transactions);
        r.tuplesReadPerSecond = rate(a.tuplesRead, b.tuplesRead);
        r.tuplesWrittenPerSecond = rate(a.tuplesWritten, b.tuplesWritten);
        r.blocksReadPerSecond = rate(a.blocksRead, b.blocksRead);
        r.activeSessions = b.activeSessions;
        if (!reset)
            out.push_back(r);
    }
    return out;
}

} // namespace tidemark::rebalance
