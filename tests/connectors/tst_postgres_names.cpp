// Hostile and look-alike names on a real PostgreSQL through tidemark-cli:
// table y of schema x and the public table named "x.y" are two tables with
// two scores and two plans; a schema whose name holds a dot is planned when
// named on the command line; a 63-byte table name ending in a multi-byte
// character gets generated partition names that PostgreSQL takes; quotes,
// dots, spaces and multi-byte characters in schema, table, key column and
// partition names are planned and split with every row kept; and a table
// whose split is refused is listed with its reason while the rest is planned.
#include "../e2e/cli_harness.h"
#include "postgres_test_util.h"

using namespace tidemark;
using namespace tidemark::test;

namespace {

// SQL for each table, as PostgreSQL spells it, and how Tidemark shows it.
struct Family {
    QString schema; ///< quoted schema and a dot, empty for public
    QString sql; ///< quoted relation
    QString shown; ///< the name in plans and scans
    QString key; ///< quoted key column
};

QString longName()
{
    return QString(61, QLatin1Char('b')) + QString::fromUtf8("é"); // 63 bytes
}

QList<Family> families()
{
    return {
        {QStringLiteral("x."), QStringLiteral("x.y"), QStringLiteral("x.y"), QStringLiteral("id")},
        {QString(), QStringLiteral("public.\"x.y\""), QStringLiteral("\"x.y\""), QStringLiteral("id")},
        {QStringLiteral("\"my.sch\"."), QStringLiteral("\"my.sch\".t"), QStringLiteral("\"my.sch\".t"),
         QStringLiteral("id")},
        {QString(), QLatin1Char('"') + longName() + QLatin1Char('"'), longName(), QStringLiteral("id")},
        {QStringLiteral("\"we\"\"ird sch.ema\"."), QString::fromUtf8("\"we\"\"ird sch.ema\".\"tab.le \"\"ü\"\" 名\""),
         QString::fromUtf8("\"we\"\"ird sch.ema\".\"tab.le \"\"ü\"\" 名\""), QStringLiteral("\"k\"\"ey col\"")},
    };
}

} // namespace

class TestPostgresNames : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;

    QString psqlOut(const QString &sql)
    {
        QString out, err;
        if (!m_pg->psql(sql, &out, &err))
            return QStringLiteral("ERROR: ") + err;
        return out.trimmed();
    }
    QString rowsOf(const Family &f)
    {
        return psqlOut(
            QStringLiteral("SELECT count(*) || ':' || coalesce(sum(hashtext(r::text)), 0) FROM %1 r").arg(f.sql));
    }

private slots:
    void initTestCase()
    {
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        usePgpass(*m_pg);
        QString sql =
            QStringLiteral("CREATE SCHEMA x; CREATE SCHEMA \"my.sch\"; CREATE SCHEMA \"we\"\"ird sch.ema\";\n");
        // Each table: its hot partition [0, 1000000) with rows spread over
        // the whole range, and an empty neighbour.
        int n = 0;
        for (const Family &f : families()) {
            const QString &schema = f.schema;
            const QString partA = schema + QStringLiteral("\"p.a \"\"%1\"\"\"").arg(n);
            const QString partB = schema + QStringLiteral("\"p b %1\"").arg(n);
            sql += QStringLiteral("CREATE TABLE %1 (%2 bigint, v text) PARTITION BY RANGE (%2);\n"
                                  "CREATE TABLE %3 PARTITION OF %1 FOR VALUES FROM (0) TO (1000000);\n"
                                  "CREATE TABLE %4 PARTITION OF %1 FOR VALUES FROM (1000000) TO (2000000);\n"
                                  "INSERT INTO %1 SELECT g, repeat('x', 200) FROM generate_series(0, 999999, 25) g;\n")
                       .arg(f.sql, f.key, partA, partB);
            ++n;
        }
        // A table whose split PostgreSQL's connector refuses: its hot
        // partition has a trigger of its own that new partitions would lack.
        sql += QStringLiteral(
            "CREATE TABLE refused (id bigint, v text) PARTITION BY RANGE (id);\n"
            "CREATE TABLE refused_a PARTITION OF refused FOR VALUES FROM (0) TO (1000000);\n"
            "CREATE TABLE refused_b PARTITION OF refused FOR VALUES FROM (1000000) TO (2000000);\n"
            "INSERT INTO refused SELECT g, repeat('x', 200) FROM generate_series(0, 999999, 25) g;\n"
            "CREATE FUNCTION audit_refused() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n"
            "CREATE TRIGGER refused_audit BEFORE UPDATE ON refused_a FOR EACH ROW EXECUTE FUNCTION audit_refused();\n"
            "ANALYZE;");
        const QString out = psqlOut(sql);
        QVERIFY2(!out.startsWith(QLatin1String("ERROR")), qPrintable(out));
        // The bulk load is not workload: counters start from here.
        QVERIFY(!psqlOut(QStringLiteral("SELECT pg_stat_reset()")).startsWith(QLatin1String("ERROR")));
    }
    void cleanupTestCase() { m_pg.reset(); }

    // Plans and stores written before parts were quoted name tables and
    // partitions in the joined form (my.sch.t, my.sch.t_a): those still
    // resolve, and a name that is both (x.y) means the exact pair.
    void joinedNamesOfEarlierPlansStillResolve()
    {
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        auto all = c->discover();
        QVERIFY2(all, all ? "" : qPrintable(explain(all.error())));
        QStringList names;
        for (const auto &t : *all)
            names << QString::fromStdString(t.name);
        for (const Family &f : families())
            QVERIFY2(names.contains(f.shown), qPrintable(names.join(u'|')));

        auto joined = c->describe("my.sch.t");
        QVERIFY2(joined, joined ? "" : qPrintable(explain(joined.error())));
        QCOMPARE(QString::fromStdString(joined->name), QStringLiteral("\"my.sch\".t"));
        const std::string oldPartition = "my.sch.p.a \"2\"";
        auto a = c->fingerprint("my.sch.t", {oldPartition});
        auto b = c->fingerprint("\"my.sch\".t", {joined->partitions.front().name});
        QVERIFY(a && b);
        QCOMPARE(*a, *b);
        QCOMPARE(c->partitionNameFor("my.sch.t", {0, 10}), c->partitionNameFor("\"my.sch\".\"t\"", {0, 10}));
        QCOMPARE(c->partitionNameFor("my.sch.t", {0, 10}), std::string("\"my.sch\".t_p0_10"));

        auto xy = c->describe("x.y");
        QVERIFY(xy);
        QCOMPARE(QString::fromStdString(xy->name), QStringLiteral("x.y"));
        auto publicXy = c->describe("public.\"x.y\"");
        QVERIFY(publicXy);
        QCOMPARE(QString::fromStdString(publicXy->name), QStringLiteral("\"x.y\""));
        QCOMPARE(c->partitionNameFor("\"x.y\"", {0, 10}), std::string("\"x.y_p0_10\""));

        auto missing = c->describe("\"no.such\".t");
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(missing.error().hint.find("quoted") != std::string::npos);
    }

    void namesStayApartAndEveryRowIsKept()
    {
        CliHarness h;
        const QString uri = m_pg->uri();
        const QStringList env = m_pg->environment();
        auto cli = [&](const QStringList &args) { return h.cli(args, env); };
        auto json = [&](const QStringList &args, int exitCode = 0) {
            const ProcessResult r = cli(QStringList{QStringLiteral("--json")} + args);
            if (r.exitCode != exitCode)
                qWarning().noquote() << describe(r);
            return QJsonDocument::fromJson(r.out.toUtf8()).object();
        };
        ProcessResult r =
            cli({QStringLiteral("settings"), uri, QStringLiteral("--set"), QStringLiteral("target_min_bytes=5600000")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = cli({QStringLiteral("settings"), uri, QStringLiteral("--set"), QStringLiteral("backup_unit_bytes=2800000"),
                 QStringLiteral("--set"), QStringLiteral("split_min_bytes=1400000"), QStringLiteral("--set"),
                 QStringLiteral("target_max_bytes=22400000"), QStringLiteral("--set"),
                 QStringLiteral("half_life_seconds=600"), QStringLiteral("--set"),
                 QStringLiteral("sampling_interval_seconds=5")});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = cli({QStringLiteral("scan"), uri});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));

        // Writes land in one narrow key range of each table, except the
        // public table "x.y", which stays idle: its look-alike x.y is hot.
        QMap<QString, QString> before;
        for (const Family &f : families()) {
            if (f.shown != QLatin1String("\"x.y\"")) {
                const QString out = psqlOut(
                    QStringLiteral("UPDATE %1 SET v = 'y' WHERE %2 BETWEEN 500000 AND 510000").arg(f.sql, f.key));
                QVERIFY2(!out.startsWith(QLatin1String("ERROR")), qPrintable(out));
            }
            before[f.shown] = rowsOf(f);
        }
        QVERIFY(!psqlOut(QStringLiteral("UPDATE refused SET v = 'y' WHERE id BETWEEN 500000 AND 510000"))
                     .startsWith(QLatin1String("ERROR")));
        QVERIFY(!psqlOut(QStringLiteral("SELECT pg_stat_force_next_flush()")).startsWith(QLatin1String("ERROR")));

        const QJsonObject scan = json({QStringLiteral("scan"), uri});
        QMap<QString, double> writes;
        for (const auto &v : scan.value(QStringLiteral("scores")).toArray()) {
            const QJsonObject s = v.toObject();
            writes[s.value(QStringLiteral("table")).toString()] +=
                s.value(QStringLiteral("writes_per_second")).toDouble();
        }
        QVERIFY2(writes.contains(QStringLiteral("x.y")) && writes.contains(QStringLiteral("\"x.y\"")),
                 QJsonDocument(scan).toJson().constData());
        QCOMPARE(writes.value(QStringLiteral("\"x.y\"")), 0.0); // not merged with x.y
        QVERIFY(writes.value(QStringLiteral("x.y")) > 0.0);

        // A schema with a dot in its name, named on the command line in both forms.
        for (const QString &form : {QStringLiteral("\"my.sch\".t"), QStringLiteral("\"my.sch\".\"t\"")}) {
            const QJsonObject one = json({QStringLiteral("plan"), uri, QStringLiteral("--table"), form});
            const QJsonArray steps = one.value(QStringLiteral("steps")).toArray();
            QVERIFY2(steps.size() == 1, QJsonDocument(one).toJson().constData());
            QCOMPARE(steps[0].toObject().value(QStringLiteral("table")).toString(), QStringLiteral("\"my.sch\".t"));
            QVERIFY(cli({QStringLiteral("reject"), QString::number(one.value(QStringLiteral("id")).toInteger())})
                        .exitCode == 0);
        }
        const QJsonObject unreadable =
            json({QStringLiteral("plan"), uri, QStringLiteral("--table"), QStringLiteral("\"my.sch.t")}, 2);
        QVERIFY(unreadable.value(QStringLiteral("error"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QLatin1String("never closed")));

        // The whole database: every hot table is split; the refused one is
        // listed with its reason.
        const QJsonObject plan = json({QStringLiteral("plan"), uri});
        const QString text = QString::fromUtf8(QJsonDocument(plan).toJson());
        QSet<QString> planned;
        for (const auto &v : plan.value(QStringLiteral("steps")).toArray()) {
            const QJsonObject s = v.toObject();
            QCOMPARE(s.value(QStringLiteral("kind")).toString(), QStringLiteral("split"));
            planned.insert(s.value(QStringLiteral("table")).toString());
            for (const auto &t : s.value(QStringLiteral("targets")).toArray()) {
                const QByteArray name = t.toObject().value(QStringLiteral("name")).toString().toUtf8();
                QVERIFY2(!name.isEmpty(), qPrintable(text));
            }
        }
        for (const Family &f : families())
            QVERIFY2(planned.contains(f.shown) == (f.shown != QLatin1String("\"x.y\"")), qPrintable(f.shown + text));
        const QJsonArray skipped = plan.value(QStringLiteral("skipped")).toArray();
        QVERIFY2(skipped.size() == 1, qPrintable(text));
        QCOMPARE(skipped[0].toObject().value(QStringLiteral("table")).toString(), QStringLiteral("refused"));
        QVERIFY2(skipped[0].toObject().value(QStringLiteral("reason")).toString().contains(QLatin1String("trigger")),
                 qPrintable(text));

        const QString planId = QString::number(plan.value(QStringLiteral("id")).toInteger());
        QVERIFY(cli({QStringLiteral("approve"), planId}).exitCode == 0);
        r = cli({QStringLiteral("apply"), planId});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        QCOMPARE(json({QStringLiteral("show"), planId}).value(QStringLiteral("status")).toString(),
                 QStringLiteral("done"));
        for (const Family &f : families())
            QCOMPARE(rowsOf(f), before[f.shown]);
        // The long table's new partitions are valid names of at most 63 bytes.
        const QString parts = psqlOut(
            QStringLiteral(
                "SELECT string_agg(octet_length(c.relname)::text, ',') FROM pg_inherits i JOIN pg_class c ON c.oid = "
                "i.inhrelid WHERE i.inhparent = '%1'::regclass")
                .arg(families()[3].sql.replace(QLatin1String("'"), QLatin1String("''"))));
        QCOMPARE(parts.split(QLatin1Char(',')).size(), 4); // three new ones and the untouched neighbour
        for (const QString &len : parts.split(QLatin1Char(',')))
            QVERIFY2(len.toInt() <= 63, qPrintable(parts));
    }

    // A split interrupted after its copy, by a Tidemark that recorded the
    // copy's progress under the joined source name, resumes under the quoted
    // name: it finishes with every row once, none copied twice.
    void interruptedSplitOfEarlierNamesResumes()
    {
        const Family &f = families()[1]; // public "x.y", idle so far; partitions "p.a ""1""" and "p b 1"
        auto c = connectOrFail(*m_pg);
        QVERIFY(c);
        auto t = c->describe(str(f.shown));
        QVERIFY(t);
        const std::string source = t->partitions.front().name;
        QCOMPARE(source, std::string("\"p.a \"\"1\"\"\""));
        const QString before = rowsOf(f);
        c->setOnlineStepOptions({5000, 10, 50, 8});
        Step step = makeStep(*c, StepKind::Split, str(f.shown), {source}, {target(0, 400000), target(400000, 1000000)},
                             "resume-joined-1");
        struct Interrupted {};
        ExecutionContext ctx;
        ctx.stepUid = step.uid;
        ctx.crashPoint = [](std::string_view name) {
            if (name == "postgres.after-copy")
                throw Interrupted{}; // the process stops here
        };
        bool interrupted = false;
        try {
            (void)c->execute(step, ctx);
        } catch (const Interrupted &) {
            interrupted = true;
        }
        QVERIFY(interrupted);
        c.reset();
        QCOMPARE(psqlOut(QStringLiteral("UPDATE tidemark.step_progress SET source = 'p.a \"1\"' WHERE uid = "
                                        "'resume-joined-1' RETURNING finished")),
                 QStringLiteral("t"));

        auto again = connectOrFail(*m_pg);
        QVERIFY(again);
        ExecutionContext resumed;
        resumed.stepUid = step.uid;
        auto out = again->execute(step, resumed);
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        QCOMPARE(out->before, out->after);
        QCOMPARE(rowsOf(f), before);
        QCOMPARE(psqlOut(QStringLiteral("SELECT count(*) FROM tidemark.step_progress")), QStringLiteral("0"));
    }
};

QTEST_GUILESS_MAIN(TestPostgresNames)
#include "tst_postgres_names.moc"
