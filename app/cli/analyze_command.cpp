// embtune-cli analyze: anisotropy of the documents and queries, cosine histograms (relevant,
// random, top-10 non-relevant) before and, with --method, after tuning; the PCA plane fitted on
// the baseline and applied to the tuned documents; with --ood the out-of-distribution report.

#include "command_line.h"
#include "commands.h"

#include "analysis/analysis_json.h"
#include "analysis/anisotropy.h"
#include "analysis/ood_report.h"
#include "analysis/pca_projection.h"
#include "analysis/similarity_histogram.h"
#include "data/beir_reader.h"
#include "embed/embedding_store.h"
#include "io/json_writer.h"
#include "io/npy.h"
#include "methods/method.h"
#include "run/run_pipeline.h"

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <optional>

using namespace embtune::engine;

namespace embtune::cli {
namespace {

std::atomic<bool> g_stop{false};
void onInterrupt(int) { g_stop.store(true); }

int usage(const std::string &message)
{
    return reportUsage("analyze", message);
}

// Figures of one embedding space (baseline or tuned).
struct SpaceAnalysis {
    AnisotropyStats documents, queries;
    SimilarityDistributions similarity;
};

struct ProjectionSummary {
    double varianceShare[2] = {0, 0};  // of the fitted data's total variance, per axis
    int64_t sampledRows = 0;           // rows the plane was fitted on when sampled; 0 = all
    int64_t movedDocuments = 0;
    double meanArrowLength = 0;        // in the plane, over moved documents
    double maxArrowLength = 0;
};

// Rows of `queries` that have a vector.
RowMatrixXf queriesWithVector(const FloatMatrix &queries, const EmbeddingSet &embeddings)
{
    int64_t count = 0;
    for (int64_t q = 0; q < queries.rows(); ++q)
        count += embeddings.hasQuery(int32_t(q)) ? 1 : 0;
    RowMatrixXf out(count, queries.cols());
    int64_t row = 0;
    for (int64_t q = 0; q < queries.rows(); ++q)
        if (embeddings.hasQuery(int32_t(q)))
            out.row(row++) = queries.map().row(q);
    return out;
}

Result<SpaceAnalysis> analyzeSpace(const FloatMatrix &docs, const FloatMatrix &queries, const EmbeddingSet &base,
                                   const Qrels &qrels, const std::vector<int32_t> &tiePriority,
                                   const SimilarityHistogramOptions &histogramOptions, Progress *progress)
{
    SpaceAnalysis out;
    auto documents = computeAnisotropy(docs);
    if (!documents)
        return documents.error();
    out.documents = *documents;
    const RowMatrixXf rows = queriesWithVector(queries, base);
    auto queryStats = computeAnisotropy(ConstMatrixMap(rows.data(), rows.rows(), rows.cols()));
    if (!queryStats)
        return queryStats.error();
    out.queries = *queryStats;
    auto similarity = similarityDistributions(queries, docs, qrels, tiePriority, histogramOptions, progress);
    if (!similarity)
        return similarity.error();
    out.similarity = *similarity;
    return out;
}

void writeSpace(JsonWriter &w, const SpaceAnalysis &space)
{
    w.beginObject();
    w.key("documents");
    writeAnisotropy(w, space.documents);
    w.key("queries");
    writeAnisotropy(w, space.queries);
    w.key("similarity");
    writeSimilarityDistributions(w, space.similarity);
    w.endObject();
}

void printSpace(const char *label, const SpaceAnalysis &space)
{
    std::printf("%s\n", label);
    std::printf("  %-10s %8s %9s %9s %9s %8s %8s %8s\n", "vectors", "pair cos", "centr cos", "I(W)", "eff rank",
                "EV top1", "EV top5", "EV top10");
    for (const auto &[name, s] : {std::pair<const char *, const AnisotropyStats *>{"documents", &space.documents},
                                  {"queries", &space.queries}})
        std::printf("  %-10s %8.5f %9.5f %9.5f %9.2f %8.4f %8.4f %8.4f\n", name, s->averagePairCosine,
                    s->averageCentroidCosine, s->partitionIsotropy, s->effectiveRank, s->explainedVariance1,
                    s->explainedVariance5, s->explainedVariance10);
    for (const auto &[name, s] : {std::pair<const char *, const AnisotropyStats *>{"documents", &space.documents},
                                  {"queries", &space.queries}})
        if (s->sampledRows > 0)
            std::printf("  (%s: I(W), eff rank and EV estimated on a uniform sample of %lld of %lld vectors)\n", name,
                        static_cast<long long>(s->sampledRows), static_cast<long long>(s->rows));
    const std::string title = "cos(q, d) pairs of " + std::to_string(space.similarity.queries) + " queries";
    std::printf("  %-47s %8s %8s %8s %8s\n", title.c_str(), "count", "mean", "min", "max");
    for (const auto &[name, h] : {std::pair<const char *, const Histogram *>{"relevant", &space.similarity.relevant},
                                  {"random", &space.similarity.random},
                                  {"top-10 non-relevant", &space.similarity.hardNegative}})
        std::printf("  %-47s %8lld %8.4f %8.4f %8.4f\n", name, static_cast<long long>(h->count), h->mean, h->minimum,
                    h->maximum);
}

bool parseCount(const std::string &text, int64_t &out, int64_t minimum)
{
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc() && ptr == text.data() + text.size() && out >= minimum;
}

} // namespace

int runAnalyze(const std::vector<std::string> &args)
{
    CommandLine cl({"dataset", "embeddings", "method", "train-queries", "dev-queries", "param", "split", "json",
                    "threads", "seed", "bins", "random-pairs", "expert"},
                   {"ood", "quiet"});
    if (auto problem = cl.parse(args))
        return usage(*problem);
    if (!cl.has("dataset") || !cl.has("embeddings"))
        return usage("--dataset DIR and --embeddings DIR are required");
    if (cl.has("ood") && !cl.has("method"))
        return usage("--ood needs --method ID (and --train-queries, --dev-queries)");
    if (cl.has("method") && (!cl.has("train-queries") || !cl.has("dev-queries")))
        return usage("--method needs --train-queries FILE and --dev-queries FILE");
    if ((cl.has("param") || cl.has("expert")) && !cl.has("method"))
        return usage("--param and --expert apply to --method");
    const Method *method = nullptr;
    std::optional<ParamValues> params;
    std::map<std::string, std::string> given;
    if (cl.has("method")) {
        method = findMethod(cl.value("method"));
        if (!method) {
            std::string known;
            for (const Method *m : registeredMethods())
                known += (known.empty() ? "" : ", ") + m->spec().id;
            return usage("unknown method \"" + cl.value("method") + "\" (known: " + known + ")");
        }
        for (const auto &assignment : cl.values("param")) {
            const auto eq = assignment.find('=');
            if (eq == std::string::npos || eq == 0)
                return usage("--param takes name=value, got \"" + assignment + "\"");
            given[assignment.substr(0, eq)] = assignment.substr(eq + 1);
        }
        auto parsed = ParamValues::parse(method->spec(), given);
        if (!parsed)
            return reportError(parsed.error());
        params = std::move(*parsed);
    }
    int64_t threads = 0, seed = 0, bins = 40, randomPairs = 10000;
    if (cl.has("threads") && !parseCount(cl.value("threads"), threads, 0))
        return usage("--threads takes a non-negative integer");
    if (cl.has("seed") && !parseCount(cl.value("seed"), seed, 0))
        return usage("--seed takes a non-negative integer");
    if (cl.has("bins") && !parseCount(cl.value("bins"), bins, 1))
        return usage("--bins takes a positive integer");
    if (cl.has("random-pairs") && !parseCount(cl.value("random-pairs"), randomPairs, 0))
        return usage("--random-pairs takes a non-negative integer");
    const std::string split = cl.value("split", "test");

    std::signal(SIGINT, onInterrupt);
    Progress progress([](const ProgressEvent &) { return !g_stop.load(); });

    // The run whose spaces are analysed: the embeddings as they are, and with --method the same
    // run the train command makes (engine::runPipeline).
    RunSpec spec;
    spec.dataset = cl.value("dataset");
    spec.embeddings = cl.value("embeddings");
    spec.split = split;
    spec.threads = int(threads);
    if (method) {
        spec.method = method->spec().id;
        spec.params = given;
        spec.trainQueries = cl.value("train-queries");
        spec.devQueries = cl.value("dev-queries");
        spec.experts = cl.values("expert");
    }
    auto inputs = loadRunInputs(spec, {}, &progress);
    if (!inputs)
        return reportError(inputs.error());
    for (const auto &warning : inputs->warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
    inputs->warnings.clear(); // the run below would report them again
    const Dataset &dataset = *inputs->dataset;
    const EmbeddingSet &embeddings = *inputs->embeddings;
    std::vector<const EmbeddingSet *> expertPointers;
    for (const auto &expert : inputs->experts)
        expertPointers.push_back(expert.get());
    const Qrels *splitQrels = dataset.split(split);
    if (!splitQrels) {
        std::string known;
        for (const auto &name : dataset.splitNames())
            known += (known.empty() ? "" : ", ") + name;
        return reportError(Error::input("the dataset has no split \"" + split + "\" (known: " +
                                            (known.empty() ? "none" : known) + ")",
                                        dataset.path));
    }
    // Judged queries of the split that have a vector.
    Qrels qrels;
    for (const QueryJudgements &q : splitQrels->queries)
        if (embeddings.hasQuery(q.query))
            qrels.queries.push_back(q);

    const std::vector<int32_t> tiePriority = tiePriorityByIdDescending(dataset.docIds.ids());
    SimilarityHistogramOptions histogramOptions;
    histogramOptions.bins = int(bins);
    histogramOptions.randomPairs = randomPairs;
    histogramOptions.seed = uint64_t(seed);
    histogramOptions.threads = int(threads);
    auto before = analyzeSpace(embeddings.docs, embeddings.queries, embeddings, qrels, tiePriority,
                               histogramOptions, &progress);
    if (!before)
        return reportError(before.error());

    std::optional<SpaceAnalysis> after;
    std::optional<ProjectionSummary> projection;
    std::optional<OodReport> ood;
    std::vector<int32_t> train, dev;
    if (method) {
        train = *inputs->trainQueries;
        dev = *inputs->devQueries;
        auto run = runPipeline(spec, *inputs, &progress);
        if (!run)
            return reportError(run.error());
        for (const auto &warning : run->warnings)
            std::fprintf(stderr, "warning: %s\n", warning.c_str());
        const FloatMatrix &tunedDocs = run->tuned->docs;
        const FloatMatrix &tunedQueries = run->tuned->queries;
        histogramOptions.ranking = run->fit->similarity;
        auto tuned = analyzeSpace(tunedDocs, tunedQueries, embeddings, qrels, tiePriority, histogramOptions, &progress);
        if (!tuned)
            return reportError(tuned.error());
        after = std::move(*tuned);
        // The plane of the baseline documents and queries, applied to the documents before and after.
        if (tunedDocs.cols() == embeddings.dim()) {
            const RowMatrixXf baseQueries = queriesWithVector(embeddings.queries, embeddings);
            auto pca = PcaProjection::fit(
                {embeddings.docs.map(), ConstMatrixMap(baseQueries.data(), baseQueries.rows(), baseQueries.cols())}, 2);
            if (!pca)
                return reportError(pca.error());
            ProjectionSummary summary;
            for (int c = 0; c < 2; ++c)
                summary.varianceShare[c] = pca->totalVariance() > 0 ? pca->variances()(c) / pca->totalVariance() : 0;
            summary.sampledRows = pca->sampledRows();
            const std::vector<int32_t> moved = movedRows(embeddings.docs, tunedDocs);
            const RowMatrixXf from = pca->apply(embeddings.docs.map()), to = pca->apply(tunedDocs);
            for (int32_t row : moved) {
                const double length = (to.row(row) - from.row(row)).cast<double>().norm();
                summary.meanArrowLength += length;
                summary.maxArrowLength = std::max(summary.maxArrowLength, length);
            }
            summary.movedDocuments = int64_t(moved.size());
            if (!moved.empty())
                summary.meanArrowLength /= double(moved.size());
            projection = summary;
        }
        if (cl.has("ood")) {
            OodOptions oodOptions;
            oodOptions.split = split;
            oodOptions.threads = int(threads);
            oodOptions.kmeans.seed = uint64_t(seed);
            oodOptions.experts = expertPointers;
            auto report = oodReport(dataset, embeddings, *method, *params, train, dev, oodOptions, &progress);
            if (!report)
                return reportError(report.error());
            ood = std::move(*report);
        }
    }

    const std::vector<Metric> oodMetrics{Metric::Ndcg, Metric::Recall};
    const std::vector<int> oodKs{10, 100};
    if (cl.has("json")) {
        JsonWriter w;
        w.beginObject();
        w.key("dataset");
        w.value(dataset.path);
        w.key("embeddings");
        w.value(embeddings.source);
        w.key("split");
        w.value(split);
        w.key("seed");
        w.value(seed);
        w.key("method");
        if (method)
            w.value(method->spec().id);
        else
            w.null();
        if (params) {
            w.key("parameters");
            w.beginObject();
            for (const auto &[name, value] : params->all()) {
                w.key(name);
                w.value(value);
            }
            w.endObject();
        }
        w.key("before");
        writeSpace(w, *before);
        if (after) {
            w.key("after");
            writeSpace(w, *after);
        }
        if (projection) {
            w.key("projection");
            w.beginObject();
            w.key("fitted_on");
            w.value("baseline documents and queries");
            if (projection->sampledRows > 0) {
                w.key("sampled_rows");
                w.value(projection->sampledRows);
            }
            w.key("variance_share");
            w.beginArray();
            w.value(projection->varianceShare[0]);
            w.value(projection->varianceShare[1]);
            w.endArray();
            w.key("moved_documents");
            w.value(projection->movedDocuments);
            w.key("mean_arrow_length");
            w.value(projection->meanArrowLength);
            w.key("max_arrow_length");
            w.value(projection->maxArrowLength);
            w.endObject();
        }
        if (ood) {
            w.key("ood");
            writeOodReport(w, *ood, oodMetrics, oodKs);
        }
        w.endObject();
        const std::string json = w.str() + "\n";
        if (Status s = writeJsonOutput(cl.value("json"), json); !s)
            return reportError(s.error());
        if (cl.value("json") == "-" || cl.has("quiet"))
            return 0;
    }

    std::printf("%s / %s, split %s (%d judged queries with a vector)\n", dataset.name.c_str(),
                embeddings.name.c_str(), split.c_str(), int(qrels.queries.size()));
    printSpace("before", *before);
    if (after)
        printSpace((std::string("after ") + method->spec().id).c_str(), *after);
    if (projection)
        std::printf("PCA plane of the baseline (%.4f + %.4f of the variance): %lld documents moved, arrow length mean "
                    "%.5f, max %.5f\n",
                    projection->varianceShare[0], projection->varianceShare[1],
                    static_cast<long long>(projection->movedDocuments), projection->meanArrowLength,
                    projection->maxArrowLength);
    if (ood) {
        std::printf("out-of-distribution (k-means k=2 on %d + %d train queries; tuned on cluster 0: %d train, %d dev; "
                    "fit %.2f s)\n",
                    ood->trainQueries[0], ood->trainQueries[1], ood->trainQueries[0], ood->devQueries[0],
                    ood->fitSeconds);
        std::printf("  %-22s %8s %9s %9s %9s %9s\n", "test cluster", "queries", "run", "nDCG@10", "R@10", "R@100");
        for (int c = 0; c < 2; ++c)
            for (const auto &[label, run] : {std::pair<const char *, const MetricResults *>{"baseline", &ood->baseline},
                                             {method->spec().id.c_str(), &ood->tuned}})
                std::printf("  %-22s %8d %9s %9.5f %9.5f %9.5f\n", c == 0 ? "0 (in-distribution)" : "1 (out-of-dist.)",
                            ood->testQueries(c), label, ood->mean(*run, c, Metric::Ndcg, 10),
                            ood->mean(*run, c, Metric::Recall, 10), ood->mean(*run, c, Metric::Recall, 100));
    }
    return 0;
}

} // namespace embtune::cli
