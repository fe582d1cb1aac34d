#include "agent/agent_protocol.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace tidemark::agent {

using nlohmann::json;

namespace {

using Parsed = tl::expected<Request, ProtocolError>;

tl::unexpected<ProtocolError> bad(std::string code, std::string message, const std::string &id = {})
{
    return tl::unexpected(ProtocolError{std::move(code), std::move(message), id, std::nullopt});
}

/// Nesting depth outside strings, so a deeply nested line is refused before
/// the JSON parser sees it.
int nesting(std::string_view s)
{
    int depth = 0, deepest = 0;
    bool inString = false, escaped = false;
    for (const char c : s) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '{' || c == '[')
            deepest = std::max(deepest, ++depth);
        else if (c == '}' || c == ']')
            --depth;
    }
    return deepest;
}

/// Reads an optional field of the expected kind; a wrong type is an error.
class Fields {
public:
    Fields(const json &j, std::string id) : m_j(j), m_id(std::move(id)) {}

    tl::expected<std::optional<std::string>, ProtocolError> text(const char *name, std::size_t maxLength) const
    {
        const auto it = m_j.find(name);
        if (it == m_j.end() || it->is_null())
            return std::optional<std::string>{};
        if (!it->is_string())
            return wrong(name, "text");
        const auto &s = it->get_ref<const std::string &>();
        if (s.size() > maxLength)
            return tl::unexpected(ProtocolError{
                "bad-field", fmt::format("\"{}\" is longer than {} characters", name, maxLength), m_id, std::nullopt});
        return std::optional<std::string>{s};
    }
    tl::expected<std::optional<double>, ProtocolError> number(const char *name) const
    {
        const auto it = m_j.find(name);
        if (it == m_j.end() || it->is_null())
            return std::optional<double>{};
        if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < 0)
            return wrong(name, "a number ≥ 0");
        return std::optional<double>{it->get<double>()};
    }
    tl::expected<std::optional<std::int64_t>, ProtocolError> whole(const char *name) const
    {
        const auto it = m_j.find(name);
        if (it == m_j.end() || it->is_null())
            return std::optional<std::int64_t>{};
        if (!it->is_number_integer() || (it->is_number_integer() && !it->is_number_unsigned() && it->get<std::int64_t>() < 0))
            return wrong(name, "a whole number ≥ 0");
        if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
            return wrong(name, "a whole number ≥ 0");
        return std::optional<std::int64_t>{it->get<std::int64_t>()};
    }
    /// "10m" or a number of seconds.
    tl::expected<std::optional<std::int64_t>, ProtocolError> duration(const char *name) const
    {
        const auto it = m_j.find(name);
        if (it == m_j.end() || it->is_null())
            return std::optional<std::int64_t>{};
        if (it->is_string()) {
            auto d = parseDuration(it->get_ref<const std::string &>());
            if (!d)
                return tl::unexpected(
                    ProtocolError{"bad-field", fmt::format("\"{}\": {}", name, d.error().message), m_id, std::nullopt});
            return std::optional<std::int64_t>{*d};
        }
        if (it->is_number() && std::isfinite(it->get<double>()) && it->get<double>() >= 0 &&
            it->get<double>() <= 366.0 * 86400)
            return std::optional<std::int64_t>{static_cast<std::int64_t>(std::llround(it->get<double>() * 1000.0))};
        return wrong(name, "a duration (\"10m\") or a number of seconds");
    }

private:
    tl::unexpected<ProtocolError> wrong(const char *name, const char *kind) const
    {
        return tl::unexpected(
            ProtocolError{"bad-field", fmt::format("\"{}\" must be {}", name, kind), m_id, std::nullopt});
    }
    const json &m_j;
    std::string m_id;
};

#define TM_TRY(var, expr)                                                                                            \
    auto var = (expr);                                                                                               \
    if (!var)                                                                                                        \
        return tl::unexpected(var.error());

} // namespace

const char *toString(Op op)
{
    switch (op) {
    case Op::PreBackup: return "prebackup";
    case Op::PostBackup: return "postbackup";
    case Op::Status: return "status";
    case Op::Cancel: return "cancel";
    }
    return "status";
}

namespace {

Parsed parseObject(const json &j)
{
    Request r;
    // The id first, so every later error can carry it.
    if (const auto it = j.find("id"); it != j.end() && !it->is_null()) {
        if (it->is_string() && it->get_ref<const std::string &>().size() <= kMaxIdLength)
            r.id = it->get<std::string>();
        else if (it->is_number_integer())
            r.id = it->dump();
        else
            return bad("bad-field", fmt::format("\"id\" must be text of at most {} characters or a whole number",
                                                kMaxIdLength));
    }
    const Fields f(j, r.id);
    // A token that is not text (or absurdly long) cannot be the right one: it
    // is refused like a wrong token, so the server closes the connection.
    const auto token = j.find("token");
    if (token == j.end() || token->is_null())
        return bad("unauthorized", "every request carries \"token\"", r.id);
    if (!token->is_string() || token->get_ref<const std::string &>().size() > kMaxTokenLength)
        return bad("unauthorized", "\"token\" must be the agent's token, as text", r.id);
    r.token = token->get<std::string>();
    TM_TRY(op, f.text("op", 32));
    if (!*op)
        return bad("bad-field", "\"op\" is missing: prebackup, postbackup, status or cancel", r.id);
    if (**op == "prebackup")
        r.op = Op::PreBackup;
    else if (**op == "postbackup")
        r.op = Op::PostBackup;
    else if (**op == "status")
        r.op = Op::Status;
    else if (**op == "cancel")
        r.op = Op::Cancel;
    else
        return bad("unknown-op", fmt::format("unknown op \"{}\": prebackup, postbackup, status or cancel", **op), r.id);

    TM_TRY(job, f.whole("job"));
    r.job = job->value_or(0);
    TM_TRY(uri, f.text("uri", kMaxUriLength));
    r.uri = uri->value_or("");
    if (r.op == Op::Cancel && r.job == 0 && r.uri.empty())
        return bad("bad-field", "cancel needs \"job\" (a job number) or \"uri\"", r.id);
    if (r.op != Op::PreBackup && r.op != Op::PostBackup)
        return r;

    if (r.uri.empty())
        return bad("bad-field", fmt::format("{} needs \"uri\"", **op), r.id);
    TM_TRY(deadline, f.duration("deadline"));
    if (*deadline)
        r.deadlineMs = **deadline;
    TM_TRY(wait, f.duration("wait_busy"));
    r.waitBusyMs = wait->value_or(0);
    TM_TRY(policy, f.text("policy", 32));
    if (*policy) {
        r.narrowing.level = policyLevelFromString(**policy);
        if (!r.narrowing.level)
            return bad("bad-field", "\"policy\" must be report-only, safe or full", r.id);
    }
    TM_TRY(lock, f.number("max_lock_seconds"));
    r.narrowing.maxLockSeconds = *lock;
    TM_TRY(bytes, f.whole("max_rewrite_bytes"));
    r.narrowing.maxRewriteBytes = *bytes;
    TM_TRY(busy, f.number("busy_writes_per_second"));
    r.narrowing.busyWritesPerSecond = *busy;
    TM_TRY(sessions, f.number("busy_active_sessions"));
    r.narrowing.busyActiveSessions = *sessions;
    TM_TRY(table, f.text("table", 1024));
    r.table = *table;
    return r;
}

} // namespace

tl::expected<Request, ProtocolError> parseRequest(std::string_view line)
{
    if (nesting(line) > kMaxNesting)
        return bad("too-deep", fmt::format("the request nests deeper than {} levels", kMaxNesting));
    const json j = json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded())
        return bad("malformed-json", "the line is not valid JSON (one JSON object per line)");
    if (!j.is_object())
        return bad("malformed-json", "a request is a JSON object, e.g. {\"op\":\"status\",\"token\":\"…\"}");
    auto parsed = parseObject(j);
    if (!parsed) {
        const auto token = j.find("token");
        if (token != j.end() && token->is_string() && token->get_ref<const std::string &>().size() <= kMaxTokenLength)
            parsed.error().token = token->get<std::string>();
    }
    return parsed;
}

std::string errorLine(const ProtocolError &error) { return errorLine(error.code, error.message, error.id); }

std::string errorLine(const std::string &code, const std::string &message, const std::string &id)
{
    json j = {{"type", "error"}, {"code", code}, {"message", message}};
    if (!id.empty())
        j["id"] = id;
    return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace tidemark::agent
