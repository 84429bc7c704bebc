// Degenerate but legal input (issue 15, items 12 and 13).
//
// Zero vectors (a text with no term in the embedder's vocabulary, a zero row of imported
// vectors): cosine is undefined. A run reports them (count, set, first ids), every method fits
// on the rest of the train and dev queries with no NaN anywhere, and zero queries are ranked as
// the README says (score 0 against every document, documents in tie order), also under HNSW.
//
// Exact duplicate documents: identical vectors score identically wherever a ranking is made, so
// the tie rule (score descending, then document id descending) orders them in exact search, in
// the HNSW rerank and in the dev selection inside methods: what a method reports for its chosen
// epoch or gamma is what the final evaluator measures on the same vectors.

#include "eval/hnsw_evaluation.h"
#include "eval/retrieval_evaluation.h"
#include "methods/method.h"
#include "methods/nudge.h"
#include "run/run_pipeline.h"
#include "search/exact_search.h"
#include "search/hnsw_index.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

using namespace embtune::engine;

namespace {

// Standard normal draws by Box-Muller from the raw engine output (the same on every library).
Eigen::VectorXf gaussian(int n, std::mt19937_64 &rng)
{
    auto uniform = [&] { return (double(rng() >> 11) + 0.5) * 0x1.0p-53; };
    Eigen::VectorXf v(n);
    for (int i = 0; i < n; ++i)
        v[i] = float(std::sqrt(-2 * std::log(uniform())) * std::cos(2 * M_PI * uniform()));
    return v;
}

// Ids whose string order is not the index order: the tie rule must be seen to decide.
std::string scrambledId(const char *prefix, int index, int count)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%s%03d", prefix, (index * 37 + 11) % count);
    return buffer;
}

// The fixture: 64 documents in 8 dimensions, 16 groups of 5 queries (3 train, 1 dev, 1 test);
// group g asks for document g (group 7 also for document 47, an exact copy of document 7).
//   Zero documents: 5 (the answer of group 5), 60..63 (their texts are the dev queries of groups
//   9..12, so a text-reading method scores them high for those queries, whose vectors are far
//   from their answers).
//   Duplicates: 40, 41, 42 = document 3 (answered by group 3); 43..46 = document 20 (no group's);
//   47 = document 7 (both answered by group 7).
//   Zero queries: group 0's first training query, the dev queries of groups 1 and 2, the test
//   query of group 4.
// Query vectors are their document's plus noise; texts share words with their document.
constexpr int kDocs = 64, kGroups = 16, kDim = 8;
const std::vector<int> kZeroDocs{5, 60, 61, 62, 63};

struct Fixture {
    Dataset dataset;
    EmbeddingSet set;
    std::vector<int32_t> train, dev, test;
    std::vector<int32_t> zeroTrain, zeroDev, zeroTest;
};

Fixture makeFixture()
{
    Fixture f;
    std::mt19937_64 rng(15);
    RowMatrixXf docs(kDocs, kDim);
    for (int j = 0; j < kDocs; ++j) {
        f.dataset.docIds.add(scrambledId("d", j, kDocs));
        f.dataset.docs.push_back({"title" + std::to_string(j), "word" + std::to_string(j) + " common text"});
        docs.row(j) = gaussian(kDim, rng).transpose();
    }
    for (int j : kZeroDocs)
        docs.row(j).setZero();
    for (int j : {40, 41, 42})
        docs.row(j) = docs.row(3);
    for (int j : {43, 44, 45, 46})
        docs.row(j) = docs.row(20);
    docs.row(47) = docs.row(7);

    std::vector<float> queryValues;
    for (int g = 0; g < kGroups; ++g)
        for (int k = 0; k < 5; ++k) {
            const auto q = int32_t(f.dataset.queryIds.size());
            f.dataset.queryIds.add(scrambledId("q", q, kGroups * 5));
            f.dataset.queries.push_back("word" + std::to_string(g) + " title" + std::to_string(g) + " query" +
                                        std::to_string(k));
            const float noise = g >= 9 && g <= 12 && k == 3 ? 3.0f : 0.7f;
            Eigen::VectorXf v = docs.row(g).transpose() + noise * gaussian(kDim, rng);
            const bool zero = (g == 0 && k == 0) || ((g == 1 || g == 2) && k == 3) || (g == 4 && k == 4);
            if (zero)
                v.setZero();
            queryValues.insert(queryValues.end(), v.data(), v.data() + kDim);
            QueryJudgements judged{q, {{g, 1}}};
            if (g == 7)
                judged.judged.push_back({47, 1});
            const char *split = k < 3 ? "train" : k == 3 ? "dev" : "test";
            f.dataset.splits[split].queries.push_back(judged);
            (k < 3 ? f.train : k == 3 ? f.dev : f.test).push_back(q);
            if (zero)
                (k < 3 ? f.zeroTrain : k == 3 ? f.zeroDev : f.zeroTest).push_back(q);
        }
    for (int j = 60; j < 64; ++j)
        f.dataset.docs[size_t(j)] = {"", f.dataset.queries[size_t(5 * (j - 51) + 3)]};
    // The dev queries a method selects on (those with a vector), for the final evaluator.
    Qrels usableDev;
    for (const QueryJudgements &q : f.dataset.splits["dev"].queries)
        if (std::find(f.zeroDev.begin(), f.zeroDev.end(), q.query) == f.zeroDev.end())
            usableDev.queries.push_back(q);
    f.dataset.splits["dev_nonzero"] = usableDev;
    f.set.name = "fixture";
    f.set.source = "fixture-vectors";
    f.set.docs = FloatMatrix(docs);
    f.set.queries = FloatMatrix(f.dataset.queryCount(), kDim, std::move(queryValues));
    f.set.hasQueryVector.assign(size_t(f.dataset.queryCount()), 1);
    return f;
}

const Fixture &fixture()
{
    static const Fixture f = makeFixture();
    return f;
}

bool allFinite(const FloatMatrix &m)
{
    return m.map().allFinite();
}

// The number after "key": in a JSON text, or NaN.
double jsonNumber(const std::string &json, const std::string &key)
{
    const size_t at = json.find("\"" + key + "\":");
    return at == std::string::npos ? std::nan("") : std::strtod(json.c_str() + at + key.size() + 3, nullptr);
}

// The numbers of the array after "key": in a JSON text.
std::vector<double> jsonNumbers(const std::string &json, const std::string &key)
{
    std::vector<double> out;
    size_t at = json.find("\"" + key + "\":[");
    if (at == std::string::npos)
        return out;
    const char *p = json.c_str() + at + key.size() + 4;
    while (*p && *p != ']') {
        char *end = nullptr;
        out.push_back(std::strtod(p, &end));
        p = end;
        if (*p == ',')
            ++p;
    }
    return out;
}

bool contains(const std::vector<std::string> &warnings, const std::vector<std::string> &parts)
{
    return std::any_of(warnings.begin(), warnings.end(), [&](const std::string &w) {
        return std::all_of(parts.begin(), parts.end(), [&](const std::string &p) { return w.find(p) != std::string::npos; });
    });
}

std::string quoted(const std::string &id)
{
    return "\"" + id + "\"";
}

// The final evaluator (as `embtune-cli train` evaluates a run) on `model`'s vectors.
EvaluationReport evaluateModel(const Fixture &f, const TunedModel &model, const std::string &split,
                               const std::vector<int> &ks)
{
    EmbeddingSet tuned = f.set;
    tuned.docs = model.tunedDocuments();
    tuned.queries = FloatMatrix(model.transformDatasetQueries(f.dataset, f.set.queries.map()));
    EvaluationOptions options;
    options.split = split;
    options.ks = ks;
    options.metrics = {Metric::Ndcg, Metric::Precision};
    options.similarity = model.similarity();
    options.threads = 1;
    auto report = evaluateEmbeddings(f.dataset, tuned, options);
    if (!report)
        qFatal("evaluation failed: %s", report.error().toString().c_str());
    return std::move(*report);
}

// Random vectors with copies of row 0 at `copies`, and ids whose order is not the index order.
struct DuplicateCorpus {
    FloatMatrix docs, queries;
    std::vector<std::string> ids;
    std::vector<int32_t> group; // row 0 and its copies
};

DuplicateCorpus duplicateCorpus(int n, int dim, int queries, const std::vector<int> &copies, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    RowMatrixXf docs(n, dim), q(queries, dim);
    for (int j = 0; j < n; ++j)
        docs.row(j) = gaussian(dim, rng).transpose();
    DuplicateCorpus out;
    out.group = {0};
    for (int j : copies) {
        docs.row(j) = docs.row(0);
        out.group.push_back(j);
    }
    for (int i = 0; i < queries; ++i)
        q.row(i) = docs.row(0) + 0.3f * gaussian(dim, rng).transpose();
    for (int j = 0; j < n; ++j)
        out.ids.push_back(scrambledId("doc", j, n));
    out.docs = FloatMatrix(docs);
    out.queries = FloatMatrix(q);
    return out;
}

} // namespace

class TestDegenerateInput : public QObject {
    Q_OBJECT

    static void methodRows()
    {
        QTest::addColumn<QString>("id");
        for (const Method *method : registeredMethods())
            QTest::newRow(method->spec().id.c_str()) << QString::fromStdString(method->spec().id);
    }

private slots:
    // Item 12: every method runs the whole pipeline on zero vectors: finite vectors, models and
    // metrics, and the warnings name the zero queries and documents.
    void everyMethodRunsOnZeroVectors_data() { methodRows(); }
    void everyMethodRunsOnZeroVectors()
    {
        QFETCH(QString, id);
        const Fixture &f = fixture();
        RunSpec spec;
        spec.method = id.toStdString();
        spec.trainQueries = "(given train)";
        spec.devQueries = "(given dev)";
        spec.ks = {1, 10};
        spec.threads = 1;
        RunInputs inputs;
        inputs.dataset = std::make_shared<const Dataset>(f.dataset);
        inputs.embeddings = std::make_shared<const EmbeddingSet>(f.set);
        inputs.trainQueries = f.train;
        inputs.devQueries = f.dev;
        auto result = runPipeline(spec, inputs, nullptr);
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().toString().c_str());

        QVERIFY2(allFinite(result->tuned->docs), "tuned documents are not finite");
        QVERIFY2(allFinite(result->tuned->queries), "tuned queries are not finite");
        for (const ModelTensor &t : result->model->adapter().tensors)
            QVERIFY2(std::all_of(t.values.begin(), t.values.end(), [](float v) { return std::isfinite(v); }),
                     qPrintable(QString::fromStdString("tensor " + t.name + " is not finite")));
        QVERIFY2(result->fit->reportJson.find("null") == std::string::npos,
                 qPrintable(QString::fromStdString("the fit report has a non-finite value: " + result->fit->reportJson)));
        for (const EvaluationReport *report : {&*result->baseline, &result->evaluation})
            for (const auto &[key, values] : report->metrics.perQuery)
                for (double v : values)
                    QVERIFY2(std::isfinite(v), "a metric is not finite");

        const auto &w = result->warnings;
        const auto &ids = f.dataset.queryIds;
        QVERIFY2(contains(w, {"1 of 16 evaluated queries", "\"fixture\"", quoted(ids.id(f.zeroTest[0]))}),
                 "no warning names the zero test query");
        QVERIFY2(contains(w, {"5 of 64 documents", "\"fixture\"", quoted(f.dataset.docIds.id(5)),
                              quoted(f.dataset.docIds.id(60)), quoted(f.dataset.docIds.id(61))}),
                 "no warning names the zero documents");
        QVERIFY2(contains(w, {"1 training (" + quoted(ids.id(f.zeroTrain[0])) + ")",
                              "2 dev (" + quoted(ids.id(f.zeroDev[0])) + ", " + quoted(ids.id(f.zeroDev[1])) + ")",
                              "left out of training and dev selection"}),
                 "no warning names the zero training and dev queries");
    }

    // Items 12 and 13: the dev figure a method selects with is the final evaluator's on the
    // returned vectors, over the dev queries that have a vector (zero ones are skipped); the
    // fixture's duplicates tie with the documents they copy.
    void devSelectionIsTheFinalEvaluation_data() { methodRows(); }
    void devSelectionIsTheFinalEvaluation()
    {
        QFETCH(QString, id);
        const Fixture &f = fixture();
        const Method &method = *findMethod(id.toStdString());
        TrainingData data;
        data.dataset = &f.dataset;
        data.embeddings = &f.set;
        data.trainQueries = f.train;
        data.devQueries = f.dev;
        data.trainQrels = f.dataset.judgementsFor(f.train);
        data.devQrels = f.dataset.judgementsFor(f.dev);
        data.threads = 1;
        auto model = method.fit(data, *ParamValues::parse(method.spec(), {}), nullptr);
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().toString().c_str());
        const std::string report = (*model)->reportJson();
        const EvaluationReport dev = evaluateModel(f, **model, "dev_nonzero", {1, 10});

        const double bestDev = jsonNumber(report, "best_dev_ndcg10");
        if (!std::isnan(bestDev))
            QVERIFY2(std::abs(bestDev - dev.metrics.mean(Metric::Ndcg, 10)) <= 1e-9,
                     qPrintable(QString("best_dev_ndcg10 %1, the final evaluator's dev nDCG@10 %2")
                                    .arg(bestDev, 0, 'g', 12).arg(dev.metrics.mean(Metric::Ndcg, 10), 0, 'g', 12)));
        if (id == "nudge-n") {
            // accuracy@1 of the chosen gamma = P@1 (every dev query here has one relevant
            // document, or two identical ones of which only the first in tie order counts).
            const std::vector<double> grid = jsonNumbers(report, "gamma_grid"), accuracy = jsonNumbers(report, "dev_accuracy");
            const double gamma = jsonNumber(report, "gamma");
            QCOMPARE(grid.size(), accuracy.size());
            const auto chosen = size_t(std::find(grid.begin(), grid.end(), gamma) - grid.begin());
            QVERIFY(chosen < grid.size());
            QVERIFY2(std::abs(accuracy[chosen] - dev.metrics.mean(Metric::Precision, 1)) <= 1e-9,
                     qPrintable(QString("dev accuracy@1 %1 at gamma %2, the final evaluator's P@1 %3")
                                    .arg(accuracy[chosen]).arg(gamma).arg(dev.metrics.mean(Metric::Precision, 1))));
            QCOMPARE(jsonNumber(report, "dev_queries"), double(f.dev.size() - f.zeroDev.size()));
        }
        if (id == "nudge-m")
            QCOMPARE(jsonNumber(report, "dev_pairs"), double(f.dev.size() - f.zeroDev.size() + 1)); // group 7: two pairs
    }

    // Item 13, NUDGE-N's dev selection: documents answered by training queries have unanswered
    // copies, and at gamma 0 (nothing moves) each dev query's answer ties with its copy. The dev
    // accuracy@1 breaks those ties as the final evaluator does (so does every grid point).
    void nudgeNDevAccuracyBreaksTiesLikeTheEvaluator_data()
    {
        QTest::addColumn<QString>("gamma");
        QTest::newRow("gamma 0") << "0";
        QTest::newRow("grid") << "-1";
    }
    void nudgeNDevAccuracyBreaksTiesLikeTheEvaluator()
    {
        QFETCH(QString, gamma);
        const int n = 300, groups = 60, dim = 48;
        std::mt19937_64 rng(31);
        RowMatrixXf docs(n, dim), queries(3 * groups, dim);
        for (int j = 0; j < n; ++j)
            docs.row(j) = gaussian(dim, rng).transpose();
        Dataset dataset;
        for (int j = 0; j < n; ++j) {
            dataset.docIds.add(scrambledId("d", j, n));
            dataset.docs.push_back({});
        }
        TrainingData data;
        for (int g = 0; g < groups; ++g) {
            docs.row(100 + g) = docs.row(g); // an unanswered copy of the answer
            for (int k = 0; k < 3; ++k) {
                const auto q = int32_t(dataset.queryIds.size());
                dataset.queryIds.add(scrambledId("q", q, 3 * groups));
                dataset.queries.push_back("");
                queries.row(q) = docs.row(g) + 0.2f * gaussian(dim, rng).transpose();
                dataset.splits[k < 2 ? "train" : "dev"].queries.push_back({q, {{g, 1}}});
                (k < 2 ? data.trainQueries : data.devQueries).push_back(q);
            }
        }
        EmbeddingSet set;
        set.name = "copies";
        set.docs = FloatMatrix(docs);
        set.queries = FloatMatrix(queries);
        set.hasQueryVector.assign(size_t(queries.rows()), 1);
        data.dataset = &dataset;
        data.embeddings = &set;
        data.trainQrels = dataset.judgementsFor(data.trainQueries);
        data.devQrels = dataset.judgementsFor(data.devQueries);
        data.threads = 1;
        NudgeMethod method(NudgeMethod::Variant::N);
        auto model = method.fit(data, *ParamValues::parse(method.spec(), {{"gamma", gamma.toStdString()}}), nullptr);
        QVERIFY(model.ok());
        const std::string report = (*model)->reportJson();
        const std::vector<double> grid = jsonNumbers(report, "gamma_grid"), accuracy = jsonNumbers(report, "dev_accuracy");
        const auto chosen = size_t(std::find(grid.begin(), grid.end(), jsonNumber(report, "gamma")) - grid.begin());
        QVERIFY(chosen < accuracy.size());

        EmbeddingSet tuned = set;
        tuned.docs = (*model)->tunedDocuments();
        EvaluationOptions options;
        options.split = "dev";
        options.ks = {1};
        options.metrics = {Metric::Precision};
        options.threads = 1;
        auto evaluated = evaluateEmbeddings(dataset, tuned, options);
        QVERIFY(evaluated.ok());
        QVERIFY2(std::abs(accuracy[chosen] - evaluated->metrics.mean(Metric::Precision, 1)) <= 1e-9,
                 qPrintable(QString("dev accuracy@1 %1 at gamma %2, the final evaluator's P@1 %3")
                                .arg(accuracy[chosen]).arg(grid[chosen]).arg(evaluated->metrics.mean(Metric::Precision, 1))));
    }

    // Item 13, NUDGE-M's closed form: an identical competitor (a = b = 0) that wins ties keeps
    // x from ranking first at every gamma; one that loses ties is no constraint.
    void nudgeMIdenticalCompetitorFollowsTheTieRule()
    {
        GammaIntervalBuilder losesTie(0.5, 0.2);
        losesTie.addCompetitor(0.5, 0.2, true);
        QVERIFY(!losesTie.interval().valid);
        GammaIntervalBuilder winsTie(0.5, 0.2);
        winsTie.addCompetitor(0.5, 0.2, false);
        QVERIFY(winsTie.interval().valid);
        QCOMPARE(winsTie.interval().lo, 0.0);
        QCOMPARE(winsTie.interval().hi, 1e8);
    }

    // Item 13: copies of a vector at positions where a matrix product rounds differently rank
    // together, in tie order, with one score; as the double-precision reference ranks them.
    void exactSearchOrdersDuplicatesByTheTieRule_data()
    {
        QTest::addColumn<int>("similarity");
        QTest::addColumn<int>("threads");
        QTest::newRow("cosine, 1 thread") << int(Similarity::Cosine) << 1;
        QTest::newRow("cosine, 2 threads") << int(Similarity::Cosine) << 2;
        QTest::newRow("dot, 1 thread") << int(Similarity::Dot) << 1;
    }
    void exactSearchOrdersDuplicatesByTheTieRule()
    {
        QFETCH(int, similarity);
        QFETCH(int, threads);
        const int n = 1003;
        const DuplicateCorpus c = duplicateCorpus(n, 37, 131, {1, 2, 3, 4, 5, 501, 1001, 1002}, 3);
        const std::vector<int32_t> priority = tiePriorityByIdDescending(c.ids);
        std::vector<int32_t> expected = c.group;
        std::sort(expected.begin(), expected.end(), [&](int32_t a, int32_t b) { return priority[a] > priority[b]; });
        std::vector<int32_t> rows(131);
        std::iota(rows.begin(), rows.end(), 0);
        // Each query leaves out one document: none, the group's best, or another one.
        std::vector<int32_t> exclude(rows.size(), -1);
        for (size_t i = 0; i < rows.size(); ++i)
            exclude[i] = i % 3 == 0 ? -1 : i % 3 == 1 ? expected[0] : int32_t(200 + i);
        ExactSearchOptions options;
        options.k = 20;
        options.similarity = Similarity(similarity);
        options.threads = threads;
        options.docBlock = 512; // the copies fall in different blocks too
        auto ranking = exactSearch(c.docs, c.queries, rows, priority, options, exclude);
        QVERIFY(ranking.ok());
        const Ranking reference =
            exactSearchReference(c.docs, c.queries, rows, priority, options.k, Similarity(similarity), exclude);
        for (size_t i = 0; i < rows.size(); ++i) {
            std::vector<int32_t> group = expected;
            group.erase(std::remove(group.begin(), group.end(), exclude[i]), group.end());
            const int32_t *docs = ranking->docsOf(i);
            const float *scores = ranking->scoresOf(i);
            // The copies are the nearest documents of every query here.
            QVERIFY2(std::equal(group.begin(), group.end(), docs),
                     qPrintable(QString("query %1: the copies are not in tie order").arg(i)));
            for (size_t r = 1; r < group.size(); ++r)
                QCOMPARE(scores[r], scores[0]);
            QVERIFY(scores[group.size()] < scores[0]);
            QVERIFY2(std::equal(group.begin(), group.end(), reference.docsOf(i)),
                     qPrintable(QString("query %1: the reference orders the copies otherwise").arg(i)));
        }
    }

    // Item 12: a zero query scores 0 against every document (its list is the documents in tie
    // order) and a zero document scores 0; zero documents are copies of each other too.
    void exactSearchRanksZeroVectorsByTheTieRule()
    {
        const int n = 300;
        DuplicateCorpus c = duplicateCorpus(n, 16, 4, {}, 9);
        RowMatrixXf docs = c.docs.map(), queries = c.queries.map();
        for (int j : {7, 150, 299})
            docs.row(j).setZero();
        queries.row(2).setZero();
        const std::vector<int32_t> priority = tiePriorityByIdDescending(c.ids);
        std::vector<int32_t> byPriority(n);
        std::iota(byPriority.begin(), byPriority.end(), 0);
        std::sort(byPriority.begin(), byPriority.end(), [&](int32_t a, int32_t b) { return priority[a] > priority[b]; });
        ExactSearchOptions options;
        options.k = n;
        auto ranking = exactSearch(FloatMatrix(docs), FloatMatrix(queries), {0, 1, 2, 3}, priority, options);
        QVERIFY(ranking.ok());
        // The zero query: every document at 0, in tie order.
        QVERIFY(std::equal(byPriority.begin(), byPriority.end(), ranking->docsOf(2)));
        for (int r = 0; r < n; ++r)
            QCOMPARE(ranking->scoresOf(2)[r], 0.0f);
        // Other queries: the zero documents score 0, next to each other in tie order.
        std::vector<int32_t> zeroDocs{7, 150, 299};
        std::sort(zeroDocs.begin(), zeroDocs.end(), [&](int32_t a, int32_t b) { return priority[a] > priority[b]; });
        for (size_t row : {0, 1, 3}) {
            const int32_t *list = ranking->docsOf(row);
            const auto at = std::find(list, list + n, zeroDocs[0]) - list;
            QVERIFY(at + 3 <= n);
            QVERIFY(std::equal(zeroDocs.begin(), zeroDocs.end(), list + at));
            for (int r = 0; r < 3; ++r)
                QCOMPARE(ranking->scoresOf(row)[at + r], 0.0f);
        }
    }

    // Items 12 and 13 under HNSW: the rerank orders copies by the tie rule, and a zero query's
    // list is the exact one (the graph cannot order equal distances).
    void hnswEvaluationRanksLikeExactSearch()
    {
        const int n = 200;
        DuplicateCorpus c = duplicateCorpus(n, 12, 12, {17, 90, 133, 199}, 21);
        RowMatrixXf queries = c.queries.map();
        queries.row(5).setZero();
        std::mt19937_64 rng(4);
        queries.row(6) = gaussian(12, rng).transpose(); // not near the copies
        Dataset dataset;
        for (int j = 0; j < n; ++j) {
            dataset.docIds.add(c.ids[size_t(j)]);
            dataset.docs.push_back({});
        }
        for (int i = 0; i < 12; ++i) {
            dataset.queryIds.add("q" + std::to_string(i));
            dataset.queries.push_back("");
            dataset.splits["test"].queries.push_back({i, {{i + 20, 1}}});
        }
        EmbeddingSet set;
        set.name = "copies";
        set.docs = c.docs;
        set.queries = FloatMatrix(queries);
        set.hasQueryVector.assign(12, 1);
        HnswParameters parameters;
        parameters.efSearch = 400;
        auto index = HnswIndex::build(set.docs, c.ids, parameters, 1);
        QVERIFY(index.ok());
        EvaluationOptions options;
        options.ks = {1, 10};
        options.threads = 1;
        auto hnsw = evaluateWithHnswIndex(dataset, set, *index, options, nullptr);
        auto exact = evaluateEmbeddings(dataset, set, options);
        QVERIFY(hnsw.ok() && exact.ok());
        const Ranking &a = hnsw->report.ranking, &b = exact->ranking;
        QCOMPARE(a.queries, b.queries);
        for (size_t row = 0; row < a.size(); ++row)
            QVERIFY2(std::equal(a.docsOf(row), a.docsOf(row) + 10, b.docsOf(row)),
                     qPrintable(QString("query %1: HNSW's top 10 differs from exact search's").arg(row)));
        QVERIFY(contains(hnsw->report.warnings, {"1 of 12 evaluated queries", "\"q5\""}));
    }
};

QTEST_APPLESS_MAIN(TestDegenerateInput)
#include "test_degenerate_input.moc"
