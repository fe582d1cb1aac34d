// Prediction error of a log table's size at its time to archive, on
// generated growth traces: three weeks of hourly size readings of five
// shapes (a daily write rhythm, growth that accelerates, a weekly rhythm, a
// drop when old rows went, growth that slows), ten seeds each, predicted
// seven days ahead by the call `tidemark-cli segments` makes
// (forecastSize), against two anchors on the same readings — the drift of
// the whole window and a least-squares line over its last week. Prints the
// mean absolute percentage error of each, Tidemark's against the better
// anchor, and how often the truth fell inside Tidemark's 95 % interval.
//   bench_segment_forecast [--seeds N]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "segments/segment_survey.h"

using namespace tidemark;

namespace {

constexpr std::int64_t kHour = 3600LL * 1000;
constexpr int kHistoryHours = 21 * 24;
constexpr int kAheadHours = 7 * 24;

struct Trace {
    std::vector<SizePoint> history;
    double truth = 0.0;
};

/// Bytes written in hour h (0 = the first reading) by shape `shape`.
double rate(int shape, int h, std::mt19937_64 &rng)
{
    const double pi = 3.14159265358979;
    const double day = std::sin(2 * pi * ((h % 24) - 6) / 24.0); // peaks at noon
    std::normal_distribution<double> noise(1.0, 0.15);
    const double base = 4e6; // 4 MB an hour on average
    double r = base;
    switch (shape) {
    case 0: // daily rhythm
        r = base * (1.0 + 0.8 * day);
        break;
    case 1: // accelerating: 3 % more per day
        r = base * std::pow(1.03, h / 24.0) * (1.0 + 0.5 * day);
        break;
    case 2: // weekly: weekends at 30 %
        r = base * (((h / 24) % 7) >= 5 ? 0.3 : 1.2) * (1.0 + 0.6 * day);
        break;
    case 3: // steady, with old rows removed on day 10 (handled by the caller)
        r = base * (1.0 + 0.4 * day);
        break;
    default: // slowing: the rate halves every two weeks
        r = base * 2.0 * std::pow(0.5, h / (14.0 * 24)) * (1.0 + 0.5 * day);
        break;
    }
    return std::max(0.0, r * noise(rng));
}

Trace makeTrace(int shape, unsigned seed)
{
    std::mt19937_64 rng(seed);
    Trace t;
    double size = 2e9;
    for (int h = 0; h < kHistoryHours + kAheadHours; ++h) {
        if (h < kHistoryHours)
            t.history.push_back({h * kHour, size});
        size += rate(shape, h, rng);
        if (shape == 3 && h == 10 * 24)
            size *= 0.7;
    }
    t.truth = size;
    return t;
}

double driftAnchor(const std::vector<SizePoint> &p, std::int64_t targetMs)
{
    const double slope = (p.back().bytes - p.front().bytes) / double(p.back().timestampMs - p.front().timestampMs);
    return p.back().bytes + slope * double(targetMs - p.back().timestampMs);
}

double lastWeekLine(const std::vector<SizePoint> &p, std::int64_t targetMs)
{
    const std::size_t from = p.size() > std::size_t(7 * 24) ? p.size() - 7 * 24 : 0;
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = from; i < p.size(); ++i) {
        const double x = double(p[i].timestampMs) / kHour, y = p[i].bytes;
        n += 1;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    const double intercept = (sy - slope * sx) / n;
    return intercept + slope * double(targetMs) / kHour;
}

} // namespace

int main(int argc, char **argv)
{
    int seeds = 10;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--seeds")
            seeds = std::max(1, std::atoi(argv[++i]));
    const char *names[] = {"daily rhythm", "accelerating", "weekly rhythm", "old rows removed", "slowing"};
    std::printf("size of a log table 7 days ahead from 21 days of hourly readings, %d traces per shape\n", seeds);
    std::printf("%-18s %12s %12s %12s %10s %9s\n", "shape", "Tidemark %", "drift %", "last week %", "ratio", "in 95 %");
    double allT = 0, allBest = 0;
    int inside = 0, total = 0;
    double cpu = 0;
    for (int shape = 0; shape < 5; ++shape) {
        double eT = 0, eD = 0, eL = 0;
        int in = 0;
        for (int s = 0; s < seeds; ++s) {
            const Trace t = makeTrace(shape, unsigned(1000 * shape + s + 1));
            const std::int64_t target = t.history.back().timestampMs + kAheadHours * kHour;
            const auto c0 = std::clock();
            const SizeForecast f = forecastSize(t.history, target, 0.0);
            cpu += double(std::clock() - c0) / CLOCKS_PER_SEC;
            eT += std::fabs(f.mean - t.truth) / t.truth;
            eD += std::fabs(driftAnchor(t.history, target) - t.truth) / t.truth;
            eL += std::fabs(lastWeekLine(t.history, target) - t.truth) / t.truth;
            in += (t.truth >= f.lower95 && t.truth <= f.upper95) ? 1 : 0;
        }
        eT /= seeds;
        eD /= seeds;
        eL /= seeds;
        const double best = std::min(eD, eL);
        std::printf("%-18s %12.2f %12.2f %12.2f %10.2f %6d/%d\n", names[shape], 100 * eT, 100 * eD, 100 * eL,
                    eT / best, in, seeds);
        allT += eT;
        allBest += best;
        inside += in;
        total += seeds;
    }
    std::printf("mean over shapes: Tidemark %.2f %%, better anchor %.2f %% — ratio %.2f (below 1: Tidemark closer); "
                "truth inside the 95 %% interval %d of %d; %.1f ms CPU per forecast\n",
                100 * allT / 5, 100 * allBest / 5, allT / allBest, inside, total, 1000 * cpu / total);
    return 0;
}
