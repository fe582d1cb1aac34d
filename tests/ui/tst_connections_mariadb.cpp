// The desktop's connection dialog against a private MariaDB: the URI built
// from host, port, database and user; Test connects through the MariaDB
// plugin with the typed password (and says why a wrong one fails); Add
// keeps the password in ~/.my.cnf (0600, no session bus here), from where
// the connector reads it again.
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include "connection_builder.h"
#include "connections_page.h"
#include "engine_client.h"
#include "mariadb_server.h"
#include "secret_store.h"
#include "ui_test_support.h"

using namespace tidemark::ui;
using tidemark::test::MariaDbServer;

class TestConnectionsMariaDb : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<MariaDbServer> m_db;
    std::unique_ptr<EngineClient> m_client;
    std::unique_ptr<ConnectionsPage> m_page;

    void fill(const QString &password)
    {
        auto *b = m_page->builder();
        auto *kind = b->findChild<QComboBox *>(QStringLiteral("connectionKind"));
        kind->setCurrentIndex(kind->findData(QStringLiteral("mariadb")));
        b->findChild<QLineEdit *>(QStringLiteral("serverHost"))->setText(QStringLiteral("127.0.0.1"));
        b->findChild<QSpinBox *>(QStringLiteral("serverPort"))->setValue(m_db->port());
        b->findChild<QLineEdit *>(QStringLiteral("serverDatabase"))->setText(m_db->database());
        b->findChild<QLineEdit *>(QStringLiteral("serverUser"))->setText(QStringLiteral("tidemark"));
        b->findChild<QLineEdit *>(QStringLiteral("serverPassword"))->setText(password);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        tidemark::test::isolateSettings(m_dir);
        m_db = MariaDbServer::start();
        QVERIFY2(m_db->ok(), qPrintable(m_db->error()));
        // A HOME of its own without ~/.my.cnf: only the typed password can work.
        const QString home = m_dir.filePath(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(home));
        qputenv("HOME", home.toUtf8());
        QVERIFY2(!SecretStore::secretServiceAvailable(), "main() hid the session bus");
        m_client = tidemark::test::makeClient();
        QVERIFY2(m_client->schemes().contains(QStringLiteral("mariadb")), "the MariaDB plugin is loaded");
        QSignalSpy opened(m_client.get(), &EngineClient::storeOpened);
        m_client->openStore(m_dir.filePath(QStringLiteral("store.db")));
        QTRY_COMPARE(opened.count(), 1);
        m_page = std::make_unique<ConnectionsPage>(m_client.get());
        m_page->show();
    }
    void cleanupTestCase()
    {
        m_page.reset();
        m_client.reset();
        m_db.reset();
    }

    void testConnectsWithTheTypedPassword()
    {
        fill(QStringLiteral("tidemark-maria"));
        const QString uri =
            QStringLiteral("mariadb://tidemark@127.0.0.1:%1/%2").arg(m_db->port()).arg(m_db->database());
        QCOMPARE(m_page->builtUri(), uri);
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("testConnectionButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->testResultText().startsWith(QStringLiteral("Testing")), 20000);
        QVERIFY2(m_page->testResultText().startsWith(uri + QStringLiteral(": ")), qPrintable(m_page->testResultText()));
        QVERIFY(!m_page->testResultText().contains(QStringLiteral("tidemark-maria")));
    }

    void wrongPasswordSaysWhy()
    {
        fill(QStringLiteral("not-it-42"));
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("testConnectionButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->testResultText().startsWith(QStringLiteral("Testing")), 20000);
        QVERIFY2(m_page->testResultText().contains(QStringLiteral("cannot be used")),
                 qPrintable(m_page->testResultText()));
        QVERIFY(m_page->testResultText().contains(QStringLiteral("Access denied")));
        QVERIFY(!m_page->testResultText().contains(QStringLiteral("not-it-42")));
    }

    // A listed connection whose stored password the server refuses says so
    // in the list, apart from one whose server does not answer.
    void listSaysThePasswordWasRefused()
    {
        QVERIFY(!QFile::exists(QDir::home().filePath(QStringLiteral(".my.cnf"))));
        const QString refused =
            QStringLiteral("mariadb://tidemark@127.0.0.1:%1/%2").arg(m_db->port()).arg(m_db->database());
        const QString closed = QStringLiteral("mariadb://tidemark@127.0.0.1:1/%1").arg(m_db->database());
        m_client->addConnection(refused);
        m_client->addConnection(closed);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->stateOf(refused), ConnectionState::AuthFailed, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(m_page->stateOf(closed), ConnectionState::Unreachable, 20000);
        QSignalSpy listed(m_client.get(), &EngineClient::connectionsListed);
        m_client->listConnections();
        QTRY_VERIFY(!listed.isEmpty());
        for (const auto &c : listed.first().at(0).value<QList<tidemark::Connection>>())
            m_client->removeConnection(c.id);
    }

    void addKeepsThePasswordInMyCnf()
    {
        fill(QStringLiteral("tidemark-maria"));
        QSignalSpy saved(m_page->secretStore(), &SecretStore::saved);
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("addConnectionButton")), Qt::LeftButton);
        QTRY_COMPARE(saved.count(), 1);
        const QString cnf = QDir::home().filePath(QStringLiteral(".my.cnf"));
        QVERIFY(QFile::exists(cnf));
        QCOMPARE(QFile::permissions(cnf) & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
                 QFileDevice::Permissions());
        // Test again with the password field empty: the connector reads ~/.my.cnf.
        fill(QString());
        QTest::mouseClick(m_page->findChild<QPushButton *>(QStringLiteral("testConnectionButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->testResultText().startsWith(QStringLiteral("Testing")), 20000);
        QVERIFY2(!m_page->testResultText().contains(QStringLiteral("cannot be used")),
                 qPrintable(m_page->testResultText()));
    }
};

int main(int argc, char **argv)
{
    // No session bus from the developer's desktop: the password-file path is tested.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    QApplication app(argc, argv);
    TestConnectionsMariaDb test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_connections_mariadb.moc"
