// embtune-cli evaluate: exact search + trec_eval-convention metrics over an embedding set.

#include "command_line.h"
#include "commands.h"

#include "data/beir_reader.h"
#include "embed/embedding_set.h"
#include "eval/retrieval_evaluation.h"
#include "io/json_writer.h"
#include "io/npy.h"
#include "search/bm25.h"

#include <atomic>
#include <csignal>
#include <cstdio>

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
    std::fprintf(stderr, "embtune-cli: %s\n", error.toString().c_str());
    return exitCodeFor(error);
}

int usage(const std::string &message)
{
    std::fprintf(stderr, "embtune-cli evaluate: %s\n", message.c_str());
    return 2;
}

std::string reportJson(const Dataset &dataset, const std::string &embeddings, const EvaluationOptions &options,
                       const EvaluationReport &report, bool perQuery, bool bm25)
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
    w.value(bm25 ? "bm25" : "exact");
    if (!bm25) {
        w.key("similarity");
        w.value(similarityName(options.similarity));
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

} // namespace

int runEvaluate(const std::vector<std::string> &args)
{
    CommandLine cl({"dataset", "embeddings", "embedder", "split", "k", "metrics", "similarity", "threads", "json"},
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

    std::signal(SIGINT, onInterrupt);
    Progress progress([](const ProgressEvent &) { return !g_interrupted.load(); });

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
        report = evaluateRankings(*dataset, bm25, options, &progress);
    } else {
        auto embeddings = readNpyEmbeddingSet(cl.value("embeddings"), *dataset);
        if (!embeddings)
            return fail(embeddings.error());
        sourceName = embeddings->name;
        sourcePath = embeddings->source;
        report = evaluateEmbeddings(*dataset, *embeddings, options, &progress);
    }
    if (!report)
        return fail(report.error());
    for (const auto &warning : report->warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());

    const std::string json = reportJson(*dataset, sourcePath, options, *report, cl.has("per-query"), cl.has("embedder"));
    const std::string jsonPath = cl.value("json");
    if (jsonPath == "-") {
        std::fputs(json.c_str(), stdout);
        return 0;
    }
    if (!jsonPath.empty())
        if (Status s = writeFileAtomically(jsonPath, json); !s)
            return fail(s.error());
    if (quiet)
        return 0;

    std::printf("%s / %s, split %s: %zu queries, %s in %.3f s\n", dataset->name.c_str(), sourceName.c_str(),
                report->split.c_str(), report->metrics.queries.size(),
                cl.has("embedder") ? "BM25 search" : (std::string(similarityName(options.similarity)) + ", exact search").c_str(),
                report->searchSeconds);
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
    return 0;
}

} // namespace embtune::cli
