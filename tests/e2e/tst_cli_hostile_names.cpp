// Hostile names on SQLite through tidemark-cli: tables whose names hold
// quotes, dots, spaces, multi-byte characters or run to 63 bytes with a
// multi-byte character at the end, keyed by columns named as badly, are
// adopted, scanned, planned and split with every row kept.
#include <sqlite3.h>

#include "cli_harness.h"

using namespace tidemark::test;

namespace {

QString quoted(const QString &name)
{
    QString out = name;
    out.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

// Runs SQL on its own connection; returns the error, empty on success.
QString exec(const QString &file, const QString &sql)
{
    sqlite3 *db = nullptr;
    QString error;
    if (sqlite3_open(file.toUtf8().constData(), &db) != SQLITE_OK)
        error = QStringLiteral("cannot open ") + file;
    char *msg = nullptr;
    if (error.isEmpty() && sqlite3_exec(db, sql.toUtf8().constData(), nullptr, nullptr, &msg) != SQLITE_OK)
        error = QString::fromUtf8(msg ? msg : "error");
    sqlite3_free(msg);
    sqlite3_close(db);
    return error;
}

struct Family {
    QString table;
    QString key;
};

QList<Family> families()
{
    return {
        {QString::fromUtf8("tab.le \"ü\" 名"), QStringLiteral("k\"ey col")},
        {QStringLiteral("x.y"), QStringLiteral("the key")},
        {QString(61, QLatin1Char('b')) + QString::fromUtf8("é"), QString::fromUtf8("clé")},
    };
}

} // namespace

class TestCliHostileNames : public QObject {
    Q_OBJECT
private slots:
    void hostileNamesArePlannedAndSplitKeepingEveryRow()
    {
        CliHarness h;
        const QString db = h.path(QStringLiteral("hostile.db"));
        const QString uri = CliHarness::uri(db);
        QString sql;
        for (const Family &f : families())
            sql += QStringLiteral("CREATE TABLE %1 (%2 INTEGER PRIMARY KEY, v TEXT);"
                                  "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 25 FROM n WHERE i < 999975) "
                                  "INSERT INTO %1 SELECT i, printf('%.200c', 'x') FROM n;")
                       .arg(quoted(f.table), quoted(f.key));
        QCOMPARE(exec(db, sql), QString());

        QMap<QString, QString> before;
        for (const Family &f : families()) {
            ProcessResult r = h.cli({QStringLiteral("adopt"), uri, f.table, QStringLiteral("--key"), f.key,
                                     QStringLiteral("--at"), QStringLiteral("1000000")});
            QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
            r = h.cli({QStringLiteral("checksum"), uri, f.table});
            QVERIFY2(r.exitCode == 0 && r.out.contains(QLatin1String("40000 rows")), qPrintable(describe(r)));
        }
        QVERIFY(h.cli({QStringLiteral("settings"), uri, QStringLiteral("--set"),
                       QStringLiteral("target_min_bytes=5600000")})
                    .exitCode == 0);
        const ProcessResult set = h.cli({QStringLiteral("settings"), uri, QStringLiteral("--set"),
                                         QStringLiteral("target_max_bytes=22400000"), QStringLiteral("--set"),
                                         QStringLiteral("backup_unit_bytes=2800000"), QStringLiteral("--set"),
                                         QStringLiteral("split_min_bytes=1400000"), QStringLiteral("--set"),
                                         QStringLiteral("half_life_seconds=600")});
        QVERIFY2(set.exitCode == 0, qPrintable(describe(set)));
        QVERIFY(h.cli({QStringLiteral("scan"), uri}).exitCode == 0);
        sql.clear();
        for (const Family &f : families())
            sql += QStringLiteral("UPDATE %1 SET v = 'y' WHERE %2 BETWEEN 500000 AND 510000;")
                       .arg(quoted(f.table), quoted(f.key));
        QCOMPARE(exec(db, sql), QString());
        QVERIFY(h.cli({QStringLiteral("scan"), uri}).exitCode == 0);
        for (const Family &f : families())
            before[f.table] = h.cli({QStringLiteral("checksum"), uri, f.table}).out;

        const QJsonObject plan = h.json({QStringLiteral("plan"), uri});
        const QString text = QString::fromUtf8(QJsonDocument(plan).toJson());
        QSet<QString> planned;
        for (const auto &v : plan.value(QStringLiteral("steps")).toArray())
            planned.insert(v.toObject().value(QStringLiteral("table")).toString());
        for (const Family &f : families())
            QVERIFY2(planned.contains(f.table), qPrintable(f.table + QLatin1Char('\n') + text));
        QVERIFY2(plan.value(QStringLiteral("skipped")).toArray().isEmpty(), qPrintable(text));

        const QString id = QString::number(plan.value(QStringLiteral("id")).toInteger());
        QVERIFY(h.cli({QStringLiteral("approve"), id}).exitCode == 0);
        const ProcessResult applied = h.cli({QStringLiteral("apply"), id});
        QVERIFY2(applied.exitCode == 0, qPrintable(describe(applied)));
        QCOMPARE(h.json({QStringLiteral("show"), id}).value(QStringLiteral("status")).toString(),
                 QStringLiteral("done"));
        for (const Family &f : families()) {
            const ProcessResult r = h.cli({QStringLiteral("checksum"), uri, f.table});
            QCOMPARE(r.out, before[f.table]);
            const QJsonObject scan = h.json({QStringLiteral("scan"), uri});
            int partitions = 0;
            for (const auto &s : scan.value(QStringLiteral("scores")).toArray())
                partitions += s.toObject().value(QStringLiteral("table")).toString() == f.table;
            QCOMPARE(partitions, 4); // the hot range, its two remainders and the untouched neighbour
        }
    }
};

QTEST_GUILESS_MAIN(TestCliHostileNames)
#include "tst_cli_hostile_names.moc"
