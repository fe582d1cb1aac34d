// Plugins built for an older connector API are refused by their metadata,
// before their library is loaded, with a message that says what to do.
#include <QDir>
#include <QTest>

#include "host/connector_registry.h"
#include "plugin_loader.h"

using namespace tidemark;

class TestPluginRefusal : public QObject {
    Q_OBJECT

    QList<app::PluginInfo> discover(ConnectorRegistry &registry)
    {
        qputenv("TIDEMARK_PLUGIN_DIR", QByteArray(TIDEMARK_OLD_PLUGIN_DIR));
        return app::loadConnectorPlugins(registry);
    }

    static const app::PluginInfo *byId(const QList<app::PluginInfo> &found, const QString &id)
    {
        for (const auto &p : found)
            if (p.id == id)
                return &p;
        return nullptr;
    }

private slots:
    void olderPluginsAreListedWithTheReasonAndNeverServe_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("reasonMentions");
        QTest::newRow("current interface id, connector API 1")
            << QStringLiteral("old-api") << QStringLiteral("oldapi") << QStringLiteral("built for connector API 1");
        QTest::newRow("first interface id") << QStringLiteral("old-iid") << QStringLiteral("oldiid")
                                            << QStringLiteral("org.tidemark.Connector/1");
    }

    void olderPluginsAreListedWithTheReasonAndNeverServe()
    {
        QFETCH(QString, id);
        QFETCH(QString, scheme);
        QFETCH(QString, reasonMentions);
        ConnectorRegistry registry;
        const auto found = discover(registry);
        const app::PluginInfo *p = byId(found, id);
        QVERIFY2(p, qPrintable(QStringLiteral("plugin %1 not found in %2").arg(id, QLatin1String(TIDEMARK_OLD_PLUGIN_DIR))));
        QVERIFY(!p->loaded);
        QVERIFY2(p->reason.contains(reasonMentions), qPrintable(p->reason));
        QVERIFY2(p->reason.contains(QStringLiteral("needs")), qPrintable(p->reason));
        QVERIFY(!registry.has(scheme.toStdString()));
        auto opened = registry.open(scheme.toStdString() + "://x");
        QVERIFY(!opened);
    }
};

QTEST_GUILESS_MAIN(TestPluginRefusal)
#include "tst_plugin_refusal.moc"
