// Post-backup rebalance (docs/policies.md): proposes only what the change
// of volatility during the backup cycle pays for. One row per situation.
#include <QtTest>

#include "backup/postbackup_planner.h"

using namespace tidemark;

namespace {

constexpr qint64 kMiB = 1ll << 20;
constexpr qint64 kDayMs = 86'400'000;
constexpr qint64 kNow = 1'700'000'000'000;

struct Part {
    const char *name;
    double start;      ///< score at the start of the cycle (< 0: none)
    double now;
    qint64 ageMs;      ///< created by Tidemark this long ago; < 0: not by Tidemark
    qint64 bytes;
};

PostBackupInput input(const std::vector<Part> &parts, KeyValue gapAfterFirst = 0)
{
    PostBackupInput in;
    in.current.nowMs = kNow;
    in.current.settings.backupUnitBytes = kMiB;
    in.current.settings.targetMinBytes = 4 * kMiB;
    in.current.settings.targetMaxBytes = 8 * kMiB;
    in.current.settings.splitMinBytes = 2 * kMiB;
    in.current.table.name = "orders";
    in.current.table.keyColumn = "id";
    KeyValue lower = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const Part &p = parts[i];
        Partition part;
        part.name = p.name;
        part.bounds = KeyRange{lower, lower + 1000};
        part.bytes = p.bytes;
        part.rows = p.bytes / 100;
        lower += 1000 + (i == 0 ? gapAfterFirst : 0);
        in.current.table.partitions.push_back(part);
        VolatilityScore now{"orders", p.name, kNow, p.now, 0.0, 0.0, 0.0, part.rows, part.bytes, false};
        in.current.scores[p.name] = now;
        if (p.start >= 0) {
            VolatilityScore start = now;
            start.score = p.start;
            start.timestampMs = kNow - kDayMs;
            in.cycleStartScores[p.name] = start;
        }
        if (p.ageMs >= 0)
            in.current.createdByTidemarkMs[p.name] = kNow - p.ageMs;
    }
    return in;
}

} // namespace

Q_DECLARE_METATYPE(tidemark::PostBackupInput)

class TestPostBackupPlanner : public QObject {
    Q_OBJECT
private slots:
    void plan_data()
    {
        QTest::addColumn<PostBackupInput>("in");
        QTest::addColumn<QString>("merged"); ///< sources of the proposed merges, "a+b;c+d"
        const qint64 old = 2 * kDayMs;
        QTest::newRow("a split-off hot range that went cold is merged back with its cold neighbour")
            << input({{"hot_then_cold", 85, 5, old, kMiB}, {"cold", 5, 5, -1, kMiB}}) << "hot_then_cold+cold";
        QTest::newRow("still hot: nothing")
            << input({{"still_hot", 85, 75, old, kMiB}, {"cold", 5, 5, -1, kMiB}}) << "";
        QTest::newRow("created less than a backup interval ago: nothing")
            << input({{"young", 85, 5, kDayMs / 2, kMiB}, {"cold", 5, 5, -1, kMiB}}) << "";
        QTest::newRow("a change under 20 points pays for nothing")
            << input({{"barely", 22, 8, old, kMiB}, {"cold", 5, 5, -1, kMiB}}) << "";
        QTest::newRow("neighbour not cold: nothing")
            << input({{"hot_then_cold", 85, 5, old, kMiB}, {"warm", 40, 40, -1, kMiB}}) << "";
        QTest::newRow("a key gap between them: nothing")
            << input({{"hot_then_cold", 85, 5, old, kMiB}, {"cold", 5, 5, -1, kMiB}}, 500) << "";
        QTest::newRow("over target max: nothing")
            << input({{"hot_then_cold", 85, 5, old, 6 * kMiB}, {"cold", 5, 5, -1, 3 * kMiB}}) << "";
        QTest::newRow("only cold neighbours never cooled by Tidemark: left to the pre-backup planner")
            << input({{"a", 5, 5, -1, kMiB}, {"b", 5, 5, -1, kMiB}}) << "";
        // Six separate candidates (a warm partition between each pair).
        std::vector<Part> many;
        static std::vector<std::string> names;
        names.clear();
        for (int i = 0; i < 6; ++i)
            for (const char *kind : {"c", "k", "w"})
                names.push_back(kind + std::to_string(i));
        for (std::size_t i = 0; i < names.size(); ++i) {
            const char kind = names[i][0];
            many.push_back({names[i].c_str(), kind == 'c' ? 85.0 : kind == 'k' ? 5.0 : 40.0,
                            kind == 'w' ? 40.0 : 5.0, kind == 'c' ? old : -1, kMiB});
        }
        QTest::newRow("light: at most four steps") << input(many) << "c0+k0;c1+k1;c2+k2;c3+k3";
    }
    void plan()
    {
        QFETCH(PostBackupInput, in);
        QFETCH(QString, merged);
        const auto steps = PostBackupPlanner::plan(in);
        QStringList got;
        for (const auto &s : steps) {
            QCOMPARE(s.kind, StepKind::Merge);
            QStringList sources;
            for (const auto &n : s.sources)
                sources << QString::fromStdString(n);
            got << sources.join(u'+');
            QVERIFY(s.reason.find("merge back") != std::string::npos);
            QCOMPARE(s.repartition().targets.size(), std::size_t(1));
            QVERIFY(s.predicted.bytesRewritten > 0);
        }
        QCOMPARE(got.join(u';'), merged);
    }
};

QTEST_GUILESS_MAIN(TestPostBackupPlanner)
#include "tst_policy_postbackup.moc"
