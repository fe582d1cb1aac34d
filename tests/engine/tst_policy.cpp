// Policies (docs/policies.md): maintenance windows, stored form, narrowing,
// durations, and the gate's decisions — one row per situation, with an
// injected clock (no real waiting).
#include <QtTest>

#include <cstdlib>
#include <ctime>

#include "policy/policy.h"
#include "policy/policy_gate.h"

using namespace tidemark;

namespace {

constexpr qint64 kMiB = 1ll << 20;
constexpr qint64 kMonday = 1'704'067'200'000; ///< Mon 2024-01-01 00:00 UTC
constexpr qint64 kMinuteMs = 60'000;
constexpr qint64 kDayMs = 86'400'000;

qint64 at(int day, int hour, int minute = 0, int second = 0)
{
    return kMonday + day * kDayMs + hour * 60 * kMinuteMs + minute * kMinuteMs + second * 1000;
}

Step step(int ordinal, double lockSeconds, qint64 bytes)
{
    Step s;
    s.ordinal = ordinal;
    s.table = "orders";
    s.predicted.lockSeconds = lockSeconds;
    s.predicted.bytesRewritten = bytes;
    return s;
}

QString ran(const GateResult &r)
{
    QStringList out;
    for (const auto &d : r.decisions)
        if (d.run)
            out << QString::number(d.ordinal);
    return out.join(u',');
}

Policy policy(PolicyLevel level, std::optional<double> lock = {}, std::optional<qint64> bytes = {},
              const char *window = nullptr, std::optional<double> busy = {})
{
    Policy p;
    p.level = level;
    p.maxLockSeconds = lock;
    p.maxRewriteBytes = bytes;
    if (window)
        p.window = *MaintenanceWindow::parse(window);
    p.busyWritesPerSecond = busy;
    return p;
}

} // namespace

Q_DECLARE_METATYPE(tidemark::Policy)
Q_DECLARE_METATYPE(std::vector<tidemark::Step>)
Q_DECLARE_METATYPE(tidemark::Readiness)
Q_DECLARE_METATYPE(tidemark::PolicyRequest)

class TestPolicy : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // Windows are local time; make "local" UTC so the rows mean what they say.
        qputenv("TZ", "UTC");
        ::tzset();
    }

    void windowAt_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<bool>("open");
        QTest::addColumn<qint64>("edge"); ///< closes at when open, opens at when closed
        QTest::newRow("weekday window, inside") << "Mon-Fri 01:00-05:00" << at(0, 2) << true << at(0, 5);
        QTest::newRow("weekday window, at its close it is closed") << "Mon-Fri 01:00-05:00" << at(0, 5) << false
                                                                   << at(1, 1);
        QTest::newRow("Saturday waits for Monday") << "Mon-Fri 01:00-05:00" << at(5, 2) << false << at(7, 1);
        QTest::newRow("daily window across midnight, after midnight") << "22:00-02:00" << at(1, 1) << true
                                                                       << at(1, 2);
        QTest::newRow("daily window across midnight, before it") << "22:00-02:00" << at(1, 21) << false
                                                                 << at(1, 22);
        QTest::newRow("weekend list") << "Sat,Sun 00:00-08:00" << at(6, 7, 59) << true << at(6, 8);
        QTest::newRow("day range wrapping the week") << "Fri-Mon 10:00-11:00" << at(6, 10, 30) << true
                                                     << at(6, 11);
        QTest::newRow("Tuesday is not in Fri-Mon") << "Fri-Mon 10:00-11:00" << at(1, 10, 30) << false
                                                   << at(4, 10);
        QTest::newRow("two entries, the second open") << "Mon-Fri 01:00-02:00; Sat 03:00-04:00" << at(5, 3, 30)
                                                      << true << at(5, 4);
        QTest::newRow("midnight-crossing window named on Friday covers Saturday morning")
            << "Fri 23:00-01:00" << at(5, 0, 30) << true << at(5, 1);
    }
    void windowAt()
    {
        QFETCH(QString, spec);
        QFETCH(qint64, now);
        QFETCH(bool, open);
        QFETCH(qint64, edge);
        auto w = MaintenanceWindow::parse(spec.toStdString());
        QVERIFY2(w, w ? "" : w.error().message.c_str());
        const auto state = w->at(now);
        QCOMPARE(state.open, open);
        QCOMPARE(open ? state.closesAtMs : state.opensAtMs, edge);
    }

    void windowParseErrors_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::newRow("empty") << "";
        QTest::newRow("days without hours") << "Mon-Fri";
        QTest::newRow("hour 25") << "25:00-01:00";
        QTest::newRow("unknown day") << "Xyz 01:00-02:00";
        QTest::newRow("zero length") << "01:00-01:00";
        QTest::newRow("single-digit hour") << "Mon-Fri 1:00-5:00";
        QTest::newRow("empty entry") << "Mon 01:00-02:00;;";
        QTest::newRow("garbage") << "\x01\x02 --:---";
    }
    void windowParseErrors()
    {
        QFETCH(QString, spec);
        auto w = MaintenanceWindow::parse(spec.toStdString());
        QVERIFY(!w);
        QCOMPARE(w.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!w.error().hint.empty());
    }

    void storedFormRoundTrips()
    {
        // A bare level stays a bare word (what older stores and other readers expect).
        QCOMPARE(QString::fromStdString(policyToStored(policy(PolicyLevel::Safe))), QStringLiteral("safe"));
        const Policy p = policy(PolicyLevel::Safe, 5.0, 100 * kMiB, "Mon-Fri 01:00-05:00", 250.0);
        auto back = policyFromStored(policyToStored(p));
        QVERIFY(back);
        QCOMPARE(back->level, PolicyLevel::Safe);
        QCOMPARE(*back->maxLockSeconds, 5.0);
        QCOMPARE(*back->maxRewriteBytes, 100 * kMiB);
        QCOMPARE(QString::fromStdString(back->window->text()), QStringLiteral("Mon-Fri 01:00-05:00"));
        QCOMPARE(*back->busyWritesPerSecond, 250.0);
        for (const char *bad : {"auto-prebackup", "{", "{\"level\":\"turbo\"}", "{\"level\":\"safe\",\"window\":5}",
                                "{\"level\":\"safe\",\"max_lock_seconds\":-1}", ""})
            QVERIFY2(!policyFromStored(bad), bad);
    }

    void narrowing_data()
    {
        QTest::addColumn<Policy>("stored");
        QTest::addColumn<PolicyRequest>("request");
        QTest::addColumn<PolicyLevel>("level");
        QTest::addColumn<double>("lock");
        QTest::addColumn<bool>("noted"); ///< something asked for was refused
        const auto req = [](std::optional<PolicyLevel> l, std::optional<double> lock = {},
                            std::optional<qint64> bytes = {}) {
            PolicyRequest r;
            r.level = l;
            r.maxLockSeconds = lock;
            r.maxRewriteBytes = bytes;
            return r;
        };
        QTest::newRow("no request keeps the stored policy")
            << policy(PolicyLevel::Safe, 5.0) << req({}) << PolicyLevel::Safe << 5.0 << false;
        QTest::newRow("report-only stored, full asked: stays report-only")
            << policy(PolicyLevel::ReportOnly) << req(PolicyLevel::Full) << PolicyLevel::ReportOnly
            << Policy::kDefaultMaxLockSeconds << true;
        QTest::newRow("safe stored, full asked: stays safe")
            << policy(PolicyLevel::Safe, 5.0) << req(PolicyLevel::Full) << PolicyLevel::Safe << 5.0 << true;
        QTest::newRow("full stored, report-only asked: narrows")
            << policy(PolicyLevel::Full) << req(PolicyLevel::ReportOnly) << PolicyLevel::ReportOnly
            << Policy::kDefaultMaxLockSeconds << false;
        QTest::newRow("safe stored, tighter lock asked: taken")
            << policy(PolicyLevel::Safe, 5.0) << req({}, 2.0) << PolicyLevel::Safe << 2.0 << false;
        QTest::newRow("safe stored, looser lock asked: refused")
            << policy(PolicyLevel::Safe, 5.0) << req({}, 50.0) << PolicyLevel::Safe << 5.0 << true;
        QTest::newRow("safe with default limits, looser lock asked: refused")
            << policy(PolicyLevel::Safe) << req({}, 60.0) << PolicyLevel::Safe << Policy::kDefaultMaxLockSeconds
            << true;
        QTest::newRow("full stored, limits asked: safe with those limits")
            << policy(PolicyLevel::Full) << req({}, 60.0) << PolicyLevel::Safe << 60.0 << true;
        QTest::newRow("full stored, safe asked with a lock above the default: any limit narrows full")
            << policy(PolicyLevel::Full) << req(PolicyLevel::Safe, 60.0) << PolicyLevel::Safe << 60.0 << false;
    }
    void narrowing()
    {
        QFETCH(Policy, stored);
        QFETCH(PolicyRequest, request);
        QFETCH(PolicyLevel, level);
        QFETCH(double, lock);
        QFETCH(bool, noted);
        std::vector<std::string> notes;
        const Policy p = narrowPolicy(stored, request, notes);
        QCOMPARE(p.level, level);
        QCOMPARE(p.lockLimit(), lock);
        QVERIFY(p.level <= stored.level);
        QCOMPARE(!notes.empty(), noted);
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms"); ///< -1: refused
        QTest::newRow("minutes") << "10m" << 600'000ll;
        QTest::newRow("seconds") << "90s" << 90'000ll;
        QTest::newRow("bare number is seconds") << "45" << 45'000ll;
        QTest::newRow("compound") << "1h30m" << 5'400'000ll;
        QTest::newRow("milliseconds") << "500ms" << 500ll;
        QTest::newRow("fraction") << "1.5s" << 1'500ll;
        QTest::newRow("unknown unit") << "10 parsecs" << -1ll;
        QTest::newRow("empty") << "" << -1ll;
        QTest::newRow("negative") << "-5s" << -1ll;
        QTest::newRow("absurd") << "99999999h" << -1ll;
        QTest::newRow("number after a bare number") << "10 5" << -1ll;
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        auto d = parseDuration(text.toStdString());
        if (ms < 0) {
            QVERIFY(!d);
            return;
        }
        QVERIFY2(d, d ? "" : d.error().message.c_str());
        QCOMPARE(*d, ms);
    }

    void gate_data()
    {
        QTest::addColumn<Policy>("policy");
        QTest::addColumn<std::vector<Step>>("steps");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<qint64>("deadlineMs");  ///< from now
        QTest::addColumn<double>("load");        ///< writes/s; < 0 unknown
        QTest::addColumn<QString>("runs");       ///< ordinals that run
        QTest::addColumn<Readiness>("readiness");
        const std::vector<Step> three{step(0, 1.0, 50 * kMiB), step(1, 3.0, 200 * kMiB), step(2, 0.5, 10 * kMiB)};
        const qint64 hour = 3'600'000;
        QTest::newRow("report-only runs nothing and is ready")
            << policy(PolicyLevel::ReportOnly) << three << at(0, 2) << hour << -1.0 << "" << Readiness::Ready;
        QTest::newRow("full runs the whole plan") << policy(PolicyLevel::Full) << three << at(0, 2) << hour << -1.0
                                                  << "0,1,2" << Readiness::Ready;
        QTest::newRow("safe: a step over the lock limit is skipped")
            << policy(PolicyLevel::Safe, 2.0) << three << at(0, 2) << hour << -1.0 << "0,2" << Readiness::Ready;
        QTest::newRow("safe: a step over the rewrite limit is skipped")
            << policy(PolicyLevel::Safe, 100.0, 100 * kMiB) << three << at(0, 2) << hour << -1.0 << "0,2"
            << Readiness::Ready;
        QTest::newRow("safe with default limits (10 s, 1 GiB) admits small steps")
            << policy(PolicyLevel::Safe) << three << at(0, 2) << hour << -1.0 << "0,1,2" << Readiness::Ready;
        const std::vector<Step> equal{step(0, 4.0, kMiB), step(1, 4.0, kMiB), step(2, 4.0, kMiB)};
        // Each step needs 4 × 1.25 + 0.25 = 5.25 s.
        QTest::newRow("deadline admits the first two of three")
            << policy(PolicyLevel::Full) << equal << at(0, 2) << 11'000ll << -1.0 << "0,1" << Readiness::Ready;
        QTest::newRow("deadline exactly fits all three")
            << policy(PolicyLevel::Full) << equal << at(0, 2) << 15'750ll << -1.0 << "0,1,2" << Readiness::Ready;
        QTest::newRow("a shorter later step still fits after a long one is cut")
            << policy(PolicyLevel::Full) << std::vector<Step>{step(0, 8.0, kMiB), step(1, 1.0, kMiB)} << at(0, 2)
            << 5'000ll << -1.0 << "1" << Readiness::Ready;
        QTest::newRow("deadline too short: nothing runs, not ready")
            << policy(PolicyLevel::Full) << equal << at(0, 2) << 5'000ll << -1.0 << "" << Readiness::DeadlineTooShort;
        QTest::newRow("safe limits reject all: ready, nothing to do within the policy")
            << policy(PolicyLevel::Safe, 0.1) << equal << at(0, 2) << hour << -1.0 << "" << Readiness::Ready;
        QTest::newRow("outside the window: nothing runs, not ready")
            << policy(PolicyLevel::Safe, {}, {}, "Mon-Fri 01:00-05:00") << three << at(5, 2) << hour << -1.0 << ""
            << Readiness::OutsideWindow;
        QTest::newRow("window closing before the deadline bounds the run")
            << policy(PolicyLevel::Full, {}, {}, "Mon-Fri 01:00-05:00") << equal << at(0, 4, 59, 52) << hour << -1.0
            << "0" << Readiness::Ready;
        QTest::newRow("report-only outside the window is still ready")
            << policy(PolicyLevel::ReportOnly, {}, {}, "Mon-Fri 01:00-05:00") << three << at(5, 2) << hour << -1.0
            << "" << Readiness::Ready;
        const std::vector<Step> four{step(0, 0.1, 400 * kMiB), step(1, 0.1, 100 * kMiB), step(2, 0.1, 300 * kMiB),
                                     step(3, 0.1, 200 * kMiB)};
        QTest::newRow("busy: full shrinks to the cheapest quarter of the bytes")
            << policy(PolicyLevel::Full, {}, {}, nullptr, 100.0) << four << at(0, 2) << hour << 500.0 << "1"
            << Readiness::Ready;
        QTest::newRow("busy: the cheapest step runs even when it alone is over the quarter")
            << policy(PolicyLevel::Full, {}, {}, nullptr, 100.0) << std::vector<Step>{step(0, 0.1, kMiB)} << at(0, 2)
            << hour << 500.0 << "0" << Readiness::Ready;
        QTest::newRow("busy: safe limits shrink to a quarter")
            << policy(PolicyLevel::Safe, 4.0, {}, nullptr, 100.0)
            << std::vector<Step>{step(0, 2.0, 10 * kMiB), step(1, 0.5, 10 * kMiB)} << at(0, 2) << hour << 500.0 << "1"
            << Readiness::Ready;
        QTest::newRow("below the busy threshold nothing shrinks")
            << policy(PolicyLevel::Full, {}, {}, nullptr, 100.0) << four << at(0, 2) << hour << 50.0 << "0,1,2,3"
            << Readiness::Ready;
        QTest::newRow("unknown load is not busy")
            << policy(PolicyLevel::Full, {}, {}, nullptr, 100.0) << four << at(0, 2) << hour << -1.0 << "0,1,2,3"
            << Readiness::Ready;
        QTest::newRow("empty plan is ready") << policy(PolicyLevel::Full) << std::vector<Step>{} << at(0, 2) << 0ll
                                             << -1.0 << "" << Readiness::Ready;
    }
    void gate()
    {
        QFETCH(Policy, policy);
        QFETCH(std::vector<Step>, steps);
        QFETCH(qint64, now);
        QFETCH(qint64, deadlineMs);
        QFETCH(double, load);
        QFETCH(QString, runs);
        QFETCH(Readiness, readiness);
        GateInput in;
        in.steps = steps;
        in.policy = policy;
        in.nowMs = now;
        in.deadlineMs = now + deadlineMs;
        if (load >= 0)
            in.loadWritesPerSecond = load;
        const GateResult r = PolicyGate::decide(in);
        QCOMPARE(ran(r), runs);
        QCOMPARE(r.readiness, readiness);
        QCOMPARE(r.decisions.size(), steps.size());
        double total = 0;
        for (const auto &d : r.decisions) {
            QVERIFY2(!d.reason.empty(), "every decision says why");
            if (d.run)
                total += d.predictedSeconds;
        }
        // The admitted steps, back to back, end before the deadline and the window.
        QVERIFY(double(now) + total * 1000.0 <= double(r.effectiveEndMs) + 1e-6);
        QVERIFY(!r.summary.empty());
    }

    void nextStepMustFitWhenItStarts()
    {
        const Step s = step(0, 4.0, kMiB); // 5.25 s
        QVERIFY(PolicyGate::fitsBefore(s, at(0, 2), at(0, 2) + 5'250));
        QVERIFY(!PolicyGate::fitsBefore(s, at(0, 2), at(0, 2) + 5'249));
    }

    /// The connector's load figure (active sessions) makes a database busy
    /// like the write rate; unknown (SQLite) is never busy; it only narrows.
    void activeSessionsMakeTheDatabaseBusy()
    {
        const std::vector<Step> four{step(0, 0.1, 400 * kMiB), step(1, 0.1, 100 * kMiB), step(2, 0.1, 300 * kMiB),
                                     step(3, 0.1, 200 * kMiB)};
        GateInput in;
        in.steps = four;
        in.policy = policy(PolicyLevel::Full);
        in.policy.busyActiveSessions = 4;
        in.nowMs = at(0, 2);
        in.deadlineMs = in.nowMs + 3'600'000;
        in.loadWritesPerSecond = 1.0;
        in.activeSessions = 6;
        GateResult r = PolicyGate::decide(in);
        QVERIFY(r.busy);
        QCOMPARE(ran(r), QStringLiteral("1"));
        QVERIFY2(r.decisions[0].reason.find("6 active sessions > 4") != std::string::npos, r.decisions[0].reason.c_str());
        in.activeSessions = 4;
        QVERIFY(!PolicyGate::decide(in).busy);
        in.activeSessions.reset();
        QVERIFY(!PolicyGate::decide(in).busy);

        std::vector<std::string> notes;
        PolicyRequest looser;
        looser.busyActiveSessions = 10;
        QCOMPARE(*narrowPolicy(in.policy, looser, notes).busyActiveSessions, 4.0);
        QCOMPARE(notes.size(), std::size_t(1));
        PolicyRequest tighter;
        tighter.busyActiveSessions = 2;
        QCOMPARE(*narrowPolicy(in.policy, tighter, notes).busyActiveSessions, 2.0);
        auto back = policyFromStored(policyToStored(in.policy));
        QVERIFY(back);
        QCOMPARE(back->busyActiveSessions.value_or(-1), 4.0);
    }
};

QTEST_GUILESS_MAIN(TestPolicy)
#include "tst_policy.moc"
