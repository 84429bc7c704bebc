// Analysis statistics (engine/analysis): anisotropy, PCA, k-means and similarity histograms,
// each against a direct slow computation on small random matrices (tolerance 1e-5) and, for the
// anisotropy, against values computed by hand on a 3 x 2 example; SciFact lsa256 when present.

#include "analysis/anisotropy.h"
#include "analysis/kmeans.h"
#include "analysis/pca_projection.h"
#include "analysis/similarity_histogram.h"
#include "core/decompositions.h"
#include "io/npy.h"
#include "search/exact_search.h"
#include "support/fixtures.h"
#include "support/reference_svd.h"


#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

using namespace embtune::engine;

namespace {

RowMatrixXf randomMatrix(int64_t rows, int64_t cols, uint64_t seed, float shift = 0.3f)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    RowMatrixXf m(rows, cols);
    for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j)
            m(i, j) = normal(rng) + shift * float(j % 3); // a common direction: anisotropic
    return m;
}

ConstMatrixMap view(const RowMatrixXf &m)
{
    return ConstMatrixMap(m.data(), m.rows(), m.cols());
}

bool near(double a, double b, double tolerance = 1e-5)
{
    return std::abs(a - b) <= tolerance * std::max(1.0, std::abs(b));
}

// Direct definitions, one formula each, no shared code with the engine.
AnisotropyStats slowAnisotropy(const RowMatrixXf &xf)
{
    const Eigen::MatrixXd x = xf.cast<double>();
    const int64_t n = x.rows(), d = x.cols();
    AnisotropyStats s;
    double pairs = 0;
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = i + 1; j < n; ++j)
            pairs += x.row(i).dot(x.row(j)) / (x.row(i).norm() * x.row(j).norm());
    s.averagePairCosine = pairs / (double(n) * double(n - 1) / 2);
    const Eigen::RowVectorXd c = x.colwise().mean();
    double cent = 0;
    for (int64_t i = 0; i < n; ++i)
        cent += x.row(i).dot(c) / (x.row(i).norm() * c.norm());
    s.averageCentroidCosine = cent / double(n);
    // Eigenvectors of X^T X = right singular vectors of X.
    const embtune::test::ReferenceSvd svd = embtune::test::referenceSvd(x, true);
    double zMin = 1e300, zMax = 0;
    for (int64_t k = 0; k < d; ++k)
        for (double sign : {1.0, -1.0}) {
            double z = 0;
            for (int64_t i = 0; i < n; ++i)
                z += std::exp(sign * x.row(i).dot(svd.v.col(k)));
            zMin = std::min(zMin, z);
            zMax = std::max(zMax, z);
        }
    s.partitionIsotropy = zMin / zMax;
    const Eigen::MatrixXd centred = x.rowwise() - c;
    const Eigen::VectorXd sv = embtune::test::referenceSvd(centred).singularValues; // descending
    double entropy = 0;
    for (int64_t i = 0; i < sv.size(); ++i) {
        const double p = sv(i) / sv.sum();
        if (p > 0)
            entropy -= p * std::log(p);
    }
    s.effectiveRank = std::exp(entropy);
    const Eigen::VectorXd var = sv.array().square();
    s.explainedVariance1 = var.head(std::min<int64_t>(1, var.size())).sum() / var.sum();
    s.explainedVariance5 = var.head(std::min<int64_t>(5, var.size())).sum() / var.sum();
    s.explainedVariance10 = var.head(std::min<int64_t>(10, var.size())).sum() / var.sum();
    return s;
}

void compareStats(const AnisotropyStats &got, const AnisotropyStats &want)
{
    QVERIFY2(near(got.averagePairCosine, want.averagePairCosine), qPrintable(QString::number(got.averagePairCosine)));
    QVERIFY(near(got.averageCentroidCosine, want.averageCentroidCosine));
    QVERIFY2(near(got.partitionIsotropy, want.partitionIsotropy),
             qPrintable(QString("%1 vs %2").arg(got.partitionIsotropy).arg(want.partitionIsotropy)));
    QVERIFY(near(got.effectiveRank, want.effectiveRank));
    QVERIFY(near(got.explainedVariance1, want.explainedVariance1));
    QVERIFY(near(got.explainedVariance5, want.explainedVariance5));
    QVERIFY(near(got.explainedVariance10, want.explainedVariance10));
}

} // namespace

class TestAnalysis : public QObject {
    Q_OBJECT

private slots:
    void anisotropyByHand()
    {
        // X = [[1,0],[0,1],[1,1]].
        // Pairs: cos(x1,x2) = 0, cos(x1,x3) = cos(x2,x3) = 1/sqrt2 -> mean sqrt2/3 = 0.4714045.
        //   Identity: sum of unit rows = (1+1/sqrt2)(1,1), squared norm 3 + 2 sqrt2; (that - 3)/6 = sqrt2/3.
        // Centroid (2/3, 2/3): cosines 1/sqrt2, 1/sqrt2, 1 -> mean (sqrt2 + 1)/3 = 0.8047379.
        // X^T X = [[2,1],[1,2]]: eigenvectors u1 = (1,1)/sqrt2, u2 = (1,-1)/sqrt2.
        //   Z(u1) = 2 e^{1/sqrt2} + e^{sqrt2} = 8.1694803, Z(-u1) = 2 e^{-1/sqrt2} + e^{-sqrt2} = 1.2292541,
        //   Z(+-u2) = e^{1/sqrt2} + e^{-1/sqrt2} + 1 = 3.5211837 -> I = 1.2292541 / 8.1694803 = 0.1504691.
        // Centred rows (1/3,-2/3), (-2/3,1/3), (1/3,1/3): C = [[2/3,-1/3],[-1/3,2/3]], eigenvalues 1 and 1/3,
        //   singular values 1 and 1/sqrt3, p = (0.6339746, 0.3660254), entropy 0.6568064 -> erank 1.9286232.
        // Explained variance: top 1 = 1 / (4/3) = 0.75; top 5 = top 10 = 1.
        RowMatrixXf x(3, 2);
        x << 1, 0, 0, 1, 1, 1;
        auto s = computeAnisotropy(view(x));
        QVERIFY(s.ok());
        QCOMPARE(s->rows, int64_t(3));
        QVERIFY(near(s->averagePairCosine, std::sqrt(2.0) / 3, 1e-9));
        QVERIFY(near(s->averageCentroidCosine, (std::sqrt(2.0) + 1) / 3, 1e-9));
        QVERIFY(near(s->partitionIsotropy, 0.15046907095, 1e-9));
        QVERIFY(near(s->effectiveRank, 1.92862323320, 1e-9));
        QVERIFY(near(s->explainedVariance1, 0.75, 1e-9));
        QVERIFY(near(s->explainedVariance5, 1.0, 1e-12));
        QVERIFY(near(s->explainedVariance10, 1.0, 1e-12));
        compareStats(*s, slowAnisotropy(x));
    }

    void anisotropyAgainstSlow_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<float>("shift");
        QTest::newRow("40x6") << 40 << 6 << 0.3f;
        QTest::newRow("25x12") << 25 << 12 << 1.0f;
        QTest::newRow("8x20 (rows < dim)") << 8 << 20 << 0.5f;
        QTest::newRow("3000x4 (several row blocks)") << 3000 << 4 << 0.2f;
    }
    void anisotropyAgainstSlow()
    {
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(float, shift);
        const RowMatrixXf x = randomMatrix(rows, cols, uint64_t(rows * 31 + cols), shift);
        auto s = computeAnisotropy(view(x));
        QVERIFY(s.ok());
        compareStats(*s, slowAnisotropy(x));
    }

    // Above kAnisotropyExactRows the eigen-based statistics come from a sample and say so; the
    // average cosines stay exact; the estimates are close to the full computation's.
    void anisotropyAndPcaSampleLargeInputs()
    {
        const int64_t n = kAnisotropyExactRows + 20000, d = 6;
        RowMatrixXf x = randomMatrix(n, d, 77, 0.8f);
        x.col(0) *= 3.0f; // a clear first principal axis
        x.col(1) *= 2.0f;
        auto s = computeAnisotropy(view(x));
        QVERIFY(s.ok());
        QCOMPARE(s->rows, n);
        QCOMPARE(s->sampledRows, kAnisotropyExactRows);
        // Exact over every row: the pair cosine from the sum of unit rows, computed here in double.
        const Eigen::MatrixXd xd = x.cast<double>();
        const Eigen::VectorXd unitSum = xd.rowwise().normalized().colwise().sum().transpose();
        QVERIFY(near(s->averagePairCosine, (unitSum.squaredNorm() - double(n)) / (double(n) * double(n - 1)), 1e-9));
        // Estimates against the full centred covariance (every row).
        const Eigen::MatrixXd centred = xd.rowwise() - xd.colwise().mean();
        Eigen::VectorXd variances = symmetricEigen(centred.transpose() * centred, false).values.reverse();
        QVERIFY2(std::abs(s->explainedVariance1 - variances(0) / variances.sum()) < 0.01,
                 qPrintable(QString::number(s->explainedVariance1)));
        QVERIFY(s->partitionIsotropy > 0 && s->partitionIsotropy <= 1);
        // Below the threshold nothing is sampled.
        auto small = computeAnisotropy(view(RowMatrixXf(x.topRows(kAnisotropyExactRows))));
        QVERIFY(small.ok() && small->sampledRows == 0);

        auto pca = PcaProjection::fit({view(x)}, 2);
        QVERIFY(pca.ok());
        QCOMPARE(pca->sampledRows(), kPcaExactRows);
        const Eigen::VectorXd top = symmetricEigen(centred.transpose() * centred).vectors.col(d - 1);
        QVERIFY2(std::abs(pca->axes().col(0).dot(top)) > 0.999, "the sampled plane's first axis is the full one's");
        auto whole = PcaProjection::fit({view(RowMatrixXf(x.topRows(1000)))}, 2);
        QVERIFY(whole.ok() && whole->sampledRows() == 0);
    }

    void anisotropyLargeValuesStayFinite()
    {
        // exp(c.x) overflows a double for |x| ~ 1000; the log domain does not.
        RowMatrixXf x = randomMatrix(50, 5, 7) * 1000.0f;
        auto s = computeAnisotropy(view(x));
        QVERIFY(s.ok());
        QVERIFY(std::isfinite(s->partitionIsotropy));
        QVERIFY(s->partitionIsotropy >= 0 && s->partitionIsotropy <= 1);
    }

    void anisotropyBadInput()
    {
        RowMatrixXf one(1, 3);
        one << 1, 2, 3;
        QVERIFY(!computeAnisotropy(view(one)).ok());
        RowMatrixXf nan = randomMatrix(4, 3, 1);
        nan(2, 1) = std::numeric_limits<float>::quiet_NaN();
        auto s = computeAnisotropy(view(nan));
        QVERIFY(!s.ok());
        QCOMPARE(s.error().line, int64_t(3));
        QVERIFY(QString::fromStdString(s.error().message).contains("vector 3"));
        // A zero row: cosine 0 with everything, no NaN.
        RowMatrixXf zero = randomMatrix(5, 3, 2);
        zero.row(1).setZero();
        s = computeAnisotropy(view(zero));
        QVERIFY(s.ok());
        QVERIFY(std::isfinite(s->averagePairCosine) && std::isfinite(s->averageCentroidCosine));
    }

    void pcaAgainstCovarianceEigen()
    {
        const RowMatrixXf a = randomMatrix(60, 7, 11, 0.8f), b = randomMatrix(30, 7, 12, -0.4f);
        auto pca = PcaProjection::fit({view(a), view(b)}, 2);
        QVERIFY(pca.ok());
        // Covariance of the stacked rows, directly.
        Eigen::MatrixXd all(90, 7);
        all.topRows(60) = a.cast<double>();
        all.bottomRows(30) = b.cast<double>();
        const Eigen::RowVectorXd mean = all.colwise().mean();
        Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(7, 7);
        for (int i = 0; i < 90; ++i)
            cov += (all.row(i) - mean).transpose() * (all.row(i) - mean);
        cov /= 90.0;
        // cov is positive semi-definite: its singular values are its eigenvalues (descending) and
        // its right singular vectors its eigenvectors.
        const embtune::test::ReferenceSvd eig = embtune::test::referenceSvd(cov, true);
        for (int c = 0; c < 2; ++c) {
            const Eigen::VectorXd want = eig.v.col(c);
            const Eigen::VectorXd got = pca->axes().col(c);
            QVERIFY(near(std::abs(got.dot(want)), 1.0));
            QVERIFY(near(pca->variances()(c), eig.singularValues(c)));
        }
        QVERIFY(near(pca->totalVariance(), eig.singularValues.sum()));
        // Projection of "after" rows with the fitted axes: (x - mean) . axis.
        const RowMatrixXf after = randomMatrix(5, 7, 13);
        const RowMatrixXf projected = pca->apply(view(after));
        QCOMPARE(projected.rows(), Eigen::Index(5));
        QCOMPARE(projected.cols(), Eigen::Index(2));
        for (int i = 0; i < 5; ++i)
            for (int c = 0; c < 2; ++c)
                QVERIFY(near(projected(i, c), (after.row(i).cast<double>() - mean).dot(pca->axes().col(c)), 1e-4));
        // Deterministic sign: the largest-magnitude coordinate of each axis is positive.
        for (int c = 0; c < 2; ++c) {
            Eigen::Index at = 0;
            pca->axes().col(c).cwiseAbs().maxCoeff(&at);
            QVERIFY(pca->axes()(at, c) > 0);
        }
        QVERIFY(!PcaProjection::fit({view(a), view(randomMatrix(3, 4, 1))}, 2).ok());
        QVERIFY(!PcaProjection::fit({view(a)}, 8).ok());
    }

    void movedRowsFindsChanges()
    {
        RowMatrixXf before = randomMatrix(6, 3, 5), after = before;
        after(2, 0) += 0.5f;
        after(4, 2) -= 0.01f;
        QCOMPARE(movedRows(view(before), view(after)), (std::vector<int32_t>{2, 4}));
        QCOMPARE(movedRows(view(before), view(after), 0.1), (std::vector<int32_t>{2}));
    }

    // A derived matrix (NUDGE's overlay) is analysed by blocks without being built, with the
    // same results as its full matrix: anisotropy, projection, moved rows, similarity histograms.
    void derivedMatricesAnalyseAsTheirFullMatrix()
    {
        const RowMatrixXf base = randomMatrix(5003, 7, 9); // more than one 2048/4096-row block
        RowMatrixXf moved = randomMatrix(3, 7, 10);
        const std::vector<int32_t> rows{4100, 17, 2048};
        const FloatMatrix stored(base);
        const FloatMatrix derived = FloatMatrix::unitRowsWithOverlay(stored, rows, moved);
        RowMatrixXf full = normalizedRows(view(base));
        for (size_t k = 0; k < rows.size(); ++k)
            full.row(rows[k]) = moved.row(Eigen::Index(k));

        auto fromBlocks = computeAnisotropy(derived);
        auto fromFull = computeAnisotropy(view(full));
        QVERIFY(fromBlocks.ok() && fromFull.ok());
        QCOMPARE(fromBlocks->averagePairCosine, fromFull->averagePairCosine);
        QCOMPARE(fromBlocks->effectiveRank, fromFull->effectiveRank);
        QCOMPARE(fromBlocks->partitionIsotropy, fromFull->partitionIsotropy);
        auto pca = PcaProjection::fit({view(base)}, 2);
        QVERIFY(pca.ok());
        QVERIFY(pca->apply(derived) == pca->apply(view(full)));
        // Against its own base: only the replaced rows moved (not every row rescaled to unit norm),
        // as against the unit base read by blocks; a replaced row equal to its unit row did not.
        QCOMPARE(movedRows(stored, derived), (std::vector<int32_t>{17, 2048, 4100}));
        const FloatMatrix unitBase = FloatMatrix::unitRowsWithOverlay(stored, {}, RowMatrixXf(0, 7));
        QCOMPARE(movedRows(unitBase, derived), (std::vector<int32_t>{17, 2048, 4100}));
        QCOMPARE(movedRows(stored, unitBase), std::vector<int32_t>{});
        QCOMPARE(movedRows(view(base), view(full)).size(), size_t(5003)); // stored copies: every row
        RowMatrixXf unchanged = normalizedRows(view(base)).row(9);
        const FloatMatrix sameRow = FloatMatrix::unitRowsWithOverlay(stored, {9}, unchanged);
        QCOMPARE(movedRows(stored, sameRow), std::vector<int32_t>{});

        const RowMatrixXf q = randomMatrix(4, 7, 11);
        Qrels qrels;
        for (int qi = 0; qi < 4; ++qi) {
            QueryJudgements j;
            j.query = qi;
            j.judged = {{17, 1}, {qi * 1000 + 1, 1}};
            qrels.queries.push_back(j);
        }
        std::vector<int32_t> tie(5003);
        std::iota(tie.begin(), tie.end(), 0);
        SimilarityHistogramOptions options;
        options.bins = 50;
        options.randomPairs = 500;
        options.hardNegatives = 3;
        auto a = similarityDistributions(FloatMatrix(q), derived, qrels, tie, options);
        auto b = similarityDistributions(FloatMatrix(q), FloatMatrix(full), qrels, tie, options);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->relevant.counts, b->relevant.counts);
        QCOMPARE(a->random.counts, b->random.counts);
        QCOMPARE(a->hardNegative.counts, b->hardNegative.counts);
    }

    void kmeansAgainstBruteForce()
    {
        // Three separated blobs plus noise.
        RowMatrixXf x = randomMatrix(150, 4, 21, 0.0f) * 0.3f;
        for (int i = 0; i < 150; ++i)
            x(i, i % 3) += 4.0f;
        KMeansOptions options;
        options.k = 3;
        options.seed = 9;
        auto r = kmeans(view(x), options);
        QVERIFY(r.ok());
        QCOMPARE(r->assignments.size(), size_t(150));
        // Assignments are the nearest centroids (brute force over every centroid).
        for (int i = 0; i < 150; ++i) {
            double best = 1e300;
            int arg = -1;
            for (int c = 0; c < 3; ++c) {
                const double dist = (x.row(i).cast<double>() - r->centroids.row(c)).squaredNorm();
                if (dist < best) {
                    best = dist;
                    arg = c;
                }
            }
            QCOMPARE(r->assignments[size_t(i)], arg);
        }
        // Objective non-increasing, and the last entry is the objective of the final state.
        for (size_t i = 1; i < r->objectiveHistory.size(); ++i)
            QVERIFY(r->objectiveHistory[i] <= r->objectiveHistory[i - 1] * (1 + 1e-12));
        QVERIFY(near(r->objectiveHistory.back(), kmeansObjective(view(x), r->centroids, r->assignments)));
        // The blobs are recovered: rows of the same blob share a cluster.
        for (int i = 3; i < 150; ++i)
            QCOMPARE(r->assignments[size_t(i)], r->assignments[size_t(i % 3)]);
        QVERIFY(r->converged);
        int64_t total = 0;
        for (int64_t s : r->clusterSizes)
            total += s;
        QCOMPARE(total, int64_t(150));
    }

    void kmeansDeterministic()
    {
        const RowMatrixXf x = randomMatrix(200, 5, 33);
        KMeansOptions options;
        options.k = 4;
        options.seed = 123;
        auto a = kmeans(view(x), options), b = kmeans(view(x), options);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->assignments, b->assignments);
        QVERIFY(a->centroids == b->centroids);
        QCOMPARE(a->objectiveHistory, b->objectiveHistory);
        // k = n puts every row in its own cluster (k-means++ never picks a row twice).
        const RowMatrixXf small = randomMatrix(5, 2, 3);
        options.k = 5;
        auto all = kmeans(view(small), options);
        QVERIFY(all.ok());
        QVERIFY(near(all->objectiveHistory.back(), 0.0));
        options.k = 6;
        QVERIFY(!kmeans(view(small), options).ok());
        options.k = 0;
        QVERIFY(!kmeans(view(small), options).ok());
    }

    void histogramBins()
    {
        // Bins of width 0.5 over [-1, 1]: -1 -> bin 0, -0.2 -> 1, 0 -> 2, 0.49 -> 2, 1 -> last (clamped), 2 -> last.
        const Histogram h = Histogram::make({-1.0, -0.2, 0.0, 0.49, 1.0, 2.0}, 4, -1, 1);
        QCOMPARE(h.counts, (std::vector<int64_t>{1, 1, 2, 2}));
        QCOMPARE(h.count, int64_t(6));
        QVERIFY(near(h.mean, (-1 - 0.2 + 0 + 0.49 + 1 + 2) / 6.0, 1e-12));
        QCOMPARE(h.minimum, -1.0);
        QCOMPARE(h.maximum, 2.0);
        QCOMPARE(h.binWidth(), 0.5);
    }

    void similarityDistributionsAgainstSlow()
    {
        const int docs = 40, queries = 6, dim = 5;
        const RowMatrixXf d = randomMatrix(docs, dim, 41), q = randomMatrix(queries, dim, 42);
        const FloatMatrix D(d), Q(q);
        Qrels qrels;
        for (int qi = 0; qi < queries; ++qi) {
            QueryJudgements j;
            j.query = qi;
            if (qi == 5) { // only a non-relevant judgement: skipped
                j.judged = {{3, 0}};
            } else {
                j.judged = {{qi, 1}, {qi + 10, 2}, {qi + 20, 0}};
            }
            qrels.queries.push_back(j);
        }
        std::vector<int32_t> tie(docs);
        for (int i = 0; i < docs; ++i)
            tie[size_t(i)] = i;
        SimilarityHistogramOptions options;
        options.bins = 20;
        options.randomPairs = 500;
        options.hardNegatives = 10;
        options.threads = 1;
        auto r = similarityDistributions(Q, D, qrels, tie, options);
        QVERIFY(r.ok());
        QCOMPARE(r->queries, 5);
        const auto cos = [&](int a, int b) {
            return q.row(a).cast<double>().dot(d.row(b).cast<double>()) /
                   (q.row(a).cast<double>().norm() * d.row(b).cast<double>().norm());
        };
        // Relevant: 2 per query.
        double relevantSum = 0;
        for (int qi = 0; qi < 5; ++qi)
            relevantSum += cos(qi, qi) + cos(qi, qi + 10);
        QCOMPARE(r->relevant.count, int64_t(10));
        QVERIFY(near(r->relevant.mean, relevantSum / 10));
        // Top-10 non-relevant by a full sort per query.
        double hardSum = 0;
        for (int qi = 0; qi < 5; ++qi) {
            std::vector<std::pair<double, int>> scored;
            for (int j = 0; j < docs; ++j)
                if (j != qi && j != qi + 10)
                    scored.push_back({cos(qi, j), j});
            std::sort(scored.begin(), scored.end(), [](auto a, auto b) { return a.first > b.first; });
            for (int i = 0; i < 10; ++i)
                hardSum += scored[size_t(i)].first;
        }
        QCOMPARE(r->hardNegative.count, int64_t(50));
        QVERIFY(near(r->hardNegative.mean, hardSum / 50));
        // Random pairs: the requested count, every value a real cosine, seeded.
        QCOMPARE(r->random.count, int64_t(500));
        int64_t binned = 0;
        for (int64_t c : r->random.counts)
            binned += c;
        QCOMPARE(binned, int64_t(500));
        QVERIFY(r->random.minimum >= -1 - 1e-9 && r->random.maximum <= 1 + 1e-9);
        auto again = similarityDistributions(Q, D, qrels, tie, options);
        QCOMPARE(again->random.counts, r->random.counts);
        QCOMPARE(again->random.mean, r->random.mean);
        // Hard negatives score at least as high as the mean random pair.
        QVERIFY(r->hardNegative.mean > r->random.mean);
        // Bad input.
        options.bins = 0;
        QVERIFY(!similarityDistributions(Q, D, qrels, tie, options).ok());
        options.bins = 20;
        QVERIFY(!similarityDistributions(FloatMatrix(randomMatrix(6, 4, 1)), D, qrels, tie, options).ok());
        Qrels none;
        QVERIFY(!similarityDistributions(Q, D, none, tie, options).ok());
    }

    void scifactDocuments()
    {
        const QString dir = embtune::test::sharedScifact();
        if (dir.isEmpty())
            QSKIP("../shared/datasets/scifact is absent (set EMBTUNE_SHARED_DIR)");
        auto docs = readNpyMatrix((dir + "/embeddings/lsa256/corpus.npy").toStdString());
        QVERIFY(docs.ok());
        auto s = computeAnisotropy(docs->map());
        QVERIFY(s.ok());
        QCOMPARE(s->rows, int64_t(5183));
        QCOMPARE(s->dim, int64_t(256));
        for (double v : {s->averagePairCosine, s->averageCentroidCosine, s->partitionIsotropy, s->effectiveRank,
                         s->explainedVariance1, s->explainedVariance5, s->explainedVariance10})
            QVERIFY(std::isfinite(v));
        QVERIFY(s->averagePairCosine > -0.01 && s->averagePairCosine < 1);
        QVERIFY(s->partitionIsotropy > 0 && s->partitionIsotropy <= 1);
        QVERIFY(s->effectiveRank > 10 && s->effectiveRank <= 256);
        QVERIFY(s->explainedVariance1 <= s->explainedVariance5 && s->explainedVariance5 <= s->explainedVariance10);
        QVERIFY(s->explainedVariance10 <= 1);
        qInfo("lsa256 documents: pair cos %.5f, centroid cos %.5f, I(W) %.5f, erank %.2f, EV1/5/10 %.4f/%.4f/%.4f",
              s->averagePairCosine, s->averageCentroidCosine, s->partitionIsotropy, s->effectiveRank,
              s->explainedVariance1, s->explainedVariance5, s->explainedVariance10);
    }
};

QTEST_APPLESS_MAIN(TestAnalysis)
#include "test_analysis.moc"
