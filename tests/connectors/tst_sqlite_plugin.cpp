// The SQLite connector plugin as the apps load it: metadata first, then the
// library, then a factory that opens sqlite URIs.
#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QPluginLoader>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include "connector_plugin.h"

class TestSqlitePlugin : public QObject {
    Q_OBJECT

private:
    QString pluginFile() const
    {
        const QString dir = qEnvironmentVariable("TIDEMARK_PLUGIN_DIR");
        const QStringList found = QDir(dir).entryList({QStringLiteral("*tidemark-sqlite*")}, QDir::Files);
        return found.isEmpty() ? QString() : QDir(dir).filePath(found.first());
    }

private slots:
    void pluginFileExists()
    {
        QVERIFY2(!qEnvironmentVariable("TIDEMARK_PLUGIN_DIR").isEmpty(), "TIDEMARK_PLUGIN_DIR is not set");
        QVERIFY2(!pluginFile().isEmpty(), qPrintable(qEnvironmentVariable("TIDEMARK_PLUGIN_DIR")));
    }

    void metadataIsReadableBeforeLoading()
    {
        QPluginLoader loader(pluginFile());
        const QJsonObject meta = loader.metaData();
        QCOMPARE(meta.value(QStringLiteral("IID")).toString(), QStringLiteral(TidemarkConnectorPlugin_iid));
        const QJsonObject data = meta.value(QStringLiteral("MetaData")).toObject();
        QCOMPARE(data.value(QStringLiteral("apiVersion")).toInt(), tidemark::kConnectorApiVersion);
        QCOMPARE(data.value(QStringLiteral("id")).toString(), QStringLiteral("sqlite"));
        QVERIFY(data.value(QStringLiteral("schemes")).toArray().contains(QStringLiteral("sqlite")));
        QVERIFY(!loader.isLoaded());
    }

    void loadedPluginOpensSqliteUris()
    {
        QTemporaryDir dir;
        const QByteArray path = dir.filePath(QStringLiteral("p.db")).toUtf8();
        sqlite3 *db = nullptr;
        QCOMPARE(sqlite3_open(path.constData(), &db), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "CREATE TABLE x(a INTEGER PRIMARY KEY)", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);

        QPluginLoader loader(pluginFile());
        QObject *instance = loader.instance();
        QVERIFY2(instance, qPrintable(loader.errorString()));
        auto *plugin = qobject_cast<tidemark::ConnectorPlugin *>(instance);
        QVERIFY(plugin);
        QCOMPARE(plugin->scheme(), std::string("sqlite"));
        auto factory = plugin->factory();
        auto c = factory("sqlite://" + path.toStdString());
        QVERIFY(c);
        QCOMPARE((*c)->scheme(), std::string("sqlite"));
        QCOMPARE((*c)->describe("x").error().code, tidemark::ErrorCode::NotPartitioned);
        auto bad = factory("sqlite:relative.db");
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, tidemark::ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestSqlitePlugin)
#include "tst_sqlite_plugin.moc"
