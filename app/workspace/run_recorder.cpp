#include "run_recorder.h"

#include "data/dataset_hash.h"
#include "io/json_writer.h"

using embtune::engine::Error;
using embtune::engine::ErrorCode;
using embtune::engine::JsonWriter;
using embtune::engine::Result;
using embtune::engine::Status;

namespace embtune::app {

DatasetRecord datasetRecordOf(const engine::Dataset &dataset)
{
    DatasetRecord d;
    d.path = dataset.path;
    d.name = dataset.name;
    d.hash = engine::datasetHash(dataset);
    d.documents = dataset.docCount();
    d.queries = dataset.queryCount();
    for (const auto &[name, qrels] : dataset.splits)
        d.judgements += qrels.judgementCount();
    return d;
}

QuerySetRecord querySetRecordOf(const engine::SyntheticSet &set, int64_t datasetId, const std::string &name)
{
    JsonWriter w(false);
    w.beginObject();
    w.key("parameters");
    w.value(set.parametersJson);
    w.key("seed");
    w.value(std::to_string(set.seed));
    w.key("dataset_hash");
    w.value(set.datasetHash);
    w.key("documents_sampled");
    w.value(set.documentsSampled);
    w.key("documents_with_queries");
    w.value(set.documentsWithQueries());
    w.key("queries");
    w.value(int64_t(set.queries.size()));
    w.endObject();
    QuerySetRecord record;
    record.datasetId = datasetId;
    record.name = name;
    record.generator = set.generator;
    record.paramsJson = w.str();
    record.count = int64_t(set.queries.size());
    return record;
}

Result<RunRecorder> RunRecorder::open(const std::string &folder)
{
    auto ws = Workspace::open(folder, Workspace::OpenMode::OpenOrCreate);
    if (!ws)
        return ws.error();
    return RunRecorder(std::move(*ws));
}

Status RunRecorder::begin(const engine::Dataset &dataset, const engine::EmbeddingSet *embeddings,
                          const RunDescription &description)
{
    auto datasetId = m_workspace.addDataset(datasetRecordOf(dataset));
    if (!datasetId)
        return datasetId.error();

    RunRecord run;
    run.datasetId = *datasetId;
    if (embeddings) {
        JsonWriter w(false);
        w.beginObject();
        w.key("source");
        w.value(embeddings->source);
        w.key("embedder");
        w.value(embeddings->provenance.embedder);
        w.key("created");
        w.value(embeddings->provenance.created);
        w.key("normalized");
        w.value(embeddings->provenance.normalized);
        w.endObject();
        EmbeddingSetRecord e;
        e.datasetId = *datasetId;
        e.name = embeddings->name;
        e.provenanceJson = w.str();
        e.dim = embeddings->dim();
        e.count = embeddings->docs.rows();
        auto setId = m_workspace.addEmbeddingSet(e);
        if (!setId)
            return setId.error();
        run.embeddingSetId = *setId;
    }
    run.methodId = description.methodId;
    run.paramsJson = description.paramsJson;
    run.seed = description.seed;
    run.codeVersion = description.codeVersion;
    run.searchJson = description.searchJson;
    run.specJson = description.specJson;
    run.status = RunStatus::Running;
    auto runId = m_workspace.createRun(run);
    if (!runId)
        return runId.error();
    m_runId = *runId;
    return {};
}

Status RunRecorder::finish(const engine::Dataset &dataset, const engine::EvaluationOptions &options,
                           const engine::EvaluationReport &report, const std::string &summaryJson, double trainSeconds)
{
    if (m_runId == 0)
        return Error::usage("RunRecorder::finish before begin");
    std::vector<QueryMetricValue> values;
    values.reserve(report.metrics.queries.size() * options.metrics.size() * options.ks.size());
    for (engine::Metric m : options.metrics)
        for (int k : options.ks) {
            std::string name = engine::metricKey(m);
            name += '@';
            name += std::to_string(k);
            const std::vector<double> &perQuery = report.metrics.values(m, k);
            for (size_t i = 0; i < report.metrics.queries.size(); ++i)
                values.push_back({dataset.queryIds.id(report.metrics.queries[i]), name, perQuery[i]});
        }
    if (Status s = m_workspace.addQueryMetrics(m_runId, values); !s)
        return s;
    return m_workspace.finishRun(m_runId, summaryJson, trainSeconds);
}

Status RunRecorder::finish(const engine::RunResult &result, const std::string &summaryJson)
{
    if (m_runId == 0)
        return Error::usage("RunRecorder::finish before begin");
    if (result.tuned) {
        std::string ids;
        for (const auto &id : result.dataset->docIds.ids())
            ids.append(id).push_back('\n');
        for (auto artifact : {m_workspace.storeRunMatrix(m_runId, "tuned_documents", result.tuned->docs),
                              m_workspace.storeRunFile(m_runId, "document_ids", "document_ids.txt", ids)})
            if (!artifact)
                return artifact.error();
    }
    engine::EvaluationOptions options;
    options.ks = result.spec.ks;
    options.metrics = result.spec.metrics;
    return finish(*result.dataset, options, result.evaluation, summaryJson, result.fit ? result.fit->fitSeconds : 0);
}

RunDescription runDescriptionOf(const engine::RunSpec &spec, const std::string &codeVersion)
{
    RunDescription description;
    description.codeVersion = codeVersion;
    description.specJson = engine::runSpecToJson(spec);
    JsonWriter params(false), search(false);
    params.beginObject();
    if (spec.trained()) {
        description.methodId = spec.method;
        const engine::Method *method = engine::findMethod(spec.method);
        auto values = method ? engine::ParamValues::parse(method->spec(), spec.params)
                             : engine::Result<engine::ParamValues>(Error::usage("unknown method"));
        for (const auto &[name, value] : values ? values->all() : spec.params) {
            params.key(name);
            params.value(value);
        }
        description.seed = values && values->all().count("seed") ? values->integer("seed") : 0;
    } else {
        description.methodId = spec.fused() ? "fusion" : spec.base == engine::RunBase::Bm25 ? "bm25" : "none";
        if (spec.fused()) { // the fusion's settings; its members' are in the stored spec
            params.key("fusion");
            params.value(engine::fusionMethodName(spec.fusion.options.method));
            params.key("members");
            params.value(int64_t(spec.members.size()));
        }
        params.key("split");
        params.value(spec.split);
        params.key("k");
        params.beginArray();
        for (int k : spec.ks)
            params.value(k);
        params.endArray();
        params.key("ignore_same_id");
        params.value(spec.ignoreSameId);
        description.seed = spec.search == engine::RunSearch::Hnsw ? int64_t(spec.hnsw.seed) : 0;
    }
    params.endObject();
    search.beginObject();
    search.key("search");
    search.value(spec.fused() ? "fusion" : spec.base == engine::RunBase::Bm25 ? "bm25" : engine::runSearchName(spec.search));
    search.key("similarity");
    search.value(engine::similarityName(spec.similarity));
    if (spec.search == engine::RunSearch::Hnsw) {
        search.key("M");
        search.value(spec.hnsw.m);
        search.key("ef_construction");
        search.value(spec.hnsw.efConstruction);
        search.key("ef");
        search.value(spec.hnsw.efSearch);
        search.key("index");
        search.value(spec.hnswIndex);
    }
    search.endObject();
    description.paramsJson = params.str();
    description.searchJson = search.str();
    return description;
}

Status RunRecorder::fail(const Error &error)
{
    if (m_runId == 0)
        return {};
    const bool cancelled = error.code == ErrorCode::Cancelled;
    return m_workspace.endRun(m_runId, cancelled ? RunStatus::Cancelled : RunStatus::Failed,
                              cancelled ? std::string() : error.toString());
}

} // namespace embtune::app
