#pragma once
// Header-only helpers of the MariaDB connector tests (they link the
// connector library; tidemark-test-support itself does not).
#include <memory>
#include <string>

#include <QtTest>

#include "maria_connection.h"
#include "mariadb_connector.h"
#include "mariadb_server.h"
#include "test_support.h"

namespace tidemark::test {

inline std::string mstr(const QString &s)
{
    return s.toStdString();
}

inline QString explainError(const tidemark::Error &e)
{
    return QString::fromStdString(e.message + " — " + e.hint);
}

/// Points the connector (and child processes) at the server's ~/.my.cnf.
inline void useServerHome(const MariaDbServer &db)
{
    qputenv("HOME", db.home().toUtf8());
}

inline std::unique_ptr<tidemark::mariadb::MariaDbConnector> mariaConnect(const MariaDbServer &db,
                                                                         const QString &user = QString())
{
    auto c = tidemark::mariadb::MariaDbConnector::open(mstr(db.uri(user)));
    if (!c) {
        qWarning().noquote() << explainError(c.error());
        return nullptr;
    }
    return std::move(*c);
}

inline std::int64_t mariaInt(tidemark::mariadb::MariaConnection &c, const std::string &sql)
{
    auto v = c.scalar(sql);
    if (!v)
        qWarning().noquote() << explainError(v.error());
    return v ? *v : -1;
}

inline tidemark::Step mariaStep(tidemark::Connector &c, tidemark::StepKind kind, const std::string &table,
                                std::vector<std::string> sources, std::vector<tidemark::NewPartition> targets,
                                const std::string &uid, tidemark::KeyType type = tidemark::KeyType::Integer)
{
    tidemark::Step s;
    s.kind = kind;
    s.table = table;
    s.uid = uid;
    s.keyType = type;
    s.sources = std::move(sources);
    s.repartition().targets = std::move(targets);
    for (auto &t : s.repartition().targets)
        if (t.name.empty())
            t.name = c.partitionNameFor(table, t.bounds, type);
    if (auto fp = c.fingerprint(table, s.sources))
        s.fingerprint = *fp;
    return s;
}

inline tidemark::NewPartition mariaTarget(std::optional<std::int64_t> lo, std::optional<std::int64_t> hi)
{
    tidemark::NewPartition p;
    p.bounds = tidemark::KeyRange{lo, hi};
    return p;
}

} // namespace tidemark::test
