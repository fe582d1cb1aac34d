#include "lock_calibration.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace tidemark {

namespace {
constexpr double kDefaultRate = 50e6;

double configuredRate(const ConnectionSettings &s)
{
    return s.rewriteBytesPerSecond > 0.0 ? s.rewriteBytesPerSecond : kDefaultRate;
}
} // namespace

double LockCalibration::predict(std::int64_t bytes) const
{
    const double rate = bytesPerSecond > 0.0 ? bytesPerSecond : kDefaultRate;
    return overheadSeconds + static_cast<double>(std::max<std::int64_t>(bytes, 0)) / rate;
}

std::string LockCalibration::describe() const
{
    if (measuredSteps == 0)
        return {};
    const double mbps = bytesPerSecond / 1e6;
    const std::string rate = mbps >= 10.0 ? fmt::format("{:.0f} MB/s", mbps) : fmt::format("{:.1f} MB/s", mbps);
    if (overheadSeconds <= 0.0)
        return fmt::format("lock times predicted from {} measured step(s) on this connection: {}", measuredSteps, rate);
    return fmt::format("lock times predicted from {} measured step(s) on this connection: {} + {:.2f} s per step",
                       measuredSteps, rate, overheadSeconds);
}

LockCalibration calibrateLockTime(const std::vector<StepEffect> &measured, const ConnectionSettings &settings)
{
    struct Point {
        std::int64_t bytes;
        double seconds;
    };
    LockCalibration c;
    c.bytesPerSecond = configuredRate(settings);
    std::vector<Point> use;
    for (const auto &m : measured) {
        if (m.bytesRewritten > 0 && std::isfinite(m.lockSeconds) && m.lockSeconds > 0.0)
            use.push_back(Point{m.bytesRewritten, m.lockSeconds});
        if (use.size() == static_cast<std::size_t>(kMaxCalibrationSteps))
            break;
    }
    if (use.empty())
        return c;
    c.measuredSteps = static_cast<int>(use.size());
    double sx = 0, sy = 0;
    for (const auto &m : use) {
        sx += static_cast<double>(m.bytes);
        sy += m.seconds;
    }
    // Through the origin: every second is put down to the bytes.
    const double ratio = sy / sx;
    c.bytesPerSecond = 1.0 / ratio;
    c.overheadSeconds = 0.0;
    if (use.size() < 3)
        return c;
    const double n = static_cast<double>(use.size());
    const double mx = sx / n, my = sy / n;
    double sxx = 0, sxy = 0;
    for (const auto &m : use) {
        const double dx = static_cast<double>(m.bytes) - mx;
        sxx += dx * dx;
        sxy += dx * (m.seconds - my);
    }
    // Sizes must differ (coefficient of variation ≥ 0.25) to tell a fixed
    // cost from a rate; a negative intercept or slope is noise, not physics.
    if (sxx <= 0.0 || std::sqrt(sxx / n) < 0.25 * mx)
        return c;
    const double slope = sxy / sxx;
    const double intercept = my - slope * mx;
    if (slope <= 0.0 || intercept < 0.0)
        return c;
    c.bytesPerSecond = 1.0 / slope;
    c.overheadSeconds = intercept;
    return c;
}

} // namespace tidemark
