// Exact search: blocked multithreaded GEMM path against the slow reference, tie-breaking by
// document id descending, exclusion of a document per query, cancellation.

#include "search/exact_search.h"

#include <QtTest>

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
