// The desktop greys out what a connection's connector cannot do, and says
// why: a real SQLite database opened through a connector that observes only
// (it runs no split or merge) leaves the plan actions disabled with the
// connector's own reason, while the real connector keeps them enabled.
#include <QAction>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "connector_features.h"
#include "engine_client.h"
#include "main_window.h"
#include "sqlite_connector.h"
#include "ui_test_support.h"

using namespace tidemark;
using namespace tidemark::ui;

namespace {

constexpr const char *kWhy = "this connection is opened for observation only";

/// The real SQLite connector, minus its step kinds.
class ObserveOnly final : public Connector {
public:
    explicit ObserveOnly(std::unique_ptr<Connector> inner)
        : m_inner(std::move(inner))
    {
    }
    std::string scheme() const override { return m_inner->scheme(); }
    ConnectorTraits traits() const override
    {
        ConnectorTraits t = m_inner->traits();
        t.stepKinds.clear();
        t.limitations.emplace_back("split", kWhy);
        t.limitations.emplace_back("merge", kWhy);
        return t;
    }
    Result<std::vector<PartitionedTable>> discover() override { return m_inner->discover(); }
    Result<PartitionedTable> describe(const std::string &t) override { return m_inner->describe(t); }
    Result<std::vector<ActivitySample>> sampleActivity() override { return m_inner->sampleActivity(); }
    Result<KeyHistogram> keyHistogram(const std::string &t, const std::string &p, int b) override
    {
        return m_inner->keyHistogram(t, p, b);
    }
    std::string partitionNameFor(const std::string &t, const KeyRange &b,
                                 KeyType k = KeyType::Integer) const override
    {
        return m_inner->partitionNameFor(t, b, k);
    }
    Result<std::string> fingerprint(const std::string &t, const std::vector<std::string> &p) override
    {
        return m_inner->fingerprint(t, p);
    }
    Result<std::string> preview(const Step &s) override { return m_inner->preview(s); }
    Result<StepOutcome> execute(const Step &, ExecutionContext &) override
    {
        return fail(ErrorCode::Unsupported, kWhy);
    }
    Result<StepCommitState> stepState(const std::string &uid) override { return m_inner->stepState(uid); }
    Result<RowChecksum> checksum(const std::string &t, const KeyRange &r) override { return m_inner->checksum(t, r); }
    Result<void> adopt(const AdoptRequest &) override { return fail(ErrorCode::Unsupported, kWhy); }
    void cancel() override { m_inner->cancel(); }
    std::string quoteIdentifier(std::string_view n) const override { return m_inner->quoteIdentifier(n); }
    std::string quoteLiteral(std::string_view v) const override { return m_inner->quoteLiteral(v); }

private:
    std::unique_ptr<Connector> m_inner;
};

} // namespace

class TestCapabilities : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    test::Demo m_demo;

    std::unique_ptr<MainWindow> openWindow(EngineClient &client)
    {
        MainWindowOptions options;
        options.storePath = m_demo.store;
        options.demoPath = m_demo.database;
        options.demoLoadSeconds = 0;
        options.scanIntervalSeconds = 1;
        options.offerDemo = false;
        auto window = std::make_unique<MainWindow>(&client, options);
        window->show();
        return window;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        test::isolateSettings(m_dir);
        QString error;
        QVERIFY2(test::makeDemo(m_dir, 0, m_demo, error, 20000), qPrintable(error));
    }

    void observeOnlyConnectionGreysOutPlanActionsWithTheReason()
    {
        EngineClient::Config config;
        config.who = QStringLiteral("ui-test");
        config.registry.add("sqlite", [](const std::string &uri) -> Result<std::unique_ptr<Connector>> {
            auto inner = sqlite::SqliteConnector::open(uri);
            if (!inner)
                return tl::unexpected(inner.error());
            return std::unique_ptr<Connector>(std::make_unique<ObserveOnly>(std::move(*inner)));
        });
        EngineClient client(std::move(config));
        auto window = openWindow(client);
        QTRY_COMPARE_WITH_TIMEOUT(window->currentConnection(), m_demo.uri, 20000);
        auto *propose = window->findChild<QAction *>(QStringLiteral("proposePlan"));
        auto *optimize = window->findChild<QAction *>(QStringLiteral("optimizeBeforeBackup"));
        QVERIFY(propose && optimize);
        QTRY_VERIFY_WITH_TIMEOUT(!propose->isEnabled(), 20000);
        QVERIFY(!optimize->isEnabled());
        QVERIFY2(propose->toolTip().contains(QLatin1String(kWhy)), qPrintable(propose->toolTip()));
    }

    void realConnectorKeepsThemEnabled()
    {
        auto client = test::makeClient();
        auto window = openWindow(*client);
        QTRY_COMPARE_WITH_TIMEOUT(window->currentConnection(), m_demo.uri, 20000);
        auto *propose = window->findChild<QAction *>(QStringLiteral("proposePlan"));
        QVERIFY(propose);
        // After the first scan of this connection the actions still serve.
        QSignalSpy scanned(client.get(), &EngineClient::scanned);
        QTRY_VERIFY_WITH_TIMEOUT(scanned.count() > 0, 20000);
        QVERIFY(propose->isEnabled());
        QVERIFY(!propose->toolTip().contains(QLatin1String(kWhy)));
    }
};

QTEST_MAIN(TestCapabilities)
#include "tst_capabilities.moc"
