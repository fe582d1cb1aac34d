#pragma once
// Per-series forecast error as actual values arrive: each check compares a
// forecast (point and 95 % band) with what happened. A series whose recent
// checks keep falling outside the band is flagged, and the planners fall back
// to their reactive rules for it. See docs/forecasting.md.
#include <cstdint>
#include <deque>
#include <map>
#include <string>

namespace tidemark::forecast {

/// One forecast compared with its outcome.
struct ForecastCheck {
    double predicted = 0.0;
    double lower95 = 0.0, upper95 = 0.0;
    double actual = 0.0;
    /// Error scale (e.g. in-sample seasonal-naive MAE of the same window size);
    /// 0 = use the band's half-width.
    double scale = 0.0;
};

struct ErrorStatus {
    int checks = 0; ///< checks remembered (the last kWindow)
    int misses = 0; ///< of those, outside the (slackened) 95 % band
    double meanAbsScaledError = 0.0;
    bool keepsMissing = false; ///< planners should use their reactive rules
};

/// Whether `actual` lies outside the check's 95 % band, with a counting
/// slack (3·√upper + 3) so that small integer counts (writes) do not count
/// as misses by chance.
bool missesBand(const ForecastCheck &check);

/// Keeps the last kWindow checks per series id. Not thread-safe.
class ForecastErrorTracker {
public:
    static constexpr int kWindow = 5;
    /// Flagged when at least this many of the last checks missed, and more
    /// than half of them did.
    static constexpr int kMissesToFlag = 2;

    void record(const std::string &seriesId, const ForecastCheck &check);
    ErrorStatus status(const std::string &seriesId) const;
    void forget(const std::string &seriesId) { m_series.erase(seriesId); }
    std::size_t size() const { return m_series.size(); }

private:
    struct Entry {
        bool miss = false;
        double scaledError = 0.0;
    };
    std::map<std::string, std::deque<Entry>> m_series;
};

} // namespace tidemark::forecast
