#include "replication/copy_sizing.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace tidemark {

namespace {

std::string bytesText(double b)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (std::abs(b) >= 1024.0 && u < 4) {
        b /= 1024.0;
        ++u;
    }
    return u == 0 ? fmt::format("{:.0f} B", b) : fmt::format("{:.1f} {}", b, units[u]);
}

} // namespace

CopySizing sizeCopyTarget(const CopySizingInput &in)
{
    CopySizing s;
    const double throughput = in.throughputBytesPerSecond > 0 ? in.throughputBytesPerSecond : 1.0;
    s.transferSeconds = double(std::max<std::int64_t>(0, in.bytesNow)) / throughput;
    // Every write the target receives during the copy lands as a new row
    // version there: an average row's bytes each.
    const double bytesPerRow = in.rowsNow > 0 ? double(in.bytesNow) / double(in.rowsNow) : 0.0;
    const double point = std::max(0.0, in.writesPerSecond);
    const double upper = std::max(point, in.writesPerSecondUpper);
    s.growthBytes = std::llround(point * s.transferSeconds * bytesPerRow);
    s.growthUpperBytes = std::llround(upper * s.transferSeconds * bytesPerRow);
    const double confidence = std::clamp(in.confidence, 0.0, 1.0);
    // Trusted forecasts reserve their point; doubtful ones up to their upper band.
    double buffer = double(s.growthBytes) + (1.0 - confidence) * double(s.growthUpperBytes - s.growthBytes);
    if (in.maxBufferBytes > 0 && buffer > double(in.maxBufferBytes)) {
        buffer = double(in.maxBufferBytes);
        s.capped = true;
    }
    s.bufferBytes = std::llround(buffer);
    s.reservedBytes = in.bytesNow + s.bufferBytes;
    s.text =
        fmt::format("reserve {} on {}: {} now + {} buffer for the writes forecast during a ~{:.0f} s transfer "
                    "({}, {} point, {} at the 95 % upper end, confidence {:.0f} %{})",
                    bytesText(double(s.reservedBytes)), in.targetName.empty() ? "the target" : in.targetName,
                    bytesText(double(in.bytesNow)), bytesText(double(s.bufferBytes)), s.transferSeconds,
                    in.forecastSource.empty() ? "no forecast" : in.forecastSource, bytesText(double(s.growthBytes)),
                    bytesText(double(s.growthUpperBytes)), confidence * 100.0, s.capped ? ", capped" : "");
    if (in.targetFreeBytes && *in.targetFreeBytes < s.reservedBytes)
        s.refusal = fmt::format("{} can hold {} more, but the copy needs {} ({})",
                                in.targetName.empty() ? "the target" : in.targetName,
                                bytesText(double(std::max<std::int64_t>(0, *in.targetFreeBytes))),
                                bytesText(double(s.reservedBytes)), s.text);
    return s;
}

} // namespace tidemark
