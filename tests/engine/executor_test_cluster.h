#pragma once
// Shared by the executor tests: two nodes (SQLite files), a store and an
// executor on the first node that opens the second as a fresh connector.
#include "store_test_support.h"

#include "connector_features.h"
#include "executor/plan_executor.h"
#include "sqlite_test_node.h"

using tidemark::testnode::SqliteTestNode;

Q_DECLARE_METATYPE(tidemark::StepKind)
Q_DECLARE_METATYPE(tidemark::StepStatus)
Q_DECLARE_METATYPE(tidemark::PlanStatus)

namespace {

/// "100 rows, 0123456789abcdef", for comparisons that print both sides.
[[maybe_unused]] QString describe(const RowChecksum &c)
{
    return QStringLiteral("%1 rows, %2").arg(c.rows).arg(c.hashSum, 16, 16, QLatin1Char('0'));
}

} // namespace

/// Two nodes (each its own SQLite file), a store and an executor on the
/// home node whose opener opens the other node as a fresh connector.
struct Cluster {
    std::string dir;
    std::string storePath;
    std::string homeUri, otherUri;
    std::unique_ptr<SqliteTestNode> home; ///< the executor's home connector
    std::unique_ptr<SqliteTestNode> other; ///< the test's own view of the other node
    std::unique_ptr<MetadataStore> store;
    std::unique_ptr<PlanExecutor> executor;
    std::vector<SqliteTestNode *> opened; ///< nodes the executor's opener opened
    std::function<void(SqliteTestNode &)> onOpen; ///< configure what the opener opens

    Cluster(const QString &folder, std::vector<StepKind> homeKinds = testnode::allKinds(),
            std::vector<std::pair<std::string, std::string>> limitations = {})
    {
        QDir().mkpath(folder);
        dir = folder.toStdString();
        storePath = dir + "/store.db";
        homeUri = SqliteTestNode::uriFor(dir + "/node-a.db");
        otherUri = SqliteTestNode::uriFor(dir + "/node-b.db");
        home = std::make_unique<SqliteTestNode>(dir + "/node-a.db", std::move(homeKinds), std::move(limitations));
        other = std::make_unique<SqliteTestNode>(dir + "/node-b.db");
        auto opened_ = MetadataStore::open(storePath);
        if (opened_)
            store = std::move(*opened_);
        executor = std::make_unique<PlanExecutor>(*home, *store);
        executor->setNodeOpener([this](const std::string &uri) -> Result<std::unique_ptr<Connector>> {
            const std::string path = SqliteTestNode::pathOf(uri);
            if (path.empty())
                return fail(ErrorCode::InvalidArgument, "not a test node: " + uri);
            auto node = std::make_unique<SqliteTestNode>(path);
            if (onOpen)
                onOpen(*node);
            opened.push_back(node.get());
            return std::unique_ptr<Connector>(std::move(node));
        });
    }

    /// A step of `kind` on `table` reading `sources` of the home node, with
    /// their fingerprint taken now (as planning does).
    Step step(StepKind kind, std::vector<std::string> sources, const std::string &table = "events")
    {
        Step s;
        s.kind = kind;
        s.payload = payloadFor(kind);
        s.table = table;
        s.sources = std::move(sources);
        s.fingerprint = home->fingerprint(table, s.sources).value_or("");
        return s;
    }

    /// Saves and approves a plan of `steps` on the home node; its id.
    std::int64_t approvedPlan(std::vector<Step> steps)
    {
        Plan plan;
        plan.connectionUri = homeUri;
        plan.kind = "test";
        for (std::size_t i = 0; i < steps.size(); ++i)
            steps[i].ordinal = static_cast<int>(i);
        plan.steps = std::move(steps);
        if (auto ok = store->insertPlan(plan); !ok)
            qWarning("insertPlan: %s", ok.error().message.c_str());
        if (auto ok = store->markApproved(plan.id, "tester", "interactive"); !ok)
            qWarning("markApproved: %s", ok.error().message.c_str());
        return plan.id;
    }

    Result<ApplyReport> apply(std::int64_t planId, std::stop_token stop = {})
    {
        ApplyOptions options;
        options.who = "tester";
        options.stop = stop;
        return executor->apply(planId, options);
    }

    Plan plan(std::int64_t planId) { return store->plan(planId).value_or(Plan{}); }
};
