// embtune-cli embed: computes an embedding set for a dataset and writes it as an embedding folder
// (corpus.npy + corpus_ids.txt, queries.npy + query_ids.txt, provenance.json), plus the fitted
// model for the built-in LSA embedder (OUT/model/).

#include "command_line.h"
#include "commands.h"

#include "data/beir_reader.h"
#include "data/dataset_hash.h"
#include "embed/embedding_store.h"
#include "embed/lsa_embedder.h"
#include "remote_embedder.h"

#include <QCoreApplication>
#include <QStandardPaths>

#include <atomic>
#include <csignal>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>

using namespace embtune::engine;

namespace embtune::cli {
namespace {

std::atomic<bool> g_embedInterrupted{false};

int fail(const Error &error)
{
    return reportError(error);
}

int usage(const std::string &message)
{
    return reportUsage("embed", message);
}

std::string utcNow()
{
    const std::time_t now = std::time(nullptr);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    return buffer;
}

} // namespace

// embed --embedder openai: any OpenAI-compatible /v1/embeddings endpoint (embtune_net).
static int runRemoteEmbed(const CommandLine &cl)
{
    if (!cl.has("model"))
        return usage("--embedder openai needs --model M (and --base-url URL unless it is api.openai.com)");
    net::RemoteEmbedderSettings settings;
    if (cl.has("base-url"))
        settings.baseUrl = QString::fromStdString(cl.value("base-url"));
    settings.model = QString::fromStdString(cl.value("model"));
    std::vector<int> numbers;
    auto intOption = [&](const char *name, int &target, int minimum) -> bool {
        if (!cl.has(name))
            return true;
        if (!parseIntList(cl.value(name), numbers) || numbers.size() != 1 || numbers[0] < minimum)
            return false;
        target = numbers[0];
        return true;
    };
    if (!intOption("dimensions", settings.dimensions, 0) || !intOption("max-in-flight", settings.maxInFlight, 1) ||
        !intOption("timeout-ms", settings.timeoutMs, 1))
        return usage("--dimensions, --max-in-flight and --timeout-ms take positive integers");
    auto realOption = [&](const char *name, double &target) -> bool {
        if (!cl.has(name))
            return true;
        try {
            size_t used = 0;
            target = std::stod(cl.value(name), &used);
            return used == cl.value(name).size() && target >= 0;
        } catch (...) {
            return false;
        }
    };
    double confirmAbove = 1.0;
    if (!realOption("price-per-mtok", settings.pricePerMillionTokens) || !realOption("confirm-above", confirmAbove))
        return usage("--price-per-mtok and --confirm-above take non-negative numbers");
    if (!cl.has("no-cache"))
        settings.cacheDir = cl.has("cache") ? QString::fromStdString(cl.value("cache"))
                                            : QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
                                                  QStringLiteral("/remote-embeddings");
    const auto format = vectorFormatFromName(cl.value("format", "npy"));
    if (!format)
        return usage("--format is npy, fvecs, jsonl or safetensors");
    net::ApiKeySource keySource;
    if (cl.has("api-key-env"))
        keySource.environmentVariable = QString::fromStdString(cl.value("api-key-env"));
    keySource.keychainService.clear(); // the CLI reads keys from the environment only
    auto key = net::loadApiKey(keySource);
    net::RemoteEmbedder embedder(settings, key.ok() ? *key : net::ApiKey());
    if (Status s = embedder.validate(); !s)
        return fail(s.error());
    const bool quiet = cl.has("quiet");
    std::signal(SIGINT, [](int) { g_embedInterrupted.store(true); });

    LoadReport report;
    auto dataset = readBeirDataset(cl.value("dataset"), &report);
    if (!dataset)
        return fail(dataset.error());
    for (const auto &warning : report.warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
    const std::vector<std::string> docTexts = documentTexts(*dataset);
    std::vector<std::string> all = docTexts;
    all.insert(all.end(), dataset->queries.begin(), dataset->queries.end());
    auto estimate = embedder.estimate(all);
    if (!estimate)
        return fail(estimate.error());
    std::fprintf(stderr, "embtune-cli: %lld texts (%lld distinct, %lld cached): %lld requests, about %lld tokens",
                 (long long)estimate->texts, (long long)estimate->uniqueTexts, (long long)estimate->cachedTexts,
                 (long long)estimate->requests, (long long)estimate->estimatedTokens);
    if (settings.pricePerMillionTokens > 0)
        std::fprintf(stderr, ", estimated cost %.4f", estimate->estimatedCost);
    std::fprintf(stderr, "\n");
    if (estimate->needsConfirmation(confirmAbove) && !cl.has("yes"))
        return fail(Error::usage("the estimated cost exceeds --confirm-above " + std::to_string(confirmAbove) +
                                 "; pass --yes to go ahead"));

    std::atomic<int64_t> lastPrinted{-1};
    Progress progress([&](const ProgressEvent &event) {
        if (!quiet && event.total > 0 && event.done * 10 / event.total != lastPrinted.load()) {
            lastPrinted.store(event.done * 10 / event.total);
            std::fprintf(stderr, "  %s: %lld / %lld\n", event.phase.c_str(), (long long)event.done, (long long)event.total);
        }
        return !g_embedInterrupted.load();
    });
    auto vectors = embedder.embed(all, &progress);
    if (!vectors)
        return fail(vectors.error());
    const RowMatrixXf &m = *vectors;
    EmbeddingSet set;
    set.name = settings.model.toStdString();
    set.source = cl.value("out");
    set.docs = FloatMatrix(RowMatrixXf(m.topRows(dataset->docCount())));
    set.queries = FloatMatrix(RowMatrixXf(m.bottomRows(dataset->queryCount())));
    set.hasQueryVector.assign(size_t(dataset->queryCount()), 1);
    set.provenance.embedder = "openai";
    set.provenance.parameters = embedder.configKey().substr(std::string("openai:").size());
    set.provenance.created = utcNow();
    set.provenance.datasetHash = datasetTextsHash(*dataset);
    double worst = 0;
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        worst = std::max(worst, std::abs(double(m.row(i).norm()) - 1.0));
    set.provenance.normalized = worst < 1e-3;
    if (Status s = exportEmbeddingSet(set, *dataset, *format, cl.value("out")); !s)
        return fail(s.error());
    if (!quiet) {
        const net::EmbedStats stats = embedder.lastStats();
        std::printf("openai model=%s dim=%lld docs=%d queries=%d requests=%lld retries=%lld cached=%lld sent=%lld "
                    "seconds=%.2f -> %s\n",
                    settings.model.toStdString().c_str(), (long long)m.cols(), dataset->docCount(), dataset->queryCount(),
                    (long long)stats.requests, (long long)stats.retries, (long long)stats.cachedTexts,
                    (long long)stats.sentTexts, stats.seconds, cl.value("out").c_str());
    }
    return 0;
}

int runEmbed(const std::vector<std::string> &args)
{
    CommandLine cl({"dataset", "embedder", "dim", "out", "min-df", "seed", "threads", "power-iterations", "format",
                    "base-url", "model", "dimensions", "api-key-env", "cache", "max-in-flight", "timeout-ms",
                    "price-per-mtok", "confirm-above"},
                   {"quiet", "yes", "no-cache"});
    if (auto problem = cl.parse(args))
        return usage(*problem);
    if (!cl.has("dataset") || !cl.has("out"))
        return usage("--dataset DIR and --out DIR are required");
    const std::string embedder = cl.value("embedder", "lsa");
    if (embedder != "lsa" && embedder != "openai")
        return usage("unknown --embedder \"" + embedder + "\" (known: lsa, openai; bm25 is evaluated directly with "
                     "`embtune-cli evaluate --embedder bm25`)");
    if (embedder == "openai")
        return runRemoteEmbed(cl);
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
