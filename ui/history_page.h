#pragma once
// Past plans and their audit trail: who approved, what ran, duration, result.
#include <QWidget>

#include "engine_types.h"

class QTableView;

namespace tidemark::ui {

class AuditLogModel;
class EngineClient;
class ErrorBanner;
class PlanHistoryModel;

class HistoryPage : public QWidget {
    Q_OBJECT
public:
    explicit HistoryPage(EngineClient *client, QWidget *parent = nullptr);
    void setConnection(const QString &uri);
    PlanHistoryModel *planModel() const { return m_plans; }
    AuditLogModel *auditModel() const { return m_audit; }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void reviewPlanRequested(qint64 planId);

protected:
    void showEvent(QShowEvent *event) override;

private:
    EngineClient *m_client;
    QString m_uri;
    PlanHistoryModel *m_plans;
    AuditLogModel *m_audit;
    QTableView *m_planView;
    QTableView *m_auditView;
    ErrorBanner *m_error;
};

} // namespace tidemark::ui
