#include "partition_layout_strip.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

#include "score_color_ramp.h"

namespace tidemark::widgets {

PartitionLayoutStrip::PartitionLayoutStrip(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAccessibleName(tr("Partition layout before and after the plan"));
}

void PartitionLayoutStrip::setLayouts(const QList<LayoutSegment> &before, const QList<LayoutSegment> &after)
{
    m_before = before;
    m_after = after;
    m_min = 0;
    m_max = 1;
    bool first = true;
    for (const auto *list : {&m_before, &m_after})
        for (const auto &s : *list) {
            m_min = first ? s.begin : std::min(m_min, s.begin);
            m_max = first ? s.end : std::max(m_max, s.end);
            first = false;
        }
    if (m_max <= m_min)
        m_max = m_min + 1;
    update();
}

QSize PartitionLayoutStrip::sizeHint() const { return {480, fontMetrics().height() * 4 + 24}; }
QSize PartitionLayoutStrip::minimumSizeHint() const { return {160, sizeHint().height()}; }

QRect PartitionLayoutStrip::barRect(int which) const
{
    const int labelW = std::max(fontMetrics().horizontalAdvance(tr("Before")),
                                fontMetrics().horizontalAdvance(tr("After"))) + 12;
    const int h = fontMetrics().height() * 2;
    return QRect(labelW, 4 + which * (h + 8), std::max(10, width() - labelW - 4), h);
}

QRectF PartitionLayoutStrip::segmentRect(int which, const LayoutSegment &s) const
{
    const QRect bar = barRect(which);
    const double scale = bar.width() / (m_max - m_min);
    return QRectF(bar.left() + (s.begin - m_min) * scale, bar.top(), std::max(1.0, (s.end - s.begin) * scale),
                  bar.height());
}

void PartitionLayoutStrip::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QColor text = palette().color(QPalette::WindowText);
    const QList<LayoutSegment> *lists[] = {&m_before, &m_after};
    const QString names[] = {tr("Before"), tr("After")};
    for (int which = 0; which < 2; ++which) {
        const QRect bar = barRect(which);
        p.setPen(text);
        p.drawText(QRect(0, bar.top(), bar.left() - 6, bar.height()), Qt::AlignRight | Qt::AlignVCenter, names[which]);
        for (const auto &s : *lists[which]) {
            const QRectF r = segmentRect(which, s);
            const QColor fill = ScoreColorRamp::color(s.score);
            p.fillRect(r, fill);
            p.setPen(QPen(palette().color(QPalette::Window), 1));
            p.drawLine(r.topLeft(), r.bottomLeft());
            if (s.changed) {
                p.setPen(QPen(text, 2));
                p.setBrush(Qt::NoBrush);
                p.drawRect(r.adjusted(1, 1, -1, -1));
            }
            const QString label = fontMetrics().elidedText(s.name, Qt::ElideMiddle, int(r.width()) - 4);
            if (r.width() > 24 && !label.isEmpty()) {
                // Text colour chosen for contrast with the cell, not the window.
                p.setPen(qGray(fill.rgb()) > 140 ? Qt::black : Qt::white);
                p.drawText(r.adjusted(2, 0, -2, 0), Qt::AlignCenter, label);
            }
        }
    }
}

const LayoutSegment *PartitionLayoutStrip::segmentAt(QPoint pos) const
{
    const QList<LayoutSegment> *lists[] = {&m_before, &m_after};
    for (int which = 0; which < 2; ++which)
        for (const auto &s : *lists[which])
            if (segmentRect(which, s).contains(pos))
                return &s;
    return nullptr;
}

bool PartitionLayoutStrip::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        if (const LayoutSegment *s = segmentAt(help->pos()))
            QToolTip::showText(help->globalPos(),
                               tr("%1 %2\nScore %3%4")
                                   .arg(s->name, s->bounds, QString::number(s->score, 'f', 1),
                                        s->changed ? tr(" (changed by the plan)") : QString()),
                               this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

} // namespace tidemark::widgets
