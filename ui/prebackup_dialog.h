#pragma once
// "Optimize before backup": analysis → the plan with its predicted backup
// saving in bytes and time → the person approves → execution with progress
// and Cancel, bounded by a deadline → "ready for backup". Afterwards the
// same dialog runs the light "Post-backup rebalance". Works through
// EngineClient's prepareForBackup / postBackup / executeForBackup.
#include <QDialog>

#include "engine_client.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTreeWidget;

namespace tidemark::ui {

class PreBackupDialog : public QDialog {
    Q_OBJECT
public:
    enum class Stage { Analysing, Review, Executing, Ready, NotReady };

    PreBackupDialog(EngineClient *client, const QString &uri, tidemark::BackupPhase phase, QWidget *parent = nullptr);

    Stage stage() const { return m_stage; }
    tidemark::BackupPhase phase() const { return m_phase; }
    const tidemark::Plan &plan() const { return m_plan; }
    /// Predicted bytes an incremental backup copies of the planned partitions, before and after.
    std::int64_t predictedBytesBefore() const { return m_before; }
    std::int64_t predictedBytesAfter() const { return m_after; }

public Q_SLOTS:
    /// Plans (report-only: nothing changes) and shows the prediction.
    void analyse();
    /// The person's approval: runs the plan within the deadline.
    void approveAndExecute();
    /// Switches to the post-backup rebalance and analyses it.
    void startPostBackup();
    /// While running: stop between steps; otherwise close.
    void cancelOrClose();
    /// Escape and the window's close button: never leave a run unattended.
    void reject() override;

Q_SIGNALS:
    void stageChanged(tidemark::ui::PreBackupDialog::Stage stage);

private:
    void onProgress(const tidemark::PreparationEvent &event);
    void onFinished(const tidemark::PreparationResult &result, const tidemark::ui::EngineError &error);
    void showPlan(const tidemark::Plan &plan, const std::vector<tidemark::StepDecision> &decisions);
    void setStage(Stage stage, const QString &text);
    qint64 deadlineMs() const;

    EngineClient *m_client;
    QString m_uri;
    tidemark::BackupPhase m_phase;
    Stage m_stage = Stage::Analysing;
    bool m_waiting = false;
    tidemark::Plan m_plan;
    std::int64_t m_before = 0;
    std::int64_t m_after = 0;
    QLabel *m_title;
    QLabel *m_stageLabel;
    QLabel *m_saving;
    QLabel *m_detail;
    QSpinBox *m_deadline;
    QSpinBox *m_speed;
    QTreeWidget *m_steps;
    QProgressBar *m_progress;
    QPushButton *m_analyse;
    QPushButton *m_execute;
    QPushButton *m_postBackup;
    QPushButton *m_cancel;
};

} // namespace tidemark::ui
