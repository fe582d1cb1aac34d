// Point-in-time journal benchmark, against its anchor in one run:
//  1. write throughput of the same workload (per transaction: update one
//     row, insert one row) on a partitioned table without history, with
//     Tidemark's change journal, and with the periods extension's system
//     versioning (postgresql-15-periods: a history table filled by
//     triggers) — the overhead of each against the plain table;
//  2. the time `asof` takes for one partition (snapshot + journal replay).
// Starts its own private server (tests/support); prints ratios.
//   bench_pitr_journal [--seconds N] [--clients N]   (default 5 s per run, 4 clients)
#include <QCoreApplication>
#include <QTemporaryDir>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "journal/point_in_time.h"
#include "pg_connection.h"
#include "postgres_connector.h"
#include "postgres_server.h"
#include "store/metadata_store.h"

using namespace tidemark;
using tidemark::postgres::PgConnection;
using tidemark::postgres::PostgresConnector;
using tidemark::test::PostgresServer;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "bench_pitr_journal: %s\n", what.c_str());
    std::exit(1);
}

void sql(const PostgresServer &pg, const QString &text)
{
    QString err;
    if (!pg.psql(text, nullptr, &err))
        die(err.toStdString());
}

QString tableSql(const QString &name, bool partitioned)
{
    QString s = QStringLiteral("CREATE TABLE %1(id bigint NOT NULL, k int, v text, n numeric%2)%3;")
                    .arg(name, partitioned ? QString() : QStringLiteral(", PRIMARY KEY (id)"),
                         partitioned ? QStringLiteral(" PARTITION BY RANGE (id)") : QString());
    if (partitioned) {
        for (int p = 0; p < 4; ++p)
            s += QStringLiteral("CREATE TABLE %1_p%2 PARTITION OF %1 FOR VALUES FROM (%3) TO (%4);")
                     .arg(name)
                     .arg(p)
                     .arg(p * 1000000)
                     .arg((p + 1) * 1000000);
        s += QStringLiteral("ALTER TABLE %1 ADD PRIMARY KEY (id);").arg(name);
    }
    s += QStringLiteral("INSERT INTO %1 SELECT i, i % 7, 'row ' || i, i * 0.5 FROM generate_series(0, 3999999, 40) i;")
             .arg(name);
    return s;
}

// Transactions per second of `clients` sessions for `seconds`.
double run(const std::string &uri, const std::string &table, int clients, double seconds)
{
    std::atomic<long> done{0};
    std::atomic<bool> stop{false};
    std::atomic<long> nextId{5000000};
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
            auto db = PgConnection::open(uri);
            if (!db)
                die(db.error().message);
            std::mt19937 rng(unsigned(c + 1));
            while (!stop) {
                const long id = long(rng() % 100000) * 40;
                const long fresh = nextId++;
                const std::string tx = fmt::format(
                    "BEGIN; UPDATE {0} SET n = n + 1, v = 'u' WHERE id = {1}; INSERT INTO {0} VALUES ({2}, 1, 'new', "
                    "1) ON CONFLICT DO NOTHING; COMMIT",
                    table, id % 4000000, 3000000 + fresh % 1000000);
                if ((*db)->exec(tx))
                    ++done;
                else
                    (*db)->rollback();
            }
        });
    const auto t0 = Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto &t : threads)
        t.join();
    return double(done) / std::chrono::duration<double>(Clock::now() - t0).count();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    double seconds = 5;
    int clients = 4;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string(argv[i]) == "--seconds")
            seconds = std::atof(argv[++i]);
        else if (std::string(argv[i]) == "--clients")
            clients = std::atoi(argv[++i]);
    }
    auto pg = PostgresServer::start();
    if (!pg->ok())
        die(pg->error().toStdString());
    qputenv("PGPASSFILE", pg->pgpassFile().toUtf8());
    const std::string uri = pg->uri().toStdString();
    sql(*pg, tableSql(QStringLiteral("plain"), true));
    sql(*pg, tableSql(QStringLiteral("journaled"), true));
    sql(*pg, tableSql(QStringLiteral("versioned"), true));
    auto c = PostgresConnector::open(uri);
    if (!c)
        die(c.error().message);
    if (auto r = (*c)->enableJournal("journaled"); !r)
        die(r.error().message);
    QString err;
    bool periods = pg->psql(QStringLiteral("CREATE EXTENSION periods CASCADE; "
                                           "SELECT periods.add_system_time_period('versioned'); "
                                           "SELECT periods.add_system_versioning('versioned');"),
                            nullptr, &err);
    std::string periodsTable = "versioned";
    if (!periods) {
        // periods may refuse a partitioned table: version a plain twin instead.
        std::printf("periods on the partitioned table: %s -> anchor on an unpartitioned twin\n",
                    err.trimmed().toStdString().c_str());
        sql(*pg, tableSql(QStringLiteral("versioned_flat"), false));
        sql(*pg,
            QStringLiteral("CREATE EXTENSION IF NOT EXISTS periods CASCADE; "
                           "SELECT periods.add_system_time_period('versioned_flat'); "
                           "SELECT periods.add_system_versioning('versioned_flat');"));
        sql(*pg, tableSql(QStringLiteral("plain_flat"), false));
        periodsTable = "versioned_flat";
    }
    std::printf("workload: %d clients, %.0f s per run, per transaction UPDATE one row + INSERT one row\n", clients,
                seconds);
    const double plain1 = run(uri, "plain", clients, seconds);
    const double journaled = run(uri, "journaled", clients, seconds);
    const double versioned = run(uri, periodsTable, clients, seconds);
    const double plainFlat = periods ? 0 : run(uri, "plain_flat", clients, seconds);
    const double plain2 = run(uri, "plain", clients, seconds);
    const double plain = (plain1 + plain2) / 2;
    const double periodsBase = periods ? plain : plainFlat;
    std::printf("plain table                 %8.0f tx/s\n", plain);
    std::printf("Tidemark journal            %8.0f tx/s  overhead %5.1f %%\n", journaled,
                100.0 * (1 - journaled / plain));
    std::printf("periods system versioning   %8.0f tx/s  overhead %5.1f %% (against %s %.0f tx/s)\n", versioned,
                100.0 * (1 - versioned / periodsBase), periods ? "the plain table" : "its plain twin", periodsBase);
    std::printf("ratio of overheads (journal / periods): %.2f  (target <= 1)\n",
                (1 - journaled / plain) / std::max(1e-9, 1 - versioned / periodsBase));

    // As of: a snapshot, more writes, then one partition as of a moment between.
    QTemporaryDir dir;
    auto store = MetadataStore::open(dir.filePath(QStringLiteral("store.db")).toStdString());
    if (!store)
        die(store.error().message);
    auto conn = (*store)->ensureConnection(uri);
    if (!conn)
        die(conn.error().message);
    auto repo =
        SnapshotRepository::open((*store)->path(), conn->id, dir.filePath(QStringLiteral("repo")).toStdString());
    if (!repo)
        die(repo.error().message);
    auto t0 = Clock::now();
    auto snap = takeSnapshot(**c, **repo, "journaled", "journaled_p0");
    if (!snap)
        die(snap.error().message);
    const double snapSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
    run(uri, "journaled", clients, 2);
    const auto moment =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    run(uri, "journaled", clients, 1);
    t0 = Clock::now();
    auto asof = readAsOf(**c, **repo, "journaled", "journaled_p0", moment);
    if (!asof)
        die(asof.error().message);
    const double asofSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("snapshot of journaled_p0: %lld rows in %.3f s (journal read off: %lld changes)\n",
                static_cast<long long>(snap->snapshot.rows), snapSeconds,
                static_cast<long long>(snap->harvest.changes));
    std::printf("asof journaled_p0: %lld rows, %lld changes replayed, %.3f s\n",
                static_cast<long long>(asof->checksum.rows), static_cast<long long>(asof->changesApplied), asofSeconds);
    return 0;
}
