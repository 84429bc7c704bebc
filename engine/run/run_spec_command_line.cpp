// The embtune-cli command lines of run specs (declared in run_spec.h): `evaluate`/`train` for
// single runs, `fuse` for fused ones; and POSIX shell quoting of them.

#include "run/run_spec.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace embtune::engine {

namespace {

std::string shortestNumber(double value)
{
    char text[32];
    if (value == std::floor(value) && std::abs(value) < 1e15) {
        std::snprintf(text, sizeof text, "%.0f", value);
        return text;
    }
    std::snprintf(text, sizeof text, "%.17g", value);
    for (int precision = 1; precision < 17; ++precision) { // the shortest text that reads back exactly
        char shorter[32];
        std::snprintf(shorter, sizeof shorter, "%.*g", precision, value);
        if (std::strtod(shorter, nullptr) == value)
            return shorter;
    }
    return text;
}

// `fuse` arguments of a fused spec: one --member per member (fuse_command.cpp's syntax).
std::vector<std::string> fuseCommandLine(const RunSpec &spec)
{
    std::vector<std::string> args{"fuse", "--dataset", spec.dataset, "--split", spec.split};
    auto add = [&](const std::string &flag, const std::string &value) {
        args.push_back("--" + flag);
        args.push_back(value);
    };
    if (!spec.trainQueries.empty())
        add("train-queries", spec.trainQueries);
    if (!spec.devQueries.empty())
        add("dev-queries", spec.devQueries);
    for (const RunSpec &given : spec.members) {
        // A chain of methods (base "run") is written method=A+B when its earlier stages are what
        // `fuse` makes of that: default parameters, exact cosine search, the fusion's query lists.
        RunSpec member = given;
        std::string chain;
        for (const RunSpec *stage = &given; stage->base == RunBase::Run; stage = &stage->baseRun.front()) {
            const RunSpec &inner = stage->baseRun.front();
            if (!inner.params.empty() || inner.search != RunSearch::Exact || inner.similarity != Similarity::Cosine ||
                inner.trainQueries != given.trainQueries || inner.devQueries != given.devQueries ||
                (inner.base == RunBase::Run && inner.baseRun.empty()))
                return {"run", "spec.json"};
            chain = inner.method + "+" + chain;
            member.base = inner.base;
            member.embeddings = inner.embeddings;
            member.lsaDim = inner.lsaDim;
        }
        if (!chain.empty())
            member.method = chain + given.method;
        std::string text = member.base == RunBase::Bm25 ? "bm25"
                           : member.base == RunBase::Lsa ? "lsa=" + std::to_string(member.lsaDim)
                                                         : "embeddings=" + member.embeddings;
        if (member.base == RunBase::Bm25 && member.bm25.chooseOnDev)
            text += ",k1=auto,b=auto";
        else if (member.base == RunBase::Bm25 && member.bm25 != Bm25Parameters())
            text += ",k1=" + shortestNumber(member.bm25.k1) + ",b=" + shortestNumber(member.bm25.b);
        if (member.trained())
            text += ",method=" + member.method;
        if (member.search == RunSearch::Hnsw)
            text += ",search=hnsw";
        if (member.similarity != Similarity::Cosine)
            text += std::string(",similarity=") + similarityName(member.similarity);
        for (const auto &[name, value] : member.params)
            text += "," + name + "=" + value;
        add("member", text);
    }
    const FusionOptions &o = spec.fusion.options;
    add("fusion", fusionMethodName(o.method));
    if (o.method != FusionMethod::Rrf)
        add("normalize", scoreNormalizationName(o.normalization));
    else
        add("rrf-k", o.rrfK > 0 ? shortestNumber(o.rrfK) : "auto");
    if (o.depth != FusionSettings().options.depth)
        add("depth", std::to_string(o.depth));
    std::string weights;
    for (double w : spec.fusion.weights)
        weights += (weights.empty() ? "" : ",") + shortestNumber(w);
    add("weights", weights.empty() ? "auto" : weights);
    return args;
}

} // namespace

std::vector<std::string> runSpecCommandLine(const RunSpec &spec)
{
    if (spec.fused())
        return fuseCommandLine(spec);
    if (spec.base == RunBase::Run) // a chain has no flag form: `run` reads the spec (the report's "spec")
        return {"run", "spec.json"};
    // Nor has BM25 with other k1 and b (evaluate has no flags for them; fuse's member does).
    if (spec.base == RunBase::Bm25 && (spec.bm25 != Bm25Parameters() || spec.bm25.chooseOnDev))
        return {"run", "spec.json"};
    const RunSpec defaults;
    std::vector<std::string> args{spec.trained() ? "train" : "evaluate"};
    auto add = [&](const std::string &flag, const std::string &value) {
        args.push_back("--" + flag);
        args.push_back(value);
    };
    auto joined = [](const auto &items, auto toText) {
        std::string out;
        for (const auto &item : items)
            out += (out.empty() ? "" : ",") + toText(item);
        return out;
    };
    add("dataset", spec.dataset);
    if (spec.base == RunBase::Embeddings)
        add("embeddings", spec.embeddings);
    else if (spec.base == RunBase::Bm25)
        add("embedder", "bm25");
    else {
        add("embedder", "lsa");
        if (spec.lsaDim != defaults.lsaDim)
            add("dim", std::to_string(spec.lsaDim));
    }
    if (spec.trained()) {
        add("method", spec.method);
        for (const auto &[name, value] : spec.params)
            add("param", name + "=" + value);
        if (!spec.generatedQueries.empty())
            add("train-source", (spec.trainQueries.empty() ? "synth:" : "qrels+synth:") + spec.generatedQueries);
        if (!spec.trainQueries.empty())
            add("train-queries", spec.trainQueries);
        if (!spec.devQueries.empty())
            add("dev-queries", spec.devQueries);
        if (!spec.generatedQueries.empty() && spec.devQueries.empty() &&
            spec.generatedDevFraction != defaults.generatedDevFraction) {
            char fraction[32];
            std::snprintf(fraction, sizeof fraction, "%.17g", spec.generatedDevFraction);
            add("synth-dev-fraction", fraction);
        }
        if (!spec.queryEmbedder.empty())
            add("query-embedder", spec.queryEmbedder);
        for (const std::string &expert : spec.experts)
            add("expert", expert);
        add("eval-split", spec.split);
    } else {
        add("split", spec.split);
    }
    if (spec.search == RunSearch::Hnsw) {
        add("search", "hnsw");
        if (!spec.hnswIndex.empty())
            add("index", spec.hnswIndex);
        if (spec.hnswIndex.empty() && spec.hnsw.m != defaults.hnsw.m)
            add("hnsw-m", std::to_string(spec.hnsw.m));
        if (spec.hnswIndex.empty() && spec.hnsw.efConstruction != defaults.hnsw.efConstruction)
            add("ef-construction", std::to_string(spec.hnsw.efConstruction));
        if (spec.hnsw.efSearch > 0 && (spec.hnsw.efSearch != defaults.hnsw.efSearch || !spec.hnswIndex.empty()))
            add("ef", std::to_string(spec.hnsw.efSearch));
        if (spec.hnswIndex.empty() && spec.hnsw.seed != defaults.hnsw.seed)
            add("hnsw-seed", std::to_string(spec.hnsw.seed));
    }
    if (spec.ks != defaults.ks)
        add("k", joined(spec.ks, [](int k) { return std::to_string(k); }));
    if (spec.metrics != defaults.metrics)
        add("metrics", joined(spec.metrics, [](Metric m) { return std::string(metricKey(m)); }));
    if (spec.similarity != defaults.similarity)
        add("similarity", similarityName(spec.similarity));
    if (spec.ignoreSameId)
        args.push_back("--ignore-same-id");
    if (spec.seed != defaults.seed)
        add("seed", std::to_string(spec.seed));
    if (spec.threads != defaults.threads)
        add("threads", std::to_string(spec.threads));
    return args;
}

std::string shellCommandLine(const std::vector<std::string> &args, const std::string &program)
{
    auto quoted = [](const std::string &arg) {
        const bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
        });
        if (plain)
            return arg;
        std::string out(1, '\'');
        for (char c : arg) {
            if (c == '\'')
                out.append("'\\''");
            else
                out.push_back(c);
        }
        out.push_back('\'');
        return out;
    };
    std::string line = quoted(program);
    for (const std::string &arg : args) {
        line.push_back(' ');
        line.append(quoted(arg));
    }
    return line;
}

} // namespace embtune::engine
