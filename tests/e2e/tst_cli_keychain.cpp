// tidemark-cli finds a PostgreSQL password where the desktop app keeps it:
// the system keychain. Runs inside a private D-Bus session with an unlocked
// gnome-keyring (tests/ui/run_with_keyring.sh) against a private server, with
// no password file, so only the keychain can supply the password.
#include <QProcess>
#include <qt6keychain/keychain.h>

#include "cli_harness.h"
#include "postgres_server.h"

using namespace tidemark::test;

namespace {
const QString kUser = QStringLiteral("keychain_dba");
const QString kPassword = QStringLiteral("s3cret:with\\odd'chars");
} // namespace

class TestCliKeychain : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;
    CliHarness m_cli;

    ProcessResult scan() const
    {
        // No password file anywhere: PGPASSFILE points at nothing.
        return m_cli.cli({QStringLiteral("scan"), m_pg->uri(kUser)},
                         {QStringLiteral("PGPASSFILE=") + m_cli.path(QStringLiteral("no-pgpass"))});
    }

    static bool writeKeychain(const QString &key, const QString &password, QString *error)
    {
        QKeychain::WritePasswordJob job{QStringLiteral("tidemark")};
        job.setAutoDelete(false);
        job.setKey(key);
        job.setTextData(password);
        QEventLoop loop;
        QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
        job.start();
        loop.exec();
        *error = job.errorString();
        return job.error() == QKeychain::NoError;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariable("TIDEMARK_TEST_KEYCHAIN") == QLatin1String("1"),
                 "run through tests/ui/run_with_keyring.sh (ctest does)");
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        QString error;
        QVERIFY2(m_pg->createRole(kUser, kPassword, &error), qPrintable(error));
    }

    void cleanupTestCase() { m_pg.reset(); }

    void withoutThePasswordTheLoginFails()
    {
        const ProcessResult r = scan();
        QVERIFY2(r.exitCode != 0, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QLatin1String("password")), qPrintable(describe(r)));
    }

    void keychainPasswordIsUsedAndNeverShown()
    {
        QString error;
        QVERIFY2(writeKeychain(m_pg->uri(kUser), kPassword, &error), qPrintable(error));
        const ProcessResult r = scan();
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QVERIFY(!r.out.contains(kPassword));
        QVERIFY(!r.err.contains(kPassword));
    }
};

QTEST_GUILESS_MAIN(TestCliKeychain)
#include "tst_cli_keychain.moc"
