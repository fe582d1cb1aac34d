#pragma once
// Partitions (rows, in key order) × time samples (columns), coloured by
// volatility score. The cells are cached one pixel per cell in a QImage;
// a paint scales the visible part of it once into a view cache, and later
// paints only blit the exposed rectangle. Appending a column patches the
// cache and repaints that column alone.
#include <QAbstractScrollArea>
#include <QImage>

#include "heatmap_data.h"

namespace tidemark::widgets {

class VolatilityHeatmap : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit VolatilityHeatmap(QWidget *parent = nullptr);

    /// Replaces everything drawn; keeps the selection by partition name.
    void setData(HeatmapData data);
    /// Adds one time sample on the right (scores in row order; NaN = none).
    /// Only the new column is repainted; the view follows the newest sample
    /// when it was showing it.
    void appendColumn(qint64 timeMs, const QList<float> &scores, const QList<float> &writesPerSecond = {},
                      const QList<float> &readsPerSecond = {});
    const HeatmapData &data() const { return m_data; }

    int selectedRow() const { return m_selected; }
    QString selectedPartition() const;
    void setSelectedRow(int row);
    void selectPartition(const QString &name);

    double columnWidth() const { return m_columnWidth; }
    int rowHeight() const { return m_rowHeight; }
    void setRowHeight(int pixels);
    /// Viewport rectangle of a cell (may lie outside the visible area).
    QRect cellRect(int row, int column) const;
    /// Row / column under a viewport position, or -1.
    int rowAt(QPoint viewportPos) const;
    int columnAt(QPoint viewportPos) const;
    /// The tooltip text of a cell.
    QString cellDescription(int row, int column) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    /// Shows the whole time range in the visible width.
    void fitTime();

Q_SIGNALS:
    void partitionSelected(int row, const QString &name);
    /// A partition was activated: double-click on its row, or Enter/Return
    /// with a row selected.
    void partitionActivated(int row, const QString &name);
    void zoomChanged(double columnWidth);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void changeEvent(QEvent *event) override;

private:
    QRect gridRect() const;
    void rebuildImage();
    void writeImageColumn(int column);
    void updateScrollBars();
    void setColumnWidth(double width, int anchorX);
    void invalidateView();
    void ensureView();
    void paintGaps(QPainter &p, const QRect &grid);
    void paintLabels(QPainter &p, const QRect &exposed);
    void paintAxis(QPainter &p, const QRect &exposed);
    void ensureRowVisible(int row);
    /// The row under a click in the grid or its label column, or -1.
    int rowAtClick(QPoint viewportPos) const;

    HeatmapData m_data;
    QImage m_image; ///< one pixel per cell; width is a capacity ≥ columns
    QImage m_view; ///< grid area at the current zoom and scroll
    bool m_viewValid = false;
    double m_columnWidth = 8.0;
    int m_rowHeight = 14;
    int m_labelWidth = 120;
    int m_axisHeight = 20;
    int m_selected = -1;
    int m_hoverRow = -1;
};

} // namespace tidemark::widgets
