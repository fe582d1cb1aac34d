// A standing proof that a kill never loses or duplicates a row: N kills of
// `tidemark-cli apply` at random moments — at random crash points of a split
// and a merge step, and by SIGKILL after a random delay — per connector
// (SQLite; PostgreSQL under concurrent writes), each followed by recovery and
// a second run. Counted: rows lost, rows duplicated, and Tidemark objects
// left behind (tables, triggers, functions, log and progress rows).
//
// CI runs a few trials per connector; TIDEMARK_KILL_TRIALS=100 runs 100 each
// (TIDEMARK_KILL_SEED repeats a run).
#include <algorithm>
#include <atomic>
#include <csignal>
#include <random>
#include <thread>

#include <sqlite3.h>

#include "../e2e/cli_harness.h"
#include "postgres_test_util.h"
#include "sqlite_connector.h"
#include "sqlite_test_util.h"
#include "store/metadata_store.h"

using namespace tidemark;
using namespace tidemark::test;

namespace {

struct Tally {
    int trials = 0;
    int atCrashPoint = 0, afterDelay = 0, finishedBeforeKill = 0;
    std::int64_t lost = 0, duplicated = 0, leftovers = 0, drift = 0;
    QString describe(const char *connector) const
    {
        return QStringLiteral("%1: %2 trials (%3 at a crash point, %4 after a random delay, %5 finished before "
                              "the kill); rows lost %6, rows duplicated %7, objects left behind %8, balance drift %9")
            .arg(QLatin1String(connector))
            .arg(trials)
            .arg(atCrashPoint)
            .arg(afterDelay)
            .arg(finishedBeforeKill)
            .arg(lost)
            .arg(duplicated)
            .arg(leftovers)
            .arg(drift);
    }
};

int trialCount(int ciDefault)
{
    const QByteArray n = qgetenv("TIDEMARK_KILL_TRIALS");
    return n.isEmpty() ? ciDefault : std::max(1, n.toInt());
}

std::mt19937_64 &rng()
{
    static std::mt19937_64 engine = [] {
        const QByteArray s = qgetenv("TIDEMARK_KILL_SEED");
        const std::uint64_t seed = s.isEmpty() ? std::random_device{}() : s.toULongLong();
        qInfo("kill trials: seed %llu (TIDEMARK_KILL_SEED repeats it)", static_cast<unsigned long long>(seed));
        return std::mt19937_64(seed);
    }();
    return engine;
}

int uniform(int lo, int hi)
{
    return std::uniform_int_distribution<int>(lo, hi)(rng());
}

/// A split of the fullest partition (not one of `avoid`) in its middle, and
/// a merge of the emptiest adjacent pair apart from it: one plan, approved.
QString approveSplitAndMerge(Connector &c, const std::string &uri, const std::string &table, const QString &storePath,
                             std::int64_t minKey, std::int64_t maxKey)
{
    auto t = c.describe(table);
    if (!t || t->partitions.size() < 4)
        return {};
    const auto &ps = t->partitions;
    std::size_t split = 0;
    for (std::size_t i = 0; i < ps.size(); ++i)
        if (ps[i].rows > ps[split].rows)
            split = i;
    std::size_t merge = ps.size();
    for (std::size_t i = 0; i + 1 < ps.size(); ++i)
        if (i != split && i + 1 != split &&
            (merge == ps.size() || ps[i].rows + ps[i + 1].rows < ps[merge].rows + ps[merge + 1].rows))
            merge = i;
    if (merge == ps.size())
        return {};
    const Partition &s = ps[split];
    const std::int64_t lo = s.bounds.lower.value_or(minKey), hi = s.bounds.upper.value_or(maxKey + 1);
    const std::int64_t mid = lo + (hi - lo) / 2;
    auto named = [&](KeyRange r) {
        NewPartition p;
        p.bounds = r;
        p.name = c.partitionNameFor(table, r);
        return p;
    };
    Step splitStep;
    splitStep.kind = StepKind::Split;
    splitStep.table = table;
    splitStep.sources = {s.name};
    splitStep.repartition().targets = {named({s.bounds.lower, mid}), named({mid, s.bounds.upper})};
    splitStep.fingerprint = c.fingerprint(table, splitStep.sources).value_or("");
    Step mergeStep;
    mergeStep.kind = StepKind::Merge;
    mergeStep.table = table;
    mergeStep.sources = {ps[merge].name, ps[merge + 1].name};
    mergeStep.repartition().targets = {named({ps[merge].bounds.lower, ps[merge + 1].bounds.upper})};
    mergeStep.fingerprint = c.fingerprint(table, mergeStep.sources).value_or("");
    Plan plan;
    plan.connectionUri = uri;
    plan.kind = "test";
    plan.steps = {splitStep, mergeStep};
    if (uniform(0, 1))
        std::swap(plan.steps[0], plan.steps[1]);
    for (int i = 0; i < 2; ++i)
        plan.steps[std::size_t(i)].ordinal = i;
    auto store = MetadataStore::open(str(storePath));
    if (!store || !(*store)->insertPlan(plan) || !(*store)->markApproved(plan.id, "tester", "kill trial"))
        return {};
    return QString::number(plan.id);
}

/// Runs `apply` and kills it at a random moment; what happened. `windowMs`
/// bounds the random delay and narrows to the length of a whole run the
/// first time a run ends before its kill, so later delays land inside it.
enum class Kill { CrashPoint, Delay, NotKilled };
Kill applyAndKill(const CliHarness &h, const QString &planId, const QStringList &env, const QStringList &points,
                  int &windowMs)
{
    const bool atPoint = uniform(0, 1) == 0;
    QStringList all = env;
    if (atPoint)
        all << QStringLiteral("TIDEMARK_CRASH_AT=%1#%2")
                   .arg(points.at(uniform(0, int(points.size()) - 1)))
                   .arg(uniform(1, 2));
    QElapsedTimer clock;
    clock.start();
    auto p = h.start({QStringLiteral("apply"), planId}, all);
    if (!atPoint) {
        const int delay = uniform(0, windowMs);
        if (!p->waitForFinished(delay)) {
            ::kill(pid_t(p->processId()), SIGKILL);
            p->waitForFinished(60000);
            return Kill::Delay;
        }
        windowMs = std::max(50, int(clock.elapsed()));
        return Kill::NotKilled;
    }
    p->waitForFinished(300000);
    return p->exitStatus() == QProcess::CrashExit ? Kill::CrashPoint : Kill::NotKilled;
}

/// Recovery, then the plan run to its end; "" or what went wrong. An
/// executor that just died may still be seen busy for a moment (its server
/// session finishing a statement): exit 5 is retried.
QString settleAndFinish(const CliHarness &h, const QString &uri, const QString &planId, const QStringList &env)
{
    ProcessResult r;
    for (int attempt = 0; attempt < 60; ++attempt) {
        r = h.cli({QStringLiteral("status"), uri}, env);
        if (r.exitCode == 0)
            break;
        QThread::msleep(250);
    }
    if (r.exitCode != 0)
        return QStringLiteral("status: ") + describe(r);
    for (int attempt = 0; attempt < 60; ++attempt) {
        const QJsonObject shown =
            QJsonDocument::fromJson(h.cli({QStringLiteral("--json"), QStringLiteral("show"), planId}, env).out.toUtf8())
                .object();
        const QString status = shown.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("done"))
            return {};
        if (status == QLatin1String("running"))
            return QStringLiteral("plan left running after recovery");
        r = h.cli({QStringLiteral("apply"), planId}, env);
        if (r.exitCode == 0)
            return {};
        if (r.exitCode != 5 && r.exitCode != 1)
            return QStringLiteral("apply again: ") + describe(r);
        QThread::msleep(250);
    }
    return QStringLiteral("apply again kept failing: ") + describe(r);
}

} // namespace

class TestKillTrials : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;

private slots:
    void initTestCase()
    {
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        usePgpass(*m_pg);
        const QString init = pgbenchInit(*m_pg, 2, 4);
        QVERIFY2(init.isEmpty(), qPrintable(init));
    }
    void cleanupTestCase() { m_pg.reset(); }

    void sqliteKills()
    {
        CliHarness base;
        const QString pristine = base.path(QStringLiteral("pristine.db"));
        const ProcessResult made =
            base.cli({QStringLiteral("demo"), QStringLiteral("init"), pristine, QStringLiteral("--rows"),
                      QStringLiteral("30000"), QStringLiteral("--partitions"), QStringLiteral("10")});
        QVERIFY2(made.exitCode == 0, qPrintable(describe(made)));
        const QStringList points{QStringLiteral("executor.before-step"), QStringLiteral("executor.after-intent"),
                                 QStringLiteral("sqlite.after-copy"),    QStringLiteral("sqlite.before-commit"),
                                 QStringLiteral("sqlite.after-commit"),  QStringLiteral("executor.after-commit")};
        Tally tally;
        int window = 3000;
        const int n = trialCount(8);
        for (int trial = 0; trial < n; ++trial) {
            CliHarness h;
            const QString db = h.path(QStringLiteral("trial.db"));
            QVERIFY(QFile::copy(pristine, db));
            const QString uri = CliHarness::uri(db);
            std::vector<std::string> keysBefore;
            QString planId;
            {
                auto c = sqlite::SqliteConnector::open(str(uri));
                QVERIFY(c);
                planId = approveSplitAndMerge(**c, str(uri), "orders", h.store(), 1, 30000);
                QVERIFY(!planId.isEmpty());
                RawDb raw(str(db));
                keysBefore = raw.strings("SELECT order_id || ':' || amount_cents FROM orders ORDER BY order_id");
            }
            const Kill how = applyAndKill(h, planId, {}, points, window);
            tally.atCrashPoint += how == Kill::CrashPoint;
            tally.afterDelay += how == Kill::Delay;
            tally.finishedBeforeKill += how == Kill::NotKilled;
            const QString settled = settleAndFinish(h, uri, planId, {});
            QVERIFY2(settled.isEmpty(), qPrintable(QStringLiteral("trial %1: %2").arg(trial).arg(settled)));

            RawDb raw(str(db));
            std::vector<std::string> after =
                raw.strings("SELECT order_id || ':' || amount_cents FROM orders ORDER BY order_id");
            std::vector<std::string> unique = after;
            unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
            std::vector<std::string> missing;
            std::set_difference(keysBefore.begin(), keysBefore.end(), unique.begin(), unique.end(),
                                std::back_inserter(missing));
            tally.lost += std::int64_t(missing.size());
            tally.duplicated += std::int64_t(after.size() - unique.size());
            tally.leftovers +=
                raw.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name LIKE 'orders__p%' AND "
                           "name NOT IN (SELECT name FROM _tidemark_partitions)") +
                raw.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name NOT IN (SELECT "
                           "name FROM sqlite_schema WHERE type IN ('table', 'view'))");
            ++tally.trials;
        }
        qInfo().noquote() << tally.describe("sqlite");
        QCOMPARE(tally.lost, std::int64_t(0));
        QCOMPARE(tally.duplicated, std::int64_t(0));
        QCOMPARE(tally.leftovers, std::int64_t(0));
    }

    void postgresKillsUnderWrites()
    {
        const QString uri = m_pg->uri();
        const QStringList env = m_pg->environment();
        const QStringList points{QStringLiteral("executor.before-step"),   QStringLiteral("executor.after-intent"),
                                 QStringLiteral("postgres.after-prepare"), QStringLiteral("postgres.after-copy"),
                                 QStringLiteral("postgres.before-commit"), QStringLiteral("postgres.after-commit"),
                                 QStringLiteral("executor.after-commit")};
        auto check = connectOrFail(*m_pg);
        QVERIFY(check);
        const std::int64_t accounts = sqlInt(check->connection(), "SELECT count(*) FROM pgbench_accounts");
        QVERIFY(accounts > 0);
        Tally tally;
        int window = 6000;
        const int n = trialCount(6);
        for (int trial = 0; trial < n; ++trial) {
            CliHarness h;
            QString planId;
            {
                auto c = connectOrFail(*m_pg);
                QVERIFY(c);
                planId = approveSplitAndMerge(*c, str(uri), "pgbench_accounts", h.store(), 1, accounts);
                QVERIFY2(!planId.isEmpty(), "a split and a merge could be planned");
            }
            // Writers keep updating accounts (and logging each change in
            // history) all through the kill, the recovery and the second run.
            std::atomic<std::int64_t> committed{0};
            std::jthread writer([&](std::stop_token stop) {
                auto w = postgres::PgConnection::open(str(uri));
                if (!w)
                    return;
                std::mt19937_64 local(std::uint64_t(trial) * 7919u + 1u);
                while (!stop.stop_requested()) {
                    const std::string aid =
                        std::to_string(std::uniform_int_distribution<std::int64_t>(1, accounts)(local));
                    const std::string delta = std::to_string(std::uniform_int_distribution<int>(-500, 500)(local));
                    if ((*w)->begin() &&
                        (*w)->query("UPDATE pgbench_accounts SET abalance = abalance + $2 WHERE aid = $1",
                                    {aid, delta}) &&
                        (*w)->query("INSERT INTO pgbench_history(tid, bid, aid, delta, mtime) VALUES (1, 1, $1, $2, "
                                    "now())",
                                    {aid, delta}) &&
                        (*w)->commit())
                        ++committed;
                    else
                        (*w)->rollback();
                }
            });
            const Kill how = applyAndKill(h, planId, env, points, window);
            tally.atCrashPoint += how == Kill::CrashPoint;
            tally.afterDelay += how == Kill::Delay;
            tally.finishedBeforeKill += how == Kill::NotKilled;
            const QString settled = settleAndFinish(h, uri, planId, env);
            writer.request_stop();
            writer.join();
            QVERIFY2(settled.isEmpty(), qPrintable(QStringLiteral("trial %1: %2").arg(trial).arg(settled)));
            QVERIFY(committed.load() > 0);

            auto &c = check->connection();
            const std::int64_t rows = sqlInt(c, "SELECT count(*) FROM pgbench_accounts");
            const std::int64_t distinct = sqlInt(c, "SELECT count(DISTINCT aid) FROM pgbench_accounts");
            tally.lost += accounts - distinct;
            tally.duplicated += rows - distinct;
            tally.drift += std::abs(sqlInt(c, "SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts") -
                                    sqlInt(c, "SELECT coalesce(sum(delta), 0) FROM pgbench_history"));
            tally.leftovers +=
                sqlInt(c,
                       "SELECT count(*) FROM pg_class WHERE relname LIKE 'pgbench_accounts%' AND relkind = 'r' AND "
                       "NOT relispartition") +
                sqlInt(c, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark%'") +
                sqlInt(c,
                       "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE "
                       "n.nspname = 'tidemark' AND p.proname LIKE 'log%'") +
                sqlInt(c, "SELECT count(*) FROM tidemark.change_log") +
                sqlInt(c, "SELECT count(*) FROM tidemark.step_progress") +
                sqlInt(c, "SELECT count(*) FROM tidemark.executor_claims");
            ++tally.trials;
        }
        qInfo().noquote() << tally.describe("postgresql");
        QCOMPARE(tally.lost, std::int64_t(0));
        QCOMPARE(tally.duplicated, std::int64_t(0));
        QCOMPARE(tally.drift, std::int64_t(0));
        QCOMPARE(tally.leftovers, std::int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestKillTrials)
#include "tst_kill_trials.moc"
