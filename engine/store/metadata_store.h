#pragma once
// The metadata store: one SQLite file (WAL) per user profile. Not thread-safe:
// it belongs to one thread (the engine thread, or the CLI's main thread).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/activity.h"
#include "model/node.h"
#include "model/plan.h"
#include "model/score.h"
#include "model/segment.h"
#include "model/settings.h"
#include "result.h"

struct sqlite3;

namespace tidemark {

struct Connection {
    std::int64_t id = 0;
    std::string uri;
    std::string name;
    ConnectionSettings settings;
    std::string policy = "report-only";
    std::int64_t createdMs = 0;
};

struct AuditEntry {
    std::int64_t id = 0;
    std::int64_t timestampMs = 0;
    std::string who; ///< OS user, or "policy:<name>"
    std::string action; ///< "plan.created", "plan.approved", "step.done", …
    std::int64_t planId = 0;
    std::int64_t stepId = 0;
    std::string detail;
};

/// A forecast of one series' total over a time window, as a planner issued
/// it; once the window has been observed, its check against what happened.
struct ForecastRecord {
    std::int64_t id = 0;
    std::string table;
    std::string partition;
    std::string metric = "writes"; ///< what was counted ("writes")
    std::int64_t windowStartMs = 0, windowEndMs = 0;
    double predicted = 0.0;
    double lower95 = 0.0, upper95 = 0.0;
    std::string model;
    std::int64_t madeMs = 0;
    /// Set once checked: when, the observed total, whether it missed the
    /// band (forecast::missesBand) and the error scaled by the band's half-width.
    std::int64_t checkedMs = 0; ///< 0: not checked yet
    double actual = 0.0;
    bool missed = false;
    double scaledError = 0.0;
    bool checked() const { return checkedMs != 0; }
};

/// The models a forecast chose for one series, kept so that the next forecast
/// refits them instead of searching (forecast/model_choice.h holds the document).
struct StoredModelChoice {
    std::string table, partition, metric;
    std::string model; ///< its name, e.g. "Combination(ETS(A,N,A), ARIMA(…))"
    std::string choiceJson; ///< forecast::modelChoiceToJson
    std::int64_t chosenMs = 0; ///< when the search chose them
    std::optional<double> holdoutMase; ///< their hold-out error at that search
    std::int64_t usedMs = 0; ///< last forecast that used them
};

struct PlanSummary {
    std::int64_t id = 0;
    std::string connectionUri;
    std::string kind;
    PlanStatus status = PlanStatus::Proposed;
    std::int64_t createdMs = 0;
    int steps = 0;
    std::string summary;
};

/// A held executor lock; release it with releaseExecutorLock().
struct ExecutorLock {
    std::string target;
    std::string owner; ///< "<host>:<pid>:<random>"
};

class MetadataStore {
public:
    /// Migration 1: base schema. Migration 2: partition lifecycle
    /// (partition_events), the latest-score catalogue, an index on samples.
    /// Migration 3: issued forecasts and their checks (forecasts).
    /// Migration 4: steps' node, key type and payload; the node catalogue.
    /// Migration 5: node resource samples (node_samples).
    /// Migration 6: the snapshot repository's manifest (pitr_*).
    /// Migration 7: log segments (figures, settings per table, archives).
    /// Migration 8: the models chosen per series (model_choices).
    static constexpr int kSchemaVersion = 8;
    /// PRAGMA application_id of a Tidemark store ('TDMK'), so a foreign
    /// SQLite file is recognised and refused.
    static constexpr std::int32_t kApplicationId = 0x54444d4b;

    /// Opens (creating parents and file if needed) and migrates forward.
    /// Corrupt files, foreign SQLite files and files of a newer schema are
    /// refused (Corrupt / VersionTooNew) before anything is written.
    static Result<std::unique_ptr<MetadataStore>> open(const std::filesystem::path &path);
    /// Test hook: like open(), but migrates only up to `version` (1..kSchemaVersion),
    /// to create an older-schema store. Methods needing later tables then fail.
    static Result<std::unique_ptr<MetadataStore>> openAtVersion(const std::filesystem::path &path, int version);
    ~MetadataStore();
    MetadataStore(const MetadataStore &) = delete;
    MetadataStore &operator=(const MetadataStore &) = delete;

    int schemaVersion() const;
    const std::filesystem::path &path() const { return m_path; }
    /// What open() changed that its user should hear of: a store file that
    /// others could read narrowed to 0600, passwords an earlier Tidemark
    /// stored removed. The apps show each once.
    const std::vector<std::string> &notices() const { return m_notices; }

    /// Runs `fn` atomically: BEGIN IMMEDIATE … COMMIT, or a savepoint when
    /// already inside a transaction. An error from `fn` rolls everything back.
    Result<void> transaction(const std::function<Result<void>()> &fn);

    // Connections and their settings.
    /// The policy a removed connection carries: it is no longer listed by
    /// connections(), and no unattended run can act under it.
    static constexpr const char *kRemovedPolicy = "removed";
    /// Creates the connection, or returns it; a removed connection comes back
    /// (listed again, policy report-only). Connections are kept and found by
    /// their URI without password (redactUri): a password in `uri` is never
    /// stored, and the same database with or without one is one connection.
    Result<Connection> ensureConnection(const std::string &uri);
    Result<std::optional<Connection>> findConnection(const std::string &uri);
    /// Every connection not removed, oldest first.
    Result<std::vector<Connection>> connections();
    /// Removes a connection from the list: its samples, scores, partition
    /// lifecycle and recorded forecasts go; its plans, steps and audit trail stay as history (the row
    /// stays with policy kRemovedPolicy, so plans keep their URI). Audited as
    /// "connection.removed" with the previous policy. NotFound if there is none.
    Result<void> removeConnection(std::int64_t connectionId, const std::string &who = {});
    /// Sets the display name (empty: the URI is shown). Audited as "connection.renamed".
    Result<void> renameConnection(std::int64_t connectionId, const std::string &name, const std::string &who = {});
    Result<void> saveSettings(std::int64_t connectionId, const ConnectionSettings &settings);
    /// Sets the connection's policy and records audit "policy.set" (who, old → new).
    Result<void> setPolicy(std::int64_t connectionId, const std::string &policy, const std::string &who);

    // Samples (cumulative counters as read) and scores.
    Result<void> addSamples(std::int64_t connectionId, const std::vector<ActivitySample> &samples);
    /// Samples of one partition since `sinceMs`, oldest first.
    Result<std::vector<ActivitySample>> samples(std::int64_t connectionId, const std::string &table,
                                                const std::string &partition, std::int64_t sinceMs = 0);
    /// When the first sample of the connection still stored was taken (0: none).
    Result<std::int64_t> firstSampleMs(std::int64_t connectionId);
    Result<void> saveScores(std::int64_t connectionId, const std::vector<VolatilityScore> &scores);
    /// Newest score of every partition that still exists in the catalogue
    /// (the catalogue forgets a partition when recordPartitionDropped is called).
    Result<std::vector<VolatilityScore>> latestScores(std::int64_t connectionId);
    /// Score history of one table, oldest first (for heatmaps).
    Result<std::vector<VolatilityScore>> scoreHistory(std::int64_t connectionId, const std::string &table,
                                                      std::int64_t sinceMs = 0);

    // Partition lifecycle (for cool-downs): when Tidemark created a partition.
    Result<void> recordPartitionCreated(std::int64_t connectionId, const std::string &table,
                                        const std::string &partition, std::int64_t atMs, const std::string &byAction);
    /// Marks a partition as gone (merged away, split, dropped): latestScores
    /// no longer lists it until a newer score for that name is saved.
    Result<void> recordPartitionDropped(std::int64_t connectionId, const std::string &table,
                                        const std::string &partition, std::int64_t atMs, const std::string &byAction);
    /// partition name → created-by-Tidemark time, for one table (the latest
    /// creation; partitions dropped since are left out).
    Result<std::map<std::string, std::int64_t>> partitionCreationTimes(std::int64_t connectionId,
                                                                       const std::string &table);
    /// partition name → what created it ("split", "merge", …), for the same partitions.
    Result<std::map<std::string, std::string>> partitionCreationActions(std::int64_t connectionId,
                                                                        const std::string &table);

    // Issued forecasts and their checks (forecast/forecast_tracking.h).
    /// Records a forecast (sets its id) unless its window overlaps one already
    /// recorded for the same series: false then, nothing written. So a planner
    /// running again and again within one window records one forecast.
    Result<bool> recordForecast(std::int64_t connectionId, ForecastRecord &record);
    /// Forecasts not checked yet whose window ended at or before `endedByMs`, oldest first.
    Result<std::vector<ForecastRecord>> pendingForecasts(std::int64_t connectionId, std::int64_t endedByMs);
    /// Stores the check of a recorded forecast (checkedMs, actual, missed, scaledError).
    Result<void> saveForecastCheck(const ForecastRecord &record);
    /// Forgets a forecast whose window could not be observed.
    Result<void> dropForecast(std::int64_t forecastId);
    /// The newest `limit` checked forecasts of one series, oldest first.
    Result<std::vector<ForecastRecord>> forecastChecks(std::int64_t connectionId, const std::string &table,
                                                       const std::string &partition, const std::string &metric,
                                                       int limit);
    /// The newest `perSeries` checked forecasts of every series of a metric,
    /// grouped by table and partition, oldest first within a series.
    Result<std::vector<ForecastRecord>> recentForecastChecks(std::int64_t connectionId, const std::string &metric,
                                                             int perSeries);
    /// Keeps the newest `keepPerSeries` checked forecasts of each series and
    /// deletes older ones; returns how many rows went.
    Result<int> pruneForecastChecks(std::int64_t connectionId, int keepPerSeries);

    // Models chosen per series (forecast::ModelChoice documents).
    /// Replaces the stored choice of each series given, all in one transaction.
    Result<void> saveModelChoices(std::int64_t connectionId, const std::vector<StoredModelChoice> &choices);
    /// The stored choices of one table's series of `metric`, by partition.
    Result<std::map<std::string, StoredModelChoice>> modelChoices(std::int64_t connectionId, const std::string &table,
                                                                  const std::string &metric);

    // The node catalogue: servers a plan may span (model/node.h).
    /// Adds the node, or updates the one of the same connection (creating
    /// the connection row if needed); InvalidArgument when another
    /// connection already uses the name. Audited as "node.saved".
    Result<Node> saveNode(const Node &node, const std::string &who = {});
    /// Every node, by name.
    Result<std::vector<Node>> nodes();
    Result<std::optional<Node>> findNode(const std::string &name);
    /// NotFound when there is no node of that name. Audited as "node.removed".
    Result<void> removeNode(const std::string &name, const std::string &who = {});
    /// Stores one reading of a node's own load (a second reading at the same
    /// millisecond replaces the first).
    Result<void> addNodeSample(std::int64_t connectionId, const NodeSample &sample);
    /// The node's readings since `sinceMs`, oldest first.
    Result<std::vector<NodeSample>> nodeSamples(std::int64_t connectionId, std::int64_t sinceMs = 0);

    // Log segments (model/segment.h; store_segments.cpp).
    /// Replaces the stored figures of each segment given.
    Result<void> saveSegmentFigures(std::int64_t connectionId, const std::vector<SegmentFigures> &figures);
    /// The latest figures of the segments of `table` (all tables when empty), by table and key.
    Result<std::vector<SegmentFigures>> segmentFigures(std::int64_t connectionId, const std::string &table = {});
    /// Forgets the figures of segments that are gone (archived, merged).
    Result<void> dropSegmentFigures(std::int64_t connectionId, const std::string &table, const std::string &partition);
    /// The settings of one log table (defaults when never set).
    Result<SegmentSettings> segmentSettings(std::int64_t connectionId, const std::string &table);
    /// Saves them, audited as "segments.settings" (who).
    Result<void> saveSegmentSettings(std::int64_t connectionId, const std::string &table,
                                     const SegmentSettings &settings, const std::string &who);
    /// Records an archive written (sets its id).
    Result<void> recordSegmentArchive(std::int64_t connectionId, SegmentArchive &archive);
    /// Archives of `table` (all when empty), oldest first.
    Result<std::vector<SegmentArchive>> segmentArchives(std::int64_t connectionId, const std::string &table = {});
    /// Marks the archive whose manifest is `manifestPath` as restored at `atMs`.
    Result<void> markSegmentArchiveRestored(std::int64_t connectionId, const std::string &manifestPath,
                                            std::int64_t atMs);

    // Plans and steps. insertPlan assigns ids to the plan and its steps (and
    // a random 128-bit hex uid to steps without one), creating the
    // connection row for plan.connectionUri if needed; all or nothing.
    Result<void> insertPlan(Plan &plan);
    /// The plan with its steps in ordinal order; NotFound if there is none.
    Result<Plan> plan(std::int64_t planId);
    /// Newest first.
    Result<std::vector<PlanSummary>> plans(std::optional<std::int64_t> connectionId = std::nullopt, int limit = 100);
    Result<void> setPlanStatus(std::int64_t planId, PlanStatus status);
    /// Ids of the plans of `connectionUri` whose status is `running`, oldest
    /// first (recovery settles those no live executor runs).
    Result<std::vector<std::int64_t>> runningPlans(const std::string &connectionUri);
    /// URIs of the connections with a step or a plan still `running`: what
    /// recovery looks at when no executor runs there.
    Result<std::vector<std::string>> unsettledConnections();
    /// proposed → approved, recording who/how/when. InvalidState if the plan
    /// is not proposed. The caller audits (inside transaction() for atomicity).
    Result<void> markApproved(std::int64_t planId, const std::string &who, const std::string &how);
    /// The measured effects of the newest `limit` splits and merges done on
    /// the connection, newest first (lock-time calibration).
    Result<std::vector<StepEffect>> measuredRepartitions(std::int64_t connectionId, int limit);
    /// Saves status, times, measured effect, verification, error, sql and
    /// fingerprint of a step (by step.id); NotFound if there is no such step.
    Result<void> updateStep(const Step &step);
    /// Steps left in `running` (by a process that died), with their plan id.
    Result<std::vector<std::pair<std::int64_t, Step>>> interruptedSteps();

    // Audit trail.
    /// Records an entry; timestampMs 0 means now, planId/stepId 0 mean none.
    /// The detail is stored without secrets (redactSecrets).
    Result<void> audit(const AuditEntry &entry);
    /// Newest first.
    Result<std::vector<AuditEntry>> auditLog(std::optional<std::int64_t> planId = std::nullopt, int limit = 200);

    /// One executor per target database across processes. A lock whose
    /// holder process no longer exists on this host, or whose heartbeat is
    /// older than `staleAfterMs`, is taken over. Otherwise ExecutorLocked.
    /// A take-over is audited as "lock.taken-over" naming the previous owner.
    Result<ExecutorLock> acquireExecutorLock(const std::string &target, std::int64_t staleAfterMs = 10 * 60 * 1000);
    /// Keeps the lock fresh; ExecutorLocked if it is no longer ours (taken over).
    Result<void> heartbeat(const ExecutorLock &lock);
    /// Deletes the lock row only if `lock` still owns it.
    Result<void> releaseExecutorLock(const ExecutorLock &lock);

private:
    explicit MetadataStore(std::filesystem::path path, sqlite3 *db);
    Result<void> migrate(int targetVersion);
    Result<void> applyMigration(int version);
    /// Removes passwords that stores of earlier builds kept (store_secrets.cpp).
    Result<void> scrubSecrets();

    std::filesystem::path m_path;
    sqlite3 *m_db = nullptr;
    int m_schemaVersion = 0;
    std::vector<std::string> m_notices;
};

} // namespace tidemark
