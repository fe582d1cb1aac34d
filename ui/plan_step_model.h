#pragma once
// The steps of one plan, with live status and progress while it executes.
#include <QAbstractTableModel>

#include "engine_types.h"

namespace tidemark::ui {

class PlanStepModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NumberColumn, KindColumn, FromColumn, ToColumn, StatusColumn, ProgressColumn, VerificationColumn,
                  ColumnCount };
    explicit PlanStepModel(QObject *parent = nullptr);

    void setPlan(const tidemark::Plan &plan);
    const tidemark::Plan &plan() const { return m_plan; }
    void setProgress(const ApplyProgress &progress);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString statusText(tidemark::StepStatus status);
    static QString kindText(tidemark::StepKind kind);

private:
    tidemark::Plan m_plan;
    QList<double> m_fraction;
};

} // namespace tidemark::ui
