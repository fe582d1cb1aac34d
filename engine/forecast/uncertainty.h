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

} // namespace tidemark::forecast
