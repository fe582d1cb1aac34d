#pragma once
// Past plans for the history page: who approved, what ran, how long, result.
#include <QAbstractTableModel>

#include "engine_types.h"

namespace tidemark::ui {

class PlanHistoryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { IdColumn, CreatedColumn, StatusColumn, StepsColumn, ApprovedByColumn, DurationColumn, SummaryColumn,
                  ColumnCount };
    explicit PlanHistoryModel(QObject *parent = nullptr);
    void setPlans(const QList<tidemark::Plan> &plans);
    const tidemark::Plan &planAt(int row) const { return m_plans[row]; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString statusText(tidemark::PlanStatus status);
    static QString formatTime(qint64 ms);

private:
    QList<tidemark::Plan> m_plans;
};

/// The audit trail of one plan (or of everything).
class AuditLogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TimeColumn, WhoColumn, ActionColumn, StepColumn, DetailColumn, ColumnCount };
    explicit AuditLogModel(QObject *parent = nullptr);
    void setEntries(const QList<tidemark::AuditEntry> &entries);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<tidemark::AuditEntry> m_entries;
};

} // namespace tidemark::ui
