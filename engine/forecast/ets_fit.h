#pragma once
// Estimation and automatic selection of ETS models, following
// forecast::ets: initial states by forecast:::initstate, maximum likelihood
// under the "both" bounds (usual + admissible), selection by AICc.
#include <optional>
#include <vector>

#include "forecast/ets_model.h"

namespace tidemark::forecast {

/// forecast:::initstate: the heuristic initial states from a classical
/// decomposition (or a one-harmonic Fourier regression for short series).
EtsState etsInitialState(const EtsSpec &spec, const std::vector<double> &y);

struct EtsFitOptions {
    int maxEvaluations = 2000;
    /// Warm start: parameters and initial states to start the optimiser from.
    std::optional<EtsParams> startParams;
    std::optional<EtsState> startState;
    /// Keep the given parameters and initial states; only run the recursions.
    bool fixed = false;
    /// After R's Nelder-Mead, refine with NLopt (higher likelihood, no
    /// longer R's exact answer).
    bool refine = false;
    int refineEvaluations = 600;
};

/// Fits one model by maximum likelihood; `ok` false when no admissible fit.
EtsFit etsFit(const std::vector<double> &y, const EtsSpec &spec, const EtsFitOptions &opt = {});

struct EtsSelectOptions {
    bool allowMultiplicative = true;        ///< M errors/season (only for positive data anyway)
    bool allowMultiplicativeTrend = false;  ///< as R's default
    bool allowDamped = true;
    std::optional<bool> damped;             ///< force damped on/off
    int maxEvaluations = 2000;
    bool refine = false;
};

/// forecast::ets(y, model = "ZZZ") on a series of period m: every allowed
/// model is fitted and the lowest AICc wins. Fails (ok = false) only when no
/// model could be fitted.
EtsFit etsSelect(const std::vector<double> &y, int period, const EtsSelectOptions &opt = {});

} // namespace tidemark::forecast
