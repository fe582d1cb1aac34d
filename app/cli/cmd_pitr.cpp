// Point in time: journal enable|disable|status, snapshot, asof, diff,
// restore, prune (docs/point-in-time.md).
#include <chrono>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "journal/point_in_time.h"
#include "journal/time_spec.h"

namespace tidemark::cli {

namespace {

using nlohmann::json;

std::int64_t nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct PitSession {
    OpenDatabase db;
    ChangeJournal *journal = nullptr;
    std::unique_ptr<SnapshotRepository> repository;
    std::string table;
    std::string partition;
};

Result<PitSession> openSession(const Env &env, const std::string &what)
{
    if (env.args.positional.size() != 1)
        return fail(ErrorCode::InvalidArgument, what + " needs exactly one URI", "see tidemark-cli --help");
    if (env.args.value("--table").empty())
        return fail(ErrorCode::InvalidArgument, what + " needs --table T", "name the journaled table with --table");
    auto db = openDatabase(env, env.args.positional[0]);
    if (!db)
        return tl::unexpected(db.error());
    PitSession s{std::move(*db), nullptr, nullptr, env.args.value("--table"), env.args.value("--partition")};
    auto journal = changeJournalOf(*s.db.connector);
    if (!journal)
        return tl::unexpected(journal.error());
    s.journal = *journal;
    auto repo = SnapshotRepository::open(s.db.store->path(), s.db.connection.id, env.args.value("--repository"));
    if (!repo)
        return tl::unexpected(repo.error());
    s.repository = std::move(*repo);
    return s;
}

Result<std::int64_t> momentOption(const Env &env, const std::string &name)
{
    if (!env.args.has(name) || env.args.value(name).empty())
        return fail(ErrorCode::InvalidArgument, fmt::format("this command needs {} TIME", name),
                    "TIME is ISO 8601 (2026-12-02T09:14:00Z) or back from now (-2h)");
    return parseMoment(env.args.value(name), nowUs());
}

int usageFrom(const Env &env, const Error &e)
{
    if (e.code == ErrorCode::InvalidArgument && e.message.find("needs") != std::string::npos)
        return usageError(env, e.message);
    return report(env, e);
}

std::string cellText(const json &v)
{
    if (v.is_null())
        return "NULL";
    if (v.is_string())
        return v.get<std::string>();
    return v.dump();
}

/// The row image's values in column order (SQLite images are arrays, PostgreSQL's objects).
std::vector<json> cellsOf(const RowImage &r, const std::vector<std::string> &columns)
{
    std::vector<json> out;
    const json image = json::parse(r.image, nullptr, false);
    if (image.is_array()) {
        for (const auto &v : image)
            out.push_back(v);
    } else if (image.is_object()) {
        for (const auto &c : columns)
            out.push_back(image.contains(c) ? image.at(c) : json(nullptr));
    } else {
        out.push_back(r.image);
    }
    return out;
}

std::string csvField(const json &v)
{
    if (v.is_null())
        return "";
    std::string s = v.is_string() ? v.get<std::string>() : v.dump();
    if (s.find_first_of(",\"\n\r") == std::string::npos)
        return s;
    std::string q = "\"";
    for (char c : s)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

json rowObject(const RowImage &r, const std::vector<std::string> &columns)
{
    json o = json::object();
    const auto cells = cellsOf(r, columns);
    for (std::size_t i = 0; i < cells.size() && i < columns.size(); ++i)
        o[columns[i]] = cells[i];
    return o;
}

void printRows(const std::vector<RowImage> &rows, const std::vector<std::string> &columns, const char *prefix)
{
    for (const auto &r : rows) {
        std::string line = prefix;
        const auto cells = cellsOf(r, columns);
        for (std::size_t i = 0; i < cells.size(); ++i)
            line += (i ? " | " : "") + cellText(cells[i]);
        std::printf("%s\n", line.c_str());
    }
}

} // namespace

int cmdJournal(Env &env)
{
    const std::string sub = env.args.command.substr(std::string("journal ").size());
    if (sub != "enable" && sub != "disable" && sub != "status")
        return usageError(env, "journal needs a subcommand: enable, disable or status");
    auto s = openSession(env, "journal " + sub);
    if (!s)
        return usageFrom(env, s.error());
    if (sub == "enable") {
        if (auto r = s->journal->enableJournal(s->table); !r)
            return report(env, r.error());
    } else if (sub == "disable") {
        if (auto r = s->journal->disableJournal(s->table); !r)
            return report(env, r.error());
        auto gone = s->repository->forget(s->table);
        if (!gone)
            return report(env, gone.error());
        if (env.json)
            std::printf("%s\n",
                        json{{"table", s->table},
                             {"journal", "disabled"},
                             {"snapshots_removed", gone->snapshots},
                             {"segments_removed", gone->segments}}
                            .dump(2)
                            .c_str());
        else
            std::printf("journal of %s disabled: its triggers and journal are gone from the database; %d snapshots "
                        "and %d segments (%s) removed from the repository\n",
                        s->table.c_str(), gone->snapshots, gone->segments, humanBytes(double(gone->bytes)).c_str());
        return kExitOk;
    }
    auto st = s->journal->journalStatus(s->table);
    if (!st)
        return report(env, st.error());
    auto snaps = s->repository->snapshots(s->table);
    if (!snaps)
        return report(env, snaps.error());
    if (env.json) {
        json j{{"table", s->table},         {"enabled", st->enabled},
               {"key", st->keyColumn},      {"pending_changes", st->pendingChanges},
               {"capture", st->capture},    {"repository", s->repository->directory().string()},
               {"snapshots", snaps->size()}};
        if (st->pendingChanges > 0) {
            j["oldest_pending"] = formatMoment(st->oldestPendingUs);
            j["newest_pending"] = formatMoment(st->newestPendingUs);
        }
        std::printf("%s\n", j.dump(2).c_str());
        return kExitOk;
    }
    std::printf("%s: journal %s\n", s->table.c_str(), st->enabled ? "enabled" : "disabled");
    if (st->enabled) {
        std::printf("  capture: %s\n", st->capture.c_str());
        std::printf("  in the database, not yet read off: %lld changes", static_cast<long long>(st->pendingChanges));
        if (st->pendingChanges > 0)
            std::printf(" (%s … %s)", formatMoment(st->oldestPendingUs).c_str(),
                        formatMoment(st->newestPendingUs).c_str());
        std::printf("\n  repository: %s, %zu snapshots\n", s->repository->directory().string().c_str(), snaps->size());
        for (const auto &sn : *snaps)
            std::printf("    %s  %s  %lld rows, %lld chunks written (%s)\n", formatMoment(sn.takenUs).c_str(),
                        sn.partition.empty() ? "(whole table)" : sn.partition.c_str(), static_cast<long long>(sn.rows),
                        static_cast<long long>(sn.chunksWritten), humanBytes(double(sn.bytesWritten)).c_str());
    }
    return kExitOk;
}

int cmdSnapshot(Env &env)
{
    auto s = openSession(env, "snapshot");
    if (!s)
        return usageFrom(env, s.error());
    auto r = takeSnapshot(*s->db.connector, *s->repository, s->table, s->partition);
    if (!r)
        return report(env, r.error());
    const auto &sn = r->snapshot;
    if (env.json) {
        std::printf("%s\n",
                    json{{"table", s->table},
                         {"partition", s->partition},
                         {"taken", formatMoment(sn.takenUs)},
                         {"rows", sn.rows},
                         {"checksum", sn.checksum},
                         {"chunks", sn.chunks.size()},
                         {"chunks_written", sn.chunksWritten},
                         {"bytes_written", sn.bytesWritten},
                         {"journal_changes_read", r->harvest.changes}}
                        .dump(2)
                        .c_str());
    } else {
        std::printf("snapshot of %s%s at %s: %lld rows, checksum %s\n", s->table.c_str(),
                    s->partition.empty() ? "" : (" partition " + s->partition).c_str(),
                    formatMoment(sn.takenUs).c_str(), static_cast<long long>(sn.rows), sn.checksum.c_str());
        std::printf("  %zu chunks: %lld written (%s), %lld unchanged since the previous snapshot\n", sn.chunks.size(),
                    static_cast<long long>(sn.chunksWritten), humanBytes(double(sn.bytesWritten)).c_str(),
                    static_cast<long long>(r->chunksReused));
        std::printf("  journal: %lld changes read off the database into the repository (%s)\n",
                    static_cast<long long>(r->harvest.changes), humanBytes(double(r->harvest.bytes)).c_str());
    }
    return kExitOk;
}

int cmdAsOf(Env &env)
{
    auto s = openSession(env, "asof");
    if (!s)
        return usageFrom(env, s.error());
    auto at = momentOption(env, "--at");
    if (!at)
        return usageFrom(env, at.error());
    auto r = readAsOf(*s->db.connector, *s->repository, s->table, s->partition, *at);
    if (!r)
        return report(env, r.error());
    if (env.args.has("--checksum")) {
        if (env.json)
            std::printf("%s\n",
                        json{{"table", s->table},
                             {"partition", s->partition},
                             {"at", formatMoment(*at)},
                             {"rows", r->checksum.rows},
                             {"checksum", r->checksum.hex()}}
                            .dump(2)
                            .c_str());
        else
            std::printf("%s%s as of %s: %lld rows, checksum %s\n", s->table.c_str(),
                        s->partition.empty() ? "" : ("." + s->partition).c_str(), formatMoment(*at).c_str(),
                        static_cast<long long>(r->checksum.rows), r->checksum.hex().c_str());
        return kExitOk;
    }
    if (env.args.has("--csv")) {
        std::string header;
        for (std::size_t i = 0; i < r->columns.size(); ++i)
            header += (i ? "," : "") + csvField(json(r->columns[i]));
        std::printf("%s\n", header.c_str());
        for (const auto &row : r->rows) {
            std::string line;
            const auto cells = cellsOf(row, r->columns);
            for (std::size_t i = 0; i < cells.size(); ++i)
                line += (i ? "," : "") + csvField(cells[i]);
            std::printf("%s\n", line.c_str());
        }
        return kExitOk;
    }
    if (env.json) {
        json rows = json::array();
        for (const auto &row : r->rows)
            rows.push_back(rowObject(row, r->columns));
        std::printf("%s\n",
                    json{{"table", s->table},
                         {"partition", s->partition},
                         {"at", formatMoment(*at)},
                         {"snapshot", formatMoment(r->base.takenUs)},
                         {"changes_replayed", r->changesApplied},
                         {"count", r->checksum.rows},
                         {"checksum", r->checksum.hex()},
                         {"rows", rows}}
                        .dump(2)
                        .c_str());
        return kExitOk;
    }
    std::string header;
    for (std::size_t i = 0; i < r->columns.size(); ++i)
        header += (i ? " | " : "") + r->columns[i];
    std::printf("%s\n", header.c_str());
    printRows(r->rows, r->columns, "");
    std::printf("(%lld rows as of %s: snapshot of %s + %lld changes replayed; checksum %s)\n",
                static_cast<long long>(r->checksum.rows), formatMoment(*at).c_str(),
                formatMoment(r->base.takenUs).c_str(), static_cast<long long>(r->changesApplied),
                r->checksum.hex().c_str());
    return kExitOk;
}

int cmdDiff(Env &env)
{
    auto s = openSession(env, "diff");
    if (!s)
        return usageFrom(env, s.error());
    auto from = momentOption(env, "--from");
    if (!from)
        return usageFrom(env, from.error());
    auto to = momentOption(env, "--to");
    if (!to)
        return usageFrom(env, to.error());
    auto d = diffAsOf(*s->db.connector, *s->repository, s->table, s->partition, *from, *to);
    if (!d)
        return report(env, d.error());
    const auto &cols = d->from.columns;
    if (env.json) {
        json removed = json::array(), added = json::array(), changed = json::array();
        for (const auto &r : d->removed)
            removed.push_back(rowObject(r, cols));
        for (const auto &r : d->added)
            added.push_back(rowObject(r, cols));
        for (const auto &[b, a] : d->changed)
            changed.push_back(json{{"before", rowObject(b, cols)}, {"after", rowObject(a, cols)}});
        std::printf("%s\n",
                    json{{"table", s->table},
                         {"from", formatMoment(*from)},
                         {"to", formatMoment(*to)},
                         {"removed", removed},
                         {"added", added},
                         {"changed", changed}}
                        .dump(2)
                        .c_str());
        return kExitOk;
    }
    std::printf("%s from %s to %s: %zu rows added, %zu removed, %zu changed\n", s->table.c_str(),
                formatMoment(*from).c_str(), formatMoment(*to).c_str(), d->added.size(), d->removed.size(),
                d->changed.size());
    printRows(d->removed, cols, "- ");
    printRows(d->added, cols, "+ ");
    for (const auto &[b, a] : d->changed) {
        printRows({b}, cols, "~ was ");
        printRows({a}, cols, "~ now ");
    }
    return kExitOk;
}

int cmdRestore(Env &env)
{
    auto s = openSession(env, "restore");
    if (!s)
        return usageFrom(env, s.error());
    auto at = momentOption(env, "--at");
    if (!at)
        return usageFrom(env, at.error());
    const std::string into = env.args.value("--into");
    if (into.empty())
        return usageError(env, "restore needs --into NEW (a new table; a restore never overwrites)");
    auto r = restoreAsOf(*s->db.connector, *s->repository, s->table, s->partition, *at, into);
    if (!r)
        return report(env, r.error());
    if (env.json)
        std::printf("%s\n",
                    json{{"table", s->table},
                         {"partition", s->partition},
                         {"at", formatMoment(*at)},
                         {"into", into},
                         {"rows", r->written.rows},
                         {"checksum", r->written.hex()},
                         {"verified", true}}
                        .dump(2)
                        .c_str());
    else
        std::printf("restored %s%s as of %s into %s: %lld rows, checksum %s = the moment's (verified before "
                    "commit)\n",
                    s->table.c_str(), s->partition.empty() ? "" : ("." + s->partition).c_str(),
                    formatMoment(*at).c_str(), into.c_str(), static_cast<long long>(r->written.rows),
                    r->written.hex().c_str());
    return kExitOk;
}

int cmdPrune(Env &env)
{
    auto s = openSession(env, "prune");
    if (!s)
        return usageFrom(env, s.error());
    auto keep = momentOption(env, "--keep-from");
    if (!keep)
        return usageFrom(env, keep.error());
    auto r = s->repository->prune(s->table, *keep);
    if (!r)
        return report(env, r.error());
    if (env.json)
        std::printf("%s\n",
                    json{{"table", s->table},
                         {"keep_from", formatMoment(*keep)},
                         {"snapshots_removed", r->snapshots},
                         {"segments_removed", r->segments},
                         {"bytes_removed", r->bytes}}
                        .dump(2)
                        .c_str());
    else
        std::printf("pruned %s before %s: %d snapshots and %d segments removed (%s); every moment from then on "
                    "stays readable\n",
                    s->table.c_str(), formatMoment(*keep).c_str(), r->snapshots, r->segments,
                    humanBytes(double(r->bytes)).c_str());
    return kExitOk;
}

} // namespace tidemark::cli
