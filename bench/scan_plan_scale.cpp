// Scan and plan at scale, as a DBA runs them (docs/benchmarks.md):
//  `tidemark-cli scan URI` and `tidemark-cli plan URI` (and `plan --json`)
//  timed as processes against
//   - a private PostgreSQL server (tests/support) holding
//     range-partitioned tables of N partitions in all (20 rows each), written with a
//     skew between two scans a few seconds apart (updates on the first 2 %
//     of the key space, inserts at its end), so the planner proposes splits
//     of the hot partitions and merges of the cold ones (10,000 partitions
//     are 10 tables of 1,000);
//   - the SQLite demo (`tidemark-cli demo init --partitions N`, then
//     `demo load`) when --sqlite is given;
//  at N = 1,000 and 10,000. Prints the wall seconds of each command, the
//  plan's steps (merge_cold_partitions = 1, so cold neighbours are merged) and SQL bytes (as `plan --json` shows them)
//  and the store file's growth per plan, against the target: scan + plan < 2 s at 10,000.
//   bench_scan_plan_scale [--sizes 1000,10000] [--sqlite] [--keep DIR] [--baseline DIR]
//     --baseline: also time the tidemark-cli of another build (DIR/bin and
//       DIR/lib, e.g. a copy of the build before a change) on the same
//       databases, each with its own store.
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "postgres_test_util.h"

using namespace tidemark;
using namespace tidemark::test;
using tidemark::postgres::PgConnection;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRowsPerPartition = 20;
constexpr int kKeysPerPartition = 1000;
constexpr double kTargetSeconds = 2.0;

[[noreturn]] void die(const QString &what)
{
    std::fprintf(stderr, "bench_scan_plan_scale: %s\n", qPrintable(what));
    std::exit(1);
}

void mustRun(PgConnection &c, const std::string &sql)
{
    if (auto r = c.exec(sql); !r)
        die(QString::fromStdString(sql.substr(0, 200) + ": " + r.error().message));
}

/// The store file with its WAL, in bytes.
qint64 storeBytes(const QString &store)
{
    return QFileInfo(store).size() + QFileInfo(store + QStringLiteral("-wal")).size();
}

struct Timed {
    double seconds = 0;
    ProcessResult result;
};

/// tidemark-cli against the bench's own metadata store.
struct Cli {
    QString store;
    QStringList env;
    QString program;
    Timed operator()(const QStringList &args) const
    {
        const auto t0 = Clock::now();
        Timed t{0, run(program, QStringList{QStringLiteral("--store"), store} + args, env, 3600000)};
        t.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        if (t.result.exitCode != 0 || t.result.crashed)
            die(QStringLiteral("tidemark-cli %1 exited %2:\n%3\n%4")
                    .arg(args.join(u' '))
                    .arg(t.result.exitCode)
                    .arg(t.result.out.left(3000), t.result.err.left(3000)));
        return t;
    }
};

struct Figures {
    QString engine;
    int partitions = 0;
    double scan = 0, plan = 0, planJson = 0, show = 0;
    int splits = 0, merges = 0;
    qint64 sqlBytes = 0, growthPerPlan = 0, storeAfter = 0;
};

/// scan (baseline), writes, scan, then plan and plan --json; `write` runs
/// the skewed writes between the scans.
template <typename Write>
Figures measure(const QString &engine, int partitions, const Cli &cli, const QString &uri, Write write)
{
    Figures f;
    f.engine = engine;
    f.partitions = partitions;
    // Merge cold neighbours even where a merge saves no backup bytes: the
    // plan then holds the large merges whose SQL and storage are measured.
    cli({QStringLiteral("settings"), uri, QStringLiteral("--set"), QStringLiteral("merge_cold_partitions=1")});
    cli({QStringLiteral("scan"), uri});
    write();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    f.scan = cli({QStringLiteral("scan"), uri}).seconds;
    const qint64 before = storeBytes(cli.store);
    f.plan = cli({QStringLiteral("plan"), uri}).seconds;
    const qint64 middle = storeBytes(cli.store);
    const Timed json = cli({QStringLiteral("--json"), QStringLiteral("plan"), uri});
    f.planJson = json.seconds;
    f.storeAfter = storeBytes(cli.store);
    f.growthPerPlan = ((middle - before) + (f.storeAfter - middle)) / 2;
    const QJsonObject plan = QJsonDocument::fromJson(json.result.out.toUtf8()).object();
    for (const auto &s : plan.value(QStringLiteral("steps")).toArray()) {
        const QJsonObject step = s.toObject();
        f.sqlBytes += step.value(QStringLiteral("sql")).toString().toUtf8().size();
        const QString kind = step.value(QStringLiteral("kind")).toString();
        f.splits += kind == QStringLiteral("split");
        f.merges += kind == QStringLiteral("merge");
    }
    if (const int id = plan.value(QStringLiteral("id")).toInt(); id > 0)
        f.show = cli({QStringLiteral("show"), QString::number(id)}).seconds;
    return f;
}

/// N partitions as ceil(N / 1,000) tables of up to 1,000 (a CREATE … PARTITION
/// OF rebuilds the parent's partition map, so one table of 10,000 takes
/// PostgreSQL minutes to build); the same database for every CLI measured.
struct PgDatabase {
    QString uri;
    std::vector<std::string> tables;
    int partitions = 0;
};

PgDatabase postgresDatabase(PostgresServer &pg, int partitions)
{
    PgDatabase d;
    d.partitions = partitions;
    const QString db = QStringLiteral("scale_%1").arg(partitions);
    QString error;
    if (!pg.createDatabase(db, &error))
        die(error);
    d.uri = pg.uri(QStringLiteral("postgres"), db);
    auto c = PgConnection::open(str(d.uri));
    if (!c)
        die(explain(c.error()));
    PgConnection &raw = **c;
    for (int t = 0, left = partitions; left > 0; ++t, left -= 1000) {
        const int n = std::min(left, 1000);
        const std::string table = fmt::format("public.events_{}", t);
        d.tables.push_back(table);
        mustRun(raw,
                fmt::format("CREATE TABLE {} (id bigint NOT NULL, account int NOT NULL, amount int NOT NULL, "
                            "note text) PARTITION BY RANGE (id)",
                            table));
        // Batches of 250 partitions per transaction keep the lock table small.
        for (int start = 0; start < n; start += 250) {
            std::string sql;
            for (int i = start; i < std::min(n, start + 250); ++i)
                sql += fmt::format("CREATE TABLE {0}_p{1} PARTITION OF {0} FOR VALUES FROM ({2}) TO ({3});", table, i,
                                   std::int64_t(i) * kKeysPerPartition, std::int64_t(i + 1) * kKeysPerPartition);
            mustRun(raw, sql);
        }
        mustRun(raw,
                fmt::format("INSERT INTO {} SELECT g, g % 97, g % 1000, 'n' || g FROM generate_series(0, {}, {}) g",
                            table, std::int64_t(n) * kKeysPerPartition - 1, kKeysPerPartition / kRowsPerPartition));
        mustRun(raw, "ANALYZE " + table);
    }
    return d;
}

/// Updates on the first 2 % of each table's keys, inserts at its end.
void skewedWrites(const PgDatabase &d)
{
    auto w = PgConnection::open(str(d.uri));
    if (!w)
        die(explain(w.error()));
    const int per = std::min(d.partitions, 1000);
    const std::int64_t hot = std::max(2, per / 50) * kKeysPerPartition;
    const std::int64_t end = std::int64_t(per) * kKeysPerPartition;
    for (const auto &table : d.tables) {
        for (int round = 0; round < 20; ++round)
            mustRun(**w, fmt::format("UPDATE {} SET amount = amount + 1 WHERE id < {}", table, hot));
        mustRun(**w,
                fmt::format("INSERT INTO {} SELECT g, 1, 1, 'late' FROM generate_series({}, {}) g WHERE g % {} <> 0",
                            table, end - 2 * kKeysPerPartition, end - 1, kKeysPerPartition / kRowsPerPartition));
    }
    w->reset(); // the backend's statistics are flushed when it exits
}

Figures sqliteCase(const Cli &cli, const QString &label, int partitions, const QString &dir)
{
    const QString path = dir + QStringLiteral("/demo_%1_%2.db").arg(label).arg(partitions);
    cli({QStringLiteral("demo"), QStringLiteral("init"), path, QStringLiteral("--partitions"),
         QString::number(partitions), QStringLiteral("--rows"), QString::number(partitions * kRowsPerPartition)});
    const QString uri = QStringLiteral("sqlite://") + path;
    return measure(QStringLiteral("SQLite ") + label, partitions, cli, uri, [&] {
        cli({QStringLiteral("demo"), QStringLiteral("load"), path, QStringLiteral("--seconds"), QStringLiteral("3")});
    });
}

void print(const Figures &f)
{
    std::printf("%-16s %6d  scan %6.2f s  plan %6.2f s  plan --json %6.2f s  show %6.2f s  scan+plan %6.2f s%s\n"
                "           steps %d split / %d merge  SQL %.2f MB  store +%.2f MB per plan (%.1f MB)\n",
                qPrintable(f.engine), f.partitions, f.scan, f.plan, f.planJson, f.show, f.scan + f.plan,
                f.partitions >= 10000
                    ? (f.scan + f.plan < kTargetSeconds ? "  (target < 2 s: met)" : "  (target < 2 s: NOT met)")
                    : "",
                f.splits, f.merges, double(f.sqlBytes) / 1e6, double(f.growthPerPlan) / 1e6,
                double(f.storeAfter) / 1e6);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    std::vector<int> sizes{1000, 10000};
    if (const int i = int(args.indexOf(QStringLiteral("--sizes"))); i > 0 && i + 1 < args.size()) {
        sizes.clear();
        for (const auto &s : args[i + 1].split(u','))
            sizes.push_back(s.toInt());
    }
    const bool withSqlite = args.contains(QStringLiteral("--sqlite"));
    QTemporaryDir tmp;
    QString dir = tmp.path();
    if (const int i = int(args.indexOf(QStringLiteral("--keep"))); i > 0 && i + 1 < args.size()) {
        dir = args[i + 1];
        QDir().mkpath(dir);
    }
    // --baseline DIR: also time another build's tidemark-cli (DIR/bin, its
    // libraries in DIR/lib) on the same databases, e.g. the one before a change.
    std::vector<std::pair<QString, Cli>> clis;
    if (const int i = int(args.indexOf(QStringLiteral("--baseline"))); i > 0 && i + 1 < args.size())
        clis.push_back({QStringLiteral("baseline"),
                        Cli{{},
                            {QStringLiteral("LD_LIBRARY_PATH=") + args[i + 1] + QStringLiteral("/lib")},
                            args[i + 1] + QStringLiteral("/bin/tidemark-cli")}});
    clis.push_back({QStringLiteral("this build"), Cli{{}, {}, binary(QStringLiteral("tidemark-cli"))}});
    PostgresServer::Options options;
    auto pg = PostgresServer::start(options);
    if (!pg->ok())
        die(pg->error());
    usePgpass(*pg);
    std::printf("scan and plan as processes (tidemark-cli), other work running on the machine; PostgreSQL: tables "
                "of up to 1,000 partitions, %d rows per partition; merge_cold_partitions = 1\n",
                kRowsPerPartition);
    for (int n : sizes) {
        const PgDatabase d = postgresDatabase(*pg, n);
        for (auto &[label, base] : clis) {
            Cli cli = base;
            cli.store = dir + QStringLiteral("/pg_%1_%2.db").arg(n).arg(label == QStringLiteral("baseline") ? 0 : 1);
            cli.env += pg->environment();
            print(measure(QStringLiteral("PG ") + label, n, cli, d.uri, [&] { skewedWrites(d); }));
        }
    }
    if (withSqlite)
        for (int n : sizes)
            for (auto &[label, base] : clis) {
                Cli cli = base;
                cli.store =
                    dir + QStringLiteral("/sqlite_%1_%2.db").arg(n).arg(label == QStringLiteral("baseline") ? 0 : 1);
                print(sqliteCase(
                    cli, label == QStringLiteral("baseline") ? QStringLiteral("baseline") : QStringLiteral("this"), n,
                    dir));
            }
    return 0;
}
