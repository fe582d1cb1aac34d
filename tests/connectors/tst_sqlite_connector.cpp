// The SQLite connector against real database files: opening, adopt, split,
// merge, routing through the view, checksums and hostile names.
#include <QFile>
#include <QTest>

#include <stdexcept>

#include "connector_features.h"
#include "sqlite_connector.h"
#include "sqlite_sql.h"
#include "sqlite_step_util.h"
#include "sqlite_test_util.h"

using namespace tidemark;
using namespace tidemark::sqlite;
using namespace tidemark::test;

class TestSqliteConnector : public QObject, private SqliteFiles {
    Q_OBJECT

private slots:
    void init() { freshDirectory(); }

    void uriForms_data()
    {
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("path"); // empty: refused with InvalidArgument
        QTest::newRow("three slashes") << "sqlite:///tmp/a.db" << "/tmp/a.db";
        QTest::newRow("one slash") << "sqlite:/tmp/a.db" << "/tmp/a.db";
        QTest::newRow("localhost") << "sqlite://localhost/tmp/a.db" << "/tmp/a.db";
        QTest::newRow("percent-encoded space") << "sqlite:///tmp/my%20db.db" << "/tmp/my db.db";
        QTest::newRow("relative") << "sqlite:a.db" << "";
        QTest::newRow("host") << "sqlite://server/tmp/a.db" << "";
        QTest::newRow("other scheme") << "postgresql:///tmp/a.db" << "";
        QTest::newRow("bare path") << "/tmp/a.db" << "";
        QTest::newRow("empty") << "" << "";
    }
    void uriForms()
    {
        QFETCH(QString, uri);
        QFETCH(QString, path);
        auto p = SqliteConnector::pathFromUri(uri.toStdString());
        if (path.isEmpty()) {
            QVERIFY(!p);
            QCOMPARE(p.error().code, ErrorCode::InvalidArgument);
            QVERIFY2(p.error().hint.find("sqlite:///") != std::string::npos, p.error().hint.c_str());
        } else {
            QVERIFY(p);
            QCOMPARE(QString::fromStdString(p->string()), path);
        }
    }

    void openMissingFileIsNotFoundAndCreatesNothing()
    {
        const std::string p = path("missing.db");
        auto c = SqliteConnector::open("sqlite://" + p);
        QVERIFY(!c);
        QCOMPARE(c.error().code, ErrorCode::NotFound);
        QCOMPARE(q(c.error().message), q("no SQLite database at " + p));
        QVERIFY(c.error().hint.find("tidemark-cli demo init") != std::string::npos);
        QVERIFY(!QFile::exists(QString::fromStdString(p)));
        auto f = sqliteConnectorFactory()("sqlite://" + p);
        QVERIFY(!f);
        QCOMPARE(f.error().code, ErrorCode::NotFound);
    }

    void openNonDatabaseIsCorrupt()
    {
        QFile f(QString::fromStdString(path("text.db")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("this is not a database, just some text that is long enough to be read").repeated(100));
        f.close();
        auto c = SqliteConnector::openPath(path("text.db"));
        QVERIFY(!c);
        QCOMPARE(c.error().code, ErrorCode::Corrupt);
    }

    void createTableBody_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("body");
        QTest::newRow("plain") << "CREATE TABLE t(a INTEGER PRIMARY KEY, b)" << "t" << "(a INTEGER PRIMARY KEY, b)";
        QTest::newRow("quoted with doubled quote")
            << "CREATE TABLE \"we\"\"ird (x)\" (a INT)" << "we\"ird (x)" << "(a INT)";
        QTest::newRow("schema-qualified") << "CREATE TABLE main.\"t\"(a)" << "t" << "(a)";
        QTest::newRow("if not exists") << "create table if not exists [my t] (a) WITHOUT ROWID"
                                       << "my t" << "(a) WITHOUT ROWID";
        QTest::newRow("table named if") << "CREATE TABLE if(a)" << "if" << "(a)";
        QTest::newRow("comments") << "CREATE /* c */ TABLE -- x\n `t``2` /* y */ (a DEFAULT 'b''c')"
                                  << "t`2" << "(a DEFAULT 'b''c')";
        QTest::newRow("injection-looking name") << "CREATE TABLE \"\"\"; DROP TABLE x; --\"(a)"
                                                << "\"; DROP TABLE x; --" << "(a)";
        QTest::newRow("non-ASCII") << QStringLiteral("CREATE TABLE Bestellungen_ä€(a CHECK (a > 0) COLLATE NOCASE)")
                                   << QStringLiteral("Bestellungen_ä€") << "(a CHECK (a > 0) COLLATE NOCASE)";
        QTest::newRow("temp") << "CREATE TEMP TABLE t (a)" << "t" << "(a)";
    }
    void createTableBody()
    {
        QFETCH(QString, sql);
        QFETCH(QString, name);
        QFETCH(QString, body);
        auto n = sqlite::createTableName(sql.toStdString());
        QVERIFY2(n, n ? "" : n.error().message.c_str());
        QCOMPARE(QString::fromStdString(*n), name);
        auto b = sqlite::createTableBody(sql.toStdString());
        QVERIFY(b);
        QCOMPARE(QString::fromStdString(*b), body);
    }

    void quoting()
    {
        QCOMPARE(q(sqlite::quoteIdent("a\"b")), q("\"a\"\"b\""));
        QCOMPARE(q(sqlite::quoteLit("it's")), q("'it''s'"));
        bool threw = false;
        try {
            (void)sqlite::quoteIdent(std::string_view("a\0b", 3));
        } catch (const std::invalid_argument &) {
            threw = true;
        }
        QVERIFY(threw);
        QVERIFY(!sqlite::checkName(std::string_view("a\0b", 3), "table"));
    }

    void adoptSplitMergeKeepEveryRow()
    {
        RawDb db(path(), true);
        makeTable(db, "t", "k", -500, 10000);
        auto c = open(path());
        auto before = c->checksum("t", KeyRange{});
        QVERIFY(before);
        QCOMPARE(before->rows, 10500);
        REQUIRE_OK(c->adopt(AdoptRequest{"t", "k", {0, 2500, 5000, 7500}}));
        QCOMPARE(c->checksum("t", KeyRange{}).value(), *before);
        QCOMPARE(db.scalar("SELECT count(*) FROM t__p_min_0"), 500);

        auto d = c->describe("t");
        QVERIFY(d);
        QCOMPARE(d->keyColumn, std::string("k"));
        QCOMPARE(int(d->partitions.size()), 5);
        const std::vector<std::string> names{"t__p_min_0", "t__p_0_2500", "t__p_2500_5000", "t__p_5000_7500",
                                             "t__p_7500_max"};
        for (std::size_t i = 0; i < names.size(); ++i) {
            QCOMPARE(q(d->partitions[i].name), q(names[i]));
            QVERIFY(d->partitions[i].bytes > 0);
            QVERIFY(d->partitions[i].createdMs > 0);
        }
        QCOMPARE(d->partitions[1].rows, 2500);
        QCOMPARE(d->partitions[0].bounds, (KeyRange{std::nullopt, 0}));

        const auto range = KeyRange{2500, 5000};
        const auto rangeBefore = c->checksum("t", range).value();
        Step split = splitStep(*c, "t", "t__p_2500_5000", {{2500, 3000}, {3000, 4000}, {4000, 5000}});
        ExecutionContext ctx;
        ctx.stepUid = split.uid;
        auto out = c->execute(split, ctx);
        QVERIFY2(out, out ? "" : errorText(out.error()).c_str());
        QCOMPARE(out->rowsMoved, 2500);
        QCOMPARE(out->before, out->after);
        QCOMPARE(out->before, rangeBefore);
        QVERIFY(out->bytesWritten > 0);
        QVERIFY(out->lockSeconds > 0 && out->lockSeconds <= out->seconds);
        QCOMPARE(c->checksum("t", KeyRange{}).value(), *before);
        QCOMPARE(c->checksum("t", range).value(), rangeBefore);
        QVERIFY(!db.tableExists("t__p_2500_5000"));
        QCOMPARE(db.scalar("SELECT count(*) FROM t__p_3000_4000"), 1000);

        Step merge = mergeStep(*c, "t", {"t__p_5000_7500", "t__p_7500_max"}, KeyRange{5000, std::nullopt});
        ctx.stepUid = merge.uid;
        out = c->execute(merge, ctx);
        QVERIFY2(out, out ? "" : errorText(out.error()).c_str());
        QCOMPARE(out->rowsMoved, 5000);
        QCOMPARE(c->checksum("t", KeyRange{}).value(), *before);
        QCOMPARE(int(c->describe("t")->partitions.size()), 6);
        QCOMPARE(c->stepState(split.uid).value(), StepCommitState::Committed);
        QCOMPARE(c->stepState(merge.uid).value(), StepCommitState::Committed);
        QCOMPARE(c->stepState("never-ran").value(), StepCommitState::NotCommitted);
        // Indexes were re-created on the new partitions.
        QCOMPARE(db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 't__p_5000_max'"), 1);
        QCOMPARE(db.scalar("SELECT count(*) FROM t"), 10500);
    }

    void writesLandInTheRightPartition_data()
    {
        QTest::addColumn<int>("phase"); // 0 adopted, 1 after a split, 2 after a merge as well
        QTest::addColumn<qint64>("key");
        QTest::addColumn<QString>("partition");
        QTest::newRow("adopted: below everything") << 0 << qint64(-7) << "t__p_min_250";
        QTest::newRow("adopted: first") << 0 << qint64(1) << "t__p_min_250";
        QTest::newRow("adopted: lower bound is inclusive") << 0 << qint64(251) << "t__p_250_500";
        QTest::newRow("adopted: last") << 0 << qint64(999) << "t__p_750_max";
        QTest::newRow("adopted: far above") << 0 << qint64(100001) << "t__p_750_max";
        QTest::newRow("split: first half") << 1 << qint64(251) << "t__p_250_300";
        QTest::newRow("split: second half") << 1 << qint64(301) << "t__p_300_500";
        QTest::newRow("split: untouched neighbour") << 1 << qint64(501) << "t__p_500_750";
        QTest::newRow("merged: lower part") << 2 << qint64(501) << "t__p_500_max";
        QTest::newRow("merged: upper part") << 2 << qint64(1001) << "t__p_500_max";
        QTest::newRow("merged: split still in place") << 2 << qint64(299) << "t__p_250_300";
    }
    void writesLandInTheRightPartition()
    {
        QFETCH(int, phase);
        QFETCH(qint64, key);
        QFETCH(QString, partition);
        RawDb db(path(), true);
        auto c = adoptedFamily(db, true);
        ExecutionContext ctx;
        if (phase >= 1)
            REQUIRE_OK(c->execute(splitStep(*c, "t", "t__p_250_500", {{250, 300}, {300, 500}}), ctx));
        if (phase >= 2)
            REQUIRE_OK(c->execute(mergeStep(*c, "t", {"t__p_500_750", "t__p_750_max"}, {500, std::nullopt}), ctx));
        const std::string k = std::to_string(key);
        QCOMPARE(q(db.exec("INSERT INTO t(k, name) VALUES(" + k + ", 'new')")), QByteArray());
        auto holders = db.partitionsHolding("t", "k", key);
        QCOMPARE(int(holders.size()), 1);
        QCOMPARE(QString::fromStdString(holders[0]), partition);
        // Omitted NOT NULL column with a DEFAULT got the default.
        QCOMPARE(db.strings("SELECT status FROM t WHERE k = " + k).at(0), std::string("new"));
        // An update that keeps the key stays in place; a delete removes it.
        QCOMPARE(q(db.exec("UPDATE t SET name = 'changed' WHERE k = " + k)), QByteArray());
        QCOMPARE(db.partitionsHolding("t", "k", key), holders);
        QCOMPARE(db.strings("SELECT name FROM " + ident(holders[0]) + " WHERE k = " + k).at(0),
                 std::string("changed"));
        QCOMPARE(q(db.exec("DELETE FROM t WHERE k = " + k)), QByteArray());
        QVERIFY(db.partitionsHolding("t", "k", key).empty());
        QCOMPARE(db.scalar("SELECT count(*) FROM t"), 500);
    }

    void updateMovesKeyAcrossPartitions()
    {
        RawDb db(path(), true);
        auto c = adoptedFamily(db);
        const auto before = c->checksum("t", KeyRange{}).value();
        QCOMPARE(q(db.exec("UPDATE t SET k = 1500, amount = 7 WHERE k = 10")), QByteArray());
        QVERIFY(db.partitionsHolding("t", "k", 10).empty());
        QCOMPARE(db.partitionsHolding("t", "k", 1500), std::vector<std::string>{"t__p_750_max"});
        QCOMPARE(db.strings("SELECT name || '/' || amount || '/' || status FROM t WHERE k = 1500").at(0),
                 std::string("row 10/7.0/paid"));
        QCOMPARE(db.scalar("SELECT count(*) FROM t"), 1000);
        // Moving it back restores the very same rows.
        QCOMPARE(q(db.exec("UPDATE t SET k = 10, amount = 2.5 WHERE k = 1500")), QByteArray());
        QCOMPARE(c->checksum("t", KeyRange{}).value(), before);
        // Several rows at once, some moving, some not.
        QCOMPARE(q(db.exec("UPDATE t SET k = k + 100 WHERE k >= 900")), QByteArray());
        QCOMPARE(db.scalar("SELECT count(*) FROM t WHERE k >= 1000"), 100);
        QCOMPARE(db.scalar("SELECT count(*) FROM t"), 1000);
    }

    void badKeysAreRefused_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("message"); // empty: must succeed
        QTest::newRow("above the covered range") << "INSERT INTO b(k, v) VALUES(5000, 'x')" << "no partition covers";
        QTest::newRow("below the covered range") << "INSERT INTO b(k, v) VALUES(-1, 'x')" << "no partition covers";
        QTest::newRow("null key") << "INSERT INTO b(k, v) VALUES(NULL, 'x')" << "must not be NULL";
        QTest::newRow("text key") << "INSERT INTO b(k, v) VALUES('abc', 'x')" << "must be an integer";
        QTest::newRow("fractional key") << "INSERT INTO b(k, v) VALUES(1.5, 'x')" << "must be an integer";
        QTest::newRow("update to uncovered") << "UPDATE b SET k = 5000 WHERE k = 10" << "no partition covers";
        QTest::newRow("update to null") << "UPDATE b SET k = NULL WHERE k = 10" << "must not be NULL";
        QTest::newRow("integer text is converted") << "INSERT INTO b(k, v) VALUES('155', 'x')" << "";
        QTest::newRow("integral real is converted") << "INSERT INTO b(k, v) VALUES(155.0, 'x')" << "";
    }
    void badKeysAreRefused()
    {
        QFETCH(QString, sql);
        QFETCH(QString, message);
        RawDb db(path(), true);
        auto c = open(path());
        FamilySpec spec;
        spec.createTableSql = "CREATE TABLE b(k INTEGER PRIMARY KEY, v TEXT)";
        spec.keyColumn = "k";
        spec.splitPoints = {100, 500};
        spec.lowerBound = 0;
        spec.upperBound = 1000;
        REQUIRE_OK(c->createFamily(spec));
        QCOMPARE(q(db.exec("WITH RECURSIVE s(v) AS (SELECT 0 UNION ALL SELECT v + 10 FROM s WHERE v < 990) "
                           "INSERT INTO b(k, v) SELECT v, 'v' FROM s")),
                 QByteArray());
        const auto before = snapshot(db, *c);
        const std::string err = db.exec(sql.toStdString());
        if (message.isEmpty()) {
            QCOMPARE(q(err), QByteArray());
            QCOMPARE(db.scalar("SELECT typeof(k) = 'integer' FROM b__p_100_500 WHERE k = 155"), 1);
            QCOMPARE(db.scalar("SELECT count(*) FROM b__p_100_500 WHERE k = 155"), 1);
            return;
        }
        QVERIFY2(err.find(message.toStdString()) != std::string::npos, err.c_str());
        QVERIFY2(err.find("\"b\"") != std::string::npos, err.c_str());
        QCOMPARE(snapshot(db, *c), before);
    }

    void hostileNames_data()
    {
        QTest::addColumn<QString>("table");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("double quotes") << "we\"ird" << "i\"d" << "val\"ue";
        QTest::newRow("single quotes") << "o'brien" << "k'ey" << "it's";
        QTest::newRow("semicolons") << "semi;colon" << "k;ey" << "v;al";
        QTest::newRow("spaces") << "with space" << "the key" << "a value";
        QTest::newRow("injection") << "\"; DROP TABLE victim; --" << "\"); DROP TABLE victim; --"
                                   << "'; DROP TABLE victim; --";
        QTest::newRow("brackets and backticks") << "[x]`y`" << "`k`" << "]v[";
        QTest::newRow("non-ASCII") << QStringLiteral("Bestellungen_ä€") << QStringLiteral("schlüssel")
                                   << QStringLiteral("Wert€");
    }
    void hostileNames()
    {
        QFETCH(QString, table);
        QFETCH(QString, key);
        QFETCH(QString, value);
        const std::string t = table.toStdString();
        const std::string k = key.toStdString();
        RawDb db(path(), true);
        QCOMPARE(q(db.exec("CREATE TABLE victim(a); INSERT INTO victim VALUES(1),(2),(3)")), QByteArray());
        makeTable(db, t, k, 0, 400, value.toStdString());
        auto c = open(path());
        const auto before = c->checksum(t, KeyRange{});
        QVERIFY2(before, before ? "" : errorText(before.error()).c_str());
        REQUIRE_OK(c->adopt(AdoptRequest{t, k, {100, 200, 300}}));
        QCOMPARE(c->checksum(t, KeyRange{}).value(), *before);

        ExecutionContext ctx;
        const std::string p100 = c->partitionNameFor(t, {100, 200});
        REQUIRE_OK(c->execute(splitStep(*c, t, p100, {{100, 150}, {150, 200}}), ctx));
        REQUIRE_OK(c->execute(mergeStep(*c, t, {c->partitionNameFor(t, {200, 300}), c->partitionNameFor(t, {300, {}})},
                                        {200, std::nullopt}),
                              ctx));
        QCOMPARE(c->checksum(t, KeyRange{}).value(), *before);
        QCOMPARE(c->checksum(t, KeyRange{100, 150}).value().rows, 50);

        const std::string qt = ident(t), qk = ident(k), qv = ident(value.toStdString());
        QCOMPARE(q(db.exec("INSERT INTO " + qt + "(" + qk + ", " + qv + ") VALUES(1000, 'x''); DROP TABLE victim; --')")),
                 QByteArray());
        QCOMPARE(q(db.exec("UPDATE " + qt + " SET " + qk + " = -5 WHERE " + qk + " = 1000")), QByteArray());
        QCOMPARE(db.partitionsHolding(t, k, -5), std::vector<std::string>{c->partitionNameFor(t, {{}, 100})});
        QCOMPARE(q(db.exec("DELETE FROM " + qt + " WHERE " + qk + " = 5")), QByteArray());
        QCOMPARE(db.scalar("SELECT count(*) FROM " + qt), 400);
        QCOMPARE(db.scalar("SELECT count(*) FROM victim"), 3);
        auto d = c->describe(t);
        QVERIFY(d);
        QCOMPARE(q(d->name), q(t));
        QCOMPARE(int(d->partitions.size()), 4);
        auto all = c->discover();
        QVERIFY(all);
        QCOMPARE(int(all->size()), 1);
        auto h = c->keyHistogram(t, d->partitions[1].name, 10);
        QVERIFY2(h, h ? "" : errorText(h.error()).c_str());
    }

    void checksumDetects_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("same rows, other order") << "(1,'a'),(2,'b')" << "(2,'b'),(1,'a')" << true;
        QTest::newRow("changed value") << "(1,'a'),(2,'b')" << "(1,'a'),(2,'c')" << false;
        QTest::newRow("lost row") << "(1,'a'),(2,'b')" << "(1,'a')" << false;
        QTest::newRow("duplicated row") << "(1,'a'),(2,'b')" << "(1,'a'),(2,'b'),(2,'b')" << false;
        QTest::newRow("pairs of duplicates (XOR would cancel)") << "(1,'a'),(2,'b'),(2,'b')"
                                                                << "(1,'a'),(3,'c'),(3,'c')" << false;
        QTest::newRow("values swapped between columns") << "('a','b')" << "('b','a')" << false;
        QTest::newRow("text boundary moved") << "('ab','c')" << "('a','bc')" << false;
        QTest::newRow("NULL vs empty text") << "(NULL,1)" << "('',1)" << false;
        QTest::newRow("empty text vs zero") << "('',1)" << "(0,1)" << false;
        QTest::newRow("integer vs text") << "(1,1)" << "('1',1)" << false;
        QTest::newRow("text vs blob") << "('a',1)" << "(x'61',1)" << false;
    }
    void checksumDetects()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(bool, equal);
        RawDb db(path(), true);
        QCOMPARE(q(db.exec("CREATE TABLE a(x, y); CREATE TABLE b(x, y);")), QByteArray());
        QCOMPARE(q(db.exec("INSERT INTO a VALUES" + a.toStdString() + "; INSERT INTO b VALUES" + b.toStdString())),
                 QByteArray());
        auto c = open(path());
        auto ca = c->checksum("a", KeyRange{});
        auto cb = c->checksum("b", KeyRange{});
        QVERIFY(ca && cb);
        QCOMPARE(*ca == *cb, equal);
        if (!equal && ca->rows == cb->rows)
            QVERIFY(ca->hashSum != cb->hashSum);
    }

    void describeErrors()
    {
        RawDb db(path(), true);
        auto c = adoptedFamily(db);
        db.exec("CREATE TABLE plain(a INTEGER PRIMARY KEY)");
        auto d = c->describe("plain");
        QVERIFY(!d);
        QCOMPARE(d.error().code, ErrorCode::NotPartitioned);
        QCOMPARE(q(d.error().message), QByteArray("table \"plain\" is not partitioned"));
        QVERIFY(d.error().hint.find("tidemark-cli adopt") != std::string::npos);
        d = c->describe("nope");
        QVERIFY(!d);
        QCOMPARE(d.error().code, ErrorCode::NotFound);
        QCOMPARE(c->describe("T").value().name, std::string("t")); // SQLite names ignore ASCII case
        auto fp = c->fingerprint("t", {"t__p_250_500", "t__p_gone"});
        QVERIFY(!fp);
        QCOMPARE(fp.error().code, ErrorCode::StalePlan);
        auto h = c->keyHistogram("t", "t__p_gone", 8);
        QVERIFY(!h);
        QCOMPARE(h.error().code, ErrorCode::NotFound);
        // Fingerprints follow structure, not data.
        const auto f1 = c->fingerprint("t", {"t__p_250_500"}).value();
        db.exec("UPDATE t SET name = 'x' WHERE k = 300");
        QCOMPARE(c->fingerprint("t", {"t__p_250_500"}).value(), f1);
        QVERIFY(c->fingerprint("t", {"t__p_500_750"}).value() != f1);
        QCOMPARE(c->partitionNameFor("t", {-5, 0}), std::string("t__p_m5_0"));
        QCOMPARE(c->partitionNameFor("t", {std::nullopt, std::nullopt}), std::string("t__p_min_max"));
        // Capabilities are derived from the traits and the optional interfaces.
        const auto caps = capabilitiesOf(*c);
        QVERIFY(caps.runs(StepKind::Split) && caps.runs(StepKind::Merge));
        QVERIFY(caps.adopt && caps.checksum && caps.transactionalSteps);
        QVERIFY(!caps.readsCounted && !caps.loadFigure && !caps.rowStreaming);
        // A partition is copied to another file, never moved there, with the reason.
        QVERIFY(caps.runs(StepKind::Copy) && !caps.runs(StepKind::Move));
        QVERIFY(!caps.whyNot("readsCounted").empty());
        QVERIFY(caps.whyNot("move").find("another database file") != std::string::npos);
        QVERIFY(caps.whyNot("split").empty());
    }

    void moreThan500PartitionsWorkThroughTheView()
    {
        RawDb db(path(), true);
        auto c = open(path());
        FamilySpec spec;
        spec.createTableSql = "CREATE TABLE big(k INTEGER PRIMARY KEY, v TEXT)";
        spec.keyColumn = "k";
        for (KeyValue s = 10; s < 12000; s += 10)
            spec.splitPoints.push_back(s);
        REQUIRE_OK(c->createFamily(spec));
        QCOMPARE(db.scalar("SELECT count(*) FROM _tidemark_partitions WHERE family = 'big'"), 1200);
        QVERIFY(db.tableExists("big__union_003"));
        QCOMPARE(q(db.exec("WITH RECURSIVE s(k) AS (SELECT 0 UNION ALL SELECT k + 40 FROM s WHERE k < 11960) "
                           "INSERT INTO big SELECT k, 'v' FROM s")),
                 QByteArray());
        QCOMPARE(db.scalar("SELECT count(*) FROM big"), 300);
        QCOMPARE(db.partitionsHolding("big", "k", 11960), std::vector<std::string>{"big__p_11960_11970"});
        QCOMPARE(q(db.exec("UPDATE big SET k = 11995 WHERE k = 40")), QByteArray());
        QCOMPARE(db.partitionsHolding("big", "k", 11995), std::vector<std::string>{"big__p_11990_max"});
        QCOMPARE(q(db.exec("DELETE FROM big WHERE k = 80")), QByteArray());
        QCOMPARE(db.scalar("SELECT count(*) FROM big"), 299);
        ExecutionContext ctx;
        REQUIRE_OK(c->execute(mergeStep(*c, "big", {"big__p_120_130", "big__p_130_140"}, {120, 140}), ctx));
        REQUIRE_OK(c->execute(splitStep(*c, "big", "big__p_5000_5010", {{5000, 5005}, {5005, 5010}}), ctx));
        QCOMPARE(int(c->describe("big").value().partitions.size()), 1200);
        QCOMPARE(q(db.exec("INSERT INTO big VALUES(5007, 'w'), (125, 'w')")), QByteArray());
        QCOMPARE(db.partitionsHolding("big", "k", 5007), std::vector<std::string>{"big__p_5005_5010"});
        QCOMPARE(db.partitionsHolding("big", "k", 125), std::vector<std::string>{"big__p_120_140"});
        QCOMPARE(c->checksum("big", KeyRange{}).value().rows, 301);
    }
};

QTEST_GUILESS_MAIN(TestSqliteConnector)
#include "tst_sqlite_connector.moc"
