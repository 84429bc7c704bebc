#include "run_flags.h"

#include <algorithm>
#include <cstdlib>

using namespace embtune::engine;

namespace embtune::cli {
namespace {

// Options every run takes.
const std::set<std::string> kCommonValued{"dataset", "embeddings", "embedder", "k", "metrics", "similarity", "threads",
                                          "search", "hnsw-m", "ef-construction", "ef", "hnsw-seed", "index"};

std::optional<std::string> parseSingleInt(const CommandLine &cl, const std::string &name, int minimum, int &out)
{
    if (!cl.has(name))
        return std::nullopt;
    std::vector<int> values;
    if (!parseIntList(cl.value(name), values) || values.size() != 1 || values[0] < minimum)
        return "--" + name + " takes " + (minimum > 0 ? "a positive" : "a non-negative") + " integer";
    out = values[0];
    return std::nullopt;
}

std::optional<std::string> parseSearch(const CommandLine &cl, RunSpec &spec)
{
    const std::string search = cl.value("search", "exact");
    if (search != "exact" && search != "hnsw")
        return "--search is exact or hnsw";
    spec.search = search == "hnsw" ? RunSearch::Hnsw : RunSearch::Exact;
    if (spec.search == RunSearch::Exact) {
        for (const char *name : {"hnsw-m", "ef-construction", "ef", "hnsw-seed", "index", "save-index"})
            if (cl.has(name))
                return std::string("--") + name + " needs --search hnsw";
        return std::nullopt;
    }
    if (spec.base == RunBase::Bm25)
        return "--search hnsw searches embeddings: use it with --embeddings DIR";
    if (cl.has("index"))
        for (const char *name : {"hnsw-m", "ef-construction", "hnsw-seed"})
            if (cl.has(name))
                return std::string("--") + name + " sets how an index is built; --index loads a built one";
    int seed = int(spec.hnsw.seed);
    for (const auto &[name, target] : {std::pair<const char *, int *>{"hnsw-m", &spec.hnsw.m},
                                       {"ef-construction", &spec.hnsw.efConstruction},
                                       {"ef", &spec.hnsw.efSearch}})
        if (auto problem = parseSingleInt(cl, name, 1, *target))
            return problem;
    if (auto problem = parseSingleInt(cl, "hnsw-seed", 0, seed))
        return problem;
    spec.hnsw.seed = uint64_t(seed);
    if (spec.hnsw.m < 2)
        return "--hnsw-m must be at least 2";
    spec.hnswIndex = cl.value("index");
    if (cl.has("index") && !cl.has("ef"))
        spec.hnsw.efSearch = 0; // the loaded index's own
    return std::nullopt;
}

std::optional<std::string> parseEvaluation(const CommandLine &cl, RunSpec &spec)
{
    if (cl.has("k")) {
        if (!parseIntList(cl.value("k"), spec.ks) || *std::min_element(spec.ks.begin(), spec.ks.end()) <= 0)
            return "--k takes positive integers separated by commas, e.g. 1,3,5,10,100";
        std::sort(spec.ks.begin(), spec.ks.end());
        spec.ks.erase(std::unique(spec.ks.begin(), spec.ks.end()), spec.ks.end());
    }
    if (cl.has("metrics")) {
        spec.metrics.clear();
        const std::string list = cl.value("metrics");
        size_t start = 0;
        while (start <= list.size()) {
            const size_t end = list.find(',', start);
            const std::string name = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
            Metric metric;
            if (!metricFromKey(name, metric))
                return "unknown metric \"" + name + "\" (known: ndcg, recall, recall_cap, precision, mrr, map)";
            spec.metrics.push_back(metric);
            if (end == std::string::npos)
                break;
            start = end + 1;
        }
    }
    const std::string similarity = cl.value("similarity", "cosine");
    if (similarity != "cosine" && similarity != "dot")
        return "--similarity is cosine or dot";
    spec.similarity = similarity == "dot" ? Similarity::Dot : Similarity::Cosine;
    if (auto problem = parseSingleInt(cl, "threads", 0, spec.threads))
        return "--threads takes a non-negative integer (0 = all cores)";
    spec.ignoreSameId = cl.has("ignore-same-id");
    return std::nullopt;
}

// --train-source qrels | synth:DIR | qrels+synth:DIR.
std::optional<std::string> parseTrainSource(const CommandLine &cl, RunSpec &spec)
{
    const std::string text = cl.value("train-source", "qrels");
    bool qrels = true;
    if (text != "qrels") {
        bool matched = false;
        for (const auto &[prefix, withQrels] : {std::pair<std::string, bool>{"synth:", false}, {"qrels+synth:", true}})
            if (text.size() > prefix.size() && text.compare(0, prefix.size(), prefix) == 0) {
                spec.generatedQueries = text.substr(prefix.size());
                qrels = withQrels;
                matched = true;
            }
        if (!matched)
            return "--train-source is qrels, synth:DIR or qrels+synth:DIR (DIR: a generated-set folder, or the name of "
                   "a query set of --workspace)";
    }
    const bool synth = !spec.generatedQueries.empty();
    if ((qrels && !cl.has("train-queries")) || (!synth && !cl.has("dev-queries")))
        return "--method, --dataset, --embeddings DIR or --embedder lsa, --train-queries and --dev-queries are "
               "required (with --train-source synth:DIR, --train-queries is not and --dev-queries is optional; "
               "--list-methods shows the methods and their parameters)";
    if (qrels)
        spec.trainQueries = cl.value("train-queries");
    spec.devQueries = cl.value("dev-queries");
    if (cl.has("synth-dev-fraction")) {
        char *end = nullptr;
        const std::string value = cl.value("synth-dev-fraction");
        spec.generatedDevFraction = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0' || !(spec.generatedDevFraction > 0 && spec.generatedDevFraction < 1))
            return "--synth-dev-fraction takes a number between 0 and 1 (exclusive)";
    }
    if (synth && cl.has("expert"))
        return "--expert sets hold no vectors for generated queries; train with --train-source qrels";
    if (!synth && cl.has("query-embedder"))
        return "--query-embedder applies to --train-source synth:DIR";
    spec.queryEmbedder = cl.value("query-embedder");
    spec.experts = cl.values("expert");
    return std::nullopt;
}

} // namespace

std::set<std::string> runValuedOptions(RunCommand command)
{
    std::set<std::string> names = kCommonValued;
    if (command == RunCommand::Evaluate) {
        names.insert("split");
    } else {
        for (const char *name : {"method", "param", "train-queries", "dev-queries", "eval-split", "seed", "expert", "dim",
                                 "train-source", "synth-dev-fraction", "query-embedder"})
            names.insert(name);
    }
    return names;
}

std::set<std::string> runFlagOptions(RunCommand)
{
    return {"ignore-same-id"};
}

std::optional<std::string> runSpecFromFlags(const CommandLine &cl, RunCommand command, RunSpec &spec)
{
    const bool train = command == RunCommand::Train;
    spec = RunSpec{};
    if (!cl.has("dataset") || cl.has("embeddings") == cl.has("embedder"))
        return train ? "--method, --dataset and one of --embeddings DIR or --embedder lsa are required "
                       "(--list-methods shows the methods and their parameters)"
                     : "--dataset DIR and one of --embeddings DIR or --embedder bm25 are required";
    spec.dataset = cl.value("dataset");
    if (cl.has("embedder")) {
        const std::string embedder = cl.value("embedder");
        if (!train && embedder != "bm25")
            return "--embedder for evaluate is bm25 (compute embeddings with `embtune-cli embed`)";
        if (train && embedder != "lsa")
            return "--embedder is lsa (the built-in embedder; other embedders: compute with `embtune-cli embed` "
                   "and pass --embeddings DIR)";
        spec.base = train ? RunBase::Lsa : RunBase::Bm25;
    } else {
        spec.embeddings = cl.value("embeddings");
    }
    if (train) {
        if (spec.base != RunBase::Lsa && cl.has("dim"))
            return "--dim applies to --embedder lsa";
        int seed = 0;
        if (auto problem = parseSingleInt(cl, "dim", 1, spec.lsaDim))
            return "--dim takes a positive integer and --seed a non-negative one";
        if (auto problem = parseSingleInt(cl, "seed", 0, seed))
            return "--dim takes a positive integer and --seed a non-negative one";
        spec.seed = uint64_t(seed);
        spec.method = cl.value("method");
        for (const auto &assignment : cl.values("param")) {
            const auto eq = assignment.find('=');
            if (eq == std::string::npos || eq == 0)
                return "--param takes name=value, got \"" + assignment + "\"";
            spec.params[assignment.substr(0, eq)] = assignment.substr(eq + 1);
        }
        if (auto problem = parseTrainSource(cl, spec))
            return problem;
        spec.split = cl.value("eval-split", "test");
    } else {
        spec.split = cl.value("split", "test");
    }
    if (auto problem = parseEvaluation(cl, spec))
        return problem;
    return parseSearch(cl, spec);
}

} // namespace embtune::cli
