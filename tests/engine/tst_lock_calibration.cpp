// Lock-time predictions from measured steps (backup/lock_calibration.h):
// the fit, and the store query that feeds it from the splits and merges
// that ran on one connection (a real store file).
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "backup/lock_calibration.h"
#include "store/metadata_store.h"

using namespace tidemark;

namespace {
constexpr std::int64_t kMB = 1'000'000;

StepEffect effect(std::int64_t bytes, double seconds)
{
    StepEffect e;
    e.bytesRewritten = bytes;
    e.lockSeconds = seconds;
    return e;
}

bool near(double a, double b, double rel = 1e-6)
{
    return std::abs(a - b) <= rel * std::max(std::abs(b), 1e-9);
}
} // namespace

class TestLockCalibration : public QObject {
    Q_OBJECT
private slots:
    void nothingMeasuredKeepsTheConfiguredRate()
    {
        ConnectionSettings s;
        s.rewriteBytesPerSecond = 80e6;
        const LockCalibration c = calibrateLockTime({}, s);
        QCOMPARE(c.measuredSteps, 0);
        QVERIFY(near(c.predict(160 * kMB), 2.0));
        QVERIFY(c.describe().empty());
        // Entries without a measurement do not count.
        QCOMPARE(calibrateLockTime({effect(0, 1.0), effect(10 * kMB, 0.0), effect(5 * kMB, NAN)}, s).measuredSteps, 0);
    }

    // Few steps: every second is put down to the bytes (Σ s / Σ B).
    void fewStepsGiveTheirRate()
    {
        const LockCalibration c = calibrateLockTime({effect(10 * kMB, 1.0), effect(30 * kMB, 3.0)}, {});
        QCOMPARE(c.measuredSteps, 2);
        QVERIFY(near(c.bytesPerSecond, 10e6));
        QCOMPARE(c.overheadSeconds, 0.0);
        QVERIFY(near(c.predict(50 * kMB), 5.0));
        QVERIFY2(c.describe().find("2 measured step(s)") != std::string::npos, c.describe().c_str());
        QVERIFY2(c.describe().find("10 MB/s") != std::string::npos, c.describe().c_str());
    }

    // Sizes that differ tell a fixed cost per step from the rate: the
    // SQLite merges that took 1.69 s where 0.33 s was predicted had most of
    // their time in such a cost.
    void variedSizesSeparateAFixedCost()
    {
        std::vector<StepEffect> measured;
        for (std::int64_t mb : {2, 8, 16, 4, 32})
            measured.push_back(effect(mb * kMB, 0.4 + double(mb) / 20.0)); // 20 MB/s + 0.4 s
        const LockCalibration c = calibrateLockTime(measured, {});
        QCOMPARE(c.measuredSteps, 5);
        QVERIFY2(near(c.bytesPerSecond, 20e6, 1e-6), std::to_string(c.bytesPerSecond).c_str());
        QVERIFY(near(c.overheadSeconds, 0.4, 1e-6));
        QVERIFY(near(c.predict(40 * kMB), 2.4, 1e-6));
        QVERIFY2(c.describe().find("+ 0.40 s per step") != std::string::npos, c.describe().c_str());
    }

    void alikeSizesOrANegativeCostFallBackToTheRate()
    {
        // Sizes within a few per cent of each other: no intercept.
        const LockCalibration alike =
            calibrateLockTime({effect(10 * kMB, 1.1), effect(10 * kMB + 1, 0.9), effect(10 * kMB - 1, 1.0)}, {});
        QCOMPARE(alike.overheadSeconds, 0.0);
        QVERIFY(near(alike.bytesPerSecond, 10e6, 1e-3));
        // Times that fall below the line through the origin at small sizes.
        const LockCalibration negative =
            calibrateLockTime({effect(2 * kMB, 0.01), effect(20 * kMB, 2.0), effect(40 * kMB, 4.2)}, {});
        QCOMPARE(negative.overheadSeconds, 0.0);
        QVERIFY(near(negative.bytesPerSecond, 62e6 / 6.21, 1e-6));
    }

    void onlyTheNewestStepsCount()
    {
        std::vector<StepEffect> measured;
        for (int i = 0; i < kMaxCalibrationSteps; ++i)
            measured.push_back(effect(10 * kMB, 1.0)); // newest: 10 MB/s
        for (int i = 0; i < 50; ++i)
            measured.push_back(effect(10 * kMB, 10.0)); // older: 1 MB/s
        const LockCalibration c = calibrateLockTime(measured, {});
        QCOMPARE(c.measuredSteps, kMaxCalibrationSteps);
        QVERIFY(near(c.bytesPerSecond, 10e6));
    }

    // The store gives the done splits and merges of one connection with a
    // measurement, newest first; not other kinds, not failed steps, not
    // another connection's.
    void storeGivesThisConnectionsMeasuredRepartitions()
    {
        QTemporaryDir dir;
        auto store = MetadataStore::open(dir.filePath(QStringLiteral("store.db")).toStdString());
        QVERIFY(store);
        const std::string a = "sqlite://" + dir.filePath(QStringLiteral("a.db")).toStdString();
        const std::string b = "sqlite://" + dir.filePath(QStringLiteral("b.db")).toStdString();
        auto conn = (*store)->ensureConnection(a);
        QVERIFY(conn);
        const auto add = [&](const std::string &uri, StepKind kind, StepStatus status, std::int64_t finished,
                             std::optional<StepEffect> measured) {
            Plan plan;
            plan.connectionUri = uri;
            plan.kind = "prebackup";
            plan.createdMs = finished - 1000;
            Step step;
            step.kind = kind;
            step.payload = payloadFor(kind);
            step.table = "events";
            step.sources = {"p1"};
            step.status = status;
            step.startedMs = finished - 500;
            step.finishedMs = finished;
            step.measured = measured;
            plan.steps.push_back(step);
            auto ok = (*store)->insertPlan(plan);
            QVERIFY2(ok, ok ? "" : ok.error().message.c_str());
        };
        add(a, StepKind::Split, StepStatus::Done, 1000, effect(1 * kMB, 0.1));
        add(a, StepKind::Merge, StepStatus::Done, 3000, effect(3 * kMB, 0.3));
        add(a, StepKind::Split, StepStatus::Done, 2000, effect(2 * kMB, 0.2));
        add(a, StepKind::Split, StepStatus::Failed, 4000, effect(4 * kMB, 0.4));
        add(a, StepKind::Split, StepStatus::Done, 5000, std::nullopt);
        add(a, StepKind::Compact, StepStatus::Done, 6000, effect(6 * kMB, 0.6));
        add(b, StepKind::Split, StepStatus::Done, 7000, effect(7 * kMB, 0.7));
        auto measured = (*store)->measuredRepartitions(conn->id, 10);
        QVERIFY2(measured, measured ? "" : measured.error().message.c_str());
        QCOMPARE(int(measured->size()), 3);
        QCOMPARE((*measured)[0].bytesRewritten, 3 * kMB);
        QCOMPARE((*measured)[1].bytesRewritten, 2 * kMB);
        QCOMPARE((*measured)[2].bytesRewritten, 1 * kMB);
        auto newest = (*store)->measuredRepartitions(conn->id, 1);
        QVERIFY(newest);
        QCOMPARE(int(newest->size()), 1);
    }
};

QTEST_GUILESS_MAIN(TestLockCalibration)
#include "tst_lock_calibration.moc"
