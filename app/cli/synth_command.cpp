// embtune-cli synth: generates training queries for a dataset's documents (ict, title, keyphrase,
// or an OpenAI-compatible chat model) and writes them as a generated-query folder
// (engine/synth/synthetic_set.h): queries.jsonl + qrels/train.tsv + manifest.json, into --out DIR
// and/or a workspace (--workspace W --name NAME: artifacts/query_sets/<id>/ + a query_sets
// record). With --workspace W, --list lists the workspace's sets and --export NAME --out DIR
// writes one as a BEIR dataset folder (engine/synth/synthetic_export.h).

#include "command_line.h"
#include "commands.h"

#include "data/beir_reader.h"
#include "data/dataset_hash.h"
#include "synth/query_generators.h"
#include "synth/synthetic_export.h"
#include "synth/synthetic_set.h"
#include "llm_query_generator.h"
#include "run_recorder.h"
#include "workspace.h"

#include <QFile>
#include <QStandardPaths>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <cstdlib>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string>

using namespace embtune::engine;

namespace embtune::cli {
namespace {

std::atomic<bool> g_synthInterrupted{false};

int usage(const std::string &message)
{
    return reportUsage("synth", message);
}

bool intOption(const CommandLine &cl, const char *name, int &target, int minimum)
{
    if (!cl.has(name))
        return true;
    std::vector<int> values;
    if (!parseIntList(cl.value(name), values) || values.size() != 1 || values[0] < minimum)
        return false;
    target = values[0];
    return true;
}

bool realOption(const CommandLine &cl, const char *name, double &target)
{
    if (!cl.has(name))
        return true;
    char *end = nullptr;
    const std::string text = cl.value(name);
    target = std::strtod(text.c_str(), &end);
    return !text.empty() && *end == '\0' && target >= 0;
}

// --generator llm: an OpenAI-compatible chat model writes --per-doc questions per document.
Result<SyntheticSet> runLlmGenerator(const CommandLine &cl, const Dataset &dataset, const SynthOptions &options,
                                     Progress *progress)
{
    if (!cl.has("model"))
        return Error::usage("--generator llm needs --model M (and --base-url URL unless it is api.openai.com)");
    net::LlmGeneratorSettings settings;
    if (cl.has("base-url"))
        settings.baseUrl = QString::fromStdString(cl.value("base-url"));
    settings.model = QString::fromStdString(cl.value("model"));
    settings.questionsPerDocument = cl.has("per-doc") ? options.perDocument : 3;
    settings.documents = options.documents;
    settings.seed = options.seed;
    double confirmAbove = 1.0;
    if (!intOption(cl, "max-in-flight", settings.maxInFlight, 1) || !intOption(cl, "timeout-ms", settings.timeoutMs, 1) ||
        !realOption(cl, "price-per-mtok", settings.pricePerMillionTokens) ||
        !realOption(cl, "confirm-above", confirmAbove) || !realOption(cl, "temperature", settings.temperature))
        return Error::usage("--max-in-flight and --timeout-ms take positive integers; --price-per-mtok, "
                            "--confirm-above and --temperature non-negative numbers");
    if (cl.has("prompt")) {
        QFile file(QString::fromStdString(cl.value("prompt")));
        if (!file.open(QIODevice::ReadOnly))
            return Error::io("cannot read the prompt template: " + file.errorString().toStdString(), cl.value("prompt"));
        settings.promptTemplate = QString::fromUtf8(file.readAll());
    }
    if (!cl.has("no-cache"))
        settings.cacheDir = cl.has("cache") ? QString::fromStdString(cl.value("cache"))
                                            : QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
                                                  QStringLiteral("/llm-questions");
    net::ApiKeySource keySource;
    if (cl.has("api-key-env"))
        keySource.environmentVariable = QString::fromStdString(cl.value("api-key-env"));
    keySource.keychainService.clear(); // the CLI reads keys from the environment only
    auto key = net::loadApiKey(keySource);
    net::LlmQueryGenerator generator(settings, key.ok() ? *key : net::ApiKey());
    auto estimate = generator.estimate(dataset);
    if (!estimate)
        return estimate.error();
    std::fprintf(stderr, "embtune-cli: %lld documents (%lld cached): %lld requests, about %lld tokens",
                 (long long)estimate->documents, (long long)estimate->cachedDocuments, (long long)estimate->requests,
                 (long long)estimate->estimatedTokens);
    if (settings.pricePerMillionTokens > 0)
        std::fprintf(stderr, ", estimated cost %.4f", estimate->estimatedCost);
    std::fprintf(stderr, "\n");
    if (estimate->needsConfirmation(confirmAbove) && !cl.has("yes"))
        return Error::usage("the estimated cost exceeds --confirm-above " + std::to_string(confirmAbove) +
                            "; pass --yes to go ahead");
    auto set = generator.generate(dataset, progress);
    if (set && !cl.has("quiet")) {
        const net::LlmStats &stats = generator.lastStats();
        std::fprintf(stderr, "llm: requests=%lld retries=%lld cached=%lld short_answers=%lld\n",
                     (long long)stats.requests, (long long)stats.retries, (long long)stats.cachedDocuments,
                     (long long)stats.shortAnswers);
    }
    return set;
}


// --workspace W --list: one line per query set.
int listQuerySets(const std::string &folder)
{
    auto ws = app::Workspace::open(folder);
    if (!ws)
        return reportError(ws.error());
    auto sets = ws->querySets();
    if (!sets)
        return reportError(sets.error());
    auto datasets = ws->datasets();
    if (!datasets)
        return reportError(datasets.error());
    std::printf("%-4s %-24s %-10s %8s  %-16s %s\n", "id", "name", "generator", "queries", "created", "dataset");
    for (const app::QuerySetRecord &r : *sets) {
        std::string dataset;
        for (const app::DatasetRecord &d : *datasets)
            if (d.id == r.datasetId)
                dataset = d.name;
        char created[32] = "";
        const std::time_t seconds = std::time_t(r.createdAt / 1000);
        std::tm utc{};
        if (gmtime_r(&seconds, &utc))
            std::strftime(created, sizeof created, "%Y-%m-%d %H:%M", &utc);
        std::printf("%-4lld %-24s %-10s %8lld  %-16s %s\n", (long long)r.id, r.name.c_str(), r.generator.c_str(),
                    (long long)r.count, created, dataset.c_str());
    }
    return 0;
}

// --workspace W --export NAME --out DIR [--dataset D]: the set as a BEIR folder. The dataset is
// --dataset, else the folder the workspace recorded for the set's dataset.
int exportQuerySet(const CommandLine &cl)
{
    auto ws = app::Workspace::open(cl.value("workspace"));
    if (!ws)
        return reportError(ws.error());
    auto record = ws->querySetNamed(cl.value("export"));
    if (!record)
        return reportError(record.error());
    if (!*record)
        return reportError(Error::input("no query set named \"" + cl.value("export") + "\" in the workspace",
                                        ws->databasePath()));
    std::string datasetDir = cl.value("dataset");
    if (datasetDir.empty()) {
        auto datasets = ws->datasets();
        if (!datasets)
            return reportError(datasets.error());
        for (const app::DatasetRecord &d : *datasets)
            if (d.id == (*record)->datasetId)
                datasetDir = d.path;
    }
    auto dataset = readBeirDataset(datasetDir);
    if (!dataset)
        return reportError(dataset.error());
    auto folder = ws->querySetFolder(**record); // refuses a folder outside the workspace's artifacts/
    if (!folder)
        return reportError(folder.error());
    auto set = readSyntheticSet(*folder, *dataset);
    if (!set)
        return reportError(set.error());
    if (Status s = exportSyntheticSetAsBeir(*set, *dataset, cl.value("out")); !s)
        return reportError(s.error());
    if (!cl.has("quiet"))
        std::printf("%s: %zu queries and %d documents -> %s\n", (*record)->name.c_str(), set->queries.size(),
                    dataset->docCount(), cl.value("out").c_str());
    return 0;
}

} // namespace

int runSynth(const std::vector<std::string> &args)
{
    CommandLine cl({"dataset", "generator", "out", "per-doc", "docs", "seed", "terms", "min-tokens", "max-tokens",
                    "remove-prob", "threads", "model", "base-url", "prompt", "api-key-env", "cache", "max-in-flight",
                    "timeout-ms", "price-per-mtok", "confirm-above", "temperature", "workspace", "name", "export"},
                   {"quiet", "yes", "no-cache", "list"});
    if (auto problem = cl.parse(args))
        return usage(*problem);
    if ((cl.has("list") || cl.has("export")) && !cl.has("workspace"))
        return usage("--list and --export NAME apply to a workspace (--workspace DIR)");
    if (cl.has("list"))
        return listQuerySets(cl.value("workspace"));
    if (cl.has("export")) {
        if (!cl.has("out"))
            return usage("--export NAME needs --out DIR");
        return exportQuerySet(cl);
    }
    if (cl.has("workspace") != cl.has("name"))
        return usage("--workspace DIR and --name NAME go together (the generated set is stored in the workspace "
                     "under that name)");
    if (!cl.has("dataset") || !(cl.has("out") || cl.has("workspace")) || !cl.has("generator"))
        return usage("--dataset DIR, --generator ict|title|keyphrase|llm and --out DIR (or --workspace DIR --name "
                     "NAME) are required");
    SynthOptions options;
    options.generator = cl.value("generator");
    int docs = 0, seed = 0;
    if (!intOption(cl, "per-doc", options.perDocument, 1) || !intOption(cl, "docs", docs, 0) ||
        !intOption(cl, "seed", seed, 0) || !intOption(cl, "terms", options.terms, 1) ||
        !intOption(cl, "min-tokens", options.minTokens, 1) || !intOption(cl, "max-tokens", options.maxTokens, 0) ||
        !intOption(cl, "threads", options.threads, 0))
        return usage("--per-doc, --terms and --min-tokens take positive integers; --docs, --seed, --max-tokens and "
                     "--threads non-negative ones");
    if (!realOption(cl, "remove-prob", options.removeProbability) || options.removeProbability > 1)
        return usage("--remove-prob takes a probability in [0, 1]");
    options.documents = docs;
    options.seed = uint64_t(seed);
    const bool llm = options.generator == "llm";
    if (!llm) {
        const auto &known = builtInGenerators();
        if (std::find(known.begin(), known.end(), options.generator) == known.end())
            return usage("unknown --generator \"" + options.generator + "\" (ict, title, keyphrase, llm)");
        for (const char *llmOnly : {"model", "base-url", "prompt", "api-key-env", "cache", "max-in-flight",
                                    "timeout-ms", "price-per-mtok", "confirm-above", "temperature"})
            if (cl.has(llmOnly))
                return usage(std::string("--") + llmOnly + " applies to --generator llm");
    }
    const bool quiet = cl.has("quiet");
    std::signal(SIGINT, [](int) { g_synthInterrupted.store(true); });
    // The workspace first: a locked workspace or a taken name fails before any generation.
    std::optional<app::Workspace> workspace;
    if (cl.has("workspace")) {
        auto opened = app::Workspace::open(cl.value("workspace"), app::Workspace::OpenMode::OpenOrCreate);
        if (!opened)
            return reportError(opened.error());
        workspace.emplace(std::move(*opened));
        auto taken = workspace->querySetNamed(cl.value("name"));
        if (!taken)
            return reportError(taken.error());
        if (*taken)
            return usage("the workspace already has a query set named \"" + cl.value("name") + "\"");
    }

    LoadReport report;
    auto dataset = readBeirDataset(cl.value("dataset"), &report);
    if (!dataset)
        return reportError(dataset.error());
    for (const auto &warning : report.warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());

    std::atomic<int64_t> lastPrinted{-1};
    Progress progress([&](const ProgressEvent &event) {
        if (!quiet && event.total > 0 && event.done * 10 / event.total != lastPrinted.load()) {
            lastPrinted.store(event.done * 10 / event.total);
            std::fprintf(stderr, "  %s: %lld / %lld\n", event.phase.c_str(), (long long)event.done,
                         (long long)event.total);
        }
        return !g_synthInterrupted.load();
    });
    Result<SyntheticSet> set = llm ? runLlmGenerator(cl, *dataset, options, &progress)
                                   : generateQueries(*dataset, options, &progress);
    if (!set)
        return reportError(set.error());
    if (set->queries.empty())
        return reportError(Error::input("no query was generated (" + options.generator +
                                        ": no document qualified; for ict check --min-tokens/--max-tokens)"));
    if (cl.has("out"))
        if (Status s = writeSyntheticSet(*set, *dataset, cl.value("out")); !s)
            return reportError(s.error());
    std::string destination = cl.value("out");
    if (workspace) {
        auto datasetId = workspace->addDataset(app::datasetRecordOf(*dataset));
        if (!datasetId)
            return reportError(datasetId.error());
        auto stored = workspace->storeQuerySet(
            app::querySetRecordOf(*set, *datasetId, cl.value("name")), [&](const std::string &dir) { return writeSyntheticSet(*set, *dataset, dir); });
        if (!stored)
            return reportError(stored.error());
        destination = cl.value("workspace") + " (query set " + std::to_string(stored->id) + " \"" + stored->name +
                      "\", " + stored->folder + ")";
    }
    if (!quiet)
        std::printf("%s: %zu queries from %lld of %lld sampled documents -> %s\n", set->generator.c_str(),
                    set->queries.size(), (long long)set->documentsWithQueries(), (long long)set->documentsSampled,
                    destination.c_str());
    return 0;
}

} // namespace embtune::cli
