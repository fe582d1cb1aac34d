#include "forecast/model_choice.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace tidemark::forecast {

namespace {

using nlohmann::json;

// Format of the document; a reader refuses a newer one.
constexpr int kFormat = 1;

bool allFinite(const std::vector<double> &v)
{
    for (double x : v)
        if (!std::isfinite(x))
            return false;
    return true;
}

template <typename Enum> bool enumIn(int v, Enum last)
{
    return v >= 0 && v <= static_cast<int>(last);
}

} // namespace

std::string modelChoiceToJson(const ModelChoice &c)
{
    json j;
    j["format"] = kFormat;
    j["method"] = toString(c.method);
    j["m"] = c.m;
    j["mstl"] = c.mstl;
    if (c.hasEts) {
        json e;
        e["error"] = static_cast<int>(c.etsSpec.error);
        e["trend"] = static_cast<int>(c.etsSpec.trend);
        e["damped"] = c.etsSpec.damped;
        e["season"] = static_cast<int>(c.etsSpec.season);
        e["period"] = c.etsSpec.period;
        e["params"] = {c.etsParams.alpha, c.etsParams.beta, c.etsParams.gamma, c.etsParams.phi};
        e["level"] = c.etsInitial.level;
        e["growth"] = c.etsInitial.growth;
        e["seasonState"] = c.etsInitial.season;
        j["ets"] = std::move(e);
    }
    if (c.hasArima) {
        const ArimaFit &f = c.arima;
        json a;
        a["order"] = {f.order.p, f.order.d, f.order.q, f.order.P, f.order.D, f.order.Q, f.order.m};
        a["constant"] = f.constant;
        a["ar"] = f.ar;
        a["ma"] = f.ma;
        a["sar"] = f.sar;
        a["sma"] = f.sma;
        a["mu"] = f.mu;
        a["sigma2"] = f.sigma2;
        a["nUsed"] = f.nUsed;
        a["raw"] = f.rawCoefficients;
        a["cssSearch"] = f.cssSearch;
        a["calibration"] = {c.arimaCalibration.factor80, c.arimaCalibration.factor95, c.arimaCalibration.points,
                            c.arimaCalibration.origins};
        j["arima"] = std::move(a);
    }
    return j.dump();
}

std::optional<ModelChoice> modelChoiceFromJson(const std::string &text)
{
    try {
        const json j = json::parse(text);
        if (!j.is_object() || j.value("format", 0) != kFormat)
            return std::nullopt;
        ModelChoice c;
        const auto method = methodFromString(j.at("method").get<std::string>());
        if (!method)
            return std::nullopt;
        c.method = *method;
        c.m = j.at("m").get<int>();
        c.mstl = j.at("mstl").get<std::vector<int>>();
        if (const auto e = j.find("ets"); e != j.end()) {
            const int error = e->at("error").get<int>(), trend = e->at("trend").get<int>(),
                      season = e->at("season").get<int>();
            if (!enumIn(error, EtsError::Multiplicative) || !enumIn(trend, EtsTrend::Multiplicative) ||
                !enumIn(season, EtsSeason::Multiplicative))
                return std::nullopt;
            c.etsSpec.error = static_cast<EtsError>(error);
            c.etsSpec.trend = static_cast<EtsTrend>(trend);
            c.etsSpec.damped = e->at("damped").get<bool>();
            c.etsSpec.season = static_cast<EtsSeason>(season);
            c.etsSpec.period = e->at("period").get<int>();
            const auto p = e->at("params").get<std::vector<double>>();
            if (p.size() != 4 || !allFinite(p))
                return std::nullopt;
            c.etsParams = EtsParams{p[0], p[1], p[2], p[3]};
            c.etsInitial.level = e->at("level").get<double>();
            c.etsInitial.growth = e->at("growth").get<double>();
            c.etsInitial.season = e->at("seasonState").get<std::vector<double>>();
            c.hasEts = true;
        }
        if (const auto a = j.find("arima"); a != j.end()) {
            ArimaFit &f = c.arima;
            const auto o = a->at("order").get<std::vector<int>>();
            if (o.size() != 7)
                return std::nullopt;
            f.order = ArimaOrder{o[0], o[1], o[2], o[3], o[4], o[5], o[6]};
            f.constant = a->at("constant").get<bool>();
            f.ar = a->at("ar").get<std::vector<double>>();
            f.ma = a->at("ma").get<std::vector<double>>();
            f.sar = a->at("sar").get<std::vector<double>>();
            f.sma = a->at("sma").get<std::vector<double>>();
            f.mu = a->at("mu").get<double>();
            f.sigma2 = a->at("sigma2").get<double>();
            f.nUsed = a->at("nUsed").get<int>();
            f.rawCoefficients = a->at("raw").get<std::vector<double>>();
            f.cssSearch = a->at("cssSearch").get<bool>();
            f.ok = true;
            const auto k = a->at("calibration");
            if (!k.is_array() || k.size() != 4)
                return std::nullopt;
            c.arimaCalibration =
                IntervalCalibration{k[0].get<double>(), k[1].get<double>(), k[2].get<int>(), k[3].get<int>()};
            if (!allFinite(f.rawCoefficients) || !std::isfinite(f.mu))
                return std::nullopt;
            c.hasArima = true;
        }
        if (!c.hasEts && !c.hasArima)
            return std::nullopt;
        return c;
    } catch (const json::exception &) {
        return std::nullopt; // malformed: the series is searched afresh
    }
}

} // namespace tidemark::forecast
