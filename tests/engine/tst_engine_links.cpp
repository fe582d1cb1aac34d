// The engine is plain C++: its shared library must not depend on any Qt
// library, directly or through a symbol. The CLI links QtCore for plugins,
// so only the engine library itself is inspected.
#include <QtTest>

class TestEngineLinks : public QObject {
    Q_OBJECT
private slots:
    void engineLinksNoQt()
    {
        const QString lib = QStringLiteral(TIDEMARK_ENGINE_LIBRARY);
        QVERIFY2(QFileInfo::exists(lib), qPrintable(lib));
        QProcess objdump;
        objdump.start(QStringLiteral("objdump"), {QStringLiteral("-p"), lib});
        QVERIFY(objdump.waitForFinished(60000));
        QCOMPARE(objdump.exitCode(), 0);
        const QString out = QString::fromUtf8(objdump.readAllStandardOutput());
        QStringList needed;
        for (const QString &line : out.split(u'\n'))
            if (line.trimmed().startsWith(QLatin1String("NEEDED")))
                needed << line.trimmed().section(u' ', -1);
        QVERIFY2(!needed.isEmpty(), "objdump listed no NEEDED entries");
        QVERIFY2(needed.contains(QStringLiteral("libsqlite3.so.0")), qPrintable(needed.join(u',')));
        for (const QString &n : std::as_const(needed))
            QVERIFY2(!n.startsWith(QLatin1String("libQt")), qPrintable(QStringLiteral("engine needs ") + n));

        QProcess nm;
        nm.start(QStringLiteral("nm"), {QStringLiteral("-D"), QStringLiteral("--undefined-only"), lib});
        QVERIFY(nm.waitForFinished(60000));
        const QString symbols = QString::fromUtf8(nm.readAllStandardOutput());
        QVERIFY(!symbols.isEmpty());
        QVERIFY2(!symbols.contains(QLatin1String("_ZN7QString")) && !symbols.contains(QLatin1String("qt_version_tag")),
                 "the engine references Qt symbols");
    }
};

QTEST_GUILESS_MAIN(TestEngineLinks)
#include "tst_engine_links.moc"
