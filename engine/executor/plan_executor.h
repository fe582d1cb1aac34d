#pragma once
// Executes an approved plan under the safety protocol (docs/safety.md):
// executor lock, intent recorded before acting, fingerprint re-checked, one
// database transaction per step with verification before the old data
// goes, completion recorded in the step's own transaction, and recovery of
// steps a killed process left behind.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "connector.h"
#include "executor/node_connectors.h"
#include "store/metadata_store.h"

namespace tidemark {

struct ApplyEvent {
    std::int64_t planId = 0;
    int stepIndex = 0; ///< 0-based
    int stepCount = 0;
    double stepFraction = 0.0; ///< 0..1 within the step
    StepStatus status = StepStatus::Running;
    std::string text;
};

struct ApplyOptions {
    bool dryRun = false;
    std::string who;
    std::stop_token stop;
    int lockTimeoutMs = 5000;
    std::function<void(const ApplyEvent &)> onEvent;
};

struct ApplyReport {
    Plan plan; ///< as it stands afterwards
    bool dryRun = false;
    std::vector<std::string> messages;
};

struct RecoveryReport {
    int completed = 0; ///< interrupted steps found committed in the database
    int rolledBack = 0; ///< interrupted steps whose transaction never committed
    /// Interrupted moves whose copy committed on the receiving node but
    /// whose source was not removed: recorded failed, the rows on both nodes.
    int partlyDone = 0;
    std::vector<std::string> messages;
};

/// One executor for every step kind: the protocol above is the same for a
/// split on one node and a copy between two; the kind's own work is the
/// connector's execute(). A plan may span nodes: `connector` is its home
/// node's, and other nodes' connectors come from the opener.
class PlanExecutor {
public:
    PlanExecutor(Connector &connector, MetadataStore &store);
    ~PlanExecutor();

    /// How to open the connector of another node a plan touches; without
    /// one, steps on other nodes fail with a clear message.
    void setNodeOpener(NodeConnectors::Opener opener);

    /// Asks the running statement on every node of the running plan to stop
    /// (Connector::cancel); safe from another thread while apply() runs.
    void cancel();

    /// Runs every pending step of an approved (or interrupted) plan. A step
    /// failure stops the plan: the failed step's transaction is rolled
    /// back, the steps after it are skipped. The error is returned after
    /// the store records it; the report is in the store.
    Result<ApplyReport> apply(std::int64_t planId, const ApplyOptions &options);

    /// Settles steps of `connectionUri` left running by a process that died:
    /// committed in the database → done; otherwise → rolled back.
    /// Steps of `resumingPlanId` keep a multi-transaction step's committed
    /// batches, because that plan runs next and resumes them; other steps'
    /// leftovers are removed (Connector::abandonStep) so a later run starts
    /// afresh.
    Result<RecoveryReport> recover(const std::string &connectionUri, const std::string &who,
                                   std::int64_t resumingPlanId = 0);
    /// recover() under the executor lock of `connectionUri` and of every
    /// other node its interrupted steps touch; when a live executor holds
    /// one of them its steps are genuinely running, so nothing is touched.
    Result<RecoveryReport> recoverIfIdle(const std::string &connectionUri, const std::string &who);

private:
    Result<void> runStep(Plan &plan, Step &step, int index, const ApplyOptions &options);
    /// What a connector is given to run or validate `step`: its uid, the
    /// stop token, the lock timeout, and the other nodes of the plan.
    static ExecutionContext stepContext(NodeConnectors &planNodes, const Step &step, const ApplyOptions &options);
    /// Heartbeat of the executor lock, at most every 20 s unless forced;
    /// false when the lock was lost.
    bool keepLockAlive(bool force = false);
    Result<void> finishStep(Plan &plan, Step &step, const std::string &who);
    /// Records a move whose copy committed but whose source stayed (failed,
    /// audited "step.half-moved"), saying what the DBA finds and can do.
    /// After a Move committed: the connector's MoveValidator checks; a failed
    /// check stops the plan (the move itself stays done).
    Result<void> validateMove(Plan &plan, Step &step, Connector &runOn, const StepOutcome &outcome,
                              const ApplyOptions &options);
    Result<void> recordHalfMove(Plan &plan, Step &step, const std::string &who, const std::string &cause);
    /// The nodes of the plan whose home is `homeUri`.
    NodeConnectors &nodes(const std::string &homeUri);
    /// Takes the executor lock of each of `targets`: the store's row, then the
    /// database's own lock (DatabaseExecutorLock) where the connector has one,
    /// so that executors of other stores are refused too. All or none.
    Result<void> lockNodes(const std::string &homeUri, const std::vector<std::string> &targets);
    void unlockNodes();
    /// Settles the status of plan `planId`, which no process runs any more,
    /// from its steps' records (see the rule in the source). `stepSettled`:
    /// recovery has just settled one of its steps, so a plan ended `failed`
    /// or `rolled back` while that step's outcome was unknown is settled too.
    Result<void> settlePlan(std::int64_t planId, const std::string &who, bool halfMoved, bool stepSettled);

    Connector &m_connector;
    MetadataStore &m_store;
    NodeConnectors::Opener m_opener;
    std::unique_ptr<NodeConnectors> m_nodes;
    std::mutex m_nodesMutex; ///< cancel() reads m_nodes from another thread
    std::vector<ExecutorLock> m_locks; ///< one per node of the plan, held during apply()
    std::vector<Connector *> m_databaseLocks; ///< nodes whose own executor lock this executor holds
    std::chrono::steady_clock::time_point m_lastHeartbeat;
    bool m_partialEffect = false; ///< a step of this apply() took effect without being done (a half move)
};

} // namespace tidemark
