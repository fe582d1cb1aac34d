#pragma once
// The colour of a volatility score (0..100): a perceptually balanced
// diverging ramp (after Moreland's "cool to warm") whose ends are both of
// medium lightness, so cold blue and hot red stay distinct from a light and
// from a dark window background alike.
#include <QColor>
#include <QRgb>

namespace tidemark::widgets {

class ScoreColorRamp {
public:
    /// Colour of `score`, clamped to 0..100.
    static QColor color(double score);
    /// Same, as a packed ARGB value from a 256-entry table (fast path).
    static QRgb rgb(double score);
    /// Colour drawn where there is no sample.
    static QRgb missing();
    static QColor cold() { return color(0.0); }
    static QColor hot() { return color(100.0); }
};

} // namespace tidemark::widgets
