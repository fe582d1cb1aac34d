#pragma once
// Runs tidemark-cli against a private metadata store in a temporary folder.
#include <memory>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "test_support.h"

namespace tidemark::test {

class CliHarness {
public:
    CliHarness() { QVERIFY(m_dir.isValid()); }

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString store() const { return m_store.isEmpty() ? path(QStringLiteral("store.db")) : m_store; }
    /// Puts the metadata store elsewhere (on a file system a test fills, say).
    void setStore(const QString &file) { m_store = file; }
    static QString uri(const QString &file) { return QStringLiteral("sqlite://") + file; }

    ProcessResult cli(const QStringList &args, const QStringList &env = {}, int timeoutMs = 600000) const
    {
        QStringList all{QStringLiteral("--store"), store()};
        all += args;
        return run(binary(QStringLiteral("tidemark-cli")), all, env, timeoutMs);
    }

    /// Starts tidemark-cli in the background (for a run a test stops, kills
    /// or races); the caller waits for it.
    std::unique_ptr<QProcess> start(const QStringList &args, const QStringList &env = {}) const
    {
        auto p = std::make_unique<QProcess>();
        QProcessEnvironment all = QProcessEnvironment::systemEnvironment();
        for (const QString &kv : env)
            all.insert(kv.section(u'=', 0, 0), kv.section(u'=', 1));
        p->setProcessEnvironment(all);
        p->start(binary(QStringLiteral("tidemark-cli")), QStringList{QStringLiteral("--store"), store()} + args);
        p->waitForStarted(30000);
        p->closeWriteChannel();
        return p;
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
    QString m_store;
};

inline QString describe(const ProcessResult &r)
{
    return QStringLiteral("exit %1%2\nstdout:\n%3\nstderr:\n%4")
        .arg(r.exitCode)
        .arg(r.crashed ? QStringLiteral(" (crashed)") : QString())
        .arg(r.out.left(4000), r.err.left(4000));
}

} // namespace tidemark::test
