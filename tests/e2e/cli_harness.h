#pragma once
// Runs tidemark-cli against a private metadata store in a temporary folder.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "test_support.h"

namespace tidemark::test {

class CliHarness {
public:
    CliHarness() { QVERIFY(m_dir.isValid()); }

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString store() const { return path(QStringLiteral("store.db")); }
    static QString uri(const QString &file) { return QStringLiteral("sqlite://") + file; }

    ProcessResult cli(const QStringList &args, const QStringList &env = {}, int timeoutMs = 600000) const
    {
        QStringList all{QStringLiteral("--store"), store()};
        all += args;
        return run(binary(QStringLiteral("tidemark-cli")), all, env, timeoutMs);
    }

    /// Runs with --json and parses stdout; fails the test on a bad exit.
    QJsonObject json(const QStringList &args) const
    {
        const ProcessResult r = cli(QStringList{QStringLiteral("--json")} + args);
        if (r.exitCode != 0 || r.crashed)
            qWarning().noquote() << "tidemark-cli" << args.join(u' ') << "exited" << r.exitCode << "\n" << r.err;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8());
        return doc.object();
    }

    static QByteArray fileBytes(const QString &file)
    {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return f.readAll();
    }

private:
    QTemporaryDir m_dir;
};

inline QString describe(const ProcessResult &r)
{
    return QStringLiteral("exit %1%2\nstdout:\n%3\nstderr:\n%4")
        .arg(r.exitCode)
        .arg(r.crashed ? QStringLiteral(" (crashed)") : QString())
        .arg(r.out.left(4000), r.err.left(4000));
}

} // namespace tidemark::test
