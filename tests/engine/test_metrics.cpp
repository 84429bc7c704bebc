// Metrics on hand-computed examples (graded gains, ties, queries without relevant documents),
// and the fast cumulative implementation against the direct per-k reference.

#include "eval/metrics.h"

#include <QtTest>

#include <random>

using namespace embtune::engine;

class TestMetrics : public QObject {
    Q_OBJECT

    // Docs 0..5 = a b c d e f. q0: b:2 d:1 f:1 e:0; q1: c:1; q2: only e:0 (no relevant).
    static Qrels handQrels()
    {
        Qrels qrels;
        qrels.queries.push_back({0, {{1, 2}, {3, 1}, {4, 0}, {5, 1}}});
        qrels.queries.push_back({1, {{2, 1}}});
        qrels.queries.push_back({2, {{4, 0}}});
        return qrels;
    }
    static Ranking handRanking()
    {
        Ranking r;
        r.k = 5;
        r.queries = {0, 1, 2};
        r.docs = {1, 0, 3, 2, 4, /* q1 */ 0, 1, 4, 3, 2, /* q2 */ 4, 0, 1, 2, 3};
        r.scores.assign(r.docs.size(), 0.0f);
        return r;
    }

private slots:
    void handComputedValues()
    {
        const std::vector<int> ks{1, 3, 5};
        const MetricResults m = evaluateRanking(handRanking(), handQrels(),
                                                {std::begin(kAllMetrics), std::end(kAllMetrics)}, ks);
        QCOMPARE(m.queries.size(), size_t(2));
        QCOMPARE(m.excludedNoRelevant, 1);
        const double idcg = 2.0 + 1.0 / std::log2(3.0) + 0.5; // gains 2,1,1 at ranks 1..3
        auto v = [&](Metric metric, int k, int q) { return m.values(metric, k)[size_t(q)]; };
        QVERIFY(qFuzzyCompare(v(Metric::Ndcg, 1, 0), 1.0));
        QVERIFY(qFuzzyCompare(v(Metric::Ndcg, 3, 0), 2.5 / idcg));
        QVERIFY(qFuzzyCompare(v(Metric::Ndcg, 5, 0), 2.5 / idcg));
        QCOMPARE(v(Metric::Ndcg, 3, 1), 0.0);
        QVERIFY(qFuzzyCompare(v(Metric::Ndcg, 5, 1), 1.0 / std::log2(6.0)));
        QVERIFY(qFuzzyCompare(v(Metric::Recall, 1, 0), 1.0 / 3));
        QVERIFY(qFuzzyCompare(v(Metric::Recall, 3, 0), 2.0 / 3));
        QVERIFY(qFuzzyCompare(v(Metric::Recall, 5, 1), 1.0));
        QVERIFY(qFuzzyCompare(v(Metric::CappedRecall, 1, 0), 1.0));
        QVERIFY(qFuzzyCompare(v(Metric::CappedRecall, 5, 0), 2.0 / 3));
        QVERIFY(qFuzzyCompare(v(Metric::Precision, 3, 0), 2.0 / 3));
        QVERIFY(qFuzzyCompare(v(Metric::Precision, 5, 0), 0.4));
        QVERIFY(qFuzzyCompare(v(Metric::Precision, 5, 1), 0.2));
        QVERIFY(qFuzzyCompare(v(Metric::Mrr, 1, 0), 1.0));
        QCOMPARE(v(Metric::Mrr, 3, 1), 0.0);
        QVERIFY(qFuzzyCompare(v(Metric::Mrr, 5, 1), 0.2));
        QVERIFY(qFuzzyCompare(v(Metric::Map, 1, 0), 1.0 / 3));
        QVERIFY(qFuzzyCompare(v(Metric::Map, 3, 0), (1.0 + 2.0 / 3) / 3));
        QVERIFY(qFuzzyCompare(v(Metric::Map, 5, 1), 0.2));
        // Means over the two evaluated queries.
        QVERIFY(qFuzzyCompare(m.mean(Metric::Precision, 5), 0.3));
        QVERIFY(qFuzzyCompare(m.mean(Metric::Mrr, 5), 0.6));
    }

    void kBeyondListLengthCountsMisses()
    {
        Ranking r = handRanking();
        const MetricResults m = evaluateRanking(r, handQrels(), {Metric::Precision, Metric::Recall}, {10});
        QVERIFY(qFuzzyCompare(m.values(Metric::Precision, 10)[0], 0.2));
        QVERIFY(qFuzzyCompare(m.values(Metric::Recall, 10)[0], 2.0 / 3));
    }

    void unjudgedQueriesAreSkipped()
    {
        Ranking r = handRanking();
        r.queries[1] = 9; // not in qrels
        const MetricResults m = evaluateRanking(r, handQrels(), {Metric::Ndcg}, {5});
        QCOMPARE(m.queries, std::vector<int32_t>{0});
    }

    void fastMatchesReferenceOnRandomRankings()
    {
        std::mt19937 rng(7);
        const int docs = 40, queries = 50, k = 20;
        Qrels qrels;
        Ranking r;
        r.k = k;
        for (int q = 0; q < queries; ++q) {
            QueryJudgements judged{q, {}};
            for (int d = 0; d < docs; ++d)
                if (rng() % 5 == 0)
                    judged.judged.push_back({d, int(rng() % 4)}); // gains 0..3
            if (judged.relevantCount() == 0)
                judged.judged.push_back({int(rng() % docs), 1});
            std::sort(judged.judged.begin(), judged.judged.end(), [](auto &a, auto &b) { return a.doc < b.doc; });
            judged.judged.erase(std::unique(judged.judged.begin(), judged.judged.end(),
                                            [](auto &a, auto &b) { return a.doc == b.doc; }),
                                judged.judged.end());
            qrels.queries.push_back(judged);
            std::vector<int32_t> perm(docs);
            std::iota(perm.begin(), perm.end(), 0);
            std::shuffle(perm.begin(), perm.end(), rng);
            r.queries.push_back(q);
            r.docs.insert(r.docs.end(), perm.begin(), perm.begin() + k);
        }
        r.scores.assign(r.docs.size(), 0.0f);
        const std::vector<int> ks{1, 2, 5, 10, 20, 25};
        const MetricResults m = evaluateRanking(r, qrels, {std::begin(kAllMetrics), std::end(kAllMetrics)}, ks);
        QCOMPARE(m.queries.size(), size_t(queries));
        for (Metric metric : kAllMetrics)
            for (int kk : ks)
                for (int q = 0; q < queries; ++q) {
                    const std::vector<int32_t> list(r.docsOf(size_t(q)), r.docsOf(size_t(q)) + k);
                    const double expected = metricReference(metric, kk, list, qrels.queries[size_t(q)]);
                    QVERIFY2(std::abs(m.values(metric, kk)[size_t(q)] - expected) < 1e-12,
                             qPrintable(QString("%1@%2 query %3").arg(metricName(metric)).arg(kk).arg(q)));
                }
    }

    void metricKeysRoundTrip()
    {
        for (Metric m : kAllMetrics) {
            Metric parsed;
            QVERIFY(metricFromKey(metricKey(m), parsed));
            QCOMPARE(int(parsed), int(m));
        }
        Metric unused;
        QVERIFY(!metricFromKey("bogus", unused));
    }
};

QTEST_APPLESS_MAIN(TestMetrics)
#include "test_metrics.moc"
