#pragma once
// Helpers for the SQLite connector tests: a second, independent connection
// to the same file (as another application would hold), and small queries.
#include <QByteArray>
#include <QString>
#include <QTest>

#include <memory>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "sqlite_connector.h"

namespace tidemark::test {

/// Quoting written independently of the connector's, so tests do not trust it.
inline std::string ident(const std::string &s)
{
    std::string o = "\"";
    for (char c : s)
        o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
}
inline std::string lit(const std::string &s)
{
    std::string o = "'";
    for (char c : s)
        o += c == '\'' ? std::string("''") : std::string(1, c);
    return o + "'";
}

/// A raw connection of its own, so checks never go through the code under test.
class RawDb {
public:
    explicit RawDb(const std::string &path, bool create = false)
    {
        const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
        if (sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr) != SQLITE_OK)
            qFatal("cannot open %s", path.c_str());
        sqlite3_busy_timeout(m_db, 2000);
    }
    ~RawDb() { sqlite3_close_v2(m_db); }
    RawDb(const RawDb &) = delete;
    RawDb &operator=(const RawDb &) = delete;

    /// Runs SQL; returns the error message, empty on success.
    std::string exec(const std::string &sql)
    {
        char *msg = nullptr;
        const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &msg);
        std::string out = rc == SQLITE_OK ? std::string() : std::string(msg ? msg : "error");
        sqlite3_free(msg);
        return out;
    }
    /// First column of the first row as an integer (-1 when no row or error).
    std::int64_t scalar(const std::string &sql)
    {
        sqlite3_stmt *st = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
            qWarning("prepare failed: %s: %s", sqlite3_errmsg(m_db), sql.c_str());
            return -1;
        }
        std::int64_t v = -1;
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return v;
    }
    std::vector<std::string> strings(const std::string &sql)
    {
        std::vector<std::string> out;
        sqlite3_stmt *st = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
            return out;
        while (sqlite3_step(st) == SQLITE_ROW) {
            const auto *t = reinterpret_cast<const char *>(sqlite3_column_text(st, 0));
            out.emplace_back(t ? t : "");
        }
        sqlite3_finalize(st);
        return out;
    }
    bool tableExists(const std::string &name)
    {
        return scalar("SELECT count(*) FROM sqlite_schema WHERE name = " + lit(name)) > 0;
    }
    /// Names of the partition tables of `family` that hold `key` in `keyColumn`.
    std::vector<std::string> partitionsHolding(const std::string &family, const std::string &keyColumn,
                                               std::int64_t key)
    {
        std::vector<std::string> out;
        for (const auto &p : strings("SELECT name FROM _tidemark_partitions WHERE family = " +
                                     lit(family)))
            if (scalar("SELECT count(*) FROM " + ident(p) + " WHERE " +
                       ident(keyColumn) + " = " + std::to_string(key)) > 0)
                out.push_back(p);
        return out;
    }
    sqlite3 *handle() const { return m_db; }

private:
    sqlite3 *m_db = nullptr;
};

inline QByteArray q(const std::string &s) { return QByteArray::fromStdString(s); }

/// Creates `table` (quoted as given) with a key and assorted column types, filled with keys [from, to).
inline void makeTable(RawDb &db, const std::string &table, const std::string &key, std::int64_t from,
                      std::int64_t to, const std::string &valueColumn = "name")
{
    const std::string t = ident(table);
    const std::string k = ident(key);
    const std::string v = ident(valueColumn);
    QCOMPARE(db.exec("CREATE TABLE " + t + "(" + k + " INTEGER PRIMARY KEY, " + v +
                     " TEXT, amount REAL, payload BLOB, status TEXT NOT NULL DEFAULT 'new')"),
             std::string());
    QCOMPARE(db.exec("CREATE INDEX " + ident(table + "_by_value") + " ON " + t + "(" + v + ")"),
             std::string());
    QCOMPARE(db.exec("BEGIN"), std::string());
    for (std::int64_t i = from; i < to; ++i) {
        const std::string row = "(" + std::to_string(i) + ", 'row " + std::to_string(i) + "', " +
                                std::to_string(double(i) / 4) + ", x'" + (i % 2 ? "00ff" : "") + "', " +
                                (i % 3 ? "'paid'" : "'new'") + ")";
        if (auto e = db.exec("INSERT INTO " + t + " VALUES" + row); !e.empty())
            QFAIL(e.c_str());
    }
    QCOMPARE(db.exec("COMMIT"), std::string());
}

} // namespace tidemark::test
