#include "score_color_ramp.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace tidemark::widgets {

namespace {

// Control points of the cool-to-warm ramp, sampled in CIELAB-uniform steps.
constexpr std::array<std::array<int, 3>, 9> kStops = {{
    {59, 76, 192},
    {98, 130, 234},
    {141, 176, 254},
    {184, 208, 249},
    {221, 221, 221},
    {245, 196, 173},
    {244, 154, 123},
    {222, 96, 77},
    {180, 4, 38},
}};

std::array<QRgb, 256> buildTable()
{
    std::array<QRgb, 256> table{};
    for (int i = 0; i < 256; ++i) {
        const double pos = i / 255.0 * (kStops.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const auto hi = std::min(lo + 1, kStops.size() - 1);
        const double t = pos - static_cast<double>(lo);
        int c[3];
        for (int k = 0; k < 3; ++k)
            c[k] = static_cast<int>(std::lround(kStops[lo][k] * (1.0 - t) + kStops[hi][k] * t));
        table[static_cast<std::size_t>(i)] = qRgb(c[0], c[1], c[2]);
    }
    return table;
}

const std::array<QRgb, 256> &table()
{
    static const std::array<QRgb, 256> t = buildTable();
    return t;
}

} // namespace

QRgb ScoreColorRamp::rgb(double score)
{
    if (!(score >= 0.0)) // also NaN
        score = 0.0;
    const int i = std::min(255, static_cast<int>(score * 2.55 + 0.5));
    return table()[static_cast<std::size_t>(i)];
}

QColor ScoreColorRamp::color(double score) { return QColor::fromRgb(rgb(score)); }

QRgb ScoreColorRamp::missing() { return qRgba(0, 0, 0, 0); }

} // namespace tidemark::widgets
