#include "json_output.h"

#include <functional>
#include <map>

#include "model/key_value.h"

namespace tidemark::cli {

using nlohmann::json;

json toJson(const KeyRange &range, KeyType type)
{
    // lower/upper stay the ordinals (days, microseconds) for scripts; text is the database's form.
    return {{"lower", range.lower ? json(*range.lower) : json(nullptr)},
            {"upper", range.upper ? json(*range.upper) : json(nullptr)},
            {"text", describeRange(range, type)}};
}

json toJson(const StepEffect &e)
{
    return {{"bytes_rewritten", e.bytesRewritten},
            {"lock_seconds", e.lockSeconds},
            {"backup_bytes_before", e.backupBytesBefore},
            {"backup_bytes_after", e.backupBytesAfter},
            {"amortised_rewrite_bytes_per_cycle", e.amortisedRewriteBytesPerCycle},
            {"net_bytes_per_cycle", e.netBytesPerCycle()},
            {"rows_moved", e.rowsMoved}};
}

json toJson(const Step &s)
{
    json targets = json::array();
    for (const auto &t : s.newPartitions())
        targets.push_back({{"name", t.name},
                           {"bounds", toJson(t.bounds, s.keyType)},
                           {"expected_rows", t.expectedRows},
                           {"expected_bytes", t.expectedBytes},
                           {"expected_write_share", t.expectedWriteShare}});
    return {{"id", s.id},
            {"ordinal", s.ordinal},
            {"kind", toString(s.kind)},
            {"node", s.node},
            {"table", s.table},
            {"key_type", toString(s.keyType)},
            {"sources", s.sources},
            {"does", describeStep(s)},
            {"targets", targets},
            {"reason", s.reason},
            {"predicted", toJson(s.predicted)},
            {"measured", s.measured ? toJson(*s.measured) : json(nullptr)},
            {"sql", s.sql},
            {"status", toString(s.status)},
            {"error", s.error},
            {"verification", s.verification}};
}

json toJson(const Plan &p)
{
    json steps = json::array();
    for (const auto &s : p.steps)
        steps.push_back(toJson(s));
    return {{"id", p.id},
            {"connection", p.connectionUri},
            {"kind", p.kind},
            {"status", toString(p.status)},
            {"created_ms", p.createdMs},
            {"created_by", p.createdBy},
            {"approved_by", p.approvedBy},
            {"approval", p.approval},
            {"approved_ms", p.approvedMs},
            {"summary", p.summary},
            {"steps", steps}};
}

json toJson(const PlanSummary &p)
{
    return {{"id", p.id},
            {"connection", p.connectionUri},
            {"kind", p.kind},
            {"status", toString(p.status)},
            {"created_ms", p.createdMs},
            {"steps", p.steps},
            {"summary", p.summary}};
}

json toJson(const VolatilityScore &s)
{
    return {{"table", s.table},
            {"partition", s.partition},
            {"score", s.score},
            {"p_modified", s.pModified},
            {"writes_per_second", s.writesPerSecond},
            {"reads_per_second", s.readsPerSecond},
            {"rows", s.rows},
            {"bytes", s.bytes},
            {"baseline", s.baseline}};
}

namespace {
// One table drives both printing and parsing, so no setting is forgotten.
struct SettingField {
    std::function<json(const ConnectionSettings &)> get;
    std::function<void(ConnectionSettings &, double)> set;
};

const std::map<std::string, SettingField> &settingFields()
{
    static const std::map<std::string, SettingField> fields = {
#define TM_FIELD(key, member, type)                                                                                    \
    {                                                                                                                  \
        key,                                                                                                           \
        {                                                                                                              \
            [](const ConnectionSettings &s) { return json(s.member); },                                                \
                [](ConnectionSettings &s, double v) { s.member = static_cast<type>(v); }                               \
        }                                                                                                              \
    }
        TM_FIELD("backup_interval_seconds", backupIntervalSeconds, std::int64_t),
        TM_FIELD("read_weight", readWeight, double),
        TM_FIELD("half_life_seconds", halfLifeSeconds, std::int64_t),
        TM_FIELD("sampling_interval_seconds", samplingIntervalSeconds, std::int64_t),
        TM_FIELD("high_threshold", highThreshold, double),
        TM_FIELD("low_threshold", lowThreshold, double),
        TM_FIELD("target_min_bytes", targetMinBytes, std::int64_t),
        TM_FIELD("target_max_bytes", targetMaxBytes, std::int64_t),
        TM_FIELD("split_min_bytes", splitMinBytes, std::int64_t),
        TM_FIELD("cooldown_seconds", cooldownSeconds, std::int64_t),
        TM_FIELD("backup_unit_bytes", backupUnitBytes, std::int64_t),
        TM_FIELD("layout_lifetime_cycles", layoutLifetimeCycles, double),
        TM_FIELD("rewrite_bytes_per_second", rewriteBytesPerSecond, double),
        TM_FIELD("histogram_buckets", histogramBuckets, int),
        TM_FIELD("merge_cold_partitions", mergeColdPartitions, int),
#undef TM_FIELD
    };
    return fields;
}
} // namespace

json toJson(const ConnectionSettings &settings)
{
    json j = json::object();
    for (const auto &[key, field] : settingFields())
        j[key] = field.get(settings);
    return j;
}

bool setSetting(ConnectionSettings &settings, const std::string &key, const std::string &value, std::string &error)
{
    const auto it = settingFields().find(key);
    if (it == settingFields().end()) {
        std::string known;
        for (const auto &[k, f] : settingFields())
            known += (known.empty() ? "" : ", ") + k;
        error = "unknown setting \"" + key + "\"; known settings: " + known;
        return false;
    }
    double v = 0;
    try {
        std::size_t used = 0;
        v = std::stod(value, &used);
        if (used != value.size())
            throw std::invalid_argument(value);
    } catch (const std::exception &) {
        error = "setting " + key + " takes a number, not \"" + value + "\"";
        return false;
    }
    if (v < 0) {
        error = "setting " + key + " cannot be negative";
        return false;
    }
    ConnectionSettings candidate = settings;
    it->second.set(candidate, v);
    if (candidate.lowThreshold >= candidate.highThreshold || candidate.highThreshold > 100) {
        error = "thresholds must satisfy 0 ≤ low < high ≤ 100 (the gap between them is the hysteresis)";
        return false;
    }
    if (candidate.targetMinBytes > candidate.targetMaxBytes) {
        error = "target_min_bytes must not exceed target_max_bytes";
        return false;
    }
    if (candidate.mergeColdPartitions != 0 && candidate.mergeColdPartitions != 1) {
        error = "merge_cold_partitions is 0 (merge only what saves backup bytes) or 1 (merge cold neighbours for "
                "fewer partitions)";
        return false;
    }
    if (candidate.readWeight > 1.0) {
        error = "read_weight is a share between 0 and 1";
        return false;
    }
    if (candidate.histogramBuckets < 2 || candidate.halfLifeSeconds < 1 || candidate.backupIntervalSeconds < 1 ||
        candidate.backupUnitBytes < 1 || candidate.layoutLifetimeCycles <= 0 || candidate.rewriteBytesPerSecond <= 0) {
        error = "setting " + key + " is out of range";
        return false;
    }
    settings = candidate;
    return true;
}

} // namespace tidemark::cli
