#pragma once
// What a split or merge will do on PostgreSQL, worked out before anything
// runs: the checks that refuse it (with the reason), the new partitions with
// their bound clause and row predicate, and every statement of every phase.
// preview() prints exactly these statements; execute() runs exactly these.
#include <cstdint>
#include <string>
#include <vector>

#include "model/plan.h"
#include "model/table_name.h"
#include "pg_tables.h"

namespace tidemark::postgres {

/// PostgreSQL's identifier limit: NAMEDATALEN - 1 bytes.
inline constexpr IdentifierLimit kPgIdentifierLimit{63, IdentifierLimit::Unit::Bytes};

struct TargetSpec {
    std::string name; ///< report name
    std::string schema, relname;
    KeyRange range; ///< RANGE bounds (LIST: the selector of values)
    std::vector<std::int64_t> listValues;
    bool listNull = false;
    int modulus = 0, remainder = 0;
    std::string boundSql; ///< FOR VALUES …
    std::string predicate; ///< boolean SQL over the key column
    std::string quoted; ///< schema.relname, quoted
};

/// The statements of one step, phase by phase (docs/postgres.md).
struct StepSql {
    std::vector<std::string> schema; ///< phase 0: tidemark schema (own transaction, idempotent)
    std::vector<std::string> prepare; ///< phase 1: new tables, constraints, grants, change capture
    std::string boundary; ///< phase 2: next batch boundary of a source ($1 from, $2 rows)
    /// phase 2: per source, per target: INSERT … WHERE key in [$1, $2) (NULL = open)
    std::vector<std::vector<std::string>> copy;
    std::vector<std::string> copyNulls; ///< per source: rows with a NULL key (LIST/HASH)
    std::string progress; ///< phase 2: high-water mark ($1 uid, $2 source, $3 hw, $4 finished)
    std::string takeChanges; ///< phase 3/4: consume logged keys ($1 uid, $2 limit)
    std::vector<std::string> replayDelete; ///< per target ($1 keys, $2 null key changed)
    std::vector<std::vector<std::string>> replayInsert; ///< per source, per target
    std::vector<std::string> lock; ///< phase 4: LOCK statements
    std::string verifySources, verifyTargets; ///< checksum queries
    /// The same, over the rows of some keys only ($1 ordinals, $2 whether NULL keys too).
    std::string verifySourcesOf, verifyTargetsOf;
    /// Keys logged and not replayed yet: (ordinal array text, any NULL key).
    std::string pendingKeys;
    std::vector<std::string> swap; ///< detach, attach, drop, record uid
    /// Per new table, run in the swap: its autovacuum setting, the source's.
    std::vector<std::string> afterSwap;
    std::vector<std::string> afterwards; ///< ANALYZE of the new partitions
    std::vector<std::string> abandon; ///< cleanup of an uncommitted step
};

struct StepWork {
    PgTable table;
    std::vector<PgPartition> sources;
    std::vector<TargetSpec> targets;
    std::string key;
    KeyType keyType = KeyType::Integer; ///< of the key column (live catalogue)
    std::string uid;
    std::string tag; ///< short id used in object names
    std::vector<std::string> notes; ///< shown in the preview (e.g. default partition scan)
    std::vector<std::string> existingTargets; ///< target names already taken (a leftover when resuming)
    // Copied from the (first) source onto every target.
    std::string owner, comment, tablespace;
    std::vector<std::string> reloptions; ///< "name=value"
    std::vector<std::string> grants; ///< "privilege|grantee ('' = PUBLIC)|t/f grantable"
    StepSql sql;
};

/// Validates `step` against the live catalogue and works out the targets.
Result<StepWork> planStep(PgConnection &c, const Step &step, const std::string &uid);
/// Fills w.sql: every statement of every phase (pg_step_sql.cpp).
Result<void> buildStepSql(const PgConnection &c, StepWork &w, const Step &step);

/// Report name of a new partition for range bounds (deterministic), e.g.
/// events_p20261202t1300_20261202t1400; at most 63 bytes, cut on a UTF-8
/// character boundary with a hash of the full name.
/// The report name is read by parseTableName (else split at its first dot);
/// the connector resolves it in the catalogue first and calls the second form.
std::string rangePartitionName(const std::string &table, const KeyRange &bounds, KeyType type = KeyType::Integer);
std::string rangePartitionName(const std::string &schema, const std::string &relname, const KeyRange &bounds,
                               KeyType type);

/// Name of the tidemark schema objects for a step.
std::string stepTag(const std::string &uid);

/// Structure fingerprint of the named partitions (names, bounds, columns,
/// indexes, constraints): changes when any of them is split, merged, dropped
/// or altered.
Result<std::string> structureFingerprint(PgConnection &c, const PgTable &t, const std::vector<std::string> &names);

/// The whole preview text.
std::string renderPreview(const StepWork &w, const Step &step, int lockTimeoutMs, std::int64_t batchRows);

} // namespace tidemark::postgres
