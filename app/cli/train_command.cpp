// embtune-cli train: fits a tuning method on train/dev queries, evaluates the baseline and the
// tuned vectors on a split, and optionally exports the tuned document vectors.

#include "command_line.h"
#include "commands.h"

#include "data/beir_reader.h"
#include "embed/embedding_set.h"
#include "embed/embedding_store.h"
#include "eval/retrieval_evaluation.h"
#include "io/json_writer.h"
#include "io/npy.h"
#include "methods/adapter_export.h"
#include "methods/method.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>

using namespace embtune::engine;

namespace embtune::cli {
namespace {

std::atomic<bool> g_stop{false};
void onInterrupt(int) { g_stop.store(true); }

int fail(const Error &error)
{
    return reportError(error);
}

int usage(const std::string &message)
{
    return reportUsage("train", message);
}

void printMethods(FILE *to)
{
    for (const Method *method : registeredMethods()) {
        const MethodSpec &spec = method->spec();
        std::fprintf(to, "  %-10s %s\n", spec.id.c_str(), spec.description.c_str());
        for (const ParamSpec &p : spec.params)
            std::fprintf(to, "             --param %s=%s  %s\n", p.name.c_str(), p.defaultValue.c_str(), p.help.c_str());
    }
}

// Fits every method with its defaults and prints a Markdown table of test figures and fit time.
int printResultsTable(const std::vector<const Method *> &methods, const TrainingData &data,
                      const EmbeddingSet &embeddings, const std::string &split, int threads, Progress *progress)
{
    const Dataset &dataset = *data.dataset;
    EvaluationOptions options;
    options.split = split;
    options.threads = threads;
    options.ks = {10, 100};
    options.metrics = {Metric::Ndcg, Metric::Recall};
    auto baseline = evaluateEmbeddings(dataset, embeddings, options, progress);
    if (!baseline)
        return fail(baseline.error());
    std::printf("| method | nDCG@10 | recall@10 | recall@100 | train time |\n|---|---|---|---|---|\n");
    std::printf("| none | %.5f | %.5f | %.5f | |\n", baseline->metrics.mean(Metric::Ndcg, 10),
                baseline->metrics.mean(Metric::Recall, 10), baseline->metrics.mean(Metric::Recall, 100));
    std::fflush(stdout);
    for (const Method *method : methods) {
        const auto started = std::chrono::steady_clock::now();
        auto model = method->fit(data, *ParamValues::parse(method->spec(), {}), progress);
        if (!model)
            return fail(model.error());
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        EmbeddingSet tuned = embeddings;
        tuned.docs = (*model)->tunedDocuments();
        tuned.queries = FloatMatrix((*model)->transformDatasetQueries(dataset, embeddings.queries.map()));
        EvaluationOptions tunedOptions = options;
        tunedOptions.similarity = (*model)->similarity();
        auto result = evaluateEmbeddings(dataset, tuned, tunedOptions, progress);
        if (!result)
            return fail(result.error());
        std::printf("| %s | %.5f | %.5f | %.5f | %.2f s |\n", method->spec().id.c_str(), result->metrics.mean(Metric::Ndcg, 10),
                    result->metrics.mean(Metric::Recall, 10), result->metrics.mean(Metric::Recall, 100), seconds);
        std::fflush(stdout);
    }
    return 0;
}

} // namespace

int runTrain(const std::vector<std::string> &args)
{
    CommandLine cl({"method", "dataset", "embeddings", "train-queries", "dev-queries", "eval-split", "json",
                    "export-embeddings", "export-adapter", "param", "threads", "seed", "expert"},
                   {"list-methods", "quiet"});
    if (auto problem = cl.parse(args))
        return usage(*problem);
    if (cl.has("list-methods")) {
        printMethods(stdout);
        return 0;
    }
    for (const char *required : {"method", "dataset", "embeddings", "train-queries", "dev-queries"})
        if (!cl.has(required))
            return usage("--method, --dataset, --embeddings, --train-queries and --dev-queries are required "
                         "(--list-methods shows the methods and their parameters)");
    // A list of methods (or "all"): fit each with its defaults and print a Markdown results table.
    std::vector<const Method *> tableMethods;
    if (cl.value("method") == "all" || cl.value("method").find(',') != std::string::npos) {
        if (cl.has("param"))
            return usage("--param applies to one method; with a list of methods each uses its defaults");
        if (cl.value("method") == "all") {
            tableMethods = registeredMethods();
        } else {
            size_t start = 0;
            const std::string list = cl.value("method");
            while (start <= list.size()) {
                const size_t end = list.find(',', start);
                const std::string id = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
                const Method *m = findMethod(id);
                if (!m)
                    return usage("unknown method \"" + id + "\" in the list");
                tableMethods.push_back(m);
                if (end == std::string::npos)
                    break;
                start = end + 1;
            }
        }
    }
    const Method *method = tableMethods.empty() ? findMethod(cl.value("method")) : tableMethods.front();
    if (!method) {
        std::fprintf(stderr, "embtune-cli train: unknown method \"%s\"; known methods:\n", cl.value("method").c_str());
        printMethods(stderr);
        return 2;
    }
    std::map<std::string, std::string> given;
    for (const auto &assignment : cl.values("param")) {
        const auto eq = assignment.find('=');
        if (eq == std::string::npos || eq == 0)
            return usage("--param takes name=value, got \"" + assignment + "\"");
        given[assignment.substr(0, eq)] = assignment.substr(eq + 1);
    }
    auto params = ParamValues::parse(method->spec(), given);
    if (!params)
        return fail(params.error());
    std::vector<int> numbers;
    const int threads = cl.has("threads") && parseIntList(cl.value("threads"), numbers) ? numbers[0] : 0;
    const bool quiet = cl.has("quiet");

    std::signal(SIGINT, onInterrupt);
    Progress progress([](const ProgressEvent &) { return !g_stop.load(); });

    LoadReport loadReport;
    auto dataset = readBeirDataset(cl.value("dataset"), &loadReport, &progress);
    if (!dataset)
        return fail(dataset.error());
    for (const auto &warning : loadReport.warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
    auto embeddings = importEmbeddingFolder(cl.value("embeddings"), *dataset);
    if (!embeddings)
        return fail(embeddings.error());
    std::vector<EmbeddingSet> experts;
    for (const auto &dir : cl.values("expert")) {
        auto expert = importEmbeddingFolder(dir, *dataset);
        if (!expert)
            return fail(expert.error());
        experts.push_back(std::move(*expert));
    }
    auto train = readQueryIdList(cl.value("train-queries"), *dataset);
    if (!train)
        return fail(train.error());
    auto dev = readQueryIdList(cl.value("dev-queries"), *dataset);
    if (!dev)
        return fail(dev.error());

    TrainingData data;
    data.dataset = &*dataset;
    data.embeddings = &*embeddings;
    data.trainQueries = *train;
    data.devQueries = *dev;
    data.trainQrels = dataset->judgementsFor(*train);
    data.devQrels = dataset->judgementsFor(*dev);
    data.threads = threads;
    for (const EmbeddingSet &expert : experts)
        data.experts.push_back(&expert);
    if (data.trainQrels.queries.empty())
        return fail(Error::input("no query of the training list has judgements", cl.value("train-queries")));

    if (!tableMethods.empty())
        return printResultsTable(tableMethods, data, *embeddings, cl.value("eval-split", "test"), threads, &progress);

    const auto started = std::chrono::steady_clock::now();
    auto model = method->fit(data, *params, &progress);
    if (!model)
        return fail(model.error());
    const double fitSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    EmbeddingSet tuned;
    tuned.name = embeddings->name + "+" + method->spec().id;
    tuned.source = embeddings->source;
    tuned.docs = (*model)->tunedDocuments();
    tuned.queries = FloatMatrix((*model)->transformDatasetQueries(*dataset, embeddings->queries.map()));
    tuned.hasQueryVector = embeddings->hasQueryVector;

    EvaluationOptions options;
    options.split = cl.value("eval-split", "test");
    options.threads = threads;
    auto baseline = evaluateEmbeddings(*dataset, *embeddings, options, &progress);
    if (!baseline)
        return fail(baseline.error());
    options.similarity = (*model)->similarity();
    auto result = evaluateEmbeddings(*dataset, tuned, options, &progress);
    if (!result)
        return fail(result.error());

    if (cl.has("export-embeddings")) {
        const std::filesystem::path out(cl.value("export-embeddings"));
        for (Status s : {exportEmbeddingSet(tuned, *dataset, VectorFormat::Npy, out.string()),
                         writeFileAtomically((out / "run.json").string(), (*model)->reportJson() + "\n")})
            if (!s)
                return fail(s.error());
    }
    if (cl.has("export-adapter"))
        if (Status s = writeAdapterSafetensors(cl.value("export-adapter"), **model, method->spec().id, *params,
                                               *embeddings);
            !s)
            return fail(s.error());

    JsonWriter w;
    w.beginObject();
    w.key("method");
    w.value(method->spec().id);
    w.key("parameters");
    w.beginObject();
    for (const auto &[name, value] : params->all()) {
        w.key(name);
        w.value(value);
    }
    w.endObject();
    w.key("fit_seconds");
    w.value(fitSeconds);
    w.key("similarity");
    w.value(similarityName((*model)->similarity()));
    w.key("split");
    w.value(options.split);
    w.key("queries");
    w.value(int64_t(result->metrics.queries.size()));
    for (const auto &[label, report] : {std::pair<const char *, const EvaluationReport *>{"baseline", &*baseline},
                                        {"tuned", &*result}}) {
        w.key(label);
        w.beginObject();
        for (Metric m : options.metrics)
            for (int k : options.ks) {
                w.key(std::string(metricKey(m)) + "@" + std::to_string(k));
                w.value(report->metrics.mean(m, k));
            }
        w.endObject();
    }
    w.key("fit");
    w.value((*model)->reportJson());
    w.endObject();
    const std::string json = w.str() + "\n";
    if (cl.value("json") == "-") {
        std::fputs(json.c_str(), stdout);
        return 0;
    }
    if (cl.has("json"))
        if (Status s = writeFileAtomically(cl.value("json"), json); !s)
            return fail(s.error());
    if (quiet)
        return 0;
    std::printf("%s on %s / %s: fit %.3f s, %s search, split %s (%zu queries)\n", method->spec().displayName.c_str(),
                dataset->name.c_str(), embeddings->name.c_str(), fitSeconds, similarityName((*model)->similarity()),
                options.split.c_str(), result->metrics.queries.size());
    std::printf("%-10s %9s %9s %9s %9s\n", "run", "nDCG@10", "R@10", "R@100", "MRR@10");
    for (const auto &[label, report] : {std::pair<const char *, const EvaluationReport *>{"baseline", &*baseline},
                                        {method->spec().id.c_str(), &*result}})
        std::printf("%-10s %9.5f %9.5f %9.5f %9.5f\n", label, report->metrics.mean(Metric::Ndcg, 10),
                    report->metrics.mean(Metric::Recall, 10), report->metrics.mean(Metric::Recall, 100),
                    report->metrics.mean(Metric::Mrr, 10));
    std::printf("fit: %s\n", (*model)->reportJson().c_str());
    return 0;
}

} // namespace embtune::cli
