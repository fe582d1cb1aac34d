#pragma once
// JSON forms of the model for --json output (documented in docs/cli.md).
#include <nlohmann/json.hpp>

#include "model/partition.h"
#include "model/plan.h"
#include "model/score.h"
#include "store/metadata_store.h"

namespace tidemark::cli {

nlohmann::json toJson(const KeyRange &range, KeyType type = KeyType::Integer);
nlohmann::json toJson(const StepEffect &effect);
nlohmann::json toJson(const Step &step);
nlohmann::json toJson(const Plan &plan);
nlohmann::json toJson(const PlanSummary &plan);
nlohmann::json toJson(const VolatilityScore &score);
nlohmann::json toJson(const ConnectionSettings &settings);
/// Sets one setting from text; false with a message when the key or value is wrong.
bool setSetting(ConnectionSettings &settings, const std::string &key, const std::string &value, std::string &error);

} // namespace tidemark::cli
