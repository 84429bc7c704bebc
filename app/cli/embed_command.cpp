// embtune-cli embed: computes an embedding set for a dataset and writes it as an embedding folder
// (corpus.npy + corpus_ids.txt, queries.npy + query_ids.txt, provenance.json), plus the fitted
// model for the built-in LSA embedder (OUT/model/).

#include "command_line.h"
#include "commands.h"

#include "data/beir_reader.h"
#include "data/dataset_hash.h"
#include "embed/embedding_store.h"
#include "embed/lsa_embedder.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

using namespace embtune::engine;

namespace embtune::cli {
namespace {

int fail(const Error &error)
{
    std::fprintf(stderr, "embtune-cli: %s\n", error.toString().c_str());
    return exitCodeFor(error);
}

int usage(const std::string &message)
{
    std::fprintf(stderr, "embtune-cli embed: %s\n", message.c_str());
    return 2;
}

std::string utcNow()
{
    const std::time_t now = std::time(nullptr);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    return buffer;
}

} // namespace

int runEmbed(const std::vector<std::string> &args)
{
    CommandLine cl({"dataset", "embedder", "dim", "out", "min-df", "seed", "threads", "power-iterations", "format"},
                   {"quiet"});
    if (auto problem = cl.parse(args))
        return usage(*problem);
    if (!cl.has("dataset") || !cl.has("out"))
        return usage("--dataset DIR and --out DIR are required");
    const std::string embedder = cl.value("embedder", "lsa");
    if (embedder != "lsa")
        return usage("unknown --embedder \"" + embedder + "\" (known: lsa; bm25 is evaluated directly with "
                     "`embtune-cli evaluate --embedder bm25`)");
    LsaOptions options;
    auto intOption = [&](const char *name, int &target, int minimum) -> bool {
        if (!cl.has(name))
            return true;
        std::vector<int> values;
        if (!parseIntList(cl.value(name), values) || values.size() != 1 || values[0] < minimum)
            return false;
        target = values[0];
        return true;
    };
    int seed = 0;
    if (!intOption("dim", options.dim, 1) || !intOption("min-df", options.tfidf.minDf, 1) ||
        !intOption("seed", seed, 0) || !intOption("threads", options.threads, 0) ||
        !intOption("power-iterations", options.powerIterations, 0))
        return usage("--dim, --min-df, --seed, --threads and --power-iterations take non-negative integers");
    options.seed = uint64_t(seed);
    const auto format = vectorFormatFromName(cl.value("format", "npy"));
    if (!format)
        return usage("--format is npy, fvecs, jsonl or safetensors");
    const bool quiet = cl.has("quiet");

    LoadReport report;
    auto dataset = readBeirDataset(cl.value("dataset"), &report);
    if (!dataset)
        return fail(dataset.error());
    for (const auto &warning : report.warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());

    const auto started = std::chrono::steady_clock::now();
    LsaEmbedder lsa(options);
    auto docs = lsa.fit(documentTexts(*dataset));
    if (!docs)
        return fail(docs.error());
    auto queries = lsa.embed(dataset->queries, nullptr);
    if (!queries)
        return fail(queries.error());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    const std::filesystem::path out(cl.value("out"));
    EmbeddingSet set;
    set.name = "lsa" + std::to_string(lsa.dim());
    set.source = out.string();
    set.docs = FloatMatrix(*docs);
    set.queries = FloatMatrix(*queries);
    set.hasQueryVector.assign(size_t(dataset->queryCount()), 1);
    set.provenance.embedder = "lsa";
    set.provenance.parameters = lsa.optionsJson();
    set.provenance.created = utcNow();
    set.provenance.datasetHash = datasetTextsHash(*dataset);
    set.provenance.normalized = true;
    if (Status s = exportEmbeddingSet(set, *dataset, *format, out.string()); !s)
        return fail(s.error());
    if (Status s = lsa.save((out / "model").string()); !s)
        return fail(s.error());
    if (!quiet)
        std::printf("lsa dim=%lld docs=%d queries=%d terms=%lld seconds=%.2f -> %s\n", (long long)lsa.dim(),
                    dataset->docCount(), dataset->queryCount(), (long long)lsa.tfidf().vocabularySize(), seconds,
                    out.string().c_str());
    return 0;
}

} // namespace embtune::cli
