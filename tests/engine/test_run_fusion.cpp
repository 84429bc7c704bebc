// Fused runs through the run pipeline (engine/run/run_fusion.h) on a generated collection where
// BM25 finds one relevant document of each query and the vectors the other: the fusion chosen
// on dev finds both, is never worse on dev than a member, and its lists are the members' lists
// fused (checked against fuseRankings on the members' own rankings).

#include "run/run_fusion.h"
#include "run/run_pipeline.h"
#include "run/run_report.h"
#include "search/ranking.h"
#include "support/fixtures.h"

#include <QTemporaryDir>
#include <QtTest>

#include <random>

using namespace embtune::engine;
using namespace embtune::test;

namespace {

constexpr int kDocs = 300, kQueries = 60, kTest = 40, kDim = 16;

// Query i: relevant "lexical" document 2i (the query's words are its words) and "dense"
// document 2i+1 (the query's vector is its vector plus noise); queries 0-39 are judged in test,
// 40-59 in train (the dev list).
void writeCollection(const std::filesystem::path &dir)
{
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> word(0, 1999);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::vector<std::vector<int>> words(kDocs);
    std::string corpus, queries, test = "query-id\tcorpus-id\tscore\n", train = test, dev, docIds, queryIds;
    for (int d = 0; d < kDocs; ++d) {
        std::string text;
        for (int w = 0; w < 12; ++w) {
            words[size_t(d)].push_back(word(rng));
            text += "w" + std::to_string(words[size_t(d)].back()) + " ";
        }
        corpus += "{\"_id\": \"d" + std::to_string(d) + "\", \"text\": \"" + text + "\"}\n";
        docIds += "d" + std::to_string(d) + "\n";
    }
    std::vector<float> docVectors(size_t(kDocs) * kDim), queryVectors(size_t(kQueries) * kDim);
    for (float &x : docVectors)
        x = gauss(rng);
    for (int q = 0; q < kQueries; ++q) {
        const int lexical = 2 * q, dense = 2 * q + 1;
        std::string text;
        for (int w = 0; w < 3; ++w)
            text += "w" + std::to_string(words[size_t(lexical)][size_t(w)]) + " ";
        const std::string id = "q" + std::to_string(q);
        queries += "{\"_id\": \"" + id + "\", \"text\": \"" + text + "\"}\n";
        queryIds += id + "\n";
        for (int j = 0; j < kDim; ++j)
            queryVectors[size_t(q) * kDim + size_t(j)] = docVectors[size_t(dense) * kDim + size_t(j)] + 0.6f * gauss(rng);
        std::string &qrels = q < kTest ? test : train;
        qrels += id + "\td" + std::to_string(lexical) + "\t1\n" + id + "\td" + std::to_string(dense) + "\t1\n";
        if (q >= kTest)
            dev += id + "\n";
    }
    writeText(dir / "corpus.jsonl", corpus);
    writeText(dir / "queries.jsonl", queries);
    writeText(dir / "qrels" / "test.tsv", test);
    writeText(dir / "qrels" / "train.tsv", train);
    writeText(dir / "splits" / "dev.txt", dev);
    writeBytes(dir / "emb" / "corpus.npy", npyHeader("<f4", kDocs, kDim) + rawBytes(docVectors));
    writeBytes(dir / "emb" / "queries.npy", npyHeader("<f4", kQueries, kDim) + rawBytes(queryVectors));
    writeText(dir / "emb" / "corpus_ids.txt", docIds);
    writeText(dir / "emb" / "query_ids.txt", queryIds);
}

} // namespace

class TestRunFusion : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    RunSpec fusionSpec() const
    {
        const std::string root = path(m_dir).string();
        RunSpec spec;
        spec.dataset = root;
        spec.base = RunBase::Fusion;
        spec.devQueries = root + "/splits/dev.txt";
        RunSpec bm25, dense;
        bm25.dataset = dense.dataset = root;
        bm25.base = RunBase::Bm25;
        dense.embeddings = root + "/emb";
        spec.members = {bm25, dense};
        return spec;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        writeCollection(path(m_dir));
    }

    void fusionFindsWhatEachMemberMisses_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<int>("normalization");
        QTest::newRow("convex-zscore") << int(FusionMethod::Convex) << int(ScoreNormalization::ZScore);
        QTest::newRow("convex-tmm") << int(FusionMethod::Convex) << int(ScoreNormalization::TheoreticalMinMax);
        QTest::newRow("rrf") << int(FusionMethod::Rrf) << int(ScoreNormalization::ZScore);
        QTest::newRow("combmnz-minmax") << int(FusionMethod::CombMnz) << int(ScoreNormalization::MinMax);
    }
    void fusionFindsWhatEachMemberMisses()
    {
        QFETCH(int, method);
        QFETCH(int, normalization);
        RunSpec spec = fusionSpec();
        spec.fusion.options.method = FusionMethod(method);
        spec.fusion.options.normalization = ScoreNormalization(normalization);
        auto result = runPipeline(spec, {}, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().toString().c_str());
        QVERIFY(result->fusion);
        const FusionRecord &fusion = *result->fusion;
        QCOMPARE(fusion.members.size(), size_t(2));
        QCOMPARE(fusion.memberNames[0], std::string("bm25"));
        QVERIFY(fusion.chosenOnDev);
        QCOMPARE(fusion.devQueries, int64_t(kQueries - kTest));
        const double bestDev = std::max(fusion.choice.memberDevScores[0], fusion.choice.memberDevScores[1]);
        QVERIFY(fusion.choice.devScore >= bestDev);
        const double fused = result->evaluation.metrics.mean(Metric::Ndcg, 10);
        for (const auto &member : fusion.members)
            QVERIFY2(fused > member->evaluation.metrics.mean(Metric::Ndcg, 10) + 0.1,
                     qPrintable(QString("fused %1, member %2").arg(fused).arg(member->evaluation.metrics.mean(Metric::Ndcg, 10))));
        QVERIFY(fusion.choice.weights[0] > 0 && fusion.choice.weights[1] > 0);

        // The fused lists are the members' own top-100 lists fused with the chosen weights.
        const std::vector<int32_t> priority = tiePriorityByIdDescending(result->dataset->docIds.ids());
        FusionOptions options = spec.fusion.options;
        options.rrfK = fusion.choice.rrfK;
        const Ranking reference = fuseRankings({{&fusion.members[0]->evaluation.ranking, 0.0},
                                                {&fusion.members[1]->evaluation.ranking, -1.0}},
                                               fusion.choice.weights, options, priority, 100);
        QCOMPARE(result->evaluation.ranking.queries, reference.queries);
        QCOMPARE(result->evaluation.ranking.docs, reference.docs);

        // The report has "fused" keyed as evaluate keys its metrics, the members and the weights.
        const std::string report = runReportJson(*result);
        for (const char *key : {"\"fused\"", "\"ndcg@10\"", "\"members\"", "\"weights\"", "\"dev_curve\"", "\"spec\""})
            QVERIFY2(report.find(key) != std::string::npos, key);
    }

    void breakdownAddsUpToTheFusedScore()
    {
        auto result = runPipeline(fusionSpec(), {}, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().toString().c_str());
        const Ranking &ranking = result->evaluation.ranking;
        const std::vector<double> &w = result->fusion->choice.weights;
        for (size_t row = 0; row < 5; ++row) {
            const std::vector<int32_t> top(ranking.docsOf(row), ranking.docsOf(row) + 10);
            auto breakdown = fusionBreakdown(*result, ranking.queries[row], top);
            QVERIFY2(breakdown.ok(), breakdown.ok() ? "" : breakdown.error().toString().c_str());
            for (size_t j = 0; j < top.size(); ++j) {
                const auto &c = (*breakdown)[j];
                QCOMPARE(c.size(), size_t(2));
                QVERIFY(c[0].rank > 0 || c[1].rank > 0); // a fused document comes from some member
                const double score = w[0] * c[0].value + w[1] * c[1].value;
                // One query searched alone may differ from the batch in the scores' last bits.
                const double scale = std::abs(w[0] * c[0].value) + std::abs(w[1] * c[1].value) + 1e-3;
                QVERIFY2(std::abs(score - ranking.scoresOf(row)[j]) <= 1e-5 * scale,
                         qPrintable(QString("%1 vs %2").arg(score).arg(ranking.scoresOf(row)[j])));
            }
        }
    }

    void devQueriesInTheEvaluatedSplitAreReported()
    {
        RunSpec spec = fusionSpec();
        spec.split = "train"; // where the dev queries are judged
        auto result = runPipeline(spec, {}, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().toString().c_str());
        const bool warned = std::any_of(result->warnings.begin(), result->warnings.end(), [](const std::string &w) {
            return w.find("20 of the 20 dev queries") != std::string::npos && w.find("optimistic") != std::string::npos;
        });
        QVERIFY(warned);
        auto clean = runPipeline(fusionSpec(), {}, nullptr);
        QVERIFY(clean.ok());
        QVERIFY(std::none_of(clean->warnings.begin(), clean->warnings.end(),
                             [](const std::string &w) { return w.find("optimistic") != std::string::npos; }));
    }

    // Member runs the caller holds (the GUI's): the same fused run as when the pipeline makes them;
    // a wrong count or a run of another dataset is refused.
    void givenMemberRunsFuseAlike()
    {
        const RunSpec spec = fusionSpec();
        auto made = runPipeline(spec, {}, nullptr);
        QVERIFY2(made.ok(), made.ok() ? "" : made.error().toString().c_str());
        RunInputs inputs;
        inputs.dataset = made->dataset;
        inputs.members = made->fusion->members;
        auto given = runPipeline(spec, inputs, nullptr);
        QVERIFY2(given.ok(), given.ok() ? "" : given.error().toString().c_str());
        QCOMPARE(given->fusion->members[0], made->fusion->members[0]); // used, not run again
        QCOMPARE(given->fusion->memberNames, made->fusion->memberNames);
        QCOMPARE(given->fusion->choice.weights, made->fusion->choice.weights);
        QCOMPARE(given->evaluation.ranking.docs, made->evaluation.ranking.docs);
        QCOMPARE(given->evaluation.metrics.mean(Metric::Ndcg, 10), made->evaluation.metrics.mean(Metric::Ndcg, 10));

        inputs.members.pop_back();
        QVERIFY(!runPipeline(spec, inputs, nullptr).ok());
        inputs.members = made->fusion->members;
        inputs.dataset = std::make_shared<const Dataset>(*made->dataset); // an equal copy is another dataset
        QVERIFY(!runPipeline(spec, inputs, nullptr).ok());
    }

    // BM25's k1 and b chosen with the weights: the first best point of the grid on dev (never
    // worse than the defaults, its first point), and the member is the BM25 run with them.
    void bm25ParametersChosenOnDev()
    {
        RunSpec fixed = fusionSpec();
        auto withDefaults = runPipeline(fixed, {}, nullptr);
        QVERIFY2(withDefaults.ok(), withDefaults.ok() ? "" : withDefaults.error().toString().c_str());
        RunSpec spec = fusionSpec();
        spec.members[0].bm25 = {0.0, 1.0, true}; // replaced by a point of the grid
        QVERIFY(validateRunSpec(spec).ok());
        auto chosen = runPipeline(spec, {}, nullptr);
        QVERIFY2(chosen.ok(), chosen.ok() ? "" : chosen.error().toString().c_str());
        const RunResult &bm25 = *chosen->fusion->members[0];
        QVERIFY(std::find(std::begin(kBm25K1Grid), std::end(kBm25K1Grid), bm25.spec.bm25.k1) != std::end(kBm25K1Grid));
        QVERIFY(std::find(std::begin(kBm25BGrid), std::end(kBm25BGrid), bm25.spec.bm25.b) != std::end(kBm25BGrid));
        QVERIFY(chosen->fusion->choice.devScore >= withDefaults->fusion->choice.devScore);
        // The slow reference: the fusion with each fixed (k1, b) of the grid; the choice is the
        // first best on dev.
        double best = -1, bestK1 = 0, bestB = 0;
        for (double k1 : kBm25K1Grid)
            for (double b : kBm25BGrid) {
                RunSpec at = fusionSpec();
                at.members[0].bm25 = {k1, b, false};
                auto run = runPipeline(at, {}, nullptr);
                QVERIFY(run.ok());
                if (run->fusion->choice.devScore > best)
                    best = run->fusion->choice.devScore, bestK1 = k1, bestB = b;
            }
        QCOMPARE(chosen->fusion->choice.devScore, best);
        QCOMPARE(bm25.spec.bm25.k1, bestK1);
        QCOMPARE(bm25.spec.bm25.b, bestB);
        qInfo("k1 %g, b %g chosen on dev: %.4f (k1 0.9, b 0.4: %.4f)", bestK1, bestB, best,
              withDefaults->fusion->choice.devScore);
        QCOMPARE(bm25.bm25->options().k1, bm25.spec.bm25.k1);
        // The member's figures are those of a BM25 run made with the chosen values.
        RunSpec alone = spec.members[0];
        alone.bm25 = {bm25.spec.bm25.k1, bm25.spec.bm25.b, false};
        auto reference = runPipeline(alone, {}, nullptr);
        QVERIFY(reference.ok());
        QCOMPARE(bm25.evaluation.ranking.docs, reference->evaluation.ranking.docs);
        QCOMPARE(bm25.evaluation.metrics.mean(Metric::Ndcg, 10), reference->evaluation.metrics.mean(Metric::Ndcg, 10));
        const std::string report = runReportJson(*chosen);
        QVERIFY(report.find("\"chosen_on_dev\": true") != std::string::npos);
        // It is chosen with the weights: given weights leave nothing to choose it with.
        spec.fusion.weights = {0.5, 0.5};
        QVERIFY(!validateRunSpec(spec).ok());
    }

    // Composition (base "run"): NUDGE-N on the vectors a linear adapter made equals NUDGE-N run
    // on those vectors given as an embedding set; its baseline is the adapter's run; the spec's
    // chain round-trips through JSON. (Train = dev = the dev list: the pipelines are compared.)
    void composedRunStartsFromTheBaseRun()
    {
        const std::string root = path(m_dir).string();
        RunSpec linear;
        linear.dataset = root;
        linear.embeddings = root + "/emb";
        linear.method = "linear";
        linear.params = {{"epochs", "3"}};
        linear.trainQueries = linear.devQueries = root + "/splits/dev.txt";
        RunSpec composed;
        composed.dataset = root;
        composed.base = RunBase::Run;
        composed.baseRun = {linear};
        composed.method = "nudge-n";
        composed.trainQueries = composed.devQueries = linear.devQueries;
        QVERIFY2(validateRunSpec(composed).ok(), validateRunSpec(composed).ok() ? "" : validateRunSpec(composed).error().toString().c_str());
        auto back = runSpecFromJson(runSpecToJson(composed));
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().toString().c_str());
        QVERIFY(*back == composed);

        auto chained = runPipeline(composed, {}, nullptr);
        QVERIFY2(chained.ok(), chained.ok() ? "" : chained.error().toString().c_str());
        auto first = runPipeline(linear, {}, nullptr);
        QVERIFY(first.ok() && first->tuned);
        RunSpec second = composed;
        second.base = RunBase::Embeddings;
        second.baseRun.clear();
        RunInputs given;
        given.dataset = first->dataset;
        given.embeddings = first->tuned;
        auto reference = runPipeline(second, given, nullptr);
        QVERIFY2(reference.ok(), reference.ok() ? "" : reference.error().toString().c_str());

        QVERIFY(chained->baseRun && chained->tuned);
        QCOMPARE(chained->evaluation.ranking.docs, reference->evaluation.ranking.docs);
        QCOMPARE(chained->evaluation.metrics.mean(Metric::Ndcg, 10), reference->evaluation.metrics.mean(Metric::Ndcg, 10));
        // Its baseline is the adapter's run: the adapter's vectors searched exactly.
        QCOMPARE(chained->baseline->ranking.docs, first->evaluation.ranking.docs);
        // NUDGE moved documents of the adapter's set: the final vectors are neither stage's input.
        const FloatMatrix &before = first->tuned->docs, &after = chained->tuned->docs;
        QCOMPARE(after.rows(), before.rows());
        QVERIFY(!std::equal(after.data(), after.data() + after.rows() * after.cols(), before.data()));
        QVERIFY(chained->tuned->provenance.embedder.find("+linear+nudge-n") != std::string::npos);

        RunSpec untrained = composed;
        untrained.baseRun.front().method = "none";
        QVERIFY(!validateRunSpec(untrained).ok());
        RunSpec missing = composed;
        missing.baseRun.clear();
        QVERIFY(!validateRunSpec(missing).ok());
        RunSpec stray = linear;
        stray.baseRun = {linear};
        QVERIFY(!validateRunSpec(stray).ok());
    }

    void givenWeightsNeedNoDev()
    {
        RunSpec spec = fusionSpec();
        spec.devQueries.clear();
        spec.fusion.weights = {0, 3}; // the dense member alone
        auto result = runPipeline(spec, {}, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().toString().c_str());
        QVERIFY(!result->fusion->chosenOnDev);
        QCOMPARE(result->fusion->choice.weights, (std::vector<double>{0, 1}));
        const EvaluationReport &dense = result->fusion->members[1]->evaluation;
        QCOMPARE(result->evaluation.ranking.docs, dense.ranking.docs);
        QCOMPARE(result->evaluation.metrics.mean(Metric::Ndcg, 10), dense.metrics.mean(Metric::Ndcg, 10));
    }

    void cancels()
    {
        Progress progress([](const ProgressEvent &) { return false; });
        auto result = runPipeline(fusionSpec(), {}, &progress);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Cancelled);
    }
};

QTEST_APPLESS_MAIN(TestRunFusion)
#include "test_run_fusion.moc"
