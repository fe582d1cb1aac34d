#include "forecast/forecaster.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "forecast/arima.h"
#include "forecast/baselines.h"
#include "forecast/decomposition.h"
#include "forecast/ets_fit.h"
#include "forecast/series_prep.h"
#include "forecast/theta.h"

namespace tidemark::forecast {

namespace {

struct Member {
    std::string name;
    ModelForecast fc;
};

struct Plan {
    int m = 1;                  ///< period given to the models
    std::vector<int> mstl;      ///< periods removed by decomposition first
};

bool finite(const ModelForecast &f)
{
    return !f.mean.empty() && std::all_of(f.mean.begin(), f.mean.end(), [](double v) { return std::isfinite(v); });
}

std::vector<Member> fitMembers(const std::vector<double> &y, int m, Method method, int h)
{
    std::vector<Member> out;
    const bool wantEts = method == Method::Auto || method == Method::Ets;
    const bool wantArima = method == Method::Auto || method == Method::Arima;
    // Theta stays out of the combination: on R's real series it was far
    // behind the other two and pulled the mean off (docs/forecasting.md).
    const bool wantTheta = method == Method::Theta;
    if (wantEts) {
        const EtsFit f = etsSelect(y, m);
        if (f.ok) {
            auto fc = etsForecast(f, h);
            if (finite(fc))
                out.push_back({f.spec.name(), std::move(fc)});
        }
    }
    if (wantArima && y.size() >= 8) {
        const ArimaFit f = autoArima(y, m);
        if (f.ok) {
            auto fc = arimaForecast(f, h);
            if (finite(fc))
                out.push_back({f.name(), std::move(fc)});
        }
    }
    if (wantTheta) {
        const ThetaFit f = thetaFit(y, m);
        if (f.ok) {
            auto fc = thetaForecast(f, h);
            if (finite(fc))
                out.push_back({"Theta", std::move(fc)});
        }
    }
    switch (method) {
    case Method::Naive:
        out.push_back({"Naive", naiveForecast(y, h)});
        break;
    case Method::SeasonalNaive:
        out.push_back({m > 1 ? fmt::format("SeasonalNaive[{}]", m) : "Naive", seasonalNaiveForecast(y, m, h)});
        break;
    case Method::Drift:
        out.push_back({"Drift", driftForecast(y, h)});
        break;
    case Method::Mean:
        out.push_back({"Mean", meanForecast(y, h)});
        break;
    default:
        break;
    }
    return out;
}

// Point forecast and spread of one method on one (prepared, scaled) series.
struct Core {
    ModelForecast fc;
    std::string model;
    bool fallback = false;
    std::string note;
};

Core forecastCore(const std::vector<double> &y, const Plan &plan, Method method, int h)
{
    Core c;
    std::vector<double> x = y;
    MultiSeasonal ms;
    if (!plan.mstl.empty()) {
        ms = multiSeasonalDecompose(y, plan.mstl);
        x = ms.adjusted;
    }
    auto members = fitMembers(x, plan.m, method, h);
    if (members.empty()) {
        c.fallback = true;
        c.note = "no model could be fitted; seasonal naive forecast";
        members.push_back({plan.m > 1 ? fmt::format("SeasonalNaive[{}]", plan.m) : "Naive",
                           plan.m > 1 ? seasonalNaiveForecast(x, plan.m, h) : naiveForecast(x, h)});
    }
    if (members.size() == 1) {
        c.fc = members[0].fc;
        c.model = members[0].name;
    } else {
        c.fc.mean.assign(static_cast<std::size_t>(h), 0.0);
        std::vector<std::shared_ptr<const Uncertainty>> parts;
        c.model = "Combination(";
        for (std::size_t i = 0; i < members.size(); ++i) {
            for (int j = 0; j < h; ++j)
                c.fc.mean[static_cast<std::size_t>(j)] += members[i].fc.mean[static_cast<std::size_t>(j)] /
                                                          static_cast<double>(members.size());
            parts.push_back(members[i].fc.uncertainty);
            c.model += (i ? ", " : "") + members[i].name;
        }
        c.model += ")";
        c.fc.uncertainty = averagedUncertainty(std::move(parts));
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

Plan planFor(const std::vector<double> &y, const std::vector<int> &periods)
{
    Plan p;
    const int n = static_cast<int>(y.size());
    std::vector<int> usable;
    for (int q : periods)
        if (q >= 2 && n >= 2 * q + 2 && std::find(usable.begin(), usable.end(), q) == usable.end())
            usable.push_back(q);
    std::sort(usable.begin(), usable.end());
    if (usable.size() == 1 && usable[0] <= 24)
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
        core = forecastCore(y, plan, opt.method, h);
    }
    out.model = core.model;
    out.fallback = core.fallback;
    if (!core.note.empty())
        out.note = out.note.empty() ? core.note : out.note + "; " + core.note;

    // Hold-out accuracy of the same procedure, refitted without the end.
    const int hh = std::min(h, std::max(1, n / 5));
    const int primary = plan.mstl.empty() ? plan.m : plan.mstl.front();
    if (opt.holdout && !constant && n - hh >= std::max(8, 2 * primary + 2)) {
        const std::vector<double> train(y.begin(), y.end() - hh), test(y.end() - hh, y.end());
        const Core back = forecastCore(train, planFor(train, out.periods), opt.method, hh);
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
