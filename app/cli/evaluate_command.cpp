// embtune-cli evaluate: exact or HNSW search + trec_eval-convention metrics over an embedding set;
// with HNSW, the recall of its lists against exact search beside the metrics.

#include "command_line.h"
#include "commands.h"

#include "data/beir_reader.h"
#include "embed/embedding_set.h"
#include "eval/hnsw_evaluation.h"
#include "eval/retrieval_evaluation.h"
#include "io/json_writer.h"
#include "io/npy.h"
#include "search/ann_recall.h"
#include "search/bm25.h"
#include "search/hnsw_index.h"

#include "run_recorder.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>

using namespace embtune::engine;

namespace embtune::cli {
namespace {

std::atomic<bool> g_interrupted{false};

void onInterrupt(int)
{
    g_interrupted.store(true);
}

int fail(const Error &error)
{
    return reportError(error);
}

int usage(const std::string &message)
{
    return reportUsage("evaluate", message);
}

// What an HNSW evaluation adds to the report.
struct HnswSummary {
    HnswParameters parameters;
    std::string loadedFrom;      // --index FILE, empty when built
    std::string savedTo;         // --save-index FILE, empty when not saved
    double indexSeconds = 0;     // build or load time
    int64_t indexBytes = 0;
    double exactSeconds = 0;     // the exact search run for the recall
    std::vector<std::pair<int, double>> annRecall; // (k, recall@k against exact search)
};

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string reportJson(const Dataset &dataset, const std::string &embeddings, const EvaluationOptions &options,
                       const EvaluationReport &report, bool perQuery, bool bm25, const HnswSummary *hnsw)
{
    JsonWriter w;
    w.beginObject();
    w.key("dataset");
    w.value(dataset.path);
    w.key("embeddings");
    w.value(embeddings);
    w.key("split");
    w.value(report.split);
    w.key("search");
    w.value(bm25 ? "bm25" : hnsw ? "hnsw" : "exact");
    if (!bm25) {
        w.key("similarity");
        w.value(similarityName(options.similarity));
    }
    if (hnsw) {
        w.key("hnsw");
        w.beginObject();
        w.key("space");
        w.value(hnswSpaceName(hnsw->parameters.space));
        w.key("M");
        w.value(hnsw->parameters.m);
        w.key("ef_construction");
        w.value(hnsw->parameters.efConstruction);
        w.key("ef");
        w.value(hnsw->parameters.efSearch);
        w.key("seed");
        w.value(int64_t(hnsw->parameters.seed));
        w.key(hnsw->loadedFrom.empty() ? "build_seconds" : "load_seconds");
        w.value(hnsw->indexSeconds);
        w.key("index_bytes");
        w.value(hnsw->indexBytes);
        w.key("index");
        if (hnsw->loadedFrom.empty())
            w.null();
        else
            w.value(hnsw->loadedFrom);
        w.key("saved_to");
        if (hnsw->savedTo.empty())
            w.null();
        else
            w.value(hnsw->savedTo);
        w.key("exact_search_seconds");
        w.value(hnsw->exactSeconds);
        w.endObject();
        w.key("ann_recall");
        w.beginObject();
        for (const auto &[k, recall] : hnsw->annRecall) {
            w.key("ann_recall@" + std::to_string(k));
            w.value(recall);
        }
        w.endObject();
    }
    w.key("queries");
    w.value(int64_t(report.metrics.queries.size()));
    w.key("excluded_no_relevant");
    w.value(int64_t(report.metrics.excludedNoRelevant));
    w.key("search_seconds");
    w.value(report.searchSeconds);
    w.key("metrics");
    w.beginObject();
    for (Metric m : options.metrics)
        for (int k : options.ks) {
            w.key(std::string(metricKey(m)) + "@" + std::to_string(k));
            w.value(report.metrics.mean(m, k));
        }
    w.endObject();
    if (perQuery) {
        w.key("per_query");
        w.beginObject();
        for (size_t i = 0; i < report.metrics.queries.size(); ++i) {
            w.key(dataset.queryIds.id(report.metrics.queries[i]));
            w.beginObject();
            for (Metric m : options.metrics)
                for (int k : options.ks) {
                    w.key(std::string(metricKey(m)) + "@" + std::to_string(k));
                    w.value(report.metrics.values(m, k)[i]);
                }
            w.endObject();
        }
        w.endObject();
    }
    w.key("warnings");
    w.beginArray();
    for (const auto &warning : report.warnings)
        w.value(warning);
    w.endArray();
    w.endObject();
    return w.str() + "\n";
}

// Builds (or loads) an HNSW index over the documents and evaluates with it
// (evaluateWithHnswIndex: the rankings, and recall@k of the HNSW lists against exact search).
// Fills `summary`.
Result<EvaluationReport> evaluateWithHnsw(const Dataset &dataset, const EmbeddingSet &embeddings,
                                          const EvaluationOptions &options, const std::string &indexPath,
                                          const std::string &savePath, bool efGiven, Progress *progress,
                                          HnswSummary &summary)
{
    const auto indexStart = std::chrono::steady_clock::now();
    Result<HnswIndex> index = indexPath.empty()
                                  ? HnswIndex::build(embeddings.docs, dataset.docIds.ids(), summary.parameters,
                                                     options.threads, progress)
                                  : HnswIndex::load(indexPath, embeddings.docs, dataset.docIds.ids(), options.threads);
    if (!index)
        return index.error();
    summary.indexSeconds = secondsSince(indexStart);
    if (!indexPath.empty()) {
        summary.loadedFrom = indexPath;
        const HnswParameters built = index->parameters();
        if (built.space != summary.parameters.space)
            return Error::input(std::string("the index was built for space \"") + hnswSpaceName(built.space) +
                                    "\" but --similarity " + similarityName(options.similarity) + " needs \"" +
                                    hnswSpaceName(summary.parameters.space) + "\"",
                                HnswIndex::sidecarPath(indexPath));
        if (efGiven) {
            if (Status s = index->setEfSearch(summary.parameters.efSearch); !s)
                return s.error();
        }
        summary.parameters = index->parameters();
    }
    summary.indexBytes = index->indexBytes();
    if (!savePath.empty()) {
        if (Status s = index->save(savePath); !s)
            return s.error();
        summary.savedTo = savePath;
    }

    auto evaluation = evaluateWithHnswIndex(dataset, embeddings, *index, options, progress);
    if (!evaluation)
        return evaluation.error();
    summary.exactSeconds = evaluation->exactSeconds;
    summary.annRecall = evaluation->annRecall;
    return std::move(evaluation->report);
}

} // namespace

int runEvaluate(const std::vector<std::string> &args)
{
    CommandLine cl({"dataset", "embeddings", "embedder", "split", "k", "metrics", "similarity", "threads", "json",
                    "search", "hnsw-m", "ef-construction", "ef", "hnsw-seed", "index", "save-index", "workspace"},
                   {"ignore-same-id", "per-query", "quiet"});
    if (auto problem = cl.parse(args))
        return usage(*problem);
    if (!cl.has("dataset") || cl.has("embeddings") == cl.has("embedder"))
        return usage("--dataset DIR and one of --embeddings DIR or --embedder bm25 are required");
    if (cl.has("embedder") && cl.value("embedder") != "bm25")
        return usage("--embedder for evaluate is bm25 (compute embeddings with `embtune-cli embed`)");

    EvaluationOptions options;
    options.split = cl.value("split", "test");
    if (cl.has("k") && (!parseIntList(cl.value("k"), options.ks) ||
                        *std::min_element(options.ks.begin(), options.ks.end()) <= 0))
        return usage("--k takes positive integers separated by commas, e.g. 1,3,5,10,100");
    std::sort(options.ks.begin(), options.ks.end());
    options.ks.erase(std::unique(options.ks.begin(), options.ks.end()), options.ks.end());
    if (cl.has("metrics")) {
        options.metrics.clear();
        std::string list = cl.value("metrics");
        size_t start = 0;
        while (start <= list.size()) {
            const size_t end = list.find(',', start);
            const std::string name = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
            Metric metric;
            if (!metricFromKey(name, metric))
                return usage("unknown metric \"" + name + "\" (known: ndcg, recall, recall_cap, precision, mrr, map)");
            options.metrics.push_back(metric);
            if (end == std::string::npos)
                break;
            start = end + 1;
        }
    }
    const std::string similarity = cl.value("similarity", "cosine");
    if (similarity == "cosine")
        options.similarity = Similarity::Cosine;
    else if (similarity == "dot")
        options.similarity = Similarity::Dot;
    else
        return usage("--similarity is cosine or dot");
    if (cl.has("threads")) {
        std::vector<int> threads;
        if (!parseIntList(cl.value("threads"), threads) || threads.size() != 1 || threads[0] < 0)
            return usage("--threads takes a non-negative integer (0 = all cores)");
        options.threads = threads[0];
    }
    options.ignoreSameId = cl.has("ignore-same-id");
    const bool quiet = cl.has("quiet");

    const std::string search = cl.value("search", "exact");
    if (search != "exact" && search != "hnsw")
        return usage("--search is exact or hnsw");
    const bool hnsw = search == "hnsw";
    HnswSummary summary;
    summary.parameters.space = options.similarity == Similarity::Cosine ? HnswSpace::Cosine : HnswSpace::InnerProduct;
    if (!hnsw) {
        for (const char *name : {"hnsw-m", "ef-construction", "ef", "hnsw-seed", "index", "save-index"})
            if (cl.has(name))
                return usage(std::string("--") + name + " needs --search hnsw");
    } else {
        if (cl.has("embedder"))
            return usage("--search hnsw searches embeddings: use it with --embeddings DIR");
        if (cl.has("index"))
            for (const char *name : {"hnsw-m", "ef-construction", "hnsw-seed"})
                if (cl.has(name))
                    return usage(std::string("--") + name + " sets how an index is built; --index loads a built one");
        struct IntOption {
            const char *name;
            int *target;
        };
        int seed = int(summary.parameters.seed);
        for (const IntOption &o : {IntOption{"hnsw-m", &summary.parameters.m},
                                   IntOption{"ef-construction", &summary.parameters.efConstruction},
                                   IntOption{"ef", &summary.parameters.efSearch}, IntOption{"hnsw-seed", &seed}}) {
            if (!cl.has(o.name))
                continue;
            std::vector<int> value;
            const bool seedOption = std::string(o.name) == "hnsw-seed";
            if (!parseIntList(cl.value(o.name), value) || value.size() != 1 || value[0] < (seedOption ? 0 : 1))
                return usage(std::string("--") + o.name + " takes a " + (seedOption ? "non-negative" : "positive") +
                             " integer");
            *o.target = value[0];
        }
        summary.parameters.seed = uint64_t(seed);
        if (summary.parameters.m < 2)
            return usage("--hnsw-m must be at least 2");
    }

    std::signal(SIGINT, onInterrupt);
    Progress progress([](const ProgressEvent &) { return !g_interrupted.load(); });

    // --workspace DIR: the run is recorded there (opened first: a locked workspace fails fast).
    std::optional<app::RunRecorder> recorder;
    if (cl.has("workspace")) {
        auto opened = app::RunRecorder::open(cl.value("workspace"));
        if (!opened)
            return fail(opened.error());
        recorder.emplace(std::move(*opened));
    }
    auto beginRecord = [&](const Dataset &data, const EmbeddingSet *vectors) -> Status {
        if (!recorder)
            return {};
        JsonWriter params(false), searchConfig(false);
        params.beginObject();
        params.key("split");
        params.value(options.split);
        params.key("k");
        params.beginArray();
        for (int k : options.ks)
            params.value(k);
        params.endArray();
        params.key("ignore_same_id");
        params.value(options.ignoreSameId);
        params.endObject();
        searchConfig.beginObject();
        searchConfig.key("search");
        searchConfig.value(vectors ? search : std::string("bm25"));
        searchConfig.key("similarity");
        searchConfig.value(similarityName(options.similarity));
        if (hnsw) {
            searchConfig.key("M");
            searchConfig.value(summary.parameters.m);
            searchConfig.key("ef_construction");
            searchConfig.value(summary.parameters.efConstruction);
            searchConfig.key("ef");
            searchConfig.value(summary.parameters.efSearch);
            searchConfig.key("index");
            searchConfig.value(cl.value("index"));
        }
        searchConfig.endObject();
        app::RunDescription description;
        description.methodId = vectors ? "none" : "bm25";
        description.paramsJson = params.str();
        description.seed = hnsw ? int64_t(summary.parameters.seed) : 0;
        description.codeVersion = std::string("embtune-cli ") + EMBTUNE_VERSION;
        description.searchJson = searchConfig.str();
        return recorder->begin(data, vectors, description);
    };

    LoadReport loadReport;
    auto dataset = readBeirDataset(cl.value("dataset"), &loadReport, &progress);
    if (!dataset)
        return fail(dataset.error());
    for (const auto &warning : loadReport.warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
    std::string sourceName, sourcePath;
    Result<EvaluationReport> report = Error::usage("no ranking source");
    if (cl.has("embedder")) {
        Bm25Options bm25Options;
        bm25Options.threads = options.threads;
        const Bm25Index index = Bm25Index::build(documentTexts(*dataset), bm25Options);
        const std::vector<int32_t> tiePriority = tiePriorityByIdDescending(dataset->docIds.ids());
        RankingSource bm25 = [&](const std::vector<int32_t> &queries, int32_t k, const std::vector<int32_t> &exclude,
                                 Progress *searchProgress) {
            std::vector<std::string> texts;
            for (int32_t q : queries)
                texts.push_back(dataset->queries[size_t(q)]);
            return index.search(texts, queries, k, tiePriority, exclude, searchProgress);
        };
        sourceName = sourcePath = "bm25";
        if (Status s = beginRecord(*dataset, nullptr); !s)
            return fail(s.error());
        report = evaluateRankings(*dataset, bm25, options, &progress);
    } else {
        auto embeddings = readNpyEmbeddingSet(cl.value("embeddings"), *dataset);
        if (!embeddings)
            return fail(embeddings.error());
        sourceName = embeddings->name;
        sourcePath = embeddings->source;
        if (Status s = beginRecord(*dataset, &*embeddings); !s)
            return fail(s.error());
        if (!hnsw) {
            report = evaluateEmbeddings(*dataset, *embeddings, options, &progress);
        } else {
            report = evaluateWithHnsw(*dataset, *embeddings, options, cl.value("index"), cl.value("save-index"),
                                      cl.has("ef"), &progress, summary);
        }
    }
    if (!report) {
        if (recorder)
            (void)recorder->fail(report.error());
        return fail(report.error());
    }
    for (const auto &warning : report->warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
    if (recorder) {
        const std::string summaryJson = reportJson(*dataset, sourcePath, options, *report, false, cl.has("embedder"),
                                                   hnsw ? &summary : nullptr);
        if (Status s = recorder->finish(*dataset, options, *report, summaryJson, 0); !s)
            return fail(s.error());
    }

    const std::string json = reportJson(*dataset, sourcePath, options, *report, cl.has("per-query"), cl.has("embedder"),
                                        hnsw ? &summary : nullptr);
    if (Status s = writeJsonOutput(cl.value("json"), json); !s)
        return fail(s.error());
    if (cl.value("json") == "-" || quiet)
        return 0;

    std::string how = cl.has("embedder") ? "BM25 search"
                                         : std::string(similarityName(options.similarity)) + (hnsw ? ", HNSW search" : ", exact search");
    if (hnsw) {
        const HnswParameters &p = summary.parameters;
        char detail[160];
        std::snprintf(detail, sizeof detail, " (M %d, ef_construction %d, ef %d; index %s in %.3f s)", p.m, p.efConstruction,
                      p.efSearch, summary.loadedFrom.empty() ? "built" : "loaded", summary.indexSeconds);
        how += detail;
    }
    std::printf("%s / %s, split %s: %zu queries, %s, search %.3f s\n", dataset->name.c_str(), sourceName.c_str(),
                report->split.c_str(), report->metrics.queries.size(), how.c_str(), report->searchSeconds);
    std::printf("%-8s", "metric");
    for (int k : options.ks) {
        char label[16];
        std::snprintf(label, sizeof label, "@%d", k);
        std::printf(" %9s", label);
    }
    std::printf("\n");
    for (Metric m : options.metrics) {
        std::printf("%-8s", metricName(m));
        for (int k : options.ks)
            std::printf(" %9.5f", report->metrics.mean(m, k));
        std::printf("\n");
    }
    if (hnsw) {
        auto recallAt = [&](int k) -> const double * {
            for (const auto &entry : summary.annRecall)
                if (entry.first == k)
                    return &entry.second;
            return nullptr;
        };
        std::printf("%-8s", "ANNrec");
        for (int k : options.ks) {
            if (const double *recall = recallAt(k))
                std::printf(" %9.5f", *recall);
            else
                std::printf(" %9s", "-");
        }
        std::printf("\n");
        if (const double *recall10 = recallAt(10))
            std::printf("ANNrec: recall of the HNSW lists against exact search (ann_recall@10 %.5f; exact search %.3f s)\n",
                        *recall10, summary.exactSeconds);
    }
    return 0;
}

} // namespace embtune::cli
