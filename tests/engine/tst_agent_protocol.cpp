// The agent's request parser (engine/agent/agent_protocol.h), one row per
// situation a backup scheduler's line can be in. A parsed request is
// compared as a whole (every field, in one line), so a row cannot pass
// while a field it did not mention came out wrong. Refusals carry a stable
// code and, once it could be read, the request's id. The line-length limit
// and the closing of connections are the server's (tst_agent_e2e).
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "agent/agent_protocol.h"
#include "agent/token_file.h"

using namespace tidemark;
using namespace tidemark::agent;

namespace {

constexpr char kToken[] = R"("token":"0123456789abcdef")";

/// `{"op":…,"token":…,<rest>}`
QByteArray req(const char *op, const QByteArray &rest = {})
{
    QByteArray line = QByteArray(R"({"op":")") + op + R"(",)" + kToken;
    if (!rest.isEmpty())
        line += ',' + rest;
    return line + '}';
}

QString opt(const std::optional<double> &v)
{
    return v ? QString::number(*v) : QStringLiteral("-");
}
QString opt(const std::optional<std::int64_t> &v)
{
    return v ? QString::number(*v) : QStringLiteral("-");
}

/// Every field of a request, in a fixed order.
QString describe(const Request &r)
{
    return QStringLiteral("%1 id=%2 uri=%3 deadline=%4 wait=%5 policy=%6 lock=%7 bytes=%8 busy=%9 sessions=%10 "
                          "table=%11 job=%12")
        .arg(QString::fromLatin1(toString(r.op)), QString::fromStdString(r.id), QString::fromStdString(r.uri))
        .arg(r.deadlineMs)
        .arg(r.waitBusyMs)
        .arg(r.narrowing.level ? QString::fromLatin1(toString(*r.narrowing.level)) : QStringLiteral("-"),
             opt(r.narrowing.maxLockSeconds), opt(r.narrowing.maxRewriteBytes), opt(r.narrowing.busyWritesPerSecond),
             opt(r.narrowing.busyActiveSessions), r.table ? QString::fromStdString(*r.table) : QStringLiteral("-"))
        .arg(r.job);
}

/// The description of a request with the defaults and the given changes.
QString expect(const char *op, const char *changes = "")
{
    QString d = QStringLiteral("%1 id= uri= deadline=600000 wait=0 policy=- lock=- bytes=- busy=- sessions=- table=- "
                               "job=0")
                    .arg(QLatin1String(op));
    // changes: "uri=sqlite:///a.db deadline=90000" replaces those fields.
    for (const QString &change : QString::fromUtf8(changes).split(u' ', Qt::SkipEmptyParts)) {
        const QString key = change.section(u'=', 0, 0) + u'=';
        const qsizetype at = d.indexOf(u' ' + key) + 1;
        const qsizetype end = d.indexOf(u' ', at);
        d.replace(at, (end < 0 ? d.size() : end) - at, change);
    }
    return d;
}

QByteArray nested(int depth)
{
    return QByteArray(depth, '[') + QByteArray(depth, ']');
}

} // namespace

class TestAgentProtocol : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parses_data();
    void parses();
    void refuses_data();
    void refuses();
    void errorLineIsOneJsonObjectPerLine_data();
    void errorLineIsOneJsonObjectPerLine();
    void tokenComparison_data();
    void tokenComparison();
    void refusalCarriesTheToken_data();
    void refusalCarriesTheToken();
    void tokenFile_data();
    void tokenFile();
};

void TestAgentProtocol::parses_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("request");
    const QByteArray uri = R"("uri":"sqlite:///srv/app.db")";
    const char *app = "uri=sqlite:///srv/app.db";
    const auto with = [&](const char *changes) { return QByteArray(app) + ' ' + changes; };

    // Valid requests of each op.
    QTest::newRow("prebackup with only a uri takes the 10 min default deadline")
        << req("prebackup", uri) << expect("prebackup", app);
    QTest::newRow("postbackup reads the same fields as prebackup")
        << req("postbackup", uri + R"(,"deadline":"5m","policy":"safe")")
        << expect("postbackup", with("deadline=300000 policy=safe").constData());
    QTest::newRow("prebackup with every narrowing field")
        << req("prebackup",
               uri +
                   R"(,"id":"nightly","deadline":"15m","policy":"full","max_lock_seconds":2.5,)"
                   R"("max_rewrite_bytes":1048576,"busy_writes_per_second":50,"busy_active_sessions":4,)"
                   R"("wait_busy":"2m","table":"orders")")
        << expect("prebackup",
                  with("id=nightly deadline=900000 wait=120000 policy=full lock=2.5 bytes=1048576 "
                       "busy=50 sessions=4 table=orders")
                      .constData());
    QTest::newRow("policy report-only narrows to planning only")
        << req("prebackup", uri + R"(,"policy":"report-only")")
        << expect("prebackup", with("policy=report-only").constData());
    QTest::newRow("status without a job asks about all jobs") << req("status") << expect("status");
    QTest::newRow("status of one job") << req("status", R"("job":7)") << expect("status", "job=7");
    QTest::newRow("cancel by job number") << req("cancel", R"("job":3)") << expect("cancel", "job=3");
    QTest::newRow("cancel by database") << req("cancel", uri) << expect("cancel", app);
    QTest::newRow("field order does not matter") << QByteArray(R"({"uri":"sqlite:///srv/app.db",)") + kToken +
            R"(,"op":"prebackup"})" << expect("prebackup", app);
    QTest::newRow("whitespace around fields is JSON's")
        << QByteArray(R"(  { "op" : "status" , )") + kToken + " }  " << expect("status");

    // The id: text or a whole number, echoed.
    QTest::newRow("id as text") << req("status", R"("id":"run-1")") << expect("status", "id=run-1");
    QTest::newRow("id as a whole number becomes its digits")
        << req("status", R"("id":42)") << expect("status", "id=42");
    QTest::newRow("id of exactly 128 characters") << req("status", "\"id\":\"" + QByteArray(128, 'i') + '"')
                                                  << expect("status", ("id=" + QByteArray(128, 'i')).constData());
    QTest::newRow("id null is no id") << req("status", R"("id":null)") << expect("status");

    // Deadline forms.
    QTest::newRow("deadline in minutes") << req("prebackup", uri + R"(,"deadline":"10m")")
                                         << expect("prebackup", with("deadline=600000").constData());
    QTest::newRow("deadline as min") << req("prebackup", uri + R"(,"deadline":"20min")")
                                     << expect("prebackup", with("deadline=1200000").constData());
    QTest::newRow("deadline in seconds with unit")
        << req("prebackup", uri + R"(,"deadline":"90s")") << expect("prebackup", with("deadline=90000").constData());
    QTest::newRow("deadline combined 1h30m") << req("prebackup", uri + R"(,"deadline":"1h30m")")
                                             << expect("prebackup", with("deadline=5400000").constData());
    QTest::newRow("deadline in milliseconds")
        << req("prebackup", uri + R"(,"deadline":"500ms")") << expect("prebackup", with("deadline=500").constData());
    QTest::newRow("deadline as text without unit is seconds")
        << req("prebackup", uri + R"(,"deadline":"30")") << expect("prebackup", with("deadline=30000").constData());
    QTest::newRow("deadline as a number is seconds")
        << req("prebackup", uri + R"(,"deadline":30)") << expect("prebackup", with("deadline=30000").constData());
    QTest::newRow("deadline as a fractional number of seconds")
        << req("prebackup", uri + R"(,"deadline":1.5)") << expect("prebackup", with("deadline=1500").constData());
    QTest::newRow("deadline of zero is allowed (nothing will fit)")
        << req("prebackup", uri + R"(,"deadline":0)") << expect("prebackup", with("deadline=0").constData());
    QTest::newRow("deadline of 366 days is the longest")
        << req("prebackup", uri + R"(,"deadline":31622400)")
        << expect("prebackup", with("deadline=31622400000").constData());
    QTest::newRow("deadline null takes the default")
        << req("prebackup", uri + R"(,"deadline":null)") << expect("prebackup", app);

    // Extra fields and nesting.
    QTest::newRow("unknown fields are ignored")
        << req("prebackup", uri + R"(,"colour":"blue","future":{"a":[1,2]})") << expect("prebackup", app);
    QTest::newRow("prebackup fields on status are ignored like unknown ones")
        << req("status", R"("deadline":true,"policy":7,"uri":"sqlite:///x.db")")
        << expect("status", "uri=sqlite:///x.db");
    QTest::newRow("nesting of 16 levels in an ignored field")
        << req("status", "\"x\":" + nested(15)) << expect("status");
    QTest::newRow("brackets inside strings do not count as nesting")
        << req("status", "\"x\":\"" + QByteArray(40, '[') + '"') << expect("status");
    QTest::newRow("a long line (100 KiB) of ignored text still parses: the limit is the server's")
        << req("status", "\"x\":\"" + QByteArray(100 * 1024, 'x') + '"') << expect("status");
    QTest::newRow("uri of exactly 4096 characters")
        << req("prebackup", "\"uri\":\"" + QByteArray(4096, 'u') + '"')
        << expect("prebackup", ("uri=" + QByteArray(4096, 'u')).constData());
    QTest::newRow("escaped unicode in a uri") << req("prebackup", R"("uri":"sqlite:///srv/caf\u00e9.db")")
                                              << expect("prebackup", "uri=sqlite:///srv/café.db");
}

void TestAgentProtocol::parses()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, request);
    const auto parsed = parseRequest(std::string_view(line.constData(), std::size_t(line.size())));
    QVERIFY2(parsed, parsed ? "" : (parsed.error().code + ": " + parsed.error().message).c_str());
    QCOMPARE(describe(*parsed), request);
    QCOMPARE(QByteArray::fromStdString(parsed->token), QByteArray("0123456789abcdef"));
}

void TestAgentProtocol::refuses_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("id"); ///< echoed on the error line
    const QByteArray uri = R"("uri":"sqlite:///srv/app.db")";
    const QByteArray idX = R"("id":"x")";

    // Not a JSON object.
    QTest::newRow("empty line") << QByteArray() << "malformed-json"
                                << "";
    QTest::newRow("plain text") << QByteArray("prebackup now please") << "malformed-json"
                                << "";
    QTest::newRow("truncated object") << QByteArray(R"({"op":"status",)") << "malformed-json"
                                      << "";
    QTest::newRow("trailing garbage after the object") << req("status") + " x"
                                                       << "malformed-json"
                                                       << "";
    QTest::newRow("two objects on one line") << req("status") + req("status") << "malformed-json"
                                             << "";
    QTest::newRow("an array is not a request") << QByteArray(R"([{"op":"status"}])") << "malformed-json"
                                               << "";
    QTest::newRow("a string is not a request") << QByteArray(R"("status")") << "malformed-json"
                                               << "";
    QTest::newRow("a number is not a request") << QByteArray("42") << "malformed-json"
                                               << "";
    QTest::newRow("single quotes are not JSON") << QByteArray("{'op':'status'}") << "malformed-json"
                                                << "";
    QTest::newRow("invalid UTF-8 inside a string") << req("status", "\"x\":\"\xff\xfe\"") << "malformed-json"
                                                   << "";
    QTest::newRow("nesting of 17 levels is refused before parsing")
        << req("status", "\"x\":" + nested(16)) << "too-deep"
        << "";
    QTest::newRow("deep nesting in a broken line is still too deep") << QByteArray(10000, '[') << "too-deep"
                                                                     << "";

    // Token: checked before anything else is read.
    QTest::newRow("missing token") << QByteArray(R"({"op":"status","id":"x"})") << "unauthorized"
                                   << "x";
    QTest::newRow("token null is missing") << QByteArray(R"({"op":"status","token":null})") << "unauthorized"
                                           << "";
    QTest::newRow("an unknown op without a token is unauthorized, not unknown-op")
        << QByteArray(R"({"op":"drop-everything"})") << "unauthorized"
        << "";
    QTest::newRow("token as a number is unauthorized")
        << QByteArray(R"({"op":"status","token":1234567890123456})") << "unauthorized"
        << "";
    QTest::newRow("token as an object is unauthorized")
        << QByteArray(R"({"op":"status","token":{"t":"0123456789abcdef"}})") << "unauthorized"
        << "";
    QTest::newRow("token longer than 4096 characters is unauthorized")
        << QByteArray(R"({"op":"status","token":")") + QByteArray(4097, 't') + R"("})"
        << "unauthorized"
        << "";

    // The op.
    QTest::newRow("missing op") << QByteArray("{") + kToken + ',' + idX + '}' << "bad-field"
                                << "x";
    QTest::newRow("op as a number") << QByteArray(R"({"op":1,)") + kToken + '}' << "bad-field"
                                    << "";
    QTest::newRow("unknown op keeps the id") << req("restore", idX) << "unknown-op"
                                             << "x";
    QTest::newRow("op is case-sensitive") << req("PREBACKUP", uri) << "unknown-op"
                                          << "";
    QTest::newRow("op longer than 32 characters") << req(QByteArray(33, 'p').constData()) << "bad-field"
                                                  << "";

    // The id.
    QTest::newRow("id of 129 characters") << req("status", "\"id\":\"" + QByteArray(129, 'i') + '"') << "bad-field"
                                          << "";
    QTest::newRow("id as a fraction") << req("status", R"("id":1.5)") << "bad-field"
                                      << "";
    QTest::newRow("id as an object") << req("status", R"("id":{"n":1})") << "bad-field"
                                     << "";
    QTest::newRow("id as true") << req("status", R"("id":true)") << "bad-field"
                                << "";

    // Missing and wrong fields of prebackup/postbackup.
    QTest::newRow("prebackup without uri") << req("prebackup", idX) << "bad-field"
                                           << "x";
    QTest::newRow("postbackup with an empty uri") << req("postbackup", R"("uri":"","id":"x")") << "bad-field"
                                                  << "x";
    QTest::newRow("uri as a number") << req("prebackup", R"("uri":5,"id":"x")") << "bad-field"
                                     << "x";
    QTest::newRow("uri longer than 4096 characters")
        << req("prebackup", "\"uri\":\"" + QByteArray(4097, 'u') + '"') << "bad-field"
        << "";
    QTest::newRow("policy unknown") << req("prebackup", uri + R"(,"policy":"yolo","id":"x")") << "bad-field"
                                    << "x";
    QTest::newRow("policy as a number") << req("prebackup", uri + R"(,"policy":2)") << "bad-field"
                                        << "";
    QTest::newRow("policy is case-sensitive") << req("prebackup", uri + R"(,"policy":"SAFE")") << "bad-field"
                                              << "";
    QTest::newRow("max_lock_seconds as text") << req("prebackup", uri + R"(,"max_lock_seconds":"5")") << "bad-field"
                                              << "";
    QTest::newRow("max_lock_seconds negative") << req("prebackup", uri + R"(,"max_lock_seconds":-1)") << "bad-field"
                                               << "";
    QTest::newRow("max_rewrite_bytes as a fraction")
        << req("prebackup", uri + R"(,"max_rewrite_bytes":1.5)") << "bad-field"
        << "";
    QTest::newRow("max_rewrite_bytes negative") << req("prebackup", uri + R"(,"max_rewrite_bytes":-1)") << "bad-field"
                                                << "";
    QTest::newRow("max_rewrite_bytes beyond 64-bit signed")
        << req("prebackup", uri + R"(,"max_rewrite_bytes":18446744073709551615)") << "bad-field"
        << "";
    QTest::newRow("busy_writes_per_second as a list")
        << req("prebackup", uri + R"(,"busy_writes_per_second":[1])") << "bad-field"
        << "";
    QTest::newRow("busy_active_sessions negative")
        << req("prebackup", uri + R"(,"busy_active_sessions":-0.5)") << "bad-field"
        << "";
    QTest::newRow("table as a number") << req("prebackup", uri + R"(,"table":1)") << "bad-field"
                                       << "";
    QTest::newRow("table longer than 1024 characters")
        << req("prebackup", uri + ",\"table\":\"" + QByteArray(1025, 't') + '"') << "bad-field"
        << "";

    // Deadline and wait_busy forms that are not durations.
    QTest::newRow("deadline with an unknown unit")
        << req("prebackup", uri + R"(,"deadline":"10x","id":"x")") << "bad-field"
        << "x";
    QTest::newRow("deadline empty text") << req("prebackup", uri + R"(,"deadline":"")") << "bad-field"
                                         << "";
    QTest::newRow("deadline unit without a number") << req("prebackup", uri + R"(,"deadline":"m")") << "bad-field"
                                                    << "";
    QTest::newRow("deadline negative text") << req("prebackup", uri + R"(,"deadline":"-5m")") << "bad-field"
                                            << "";
    QTest::newRow("deadline negative number") << req("prebackup", uri + R"(,"deadline":-5)") << "bad-field"
                                              << "";
    QTest::newRow("deadline beyond 366 days as a number")
        << req("prebackup", uri + R"(,"deadline":31622401)") << "bad-field"
        << "";
    QTest::newRow("deadline beyond 366 days as text") << req("prebackup", uri + R"(,"deadline":"9000h")") << "bad-field"
                                                      << "";
    QTest::newRow("deadline text longer than 32 characters")
        << req("prebackup", uri + ",\"deadline\":\"" + QByteArray(33, '1') + '"') << "bad-field"
        << "";
    QTest::newRow("deadline as true") << req("prebackup", uri + R"(,"deadline":true)") << "bad-field"
                                      << "";
    QTest::newRow("deadline as an object") << req("prebackup", uri + R"(,"deadline":{"m":10})") << "bad-field"
                                           << "";
    QTest::newRow("wait_busy with an unknown unit") << req("prebackup", uri + R"(,"wait_busy":"soon")") << "bad-field"
                                                    << "";

    // status and cancel.
    QTest::newRow("status job as text") << req("status", R"("job":"3","id":"x")") << "bad-field"
                                        << "x";
    QTest::newRow("status job negative") << req("status", R"("job":-1)") << "bad-field"
                                         << "";
    QTest::newRow("status job as a fraction") << req("status", R"("job":2.5)") << "bad-field"
                                              << "";
    QTest::newRow("cancel with neither job nor uri") << req("cancel", idX) << "bad-field"
                                                     << "x";
    QTest::newRow("cancel of job 0 is no job") << req("cancel", R"("job":0)") << "bad-field"
                                               << "";
}

void TestAgentProtocol::refuses()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, code);
    QFETCH(QString, id);
    const auto parsed = parseRequest(std::string_view(line.constData(), std::size_t(line.size())));
    QVERIFY2(!parsed, qPrintable(parsed ? describe(*parsed) : QString()));
    QCOMPARE(QString::fromStdString(parsed.error().code), code);
    QCOMPARE(QString::fromStdString(parsed.error().id), id);
    QVERIFY2(!parsed.error().message.empty(), "a refusal says why");
}

void TestAgentProtocol::errorLineIsOneJsonObjectPerLine_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("id");
    QTest::newRow("plain message without id") << QByteArray("unknown op") << QByteArray();
    QTest::newRow("with an id") << QByteArray("unknown op") << QByteArray("nightly");
    QTest::newRow("a newline in the message stays escaped") << QByteArray("first\nsecond") << QByteArray("x");
    QTest::newRow("quotes and backslashes") << QByteArray(R"(a "b" \c)") << QByteArray(R"("q")");
    QTest::newRow("invalid UTF-8 is replaced, not thrown") << QByteArray("bad \xff\xfe bytes") << QByteArray("\xc3");
}

void TestAgentProtocol::errorLineIsOneJsonObjectPerLine()
{
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, id);
    const std::string line = errorLine("bad-field", message.toStdString(), id.toStdString());
    QVERIFY(!line.empty());
    QVERIFY(line.back() == '\n');
    QCOMPARE(int(std::count(line.begin(), line.end(), '\n')), 1);
    const auto j = nlohmann::json::parse(line, nullptr, false);
    QVERIFY2(j.is_object(), line.c_str());
    const auto field = [&](const char *name) { return QString::fromStdString(j.value(name, std::string())); };
    QCOMPARE(field("type"), QStringLiteral("error"));
    QCOMPARE(field("code"), QStringLiteral("bad-field"));
    QVERIFY(!field("message").isEmpty());
    QCOMPARE(j.contains("id"), !id.isEmpty());
    if (QString::fromUtf8(message).toUtf8() == message) { // valid UTF-8 comes back as it was
        QCOMPARE(field("message").toUtf8(), message);
        QCOMPARE(field("id").toUtf8(), id);
    }

    // A refusal of the parser turns into such a line with its id.
    const auto refused = parseRequest(R"({"op":"restore","token":"0123456789abcdef","id":"r1"})");
    QVERIFY(!refused);
    const auto k = nlohmann::json::parse(errorLine(refused.error()));
    QCOMPARE(QString::fromStdString(k.value("code", std::string())), QStringLiteral("unknown-op"));
    QCOMPARE(QString::fromStdString(k.value("id", std::string())), QStringLiteral("r1"));
}

void TestAgentProtocol::tokenComparison_data()
{
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<QByteArray>("given");
    QTest::addColumn<bool>("equal");
    const QByteArray t = "0123456789abcdef";
    QTest::newRow("the same token") << t << t << true;
    QTest::newRow("differs in the first character") << t << QByteArray("x123456789abcdef") << false;
    QTest::newRow("differs in the last character") << t << QByteArray("0123456789abcdeX") << false;
    QTest::newRow("a prefix of the token") << t << t.left(15) << false;
    QTest::newRow("the token with more after it") << t << t + 'x' << false;
    QTest::newRow("the token followed by a NUL") << t << t + '\0' << false;
    QTest::newRow("empty given") << t << QByteArray() << false;
    QTest::newRow("case matters") << t << t.toUpper() << false;
}

void TestAgentProtocol::tokenComparison()
{
    QFETCH(QByteArray, expected);
    QFETCH(QByteArray, given);
    QFETCH(bool, equal);
    QCOMPARE(tokenEquals(std::string_view(expected.constData(), std::size_t(expected.size())),
                         std::string_view(given.constData(), std::size_t(given.size()))),
             equal);
}

// The server authenticates a connection before it judges the request: a
// refusal carries the token when it could be read, so a wrong token is told
// apart from a stranger's unknown op.
void TestAgentProtocol::refusalCarriesTheToken_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("token"); ///< "-" when none could be read
    QTest::newRow("unknown op") << QByteArray(R"({"op":"drop","token":"wrong"})") << "unknown-op"
                                << "wrong";
    QTest::newRow("bad field") << QByteArray(R"({"op":"prebackup","token":"t0123456789abcdef","uri":7})") << "bad-field"
                               << "t0123456789abcdef";
    QTest::newRow("bad id, token read anyway") << QByteArray(R"({"id":[1],"op":"status","token":"tok"})") << "bad-field"
                                               << "tok";
    QTest::newRow("missing op") << QByteArray(R"({"token":"tok"})") << "bad-field"
                                << "tok";
    QTest::newRow("no token") << QByteArray(R"({"op":"status"})") << "unauthorized"
                              << "-";
    QTest::newRow("token not text") << QByteArray(R"({"op":"drop","token":12})") << "unauthorized"
                                    << "-";
    QTest::newRow("token too long") << QByteArray(R"({"op":"drop","token":")") + QByteArray(5000, 'a') + R"("})"
                                    << "unauthorized"
                                    << "-";
    QTest::newRow("not JSON") << QByteArray(R"({"op":"drop","token":"tok")") << "malformed-json"
                              << "-";
    QTest::newRow("too deep") << QByteArray(R"({"token":"tok","x":)") + nested(40) + '}' << "too-deep"
                              << "-";
}

void TestAgentProtocol::refusalCarriesTheToken()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, code);
    QFETCH(QString, token);
    const auto parsed = parseRequest(std::string_view(line.constData(), std::size_t(line.size())));
    QVERIFY(!parsed);
    QCOMPARE(QString::fromStdString(parsed.error().code), code);
    QCOMPARE(parsed.error().token ? QString::fromStdString(*parsed.error().token) : QStringLiteral("-"), token);
}

// The token file: what it may hold and what it may be. Every refusal names
// the file and what is wrong; nothing blocks (a FIFO is looked at, not opened).
void TestAgentProtocol::tokenFile_data()
{
    QTest::addColumn<QString>("kind"); ///< file, fifo, symlink, directory, device
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("expected"); ///< "name=secret;…" or "refused: <part of the message>"
    const QByteArray a = "aaaaaaaaaaaaaaaa1", b = "bbbbbbbbbbbbbbbb2";
    QTest::newRow("one bare token, trimmed") << "file"
                                             << "  " + a + " \n"
                                             << 0600 << QStringLiteral("default=") + QString::fromLatin1(a);
    QTest::newRow("read-only for its owner") << "file" << a + '\n'
                                             << 0400 << QStringLiteral("default=") + QString::fromLatin1(a);
    QTest::newRow("named tokens, comments, blank lines")
        << "file"
        << "# schedulers\n\nnightly " + a + "\nadhoc\t" + b + "\r\n"
        << 0600 << QStringLiteral("nightly=%1;adhoc=%2").arg(QLatin1String(a), QLatin1String(b));
    QTest::newRow("two bare tokens") << "file" << a + '\n' + b + '\n' << 0600 << "refused: not all named";
    QTest::newRow("a bare token after a named one") << "file"
                                                    << "x " + a + '\n' + b + '\n'
                                                    << 0600 << "refused: not all named (line 2)";
    QTest::newRow("a name used twice") << "file"
                                       << "x " + a + "\nx " + b + '\n'
                                       << 0600 << "refused: names \"x\" twice";
    QTest::newRow("a token used twice") << "file"
                                        << "x " + a + "\ny " + a + '\n'
                                        << 0600 << "refused: same token twice";
    QTest::newRow("a short token") << "file" << QByteArray("nightly short\n") << 0600 << "refused: shorter than 16";
    QTest::newRow("three words on a line") << "file"
                                           << "x " + a + " more\n"
                                           << 0600 << "refused: line 1";
    QTest::newRow("a name with a slash") << "file"
                                         << "n/x " + a + '\n'
                                         << 0600 << "refused: line 1";
    QTest::newRow("only comments") << "file" << QByteArray("# none yet\n") << 0600 << "refused: holds no token";
    QTest::newRow("readable by others") << "file" << a + '\n' << 0644 << "refused: must be 0600";
    QTest::newRow("a FIFO") << "fifo" << QByteArray() << 0600 << "refused: is a FIFO (named pipe), not a regular file";
    QTest::newRow("a symbolic link to a good file") << "symlink" << a + '\n'
                                                    << 0600 << "refused: is a symbolic link, not a regular file";
    QTest::newRow("a directory") << "directory" << QByteArray() << 0700
                                 << "refused: is a directory, not a regular file";
    QTest::newRow("a device") << "device" << QByteArray() << 0600
                              << "refused: is a character device, not a regular file";
    QTest::newRow("missing") << "missing" << QByteArray() << 0600 << "refused: cannot read the token file";
}

void TestAgentProtocol::tokenFile()
{
    QFETCH(QString, kind);
    QFETCH(QByteArray, content);
    QFETCH(int, mode);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QString path = dir.filePath(QStringLiteral("token"));
    const QByteArray native = QFile::encodeName(path);
    const auto write = [&](const QString &file) {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        QCOMPARE(::chmod(QFile::encodeName(file).constData(), mode_t(mode)), 0);
    };
    if (kind == QLatin1String("file")) {
        write(path);
    } else if (kind == QLatin1String("fifo")) {
        QCOMPARE(::mkfifo(native.constData(), mode_t(mode)), 0);
    } else if (kind == QLatin1String("symlink")) {
        write(dir.filePath(QStringLiteral("target")));
        QCOMPARE(::symlink(QFile::encodeName(dir.filePath(QStringLiteral("target"))).constData(), native.constData()),
                 0);
    } else if (kind == QLatin1String("directory")) {
        QCOMPARE(::mkdir(native.constData(), mode_t(mode)), 0);
    } else if (kind == QLatin1String("device")) {
        path = QStringLiteral("/dev/null");
    }
    const auto tokens = readTokenFile(path.toStdString());
    if (expected.startsWith(QLatin1String("refused: "))) {
        QVERIFY2(!tokens, "the token file was accepted");
        const QString message = QString::fromStdString(tokens.error().message);
        QVERIFY2(message.contains(expected.mid(9)), qPrintable(message));
        QVERIFY2(message.contains(path), qPrintable(message));
        return;
    }
    QVERIFY2(tokens, tokens ? "" : tokens.error().message.c_str());
    QStringList got;
    for (const auto &t : *tokens)
        got << QString::fromStdString(t.name + "=" + t.secret);
    QCOMPARE(got.join(u';'), expected);
    // Each is found by its secret, and nothing else is.
    for (const auto &t : *tokens)
        QCOMPARE(findToken(*tokens, t.secret), &t);
    QCOMPARE(findToken(*tokens, "aaaaaaaaaaaaaaaa"), nullptr);
}

QTEST_GUILESS_MAIN(TestAgentProtocol)
#include "tst_agent_protocol.moc"
