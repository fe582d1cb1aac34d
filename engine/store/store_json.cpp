// JSON columns of the metadata store: settings, step sources/targets/effects.
#include <chrono>
#include <cstdlib>
#include <random>
#include <type_traits>

#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/store_internal.h"

namespace tidemark::store {

using nlohmann::json;

std::int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string randomHex(int bytes)
{
    static thread_local std::random_device device;
    std::string out;
    out.reserve(static_cast<std::size_t>(bytes) * 2);
    for (int i = 0; i < bytes; i += 4) {
        const auto word = static_cast<std::uint32_t>(device());
        out += fmt::format("{:08x}", word);
    }
    out.resize(static_cast<std::size_t>(bytes) * 2);
    return out;
}

std::string currentUser()
{
    if (const passwd *pw = getpwuid(geteuid()); pw && pw->pw_name && *pw->pw_name)
        return pw->pw_name;
    if (const char *user = std::getenv("USER"); user && *user)
        return user;
    return fmt::format("uid:{}", geteuid());
}

namespace {

Error malformed(const std::string &what, const std::string &detail)
{
    return Error{ErrorCode::Corrupt, fmt::format("metadata store: malformed {} ({})", what, detail),
                 "the metadata store was edited by hand or damaged; restore it from a backup or re-save the value"};
}

// Never throws: names from a database may hold invalid UTF-8.
std::string dump(const json &j)
{
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<json> parseObject(const std::string &text, const std::string &what)
{
    if (text.empty())
        return json::object();
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return tl::unexpected(malformed(what, "not a JSON object"));
    return j;
}

Result<json> parseArray(const std::string &text, const std::string &what)
{
    if (text.empty())
        return json::array();
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_array())
        return tl::unexpected(malformed(what, "not a JSON array"));
    return j;
}

/// Copies j[key] into `out` if present; a missing or null field keeps the default.
template <class T> Result<void> readField(const json &j, const char *key, T &out, const std::string &what)
{
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return {};
    if constexpr (std::is_same_v<T, std::string>) {
        if (!it->is_string())
            return tl::unexpected(malformed(what, fmt::format("field {} is not a string", key)));
        out = it->template get<std::string>();
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!it->is_boolean())
            return tl::unexpected(malformed(what, fmt::format("field {} is not true or false", key)));
        out = it->template get<bool>();
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!it->is_number())
            return tl::unexpected(malformed(what, fmt::format("field {} is not a number", key)));
        out = it->template get<T>();
    } else {
        if (it->is_number_integer())
            out = it->template get<T>();
        else if (it->is_number_float())
            out = static_cast<T>(it->template get<double>());
        else
            return tl::unexpected(malformed(what, fmt::format("field {} is not a number", key)));
    }
    return {};
}

#define TIDEMARK_READ(j, obj, field, what)                                                                             \
    do {                                                                                                               \
        if (auto r_ = readField(j, #field, (obj).field, what); !r_)                                                    \
            return tl::unexpected(r_.error());                                                                         \
    } while (false)

} // namespace

std::string settingsToJson(const ConnectionSettings &s)
{
    const json j = {
        {"backupIntervalSeconds", s.backupIntervalSeconds},
        {"readWeight", s.readWeight},
        {"halfLifeSeconds", s.halfLifeSeconds},
        {"samplingIntervalSeconds", s.samplingIntervalSeconds},
        {"highThreshold", s.highThreshold},
        {"lowThreshold", s.lowThreshold},
        {"targetMinBytes", s.targetMinBytes},
        {"targetMaxBytes", s.targetMaxBytes},
        {"splitMinBytes", s.splitMinBytes},
        {"cooldownSeconds", s.cooldownSeconds},
        {"backupUnitBytes", s.backupUnitBytes},
        {"layoutLifetimeCycles", s.layoutLifetimeCycles},
        {"rewriteBytesPerSecond", s.rewriteBytesPerSecond},
        {"histogramBuckets", s.histogramBuckets},
        {"mergeColdPartitions", s.mergeColdPartitions},
    };
    return dump(j);
}

Result<ConnectionSettings> settingsFromJson(const std::string &text)
{
    const std::string what = "connection settings";
    auto parsed = parseObject(text, what);
    if (!parsed)
        return tl::unexpected(parsed.error());
    const json &j = *parsed;
    ConnectionSettings s;
    TIDEMARK_READ(j, s, backupIntervalSeconds, what);
    TIDEMARK_READ(j, s, readWeight, what);
    TIDEMARK_READ(j, s, halfLifeSeconds, what);
    TIDEMARK_READ(j, s, samplingIntervalSeconds, what);
    TIDEMARK_READ(j, s, highThreshold, what);
    TIDEMARK_READ(j, s, lowThreshold, what);
    TIDEMARK_READ(j, s, targetMinBytes, what);
    TIDEMARK_READ(j, s, targetMaxBytes, what);
    TIDEMARK_READ(j, s, splitMinBytes, what);
    TIDEMARK_READ(j, s, cooldownSeconds, what);
    TIDEMARK_READ(j, s, backupUnitBytes, what);
    TIDEMARK_READ(j, s, layoutLifetimeCycles, what);
    TIDEMARK_READ(j, s, rewriteBytesPerSecond, what);
    TIDEMARK_READ(j, s, histogramBuckets, what);
    TIDEMARK_READ(j, s, mergeColdPartitions, what);
    return s;
}

std::string sourcesToJson(const std::vector<std::string> &sources)
{
    return dump(json(sources));
}

Result<std::vector<std::string>> sourcesFromJson(const std::string &text)
{
    auto parsed = parseArray(text, "step sources");
    if (!parsed)
        return tl::unexpected(parsed.error());
    std::vector<std::string> out;
    for (const auto &item : *parsed) {
        if (!item.is_string())
            return tl::unexpected(malformed("step sources", "an entry is not a string"));
        out.push_back(item.get<std::string>());
    }
    return out;
}

std::string targetsToJson(const std::vector<NewPartition> &targets)
{
    json arr = json::array();
    for (const auto &t : targets) {
        // An open bound (MINVALUE/MAXVALUE) is null, never a sentinel number.
        arr.push_back({
            {"name", t.name},
            {"lower", t.bounds.lower ? json(*t.bounds.lower) : json(nullptr)},
            {"upper", t.bounds.upper ? json(*t.bounds.upper) : json(nullptr)},
            {"expectedRows", t.expectedRows},
            {"expectedBytes", t.expectedBytes},
            {"expectedWriteShare", t.expectedWriteShare},
        });
    }
    return dump(arr);
}

Result<std::vector<NewPartition>> targetsFromJson(const std::string &text)
{
    const std::string what = "step targets";
    auto parsed = parseArray(text, what);
    if (!parsed)
        return tl::unexpected(parsed.error());
    std::vector<NewPartition> out;
    for (const auto &item : *parsed) {
        if (!item.is_object())
            return tl::unexpected(malformed(what, "an entry is not an object"));
        NewPartition t;
        TIDEMARK_READ(item, t, name, what);
        TIDEMARK_READ(item, t, expectedRows, what);
        TIDEMARK_READ(item, t, expectedBytes, what);
        TIDEMARK_READ(item, t, expectedWriteShare, what);
        for (const char *key : {"lower", "upper"}) {
            const auto it = item.find(key);
            if (it == item.end() || it->is_null())
                continue;
            if (!it->is_number_integer())
                return tl::unexpected(malformed(what, fmt::format("bound {} is not an integer", key)));
            (key[0] == 'l' ? t.bounds.lower : t.bounds.upper) = it->get<KeyValue>();
        }
        out.push_back(std::move(t));
    }
    return out;
}

std::string effectToJson(const StepEffect &e)
{
    const json j = {
        {"bytesRewritten", e.bytesRewritten},
        {"lockSeconds", e.lockSeconds},
        {"backupBytesBefore", e.backupBytesBefore},
        {"backupBytesAfter", e.backupBytesAfter},
        {"amortisedRewriteBytesPerCycle", e.amortisedRewriteBytesPerCycle},
        {"rowsMoved", e.rowsMoved},
    };
    return dump(j);
}

Result<StepEffect> effectFromJson(const std::string &text)
{
    const std::string what = "step effect";
    auto parsed = parseObject(text, what);
    if (!parsed)
        return tl::unexpected(parsed.error());
    const json &j = *parsed;
    StepEffect e;
    TIDEMARK_READ(j, e, bytesRewritten, what);
    TIDEMARK_READ(j, e, lockSeconds, what);
    TIDEMARK_READ(j, e, backupBytesBefore, what);
    TIDEMARK_READ(j, e, backupBytesAfter, what);
    TIDEMARK_READ(j, e, amortisedRewriteBytesPerCycle, what);
    TIDEMARK_READ(j, e, rowsMoved, what);
    return e;
}

namespace {

json rangeToJson(const KeyRange &r)
{
    return {{"lower", r.lower ? json(*r.lower) : json(nullptr)}, {"upper", r.upper ? json(*r.upper) : json(nullptr)}};
}

Result<KeyRange> rangeFromJson(const json &j, const std::string &what)
{
    KeyRange r;
    if (!j.is_object())
        return KeyRange{};
    for (const char *key : {"lower", "upper"}) {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null())
            continue;
        if (!it->is_number_integer())
            return tl::unexpected(malformed(what, fmt::format("bound {} is not an integer", key)));
        (key[0] == 'l' ? r.lower : r.upper) = it->get<KeyValue>();
    }
    return r;
}

} // namespace

std::string payloadToJson(const StepPayload &payload)
{
    json j = json::object();
    if (const auto *c = std::get_if<NodeCopyWork>(&payload)) {
        j = {{"targetNode", c->targetNode},       {"targetTable", c->targetTable},
             {"targetPartition", c->targetPartition}, {"range", rangeToJson(c->range)},
             {"reservedBytes", c->reservedBytes}, {"chunkRows", c->chunkRows}};
        if (!c->smokeQueries.empty()) {
            json checks = json::array();
            for (const auto &q : c->smokeQueries)
                checks.push_back({{"sql", q.sql}, {"expectedRows", q.expectedRows}});
            j["smokeQueries"] = checks;
        }
    } else if (const auto *s = std::get_if<SnapshotWork>(&payload))
        j = {{"snapshotName", s->snapshotName}, {"range", rangeToJson(s->range)}, {"shadow", s->shadow}};
    else if (const auto *r = std::get_if<RestoreWork>(&payload))
        j = {{"snapshotName", r->snapshotName},
             {"asOfMs", r->asOfMs},
             {"range", rangeToJson(r->range)},
             {"intoPartition", r->intoPartition}};
    else if (const auto *g = std::get_if<SegmentWork>(&payload))
        j = {{"archiveLocation", g->archiveLocation},
             {"expectedBytesAfter", g->expectedBytesAfter},
             {"restore", g->restore},
             {"keepDetached", g->keepDetached},
             {"ioCapBytesPerSecond", g->ioCapBytesPerSecond},
             {"keepLatestBy", g->keepLatestBy}};
    return dump(j);
}

Result<void> payloadFromJson(const std::string &text, Step &step)
{
    const std::string what = "step payload";
    step.payload = payloadFor(step.kind);
    if (std::holds_alternative<RepartitionWork>(step.payload))
        return {};
    auto parsed = parseObject(text, what);
    if (!parsed)
        return tl::unexpected(parsed.error());
    const json &j = *parsed;
    auto range = rangeFromJson(j.value("range", json::object()), what);
    if (!range)
        return tl::unexpected(range.error());
    if (auto *c = step.work<NodeCopyWork>()) {
        TIDEMARK_READ(j, (*c), targetNode, what);
        TIDEMARK_READ(j, (*c), targetTable, what);
        TIDEMARK_READ(j, (*c), targetPartition, what);
        TIDEMARK_READ(j, (*c), reservedBytes, what);
        TIDEMARK_READ(j, (*c), chunkRows, what);
        c->range = *range;
        if (j.contains("smokeQueries")) {
            if (!j["smokeQueries"].is_array())
                return fail(ErrorCode::Corrupt, what + ": smokeQueries is not a list");
            for (const auto &q : j["smokeQueries"]) {
                SmokeQuery smoke;
                if (!q.is_object())
                    return fail(ErrorCode::Corrupt, what + ": a smoke query is not an object");
                TIDEMARK_READ(q, smoke, sql, what);
                TIDEMARK_READ(q, smoke, expectedRows, what);
                c->smokeQueries.push_back(std::move(smoke));
            }
        }
    } else if (auto *s = step.work<SnapshotWork>()) {
        TIDEMARK_READ(j, (*s), snapshotName, what);
        TIDEMARK_READ(j, (*s), shadow, what);
        s->range = *range;
    } else if (auto *r = step.work<RestoreWork>()) {
        TIDEMARK_READ(j, (*r), snapshotName, what);
        TIDEMARK_READ(j, (*r), asOfMs, what);
        TIDEMARK_READ(j, (*r), intoPartition, what);
        r->range = *range;
    } else if (auto *g = step.work<SegmentWork>()) {
        TIDEMARK_READ(j, (*g), archiveLocation, what);
        TIDEMARK_READ(j, (*g), expectedBytesAfter, what);
        TIDEMARK_READ(j, (*g), restore, what);
        TIDEMARK_READ(j, (*g), keepDetached, what);
        TIDEMARK_READ(j, (*g), ioCapBytesPerSecond, what);
        if (const auto it = j.find("keepLatestBy"); it != j.end() && !it->is_null()) {
            if (!it->is_array())
                return fail(ErrorCode::Corrupt, what + ": keepLatestBy is not a list");
            for (const auto &c : *it) {
                if (!c.is_string())
                    return fail(ErrorCode::Corrupt, what + ": a keepLatestBy column is not a string");
                g->keepLatestBy.push_back(c.get<std::string>());
            }
        }
    }
    return {};
}

} // namespace tidemark::store
