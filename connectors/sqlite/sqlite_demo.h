#pragma once
// The demo database: an `orders` family of range partitions, and a skewed
// workload whose hot key window drifts slowly with wall-clock time, so the
// volatility monitor and the planner have something real to look at.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "result.h"

namespace tidemark::sqlite {

struct DemoOptions {
    std::int64_t rows = 1'000'000; ///< keys 0 … rows-1
    int partitions = 40; ///< equal key ranges; first/last open-ended
    std::uint64_t seed = 42; ///< data is a pure function of the seed
    std::int64_t hotWindowWidth = 2000; ///< keys the zipfian hot spot spans (capped to a partition's quarter)
    double driftKeysPerSecond = 1.0; ///< how fast the hot spot moves
    // Benchmark-only variants (bench/sqlite_write_counting):
    bool countWrites = true; ///< false: family without counting triggers
    bool plainTable = false; ///< true: one ordinary table, no family
};

struct DemoSummary {
    std::filesystem::path path;
    std::int64_t rows = 0;
    int partitions = 0;
    std::int64_t partitionWidth = 0;
    std::int64_t hotWindowStart = 0;
    std::int64_t hotWindowWidth = 0;
    double driftKeysPerSecond = 0.0;
    std::int64_t t0Ms = 0;
    std::int64_t bytes = 0;
    double seconds = 0.0;
};

/// Creates a new demo database (refuses to overwrite an existing file).
Result<DemoSummary> createDemoDatabase(const std::filesystem::path &path, const DemoOptions &options = {});

struct DemoLoadOptions {
    double seconds = 10.0;
    bool uniform = false; ///< spread writes over all keys instead of the hot window
    std::uint64_t seed = 1;
    std::optional<std::int64_t> maxOperations;
    int operationsPerTransaction = 50;
    double readShare = 0.2; ///< point reads of cold keys
    double deleteShare = 0.05; ///< of writes; deleted keys are re-inserted when drawn again
};

struct DemoLoadReport {
    std::int64_t operations = 0;
    std::int64_t reads = 0;
    std::int64_t writes = 0;
    std::int64_t inserts = 0;
    std::int64_t updates = 0;
    std::int64_t deletes = 0;
    std::int64_t errors = 0; ///< failed operations (e.g. lock timeouts), rolled back
    double seconds = 0.0;
    std::int64_t hotWindowStart = 0; ///< at the start of the run
    std::int64_t hotWindowEnd = 0; ///< start of the window at the end of the run
    std::int64_t hotWindowWidth = 0;
    std::string hotPartition; ///< partition holding the window's start at the start
    /// Writes per partition (client-side, by the partition layout at the start).
    std::vector<std::pair<std::string, std::int64_t>> writesPerPartition;
    std::string lastError;

    double writesPerSecond() const { return seconds > 0 ? double(writes) / seconds : 0.0; }
};

/// Runs the demo workload against `path` through the `orders` view, like an
/// application would, for `seconds` (or `maxOperations`).
Result<DemoLoadReport> runDemoLoad(const std::filesystem::path &path, const DemoLoadOptions &options = {});

} // namespace tidemark::sqlite

namespace tidemark::sqlite {

/// The event-log demo (`demo init --log`): an append-only `events` family
/// split by event id into segments of equal time spans — the newest one
/// active, the others sealed — filled with weeks of events in an office-hours
/// rhythm with quiet weekends, and the debug events of the oldest segments
/// purged (dead space inside their pages, as after a retention job).
struct LogDemoOptions {
    std::int64_t rows = 200'000; ///< events inserted over `days`, before the purge
    int segments = 8; ///< equal time spans; the last one is active
    int days = 24;
    int purgedSegments = 3; ///< the oldest segments whose debug events were deleted
    std::uint64_t seed = 42;
    std::int64_t endMs = 0; ///< the newest event's time (0: now)
};

struct LogDemoSegment {
    std::string name;
    std::int64_t firstMs = 0, lastMs = 0; ///< the span of its events' times
    std::int64_t insertedRows = 0;
    std::int64_t deletedRows = 0;
};

struct LogDemoSummary {
    std::filesystem::path path;
    std::int64_t rows = 0; ///< left after the purge
    std::int64_t deletedRows = 0;
    std::int64_t startMs = 0, endMs = 0;
    std::vector<LogDemoSegment> segments; ///< key order; the last is active
    std::int64_t bytes = 0;
    double seconds = 0.0;
};

/// Creates a new event-log demo database (refuses to overwrite a file).
Result<LogDemoSummary> createLogDemoDatabase(const std::filesystem::path &path, const LogDemoOptions &options = {});

} // namespace tidemark::sqlite
