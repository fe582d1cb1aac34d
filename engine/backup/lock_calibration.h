#pragma once
// Lock-time predictions calibrated from the steps that ran on the same
// connection: the executor records each split's and merge's measured lock
// time next to the prediction (Step::measured), and the next plan predicts
// from those instead of the configured rewrite rate. See docs/planner.md.
#include <cstdint>
#include <string>
#include <vector>

#include "model/settings.h"
#include "model/step.h"

namespace tidemark {

/// lock ≈ overheadSeconds + bytes / bytesPerSecond.
struct LockCalibration {
    double bytesPerSecond = 50e6;
    double overheadSeconds = 0.0;
    int measuredSteps = 0; ///< 0: the configured rate, nothing measured yet
    double predict(std::int64_t bytes) const;
    /// "lock times from 7 measured steps: 12 MB/s + 0.20 s per step" ("" when nothing was measured).
    std::string describe() const;
};

inline constexpr int kMaxCalibrationSteps = 30;

/// Fits the line through the measured effects of splits and merges (bytes
/// rewritten, lock seconds; newest first, at most kMaxCalibrationSteps
/// used). With fewer than three steps, or sizes too alike to tell a fixed
/// cost from a rate, the rate alone (Σ seconds / Σ bytes) is used. Nothing
/// measured: the settings' rewriteBytesPerSecond.
LockCalibration calibrateLockTime(const std::vector<StepEffect> &measured, const ConnectionSettings &settings);

} // namespace tidemark
