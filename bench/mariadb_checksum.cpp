// MariaDB checksum benchmark, against its anchors in one run: seconds to
// checksum a range-partitioned table (count + order-independent hash over
// every column) the way Tidemark verifies a step, against Percona's
// pt-table-checksum (Debian percona-toolkit, chunked CRC32 with its own
// bookkeeping) and the server's CHECKSUM TABLE … EXTENDED on the same table,
// and Tidemark's checksum of one partition against the whole table.
// Starts its own private server (tests/support); prints ratios.
//   bench_mariadb_checksum [--rows N]   (default 400,000 rows in 8 partitions)
#include <QCoreApplication>
#include <QProcess>
#include <QStringList>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "mariadb_connector.h"
#include "mariadb_server.h"

using namespace tidemark;
using tidemark::mariadb::MariaDbConnector;
using tidemark::test::MariaDbServer;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

[[noreturn]] void die(const std::string &what)
{
    std::fprintf(stderr, "bench_mariadb_checksum: %s\n", what.c_str());
    std::exit(1);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    long long rows = 400000;
    const QStringList args = app.arguments();
    if (const auto i = args.indexOf(QStringLiteral("--rows")); i > 0 && i + 1 < args.size())
        rows = args.at(i + 1).toLongLong();
    const int parts = 8;
    auto db = MariaDbServer::start();
    if (!db->ok())
        die(db->error().toStdString());
    qputenv("HOME", db->home().toUtf8());
    QString defs;
    for (int i = 0; i < parts; ++i)
        defs += QStringLiteral("%1PARTITION p%2 VALUES LESS THAN (%3)")
                    .arg(i ? QStringLiteral(", ") : QString())
                    .arg(i)
                    .arg((i + 1) * (rows / parts));
    QString err;
    const auto loadStart = Clock::now();
    if (!db->sql(
            QStringLiteral("CREATE TABLE orders (id BIGINT NOT NULL PRIMARY KEY, customer INT NOT NULL, amount "
                           "DECIMAL(10,2) NOT NULL, note VARCHAR(100), created DATETIME NOT NULL) ENGINE=InnoDB "
                           "PARTITION BY RANGE (id) (%1); INSERT INTO orders SELECT seq, seq % 1000, (seq % 9973) / "
                           "100, IF(seq % 7 = 0, NULL, CONCAT('order ', seq)), '2026-01-01' + INTERVAL seq SECOND "
                           "FROM seq_0_to_%2; ANALYZE TABLE orders;")
                .arg(defs)
                .arg(rows - 1),
            nullptr, &err))
        die(err.toStdString());
    std::printf("table: %lld rows in %d partitions (loaded in %.1f s)\n", rows, parts, since(loadStart));

    auto c = MariaDbConnector::open(db->uri().toStdString());
    if (!c)
        die(c.error().message);
    // Warm the buffer pool once, so every contender reads from memory.
    (void)(*c)->checksum("orders", KeyRange{});

    auto t = Clock::now();
    auto whole = (*c)->checksum("orders", KeyRange{});
    const double tidemarkSeconds = since(t);
    if (!whole || whole->rows != rows)
        die("Tidemark's checksum did not count every row");
    t = Clock::now();
    auto one = (*c)->checksum("orders", KeyRange{0, rows / parts});
    const double partitionSeconds = since(t);
    if (!one)
        die(one.error().message);

    t = Clock::now();
    if (!db->sql(QStringLiteral("CHECKSUM TABLE orders EXTENDED;"), nullptr, &err))
        die(err.toStdString());
    const double checksumTableSeconds = since(t);

    QProcess pt;
    pt.setProcessChannelMode(QProcess::MergedChannels);
    t = Clock::now();
    pt.start(QStringLiteral("pt-table-checksum"),
             {QStringLiteral("--no-check-replication-filters"), QStringLiteral("--recursion-method=none"),
              QStringLiteral("--no-check-binlog-format"), QStringLiteral("--no-version-check"),
              // Its chunks over a partitioned table's primary key are skipped as
              // unsafe (EXPLAIN shows partition pruning, not the index): one
              // chunk of the whole table instead, every row checksummed.
              QStringLiteral("--chunk-size=%1").arg(rows * 2), QStringLiteral("--chunk-size-limit=0"),
              QStringLiteral("--databases=") + db->database(), QStringLiteral("--tables=orders"),
              QStringLiteral("F=%1,h=127.0.0.1,P=%2").arg(db->myCnf()).arg(db->port())});
    if (!pt.waitForStarted(10000))
        die("pt-table-checksum is not installed (scripts/setup installs percona-toolkit)");
    pt.waitForFinished(600000);
    const double ptSeconds = since(t);
    const QString ptOut = QString::fromUtf8(pt.readAll());
    if (pt.exitStatus() != QProcess::NormalExit || pt.exitCode() != 0)
        die("pt-table-checksum failed: " + ptOut.toStdString());

    std::printf("Tidemark checksum, whole table:        %.3f s (%.0f rows/s)\n", tidemarkSeconds,
                double(rows) / tidemarkSeconds);
    std::printf("Tidemark checksum, one partition:      %.3f s (%lld rows)\n", partitionSeconds,
                static_cast<long long>(one->rows));
    std::printf("anchor pt-table-checksum (whole table, one chunk): %.3f s\n", ptSeconds);
    std::printf("anchor CHECKSUM TABLE … EXTENDED:        %.3f s\n", checksumTableSeconds);
    std::printf("ratio pt-table-checksum / Tidemark:      %.2f\n", ptSeconds / tidemarkSeconds);
    std::printf("ratio CHECKSUM TABLE / Tidemark:         %.2f\n", checksumTableSeconds / tidemarkSeconds);
    std::printf("ratio whole table / one partition:       %.2f\n", tidemarkSeconds / partitionSeconds);
    return 0;
}
