#include "run/run_spec.h"

#include "io/json_writer.h"
#include "methods/method.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <filesystem>
#include <set>

namespace embtune::engine {

const char *runBaseName(RunBase base)
{
    switch (base) {
    case RunBase::Embeddings: return "embeddings";
    case RunBase::Lsa: return "lsa";
    case RunBase::Bm25: return "bm25";
    case RunBase::Fusion: return "fusion";
    case RunBase::Run: return "run";
    }
    return "embeddings";
}

const char *runSearchName(RunSearch search)
{
    return search == RunSearch::Hnsw ? "hnsw" : "exact";
}

RunSpec baselineSpecOf(const RunSpec &spec)
{
    RunSpec baseline = spec;
    baseline.method = "none";
    baseline.params.clear();
    baseline.trainQueries.clear();
    baseline.devQueries.clear();
    baseline.generatedQueries.clear();
    baseline.generatedDevFraction = RunSpec().generatedDevFraction;
    baseline.queryEmbedder.clear();
    baseline.experts.clear();
    baseline.search = RunSearch::Exact;
    baseline.hnsw = RunSpec().hnsw;
    baseline.hnswIndex.clear();
    return baseline;
}

namespace {

constexpr size_t kMaxFusionMembers = 16;

Status validateFusion(const RunSpec &spec)
{
    if (spec.trained())
        return Error::usage("base \"fusion\" fuses its members' lists: it takes no method (\"method\": \"none\")");
    if (spec.search != RunSearch::Exact)
        return Error::usage("base \"fusion\" searches with its members: \"search\" must be \"exact\"");
    if (!spec.params.empty() || !spec.generatedQueries.empty() || !spec.experts.empty() || !spec.queryEmbedder.empty())
        return Error::usage("\"params\", \"generated_queries\", \"query_embedder\" and \"experts\" belong to the "
                            "members of a fusion");
    if (spec.members.size() < 2 || spec.members.size() > kMaxFusionMembers)
        return Error::usage("a fusion needs between 2 and " + std::to_string(kMaxFusionMembers) + " \"members\"");
    const FusionSettings &f = spec.fusion;
    if (f.options.depth < 1 || f.options.depth > 10000)
        return Error::usage("\"fusion\": \"depth\" must be between 1 and 10000");
    if (!(f.options.rrfK >= 0 && f.options.rrfK <= 1e6))
        return Error::usage("\"fusion\": \"rrf_k\" must be between 0 (chosen on dev) and 1000000");
    if (!f.weights.empty()) {
        if (f.weights.size() != spec.members.size())
            return Error::usage("\"fusion\": \"weights\" must give one weight per member (" +
                                std::to_string(spec.members.size()) + ")");
        double sum = 0;
        for (double w : f.weights) {
            if (!(w >= 0 && w <= 1e6))
                return Error::usage("\"fusion\": every weight must be a number from 0 to 1000000");
            sum += w;
        }
        if (!(sum > 0))
            return Error::usage("\"fusion\": at least one weight must be positive");
    }
    const bool choosesOnDev = f.weights.empty() || (f.options.method == FusionMethod::Rrf && f.options.rrfK == 0);
    if (choosesOnDev && spec.devQueries.empty())
        return Error::usage("a fusion whose weights (or RRF k) are chosen on dev needs \"dev_queries\" (a file of "
                            "query ids); give \"weights\" (and \"rrf_k\") to fuse without");
    for (size_t i = 0; i < spec.members.size(); ++i) {
        const RunSpec &member = spec.members[i];
        const std::string which = "member " + std::to_string(i + 1) + ": ";
        if (member.fused())
            return Error::usage(which + "a member of a fusion cannot be a fusion itself");
        if (member.dataset != spec.dataset)
            return Error::usage(which + "its dataset differs from the fusion's (\"" + member.dataset + "\")");
        if (member.bm25.chooseOnDev && !f.weights.empty())
            return Error::usage(which + "BM25's k1 and b are chosen with the weights on dev: give no \"weights\", or "
                                        "fixed k1 and b");
        if (Status s = validateRunSpec(member); !s) {
            Error error = s.error();
            error.message = which + error.message;
            return error;
        }
    }
    return {};
}

} // namespace

Status validateRunSpec(const RunSpec &spec)
{
    if (spec.dataset.empty())
        return Error::usage("a run needs a dataset (\"dataset\": a BEIR folder)");
    if (spec.base == RunBase::Embeddings && spec.embeddings.empty())
        return Error::usage("a run on an embedding set needs \"embeddings\" (a folder of vectors)");
    if (spec.base != RunBase::Embeddings && !spec.embeddings.empty())
        return Error::usage(std::string("\"embeddings\" applies to base \"embeddings\", not \"") + runBaseName(spec.base) +
                            "\"");
    if (spec.base == RunBase::Lsa && (spec.lsaDim < 1 || spec.lsaDim > 4096))
        return Error::usage("\"lsa_dim\" must be between 1 and 4096");
    if (spec.base == RunBase::Bm25 && spec.trained())
        return Error::usage("base \"bm25\" ranks by text: it takes no method (\"method\": \"none\")");
    if (spec.base == RunBase::Bm25 && spec.search != RunSearch::Exact)
        return Error::usage("base \"bm25\" searches its own index: \"search\" must be \"exact\"");
    if (!(spec.bm25.k1 >= 0 && spec.bm25.k1 <= 100) || !(spec.bm25.b >= 0 && spec.bm25.b <= 1))
        return Error::usage("\"bm25\": \"k1\" must be between 0 and 100 and \"b\" between 0 and 1");
    if (spec.base != RunBase::Bm25 && spec.bm25 != Bm25Parameters())
        return Error::usage(std::string("\"bm25\" applies to base \"bm25\", not \"") + runBaseName(spec.base) + "\"");
    if (spec.ks.empty() || spec.ks.front() < 1 || !std::is_sorted(spec.ks.begin(), spec.ks.end()) ||
        std::adjacent_find(spec.ks.begin(), spec.ks.end()) != spec.ks.end() || spec.ks.back() > 100000)
        return Error::usage("\"k\" must list positive cut-offs in ascending order without repeats (at most 100000)");
    if (spec.metrics.empty())
        return Error::usage("\"metrics\" must name at least one metric");
    if (spec.split.empty())
        return Error::usage("\"split\" must name a split of the dataset's qrels");
    if (spec.threads < 0 || spec.threads > 4096)
        return Error::usage("\"threads\" must be between 0 (all cores) and 4096");
    if (spec.search == RunSearch::Hnsw) {
        const HnswParameters &h = spec.hnsw;
        if (h.m < 2 || h.m > 10000 || h.efConstruction < 1 || h.efSearch < (spec.hnswIndex.empty() ? 1 : 0))
            return Error::usage("\"hnsw\": M must be at least 2, ef_construction and ef at least 1 (ef 0: the "
                                "loaded index's own)");
    } else if (!spec.hnswIndex.empty()) {
        return Error::usage("\"hnsw\".\"index\" needs \"search\": \"hnsw\"");
    }
    if (spec.base == RunBase::Run) {
        if (spec.baseRun.size() != 1)
            return Error::usage("base \"run\" needs one \"base_run\" (the run whose vectors it starts from)");
        const RunSpec &inner = spec.baseRun.front();
        if (!inner.trained() || inner.fused())
            return Error::usage("\"base_run\" must be a trained run (a method other than \"none\"), not a fusion");
        if (inner.dataset != spec.dataset)
            return Error::usage("\"base_run\": its dataset differs from the run's (\"" + inner.dataset + "\")");
        if (!spec.generatedQueries.empty())
            return Error::usage("a run on a base run trains on labelled queries only (no \"generated_queries\")");
        if (Status s = validateRunSpec(inner); !s) {
            Error error = s.error();
            error.message = "base_run: " + error.message;
            return error;
        }
    } else if (!spec.baseRun.empty()) {
        return Error::usage("\"base_run\" applies to base \"run\"");
    }
    if (spec.fused())
        return validateFusion(spec);
    if (!spec.members.empty())
        return Error::usage("\"members\" apply to base \"fusion\"");
    if (!spec.trained()) {
        if (!spec.params.empty() || !spec.trainQueries.empty() || !spec.devQueries.empty() ||
            !spec.generatedQueries.empty() || !spec.experts.empty() || !spec.queryEmbedder.empty())
            return Error::usage("\"params\", \"train_queries\", \"dev_queries\", \"generated_queries\", "
                                "\"query_embedder\" and \"experts\" apply to a trained method (\"method\" is \"none\")");
        return {};
    }
    const Method *method = findMethod(spec.method);
    if (!method)
        return Error::usage("unknown method \"" + spec.method + "\"");
    if (auto params = ParamValues::parse(method->spec(), spec.params); !params)
        return params.error();
    if (spec.trainQueries.empty() && spec.generatedQueries.empty())
        return Error::usage("a trained method needs \"train_queries\" (a file of query ids) or \"generated_queries\"");
    if (spec.devQueries.empty() && spec.generatedQueries.empty())
        return Error::usage("a trained method needs \"dev_queries\" (a file of query ids) to choose its settings on");
    if (!(spec.generatedDevFraction > 0 && spec.generatedDevFraction < 1))
        return Error::usage("\"generated_dev_fraction\" must lie between 0 and 1 (exclusive)");
    if (!spec.generatedQueries.empty() && !spec.experts.empty())
        return Error::usage("\"experts\" hold no vectors for generated queries: train with labelled queries");
    if (spec.generatedQueries.empty() && !spec.queryEmbedder.empty())
        return Error::usage("\"query_embedder\" applies to \"generated_queries\"");
    return {};
}

std::string runSpecToJson(const RunSpec &spec)
{
    JsonWriter w;
    writeRunSpec(w, spec);
    return w.str() + "\n";
}

void writeRunSpec(JsonWriter &w, const RunSpec &spec)
{
    w.beginObject();
    w.key("embtune_run_spec");
    w.value(kRunSpecVersion);
    w.key("dataset");
    w.value(spec.dataset);
    w.key("base");
    w.value(runBaseName(spec.base));
    w.key("embeddings");
    w.value(spec.embeddings);
    w.key("lsa_dim");
    w.value(spec.lsaDim);
    w.key("method");
    w.value(spec.method);
    w.key("params");
    w.beginObject();
    for (const auto &[name, value] : spec.params) {
        w.key(name);
        w.value(value);
    }
    w.endObject();
    w.key("train_queries");
    w.value(spec.trainQueries);
    w.key("dev_queries");
    w.value(spec.devQueries);
    w.key("generated_queries");
    w.value(spec.generatedQueries);
    w.key("generated_dev_fraction");
    w.value(spec.generatedDevFraction);
    w.key("query_embedder");
    w.value(spec.queryEmbedder);
    w.key("experts");
    w.beginArray();
    for (const std::string &expert : spec.experts)
        w.value(expert);
    w.endArray();
    w.key("search");
    w.value(runSearchName(spec.search));
    w.key("hnsw");
    w.beginObject();
    w.key("M");
    w.value(spec.hnsw.m);
    w.key("ef_construction");
    w.value(spec.hnsw.efConstruction);
    w.key("ef");
    w.value(spec.hnsw.efSearch);
    w.key("seed");
    w.value(int64_t(spec.hnsw.seed));
    w.key("index");
    w.value(spec.hnswIndex);
    w.endObject();
    w.key("split");
    w.value(spec.split);
    w.key("k");
    w.beginArray();
    for (int k : spec.ks)
        w.value(k);
    w.endArray();
    w.key("metrics");
    w.beginArray();
    for (Metric m : spec.metrics)
        w.value(metricKey(m));
    w.endArray();
    w.key("similarity");
    w.value(similarityName(spec.similarity));
    w.key("ignore_same_id");
    w.value(spec.ignoreSameId);
    if (spec.base == RunBase::Bm25) {
        w.key("bm25");
        w.beginObject();
        w.key("k1");
        w.value(spec.bm25.k1);
        w.key("b");
        w.value(spec.bm25.b);
        w.key("choose_on_dev");
        w.value(spec.bm25.chooseOnDev);
        w.endObject();
    }
    w.key("seed");
    w.value(int64_t(spec.seed));
    w.key("threads");
    w.value(spec.threads);
    if (spec.base == RunBase::Run && !spec.baseRun.empty()) {
        w.key("base_run");
        writeRunSpec(w, spec.baseRun.front());
    }
    if (spec.fused()) {
        w.key("members");
        w.beginArray();
        for (const RunSpec &member : spec.members)
            writeRunSpec(w, member);
        w.endArray();
        w.key("fusion");
        w.beginObject();
        w.key("method");
        w.value(fusionMethodName(spec.fusion.options.method));
        w.key("normalize");
        w.value(scoreNormalizationName(spec.fusion.options.normalization));
        w.key("depth");
        w.value(spec.fusion.options.depth);
        w.key("rrf_k");
        w.value(spec.fusion.options.rrfK);
        w.key("weights");
        w.beginArray();
        for (double weight : spec.fusion.weights)
            w.value(weight);
        w.endArray();
        w.endObject();
    }
    w.endObject();
}

namespace {

constexpr uintmax_t kMaxSpecBytes = 16 << 20;

// Reads the keys of one JSON object, each at most once, and names the key of any problem.
class SpecReader {
public:
    SpecReader(const std::string &file, std::string prefix) : m_file(file), m_prefix(std::move(prefix)) {}

    const std::string &file() const { return m_file; }

    Error problem(std::string_view key, const std::string &what) const
    {
        return Error::input("run spec: \"" + m_prefix + std::string(key) + "\" " + what, m_file);
    }

    Status text(simdjson::dom::element value, std::string_view key, std::string &out) const
    {
        std::string_view s;
        if (value.get_string().get(s))
            return problem(key, "must be a string");
        out.assign(s);
        return {};
    }

    Status integer(simdjson::dom::element value, std::string_view key, int64_t minimum, int64_t maximum,
                   int64_t &out) const
    {
        int64_t v = 0;
        if (value.get_int64().get(v))
            return problem(key, "must be an integer");
        if (v < minimum || v > maximum)
            return problem(key, "must be between " + std::to_string(minimum) + " and " + std::to_string(maximum));
        out = v;
        return {};
    }

    Status integer(simdjson::dom::element value, std::string_view key, int minimum, int maximum, int &out) const
    {
        int64_t v = 0;
        if (Status s = integer(value, key, minimum, maximum, v); !s)
            return s;
        out = int(v);
        return {};
    }

    Status number(simdjson::dom::element value, std::string_view key, double &out) const
    {
        double v = 0;
        if (value.get_double().get(v) || !std::isfinite(v))
            return problem(key, "must be a finite number");
        out = v;
        return {};
    }

    Status flag(simdjson::dom::element value, std::string_view key, bool &out) const
    {
        if (value.get_bool().get(out))
            return problem(key, "must be true or false");
        return {};
    }

private:
    const std::string &m_file;
    std::string m_prefix;
};

// Text of a parameter value: strings as they are, numbers and booleans in their JSON spelling.
Result<std::string> paramText(simdjson::dom::element value)
{
    switch (value.type()) {
    case simdjson::dom::element_type::STRING:
        return std::string(std::string_view(value.get_string().value_unsafe()));
    case simdjson::dom::element_type::BOOL:
        return std::string(value.get_bool().value_unsafe() ? "true" : "false");
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
        return simdjson::minify(value);
    default:
        return Error::usage("not a string, number or boolean");
    }
}

Status readHnsw(simdjson::dom::object object, const SpecReader &reader, RunSpec &spec)
{
    for (auto [rawKey, value] : object) {
        const std::string_view key = rawKey;
        Status s;
        int64_t seed = 0;
        if (key == "M")
            s = reader.integer(value, key, 2, 10000, spec.hnsw.m);
        else if (key == "ef_construction")
            s = reader.integer(value, key, 1, 1 << 20, spec.hnsw.efConstruction);
        else if (key == "ef")
            s = reader.integer(value, key, 0, 1 << 20, spec.hnsw.efSearch);
        else if (key == "seed") {
            s = reader.integer(value, key, 0, std::numeric_limits<int64_t>::max(), seed);
            spec.hnsw.seed = uint64_t(seed);
        } else if (key == "index")
            s = reader.text(value, key, spec.hnswIndex);
        else
            return reader.problem(key, "is not a key of a run spec's \"hnsw\" (M, ef_construction, ef, seed, index)");
        if (!s)
            return s;
    }
    return {};
}

Status readFusion(simdjson::dom::object object, const SpecReader &reader, FusionSettings &fusion)
{
    for (auto [rawKey, value] : object) {
        const std::string_view key = rawKey;
        std::string text;
        Status s;
        if (key == "method") {
            if (s = reader.text(value, key, text); s && !fusionMethodFromName(text, fusion.options.method))
                return reader.problem(key, "must be \"convex\", \"rrf\", \"combsum\" or \"combmnz\", not \"" + text + "\"");
        } else if (key == "normalize") {
            if (s = reader.text(value, key, text); s && !scoreNormalizationFromName(text, fusion.options.normalization))
                return reader.problem(key, "must be \"zscore\", \"minmax\", \"rank\" or \"tmm\", not \"" + text + "\"");
        } else if (key == "depth") {
            s = reader.integer(value, key, 1, 10000, fusion.options.depth);
        } else if (key == "rrf_k") {
            s = reader.number(value, key, fusion.options.rrfK);
        } else if (key == "weights") {
            simdjson::dom::array array;
            if (value.get_array().get(array) || array.size() > kMaxFusionMembers)
                return reader.problem(key, "must be an array of at most " + std::to_string(kMaxFusionMembers) + " numbers");
            fusion.weights.clear();
            for (simdjson::dom::element element : array) {
                double weight = 0;
                if (s = reader.number(element, key, weight); !s)
                    return s;
                fusion.weights.push_back(weight);
            }
        } else {
            return reader.problem(key, "is not a key of a run spec's \"fusion\" (method, normalize, depth, rrf_k, weights)");
        }
        if (!s)
            return s;
    }
    return {};
}

Status readSpecObject(simdjson::dom::object object, const SpecReader &reader, RunSpec &spec, int64_t &version, int depth);

Status readKey(std::string_view key, simdjson::dom::element value, const SpecReader &reader, RunSpec &spec,
               int64_t &version, int depth)
{
    if (key == "members") {
        simdjson::dom::array array;
        if (value.get_array().get(array) || array.size() > kMaxFusionMembers)
            return reader.problem(key, "must be an array of at most " + std::to_string(kMaxFusionMembers) + " run specs");
        if (depth > 0)
            return reader.problem(key, "a member of a fusion cannot be a fusion itself");
        spec.members.clear();
        for (simdjson::dom::element element : array) {
            simdjson::dom::object member;
            const std::string prefix = "members[" + std::to_string(spec.members.size()) + "].";
            if (element.get_object().get(member))
                return reader.problem(key, "must hold run spec objects");
            RunSpec parsed;
            parsed.dataset.clear();
            if (Status s = readSpecObject(member, SpecReader(reader.file(), prefix), parsed, version, depth + 1); !s)
                return s;
            spec.members.push_back(std::move(parsed));
        }
        return {};
    }
    if (key == "base_run") {
        simdjson::dom::object object;
        if (value.get_object().get(object))
            return reader.problem(key, "must be a run spec object");
        if (depth >= kMaxRunChain)
            return reader.problem(key, "nests base runs more than " + std::to_string(kMaxRunChain) + " deep");
        RunSpec parsed;
        parsed.dataset.clear();
        if (Status s = readSpecObject(object, SpecReader(reader.file(), "base_run."), parsed, version, depth + 1); !s)
            return s;
        spec.baseRun = {std::move(parsed)};
        return {};
    }
    if (key == "bm25") {
        simdjson::dom::object object;
        if (value.get_object().get(object))
            return reader.problem(key, "must be an object");
        const SpecReader inner(reader.file(), "bm25.");
        for (auto [rawKey, item] : object) {
            const std::string_view name = rawKey;
            Status s;
            if (name == "k1")
                s = inner.number(item, name, spec.bm25.k1);
            else if (name == "b")
                s = inner.number(item, name, spec.bm25.b);
            else if (name == "choose_on_dev")
                s = inner.flag(item, name, spec.bm25.chooseOnDev);
            else
                return inner.problem(name, "is not a key of a run spec's \"bm25\" (k1, b, choose_on_dev)");
            if (!s)
                return s;
        }
        return {};
    }
    if (key == "fusion") {
        simdjson::dom::object object;
        if (value.get_object().get(object))
            return reader.problem(key, "must be an object");
        return readFusion(object, SpecReader(reader.file(), "fusion."), spec.fusion);
    }
    std::string text;
    if (key == "embtune_run_spec")
        return reader.integer(value, key, 1, std::numeric_limits<int64_t>::max(), version);
    if (key == "dataset")
        return reader.text(value, key, spec.dataset);
    if (key == "embeddings")
        return reader.text(value, key, spec.embeddings);
    if (key == "method")
        return reader.text(value, key, spec.method);
    if (key == "train_queries")
        return reader.text(value, key, spec.trainQueries);
    if (key == "dev_queries")
        return reader.text(value, key, spec.devQueries);
    if (key == "generated_queries")
        return reader.text(value, key, spec.generatedQueries);
    if (key == "query_embedder")
        return reader.text(value, key, spec.queryEmbedder);
    if (key == "split")
        return reader.text(value, key, spec.split);
    if (key == "lsa_dim")
        return reader.integer(value, key, 1, 4096, spec.lsaDim);
    if (key == "threads")
        return reader.integer(value, key, 0, 4096, spec.threads);
    if (key == "generated_dev_fraction")
        return reader.number(value, key, spec.generatedDevFraction);
    if (key == "ignore_same_id")
        return reader.flag(value, key, spec.ignoreSameId);
    if (key == "seed") {
        int64_t seed = 0;
        if (Status s = reader.integer(value, key, 0, std::numeric_limits<int64_t>::max(), seed); !s)
            return s;
        spec.seed = uint64_t(seed);
        return {};
    }
    if (key == "base") {
        if (Status s = reader.text(value, key, text); !s)
            return s;
        for (RunBase base : {RunBase::Embeddings, RunBase::Lsa, RunBase::Bm25, RunBase::Fusion, RunBase::Run})
            if (text == runBaseName(base)) {
                spec.base = base;
                return {};
            }
        return reader.problem(key, "must be \"embeddings\", \"lsa\", \"bm25\", \"fusion\" or \"run\", not \"" + text + "\"");
    }
    if (key == "search") {
        if (Status s = reader.text(value, key, text); !s)
            return s;
        if (text != "exact" && text != "hnsw")
            return reader.problem(key, "must be \"exact\" or \"hnsw\", not \"" + text + "\"");
        spec.search = text == "hnsw" ? RunSearch::Hnsw : RunSearch::Exact;
        return {};
    }
    if (key == "similarity") {
        if (Status s = reader.text(value, key, text); !s)
            return s;
        if (text != "cosine" && text != "dot")
            return reader.problem(key, "must be \"cosine\" or \"dot\", not \"" + text + "\"");
        spec.similarity = text == "dot" ? Similarity::Dot : Similarity::Cosine;
        return {};
    }
    if (key == "params") {
        simdjson::dom::object object;
        if (value.get_object().get(object))
            return reader.problem(key, "must be an object of parameter values");
        spec.params.clear();
        for (auto [name, paramValue] : object) {
            auto valueText = paramText(paramValue);
            if (!valueText)
                return reader.problem("params." + std::string(std::string_view(name)), "must be a string, number or boolean");
            spec.params[std::string(std::string_view(name))] = *valueText;
        }
        return {};
    }
    if (key == "experts") {
        simdjson::dom::array array;
        if (value.get_array().get(array))
            return reader.problem(key, "must be an array of folders");
        spec.experts.clear();
        for (auto element : array) {
            if (Status s = reader.text(element, key, text); !s)
                return s;
            spec.experts.push_back(text);
        }
        return {};
    }
    if (key == "k") {
        simdjson::dom::array array;
        if (value.get_array().get(array))
            return reader.problem(key, "must be an array of cut-offs");
        spec.ks.clear();
        for (auto element : array) {
            int k = 0;
            if (Status s = reader.integer(element, key, 1, 100000, k); !s)
                return s;
            spec.ks.push_back(k);
        }
        return {};
    }
    if (key == "metrics") {
        simdjson::dom::array array;
        if (value.get_array().get(array))
            return reader.problem(key, "must be an array of metric names");
        spec.metrics.clear();
        for (auto element : array) {
            Metric metric;
            if (Status s = reader.text(element, key, text); !s)
                return s;
            if (!metricFromKey(text, metric))
                return reader.problem(key, "names an unknown metric \"" + text +
                                               "\" (known: ndcg, recall, recall_cap, precision, mrr, map)");
            spec.metrics.push_back(metric);
        }
        return {};
    }
    if (key == "hnsw") {
        simdjson::dom::object object;
        if (value.get_object().get(object))
            return reader.problem(key, "must be an object");
        return readHnsw(object, SpecReader(reader.file(), "hnsw."), spec);
    }
    return reader.problem(key, "is not a key of a run spec");
}

Status readSpecObject(simdjson::dom::object object, const SpecReader &reader, RunSpec &spec, int64_t &version, int depth)
{
    std::set<std::string, std::less<>> seen;
    for (auto [rawKey, value] : object) {
        const std::string_view key = rawKey;
        if (!seen.emplace(key).second)
            return reader.problem(key, "is given twice");
        if (Status s = readKey(key, value, reader, spec, version, depth); !s)
            return s;
    }
    std::sort(spec.ks.begin(), spec.ks.end());
    return {};
}

// A member's or base run's dataset defaults to the run's that holds it, at every depth.
void inheritDatasets(RunSpec &spec)
{
    for (std::vector<RunSpec> *nested : {&spec.members, &spec.baseRun})
        for (RunSpec &inner : *nested) {
            if (inner.dataset.empty())
                inner.dataset = spec.dataset;
            inheritDatasets(inner);
        }
}

} // namespace

Result<RunSpec> runSpecFromJson(std::string_view json, const std::string &file)
{
    if (json.size() > kMaxSpecBytes)
        return Error::input("run spec larger than 16 MiB", file);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(json);
    if (auto error = parser.parse(padded).get(root))
        return Error::input(std::string("run spec: malformed JSON (") + simdjson::error_message(error) + ")", file);
    simdjson::dom::object object;
    if (root.get_object().get(object))
        return Error::input("run spec: the file must hold one JSON object", file);
    RunSpec spec;
    const SpecReader reader(file, "");
    int64_t version = kRunSpecVersion;
    if (Status s = readSpecObject(object, reader, spec, version, 0); !s)
        return s.error();
    inheritDatasets(spec);
    if (version > kRunSpecVersion)
        return Error::input("run spec: schema version " + std::to_string(version) + " is newer than this embtune reads (" +
                                std::to_string(kRunSpecVersion) + ")",
                            file);
    if (Status s = validateRunSpec(spec); !s) {
        Error error = s.error();
        error.code = ErrorCode::Input;
        error.message = "run spec: " + error.message;
        error.file = file;
        return error;
    }
    return spec;
}

Result<RunSpec> readRunSpecFile(const std::string &path)
{
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    if (ec)
        return Error::io("cannot read the run spec", path);
    if (bytes > kMaxSpecBytes)
        return Error::input("run spec larger than 16 MiB", path);
    simdjson::padded_string text;
    if (simdjson::padded_string::load(path).get(text))
        return Error::io("cannot read the run spec", path);
    return runSpecFromJson(std::string_view(text.data(), text.size()), path);
}

} // namespace embtune::engine
