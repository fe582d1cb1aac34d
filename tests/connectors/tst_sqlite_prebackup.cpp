// The engine's one pre-backup rule (engine/backup/backup_preparation.h) on a
// real SQLite demo, for both ways a run is approved: a person's approved
// plan (the desktop) and the stored policy (CLI, agent). With an injected
// clock: a step that fails is "not ready" with the database's reason even
// when the next step would not fit the deadline anyway; a step that
// finished with no time left for the next is "ready" with the rest left
// for later. The demo is made by tidemark-cli, as a DBA would.
#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

#include "backup/backup_preparation.h"
#include "sqlite_connector.h"
#include "store/metadata_store.h"
#include "test_support.h"

using namespace tidemark;

namespace {
constexpr std::int64_t kStartMs = 1'700'000'000'000;
} // namespace

class TestSqlitePrebackup : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void oneRuleForEveryRun_data();
    void oneRuleForEveryRun();

private:
    bool cli(const QStringList &args);
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_store;
    QString m_database;
    std::string m_uri;
};

bool TestSqlitePrebackup::cli(const QStringList &args)
{
    const auto r =
        test::run(test::binary(QStringLiteral("tidemark-cli")), QStringList{QStringLiteral("--store"), m_store} + args);
    if (r.exitCode != 0)
        qWarning().noquote() << args.join(u' ') << r.err;
    return r.exitCode == 0;
}

void TestSqlitePrebackup::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_store = m_dir->filePath(QStringLiteral("tidemark.db"));
    m_database = m_dir->filePath(QStringLiteral("demo.db"));
    m_uri = "sqlite://" + m_database.toStdString();
    QVERIFY(cli({QStringLiteral("demo"), QStringLiteral("init"), m_database, QStringLiteral("--rows"),
                 QStringLiteral("60000"), QStringLiteral("--partitions"), QStringLiteral("40")}));
    QVERIFY(cli({QStringLiteral("demo"), QStringLiteral("load"), m_database, QStringLiteral("--seconds"),
                 QStringLiteral("1")}));
    QVERIFY(cli(
        {QStringLiteral("policy"), QString::fromStdString(m_uri), QStringLiteral("--set"), QStringLiteral("full")}));
    // Merges of cold neighbours save no backup bytes: asked for, so that plans have several steps.
    QVERIFY(cli({QStringLiteral("settings"), QString::fromStdString(m_uri), QStringLiteral("--set"),
                 QStringLiteral("merge_cold_partitions=1")}));
}

void TestSqlitePrebackup::oneRuleForEveryRun_data()
{
    QTest::addColumn<bool>("person"); ///< a person's approved plan, else the stored policy
    QTest::addColumn<bool>("lockHeld"); ///< another writer holds the database once step 1 starts
    QTest::addColumn<qint64>("deadlineMs");
    QTest::addColumn<qint64>("advanceMs"); ///< the clock moves this much per finished step
    QTest::addColumn<bool>("cancel");
    QTest::addColumn<bool>("ready");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("planStatus");
    QTest::addColumn<int>("stepsDone"); ///< -1: every step

    const auto st = [](PlanStatus s) { return QString::fromLatin1(toString(s)); };
    for (const bool person : {true, false}) {
        const QByteArray who = person ? "person: " : "policy: ";
        QTest::newRow(
            (who + QByteArray("first step cannot lock, the next would not fit: not ready, plan not done")).constData())
            << person << true << qint64(10'000) << qint64(9'900) << false << false << "locked"
            << st(PlanStatus::RolledBack) << 0;
        QTest::newRow((who + QByteArray("first step cannot lock with time to spare: not ready")).constData())
            << person << true << qint64(600'000) << qint64(0) << false << false << "locked"
            << st(PlanStatus::RolledBack) << 0;
        QTest::newRow(
            (who + QByteArray("first step done, the next would not fit: ready, the rest not started")).constData())
            << person << false << qint64(10'000) << qint64(9'900) << false << true << "ready" << st(PlanStatus::Done)
            << 1;
        QTest::newRow((who + QByteArray("every step fits: ready, all done")).constData())
            << person << false << qint64(600'000) << qint64(0) << false << true << "ready" << st(PlanStatus::Done)
            << -1;
    }
    QTest::newRow("person: deadline too short for the first step: nothing approved")
        << true << false << qint64(0) << qint64(0) << false << false << "deadline-too-short" << st(PlanStatus::Proposed)
        << 0;
    QTest::newRow("person: cancelled before a step started: nothing approved")
        << true << false << qint64(600'000) << qint64(0) << true << false << "cancelled" << st(PlanStatus::Proposed)
        << 0;
}

void TestSqlitePrebackup::oneRuleForEveryRun()
{
    QFETCH(bool, person);
    QFETCH(bool, lockHeld);
    QFETCH(qint64, deadlineMs);
    QFETCH(qint64, advanceMs);
    QFETCH(bool, cancel);
    QFETCH(bool, ready);
    QFETCH(QString, reason);
    QFETCH(QString, planStatus);
    QFETCH(int, stepsDone);

    auto store = MetadataStore::open(m_store.toStdString());
    QVERIFY2(store, store ? "" : store.error().message.c_str());
    auto connector = sqlite::SqliteConnector::open(m_uri);
    QVERIFY2(connector, connector ? "" : connector.error().message.c_str());

    PreparationRequest request;
    request.uri = m_uri;
    request.requestedBy = "tester";
    request.lockTimeoutMs = 300;
    if (person) {
        // What the desktop shows first: a report-only plan, nothing changed.
        PreparationRequest analyse = request;
        analyse.narrowing.level = PolicyLevel::ReportOnly;
        auto proposed = prepareForBackup(**connector, **store, analyse);
        QVERIFY2(proposed, proposed ? "" : proposed.error().message.c_str());
        QVERIFY2(proposed->plan.steps.size() >= 2, proposed->message.c_str());
        QCOMPARE(proposed->plan.status, PlanStatus::Proposed);
        request.approvedPlanId = proposed->plan.id;
        request.approval = "interactive (test)";
    }
    request.deadlineMs = deadlineMs;
    std::int64_t now = kStartMs;
    request.clock = [&now] { return now; };
    std::stop_source stop;
    if (cancel)
        stop.request_stop();
    request.stop = stop.get_token();

    sqlite3 *other = nullptr;
    QCOMPARE(sqlite3_open(m_database.toUtf8().constData(), &other), SQLITE_OK);
    auto closeOther = qScopeGuard([&] {
        sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(other);
    });
    bool locked = false;
    QStringList finished;
    request.onEvent = [&](const PreparationEvent &e) {
        if (e.stage != "step")
            return;
        if (e.status == "running") {
            // After the executor's intent and recovery, before the step's transaction.
            if (lockHeld && !locked)
                locked = sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
            return;
        }
        finished << QString::fromStdString(e.status);
        now += advanceMs;
    };

    auto result = prepareForBackup(**connector, **store, request);
    QVERIFY2(result, result ? "" : result.error().message.c_str());
    QCOMPARE(locked, lockHeld);
    QVERIFY2(result->ready == ready, result->message.c_str());
    QCOMPARE(QString::fromStdString(result->reason), reason);
    QVERIFY(!result->message.empty());
    if (!ready)
        QVERIFY2(result->message.find("ready for the backup") == std::string::npos, result->message.c_str());

    const std::int64_t planId = result->plan.id;
    QVERIFY(planId > 0);
    auto plan = (*store)->plan(planId);
    QVERIFY(plan);
    QCOMPARE(QString::fromLatin1(toString(plan->status)), planStatus);
    int done = 0;
    for (const auto &s : plan->steps)
        done += s.status == StepStatus::Done ? 1 : 0;
    QCOMPARE(done, stepsDone < 0 ? int(plan->steps.size()) : stepsDone);
    QCOMPARE(result->stepsDone, done);
    if (lockHeld) {
        QCOMPARE(plan->steps.front().status, StepStatus::RolledBack);
        QVERIFY2(result->error && result->error->code == ErrorCode::Busy, result->message.c_str());
        QCOMPARE(finished.size(), 1); // the failed step stopped the plan
    }
    if (ready && stepsDone > 0) {
        QVERIFY(plan->steps.size() > std::size_t(stepsDone));
        QVERIFY2(std::find(result->notes.begin(), result->notes.end(),
                           "the remaining steps were not started: they would not finish before the deadline") !=
                     result->notes.end(),
                 result->message.c_str());
    }
    if (person && planStatus != QString::fromLatin1(toString(PlanStatus::Proposed))) {
        QCOMPARE(plan->id, request.approvedPlanId); // the plan the person saw, not a fresh one
        QCOMPARE(QString::fromStdString(plan->approvedBy), QStringLiteral("tester"));
        QCOMPARE(QString::fromStdString(plan->approval), QStringLiteral("interactive (test)"));
    }
}

QTEST_GUILESS_MAIN(TestSqlitePrebackup)
#include "tst_sqlite_prebackup.moc"
