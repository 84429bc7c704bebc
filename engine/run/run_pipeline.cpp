#include "run/run_pipeline.h"

#include "embed/embedding_store.h"
#include "eval/hnsw_evaluation.h"
#include "io/json_writer.h"
#include "methods/training_support.h"
#include "run/run_fusion.h"
#include "search/bm25.h"
#include "search/ranking.h"
#include "synth/synthetic_training.h"

#include <algorithm>
#include <chrono>

namespace embtune::engine {
namespace {

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

EvaluationOptions evaluationOptionsOf(const RunSpec &spec, Similarity similarity)
{
    EvaluationOptions options;
    options.split = spec.split;
    options.ks = spec.ks;
    options.metrics = spec.metrics;
    options.similarity = similarity;
    options.threads = spec.threads;
    options.ignoreSameId = spec.ignoreSameId;
    return options;
}

Result<Ranking> searchBm25(const Dataset &dataset, const Bm25Index &index, const std::vector<int32_t> &queries, int32_t k,
                           const std::vector<int32_t> &exclude, Progress *progress)
{
    std::vector<std::string> texts;
    texts.reserve(queries.size());
    for (int32_t q : queries)
        texts.push_back(dataset.queries[size_t(q)]);
    return index.search(texts, queries, k, tiePriorityByIdDescending(dataset.docIds.ids()), exclude, progress);
}

Result<EvaluationReport> evaluateBm25Index(const Dataset &dataset, const RunSpec &spec,
                                           std::shared_ptr<const Bm25Index> index, Progress *progress,
                                           std::shared_ptr<const Bm25Index> &indexOut);

Result<EvaluationReport> evaluateBm25(const Dataset &dataset, const RunSpec &spec, Progress *progress,
                                      std::shared_ptr<const Bm25Index> &indexOut)
{
    if (progress && !progress->step("indexing (BM25)", 0, 1))
        return Error::cancelled();
    Bm25Options bm25;
    bm25.k1 = spec.bm25.k1;
    bm25.b = spec.bm25.b;
    bm25.threads = spec.threads;
    auto index = std::make_shared<const Bm25Index>(Bm25Index::build(documentTexts(dataset), bm25));
    if (progress && !progress->step("indexing (BM25)", 1, 1))
        return Error::cancelled();
    return evaluateBm25Index(dataset, spec, std::move(index), progress, indexOut);
}

Result<EvaluationReport> evaluateBm25Index(const Dataset &dataset, const RunSpec &spec,
                                           std::shared_ptr<const Bm25Index> index, Progress *progress,
                                           std::shared_ptr<const Bm25Index> &indexOut)
{
    const RankingSource source = [&](const std::vector<int32_t> &queries, int32_t k, const std::vector<int32_t> &exclude,
                                     Progress *searchProgress) {
        return searchBm25(dataset, *index, queries, k, exclude, searchProgress);
    };
    auto report = evaluateRankings(dataset, source, evaluationOptionsOf(spec, Similarity::Cosine), progress);
    if (report)
        indexOut = std::move(index);
    return report;
}

// Searches `set` with the spec's backend: exact, or an HNSW index built over its documents (or
// loaded from RunSpec::hnswIndex) with the ANN recall against exact search recorded in `record`.
Result<EvaluationReport> evaluateSet(const Dataset &dataset, const EmbeddingSet &set, const RunSpec &spec,
                                     Similarity similarity, Progress *progress, std::optional<HnswRunRecord> &record)
{
    const EvaluationOptions options = evaluationOptionsOf(spec, similarity);
    if (spec.search == RunSearch::Exact)
        return evaluateEmbeddings(dataset, set, options, progress);
    HnswRunRecord hnsw;
    HnswParameters parameters = spec.hnsw;
    parameters.space = similarity == Similarity::Cosine ? HnswSpace::Cosine : HnswSpace::InnerProduct;
    const auto started = std::chrono::steady_clock::now();
    Result<HnswIndex> index = spec.hnswIndex.empty()
                                  ? HnswIndex::build(set.docs, dataset.docIds.ids(), parameters, spec.threads, progress)
                                  : HnswIndex::load(spec.hnswIndex, set.docs, dataset.docIds.ids(), spec.threads);
    if (!index)
        return index.error();
    hnsw.indexSeconds = secondsSince(started);
    if (!spec.hnswIndex.empty()) {
        hnsw.loadedFrom = spec.hnswIndex;
        if (index->parameters().space != parameters.space)
            return Error::input(std::string("the index was built for space \"") + hnswSpaceName(index->parameters().space) +
                                    "\" but the run searches with " + similarityName(similarity) + " (space \"" +
                                    hnswSpaceName(parameters.space) + "\")",
                                HnswIndex::sidecarPath(spec.hnswIndex));
        if (parameters.efSearch > 0 && index->parameters().efSearch != parameters.efSearch)
            if (Status s = index->setEfSearch(parameters.efSearch); !s)
                return s.error();
    }
    hnsw.parameters = index->parameters();
    hnsw.indexBytes = index->indexBytes();
    hnsw.index = std::make_shared<HnswIndex>(std::move(*index));
    auto evaluation = evaluateWithHnswIndex(dataset, set, *hnsw.index, options, progress);
    if (!evaluation)
        return evaluation.error();
    hnsw.exactSeconds = evaluation->exactSeconds;
    hnsw.annRecall = evaluation->annRecall;
    record = std::move(hnsw);
    return std::move(evaluation->report);
}

// What the method fits on: the dataset (a copy with the generated queries appended when there
// are some), the set (with their vectors) and the train and dev query lists.
struct FitInputs {
    std::shared_ptr<const Dataset> dataset;
    std::shared_ptr<const EmbeddingSet> embeddings;
    std::vector<int32_t> train, dev;
};

Result<FitInputs> fitInputs(const RunSpec &spec, const RunInputs &inputs, FitRecord &record, Progress *progress)
{
    FitInputs fit{inputs.dataset, inputs.embeddings, *inputs.trainQueries, *inputs.devQueries};
    if (!inputs.generated)
        return fit;
    const SyntheticSet &set = *inputs.generated;
    std::vector<int32_t> appended;
    auto augmented = appendSyntheticQueries(*inputs.dataset, set, &appended);
    if (!augmented)
        return augmented.error();
    if (!inputs.queryEmbedder)
        return Error::usage("generated queries need a query embedder");
    auto embedder = inputs.queryEmbedder(*inputs.dataset, *inputs.embeddings, progress);
    if (!embedder)
        return embedder.error();
    std::vector<std::string> texts;
    texts.reserve(set.queries.size());
    for (const SyntheticQuery &q : set.queries)
        texts.push_back(q.text);
    auto vectors = (*embedder)->embed(texts, progress);
    if (!vectors)
        return vectors.error();
    if (vectors->cols() != inputs.embeddings->dim())
        return Error::input("the generated queries were embedded with " + std::to_string(vectors->cols()) +
                                " dimensions, the set has " + std::to_string(inputs.embeddings->dim()),
                            spec.generatedQueries);
    auto withVectors = appendQueryVectors(*inputs.embeddings, ConstMatrixMap(vectors->data(), vectors->rows(), vectors->cols()));
    if (!withVectors)
        return withVectors.error();
    std::vector<int32_t> generatedTrain = appended, generatedDev;
    if (spec.devQueries.empty())
        std::tie(generatedTrain, generatedDev) = splitHeldOut(appended, spec.generatedDevFraction, spec.seed);
    else
        fit.dev = *inputs.devQueries;
    if (spec.trainQueries.empty())
        fit.train.clear();
    fit.train.insert(fit.train.end(), generatedTrain.begin(), generatedTrain.end());
    fit.dev.insert(fit.dev.end(), generatedDev.begin(), generatedDev.end());
    fit.dataset = std::make_shared<const Dataset>(std::move(*augmented));
    fit.embeddings = std::make_shared<const EmbeddingSet>(std::move(*withVectors));
    record.generatedTrain = int64_t(generatedTrain.size());
    record.generatedDev = int64_t(generatedDev.size());
    record.generator = set.generator;
    return fit;
}

Status runTrained(const RunSpec &spec, const RunInputs &inputs, RunResult &result, Progress *progress)
{
    const Method *method = findMethod(spec.method);
    auto params = ParamValues::parse(method->spec(), spec.params);
    if (!params)
        return params.error();
    FitRecord record;
    auto fit = fitInputs(spec, inputs, record, progress);
    if (!fit)
        return fit.error();
    TrainingData data;
    data.dataset = fit->dataset.get();
    data.embeddings = fit->embeddings.get();
    data.trainQueries = fit->train;
    data.devQueries = fit->dev;
    data.trainQrels = fit->dataset->judgementsFor(fit->train);
    data.devQrels = fit->dataset->judgementsFor(fit->dev);
    data.threads = spec.threads;
    for (const auto &expert : inputs.experts)
        data.experts.push_back(expert.get());
    if (data.trainQrels.queries.empty())
        return Error::input("no training query has judgements",
                            spec.trainQueries.empty() ? spec.generatedQueries : spec.trainQueries);
    if (const ZeroVectorQueries zero = zeroVectorQueries(data); !zero.empty()) {
        std::string which;
        if (!zero.train.empty())
            which += std::to_string(zero.train.size()) + " training (" + idSample(fit->dataset->queryIds, zero.train) + ")";
        if (!zero.dev.empty())
            which += (which.empty() ? "" : " and ") + std::to_string(zero.dev.size()) + " dev (" +
                     idSample(fit->dataset->queryIds, zero.dev) + ")";
        result.warnings.push_back(which + " queries have a zero vector in \"" + fit->embeddings->name +
                                  "\" and are left out of training and dev selection (cosine is undefined for them)");
    }

    const auto started = std::chrono::steady_clock::now();
    auto model = method->fit(data, *params, progress);
    if (!model)
        return model.error();
    record.fitSeconds = secondsSince(started);
    record.params = params->all();
    record.reportJson = (*model)->reportJson();
    record.similarity = (*model)->similarity();
    record.trainQueries = int64_t(fit->train.size());
    record.devQueries = int64_t(fit->dev.size());

    const Dataset &dataset = *inputs.dataset;
    const EmbeddingSet &base = *inputs.embeddings;
    auto tuned = std::make_shared<EmbeddingSet>();
    tuned->name = base.name + "+" + spec.method;
    tuned->source = base.source;
    tuned->provenance = base.provenance;
    tuned->provenance.embedder = base.provenance.embedder + "+" + spec.method;
    tuned->provenance.parameters = tunedProvenanceParameters(base.provenance, spec.method, record.params, record.reportJson);
    tuned->provenance.created = nowIso8601();
    tuned->provenance.normalized = record.similarity == Similarity::Cosine;
    tuned->docs = (*model)->tunedDocuments();
    tuned->queries = FloatMatrix((*model)->transformDatasetQueries(dataset, base.queries.map()));
    tuned->hasQueryVector = base.hasQueryVector;

    std::optional<HnswRunRecord> exactOnly; // the baseline is always searched exactly
    const RunSpec baselineSpec = baselineSpecOf(spec);
    auto baseline = evaluateSet(dataset, base, baselineSpec, spec.similarity, progress, exactOnly);
    if (!baseline)
        return baseline.error();
    auto evaluation = evaluateSet(dataset, *tuned, spec, record.similarity, progress, result.hnsw);
    if (!evaluation)
        return evaluation.error();
    result.baseline = std::move(*baseline);
    result.evaluation = std::move(*evaluation);
    result.fit = std::move(record);
    result.tuned = std::move(tuned);
    result.model = std::shared_ptr<const TunedModel>(std::move(*model));
    return {};
}

} // namespace

double HnswRunRecord::annRecallAt(int k) const
{
    for (const auto &[at, recall] : annRecall)
        if (at == k)
            return recall;
    return -1;
}

std::string tunedProvenanceParameters(const Provenance &base, const std::string &methodId,
                                      const std::map<std::string, std::string> &params, const std::string &reportJson)
{
    auto isObject = [](const std::string &json) {
        const size_t first = json.find_first_not_of(" \t\r\n");
        return first != std::string::npos && json[first] == '{';
    };
    JsonWriter w(false);
    w.beginObject();
    w.key("base_embedder");
    w.value(base.embedder);
    if (isObject(base.parameters)) {
        w.key("base_parameters");
        w.raw(base.parameters);
    }
    w.key("method");
    w.value(methodId);
    w.key("method_parameters");
    w.beginObject();
    for (const auto &[name, value] : params) {
        w.key(name);
        w.value(value);
    }
    w.endObject();
    if (isObject(reportJson)) {
        w.key("fit");
        w.raw(reportJson);
    }
    w.endObject();
    return w.str();
}

Result<Ranking> rankWithRun(const RunResult &run, const std::vector<int32_t> &queries, int32_t k,
                            const std::vector<int32_t> &excludeDoc, Progress *progress)
{
    const Dataset &dataset = *run.dataset;
    if (run.fusion)
        return rankFused(run, queries, k, excludeDoc, progress);
    if (run.bm25)
        return searchBm25(dataset, *run.bm25, queries, k, excludeDoc, progress);
    const EmbeddingSet &set = run.tuned ? *run.tuned : *run.embeddings;
    for (int32_t q : queries)
        if (!set.hasQuery(q))
            return Error::input("query \"" + dataset.queryIds.id(q) + "\" has no vector in \"" + set.name + "\"",
                                set.source);
    if (run.hnsw && run.hnsw->index)
        return run.hnsw->index->search(set.queries, queries, k, run.spec.threads, excludeDoc, progress);
    ExactSearchOptions options;
    options.k = k;
    options.similarity = run.similarity();
    options.threads = run.spec.threads;
    return exactSearch(set.docs, set.queries, queries, tiePriorityByIdDescending(dataset.docIds.ids()), options,
                       excludeDoc, progress);
}

Result<RunResult> runPipeline(const RunSpec &spec, RunInputs given, Progress *progress)
{
    const auto started = std::chrono::steady_clock::now();
    std::shared_ptr<const RunResult> baseRun;
    if (spec.base == RunBase::Run && !given.embeddings) {
        if (spec.baseRun.size() != 1)
            return Error::usage("base \"run\" needs one \"base_run\"");
        RunInputs inner;
        inner.dataset = given.dataset;
        auto run = runPipeline(spec.baseRun.front(), std::move(inner), progress);
        if (!run)
            return run.error();
        given.dataset = run->dataset;
        given.embeddings = run->tuned ? run->tuned : run->embeddings;
        baseRun = std::make_shared<const RunResult>(std::move(*run));
    }
    auto inputs = loadRunInputs(spec, std::move(given), progress);
    if (!inputs)
        return inputs.error();
    RunResult result;
    result.baseRun = baseRun;
    result.spec = spec;
    result.dataset = inputs->dataset;
    result.embeddings = inputs->embeddings;
    result.warnings = inputs->warnings;
    if (baseRun)
        for (const std::string &warning : baseRun->warnings)
            result.warnings.push_back("base run: " + warning);
    if (spec.fused()) {
        if (Status s = runFusion(spec, *inputs, result, progress); !s)
            return s.error();
    } else if (spec.base == RunBase::Bm25) {
        auto report = evaluateBm25(*inputs->dataset, spec, progress, result.bm25);
        if (!report)
            return report.error();
        result.evaluation = std::move(*report);
    } else if (!spec.trained()) {
        auto report = evaluateSet(*inputs->dataset, *inputs->embeddings, spec, spec.similarity, progress, result.hnsw);
        if (!report)
            return report.error();
        result.evaluation = std::move(*report);
    } else if (Status s = runTrained(spec, *inputs, result, progress); !s) {
        return s.error();
    }
    // The baseline's and the run's evaluation warnings, each text once (both report the split's
    // excluded queries; zero vectors are reported per set).
    auto addWarnings = [&](const std::vector<std::string> &warnings) {
        for (const std::string &warning : warnings)
            if (std::find(result.warnings.begin(), result.warnings.end(), warning) == result.warnings.end())
                result.warnings.push_back(warning);
    };
    if (result.baseline)
        addWarnings(result.baseline->warnings);
    addWarnings(result.evaluation.warnings);
    result.seconds = secondsSince(started);
    return result;
}

Result<RunResult> bm25RunWith(const RunResult &run, double k1, double b, bool evaluate, Progress *progress)
{
    if (!run.bm25 || !run.dataset)
        return Error::usage("not a BM25 run");
    RunResult out;
    out.spec = run.spec;
    out.spec.bm25.k1 = k1;
    out.spec.bm25.b = b;
    out.dataset = run.dataset;
    out.bm25 = std::make_shared<const Bm25Index>(run.bm25->withParameters(k1, b));
    if (evaluate) {
        std::shared_ptr<const Bm25Index> index;
        auto report = evaluateBm25Index(*run.dataset, out.spec, out.bm25, progress, index);
        if (!report)
            return report.error();
        out.evaluation = std::move(*report);
        out.warnings = out.evaluation.warnings;
    }
    return out;
}

} // namespace embtune::engine
