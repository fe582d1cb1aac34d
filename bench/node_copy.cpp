// Copy of a partition to another node, against its anchors in one run on the
// same data (docs/copy-move.md):
//  1. copy throughput of one pgbench_accounts partition from node A to node
//     B: `tidemark-cli copy` → `approve` → `apply` as processes (the time
//     includes the chunk verification on both nodes and the cutover),
//     against pgcopydb (`pgcopydb copy data` of the same table: COPY, then
//     its index) and against logical replication's initial sync (CREATE
//     SUBSCRIPTION … copy_data, until the table's state is 'r' ready);
//     then a copy of the next partition whose receiving side is changed
//     after its third chunk: the time to find and send that chunk again;
//  2. the longest write stall a concurrent writer sees (UPDATEs through the
//     parent on the partition's keys) while `tidemark-cli move` moves a
//     partition, at two partition sizes 10× apart;
//  3. the chunk verification pass (the chunk checksums the copy compares,
//     on each node) in MB/s, and the plan's reservation on the receiving
//     node against the size measured there after the copy.
// Starts two private servers (tests/support); prints ratios.
//   bench_node_copy [--rows N] [--writer hot|uniform] [--keep-logs DIR]
//     --rows: rows of the copied partition, a multiple of 25,000 (default
//       250,000); the stall runs move partitions of N and N/10 rows;
//     --writer: where the concurrent writes land, 90 % on the last 1 % of
//       the moved partition's keys (default, ~4 min in all on 2 cores) or
//       uniformly over them (~9 min: the move catches up for minutes);
//     --keep-logs: each apply's output (its progress lines) into DIR.
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <signal.h>

#include <fmt/format.h>

#include "pg_node_copy.h"
#include "postgres_test_util.h"
#include "timed_writer.h"

using namespace tidemark;
using namespace tidemark::test;
using tidemark::postgres::PgConnection;
using tidemark::postgres::PostgresConnector;
using Clock = std::chrono::steady_clock;
using tidemark::bench::TimedWriter;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

[[noreturn]] void die(const QString &what)
{
    std::fprintf(stderr, "bench_node_copy: %s\n", qPrintable(what));
    std::exit(1);
}

std::int64_t must(PgConnection &c, const std::string &sql)
{
    auto v = c.scalar(sql);
    if (!v)
        die(QString::fromStdString(sql + ": " + v.error().message));
    return *v;
}

void mustRun(PgConnection &c, const std::string &sql)
{
    if (auto r = c.exec(sql); !r)
        die(QString::fromStdString(sql.substr(0, 200) + ": " + r.error().message));
}

QString fingerprintOf(PgConnection &c, const std::string &rel)
{
    auto rows = c.query("SELECT count(*), coalesce(sum(hashtextextended(ROW(aid, bid, abalance, filler)::text, 0)), "
                        "0)::text FROM " +
                        rel);
    return rows ? QString::fromStdString(rows->text(0, 0) + "/" + rows->text(0, 1)) : QStringLiteral("error");
}

/// tidemark-cli against the bench's own metadata store.
struct Cli {
    QString store;
    QStringList env;
    ProcessResult operator()(const QStringList &args) const
    {
        ProcessResult r = run(binary(QStringLiteral("tidemark-cli")),
                              QStringList{QStringLiteral("--store"), store} + args, env, 3600000);
        if (r.exitCode != 0 || r.crashed)
            die(QStringLiteral("tidemark-cli %1 exited %2:\n%3\n%4")
                    .arg(args.join(u' '))
                    .arg(r.exitCode)
                    .arg(r.out.left(3000), r.err.left(3000)));
        return r;
    }
    QJsonObject json(const QStringList &args) const
    {
        return QJsonDocument::fromJson((*this)(QStringList{QStringLiteral("--json")} + args).out.toUtf8()).object();
    }
};

/// One copy or move through the CLI as a DBA runs it, with its figures.
struct CliRun {
    double planSeconds = 0, applySeconds = 0;
    std::int64_t reservedBytes = 0, bufferBytes = 0; ///< from the plan's sizing
    std::int64_t measuredBytes = 0, rowsMoved = 0; ///< from the step's measured effect
    double lockSeconds = 0;
    QString cutoverLine; ///< the apply's last progress line (what the cutover verified)
};

/// Where each apply's progress is kept (--keep-logs DIR), or nowhere.
QString g_logDir;

CliRun runCli(const Cli &cli, const char *verb, const QString &uri, const QString &table, const QString &partition)
{
    CliRun out;
    auto t0 = Clock::now();
    const QJsonObject plan =
        cli.json({QString::fromLatin1(verb), uri, QStringLiteral("--table"), table, QStringLiteral("--partition"),
                  partition, QStringLiteral("--to"), QStringLiteral("node-b")});
    out.planSeconds = since(t0);
    const QString id = QString::number(plan.value(QStringLiteral("id")).toInteger());
    const QJsonObject sizing = plan.value(QStringLiteral("sizing")).toObject();
    out.reservedBytes = sizing.value(QStringLiteral("reservedBytes")).toInteger();
    out.bufferBytes = sizing.value(QStringLiteral("bufferBytes")).toInteger();
    cli({QStringLiteral("approve"), id});
    t0 = Clock::now();
    const ProcessResult applied = cli({QStringLiteral("apply"), id});
    out.applySeconds = since(t0);
    if (!g_logDir.isEmpty()) {
        QFile log(QDir(g_logDir).filePath(QStringLiteral("apply-%1-%2.log").arg(QString::fromLatin1(verb), partition)));
        if (log.open(QIODevice::WriteOnly))
            log.write((applied.out + u'\n' + applied.err).toUtf8());
    }
    for (const QString &line :
         QString(applied.out + u'\n' + applied.err).split(QRegularExpression(QStringLiteral("[\r\n]"))))
        if (line.contains(QLatin1String("writers waited")))
            out.cutoverLine = line.trimmed();
    const QJsonObject shown = cli.json({QStringLiteral("show"), id});
    const QJsonObject step = shown.value(QStringLiteral("steps")).toArray().at(0).toObject();
    if (step.value(QStringLiteral("status")).toString() != QLatin1String("done"))
        die(QStringLiteral("the %1 step is %2: %3")
                .arg(QString::fromLatin1(verb), step.value(QStringLiteral("status")).toString(),
                     step.value(QStringLiteral("error")).toString()));
    const QJsonObject measured = step.value(QStringLiteral("measured")).toObject();
    out.measuredBytes = measured.value(QStringLiteral("bytes_rewritten")).toInteger();
    out.rowsMoved = measured.value(QStringLiteral("rows_moved")).toInteger();
    out.lockSeconds = measured.value(QStringLiteral("lock_seconds")).toDouble();
    if (out.cutoverLine.isEmpty()) // the apply prints at most one progress line per 500 ms
        out.cutoverLine = QStringLiteral("(the apply printed no summary of its cutover)");
    return out;
}

/// A copy whose receiving side is spoiled midway, as a DBA's stray UPDATE
/// would: the apply stops itself after its third chunk (a crash point armed
/// to stop), one row already copied is changed there, and the apply goes on.
struct Repair {
    double applySeconds = 0; ///< the apply's time less the pause
    std::int64_t chunksResent = 0;
    QString line; ///< the apply's progress line that names the re-send
};

Repair corruptedCopy(const Cli &cli, const QString &uri, PgConnection &b, const QString &dir, const QString &partition)
{
    const QJsonObject plan =
        cli.json({QStringLiteral("copy"), uri, QStringLiteral("--table"), QStringLiteral("pgbench_accounts"),
                  QStringLiteral("--partition"), partition, QStringLiteral("--to"), QStringLiteral("node-b")});
    const QString id = QString::number(plan.value(QStringLiteral("id")).toInteger());
    cli({QStringLiteral("approve"), id});
    const QString marker = QDir(dir).filePath(QStringLiteral("repair.marker"));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &kv : cli.env)
        env.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
    env.insert(QStringLiteral("TIDEMARK_CRASH_AT"), QStringLiteral("postgres.copy.after-chunk#3"));
    env.insert(QStringLiteral("TIDEMARK_CRASH_MARKER"), marker);
    env.insert(QStringLiteral("TIDEMARK_CRASH_ACTION"), QStringLiteral("stop"));
    QProcess apply;
    apply.setProcessEnvironment(env);
    const auto t0 = Clock::now();
    apply.start(binary(QStringLiteral("tidemark-cli")),
                {QStringLiteral("--store"), cli.store, QStringLiteral("apply"), id});
    if (!apply.waitForStarted())
        die(QStringLiteral("cannot start tidemark-cli apply"));
    // Stopped: the marker names the point, and the process is in state T.
    auto stopped = [&] {
        QFile stat(QStringLiteral("/proc/%1/stat").arg(apply.processId()));
        if (!QFileInfo(marker).exists() || QFileInfo(marker).size() == 0 || !stat.open(QIODevice::ReadOnly))
            return false;
        const QByteArray text = stat.readAll();
        const qsizetype close = text.lastIndexOf(')');
        return close >= 0 && text.size() > close + 2 && text.at(close + 2) == 'T';
    };
    while (!stopped()) {
        if (apply.state() == QProcess::NotRunning || since(t0) > 600)
            die(QStringLiteral("the apply ended before its third chunk:\n%1")
                    .arg(QString::fromUtf8(apply.readAllStandardError())));
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const auto paused = Clock::now();
    const std::string rel = "public." + partition.toStdString();
    mustRun(b, "UPDATE " + rel + " SET abalance = abalance + 1 WHERE aid = (SELECT max(aid) FROM " + rel + ")");
    ::kill(pid_t(apply.processId()), SIGCONT);
    const double pause = since(paused);
    apply.waitForFinished(-1);
    Repair out;
    out.applySeconds = since(t0) - pause;
    const QString err = QString::fromUtf8(apply.readAllStandardError());
    if (apply.exitStatus() != QProcess::NormalExit || apply.exitCode() != 0)
        die(QStringLiteral("the apply of the spoiled copy failed:\n%1").arg(err.left(3000)));
    out.chunksResent = must(b,
                            "SELECT count(*) FROM tidemark.copy_chunks c JOIN tidemark.copies p USING (uid) WHERE "
                            "to_regclass(p.relation) = '" +
                                rel + "'::regclass AND c.sends > 1");
    for (const QString &line : err.split(u'\n'))
        if (line.contains(QLatin1String("sent again")) && !line.contains(QLatin1String(", 0 sent again")))
            out.line = line.trimmed();
    return out;
}

double pgcopydbSeconds(const TwoPostgresNodes &n, const QString &dir, const QString &db)
{
    const QString filters = dir + QStringLiteral("/pgcopydb-filters.ini");
    QFile f(filters);
    if (!f.open(QIODevice::WriteOnly))
        die(QStringLiteral("cannot write %1").arg(filters));
    f.write("[include-only-table]\npublic.pgbench_accounts_2\n");
    f.close();
    const auto t0 = Clock::now();
    const ProcessResult r =
        run(QStringLiteral("pgcopydb"),
            {QStringLiteral("copy"), QStringLiteral("data"), QStringLiteral("--source"), n.a->uri(),
             QStringLiteral("--target"), n.b->uri(QStringLiteral("postgres"), db), QStringLiteral("--dir"),
             dir + QStringLiteral("/pgcopydb"), QStringLiteral("--filters"), filters},
            n.environment(), 3600000);
    const double s = since(t0);
    if (r.exitCode != 0)
        die(QStringLiteral("pgcopydb failed (exit %1): %2").arg(r.exitCode).arg(r.err.right(3000)));
    return s;
}

double logicalSyncSeconds(const TwoPostgresNodes &n, PgConnection &subscriber)
{
    mustRun(*n.rawA, "CREATE PUBLICATION tidemark_bench_pub FOR TABLE public.pgbench_accounts_2");
    const std::string conninfo = str(n.a->conninfo()) + " password=" + str(PostgresServer::Options().superPassword);
    const auto t0 = Clock::now();
    mustRun(subscriber,
            "CREATE SUBSCRIPTION tidemark_bench_sub CONNECTION " + subscriber.quoteLiteral(conninfo) +
                " PUBLICATION tidemark_bench_pub WITH (copy_data = true)");
    while (must(subscriber, "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'") > 0 ||
           must(subscriber, "SELECT count(*) FROM pg_subscription_rel") == 0) {
        if (since(t0) > 3600)
            die(QStringLiteral("the subscription did not become ready within an hour"));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const double s = since(t0);
    mustRun(subscriber, "DROP SUBSCRIPTION tidemark_bench_sub");
    mustRun(*n.rawA, "DROP PUBLICATION tidemark_bench_pub");
    return s;
}

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).section(u' ', 0, 2) : QStringLiteral("?");
}

const char *kPlainAccounts = "(aid integer NOT NULL, bid integer, abalance integer, filler character(84))";

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::int64_t rows = 250000;
    bool hotWriter = true;
    for (int i = 1; i < argc; ++i) {
        if (QByteArray(argv[i]) == "--rows" && i + 1 < argc)
            rows = std::max<std::int64_t>(25000, std::atoll(argv[i + 1]) / 25000 * 25000);
        if (QByteArray(argv[i]) == "--keep-logs" && i + 1 < argc)
            g_logDir = QString::fromLocal8Bit(argv[i + 1]);
        if (QByteArray(argv[i]) == "--writer" && i + 1 < argc)
            hotWriter = QByteArray(argv[i + 1]) != "uniform";
    }
    const int scale = int(rows * 4 / 100000);
    const std::int64_t small = rows / 10;
    std::printf("load average before: %s\n", qPrintable(loadAverage()));

    QTemporaryDir dir;
    TwoPostgresNodes n;
    PostgresServer::Options source;
    source.extraSettings = {QStringLiteral("wal_level=logical")};
    if (const QString failed = n.start(dir.path(), scale, 4, source); !failed.isEmpty())
        die(failed);
    const Cli cli{dir.filePath(QStringLiteral("store.db")), n.environment()};
    const QString uriA = n.a->uri(), uriB = n.b->uri();
    cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("node-b"), uriB, QStringLiteral("--role"),
         QStringLiteral("shard"), QStringLiteral("--disk"), QStringLiteral("1T")});
    for (const char *db : {"anchor_pgcopydb", "anchor_logical"}) {
        QString error;
        if (!n.b->createDatabase(QString::fromLatin1(db), &error))
            die(error);
    }
    auto logicalDb = PgConnection::open(str(n.b->uri(QStringLiteral("postgres"), QStringLiteral("anchor_logical"))));
    auto pgcopydbDb = PgConnection::open(str(n.b->uri(QStringLiteral("postgres"), QStringLiteral("anchor_pgcopydb"))));
    if (!logicalDb || !pgcopydbDb)
        die(QStringLiteral("cannot connect to the anchors' databases"));
    // The copied partition: the second of four, keys [rows + 1, 2 rows + 1).
    const std::string part = "public.pgbench_accounts_2";
    const std::int64_t tableBytes = must(*n.rawA, "SELECT pg_table_size('" + part + "')");
    const std::int64_t totalBytes = must(*n.rawA, "SELECT pg_total_relation_size('" + part + "')");
    const double mb = double(tableBytes) / kMiB;
    const QString before = fingerprintOf(*n.rawA, part); // also warms the page cache for every run
    std::printf("partition pgbench_accounts_2: %lld rows, table %.1f MiB (with its index %.1f MiB)\n",
                static_cast<long long>(rows), mb, double(totalBytes) / kMiB);

    // 1. Throughput, no concurrent writes, same partition for all three.
    const QString loadCopy = loadAverage();
    const CliRun copy =
        runCli(cli, "copy", uriA, QStringLiteral("pgbench_accounts"), QStringLiteral("pgbench_accounts_2"));
    if (fingerprintOf(*n.rawB, part) != before)
        die(QStringLiteral("the copy on node B differs from the source"));
    mustRun(**pgcopydbDb, std::string("CREATE TABLE ") + part + " " + kPlainAccounts);
    const double pgcopydb = pgcopydbSeconds(n, dir.path(), QStringLiteral("anchor_pgcopydb"));
    if (fingerprintOf(**pgcopydbDb, part) != before)
        die(QStringLiteral("pgcopydb's copy differs from the source"));
    mustRun(**logicalDb,
            std::string("CREATE TABLE ") + part + " " + kPlainAccounts + "; CREATE INDEX ON " + part + " (aid)");
    const double logical = logicalSyncSeconds(n, **logicalDb);
    if (fingerprintOf(**logicalDb, part) != before)
        die(QStringLiteral("the subscription's copy differs from the source"));
    const QString loadAfterCopy = loadAverage();

    // A corrupted chunk found and sent again: the next partition, the same size.
    const std::string spoiledPart = "public.pgbench_accounts_3";
    const QString spoiledBefore = fingerprintOf(*n.rawA, spoiledPart);
    const Repair repair = corruptedCopy(cli, uriA, *n.rawB, dir.path(), QStringLiteral("pgbench_accounts_3"));
    if (fingerprintOf(*n.rawB, spoiledPart) != spoiledBefore)
        die(QStringLiteral("the repaired copy on node B differs from the source"));

    // 3. The verification pass over the copy's chunks, on each node.
    auto connector = PostgresConnector::open(str(uriA));
    auto rel = postgres::findKeyedRelation(*n.rawA, "pgbench_accounts_2");
    if (!connector || !rel)
        die(QStringLiteral("cannot open the source"));
    const KeyRange range{rows + 1, 2 * rows + 1};
    auto t0 = Clock::now();
    auto layout = (*connector)->chunkChecksums("pgbench_accounts_2", range, 50000, {});
    const double layoutSeconds = since(t0);
    if (!layout)
        die(QString::fromStdString(layout.error().message));
    std::vector<KeyRange> chunks;
    for (const auto &c : *layout)
        chunks.push_back(c.range);
    double sideSeconds[2] = {0, 0};
    std::vector<RowChecksum> sums[2];
    PgConnection *side[2] = {n.rawA.get(), n.rawB.get()};
    for (int s = 0; s < 2; ++s) {
        t0 = Clock::now();
        auto r = postgres::chunkSums(*side[s], rel->table.columns, rel->quoted, rel->key, rel->keyType, chunks);
        sideSeconds[s] = since(t0);
        if (!r)
            die(QString::fromStdString(r.error().message));
        sums[s] = *r;
    }
    if (sums[0] != sums[1])
        die(QStringLiteral("the chunk checksums of the two nodes differ"));

    // 2. Write stall of a move under a concurrent writer, at two sizes.
    mustRun(*n.rawA,
            fmt::format("CREATE TABLE public.bench_stall (LIKE public.pgbench_accounts) PARTITION BY RANGE (aid); "
                        "CREATE TABLE public.bench_stall_small PARTITION OF public.bench_stall FOR VALUES FROM (1) TO "
                        "({0}); CREATE TABLE public.bench_stall_large PARTITION OF public.bench_stall FOR VALUES FROM "
                        "({0}) TO ({1}); INSERT INTO public.bench_stall SELECT aid, bid, abalance, filler FROM "
                        "public.pgbench_accounts WHERE aid < {1}; CREATE INDEX ON public.bench_stall (aid)",
                        small + 1, small + rows + 1));
    mustRun(*n.rawA, "VACUUM (FREEZE, ANALYZE) public.bench_stall");
    struct Stall {
        std::int64_t rows;
        CliRun move;
        TimedWriter::Figures writes;
        QString load;
    } stalls[2] = {{small, {}, {}, {}}, {rows, {}, {}, {}}};
    for (auto &st : stalls) {
        const bool isSmall = st.rows == small;
        const std::int64_t lo = isSmall ? 1 : small + 1, hi = isSmall ? small + 1 : small + rows + 1;
        st.load = loadAverage();
        TimedWriter writer(str(uriA), "public.bench_stall", lo, hi, 2, hotWriter);
        // Two scans a few seconds apart, as a DBA's monitoring takes them: the
        // plan sizes the target from the write rate they observe.
        std::this_thread::sleep_for(std::chrono::seconds(1));
        cli({QStringLiteral("scan"), uriA});
        std::this_thread::sleep_for(std::chrono::seconds(3));
        cli({QStringLiteral("scan"), uriA});
        st.move = runCli(cli, "move", uriA, QStringLiteral("bench_stall"),
                         isSmall ? QStringLiteral("bench_stall_small") : QStringLiteral("bench_stall_large"));
        std::this_thread::sleep_for(std::chrono::seconds(2));
        st.writes = writer.stop();
        const std::int64_t relkind =
            must(*n.rawA,
                 std::string("SELECT count(*) FROM pg_class WHERE relkind = 'f' AND relname = '") +
                     (isSmall ? "bench_stall_small" : "bench_stall_large") + "'");
        if (relkind != 1)
            die(QStringLiteral("the moved partition is not a foreign table on node A"));
    }
    const std::int64_t throughParent = must(*n.rawA, "SELECT count(*) FROM public.bench_stall");

    // Report.
    const double tm = mb / copy.applySeconds, tmAll = mb / (copy.planSeconds + copy.applySeconds);
    const double pc = mb / pgcopydb, lr = mb / logical, fastest = std::max(pc, lr);
    std::printf("\n1. copy throughput of pgbench_accounts_2 (%.1f MiB of table data), node A → node B "
                "(load before %s, after %s)\n",
                mb, qPrintable(loadCopy), qPrintable(loadAfterCopy));
    std::printf("  tidemark-cli apply (copy; verification + cutover included) %7.2f s %7.1f MB/s\n", copy.applySeconds,
                tm);
    std::printf("  tidemark-cli copy (plan) + apply                         %7.2f s %7.1f MB/s (plan %.2f s)\n",
                copy.planSeconds + copy.applySeconds, tmAll, copy.planSeconds);
    std::printf(
        "  pgcopydb copy data (COPY, then its index, vacuum)        %7.2f s %7.1f MB/s  tidemark/pgcopydb = %.2f\n",
        pgcopydb, pc, tm / pc);
    std::printf(
        "  logical replication initial sync (until 'r')            %7.2f s %7.1f MB/s  tidemark/logical = %.2f\n",
        logical, lr, tm / lr);
    std::printf("  ratio tidemark/fastest anchor = %.2f (with the plan: %.2f); target >= 1.0: %s\n", tm / fastest,
                tmAll / fastest, tm / fastest >= 1.0 ? "met" : "NOT met");
    std::printf("  %s\n", qPrintable(copy.cutoverLine));
    std::printf("  corrupted chunk (one of the third chunk's rows changed on node B after it was sent): apply %.2f s, %+.2f s over the "
                "clean copy; %lld chunk(s) sent again; copy equal to the source\n    %s\n",
                repair.applySeconds, repair.applySeconds - copy.applySeconds,
                static_cast<long long>(repair.chunksResent), qPrintable(repair.line));

    std::printf("\n2. longest write stall while tidemark-cli move moves a partition (2 sessions updating its rows "
                "through the parent, %s)\n",
                hotWriter ? "90 % of the writes on the last 1 % of its keys" : "keys uniform over the partition");
    for (const auto &st : stalls)
        std::printf("  %8lld rows: longest write %.3f s (at %.1f s of %.1f s), p99 %.4f s, %lld writes, %lld "
                    "failed; move %.2f s, writers locked out %.3f s (load %s)\n    %s\n",
                    static_cast<long long>(st.rows), st.writes.worst, st.writes.worstAfterStart, st.writes.seconds,
                    st.writes.p99, static_cast<long long>(st.writes.statements),
                    static_cast<long long>(st.writes.errors), st.move.applySeconds, st.move.lockSeconds,
                    qPrintable(st.load), qPrintable(st.move.cutoverLine));
    for (const auto &st : stalls)
        for (const auto &[message, count] : st.writes.errorsByMessage)
            std::printf("    failed at %lld rows, %lld×: %s\n", static_cast<long long>(st.rows),
                        static_cast<long long>(count), message.c_str());
    std::printf("  ratio large/small longest write = %.2f; target < 0.5 s at both: %s; rows through the parent "
                "after both moves: %lld of %lld\n",
                stalls[1].writes.worst / std::max(stalls[0].writes.worst, 1e-3),
                stalls[0].writes.worst < 0.5 && stalls[1].writes.worst < 0.5 ? "met" : "NOT met",
                static_cast<long long>(throughParent), static_cast<long long>(small + rows));

    std::printf("\n3. verification: %zu chunks (~50,000 rows each) of pgbench_accounts_2\n", chunks.size());
    std::printf("  chunk checksums, source  %.2f s  %7.1f MB/s\n", sideSeconds[0], mb / sideSeconds[0]);
    std::printf("  chunk checksums, target  %.2f s  %7.1f MB/s\n", sideSeconds[1], mb / sideSeconds[1]);
    std::printf("  both sides (the pass before the cutover) %.1f MB/s of partition; layout + checksums "
                "(chunkChecksums) %.2f s\n",
                mb / (sideSeconds[0] + sideSeconds[1]), layoutSeconds);
    std::printf("  target size: reserved %.1f MiB (size now + %.1f MiB buffer), measured %.1f MiB after the copy: "
                "error %+.1f %%\n",
                double(copy.reservedBytes) / kMiB, double(copy.bufferBytes) / kMiB, double(copy.measuredBytes) / kMiB,
                100.0 * double(copy.reservedBytes - copy.measuredBytes) /
                    double(std::max<std::int64_t>(1, copy.measuredBytes)));
    for (const auto &st : stalls)
        std::printf("  move of %lld rows under writes: reserved %.1f MiB (buffer %.1f MiB), measured %.1f MiB: "
                    "error %+.1f %%\n",
                    static_cast<long long>(st.rows), double(st.move.reservedBytes) / kMiB,
                    double(st.move.bufferBytes) / kMiB, double(st.move.measuredBytes) / kMiB,
                    100.0 * double(st.move.reservedBytes - st.move.measuredBytes) /
                        double(std::max<std::int64_t>(1, st.move.measuredBytes)));
    std::printf("load average at the end: %s\n", qPrintable(loadAverage()));
    n.stop();
    return 0;
}
