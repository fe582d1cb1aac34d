// The metadata store keeps no secret (store/store_secrets.cpp): its file and
// its -wal/-shm are private to the owner (created 0600, a wider file narrowed
// with a notice), a password given in a URI is never written — not in the
// connection row, its name, the audit trail, a step's node or error — and a
// store an earlier build wrote with passwords is scrubbed on open.
#include "store_test_support.h"

#include <sys/stat.h>

using namespace store_test;

namespace {

const QByteArray kSecret = QByteArrayLiteral("Zq7-store-sentinel");

int modeOf(const QString &file)
{
    struct stat st { };
    return ::stat(file.toUtf8().constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

/// Every byte SQLite keeps of the store: the file, its WAL and shared memory.
QByteArray storeBytes(const QString &path)
{
    return fileBytes(path) + fileBytes(path + QStringLiteral("-wal")) + fileBytes(path + QStringLiteral("-shm"));
}

bool mentions(const std::vector<std::string> &notices, const char *what)
{
    for (const auto &n : notices)
        if (n.find(what) != std::string::npos)
            return true;
    return false;
}

/// Sets the umask for one scope (the usual 022 lets SQLite create 0644 files).
class Umask {
public:
    explicit Umask(mode_t mask)
        : m_old(::umask(mask))
    {
    }
    ~Umask() { ::umask(m_old); }

private:
    mode_t m_old;
};

} // namespace

class TestStoreSecrets : public StoreTestCase {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void storeAndItsWalAreCreatedPrivate()
    {
        const Umask usual(022);
        const QString path = freshPath();
        auto store = MetadataStore::open(fsPath(path));
        QVERIFY2(store, store ? "" : store.error().message.c_str());
        QVERIFY((*store)->ensureConnection("sqlite:///data/app.db"));
        QVERIFY((*store)->audit(AuditEntry{0, 0, "alice", "test", 0, 0, "written to the WAL"}));
        QCOMPARE(modeOf(path), 0600);
        QVERIFY(QFile::exists(path + QStringLiteral("-wal")));
        QCOMPARE(modeOf(path + QStringLiteral("-wal")), 0600);
        QCOMPARE(modeOf(path + QStringLiteral("-shm")), 0600);
        // (The message is built even when the check holds: never front() of an empty list.)
        QVERIFY2((*store)->notices().empty(), (*store)->notices().empty() ? "" : (*store)->notices().front().c_str());
    }

    void widerStoreIsNarrowedWithANotice()
    {
        const QString path = freshPath();
        {
            auto store = MetadataStore::open(fsPath(path));
            QVERIFY(store);
        }
        QVERIFY(::chmod(path.toUtf8().constData(), 0644) == 0);
        {
            auto store = MetadataStore::open(fsPath(path));
            QVERIFY(store);
            QCOMPARE(modeOf(path), 0600);
            QVERIFY(mentions((*store)->notices(), "narrowed to 0600"));
            QVERIFY(mentions((*store)->notices(), path.toUtf8().constData()));
            QCOMPARE(modeOf(path + QStringLiteral("-shm")), 0600);
        }
        // Said once: the next open finds nothing to narrow.
        auto again = MetadataStore::open(fsPath(path));
        QVERIFY(again);
        QVERIFY((*again)->notices().empty());
    }

    void passwordIsNeverStored_data()
    {
        QTest::addColumn<QString>("given");
        QTest::addColumn<QString>("kept");
        const QString s = QString::fromLatin1(kSecret);
        QTest::newRow("user:pass@") << QStringLiteral("postgresql://dba:%1@db1:5432/shop").arg(s)
                                    << QStringLiteral("postgresql://dba@db1:5432/shop");
        QTest::newRow("password= in the query") << QStringLiteral("postgresql://dba@db1/shop?password=%1").arg(s)
                                                << QStringLiteral("postgresql://dba@db1/shop");
        QTest::newRow("key=value conninfo") << QStringLiteral("host=db1 dbname=shop user=dba password='%1'").arg(s)
                                            << QStringLiteral("postgresql://dba@db1/shop");
        QTest::newRow("other scheme") << QStringLiteral("mariadb://dba:%1@db1/shop").arg(s)
                                      << QStringLiteral("mariadb://dba@db1/shop");
    }
    void passwordIsNeverStored()
    {
        QFETCH(QString, given);
        QFETCH(QString, kept);
        const std::string raw = given.toStdString();
        const QString path = freshPath();
        {
            auto opened = MetadataStore::open(fsPath(path));
            QVERIFY(opened);
            MetadataStore &store = **opened;
            auto conn = store.ensureConnection(raw);
            QVERIFY2(conn, conn ? "" : conn.error().message.c_str());
            QCOMPARE(qs(conn->uri), kept);
            QCOMPARE(qs(conn->name), kept);
            // With or without the password: one connection.
            auto plain = store.ensureConnection(kept.toStdString());
            QVERIFY(plain);
            QCOMPARE(plain->id, conn->id);
            auto found = store.findConnection(raw);
            QVERIFY(found && *found);
            QCOMPARE((*found)->id, conn->id);
            QVERIFY(store.setPolicy(conn->id, "safe", "alice"));
            QVERIFY(store.audit(AuditEntry{0, 0, "alice", "test", 0, 0, "opened " + raw}));

            Plan plan = samplePlan(raw);
            plan.steps[0].node = raw;
            plan.steps[1].error = "cannot connect to " + raw;
            QVERIFY(store.insertPlan(plan));
            QCOMPARE(qs(plan.connectionUri), kept);
            auto back = store.plan(plan.id);
            QVERIFY(back);
            QCOMPARE(qs(back->connectionUri), kept);
            QCOMPARE(qs(back->steps[0].node), kept);
            QVERIFY(!back->steps[1].error.empty());
            back->steps[1].error = "still failing: " + raw;
            QVERIFY(store.updateStep(back->steps[1]));
            auto audit = store.auditLog();
            QVERIFY(audit && !audit->empty());
            for (const auto &e : *audit)
                QVERIFY2(e.detail.find(kSecret.constData()) == std::string::npos, e.detail.c_str());
            QVERIFY2(!storeBytes(path).contains(kSecret), "a password reached the store file or its WAL");
        }
        QVERIFY(!storeBytes(path).contains(kSecret));
    }

    void olderStoreIsScrubbedOnOpen()
    {
        const QString path = freshPath();
        const QString s = QString::fromLatin1(kSecret);
        {
            auto store = MetadataStore::open(fsPath(path));
            QVERIFY(store);
            QVERIFY((*store)->ensureConnection("postgresql://dba@db2/shop"));
        }
        {
            // What an earlier build wrote: the password in uri and name, in
            // the audit trail and in an executor lock.
            RawDb raw(path);
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO connections(uri, name, created_ms) VALUES "
                                            "('postgresql://dba:%1@db1/shop', 'postgresql://dba:%1@db1/shop', 1), "
                                            "('postgresql://dba:%1@db2/shop', 'postgresql://dba:%1@db2/shop', 1)")
                                 .arg(s)));
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO audit(ts_ms, who, action, detail) VALUES "
                                            "(1, 'bob', 'policy.set', 'postgresql://dba:%1@db1/shop: policy "
                                            "report-only -> safe')")
                                 .arg(s)));
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO executor_locks(target, owner, host, pid, acquired_ms, "
                                            "heartbeat_ms) VALUES ('postgresql://dba:%1@db1/shop', 'x', 'h', 1, 1, 1)")
                                 .arg(s)));
        }
        QVERIFY(storeBytes(path).contains(kSecret));
        {
            auto store = MetadataStore::open(fsPath(path));
            QVERIFY2(store, store ? "" : store.error().message.c_str());
            QVERIFY(mentions((*store)->notices(), "removed the password from 2 connection URI(s)"));
            auto db1 = (*store)->findConnection("postgresql://dba@db1/shop");
            QVERIFY(db1 && *db1);
            QCOMPARE(qs((*db1)->name), QStringLiteral("postgresql://dba@db1/shop"));
            // db2 had a clean row already: the old one stays as history, apart.
            auto conns = (*store)->connections();
            QVERIFY(conns);
            QCOMPARE(int(conns->size()), 3);
            QVERIFY(std::any_of(conns->begin(), conns->end(), [](const Connection &c) {
                return c.uri == "postgresql://dba@db2/shop (connection 3, password removed)";
            }));
            auto audit = (*store)->auditLog();
            QVERIFY(audit);
            QCOMPARE(qs(audit->back().detail), QStringLiteral("postgresql://dba@db1/shop: policy report-only -> safe"));
        }
        QVERIFY2(!storeBytes(path).contains(kSecret), "the old password survived in the file or its WAL");
        auto again = MetadataStore::open(fsPath(path));
        QVERIFY(again);
        QVERIFY((*again)->notices().empty());
    }
};

QTEST_GUILESS_MAIN(TestStoreSecrets)
#include "tst_store_secrets.moc"
