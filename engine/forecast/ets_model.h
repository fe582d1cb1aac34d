#pragma once
// ETS state space models (Hyndman, Koehler, Ord & Snyder 2008): the
// recursions, the likelihood used for estimation, and forecasts.
#include <cstdint>
#include <string>
#include <vector>

#include "forecast/uncertainty.h"

namespace tidemark::forecast {

enum class EtsError { Additive, Multiplicative };
enum class EtsTrend { None, Additive, Multiplicative };
enum class EtsSeason { None, Additive, Multiplicative };

/// Which of the 30 ETS models; `damped` only with a trend.
struct EtsSpec {
    EtsError error = EtsError::Additive;
    EtsTrend trend = EtsTrend::None;
    bool damped = false;
    EtsSeason season = EtsSeason::None;
    int period = 1; ///< m; 1 when non-seasonal

    /// "ETS(M,Ad,N)" as R's forecast package prints it.
    std::string name() const;
    /// Number of initial states that are free parameters (l, b, m-1 seasonal).
    int freeStates() const;
    /// Class 1 (Hyndman et al. 2008, ch. 6): additive errors, no
    /// multiplicative component; analytic intervals are exact.
    bool linear() const;
    friend bool operator==(const EtsSpec &, const EtsSpec &) = default;
};

/// Smoothing parameters in R's convention: beta and gamma are the products
/// alpha·beta* and (1-alpha)·gamma* (so beta < alpha, gamma < 1 - alpha).
struct EtsParams {
    double alpha = 0.5;
    double beta = 0.0;
    double gamma = 0.0;
    double phi = 1.0;
};

/// Initial state x0 = (l, b, s_0 … s_{m-1}), s_0 the most recent season.
struct EtsState {
    double level = 0.0;
    double growth = 0.0;
    std::vector<double> season; ///< size m; season[m-1] applies to the next observation
};

/// Result of running the recursions over a series.
struct EtsRun {
    bool ok = false;
    double lik = 0.0;   ///< R's "lik": n·log(Σe²) (+ 2Σlog|ŷ| for M errors); smaller is better
    double sse = 0.0;   ///< Σe² of the innovations (relative for M errors)
    double amse = 0.0;  ///< one-step mean squared error on the data scale
    EtsState final;     ///< state after the last observation
};

/// Runs the state space recursions (forecast::etscalc). `residuals`, when
/// given, receives the innovations e_t; `fitted` the one-step forecasts.
EtsRun etsRun(const EtsSpec &spec, const EtsParams &par, const EtsState &x0, const double *y, int n,
              std::vector<double> *residuals = nullptr, std::vector<double> *fitted = nullptr);

/// The `lik` of etsRun alone, without residuals or final state: what the
/// optimiser evaluates. Not finite when etsRun would not be ok.
double etsLikelihood(const EtsSpec &spec, const EtsParams &par, const EtsState &x0, const double *y, int n);

/// Runs of one model for etsLikelihoods: lik[i] receives the likelihood of
/// par[i] from x0[i], i < count.
struct EtsRunSet {
    EtsSpec spec;
    int count = 0;
    const EtsParams *par = nullptr;
    const EtsState *x0 = nullptr;
    double *lik = nullptr;
};

/// etsLikelihood of every run of several sets on the same series. Runs are
/// computed side by side (several of one model, and those of two models with
/// the same season), so a few cost little more than one; each value equals
/// etsLikelihood's.
void etsLikelihoods(const EtsRunSet *sets, int count, const double *y, int n);
void etsLikelihoods(const EtsSpec &spec, int count, const EtsParams *par, const EtsState *x0, const double *y, int n,
                    double *lik);
/// Whether etsLikelihoods computes several runs of this model side by side
/// on this processor (else one after the other).
bool etsRunsSideBySide(const EtsSpec &spec);

/// One step of the recursions: updates `state` in place with observation y
/// and returns the one-step forecast it had (NaN if the state is invalid).
double etsStep(const EtsSpec &spec, const EtsParams &par, EtsState &state, double y);

/// Point forecasts h steps ahead from a state (conditional means of the
/// linear models; for non-linear models the "point forecast" of R).
std::vector<double> etsPointForecast(const EtsSpec &spec, const EtsParams &par, const EtsState &state, int h);

/// A fitted ETS model.
struct EtsFit {
    EtsSpec spec;
    EtsParams params;
    EtsState initial;
    EtsState final;
    int n = 0;           ///< observations used
    int nParams = 0;     ///< estimated parameters incl. sigma (R's np)
    double lik = 0.0;
    double logLik = 0.0; ///< R's loglik = -0.5·lik
    double aic = 0.0, aicc = 0.0, bic = 0.0;
    double sigma2 = 0.0; ///< Σe²/(n - np), R's sigma2
    double mse = 0.0;
    bool ok = false;
};

/// Forecast of a fitted model with its uncertainty: analytic for class 1,
/// simulated (`paths` sample paths, fixed seed) otherwise.
struct ModelForecast {
    std::vector<double> mean;
    std::shared_ptr<const Uncertainty> uncertainty;
};
ModelForecast etsForecast(const EtsFit &fit, int h, int paths = 1000, std::uint64_t seed = 1);

/// Admissible region of the parameters (forecast:::admissible), checking the
/// characteristic polynomial of the seasonal models with the Schur-Cohn test.
bool etsAdmissible(const EtsSpec &spec, const EtsParams &par);
/// etsAdmissible for `count` parameter sets at once: ok[i] for par[i].
void etsAdmissible(const EtsSpec &spec, int count, const EtsParams *par, bool *ok);

} // namespace tidemark::forecast
