#include "demo_workload.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QUrl>

namespace tidemark::ui {

DemoWorkload::DemoWorkload(QObject *parent)
    : QObject(parent)
{
    connect(&m_init, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        if (status == QProcess::NormalExit && code == 0) {
            Q_EMIT demoReady(uriFor(m_path));
            return;
        }
        const QString err = QString::fromLocal8Bit(m_init.readAllStandardError()).trimmed();
        Q_EMIT failed(tr("Creating the demo database failed: %1").arg(err.isEmpty() ? m_init.errorString() : err));
    });
    connect(&m_init, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            Q_EMIT failed(tr("Could not start %1: %2. Build tidemark-cli or set TIDEMARK_BIN_DIR.")
                              .arg(cliPath(), m_init.errorString()));
    });
    connect(&m_load, &QProcess::finished, this, [this] { Q_EMIT loadFinished(); });
}

DemoWorkload::~DemoWorkload()
{
    stopLoad();
    if (m_init.state() != QProcess::NotRunning) {
        m_init.kill();
        m_init.waitForFinished(3000);
    }
}

QString DemoWorkload::cliPath()
{
    const QString dir = qEnvironmentVariableIsSet("TIDEMARK_BIN_DIR") ? qEnvironmentVariable("TIDEMARK_BIN_DIR")
                                                                      : QCoreApplication::applicationDirPath();
    return QDir(dir).filePath(QStringLiteral("tidemark-cli"));
}

QString DemoWorkload::uriFor(const QString &path)
{
    return QStringLiteral("sqlite://") + QFileInfo(path).absoluteFilePath();
}

void DemoWorkload::ensureDemo(const QString &path, const QString &storePath, int rows, int partitions, bool log)
{
    m_path = QFileInfo(path).absoluteFilePath();
    if (QFileInfo::exists(m_path)) {
        Q_EMIT demoReady(uriFor(m_path));
        return;
    }
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QStringList args{QStringLiteral("--store"), storePath, QStringLiteral("demo"), QStringLiteral("init"), m_path};
    if (log)
        args << QStringLiteral("--log");
    if (rows > 0)
        args << QStringLiteral("--rows") << QString::number(rows);
    if (partitions > 0)
        args << QStringLiteral("--partitions") << QString::number(partitions);
    m_init.start(cliPath(), args);
}

void DemoWorkload::startLoad(const QString &path, const QString &storePath, int seconds)
{
    stopLoad();
    m_load.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_load.setStandardOutputFile(QProcess::nullDevice());
    m_load.start(cliPath(), {QStringLiteral("--store"), storePath, QStringLiteral("demo"), QStringLiteral("load"),
                             QFileInfo(path).absoluteFilePath(), QStringLiteral("--seconds"), QString::number(seconds)});
}

void DemoWorkload::stopLoad()
{
    if (m_load.state() == QProcess::NotRunning)
        return;
    // The workload commits in small transactions; SIGTERM between them is safe.
    m_load.terminate();
    if (!m_load.waitForFinished(3000)) {
        m_load.kill();
        m_load.waitForFinished(3000);
    }
}

bool DemoWorkload::isLoadRunning() const { return m_load.state() != QProcess::NotRunning; }

} // namespace tidemark::ui
