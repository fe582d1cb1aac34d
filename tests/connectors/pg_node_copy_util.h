#pragma once
// Helpers of the PostgreSQL node-copy tests: a node (server, connector and a
// raw connection of its own), a copy or move step, what a copy may leave
// behind on either node, a partition's count and checksum read apart
// from the code under test, and what a run reports.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <QString>
#include <QStringList>

#include "pg_node_copy.h"
#include "postgres_test_util.h"

namespace tidemark::test {

using tidemark::postgres::PgConnection;
using tidemark::postgres::PostgresConnector;

struct Node {
    std::unique_ptr<PostgresServer> pg;
    std::unique_ptr<PostgresConnector> connector;
    std::unique_ptr<PgConnection> raw;
};

inline Step copyStep(Connector &c, StepKind kind, const std::string &partition, const std::string &targetUri,
                     const std::string &uid, std::int64_t chunkRows)
{
    Step s;
    s.kind = kind;
    s.table = "pgbench_accounts";
    s.uid = uid;
    s.sources = {partition};
    s.payload = NodeCopyWork{targetUri, "", "", KeyRange{}, 0, chunkRows, {}};
    if (auto fp = c.fingerprint(s.table, s.sources))
        s.fingerprint = *fp;
    return s;
}

inline QString leftovers(PgConnection &a, PgConnection &b, const std::string &uid, const std::string &target)
{
    QStringList found;
    if (sqlInt(a, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tidemark_cap_%'") != 0)
        found << QStringLiteral("a capture trigger on the source");
    if (sqlInt(a,
               "SELECT count(*) FROM pg_proc WHERE proname LIKE 'cap_%' AND pronamespace = 'tidemark'::regnamespace") !=
        0)
        found << QStringLiteral("a capture function on the source");
    if (sqlInt(a, "SELECT count(*) FROM tidemark.capture_log") != 0)
        found << QStringLiteral("capture log rows");
    if (sqlInt(a, "SELECT count(*) FROM tidemark.captures") != 0)
        found << QStringLiteral("a capture row");
    if (sqlInt(b, "SELECT count(*) FROM pg_class WHERE oid = to_regclass('" + target + "')") != 0)
        found << QStringLiteral("the half-filled table on the receiving node");
    if (sqlInt(b, "SELECT count(*) FROM tidemark.copies WHERE uid = '" + uid + "'") != 0)
        found << QStringLiteral("the copy's record on the receiving node");
    if (sqlInt(b, "SELECT count(*) FROM tidemark.copy_chunks WHERE uid = '" + uid + "'") != 0)
        found << QStringLiteral("chunk records on the receiving node");
    return found.join(QStringLiteral(", "));
}

inline std::string tableChecksum(PgConnection &c, const std::string &relation)
{
    auto rows = c.query("SELECT count(*), coalesce(sum(hashtextextended(ROW(aid, bid, abalance, filler)::text, 0)), "
                        "0)::text FROM " +
                        relation);
    return rows ? rows->text(0, 0) + "/" + rows->text(0, 1) : std::string("error");
}

/// A progress callback that appends every line to `lines`.
inline std::function<void(double, std::string_view)> collectProgress(QStringList &lines)
{
    return [&lines](double, std::string_view text) { lines << QString::fromUtf8(text.data(), int(text.size())); };
}

/// Empty when, of copy `uid`'s chunks on `b`, exactly the one holding `key`
/// was sent twice and every other once; otherwise what was found.
inline QString onlyChunkSentAgain(PgConnection &b, const std::string &uid, std::int64_t key)
{
    const std::string k = std::to_string(key);
    const std::int64_t holding =
        sqlInt(b, "SELECT count(*) FROM tidemark.copy_chunks WHERE uid = '" + uid +
                      "' AND sends = 2 AND (lo IS NULL OR lo <= " + k + ") AND (hi IS NULL OR hi > " + k + ")");
    const std::int64_t other =
        sqlInt(b, "SELECT count(*) FROM tidemark.copy_chunks WHERE uid = '" + uid + "' AND sends <> 1");
    if (holding == 1 && other == 1)
        return {};
    return QStringLiteral("%1 chunk(s) holding key %2 sent twice, %3 chunk(s) sent other than once")
        .arg(holding)
        .arg(key)
        .arg(other);
}

/// The move validation's check named `what`: whether it passed, with its
/// detail (or the validation's error) in `detail`.
inline bool moveCheck(PostgresConnector &source, const Step &step, const StepOutcome &outcome, ExecutionContext &ctx,
                      const std::string &what, QString &detail)
{
    auto checks = source.validateMove(step, outcome, ctx);
    if (!checks) {
        detail = explain(checks.error());
        return false;
    }
    for (const auto &c : *checks)
        if (c.what == what) {
            detail = QString::fromStdString(c.detail);
            return c.ok;
        }
    detail = QStringLiteral("no check named ") + QString::fromStdString(what);
    return false;
}

} // namespace tidemark::test
