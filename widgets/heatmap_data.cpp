#include "heatmap_data.h"

#include <algorithm>
#include <vector>

namespace tidemark::widgets {

HeatmapData::HeatmapData(QList<HeatmapRow> rows, QList<qint64> timesMs)
    : m_rows(std::move(rows))
    , m_timesMs(std::move(timesMs))
{
    const qsizetype n = m_rows.size() * m_timesMs.size();
    m_scores.fill(kMissing, n);
    m_writes.fill(0.f, n);
    m_reads.fill(0.f, n);
    updateTypicalInterval();
}

void HeatmapData::updateTypicalInterval()
{
    m_typicalMs = 0;
    if (m_timesMs.size() < 4)
        return;
    std::vector<qint64> gaps;
    gaps.reserve(std::size_t(m_timesMs.size()));
    for (qsizetype c = 1; c < m_timesMs.size(); ++c)
        gaps.push_back(m_timesMs[c] - m_timesMs[c - 1]);
    const auto mid = gaps.begin() + std::ptrdiff_t(gaps.size() / 2);
    std::nth_element(gaps.begin(), mid, gaps.end());
    m_typicalMs = std::max<qint64>(*mid, 0);
}

bool HeatmapData::gapBefore(int column) const
{
    if (m_typicalMs <= 0 || column <= 0 || column >= columnCount())
        return false;
    const qint64 step = m_timesMs[column] - m_timesMs[column - 1];
    return step > 3 * m_typicalMs && step > m_typicalMs + 60'000;
}

void HeatmapData::setCell(int row, int column, float score, float writesPerSecond, float readsPerSecond)
{
    const auto i = index(row, column);
    m_scores[i] = score;
    m_writes[i] = writesPerSecond;
    m_reads[i] = readsPerSecond;
}

void HeatmapData::appendColumn(qint64 timeMs, const QList<float> &scores, const QList<float> &writes,
                               const QList<float> &reads)
{
    m_timesMs.append(timeMs);
    for (int r = 0; r < rowCount(); ++r) {
        m_scores.append(r < scores.size() ? scores[r] : kMissing);
        m_writes.append(r < writes.size() ? writes[r] : 0.f);
        m_reads.append(r < reads.size() ? reads[r] : 0.f);
    }
    updateTypicalInterval();
}

float HeatmapData::latestScore(int row) const
{
    for (int c = columnCount() - 1; c >= 0; --c)
        if (!std::isnan(score(row, c)))
            return score(row, c);
    return kMissing;
}

int HeatmapData::rowOf(const QString &name) const
{
    for (int r = 0; r < rowCount(); ++r)
        if (m_rows[r].name == name)
            return r;
    return -1;
}

} // namespace tidemark::widgets
