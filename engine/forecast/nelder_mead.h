#pragma once
// The Nelder-Mead variant of Nash (1990, Algorithm 19) that R's optim() and
// forecast::ets use: one simplex size for every coordinate (10 % of the
// largest |x|), relative convergence on the spread of the vertex values.
// Reproducing it lets Tidemark reach the same optimum as R where R's
// optimiser stops early; NLopt refines from there (ets_fit.cpp).
#include <functional>
#include <vector>

namespace tidemark::forecast {

struct NelderMeadResult {
    std::vector<double> x;
    double value = 0.0;
    int evaluations = 0; ///< evaluations of Nash's algorithm (the extra speculative ones not counted)
    bool converged = false;
};

/// Nash's algorithm as a sequence of requests, so that the caller can
/// evaluate the points of several optimisations together: read pending(),
/// compute their values, supply() them, until finished(). `speculative`:
/// each iteration requests the reflection together with the three points
/// that may follow it (expansion, contraction on either side) and keeps the
/// one Nash's algorithm goes on to, for an objective that computes a few
/// points as fast as one; otherwise the reflection, then that one point.
/// The path is Nash's either way. Non-finite values count as 1e35 (R's "big").
class NashNelderMead {
public:
    explicit NashNelderMead(std::vector<double> x0, bool speculative = true, int maxEvaluations = 2000,
                            double relTol = 1.490116119384765625e-8);
    // pending() points into the object's own buffers: moving keeps them, copying would not.
    NashNelderMead(const NashNelderMead &) = delete;
    NashNelderMead &operator=(const NashNelderMead &) = delete;
    NashNelderMead(NashNelderMead &&) = default;
    NashNelderMead &operator=(NashNelderMead &&) = default;

    /// The points whose values are needed next (none once finished).
    const std::vector<const double *> &pending() const { return m_pending; }
    /// Values of pending(), in its order.
    void supply(const double *values);
    bool finished() const { return m_phase == Phase::Finished; }
    NelderMeadResult result() const;

private:
    enum class Phase { Start, Vertices, Candidates, Reflection, Follow, Finished };
    double *vertex(int j) { return m_v.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(m_n); }
    const double *vertex(int j) const
    {
        return m_v.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(m_n);
    }
    void start(double f);
    void requestVertices();
    void requestCandidates();
    void iterate();
    void finish(bool converged);

    int m_n;
    int m_maxEvaluations;
    double m_relTol;
    bool m_speculative;
    Phase m_phase = Phase::Start;
    std::vector<double> m_x0;
    double m_f0 = 0.0;
    double m_convTol = 0.0;
    std::vector<double> m_v; ///< vertex j at m_v[j·n …]
    std::vector<double> m_fv; ///< vertex values
    double m_oldSize = 0.0;
    int m_L = 0, m_H = 0;
    double m_VL = 0.0, m_VH = 0.0;
    int m_evaluations = 0;
    bool m_converged = false;
    std::vector<double> m_centroid;
    std::vector<double> m_cand; ///< reflection, expansion, contraction outside, contraction inside
    double m_fc[4] = {}; ///< their values (those known)
    int m_follow = 0; ///< the candidate after the reflection (not speculative)
    std::vector<const double *> m_pending;
};

/// Values of `count` points at once: values[i] = f(x[i]).
using BatchObjective = std::function<void(int count, const double *const *x, double *values)>;

/// Minimises f from x0 with NashNelderMead.
NelderMeadResult nashNelderMead(const BatchObjective &f, std::vector<double> x0, bool speculative = true,
                                int maxEvaluations = 2000, double relTol = 1.490116119384765625e-8);

} // namespace tidemark::forecast
