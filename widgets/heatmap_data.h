#pragma once
// What a VolatilityHeatmap draws: rows (partitions, in key order) × columns
// (time samples), one score per cell plus the raw counts the tooltip shows.
#include <QList>
#include <QString>
#include <QtGlobal>

#include <cmath>
#include <limits>

namespace tidemark::widgets {

struct HeatmapRow {
    QString name; ///< partition name
    QString bounds; ///< e.g. "[600000, 625000)"
    qint64 rows = 0;
    qint64 bytes = 0;
};

class HeatmapData {
public:
    static constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

    HeatmapData() = default;
    HeatmapData(QList<HeatmapRow> rows, QList<qint64> timesMs);

    int rowCount() const { return static_cast<int>(m_rows.size()); }
    int columnCount() const { return static_cast<int>(m_timesMs.size()); }
    const QList<HeatmapRow> &rows() const { return m_rows; }
    const QList<qint64> &timesMs() const { return m_timesMs; }

    /// Score 0..100, or NaN where the partition has no sample at that time.
    float score(int row, int column) const { return m_scores[index(row, column)]; }
    float writesPerSecond(int row, int column) const { return m_writes[index(row, column)]; }
    float readsPerSecond(int row, int column) const { return m_reads[index(row, column)]; }
    void setCell(int row, int column, float score, float writesPerSecond = 0.f, float readsPerSecond = 0.f);
    /// Adds one time sample on the right; missing entries are NaN / 0. O(rows).
    void appendColumn(qint64 timeMs, const QList<float> &scores, const QList<float> &writesPerSecond = {},
                      const QList<float> &readsPerSecond = {});

    /// True when no sample was taken for much longer than usual before
    /// `column` (over 3× the median interval and a minute more): the
    /// heatmap marks the gap instead of drawing the columns as adjacent.
    bool gapBefore(int column) const;
    /// The median time between columns (0 with fewer than three intervals).
    qint64 typicalIntervalMs() const { return m_typicalMs; }

    /// Newest score of a row (NaN if it has none).
    float latestScore(int row) const;
    /// Row index of `name`, or -1.
    int rowOf(const QString &name) const;

private:
    // Column-major, so appending a sample appends at the end.
    qsizetype index(int row, int column) const { return qsizetype(column) * m_rows.size() + row; }

    void updateTypicalInterval();

    QList<HeatmapRow> m_rows;
    qint64 m_typicalMs = 0;
    QList<qint64> m_timesMs;
    QList<float> m_scores;
    QList<float> m_writes;
    QList<float> m_reads;
};

} // namespace tidemark::widgets
