#pragma once
// Sizing the receiving node of a copy before anything is copied: the
// partition's size now plus the writes forecast during the expected transfer
// (with the forecast's interval), a buffer scaled by the forecast's
// confidence and capped, checked against what the target can hold.
#include <cstdint>
#include <optional>
#include <string>

namespace tidemark {

struct CopySizingInput {
    std::int64_t bytesNow = 0; ///< the partition's size on the source
    std::int64_t rowsNow = 0;
    /// Writes per second to the partition expected during the copy: the
    /// forecast's point and the upper end of its 95 % interval.
    double writesPerSecond = 0.0;
    double writesPerSecondUpper = 0.0;
    /// 0..1: how far the forecast is trusted (1: the point; 0: the upper band).
    double confidence = 0.0;
    std::string forecastSource; ///< "ETS forecast", "recent rate (short history)", …
    /// Copy throughput, measured by earlier copies or a short calibration.
    double throughputBytesPerSecond = 0.0;
    /// At most this much buffer on top of the size now (0: no cap).
    std::int64_t maxBufferBytes = 0;
    /// What the receiving node can hold, when known (the node catalogue's
    /// disk, less what it reports in use).
    std::optional<std::int64_t> targetFreeBytes;
    std::string targetName;
};

struct CopySizing {
    double transferSeconds = 0.0;
    std::int64_t growthBytes = 0; ///< point forecast of the writes during the copy, in bytes
    std::int64_t growthUpperBytes = 0; ///< upper end of the 95 % interval
    std::int64_t bufferBytes = 0; ///< after confidence scaling and the cap
    bool capped = false;
    std::int64_t reservedBytes = 0; ///< bytesNow + bufferBytes
    std::string text; ///< one line for the plan
    /// Set when the target cannot hold the reservation: why, in the DBA's words.
    std::optional<std::string> refusal;
};

CopySizing sizeCopyTarget(const CopySizingInput &input);

} // namespace tidemark
