#pragma once
// tidemark-cli: shared declarations of the command implementations.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <QList>

#include "executor/node_connectors.h"
#include "model/step.h"
#include "host/connector_registry.h"
#include "plugin_loader.h"
#include "result.h"
#include "store/metadata_store.h"

namespace tidemark::cli {

/// Documented in docs/cli.md; stable for scripts.
enum ExitCode : int {
    kExitOk = 0,
    kExitFailed = 1,
    kExitUsage = 2,
    kExitNotFound = 3,
    kExitNotPartitioned = 4,
    kExitBusy = 5,
    kExitStalePlan = 6,
    kExitInvalidState = 7,
    kExitVerificationFailed = 8,
    kExitStore = 9,
    kExitCancelled = 10,
    kExitNotReady = 11, ///< prebackup/postbackup: deadline, window or load kept it from running
};

struct Args {
    std::string command;                 ///< e.g. "plan", "demo init"
    std::vector<std::string> positional;
    std::multimap<std::string, std::string> options; ///< --name value (or "" for flags)
    bool has(const std::string &name) const { return options.count(name) != 0; }
    std::string value(const std::string &name, const std::string &fallback = {}) const;
    std::vector<std::string> values(const std::string &name) const;
};

struct Env {
    Args args;
    bool json = false;
    std::string storePath;
    std::string who;
    ConnectorRegistry registry;
    QList<app::PluginInfo> plugins;
    /// URI as shown (no password) → as given on the command line, with its
    /// password: used to connect during this run only, never shown or stored.
    std::map<std::string, std::string> givenUris;
};

int exitCodeFor(const Error &error);
/// Turns the positional arguments into what commands see: sqlite: URIs
/// canonical, key=value conninfo as a postgresql:// URI, and every password
/// taken out (kept in env.givenUris for this run, with a warning on stderr:
/// a command line is visible to every user of the machine).
Result<void> takeDatabaseArguments(Env &env);
/// Prints the error (and its hint) and returns the matching exit code.
int report(const Env &env, const Error &error);
int usageError(const Env &env, const std::string &message);
Result<std::unique_ptr<MetadataStore>> openStore(const Env &env);

/// What commands that sample or plan a database need together.
struct OpenDatabase {
    std::unique_ptr<Connector> connector;
    std::unique_ptr<MetadataStore> store;
    Connection connection;
};
/// Opens the connector for `uri`, the metadata store and the connection's
/// record (created on first use); the first failure is returned.
Result<OpenDatabase> openDatabase(const Env &env, const std::string &uri);
Result<std::unique_ptr<Connector>> openConnector(const Env &env, const std::string &uri);
/// Opens the other nodes a plan spans through the same registry (and
/// keychain) as openConnector; `env` must outlive the opener.
NodeConnectors::Opener nodeOpener(const Env &env);
/// Parses a positive integer option; an error names the option.
Result<long long> integerOption(const Args &args, const std::string &name, long long fallback);
/// Every --smoke 'ROWS:SQL' given: a query run through the parent table after
/// each move, which must return exactly ROWS rows.
Result<std::vector<SmokeQuery>> smokeQueryOptions(const Args &args);
/// One spelling per database (sqlite: URIs become sqlite:// + canonical path).
std::string canonicalDatabaseUri(const std::string &uri);
std::string humanBytes(double bytes);
std::string formatTime(std::int64_t ms);
/// Real time, or pinned by TIDEMARK_FAKE_NOW (ms since the epoch) for tests.
std::function<std::int64_t()> runClock();

int cmdScan(Env &env);
int cmdPlan(Env &env);
int cmdShow(Env &env);
int cmdApprove(Env &env);
int cmdReject(Env &env);
int cmdApply(Env &env);
int cmdStatus(Env &env);
int cmdSettings(Env &env);
int cmdPlugins(Env &env);
int cmdDemoInit(Env &env);
int cmdDemoInitLog(Env &env); ///< demo init --log
int cmdDemoLoad(Env &env);
int cmdAdopt(Env &env);
int cmdChecksum(Env &env);
int cmdForecast(Env &env);
int cmdMonitor(Env &env);
int cmdPreBackup(Env &env);
int cmdPostBackup(Env &env);
int cmdPolicy(Env &env);
int cmdAgent(Env &env);
int cmdNodes(Env &env);
int cmdCopy(Env &env); ///< copy and move
int cmdRebalance(Env &env);
int cmdJournal(Env &env);
int cmdSnapshot(Env &env);
int cmdAsOf(Env &env);
int cmdDiff(Env &env);
int cmdRestore(Env &env);
int cmdPrune(Env &env);
int cmdSegments(Env &env);
int cmdCompact(Env &env);
int cmdArchive(Env &env);
int cmdRestoreArchive(Env &env);

} // namespace tidemark::cli
