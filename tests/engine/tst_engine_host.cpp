// The engine thread and its blocking pool: work runs where it should, results
// come back, and shutdown drains queued work instead of dropping it.
#include <QtTest>

#include <atomic>
#include <thread>

#include "host/connector_registry.h"
#include "host/engine_host.h"

using namespace tidemark;

class TestEngineHost : public QObject {
    Q_OBJECT
private slots:
    void callRunsOnEngineThread()
    {
        EngineHost host(2);
        auto onEngine = host.call([&] { return host.onEngineThread(); });
        QVERIFY(onEngine.get());
        QVERIFY(!host.onEngineThread());
        auto id = host.call([] { return std::this_thread::get_id(); }).get();
        QVERIFY(id != std::this_thread::get_id());
    }

    void blockingWorkReturnsToEngineThread()
    {
        EngineHost host(2);
        std::promise<bool> doneOnEngine;
        std::atomic<bool> workOnEngine{true};
        host.postBlocking([&] { workOnEngine = host.onEngineThread(); },
                          [&] { doneOnEngine.set_value(host.onEngineThread()); });
        QVERIFY(doneOnEngine.get_future().get());
        QVERIFY(!workOnEngine.load());
    }

    void poolIsBounded()
    {
        EngineHost host(2);
        QCOMPARE(host.blockingThreads(), std::size_t(2));
        std::atomic<int> running{0}, peak{0};
        std::vector<std::future<void>> futures;
        for (int i = 0; i < 8; ++i)
            futures.push_back(host.callBlocking([&] {
                const int now = ++running;
                int p = peak.load();
                while (now > p && !peak.compare_exchange_weak(p, now)) { }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                --running;
            }));
        for (auto &f : futures)
            f.get();
        QVERIFY(peak.load() <= 2);
        QVERIFY(peak.load() >= 1);
    }

    void shutdownDrainsQueuedWork()
    {
        std::atomic<int> done{0};
        {
            EngineHost host(1);
            for (int i = 0; i < 50; ++i)
                host.postBlocking([] {}, [&] { ++done; });
        }
        QCOMPARE(done.load(), 50);
    }

    void registryRefusesUnknownScheme_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no scheme") << "/tmp/x.db"
                                   << "is not a database URI";
        QTest::newRow("unknown scheme") << "oracle://db/x"
                                        << "no connector for URI scheme \"oracle\"";
        QTest::newRow("empty") << ""
                               << "is not a database URI";
    }
    void registryRefusesUnknownScheme()
    {
        QFETCH(QString, uri);
        QFETCH(QString, expected);
        ConnectorRegistry registry;
        auto r = registry.open(uri.toStdString());
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(QString::fromStdString(r.error().message).contains(expected), r.error().message.c_str());
        QVERIFY(!r.error().hint.empty());
    }
};

QTEST_GUILESS_MAIN(TestEngineHost)
#include "tst_engine_host.moc"
