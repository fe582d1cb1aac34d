#pragma once
// Before/after view of a table's partition layout for plan review: two bars
// on one key axis, one segment per partition, coloured by volatility score;
// partitions a plan consumes or creates are outlined.
#include <QList>
#include <QString>
#include <QWidget>

namespace tidemark::widgets {

struct LayoutSegment {
    QString name;
    QString bounds;       ///< human text, e.g. "[0, 25000)"
    double begin = 0;     ///< position on the key axis (open bounds: the caller picks a finite stand-in)
    double end = 0;
    double score = 0;     ///< 0..100; predicted for new partitions
    bool changed = false; ///< consumed (before) or created (after) by the plan
};

class PartitionLayoutStrip : public QWidget {
    Q_OBJECT
public:
    explicit PartitionLayoutStrip(QWidget *parent = nullptr);
    void setLayouts(const QList<LayoutSegment> &before, const QList<LayoutSegment> &after);
    const QList<LayoutSegment> &before() const { return m_before; }
    const QList<LayoutSegment> &after() const { return m_after; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    QRect barRect(int which) const;
    QRectF segmentRect(int which, const LayoutSegment &s) const;
    const LayoutSegment *segmentAt(QPoint pos) const;

    QList<LayoutSegment> m_before;
    QList<LayoutSegment> m_after;
    double m_min = 0;
    double m_max = 1;
};

} // namespace tidemark::widgets
