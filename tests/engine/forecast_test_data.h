#pragma once
// Reads tests/data/forecast/r_reference.json (values recorded from R by
// tests/data/forecast/record_reference.R).
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

struct RReference {
    std::string name;
    int period = 1;
    std::vector<double> values;
    std::string etsMethod;
    double etsLogLik = 0;
    std::vector<int> arimaOrder; // p d q P D Q m
    bool arimaDrift = false, arimaMean = false;
    double arimaLogLik = 0;
};

inline std::vector<RReference> loadRReference()
{
    const char *src = std::getenv("TIDEMARK_SOURCE_DIR");
    const std::string path = std::string(src ? src : ".") + "/tests/data/forecast/r_reference.json";
    std::ifstream in(path);
    std::vector<RReference> out;
    if (!in)
        return out;
    const auto j = nlohmann::json::parse(in);
    for (const auto &e : j) {
        RReference r;
        r.name = e.at("name");
        r.period = e.at("period");
        r.values = e.at("values").get<std::vector<double>>();
        r.etsMethod = e.at("ets_method");
        r.etsLogLik = e.at("ets_loglik");
        r.arimaOrder = e.at("arima_order").get<std::vector<int>>();
        r.arimaDrift = e.at("arima_drift");
        r.arimaMean = e.at("arima_mean");
        r.arimaLogLik = e.at("arima_loglik");
        out.push_back(std::move(r));
    }
    return out;
}
