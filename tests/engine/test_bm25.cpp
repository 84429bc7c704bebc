// BM25: the inverted-index search against a direct evaluation of the formula, tie-breaking,
// exclusion, pair scoring, and the SciFact acceptance figure when present.

#include "data/beir_reader.h"
#include "eval/retrieval_evaluation.h"
#include "search/bm25.h"
#include "support/fixtures.h"

#include <QtTest>

#include <cmath>
#include <map>

using namespace embtune::engine;

class TestBm25 : public QObject {
    Q_OBJECT

    static std::vector<std::string> corpus()
    {
        return {"apple banana apple", "banana cherry", "cherry cherry cherry durian", "apple", "elderberry fig grape",
                "banana banana banana banana banana apple"};
    }
    // Direct formula, no index.
    static double reference(const std::string &query, int doc, const Bm25Options &options)
    {
        const Tokenizer tokenizer(options.tokenizer);
        std::vector<std::vector<std::string>> docs;
        double total = 0;
        for (const auto &text : corpus()) {
            docs.push_back(tokenizer.tokenize(text));
            total += double(docs.back().size());
        }
        const double n = double(docs.size()), avg = total / n;
        double score = 0;
        for (const auto &term : tokenizer.tokenize(query)) {
            double df = 0;
            for (const auto &d : docs)
                df += std::count(d.begin(), d.end(), term) > 0;
            if (df == 0)
                continue;
            const double idf = std::log(1 + (n - df + 0.5) / (df + 0.5));
            const double tf = double(std::count(docs[size_t(doc)].begin(), docs[size_t(doc)].end(), term));
            score += idf * tf * (options.k1 + 1) /
                     (tf + options.k1 * (1 - options.b + options.b * double(docs[size_t(doc)].size()) / avg));
        }
        return score;
    }

private slots:
    void matchesDirectFormula()
    {
        Bm25Options options;
        options.tokenizer = {1, false};
        const Bm25Index index = Bm25Index::build(corpus(), options);
        QCOMPARE(index.documentCount(), 6);
        const std::vector<std::string> queries{"apple", "banana cherry", "cherry cherry", "fig nothing", "zzz"};
        const std::vector<int32_t> priority{0, 1, 2, 3, 4, 5};
        auto ranking = index.search(queries, {0, 1, 2, 3, 4}, 6, priority);
        QVERIFY(ranking.ok());
        for (size_t q = 0; q < queries.size(); ++q) {
            std::vector<std::pair<double, int>> expected;
            for (int d = 0; d < 6; ++d) {
                const double s = reference(queries[q], d, options);
                if (s > 0)
                    expected.push_back({-s, -d}); // score desc, then larger priority first
            }
            std::sort(expected.begin(), expected.end());
            for (size_t r = 0; r < 6; ++r) {
                const int32_t doc = ranking->docsOf(q)[r];
                if (r < expected.size()) {
                    QCOMPARE(doc, -expected[r].second);
                    QVERIFY(std::abs(ranking->scoresOf(q)[r] + expected[r].first) < 1e-5);
                } else {
                    QCOMPARE(doc, -1); // documents sharing no term are not returned
                }
            }
            const std::vector<int32_t> all{0, 1, 2, 3, 4, 5};
            const auto pairScores = index.scoreDocuments(queries[q], all);
            for (int d = 0; d < 6; ++d)
                QVERIFY(std::abs(pairScores[size_t(d)] - reference(queries[q], d, options)) < 1e-5);
        }
    }

    // Other k1 and b on the same postings score as the direct formula with them, and the
    // original index keeps its own.
    void withParametersMatchesTheFormula()
    {
        Bm25Options options;
        options.tokenizer = {1, false};
        const Bm25Index index = Bm25Index::build(corpus(), options);
        Bm25Options other = options;
        other.k1 = 1.7;
        other.b = 0.85;
        const Bm25Index changed = index.withParameters(other.k1, other.b);
        QCOMPARE(changed.options().k1, 1.7);
        QCOMPARE(changed.vocabularySize(), index.vocabularySize());
        const std::vector<int32_t> all{0, 1, 2, 3, 4, 5};
        for (const std::string &query : {std::string("apple"), std::string("banana cherry"), std::string("cherry cherry")}) {
            const auto changedScores = changed.scoreDocuments(query, all), scores = index.scoreDocuments(query, all);
            bool differs = false;
            for (int d = 0; d < 6; ++d) {
                QVERIFY(std::abs(changedScores[size_t(d)] - reference(query, d, other)) < 1e-5);
                QVERIFY(std::abs(scores[size_t(d)] - reference(query, d, options)) < 1e-5);
                differs = differs || std::abs(changedScores[size_t(d)] - scores[size_t(d)]) > 1e-4;
            }
            QVERIFY(differs);
        }
    }

    void tiesAndExclusion()
    {
        const Bm25Index index = Bm25Index::build({"alpha beta", "alpha beta", "gamma"}, {});
        auto ranking = index.search({"alpha"}, {7}, 3, {5, 9, 1}, {});
        QVERIFY(ranking.ok());
        QCOMPARE(ranking->queries, std::vector<int32_t>{7});
        QCOMPARE(ranking->docsOf(0)[0], 1); // equal scores: larger priority first
        QCOMPARE(ranking->docsOf(0)[1], 0);
        auto excluded = index.search({"alpha"}, {7}, 3, {5, 9, 1}, {1});
        QVERIFY(excluded.ok());
        QCOMPARE(excluded->docsOf(0)[0], 0);
        QCOMPARE(excluded->docsOf(0)[1], -1);
        QVERIFY(!index.search({"a"}, {}, 3, {5, 9, 1}).ok());
    }

    void scifactNdcgAtLeast066()
    {
        const QString dir = embtune::test::sharedScifact();
        if (dir.isEmpty())
            QSKIP("../shared/datasets/scifact is absent; set EMBTUNE_SHARED_DIR to run this test");
        auto ds = readBeirDataset(dir.toStdString());
        QVERIFY(ds.ok());
        const Bm25Index index = Bm25Index::build(documentTexts(*ds));
        const auto priority = tiePriorityByIdDescending(ds->docIds.ids());
        RankingSource source = [&](const std::vector<int32_t> &queries, int32_t k, const std::vector<int32_t> &exclude,
                                   Progress *progress) {
            std::vector<std::string> texts;
            for (int32_t q : queries)
                texts.push_back(ds->queries[size_t(q)]);
            return index.search(texts, queries, k, priority, exclude, progress);
        };
        EvaluationOptions options;
        options.ks = {10};
        auto report = evaluateRankings(*ds, source, options);
        QVERIFY(report.ok());
        const double ndcg = report->metrics.mean(Metric::Ndcg, 10);
        qInfo("BM25 on SciFact test: nDCG@10 = %.5f", ndcg);
        QVERIFY2(ndcg >= 0.66, qPrintable(QString::number(ndcg)));
    }
};

QTEST_APPLESS_MAIN(TestBm25)
#include "test_bm25.moc"
