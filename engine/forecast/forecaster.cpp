#include "forecast/forecaster.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include <fmt/format.h>

#include "forecast/arima.h"
#include "forecast/baselines.h"
#include "forecast/decomposition.h"
#include "forecast/ets_fit.h"
#include "forecast/model_choice.h"
#include "forecast/series_prep.h"
#include "forecast/theta.h"

namespace tidemark::forecast {

namespace {

struct Member {
    std::string name;
    ModelForecast fc;
    std::shared_ptr<const Uncertainty> own; ///< the model's spread before calibration
    IntervalCalibration calibration;
};

struct Plan {
    int m = 1;                  ///< period given to the models
    std::vector<int> mstl;      ///< periods removed by decomposition first
};

bool finite(const ModelForecast &f)
{
    return !f.mean.empty() && std::all_of(f.mean.begin(), f.mean.end(), [](double v) { return std::isfinite(v); });
}

/// The same model structure refitted on a prefix of the series, forecasting `steps` ahead.
using Refit = std::function<std::optional<ModelForecast>(const std::vector<double> &train, int steps)>;

// Series at least this long (two weeks of hourly steps) are backtested
// with the models' estimates on the whole series, only filtered through each
// origin's prefix: estimates from hundreds of values hardly move when the
// last few are left out, and a refit per origin cost more than the search.
constexpr int kStateUpdateMin = 336;

// Backtest origins: up to six, half a window apart, going back from the end,
// each with at least half of the series (and two cycles) to fit on. A window
// is the horizon, but at least four steps so that short horizons still get
// enough errors.
constexpr int kBacktestOrigins = 6;
constexpr int kMinBacktestWindow = 4;

IntervalCalibration backtestCalibration(const std::vector<double> &y, int h, int m, const Refit &refit)
{
    const int n = static_cast<int>(y.size());
    const int window = std::max(h, kMinBacktestWindow);
    const int spacing = (window + 1) / 2;
    const int minTrain = std::max({n / 2, m > 1 ? 2 * m + 2 : 0, 8});
    std::vector<BacktestError> errors;
    int origins = 0;
    for (int k = 1; k <= kBacktestOrigins; ++k) {
        const int t = n - k * spacing;
        if (t < minTrain)
            break;
        const int steps = std::min(window, n - t);
        const std::vector<double> train(y.begin(), y.begin() + t);
        const auto fc = refit(train, steps);
        if (!fc || !fc->uncertainty || static_cast<int>(fc->mean.size()) < steps)
            continue;
        const auto &u = *fc->uncertainty;
        bool used = false;
        for (int j = 0; j < steps; ++j) {
            const BacktestError e{y[static_cast<std::size_t>(t + j)] - fc->mean[static_cast<std::size_t>(j)],
                                  u.stepQuantile(j, 0.1), u.stepQuantile(j, 0.9), u.stepQuantile(j, 0.025),
                                  u.stepQuantile(j, 0.975)};
            if (std::isfinite(e.error) && std::isfinite(e.lower80) && std::isfinite(e.upper80) &&
                std::isfinite(e.lower95) && std::isfinite(e.upper95)) {
                errors.push_back(e);
                used = true;
            }
        }
        origins += used ? 1 : 0;
    }
    return calibrationFromBacktests(errors, origins);
}

void addMember(std::vector<Member> &out, std::string name, ModelForecast fc, const std::vector<double> &y, int m, int h,
               const Refit *refit)
{
    if (!finite(fc))
        return;
    Member member{std::move(name), std::move(fc), nullptr, {}};
    member.own = member.fc.uncertainty;
    if (refit) {
        member.calibration = backtestCalibration(y, h, m, *refit);
        member.fc.uncertainty = calibratedUncertainty(member.own, member.calibration);
    }
    out.push_back(std::move(member));
}

// Optimiser budget when refitting a chosen model from its own estimates.
constexpr int kReuseEvaluations = 300;

// The fit without its series and filter output: what a reuse needs.
ArimaFit stripped(const ArimaFit &f)
{
    ArimaFit g = f;
    g.y.clear();
    g.residuals.clear();
    g.filteredState.clear();
    return g;
}

// Fits the method's models on y. With `calibrate`, ARIMA, Theta and the
// baselines get their bands widened by their own backtests. ETS keeps its
// own: they already cover more than 95 % (97–98 % on R's real series), and
// the calibration only ever widens.
std::vector<Member> fitMembers(const std::vector<double> &y, int m, Method method, int h, bool calibrate,
                               const ModelChoice *reuse, bool refitReused, ModelChoice &chosen, bool &reused)
{
    std::vector<Member> out;
    reused = false;
    const bool wantEts = method == Method::Auto || method == Method::Ets;
    const bool wantArima = method == Method::Auto || method == Method::Arima;
    // Theta stays out of the combination: on R's real series it was far
    // behind the other two and pulled the mean off (docs/forecasting.md).
    const bool wantTheta = method == Method::Theta;
    auto calibrated = [&](const Refit &r) { return calibrate ? &r : nullptr; };
    int reusedMembers = 0;
    if (wantEts) {
        EtsFit f;
        if (reuse && reuse->hasEts) {
            // The chosen model again, the optimiser started from its estimates.
            EtsFitOptions o;
            o.startParams = reuse->etsParams;
            o.startState = reuse->etsInitial;
            o.maxEvaluations = kReuseEvaluations;
            o.fixed = !refitReused;
            f = etsFit(y, reuse->etsSpec, o);
            reusedMembers += f.ok ? 1 : 0;
        }
        if (!f.ok)
            f = etsSelect(y, m);
        if (f.ok) {
            chosen.hasEts = true;
            chosen.etsSpec = f.spec;
            chosen.etsParams = f.params;
            chosen.etsInitial = f.initial;
            addMember(out, f.spec.name(), etsForecast(f, h), y, m, h, nullptr);
        }
    }
    if (wantArima && y.size() >= 8) {
        ArimaFit f;
        bool fromReuse = false;
        if (reuse && reuse->hasArima) {
            ArimaFitOptions o;
            o.warmStart = &reuse->arima;
            o.exact = !reuse->arima.cssSearch;
            o.maxEvaluations = refitReused ? kReuseEvaluations : 0;
            f = arimaFit(y, reuse->arima.order, reuse->arima.constant, o);
            if (!f.ok && !o.exact) {
                o.exact = true;
                f = arimaFit(y, reuse->arima.order, reuse->arima.constant, o);
            }
            f.cssSearch = reuse->arima.cssSearch;
            fromReuse = f.ok;
            reusedMembers += f.ok ? 1 : 0;
        }
        if (!f.ok)
            f = autoArima(y, m);
        if (f.ok && fromReuse) {
            // The calibration measured when the model was chosen, applied
            // again: the backtests would refit the same structure.
            chosen.hasArima = true;
            chosen.arima = stripped(f);
            chosen.arimaCalibration = reuse->arimaCalibration;
            Member member{f.name(), arimaForecast(f, h), nullptr, reuse->arimaCalibration};
            if (finite(member.fc)) {
                member.own = member.fc.uncertainty;
                if (calibrate)
                    member.fc.uncertainty = calibratedUncertainty(member.own, member.calibration);
                else
                    member.calibration = {};
                out.push_back(std::move(member));
            }
        } else if (f.ok) {
            // The chosen order and constant, started from the chosen
            // coefficients and estimated as the search did: by CSS where it
            // approximated (exact ML where CSS finds no invertible model).
            const Refit refit = [&f](const std::vector<double> &train, int steps) -> std::optional<ModelForecast> {
                ArimaFitOptions o;
                o.warmStart = &f;
                o.exact = !f.cssSearch;
                o.maxEvaluations = static_cast<int>(train.size()) >= kStateUpdateMin ? 0 : kReuseEvaluations;
                ArimaFit g = arimaFit(train, f.order, f.constant, o);
                if (!g.ok && !o.exact) {
                    o.exact = true;
                    g = arimaFit(train, f.order, f.constant, o);
                }
                if (!g.ok)
                    return std::nullopt;
                return arimaForecast(g, steps);
            };
            addMember(out, f.name(), arimaForecast(f, h), y, m, h, calibrated(refit));
            chosen.hasArima = true;
            chosen.arima = stripped(f);
            if (!out.empty() && out.back().name == f.name())
                chosen.arimaCalibration = out.back().calibration;
        }
    }
    reused = reuse && reusedMembers == (wantEts ? 1 : 0) + (wantArima ? 1 : 0) && reusedMembers > 0;
    if (wantTheta) {
        const ThetaFit f = thetaFit(y, m);
        if (f.ok) {
            const Refit refit = [m](const std::vector<double> &train, int steps) -> std::optional<ModelForecast> {
                const ThetaFit g = thetaFit(train, m);
                if (!g.ok)
                    return std::nullopt;
                return thetaForecast(g, steps);
            };
            addMember(out, "Theta", thetaForecast(f, h), y, m, h, calibrated(refit));
        }
    }
    auto baseline = [&](std::string name, ModelForecast (*forecast)(const std::vector<double> &, int)) {
        const Refit refit = [forecast](const std::vector<double> &train, int steps) {
            return std::optional<ModelForecast>(forecast(train, steps));
        };
        addMember(out, std::move(name), forecast(y, h), y, m, h, calibrated(refit));
    };
    switch (method) {
    case Method::Naive:
        baseline("Naive", naiveForecast);
        break;
    case Method::SeasonalNaive: {
        const Refit refit = [m](const std::vector<double> &train, int steps) {
            return std::optional<ModelForecast>(seasonalNaiveForecast(train, m, steps));
        };
        addMember(out, m > 1 ? fmt::format("SeasonalNaive[{}]", m) : "Naive", seasonalNaiveForecast(y, m, h), y, m, h,
                  calibrated(refit));
        break;
    }
    case Method::Drift:
        baseline("Drift", driftForecast);
        break;
    case Method::Mean:
        baseline("Mean", meanForecast);
        break;
    default:
        break;
    }
    return out;
}

// Point forecast and spread of one method on one (prepared, scaled) series.
struct Core {
    ModelForecast fc;
    std::shared_ptr<const Uncertainty> own; ///< the spread before calibration
    int calibrationPoints = 0, calibrationOrigins = 0;
    std::string model;
    bool fallback = false;
    std::string note;
    std::shared_ptr<const ModelChoice> choice; ///< null for fallbacks
    bool reused = false;
};

Core forecastCore(const std::vector<double> &y, const Plan &plan, Method method, int h, bool calibrate,
                  const ModelChoice *reuse = nullptr, bool refitReused = true)
{
    Core c;
    std::vector<double> x = y;
    MultiSeasonal ms;
    if (!plan.mstl.empty()) {
        ms = multiSeasonalDecompose(y, plan.mstl);
        x = ms.adjusted;
    }
    if (reuse && (reuse->method != method || reuse->m != plan.m || reuse->mstl != plan.mstl))
        reuse = nullptr;
    auto chosen = std::make_shared<ModelChoice>();
    chosen->method = method;
    chosen->m = plan.m;
    chosen->mstl = plan.mstl;
    auto members = fitMembers(x, plan.m, method, h, calibrate, reuse, refitReused, *chosen, c.reused);
    if (chosen->hasEts || chosen->hasArima)
        c.choice = std::move(chosen);
    if (members.empty()) {
        c.choice.reset();
        c.reused = false;
        c.fallback = true;
        c.note = "no model could be fitted; seasonal naive forecast";
        auto fc = plan.m > 1 ? seasonalNaiveForecast(x, plan.m, h) : naiveForecast(x, h);
        auto own = fc.uncertainty;
        members.push_back(
            {plan.m > 1 ? fmt::format("SeasonalNaive[{}]", plan.m) : "Naive", std::move(fc), std::move(own), {}});
    }
    for (const auto &member : members) {
        c.calibrationPoints += member.calibration.points;
        c.calibrationOrigins = std::max(c.calibrationOrigins, member.calibration.origins);
    }
    if (members.size() == 1) {
        c.fc = members[0].fc;
        c.own = members[0].own;
        c.model = members[0].name;
    } else {
        c.fc.mean.assign(static_cast<std::size_t>(h), 0.0);
        std::vector<std::shared_ptr<const Uncertainty>> parts, own;
        c.model = "Combination(";
        for (std::size_t i = 0; i < members.size(); ++i) {
            for (int j = 0; j < h; ++j)
                c.fc.mean[static_cast<std::size_t>(j)] += members[i].fc.mean[static_cast<std::size_t>(j)] /
                                                          static_cast<double>(members.size());
            parts.push_back(members[i].fc.uncertainty);
            own.push_back(members[i].own);
            c.model += (i ? ", " : "") + members[i].name;
        }
        c.model += ")";
        c.fc.uncertainty = averagedUncertainty(std::move(parts));
        c.own = averagedUncertainty(std::move(own));
    }
    if (!plan.mstl.empty()) {
        std::string prefix = "MSTL[";
        for (std::size_t k = 0; k < ms.periods.size(); ++k) {
            const auto s = repeatLastCycle(ms.seasonal[k], ms.periods[k], h);
            for (int j = 0; j < h; ++j)
                c.fc.mean[static_cast<std::size_t>(j)] += s[static_cast<std::size_t>(j)];
            prefix += (k ? "," : "") + std::to_string(ms.periods[k]);
        }
        c.model = prefix + "]+" + c.model;
    }
    return c;
}

// Per level, the mean ratio of the calibrated band's width to the models' own.
IntervalCalibration calibrationSummary(const Core &c, int h)
{
    IntervalCalibration s;
    s.points = c.calibrationPoints;
    s.origins = c.calibrationOrigins;
    if (c.calibrationPoints == 0 || !c.own || !c.fc.uncertainty || c.own == c.fc.uncertainty)
        return s;
    auto widening = [&](double p) {
        double sum = 0.0;
        int count = 0;
        for (int j = 0; j < h; ++j) {
            const double own = c.own->stepQuantile(j, p) - c.own->stepQuantile(j, 1 - p);
            const double now = c.fc.uncertainty->stepQuantile(j, p) - c.fc.uncertainty->stepQuantile(j, 1 - p);
            if (own > 0 && std::isfinite(own) && std::isfinite(now)) {
                sum += std::max(1.0, now / own);
                ++count;
            }
        }
        return count ? sum / count : 1.0;
    };
    s.factor80 = widening(0.9);
    s.factor95 = widening(0.975);
    return s;
}

// The longest cycle the models take directly; longer or several cycles are
// decomposed first. Decomposing a lone day cycle of hourly samples as well
// was 5× faster but 18 % worse in MASE on day-cycle series with
// multiplicative seasonality and level shifts (docs/forecasting.md).
constexpr int kDirectSeasonMax = 24;

Plan planFor(const std::vector<double> &y, const std::vector<int> &periods)
{
    Plan p;
    const int n = static_cast<int>(y.size());
    std::vector<int> usable;
    for (int q : periods)
        if (q >= 2 && n >= 2 * q + 2 && std::find(usable.begin(), usable.end(), q) == usable.end())
            usable.push_back(q);
    std::sort(usable.begin(), usable.end());
    if (usable.size() == 1 && usable[0] <= kDirectSeasonMax)
        p.m = usable[0];
    else
        p.mstl = usable; // long or several cycles: decompose, then model the rest
    return p;
}

double maseOf(const std::vector<double> &train, const std::vector<double> &actual, const std::vector<double> &fc, int m)
{
    const double scale = maseScale(train, m);
    if (!(scale > 0))
        return -1.0;
    double s = 0.0;
    for (std::size_t j = 0; j < actual.size(); ++j)
        s += std::fabs(actual[j] - fc[j]);
    return s / static_cast<double>(actual.size()) / scale;
}

} // namespace

const char *toString(Method m)
{
    switch (m) {
    case Method::Auto: return "auto";
    case Method::Ets: return "ets";
    case Method::Arima: return "arima";
    case Method::Theta: return "theta";
    case Method::Naive: return "naive";
    case Method::SeasonalNaive: return "snaive";
    case Method::Drift: return "drift";
    case Method::Mean: return "mean";
    }
    return "auto";
}

std::optional<Method> methodFromString(const std::string &s)
{
    for (Method m : {Method::Auto, Method::Ets, Method::Arima, Method::Theta, Method::Naive, Method::SeasonalNaive,
                     Method::Drift, Method::Mean})
        if (s == toString(m))
            return m;
    return std::nullopt;
}

Result<Forecast> forecastSeries(const SeriesInput &input, const ForecastOptions &opt)
{
    const int h = opt.horizon;
    if (h < 1 || h > 100000)
        return fail(ErrorCode::InvalidArgument, fmt::format("horizon {} is out of range", h),
                    "ask for 1 to 100000 steps ahead");
    auto prepared = prepareSeries(input.values, input.timestampsMs, input.stepMs);
    if (!prepared)
        return tl::unexpected(prepared.error());
    RegularSeries rs = std::move(*prepared);
    Forecast out;
    out.stepMs = rs.stepMs;
    const int n = static_cast<int>(rs.values.size());
    if (rs.stepMs > 0 && !input.timestampsMs.empty()) {
        out.lastTimestampMs = rs.startMs + static_cast<std::int64_t>(n - 1) * rs.stepMs;
        for (int j = 1; j <= h; ++j)
            out.timestampsMs.push_back(out.lastTimestampMs + j * rs.stepMs);
    }
    if (rs.filled > 0)
        out.note = fmt::format("{} missing or irregular points interpolated", rs.filled);

    // Work on a scaled copy when magnitudes would overflow sums of squares.
    const double maxAbs = std::fabs(*std::max_element(rs.values.begin(), rs.values.end(),
                                                      [](double a, double b) { return std::fabs(a) < std::fabs(b); }));
    const double scale = (maxAbs > 1e12 || (maxAbs > 0 && maxAbs < 1e-8)) ? maxAbs : 1.0;
    std::vector<double> y = rs.values;
    for (auto &v : y)
        v /= scale;
    const bool nonNegative = opt.nonNegative.value_or(*std::min_element(y.begin(), y.end()) >= 0.0);

    std::vector<int> periods = opt.periods;
    if (periods.empty() && opt.detectSeasonality && rs.stepMs > 0)
        periods = detectPeriods(y, rs.stepMs);
    const Plan plan = planFor(y, periods);
    out.periods = plan.mstl.empty() ? (plan.m > 1 ? std::vector<int>{plan.m} : std::vector<int>{}) : plan.mstl;

    Core core;
    const bool constant = std::all_of(y.begin(), y.end(), [&](double v) { return v == y.front(); });
    if (constant) {
        core.fc.mean.assign(static_cast<std::size_t>(h), y.front());
        core.fc.uncertainty = independentUncertainty(std::vector<double>(static_cast<std::size_t>(h), 0.0));
        core.model = "Constant";
        core.fallback = n < 5;
        if (n < 5)
            core.note = "very short constant series";
    } else if (n < 5) {
        core.fc = n >= 3 ? driftForecast(y, h) : naiveForecast(y, h);
        core.model = n >= 3 ? "Drift" : "Naive";
        core.fallback = true;
        core.note = fmt::format("only {} values; a {} forecast", n, n >= 3 ? "drift" : "naive");
    } else {
        core = forecastCore(y, plan, opt.method, h, opt.calibrateIntervals, opt.reuse.get(), opt.refitReused);
    }
    out.choice = core.choice;
    out.reused = core.reused;
    out.model = core.model;
    out.fallback = core.fallback;
    if (!core.note.empty())
        out.note = out.note.empty() ? core.note : out.note + "; " + core.note;

    // Hold-out accuracy of the chosen models, refitted without the end (from
    // the estimates on the whole series: no new search).
    const int hh = std::min(h, std::max(1, n / 5));
    const int primary = plan.mstl.empty() ? plan.m : plan.mstl.front();
    if (opt.holdout && !constant && n - hh >= std::max(8, 2 * primary + 2)) {
        const std::vector<double> train(y.begin(), y.end() - hh), test(y.end() - hh, y.end());
        // Point forecasts only: no backtest calibration of its bands.
        // A long series keeps the estimates and is only filtered (see kStateUpdateMin).
        const Core back = forecastCore(train, planFor(train, out.periods), opt.method, hh, false, core.choice.get(),
                                       static_cast<int>(train.size()) < kStateUpdateMin);
        const double mase = maseOf(train, test, back.fc.mean, primary);
        if (mase >= 0 && std::isfinite(mase))
            out.holdoutMase = mase;
    }
    out.confidence = out.holdoutMase ? 1.0 / (1.0 + *out.holdoutMase) : (constant && n >= 5 ? 0.9 : 0.25);
    if (out.fallback)
        out.confidence *= 0.5;
    out.confidence = std::clamp(out.confidence, 0.0, 1.0);

    // Bands; anything non-finite falls back to the last value.
    const auto &u = *core.fc.uncertainty;
    out.mean.resize(static_cast<std::size_t>(h));
    out.lower80 = out.upper80 = out.lower95 = out.upper95 = out.mean;
    bool repaired = false;
    for (int j = 0; j < h; ++j) {
        double m = core.fc.mean[static_cast<std::size_t>(j)];
        if (!std::isfinite(m)) {
            m = y.back();
            repaired = true;
        }
        auto band = [&](double p) {
            const double q = u.stepQuantile(j, p);
            return std::isfinite(q) ? m + q : m;
        };
        double v[5] = {m, band(0.1), band(0.9), band(0.025), band(0.975)};
        for (double &a : v) {
            a *= scale;
            if (nonNegative && a < 0) {
                a = 0.0;
                out.clampedAtZero = true;
            }
        }
        out.mean[static_cast<std::size_t>(j)] = v[0];
        out.lower80[static_cast<std::size_t>(j)] = std::min(v[0], v[1]);
        out.upper80[static_cast<std::size_t>(j)] = std::max(v[0], v[2]);
        out.lower95[static_cast<std::size_t>(j)] = std::min(v[0], v[3]);
        out.upper95[static_cast<std::size_t>(j)] = std::max(v[0], v[4]);
    }
    out.calibration = calibrationSummary(core, h);
    if (repaired) {
        out.fallback = true;
        out.note += out.note.empty() ? "non-finite forecast replaced" : "; non-finite forecast replaced";
    }
    out.uncertainty = scale == 1.0 ? core.fc.uncertainty
                                   : scaledUncertainty(core.fc.uncertainty, std::vector<double>(static_cast<std::size_t>(h), scale));
    return out;
}

Result<WindowTotal> totalOverWindow(const Forecast &f, int firstStep, int steps)
{
    const int h = static_cast<int>(f.mean.size());
    if (firstStep < 0 || steps < 1 || firstStep + steps > h)
        return fail(ErrorCode::InvalidArgument,
                    fmt::format("window [{}, {}) is outside the forecast's {} steps", firstStep, firstStep + steps, h),
                    "forecast with a longer horizon");
    WindowTotal w;
    for (int j = firstStep; j < firstStep + steps; ++j)
        w.mean += f.mean[static_cast<std::size_t>(j)];
    auto q = [&](double p) {
        const double v = f.uncertainty ? f.uncertainty->sumQuantile(firstStep, steps, p) : 0.0;
        return std::isfinite(v) ? v : 0.0;
    };
    w.lower80 = w.mean + q(0.1);
    w.upper80 = w.mean + q(0.9);
    w.lower95 = w.mean + q(0.025);
    w.upper95 = w.mean + q(0.975);
    if (f.clampedAtZero || (w.mean >= 0 && w.lower95 < 0)) {
        w.lower80 = std::max(0.0, w.lower80);
        w.lower95 = std::max(0.0, w.lower95);
    }
    return w;
}

Result<ThresholdCrossing> timeUntilThreshold(const Forecast &f, double threshold, bool cumulative)
{
    if (!std::isfinite(threshold))
        return fail(ErrorCode::InvalidArgument, "the threshold is not a finite number");
    const int h = static_cast<int>(f.mean.size());
    ThresholdCrossing c;
    if (h == 0)
        return c;
    std::vector<double> mean(static_cast<std::size_t>(h)), lo(mean), hi(mean);
    double run = 0.0;
    for (int j = 0; j < h; ++j) {
        if (cumulative) {
            run += f.mean[static_cast<std::size_t>(j)];
            const auto w = totalOverWindow(f, 0, j + 1);
            mean[static_cast<std::size_t>(j)] = run;
            lo[static_cast<std::size_t>(j)] = w->lower95;
            hi[static_cast<std::size_t>(j)] = w->upper95;
        } else {
            mean[static_cast<std::size_t>(j)] = f.mean[static_cast<std::size_t>(j)];
            lo[static_cast<std::size_t>(j)] = f.lower95[static_cast<std::size_t>(j)];
            hi[static_cast<std::size_t>(j)] = f.upper95[static_cast<std::size_t>(j)];
        }
    }
    const double start = cumulative ? 0.0 : mean[0];
    const bool up = threshold >= start;
    auto crossed = [&](double v) { return up ? v >= threshold : v <= threshold; };
    for (int j = 0; j < h; ++j) {
        if (!c.expectedStep && crossed(mean[static_cast<std::size_t>(j)]))
            c.expectedStep = j + 1;
        if (!c.earliestStep && crossed(up ? hi[static_cast<std::size_t>(j)] : lo[static_cast<std::size_t>(j)]))
            c.earliestStep = j + 1;
        if (!c.latestStep && crossed(up ? lo[static_cast<std::size_t>(j)] : hi[static_cast<std::size_t>(j)]))
            c.latestStep = j + 1;
    }
    if (c.expectedStep && static_cast<std::size_t>(c.expectedStep) <= f.timestampsMs.size())
        c.expectedAtMs = f.timestampsMs[static_cast<std::size_t>(c.expectedStep - 1)];
    // Probability beyond the threshold at the last step, from the spread.
    const double last = mean[static_cast<std::size_t>(h - 1)];
    double sd = (hi[static_cast<std::size_t>(h - 1)] - lo[static_cast<std::size_t>(h - 1)]) / (2 * 1.959963984540054);
    if (!(sd > 0))
        c.probabilityWithinHorizon = crossed(last) ? 1.0 : 0.0;
    else {
        const double z = (threshold - last) / sd;
        c.probabilityWithinHorizon = std::clamp(up ? 1.0 - normalCdf(z) : normalCdf(z), 0.0, 1.0);
    }
    return c;
}

} // namespace tidemark::forecast
