#pragma once
// Plan review: the steps with reason, predicted effect and exact SQL, the
// layout before and after, Approve / Reject with a confirmation that names
// what will change, and Execute with per-step and overall progress.
#include <QWidget>

#include "engine_types.h"

class QComboBox;
class QLabel;
class QMessageBox;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace tidemark::widgets {
class PartitionLayoutStrip;
}

namespace tidemark::ui {

class EngineClient;
class ErrorBanner;
class PlanStepModel;

class PlanReviewPage : public QWidget {
    Q_OBJECT
public:
    explicit PlanReviewPage(EngineClient *client, QWidget *parent = nullptr);
    void setConnection(const QString &uri);
    PlanStepModel *stepModel() const { return m_steps; }
    const tidemark::Plan &plan() const;
    QString statusText() const;
    QString verificationText() const;
    /// The selected step's failure as shown: the database's message and what was rolled back.
    QString stepErrorText() const;
    /// The confirmation dialog while it is open (for keyboard users and tests).
    QMessageBox *pendingConfirmation() const { return m_confirm; }
    /// What the page's own buttons allow now (the window's actions follow).
    enum class Action { Propose, Approve, Reject, Execute, Cancel };
    bool allows(Action action) const;

public Q_SLOTS:
    void proposePlan();
    void showPlan(qint64 planId);
    void approve();
    void reject();
    void execute();
    void cancel();
    void copySql();

Q_SIGNALS:
    /// Emitted whenever the shown plan's status changes (incl. after a run).
    void planStatusChanged(const QString &status);
    /// The buttons' enabled state changed: see allows().
    void actionsChanged();

private:
    void setPlan(const tidemark::Plan &plan);
    void updateButtons();
    void showStep(int row);
    void updateStrip(int row);
    QString changeDescription() const;
    void refreshPlanList(const ScanSnapshot &snap);

    EngineClient *m_client;
    QString m_uri;
    ScanSnapshot m_snapshot;
    bool m_applying = false;
    QComboBox *m_planList;
    QPushButton *m_propose;
    QLabel *m_summary;
    QLabel *m_status;
    ErrorBanner *m_error;
    PlanStepModel *m_steps;
    QTableView *m_stepView;
    QLabel *m_reason;
    QLabel *m_effect;
    QLabel *m_verification;
    QLabel *m_stepError;
    QPlainTextEdit *m_sql;
    QPushButton *m_copy;
    tidemark::widgets::PartitionLayoutStrip *m_strip;
    QPushButton *m_approve;
    QPushButton *m_reject;
    QPushButton *m_execute;
    QPushButton *m_cancel;
    QProgressBar *m_stepBar;
    QProgressBar *m_overallBar;
    QLabel *m_progressText;
    QMessageBox *m_confirm = nullptr;
};

} // namespace tidemark::ui
