#pragma once
// The parts of a copy (or move) of a partition to another PostgreSQL node
// (docs/copy-move.md), shared by its planning (pg_copy_plan.cpp), its chunk
// run (pg_copy_chunks.cpp) and its execution and cutover (pg_copy_run.cpp).
#include <chrono>
#include <cstdint>
#include <future>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pg_node_copy.h"
#include "postgres_connector.h"
#include "replication/copy_chunks.h"

namespace tidemark::postgres::nodecopy {

using Clock = std::chrono::steady_clock;

/// Pending: not sent; Copied: sent, verified at its snapshot; Dirty: to be
/// compared whole; Verified: equal on both sides, with `keys` written (and
/// applied) since — compared key by key at the cutover.
enum class ChunkState { Pending, Copied, Dirty, Verified };

struct Chunk {
    CopyChunk layout;
    ChunkState state = ChunkState::Pending;
    RowChecksum sum; ///< last verified / sent sum (source side)
    int sends = 0;
    std::set<KeyValue> keys; ///< Verified: keys changed since
    /// The receiving table's pages the chunk's last send wrote into
    /// ([pagesFrom, pagesTo)), or none (pagesTo 0): its check as sent reads
    /// only those pages, not the whole table.
    std::int64_t pagesFrom = 0, pagesTo = 0;
};

/// What a copy will do, worked out from both catalogues before it runs.
struct CopyWork {
    KeyedRelation source;
    KeyRange range;
    std::string targetSchema, targetRel, targetQuoted, targetName;
    std::string capture;
    std::string columns; ///< quoted list, the source's attnum order
    std::vector<std::string> createTarget; ///< on the receiving node
    /// Its keys and the key index, built once the bulk copy has loaded the
    /// rows (one sort instead of an index insert per row), or earlier when a
    /// captured change or a chunk sent again needs to find rows by key.
    std::vector<std::string> createKeys;
    /// The partition's own CHECK constraints (name, definition): a move
    /// declares them on the foreign partition too, as the parent's are.
    std::vector<std::pair<std::string, std::string>> ownChecks;
    bool move = false;
    std::string parentQuoted;
    // postgres_fdw (move): the server, and whether it and the mapping exist.
    std::string fdwServer;
    bool fdwServerExists = false, fdwMappingExists = false;
    std::string fdwHost, fdwPort, fdwDb, fdwUser;
    std::vector<std::string> notes;
};

std::string sumText(std::uint64_t v);
ChunkState stateFrom(const std::string &s);

/// Runs each statement in order; stops at the first error.
Result<void> runAll(PgConnection &c, const std::vector<std::string> &list);

/// Works the copy out from both catalogues (`b` may be `a` for a preview).
Result<CopyWork> planCopy(PgConnection &a, PgConnection &b, const Step &step, const NodeCopyWork &work);

/// The SQL of the foreign server and the user mapping (the password from the
/// receiving node's own connection: the URI or pgpass the DBA gave; it goes
/// to the source's catalogue only, never to the preview or the store).
std::vector<std::string> fdwSetupSql(PgConnection &a, const CopyWork &w, const std::string &password, bool forPreview);

/// A move's statements on the source: the local partition replaced by a
/// postgres_fdw foreign-table partition.
std::vector<std::string> cutoverSql(PgConnection &a, const CopyWork &w);

std::string chunkPredicate(PgConnection &c, const CopyWork &w, const KeyRange &r);

/// Removes what a copy left on the receiving node, unless it committed there.
Result<void> abandonTarget(PgConnection &b, const std::string &uid);

/// One copy's chunks as it runs: sending, applying captured changes,
/// verifying by chunk, and the cutover's checks.
class CopyRun {
public:
    CopyRun(PgConnection &a, PgConnection &b, CopyWork &w, const Step &step, ExecutionContext &ctx,
            const OnlineStepOptions &options)
        : m_a(a)
        , m_b(b)
        , m_w(w)
        , m_step(step)
        , m_ctx(ctx)
        , m_options(options)
    {
    }

    std::vector<Chunk> chunks;

    void crash(std::string_view name);

    /// Builds the receiving table's keys and key index (createKeys), in one
    /// transaction, unless they are there. Not inside the cutover.
    Result<void> buildKeys();
    bool keysBuilt() const { return m_keysBuilt; }
    void progress(double f, const std::string &text);

    /// Chunks of the layout on the receiving node (a resumed run), or nothing.
    Result<bool> loadChunks();

    /// Creates the capture on the source, then the target with its layout.
    Result<void> setUp(const std::vector<CopyChunk> &layout);

    /// Sends chunk `i` from scratch: its rows on the target are replaced from
    /// one snapshot of the source, whose checksum the same pass takes, and
    /// the chunk is recorded as copied with that sum, or sent again while
    /// the receiving side differs (bounded). `ownTransactions`: outside the cutover.
    /// `compareNow`: the receiving side's checksum is taken at once (a chunk
    /// sent again); otherwise only its count, and the chunk is compared in
    /// the pass over every chunk sent (verifyDirty) before the cutover.
    Result<void> sendChunk(std::size_t i, bool ownTransactions, bool compareNow = true);

    std::size_t chunkOf(KeyValue k) const;

    /// The receiving side's checksum of chunk `i`, read on `other` (a second
    /// session to the receiving node) on a thread of its own, so that it
    /// overlaps the sending of the next chunk.
    std::future<Result<RowChecksum>> checkSentLater(PgConnection &other, std::size_t i) const;
    /// Takes that check's answer: a chunk still only sent (nothing applied
    /// to it since) whose rows there sum to what was sent is verified.
    /// Returns whether it was.
    Result<bool> takeSentCheck(std::size_t i, Result<RowChecksum> there);
    /// After the bulk copy: the receiving table holds as many rows as were
    /// sent (and applied). When not, every chunk is to be compared whole
    /// again; returns whether they matched.
    Result<bool> checkRowsThere();

    /// Takes up to `limit` captured changes and applies those of chunks
    /// already sent (the others are sent later, as they are then); their
    /// chunks become dirty. In the cutover, `ownTransactions` is false.
    Result<std::int64_t> applyChanges(std::int64_t limit, bool ownTransactions);

    std::vector<std::size_t> dirtyChunks() const;

    /// Compares the chunks dirtied or only sent since they were last
    /// compared (`locked`: in the cutover, every captured change applied).
    /// Equal chunks are verified — while writers run, equal but for the keys
    /// captured and not applied yet, which the cutover compares one by one;
    /// a chunk that differs beyond those is sent again (bounded). Returns how
    /// many were sent again.
    Result<int> verifyDirty(bool locked);

    /// Records every chunk verified, with its sum (in the cutover's transaction).
    Result<void> recordVerified();
    /// Records `which` verified, with their sums.
    Result<void> recordVerified(const std::vector<std::size_t> &which);

    /// The cutover's check of verified chunks written since: the rows of the
    /// keys written, on both sides (the rest of each chunk was equal when it
    /// was verified and only those keys changed since, on either side). When
    /// they differ, those chunks are compared whole (and re-sent if need be).
    Result<std::size_t> verifyWrittenKeys();

    RowChecksum total() const;

    double m_fraction = 0.0;
    std::int64_t m_applied = 0;

private:
    /// "key = ANY (…)" of `keys`, typed like the key.
    std::string keysWhere(const std::vector<KeyValue> &keys) const;
    /// The sums of chunks `which` over `relation` (on `c`), of rows matching `where` when given.
    Result<std::vector<RowChecksum>> sums(PgConnection &c, const std::string &relation,
                                          const std::vector<std::size_t> &which, const std::string &where = {});

    PgConnection &m_a;
    PgConnection &m_b;
    CopyWork &m_w;
    const Step &m_step;
    ExecutionContext &m_ctx;
    const OnlineStepOptions &m_options;
    bool m_keysBuilt = false;
};

} // namespace tidemark::postgres::nodecopy
