#include "ui_test_support.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include "engine_client.h"
#include "host/connector_registry.h"
#include "plan_review_page.h"
#include "plugin_loader.h"
#include "test_support.h"

namespace tidemark::test {

bool makeDemo(const QTemporaryDir &dir, int loadSeconds, Demo &demo, QString &error, int rows)
{
    demo.store = dir.filePath(QStringLiteral("tidemark.db"));
    demo.database = dir.filePath(QStringLiteral("demo.db"));
    demo.uri = QStringLiteral("sqlite://") + demo.database;
    const QString cli = binary(QStringLiteral("tidemark-cli"));
    auto init = run(cli, {QStringLiteral("--store"), demo.store, QStringLiteral("demo"), QStringLiteral("init"),
                          demo.database, QStringLiteral("--rows"), QString::number(rows), QStringLiteral("--partitions"),
                          QStringLiteral("40")});
    if (init.exitCode != 0) {
        error = QStringLiteral("demo init failed: ") + init.err;
        return false;
    }
    // Merges of cold neighbours save no backup bytes; the desktop tests plan
    // them all the same (a DBA asking for fewer partitions), so plans have several steps.
    auto settings = run(cli, {QStringLiteral("--store"), demo.store, QStringLiteral("settings"), demo.uri,
                              QStringLiteral("--set"), QStringLiteral("merge_cold_partitions=1")});
    if (settings.exitCode != 0) {
        error = QStringLiteral("settings failed: ") + settings.err;
        return false;
    }
    if (loadSeconds > 0) {
        auto load = run(cli, {QStringLiteral("--store"), demo.store, QStringLiteral("demo"), QStringLiteral("load"),
                              demo.database, QStringLiteral("--seconds"), QString::number(loadSeconds)});
        if (load.exitCode != 0) {
            error = QStringLiteral("demo load failed: ") + load.err;
            return false;
        }
    }
    return true;
}

std::unique_ptr<tidemark::ui::EngineClient> makeClient()
{
    tidemark::ui::EngineClient::Config config;
    config.who = QStringLiteral("ui-test");
    for (const auto &p : tidemark::app::loadConnectorPlugins(config.registry))
        config.plugins.append({p.path, p.id, p.schemes, p.loaded, p.reason});
    return std::make_unique<tidemark::ui::EngineClient>(std::move(config));
}

QString approveAndExecute(tidemark::ui::PlanReviewPage *plans, tidemark::ui::EngineClient *client, int timeoutMs)
{
    using tidemark::PlanStatus;
    auto *approve = plans->findChild<QPushButton *>(QStringLiteral("approveButton"));
    auto *execute = plans->findChild<QPushButton *>(QStringLiteral("executeButton"));
    if (!approve || !execute)
        return QStringLiteral("Plan review has no Approve or Execute button");
    if (!QTest::qWaitFor([&] { return approve->isEnabled(); }, 10000))
        return QStringLiteral("Approve stays disabled");
    QTest::mouseClick(approve, Qt::LeftButton);
    if (!QTest::qWaitFor([&] { return plans->pendingConfirmation() != nullptr; }, 10000))
        return QStringLiteral("Approve asked for no confirmation");
    QTest::mouseClick(plans->pendingConfirmation()->button(QMessageBox::Yes), Qt::LeftButton);
    if (!QTest::qWaitFor([&] { return plans->plan().status == PlanStatus::Approved; }, 10000))
        return QStringLiteral("the plan was not approved");
    QSignalSpy finished(client, &tidemark::ui::EngineClient::applyFinished);
    if (!QTest::qWaitFor([&] { return execute->isEnabled(); }, 10000))
        return QStringLiteral("Execute stays disabled");
    QTest::mouseClick(execute, Qt::LeftButton);
    if (!QTest::qWaitFor([&] { return finished.count() > 0; }, timeoutMs))
        return QStringLiteral("the execution did not finish");
    const auto error = finished.first().at(1).value<tidemark::ui::EngineError>();
    return error.message.isEmpty() ? QString() : error.text();
}

void isolateSettings(const QTemporaryDir &dir)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("tidemark-tests"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.filePath(QStringLiteral("settings")));
    QSettings().clear();
}

} // namespace tidemark::test
