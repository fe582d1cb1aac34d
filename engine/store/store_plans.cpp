// Plans and their steps in the metadata store.
#include <fmt/format.h>
#include <zstd.h>

#include "model/connection_string.h"
#include "model/key_value.h"
#include "store/metadata_store.h"
#include "store/sqlite_statement.h"
#include "store/store_internal.h"

namespace tidemark {

using store::Statement;

namespace {

constexpr const char *kStepColumns =
    "SELECT id, plan_id, ordinal, uid, kind, table_name, sources_json, targets_json, reason, predicted_json, "
    "measured_json, sql, fingerprint, status, error, verification, started_ms, finished_ms, node, key_type, "
    "payload_json FROM steps";

/// A step's SQL from this size on is kept zstd-compressed (a BLOB; shorter
/// SQL stays TEXT, as stores of earlier versions hold it): a merge's preview
/// repeats the same statements for every source, so it shrinks ~20×.
constexpr std::size_t kCompressSqlFrom = 2048;

Statement &bindStepSql(Statement &s, int i, const std::string &sql)
{
    if (sql.size() < kCompressSqlFrom)
        return s.bind(i, sql);
    std::string packed(ZSTD_compressBound(sql.size()), '\0');
    const std::size_t n = ZSTD_compress(packed.data(), packed.size(), sql.data(), sql.size(), 3);
    if (ZSTD_isError(n))
        return s.bind(i, sql);
    packed.resize(n);
    return s.bindBlob(i, packed);
}

/// The exact SQL text back from bindStepSql's column.
Result<std::string> stepSqlFrom(const Statement &s, int c, std::int64_t stepId)
{
    if (!s.isBlob(c))
        return s.text(c);
    const std::string packed = s.text(c);
    const unsigned long long size = ZSTD_getFrameContentSize(packed.data(), packed.size());
    std::string sql;
    if (size != ZSTD_CONTENTSIZE_ERROR && size != ZSTD_CONTENTSIZE_UNKNOWN && size < (1ull << 32)) {
        sql.resize(size);
        const std::size_t n = ZSTD_decompress(sql.data(), sql.size(), packed.data(), packed.size());
        if (!ZSTD_isError(n) && n == size)
            return sql;
    }
    return fail(ErrorCode::Corrupt, fmt::format("metadata store: the SQL of step {} cannot be decompressed", stepId),
                "the store file is damaged; plan again");
}

tl::unexpected<Error> noPlan(std::int64_t planId)
{
    return fail(ErrorCode::NotFound, fmt::format("no plan {} in the metadata store", planId),
                "list the plans with `tidemark-cli status`");
}

/// Reads a step row (columns as in kStepColumns); the plan id goes to `planId`.
Result<Step> stepFromRow(const Statement &s, std::int64_t *planId = nullptr)
{
    Step step;
    step.id = s.int64(0);
    if (planId)
        *planId = s.int64(1);
    step.ordinal = static_cast<int>(s.int64(2));
    step.uid = s.text(3);
    const auto kind = stepKindFromString(s.text(4));
    if (!kind)
        return fail(ErrorCode::Corrupt,
                    fmt::format("metadata store: step {} has unknown kind '{}'", step.id, s.text(4)),
                    "this store may have been written by a newer Tidemark; upgrade Tidemark");
    step.kind = *kind;
    step.table = s.text(5);
    auto sources = store::sourcesFromJson(s.text(6));
    if (!sources)
        return tl::unexpected(sources.error());
    step.sources = std::move(*sources);
    auto parsedTargets = store::targetsFromJson(s.text(7));
    if (!parsedTargets)
        return tl::unexpected(parsedTargets.error());
    std::vector<NewPartition> targets = std::move(*parsedTargets);
    step.reason = s.text(8);
    auto predicted = store::effectFromJson(s.text(9));
    if (!predicted)
        return tl::unexpected(predicted.error());
    step.predicted = *predicted;
    if (!s.isNull(10)) {
        auto measured = store::effectFromJson(s.text(10));
        if (!measured)
            return tl::unexpected(measured.error());
        step.measured = *measured;
    }
    auto sql = stepSqlFrom(s, 11, step.id);
    if (!sql)
        return tl::unexpected(sql.error());
    step.sql = std::move(*sql);
    step.fingerprint = s.text(12);
    const auto status = stepStatusFromString(s.text(13));
    if (!status)
        return fail(ErrorCode::Corrupt,
                    fmt::format("metadata store: step {} has unknown status '{}'", step.id, s.text(13)),
                    "this store may have been written by a newer Tidemark; upgrade Tidemark");
    step.status = *status;
    step.error = s.text(14);
    step.verification = s.text(15);
    step.startedMs = s.isNull(16) ? 0 : s.int64(16);
    step.finishedMs = s.isNull(17) ? 0 : s.int64(17);
    step.node = s.text(18);
    const auto keyType = keyTypeFromString(s.text(19));
    if (!keyType)
        return fail(ErrorCode::Corrupt,
                    fmt::format("metadata store: step {} has unknown key type '{}'", step.id, s.text(19)),
                    "this store may have been written by a newer Tidemark; upgrade Tidemark");
    step.keyType = *keyType;
    if (auto r = store::payloadFromJson(s.text(20), step); !r)
        return tl::unexpected(r.error());
    if (auto *r = step.work<RepartitionWork>())
        r->targets = std::move(targets);
    return step;
}

/// Node URIs as the connections are kept (without password), errors without secrets.
void withoutSecrets(Step &step)
{
    step.node = redactUri(step.node);
    if (auto *copy = step.work<NodeCopyWork>())
        copy->targetNode = redactUri(copy->targetNode);
    step.error = redactSecrets(step.error);
}

} // namespace

Result<void> MetadataStore::insertPlan(Plan &plan)
{
    // Work on a copy so a failed insert leaves the caller's plan without ids.
    Plan saved = plan;
    auto r = store::inTransaction(m_db, [&]() -> Result<void> {
        auto connection = ensureConnection(saved.connectionUri);
        if (!connection)
            return tl::unexpected(connection.error());
        saved.connectionUri = connection->uri; // as stored: without a password
        if (saved.createdMs == 0)
            saved.createdMs = store::nowMs();
        auto insert = Statement::prepare(
            m_db,
            "INSERT INTO plans(connection_id, kind, status, created_ms, created_by, approved_by, approval, "
            "approved_ms, summary) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        if (!insert)
            return tl::unexpected(insert.error());
        insert->bind(1, connection->id).bind(2, saved.kind).bind(3, toString(saved.status));
        insert->bind(4, saved.createdMs).bind(5, saved.createdBy).bind(6, saved.approvedBy);
        insert->bind(7, saved.approval).bindNonZero(8, saved.approvedMs).bind(9, saved.summary);
        if (auto run = insert->run(); !run)
            return run;
        saved.id = sqlite3_last_insert_rowid(m_db);

        // Stores of schema < 4 (test hook openAtVersion) have no node, key
        // type or payload columns yet; their steps are single-node splits and merges.
        const bool v4 = m_schemaVersion >= 4;
        auto step = Statement::prepare(
            m_db,
            v4 ? "INSERT INTO steps(plan_id, ordinal, uid, kind, table_name, sources_json, targets_json, reason, "
                 "predicted_json, measured_json, sql, fingerprint, status, error, verification, started_ms, "
                 "finished_ms, node, key_type, payload_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                 "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
               : "INSERT INTO steps(plan_id, ordinal, uid, kind, table_name, sources_json, targets_json, reason, "
                 "predicted_json, measured_json, sql, fingerprint, status, error, verification, started_ms, "
                 "finished_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
        if (!step)
            return tl::unexpected(step.error());
        for (auto &s : saved.steps) {
            // The payload column is read back as the kind's own alternative;
            // storing another would silently turn it into an empty one.
            if (s.payload.index() != payloadIndexFor(s.kind))
                return fail(ErrorCode::InvalidArgument,
                            fmt::format("step {} of the plan: a {} step carries the payload of another kind",
                                        s.ordinal + 1, toString(s.kind)),
                            "build the step with payloadFor(kind); nothing was saved");
            if (s.uid.empty())
                s.uid = store::randomHex(16);
            withoutSecrets(s);
            step->bind(1, saved.id).bind(2, s.ordinal).bind(3, s.uid).bind(4, toString(s.kind)).bind(5, s.table);
            const auto *r = s.work<RepartitionWork>();
            step->bind(6, store::sourcesToJson(s.sources))
                .bind(7, store::targetsToJson(r ? r->targets : std::vector<NewPartition>{}));
            if (v4)
                step->bind(18, s.node).bind(19, toString(s.keyType)).bind(20, store::payloadToJson(s.payload));
            step->bind(8, s.reason).bind(9, store::effectToJson(s.predicted));
            if (s.measured)
                step->bind(10, store::effectToJson(*s.measured));
            else
                step->bind(10, nullptr);
            bindStepSql(*step, 11, s.sql).bind(12, s.fingerprint).bind(13, toString(s.status)).bind(14, s.error);
            step->bind(15, s.verification).bindNonZero(16, s.startedMs).bindNonZero(17, s.finishedMs);
            if (auto run = step->run(); !run)
                return run;
            s.id = sqlite3_last_insert_rowid(m_db);
        }
        return {};
    });
    if (!r)
        return r;
    plan = std::move(saved);
    return {};
}

Result<Plan> MetadataStore::plan(std::int64_t planId)
{
    auto head = Statement::prepare(
        m_db,
        "SELECT p.id, c.uri, p.kind, p.status, p.created_ms, p.created_by, p.approved_by, p.approval, "
        "p.approved_ms, p.summary FROM plans p JOIN connections c ON c.id = p.connection_id WHERE p.id = ?1");
    if (!head)
        return tl::unexpected(head.error());
    head->bind(1, planId);
    auto row = head->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return noPlan(planId);
    Plan p;
    p.id = head->int64(0);
    p.connectionUri = head->text(1);
    p.kind = head->text(2);
    const auto status = planStatusFromString(head->text(3));
    if (!status)
        return fail(ErrorCode::Corrupt,
                    fmt::format("metadata store: plan {} has unknown status '{}'", planId, head->text(3)),
                    "this store may have been written by a newer Tidemark; upgrade Tidemark");
    p.status = *status;
    p.createdMs = head->int64(4);
    p.createdBy = head->text(5);
    p.approvedBy = head->text(6);
    p.approval = head->text(7);
    p.approvedMs = head->isNull(8) ? 0 : head->int64(8);
    p.summary = head->text(9);

    auto steps = Statement::prepare(m_db, fmt::format("{} WHERE plan_id = ?1 ORDER BY ordinal, id", kStepColumns));
    if (!steps)
        return tl::unexpected(steps.error());
    steps->bind(1, planId);
    for (;;) {
        auto more = steps->step();
        if (!more)
            return tl::unexpected(more.error());
        if (!*more)
            break;
        auto step = stepFromRow(*steps);
        if (!step)
            return tl::unexpected(step.error());
        p.steps.push_back(std::move(*step));
    }
    return p;
}

Result<std::vector<StepEffect>> MetadataStore::measuredRepartitions(std::int64_t connectionId, int limit)
{
    auto stmt = Statement::prepare(m_db,
                                   "SELECT s.measured_json FROM steps s JOIN plans p ON p.id = s.plan_id "
                                   "WHERE p.connection_id = ?1 AND s.status = ?2 AND s.kind IN (?3, ?4) "
                                   "AND s.measured_json IS NOT NULL "
                                   "ORDER BY s.finished_ms DESC, s.id DESC LIMIT ?5");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId)
        .bind(2, std::string(toString(StepStatus::Done)))
        .bind(3, std::string(toString(StepKind::Split)))
        .bind(4, std::string(toString(StepKind::Merge)))
        .bind(5, limit);
    std::vector<StepEffect> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        auto effect = store::effectFromJson(stmt->text(0));
        if (!effect)
            return tl::unexpected(effect.error());
        out.push_back(*effect);
    }
    return out;
}

Result<std::vector<PlanSummary>> MetadataStore::plans(std::optional<std::int64_t> connectionId, int limit)
{
    auto stmt =
        Statement::prepare(m_db,
                           "SELECT p.id, c.uri, p.kind, p.status, p.created_ms, "
                           "(SELECT count(*) FROM steps s WHERE s.plan_id = p.id), p.summary "
                           "FROM plans p JOIN connections c ON c.id = p.connection_id "
                           "WHERE ?1 IS NULL OR p.connection_id = ?1 ORDER BY p.created_ms DESC, p.id DESC LIMIT ?2");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionId).bind(2, limit);
    std::vector<PlanSummary> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        PlanSummary s;
        s.id = stmt->int64(0);
        s.connectionUri = stmt->text(1);
        s.kind = stmt->text(2);
        const auto status = planStatusFromString(stmt->text(3));
        if (!status)
            return fail(ErrorCode::Corrupt,
                        fmt::format("metadata store: plan {} has unknown status '{}'", s.id, stmt->text(3)),
                        "this store may have been written by a newer Tidemark; upgrade Tidemark");
        s.status = *status;
        s.createdMs = stmt->int64(4);
        s.steps = static_cast<int>(stmt->int64(5));
        s.summary = stmt->text(6);
        out.push_back(std::move(s));
    }
    return out;
}

Result<std::vector<std::int64_t>> MetadataStore::runningPlans(const std::string &connectionUri)
{
    auto stmt = Statement::prepare(m_db,
                                   "SELECT p.id FROM plans p JOIN connections c ON c.id = p.connection_id "
                                   "WHERE c.uri = ?1 AND p.status = ?2 ORDER BY p.id");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, connectionUri).bind(2, toString(PlanStatus::Running));
    std::vector<std::int64_t> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        out.push_back(stmt->int64(0));
    }
    return out;
}

Result<std::vector<std::string>> MetadataStore::unsettledConnections()
{
    auto stmt = Statement::prepare(m_db,
                                   "SELECT DISTINCT c.uri FROM plans p JOIN connections c ON c.id = p.connection_id "
                                   "WHERE p.status = ?1 OR EXISTS (SELECT 1 FROM steps s WHERE s.plan_id = p.id "
                                   "AND s.status = ?2) ORDER BY c.uri");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, toString(PlanStatus::Running)).bind(2, toString(StepStatus::Running));
    std::vector<std::string> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        out.push_back(stmt->text(0));
    }
    return out;
}

Result<void> MetadataStore::setPlanStatus(std::int64_t planId, PlanStatus status)
{
    auto stmt = Statement::prepare(m_db, "UPDATE plans SET status = ?2 WHERE id = ?1");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, planId).bind(2, toString(status));
    if (auto r = stmt->run(); !r)
        return r;
    if (sqlite3_changes(m_db) == 0)
        return noPlan(planId);
    return {};
}

Result<void> MetadataStore::markApproved(std::int64_t planId, const std::string &who, const std::string &how)
{
    return store::inTransaction(m_db, [&]() -> Result<void> {
        auto current = Statement::prepare(m_db, "SELECT status FROM plans WHERE id = ?1");
        if (!current)
            return tl::unexpected(current.error());
        current->bind(1, planId);
        auto row = current->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return noPlan(planId);
        const std::string status = current->text(0);
        if (status != toString(PlanStatus::Proposed))
            return fail(ErrorCode::InvalidState,
                        fmt::format("plan {} is {}; only a proposed plan can be approved", planId, status),
                        "make a fresh plan with tidemark-cli plan URI");
        const std::int64_t now = store::nowMs();
        auto update = Statement::prepare(
            m_db, "UPDATE plans SET status = ?2, approved_by = ?3, approval = ?4, approved_ms = ?5 WHERE id = ?1");
        if (!update)
            return tl::unexpected(update.error());
        update->bind(1, planId).bind(2, toString(PlanStatus::Approved)).bind(3, who).bind(4, how).bind(5, now);
        return update->run();
    });
}

Result<void> MetadataStore::updateStep(const Step &step)
{
    auto stmt = Statement::prepare(
        m_db,
        "UPDATE steps SET status = ?2, measured_json = ?3, error = ?4, verification = ?5, started_ms = ?6, "
        "finished_ms = ?7, sql = ?8, fingerprint = ?9 WHERE id = ?1");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, step.id).bind(2, toString(step.status));
    if (step.measured)
        stmt->bind(3, store::effectToJson(*step.measured));
    else
        stmt->bind(3, nullptr);
    stmt->bind(4, redactSecrets(step.error)).bind(5, step.verification).bindNonZero(6, step.startedMs);
    stmt->bindNonZero(7, step.finishedMs);
    bindStepSql(*stmt, 8, step.sql).bind(9, step.fingerprint);
    if (auto r = stmt->run(); !r)
        return r;
    if (sqlite3_changes(m_db) == 0)
        return fail(ErrorCode::NotFound, fmt::format("no step {} in the metadata store", step.id),
                    "save the plan with insertPlan before updating its steps");
    return {};
}

Result<std::vector<std::pair<std::int64_t, Step>>> MetadataStore::interruptedSteps()
{
    auto stmt =
        Statement::prepare(m_db, fmt::format("{} WHERE status = ?1 ORDER BY plan_id, ordinal, id", kStepColumns));
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, toString(StepStatus::Running));
    std::vector<std::pair<std::int64_t, Step>> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            break;
        std::int64_t planId = 0;
        auto step = stepFromRow(*stmt, &planId);
        if (!step)
            return tl::unexpected(step.error());
        out.emplace_back(planId, std::move(*step));
    }
    return out;
}

} // namespace tidemark
