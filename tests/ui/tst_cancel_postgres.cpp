// A scan against a real PostgreSQL server that blocks on a lock another
// session holds: the GUI thread keeps running, Stop reaches the server
// (PQcancel, off the GUI thread) and the scan answers "cancelled" within a
// second; the server's backend stops waiting; the next scan, once the lock
// is gone, works.
#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

#include "engine_client.h"
#include "postgres_server.h"
#include "ui_test_support.h"

using namespace tidemark::ui;
using tidemark::test::PostgresServer;

class TestCancelPostgres : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void scanBlockedOnALockIsCancelled();

private:
    int lockWaiters() const
    {
        QString out;
        m_pg->psql(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"), &out);
        return out.trimmed().toInt();
    }

    QTemporaryDir m_dir;
    std::unique_ptr<PostgresServer> m_pg;
    std::unique_ptr<EngineClient> m_client;
};

void TestCancelPostgres::initTestCase()
{
    QVERIFY(m_dir.isValid());
    tidemark::test::isolateSettings(m_dir);
    m_pg = PostgresServer::start();
    QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
    qputenv("PGPASSFILE", m_pg->pgpassFile().toUtf8());
    QString err;
    QVERIFY2(m_pg->psql(QStringLiteral("CREATE TABLE orders (id bigint NOT NULL) PARTITION BY RANGE (id);"
                                       "CREATE TABLE orders_p0 PARTITION OF orders FOR VALUES FROM (0) TO (1000);"
                                       "CREATE TABLE orders_p1 PARTITION OF orders FOR VALUES FROM (1000) TO (2000);"
                                       "INSERT INTO orders SELECT generate_series(0, 1999);"),
                        nullptr, &err),
             qPrintable(err));
    m_client = tidemark::test::makeClient();
    QSignalSpy opened(m_client.get(), &EngineClient::storeOpened);
    m_client->openStore(m_dir.filePath(QStringLiteral("tidemark.db")));
    QTRY_COMPARE(opened.count(), 1);
}

void TestCancelPostgres::cleanupTestCase()
{
    m_client.reset();
    m_pg.reset();
}

void TestCancelPostgres::scanBlockedOnALockIsCancelled()
{
    const QString uri = m_pg->uri();
    QSignalSpy scanned(m_client.get(), &EngineClient::scanned);
    QSignalSpy failed(m_client.get(), &EngineClient::failed);
    m_client->scan(uri); // a first scan opens the connector the engine keeps
    QTRY_COMPARE_WITH_TIMEOUT(scanned.count(), 1, 20000);

    // Another session holds the partition until told otherwise.
    QProcess holder;
    holder.start(m_pg->binary(QStringLiteral("psql")), {QStringLiteral("-At"), QStringLiteral("-v"),
                                                        QStringLiteral("ON_ERROR_STOP=1"), uri});
    QVERIFY(holder.waitForStarted());
    holder.write("BEGIN; LOCK TABLE orders_p1 IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n");
    QByteArray said;
    QTRY_VERIFY2_WITH_TIMEOUT((said += holder.readAllStandardOutput()).contains("locked")
                                  || holder.state() != QProcess::Running,
                              said + holder.readAllStandardError(), 10000);
    QVERIFY2(holder.state() == QProcess::Running, holder.readAllStandardError().constData());

    int beats = 0;
    QTimer heartbeat;
    connect(&heartbeat, &QTimer::timeout, this, [&beats] { ++beats; });
    heartbeat.start(10);
    m_client->scan(uri);
    QTRY_COMPARE_WITH_TIMEOUT(lockWaiters(), 1, 10000);
    const int before = beats;
    QTRY_VERIFY(beats >= before + 10); // the GUI thread runs while the scan waits
    QCOMPARE(scanned.count(), 1);

    QElapsedTimer clock;
    clock.start();
    m_client->cancel(EngineOp::Scan);
    QVERIFY(clock.elapsed() < 100);
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 1000);
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(failed.at(0).at(0).value<EngineOp>(), EngineOp::Scan);
    QCOMPARE(failed.at(0).at(1).value<EngineError>().code, tidemark::ErrorCode::Cancelled);
    QCOMPARE(scanned.count(), 1);
    QTRY_COMPARE(lockWaiters(), 0); // the server stopped the statement, not just Tidemark waiting

    holder.write("ROLLBACK;\n\\q\n");
    holder.closeWriteChannel();
    QVERIFY(holder.waitForFinished(5000));
    m_client->scan(uri);
    QTRY_COMPARE_WITH_TIMEOUT(scanned.count(), 2, 20000);
    QCOMPARE(failed.count(), 1);
}

QTEST_MAIN(TestCancelPostgres)
#include "tst_cancel_postgres.moc"
