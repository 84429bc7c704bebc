// Exact search: blocked multithreaded GEMM path against the slow reference, tie-breaking by
// document id descending, exclusion of a document per query, cancellation.

#include "search/exact_search.h"

#include <QtTest>

#include <cstring>
#include <random>

using namespace embtune::engine;

class TestExactSearch : public QObject {
    Q_OBJECT

    static FloatMatrix randomMatrix(int64_t rows, int64_t cols, uint32_t seed, bool integerValued)
    {
        std::mt19937 rng(seed);
        std::normal_distribution<float> normal;
        std::vector<float> v(size_t(rows * cols));
        for (auto &x : v)
            x = integerValued ? float(int(rng() % 7) - 3) : normal(rng);
        return FloatMatrix(rows, cols, std::move(v));
    }
    static std::vector<int32_t> iota(int32_t n)
    {
        std::vector<int32_t> v(static_cast<size_t>(n));
        std::iota(v.begin(), v.end(), 0);
        return v;
    }

private slots:
    void matchesReference_data()
    {
        QTest::addColumn<int>("similarity");
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("docBlock");
        QTest::addColumn<bool>("integerValued");
        QTest::newRow("dot int 1 thread") << int(Similarity::Dot) << 1 << 64 << true;
        QTest::newRow("dot int 3 threads small blocks") << int(Similarity::Dot) << 3 << 7 << true;
        QTest::newRow("cosine float 2 threads") << int(Similarity::Cosine) << 2 << 100 << false;
        QTest::newRow("dot float 2 threads") << int(Similarity::Dot) << 2 << 2048 << false;
    }
    void matchesReference()
    {
        QFETCH(int, similarity);
        QFETCH(int, threads);
        QFETCH(int, docBlock);
        QFETCH(bool, integerValued);
        // Integer-valued vectors give many exact ties, which must break identically.
        const FloatMatrix docs = randomMatrix(500, 8, 1, integerValued);
        const FloatMatrix queries = randomMatrix(37, 8, 2, integerValued);
        std::vector<int32_t> priority = iota(500);
        std::shuffle(priority.begin(), priority.end(), std::mt19937(3));
        const std::vector<int32_t> rows{0, 5, 36, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 20, 30};
        ExactSearchOptions options;
        options.k = 25;
        options.similarity = Similarity(similarity);
        options.threads = threads;
        options.queryBlock = 4;
        options.docBlock = docBlock;
        auto fast = exactSearch(docs, queries, rows, priority, options);
        QVERIFY(fast.ok());
        const Ranking slow = exactSearchReference(docs, queries, rows, priority, 25, Similarity(similarity));
        QCOMPARE(fast->queries, slow.queries);
        for (size_t i = 0; i < slow.docs.size(); ++i) {
            QVERIFY(std::abs(fast->scores[i] - slow.scores[i]) < 1e-4f);
            if (integerValued && Similarity(similarity) == Similarity::Dot)
                QCOMPARE(fast->docs[i], slow.docs[i]); // exact arithmetic: identical lists
        }
        if (!integerValued) { // float rounding may swap near-ties only
            int differences = 0;
            for (size_t i = 0; i < slow.docs.size(); ++i)
                differences += fast->docs[i] != slow.docs[i];
            QVERIFY(differences <= 2);
        }
    }

    // The fast path without a normalised copy gives exactly what searching the copy gives: the
    // same documents and bit-equal scores, for every block size and thread count.
    void normalizedDocumentBlocksEqualANormalizedCopy()
    {
        FloatMatrix docs = randomMatrix(700, 24, 11, false);
        std::vector<float> values(docs.data(), docs.data() + docs.rows() * docs.cols());
        for (int c = 0; c < 24; ++c)
            values[size_t(5 * 24 + c)] = 0.0f; // a zero row stays zero
        for (int c = 0; c < 24; ++c)
            values[size_t(9 * 24 + c)] *= 40.0f; // norms far from 1, or the test could pass by luck
        docs = FloatMatrix(700, 24, std::move(values));
        const FloatMatrix queries(normalizedRows(randomMatrix(50, 24, 12, false).map()));
        const FloatMatrix copy(normalizedRows(docs.map()));
        for (const auto &[threads, docBlock] : {std::pair{1, 2048}, std::pair{2, 64}, std::pair{3, 8}}) {
            ExactSearchOptions options;
            options.k = 20;
            options.similarity = Similarity::Dot;
            options.threads = threads;
            options.docBlock = docBlock;
            auto expected = exactSearch(copy, queries, iota(50), iota(700), options);
            options.normalizeDocuments = true;
            auto fast = exactSearch(docs, queries, iota(50), iota(700), options);
            QVERIFY(expected.ok() && fast.ok());
            QCOMPARE(fast->docs, expected->docs);
            QVERIFY(std::memcmp(fast->scores.data(), expected->scores.data(), fast->scores.size() * sizeof(float)) == 0);
            options.normalizeDocuments = false;
            auto raw = exactSearch(docs, queries, iota(50), iota(700), options);
            QVERIFY(raw.ok() && raw->docs != expected->docs); // the raw rows do rank differently
        }
        ExactSearchOptions cosine;
        cosine.normalizeDocuments = true;
        QVERIFY(!exactSearch(docs, queries, iota(5), iota(700), cosine).ok());
    }

    // A derived matrix (unit base rows, some rows replaced) reads as its full matrix everywhere:
    // data(), copyRows, zero rows, identical rows; and exact search over it, which never builds
    // it, gives the same lists and bit-equal scores as a search over a stored copy.
    void overlayReadsAsItsFullMatrix()
    {
        const int64_t n = 203, d = 6; // 24-byte rows: alignment differs from row to row
        std::vector<float> values(size_t(n * d));
        std::mt19937 rng(5);
        std::normal_distribution<float> normal;
        for (auto &x : values)
            x = normal(rng) * 3.0f;
        for (int c = 0; c < d; ++c) {
            values[size_t(40 * d + c)] = values[size_t(12 * d + c)]; // duplicate documents
            values[size_t(61 * d + c)] = 0.0f;                       // a zero document
            values[size_t(62 * d + c)] = 0.0f;                       // zero, then replaced
        }
        const FloatMatrix base(n, d, values);
        RowMatrixXf moved(3, d);
        moved.row(0) = normalizedRows(base.map()).row(12); // equal to documents 12 and 40
        moved.row(1) = RowMatrixXf::Constant(1, d, 0.25f);
        moved.row(2) = RowMatrixXf::Constant(1, d, -0.5f);
        const std::vector<int32_t> rows{150, 3, 62};
        const FloatMatrix derived = FloatMatrix::unitRowsWithOverlay(base, rows, moved);

        RowMatrixXf expected = normalizedRows(base.map());
        for (size_t k = 0; k < rows.size(); ++k)
            expected.row(rows[k]) = moved.row(Eigen::Index(k));
        const FloatMatrix stored(expected);
        QVERIFY(derived.overlay() && !stored.overlay());
        QCOMPARE(derived.overlay()->rows, (std::vector<int32_t>{3, 62, 150}));

        // Scans read blocks, never the full matrix (checked before data() builds it).
        QCOMPARE(zeroRows(derived), (std::vector<int64_t>{61}));
        const std::vector<int32_t> identical = firstIdenticalRows(derived);
        QCOMPARE(identical, firstIdenticalRows(stored.map()));
        QCOMPARE(identical[40], 12);
        QCOMPARE(identical[150], 12);
        RowMatrixXf block;
        derived.copyRows(8, 100, block);
        QVERIFY(std::memcmp(block.data(), expected.data() + 8 * d, size_t(100 * d) * sizeof(float)) == 0);
        for (const Similarity similarity : {Similarity::Dot, Similarity::Cosine}) {
            for (const auto &[threads, docBlock] : {std::pair{1, 2048}, std::pair{2, 8}}) {
                ExactSearchOptions options;
                options.k = 15;
                options.similarity = similarity;
                options.threads = threads;
                options.docBlock = docBlock;
                const FloatMatrix queries = randomMatrix(30, d, 6, false);
                auto fromStored = exactSearch(stored, queries, iota(30), iota(int32_t(n)), options);
                auto fromDerived = exactSearch(derived, queries, iota(30), iota(int32_t(n)), options);
                QVERIFY(fromStored.ok() && fromDerived.ok());
                QCOMPARE(fromDerived->docs, fromStored->docs);
                QVERIFY(std::memcmp(fromDerived->scores.data(), fromStored->scores.data(),
                                    fromStored->scores.size() * sizeof(float)) == 0);
                // The replaced rows count: the base read as unit rows ranks differently.
                auto unreplaced = exactSearch(FloatMatrix(normalizedRows(base.map())), queries, iota(30),
                                              iota(int32_t(n)), options);
                QVERIFY(unreplaced.ok() && unreplaced->docs != fromStored->docs);
            }
        }
        // Normalised blocks of a derived matrix (an adapter trained on NUDGE-moved documents).
        ExactSearchOptions normalizing;
        normalizing.k = 15;
        normalizing.similarity = Similarity::Dot;
        normalizing.normalizeDocuments = true;
        const FloatMatrix unitQueries(normalizedRows(randomMatrix(30, d, 7, false).map()));
        auto fromCopy = exactSearch(FloatMatrix(normalizedRows(stored.map())), unitQueries, iota(30), iota(int32_t(n)),
                                    [&] { auto o = normalizing; o.normalizeDocuments = false; return o; }());
        auto fromBlocks = exactSearch(derived, unitQueries, iota(30), iota(int32_t(n)), normalizing);
        QVERIFY(fromCopy.ok() && fromBlocks.ok());
        QCOMPARE(fromBlocks->docs, fromCopy->docs);
        QVERIFY(std::memcmp(fromBlocks->scores.data(), fromCopy->scores.data(), fromCopy->scores.size() * sizeof(float)) == 0);
        QVERIFY(!derived.isMapped());

        QVERIFY(std::memcmp(derived.data(), expected.data(), size_t(n * d) * sizeof(float)) == 0);
        QCOMPARE(derived.row(150)[0], moved(0, 0));
    }

    void tiesBreakByIdDescending()
    {
        // Four identical vectors: trec_eval order is by id descending in string order.
        const std::vector<std::string> ids{"007", "7", "10", "a"};
        const FloatMatrix docs(4, 2, std::vector<float>{1, 0, 1, 0, 1, 0, 0, 1});
        const FloatMatrix queries(1, 2, std::vector<float>{1, 0});
        ExactSearchOptions options;
        options.k = 4;
        auto r = exactSearch(docs, queries, {0}, tiePriorityByIdDescending(ids), options);
        QVERIFY(r.ok());
        QCOMPARE(std::vector<int32_t>(r->docs.begin(), r->docs.end()), (std::vector<int32_t>{1, 2, 0, 3}));
    }

    void shortListsArePadded()
    {
        const FloatMatrix docs(2, 2, std::vector<float>{1, 0, 0, 1});
        const FloatMatrix queries(1, 2, std::vector<float>{1, 1});
        ExactSearchOptions options;
        options.k = 4;
        auto r = exactSearch(docs, queries, {0}, {0, 1}, options, {1});
        QVERIFY(r.ok());
        QCOMPARE(r->docs, (std::vector<int32_t>{0, -1, -1, -1}));
    }

    void excludesDocumentPerQuery()
    {
        const FloatMatrix docs = randomMatrix(50, 4, 5, false);
        const FloatMatrix queries = docs; // query i is document i
        ExactSearchOptions options;
        options.k = 3;
        const std::vector<int32_t> rows = iota(50);
        auto plain = exactSearch(docs, queries, rows, iota(50), options);
        auto excluded = exactSearch(docs, queries, rows, iota(50), options, rows);
        QVERIFY(plain.ok() && excluded.ok());
        for (int i = 0; i < 50; ++i) {
            QCOMPARE(plain->docsOf(size_t(i))[0], i);
            for (int r = 0; r < 3; ++r)
                QVERIFY(excluded->docsOf(size_t(i))[r] != i);
            QCOMPARE(excluded->docsOf(size_t(i))[0], plain->docsOf(size_t(i))[1]);
        }
    }

    void zeroVectorsScoreZeroUnderCosine()
    {
        const FloatMatrix docs(2, 2, std::vector<float>{0, 0, -1, 0});
        const FloatMatrix queries(1, 2, std::vector<float>{1, 0});
        ExactSearchOptions options;
        options.k = 2;
        auto r = exactSearch(docs, queries, {0}, {0, 1}, options);
        QVERIFY(r.ok());
        QCOMPARE(r->docs, (std::vector<int32_t>{0, 1}));
        QCOMPARE(r->scores[0], 0.0f);
        QCOMPARE(r->scores[1], -1.0f);
    }

    void badArgumentsAreUsageErrors()
    {
        const FloatMatrix docs(2, 2, std::vector<float>{1, 0, 0, 1});
        const FloatMatrix wrongDim(1, 3, std::vector<float>{1, 0, 0});
        auto r = exactSearch(docs, wrongDim, {0}, {0, 1}, {});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Usage);
    }

    void cancellation()
    {
        const FloatMatrix docs = randomMatrix(5000, 8, 1, false);
        const FloatMatrix queries = randomMatrix(10, 8, 2, false);
        ExactSearchOptions options;
        options.docBlock = 100;
        options.threads = 2;
        int calls = 0;
        Progress progress([&](const ProgressEvent &) { return ++calls < 3; });
        auto r = exactSearch(docs, queries, iota(10), iota(5000), options, {}, &progress);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
    }
};

QTEST_APPLESS_MAIN(TestExactSearch)
#include "test_exact_search.moc"
