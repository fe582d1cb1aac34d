// `tidemark --help` and `--version` answer without a display: over ssh, in a
// container or a package build there is no X server or Wayland compositor,
// and a QApplication would abort before printing anything.
#include <QProcess>
#include <QProcessEnvironment>
#include <QtTest>

namespace {

struct Answer {
    int exitCode = -1;
    bool crashed = false;
    QString out, err;
};

Answer runWithoutDisplay(const QStringList &args, const QString &locale = QStringLiteral("C.UTF-8"))
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "LANGUAGE", "LC_MESSAGES"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("LC_ALL"), locale);
    env.insert(QStringLiteral("LANG"), locale);
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(TIDEMARK_GUI_BINARY), args);
    Answer a;
    if (!p.waitForStarted(30000) || !p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        a.err = QStringLiteral("did not finish: ") + p.errorString();
        return a;
    }
    a.crashed = p.exitStatus() == QProcess::CrashExit;
    a.exitCode = p.exitCode();
    a.out = QString::fromUtf8(p.readAllStandardOutput());
    a.err += QString::fromUtf8(p.readAllStandardError());
    return a;
}

QString describe(const Answer &a)
{
    return QStringLiteral("exit %1%2\nstdout:\n%3\nstderr:\n%4")
        .arg(a.exitCode)
        .arg(a.crashed ? QStringLiteral(" (crashed)") : QString())
        .arg(a.out, a.err);
}

} // namespace

class TestGuiHelp : public QObject {
    Q_OBJECT
private slots:
    void help_data()
    {
        QTest::addColumn<QString>("flag");
        QTest::newRow("--help") << QStringLiteral("--help");
        QTest::newRow("-h") << QStringLiteral("-h");
        QTest::newRow("--help among other options") << QStringLiteral("--demo=/nonexistent/demo.db --help");
        // Qt's own options are QApplication's business, also when no QApplication is made.
        QTest::newRow("--help after -platform xcb") << QStringLiteral("-platform xcb -style=fusion --help");
    }
    void help()
    {
        QFETCH(QString, flag);
        const Answer a = runWithoutDisplay(flag.split(u' '));
        QVERIFY2(!a.crashed && a.exitCode == 0, qPrintable(describe(a)));
        QVERIFY2(a.out.contains(QStringLiteral("Usage:")), qPrintable(describe(a)));
        for (const char *option : {"--store", "--demo", "--demo-seconds", "--scan-interval", "--page", "--version"})
            QVERIFY2(a.out.contains(QString::fromLatin1(option)), option);
        QVERIFY2(a.out.contains(QStringLiteral("Watch partitions, review and approve plans")), qPrintable(a.out));
    }

    void version()
    {
        const Answer a = runWithoutDisplay({QStringLiteral("--version")});
        QVERIFY2(!a.crashed && a.exitCode == 0, qPrintable(describe(a)));
        QCOMPARE(a.out.trimmed(), QStringLiteral("tidemark " TIDEMARK_VERSION_STRING));
    }

    void helpIsTranslated()
    {
        // The built-in German translation is installed before the help is written.
        const Answer a = runWithoutDisplay({QStringLiteral("--help")}, QStringLiteral("de_DE.UTF-8"));
        QVERIFY2(!a.crashed && a.exitCode == 0, qPrintable(describe(a)));
        QVERIFY2(a.out.contains(QStringLiteral("Partitionen beobachten")), qPrintable(a.out));
    }

    void unknownOptionIsAnErrorNotACrash()
    {
        const Answer a = runWithoutDisplay({QStringLiteral("--no-such-option")});
        QVERIFY2(!a.crashed, qPrintable(describe(a)));
        QCOMPARE(a.exitCode, 1);
        QVERIFY2(a.err.contains(QStringLiteral("no-such-option")), qPrintable(describe(a)));
        QVERIFY2(!a.err.contains(QStringLiteral("display")), qPrintable(describe(a)));
    }
};

QTEST_GUILESS_MAIN(TestGuiHelp)
#include "tst_gui_help.moc"
