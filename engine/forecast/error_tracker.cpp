#include "forecast/error_tracker.h"

#include <algorithm>
#include <cmath>

namespace tidemark::forecast {

bool missesBand(const ForecastCheck &c)
{
    if (!std::isfinite(c.actual) || !std::isfinite(c.lower95) || !std::isfinite(c.upper95))
        return true;
    const double up = std::max(c.upper95, 0.0);
    const double lo = std::max(c.lower95, 0.0);
    const double slackUp = 3.0 * std::sqrt(up) + 3.0;
    const double slackLo = 3.0 * std::sqrt(lo) + 3.0;
    return c.actual > c.upper95 + slackUp || c.actual < c.lower95 - slackLo;
}

void ForecastErrorTracker::record(const std::string &seriesId, const ForecastCheck &check)
{
    Entry e;
    e.miss = missesBand(check);
    double scale = check.scale;
    if (!(scale > 0.0) || !std::isfinite(scale))
        scale = std::max((check.upper95 - check.lower95) / 2.0, 1.0);
    const double err = std::fabs(check.actual - check.predicted) / scale;
    e.scaledError = std::isfinite(err) ? err : 1e6;
    auto &q = m_series[seriesId];
    q.push_back(e);
    while (q.size() > static_cast<std::size_t>(kWindow))
        q.pop_front();
}

ErrorStatus ForecastErrorTracker::status(const std::string &seriesId) const
{
    ErrorStatus s;
    const auto it = m_series.find(seriesId);
    if (it == m_series.end())
        return s;
    double sum = 0.0;
    for (const Entry &e : it->second) {
        ++s.checks;
        s.misses += e.miss ? 1 : 0;
        sum += e.scaledError;
    }
    s.meanAbsScaledError = s.checks ? sum / s.checks : 0.0;
    s.keepsMissing = s.misses >= kMissesToFlag && 2 * s.misses > s.checks;
    return s;
}

} // namespace tidemark::forecast
