#include "plan_step_model.h"

#include <QBrush>
#include <QLocale>
#include <QPalette>

namespace tidemark::ui {

PlanStepModel::PlanStepModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PlanStepModel::setPlan(const tidemark::Plan &plan)
{
    beginResetModel();
    m_plan = plan;
    m_fraction.fill(0.0, static_cast<qsizetype>(plan.steps.size()));
    for (std::size_t i = 0; i < plan.steps.size(); ++i)
        if (plan.steps[i].status == StepStatus::Done)
            m_fraction[static_cast<qsizetype>(i)] = 1.0;
    endResetModel();
}

void PlanStepModel::setProgress(const ApplyProgress &p)
{
    if (p.planId != m_plan.id || p.stepIndex < 0 || p.stepIndex >= rowCount())
        return;
    auto &step = m_plan.steps[static_cast<std::size_t>(p.stepIndex)];
    step.status = p.status;
    m_fraction[p.stepIndex] = p.status == StepStatus::Done ? 1.0 : p.stepFraction;
    Q_EMIT dataChanged(index(p.stepIndex, StatusColumn), index(p.stepIndex, ProgressColumn));
}

int PlanStepModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_plan.steps.size());
}

int PlanStepModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString PlanStepModel::statusText(tidemark::StepStatus status)
{
    switch (status) {
    case StepStatus::Pending: return tr("pending");
    case StepStatus::Running: return tr("running");
    case StepStatus::Done: return tr("done");
    case StepStatus::Failed: return tr("failed");
    case StepStatus::RolledBack: return tr("rolled back");
    case StepStatus::Skipped: return tr("skipped");
    }
    return {};
}

QString PlanStepModel::kindText(tidemark::StepKind kind)
{
    return kind == StepKind::Split ? tr("Split") : tr("Merge");
}

QVariant PlanStepModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto &s = m_plan.steps[static_cast<std::size_t>(index.row())];
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NumberColumn: return index.row() + 1;
        case KindColumn: return kindText(s.kind);
        case FromColumn: {
            QStringList names;
            for (const auto &n : s.sources)
                names << toQString(n);
            return names.join(QStringLiteral(", "));
        }
        case ToColumn: {
            QStringList names;
            for (const auto &t : s.newPartitions())
                names << toQString(t.name + " " + tidemark::describeRange(t.bounds, s.keyType));
            return names.join(QStringLiteral(", "));
        }
        case StatusColumn: return statusText(s.status);
        case ProgressColumn: return QLocale().toString(qRound(100 * m_fraction.value(index.row()))) + QStringLiteral(" %");
        case VerificationColumn: return toQString(s.error.empty() ? s.verification : s.error);
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole && index.column() == VerificationColumn && !s.error.empty())
        return toQString(s.error);
    if (role == Qt::ForegroundRole && index.column() == StatusColumn && s.status == StepStatus::Failed)
        return QBrush(Qt::red);
    if (role == Qt::UserRole && index.column() == ProgressColumn)
        return m_fraction.value(index.row());
    return {};
}

QVariant PlanStepModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NumberColumn: return tr("#");
    case KindColumn: return tr("Step");
    case FromColumn: return tr("From");
    case ToColumn: return tr("To");
    case StatusColumn: return tr("Status");
    case ProgressColumn: return tr("Progress");
    case VerificationColumn: return tr("Verification");
    default: return {};
    }
}

} // namespace tidemark::ui
