#include "connector_features.h"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "policy/load_figure.h"

namespace tidemark {

RowStreamer::~RowStreamer() = default;
ChangeCapture::~ChangeCapture() = default;
ChunkChecksummer::~ChunkChecksummer() = default;
ResourceReporter::~ResourceReporter() = default;
DeadSpaceReporter::~DeadSpaceReporter() = default;
SnapshotStore::~SnapshotStore() = default;
ChangeJournal::~ChangeJournal() = default;
DatabaseExecutorLock::~DatabaseExecutorLock() = default;
MoveValidator::~MoveValidator() = default;
MoveEligibility::~MoveEligibility() = default;

Error executorLockedBy(const ExecutorClaim &holder, const std::string &database)
{
    std::string since = "an unknown time";
    if (holder.sinceMs > 0) {
        const std::time_t t = static_cast<std::time_t>(holder.sinceMs / 1000);
        std::tm tm{};
        localtime_r(&t, &tm);
        char buf[64];
        std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
        since = buf;
    }
    return Error{ErrorCode::ExecutorLocked,
                 fmt::format("another Tidemark executor (pid {} on host {}, store {}, since {}) is working on {}",
                             holder.pid > 0 ? std::to_string(holder.pid) : std::string("unknown"),
                             holder.host.empty() ? std::string("unknown") : holder.host,
                             holder.store.empty() ? std::string("unknown") : holder.store, since, database),
                 "wait for it to finish, or ask its owner; the database releases the lock by itself when that "
                 "process ends, also when it is killed"};
}

bool ConnectorCapabilities::runs(StepKind kind) const
{
    return std::find(stepKinds.begin(), stepKinds.end(), kind) != stepKinds.end();
}

std::string ConnectorCapabilities::whyNot(std::string_view name) const
{
    for (const auto &[what, why] : limitations)
        if (what == name)
            return why;
    return {};
}

ConnectorCapabilities capabilitiesOf(const Connector &connector)
{
    const ConnectorTraits traits = connector.traits();
    ConnectorCapabilities c;
    c.readsCounted = traits.readsCounted;
    c.adopt = traits.adopt;
    c.transactionalSteps = traits.transactionalSteps;
    c.stepKinds = traits.stepKinds;
    c.limitations = traits.limitations;
    c.rowStreaming = feature<RowStreamer>(connector) != nullptr;
    c.changeCapture = feature<ChangeCapture>(connector) != nullptr;
    c.chunkChecksums = feature<ChunkChecksummer>(connector) != nullptr;
    c.resources = feature<ResourceReporter>(connector) != nullptr;
    c.snapshots = feature<SnapshotStore>(connector) != nullptr;
    c.loadFigure = feature<LoadReporter>(connector) != nullptr;
    c.databaseLock = feature<DatabaseExecutorLock>(connector) != nullptr;
    c.changeJournal = feature<ChangeJournal>(connector) != nullptr;
    c.moveValidation = feature<MoveValidator>(connector) != nullptr;
    c.moveEligibility = feature<MoveEligibility>(connector) != nullptr;

    const std::string who = connector.scheme();
    auto missing = [&](bool has, const char *name, const char *what) {
        if (!has && c.whyNot(name).empty())
            c.limitations.emplace_back(name, fmt::format("the {} connector does not offer {} yet", who, what));
    };
    missing(c.readsCounted, "readsCounted", "read counts per partition");
    missing(c.adopt, "adopt", "turning a plain table into a partitioned one");
    missing(c.rowStreaming, "rowStreaming", "row streaming by key range (copies to other nodes)");
    missing(c.changeCapture, "changeCapture", "change capture");
    missing(c.chunkChecksums, "chunkChecksums", "per-chunk checksums");
    missing(c.resources, "resources", "figures of the node's capacity and use");
    missing(c.snapshots, "snapshots", "partition snapshots");
    missing(c.changeJournal, "changeJournal", "a point-in-time change journal");
    missing(c.loadFigure, "loadFigure", "a load figure of its server");
    missing(c.moveValidation, "moveValidation", "validation of a moved partition");
    missing(c.moveEligibility, "moveEligibility", "telling ahead which partitions a move cannot take");
    for (StepKind kind : {StepKind::Split, StepKind::Merge, StepKind::Copy, StepKind::Move, StepKind::Snapshot,
                          StepKind::Restore, StepKind::Compact, StepKind::Archive})
        missing(c.runs(kind), toString(kind), (std::string(toString(kind)) + " steps").c_str());
    return c;
}

} // namespace tidemark
