// Connection strings without their secrets (model/connection_string.h): one
// row per form a DBA writes. What is shown never holds the password, the
// password is found wherever libpq would take it from, and what is shown
// still names the same database (libpq reads it back to the same options).
#include <QtTest>

#include <libpq-fe.h>

#include "model/connection_string.h"

using namespace tidemark;

namespace {

const QString kSecret = QStringLiteral("S3ntinel-pw");

/// libpq's options of a connection string, password left out, as "k=v" lines.
QStringList libpqView(const QString &text)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(text.toUtf8().constData(), &error);
    if (error)
        PQfreemem(error);
    if (!options)
        return {QStringLiteral("(refused)")};
    QStringList out;
    for (PQconninfoOption *o = options; o->keyword; ++o)
        if (o->val && qstrcmp(o->keyword, "password") != 0 && qstrcmp(o->keyword, "sslpassword") != 0)
            out << QStringLiteral("%1=%2").arg(QLatin1String(o->keyword), QString::fromUtf8(o->val));
    PQconninfoFree(options);
    return out;
}

} // namespace

class TestConnectionString : public QObject {
    Q_OBJECT

private slots:
    void redacts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("shown");
        QTest::addColumn<QString>("password"); // what the string carried; "" none
        QTest::addColumn<bool>("sameOptions"); // libpq reads `shown` as `text` minus the password
        auto row = [](const char *name, const QString &text, const char *shown, const QString &password,
                      bool same = true) {
            QTest::newRow(name) << text << QString::fromUtf8(shown) << password << same;
        };
        const QString s = kSecret;
        // PostgreSQL URIs, read by libpq.
        row("user:pass@", QStringLiteral("postgresql://dba:%1@db1:5432/shop").arg(s), "postgresql://dba@db1:5432/shop",
            s);
        row("postgres:// scheme kept", QStringLiteral("postgres://dba:%1@db1/shop").arg(s), "postgres://dba@db1/shop",
            s);
        row("empty password (libpq sets none)", QStringLiteral("postgresql://dba:@db1/shop"),
            "postgresql://dba:@db1/shop", QString());
        row("password= in the query string",
            QStringLiteral("postgresql://dba@db1/shop?sslmode=require&password=%1&connect_timeout=5").arg(s),
            "postgresql://dba@db1/shop?connect_timeout=5&sslmode=require", s);
        row("sslpassword= in the query string", QStringLiteral("postgresql://db1/shop?sslpassword=%1").arg(s),
            "postgresql://db1/shop", QString());
        row("percent-encoded password", QStringLiteral("postgresql://dba:p%40ss%3Aw%2Fd@db1/shop"),
            "postgresql://dba@db1/shop", QStringLiteral("p@ss:w/d"));
        row("percent-encoded user and database kept", QStringLiteral("postgresql://d%20ba:%1@db1/my%2Fshop").arg(s),
            "postgresql://d%20ba@db1/my%2Fshop", s);
        row("IPv6 host", QStringLiteral("postgresql://dba:%1@[::1]:5433/shop").arg(s),
            "postgresql://dba@[::1]:5433/shop", s);
        row("IPv6 host with a zone", QStringLiteral("postgresql://dba:%1@[fe80::1%25eth0]/shop").arg(s),
            "postgresql://dba@[fe80::1%25eth0]/shop", s);
        row("multi-host with ports",
            QStringLiteral("postgresql://dba:%1@a:5432,b:5433/shop?target_session_attrs=read-write").arg(s),
            "postgresql://dba@a:5432,b:5433/shop?target_session_attrs=read-write", s);
        row("socket directory as host", QStringLiteral("postgresql://dba:%1@%2Fvar%2Frun%2Fpostgresql/shop").arg(s),
            "postgresql://dba@%2Fvar%2Frun%2Fpostgresql/shop", s);
        row("no password: unchanged", QStringLiteral("postgresql://dba@db1:5432/shop?sslmode=verify-full"),
            "postgresql://dba@db1:5432/shop?sslmode=verify-full", QString());
        row("no password, no user", QStringLiteral("postgresql://db1/app"), "postgresql://db1/app", QString());
        row("database name that is itself a URI", QStringLiteral("postgresql:///?dbname=postgresql://u:%1@h/x").arg(s),
            "postgresql:///postgresql%3A%2F%2Fu%40h%2Fx", s, false);
        // key=value conninfo, read by libpq and shown as the same URI.
        row("password= in conninfo", QStringLiteral("host=db1 port=5432 dbname=shop user=dba password=%1").arg(s),
            "postgresql://dba@db1:5432/shop", s);
        row("conninfo quoted password with space and quote",
            QStringLiteral("host=db1 dbname=shop password='a b\\'%1' user=dba").arg(s), "postgresql://dba@db1/shop",
            QStringLiteral("a b'") + s);
        row("conninfo quoted values kept", QStringLiteral("host=db1 dbname='my shop' application_name='it\\'s'"),
            "postgresql://db1/my%20shop?application_name=it%27s", QString());
        row("conninfo spaces around =", QStringLiteral("host = db1 password = %1 dbname = shop").arg(s),
            "postgresql://db1/shop", s);
        row("conninfo without password", QStringLiteral("host=db1 port=5432 dbname=shop user=dba sslmode=require"),
            "postgresql://dba@db1:5432/shop?sslmode=require", QString());
        row("conninfo IPv6 hostaddr", QStringLiteral("hostaddr=::1 port=5433 dbname=shop password=%1").arg(s),
            "postgresql://:5433/shop?hostaddr=%3A%3A1", s);
        row("conninfo host list with one port", QStringLiteral("host=a,b port=5432 dbname=shop password=%1").arg(s),
            "postgresql://a,b/shop?port=5432", s);
        row("conninfo host list, ports that do not pair",
            QStringLiteral("host=a,b,c port=1,2 dbname=shop password=%1").arg(s),
            "postgresql:///shop?host=a,b,c&port=1,2", s);
        // What libpq refuses is cut apart textually, still without the secret.
        row("unknown parameter after the password", QStringLiteral("postgresql://dba:%1@db1/shop?nosuch=1").arg(s),
            "postgresql://dba@db1/shop?nosuch=1", s, false);
        row("bad percent escape inside the password", QStringLiteral("postgresql://dba:%1%zz@db1/shop").arg(s),
            "postgresql://dba@db1/shop", s + QStringLiteral("%zz"), false);
        row("unencoded @ in the password", QStringLiteral("postgresql://dba:p@%1@db1/shop").arg(s),
            "postgresql://dba@db1/shop", QStringLiteral("p@") + s, false);
        row("conninfo with an unknown key", QStringLiteral("host=db1 nosuch=1 password='x %1' dbname=shop").arg(s),
            "host=db1 nosuch=1 dbname=shop", QStringLiteral("x ") + s, false);
        // SQLite and schemes Tidemark has no parser for.
        row("sqlite path", QStringLiteral("sqlite:///data/app.db"), "sqlite:///data/app.db", QString());
        row("sqlite path with @ and : is no user info", QStringLiteral("sqlite:///data/a@b:c.db"),
            "sqlite:///data/a@b:c.db", QString());
        row("sqlite with a key parameter", QStringLiteral("sqlite:///data/app.db?mode=ro&key=%1").arg(s),
            "sqlite:///data/app.db?mode=ro", s, false);
        row("generic user:pass@", QStringLiteral("mariadb://dba:%1@db1:3306/shop").arg(s),
            "mariadb://dba@db1:3306/shop", s, false);
        row("generic, password with / and @", QStringLiteral("mysql://dba:a/b@%1@db1/shop").arg(s),
            "mysql://dba@db1/shop", QStringLiteral("a/b@") + s, false);
        row("generic, only a password", QStringLiteral("oracle://:%1@db1/x").arg(s), "oracle://db1/x", s, false);
        row("generic, password= in the query", QStringLiteral("mariadb://db1/shop?pwd=%1&ssl=1").arg(s),
            "mariadb://db1/shop?ssl=1", s, false);
        row("generic, no password", QStringLiteral("mariadb://dba@db1:3306/shop"), "mariadb://dba@db1:3306/shop",
            QString(), false);
        row("not a URI at all", QStringLiteral("/tmp/x.db"), "/tmp/x.db", QString(), false);
        row("a table name", QStringLiteral("orders"), "orders", QString(), false);
    }

    void redacts()
    {
        QFETCH(QString, text);
        QFETCH(QString, shown);
        QFETCH(QString, password);
        QFETCH(bool, sameOptions);
        const ConnectionString c = ConnectionString::parse(text.toStdString());
        QCOMPARE(QString::fromStdString(c.shown), shown);
        QCOMPARE(QString::fromStdString(redactUri(text.toStdString())), shown);
        QVERIFY2(!c.shown.empty() || text.isEmpty(), "nothing shown");
        if (!password.isEmpty()) {
            QVERIFY(c.hasPassword);
            QCOMPARE(QString::fromStdString(c.password), password);
            QVERIFY2(!shown.contains(kSecret), "the password is shown");
        }
        if (text.contains(kSecret))
            QVERIFY(c.hasPassword);
        QVERIFY(!shown.contains(QStringLiteral("password=")));
        // Shown again, it is what it is: redaction is idempotent.
        QCOMPARE(QString::fromStdString(redactUri(c.shown)), shown);
        if (sameOptions)
            QCOMPARE(libpqView(shown), libpqView(text));
    }

    void conninfoIsRecognised_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("conninfo");
        QTest::newRow("host dbname") << QStringLiteral("host=db1 dbname=shop") << true;
        QTest::newRow("one key") << QStringLiteral("dbname=shop") << true;
        QTest::newRow("IPv6 hostaddr") << QStringLiteral("hostaddr=::1 dbname=x") << true;
        QTest::newRow("a URI") << QStringLiteral("postgresql://db1/shop") << false;
        QTest::newRow("sqlite URI with a query") << QStringLiteral("sqlite:///x.db?mode=ro") << false;
        QTest::newRow("unknown key") << QStringLiteral("host=db1 nosuch=1") << false;
        QTest::newRow("a path") << QStringLiteral("/tmp/x.db") << false;
        QTest::newRow("empty") << QString() << false;
    }
    void conninfoIsRecognised()
    {
        QFETCH(QString, text);
        QFETCH(bool, conninfo);
        QCOMPARE(isConninfo(text.toStdString()), conninfo);
    }

    void problemsNameNoSecret()
    {
        const ConnectionString c =
            ConnectionString::parse(QStringLiteral("postgresql://u:p@%1@h/db").arg(kSecret).toStdString());
        QVERIFY(!c.problem.empty());
        QVERIFY(!QString::fromStdString(c.problem).contains(kSecret));
        QVERIFY(ConnectionString::parse("postgresql://u@h/db").problem.empty());
    }

    void freeTextIsRedacted_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        const QString s = kSecret;
        QTest::newRow("quoted URI in a message")
            << QStringLiteral("\"postgresql://dba:%1@db1/shop\" is not reachable").arg(s)
            << QStringLiteral("\"postgresql://dba@db1/shop\" is not reachable");
        QTest::newRow("two URIs") << QStringLiteral("from mariadb://a:%1@x/y to postgres://b:%1@z/w").arg(s)
                                  << QStringLiteral("from mariadb://a@x/y to postgres://b@z/w");
        QTest::newRow("conninfo in a message") << QStringLiteral("cannot use 'host=db1 password=%1 dbname=shop'").arg(s)
                                               << QStringLiteral("cannot use 'host=db1 password=*** dbname=shop'");
        QTest::newRow("quoted conninfo value")
            << QStringLiteral("password='a b %1' user=x").arg(s) << QStringLiteral("password=*** user=x");
        QTest::newRow("JSON-ish") << QStringLiteral("{\"line\":\"db_password=%1\"}").arg(s)
                                  << QStringLiteral("{\"line\":\"db_password=***\"}");
        QTest::newRow("sentence punctuation after a URI")
            << QStringLiteral("executor lock on postgresql://dba:%1@db1/shop, taken over (by postgres://x:%1@h/d).")
                   .arg(s)
            << QStringLiteral("executor lock on postgresql://dba@db1/shop, taken over (by postgres://x@h/d).");
        QTest::newRow("nothing secret") << QStringLiteral("job 3 (prebackup sqlite:///x.db) finished: ready")
                                        << QStringLiteral("job 3 (prebackup sqlite:///x.db) finished: ready");
        QTest::newRow("a split key is no secret")
            << QStringLiteral("key=id, 20 partitions") << QStringLiteral("key=id, 20 partitions");
    }
    void freeTextIsRedacted()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(redactSecrets(text.toStdString())), expected);
    }
};

QTEST_GUILESS_MAIN(TestConnectionString)
#include "tst_connection_string.moc"
