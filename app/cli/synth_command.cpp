// embtune-cli synth: generates training queries for a dataset's documents (ict, title, keyphrase,
// or an OpenAI-compatible chat model) and writes them as a generated-query folder
// (engine/synth/synthetic_set.h): queries.jsonl + qrels/train.tsv + manifest.json.

#include "command_line.h"
#include "commands.h"

#include "data/beir_reader.h"
#include "synth/query_generators.h"
#include "synth/synthetic_set.h"

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

Result<SyntheticSet> runLlmGenerator(const CommandLine &, const Dataset &, const SynthOptions &, Progress *)
{
    return Error::usage("--generator llm is not available yet");
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
