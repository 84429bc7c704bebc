// embtune-cli fuse: builds a RunSpec of base "fusion" from the flags (each --member a run spec:
// BM25, an embedding set, or a tuned run of one) and runs it (run_execution.h). The engine runs
// the members, chooses the weights on the dev queries and evaluates the fused lists
// (engine/run/run_fusion.h; the math in docs/methods.md "Fusion").

#include "command_line.h"
#include "commands.h"
#include "run_execution.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace embtune::engine;

namespace embtune::cli {
namespace {

std::vector<std::string> splitOn(const std::string &text, char separator)
{
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        const size_t at = text.find(separator, start);
        parts.push_back(text.substr(start, at - start));
        if (at == std::string::npos)
            return parts;
        start = at + 1;
    }
}

bool parseNumber(const std::string &text, double &out)
{
    char *end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return !text.empty() && end && *end == '\0' && std::isfinite(out);
}

// "bm25" | "lsa[=DIM]" | "embeddings=DIR", then ",name=value" items: method (an id, or A+B: B on
// the final vectors of A), search (exact|hnsw),
// similarity (cosine|dot), for bm25 k1 and b (numbers, or both "auto": chosen on dev with the
// weights); any other name is a parameter of the method.
std::optional<std::string> parseMember(const std::string &text, const RunSpec &fusion, RunSpec &member)
{
    member = RunSpec();
    member.dataset = fusion.dataset;
    const std::vector<std::string> items = splitOn(text, ',');
    const std::string &head = items[0];
    const std::string what = "--member \"" + text + "\": ";
    if (head == "bm25") {
        member.base = RunBase::Bm25;
    } else if (head == "lsa" || head.rfind("lsa=", 0) == 0) {
        member.base = RunBase::Lsa;
        if (head.size() > 4 && (!parseIntList(head.substr(4), member.ks) || member.ks.size() != 1))
            return what + "lsa=DIM takes one integer";
        if (head.size() > 4)
            member.lsaDim = member.ks[0];
        member.ks = RunSpec().ks;
    } else if (head.rfind("embeddings=", 0) == 0 && head.size() > 11) {
        member.embeddings = head.substr(11);
    } else {
        return what + "starts with bm25, lsa[=DIM] or embeddings=DIR";
    }
    std::vector<std::string> autoNames; // bm25's k1 / b given as "auto"
    for (size_t i = 1; i < items.size(); ++i) {
        const size_t eq = items[i].find('=');
        if (eq == std::string::npos || eq == 0)
            return what + "\"" + items[i] + "\" is not name=value";
        const std::string name = items[i].substr(0, eq), value = items[i].substr(eq + 1);
        if (name == "method")
            member.method = value;
        else if (name == "search" && (value == "exact" || value == "hnsw"))
            member.search = value == "hnsw" ? RunSearch::Hnsw : RunSearch::Exact;
        else if (name == "similarity" && (value == "cosine" || value == "dot"))
            member.similarity = value == "dot" ? Similarity::Dot : Similarity::Cosine;
        else if (member.base == RunBase::Bm25 && (name == "k1" || name == "b")) {
            if (value == "auto") {
                member.bm25.chooseOnDev = true;
                autoNames.push_back(name);
            } else if (!parseNumber(value, name == "k1" ? member.bm25.k1 : member.bm25.b)) {
                return what + name + " is a number or auto";
            }
        } else if (name == "search" || name == "similarity")
            return what + name + " is " + (name == "search" ? "exact or hnsw" : "cosine or dot");
        else
            member.params[name] = value;
    }
    if (member.bm25.chooseOnDev && autoNames.size() != 2)
        return what + "k1=auto and b=auto go together (both are chosen on dev)";
    if (!member.params.empty() && !member.trained())
        return what + "parameters need a method (method=ID)";
    if (member.trained()) {
        member.trainQueries = fusion.trainQueries;
        member.devQueries = fusion.devQueries;
    }
    // method=A+B: B on the final vectors of A (base "run"); the parameters, search and
    // similarity are the last method's, the earlier ones run with their defaults.
    if (member.method.find('+') != std::string::npos) {
        const std::vector<std::string> methods = splitOn(member.method, '+');
        RunSpec stage = member;
        stage.method = methods.front();
        stage.params.clear();
        stage.search = RunSearch::Exact;
        stage.similarity = Similarity::Cosine;
        for (size_t i = 1; i < methods.size(); ++i) {
            if (methods[i].empty() || methods[i - 1].empty())
                return what + "method=A+B names a method on each side of +";
            RunSpec next = i + 1 == methods.size() ? member : RunSpec();
            next.dataset = member.dataset;
            next.base = RunBase::Run;
            next.embeddings.clear();
            next.lsaDim = RunSpec().lsaDim;
            next.method = methods[i];
            next.trainQueries = member.trainQueries;
            next.devQueries = member.devQueries;
            next.baseRun = {stage};
            stage = std::move(next);
        }
        member = std::move(stage);
    }
    return std::nullopt;
}

std::optional<std::string> fuseSpecFromFlags(const CommandLine &cl, RunSpec &spec)
{
    spec.base = RunBase::Fusion;
    spec.dataset = cl.value("dataset");
    spec.split = cl.value("split", "test");
    spec.trainQueries = cl.value("train-queries");
    spec.devQueries = cl.value("dev-queries");
    FusionOptions &options = spec.fusion.options;
    if (cl.has("fusion") && !fusionMethodFromName(cl.value("fusion"), options.method))
        return std::string("--fusion is convex, rrf, combsum or combmnz");
    // CombSUM and CombMNZ are defined on min-max scores; the convex combination defaults to z-scores.
    options.normalization = options.method == FusionMethod::CombSum || options.method == FusionMethod::CombMnz
                                ? ScoreNormalization::MinMax
                                : ScoreNormalization::ZScore;
    if (cl.has("normalize") && !scoreNormalizationFromName(cl.value("normalize"), options.normalization))
        return std::string("--normalize is zscore, minmax, rank or tmm");
    if (cl.has("depth")) {
        std::vector<int> depth;
        if (!parseIntList(cl.value("depth"), depth) || depth.size() != 1 || depth[0] < 1 || depth[0] > 10000)
            return std::string("--depth takes an integer from 1 to 10000");
        options.depth = depth[0];
    }
    const std::string rrfK = cl.value("rrf-k", "auto");
    if (rrfK != "auto" && (!parseNumber(rrfK, options.rrfK) || !(options.rrfK > 0)))
        return std::string("--rrf-k is auto or a positive number");
    if (rrfK == "auto")
        options.rrfK = 0;
    const std::string weights = cl.value("weights", "auto");
    if (weights != "auto")
        for (const std::string &item : splitOn(weights, ',')) {
            double w = 0;
            if (!parseNumber(item, w) || w < 0)
                return "--weights is auto or non-negative numbers separated by commas, not \"" + weights + "\"";
            spec.fusion.weights.push_back(w);
        }
    if (cl.has("k") && !parseIntList(cl.value("k"), spec.ks))
        return std::string("--k takes cut-offs such as 1,3,5,10,100");
    std::sort(spec.ks.begin(), spec.ks.end());
    if (cl.has("metrics")) {
        spec.metrics.clear();
        for (const std::string &key : splitOn(cl.value("metrics"), ',')) {
            Metric metric;
            if (!metricFromKey(key, metric))
                return "--metrics: unknown metric \"" + key + "\" (ndcg, recall, recall_cap, precision, mrr, map)";
            spec.metrics.push_back(metric);
        }
    }
    if (cl.has("threads")) {
        std::vector<int> threads;
        if (!parseIntList(cl.value("threads"), threads) || threads.size() != 1 || threads[0] < 0)
            return std::string("--threads takes a non-negative integer (0 = all cores)");
        spec.threads = threads[0];
    }
    spec.ignoreSameId = cl.has("ignore-same-id");
    for (const std::string &text : cl.values("member")) {
        RunSpec member;
        if (auto problem = parseMember(text, spec, member))
            return problem;
        spec.members.push_back(std::move(member));
    }
    if (spec.members.size() < 2)
        return std::string("fuse needs at least two --member");
    return std::nullopt;
}

} // namespace

int runFuse(const std::vector<std::string> &args)
{
    CommandLine cl({"dataset", "split", "train-queries", "dev-queries", "member", "fusion", "normalize", "weights",
                    "depth", "rrf-k", "k", "metrics", "threads", "json", "workspace"},
                   {"per-query", "quiet", "ignore-same-id"});
    if (auto problem = cl.parse(args))
        return reportUsage("fuse", *problem);
    if (!cl.has("dataset"))
        return reportUsage("fuse", "--dataset DIR is required");
    RunSpec spec;
    if (auto problem = fuseSpecFromFlags(cl, spec))
        return reportUsage("fuse", *problem);
    if (Status s = validateRunSpec(spec); !s)
        return reportError(s.error());
    return executeRunFromCommandLine(spec, cl);
}

} // namespace embtune::cli
