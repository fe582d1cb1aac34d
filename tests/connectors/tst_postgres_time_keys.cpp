// Time-partitioned tables on a real PostgreSQL: daily timestamptz and
// monthly date partitions under hostile identifiers (quotes, spaces, dots,
// mixed case, non-ASCII). Discovery reads typed bounds; writes confined to a
// few hours of one day make the planner split that day on hour boundaries;
// the split and the merge of cold neighbours run online with verification;
// every generated statement carries typed literals. Finally the same loop
// through tidemark-cli (scan → plan → approve → apply).
#include <QTemporaryDir>

#include <fmt/format.h>

#include "../e2e/cli_harness.h"
#include "backup/prebackup_planner.h"
#include "model/key_value.h"
#include "model/table_name.h"
#include "planning/plan_builder.h"
#include "postgres_test_util.h"

using namespace tidemark;
using namespace tidemark::test;
using tidemark::postgres::PgConnection;
using tidemark::postgres::PostgresConnector;

namespace {

// Schema and table with a quote, spaces, dots and mixed case; the key column too.
const char *kSchema = "Ops \"Q\".4 Zone";
const char *kDaily = "Evil \"Events\".Daily";
const char *kDailyKey = "At \"When\".Ts";
// The report name: both parts quoted, as they hold dots and quotes.
const std::string kDailyName = tidemark::displayTableName({kSchema, kDaily});
// Long and non-ASCII: generated names must be cut to 63 bytes on a character boundary.
const char *kMonthly = "Journal «mensuel» des événements clients été";

KeyValue ts(const char *text)
{
    return *parseKey(text, KeyType::TimestampTz);
}
KeyValue day(const char *text)
{
    return *parseKey(text, KeyType::Date);
}

} // namespace

class TestPostgresTimeKeys : public QObject {
    Q_OBJECT

    std::unique_ptr<PostgresServer> m_pg;
    std::unique_ptr<PostgresConnector> m_c;
    std::unique_ptr<PgConnection> m_raw; // a second session, for concurrent writes

    void sql(const QString &text)
    {
        QString err;
        QVERIFY2(m_pg->psql(text, nullptr, &err), qPrintable(err));
    }
    std::int64_t count(const std::string &q) { return sqlInt(*m_raw, q); }
    std::string daily() const { return m_raw->qualified(kSchema, kDaily); }
    std::string dailyKey() const { return m_raw->quoteIdent(kDailyKey); }
    ExecutionContext context(const std::string &uid)
    {
        ExecutionContext ctx;
        ctx.stepUid = uid;
        ctx.lockTimeoutMs = 2000;
        return ctx;
    }
    /// Rows of any partition of `table` outside that partition's bounds, by
    /// the bounds the connector reports (so the typed reading is checked too).
    std::int64_t rowsOutsideBounds(const std::string &table, const std::string &key)
    {
        auto t = m_c->describe(table);
        if (!t)
            return -1;
        std::int64_t outside = 0;
        for (const auto &p : t->partitions) {
            auto pair = parseTableName(p.name); // the report name of the partition
            if (!pair)
                return -1;
            auto loc = m_raw->query("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                                    "c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
                                    {pair->schema, pair->name});
            if (!loc || loc->size() != 1)
                return -1;
            std::string where = "false";
            const std::string k = m_raw->quoteIdent(key);
            const char *cast = toString(t->keyType); // integer, date, timestamp, timestamptz: SQL type names too
            if (p.bounds.lower)
                where += fmt::format(" OR {} < {}::{}", k, m_raw->quoteLiteral(formatKey(*p.bounds.lower, t->keyType)),
                                     cast);
            if (p.bounds.upper)
                where += fmt::format(" OR {} >= {}::{}", k, m_raw->quoteLiteral(formatKey(*p.bounds.upper, t->keyType)),
                                     cast);
            outside += count(fmt::format("SELECT count(*) FROM ONLY {} WHERE {}",
                                         m_raw->qualified(loc->text(0, 0), loc->text(0, 1)), where));
        }
        return outside;
    }

private slots:
    void initTestCase()
    {
        m_pg = PostgresServer::start();
        QVERIFY2(m_pg->ok(), qPrintable(m_pg->error()));
        usePgpass(*m_pg);
        // The role's own zone is not UTC: Tidemark's sessions must not depend on it.
        sql(QStringLiteral("ALTER ROLE postgres SET TimeZone = 'Asia/Kolkata'"));
        m_c = connectOrFail(*m_pg);
        QVERIFY(m_c);
        auto raw = PgConnection::open(str(m_pg->uri()));
        QVERIFY2(raw, raw ? "" : qPrintable(explain(raw.error())));
        m_raw = std::move(*raw);
        const std::string s = m_raw->quoteIdent(kSchema), t = daily(), k = dailyKey();
        std::string ddl = fmt::format("CREATE SCHEMA {};\n"
                                      "CREATE TABLE {} ({} timestamptz NOT NULL, id bigint NOT NULL, note text) "
                                      "PARTITION BY RANGE ({});\n"
                                      "CREATE INDEX ON {} ({});\n",
                                      s, t, k, k, t, k);
        // Daily partitions 28 Nov … 3 Dec, bounds written in +05:30 (printed back in the session's zone).
        const char *days[] = {"2026-11-28", "2026-11-29", "2026-11-30", "2026-12-01",
                              "2026-12-02", "2026-12-03", "2026-12-04"};
        for (int i = 0; i + 1 < 7; ++i)
            ddl += fmt::format("CREATE TABLE {}.{} PARTITION OF {} FOR VALUES FROM ('{} 05:30:00+05:30') TO "
                               "('{} 05:30:00+05:30');\n",
                               s, m_raw->quoteIdent(fmt::format("d{}", i)), t, days[i], days[i + 1]);
        ddl += fmt::format("CREATE TABLE {}.\"d_rest\" PARTITION OF {} FOR VALUES FROM ('2026-12-04 00:00:00+00') TO "
                           "(MAXVALUE);\n",
                           s, t);
        // One row a minute, fractions of a second included.
        ddl += fmt::format("INSERT INTO {} SELECT g, row_number() OVER (), 'n' FROM generate_series("
                           "'2026-11-28 00:00:00.25+00'::timestamptz, '2026-12-04 23:59:00+00', '1 minute') g;\n",
                           t);
        const std::string m = m_raw->qualified("public", kMonthly); // the session puts pg_catalog first
        ddl +=
            fmt::format("CREATE TABLE {} (\"Jour\" date NOT NULL, v int) PARTITION BY RANGE (\"Jour\");\n"
                        "CREATE TABLE public.\"m_old\" PARTITION OF {} FOR VALUES FROM (MINVALUE) TO ('2026-08-01');\n",
                        m, m);
        const char *months[] = {"2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01", "2026-12-01", "2027-01-01"};
        for (int i = 0; i + 1 < 6; ++i)
            ddl += fmt::format("CREATE TABLE public.\"m{}\" PARTITION OF {} FOR VALUES FROM ('{}') TO ('{}');\n", i, m,
                               months[i], months[i + 1]);
        ddl += fmt::format("INSERT INTO {} SELECT d, extract(day FROM d)::int FROM generate_series('1969-12-01'::date, "
                           "'2026-12-31', '7 days') d;\n",
                           m);
        ddl += "CREATE TABLE public.by_text (k text) PARTITION BY RANGE (k);\n"
               "CREATE TABLE public.by_text_a PARTITION OF public.by_text FOR VALUES FROM ('a') TO ('m');\n"
               "CREATE TABLE public.by_inf (at timestamp) PARTITION BY RANGE (at);\n"
               "CREATE TABLE public.by_inf_1 PARTITION OF public.by_inf FOR VALUES FROM ('-infinity') TO "
               "('2026-01-01');\n";
        auto made = m_raw->exec(ddl);
        QVERIFY2(made, made ? "" : qPrintable(explain(made.error())));
        QVERIFY(m_raw->exec("VACUUM (FREEZE, ANALYZE)").has_value()); // not inside the implicit transaction
    }

    void cleanupTestCase()
    {
        m_raw.reset();
        m_c.reset();
        m_pg.reset();
    }

    void discoveryReadsTypedBounds()
    {
        auto tables = m_c->discover();
        QVERIFY2(tables, tables ? "" : qPrintable(explain(tables.error())));
        std::map<std::string, PartitionedTable> byName;
        for (auto &t : *tables)
            byName[t.name] = t;
        QVERIFY(byName.count(kDailyName));
        const auto &d = byName.at(kDailyName);
        QVERIFY2(d.plannable, d.notPlannableReason.c_str());
        QCOMPARE(d.keyType, KeyType::TimestampTz);
        QCOMPARE(d.keyColumn, std::string(kDailyKey));
        QCOMPARE(d.partitions.size(), std::size_t(7));
        QCOMPARE(*d.partitions[0].bounds.lower, ts("2026-11-28 00:00:00+00"));
        QCOMPARE(*d.partitions[4].bounds.lower, ts("2026-12-02 00:00:00+00"));
        QCOMPARE(*d.partitions[4].bounds.upper, ts("2026-12-03 00:00:00+00"));
        QVERIFY(!d.partitions[6].bounds.upper); // MAXVALUE is an open end
        QCOMPARE(describeRange(d.partitions[4].bounds, d.keyType),
                 std::string("[2026-12-02 00:00:00+00, 2026-12-03 00:00:00+00)"));

        const auto &m = byName.at(kMonthly);
        QVERIFY2(m.plannable, m.notPlannableReason.c_str());
        QCOMPARE(m.keyType, KeyType::Date);
        QCOMPARE(m.partitions.size(), std::size_t(6));
        QVERIFY(!m.partitions[0].bounds.lower); // MINVALUE
        QCOMPARE(*m.partitions[0].bounds.upper, day("2026-08-01"));
        QCOMPARE(describeRange(m.partitions[3].bounds, KeyType::Date), std::string("[2026-10-01, 2026-11-01)"));

        QVERIFY(!byName.at("by_text").plannable);
        QVERIFY2(byName.at("by_text").notPlannableReason.find("text") != std::string::npos,
                 byName.at("by_text").notPlannableReason.c_str());
        QVERIFY(!byName.at("by_inf").plannable);
        QVERIFY2(byName.at("by_inf").notPlannableReason.find("infinity") != std::string::npos,
                 byName.at("by_inf").notPlannableReason.c_str());
    }

    void hotHoursAreSplitOutAndColdDaysMerged()
    {
        // Writes land between 13:00 and 15:00 on 2 December, in several transactions.
        for (int i = 0; i < 6; ++i)
            QVERIFY(m_raw
                        ->exec(fmt::format("UPDATE {} SET note = 'w{}' WHERE {} >= '2026-12-02 13:00+00' AND {} < "
                                           "'2026-12-02 15:00+00' AND id % 6 = {}",
                                           daily(), i, dailyKey(), dailyKey(), i))
                        .has_value());
        auto table = m_c->describe(kDailyName);
        QVERIFY(table);
        auto h = m_c->keyHistogram(kDailyName, table->partitions[4].name, 64);
        QVERIFY2(h, h ? "" : qPrintable(explain(h.error())));
        QCOMPARE(h->buckets.size(), std::size_t(24)); // a day in hourly buckets
        QCOMPARE(*h->buckets[13].range.lower, ts("2026-12-02 13:00:00+00"));

        PlannerInput in;
        in.table = *table;
        in.nowMs = 1'800'000'000'000;
        in.settings.splitMinBytes = 0;
        in.settings.targetMinBytes = 1ll << 30;
        in.settings.mergeColdPartitions = 1; // cold days merge for fewer partitions (they save no backup bytes)
        in.histograms[table->partitions[4].name] = *h;
        for (std::size_t i = 0; i < table->partitions.size(); ++i) {
            VolatilityScore s;
            s.table = table->name;
            s.partition = table->partitions[i].name;
            s.rows = table->partitions[i].rows;
            s.bytes = table->partitions[i].bytes;
            s.score = i == 4 ? 97.0 : i < 3 ? 2.0 : 40.0; // the first three days are cold
            s.writesPerSecond = i == 4 ? 50.0 : i < 3 ? 0.0 : 1.0;
            in.scores[s.partition] = s;
        }
        std::vector<Step> steps = PreBackupPlanner::plan(in);
        QCOMPARE(steps.size(), std::size_t(2));
        QCOMPARE(steps[0].kind, StepKind::Merge);
        QCOMPARE(steps[1].kind, StepKind::Split);
        for (const auto &s : steps)
            QCOMPARE(s.keyType, KeyType::TimestampTz);
        const auto &targets = steps[1].repartition().targets;
        QCOMPARE(targets.size(), std::size_t(3));
        QCOMPARE(targets[1].bounds, (KeyRange{ts("2026-12-02 13:00:00+00"), ts("2026-12-02 15:00:00+00")}));
        QVERIFY2(steps[1].reason.find("[2026-12-02 13:00:00+00, 2026-12-02 15:00:00+00)") != std::string::npos,
                 steps[1].reason.c_str());
        QCOMPARE(steps[0].repartition().targets[0].bounds,
                 (KeyRange{ts("2026-11-28 00:00:00+00"), ts("2026-12-01 00:00:00+00")}));

        auto prepared = prepareStepsForApproval(*m_c, kDailyName, steps);
        QVERIFY2(prepared, prepared ? "" : qPrintable(explain(prepared.error())));
        const std::string hotName = displayTableName({kSchema, std::string(kDaily) + "_p20261202t1300_20261202t1500"});
        QCOMPARE(steps[1].repartition().targets[1].name, hotName);
        QCOMPARE(steps[0].repartition().targets[0].name,
                 displayTableName({kSchema, std::string(kDaily) + "_p20261128_20261201"}));
        // Typed literals in the bound, the CHECK and the batch SQL; hostile names quoted.
        const std::string &sqlText = steps[1].sql;
        QVERIFY2(sqlText.find("FOR VALUES FROM ('2026-12-02 13:00:00+00') TO ('2026-12-02 15:00:00+00')") !=
                     std::string::npos,
                 sqlText.c_str());
        QVERIFY2(sqlText.find(">= '2026-12-02 13:00:00+00'::timestamptz") != std::string::npos, sqlText.c_str());
        QVERIFY2(sqlText.find("\"Ops \"\"Q\"\".4 Zone\".\"Evil \"\"Events\"\".Daily\"") != std::string::npos,
                 sqlText.c_str());
        QVERIFY2(sqlText.find("\"At \"\"When\"\".Ts\"") != std::string::npos, sqlText.c_str());

        const auto before = m_c->checksum(kDailyName, KeyRange{});
        QVERIFY(before);
        // The split, with writes landing while it copies (replayed by key).
        auto c2 = connectOrFail(*m_pg);
        c2->setOnlineStepOptions({300, 10, 50, 8});
        ExecutionContext ctx = context(steps[1].uid);
        bool wrote = false;
        ctx.crashPoint = [&](std::string_view name) {
            if (name != "postgres.after-copy")
                return;
            QVERIFY(m_raw
                        ->exec(fmt::format("UPDATE {} SET note = 'during' WHERE {} = '2026-12-02 13:30:00.25+00'",
                                           daily(), dailyKey()))
                        .has_value());
            QVERIFY(m_raw->exec(fmt::format("INSERT INTO {} VALUES ('2026-12-02 14:15:30.5+00', -1, 'new')", daily()))
                        .has_value());
            QVERIFY(
                m_raw->exec(fmt::format("DELETE FROM {} WHERE {} = '2026-12-02 20:00:00.25+00'", daily(), dailyKey()))
                    .has_value());
            wrote = true;
        };
        auto out = c2->execute(steps[1], ctx);
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        QVERIFY(wrote);
        QCOMPARE(out->before, out->after);
        QCOMPARE(*m_c->stepState(steps[1].uid), StepCommitState::Committed);
        const std::string hot = m_raw->qualified(kSchema, std::string(kDaily) + "_p20261202t1300_20261202t1500");
        QCOMPARE(count("SELECT count(*) FROM " + hot), std::int64_t(2 * 60 + 1));
        QCOMPARE(count(fmt::format("SELECT count(*) FROM {} WHERE note = 'during'", hot)), std::int64_t(1));
        QCOMPARE(count(fmt::format("SELECT count(*) FROM {} WHERE id = -1", hot)), std::int64_t(1));
        QCOMPARE(
            count(fmt::format("SELECT count(*) FROM {} WHERE {} = '2026-12-02 20:00:00.25+00'", daily(), dailyKey())),
            std::int64_t(0));

        // The merge of the three cold days.
        auto merged = m_c->execute(steps[0], *std::make_unique<ExecutionContext>(context(steps[0].uid)));
        QVERIFY2(merged, merged ? "" : qPrintable(explain(merged.error())));
        QCOMPARE(merged->before, merged->after);
        QCOMPARE(merged->before.rows, std::int64_t(3 * 1440));

        auto t = m_c->describe(kDailyName);
        QVERIFY(t);
        QCOMPARE(t->partitions.size(), std::size_t(7 - 3 + 1 - 1 + 3));
        QCOMPARE(t->partitions[0].name, steps[0].repartition().targets[0].name);
        QCOMPARE(rowsOutsideBounds(kDailyName, kDailyKey), std::int64_t(0));
        QCOMPARE(count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark\\_%'"), std::int64_t(0));
        // Every row is still there: undo the three concurrent writes and compare with before.
        QVERIFY(m_raw->exec(fmt::format("DELETE FROM {} WHERE id = -1", daily())).has_value());
        QVERIFY(m_raw->exec(fmt::format("UPDATE {} SET note = 'w' || (id % 6) WHERE note = 'during'", daily()))
                    .has_value());
        const auto after = m_c->checksum(kDailyName, KeyRange{});
        QVERIFY(after);
        QCOMPARE(after->rows, before->rows - 1);
        // Key-range checksums work in the key's type too.
        const auto hotSum = m_c->checksum(kDailyName, targets[1].bounds);
        QVERIFY2(hotSum, hotSum ? "" : qPrintable(explain(hotSum.error())));
        QCOMPARE(hotSum->rows, std::int64_t(2 * 60));
    }

    void coldMonthsMergeUnderALongNonAsciiName()
    {
        auto table = m_c->describe(kMonthly);
        QVERIFY(table);
        const auto before = m_c->checksum(kMonthly, KeyRange{});
        Step step = makeStep(*m_c, StepKind::Merge, kMonthly, {"m0", "m1", "m2"}, {}, "merge-months-1");
        step.keyType = KeyType::Date;
        NewPartition target;
        target.bounds = KeyRange{day("2026-08-01"), day("2026-11-01")};
        target.name = m_c->partitionNameFor(kMonthly, target.bounds, KeyType::Date);
        step.repartition().targets = {target};
        // Cut before the "é" that straddles byte 46, then "_" and 16 hex digits of the full name's hash.
        QCOMPARE(target.name.size(), std::size_t(45 + 1 + 16));
        QVERIFY2(target.name.starts_with("Journal «mensuel» des événements clients _"), target.name.c_str());
        QVERIFY2(QString::fromUtf8(target.name.c_str()).toUtf8().toStdString() == target.name, target.name.c_str());
        QVERIFY(target.name.find("\xEF\xBF\xBD") == std::string::npos); // no replacement character
        auto preview = m_c->preview(step);
        QVERIFY2(preview, preview ? "" : qPrintable(explain(preview.error())));
        QVERIFY2(preview->find("FOR VALUES FROM ('2026-08-01') TO ('2026-11-01')") != std::string::npos,
                 preview->c_str());
        QVERIFY2(preview->find("< '2026-11-01'::date") != std::string::npos, preview->c_str());
        auto out = m_c->execute(step, *std::make_unique<ExecutionContext>(context("merge-months-1")));
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        QCOMPARE(out->before, out->after);
        const auto after = m_c->checksum(kMonthly, KeyRange{});
        QCOMPARE(after->rows, before->rows);
        QCOMPARE(after->hashSum, before->hashSum);
        auto t = m_c->describe(kMonthly);
        QCOMPARE(t->partitions.size(), std::size_t(4));
        QCOMPARE(t->partitions[1].name, target.name);
        QCOMPARE(rowsOutsideBounds(kMonthly, "Jour"), std::int64_t(0));
        // Date partitions are bucketed by day.
        auto h = m_c->keyHistogram(kMonthly, "m3", 64);
        QVERIFY2(h, h ? "" : qPrintable(explain(h.error())));
        QCOMPARE(h->buckets.size(), std::size_t(30));
        QCOMPARE(*h->buckets[1].range.lower, day("2026-11-02"));
        // Rows before 1970 sit in the MINVALUE partition, untouched.
        QVERIFY(count("SELECT count(*) FROM public.m_old WHERE \"Jour\" < '1970-01-01'") > 0);
    }

    void timestampWithoutZoneSplitsOnWallClock()
    {
        // timestamp(0): the typmod does not hide the type; bounds are wall-clock time.
        auto made = m_raw->exec("CREATE TABLE public.readings (at timestamp(0) NOT NULL, v int) PARTITION BY RANGE "
                                "(at);\n"
                                "CREATE TABLE public.readings_1 PARTITION OF public.readings FOR VALUES FROM "
                                "('2026-03-29 00:00') TO ('2026-03-30 00:00');\n"
                                "INSERT INTO public.readings SELECT g, 1 FROM generate_series('2026-03-29 00:00'::"
                                "timestamp, '2026-03-29 23:45', '15 minutes') g;\n");
        QVERIFY2(made, made ? "" : qPrintable(explain(made.error())));
        auto t = m_c->describe("readings");
        QVERIFY(t);
        QCOMPARE(t->keyType, KeyType::Timestamp);
        QVERIFY2(t->plannable, t->notPlannableReason.c_str());
        const KeyValue six = *parseKey("2026-03-29 06:00:00", KeyType::Timestamp);
        QCOMPARE(*t->partitions[0].bounds.lower + 6 * 3'600'000'000LL, six);
        Step step = makeStep(*m_c, StepKind::Split, "readings", {"readings_1"}, {}, "split-readings-1");
        for (const KeyRange &r :
             {KeyRange{t->partitions[0].bounds.lower, six}, KeyRange{six, t->partitions[0].bounds.upper}})
            step.repartition().targets.push_back(
                NewPartition{m_c->partitionNameFor("readings", r, KeyType::Timestamp), r});
        QCOMPARE(step.repartition().targets[1].name, std::string("readings_p20260329t0600_20260330"));
        auto preview = m_c->preview(step);
        QVERIFY2(preview, preview ? "" : qPrintable(explain(preview.error())));
        QVERIFY2(preview->find("FOR VALUES FROM ('2026-03-29 06:00:00') TO ('2026-03-30 00:00:00')") !=
                     std::string::npos,
                 preview->c_str());
        QVERIFY2(preview->find("< '2026-03-29 06:00:00'::timestamp") != std::string::npos, preview->c_str());
        auto out = m_c->execute(step, *std::make_unique<ExecutionContext>(context("split-readings-1")));
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        QCOMPARE(out->before, out->after);
        QCOMPARE(out->before.rows, std::int64_t(96));
        QCOMPARE(count("SELECT count(*) FROM public.readings_p20260329_20260329t0600"), std::int64_t(24));
        QCOMPARE(rowsOutsideBounds("readings", "at"), std::int64_t(0));
    }

    void dottedTableNameInPublicMerges()
    {
        auto made = m_raw->exec("CREATE TABLE public.\"sales.2026\" (d date NOT NULL) PARTITION BY RANGE (d);\n"
                                "CREATE TABLE public.s1 PARTITION OF public.\"sales.2026\" FOR VALUES FROM "
                                "('2026-01-01') TO ('2026-02-01');\n"
                                "CREATE TABLE public.s2 PARTITION OF public.\"sales.2026\" FOR VALUES FROM "
                                "('2026-02-01') TO ('2026-03-01');\n"
                                "INSERT INTO public.\"sales.2026\" SELECT generate_series('2026-01-01'::date, "
                                "'2026-02-28', '1 day');\n");
        QVERIFY2(made, made ? "" : qPrintable(explain(made.error())));
        const KeyRange both{day("2026-01-01"), day("2026-03-01")};
        Step step = makeStep(*m_c, StepKind::Merge, "sales.2026", {"s1", "s2"}, {}, "merge-sales-1");
        step.repartition().targets = {NewPartition{m_c->partitionNameFor("sales.2026", both, KeyType::Date), both}};
        // Named in the joined form of earlier plans; the new partition's name is quoted.
        QCOMPARE(step.repartition().targets[0].name, std::string("\"sales.2026_p20260101_20260301\""));
        auto out = m_c->execute(step, *std::make_unique<ExecutionContext>(context("merge-sales-1")));
        QVERIFY2(out, out ? "" : qPrintable(explain(out.error())));
        QCOMPARE(out->before.rows, std::int64_t(59));
        QCOMPARE(count("SELECT count(*) FROM public.\"sales.2026_p20260101_20260301\""), std::int64_t(59));
    }

    void infiniteKeysAreLeftAlone()
    {
        auto made = m_raw->exec("CREATE TABLE public.opened (at timestamptz NOT NULL) PARTITION BY RANGE (at);\n"
                                "CREATE TABLE public.opened_1 PARTITION OF public.opened FOR VALUES FROM "
                                "('2027-01-01 00:00+00') TO (MAXVALUE);\n"
                                "INSERT INTO public.opened SELECT g FROM generate_series('2027-01-01 00:00+00'::"
                                "timestamptz, '2027-01-01 23:00+00', '1 hour') g;\n"
                                "INSERT INTO public.opened VALUES ('infinity');\n");
        QVERIFY2(made, made ? "" : qPrintable(explain(made.error())));
        // The histogram skips the key that has no ordinal.
        auto h = m_c->keyHistogram("opened", "opened_1", 64);
        QVERIFY2(h, h ? "" : qPrintable(explain(h.error())));
        QCOMPARE(h->buckets.size(), std::size_t(24));
        // A split of that partition is refused, and nothing changes.
        const KeyValue noon = ts("2027-01-01 12:00:00+00");
        Step step = makeStep(*m_c, StepKind::Split, "opened", {"opened_1"}, {}, "split-opened-1");
        step.repartition().targets = {NewPartition{"opened_a", KeyRange{ts("2027-01-01 00:00:00+00"), noon}},
                                      NewPartition{"opened_b", KeyRange{noon, std::nullopt}}};
        auto out = m_c->execute(step, *std::make_unique<ExecutionContext>(context("split-opened-1")));
        QVERIFY(!out);
        QCOMPARE(out.error().code, ErrorCode::Unsupported);
        QVERIFY2(out.error().message.find("'infinity'") != std::string::npos, out.error().message.c_str());
        QCOMPARE(count("SELECT count(*) FROM public.opened_1"), std::int64_t(25));
        QCOMPARE(count("SELECT count(*) FROM pg_class WHERE relname IN ('opened_a', 'opened_b')"), std::int64_t(0));
    }

    void cliScanPlanApproveApplyOnTimeKeys()
    {
        // A table of its own, daily timestamptz partitions; the other tables are planned too.
        const std::string t = m_raw->qualified("public", "clicks");
        std::string ddl = fmt::format("CREATE TABLE {} (at timestamptz NOT NULL, n int, pad text) PARTITION BY RANGE "
                                      "(at);\n",
                                      t);
        for (int d = 1; d <= 4; ++d)
            ddl += fmt::format("CREATE TABLE public.clicks_{0} PARTITION OF {1} FOR VALUES FROM ('2027-01-0{0}') TO "
                               "('2027-01-0{2}');\n",
                               d, t, d + 1);
        ddl += fmt::format("INSERT INTO {} SELECT g, 0, repeat('x', 200) FROM generate_series('2027-01-01 00:00+00'::"
                           "timestamptz, '2027-01-04 23:59:59+00', '20 seconds') g;\n",
                           t);
        auto made = m_raw->exec(ddl);
        QVERIFY2(made, made ? "" : qPrintable(explain(made.error())));
        QVERIFY(m_raw->exec("VACUUM (FREEZE, ANALYZE) public.clicks").has_value());

        CliHarness h;
        const QString uri = m_pg->uri();
        const QStringList env = m_pg->environment();
        auto cli = [&](const QStringList &args) { return h.cli(args, env); };
        auto json = [&](const QStringList &args) {
            const ProcessResult r = cli(QStringList{QStringLiteral("--json")} + args);
            if (r.exitCode != 0)
                qWarning().noquote() << describe(r);
            return QJsonDocument::fromJson(r.out.toUtf8()).object();
        };
        auto clicks = m_c->describe("clicks");
        QVERIFY(clicks);
        std::int64_t a = 0;
        for (const auto &p : clicks->partitions)
            a += p.bytes;
        a /= std::int64_t(clicks->partitions.size());
        QStringList args{QStringLiteral("settings"), uri};
        for (const auto &s :
             {QStringLiteral("backup_unit_bytes=%1").arg(a), QStringLiteral("split_min_bytes=%1").arg(a / 2),
              QStringLiteral("target_min_bytes=%1").arg(2 * a), QStringLiteral("target_max_bytes=%1").arg(8 * a),
              QStringLiteral("half_life_seconds=600"), QStringLiteral("sampling_interval_seconds=5")})
            args << QStringLiteral("--set") << s;
        ProcessResult r = cli(args);
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        r = cli({QStringLiteral("scan"), uri});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        // The scan prints bounds in the key's type.
        QVERIFY2(r.out.contains(QLatin1String("[2027-01-02 00:00:00+00, 2027-01-03 00:00:00+00)")), qPrintable(r.out));

        // Writes between 09:00 and 11:00 on 2 January, in many short transactions.
        for (int i = 0; i < 60; ++i) {
            QVERIFY(m_raw
                        ->exec(fmt::format("UPDATE {} SET n = n + 1 WHERE at >= '2027-01-02 09:00+00' AND at < "
                                           "'2027-01-02 11:00+00' AND extract(second FROM at)::int = {}",
                                           t, (i % 3) * 20))
                        .has_value());
            QTest::qWait(50);
        }
        QTest::qWait(1200); // statistics reach pg_stat_user_tables within a second

        const ProcessResult scanned = cli({QStringLiteral("scan"), uri});
        const QJsonObject plan = json({QStringLiteral("plan"), uri});
        const QJsonArray steps = plan.value(QStringLiteral("steps")).toArray();
        bool split = false;
        for (const auto &v : steps) {
            const QJsonObject s = v.toObject();
            if (s.value(QStringLiteral("table")).toString() != QLatin1String("clicks") ||
                s.value(QStringLiteral("kind")).toString() != QLatin1String("split"))
                continue;
            split = true;
            QCOMPARE(s.value(QStringLiteral("key_type")).toString(), QStringLiteral("timestamptz"));
            const QString sqlText = s.value(QStringLiteral("sql")).toString();
            QVERIFY2(sqlText.contains(QLatin1String("FOR VALUES FROM ('2027-01-02 09:00:00+00') TO "
                                                    "('2027-01-02 11:00:00+00')")),
                     qPrintable(sqlText));
            QStringList names;
            for (const auto &tv : s.value(QStringLiteral("targets")).toArray())
                names << tv.toObject().value(QStringLiteral("name")).toString();
            QVERIFY2(names.contains(QStringLiteral("clicks_p20270102t0900_20270102t1100")),
                     qPrintable(names.join(u' ')));
        }
        QVERIFY2(split, qPrintable(scanned.out + QString::fromUtf8(QJsonDocument(plan).toJson())));
        const QString planId = QString::number(plan.value(QStringLiteral("id")).toInteger());
        r = cli({QStringLiteral("show"), planId});
        QVERIFY2(r.out.contains(QLatin1String("clicks_p20270102t0900_20270102t1100 [2027-01-02 09:00:00+00, "
                                              "2027-01-02 11:00:00+00)")),
                 qPrintable(r.out));

        const std::int64_t rows = count("SELECT count(*) FROM public.clicks");
        const auto before = m_c->checksum("clicks", KeyRange{});
        QVERIFY(cli({QStringLiteral("approve"), planId}).exitCode == 0);
        r = cli({QStringLiteral("apply"), planId});
        QVERIFY2(r.exitCode == 0, qPrintable(describe(r)));
        const QJsonObject shown = json({QStringLiteral("show"), planId});
        QCOMPARE(shown.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
        for (const auto &v : shown.value(QStringLiteral("steps")).toArray())
            QVERIFY2(v.toObject().value(QStringLiteral("verification")).toString().endsWith(QLatin1String("equal")),
                     QJsonDocument(shown).toJson().constData());
        QCOMPARE(count("SELECT count(*) FROM public.clicks"), rows);
        QCOMPARE(m_c->checksum("clicks", KeyRange{})->hashSum, before->hashSum);
        QCOMPARE(count("SELECT count(*) FROM public.clicks_p20270102t0900_20270102t1100"), std::int64_t(2 * 180));
        QCOMPARE(rowsOutsideBounds("clicks", "at"), std::int64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestPostgresTimeKeys)
#include "tst_postgres_time_keys.moc"
