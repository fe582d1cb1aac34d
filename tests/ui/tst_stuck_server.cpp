// A PostgreSQL server that accepts the TCP connection and then never says a
// word: the scan hangs in the connect, the GUI thread keeps running, a cancel
// answers within a second, and destroying the client does not wait for the
// server.
#include <QAction>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <memory>

#include "engine_client.h"
#include "main_window.h"
#include "ui_test_support.h"

using namespace tidemark::ui;

class TestStuckServer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cancelledScanAnswersPromptly();
    void cancelledConnectionTestAnswersPromptly();
    void destroyingTheClientDoesNotWait();
    void windowStopsAndClosesPromptly();

private:
    /// Starts a scan and returns once the server has the connection.
    void startHangingScan();

    QTemporaryDir m_dir;
    QTcpServer m_server;
    QList<QTcpSocket *> m_accepted; ///< kept open, never written to
    std::unique_ptr<EngineClient> m_client;
    QString m_uri;
    QString m_store;
    QTimer m_heartbeat;
    int m_beats = 0;
};

void TestStuckServer::initTestCase()
{
    QVERIFY(m_dir.isValid());
    tidemark::test::isolateSettings(m_dir);
    QVERIFY(m_server.listen(QHostAddress::LocalHost, 0));
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *s = m_server.nextPendingConnection())
            m_accepted.append(s);
    });
    // connect_timeout well beyond the test's patience: only the cancel may end it.
    m_uri = QStringLiteral("postgresql://tidemark@127.0.0.1:%1/shop?connect_timeout=60").arg(m_server.serverPort());
    m_heartbeat.setInterval(10);
    connect(&m_heartbeat, &QTimer::timeout, this, [this] { ++m_beats; });
    m_heartbeat.start();
}

void TestStuckServer::init()
{
    m_client = tidemark::test::makeClient();
    QVERIFY2(m_client->schemes().contains(QStringLiteral("postgresql")), "the PostgreSQL plugin was not found");
    QSignalSpy opened(m_client.get(), &EngineClient::storeOpened);
    // A store per test: an earlier test's scan recorded the connection, and a
    // window would pick it up and scan it at start.
    m_store = m_dir.filePath(QLatin1String(QTest::currentTestFunction()) + QStringLiteral(".db"));
    m_client->openStore(m_store);
    QTRY_COMPARE(opened.count(), 1);
}

void TestStuckServer::cleanup()
{
    m_client.reset();
    qDeleteAll(m_accepted);
    m_accepted.clear();
}

void TestStuckServer::startHangingScan()
{
    const int before = int(m_accepted.size());
    m_client->scan(m_uri);
    QTRY_VERIFY(m_accepted.size() > before);
    QVERIFY(m_client->isBusy());
    // The GUI thread is not held by the scan: its timer keeps firing.
    const int beats = m_beats;
    QTRY_VERIFY(m_beats >= beats + 10);
    QCOMPARE(m_client->pendingRequests(), 1);
}

void TestStuckServer::cancelledScanAnswersPromptly()
{
    QSignalSpy failed(m_client.get(), &EngineClient::failed);
    QSignalSpy scanned(m_client.get(), &EngineClient::scanned);
    startHangingScan();
    QVERIFY(failed.isEmpty());

    QElapsedTimer clock;
    clock.start();
    m_client->cancel(EngineOp::Scan);
    QVERIFY2(clock.elapsed() < 100, "cancel() waited on the engine");
    const int beats = m_beats;
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 1000);
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(failed.at(0).at(0).value<EngineOp>(), EngineOp::Scan);
    const auto error = failed.at(0).at(1).value<EngineError>();
    QCOMPARE(error.code, tidemark::ErrorCode::Cancelled);
    QVERIFY(scanned.isEmpty());
    QVERIFY(m_beats > beats || clock.elapsed() < 20);
    QCOMPARE(m_client->pendingRequests(), 0);
    QTRY_VERIFY(!m_client->isBusy());
}

void TestStuckServer::cancelledConnectionTestAnswersPromptly()
{
    QSignalSpy tested(m_client.get(), &EngineClient::connectionTested);
    const int before = int(m_accepted.size());
    m_client->testConnection(m_uri);
    QTRY_VERIFY(m_accepted.size() > before);
    QElapsedTimer clock;
    clock.start();
    m_client->cancelAll();
    QTRY_COMPARE_WITH_TIMEOUT(tested.count(), 1, 1000);
    QVERIFY(clock.elapsed() < 1000);
    QCOMPARE(tested.at(0).at(0).toString(), m_uri);
    QCOMPARE(tested.at(0).at(1).toBool(), false);
    QVERIFY2(tested.at(0).at(2).toString().contains(QLatin1String("cancel")),
             qPrintable(tested.at(0).at(2).toString()));
}

void TestStuckServer::destroyingTheClientDoesNotWait()
{
    startHangingScan();
    // What closing the main window does to the client (app/gui/main.cpp owns it).
    QElapsedTimer clock;
    clock.start();
    m_client.reset();
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    // Nothing arrives for the destroyed client; the event loop keeps running.
    const int beats = m_beats;
    QTRY_VERIFY(m_beats >= beats + 5);
}

void TestStuckServer::windowStopsAndClosesPromptly()
{
    MainWindowOptions options;
    options.storePath = m_store;
    options.demoLoadSeconds = 0;
    options.offerDemo = false;
    QSignalSpy opened(m_client.get(), &EngineClient::storeOpened);
    auto window = std::make_unique<MainWindow>(m_client.get(), options);
    window->show();
    QTRY_COMPARE(opened.count(), 1);
    auto *stop = window->findChild<QAction *>(QStringLiteral("stopRequests"));
    QVERIFY(stop);
    QTRY_VERIFY(!stop->isEnabled());

    // The user stops a scan that hangs.
    QSignalSpy failed(m_client.get(), &EngineClient::failed);
    startHangingScan();
    QTRY_VERIFY(stop->isEnabled());
    QElapsedTimer clock;
    clock.start();
    stop->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 1000);
    QCOMPARE(failed.at(0).at(1).value<EngineError>().code, tidemark::ErrorCode::Cancelled);
    QTRY_VERIFY(!stop->isEnabled());

    // And closes the window while the next one hangs: nothing waits for the server.
    startHangingScan();
    clock.restart();
    window->close();
    window.reset();
    m_client.reset();
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
}

QTEST_MAIN(TestStuckServer)
#include "tst_stuck_server.moc"
