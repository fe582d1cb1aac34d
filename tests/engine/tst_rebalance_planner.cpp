// Node outlooks, the move cost model and the predictive rebalancer
// (engine/rebalance): which node will cross the saturation line, when and
// how likely; which moves pay for themselves; split before moving when a
// whole move would only move the problem.
#include <QtTest>

#include <cmath>

#include <fmt/format.h>

#include "rebalance/bounded_ring.h"
#include "rebalance/move_cost.h"
#include "rebalance/node_outlook.h"
#include "rebalance/rebalance_planner.h"

using namespace tidemark;
using namespace tidemark::rebalance;

namespace {

constexpr double kGiB = double(1ll << 30);

/// Load per step: `base` rising linearly by `ramp` per step.
std::vector<float> ramp(int horizon, double base, double perStep)
{
    std::vector<float> v;
    for (int t = 0; t < horizon; ++t)
        v.push_back(float(base + perStep * t));
    return v;
}

struct Builder {
    RebalanceInput in;
    explicit Builder(int horizon = 24)
    {
        in.horizon = horizon;
        in.stepMinutes = 60;
    }
    Builder &node(const std::string &name, double capacity = 100, bool acceptsMoves = true, bool busy = false)
    {
        NodeSpec n;
        n.name = name;
        n.capacity = capacity;
        n.acceptsMoves = acceptsMoves;
        n.busy = busy;
        n.copyBytesPerSecond = 100.0 * (1 << 20);
        in.nodes.push_back(n);
        return *this;
    }
    Builder &partition(int node, std::vector<float> mean, double bytes = 1 * kGiB, double sdShare = 0.05)
    {
        PartitionSpec p;
        p.name = fmt::format("orders_p{}", in.partitions.size());
        p.node = node;
        p.bytes = bytes;
        p.keyHash = ringHash(p.name);
        in.partitions.push_back(p);
        for (float m : mean) {
            in.mean.push_back(m);
            in.sd.push_back(float(m * sdShare));
        }
        return *this;
    }
    /// `count` partitions on `node` sharing `total` load, growing by `growth` per step overall.
    Builder &spread(int node, int count, double total, double growth = 0, double bytes = 1 * kGiB)
    {
        for (int i = 0; i < count; ++i)
            partition(node, ramp(in.horizon, total / count, growth / count), bytes);
        return *this;
    }
};

NodeLoad loadOf(const std::vector<float> &mean, double sdShare = 0.0)
{
    NodeLoad l(int(mean.size()));
    std::vector<float> sd;
    for (float m : mean)
        sd.push_back(float(m * sdShare));
    l.add(mean, sd);
    return l;
}

} // namespace

class TestRebalancePlanner : public QObject {
    Q_OBJECT

private slots:
    void probabilityAboveTheLine_data()
    {
        QTest::addColumn<double>("mean");
        QTest::addColumn<double>("sd");
        QTest::addColumn<double>("expected");
        QTest::newRow("on the line: even odds") << 0.8 << 0.1 << 0.5;
        QTest::newRow("one sd below: 16 %") << 0.7 << 0.1 << 0.1587;
        QTest::newRow("two sd above: 98 %") << 1.0 << 0.1 << 0.9772;
        QTest::newRow("no spread, below: never") << 0.79 << 0.0 << 0.0;
        QTest::newRow("no spread, above: certain") << 0.81 << 0.0 << 1.0;
    }
    void probabilityAboveTheLine()
    {
        QFETCH(double, mean);
        QFETCH(double, sd);
        QFETCH(double, expected);
        QVERIFY(std::abs(probabilityAbove(mean, sd, 0.8) - expected) < 1e-3);
    }

    void outlookSaysWhenAndHowLikely()
    {
        // 50 → 96 over 24 hourly steps, 2 per step: the mean reaches 80 at step 15.
        const auto l = loadOf(ramp(24, 50, 2), 0.05);
        OutlookOptions o;
        const auto out = outlookOf(l, 100, o);
        QCOMPARE(out.crossingStep, 15);
        QVERIFY(out.earliestStep >= 0 && out.earliestStep < 15); // the band reaches it first
        QVERIFY(out.probability > 0.95);
        QCOMPARE(out.peakStep, 23);
        QVERIFY(std::abs(out.peak - 0.96) < 1e-6);
        // Steps 15..23 mostly over, the ones before a little: about 8.5–10 hours.
        QVERIFY2(out.expectedOverloadMinutes > 8 * 60 && out.expectedOverloadMinutes < 10.5 * 60,
                 qPrintable(QString::number(out.expectedOverloadMinutes)));
        QCOMPARE(expectedOverloadMinutes(l, 100, o), out.expectedOverloadMinutes);
        // Correlated errors widen the band: more overload expected below the line.
        OutlookOptions independent = o;
        independent.errorCorrelation = 0;
        NodeLoad many(24);
        for (int i = 0; i < 20; ++i) {
            const auto m = ramp(24, 3.5, 0);
            std::vector<float> sd(24, 0.5f);
            many.add(m, sd);
        }
        QVERIFY(outlookOf(many, 100, o).sd[0] > outlookOf(many, 100, independent).sd[0]);
    }

    void costModel_data()
    {
        QTest::addColumn<double>("sourceLoad"); // flat, on a 100-capacity node
        QTest::addColumn<double>("sourceGrowth");
        QTest::addColumn<double>("targetLoad");
        QTest::addColumn<double>("partitionLoad");
        QTest::addColumn<double>("gib");
        QTest::addColumn<double>("mibPerSecond");
        QTest::addColumn<bool>("pays");
        QTest::addColumn<bool>("inTime");
        QTest::newRow("source heading over, idle target, small partition: pays")
            << 60.0 << 2.0 << 30.0 << 15.0 << 2.0 << 100.0 << true << true;
        QTest::newRow("nobody near the line: the fixed cost is not worth it")
            << 40.0 << 0.0 << 30.0 << 10.0 << 2.0 << 100.0 << false << true;
        QTest::newRow("target ends up where the source was: only moves the problem")
            << 90.0 << 0.0 << 70.0 << 20.0 << 2.0 << 100.0 << false << false;
        QTest::newRow("copy of 14 h, far past the crossing: its own load costs more than it saves")
            << 70.0 << 3.0 << 20.0 << 20.0 << 500.0 << 10.0 << false << false;
        QTest::newRow("copy ends after the crossing but still saves most of the overload")
            << 70.0 << 3.0 << 20.0 << 20.0 << 200.0 << 10.0 << true << false;
        QTest::newRow("same move, fast enough to end before the crossing")
            << 70.0 << 3.0 << 20.0 << 20.0 << 60.0 << 10.0 << true << true;
        QTest::newRow("huge copy to a far target costs more than it saves")
            << 78.0 << 0.0 << 20.0 << 20.0 << 2000.0 << 100.0 << false << true;
    }
    void costModel()
    {
        QFETCH(double, sourceLoad);
        QFETCH(double, sourceGrowth);
        QFETCH(double, targetLoad);
        QFETCH(double, partitionLoad);
        QFETCH(double, gib);
        QFETCH(double, mibPerSecond);
        QFETCH(bool, pays);
        QFETCH(bool, inTime);
        const int h = 24;
        const auto s = loadOf(ramp(h, sourceLoad, sourceGrowth), 0.03), d = loadOf(ramp(h, targetLoad, 0), 0.03);
        const auto pm = ramp(h, partitionLoad, sourceGrowth * partitionLoad / sourceLoad);
        std::vector<float> psd;
        for (float m : pm)
            psd.push_back(m * 0.03f);
        MoveCostOptions o;
        const double bps = mibPerSecond * (1 << 20);
        const auto e = evaluateMove({&s, 100, bps}, {&d, 100, bps}, pm, psd, gib * kGiB, o);
        qInfo("benefit %.1f cost %.1f avoided %.1f copy %.1f s, copy overload %.1f, crossing %.0f min", e.benefit,
              e.cost, e.overloadAvoided(), e.copySeconds, e.copyOverload, e.crossingMinutes);
        QCOMPARE(e.pays(), pays);
        QCOMPARE(e.endsBeforeCrossing, inTime);
        QVERIFY(std::abs(e.copySeconds - gib * 1024 / mibPerSecond) < 1e-6 * e.copySeconds + 1e-9);
        QVERIFY(e.cost >= o.fixedCostPerMove);
        QVERIFY(e.overloadAfter <= e.overloadBefore + 1e-9 || !pays);
        QVERIFY(std::isfinite(e.benefit) && std::isfinite(e.cost));
    }

    void copyLoadIsACostOnBothNodes()
    {
        // A target just under the line: the copy's own load pushes it over
        // for as long as the copy runs.
        const auto s = loadOf(ramp(24, 95, 0), 0.0), d = loadOf(ramp(24, 77, 0), 0.0);
        const auto pm = ramp(24, 1, 0);
        const std::vector<float> psd(24, 0.0f);
        MoveCostOptions o;
        o.copyLoadShare = 0.05;
        const double bps = 10.0 * (1 << 20);
        const auto e = evaluateMove({&s, 100, bps}, {&d, 100, bps}, pm, psd, 100 * kGiB, o);
        QVERIFY2(e.copyOverload > 100, qPrintable(QString::number(e.copyOverload))); // ~170 min of copy
        o.copyLoadShare = 0.0;
        QCOMPARE(evaluateMove({&s, 100, bps}, {&d, 100, bps}, pm, psd, 100 * kGiB, o).copyOverload, 0.0);
    }

    void plannerMovesBeforeTheCrossing()
    {
        Builder b;
        b.node("db1").node("db2").node("db3").node("db4");
        b.spread(0, 10, 55, 1.5); // db1: 55 → 89.5, crosses 80 at step 17
        b.spread(1, 10, 40).spread(2, 10, 35).spread(3, 10, 30);
        const auto plan = planRebalance(b.in);
        QVERIFY(plan);
        QCOMPARE(plan->nodesAtRisk, 1);
        QVERIFY(plan->before[0].crossingStep == 17);
        QVERIFY(!plan->changes.empty());
        for (const auto &c : plan->changes) {
            QCOMPARE(c.kind, ChangeKind::Move);
            QCOMPARE(c.from, 0);
            QVERIFY(c.to > 0);
            QVERIFY(c.evaluation.pays());
            QVERIFY(c.evaluation.endsBeforeCrossing);
            QVERIFY(QString::fromStdString(c.reason).contains(QStringLiteral("db1 is forecast to reach 80 %")));
        }
        QVERIFY2(plan->after[0].probability < 0.2, qPrintable(QString::number(plan->after[0].probability)));
        for (std::size_t n = 1; n < 4; ++n)
            QVERIFY(plan->after[n].probability < 0.2);
        // Deterministic.
        const auto again = planRebalance(b.in);
        QCOMPARE(again->changes.size(), plan->changes.size());
        for (std::size_t i = 0; i < plan->changes.size(); ++i) {
            QCOMPARE(again->changes[i].partition, plan->changes[i].partition);
            QCOMPARE(again->changes[i].to, plan->changes[i].to);
        }
    }

    void partitionsAMoveCannotTakeStayPut_data()
    {
        QTest::addColumn<int>("unmovable"); // of db1's 10 partitions, the hottest first
        QTest::addColumn<bool>("moves");
        QTest::newRow("the hottest cannot move: others move instead") << 3 << true;
        QTest::newRow("none can move: no move, and a note says why") << 10 << false;
    }
    void partitionsAMoveCannotTakeStayPut()
    {
        QFETCH(int, unmovable);
        QFETCH(bool, moves);
        Builder b;
        b.node("db1").node("db2").node("db3");
        for (int i = 0; i < 10; ++i)
            b.partition(0, ramp(24, 14 - i, 0.1)); // db1: 95 → 118, the first partitions hottest
        b.spread(1, 10, 30).spread(2, 10, 30);
        for (int i = 0; i < unmovable; ++i)
            b.in.partitions[std::size_t(i)].movable = false;
        const auto plan = planRebalance(b.in);
        QVERIFY(plan);
        QCOMPARE(plan->nodesAtRisk, 1);
        QCOMPARE(!plan->changes.empty(), moves);
        for (const auto &c : plan->changes) {
            QCOMPARE(c.kind, ChangeKind::Move);
            QVERIFY2(c.partition >= unmovable, c.reason.c_str());
        }
        if (!moves) {
            bool noted = false;
            for (const auto &n : plan->notes)
                noted = noted || n.find("none of its loaded partitions can be moved") != std::string::npos;
            QVERIFY(noted);
        }
    }

    void plannerCases_data()
    {
        QTest::addColumn<QString>("situation");
        QTest::addColumn<int>("moves");
        QTest::addColumn<int>("splits");
        QTest::addColumn<QString>("note");
        QTest::newRow("no node near the line: nothing to do") << "calm" << 0 << 0 << "";
        QTest::newRow("one hot partition no node can take whole: split first") << "hot-partition" << 0 << 1 << "";
        QTest::newRow("a busy node is planned after its copy") << "busy" << 0 << 0 << "a copy is running";
        QTest::newRow("an archive node is never a target") << "archive-only" << 0 << 0 << "no move pays";
        QTest::newRow("far-off crossing waits for fresher forecasts") << "defer" << 0 << 0 << "can wait";
        QTest::newRow("everyone at the line: nowhere to go") << "all-hot" << 0 << 0 << "no move pays";
    }
    void plannerCases()
    {
        QFETCH(QString, situation);
        QFETCH(int, moves);
        QFETCH(int, splits);
        QFETCH(QString, note);
        Builder b;
        RebalanceOptions o;
        if (situation == QLatin1String("calm")) {
            b.node("a").node("b").spread(0, 5, 50).spread(1, 5, 40);
        } else if (situation == QLatin1String("hot-partition")) {
            b.node("a").node("b").node("c");
            b.partition(0, ramp(24, 70, 1)).spread(0, 4, 10); // one partition carries ~88 % of a's load
            b.spread(1, 5, 40).spread(2, 5, 45);
        } else if (situation == QLatin1String("busy")) {
            b.node("a", 100, true, true).node("b").spread(0, 10, 90).spread(1, 10, 20);
        } else if (situation == QLatin1String("archive-only")) {
            b.node("a").node("cold", 100, false).spread(0, 10, 90).spread(1, 2, 5);
        } else if (situation == QLatin1String("defer")) {
            b.node("a").node("b").spread(0, 10, 60, 1.0).spread(1, 10, 20); // crosses at step 20
            o.leadMinutes = 120;
        } else if (situation == QLatin1String("all-hot")) {
            b.node("a").node("b").node("c").spread(0, 10, 90).spread(1, 10, 88).spread(2, 10, 89);
        }
        const auto plan = planRebalance(b.in, o);
        QVERIFY(plan);
        int m = 0, s = 0;
        for (const auto &c : plan->changes)
            (c.kind == ChangeKind::Move ? m : s)++;
        QCOMPARE(m, moves);
        QCOMPARE(s, splits);
        if (!note.isEmpty()) {
            bool found = false;
            for (const auto &n : plan->notes)
                found = found || QString::fromStdString(n).contains(note);
            QVERIFY2(found, qPrintable(QStringLiteral("no note with \"%1\"").arg(note)));
        }
    }

    void badInputIsRefused_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("message");
        QTest::newRow("no nodes") << "nodes"
                                  << "at least one node";
        QTest::newRow("forecast of the wrong size") << "size"
                                                    << "need";
        QTest::newRow("partition on a node that does not exist") << "index"
                                                                 << "names node";
        QTest::newRow("node without capacity") << "capacity"
                                               << "no usable capacity";
        QTest::newRow("threshold of zero") << "threshold"
                                           << "saturation line";
    }
    void badInputIsRefused()
    {
        QFETCH(QString, what);
        QFETCH(QString, message);
        Builder b;
        b.node("a").node("b").spread(0, 2, 10);
        RebalanceOptions o;
        if (what == QLatin1String("nodes"))
            b.in.nodes.clear();
        else if (what == QLatin1String("size"))
            b.in.mean.pop_back();
        else if (what == QLatin1String("index"))
            b.in.partitions[0].node = 7;
        else if (what == QLatin1String("capacity"))
            b.in.nodes[1].capacity = 0;
        else if (what == QLatin1String("threshold"))
            o.cost.outlook.threshold = 0;
        const auto plan = planRebalance(b.in, o);
        QVERIFY(!plan);
        QCOMPARE(plan.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(QString::fromStdString(plan.error().message).contains(message), plan.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestRebalancePlanner)
#include "tst_rebalance_planner.moc"
