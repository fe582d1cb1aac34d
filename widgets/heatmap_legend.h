#pragma once
// The key of the volatility colours: a ramp from cold (0) to hot (100) with
// ticks, and markers for the planner's thresholds.
#include <QWidget>

namespace tidemark::widgets {

class HeatmapLegend : public QWidget {
    Q_OBJECT
public:
    explicit HeatmapLegend(QWidget *parent = nullptr);
    /// Marks the merge (low) and split (high) thresholds on the ramp.
    void setThresholds(double low, double high);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    /// Where the ramp is drawn, in widget coordinates.
    QRect rampRect() const;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    double m_low = -1;
    double m_high = -1;
};

} // namespace tidemark::widgets
