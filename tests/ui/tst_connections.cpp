// Connections and their secrets. Run directly, there is no session bus: the
// password goes to ~/.pgpass / ~/.my.cnf (HOME is a temporary folder). Run
// through run_with_keyring.sh (dbus-run-session + gnome-keyring-daemon),
// the keychain* functions check the keychain path.
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <sys/stat.h>

#include "connection_builder.h"
#include "connections_page.h"
#include "engine_client.h"
#include "hung_server.h"
#include "secret_store.h"
#include "ui_test_support.h"

using namespace tidemark::ui;

namespace {
const bool kKeychainRun = qEnvironmentVariableIsSet("TIDEMARK_TEST_KEYCHAIN");

QString readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

int mode(const QString &path)
{
    struct stat st { };
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}

/// The list's row of `uri` (nullptr when it is not listed).
QTreeWidgetItem *rowOf(QTreeWidget *list, const QString &uri)
{
    for (int i = 0; i < list->topLevelItemCount(); ++i)
        if (list->topLevelItem(i)->data(0, Qt::UserRole).toString() == uri)
            return list->topLevelItem(i);
    return nullptr;
}
} // namespace

class TestConnections : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void pgpassEscapesAndKeepsOtherLines();
    void typedPasswordLeavesTheUri_data();
    void typedPasswordLeavesTheUri();
    void myCnfClientSection();
    void pageAddsPostgresWithPasswordInPgpass();
    void failedTestAsksBeforeAdding();
    void garbageUriNamesWhatIsMissing();
    void testReportsMissingPlugin();
    void renameAndRemoveWithConfirmation();
    void listSaysKindWhereAndStatus();
    void testCanBeStopped();
    void keychainRoundTrip();
    void keychainPageAdd();
    void cleanupTestCase();

private:
    ConnectionsPage *page() { return m_page.get(); }
    QTemporaryDir m_dir;
    QString m_home;
    QString m_store;
    std::unique_ptr<EngineClient> m_client;
    std::unique_ptr<ConnectionsPage> m_page;
};

void TestConnections::initTestCase()
{
    QVERIFY(m_dir.isValid());
    tidemark::test::isolateSettings(m_dir);
    if (!kKeychainRun)
        QVERIFY2(!SecretStore::secretServiceAvailable(), "main() hid the session bus");
    else
        QVERIFY2(SecretStore::secretServiceAvailable(), "run_with_keyring.sh should have started a Secret Service");
    m_client = tidemark::test::makeClient();
    m_store = m_dir.filePath(QStringLiteral("store.db"));
    QSignalSpy opened(m_client.get(), &EngineClient::storeOpened);
    m_client->openStore(m_store);
    QTRY_COMPARE(opened.count(), 1);
    m_page = std::make_unique<ConnectionsPage>(m_client.get());
    m_page->show();
}

void TestConnections::init()
{
    // A fresh HOME per test: the password files start empty.
    m_home = m_dir.filePath(QStringLiteral("home-") + QLatin1String(QTest::currentTestFunction()));
    QVERIFY(QDir().mkpath(m_home));
    qputenv("HOME", m_home.toUtf8());
    qunsetenv("PGPASSFILE");
    // A question box an earlier test answered may have left another window active.
    if (m_page) {
        m_page->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_page.get()));
    }
}

void TestConnections::pgpassEscapesAndKeepsOtherLines()
{
    const QString path = QDir(m_home).filePath(QStringLiteral(".pgpass"));
    QFile existing(path);
    QVERIFY(existing.open(QIODevice::WriteOnly));
    existing.write("# mine\nother.example:5432:*:bob:secret\n");
    existing.close();
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);

    ConnectionSecret s = ConnectionSecret::fromUri(QStringLiteral("postgresql://ann@db.example:6543/sales"));
    s.password = QStringLiteral("pa:ss\\word");
    QString error;
    QVERIFY2(SecretStore::writePgpass(SecretStore::pgpassPath(), s, &error), qPrintable(error));
    QCOMPARE(readAll(path),
             QStringLiteral("# mine\nother.example:5432:*:bob:secret\n"
                            "db.example:6543:sales:ann:pa\\:ss\\\\word\n"));
    QCOMPARE(mode(path), 0600);
    // A second save for the same host, port, database and user replaces the line.
    s.password = QStringLiteral("new");
    QVERIFY(SecretStore::writePgpass(SecretStore::pgpassPath(), s, &error));
    QCOMPARE(readAll(path), QStringLiteral("# mine\nother.example:5432:*:bob:secret\ndb.example:6543:sales:ann:new\n"));
    QCOMPARE(mode(path), 0600);
    // libpq's PGPASSFILE is honoured.
    qputenv("PGPASSFILE", QDir(m_home).filePath(QStringLiteral("elsewhere")).toUtf8());
    QVERIFY(SecretStore::writePgpass(SecretStore::pgpassPath(), s, &error));
    QCOMPARE(readAll(QDir(m_home).filePath(QStringLiteral("elsewhere"))),
             QStringLiteral("db.example:6543:sales:ann:new\n"));
}

void TestConnections::typedPasswordLeavesTheUri_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("uri");
    QTest::newRow("user info") << QStringLiteral("postgresql://ann:pw-1@db:6543/sales?sslmode=require")
                               << QStringLiteral("postgresql://ann@db:6543/sales?sslmode=require");
    QTest::newRow("query string") << QStringLiteral("postgresql://ann@db:6543/sales?sslmode=require&password=pw-1")
                                  << QStringLiteral("postgresql://ann@db:6543/sales?sslmode=require");
    QTest::newRow("conninfo") << QStringLiteral("host=db port=6543 dbname=sales user=ann password='pw-1'")
                              << QStringLiteral("postgresql://ann@db:6543/sales");
}

void TestConnections::typedPasswordLeavesTheUri()
{
    // What a DBA types as "Other (type the URI)": the password goes to the
    // secret, the keychain key and the stored URI keep none.
    QFETCH(QString, typed);
    QFETCH(QString, uri);
    const ConnectionSecret s = ConnectionSecret::fromUri(typed);
    QCOMPARE(s.password, QStringLiteral("pw-1"));
    QCOMPARE(s.uri(), uri);
    QCOMPARE(SecretStore::stripPassword(typed), uri);
    QCOMPARE(SecretStore::pgpassLine(s), QStringLiteral("db:6543:sales:ann:pw-1"));
}

void TestConnections::myCnfClientSection()
{
    const QString path = QDir(m_home).filePath(QStringLiteral(".my.cnf"));
    QFile existing(path);
    QVERIFY(existing.open(QIODevice::WriteOnly));
    existing.write("[mysqld]\nport=3307\n[client]\nhost=db\npassword=old\n");
    existing.close();
    ConnectionSecret s = ConnectionSecret::fromUri(QStringLiteral("mariadb://ann@db:3306/logs"));
    s.password = QStringLiteral("a\\b c");
    QString error;
    QVERIFY2(SecretStore::writeMyCnf(SecretStore::myCnfPath(), s, &error), qPrintable(error));
    QCOMPARE(readAll(path),
             QStringLiteral("[mysqld]\nport=3307\n[client]\nuser=\"ann\"\nhost=db\npassword=\"a\\\\b c\"\n"));
    QCOMPARE(mode(path), 0600);
}

void TestConnections::pageAddsPostgresWithPasswordInPgpass()
{
    if (kKeychainRun)
        QSKIP("the password-file path runs without a session bus");
    auto *b = page()->builder();
    auto *kind = b->findChild<QComboBox *>(QStringLiteral("connectionKind"));
    QVERIFY(kind);
    kind->setCurrentIndex(kind->findData(QStringLiteral("postgresql")));
    QTest::keyClicks(b->findChild<QLineEdit *>(QStringLiteral("serverHost")), QStringLiteral("127.0.0.1"));
    b->findChild<QSpinBox *>(QStringLiteral("serverPort"))->setValue(5544);
    QTest::keyClicks(b->findChild<QLineEdit *>(QStringLiteral("serverDatabase")), QStringLiteral("sales"));
    QTest::keyClicks(b->findChild<QLineEdit *>(QStringLiteral("serverUser")), QStringLiteral("ann"));
    QTest::keyClicks(b->findChild<QLineEdit *>(QStringLiteral("serverPassword")), QStringLiteral("s3:cret"));
    auto *ssl = b->findChild<QComboBox *>(QStringLiteral("sslMode"));
    ssl->setCurrentIndex(ssl->findData(QStringLiteral("require")));
    const QString uri = QStringLiteral("postgresql://ann@127.0.0.1:5544/sales?sslmode=require");
    QCOMPARE(page()->builtUri(), uri);

    QSignalSpy saved(page()->secretStore(), &SecretStore::saved);
    QSignalSpy listed(m_client.get(), &EngineClient::connectionsListed);
    QTest::mouseClick(page()->findChild<QPushButton *>(QStringLiteral("addConnectionButton")), Qt::LeftButton);
    // Nothing listens on that port: Add tests first and asks; nothing is written until the DBA says yes.
    QTRY_VERIFY_WITH_TIMEOUT(page()->pendingConfirmation(), 20000);
    QVERIFY(!QFile::exists(QDir(m_home).filePath(QStringLiteral(".pgpass"))));
    QTest::mouseClick(page()->pendingConfirmation()->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_COMPARE(saved.count(), 1);
    QCOMPARE(saved.first().at(1).value<SecretStore::Backend>(), SecretStore::Backend::PasswordFile);
    QTRY_COMPARE(listed.count(), 1);
    const QString pgpass = QDir(m_home).filePath(QStringLiteral(".pgpass"));
    QCOMPARE(readAll(pgpass), QStringLiteral("127.0.0.1:5544:sales:ann:s3\\:cret\n"));
    QCOMPARE(mode(pgpass), 0600);
    QVERIFY(page()->secretStatusText().contains(pgpass));
    const auto connections = listed.first().at(0).value<QList<tidemark::Connection>>();
    QCOMPARE(connections.size(), 1);
    QCOMPARE(QString::fromStdString(connections.front().uri), uri);
    // Nowhere in the metadata store, in any table.
    QFile store(m_store);
    QVERIFY(store.open(QIODevice::ReadOnly));
    QVERIFY(!store.readAll().contains("s3:cret"));
    QFile wal(m_store + QStringLiteral("-wal"));
    if (wal.open(QIODevice::ReadOnly))
        QVERIFY(!wal.readAll().contains("s3:cret"));
}

// A connection whose test fails is not kept unless the DBA says so, and
// its password is not written meanwhile.
void TestConnections::failedTestAsksBeforeAdding()
{
    if (kKeychainRun)
        QSKIP("the password-file path runs without a session bus");
    auto *b = page()->builder();
    auto *kind = b->findChild<QComboBox *>(QStringLiteral("connectionKind"));
    kind->setCurrentIndex(kind->findData(QStringLiteral("postgresql")));
    b->findChild<QLineEdit *>(QStringLiteral("serverHost"))->setText(QStringLiteral("127.0.0.1"));
    b->findChild<QSpinBox *>(QStringLiteral("serverPort"))->setValue(1);
    b->findChild<QLineEdit *>(QStringLiteral("serverDatabase"))->setText(QStringLiteral("closed"));
    b->findChild<QLineEdit *>(QStringLiteral("serverUser"))->setText(QStringLiteral("ann"));
    b->findChild<QLineEdit *>(QStringLiteral("serverPassword"))->setText(QStringLiteral("not-kept"));
    const QString uri = page()->builtUri();
    QSignalSpy chosen(page(), &ConnectionsPage::connectionChosen);
    QTest::mouseClick(page()->findChild<QPushButton *>(QStringLiteral("addConnectionButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(page()->pendingConfirmation(), 20000);
    const QString question = page()->pendingConfirmation()->text();
    QVERIFY2(question.contains(uri) && question.contains(QLatin1String("Add it anyway?")), qPrintable(question));
    QCOMPARE(page()->pendingConfirmation()->defaultButton(),
             page()->pendingConfirmation()->button(QMessageBox::Cancel));
    QTest::mouseClick(page()->pendingConfirmation()->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!page()->pendingConfirmation());
    QTest::qWait(200);
    QCOMPARE(chosen.count(), 0);
    QVERIFY(!QFile::exists(QDir(m_home).filePath(QStringLiteral(".pgpass"))));
    QVERIFY(!rowOf(page()->findChild<QTreeWidget *>(QStringLiteral("connectionList")), uri));
}

// A URI without a scheme is named as such, not as "no connector plugin for  ".
void TestConnections::garbageUriNamesWhatIsMissing()
{
    auto *b = page()->builder();
    auto *kind = b->findChild<QComboBox *>(QStringLiteral("connectionKind"));
    kind->setCurrentIndex(kind->findData(QString()));
    b->findChild<QLineEdit *>(QStringLiteral("rawUri"))->setText(QStringLiteral("garbage"));
    QCOMPARE(page()->builtUri(), QStringLiteral("garbage"));
    QTest::mouseClick(page()->findChild<QPushButton *>(QStringLiteral("testConnectionButton")), Qt::LeftButton);
    QVERIFY2(page()->testResultText().contains(QLatin1String("names no kind of database")),
             qPrintable(page()->testResultText()));
    QVERIFY(!page()->testResultText().contains(QLatin1String("plugin for  ")));
    QTest::mouseClick(page()->findChild<QPushButton *>(QStringLiteral("addConnectionButton")), Qt::LeftButton);
    QTRY_VERIFY(page()->pendingConfirmation());
    QVERIFY2(page()->pendingConfirmation()->text().contains(QLatin1String("names no kind of database")),
             qPrintable(page()->pendingConfirmation()->text()));
    QTest::mouseClick(page()->pendingConfirmation()->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!page()->pendingConfirmation());
}

void TestConnections::testReportsMissingPlugin()
{
    auto *b = page()->builder();
    auto *kind = b->findChild<QComboBox *>(QStringLiteral("connectionKind"));
    // The default port follows the kind (a port the user typed stays).
    kind->setCurrentIndex(kind->findData(QStringLiteral("postgresql")));
    b->findChild<QSpinBox *>(QStringLiteral("serverPort"))->setValue(5432);
    kind->setCurrentIndex(kind->findData(QStringLiteral("mariadb")));
    QCOMPARE(b->findChild<QSpinBox *>(QStringLiteral("serverPort"))->value(), 3306);
    b->findChild<QLineEdit *>(QStringLiteral("serverDatabase"))->setText(QStringLiteral("logs"));
    b->findChild<QLineEdit *>(QStringLiteral("serverUser"))->setText(QStringLiteral("ann"));
    QVERIFY(!page()->builtUri().isEmpty());
    // Every kind of the builder has a connector now; a typed URI of a scheme
    // without one is what is left to refuse.
    kind->setCurrentIndex(kind->findData(QString()));
    b->findChild<QLineEdit *>(QStringLiteral("rawUri"))->setText(QStringLiteral("oracle://ann@db.example/logs"));
    QVERIFY(!m_client->schemes().contains(QStringLiteral("oracle")));
    QTest::mouseClick(page()->findChild<QPushButton *>(QStringLiteral("testConnectionButton")), Qt::LeftButton);
    QVERIFY2(page()->testResultText().contains(QStringLiteral("no connector plugin for oracle")),
             qPrintable(page()->testResultText()));
}

void TestConnections::renameAndRemoveWithConfirmation()
{
    QSignalSpy listed(m_client.get(), &EngineClient::connectionsListed);
    const QString path = m_dir.filePath(QStringLiteral("named.db"));
    const QString uri = QStringLiteral("sqlite://") + path;
    m_client->addConnection(uri, QStringLiteral("Orders"));
    QTRY_VERIFY(listed.count() >= 1);
    auto *list = page()->findChild<QTreeWidget *>(QStringLiteral("connectionList"));
    QTRY_VERIFY(rowOf(list, uri));
    QCOMPARE(rowOf(list, uri)->text(1), QStringLiteral("Orders"));
    QCOMPARE(rowOf(list, uri)->text(2), path);
    list->setCurrentItem(rowOf(list, uri));

    // F2 loads it into the builder; a new name is saved over it.
    QTest::keyClick(list, Qt::Key_F2);
    auto *name = page()->builder()->findChild<QLineEdit *>(QStringLiteral("connectionName"));
    QCOMPARE(name->text(), QStringLiteral("Orders"));
    QCOMPARE(page()->builtUri(), uri);
    name->setText(QStringLiteral("Orders archive"));
    QTest::mouseClick(page()->findChild<QPushButton *>(QStringLiteral("saveConnectionButton")), Qt::LeftButton);
    QTRY_VERIFY(rowOf(list, uri) && rowOf(list, uri)->text(1) == QStringLiteral("Orders archive"));

    // Delete asks, naming the connection; Cancel keeps it, Remove removes it.
    list->setCurrentItem(rowOf(list, uri));
    list->setFocus();
    QTest::keyClick(list, Qt::Key_Delete);
    QTRY_VERIFY(page()->pendingConfirmation());
    QVERIFY2(page()->pendingConfirmation()->text().contains(QStringLiteral("Orders archive (%1)").arg(uri)),
             qPrintable(page()->pendingConfirmation()->text()));
    QTest::mouseClick(page()->pendingConfirmation()->button(QMessageBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(!page()->pendingConfirmation());
    QVERIFY(rowOf(list, uri));
    QSignalSpy removed(page(), &ConnectionsPage::connectionRemoved);
    QTest::mouseClick(page()->findChild<QPushButton *>(QStringLiteral("removeConnectionButton")), Qt::LeftButton);
    QTRY_VERIFY(page()->pendingConfirmation());
    QTest::mouseClick(page()->pendingConfirmation()->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_COMPARE(removed.count(), 1);
    QCOMPARE(removed.first().at(0).toString(), uri);
    QTRY_VERIFY(!rowOf(list, uri));
}

// The list names each connection's kind, where it is and whether it can be
// used, checked on its own once listed — not a raw URI.
void TestConnections::listSaysKindWhereAndStatus()
{
    tidemark::test::Demo demo;
    QString error;
    QVERIFY2(tidemark::test::makeDemo(m_dir, 0, demo, error, 4000), qPrintable(error));
    const QString closed = QStringLiteral("postgresql://ann@127.0.0.1:1/closed");
    const QString missing = QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("nowhere/none.db"));
    const QString oracle = QStringLiteral("oracle://ann@db.example/logs");
    for (const QString &uri : {demo.uri, closed, missing, oracle})
        m_client->addConnection(uri);
    auto *list = page()->findChild<QTreeWidget *>(QStringLiteral("connectionList"));
    QCOMPARE(list->columnCount(), 4);
    QTRY_VERIFY(rowOf(list, demo.uri) && rowOf(list, closed) && rowOf(list, missing) && rowOf(list, oracle));
    const auto status = [&](const QString &uri) { return page()->stateOf(uri); };
    QTRY_COMPARE_WITH_TIMEOUT(status(demo.uri), ConnectionState::Reachable, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(status(closed), ConnectionState::Unreachable, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(status(missing), ConnectionState::Missing, 20000);
    QCOMPARE(status(oracle), ConnectionState::NoConnector);

    auto *pg = rowOf(list, closed);
    QCOMPARE(pg->text(0), QStringLiteral("PostgreSQL"));
    QCOMPARE(pg->text(1), QStringLiteral("closed"));
    QCOMPARE(pg->text(2), QStringLiteral("127.0.0.1:1/closed as ann"));
    QCOMPARE(pg->text(3), ConnectionWords::stateText(ConnectionState::Unreachable));
    QVERIFY2(pg->toolTip(3).contains(QLatin1String("pg_isready")), qPrintable(pg->toolTip(3)));
    QCOMPARE(rowOf(list, demo.uri)->text(0), QStringLiteral("SQLite"));
    QCOMPARE(rowOf(list, demo.uri)->text(2), demo.database);
    QVERIFY(rowOf(list, demo.uri)->toolTip(3).contains(QLatin1String("partitioned table")));

    // Check asks again: the file that appeared is now readable.
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("nowhere"))));
    QVERIFY(QFile::copy(demo.database, m_dir.filePath(QStringLiteral("nowhere/none.db"))));
    list->setCurrentItem(rowOf(list, missing));
    QTest::mouseClick(page()->findChild<QPushButton *>(QStringLiteral("checkConnectionButton")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(status(missing), ConnectionState::Reachable, 20000);

    // Removing them leaves the list as it was.
    for (const QString &uri : {demo.uri, closed, missing, oracle})
        m_client->removeConnection(rowOf(list, uri)->data(0, Qt::UserRole + 1).toLongLong());
    QTRY_VERIFY(!rowOf(list, demo.uri) && !rowOf(list, closed) && !rowOf(list, missing) && !rowOf(list, oracle));
}

// A test of a server that accepts and never answers is stopped by the DBA
// (Esc or the button), well before libpq's connect_timeout (10 s), and an
// Add stopped that way adds nothing and asks nothing.
void TestConnections::testCanBeStopped()
{
    tidemark::test::HungServer hung;
    QVERIFY(hung.listening());
    auto *b = page()->builder();
    auto *kind = b->findChild<QComboBox *>(QStringLiteral("connectionKind"));
    kind->setCurrentIndex(kind->findData(QString()));
    const QString uri = hung.postgresUri();
    b->findChild<QLineEdit *>(QStringLiteral("rawUri"))->setText(uri);
    auto *test = page()->findChild<QPushButton *>(QStringLiteral("testConnectionButton"));
    const QString idle = test->text();
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY(hung.accepted() > 0);
    QVERIFY(page()->isTesting());
    QVERIFY2(test->text() != idle && test->isEnabled(), qPrintable(test->text()));
    QElapsedTimer clock;
    clock.start();
    QTest::keyClick(page(), Qt::Key_Escape);
    QTRY_VERIFY(!page()->isTesting());
    QVERIFY2(clock.elapsed() < 9000, "the test ran into connect_timeout instead of stopping");
    QVERIFY2(page()->testResultText().contains(QLatin1String("stopped")), qPrintable(page()->testResultText()));
    QCOMPARE(test->text(), idle);

    // The same through Add: stopped, nothing asked, nothing listed.
    const int before = hung.accepted();
    QTest::mouseClick(page()->findChild<QPushButton *>(QStringLiteral("addConnectionButton")), Qt::LeftButton);
    QTRY_VERIFY(hung.accepted() > before);
    QVERIFY(page()->isTesting());
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY(!page()->isTesting());
    QTest::qWait(200);
    QVERIFY(!page()->pendingConfirmation());
    QVERIFY(!rowOf(page()->findChild<QTreeWidget *>(QStringLiteral("connectionList")), uri));
}

void TestConnections::keychainRoundTrip()
{
    if (!kKeychainRun)
        QSKIP("needs a Secret Service: run through run_with_keyring.sh (ctest: tst_connections_keychain)");
    SecretStore secrets;
    QCOMPARE(secrets.backend(), SecretStore::Backend::Keychain);
    ConnectionSecret s = ConnectionSecret::fromUri(QStringLiteral("postgresql://ann@db.example:6543/sales"));
    s.password = QStringLiteral("kc:pa\\ss");
    QSignalSpy saved(&secrets, &SecretStore::saved);
    secrets.save(s);
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 20000);
    QVERIFY2(saved.first().at(3).toString().isEmpty(), qPrintable(saved.first().at(3).toString()));
    QCOMPARE(saved.first().at(1).value<SecretStore::Backend>(), SecretStore::Backend::Keychain);
    QVERIFY(!QFile::exists(QDir(m_home).filePath(QStringLiteral(".pgpass"))));
    QSignalSpy loaded(&secrets, &SecretStore::loaded);
    secrets.load(s.uri());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
    QCOMPARE(loaded.first().at(1).toString(), s.password);
    // Another client of the Secret Service sees it too (what the CLI would read).
    QProcess lookup;
    lookup.start(QStringLiteral("secret-tool"),
                 {QStringLiteral("search"), QStringLiteral("server"), QString::fromLatin1(SecretStore::kService)});
    if (lookup.waitForFinished(10000) && lookup.exitCode() == 0)
        QVERIFY2(QString::fromUtf8(lookup.readAllStandardOutput() + lookup.readAllStandardError()).contains(s.uri()),
                 "secret-tool does not list the item");
}

void TestConnections::keychainPageAdd()
{
    if (!kKeychainRun)
        QSKIP("needs a Secret Service: run through run_with_keyring.sh (ctest: tst_connections_keychain)");
    auto *b = page()->builder();
    auto *kind = b->findChild<QComboBox *>(QStringLiteral("connectionKind"));
    kind->setCurrentIndex(kind->findData(QStringLiteral("mariadb")));
    b->findChild<QLineEdit *>(QStringLiteral("serverHost"))->setText(QStringLiteral("10.0.0.9"));
    b->findChild<QLineEdit *>(QStringLiteral("serverDatabase"))->setText(QStringLiteral("logs"));
    b->findChild<QLineEdit *>(QStringLiteral("serverUser"))->setText(QStringLiteral("ann"));
    b->findChild<QLineEdit *>(QStringLiteral("serverPassword"))->setText(QStringLiteral("kc-secret"));
    QSignalSpy saved(page()->secretStore(), &SecretStore::saved);
    QTest::mouseClick(page()->findChild<QPushButton *>(QStringLiteral("addConnectionButton")), Qt::LeftButton);
    // 10.0.0.9 cannot be reached (nor, here, can MariaDB be loaded): Add asks first.
    QTRY_VERIFY_WITH_TIMEOUT(page()->pendingConfirmation(), 30000);
    QTest::mouseClick(page()->pendingConfirmation()->button(QMessageBox::Yes), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 20000);
    QCOMPARE(saved.first().at(1).value<SecretStore::Backend>(), SecretStore::Backend::Keychain);
    QVERIFY(!QFile::exists(QDir(m_home).filePath(QStringLiteral(".my.cnf"))));
    QFile store(m_store);
    QVERIFY(store.open(QIODevice::ReadOnly));
    QVERIFY(!store.readAll().contains("kc-secret"));
}

void TestConnections::cleanupTestCase()
{
    m_page.reset();
    m_client.reset();
}

int main(int argc, char **argv)
{
    // Without the keyring wrapper, no session bus may leak in from the
    // developer's desktop: the password-file path is what is tested then.
    if (!kKeychainRun)
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    QApplication app(argc, argv);
    TestConnections test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_connections.moc"
