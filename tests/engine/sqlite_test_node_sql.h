#pragma once
// Internal to the test node: a prepared-statement guard, the row checksum
// and SQL fragments its two source files share.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include <fmt/format.h>

#include "model/activity.h"
#include "model/partition.h"
#include "result.h"

namespace tidemark::testnode::detail {

using Rows = std::vector<std::pair<KeyValue, std::string>>;

/// One prepared statement, finalized on scope exit.
class Query {
public:
    Query(sqlite3 *db, const std::string &sql) : m_db(db)
    {
        m_rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &m_stmt, nullptr);
    }
    ~Query() { sqlite3_finalize(m_stmt); }
    Query(const Query &) = delete;
    Query &operator=(const Query &) = delete;

    bool ok() const { return m_stmt != nullptr; }
    void reset()
    {
        sqlite3_reset(m_stmt);
        m_rc = SQLITE_OK;
    }
    Query &bind(int i, const std::string &v)
    {
        sqlite3_bind_text(m_stmt, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Query &bind(int i, std::optional<KeyValue> v)
    {
        if (v)
            sqlite3_bind_int64(m_stmt, i, *v);
        else
            sqlite3_bind_null(m_stmt, i);
        return *this;
    }
    /// true: a row; false: done or error (see error()).
    bool next()
    {
        if (!ok())
            return false;
        m_rc = sqlite3_step(m_stmt);
        return m_rc == SQLITE_ROW;
    }
    bool failed() const { return m_rc != SQLITE_OK && m_rc != SQLITE_ROW && m_rc != SQLITE_DONE; }
    tl::unexpected<Error> error() const { return fail(ErrorCode::Database, sqlite3_errmsg(m_db)); }
    std::int64_t int64(int c) const { return sqlite3_column_int64(m_stmt, c); }
    bool isNull(int c) const { return sqlite3_column_type(m_stmt, c) == SQLITE_NULL; }
    std::string text(int c) const
    {
        const auto *t = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, c));
        return t ? t : "";
    }

private:
    sqlite3 *m_db;
    sqlite3_stmt *m_stmt = nullptr;
    int m_rc = SQLITE_OK;
};

inline std::uint64_t rowHash(KeyValue k, const std::string &v)
{
    // FNV-1a over the key and value; summed (not XORed), so a duplicated
    // row changes the checksum.
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&](const char *p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
            h = (h ^ static_cast<unsigned char>(p[i])) * 1099511628211ull;
    };
    const std::string key = std::to_string(k) + '\x1f';
    mix(key.data(), key.size());
    mix(v.data(), v.size());
    return h;
}

inline RowChecksum sumOf(const Rows &rows)
{
    RowChecksum c;
    for (const auto &[k, v] : rows) {
        ++c.rows;
        c.hashSum += rowHash(k, v);
    }
    return c;
}

inline RowChecksum plus(RowChecksum a, const RowChecksum &b)
{
    a.rows += b.rows;
    a.hashSum += b.hashSum;
    return a;
}

inline std::string rangeWhere(const KeyRange &r)
{
    std::string w = "1";
    if (r.lower)
        w += fmt::format(" AND k >= {}", *r.lower);
    if (r.upper)
        w += fmt::format(" AND k < {}", *r.upper);
    return w;
}

inline tl::unexpected<Error> mismatch(const char *what, const RowChecksum &a, const RowChecksum &b)
{
    return fail(ErrorCode::VerificationFailed,
                fmt::format("{}: rows {} vs {}, checksum {:016x} vs {:016x}", what, a.rows, b.rows, a.hashSum,
                            b.hashSum),
                "nothing was changed; the transaction rolled back");
}

} // namespace tidemark::testnode::detail
