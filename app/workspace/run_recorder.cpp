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

Status RunRecorder::fail(const Error &error)
{
    if (m_runId == 0)
        return {};
    const bool cancelled = error.code == ErrorCode::Cancelled;
    return m_workspace.endRun(m_runId, cancelled ? RunStatus::Cancelled : RunStatus::Failed,
                              cancelled ? std::string() : error.toString());
}

} // namespace embtune::app
