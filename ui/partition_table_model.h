#pragma once
// Every partition of a scan with its latest score: the list behind the
// overview's "hottest partitions" and the heatmap page.
#include <QAbstractTableModel>

#include <vector>

#include "engine_types.h"

namespace tidemark::ui {

class PartitionTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TableColumn, PartitionColumn, BoundsColumn, RowsColumn, SizeColumn, ScoreColumn, WritesColumn,
                  ColumnCount };
    /// Sort role: numbers as numbers.
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit PartitionTableModel(QObject *parent = nullptr);
    /// Shows one table's partitions, or every table's when `table` is empty.
    void setScan(const tidemark::ScanResult &scan, const QString &table = {});

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    struct Row {
        QString table;
        tidemark::Partition partition;
        tidemark::KeyType keyType = tidemark::KeyType::Integer; ///< of the table's key, for printing bounds
        double score = 0;
        double writesPerSecond = 0;
        bool baseline = false; ///< first contact: no score until the next scan
    };
    const Row &rowAt(int row) const { return m_rows[static_cast<std::size_t>(row)]; }

private:
    std::vector<Row> m_rows;
};

} // namespace tidemark::ui
