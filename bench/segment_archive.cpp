// Log segment benchmark on a private PostgreSQL server, against its anchors
// in one run, all through the commands users run:
//  1. archive throughput and compression of one sealed segment:
//     `tidemark-cli apply` of an archive plan (export from one snapshot,
//     zstd, manifest, the file read back and verified, then the segment
//     detached and dropped) against `pg_dump -t SEGMENT --data-only | zstd`
//     and `COPY SEGMENT TO STDOUT | zstd` (psql) on the same segment, at the
//     zstd level Tidemark uses (3);
//  2. the longest insert stall into the active segment while a sealed
//     segment is archived, and while one is compacted (`tidemark-cli apply`
//     of a compact plan), against `VACUUM FULL` of a sealed segment;
//  3. the time of a compaction against `VACUUM FULL` of the same bloat.
// Prints MB/s, ratios and stalls.
//   bench_segment_archive [--rows N]   (rows per daily segment, default 400000)
#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "pg_connection.h"
#include "postgres_server.h"
#include "test_support.h"

using tidemark::postgres::PgConnection;
using tidemark::test::PostgresServer;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "bench_segment_archive: %s\n", what.c_str());
    std::exit(1);
}

double seconds(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Bench {
    std::unique_ptr<PostgresServer> pg;
    QTemporaryDir dir;
    QString uri, store;
    std::unique_ptr<PgConnection> db;
    int databases = 0;

    std::int64_t scalar(const std::string &sql)
    {
        auto v = db->scalar(sql);
        if (!v)
            die(v.error().message);
        return *v;
    }
    void exec(const std::string &sql)
    {
        if (auto r = db->exec(sql); !r)
            die(r.error().message);
    }

    tidemark::test::ProcessResult cli(const QStringList &args)
    {
        return tidemark::test::run(tidemark::test::binary(QStringLiteral("tidemark-cli")),
                                   QStringList{QStringLiteral("--store"), store} + args,
                                   {QStringLiteral("PGPASSFILE=") + pg->pgpassFile()}, 3600000);
    }
    QJsonObject json(const QStringList &args)
    {
        const auto r = cli(QStringList{QStringLiteral("--json")} + args);
        if (r.exitCode != 0)
            die(fmt::format("tidemark-cli {} exited {}: {}", args.join(u' ').toStdString(), r.exitCode,
                            r.err.toStdString()));
        return QJsonDocument::fromJson(r.out.toUtf8()).object();
    }
    /// A plan made by `args`, approved; then the wall time of its apply.
    double applyPlan(const QStringList &args)
    {
        const QJsonObject plan = json(args);
        if (plan.value(QStringLiteral("steps")).toArray().isEmpty())
            die("the plan has no steps: " + plan.value(QStringLiteral("summary")).toString().toStdString());
        const QString id = QString::number(plan.value(QStringLiteral("id")).toInteger());
        if (cli({QStringLiteral("approve"), id}).exitCode != 0)
            die("approve failed");
        const auto t0 = Clock::now();
        const auto r = cli({QStringLiteral("apply"), id});
        const double s = seconds(t0);
        if (r.exitCode != 0)
            die("apply failed: " + r.err.toStdString());
        return s;
    }
    /// Seconds of a shell pipeline (bash -o pipefail -c).
    double shell(const QString &line)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGPASSFILE"), pg->pgpassFile());
        p.setProcessEnvironment(env);
        const auto t0 = Clock::now();
        p.start(QStringLiteral("bash"), {QStringLiteral("-o"), QStringLiteral("pipefail"), QStringLiteral("-c"), line});
        if (!p.waitForFinished(3600000) || p.exitCode() != 0)
            die("failed: " + line.toStdString() + "\n" + p.readAllStandardOutput().toStdString());
        return seconds(t0);
    }
};

/// Inserts into the active segment until stopped; the longest single insert.
struct Writer {
    std::atomic<bool> stop{false};
    std::atomic<long> rows{0}, failures{0};
    double longest = 0.0;
    std::thread thread;

    void start(const std::string &uri)
    {
        thread = std::thread([this, uri] {
            auto db = PgConnection::open(uri);
            if (!db)
                die(db.error().message);
            static std::atomic<long> next{0}; // unique keys across every writer of the run
            while (!stop) {
                const long n = next++;
                const auto t0 = Clock::now();
                const auto r =
                    (*db)->exec(fmt::format("INSERT INTO events (id, at, kind, payload) VALUES ({}, '2026-12-04 "
                                            "12:00+00'::timestamptz + {} * interval '1 ms', 'live', 'x')",
                                            100'000'000 + n, n));
                if (!r && failures == 0)
                    std::fprintf(stderr, "insert failed: %s\n", r.error().message.c_str());
                longest = std::max(longest, seconds(t0));
                (r ? rows : failures)++;
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        });
    }
    double finish()
    {
        stop = true;
        thread.join();
        return longest;
    }
};

QString schemaSql(long rowsPerSegment)
{
    const long step = 86'400'000 / rowsPerSegment; // ms between rows: rowsPerSegment per day
    return QStringLiteral(
               "CREATE TABLE events (id bigint NOT NULL, at timestamptz NOT NULL, kind text, payload text, "
               "meta jsonb, PRIMARY KEY (at, id)) PARTITION BY RANGE (at);"
               "CREATE TABLE events_d1 PARTITION OF events FOR VALUES FROM ('2026-12-01 00:00+00') TO ('2026-12-02 "
               "00:00+00');"
               "CREATE TABLE events_d2 PARTITION OF events FOR VALUES FROM ('2026-12-02 00:00+00') TO ('2026-12-03 "
               "00:00+00');"
               "CREATE TABLE events_d3 PARTITION OF events FOR VALUES FROM ('2026-12-03 00:00+00') TO ('2026-12-04 "
               "00:00+00');"
               "CREATE TABLE events_d4 PARTITION OF events FOR VALUES FROM ('2026-12-04 00:00+00') TO ('2026-12-05 "
               "00:00+00');"
               "INSERT INTO events SELECT g, '2026-12-01 00:00+00'::timestamptz + g * interval '%1 ms', "
               "(ARRAY['click', 'view', 'buy', 'login'])[1 + g % 4], md5(g::text) || ' session ' || (g % 977), "
               "jsonb_build_object('user', g % 10007, 'ms', g % 1000) FROM generate_series(0, %2) g;"
               "VACUUM ANALYZE events;")
        .arg(step)
        .arg(3 * rowsPerSegment - 1);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    long rows = 400000;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--rows")
            rows = std::max(10000L, std::atol(argv[++i]));
    Bench b;
    b.pg = PostgresServer::start();
    if (!b.pg->ok())
        die(b.pg->error().toStdString());
    b.uri = b.pg->uri();
    b.store = b.dir.filePath(QStringLiteral("store.db"));
    qputenv("PGPASSFILE", b.pg->pgpassFile().toUtf8());
    QString err;
    if (!b.pg->psql(schemaSql(rows), nullptr, &err))
        die(err.toStdString());
    auto db = PgConnection::open(b.uri.toStdString());
    if (!db)
        die(db.error().message);
    b.db = std::move(*db);
    const std::int64_t segmentBytes = b.scalar("SELECT pg_relation_size('events_d2')");
    const double mb = double(segmentBytes) / 1e6;
    std::printf("segment events_d2: %ld rows, %.1f MB (table only, no indexes); zstd level 3 everywhere\n", rows, mb);

    const QString conn = QStringLiteral("-h %1 -p %2 -U postgres -d %3")
                             .arg(b.pg->socketDir())
                             .arg(b.pg->port())
                             .arg(b.pg->database());
    const QString dumpFile = b.dir.filePath(QStringLiteral("d2.pg_dump.zst"));
    const QString copyFile = b.dir.filePath(QStringLiteral("d2.copy.zst"));
    const double dump = b.shell(QStringLiteral("pg_dump %1 -t events_d2 --data-only | zstd -3 -q -o %2")
                                    .arg(conn, dumpFile));
    const double copy =
        b.shell(QStringLiteral("psql %1 -X -q -c 'COPY events_d2 TO STDOUT' | zstd -3 -q -o %2").arg(conn, copyFile));

    const QString archives = b.dir.filePath(QStringLiteral("archives"));
    QDir().mkpath(archives);
    Writer w1;
    w1.start(b.uri.toStdString());
    const double archive = b.applyPlan({QStringLiteral("archive"), b.uri, QStringLiteral("--to"), archives,
                                        QStringLiteral("--table"), QStringLiteral("events"),
                                        QStringLiteral("--partition"), QStringLiteral("events_d2")});
    const double archiveStall = w1.finish();
    const QString archiveFile = archives + QStringLiteral("/events.events_d2.copy.zst");
    auto sizeOf = [](const QString &f) { return double(QFileInfo(f).size()); };

    std::printf("\narchive of one sealed segment       seconds    MB/s   compression\n");
    std::printf("  pg_dump -t | zstd                 %7.2f  %6.1f   %5.2f×\n", dump, mb / dump,
                segmentBytes / sizeOf(dumpFile));
    std::printf("  COPY TO STDOUT | zstd (psql)      %7.2f  %6.1f   %5.2f×\n", copy, mb / copy,
                segmentBytes / sizeOf(copyFile));
    std::printf("  tidemark-cli apply (archive)      %7.2f  %6.1f   %5.2f×   verified, detached and dropped\n",
                archive, mb / archive, segmentBytes / sizeOf(archiveFile));
    const double fastest = std::min(dump, copy);
    std::printf("  throughput ratio Tidemark / fastest anchor: %.2f (target >= 1.0)\n", fastest / archive);

    // Compaction against VACUUM FULL, on the same bloat of two sealed segments.
    b.exec("DELETE FROM events_d1 WHERE id % 3 <> 0; DELETE FROM events_d3 WHERE id % 3 <> 0");
    b.exec("VACUUM events_d1");
    b.exec("VACUUM events_d3"); // dead tuples gone, the room stays
    const std::int64_t bloated = b.scalar("SELECT pg_total_relation_size('events_d3')");
    Writer w2;
    w2.start(b.uri.toStdString());
    const auto v0 = Clock::now();
    b.exec("VACUUM FULL events_d1");
    const double vacuumFull = seconds(v0);
    const double vacuumStall = w2.finish();
    Writer w3;
    w3.start(b.uri.toStdString());
    const double compact = b.applyPlan({QStringLiteral("compact"), b.uri, QStringLiteral("--table"),
                                        QStringLiteral("events"), QStringLiteral("--partition"),
                                        QStringLiteral("events_d3")});
    const double compactStall = w3.finish();
    const std::int64_t compacted = b.scalar("SELECT pg_total_relation_size('events_d3')");
    std::printf("\ncompaction of a sealed segment (two rows of three deleted, %.1f MB with indexes)\n",
                double(bloated) / 1e6);
    std::printf("  VACUUM FULL                        %7.2f s\n", vacuumFull);
    std::printf("  tidemark-cli apply (compact)       %7.2f s   %.1f MB → %.1f MB, verified\n", compact,
                double(bloated) / 1e6, double(compacted) / 1e6);
    std::printf("  time ratio Tidemark / VACUUM FULL: %.2f\n", compact / vacuumFull);

    std::printf("\nlongest insert into the active segment (one insert every 2 ms through the table)\n");
    std::printf("  while archiving (tidemark)         %7.3f s\n", archiveStall);
    std::printf("  while compacting (tidemark)        %7.3f s\n", compactStall);
    std::printf("  while VACUUM FULL of a sealed one  %7.3f s\n", vacuumStall);
    std::printf("  target < 0.1 s: %s\n", std::max(archiveStall, compactStall) < 0.1 ? "met" : "NOT met");
    if (w1.failures + w2.failures + w3.failures > 0)
        std::printf("  failed inserts: %ld\n", long(w1.failures + w2.failures + w3.failures));
    return 0;
}
