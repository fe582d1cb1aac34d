// Heatmap repaint against the 16 ms frame budget (one frame at 60 Hz):
// 10,000 partitions × 720 samples, offscreen, 1280×800 widget. Three cases:
//   scroll   — the view moved: the visible cells are scaled again (the common worst case)
//   append   — a new sample arrives: only that column is repainted
//   expose   — nothing changed (e.g. a tooltip closed): cached blit
// Prints median milliseconds and the ratio to the budget (< 1 is within it).
// Run: QT_QPA_PLATFORM=offscreen build/bin/bench_heatmap_repaint
#include <QApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QScrollBar>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "volatility_heatmap.h"

using tidemark::widgets::HeatmapData;
using tidemark::widgets::HeatmapRow;
using tidemark::widgets::VolatilityHeatmap;

namespace {

constexpr int kRows = 10000;
constexpr int kColumns = 720;
constexpr double kBudgetMs = 16.0;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

template <class F>
double measure(int runs, F &&before, VolatilityHeatmap &w)
{
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        before(i);
        QElapsedTimer t;
        t.start();
        w.viewport()->repaint();
        ms.push_back(t.nsecsElapsed() / 1e6);
    }
    return median(ms);
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QList<HeatmapRow> rows;
    rows.reserve(kRows);
    for (int r = 0; r < kRows; ++r)
        rows.append({QStringLiteral("orders_p%1").arg(r, 5, 10, QLatin1Char('0')),
                     QStringLiteral("[%1, %2)").arg(r * 1000).arg((r + 1) * 1000), 1000, 1 << 20});
    QList<qint64> times;
    for (int c = 0; c < kColumns; ++c)
        times.append(1'700'000'000'000LL + c * 60'000LL);
    HeatmapData data(rows, times);
    auto *rng = QRandomGenerator::global();
    for (int r = 0; r < kRows; ++r)
        for (int c = 0; c < kColumns; ++c)
            data.setCell(r, c, float(50 + 50 * std::sin(r * 0.01 + c * 0.05)) * float(rng->bounded(0.8) + 0.2));

    VolatilityHeatmap w;
    w.resize(1280, 800);
    QElapsedTimer load;
    load.start();
    w.setData(data);
    const double loadMs = load.nsecsElapsed() / 1e6;
    w.fitTime();
    w.setRowHeight(4);
    w.show();
    app.processEvents();

    const int runs = 61;
    const double scroll = measure(runs, [&](int i) {
        w.verticalScrollBar()->setValue((i * 137) % std::max(1, w.verticalScrollBar()->maximum()));
    }, w);
    w.setRowHeight(1);
    const double scrollDense = measure(runs, [&](int i) {
        w.verticalScrollBar()->setValue((i * 137) % std::max(1, w.verticalScrollBar()->maximum()));
    }, w);
    w.setRowHeight(4);
    const double zoom = measure(runs, [&](int i) { i % 2 ? w.zoomIn() : w.zoomOut(); }, w);
    const double expose = measure(runs, [](int) {}, w);
    QList<float> column(kRows, 42.f);
    std::vector<double> appendMs;
    for (int i = 0; i < 21; ++i) {
        QElapsedTimer t;
        t.start();
        w.appendColumn(times.last() + (i + 1) * 60'000LL, column);
        w.viewport()->repaint();
        appendMs.push_back(t.nsecsElapsed() / 1e6);
    }
    const double append = median(appendMs);

    std::printf("heatmap %d partitions x %d samples, 1280x800 offscreen, median of %d repaints\n", kRows, kColumns,
                runs);
    std::printf("  initial load (colour every cell)  %8.2f ms (one-off)\n", loadMs);
    auto line = [](const char *name, double ms) {
        std::printf("  %-34s %8.2f ms   ratio to 16 ms budget %.3f %s\n", name, ms, ms / kBudgetMs,
                    ms <= kBudgetMs ? "(within)" : "(OVER)");
    };
    line("scroll, 4 px rows", scroll);
    line("scroll, 1 px rows (most cells)", scrollDense);
    line("zoom in/out in time", zoom);
    line("append a sample (incl. data copy)", append);
    line("expose, nothing changed", expose);
    return 0;
}
