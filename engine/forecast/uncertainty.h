#pragma once
// The spread of a forecast around its own point forecast: per step and for
// sums over windows. Quantiles are of the deviation (value - point forecast).
#include <memory>
#include <vector>

namespace tidemark::forecast {

class Uncertainty {
public:
    virtual ~Uncertainty() = default;
    virtual int horizon() const = 0;
    /// p-quantile of y[n+j] - mean[j], j in 0..h-1.
    virtual double stepQuantile(int j, double p) const = 0;
    /// p-quantile of Σ_{j=first}^{first+count-1} (y[n+j] - mean[j]).
    virtual double sumQuantile(int first, int count, double p) const = 0;
};

/// Standard normal quantile (Acklam's rational approximation, |err| < 1.2e-9).
double normalQuantile(double p);
/// Standard normal cumulative distribution.
double normalCdf(double x);

/// Linear Gaussian errors: y[n+j] - mean[j] = Σ_{i≤j} psi[j-i]·eps_i with
/// eps ~ N(0, sigma²) and psi[0] = 1 (ETS class 1, ARIMA, Theta).
std::shared_ptr<const Uncertainty> gaussianUncertainty(double sigma, std::vector<double> psi);

/// Deviations of simulated sample paths (paths × h, row-major) from `mean`.
std::shared_ptr<const Uncertainty> pathUncertainty(std::vector<double> paths, int nPaths, int h,
                                                   const std::vector<double> &mean);

/// Vincentised combination: the average of the components' quantiles.
std::shared_ptr<const Uncertainty> averagedUncertainty(std::vector<std::shared_ptr<const Uncertainty>> parts);

/// The same spread with a horizon-dependent factor (e.g. a multiplicative
/// seasonal index applied after forecasting an adjusted series).
std::shared_ptr<const Uncertainty> scaledUncertainty(std::shared_ptr<const Uncertainty> base, std::vector<double> factor);

/// Independent Gaussian steps with a given sd per step (fallbacks, naive mean).
std::shared_ptr<const Uncertainty> independentUncertainty(std::vector<double> sd);

/// One backtest point: the error of a forecast made at an earlier origin and
/// that forecast's own bands at the same step, as deviations from its point
/// forecast (lower ≤ 0 ≤ upper).
struct BacktestError {
    double error = 0.0;
    double lower80 = 0.0, upper80 = 0.0, lower95 = 0.0, upper95 = 0.0;
};

/// How much backtests widened a model's 80 % and 95 % bands (docs/forecasting.md,
/// "Interval calibration"). Factors are ≥ 1; points = 0 means not calibrated.
struct IntervalCalibration {
    double factor80 = 1.0, factor95 = 1.0;
    int points = 0; ///< backtest errors behind the factors
    int origins = 0; ///< forecast origins they came from
};

/// Bounds of the calibration: fewer errors or origins leave the bands alone;
/// no band grows by more than kMaxCalibrationFactor.
inline constexpr int kMinCalibrationErrors = 19; ///< the least N with a 95 % conformal quantile
inline constexpr int kMinCalibrationOrigins = 3;
inline constexpr double kMaxCalibrationFactor = 3.0;

/// Per level, the smallest scale of the bands that covers ⌈(N+1)·level⌉ of
/// the N errors (the split-conformal quantile), clamped to [1, kMaxCalibrationFactor].
IntervalCalibration calibrationFromBacktests(const std::vector<BacktestError> &errors, int origins);

/// `base` with its spread scaled by the calibration: by factor80 up to the
/// central 80 % band, by factor95 from the 95 % band outwards, in between
/// interpolated so that quantiles stay monotone in p.
std::shared_ptr<const Uncertainty> calibratedUncertainty(std::shared_ptr<const Uncertainty> base,
                                                         const IntervalCalibration &calibration);

} // namespace tidemark::forecast
