#include "sqlite_checksum.h"

#include <cstdint>
#include <cstring>

#include <sqlite3.h>
#include <xxhash.h>

#include "sqlite_sql.h"

namespace tidemark::sqlite {

namespace {

constexpr std::size_t kChunk = 100;

// Each value is fed as: tag byte, then 8-byte payload (integers, floats) or
// 8-byte length + bytes (text, blobs). NULL is the tag alone, so NULL, '' and
// 0 all differ, and ('ab','c') differs from ('a','bc').
void feed(XXH3_state_t *state, sqlite3_value *v)
{
    const int type = sqlite3_value_type(v);
    const unsigned char tag = static_cast<unsigned char>(type);
    XXH3_64bits_update(state, &tag, 1);
    switch (type) {
    case SQLITE_INTEGER: {
        const std::int64_t i = sqlite3_value_int64(v);
        XXH3_64bits_update(state, &i, sizeof i);
        break;
    }
    case SQLITE_FLOAT: {
        const double d = sqlite3_value_double(v);
        XXH3_64bits_update(state, &d, sizeof d);
        break;
    }
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
        const void *p = type == SQLITE_TEXT ? static_cast<const void *>(sqlite3_value_text(v)) : sqlite3_value_blob(v);
        const std::uint64_t n = static_cast<std::uint64_t>(sqlite3_value_bytes(v));
        XXH3_64bits_update(state, &n, sizeof n);
        if (n)
            XXH3_64bits_update(state, p, n);
        break;
    }
    default:
        break;
    }
}

struct StateHolder {
    XXH3_state_t *state = XXH3_createState();
    ~StateHolder() { XXH3_freeState(state); }
};

struct SumContext {
    std::uint64_t sum;
};

void rowHashScalar(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(rowHash(argc, argv)));
}

void sumStep(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    auto *acc = static_cast<SumContext *>(sqlite3_aggregate_context(ctx, sizeof(SumContext)));
    if (!acc) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    acc->sum += rowHash(argc, argv); // unsigned: wraps by definition
}

void sumFinal(sqlite3_context *ctx)
{
    auto *acc = static_cast<SumContext *>(sqlite3_aggregate_context(ctx, 0));
    sqlite3_result_int64(ctx, acc ? static_cast<sqlite3_int64>(acc->sum) : 0);
}

} // namespace

std::uint64_t rowHash(int argc, sqlite3_value **argv)
{
    thread_local StateHolder holder;
    XXH3_64bits_reset(holder.state);
    const std::uint32_t n = static_cast<std::uint32_t>(argc);
    XXH3_64bits_update(holder.state, &n, sizeof n);
    for (int i = 0; i < argc; ++i)
        feed(holder.state, argv[i]);
    return XXH3_64bits_digest(holder.state);
}

Result<void> registerChecksumFunctions(sqlite3 *db)
{
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;
    int rc =
        sqlite3_create_function_v2(db, "tidemark_rowhash_sum", -1, flags, nullptr, nullptr, sumStep, sumFinal, nullptr);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "tidemark_rowhash", -1, flags, nullptr, rowHashScalar, nullptr, nullptr,
                                        nullptr);
    if (rc != SQLITE_OK)
        return tl::unexpected(sqliteError(db, rc, "registering the checksum functions"));
    return {};
}

Result<RowChecksum> queryChecksum(sqlite3 *db, const std::string &sql)
{
    auto st = Statement::prepare(db, sql);
    if (!st)
        return tl::unexpected(st.error());
    auto row = st->step();
    if (!row)
        return tl::unexpected(row.error());
    RowChecksum c;
    if (*row) {
        c.rows = st->integer(0);
        c.hashSum = static_cast<std::uint64_t>(st->integer(1));
    }
    return c;
}

std::string rowHashArguments(const std::vector<std::string> &cols)
{
    auto join = [&](std::size_t from, std::size_t to) {
        std::string s;
        for (std::size_t i = from; i < to; ++i) {
            if (i > from)
                s += ", ";
            s += cols[i];
        }
        return s;
    };
    if (cols.size() <= kChunk)
        return join(0, cols.size());
    std::string s;
    for (std::size_t i = 0; i < cols.size(); i += kChunk) {
        if (i)
            s += ", ";
        s += "tidemark_rowhash(" + join(i, std::min(cols.size(), i + kChunk)) + ")";
    }
    return s;
}

} // namespace tidemark::sqlite
