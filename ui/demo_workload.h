#pragma once
// The embedded demo: creates the demo SQLite database and runs its workload
// (a drifting hot key range) in a tidemark-cli child process, so the
// heatmap moves while the window is open.
#include <QObject>
#include <QProcess>
#include <QString>

namespace tidemark::ui {

class DemoWorkload : public QObject {
    Q_OBJECT
public:
    explicit DemoWorkload(QObject *parent = nullptr);
    ~DemoWorkload() override;

    /// tidemark-cli beside this executable, or in $TIDEMARK_BIN_DIR.
    static QString cliPath();
    static QString uriFor(const QString &path);

    /// Creates the demo at `path` unless it exists; `storePath` receives the
    /// demo's settings. rows/partitions 0 = the CLI's defaults; `log`: the
    /// event-log demo (demo init --log).
    void ensureDemo(const QString &path, const QString &storePath, int rows = 0, int partitions = 0, bool log = false);
    /// Starts the workload for `seconds` (stopped with the object).
    void startLoad(const QString &path, const QString &storePath, int seconds);
    void stopLoad();
    bool isLoadRunning() const;

Q_SIGNALS:
    void demoReady(const QString &uri);
    void failed(const QString &message);
    void loadFinished();

private:
    QProcess m_init;
    QProcess m_load;
    QString m_path;
};

} // namespace tidemark::ui
