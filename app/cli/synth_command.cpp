// embtune-cli synth: generates training queries for a dataset's documents (ict, title, keyphrase,
// or an OpenAI-compatible chat model) and writes them as a generated-query folder
// (engine/synth/synthetic_set.h): queries.jsonl + qrels/train.tsv + manifest.json.

#include "command_line.h"
#include "commands.h"

#include "data/beir_reader.h"
#include "synth/query_generators.h"
#include "synth/synthetic_set.h"
#include "llm_query_generator.h"

#include <QFile>
#include <QStandardPaths>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <csignal>
#include <cstdio>
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

} // namespace

int runSynth(const std::vector<std::string> &args)
{
    CommandLine cl({"dataset", "generator", "out", "per-doc", "docs", "seed", "terms", "min-tokens", "max-tokens",
                    "remove-prob", "threads", "model", "base-url", "prompt", "api-key-env", "cache", "max-in-flight",
                    "timeout-ms", "price-per-mtok", "confirm-above", "temperature"},
                   {"quiet", "yes", "no-cache"});
    if (auto problem = cl.parse(args))
        return usage(*problem);
    if (!cl.has("dataset") || !cl.has("out") || !cl.has("generator"))
        return usage("--dataset DIR, --generator ict|title|keyphrase|llm and --out DIR are required");
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
    if (Status s = writeSyntheticSet(*set, *dataset, cl.value("out")); !s)
        return reportError(s.error());
    if (!quiet)
        std::printf("%s: %zu queries from %lld of %lld sampled documents -> %s\n", set->generator.c_str(),
                    set->queries.size(), (long long)set->documentsWithQueries(), (long long)set->documentsSampled,
                    cl.value("out").c_str());
    return 0;
}

} // namespace embtune::cli
