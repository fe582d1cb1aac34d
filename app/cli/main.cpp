// tidemark-cli: the headless face of Tidemark, for scripts, cron and the
// backup-scheduler agent. Commands and exit codes: docs/cli.md.
#include <cstdio>
#include <cstdlib>
#include <set>

#include <QCoreApplication>

#include "app_paths.h"
#include "cli.h"
#include "executor/crash_points.h"

namespace {

constexpr const char *kUsage = R"(Usage: tidemark-cli [--store PATH] [--json] COMMAND [ARGS]

Observe, plan, approve and apply partition changes on a database.

Commands:
  demo init PATH [--rows N] [--partitions N]   create the demo SQLite database
  demo init PATH --log [--rows N] [--partitions N]
                                               create the event-log demo: log segments to compact and archive
  demo load PATH --seconds N [--uniform] [--seed N]
                                               run the demo workload against it
  scan URI                   sample activity and show every partition's volatility
  plan URI [--table T]       propose a pre-backup plan (splits and merges)
  show PLAN                  a plan with reasons, predicted effect and exact SQL
  approve PLAN [--leave-out N[,M...]]
                             approve a proposed plan (recorded in the audit trail); steps N, M are left out
  reject PLAN [--reason T]   reject a proposed or approved plan
  apply PLAN [--dry-run] [--lock-timeout MS]
                             run an approved plan; Ctrl-C stops safely between batches
  status [URI]               plans, their state, interrupted work (settled on the way)
  settings URI [--set KEY=VALUE ...]
                             show or change the connection's planning settings
  adopt URI TABLE --key COLUMN --at K1,K2,...
                             turn a plain table into a partitioned family split at K1, K2, ...
  checksum URI TABLE         row count and order-independent checksum over every column
  monitor URI [--interval S] [--count N]
                             sample at the connection's interval until Ctrl-C; prints the hottest partitions
  forecast --csv FILE [--period N] --horizon N [--method M]
  forecast URI --table T --partition P --metric size|writes|reads --horizon N [--step S]
                             forecast a series with 80/95 % intervals (docs/forecasting.md)
  plugins                    the connector plugins found, loaded or refused
  prebackup URI [--deadline 10m] [--policy report-only|safe|full] [--max-lock-seconds S]
            [--max-rewrite-bytes N] [--wait-busy DURATION]
                             reshape partitions before a backup under the stored policy; exit 0 when ready
  postbackup URI [same options]  light rebalance after a backup (merge back what went cold)
  policy URI [--set report-only|safe|full [--max-lock-seconds S] [--max-rewrite-bytes N]
            [--window 'Mon-Fri 01:00-05:00'] [--busy-writes-per-second W]
            [--busy-active-sessions N]]
                             show or set the standing policy for unattended runs (audited)
  nodes [--json]             the node catalogue: servers a plan may span, with role and capacity
  nodes add NAME URI --role primary|replica|shard|archive [--disk 500G | --disk-bytes N]
            [--cores N] [--memory 64G] [--notes TEXT]
                             add a node, or update the URI's node (options left out keep their values)
  nodes remove NAME          remove a node from the catalogue (its connection and history stay)
  copy URI --table T --partition P --to NODE [--dry-run] [--max-buffer-bytes N] [--chunk-rows N]
                             plan a copy of a partition to a node, sized ahead, verified by chunk
  move URI --table T --partition P --to NODE [same options] [--smoke ROWS:SQL ...]
                             plan a move: the copy, then the partition replaced by a postgres_fdw foreign table;
                             validated after it ran (and by each smoke query, which must return ROWS rows)
  rebalance plan|show [--threshold 80] [--horizon 24] [--c 1.25] [--tuples-per-core N]
            [--copy-rate-mib 64] [--smoke ROWS:SQL ...]
                             over the node catalogue: which node will cross its saturation line, when and how
                             likely (show); the moves that prevent it, stored as a plan to approve (plan)
  journal enable|disable|status URI --table T
                             the point-in-time change journal of a table (triggers in the database)
  snapshot URI --table T [--partition P] [--repository DIR]
                             read the journal off and take a consistent, incremental snapshot
  asof URI --table T [--partition P] --at TIME [--csv|--json|--checksum]
                             rows as they were at TIME (ISO 8601 or back from now: -2h)
  diff URI --table T [--partition P] --from TIME --to TIME
                             rows added, removed and changed between two moments
  restore URI --table T [--partition P] --at TIME --into NEW
                             a new table holding the rows as of TIME, verified by checksum
  prune URI --table T --keep-from TIME
                             drop snapshots and journal no moment from TIME on needs
  segments URI [--table T [--set KEY=VALUE ...]]
                             log segments: size, growth, dead space, priority, predicted size, queues
  compact URI [--table T [--partition P]]
                             plan rewriting bloated sealed segments and merging small ones (or the one named)
  archive URI --to DIR [--table T [--partition P]]
                             plan archiving the segments the forecast says must go (or the one named)
  restore-archive URI MANIFEST
                             plan loading an archived segment back, verified (docs/log-segments.md)
  agent (--listen 127.0.0.1:PORT | --socket PATH) --token-file FILE
                             serve prebackup/postbackup/status/cancel to backup schedulers (docs/agent-protocol.md)

URIs: sqlite:///absolute/path.db, postgresql://user@host:port/db or 'host=… dbname=…'
  Passwords: ~/.pgpass (or PGPASSFILE) or the keychain, not the URI (visible in ps; used for that run only)
Options:
  --store PATH   metadata store (default: $XDG_DATA_HOME/tidemark/tidemark.db)
  --json         machine-readable output on stdout
  --help, --version
Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 not partitioned, 5 busy or locked,
  6 plan is stale, 7 wrong plan state, 8 verification failed, 9 metadata store unusable,
  10 cancelled, 11 not ready for the backup (deadline, window or load).
)";

// Options that take a value; everything else starting with -- is a flag.
const std::set<std::string> kValueOptions = {
    "--store", "--table", "--seconds", "--rows", "--partitions", "--seed", "--set", "--key", "--at", "--reason",
    "--lock-timeout", "--max-ops", "--leave-out",
    // forecast, monitor
    "--csv", "--period", "--horizon", "--step", "--partition", "--metric", "--method", "--interval", "--count",
    // prebackup, postbackup, policy, agent
    "--deadline", "--policy", "--max-lock-seconds", "--max-rewrite-bytes", "--window", "--busy-writes-per-second",
    "--busy-active-sessions", "--wait-busy", "--listen", "--socket", "--token-file", "--max-clients", "--idle-timeout",
    "--max-unauthenticated", "--auth-timeout",
    // nodes
    "--role", "--disk", "--disk-bytes", "--cores", "--memory", "--notes",
    // copy, move
    "--to", "--max-buffer-bytes", "--chunk-rows", "--smoke",
    // rebalance
    "--threshold", "--c", "--tuples-per-core", "--copy-rate-mib",
    // point in time
    "--repository", "--from", "--into", "--keep-from"};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tidemark-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TIDEMARK_VERSION_STRING));
    using namespace tidemark::cli;

    Env env;
    std::vector<std::string> words;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            return kExitOk;
        }
        if (a == "--version") {
            std::printf("tidemark-cli %s\n", TIDEMARK_VERSION_STRING);
            return kExitOk;
        }
        if (a.rfind("--", 0) == 0) {
            std::string name = a, value;
            if (const auto eq = a.find('='); eq != std::string::npos) {
                name = a.substr(0, eq);
                value = a.substr(eq + 1);
            } else if (kValueOptions.count(a) && !(a == "--csv" && !words.empty() && words[0] == "asof")) {
                if (i + 1 >= argc)
                    return usageError(env, "option " + a + " needs a value");
                value = argv[++i];
            }
            env.args.options.emplace(name, value);
        } else {
            words.push_back(a);
        }
    }
    env.json = env.args.has("--json");
    env.storePath = env.args.value("--store", tidemark::app::defaultStorePath().toStdString());
    env.who = tidemark::app::currentUser().toStdString();
    if (words.empty()) {
        std::fputs(kUsage, stderr);
        return kExitUsage;
    }
    env.args.command = words[0];
    std::size_t firstArg = 1;
    if (words[0] == "demo") {
        if (words.size() < 2)
            return usageError(env, "demo needs a subcommand: init or load");
        env.args.command = "demo " + words[1];
        firstArg = 2;
    }
    if (words[0] == "journal") {
        if (words.size() < 2)
            return usageError(env, "journal needs a subcommand: enable, disable or status");
        env.args.command = "journal " + words[1];
        firstArg = 2;
    }
    env.args.positional.assign(words.begin() + static_cast<std::ptrdiff_t>(firstArg), words.end());
    if (auto taken = takeDatabaseArguments(env); !taken)
        return report(env, taken.error());

    // Tests arm a named crash point to prove recovery after a real kill.
    if (const char *crashAt = std::getenv("TIDEMARK_CRASH_AT"))
        tidemark::CrashPoints::arm(
            crashAt, std::getenv("TIDEMARK_CRASH_MARKER") ? std::getenv("TIDEMARK_CRASH_MARKER") : "",
            std::string_view(std::getenv("TIDEMARK_CRASH_ACTION") ? std::getenv("TIDEMARK_CRASH_ACTION") : "") ==
                "stop");

    env.plugins = tidemark::app::loadConnectorPlugins(env.registry);

    const std::string &c = env.args.command;
    if (c == "scan") return cmdScan(env);
    if (c == "plan") return cmdPlan(env);
    if (c == "show") return cmdShow(env);
    if (c == "approve") return cmdApprove(env);
    if (c == "reject") return cmdReject(env);
    if (c == "apply") return cmdApply(env);
    if (c == "status") return cmdStatus(env);
    if (c == "settings") return cmdSettings(env);
    if (c == "plugins") return cmdPlugins(env);
    if (c == "adopt") return cmdAdopt(env);
    if (c == "checksum") return cmdChecksum(env);
    if (c == "forecast") return cmdForecast(env);
    if (c == "monitor") return cmdMonitor(env);
    if (c == "prebackup") return cmdPreBackup(env);
    if (c == "postbackup") return cmdPostBackup(env);
    if (c == "policy") return cmdPolicy(env);
    if (c == "agent") return cmdAgent(env);
    if (c == "nodes") return cmdNodes(env);
    if (c == "copy" || c == "move") return cmdCopy(env);
    if (c == "rebalance") return cmdRebalance(env);
    if (c.rfind("journal ", 0) == 0) return cmdJournal(env);
    if (c == "snapshot") return cmdSnapshot(env);
    if (c == "asof") return cmdAsOf(env);
    if (c == "diff") return cmdDiff(env);
    if (c == "restore") return cmdRestore(env);
    if (c == "prune") return cmdPrune(env);
    if (c == "segments") return cmdSegments(env);
    if (c == "compact") return cmdCompact(env);
    if (c == "archive") return cmdArchive(env);
    if (c == "restore-archive") return cmdRestoreArchive(env);
    if (c == "demo init") return cmdDemoInit(env);
    if (c == "demo load") return cmdDemoLoad(env);
    return usageError(env, "unknown command \"" + c + "\"");
}
