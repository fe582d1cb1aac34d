#include <cstdio>
#include <filesystem>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "keychain_password.h"
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
        return kExitUsage;
    case ErrorCode::NotFound:
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
    if (env.json) {
        nlohmann::json j = {
            {"error", {{"code", errorCodeName(error.code)}, {"message", error.message}, {"hint", error.hint}}}};
        std::printf("%s\n", j.dump(2).c_str());
    }
    std::fprintf(stderr, "error: %s\n", error.message.c_str());
    if (!error.hint.empty())
        std::fprintf(stderr, "  what to do: %s\n", error.hint.c_str());
    return exitCodeFor(error);
}

int usageError(const Env &env, const std::string &message)
{
    report(env, Error{ErrorCode::InvalidArgument, message, "see tidemark-cli --help"});
    return kExitUsage;
}

Result<std::unique_ptr<MetadataStore>> openStore(const Env &env)
{
    return MetadataStore::open(env.storePath);
}

Result<std::unique_ptr<Connector>> openConnector(const Env &env, const std::string &uri)
{
    // A password the desktop app keeps in the keychain is filled in here, in
    // memory only; password files are read by the database drivers themselves.
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
