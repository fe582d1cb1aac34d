// EngineClient's node catalogue: the servers a plan may span, read and
// written in the metadata store on the engine thread (no database is opened).
#include "engine_client.h"
#include "engine_client_internal.h"

namespace tidemark::ui {

namespace {

/// The node's newest reading: the last hour is enough almost always, so the
/// whole series is read only for a node not sampled lately.
Result<std::optional<tidemark::NodeSample>> latestSample(tidemark::MetadataStore &store, std::int64_t connectionId)
{
    const std::int64_t now = tidemark::nowMs();
    for (const std::int64_t since : {now - std::int64_t(3600'000), now - std::int64_t(86400'000), std::int64_t(0)}) {
        auto samples = store.nodeSamples(connectionId, since);
        if (!samples)
            return tl::unexpected(samples.error());
        if (!samples->empty())
            return std::optional<tidemark::NodeSample>(samples->back());
    }
    return std::optional<tidemark::NodeSample>();
}

Result<QList<NodeEntry>> catalogue(tidemark::MetadataStore &store)
{
    auto nodes = store.nodes();
    if (!nodes)
        return tl::unexpected(nodes.error());
    QList<NodeEntry> out;
    for (auto &n : *nodes) {
        auto latest = latestSample(store, n.connectionId);
        if (!latest)
            return tl::unexpected(latest.error());
        out.append(NodeEntry{std::move(n), std::move(*latest)});
    }
    return out;
}

} // namespace

void EngineClient::listNodes()
{
    run(
        EngineOp::Nodes, tr("Reading the node catalogue"),
        [](State &s) -> Result<QList<NodeEntry>> {
            auto store = s.requireStore();
            if (!store)
                return tl::unexpected(store.error());
            return catalogue(**store);
        },
        [this](QList<NodeEntry> nodes) { Q_EMIT nodesListed(nodes); });
}

void EngineClient::saveNode(const tidemark::Node &node, const QString &replacing)
{
    const std::string who = toStd(m_who);
    const std::string old = toStd(replacing);
    run(
        EngineOp::Nodes, tr("Saving node %1").arg(toQString(node.name)),
        [node, old, who](State &s) -> Result<tidemark::Node> {
            auto store = s.requireStore();
            if (!store)
                return tl::unexpected(store.error());
            // A node moved to another connection: the old entry goes first,
            // so its name is free, and comes back when the new one is refused.
            std::optional<tidemark::Node> previous;
            if (!old.empty()) {
                auto found = (*store)->findNode(old);
                if (!found)
                    return tl::unexpected(found.error());
                if (*found && (*found)->connectionUri != node.connectionUri) {
                    previous = **found;
                    if (auto ok = (*store)->removeNode(old, who); !ok)
                        return tl::unexpected(ok.error());
                }
            }
            auto saved = (*store)->saveNode(node, who);
            if (!saved && previous)
                (void)(*store)->saveNode(*previous, who);
            return saved;
        },
        [this](tidemark::Node saved) {
            Q_EMIT nodeSaved(saved);
            listNodes();
        });
}

void EngineClient::removeNode(const QString &name)
{
    const std::string n = toStd(name);
    const std::string who = toStd(m_who);
    run(
        EngineOp::Nodes, tr("Removing node %1").arg(name),
        [n, who](State &s) -> Result<bool> {
            auto store = s.requireStore();
            if (!store)
                return tl::unexpected(store.error());
            if (auto ok = (*store)->removeNode(n, who); !ok)
                return tl::unexpected(ok.error());
            return true;
        },
        [this, name](bool) {
            Q_EMIT nodeRemoved(name);
            listNodes();
        });
}

} // namespace tidemark::ui
