#pragma once
// Header-only helpers of the PostgreSQL connector tests (they link the
// connector library; tidemark-test-support itself does not): a private server per test
// executable, a connector and a raw connection to it, and step building.
#include <memory>
#include <string>

#include <QFile>
#include <QtTest>

#include "pg_connection.h"
#include "postgres_connector.h"
#include "postgres_server.h"
#include "test_support.h"

namespace tidemark::test {

inline std::string str(const QString &s)
{
    return s.toStdString();
}

inline QString explain(const tidemark::Error &e)
{
    return QString::fromStdString(e.message + " — " + e.hint);
}

/// One pgpass file holding the passwords of several servers, and libpq
/// pointed at it (a test with two nodes connects to both).
inline QString useCombinedPgpass(const QString &dir, std::initializer_list<const PostgresServer *> servers)
{
    const QString path = dir + QStringLiteral("/combined.pgpass");
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    for (const PostgresServer *pg : servers) {
        QFile in(pg->pgpassFile());
        if (in.open(QIODevice::ReadOnly))
            out.write(in.readAll());
    }
    out.close();
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    qputenv("PGPASSFILE", path.toUtf8());
    return path;
}

/// Points libpq at the server's pgpass file (passwords never go into URIs).
inline void usePgpass(const PostgresServer &pg)
{
    qputenv("PGPASSFILE", pg.pgpassFile().toUtf8());
}

inline std::unique_ptr<tidemark::postgres::PostgresConnector> connectOrFail(
    const PostgresServer &pg, const QString &user = QStringLiteral("postgres"))
{
    auto c = tidemark::postgres::PostgresConnector::open(str(pg.uri(user)));
    if (!c) {
        qWarning().noquote() << explain(c.error());
        return nullptr;
    }
    return std::move(*c);
}

inline std::int64_t sqlInt(tidemark::postgres::PgConnection &c, const std::string &sql)
{
    auto v = c.scalar(sql);
    if (!v)
        qWarning().noquote() << explain(v.error());
    return v ? *v : -1;
}

/// Whether every pgbench backend has gone: a backend leaves pg_stat_activity
/// only after its last statistics report, so its writes then show in
/// pg_stat_user_tables. Poll it (QTRY_VERIFY) after a pgbench run.
inline bool pgbenchStatisticsFlushed(tidemark::postgres::PgConnection &c)
{
    return sqlInt(c, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgbench'") == 0;
}

inline tidemark::Step makeStep(tidemark::Connector &c, tidemark::StepKind kind, const std::string &table,
    std::vector<std::string> sources, std::vector<tidemark::NewPartition> targets, const std::string &uid)
{
    tidemark::Step s;
    s.kind = kind;
    s.table = table;
    s.uid = uid;
    s.sources = std::move(sources);
    s.repartition().targets = std::move(targets);
    for (auto &t : s.repartition().targets)
        if (t.name.empty() && (t.bounds.lower || t.bounds.upper))
            t.name = c.partitionNameFor(table, t.bounds);
    if (auto fp = c.fingerprint(table, s.sources))
        s.fingerprint = *fp;
    return s;
}

inline tidemark::NewPartition target(
    std::optional<std::int64_t> lo, std::optional<std::int64_t> hi, const std::string &name = {})
{
    tidemark::NewPartition p;
    p.name = name;
    p.bounds = tidemark::KeyRange {lo, hi};
    return p;
}

/// The skewed pgbench script of the integration tests and the demo: zipfian
/// updates of accounts, each recorded in history, so that afterwards
/// sum(abalance) of accounts = sum(delta) of history.
/// `aid` overrides the key expression (e.g. "random(1, 2000)" for one hot range).
inline QString writeSkewedScript(const QString &dir, double zipf = 1.07, const QString &aid = QString())
{
    const QString path = dir + QStringLiteral("/skewed.sql");
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(QStringLiteral("\\set aid %1\n"
                               "\\set bid random(1, :scale)\n"
                               "\\set tid random(1, 10 * :scale)\n"
                               "\\set delta random(-5000, 5000)\n"
                               "BEGIN;\n"
                               "UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;\n"
                               "SELECT abalance FROM pgbench_accounts WHERE aid = :aid;\n"
                               "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
                               "VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);\n"
                               "END;\n")
                    .arg(aid.isEmpty() ? QStringLiteral("random_zipfian(1, :scale * 100000, %1)").arg(zipf) : aid)
                    .toUtf8());
    return path;
}

/// pgbench connection arguments for the server (password from its pgpass).
inline QStringList pgbenchConnection(const PostgresServer &pg)
{
    return {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(pg.port()),
        QStringLiteral("-U"), QStringLiteral("postgres")};
}

/// pgbench -i with range-partitioned accounts; returns "" or the failure.
inline QString pgbenchInit(const PostgresServer &pg, int scale, int partitions)
{
    const ProcessResult r = run(pg.binary(QStringLiteral("pgbench")),
        QStringList {QStringLiteral("-i"), QStringLiteral("-q"), QStringLiteral("-s"), QString::number(scale),
            QStringLiteral("--partitions=%1").arg(partitions), QStringLiteral("--partition-method=range")}
            + pgbenchConnection(pg) + QStringList {pg.database()},
        pg.environment(), 600000);
    return r.exitCode == 0 ? QString() : QStringLiteral("pgbench -i failed: %1 %2").arg(r.out, r.err);
}

/// Two private servers for the copy, move and rebalance tests: on `a`,
/// pgbench's accounts range-partitioned, without primary keys (PostgreSQL
/// refuses a foreign-table partition under a unique index; a plain index on
/// aid serves the lookups); `b` empty; one pgpass file for both, libpq
/// pointed at it; a raw connection to each.
struct TwoPostgresNodes {
    std::unique_ptr<PostgresServer> a, b;
    std::unique_ptr<tidemark::postgres::PgConnection> rawA, rawB;
    QString pgpass;

    /// "" once both run and `a` holds the accounts; otherwise what failed.
    /// `optionsA` configures the source (e.g. wal_level=logical).
    QString start(const QString &dir, int scale, int partitions,
                  const PostgresServer::Options &optionsA = PostgresServer::Options())
    {
        a = PostgresServer::start(optionsA);
        if (!a->ok())
            return a->error();
        b = PostgresServer::start();
        if (!b->ok())
            return b->error();
        pgpass = useCombinedPgpass(dir, {a.get(), b.get()});
        if (pgpass.isEmpty())
            return QStringLiteral("cannot write the pgpass file in %1").arg(dir);
        const ProcessResult r = run(a->binary(QStringLiteral("pgbench")),
            QStringList {QStringLiteral("-i"), QStringLiteral("-q"), QStringLiteral("-I"), QStringLiteral("dtgv"),
                QStringLiteral("-s"), QString::number(scale), QStringLiteral("--partitions=%1").arg(partitions),
                QStringLiteral("--partition-method=range")}
                + pgbenchConnection(*a) + QStringList {a->database()},
            a->environment(), 600000);
        if (r.exitCode != 0)
            return QStringLiteral("pgbench -i failed: %1 %2").arg(r.out, r.err);
        QString error;
        if (!a->psql(QStringLiteral("CREATE INDEX ON pgbench_accounts (aid); ANALYZE pgbench_accounts"), nullptr,
                &error))
            return error;
        auto ca = tidemark::postgres::PgConnection::open(str(a->uri()));
        if (!ca)
            return explain(ca.error());
        auto cb = tidemark::postgres::PgConnection::open(str(b->uri()));
        if (!cb)
            return explain(cb.error());
        rawA = std::move(*ca);
        rawB = std::move(*cb);
        return {};
    }
    /// Environment for tidemark-cli runs: the pgpass file of both servers.
    QStringList environment() const { return {QStringLiteral("PGPASSFILE=") + pgpass}; }
    /// Connections first, then the servers.
    void stop()
    {
        rawA.reset();
        rawB.reset();
        a.reset();
        b.reset();
    }
};

} // namespace tidemark::test
