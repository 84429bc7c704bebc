// Paired randomisation test and bootstrap interval (engine/eval/significance): identical runs,
// a uniformly better run, a slow exhaustive reference on a tiny input, determinism, bad input.

#include "eval/significance.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace embtune::engine;

namespace {

std::vector<double> randomScores(size_t n, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> v(n);
    for (double &x : v)
        x = u(rng);
    return v;
}

} // namespace

class TestSignificance : public QObject {
    Q_OBJECT

private slots:
    void identicalRunsGivePOne()
    {
        const std::vector<double> a = randomScores(300, 1);
        auto r = pairedSignificance(a, a);
        QVERIFY(r.ok());
        QCOMPARE(r->pValue, 1.0);
        QCOMPARE(r->meanDifference, 0.0);
        QCOMPARE(r->intervalLow, 0.0);
        QCOMPARE(r->intervalHigh, 0.0);
        QCOMPARE(r->ties, int64_t(300));
    }

    void everyQueryImprovedIsSignificant()
    {
        const std::vector<double> a = randomScores(300, 2);
        std::vector<double> b = a;
        const std::vector<double> gain = randomScores(300, 3);
        for (size_t i = 0; i < b.size(); ++i)
            b[i] += 0.01 + 0.05 * gain[i];
        auto r = pairedSignificance(a, b);
        QVERIFY(r.ok());
        QVERIFY2(r->pValue < 0.001, qPrintable(QString::number(r->pValue)));
        QCOMPARE(r->pValue, 1.0 / 10001.0); // no permutation reaches the observed mean
        QVERIFY(r->meanDifference > 0);
        QVERIFY(r->intervalLow <= r->meanDifference && r->meanDifference <= r->intervalHigh);
        QVERIFY(r->intervalLow > 0);
        QCOMPARE(r->bWins, int64_t(300));
        // Swapping the runs flips the sign, keeps p.
        auto swapped = pairedSignificance(b, a);
        QCOMPARE(swapped->pValue, r->pValue);
        QVERIFY(std::abs(swapped->meanDifference + r->meanDifference) < 1e-12);
    }

    void intervalContainsMeanOnNoise()
    {
        const std::vector<double> a = randomScores(200, 4), b = randomScores(200, 5);
        auto r = pairedSignificance(a, b);
        QVERIFY(r.ok());
        QVERIFY(r->intervalLow < r->meanDifference && r->meanDifference < r->intervalHigh);
        QVERIFY(r->pValue > 0.01); // independent noise of the same law
        double mean = 0;
        for (size_t i = 0; i < a.size(); ++i)
            mean += b[i] - a[i];
        QVERIFY(std::abs(r->meanDifference - mean / 200) < 1e-12);
    }

    void pValueMatchesExhaustiveEnumeration()
    {
        // 6 queries: the exact two-sided p over all 2^6 sign patterns; the Monte Carlo estimate
        // (count+1)/(N+1) with N = 200000 must be within a few standard errors.
        const std::vector<double> a{0.1, 0.5, 0.3, 0.9, 0.2, 0.4};
        const std::vector<double> b{0.3, 0.6, 0.2, 1.0, 0.5, 0.45};
        std::vector<double> d(6);
        double observed = 0;
        for (int i = 0; i < 6; ++i) {
            d[size_t(i)] = b[size_t(i)] - a[size_t(i)];
            observed += d[size_t(i)];
        }
        int atLeast = 0;
        for (int mask = 0; mask < 64; ++mask) {
            double s = 0;
            for (int i = 0; i < 6; ++i)
                s += (mask >> i & 1) ? -d[size_t(i)] : d[size_t(i)];
            if (std::abs(s) >= std::abs(observed) - 1e-12)
                ++atLeast;
        }
        const double exact = atLeast / 64.0;
        SignificanceOptions options;
        options.permutations = 200000;
        options.bootstrapResamples = 1000;
        auto r = pairedSignificance(a, b, options);
        QVERIFY(r.ok());
        const double se = std::sqrt(exact * (1 - exact) / 200000.0);
        QVERIFY2(std::abs(r->pValue - exact) < 5 * se + 1e-5,
                 qPrintable(QString("%1 vs exact %2").arg(r->pValue).arg(exact)));
    }

    void seededAndDeterministic()
    {
        const std::vector<double> a = randomScores(100, 6), b = randomScores(100, 7);
        SignificanceOptions options;
        options.seed = 42;
        auto r1 = pairedSignificance(a, b, options), r2 = pairedSignificance(a, b, options);
        QCOMPARE(r1->pValue, r2->pValue);
        QCOMPARE(r1->intervalLow, r2->intervalLow);
        QCOMPARE(r1->intervalHigh, r2->intervalHigh);
    }

    void badInput()
    {
        QVERIFY(!pairedSignificance({1, 2}, {1}).ok());
        QCOMPARE(pairedSignificance({1, 2}, {1}).error().code, ErrorCode::Usage);
        QVERIFY(!pairedSignificance({}, {}).ok());
        SignificanceOptions options;
        options.permutations = 0;
        QVERIFY(!pairedSignificance({1}, {2}, options).ok());
        options = {};
        options.confidence = 1.0;
        QVERIFY(!pairedSignificance({1}, {2}, options).ok());
        auto nan = pairedSignificance({1, std::nan("")}, {1, 2});
        QVERIFY(!nan.ok());
        QCOMPARE(nan.error().code, ErrorCode::Input);
        QCOMPARE(nan.error().line, int64_t(2));
    }
};

QTEST_APPLESS_MAIN(TestSignificance)
#include "test_significance.moc"
