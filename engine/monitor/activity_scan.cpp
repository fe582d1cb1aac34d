#include "monitor/activity_scan.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "monitor/volatility_monitor.h"

namespace tidemark {

std::int64_t nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Result<ScanResult> scanActivity(Connector &connector, MetadataStore &store, const Connection &connection,
                                std::int64_t now)
{
    auto tables = connector.discover();
    if (!tables)
        return tl::unexpected(tables.error());
    auto samples = connector.sampleActivity();
    if (!samples)
        return tl::unexpected(samples.error());
    for (auto &s : *samples)
        if (s.timestampMs == 0)
            s.timestampMs = now;
    if (auto ok = store.addSamples(connection.id, *samples); !ok)
        return tl::unexpected(ok.error());

    // Weights older than eight half-lives are below 0.4 %: replaying from
    // there reproduces the long-running estimate closely.
    const std::int64_t horizon = now - 8 * connection.settings.halfLifeSeconds * 1000;
    VolatilityMonitor monitor(connection.settings);
    auto firstContact = store.firstSampleMs(connection.id);
    if (!firstContact)
        return tl::unexpected(firstContact.error());
    monitor.setFirstContactMs(*firstContact);
    ScanResult result;
    result.timestampMs = now;
    for (const auto &table : *tables) {
        for (const auto &partition : table.partitions) {
            auto history = store.samples(connection.id, table.name, partition.name, horizon);
            if (!history)
                return tl::unexpected(history.error());
            VolatilityScore score;
            bool any = false;
            for (const auto &s : *history) {
                score = monitor.observe(s);
                any = true;
            }
            if (!any)
                continue;
            score.timestampMs = now;
            score.rows = partition.rows;
            score.bytes = partition.bytes;
            result.baselinePartitions += score.baseline ? 1 : 0;
            result.scores.push_back(score);
        }
    }
    std::vector<VolatilityScore> scored;
    for (const auto &s : result.scores)
        if (!s.baseline)
            scored.push_back(s);
    if (auto ok = store.saveScores(connection.id, scored); !ok)
        return tl::unexpected(ok.error());
    auto checks = checkRecordedForecasts(store, connection, now);
    if (!checks)
        return tl::unexpected(checks.error());
    result.forecastChecks = *checks;
    auto tracking = forecastTrackingSummary(store, connection);
    if (!tracking)
        return tl::unexpected(tracking.error());
    std::set<ForecastTrackingSummary::PartitionName> existing;
    for (const auto &table : *tables)
        for (const auto &partition : table.partitions)
            existing.emplace(table.name, partition.name);
    const auto gone = [&](const ForecastTrackingSummary::PartitionName &p) { return !existing.count(p); };
    std::erase_if(tracking->checked, gone);
    std::erase_if(tracking->keepMissing, gone);
    result.forecastTracking = std::move(*tracking);
    result.tables = std::move(*tables);
    return result;
}

} // namespace tidemark
