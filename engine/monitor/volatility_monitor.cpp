#include "monitor/volatility_monitor.h"

#include <algorithm>
#include <cmath>

namespace tidemark {

namespace {

/// 1 − exp(−x) for x ≥ 0, accurate for small x and never NaN.
double probabilityOfEvent(double expectedEvents)
{
    if (!(expectedEvents > 0.0)) // also catches NaN
        return 0.0;
    if (std::isinf(expectedEvents))
        return 1.0;
    return -std::expm1(-expectedEvents);
}

/// Negative and NaN rates count as none; +inf stays (P = 1).
double nonNegative(double v)
{
    return v > 0.0 ? v : 0.0;
}

} // namespace

double unitShare(std::int64_t bytes, const ConnectionSettings &settings)
{
    if (bytes <= 0 || settings.backupUnitBytes <= 0 || bytes <= settings.backupUnitBytes)
        return 1.0;
    return static_cast<double>(settings.backupUnitBytes) / static_cast<double>(bytes);
}

double pModifiedWithin(double writesPerSecond, std::int64_t bytes, const ConnectionSettings &settings)
{
    const double interval = static_cast<double>(std::max<std::int64_t>(settings.backupIntervalSeconds, 0));
    return probabilityOfEvent(nonNegative(writesPerSecond) * unitShare(bytes, settings) * interval);
}

VolatilityScore scoreFromRates(double writesPerSecond, double readsPerSecond, bool readsKnown, std::int64_t rows,
                               std::int64_t bytes, const ConnectionSettings &settings)
{
    VolatilityScore s;
    s.rows = rows;
    s.bytes = bytes;
    s.writesPerSecond = nonNegative(writesPerSecond);
    s.readsPerSecond = readsKnown ? nonNegative(readsPerSecond) : 0.0;
    s.pModified = pModifiedWithin(writesPerSecond, bytes, settings);

    double weight = 0.0;
    double readActivity = 0.0;
    if (readsKnown) {
        weight = std::isfinite(settings.readWeight) ? std::clamp(settings.readWeight, 0.0, 1.0) : 0.0;
        const double interval = static_cast<double>(std::max<std::int64_t>(settings.backupIntervalSeconds, 0));
        readActivity =
            probabilityOfEvent(nonNegative(readsPerSecond) * unitShare(bytes, settings) * interval / kBusyReadsPerUnit);
    }
    const double score = 100.0 * ((1.0 - weight) * s.pModified + weight * readActivity);
    s.score = std::isfinite(score) ? std::clamp(score, 0.0, 100.0) : 0.0;
    return s;
}

VolatilityMonitor::VolatilityMonitor(ConnectionSettings settings)
    : m_settings(settings)
{
}

double VolatilityMonitor::smoothingFactor(double elapsedSeconds) const
{
    if (m_settings.halfLifeSeconds <= 0)
        return 1.0;
    // Time-based α: k intervals of Δt decay old estimates exactly as one
    // interval of k·Δt does, so the sampling interval does not bias the rate.
    return -std::expm1(-elapsedSeconds * std::log(2.0) / static_cast<double>(m_settings.halfLifeSeconds));
}

void VolatilityMonitor::fold(State &state, double elapsedSeconds, std::int64_t writes, std::int64_t reads) const
{
    if (!(elapsedSeconds > 0.0) || writes < 0 || reads < 0)
        return;
    // Weighted average of the interval rates, each weighted by the EWMA
    // weight of its duration and normalised by the weight seen so far: the
    // first interval sets the rate directly (no warm-up from zero), yet a
    // short noisy first interval counts no more than its duration.
    const double alpha = smoothingFactor(elapsedSeconds);
    state.writesSum += alpha * (static_cast<double>(writes) / elapsedSeconds - state.writesSum);
    state.readsSum += alpha * (static_cast<double>(reads) / elapsedSeconds - state.readsSum);
    state.weight += alpha * (1.0 - state.weight);
    if (state.weight > 0.0) {
        state.writesPerSecond = state.writesSum / state.weight;
        state.readsPerSecond = state.readsSum / state.weight;
    }
}

VolatilityScore VolatilityMonitor::observe(const ActivitySample &sample)
{
    const auto key = std::make_pair(sample.table, sample.partition);
    auto it = m_state.find(key);
    if (it == m_state.end()) {
        State state;
        state.last = sample;
        // A known epoch start is a reading of zero counters at that time:
        // one sample then already yields the rate since counting began —
        // when Tidemark was watching by then; otherwise it is a baseline.
        if (sample.epochStartMs > 0 && sample.epochStartMs < sample.timestampMs &&
            sample.epochStartMs >= m_firstContactMs)
            fold(state, static_cast<double>(sample.timestampMs - sample.epochStartMs) / 1000.0, sample.writes(),
                 sample.reads);
        it = m_state.emplace(key, std::move(state)).first;
    } else {
        State &state = it->second;
        const ActivitySample &last = state.last;
        if (sample.timestampMs <= last.timestampMs)
            return state.score; // duplicate or out of order: nothing new to learn

        const bool reset = sample.counterEpoch != last.counterEpoch || sample.reads < last.reads ||
            sample.inserts < last.inserts || sample.updates < last.updates || sample.deletes < last.deletes;
        if (!reset)
            fold(state, static_cast<double>(sample.timestampMs - last.timestampMs) / 1000.0,
                 sample.writes() - last.writes(), sample.reads - last.reads);
        // On a reset the interval's counts are unknown: keep the rate and
        // measure again from this reading (no spike, no dip to zero).
        state.last = sample;
    }

    State &state = it->second;
    state.score = scoreFromRates(state.writesPerSecond, state.readsPerSecond, sample.readsKnown, sample.rows,
                                 sample.bytes, m_settings);
    state.score.table = sample.table;
    state.score.partition = sample.partition;
    state.score.timestampMs = sample.timestampMs;
    state.score.baseline = !(state.weight > 0.0);
    return state.score;
}

std::optional<VolatilityScore> VolatilityMonitor::current(const std::string &table, const std::string &partition) const
{
    auto it = m_state.find(std::make_pair(table, partition));
    if (it == m_state.end())
        return std::nullopt;
    return it->second.score;
}

} // namespace tidemark
