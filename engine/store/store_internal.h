#pragma once
// Internal to engine/store: helpers shared by the store's source files.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "model/plan.h"
#include "model/settings.h"
#include "result.h"

namespace tidemark::store {

std::int64_t nowMs();
/// `bytes` random bytes as lower-case hex (from std::random_device).
std::string randomHex(int bytes);
/// The OS user name, for audit entries the store writes itself.
std::string currentUser();
/// Creates the store file with mode 0600 if it is missing, and narrows it
/// and its -wal/-shm to the owner if others may read them, saying so in
/// `notices` (store_secrets.cpp).
Result<void> keepPrivate(const std::filesystem::path &path, std::vector<std::string> &notices);

// JSON columns. Readers accept missing fields (keeping defaults), so rows
// written by older builds read fine; a malformed document is an error.
std::string settingsToJson(const ConnectionSettings &settings);
Result<ConnectionSettings> settingsFromJson(const std::string &json);
std::string sourcesToJson(const std::vector<std::string> &sources);
Result<std::vector<std::string>> sourcesFromJson(const std::string &json);
std::string targetsToJson(const std::vector<NewPartition> &targets);
Result<std::vector<NewPartition>> targetsFromJson(const std::string &json);
std::string effectToJson(const StepEffect &effect);
/// The payload of kinds other than split/merge (whose targets have their
/// own column): "{}" for those.
std::string payloadToJson(const StepPayload &payload);
/// Fills `step.payload` for `step.kind` from the stored document.
Result<void> payloadFromJson(const std::string &json, Step &step);
Result<StepEffect> effectFromJson(const std::string &json);

} // namespace tidemark::store
