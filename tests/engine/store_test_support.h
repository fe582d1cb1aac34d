#pragma once
// Shared by the metadata store tests: raw SQLite access behind the API and
// small conversions.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <functional>
#include <string>

#include <sqlite3.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/metadata_store.h"



using namespace tidemark;

Q_DECLARE_METATYPE(tidemark::ErrorCode)

namespace store_test {

/// Base of the store test classes: a temporary folder and paths of fresh
/// stores in new sub-folders of it (so opening creates the folders too).
class StoreTestCase : public QObject {
protected:
    QTemporaryDir m_dir;
    int m_counter = 0;
    QString freshPath() { return m_dir.filePath(QStringLiteral("store-%1/sub/tidemark.db").arg(++m_counter)); }
};

/// Direct SQLite access to the store file, to look behind the API and to
/// write rows the API would not (older layouts, foreign locks).
class RawDb {
public:
    explicit RawDb(const QString &path, bool readOnly = false)
    {
        const int flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        if (sqlite3_open_v2(path.toUtf8().constData(), &m_db, flags, nullptr) != SQLITE_OK)
            qWarning("cannot open %s: %s", qPrintable(path), sqlite3_errmsg(m_db));
        sqlite3_busy_timeout(m_db, 5000);
    }
    ~RawDb() { sqlite3_close_v2(m_db); }
    RawDb(const RawDb &) = delete;
    RawDb &operator=(const RawDb &) = delete;

    bool exec(const QString &sql)
    {
        char *err = nullptr;
        const int rc = sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &err);
        if (rc != SQLITE_OK)
            qWarning("%s: %s", qPrintable(sql), err ? err : "?");
        sqlite3_free(err);
        return rc == SQLITE_OK;
    }
    /// First column of the first row as text ("" if none).
    QString text(const QString &sql)
    {
        sqlite3_stmt *stmt = nullptr;
        QString out;
        if (sqlite3_prepare_v2(m_db, sql.toUtf8().constData(), -1, &stmt, nullptr) == SQLITE_OK
            && sqlite3_step(stmt) == SQLITE_ROW)
            out = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
        sqlite3_finalize(stmt);
        return out;
    }
    qint64 integer(const QString &sql) { return text(sql).toLongLong(); }

private:
    sqlite3 *m_db = nullptr;
};

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

QString qs(const std::string &s) { return QString::fromStdString(s); }

std::filesystem::path fsPath(const QString &path) { return std::filesystem::path(path.toStdString()); }

/// A pid that certainly belonged to a process that has exited (and been reaped).
pid_t deadPid()
{
    const pid_t child = fork();
    if (child == 0)
        _exit(0);
    int status = 0;
    waitpid(child, &status, 0);
    return child;
}

QString readFirstLine(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(f.readLine()).trimmed();
}

std::string hostName()
{
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

void fillSettings(ConnectionSettings &s)
{
    s.backupIntervalSeconds = 3600;
    s.readWeight = 0.35;
    s.halfLifeSeconds = 120;
    s.samplingIntervalSeconds = 5;
    s.highThreshold = 71.5;
    s.lowThreshold = 12.25;
    s.targetMinBytes = 1 << 20;
    s.targetMaxBytes = 64ll << 20;
    s.splitMinBytes = 2 << 20;
    s.cooldownSeconds = 600;
    s.backupUnitBytes = 4 << 20;
    s.layoutLifetimeCycles = 3.5;
    s.rewriteBytesPerSecond = 1.25e7;
    s.histogramBuckets = 16;
    s.mergeColdPartitions = 1;
}

void compareSettings(const ConnectionSettings &a, const ConnectionSettings &b)
{
    QCOMPARE(a.backupIntervalSeconds, b.backupIntervalSeconds);
    QCOMPARE(a.readWeight, b.readWeight);
    QCOMPARE(a.halfLifeSeconds, b.halfLifeSeconds);
    QCOMPARE(a.samplingIntervalSeconds, b.samplingIntervalSeconds);
    QCOMPARE(a.highThreshold, b.highThreshold);
    QCOMPARE(a.lowThreshold, b.lowThreshold);
    QCOMPARE(a.targetMinBytes, b.targetMinBytes);
    QCOMPARE(a.targetMaxBytes, b.targetMaxBytes);
    QCOMPARE(a.splitMinBytes, b.splitMinBytes);
    QCOMPARE(a.cooldownSeconds, b.cooldownSeconds);
    QCOMPARE(a.backupUnitBytes, b.backupUnitBytes);
    QCOMPARE(a.layoutLifetimeCycles, b.layoutLifetimeCycles);
    QCOMPARE(a.rewriteBytesPerSecond, b.rewriteBytesPerSecond);
    QCOMPARE(a.histogramBuckets, b.histogramBuckets);
    QCOMPARE(a.mergeColdPartitions, b.mergeColdPartitions);
}

void compareEffect(const StepEffect &a, const StepEffect &b)
{
    QCOMPARE(a.bytesRewritten, b.bytesRewritten);
    QCOMPARE(a.lockSeconds, b.lockSeconds);
    QCOMPARE(a.backupBytesBefore, b.backupBytesBefore);
    QCOMPARE(a.backupBytesAfter, b.backupBytesAfter);
    QCOMPARE(a.amortisedRewriteBytesPerCycle, b.amortisedRewriteBytesPerCycle);
    QCOMPARE(a.rowsMoved, b.rowsMoved);
}

void compareStepTail(const Step &a, const Step &b);

void compareStep(const Step &a, const Step &b)
{
    QCOMPARE(a.id, b.id);
    QCOMPARE(qs(a.uid), qs(b.uid));
    QCOMPARE(a.ordinal, b.ordinal);
    QCOMPARE(a.kind, b.kind);
    QCOMPARE(qs(a.table), qs(b.table));
    QCOMPARE(a.sources, b.sources);
    QCOMPARE(qs(a.node), qs(b.node));
    QCOMPARE(a.keyType, b.keyType);
    QCOMPARE(a.payload.index(), b.payload.index());
    QVERIFY2(a.payload == b.payload, describeStep(a).c_str());
    if (!a.work<RepartitionWork>())
        return compareStepTail(a, b);
    QCOMPARE(a.repartition().targets.size(), b.repartition().targets.size());
    for (std::size_t i = 0; i < a.repartition().targets.size(); ++i) {
        QCOMPARE(qs(a.repartition().targets[i].name), qs(b.repartition().targets[i].name));
        QVERIFY(a.repartition().targets[i].bounds == b.repartition().targets[i].bounds);
        QCOMPARE(a.repartition().targets[i].expectedRows, b.repartition().targets[i].expectedRows);
        QCOMPARE(a.repartition().targets[i].expectedBytes, b.repartition().targets[i].expectedBytes);
        QCOMPARE(a.repartition().targets[i].expectedWriteShare, b.repartition().targets[i].expectedWriteShare);
    }
    compareStepTail(a, b);
}

/// The fields every step kind shares after its payload.
void compareStepTail(const Step &a, const Step &b)
{
    QCOMPARE(qs(a.reason), qs(b.reason));
    compareEffect(a.predicted, b.predicted);
    QCOMPARE(a.measured.has_value(), b.measured.has_value());
    if (a.measured)
        compareEffect(*a.measured, *b.measured);
    QCOMPARE(qs(a.sql), qs(b.sql));
    QCOMPARE(qs(a.fingerprint), qs(b.fingerprint));
    QCOMPARE(a.status, b.status);
    QCOMPARE(qs(a.error), qs(b.error));
    QCOMPARE(qs(a.verification), qs(b.verification));
    QCOMPARE(a.startedMs, b.startedMs);
    QCOMPARE(a.finishedMs, b.finishedMs);
}

Plan samplePlan(const std::string &uri)
{
    Plan p;
    p.connectionUri = uri;
    p.kind = "prebackup";
    p.createdMs = 1'700'000'000'000;
    p.createdBy = "alice";
    p.summary = "split 1 hot partition, merge 2 cold ones";

    Step split;
    split.ordinal = 0;
    split.kind = StepKind::Split;
    split.table = "events";
    split.sources = {"events_p3"};
    // Open ends both ways: MINVALUE below the first child, MAXVALUE above the last.
    split.repartition().targets = {{"events_p3a", KeyRange{std::nullopt, 625000}, 25000, 1 << 20, 0.25},
                     {"events_p3b", KeyRange{625000, std::nullopt}, 75000, 3 << 20, 0.75}};
    split.reason = "score 91 > 60";
    split.predicted = {4 << 20, 0.5, 8 << 20, 1 << 20, 600000, 100000};
    split.sql = "ALTER TABLE events SPLIT PARTITION events_p3 …";
    split.fingerprint = "fp:abc";

    Step merge;
    merge.ordinal = 1;
    merge.kind = StepKind::Merge;
    merge.uid = "given-uid-1";
    merge.table = "events";
    merge.sources = {"events_p0", "events_p1"};
    merge.repartition().targets = {{"events_p01", KeyRange{0, 200000}, 200000, 16 << 20, 0.0}};
    merge.reason = "score 3 < 20";
    merge.predicted = {16 << 20, 1.5, 0, 0, 2 << 20, 200000};
    merge.measured = StepEffect{17 << 20, 1.25, 0, 0, 0, 199999};
    merge.sql = "-- merge";
    merge.status = StepStatus::Done;
    merge.verification = "rows 200000 = 200000, checksum equal";
    merge.startedMs = 1'700'000'001'000;
    merge.finishedMs = 1'700'000'002'000;
    p.steps = {split, merge};
    return p;
}

/// A plan of two steps (a split with open-ended targets, a merge) written
/// as a store of schema 1–3 held it: steps without node, key type or
/// payload columns. Returns the plan id.
qint64 insertOldLayoutPlan(RawDb &raw, qint64 connectionId)
{
    raw.exec(QStringLiteral("INSERT INTO plans(connection_id, kind, status, created_ms, created_by, summary) "
                            "VALUES (%1, 'prebackup', 'approved', 1700000000000, 'alice', 'old plan')")
                 .arg(connectionId));
    const qint64 planId = raw.integer(QStringLiteral("SELECT max(id) FROM plans"));
    raw.exec(QStringLiteral(
                 "INSERT INTO steps(plan_id, ordinal, uid, kind, table_name, sources_json, targets_json, reason, "
                 "predicted_json, sql, fingerprint, status) VALUES "
                 "(%1, 0, 'old-split', 'split', 'events', '[\"events_p3\"]', "
                 "'[{\"name\":\"events_p3a\",\"lower\":null,\"upper\":625000,\"expectedRows\":25000},"
                 "{\"name\":\"events_p3b\",\"lower\":625000,\"upper\":null}]', 'hot', '{}', 'ALTER …', "
                 "'fp:abc', 'pending'),"
                 "(%1, 1, 'old-merge', 'merge', 'events', '[\"events_p0\",\"events_p1\"]', "
                 "'[{\"name\":\"events_p01\",\"lower\":0,\"upper\":200000}]', 'cold', '{}', '', 'fp:0', "
                 "'done')")
                 .arg(planId));
    return planId;
}

VolatilityScore score(const std::string &table, const std::string &partition, std::int64_t ts, double value)
{
    VolatilityScore s;
    s.table = table;
    s.partition = partition;
    s.timestampMs = ts;
    s.score = value;
    s.pModified = value / 100.0;
    s.writesPerSecond = value * 2;
    s.readsPerSecond = value / 2;
    s.rows = static_cast<std::int64_t>(value) * 10;
    s.bytes = static_cast<std::int64_t>(value) * 1000;
    return s;
}

} // namespace store_test

using namespace store_test;
