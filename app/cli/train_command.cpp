// embtune-cli train: fits a tuning method on train/dev queries, evaluates the baseline and the
// tuned vectors on a split, and optionally exports the tuned document vectors.

#include "command_line.h"
#include "commands.h"

#include "data/beir_reader.h"
#include "embed/embedding_set.h"
#include "embed/embedding_store.h"
#include "embed/lsa_embedder.h"
#include "eval/retrieval_evaluation.h"
#include "io/json_writer.h"
#include "io/npy.h"
#include "methods/adapter_export.h"
#include "methods/method.h"

#include "run_recorder.h"
#include "synth/synthetic_set.h"
#include "synth/synthetic_training.h"

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <tuple>

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

// What --train-source asks for: labelled qrels, a generated set, or both.
struct TrainSource {
    bool qrels = true;
    std::string synthDir; // empty: no generated queries
};

std::optional<TrainSource> parseTrainSource(const std::string &text)
{
    if (text == "qrels")
        return TrainSource{true, {}};
    for (const auto &[prefix, withQrels] : {std::pair<std::string, bool>{"synth:", false}, {"qrels+synth:", true}})
        if (text.size() > prefix.size() && text.compare(0, prefix.size(), prefix) == 0)
            return TrainSource{withQrels, text.substr(prefix.size())};
    return std::nullopt;
}

// The built-in LSA embedder fitted on the corpus: the embedding set (corpus and dataset queries)
// and the fitted model, which embeds generated queries alike.
Result<EmbeddingSet> lsaEmbeddings(const Dataset &dataset, LsaEmbedder &lsa, Progress *progress)
{
    auto docs = lsa.fit(documentTexts(dataset), progress);
    if (!docs)
        return docs.error();
    auto queries = lsa.embed(dataset.queries, progress);
    if (!queries)
        return queries.error();
    EmbeddingSet set;
    set.name = "lsa" + std::to_string(lsa.dim());
    set.source = "built-in";
    set.docs = FloatMatrix(*docs);
    set.queries = FloatMatrix(*queries);
    set.hasQueryVector.assign(size_t(dataset.queryCount()), 1);
    set.provenance.embedder = "lsa";
    set.provenance.parameters = lsa.optionsJson();
    set.provenance.normalized = true;
    return set;
}

} // namespace

int runTrain(const std::vector<std::string> &args)
{
    CommandLine cl({"method", "dataset", "embeddings", "train-queries", "dev-queries", "eval-split", "json",
                    "export-embeddings", "export-adapter", "param", "threads", "seed", "expert", "embedder", "dim", "train-source",
                    "synth-dev-fraction", "workspace"},
                   {"list-methods", "quiet", "per-query"});
    if (auto problem = cl.parse(args))
        return usage(*problem);
    if (cl.has("list-methods")) {
        printMethods(stdout);
        return 0;
    }
    const auto source = parseTrainSource(cl.value("train-source", "qrels"));
    if (!source)
        return usage("--train-source is qrels, synth:DIR or qrels+synth:DIR (DIR: a generated-set folder, or the name of a "
                     "query set of --workspace)");
    const bool synth = !source->synthDir.empty();
    if (!cl.has("method") || !cl.has("dataset") || cl.has("embeddings") == cl.has("embedder") ||
        (source->qrels && !cl.has("train-queries")) || (!synth && !cl.has("dev-queries")))
        return usage("--method, --dataset, --embeddings DIR or --embedder lsa, --train-queries and --dev-queries are "
                     "required (with --train-source synth:DIR, --train-queries is not and --dev-queries is optional; "
                     "--list-methods shows the methods and their parameters)");
    if (cl.has("embedder") && cl.value("embedder") != "lsa")
        return usage("--embedder is lsa (the built-in embedder; other embedders: compute with `embtune-cli embed` "
                     "and pass --embeddings DIR)");
    if (!cl.has("embedder") && cl.has("dim"))
        return usage("--dim applies to --embedder lsa");
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
    std::vector<int> lsaDim, lsaSeed;
    if ((cl.has("dim") && (!parseIntList(cl.value("dim"), lsaDim) || lsaDim.size() != 1 || lsaDim[0] < 1)) ||
        (cl.has("seed") && (!parseIntList(cl.value("seed"), lsaSeed) || lsaSeed.size() != 1 || lsaSeed[0] < 0)))
        return usage("--dim takes a positive integer and --seed a non-negative one");
    double devFraction = 0.1;
    if (cl.has("synth-dev-fraction")) {
        char *end = nullptr;
        const std::string text = cl.value("synth-dev-fraction");
        devFraction = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !(devFraction > 0 && devFraction < 1))
            return usage("--synth-dev-fraction takes a number between 0 and 1 (exclusive)");
    }
    const uint64_t seed = lsaSeed.empty() ? 0 : uint64_t(lsaSeed[0]);

    std::signal(SIGINT, onInterrupt);
    Progress progress([](const ProgressEvent &) { return !g_stop.load(); });

    // --workspace DIR: the run is recorded there (opened first: a locked workspace fails fast).
    std::optional<app::RunRecorder> recorder;
    if (cl.has("workspace")) {
        if (!tableMethods.empty())
            return usage("--workspace records the run of one method, not a list");
        auto opened = app::RunRecorder::open(cl.value("workspace"));
        if (!opened)
            return fail(opened.error());
        recorder.emplace(std::move(*opened));
    }
    auto failRun = [&](const Error &error) {
        if (recorder)
            (void)recorder->fail(error);
        return fail(error);
    };

    LoadReport loadReport;
    auto dataset = readBeirDataset(cl.value("dataset"), &loadReport, &progress);
    if (!dataset)
        return fail(dataset.error());
    for (const auto &warning : loadReport.warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
    // Embeddings: a precomputed folder, or the built-in LSA fitted here. Generated queries need an
    // embedder: the LSA fitted here, or the LSA model an `embed` folder keeps in DIR/model.
    std::unique_ptr<LsaEmbedder> lsa;
    Result<EmbeddingSet> embeddings = Error::usage("no embeddings");
    if (cl.has("embedder")) {
        LsaOptions lsaOptions;
        lsaOptions.dim = lsaDim.empty() ? 256 : lsaDim[0];
        lsaOptions.seed = seed;
        lsaOptions.threads = threads;
        lsa = std::make_unique<LsaEmbedder>(lsaOptions);
        embeddings = lsaEmbeddings(*dataset, *lsa, &progress);
    } else {
        embeddings = importEmbeddingFolder(cl.value("embeddings"), *dataset);
        const std::filesystem::path model = std::filesystem::path(cl.value("embeddings")) / "model";
        if (embeddings && synth && std::filesystem::exists(model / "lsa.json")) {
            auto loaded = LsaEmbedder::load(model.string());
            if (!loaded)
                return fail(loaded.error());
            lsa = std::move(*loaded);
        }
    }
    if (!embeddings)
        return fail(embeddings.error());
    if (synth && !lsa)
        return fail(Error::usage("--embeddings " + cl.value("embeddings") +
                                 " holds precomputed vectors and no embedder model (model/lsa.json), so it cannot "
                                 "embed the generated queries; use --embedder lsa, or an `embtune-cli embed` folder"));
    std::vector<int32_t> synthTrain, synthDev;
    std::optional<Dataset> augmented;
    if (synth) {
        // synth:NAME: an existing path is a generated-set folder; otherwise a query set of --workspace.
        std::string synthDir = source->synthDir;
        if (!std::filesystem::exists(synthDir)) {
            if (!recorder)
                return fail(Error::io("no such generated-set folder (a query set name needs --workspace DIR)",
                                      synthDir));
            auto named = recorder->workspace().querySetNamed(synthDir);
            if (!named)
                return fail(named.error());
            if (!*named)
                return fail(Error::input("no generated-set folder and no query set named \"" + synthDir +
                                             "\" in the workspace",
                                         recorder->workspace().databasePath()));
            synthDir = (std::filesystem::path(recorder->workspace().folder()) / (*named)->folder).string();
        }
        auto set = readSyntheticSet(synthDir, *dataset);
        if (!set)
            return fail(set.error());
        std::vector<int32_t> appended;
        auto withSynth = appendSyntheticQueries(*dataset, *set, &appended);
        if (!withSynth)
            return fail(withSynth.error());
        std::vector<std::string> texts;
        texts.reserve(set->queries.size());
        for (const SyntheticQuery &q : set->queries)
            texts.push_back(q.text);
        auto vectors = lsa->embed(texts, &progress);
        if (!vectors)
            return fail(vectors.error());
        auto withVectors = appendQueryVectors(*embeddings, ConstMatrixMap(vectors->data(), vectors->rows(), vectors->cols()));
        if (!withVectors)
            return fail(withVectors.error());
        embeddings = std::move(*withVectors);
        augmented = std::move(*withSynth);
        if (cl.has("dev-queries"))
            synthTrain = appended;
        else
            std::tie(synthTrain, synthDev) = splitHeldOut(appended, devFraction, seed);
        if (!quiet)
            std::fprintf(stderr, "generated queries (%s): %zu for training, %zu held out for dev\n",
                         set->generator.c_str(), synthTrain.size(), synthDev.size());
    }
    const Dataset &trainingSet = augmented ? *augmented : *dataset;
    if (synth && cl.has("expert"))
        return usage("--expert sets hold no vectors for generated queries; train with --train-source qrels");
    std::vector<EmbeddingSet> experts;
    for (const auto &dir : cl.values("expert")) {
        auto expert = importEmbeddingFolder(dir, *dataset);
        if (!expert)
            return fail(expert.error());
        experts.push_back(std::move(*expert));
    }
    Result<std::vector<int32_t>> train = std::vector<int32_t>{};
    if (source->qrels)
        train = readQueryIdList(cl.value("train-queries"), *dataset);
    if (!train)
        return fail(train.error());
    Result<std::vector<int32_t>> dev = synthDev;
    if (cl.has("dev-queries"))
        dev = readQueryIdList(cl.value("dev-queries"), *dataset);
    if (!dev)
        return fail(dev.error());
    train->insert(train->end(), synthTrain.begin(), synthTrain.end());

    TrainingData data;
    data.dataset = &trainingSet;
    data.embeddings = &*embeddings;
    data.trainQueries = *train;
    data.devQueries = *dev;
    data.trainQrels = trainingSet.judgementsFor(*train);
    data.devQrels = trainingSet.judgementsFor(*dev);
    data.threads = threads;
    for (const EmbeddingSet &expert : experts)
        data.experts.push_back(&expert);
    if (data.trainQrels.queries.empty())
        return fail(Error::input("no training query has judgements", synth ? source->synthDir : cl.value("train-queries")));

    if (!tableMethods.empty())
        return printResultsTable(tableMethods, data, *embeddings, cl.value("eval-split", "test"), threads, &progress);

    if (recorder) {
        JsonWriter paramsJson(false);
        paramsJson.beginObject();
        for (const auto &[name, value] : params->all()) {
            paramsJson.key(name);
            paramsJson.value(value);
        }
        paramsJson.endObject();
        app::RunDescription description;
        description.methodId = method->spec().id;
        description.paramsJson = paramsJson.str();
        description.seed = params->all().count("seed") ? params->integer("seed") : 0;
        description.codeVersion = std::string("embtune-cli ") + EMBTUNE_VERSION;
        description.searchJson = R"({"search": "exact"})";
        if (Status s = recorder->begin(*dataset, &*embeddings, description); !s)
            return fail(s.error());
    }
    const auto started = std::chrono::steady_clock::now();
    auto model = method->fit(data, *params, &progress);
    if (!model)
        return failRun(model.error());
    const double fitSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    EmbeddingSet tuned;
    tuned.name = embeddings->name + "+" + method->spec().id;
    tuned.source = embeddings->source;
    tuned.docs = (*model)->tunedDocuments();
    tuned.queries = FloatMatrix((*model)->transformDatasetQueries(trainingSet, embeddings->queries.map()));
    tuned.hasQueryVector = embeddings->hasQueryVector;

    EvaluationOptions options;
    options.split = cl.value("eval-split", "test");
    options.threads = threads;
    auto baseline = evaluateEmbeddings(trainingSet, *embeddings, options, &progress);
    if (!baseline)
        return failRun(baseline.error());
    options.similarity = (*model)->similarity();
    auto result = evaluateEmbeddings(trainingSet, tuned, options, &progress);
    if (!result)
        return failRun(result.error());

    if (cl.has("export-embeddings")) {
        const std::filesystem::path out(cl.value("export-embeddings"));
        for (Status s : {exportEmbeddingSet(tuned, trainingSet, VectorFormat::Npy, out.string()),
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
    if (cl.has("per-query")) { // {"baseline"|"tuned": {query id: {metric@k: value}}}, read by `compare`
        w.key("per_query");
        w.beginObject();
        for (const auto &[label, report] : {std::pair<const char *, const EvaluationReport *>{"baseline", &*baseline},
                                            {"tuned", &*result}}) {
            w.key(label);
            w.beginObject();
            for (size_t i = 0; i < report->metrics.queries.size(); ++i) {
                w.key(trainingSet.queryIds.id(report->metrics.queries[i]));
                w.beginObject();
                for (Metric m : options.metrics)
                    for (int k : options.ks) {
                        w.key(std::string(metricKey(m)) + "@" + std::to_string(k));
                        w.value(report->metrics.values(m, k)[i]);
                    }
                w.endObject();
            }
            w.endObject();
        }
        w.endObject();
    }
    w.key("fit");
    w.value((*model)->reportJson());
    w.endObject();
    if (recorder) { // summary: this report; artifacts: the tuned document vectors and their ids
        std::string ids;
        for (const auto &id : trainingSet.docIds.ids())
            ids.append(id).push_back('\n');
        app::Workspace &ws = recorder->workspace();
        for (auto artifact : {ws.storeRunMatrix(recorder->runId(), "tuned_documents", tuned.docs.map()),
                              ws.storeRunFile(recorder->runId(), "document_ids", "document_ids.txt", ids)})
            if (!artifact)
                return failRun(artifact.error());
        if (Status s = recorder->finish(trainingSet, options, *result, w.str(), fitSeconds); !s)
            return fail(s.error());
    }
    const std::string json = w.str() + "\n";
    if (Status s = writeJsonOutput(cl.value("json"), json); !s)
        return fail(s.error());
    if (cl.value("json") == "-" || quiet)
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
