#include "run/run_report.h"

#include "io/json_writer.h"

namespace embtune::engine {
namespace {

void writeMeans(JsonWriter &w, const RunSpec &spec, const EvaluationReport &report)
{
    w.beginObject();
    for (Metric m : spec.metrics)
        for (int k : spec.ks) {
            w.key(metricAtKey(m, k));
            w.value(report.metrics.mean(m, k));
        }
    w.endObject();
}

void writePerQuery(JsonWriter &w, const RunSpec &spec, const Dataset &dataset, const EvaluationReport &report)
{
    w.beginObject();
    for (size_t i = 0; i < report.metrics.queries.size(); ++i) {
        w.key(dataset.queryIds.id(report.metrics.queries[i]));
        w.beginObject();
        for (Metric m : spec.metrics)
            for (int k : spec.ks) {
                w.key(metricAtKey(m, k));
                w.value(report.metrics.values(m, k)[i]);
            }
        w.endObject();
    }
    w.endObject();
}

void writeHnsw(JsonWriter &w, const HnswRunRecord &hnsw, const std::string &savedIndex)
{
    w.key("hnsw");
    w.beginObject();
    w.key("space");
    w.value(hnswSpaceName(hnsw.parameters.space));
    w.key("M");
    w.value(hnsw.parameters.m);
    w.key("ef_construction");
    w.value(hnsw.parameters.efConstruction);
    w.key("ef");
    w.value(hnsw.parameters.efSearch);
    w.key("seed");
    w.value(int64_t(hnsw.parameters.seed));
    w.key(hnsw.loadedFrom.empty() ? "build_seconds" : "load_seconds");
    w.value(hnsw.indexSeconds);
    w.key("index_bytes");
    w.value(hnsw.indexBytes);
    w.key("index");
    if (hnsw.loadedFrom.empty())
        w.null();
    else
        w.value(hnsw.loadedFrom);
    w.key("saved_to");
    if (savedIndex.empty())
        w.null();
    else
        w.value(savedIndex);
    w.key("exact_search_seconds");
    w.value(hnsw.exactSeconds);
    w.endObject();
    w.key("ann_recall");
    w.beginObject();
    for (const auto &[k, recall] : hnsw.annRecall) {
        w.key("ann_recall@" + std::to_string(k));
        w.value(recall);
    }
    w.endObject();
}

void writeTail(JsonWriter &w, const RunResult &result)
{
    w.key("warnings");
    w.beginArray();
    for (const auto &warning : result.warnings)
        w.value(warning);
    w.endArray();
    w.key("spec");
    writeRunSpec(w, result.spec);
}

void writeWeights(JsonWriter &w, const std::vector<double> &weights)
{
    w.beginArray();
    for (double weight : weights)
        w.value(weight);
    w.endArray();
}

// The fused run's report: "fused" (its metrics), "members", "fusion" (what was used and chosen).
void writeFusionReport(JsonWriter &w, const RunResult &result, const RunReportOptions &options)
{
    const RunSpec &spec = result.spec;
    const FusionRecord &fusion = *result.fusion;
    const EvaluationReport &report = result.evaluation;
    const std::string devKey = "dev_" + metricAtKey(Metric::Ndcg, 10);
    w.key("dataset");
    w.value(result.dataset->path);
    w.key("split");
    w.value(report.split);
    w.key("queries");
    w.value(int64_t(report.metrics.queries.size()));
    w.key("excluded_no_relevant");
    w.value(int64_t(report.metrics.excludedNoRelevant));
    w.key("fused");
    writeMeans(w, spec, report);
    w.key("members");
    w.beginArray();
    for (size_t i = 0; i < fusion.members.size(); ++i) {
        const RunResult &member = *fusion.members[i];
        w.beginObject();
        w.key("name");
        w.value(fusion.memberNames[i]);
        w.key("weight");
        w.value(fusion.choice.weights[i]);
        w.key("metrics");
        writeMeans(w, spec, member.evaluation);
        if (member.bm25) {
            w.key("bm25");
            w.beginObject();
            w.key("k1");
            w.value(member.spec.bm25.k1);
            w.key("b");
            w.value(member.spec.bm25.b);
            w.key("chosen_on_dev");
            w.value(member.spec.bm25.chooseOnDev);
            w.endObject();
        }
        if (fusion.chosenOnDev) {
            w.key(devKey);
            w.value(fusion.choice.memberDevScores[i]);
        }
        w.endObject();
    }
    w.endArray();
    w.key("weights");
    writeWeights(w, fusion.choice.weights);
    w.key("fusion");
    w.beginObject();
    w.key("method");
    w.value(fusionMethodName(spec.fusion.options.method));
    if (spec.fusion.options.method != FusionMethod::Rrf) {
        w.key("normalize");
        w.value(scoreNormalizationName(spec.fusion.options.normalization));
    } else {
        w.key("rrf_k");
        w.value(fusion.choice.rrfK);
    }
    w.key("depth");
    w.value(spec.fusion.options.depth);
    w.key("chosen_on_dev");
    w.value(fusion.chosenOnDev);
    if (fusion.chosenOnDev) {
        w.key("dev_queries");
        w.value(fusion.devQueries);
        w.key(devKey);
        w.value(fusion.choice.devScore);
        w.key("dev_curve");
        w.beginArray();
        for (const FusionDevPoint &point : fusion.choice.curve) {
            w.beginObject();
            w.key("weights");
            writeWeights(w, point.weights);
            if (spec.fusion.options.method == FusionMethod::Rrf) {
                w.key("rrf_k");
                w.value(point.rrfK);
            }
            w.key(metricAtKey(Metric::Ndcg, 10));
            w.value(point.score);
            w.endObject();
        }
        w.endArray();
    }
    w.endObject();
    if (options.perQuery) {
        w.key("per_query");
        writePerQuery(w, spec, *result.dataset, report);
    }
    writeTail(w, result);
}

} // namespace

std::string metricAtKey(Metric metric, int k)
{
    return std::string(metricKey(metric)) + "@" + std::to_string(k);
}

std::string runReportJson(const RunResult &result, const RunReportOptions &options)
{
    const RunSpec &spec = result.spec;
    const Dataset &dataset = *result.dataset;
    const EvaluationReport &report = result.evaluation;
    JsonWriter w;
    w.beginObject();
    if (result.fusion) {
        writeFusionReport(w, result, options);
        w.endObject();
        return w.str() + "\n";
    }
    if (!result.fit) {
        const bool bm25 = spec.base == RunBase::Bm25;
        w.key("dataset");
        w.value(dataset.path);
        w.key("embeddings");
        w.value(bm25 ? std::string("bm25") : result.embeddings->source);
        w.key("split");
        w.value(report.split);
        w.key("search");
        w.value(bm25 ? "bm25" : runSearchName(spec.search));
        if (!bm25) {
            w.key("similarity");
            w.value(similarityName(result.similarity()));
        }
        if (result.hnsw)
            writeHnsw(w, *result.hnsw, options.savedIndex);
        w.key("queries");
        w.value(int64_t(report.metrics.queries.size()));
        w.key("excluded_no_relevant");
        w.value(int64_t(report.metrics.excludedNoRelevant));
        w.key("search_seconds");
        w.value(report.searchSeconds);
        w.key("metrics");
        writeMeans(w, spec, report);
        if (options.perQuery) {
            w.key("per_query");
            writePerQuery(w, spec, dataset, report);
        }
        writeTail(w, result);
        w.endObject();
        return w.str() + "\n";
    }
    const FitRecord &fit = *result.fit;
    w.key("method");
    w.value(spec.method);
    w.key("parameters");
    w.beginObject();
    for (const auto &[name, value] : fit.params) {
        w.key(name);
        w.value(value);
    }
    w.endObject();
    w.key("fit_seconds");
    w.value(fit.fitSeconds);
    w.key("similarity");
    w.value(similarityName(fit.similarity));
    w.key("split");
    w.value(report.split);
    w.key("queries");
    w.value(int64_t(report.metrics.queries.size()));
    w.key("train_queries");
    w.value(fit.trainQueries);
    w.key("dev_queries");
    w.value(fit.devQueries);
    w.key("baseline");
    writeMeans(w, spec, *result.baseline);
    w.key("tuned");
    writeMeans(w, spec, report);
    if (options.perQuery) { // read by `embtune-cli compare`
        w.key("per_query");
        w.beginObject();
        w.key("baseline");
        writePerQuery(w, spec, dataset, *result.baseline);
        w.key("tuned");
        writePerQuery(w, spec, dataset, report);
        w.endObject();
    }
    if (result.hnsw)
        writeHnsw(w, *result.hnsw, options.savedIndex);
    w.key("fit");
    w.value(fit.reportJson);
    writeTail(w, result);
    w.endObject();
    return w.str() + "\n";
}

} // namespace embtune::engine
