// Fusion of ranked lists (engine/fusion): every method and normalisation against a direct
// computation of the formulas in docs/methods.md, the tie rule, and the dev choice of weights.

#include "fusion/fusion_weights.h"
#include "fusion/score_fusion.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>

using namespace embtune::engine;

namespace {

// A member's lists for `queries` rows over `docs` documents: `depth` distinct documents with
// descending scores drawn from `scores` (with `ties`, a few repeats make ties).
Ranking randomRanking(std::mt19937 &rng, int32_t rows, int32_t docs, int32_t depth, int32_t listed,
                      std::uniform_real_distribution<float> scores, bool ties = true)
{
    Ranking r;
    r.k = depth;
    for (int32_t q = 0; q < rows; ++q) {
        r.queries.push_back(q);
        std::vector<int32_t> ids(static_cast<size_t>(docs));
        std::iota(ids.begin(), ids.end(), 0);
        std::shuffle(ids.begin(), ids.end(), rng);
        std::vector<float> s;
        for (int32_t i = 0; i < listed; ++i)
            s.push_back(ties && i > 0 && rng() % 5 == 0 ? s.back() : scores(rng));
        std::sort(s.begin(), s.end(), std::greater<>());
        for (int32_t i = 0; i < depth; ++i) {
            r.docs.push_back(i < listed ? ids[size_t(i)] : -1);
            r.scores.push_back(i < listed ? s[size_t(i)] : 0.0f);
        }
    }
    return r;
}

// The formulas, written out per query without the engine's code.
double referenceNormalized(const std::vector<double> &s, size_t i, ScoreNormalization n, int depth, double theoreticalMin)
{
    const double top = *std::max_element(s.begin(), s.end()), bottom = *std::min_element(s.begin(), s.end());
    if (top == bottom)
        return 0;
    switch (n) {
    case ScoreNormalization::MinMax: return (s[i] - bottom) / (top - bottom);
    case ScoreNormalization::Rank: return 1.0 - double(i) / depth;
    case ScoreNormalization::TheoreticalMinMax: {
        const double low = std::isnan(theoreticalMin) ? bottom : std::min(theoreticalMin, bottom);
        return (s[i] - low) / (top - low);
    }
    case ScoreNormalization::ZScore: {
        double mean = 0, var = 0;
        for (double x : s)
            mean += x;
        mean /= double(s.size());
        for (double x : s)
            var += (x - mean) * (x - mean);
        return (s[i] - mean) / std::sqrt(var / double(s.size()));
    }
    }
    return 0;
}

double referenceFloor(const std::vector<double> &s, ScoreNormalization n, int depth, double theoreticalMin)
{
    if (s.empty() || n == ScoreNormalization::Rank || n == ScoreNormalization::MinMax)
        return 0;
    return referenceNormalized(s, s.size() - 1, n, depth, theoreticalMin);
}

Ranking referenceFusion(const std::vector<FusionMember> &members, const std::vector<double> &weights,
                        const FusionOptions &o, const std::vector<int32_t> &priority, int32_t k)
{
    Ranking out;
    out.k = k;
    out.queries = members[0].ranking->queries;
    for (size_t row = 0; row < out.queries.size(); ++row) {
        std::vector<std::map<int32_t, int>> rankOf(members.size());
        std::vector<std::vector<double>> scores(members.size());
        std::set<int32_t> candidates;
        for (size_t i = 0; i < members.size(); ++i) {
            if (weights[i] <= 0)
                continue;
            const Ranking &r = *members[i].ranking;
            for (int j = 0; j < std::min(o.depth, r.k) && r.docsOf(row)[j] >= 0; ++j) {
                rankOf[i][r.docsOf(row)[j]] = j + 1;
                scores[i].push_back(r.scoresOf(row)[j]);
                candidates.insert(r.docsOf(row)[j]);
            }
        }
        std::vector<std::pair<float, int32_t>> fused;
        for (int32_t d : candidates) {
            double f = 0;
            int hits = 0;
            for (size_t i = 0; i < members.size(); ++i) {
                if (weights[i] <= 0)
                    continue;
                const auto at = rankOf[i].find(d);
                if (at == rankOf[i].end()) {
                    if (o.method == FusionMethod::Convex)
                        f += weights[i] * referenceFloor(scores[i], o.normalization, o.depth, members[i].theoreticalMin);
                    continue;
                }
                ++hits;
                if (o.method == FusionMethod::Rrf)
                    f += weights[i] / (o.rrfK + at->second);
                else
                    f += weights[i] * referenceNormalized(scores[i], size_t(at->second - 1), o.normalization, o.depth,
                                                          members[i].theoreticalMin);
            }
            if (o.method == FusionMethod::CombMnz)
                f *= hits;
            fused.emplace_back(float(f), d);
        }
        std::sort(fused.begin(), fused.end(), [&](const auto &a, const auto &b) {
            return a.first != b.first ? a.first > b.first : priority[size_t(a.second)] > priority[size_t(b.second)];
        });
        for (int j = 0; j < k; ++j) {
            out.docs.push_back(j < int(fused.size()) ? fused[size_t(j)].second : -1);
            out.scores.push_back(j < int(fused.size()) ? fused[size_t(j)].first : 0.0f);
        }
    }
    return out;
}

} // namespace

class TestScoreFusion : public QObject {
    Q_OBJECT

private slots:
    void matchesReference_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<int>("normalization");
        for (FusionMethod m : {FusionMethod::Convex, FusionMethod::CombSum, FusionMethod::CombMnz})
            for (ScoreNormalization n : {ScoreNormalization::ZScore, ScoreNormalization::MinMax, ScoreNormalization::Rank,
                                         ScoreNormalization::TheoreticalMinMax})
                QTest::addRow("%s-%s", fusionMethodName(m), scoreNormalizationName(n)) << int(m) << int(n);
        QTest::addRow("rrf") << int(FusionMethod::Rrf) << int(ScoreNormalization::ZScore);
    }

    void matchesReference()
    {
        QFETCH(int, method);
        QFETCH(int, normalization);
        std::mt19937 rng(7);
        const int32_t rows = 40, docs = 60;
        // A cosine member (scores in [-1, 1], floor -1), a BM25-like one (>= 0), a dot-product one,
        // with short lists (fewer documents than depth) in the second.
        const Ranking a = randomRanking(rng, rows, docs, 20, 20, std::uniform_real_distribution<float>(-0.5f, 1.0f));
        const Ranking b = randomRanking(rng, rows, docs, 20, 12, std::uniform_real_distribution<float>(0.0f, 30.0f));
        const Ranking c = randomRanking(rng, rows, docs, 25, 25, std::uniform_real_distribution<float>(-3.0f, 5.0f));
        const std::vector<FusionMember> members{{&a, -1.0}, {&b, 0.0}, {&c}};
        std::vector<int32_t> priority(docs);
        std::iota(priority.begin(), priority.end(), 0);
        std::shuffle(priority.begin(), priority.end(), rng);
        FusionOptions o;
        o.method = FusionMethod(method);
        o.normalization = ScoreNormalization(normalization);
        o.depth = 15;
        o.rrfK = 60;
        for (const std::vector<double> &w : {std::vector<double>{0.5, 0.3, 0.2}, {1, 0, 0}, {0, 0.4, 0.6}, {1, 1, 1}}) {
            const Ranking fast = fuseRankings(members, w, o, priority, 10);
            const Ranking slow = referenceFusion(members, w, o, priority, 10);
            QCOMPARE(fast.queries, slow.queries);
            QCOMPARE(fast.docs, slow.docs);
            for (size_t i = 0; i < fast.scores.size(); ++i)
                QVERIFY2(std::abs(fast.scores[i] - slow.scores[i]) <= 1e-6f * std::max(1.0f, std::abs(slow.scores[i])),
                         qPrintable(QString::number(i)));
        }
        // A fusion that did nothing (one member's order) would fail here: fusing two members with
        // weight on both changes some list.
        const Ranking fused = fuseRankings(members, {0.5, 0.5, 0}, o, priority, 10);
        const Ranking alone = fuseRankings(members, {1, 0, 0}, o, priority, 10);
        QVERIFY(fused.docs != alone.docs);
    }

    void memberAloneKeepsItsOrder()
    {
        std::mt19937 rng(3);
        const Ranking a = randomRanking(rng, 10, 30, 20, 20, std::uniform_real_distribution<float>(0.0f, 1.0f));
        const Ranking b = randomRanking(rng, 10, 30, 20, 20, std::uniform_real_distribution<float>(0.0f, 1.0f), false);
        std::vector<int32_t> priority(30);
        std::iota(priority.begin(), priority.end(), 0);
        for (ScoreNormalization n : {ScoreNormalization::ZScore, ScoreNormalization::MinMax, ScoreNormalization::Rank,
                                     ScoreNormalization::TheoreticalMinMax}) {
            FusionOptions o;
            o.normalization = n;
            o.depth = 20;
            const Ranking fused = fuseRankings({{&a}, {&b}}, {0, 1}, o, priority, 20);
            QCOMPARE(fused.docs, b.docs);
        }
    }

    void tiesFollowDocumentIdRule()
    {
        // RRF: d1 is first in one list and second in the other, d2 the reverse: equal fused scores.
        Ranking a, b;
        a.k = b.k = 2;
        a.queries = b.queries = {0};
        a.docs = {1, 2};
        b.docs = {2, 1};
        a.scores = b.scores = {0.9f, 0.8f};
        FusionOptions o;
        o.method = FusionMethod::Rrf;
        for (const auto &[priority, first] : {std::pair{std::vector<int32_t>{0, 1, 2}, 2}, {std::vector<int32_t>{0, 2, 1}, 1}}) {
            const Ranking fused = fuseRankings({{&a}, {&b}}, {0.5, 0.5}, o, priority, 2);
            QCOMPARE(fused.scores[0], fused.scores[1]);
            QCOMPARE(fused.docs[0], first); // the larger tie priority (document id descending) first
        }
    }

    void devChoiceNeverWorseThanBestMember()
    {
        // Relevant documents spread over two members' lists: fusing finds more of them in the top 10.
        std::mt19937 rng(11);
        const int32_t rows = 30, docs = 80;
        // Disjoint lists (documents 0-39 and 40-79): each member alone misses one relevant document.
        const Ranking a = randomRanking(rng, rows, docs / 2, 30, 30, std::uniform_real_distribution<float>(0.0f, 1.0f));
        Ranking b = randomRanking(rng, rows, docs / 2, 30, 30, std::uniform_real_distribution<float>(0.0f, 10.0f));
        for (int32_t &d : b.docs)
            d += docs / 2;
        Qrels qrels;
        for (int32_t q = 0; q < rows; ++q) {
            QueryJudgements j;
            j.query = q;
            j.judged.push_back({a.docsOf(size_t(q))[q % 3], 1});
            j.judged.push_back({b.docsOf(size_t(q))[(q + 1) % 3], 2});
            if (j.judged[0].doc == j.judged[1].doc)
                j.judged.pop_back();
            qrels.queries.push_back(j);
        }
        std::vector<int32_t> priority(docs);
        std::iota(priority.begin(), priority.end(), 0);
        for (FusionMethod m : {FusionMethod::Convex, FusionMethod::Rrf, FusionMethod::CombSum, FusionMethod::CombMnz}) {
            FusionOptions o;
            o.method = m;
            o.rrfK = 0; // rrf: k chosen too
            const FusionChoice choice = chooseFusionWeights({{&a}, {&b}}, o, priority, qrels);
            QCOMPARE(choice.memberDevScores.size(), size_t(2));
            const double best = std::max(choice.memberDevScores[0], choice.memberDevScores[1]);
            QVERIFY2(choice.devScore >= best, fusionMethodName(m));
            QVERIFY2(choice.devScore > best + 0.01,
                     qPrintable(QString("%1: fused %2, members %3 %4").arg(fusionMethodName(m)).arg(choice.devScore)
                                    .arg(choice.memberDevScores[0]).arg(choice.memberDevScores[1]))); // here both lists hold relevant documents
            QCOMPARE(choice.weights.size(), size_t(2));
            QVERIFY(std::abs(choice.weights[0] + choice.weights[1] - 1) < 1e-12);
            QCOMPARE(choice.curve.size(), size_t(m == FusionMethod::Rrf ? 21 * std::size(kRrfKGrid) : 21));
        }
    }

    void coordinateAscentBeyondThreeMembers()
    {
        std::mt19937 rng(5);
        const int32_t rows = 20, docs = 60;
        std::vector<Ranking> lists;
        for (int i = 0; i < 4; ++i)
            lists.push_back(randomRanking(rng, rows, docs, 20, 20, std::uniform_real_distribution<float>(0.0f, 1.0f)));
        Qrels qrels;
        for (int32_t q = 0; q < rows; ++q)
            qrels.queries.push_back({q, {{lists[size_t(q % 4)].docsOf(size_t(q))[3], 1}, {lists[0].docsOf(size_t(q))[12], 1}}});
        std::vector<FusionMember> members;
        for (const Ranking &r : lists)
            members.push_back({&r});
        std::vector<int32_t> priority(docs);
        std::iota(priority.begin(), priority.end(), 0);
        const FusionChoice choice = chooseFusionWeights(members, FusionOptions{}, priority, qrels);
        QCOMPARE(choice.memberDevScores.size(), size_t(4));
        QVERIFY(choice.devScore >= *std::max_element(choice.memberDevScores.begin(), choice.memberDevScores.end()));
        const double sum = std::accumulate(choice.weights.begin(), choice.weights.end(), 0.0);
        QVERIFY2(std::abs(sum - 1) < 1e-9, qPrintable(QString::number(sum, 'g', 17)));
        QCOMPARE(fusionDevScore(members, choice.weights, FusionOptions{}, priority, qrels), choice.devScore);
    }
};

QTEST_APPLESS_MAIN(TestScoreFusion)
#include "test_score_fusion.moc"
