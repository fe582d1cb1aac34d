// The engine thread and its blocking pool: work runs where it should, results
// come back, shutdown drains queued work instead of dropping it but does not
// wait forever for a stuck job, a job can be cancelled without the caller
// waiting, and an exception in a job becomes an error instead of terminate.
#include <QtTest>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "host/connector_registry.h"
#include "host/engine_host.h"
#include "host/parallel.h"

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

    void exceptionInBlockingJobBecomesError_data()
    {
        QTest::addColumn<bool>("standard");
        QTest::addColumn<QString>("expected");
        QTest::newRow("std::exception") << true << "internal error: boom";
        QTest::newRow("anything else") << false << "internal error: an unknown exception";
    }
    void exceptionInBlockingJobBecomesError()
    {
        QFETCH(bool, standard);
        QFETCH(QString, expected);
        EngineHost host(1);
        std::promise<std::pair<Result<int>, bool>> done;
        host.runBlocking(
            [standard](std::stop_token) -> Result<int> {
                if (standard)
                    throw std::runtime_error("boom");
                throw 42;
            },
            [&](Result<int> r) {
                done.set_value({std::move(r), host.onEngineThread()});
            });
        auto f = done.get_future();
        QCOMPARE(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
        auto [r, onEngine] = f.get();
        QVERIFY(onEngine);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Internal);
        QCOMPARE(QString::fromStdString(r.error().message), expected);
        QVERIFY(!r.error().hint.empty());
        // The pool thread survived: the next job runs.
        QCOMPARE(host.callBlocking([] { return 7; }).get(), 7);
    }

    void exceptionOnEngineThreadIsReported()
    {
        EngineHost host(1);
        std::promise<Error> reported;
        host.setUncaughtHandler([&](const Error &e) { reported.set_value(e); });
        host.post([] { throw std::logic_error("engine task failed"); });
        auto f = reported.get_future();
        QCOMPARE(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
        const Error e = f.get();
        QCOMPARE(e.code, ErrorCode::Internal);
        QVERIFY(QString::fromStdString(e.message).contains(QLatin1String("engine task failed")));
        // The engine thread keeps serving requests.
        QVERIFY(host.call([&] { return host.onEngineThread(); }).get());
        // So do guarded engine-thread calls that return a Result.
        auto r =
            host.call([] { return EngineHost::guarded([]() -> Result<int> { throw std::runtime_error("x"); }); }).get();
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Internal);
    }

    void jobSeesItsStopToken()
    {
        EngineHost host(1);
        QVERIFY(!currentStopToken().stop_possible());
        std::promise<bool> seen;
        host.runBlocking([](std::stop_token t) -> Result<bool> { return currentStopToken() == t && t.stop_possible(); },
                         [&](Result<bool> r) { seen.set_value(r && *r); });
        QVERIFY(seen.get_future().get());
    }

    void cancelReturnsAtOnceAndStopsTheJob()
    {
        EngineHost host(1);
        std::atomic<bool> callbackOnCaller{false};
        const auto caller = std::this_thread::get_id();
        std::promise<Result<int>> done;
        std::promise<void> started;
        auto job = host.runBlocking(
            [&](std::stop_token stop) -> Result<int> {
                // Stands for a connector's cancel that blocks (PQcancel connecting).
                std::stop_callback slowCancel(stop, [&] {
                    callbackOnCaller = std::this_thread::get_id() == caller;
                    std::this_thread::sleep_for(std::chrono::milliseconds(300));
                });
                started.set_value();
                while (!stop.stop_requested())
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                return fail(ErrorCode::Cancelled, "cancelled");
            },
            [&](Result<int> r) { done.set_value(std::move(r)); });
        started.get_future().wait();
        QCOMPARE(host.runningJobs(), std::size_t(1));
        const auto t0 = std::chrono::steady_clock::now();
        job->cancel();
        const auto took = std::chrono::steady_clock::now() - t0;
        QVERIFY2(took < std::chrono::milliseconds(100), "cancel() waited for the connector's cancel");
        QVERIFY(job->cancelRequested());
        auto f = done.get_future();
        QCOMPARE(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
        auto r = f.get();
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
        QVERIFY(!callbackOnCaller.load());
        QTRY_COMPARE(host.runningJobs(), std::size_t(0));
    }

    void shutdownDoesNotWaitForAStuckJob()
    {
        // A job blocked in a call that ignores cancellation (a dead server).
        auto release = std::make_shared<std::promise<void>>();
        auto finished = std::make_shared<std::atomic<bool>>(false);
        std::promise<void> started;
        std::atomic<bool> doneRan{false};
        std::chrono::steady_clock::duration took{};
        auto host = std::make_unique<EngineHost>(1, std::chrono::milliseconds(200));
        host->runBlocking(
            [blocker = release->get_future().share(), finished, &started](std::stop_token) -> Result<int> {
                started.set_value();
                blocker.wait();
                *finished = true;
                return 1;
            },
            [&doneRan](Result<int>) { doneRan = true; });
        started.get_future().wait();
        const auto t0 = std::chrono::steady_clock::now();
        host.reset();
        took = std::chrono::steady_clock::now() - t0;
        QVERIFY2(took < std::chrono::milliseconds(1500), "the destructor waited for a blocked job");
        QVERIFY(!finished->load());
        // The abandoned thread finishes on its own once its call returns; its
        // result is dropped.
        release->set_value();
        QTRY_VERIFY(finished->load());
        QVERIFY(!doneRan.load());
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
    // CPU-bound items spread over threads: each index exactly once, side by
    // side (two items wait for each other, which only threads running at
    // the same time can do), a stop request ends the handing out, an
    // exception reaches the caller after the others have finished.
    void parallelForRunsEachIndexOnceSideBySide()
    {
        std::vector<std::atomic<int>> seen(500);
        QCOMPARE(parallelFor(seen.size(), 4, [&](std::size_t i) { seen[i].fetch_add(1); }), seen.size());
        for (const auto &v : seen)
            QCOMPARE(v.load(), 1);
        QCOMPARE(parallelFor(0, 4, [](std::size_t) { QFAIL("no index"); }), std::size_t(0));

        std::mutex m;
        std::condition_variable cv;
        int arrived = 0;
        bool bothInside = true;
        parallelFor(2, 2, [&](std::size_t) {
            std::unique_lock lock(m);
            ++arrived;
            cv.notify_all();
            if (!cv.wait_for(lock, std::chrono::seconds(10), [&] { return arrived == 2; }))
                bothInside = false;
        });
        QVERIFY(bothInside);
        QVERIFY(computeThreads() >= 1 && computeThreads() <= 8);
    }

    void parallelForStopsAndRethrows()
    {
        std::stop_source stop;
        std::atomic<int> calls{0};
        const std::size_t ran = parallelFor(
            100, 1,
            [&](std::size_t i) {
                ++calls;
                if (i == 9)
                    stop.request_stop();
            },
            stop.get_token());
        QCOMPARE(ran, std::size_t(10));
        QCOMPARE(calls.load(), 10);

        std::atomic<int> finished{0};
        bool thrown = false;
        try {
            parallelFor(50, 3, [&](std::size_t i) {
                if (i == 5)
                    throw std::runtime_error("item 5");
                ++finished;
            });
        } catch (const std::runtime_error &e) {
            thrown = std::string(e.what()) == "item 5";
        }
        QVERIFY(thrown);
        QVERIFY(finished.load() < 50);
    }
};

QTEST_GUILESS_MAIN(TestEngineHost)
#include "tst_engine_host.moc"
