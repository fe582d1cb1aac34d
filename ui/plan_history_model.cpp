#include "plan_history_model.h"

#include <QDateTime>
#include <QLocale>

namespace tidemark::ui {

PlanHistoryModel::PlanHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PlanHistoryModel::setPlans(const QList<tidemark::Plan> &plans)
{
    beginResetModel();
    m_plans = plans;
    endResetModel();
}

int PlanHistoryModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_plans.size()); }
int PlanHistoryModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString PlanHistoryModel::statusText(tidemark::PlanStatus status)
{
    switch (status) {
    case PlanStatus::Proposed: return tr("proposed");
    case PlanStatus::Approved: return tr("approved");
    case PlanStatus::Rejected: return tr("rejected");
    case PlanStatus::Running: return tr("running");
    case PlanStatus::Done: return tr("done");
    case PlanStatus::Failed: return tr("failed");
    case PlanStatus::RolledBack: return tr("rolled back");
    case PlanStatus::Superseded:
        return tr("superseded");
    }
    return {};
}

QString PlanHistoryModel::formatTime(qint64 ms)
{
    if (ms <= 0)
        return QStringLiteral("–");
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat);
}

QVariant PlanHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || role != Qt::DisplayRole)
        return {};
    const auto &p = m_plans[index.row()];
    switch (index.column()) {
    case IdColumn: return static_cast<qlonglong>(p.id);
    case CreatedColumn: return formatTime(p.createdMs);
    case StatusColumn: return statusText(p.status);
    case StepsColumn: return static_cast<int>(p.steps.size());
    case ApprovedByColumn:
        return p.approvedBy.empty() ? QStringLiteral("–") : tr("%1 (%2)").arg(toQString(p.approvedBy), toQString(p.approval));
    case DurationColumn: {
        qint64 start = 0, end = 0;
        for (const auto &s : p.steps) {
            if (s.startedMs > 0 && (start == 0 || s.startedMs < start))
                start = s.startedMs;
            end = std::max<qint64>(end, s.finishedMs);
        }
        if (start == 0 || end < start)
            return QStringLiteral("–");
        return tr("%1 s").arg(QLocale().toString((end - start) / 1000.0, 'f', 1));
    }
    case SummaryColumn: return toQString(p.summary);
    default: return {};
    }
}

QVariant PlanHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case IdColumn: return tr("Plan");
    case CreatedColumn: return tr("Created");
    case StatusColumn: return tr("Result");
    case StepsColumn: return tr("Steps");
    case ApprovedByColumn: return tr("Approved by");
    case DurationColumn: return tr("Duration");
    case SummaryColumn: return tr("Summary");
    default: return {};
    }
}

AuditLogModel::AuditLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void AuditLogModel::setEntries(const QList<tidemark::AuditEntry> &entries)
{
    beginResetModel();
    m_entries = entries;
    endResetModel();
}

int AuditLogModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_entries.size()); }
int AuditLogModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant AuditLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || role != Qt::DisplayRole)
        return {};
    const auto &e = m_entries[index.row()];
    switch (index.column()) {
    case TimeColumn: return PlanHistoryModel::formatTime(e.timestampMs);
    case WhoColumn: return toQString(e.who);
    case ActionColumn: return toQString(e.action);
    case StepColumn: return e.stepId > 0 ? QVariant(static_cast<qlonglong>(e.stepId)) : QVariant(QStringLiteral("–"));
    case DetailColumn: return toQString(e.detail);
    default: return {};
    }
}

QVariant AuditLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return tr("When");
    case WhoColumn: return tr("Who");
    case ActionColumn: return tr("Action");
    case StepColumn: return tr("Step");
    case DetailColumn: return tr("Detail");
    default: return {};
    }
}

} // namespace tidemark::ui
