// What do the SQLite connector's write-counting triggers cost an application?
// Runs the same demo workload (same seed, same operations) against
//   (a) the partitioned family with routing triggers but no counting triggers,
//   (b) the same family with counting triggers (what Tidemark installs),
//   (c) a plain table (no family at all),
// interleaving the runs and keeping each variant's best, and prints writes/s,
// the ratio b/a and the counting overhead (target: below 15 %).
//
// CPU time is reported too: on a shared machine it is the steadier figure.
//
//   bench_sqlite_write_counting [--rows N] [--partitions N] [--ops N] [--repeat N] [--dir PATH] [--uniform]
#include <cstdio>
#include <cstdlib>
#include <sys/resource.h>
#include <unistd.h>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sqlite_demo.h"

using namespace tidemark::sqlite;

namespace {

struct Variant {
    const char *name;
    bool plain;
    bool counting;
    std::filesystem::path file;
    double bestWritesPerSecond = 0;    ///< wall clock
    double bestOpsPerSecond = 0;
    double bestWritesPerCpuSecond = 0; ///< this process's CPU time: robust on a busy machine
};

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    std::int64_t rows = 1'000'000;
    int partitions = 40;
    std::int64_t ops = 50'000;
    int repeat = 7;
    bool uniform = false;
    std::filesystem::path dir = std::filesystem::temp_directory_path() / fmt::format("tidemark-bench-{}", ::getpid());
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--rows")
            rows = std::stoll(next());
        else if (a == "--partitions")
            partitions = std::stoi(next());
        else if (a == "--ops")
            ops = std::stoll(next());
        else if (a == "--repeat")
            repeat = std::stoi(next());
        else if (a == "--dir")
            dir = next();
        else if (a == "--uniform")
            uniform = true;
        else {
            std::fprintf(stderr, "usage: %s [--rows N] [--partitions N] [--ops N] [--repeat N] [--dir PATH] "
                                 "[--uniform]\n",
                         argv[0]);
            return 2;
        }
    }
    std::filesystem::create_directories(dir);
    std::vector<Variant> variants{{"(a) family, routing only", false, false, dir / "routing.db"},
                                  {"(b) family, routing + counting", false, true, dir / "counting.db"},
                                  {"(c) plain table", true, false, dir / "plain.db"}};
    for (auto &v : variants) {
        std::filesystem::remove(v.file);
        std::filesystem::remove(v.file.string() + "-wal");
        std::filesystem::remove(v.file.string() + "-shm");
        DemoOptions o;
        o.rows = rows;
        o.partitions = partitions;
        o.plainTable = v.plain;
        o.countWrites = v.counting;
        auto s = createDemoDatabase(v.file, o);
        if (!s) {
            std::fprintf(stderr, "%s: %s\n", v.name, s.error().message.c_str());
            return 1;
        }
        std::printf("created %-32s %lld rows in %.1f s (%.0f MB)\n", v.name, static_cast<long long>(s->rows),
                    s->seconds, double(s->bytes) / 1e6);
    }
    std::printf("workload: %lld operations per run (%s), 50 per transaction, WAL + synchronous=NORMAL, best of %d\n",
                static_cast<long long>(ops), uniform ? "uniform writes" : "zipfian hot window", repeat);
    for (int r = 0; r < repeat; ++r) {
        for (auto &v : variants) {
            DemoLoadOptions l;
            l.seconds = 1e9;
            l.maxOperations = ops;
            l.seed = 1; // the same operations every run and variant
            l.uniform = uniform;
            const double cpu0 = cpuSeconds();
            auto rep = runDemoLoad(v.file, l);
            const double cpu = cpuSeconds() - cpu0;
            if (!rep) {
                std::fprintf(stderr, "%s: %s\n", v.name, rep.error().message.c_str());
                return 1;
            }
            if (rep->errors)
                std::fprintf(stderr, "%s: %lld errors, last: %s\n", v.name, static_cast<long long>(rep->errors),
                             rep->lastError.c_str());
            v.bestWritesPerSecond = std::max(v.bestWritesPerSecond, rep->writesPerSecond());
            v.bestOpsPerSecond = std::max(v.bestOpsPerSecond, double(rep->operations) / rep->seconds);
            if (cpu > 0)
                v.bestWritesPerCpuSecond = std::max(v.bestWritesPerCpuSecond, double(rep->writes) / cpu);
        }
    }
    std::printf("\n%-34s %12s %12s %16s\n", "variant", "writes/s", "ops/s", "writes/CPU-s");
    for (const auto &v : variants)
        std::printf("%-34s %12.0f %12.0f %16.0f\n", v.name, v.bestWritesPerSecond, v.bestOpsPerSecond,
                    v.bestWritesPerCpuSecond);
    const double ba = variants[1].bestWritesPerSecond / variants[0].bestWritesPerSecond;
    const double baCpu = variants[1].bestWritesPerCpuSecond / variants[0].bestWritesPerCpuSecond;
    const double ac = variants[0].bestWritesPerSecond / variants[2].bestWritesPerSecond;
    std::printf("\nratio b/a (counting vs routing only): %.3f wall clock, %.3f CPU time\n", ba, baCpu);
    std::printf("counting overhead: %.1f %% wall clock, %.1f %% CPU time (target < 15 %%)\n", (1.0 - ba) * 100.0,
                (1.0 - baCpu) * 100.0);
    std::printf("routing vs plain table (a/c): %.3f wall clock, %.3f CPU time\n", ac,
                variants[0].bestWritesPerCpuSecond / variants[2].bestWritesPerCpuSecond);
    std::filesystem::remove_all(dir);
    return 0;
}
