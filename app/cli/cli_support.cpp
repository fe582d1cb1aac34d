#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "keychain_password.h"
#include "model/connection_string.h"
#include "sqlite_connector.h"

namespace tidemark::cli {

std::string Args::value(const std::string &name, const std::string &fallback) const
{
    const auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
}

std::vector<std::string> Args::values(const std::string &name) const
{
    std::vector<std::string> out;
    const auto [b, e] = options.equal_range(name);
    for (auto it = b; it != e; ++it)
        out.push_back(it->second);
    return out;
}

int exitCodeFor(const Error &error)
{
    switch (error.code) {
    case ErrorCode::InvalidArgument:
    case ErrorCode::AuthFailed:
        return kExitUsage;
    case ErrorCode::NotFound:
    case ErrorCode::Unreachable:
        return kExitNotFound;
    case ErrorCode::NotPartitioned:
    case ErrorCode::Unsupported:
        return kExitNotPartitioned;
    case ErrorCode::Busy:
    case ErrorCode::ExecutorLocked:
        return kExitBusy;
    case ErrorCode::StalePlan:
        return kExitStalePlan;
    case ErrorCode::InvalidState:
        return kExitInvalidState;
    case ErrorCode::VerificationFailed:
        return kExitVerificationFailed;
    case ErrorCode::Corrupt:
    case ErrorCode::VersionTooNew:
        return kExitStore;
    case ErrorCode::Cancelled:
        return kExitCancelled;
    case ErrorCode::Database:
    case ErrorCode::Io:
    case ErrorCode::Internal:
        return kExitFailed;
    }
    return kExitFailed;
}

int report(const Env &env, const Error &error)
{
    // The last net: whatever a driver or a lower layer quoted, no password.
    const std::string message = redactSecrets(error.message), hint = redactSecrets(error.hint);
    if (env.json) {
        nlohmann::json j = {{"error", {{"code", errorCodeName(error.code)}, {"message", message}, {"hint", hint}}}};
        std::printf("%s\n", j.dump(2).c_str());
    }
    std::fprintf(stderr, "error: %s\n", message.c_str());
    if (!hint.empty())
        std::fprintf(stderr, "  what to do: %s\n", hint.c_str());
    return exitCodeFor(error);
}

namespace {

/// Where a DBA keeps the password of a URI instead of the command line.
std::string passwordHome(const std::string &shown)
{
    const std::string scheme = uriScheme(shown);
    if (scheme == "postgresql" || scheme == "postgres")
        return "~/.pgpass (or the file PGPASSFILE names; mode 0600) or the system keychain (the desktop app's "
               "Connections page saves it there)";
    if (scheme == "mariadb" || scheme == "mysql")
        return "the [client] section of ~/.my.cnf (mode 0600) or the system keychain";
    return "the system keychain or the database's own password file";
}

} // namespace

Result<void> takeDatabaseArguments(Env &env)
{
    bool warned = false;
    for (auto &word : env.args.positional) {
        const std::string given = canonicalDatabaseUri(word);
        const ConnectionString parsed = ConnectionString::parse(given);
        if (!parsed.problem.empty())
            return fail(ErrorCode::InvalidArgument, fmt::format("{}: {}", parsed.shown, parsed.problem),
                        "see docs/postgres.md, Connecting");
        if (parsed.hasPassword) {
            env.givenUris[parsed.shown] = given;
            if (!warned)
                std::fprintf(stderr,
                             "warning: the password written in %s on the command line can be read by every user of "
                             "this machine (ps, /proc) and stays in your shell history. Tidemark uses it for this run "
                             "only and never shows or stores it. Keep it in %s, and leave it out of the URI.\n",
                             parsed.shown.c_str(), passwordHome(parsed.shown).c_str());
            warned = true;
        }
        word = parsed.shown;
    }
    return {};
}

int usageError(const Env &env, const std::string &message)
{
    report(env, Error{ErrorCode::InvalidArgument, message, "see tidemark-cli --help"});
    return kExitUsage;
}

Result<std::unique_ptr<MetadataStore>> openStore(const Env &env)
{
    auto store = MetadataStore::open(env.storePath);
    static std::set<std::string> told; // several opens in one run say it once
    if (store)
        for (const auto &notice : (*store)->notices())
            if (told.insert(notice).second)
                std::fprintf(stderr, "note: %s\n", notice.c_str());
    return store;
}

Result<std::unique_ptr<Connector>> openConnector(const Env &env, const std::string &uri)
{
    // A password given on this run's command line, else one the desktop app
    // keeps in the keychain, is filled in here, in memory only; password
    // files are read by the database drivers themselves.
    if (const auto it = env.givenUris.find(uri); it != env.givenUris.end())
        return env.registry.open(it->second);
    return env.registry.open(app::withKeychainPassword(uri));
}

NodeConnectors::Opener nodeOpener(const Env &env)
{
    return [&env](const std::string &uri) { return openConnector(env, canonicalDatabaseUri(uri)); };
}

Result<OpenDatabase> openDatabase(const Env &env, const std::string &uri)
{
    auto connector = openConnector(env, uri);
    if (!connector)
        return tl::unexpected(connector.error());
    auto store = openStore(env);
    if (!store)
        return tl::unexpected(store.error());
    auto connection = (*store)->ensureConnection(uri);
    if (!connection)
        return tl::unexpected(connection.error());
    return OpenDatabase{std::move(*connector), std::move(*store), std::move(*connection)};
}

Result<long long> integerOption(const Args &args, const std::string &name, long long fallback)
{
    if (!args.has(name))
        return fallback;
    const std::string text = args.value(name);
    try {
        std::size_t used = 0;
        const long long v = std::stoll(text, &used);
        if (used != text.size() || v < 0)
            throw std::invalid_argument(text);
        return v;
    } catch (const std::exception &) {
        return fail(ErrorCode::InvalidArgument, fmt::format("{} takes a whole number ≥ 0, not \"{}\"", name, text),
                    "see tidemark-cli --help");
    }
}

Result<std::vector<SmokeQuery>> smokeQueryOptions(const Args &args)
{
    std::vector<SmokeQuery> out;
    for (const auto &text : args.values("--smoke")) {
        const auto colon = text.find(':');
        SmokeQuery q;
        bool ok = colon != std::string::npos && colon > 0;
        if (ok) {
            const std::string rows = text.substr(0, colon);
            ok = rows.find_first_not_of("0123456789") == std::string::npos && rows.size() < 18;
            if (ok)
                q.expectedRows = std::stoll(rows);
            q.sql = text.substr(colon + 1);
            while (!q.sql.empty() && (std::isspace(static_cast<unsigned char>(q.sql.back())) || q.sql.back() == ';'))
                q.sql.pop_back();
            const auto first = q.sql.find_first_not_of(" \t\n");
            q.sql = first == std::string::npos ? std::string() : q.sql.substr(first);
            ok = ok && !q.sql.empty();
        }
        if (!ok)
            return fail(ErrorCode::InvalidArgument,
                        fmt::format("--smoke takes ROWS:SQL (the rows the query must return, a colon, the query), "
                                    "not \"{}\"",
                                    text),
                        "e.g. --smoke '1:SELECT 1 FROM orders WHERE id = 42'");
        out.push_back(std::move(q));
    }
    return out;
}

std::string canonicalDatabaseUri(const std::string &uri)
{
    // sqlite:/x.db, sqlite:///x.db and a path through a symlink name one
    // database: one spelling keeps one history, one set of plans, one lock.
    if (uri.rfind("sqlite:", 0) != 0)
        return uri;
    auto path = sqlite::SqliteConnector::pathFromUri(uri);
    if (!path)
        return uri;
    std::error_code ec;
    const auto canonical = std::filesystem::weakly_canonical(*path, ec);
    const std::string text = (ec ? *path : canonical).string();
    if (text.find('%') != std::string::npos)
        return uri; // would need percent-encoding; keep what the user wrote
    return "sqlite://" + text;
}

std::string humanBytes(double bytes)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 4) {
        bytes /= 1024.0;
        ++u;
    }
    return u == 0 ? fmt::format("{:.0f} {}", bytes, units[u]) : fmt::format("{:.1f} {}", bytes, units[u]);
}

std::string formatTime(std::int64_t ms)
{
    if (ms <= 0)
        return "-";
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

} // namespace tidemark::cli
