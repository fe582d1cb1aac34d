#include "heatmap_legend.h"

#include <QLinearGradient>
#include <QLocale>
#include <QPainter>

#include "score_color_ramp.h"

namespace tidemark::widgets {

HeatmapLegend::HeatmapLegend(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAccessibleName(tr("Volatility colour legend"));
}

void HeatmapLegend::setThresholds(double low, double high)
{
    m_low = low;
    m_high = high;
    update();
}

QSize HeatmapLegend::sizeHint() const { return {360, fontMetrics().height() * 2 + 14}; }
QSize HeatmapLegend::minimumSizeHint() const { return {160, sizeHint().height()}; }

QRect HeatmapLegend::rampRect() const
{
    const QFontMetrics fm = fontMetrics();
    const int left = fm.horizontalAdvance(tr("cold")) + 12;
    const int right = fm.horizontalAdvance(tr("hot")) + 12;
    return QRect(left, 2, std::max(10, width() - left - right), fm.height());
}

void HeatmapLegend::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QRect ramp = rampRect();
    QLinearGradient gradient(ramp.topLeft(), ramp.topRight());
    for (int i = 0; i <= 20; ++i)
        gradient.setColorAt(i / 20.0, ScoreColorRamp::color(i * 5.0));
    p.fillRect(ramp, gradient);
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(ramp.adjusted(0, 0, -1, -1));
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(0, ramp.top(), ramp.left() - 6, ramp.height()), Qt::AlignRight | Qt::AlignVCenter, tr("cold"));
    p.drawText(QRect(ramp.right() + 6, ramp.top(), width(), ramp.height()), Qt::AlignLeft | Qt::AlignVCenter,
               tr("hot"));
    const QLocale locale;
    for (int v = 0; v <= 100; v += 20) {
        const int x = ramp.left() + ramp.width() * v / 100;
        p.drawLine(x, ramp.bottom() + 1, x, ramp.bottom() + 4);
        const QString t = locale.toString(v);
        const int w = fontMetrics().horizontalAdvance(t);
        p.drawText(QPoint(std::clamp(x - w / 2, 0, width() - w), ramp.bottom() + 4 + fontMetrics().ascent()), t);
    }
    auto marker = [&](double value) {
        if (value < 0)
            return;
        const int x = ramp.left() + static_cast<int>(ramp.width() * value / 100.0);
        p.setPen(QPen(palette().color(QPalette::WindowText), 2));
        p.drawLine(x, ramp.top() - 1, x, ramp.bottom() + 1);
    };
    marker(m_low);
    marker(m_high);
}

} // namespace tidemark::widgets
