// Typed range keys (model/key_value.h): the text forms PostgreSQL prints for
// date and timestamp bounds parse to the right ordinal, formatKey prints what
// the database accepts back, and anything else is refused rather than
// misread. One row per situation.
#include <QtTest>

#include "model/key_value.h"

using namespace tidemark;

Q_DECLARE_METATYPE(tidemark::KeyType)

namespace {

constexpr qint64 kHour = 3'600'000'000LL;
constexpr qint64 kDay20261202 = 20789; // days from 1970-01-01 (Python's date.toordinal agrees)
constexpr qint64 kAt1300 = kDay20261202 * kMicrosPerDay + 13 * kHour;

} // namespace

class TestKeyValue : public QObject {
    Q_OBJECT

private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<KeyType>("type");
        QTest::addColumn<qint64>("expected");
        auto row = [](const char *name, const char *text, KeyType type, qint64 v) {
            QTest::newRow(name) << QString::fromUtf8(text) << type << v;
        };
        row("integer", "600000", KeyType::Integer, 600000);
        row("negative integer", "-5", KeyType::Integer, -5);
        row("smallest bigint", "-9223372036854775808", KeyType::Integer, INT64_MIN);
        row("spaces around", "  42 ", KeyType::Integer, 42);
        row("epoch day", "1970-01-01", KeyType::Date, 0);
        row("day before the epoch", "1969-12-31", KeyType::Date, -1);
        row("leap day 2000 (divisible by 400)", "2000-02-29", KeyType::Date, 11016);
        row("leap day 2024", "2024-02-29", KeyType::Date, 19782);
        row("leap day 1600, before 1970", "1600-02-29", KeyType::Date, -135081);
        row("1900 is no leap year: 1 March", "1900-03-01", KeyType::Date, -25508);
        row("first day AD", "0001-01-01", KeyType::Date, -719162);
        row("last day of 1 BC", "0001-12-31 BC", KeyType::Date, -719163);
        row("1 BC is a leap year (astronomical year 0)", "0001-02-29 BC", KeyType::Date, -719162 - 366 + 59);
        row("year 9999", "9999-12-31", KeyType::Date, 2932896);
        row("five-digit year", "10000-01-01", KeyType::Date, 2932897);
        row("timestamptz in UTC as PostgreSQL prints it", "2026-12-02 13:00:00+00", KeyType::TimestampTz, kAt1300);
        row("timestamptz with +05:30", "2026-12-02 18:30:00+05:30", KeyType::TimestampTz, kAt1300);
        row("timestamptz with -08", "2026-12-02 05:00:00-08", KeyType::TimestampTz, kAt1300);
        row("timestamptz with +0530", "2026-12-02 18:30:00+0530", KeyType::TimestampTz, kAt1300);
        row("timestamptz ISO 8601 with Z", "2026-12-02T13:00:00Z", KeyType::TimestampTz, kAt1300);
        row("timestamptz without offset is UTC", "2026-12-02 13:00:00", KeyType::TimestampTz, kAt1300);
        row("historical offset with seconds", "1900-01-01 00:19:32+00:19:32", KeyType::TimestampTz,
            -25567 * kMicrosPerDay);
        row("offset crossing midnight", "2026-12-03 01:00:00+12", KeyType::TimestampTz, kAt1300);
        row("timestamp: wall clock, no zone", "2026-12-02 13:00:00", KeyType::Timestamp, kAt1300);
        row("timestamp without seconds", "2026-12-02 13:00", KeyType::Timestamp, kAt1300);
        row("date only as timestamp is midnight", "2026-12-02", KeyType::Timestamp, kDay20261202 * kMicrosPerDay);
        row("half a second", "2026-12-02 13:00:00.5+00", KeyType::TimestampTz, kAt1300 + 500000);
        row("microseconds", "2026-12-02 13:00:00.123456", KeyType::Timestamp, kAt1300 + 123456);
        row("seventh digit rounds half up", "2026-12-02 13:00:00.1234565", KeyType::Timestamp, kAt1300 + 123457);
        row("seventh digit below half is dropped", "2026-12-02 13:00:00.1234564", KeyType::Timestamp, kAt1300 + 123456);
        row("24:00:00 is the next midnight", "2026-12-01 24:00:00", KeyType::Timestamp, kDay20261202 * kMicrosPerDay);
        row("before 1970 with a fraction", "1969-12-31 23:59:59.999999", KeyType::Timestamp, -1);
        row("BC timestamptz as PostgreSQL prints it", "0001-12-31 23:00:00+00 BC", KeyType::TimestampTz,
            -719162 * kMicrosPerDay - kHour);
    }
    void parses()
    {
        QFETCH(QString, text);
        QFETCH(KeyType, type);
        QFETCH(qint64, expected);
        const auto v = parseKey(text.toStdString(), type);
        QVERIFY2(v, qPrintable(text));
        QCOMPARE(qint64(*v), expected);
    }

    void refusesGarbage_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<KeyType>("type");
        auto row = [](const char *name, const char *text, KeyType type) {
            QTest::newRow(name) << QString::fromUtf8(text) << type;
        };
        row("empty", "", KeyType::Integer);
        row("integer with letters", "12a", KeyType::Integer);
        row("integer in exponent form", "1e3", KeyType::Integer);
        row("integer beyond bigint", "9223372036854775808", KeyType::Integer);
        row("empty date", "", KeyType::Date);
        row("month 13", "2026-13-01", KeyType::Date);
        row("29 February of a common year", "2026-02-29", KeyType::Date);
        row("29 February 2100 (divisible by 100)", "2100-02-29", KeyType::Date);
        row("30 February", "2000-02-30", KeyType::Date);
        row("day 0", "2026-12-00", KeyType::Date);
        row("year 0 does not exist", "0000-01-01", KeyType::Date);
        row("two-digit year", "26-12-02", KeyType::Date);
        row("trailing text", "2026-12-02abc", KeyType::Date);
        row("date with a time", "2026-12-02 13:00:00", KeyType::Date);
        row("infinity is a value, not a date", "infinity", KeyType::Date);
        row("-infinity", "-infinity", KeyType::TimestampTz);
        row("hour 25", "2026-12-02 25:00:00", KeyType::Timestamp);
        row("24:30 is past the day", "2026-12-02 24:30:00", KeyType::Timestamp);
        row("minute 60", "2026-12-02 13:60:00", KeyType::Timestamp);
        row("timestamp with an offset", "2026-12-02 13:00:00+00", KeyType::Timestamp);
        row("offset with letters", "2026-12-02 13:00:00+0x", KeyType::TimestampTz);
        row("offset hours out of range", "2026-12-02 13:00:00+16", KeyType::TimestampTz);
        row("offset minutes out of range", "2026-12-02 13:00:00+05:75", KeyType::TimestampTz);
        row("zone name", "2026-12-02 13:00:00 Europe/Paris", KeyType::TimestampTz);
        row("dot without fraction", "2026-12-02 13:00:00.", KeyType::Timestamp);
        row("beyond 64-bit microseconds", "300000-01-01 00:00:00", KeyType::Timestamp);
        row("SQL injection attempt", "2026-12-02'); DROP TABLE t; --", KeyType::Date);
    }
    void refusesGarbage()
    {
        QFETCH(QString, text);
        QFETCH(KeyType, type);
        const auto v = parseKey(text.toStdString(), type);
        QVERIFY2(!v, qPrintable(QStringLiteral("%1 parsed as %2").arg(text).arg(v.value_or(0))));
    }

    void roundTrips_data()
    {
        QTest::addColumn<KeyType>("type");
        QTest::addColumn<qint64>("value");
        QTest::addColumn<QString>("printed");
        auto row = [](const char *name, KeyType type, qint64 v, const char *printed) {
            QTest::newRow(name) << type << v << QString::fromUtf8(printed);
        };
        row("integer", KeyType::Integer, -42, "-42");
        row("date", KeyType::Date, kDay20261202, "2026-12-02");
        row("date before 1970", KeyType::Date, -25508, "1900-03-01");
        row("date BC", KeyType::Date, -719163, "0001-12-31 BC");
        row("timestamptz on the hour", KeyType::TimestampTz, kAt1300, "2026-12-02 13:00:00+00");
        row("timestamptz with a fraction", KeyType::TimestampTz, kAt1300 + 120000, "2026-12-02 13:00:00.12+00");
        row("timestamp before 1970", KeyType::Timestamp, -1, "1969-12-31 23:59:59.999999");
        row("timestamp BC", KeyType::Timestamp, -719162 * kMicrosPerDay - kHour, "0001-12-31 23:00:00 BC");
        row("timestamptz BC", KeyType::TimestampTz, -719162 * kMicrosPerDay - kHour, "0001-12-31 23:00:00+00 BC");
    }
    void roundTrips()
    {
        QFETCH(KeyType, type);
        QFETCH(qint64, value);
        QFETCH(QString, printed);
        const std::string text = formatKey(value, type);
        QCOMPARE(QString::fromStdString(text), printed);
        const auto back = parseKey(text, type);
        QVERIFY2(back, text.c_str());
        QCOMPARE(qint64(*back), value);
    }

    void namesRoundingAndRanges()
    {
        QCOMPARE(keyNameFragment(kAt1300, KeyType::TimestampTz), std::string("20261202t1300"));
        QCOMPARE(keyNameFragment(kDay20261202 * kMicrosPerDay, KeyType::Timestamp), std::string("20261202"));
        QCOMPARE(keyNameFragment(kAt1300 + 5'000'000, KeyType::Timestamp), std::string("20261202t130005"));
        // Distinct instants never share a name, even a microsecond apart.
        QVERIFY(keyNameFragment(kAt1300 + 1, KeyType::Timestamp) != keyNameFragment(kAt1300, KeyType::Timestamp));
        QCOMPARE(keyNameFragment(kDay20261202, KeyType::Date), std::string("20261202"));
        QCOMPARE(keyNameFragment(-719163, KeyType::Date), std::string("00011231bc"));
        QCOMPARE(keyNameFragment(-5, KeyType::Integer), std::string("m5"));
        QCOMPARE(keyRoundingUnit(KeyType::TimestampTz), kHour);
        QCOMPARE(keyRoundingUnit(KeyType::Timestamp), kHour);
        QCOMPARE(keyRoundingUnit(KeyType::Date), KeyValue(1));
        QCOMPARE(keyRoundingUnit(KeyType::Integer), KeyValue(1));
        QCOMPARE(describeRange(KeyRange{kDay20261202 - 1, kDay20261202}, KeyType::Date),
                 std::string("[2026-12-01, 2026-12-02)"));
        QCOMPARE(describeRange(KeyRange{kAt1300, std::nullopt}, KeyType::TimestampTz),
                 std::string("[2026-12-02 13:00:00+00, MAXVALUE)"));
        QCOMPARE(describeRange(KeyRange{std::nullopt, 25000}), std::string("[MINVALUE, 25000)"));
        for (KeyType t : {KeyType::Integer, KeyType::Date, KeyType::Timestamp, KeyType::TimestampTz})
            QCOMPARE(keyTypeFromString(toString(t)), std::optional<KeyType>(t));
        QVERIFY(!keyTypeFromString("numeric"));
    }
};

QTEST_GUILESS_MAIN(TestKeyValue)
#include "tst_key_value.moc"
