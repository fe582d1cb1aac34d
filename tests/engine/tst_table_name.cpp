// Table identity (model/table_name.h): every (schema, name) pair has one
// text form that reads back to the same pair, two pairs never share a form,
// what a DBA types is parsed or refused with the reason, and identifiers cut
// to a database's limit stay valid UTF-8, within the limit and distinct.
#include <set>

#include <QtTest>

#include "model/table_name.h"

using namespace tidemark;

namespace {

bool validUtf8(const std::string &s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > s.size())
            return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return false;
        i += len;
    }
    return true;
}

} // namespace

class TestTableName : public QObject {
    Q_OBJECT

private slots:
    void displaysAndReadsBack_data()
    {
        QTest::addColumn<QString>("schema");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("shown");
        auto row = [](const char *what, const char *schema, const char *name, const char *shown) {
            QTest::newRow(what) << QString::fromUtf8(schema) << QString::fromUtf8(name) << QString::fromUtf8(shown);
        };
        row("public table", "public", "orders", "orders");
        row("other schema", "x", "y", "x.y");
        row("public table whose name has a dot", "public", "x.y", "\"x.y\"");
        row("schema whose name has a dot", "my.sch", "t", "\"my.sch\".t");
        row("both parts dotted", "a.b", "c.d", "\"a.b\".\"c.d\"");
        row("quote inside", "public", "say \"hi\"", "\"say \"\"hi\"\"\"");
        row("letter case kept, no quotes needed", "Sales", "Orders", "Sales.Orders");
        row("space inside stays bare", "my sch", "my table", "my sch.my table");
        row("space at an end is quoted", "public", " t", "\" t\"");
        row("multibyte", "données", "événements", "données.événements");
        row("newline quoted", "public", "a\nb", "\"a\nb\"");
    }
    void displaysAndReadsBack()
    {
        QFETCH(QString, schema);
        QFETCH(QString, name);
        QFETCH(QString, shown);
        const TableName t{schema.toStdString(), name.toStdString()};
        const std::string text = displayTableName(t);
        QCOMPARE(QString::fromStdString(text), shown);
        auto back = parseTableName(text);
        QVERIFY2(back, back ? "" : back.error().message.c_str());
        QCOMPARE(QString::fromStdString(back->schema), schema);
        QCOMPARE(QString::fromStdString(back->name), name);
    }

    void pairsThatLookedAlikeStayApart()
    {
        // x.y (table y of schema x) and the public table named "x.y" were both
        // written x.y; their forms differ now, and so do any two pairs here.
        const std::vector<TableName> pairs{{"x", "y"},      {"public", "x.y"}, {"x.y", "z"},    {"x", "y.z"},
                                           {"public", "x"}, {"x", "public"},   {"my.sch", "t"}, {"my", "sch.t"}};
        std::set<std::string> forms;
        for (const auto &p : pairs)
            QVERIFY2(forms.insert(displayTableName(p)).second, displayTableName(p).c_str());
    }

    void readsWhatDbasType_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("schema");
        QTest::addColumn<QString>("name");
        auto row = [](const char *text, const char *schema, const char *name) {
            QTest::newRow(text) << QString::fromUtf8(text) << QString::fromUtf8(schema) << QString::fromUtf8(name);
        };
        row("orders", "public", "orders");
        row("sales.orders", "sales", "orders");
        row("\"my.sch\".\"t\"", "my.sch", "t");
        row("\"my.sch\".t", "my.sch", "t");
        row("public.\"x.y\"", "public", "x.y");
        row("\"x.y\"", "public", "x.y");
        row("\"a\"\"b\"", "public", "a\"b");
        row("Orders", "public", "Orders");
    }
    void readsWhatDbasType()
    {
        QFETCH(QString, text);
        QFETCH(QString, schema);
        QFETCH(QString, name);
        auto t = parseTableName(text.toStdString());
        QVERIFY2(t, t ? "" : t.error().message.c_str());
        QCOMPARE(QString::fromStdString(t->schema), schema);
        QCOMPARE(QString::fromStdString(t->name), name);
    }

    void refusesWhatItCannotRead_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("empty") << QString() << QStringLiteral("empty part");
        QTest::newRow("three parts") << QStringLiteral("a.b.c") << QStringLiteral("more than two parts");
        QTest::newRow("unclosed quote") << QStringLiteral("\"my.sch.t") << QStringLiteral("never closed");
        QTest::newRow("trailing dot") << QStringLiteral("sales.") << QStringLiteral("empty part");
        QTest::newRow("text after a quote") << QStringLiteral("\"a\"b") << QStringLiteral("after a closing quote");
        QTest::newRow("quote in a bare part") << QStringLiteral("a\"b") << QStringLiteral("quote inside");
        QTest::newRow("empty quotes") << QStringLiteral("\"\".t") << QStringLiteral("empty quoted part");
    }
    void refusesWhatItCannotRead()
    {
        QFETCH(QString, text);
        QFETCH(QString, says);
        auto t = parseTableName(text.toStdString());
        QVERIFY(!t);
        QCOMPARE(t.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(QString::fromStdString(t.error().message).contains(says), t.error().message.c_str());
        QVERIFY(!t.error().hint.empty());
    }

    // A 63-byte name ending in a two-byte character, with suffixes: every cut
    // position lands on a character boundary, within 63 bytes, and names
    // that differ only after the cut stay different.
    void fitsPostgresBytesOnCharacterBoundaries()
    {
        const IdentifierLimit pg{63, IdentifierLimit::Unit::Bytes};
        std::set<std::string> seen;
        for (int prefix = 30; prefix <= 62; ++prefix) {
            for (const char *ch : {"é", "€", "𝄞"}) {
                std::string name(std::size_t(prefix), 'b');
                name += ch;
                for (const char *suffix : {"_p0_500000", "_p500000_515625", ""}) {
                    const std::string full = name + suffix;
                    const std::string fitted = fitIdentifier(full, pg);
                    QVERIFY2(fitted.size() <= 63, fitted.c_str());
                    QVERIFY2(validUtf8(fitted), fitted.c_str());
                    if (full.size() <= 63)
                        QCOMPARE(fitted, full);
                    QVERIFY2(seen.insert(fitted).second, fitted.c_str());
                }
            }
        }
    }

    void fitsMariadbCharacters()
    {
        const IdentifierLimit maria{64, IdentifierLimit::Unit::Characters};
        std::string name;
        for (int i = 0; i < 64; ++i)
            name += "é"; // 64 characters, 128 bytes: fits as it stands
        QCOMPARE(fitIdentifier(name, maria), name);
        const std::string longer = name + "_p1_2";
        const std::string fitted = fitIdentifier(longer, maria);
        QCOMPARE(identifierLength(fitted, IdentifierLimit::Unit::Characters), std::size_t(64));
        QVERIFY(validUtf8(fitted));
        QVERIFY(fitted != fitIdentifier(name + "_p2_3", maria));
    }
};

QTEST_GUILESS_MAIN(TestTableName)
#include "tst_table_name.moc"
