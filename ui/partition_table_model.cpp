#include "partition_table_model.h"

#include <QLocale>

#include <map>

#include "score_color_ramp.h"

namespace tidemark::ui {

PartitionTableModel::PartitionTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PartitionTableModel::setScan(const tidemark::ScanResult &scan, const QString &table)
{
    std::map<std::pair<std::string, std::string>, const tidemark::VolatilityScore *> scores;
    for (const auto &s : scan.scores)
        scores[{s.table, s.partition}] = &s;
    beginResetModel();
    m_rows.clear();
    for (const auto &t : scan.tables) {
        if (!table.isEmpty() && toQString(t.name) != table)
            continue;
        for (const auto &p : t.partitions) {
            Row row{toQString(t.name), p, t.keyType, 0, 0, false};
            if (auto it = scores.find({t.name, p.name}); it != scores.end()) {
                row.score = it->second->score;
                row.writesPerSecond = it->second->writesPerSecond;
                row.baseline = it->second->baseline;
            }
            m_rows.push_back(std::move(row));
        }
    }
    endResetModel();
}

int PartitionTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PartitionTableModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant PartitionTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[static_cast<std::size_t>(index.row())];
    const QLocale locale;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case TableColumn: return r.table;
        case PartitionColumn: return toQString(r.partition.name);
        case BoundsColumn: return toQString(tidemark::describeRange(r.partition.bounds, r.keyType));
        case RowsColumn: return locale.toString(static_cast<qlonglong>(r.partition.rows));
        case SizeColumn: return locale.formattedDataSize(r.partition.bytes);
        case ScoreColumn:
            return r.baseline ? tr("baseline") : locale.toString(r.score, 'f', 1);
        case WritesColumn:
            return r.baseline ? QStringLiteral("–") : locale.toString(r.writesPerSecond, 'f', 2);
        default: return {};
        }
    }
    if (role == SortRole) {
        switch (index.column()) {
        case RowsColumn: return static_cast<qlonglong>(r.partition.rows);
        case SizeColumn: return static_cast<qlonglong>(r.partition.bytes);
        case ScoreColumn: return r.score;
        case WritesColumn: return r.writesPerSecond;
        case BoundsColumn: return static_cast<qlonglong>(r.partition.bounds.lower.value_or(INT64_MIN));
        default: return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && r.baseline && (index.column() == ScoreColumn || index.column() == WritesColumn))
        return tr("baseline; scores from the next scan");
    if (role == Qt::DecorationRole && index.column() == ScoreColumn && !r.baseline)
        return tidemark::widgets::ScoreColorRamp::color(r.score);
    if (role == Qt::TextAlignmentRole && index.column() >= RowsColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant PartitionTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TableColumn: return tr("Table");
    case PartitionColumn: return tr("Partition");
    case BoundsColumn: return tr("Bounds");
    case RowsColumn: return tr("Rows");
    case SizeColumn: return tr("Size");
    case ScoreColumn: return tr("Score");
    case WritesColumn: return tr("Writes/s");
    default: return {};
    }
}

} // namespace tidemark::ui
