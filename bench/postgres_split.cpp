// PostgreSQL split benchmark, against its anchors in one run:
//  1. rows moved per second by Tidemark's online split, against a plain
//     INSERT … SELECT + DELETE and against pg_partman's partition_data_proc
//     on the same number of rows;
//  2. the longest write stall pgbench sees (per-transaction log) while a
//     partition is split, Tidemark's way against the naive
//     detach-copy-attach under one exclusive lock;
//  3. the longest write stall two writer sessions see (every UPDATE timed,
//     keys uniform over the partition) while Tidemark splits partitions of
//     N/10 and N rows: the stall must not grow with the size.
// Starts its own private server (tests/support); prints ratios.
//   bench_postgres_split [--scale N] [--stall-rows N]
//     --scale: pgbench scale (default 10: 1,000,000 accounts, 6 partitions);
//     --stall-rows: rows of the larger partition of part 3 (default 2,000,000).
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "pg_connection.h"
#include "postgres_connector.h"
#include "postgres_server.h"
#include "timed_writer.h"

using namespace tidemark;
using tidemark::postgres::PgConnection;
using tidemark::postgres::PostgresConnector;
using tidemark::test::PostgresServer;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "bench_postgres_split: %s\n", what.c_str());
    std::exit(1);
}

void must(const Result<void> &r, const char *what)
{
    if (!r)
        die(std::string(what) + ": " + r.error().message);
}

QStringList conn(const PostgresServer &pg)
{
    return {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(pg.port()),
            QStringLiteral("-U"), QStringLiteral("postgres"),  pg.database()};
}

struct KeySpan {
    std::string name;
    std::int64_t lo = 0, hi = 0;
};

KeySpan partitionOf(PostgresConnector &c, std::size_t index, const std::string &table = "pgbench_accounts")
{
    auto t = c.describe(table);
    if (!t)
        die(t.error().message);
    const auto &p = t->partitions.at(index);
    return {p.name, p.bounds.lower.value_or(1), p.bounds.upper.value_or(1 << 30)};
}

Result<StepOutcome> tidemarkSplit(PostgresConnector &c, const KeySpan &p, const std::string &uid,
                                  const std::string &table = "pgbench_accounts")
{
    Step s;
    s.kind = StepKind::Split;
    s.table = table;
    s.uid = uid;
    s.sources = {p.name};
    const std::int64_t mid = p.lo + (p.hi - p.lo) / 2;
    auto t = c.describe(table);
    KeyRange whole;
    for (const auto &q : t->partitions)
        if (q.name == p.name)
            whole = q.bounds;
    NewPartition a, b;
    a.bounds = KeyRange{whole.lower, mid};
    b.bounds = KeyRange{mid, whole.upper};
    a.name = c.partitionNameFor(s.table, a.bounds);
    b.name = c.partitionNameFor(s.table, b.bounds);
    s.repartition().targets = {a, b};
    s.fingerprint = *c.fingerprint(s.table, s.sources);
    ExecutionContext ctx;
    ctx.stepUid = uid;
    ctx.progress = [](double f, std::string_view text) {
        if (f >= 0.85)
            std::printf("    [%s] %.*s\n", "split", int(text.size()), text.data());
    };
    ctx.lockTimeoutMs = 2000;
    return c.execute(s, ctx);
}

// The naive way: everything under one ACCESS EXCLUSIVE lock on the parent.
double naiveSplit(PgConnection &db, const KeySpan &p)
{
    const std::int64_t mid = p.lo + (p.hi - p.lo) / 2;
    const std::string src = db.quoteIdent(p.name);
    const auto t0 = Clock::now();
    must(db.exec("BEGIN; LOCK TABLE pgbench_accounts IN ACCESS EXCLUSIVE MODE"), "naive lock");
    must(db.exec(fmt::format("CREATE TABLE public.naive_a (LIKE {0} INCLUDING ALL); CREATE TABLE public.naive_b (LIKE "
                             "{0} INCLUDING ALL); "
                             "INSERT INTO naive_a SELECT * FROM {0} WHERE aid < {1}; "
                             "INSERT INTO naive_b SELECT * FROM {0} WHERE aid >= {1}; "
                             "ALTER TABLE pgbench_accounts DETACH PARTITION {0}; "
                             "ALTER TABLE pgbench_accounts ATTACH PARTITION naive_a FOR VALUES FROM ({2}) TO ({1}); "
                             "ALTER TABLE pgbench_accounts ATTACH PARTITION naive_b FOR VALUES FROM ({1}) TO ({3}); "
                             "DROP TABLE {0}; COMMIT",
                             src, mid, p.lo, p.hi)),
         "naive split");
    return since(t0);
}

// Longest per-transaction latency pgbench logged, in seconds.
double longestStall(const QString &dir)
{
    double worst = 0;
    for (const QString &f : QDir(dir).entryList({QStringLiteral("pgbench_log*")}, QDir::Files)) {
        QFile file(QDir(dir).filePath(f));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        QTextStream in(&file);
        while (!in.atEnd()) {
            const QStringList cols = in.readLine().split(u' ');
            if (cols.size() >= 3)
                worst = std::max(worst, cols[2].toDouble() / 1e6);
        }
        file.remove();
    }
    return worst;
}

// Runs pgbench updates on [lo, hi) while `work` runs; returns the longest stall.
template <class Work> double stallDuring(const PostgresServer &pg, const QString &dir, const KeySpan &p, Work work)
{
    const QString script = dir + QStringLiteral("/upd.sql");
    QFile f(script);
    f.open(QIODevice::WriteOnly);
    f.write(QStringLiteral(
                "\\set aid random(%1, %2)\nUPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;\n")
                .arg(p.lo)
                .arg(p.hi - 1)
                .toUtf8());
    f.close();
    QProcess bench;
    bench.setWorkingDirectory(dir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGPASSFILE"), pg.pgpassFile());
    bench.setProcessEnvironment(env);
    bench.start(pg.binary(QStringLiteral("pgbench")),
                QStringList{QStringLiteral("-n"), QStringLiteral("-c"), QStringLiteral("2"), QStringLiteral("-T"),
                            QStringLiteral("12"), QStringLiteral("-l"), QStringLiteral("--log-prefix=pgbench_log"),
                            QStringLiteral("-f"), script} +
                    conn(pg));
    bench.waitForStarted();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    work();
    bench.waitForFinished(120000);
    return longestStall(dir);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int scale = 10;
    std::int64_t stallRows = 2000000;
    for (int i = 1; i + 1 < argc; ++i) {
        if (QByteArray(argv[i]) == "--scale")
            scale = std::atoi(argv[i + 1]);
        if (QByteArray(argv[i]) == "--stall-rows")
            stallRows = std::max<std::int64_t>(10000, std::atoll(argv[i + 1]));
    }
    auto pg = PostgresServer::start();
    if (!pg->ok())
        die(pg->error().toStdString());
    qputenv("PGPASSFILE", pg->pgpassFile().toUtf8());
    QProcess init;
    init.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    init.start(pg->binary(QStringLiteral("pgbench")),
               QStringList{QStringLiteral("-i"), QStringLiteral("-q"), QStringLiteral("-s"), QString::number(scale),
                           QStringLiteral("--partitions=6"), QStringLiteral("--partition-method=range")} +
                   conn(*pg));
    if (!init.waitForFinished(900000) || init.exitCode() != 0)
        die("pgbench -i failed: " + init.readAllStandardError().toStdString());
    auto opened = PostgresConnector::open(pg->uri().toStdString());
    auto raw = PgConnection::open(pg->uri().toStdString());
    if (!opened || !raw)
        die("cannot connect");
    PostgresConnector &c = **opened;
    PgConnection &db = **raw;
    QTemporaryDir dir;

    // 1. Throughput, no concurrent load.
    const KeySpan p0 = partitionOf(c, 1);
    auto t = tidemarkSplit(c, p0, "bench-throughput");
    if (!t)
        die(t.error().message);
    const double tidemarkRate = double(t->rowsMoved) / t->seconds;

    const KeySpan p1 = partitionOf(c, 2 + 1); // partition list grew by one
    auto t0 = Clock::now();
    must(db.exec(fmt::format("BEGIN; CREATE TABLE public.base_copy (LIKE {0} INCLUDING ALL); "
                             "INSERT INTO base_copy SELECT * FROM {0}; DELETE FROM {0}; COMMIT",
                             db.quoteIdent(p1.name))),
         "baseline");
    const double baseSeconds = since(t0);
    const double baseRate = double(t->rowsMoved) / baseSeconds * double(p1.hi - p1.lo) / double(p0.hi - p0.lo);

    double partmanRate = 0;
    if (db.exec("CREATE SCHEMA partman; CREATE EXTENSION pg_partman SCHEMA partman")) {
        const std::int64_t n = p1.hi - p1.lo;
        must(db.exec(fmt::format("CREATE TABLE public.pm (LIKE pgbench_accounts) PARTITION BY RANGE (aid); "
                                 "SELECT partman.create_parent('public.pm', 'aid', 'native', '{0}', p_premake := 1, "
                                 "p_start_partition := '0'); "
                                 "INSERT INTO pm SELECT aid + {1}, bid, abalance, filler FROM base_copy",
                                 n, 10 * n)),
             "pg_partman setup");
        t0 = Clock::now();
        must(db.exec("CALL partman.partition_data_proc('public.pm', p_wait := 0, p_quiet := true)"),
             "partition_data_proc");
        const double s = since(t0);
        partmanRate = double(n) / s;
    }

    // 2. Stalls under load on the partition being split.
    const KeySpan hot = partitionOf(c, 4 + 1);
    const double tidemarkStall = stallDuring(*pg, dir.path(), hot, [&] {
        if (auto r = tidemarkSplit(c, hot, "bench-stall"); !r)
            die(r.error().message);
    });
    const KeySpan last = partitionOf(c, 0);
    double naiveSeconds = 0;
    const double naiveStall = stallDuring(*pg, dir.path(), last, [&] { naiveSeconds = naiveSplit(db, last); });

    // 3. The stall at two sizes 10× apart, under timed writer sessions.
    const std::int64_t small = stallRows / 10;
    must(db.exec(fmt::format(
             "CREATE TABLE public.bench_stall (LIKE public.pgbench_accounts INCLUDING ALL) PARTITION BY RANGE (aid); "
             "CREATE TABLE public.bench_stall_small PARTITION OF public.bench_stall FOR VALUES FROM (1) TO ({0}); "
             "CREATE TABLE public.bench_stall_large PARTITION OF public.bench_stall FOR VALUES FROM ({0}) TO ({1}); "
             "INSERT INTO public.bench_stall SELECT g, 1 + g % 10, 0, '' FROM generate_series(1, {2}) AS g",
             small + 1, small + stallRows + 1, small + stallRows)),
         "stall table");
    must(db.exec("VACUUM (FREEZE, ANALYZE) public.bench_stall"), "vacuum");
    struct SizedStall {
        std::int64_t rows = 0;
        tidemark::bench::TimedWriter::Figures writes;
        StepOutcome split;
    } sized[2];
    for (int i = 0; i < 2; ++i) {
        // By name: the first split adds a partition before the second.
        KeySpan span;
        auto family = c.describe("bench_stall");
        if (!family)
            die(family.error().message);
        for (const auto &p : family->partitions)
            if (p.name == (i ? "bench_stall_large" : "bench_stall_small"))
                span = {p.name, p.bounds.lower.value_or(1), p.bounds.upper.value_or(1)};
        if (span.name.empty())
            die("no partition bench_stall_" + std::string(i ? "large" : "small"));
        sized[i].rows = span.hi - span.lo;
        tidemark::bench::TimedWriter writer(pg->uri().toStdString(), "public.bench_stall", span.lo, span.hi, 2, false);
        std::this_thread::sleep_for(std::chrono::seconds(1));
        auto r = tidemarkSplit(c, span, i ? "bench-stall-large" : "bench-stall-small", "bench_stall");
        std::this_thread::sleep_for(std::chrono::seconds(1));
        sized[i].writes = writer.stop();
        if (!r)
            die(r.error().message);
        sized[i].split = *r;
    }

    std::printf("rows moved per second (%lld rows)\n", static_cast<long long>(t->rowsMoved));
    std::printf("  tidemark online split        %12.0f rows/s  (%.2f s, swap lock %.3f s)\n", tidemarkRate, t->seconds,
                t->lockSeconds);
    std::printf("  INSERT…SELECT + DELETE       %12.0f rows/s  ratio tidemark/baseline = %.2f\n", baseRate,
                tidemarkRate / baseRate);
    if (partmanRate > 0)
        std::printf("  pg_partman partition_data_proc %10.0f rows/s  ratio tidemark/partman = %.2f\n", partmanRate,
                    tidemarkRate / partmanRate);
    else
        std::printf("  pg_partman partition_data_proc        n/a  (install postgresql-15-partman)\n");
    std::printf("longest pgbench write stall while splitting a partition of %lld rows\n",
                static_cast<long long>(hot.hi - hot.lo));
    std::printf("  tidemark online split        %8.3f s\n", tidemarkStall);
    std::printf("  naive detach-copy-attach     %8.3f s  (its copy took %.3f s)  ratio naive/tidemark = %.1f\n",
                naiveStall, naiveSeconds, naiveStall / std::max(tidemarkStall, 1e-3));
    std::printf("target: tidemark stall < 1 s: %s\n", tidemarkStall < 1.0 ? "met" : "NOT met");
    std::printf("longest write of 2 sessions updating the partition (uniform keys) while Tidemark splits it\n");
    for (const auto &st : sized)
        std::printf("  %9lld rows: longest write %.3f s, p99 %.4f s, %lld writes, %lld failed; split %.2f s, "
                    "swap lock %.3f s\n",
                    static_cast<long long>(st.rows), st.writes.worst, st.writes.p99,
                    static_cast<long long>(st.writes.statements), static_cast<long long>(st.writes.errors),
                    st.split.seconds, st.split.lockSeconds);
    std::printf("  ratio large/small longest write = %.2f; target < 0.3 s at %lld rows: %s\n",
                sized[1].writes.worst / std::max(sized[0].writes.worst, 1e-3), static_cast<long long>(sized[1].rows),
                sized[1].writes.worst < 0.3 ? "met" : "NOT met");
    return 0;
}
