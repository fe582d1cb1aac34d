#pragma once
// Building split/merge steps the way the planner does, and a snapshot of a
// database's structure and content to prove that "nothing changed".
#include <QTemporaryDir>
#include <QUuid>

#include <memory>

#include <string>
#include <vector>

#include "sqlite_connector.h"
#include "sqlite_test_util.h"

namespace tidemark::test {

inline std::string errorText(const Error &e)
{
    return std::string(errorCodeName(e.code)) + ": " + e.message + " / " + e.hint;
}

#define REQUIRE_OK(expr)                                                                                               \
    do {                                                                                                               \
        auto _r = (expr);                                                                                              \
        if (!_r)                                                                                                       \
            QFAIL(tidemark::test::errorText(_r.error()).c_str());                                                      \
    } while (0)

/// A fresh temporary directory per test function, and families to work on.
class SqliteFiles {
protected:
    std::unique_ptr<QTemporaryDir> m_dir;

    void freshDirectory()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }
    std::string path(const char *name = "test.db") const
    {
        return m_dir->filePath(QString::fromUtf8(name)).toStdString();
    }
    std::unique_ptr<sqlite::SqliteConnector> open(const std::string &p)
    {
        auto c = sqlite::SqliteConnector::openPath(p);
        if (!c)
            qFatal("open failed: %s", errorText(c.error()).c_str());
        return std::move(*c);
    }
    /// t(k, name, amount, payload, status) with keys [0, 1000), adopted at 250/500/750.
    std::unique_ptr<sqlite::SqliteConnector> adoptedFamily(RawDb &db, bool evenKeysOnly = false)
    {
        makeTable(db, "t", "k", 0, 1000);
        if (evenKeysOnly)
            db.exec("DELETE FROM t WHERE k % 2 = 1");
        auto c = open(path());
        auto r = c->adopt(AdoptRequest{"t", "k", {250, 500, 750}});
        if (!r)
            qFatal("adopt failed: %s", errorText(r.error()).c_str());
        return c;
    }
};

inline std::string newUid() { return QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString(); }

inline Step splitStep(Connector &c, const std::string &table, const std::string &source,
                      const std::vector<KeyRange> &targets)
{
    Step s;
    s.uid = newUid();
    s.kind = StepKind::Split;
    s.table = table;
    s.sources = {source};
    for (const auto &r : targets)
        s.repartition().targets.push_back(NewPartition{c.partitionNameFor(table, r), r});
    auto fp = c.fingerprint(table, s.sources);
    s.fingerprint = fp ? *fp : std::string();
    return s;
}

inline Step mergeStep(Connector &c, const std::string &table, const std::vector<std::string> &sources,
                      const KeyRange &target)
{
    Step s;
    s.uid = newUid();
    s.kind = StepKind::Merge;
    s.table = table;
    s.sources = sources;
    s.repartition().targets = {NewPartition{c.partitionNameFor(table, target), target}};
    auto fp = c.fingerprint(table, s.sources);
    s.fingerprint = fp ? *fp : std::string();
    return s;
}

/// Schema text, catalogue rows, steps and every family's checksum.
struct Snapshot {
    std::vector<std::string> schema;
    std::vector<std::string> catalogue;
    std::vector<std::string> steps;
    std::vector<std::string> checksums;
    friend bool operator==(const Snapshot &, const Snapshot &) = default;
};

inline Snapshot snapshot(RawDb &db, Connector &c)
{
    Snapshot s;
    s.schema = db.strings("SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema ORDER BY name");
    s.catalogue = db.strings("SELECT name || ' ' || coalesce(lower, 'min') || ' ' || coalesce(upper, 'max') "
                             "FROM _tidemark_partitions ORDER BY name");
    s.steps = db.strings("SELECT uid FROM _tidemark_steps ORDER BY uid");
    for (const auto &f : db.strings("SELECT family FROM _tidemark_families ORDER BY family")) {
        auto sum = c.checksum(f, KeyRange{});
        s.checksums.push_back(f + (sum ? " " + std::to_string(sum->rows) + " " + std::to_string(sum->hashSum)
                                       : std::string(" error")));
    }
    return s;
}

} // namespace tidemark::test
