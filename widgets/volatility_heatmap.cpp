#include "volatility_heatmap.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "score_color_ramp.h"

namespace tidemark::widgets {

namespace {
constexpr double kMinColumnWidth = 0.25;
constexpr double kMaxColumnWidth = 64.0;
constexpr int kLabelMaxWidth = 240;
} // namespace

VolatilityHeatmap::VolatilityHeatmap(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Volatility heatmap"));
    setAccessibleDescription(tr("Partitions in key order by time; colour is the volatility score"));
    m_rowHeight = std::max(fontMetrics().height() + 2, 8);
    m_axisHeight = fontMetrics().height() + 6;
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
}

QSize VolatilityHeatmap::sizeHint() const
{
    return {640, 420};
}
QSize VolatilityHeatmap::minimumSizeHint() const
{
    return {200, 120};
}

void VolatilityHeatmap::setData(HeatmapData data)
{
    const QString keep = selectedPartition();
    const bool followTail = horizontalScrollBar()->value() >= horizontalScrollBar()->maximum();
    m_data = std::move(data);
    int labelWidth = 0;
    const QFontMetrics fm = fontMetrics();
    for (const auto &row : m_data.rows())
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(row.name));
    m_labelWidth = std::min(labelWidth + 12, kLabelMaxWidth);
    m_selected = keep.isEmpty() ? -1 : m_data.rowOf(keep);
    m_hoverRow = -1;
    rebuildImage();
    updateScrollBars();
    if (followTail)
        horizontalScrollBar()->setValue(horizontalScrollBar()->maximum());
    invalidateView();
    viewport()->update();
}

void VolatilityHeatmap::appendColumn(qint64 timeMs, const QList<float> &scores, const QList<float> &writes,
                                     const QList<float> &reads)
{
    const bool followTail = horizontalScrollBar()->value() >= horizontalScrollBar()->maximum();
    m_data.appendColumn(timeMs, scores, writes, reads);
    const int col = m_data.columnCount() - 1;
    if (m_image.width() < m_data.columnCount() || m_image.height() != m_data.rowCount()) {
        rebuildImage();
        invalidateView();
    } else {
        writeImageColumn(col);
    }
    const int before = horizontalScrollBar()->value();
    updateScrollBars();
    if (followTail)
        horizontalScrollBar()->setValue(horizontalScrollBar()->maximum());
    if (horizontalScrollBar()->value() != before || !m_viewValid) {
        invalidateView();
        viewport()->update();
        return;
    }
    // Same scroll position: patch the view cache and repaint the new column only.
    const QRect cell = cellRect(0, col).united(cellRect(std::max(0, m_data.rowCount() - 1), col));
    const QRect dirty = cell.intersected(gridRect());
    if (dirty.isEmpty())
        return;
    QPainter vp(&m_view);
    const QRect g = gridRect();
    vp.translate(-g.topLeft());
    vp.drawImage(QRectF(cell), m_image, QRectF(col, 0, 1, m_data.rowCount()));
    vp.end();
    viewport()->update(dirty.adjusted(-1, -1, 1, 1));
    viewport()->update(QRect(g.left(), g.bottom() + 1, g.width(), m_axisHeight));
}

QString VolatilityHeatmap::selectedPartition() const
{
    return m_selected >= 0 && m_selected < m_data.rowCount() ? m_data.rows()[m_selected].name : QString();
}

void VolatilityHeatmap::setSelectedRow(int row)
{
    if (row < -1 || row >= m_data.rowCount() || row == m_selected)
        return;
    m_selected = row;
    if (row >= 0) {
        ensureRowVisible(row);
        Q_EMIT partitionSelected(row, m_data.rows()[row].name);
    }
    viewport()->update();
}

void VolatilityHeatmap::selectPartition(const QString &name)
{
    setSelectedRow(m_data.rowOf(name));
}

void VolatilityHeatmap::setRowHeight(int pixels)
{
    m_rowHeight = std::clamp(pixels, 1, 64);
    updateScrollBars();
    invalidateView();
    viewport()->update();
}

QRect VolatilityHeatmap::gridRect() const
{
    const QRect v = viewport()->rect();
    return QRect(v.left() + m_labelWidth, v.top(), std::max(0, v.width() - m_labelWidth),
                 std::max(0, v.height() - m_axisHeight));
}

QRect VolatilityHeatmap::cellRect(int row, int column) const
{
    const QRect g = gridRect();
    const int x0 = g.left() + static_cast<int>(std::floor(column * m_columnWidth)) - horizontalScrollBar()->value();
    const int x1 =
        g.left() + static_cast<int>(std::floor((column + 1) * m_columnWidth)) - horizontalScrollBar()->value();
    const int y0 = g.top() + row * m_rowHeight - verticalScrollBar()->value();
    return QRect(x0, y0, std::max(1, x1 - x0), m_rowHeight);
}

int VolatilityHeatmap::rowAt(QPoint pos) const
{
    const QRect g = gridRect();
    if (pos.y() < g.top() || pos.y() > g.bottom())
        return -1;
    const int row = (pos.y() - g.top() + verticalScrollBar()->value()) / m_rowHeight;
    return row < m_data.rowCount() ? row : -1;
}

int VolatilityHeatmap::columnAt(QPoint pos) const
{
    const QRect g = gridRect();
    if (pos.x() < g.left() || pos.x() > g.right())
        return -1;
    const int col = static_cast<int>((pos.x() - g.left() + horizontalScrollBar()->value()) / m_columnWidth);
    return col < m_data.columnCount() ? col : -1;
}

QString VolatilityHeatmap::cellDescription(int row, int column) const
{
    if (row < 0 || row >= m_data.rowCount() || column < 0 || column >= m_data.columnCount())
        return {};
    const HeatmapRow &r = m_data.rows()[row];
    const QLocale locale;
    const float score = m_data.score(row, column);
    const QString when = QDateTime::fromMSecsSinceEpoch(m_data.timesMs()[column]).toString(Qt::ISODate);
    QString text = tr("Partition %1\nBounds %2\nRows %3, size %4")
                       .arg(r.name, r.bounds, locale.toString(r.rows), locale.formattedDataSize(r.bytes));
    if (m_data.gapBefore(column)) {
        const QString since = QDateTime::fromMSecsSinceEpoch(m_data.timesMs()[column - 1]).toString(Qt::ISODate);
        text += QLatin1Char('\n') +
            tr("No samples between %1 and %2: the columns on either side are not adjacent in time").arg(since, when);
    }
    if (std::isnan(score))
        return text + QLatin1Char('\n') + tr("No sample at %1").arg(when);
    return text + QLatin1Char('\n') +
        tr("Score %1 at %2\nWrites %3/s, reads %4/s")
            .arg(locale.toString(score, 'f', 1), when, locale.toString(m_data.writesPerSecond(row, column), 'f', 2),
                 locale.toString(m_data.readsPerSecond(row, column), 'f', 2));
}

void VolatilityHeatmap::rebuildImage()
{
    const int rows = m_data.rowCount();
    const int cols = m_data.columnCount();
    // Leave room on the right so appended samples do not reallocate each time.
    const int capacity = std::max(1, cols + std::max(16, cols / 4));
    m_image = QImage(capacity, std::max(1, rows), QImage::Format_RGB32);
    m_image.fill(palette().color(QPalette::Window));
    for (int c = 0; c < cols; ++c)
        writeImageColumn(c);
}

void VolatilityHeatmap::writeImageColumn(int column)
{
    const QRgb none = palette().color(QPalette::Window).rgb();
    for (int r = 0; r < m_data.rowCount(); ++r) {
        const float s = m_data.score(r, column);
        reinterpret_cast<QRgb *>(m_image.scanLine(r))[column] = std::isnan(s) ? none : ScoreColorRamp::rgb(s);
    }
}

void VolatilityHeatmap::updateScrollBars()
{
    const QRect g = gridRect();
    const int contentW = static_cast<int>(std::ceil(m_data.columnCount() * m_columnWidth));
    const int contentH = m_data.rowCount() * m_rowHeight;
    horizontalScrollBar()->setRange(0, std::max(0, contentW - g.width()));
    horizontalScrollBar()->setPageStep(std::max(1, g.width()));
    horizontalScrollBar()->setSingleStep(std::max(1, static_cast<int>(m_columnWidth)));
    verticalScrollBar()->setRange(0, std::max(0, contentH - g.height()));
    verticalScrollBar()->setPageStep(std::max(1, g.height()));
    verticalScrollBar()->setSingleStep(m_rowHeight);
}

void VolatilityHeatmap::setColumnWidth(double width, int anchorX)
{
    width = std::clamp(width, kMinColumnWidth, kMaxColumnWidth);
    if (width == m_columnWidth)
        return;
    // Keep the sample under the anchor where it is.
    const double sample = (anchorX + horizontalScrollBar()->value()) / m_columnWidth;
    m_columnWidth = width;
    updateScrollBars();
    horizontalScrollBar()->setValue(static_cast<int>(std::lround(sample * m_columnWidth - anchorX)));
    invalidateView();
    viewport()->update();
    Q_EMIT zoomChanged(m_columnWidth);
}

void VolatilityHeatmap::zoomIn()
{
    setColumnWidth(m_columnWidth * 1.5, gridRect().width() / 2);
}
void VolatilityHeatmap::zoomOut()
{
    setColumnWidth(m_columnWidth / 1.5, gridRect().width() / 2);
}

void VolatilityHeatmap::fitTime()
{
    if (m_data.columnCount() > 0)
        setColumnWidth(double(gridRect().width()) / m_data.columnCount(), 0);
    horizontalScrollBar()->setValue(0);
}

void VolatilityHeatmap::invalidateView()
{
    m_viewValid = false;
}

void VolatilityHeatmap::ensureView()
{
    const QRect g = gridRect();
    // The cache has device pixels, so cells stay crisp on high-DPI screens.
    const qreal dpr = devicePixelRatioF();
    const QSize device = (QSizeF(g.size().expandedTo(QSize(1, 1))) * dpr).toSize();
    if (m_viewValid && m_view.size() == device && m_view.devicePixelRatio() == dpr)
        return;
    if (m_view.size() != device || m_view.devicePixelRatio() != dpr) {
        m_view = QImage(device, QImage::Format_RGB32);
        m_view.setDevicePixelRatio(dpr);
    }
    m_view.fill(palette().color(QPalette::Base));
    const int hx = horizontalScrollBar()->value();
    const int vy = verticalScrollBar()->value();
    const int c0 = std::max(0, static_cast<int>(hx / m_columnWidth));
    const int c1 = std::min(m_data.columnCount(), static_cast<int>(std::ceil((hx + g.width()) / m_columnWidth)) + 1);
    const int r0 = std::max(0, vy / m_rowHeight);
    const int r1 = std::min(m_data.rowCount(), (vy + g.height()) / m_rowHeight + 1);
    if (c1 > c0 && r1 > r0) {
        QPainter p(&m_view);
        // Nearest-neighbour scaling of exactly the visible cells: one blit.
        const QRectF target(c0 * m_columnWidth - hx, r0 * m_rowHeight - vy, (c1 - c0) * m_columnWidth,
                            (r1 - r0) * m_rowHeight);
        p.drawImage(target, m_image, QRectF(c0, r0, c1 - c0, r1 - r0));
    }
    m_viewValid = true;
}

void VolatilityHeatmap::paintEvent(QPaintEvent *event)
{
    QPainter p(viewport());
    const QRect exposed = event->rect();
    const QRect g = gridRect();
    if (exposed.intersects(g)) {
        ensureView();
        const QRect part = exposed.intersected(g);
        const qreal dpr = m_view.devicePixelRatio();
        const QRectF source(QPointF(part.topLeft() - g.topLeft()) * dpr, QSizeF(part.size()) * dpr);
        p.drawImage(QRectF(part), m_view, source);
        paintGaps(p, g);
        if (m_selected >= 0) {
            const QRect row(g.left(), cellRect(m_selected, 0).top(), g.width(), m_rowHeight);
            p.save();
            p.setClipRect(g);
            p.setPen(QPen(palette().color(QPalette::Highlight), 2));
            p.setBrush(Qt::NoBrush);
            p.drawRect(row.adjusted(1, 0, -1, 0));
            p.restore();
        }
    }
    paintLabels(p, exposed);
    paintAxis(p, exposed);
}

void VolatilityHeatmap::paintGaps(QPainter &p, const QRect &grid)
{
    const int hx = horizontalScrollBar()->value();
    const int c0 = std::max(1, static_cast<int>(hx / m_columnWidth));
    const int c1 = std::min(m_data.columnCount(), static_cast<int>((hx + grid.width()) / m_columnWidth) + 2);
    p.save();
    p.setClipRect(grid);
    // A break in time: a band in the window colour with a dashed edge, so
    // hours without samples are not read as adjacent columns.
    const int width = std::max(3, static_cast<int>(m_columnWidth / 3));
    for (int c = c0; c < c1; ++c) {
        if (!m_data.gapBefore(c))
            continue;
        const int x = cellRect(0, c).left();
        const QRect band(x - width / 2, grid.top(), width, grid.height());
        p.fillRect(band, palette().color(QPalette::Window));
        p.setPen(QPen(palette().color(QPalette::WindowText), 1, Qt::DashLine));
        p.drawLine(band.center().x(), grid.top(), band.center().x(), grid.bottom());
    }
    p.restore();
}

void VolatilityHeatmap::paintLabels(QPainter &p, const QRect &exposed)
{
    const QRect g = gridRect();
    const QRect labels(0, g.top(), m_labelWidth, g.height());
    if (!exposed.intersects(labels))
        return;
    p.save();
    p.setClipRect(labels);
    p.fillRect(labels, palette().color(QPalette::Window));
    const int vy = verticalScrollBar()->value();
    const int r0 = std::max(0, vy / m_rowHeight);
    const int r1 = std::min(m_data.rowCount(), (vy + g.height()) / m_rowHeight + 1);
    const bool text = m_rowHeight >= fontMetrics().height() - 4;
    for (int r = r0; r < r1; ++r) {
        const QRect line(2, g.top() + r * m_rowHeight - vy, m_labelWidth - 6, m_rowHeight);
        if (r == m_selected)
            p.fillRect(line.adjusted(-2, 0, 4, 0), palette().color(QPalette::Highlight));
        else if (r == m_hoverRow)
            p.fillRect(line.adjusted(-2, 0, 4, 0), palette().color(QPalette::AlternateBase));
        if (text) {
            p.setPen(palette().color(r == m_selected ? QPalette::HighlightedText : QPalette::WindowText));
            p.drawText(line, Qt::AlignVCenter | Qt::AlignRight,
                       fontMetrics().elidedText(m_data.rows()[r].name, Qt::ElideLeft, line.width()));
        }
    }
    p.restore();
}

void VolatilityHeatmap::paintAxis(QPainter &p, const QRect &exposed)
{
    const QRect v = viewport()->rect();
    const QRect axis(0, v.bottom() - m_axisHeight + 1, v.width(), m_axisHeight);
    if (!exposed.intersects(axis))
        return;
    p.fillRect(axis, palette().color(QPalette::Window));
    const QRect g = gridRect();
    const int cols = m_data.columnCount();
    if (cols == 0)
        return;
    p.setPen(palette().color(QPalette::WindowText));
    const int labelW = fontMetrics().horizontalAdvance(QStringLiteral("00:00:00")) + 16;
    const int every = std::max(1, static_cast<int>(std::ceil(labelW / m_columnWidth)));
    const int hx = horizontalScrollBar()->value();
    const int c0 = std::max(0, static_cast<int>(hx / m_columnWidth));
    const int c1 = std::min(cols, static_cast<int>((hx + g.width()) / m_columnWidth) + 1);
    for (int c = (c0 / every) * every; c < c1; c += every) {
        const int x = cellRect(0, c).left();
        if (x < g.left())
            continue;
        p.drawLine(x, axis.top(), x, axis.top() + 3);
        const QString t = QDateTime::fromMSecsSinceEpoch(m_data.timesMs()[c]).toString(QStringLiteral("HH:mm:ss"));
        p.drawText(QRect(x + 2, axis.top(), labelW, axis.height()), Qt::AlignVCenter | Qt::AlignLeft, t);
    }
}

void VolatilityHeatmap::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
    invalidateView();
}

void VolatilityHeatmap::scrollContentsBy(int, int)
{
    invalidateView();
    viewport()->update();
}

void VolatilityHeatmap::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) {
        rebuildImage();
        invalidateView();
        viewport()->update();
    }
}

void VolatilityHeatmap::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const int steps = event->angleDelta().y() / 120;
        if (steps != 0) {
            const int anchor = static_cast<int>(event->position().x()) - gridRect().left();
            setColumnWidth(m_columnWidth * std::pow(1.25, steps), std::max(0, anchor));
        }
        event->accept();
        return;
    }
    if (event->modifiers() & Qt::ShiftModifier) {
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - event->angleDelta().y());
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

void VolatilityHeatmap::ensureRowVisible(int row)
{
    const int top = row * m_rowHeight;
    auto *v = verticalScrollBar();
    if (top < v->value())
        v->setValue(top);
    else if (top + m_rowHeight > v->value() + gridRect().height())
        v->setValue(top + m_rowHeight - gridRect().height());
}

void VolatilityHeatmap::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return;
    case Qt::Key_Minus:
        zoomOut();
        return;
    case Qt::Key_0:
        fitTime();
        return;
    case Qt::Key_Up:
        setSelectedRow(std::max(0, m_selected - 1));
        return;
    case Qt::Key_Down:
        setSelectedRow(std::min(m_data.rowCount() - 1, m_selected + 1));
        return;
    case Qt::Key_Left:
        horizontalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepSub);
        return;
    case Qt::Key_Right:
        horizontalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepAdd);
        return;
    case Qt::Key_Home:
        horizontalScrollBar()->setValue(0);
        return;
    case Qt::Key_End:
        horizontalScrollBar()->setValue(horizontalScrollBar()->maximum());
        return;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_selected >= 0 && m_selected < m_data.rowCount()) {
            Q_EMIT partitionActivated(m_selected, m_data.rows()[m_selected].name);
            return;
        }
        break;
    default:
        break;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

int VolatilityHeatmap::rowAtClick(QPoint pos) const
{
    int row = rowAt(pos);
    if (row < 0 && pos.x() < m_labelWidth && pos.y() < gridRect().bottom())
        row = (pos.y() + verticalScrollBar()->value()) / m_rowHeight;
    return row >= 0 && row < m_data.rowCount() ? row : -1;
}

void VolatilityHeatmap::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        if (const int row = rowAtClick(event->position().toPoint()); row >= 0) {
            setSelectedRow(row);
            event->accept();
            return;
        }
    }
    QAbstractScrollArea::mousePressEvent(event);
}

void VolatilityHeatmap::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        if (const int row = rowAtClick(event->position().toPoint()); row >= 0) {
            setSelectedRow(row);
            Q_EMIT partitionActivated(row, m_data.rows()[row].name);
            event->accept();
            return;
        }
    }
    QAbstractScrollArea::mouseDoubleClickEvent(event);
}

void VolatilityHeatmap::mouseMoveEvent(QMouseEvent *event)
{
    const int row = rowAt(event->position().toPoint());
    if (row != m_hoverRow) {
        m_hoverRow = row;
        viewport()->update(QRect(0, 0, m_labelWidth, viewport()->height()));
    }
    QAbstractScrollArea::mouseMoveEvent(event);
}

bool VolatilityHeatmap::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int row = rowAt(help->pos());
        const int col = columnAt(help->pos());
        if (row >= 0 && col >= 0)
            QToolTip::showText(help->globalPos(), cellDescription(row, col), viewport(), cellRect(row, col));
        else
            QToolTip::hideText();
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

} // namespace tidemark::widgets
