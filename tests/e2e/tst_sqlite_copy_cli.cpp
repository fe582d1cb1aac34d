// tidemark-cli copy of a SQLite partition to another SQLite file, as a DBA
// runs it: nodes add, copy (sized against the receiving file system), approve,
// apply killed (-9) after its first chunk, applied again going on from the
// second chunk (and killed again), then `status` removing what the killed
// copy left in both files, and the copy applied again equal to the source;
// a move refused with the reason.
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <sqlite3.h>

#include "cli_harness.h"

using namespace tidemark::test;

namespace {

/// First column of the first row, through a connection of its own (-1 on error).
qint64 scalar(const QString &file, const QString &sql)
{
    sqlite3 *db = nullptr;
    qint64 v = -1;
    if (sqlite3_open_v2(file.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt *st = nullptr;
        if (sqlite3_prepare_v2(db, sql.toUtf8().constData(), -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close_v2(db);
    return v;
}

} // namespace

class TestSqliteCopyCli : public QObject {
    Q_OBJECT

private slots:
    void killedCopyIsSettledByStatusAndRunsAgain()
    {
        CliHarness h;
        const QString demo = h.path(QStringLiteral("demo.db")), replica = h.path(QStringLiteral("replica.db"));
        ProcessResult r = h.cli({QStringLiteral("demo"), QStringLiteral("init"), demo, QStringLiteral("--rows"),
                                 QStringLiteral("40000"), QStringLiteral("--partitions"), QStringLiteral("4")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        {
            QFile f(replica); // an empty file is an empty SQLite database
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        r = h.cli({QStringLiteral("nodes"), QStringLiteral("add"), QStringLiteral("replica"), CliHarness::uri(replica),
                   QStringLiteral("--role"), QStringLiteral("replica")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = h.cli({QStringLiteral("scan"), CliHarness::uri(demo)});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QString partition = QStringLiteral("orders__p_10000_20000");
        const QString sumSql =
            QStringLiteral("SELECT count(*) * 1000003 + total(order_id * 7 + amount_cents) FROM ") + partition;
        const qint64 before = scalar(demo, sumSql);
        QVERIFY(before > 0);

        // A move is refused, with the reason, and nothing is stored.
        r = h.cli({QStringLiteral("move"), CliHarness::uri(demo), QStringLiteral("--table"), QStringLiteral("orders"),
                   QStringLiteral("--partition"), partition, QStringLiteral("--to"), QStringLiteral("replica")});
        QVERIFY2(r.exitCode != 0, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QLatin1String("another database file")), qPrintable(describe(r)));

        r = h.cli({QStringLiteral("--json"), QStringLiteral("copy"), CliHarness::uri(demo), QStringLiteral("--table"),
                   QStringLiteral("orders"), QStringLiteral("--partition"), partition, QStringLiteral("--to"),
                   QStringLiteral("replica"), QStringLiteral("--chunk-rows"), QStringLiteral("2000")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QString id =
            QString::number(QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("id")).toInteger());
        QVERIFY2(r.out.contains(QLatin1String("file system")), qPrintable(r.out.left(3000)));
        QVERIFY(h.cli({QStringLiteral("approve"), id}).exitCode == 0);

        // Killed after its first chunk: the capture and a part of the copy stay.
        r = h.cli({QStringLiteral("apply"), id}, {QStringLiteral("TIDEMARK_CRASH_AT=sqlite.copy.after-chunk#1")});
        QVERIFY2(r.crashed, qPrintable(describe(r)));
        QCOMPARE(scalar(demo,
                        QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name "
                                       "LIKE '%tidemark_cap%'")),
                 qint64(3));
        QVERIFY(scalar(replica, QStringLiteral("SELECT count(*) FROM ") + partition) > 0);

        // Applied again, it goes on where it stopped (killed again after its
        // first chunk of this run, the second of the copy).
        r = h.cli({QStringLiteral("apply"), id}, {QStringLiteral("TIDEMARK_CRASH_AT=sqlite.copy.after-chunk#1")});
        QVERIFY2(r.crashed, qPrintable(describe(r)));
        // Two chunks copied: the first run's, kept, and this run's (a run that
        // started again would have removed the first and copied one).
        QCOMPARE(scalar(replica, QStringLiteral("SELECT count(*) FROM _tidemark_copy_chunks WHERE sends > 0")),
                 qint64(2));

        // status settles it on both files: nothing is left.
        r = h.cli({QStringLiteral("status"), CliHarness::uri(demo)});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(scalar(demo,
                        QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name "
                                       "LIKE '%tidemark_cap%'")),
                 qint64(0));
        QCOMPARE(scalar(demo, QStringLiteral("SELECT count(*) FROM _tidemark_capture")), qint64(0));
        QCOMPARE(scalar(replica,
                        QStringLiteral("SELECT count(*) FROM sqlite_schema WHERE name = '") + partition +
                            QStringLiteral("'")),
                 qint64(0));
        QCOMPARE(scalar(replica, QStringLiteral("SELECT count(*) FROM _tidemark_copy_chunks")), qint64(0));
        QCOMPARE(scalar(demo, sumSql), before);

        // Applied again, it copies the partition whole.
        r = h.cli({QStringLiteral("apply"), id});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(scalar(replica, sumSql), before);
        QCOMPARE(scalar(replica, QStringLiteral("SELECT count(*) FROM _tidemark_steps WHERE kind = 'copy'")),
                 qint64(1));
    }
};

QTEST_GUILESS_MAIN(TestSqliteCopyCli)
#include "tst_sqlite_copy_cli.moc"
