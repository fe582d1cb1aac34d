// ETS: known answers recorded from R's forecast::ets() and parameter
// recovery on simulated series.
#include <QtTest>

#include <cmath>
#include <random>

#include "forecast/ets_fit.h"
#include "forecast_test_data.h"

using namespace tidemark::forecast;

class TestForecastEts : public QObject {
    Q_OBJECT
private slots:
    void knownAnswers_data();
    void knownAnswers();
    void parameterRecovery_data();
    void parameterRecovery();
    void linearIntervalsMatchSimulation();
    void multiplicativeModelsNeedPositiveData();
};

void TestForecastEts::knownAnswers_data()
{
    QTest::addColumn<int>("index");
    const auto refs = loadRReference();
    QVERIFY2(!refs.empty(), "tests/data/forecast/r_reference.json not found (TIDEMARK_SOURCE_DIR)");
    for (int i = 0; i < static_cast<int>(refs.size()); ++i)
        QTest::newRow(refs[static_cast<std::size_t>(i)].name.c_str()) << i;
}

// Same model as R's ets(y), log-likelihood within 0.1 %.
void TestForecastEts::knownAnswers()
{
    QFETCH(int, index);
    const auto r = loadRReference()[static_cast<std::size_t>(index)];
    const EtsFit fit = etsSelect(r.values, r.period);
    QVERIFY(fit.ok);
    QCOMPARE(QString::fromStdString(fit.spec.name()), QString::fromStdString(r.etsMethod));
    const double rel = std::fabs(fit.logLik - r.etsLogLik) / std::fabs(r.etsLogLik);
    QVERIFY2(rel < 1e-3, qPrintable(QStringLiteral("loglik %1 vs R %2").arg(fit.logLik).arg(r.etsLogLik)));
}

namespace {

std::vector<double> simulate(const EtsSpec &spec, const EtsParams &p, EtsState st, int n, double sigma, unsigned seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> z(0, sigma);
    std::vector<double> y;
    for (int t = 0; t < n; ++t) {
        EtsState copy = st;
        const double f = etsPointForecast(spec, p, copy, 1)[0];
        const double e = z(rng);
        const double v = spec.error == EtsError::Additive ? f + e : f * (1 + e);
        etsStep(spec, p, st, v);
        y.push_back(v);
    }
    return y;
}

} // namespace

void TestForecastEts::parameterRecovery_data()
{
    QTest::addColumn<int>("error");
    QTest::addColumn<int>("trend");
    QTest::addColumn<int>("season");
    QTest::addColumn<double>("alpha");
    QTest::addColumn<double>("beta");
    QTest::addColumn<double>("gamma");
    QTest::newRow("ETS(A,N,N) alpha 0.3") << 0 << 0 << 0 << 0.3 << 0.0 << 0.0;
    QTest::newRow("ETS(A,A,N) alpha 0.5 beta 0.1") << 0 << 1 << 0 << 0.5 << 0.1 << 0.0;
    QTest::newRow("ETS(A,N,A) alpha 0.2 gamma 0.2") << 0 << 0 << 1 << 0.2 << 0.0 << 0.2;
    QTest::newRow("ETS(M,N,M) alpha 0.3 gamma 0.1") << 1 << 0 << 2 << 0.3 << 0.0 << 0.1;
}

void TestForecastEts::parameterRecovery()
{
    QFETCH(int, error);
    QFETCH(int, trend);
    QFETCH(int, season);
    QFETCH(double, alpha);
    QFETCH(double, beta);
    QFETCH(double, gamma);
    EtsSpec spec{static_cast<EtsError>(error), static_cast<EtsTrend>(trend), false, static_cast<EtsSeason>(season),
                 season ? 12 : 1};
    EtsParams p{alpha, beta, gamma, 1.0};
    EtsState st;
    st.level = 100;
    st.growth = trend ? 0.5 : 0.0;
    if (season) {
        for (int k = 0; k < 12; ++k)
            st.season.push_back(season == 2 ? 1 + 0.2 * std::sin(k) : 10 * std::sin(k));
        double mean = 0;
        for (double v : st.season)
            mean += v / 12;
        for (double &v : st.season)
            v = season == 2 ? v / mean : v - mean;
    }
    const double sigma = error == 0 ? 2.0 : 0.02;
    const auto y = simulate(spec, p, st, 1200, sigma, 42);
    EtsFitOptions o;
    o.refine = true;
    const EtsFit fit = etsFit(y, spec, o);
    QVERIFY(fit.ok);
    QVERIFY2(std::fabs(fit.params.alpha - alpha) < 0.07, qPrintable(QString::number(fit.params.alpha)));
    if (trend)
        QVERIFY2(std::fabs(fit.params.beta - beta) < 0.07, qPrintable(QString::number(fit.params.beta)));
    if (season)
        QVERIFY2(std::fabs(fit.params.gamma - gamma) < 0.07, qPrintable(QString::number(fit.params.gamma)));
    QVERIFY(std::fabs(std::sqrt(fit.sigma2) - sigma) / sigma < 0.1);
}

// Analytic class-1 variance equals the spread of simulated paths.
void TestForecastEts::linearIntervalsMatchSimulation()
{
    EtsSpec spec{EtsError::Additive, EtsTrend::Additive, true, EtsSeason::None, 1};
    EtsFit fit;
    fit.spec = spec;
    fit.params = {0.5, 0.2, 0.0, 0.9};
    fit.final.level = 10;
    fit.final.growth = 1;
    fit.sigma2 = 4;
    fit.ok = true;
    const auto fc = etsForecast(fit, 10);
    // Simulate by hand.
    std::mt19937_64 rng(3);
    std::normal_distribution<double> z(0, 2);
    std::vector<double> last;
    for (int r = 0; r < 20000; ++r) {
        EtsState st = fit.final;
        double v = 0;
        for (int j = 0; j < 10; ++j) {
            EtsState c = st;
            v = etsPointForecast(spec, fit.params, c, 1)[0] + z(rng);
            etsStep(spec, fit.params, st, v);
        }
        last.push_back(v);
    }
    std::sort(last.begin(), last.end());
    const double simQ = last[static_cast<std::size_t>(0.975 * last.size())] - fc.mean[9];
    const double anaQ = fc.uncertainty->stepQuantile(9, 0.975);
    QVERIFY2(std::fabs(simQ - anaQ) / anaQ < 0.05, qPrintable(QStringLiteral("%1 vs %2").arg(simQ).arg(anaQ)));
}

void TestForecastEts::multiplicativeModelsNeedPositiveData()
{
    std::vector<double> y;
    for (int t = 0; t < 60; ++t)
        y.push_back(std::sin(t * 0.5) * 10 + (t % 12) - 3);
    const EtsFit fit = etsSelect(y, 12);
    QVERIFY(fit.ok);
    QCOMPARE(fit.spec.error, EtsError::Additive);
    QVERIFY(fit.spec.season != EtsSeason::Multiplicative);
}

QTEST_GUILESS_MAIN(TestForecastEts)
#include "tst_forecast_ets.moc"
