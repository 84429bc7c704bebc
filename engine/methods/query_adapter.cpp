#include "methods/query_adapter.h"

#include "io/json_writer.h"
#include "methods/training_support.h"
#include "train/objectives.h"

#include <cmath>

namespace embtune::engine {
namespace {

// The negatives a fit uses: "auto" is "corpus" up to corpus_limit documents, above it "hardest"
// (or "in-batch" when documents are re-encoded too, which mining under the weights cannot follow).
std::string resolvedNegatives(const ParamValues &params, int64_t documents, bool bothSides)
{
    const std::string &negatives = params.text("negatives");
    if (negatives != "auto")
        return negatives;
    if (documents <= params.integer("corpus_limit"))
        return "corpus";
    return bothSides ? "in-batch" : "hardest";
}

} // namespace

QueryAdapterMethod::QueryAdapterMethod(Kind kind) : m_kind(kind)
{
    // Every common trainer parameter; the adapters' help texts say more about scale, patience,
    // seed and threads, and ADDER's larger residual learns at 0.003.
    std::vector<ParamSpec> common = trainerParams(
        {{},
         {{"lr", {.defaultValue = kind == Kind::Linear ? "0.001" : "0.003"}},
          {"scale", {.help = "Logits are scale x cosine (temperature 1/scale)."}},
          {"patience",
           {.help = "Dev evaluations without a better nDCG@10 before stopping; 0 trains to the end (the best is kept)."}},
          {"seed", {.help = "Seed of the shuffles and initial weights."}},
          {"threads", {.help = "Worker threads; 0 uses every core; 1 is bit-for-bit reproducible."}}}});
    if (kind != Kind::KeyValueBoth) {
        // METHODS.md: linear trains against the whole corpus; ADDER mines the global hardest negatives.
        // Linear's "auto" keeps the whole-corpus softmax up to corpus_limit documents and mines
        // the hardest negatives above it, where a step over every document costs too much.
        common.push_back({"negatives", ParamSpec::Type::Choice, kind == Kind::Linear ? "auto" : "hardest", 0, 0,
                          {"auto", "corpus", "hardest", "in-batch"},
                          "Candidates of the softmax: every document (corpus), the batch's positives plus each "
                          "pair's hardest documents under the current weights, mined every epoch by exact search "
                          "(hardest), or the batch's positives only (in-batch); auto is corpus up to corpus_limit "
                          "documents and hardest above."});
        common.push_back({"n_hard", ParamSpec::Type::Int, "4", 0, 1000, {},
                          "Hardest negatives per pair with negatives = hardest."});
        common.push_back({"corpus_limit", ParamSpec::Type::Int, "50000", 1, 2000000000, {},
                          "Largest corpus (documents) for which negatives = auto trains against every document."});
    }
    if (kind == Kind::Linear)
        common.push_back({"sides", ParamSpec::Type::Choice, "queries", 0, 0, {"queries", "both"},
                          "Apply W to queries only (the index stays valid) or to documents too (re-index); with "
                          "both, negatives are corpus (every document re-encoded at each step) or in-batch."});
    if (kind == Kind::Linear) {
        m_spec = {"linear", "Linear adapter",
                  "Learns a d x d matrix W applied to queries, q' = normalize(W q), starting from the identity; "
                  "documents and their index stay unchanged.",
                  common};
    } else {
        common.push_back({"keys", ParamSpec::Type::Int, "64", 1, 100000, {}, "Number of key-value pairs h."});
        common.push_back({"temperature", ParamSpec::Type::Double, "0.1", 1e-4, 100, {}, "Softmax temperature t_a over the keys."});
        common.push_back({"key_std", ParamSpec::Type::Double, "-1", -1, 100, {},
                          "Standard deviation of the initial keys; -1 uses 1/sqrt(d)."});
        if (kind == Kind::KeyValue)
            m_spec = {"adder", "ADDER (key-value residual)",
                      "Adds a low-rank residual to queries, q' = normalize(q + V^T softmax(K q / t)), with V = 0 at "
                      "the start; documents stay unchanged.",
                      common};
        else
            m_spec = {"adder2", "ADDER2 (both sides)",
                      "Key-value residuals on both sides, separate for queries and documents; documents are "
                      "re-encoded, so the index must be rebuilt.",
                      common};
    }
}

Result<std::unique_ptr<TunedModel>> QueryAdapterMethod::fit(const TrainingData &data, const ParamValues &params,
                                                            Progress *progress) const
{
    if (!data.dataset || !data.embeddings)
        return Error::usage(m_spec.id + " needs a dataset and an embedding set");
    const EmbeddingSet &set = *data.embeddings;
    const int64_t d = set.dim();
    if (Status s = checkQueryVectors(data); !s)
        return s.error();
    const auto usable = usableTrainingData(data);
    if (!usable)
        return usable.error();
    const Qrels &trainQrels = usable->trainQrels, &devQrels = usable->devQrels;

    std::mt19937_64 rng(uint64_t(params.integer("seed")));
    auto module = std::make_shared<Sequential>();
    std::shared_ptr<Sequential> docModule;
    if (m_kind == Kind::Linear) {
        module->add(std::make_unique<LinearMap>(d, d));
    } else {
        const double keyStd = params.real("key_std") > 0 ? params.real("key_std") : 1.0 / std::sqrt(double(d));
        module->add(std::make_unique<KeyValueResidual>(d, params.integer("keys"), params.real("temperature"), keyStd, rng,
                                                       m_kind == Kind::KeyValueBoth ? "q_" : ""));
        if (m_kind == Kind::KeyValueBoth) {
            docModule = std::make_shared<Sequential>();
            docModule->add(std::make_unique<KeyValueResidual>(d, params.integer("keys"), params.real("temperature"),
                                                              keyStd, rng, "c_"));
            docModule->add(std::make_unique<RowNormalize>());
        }
    }
    module->add(std::make_unique<RowNormalize>());

    const TrainerOptions options = trainerOptionsFrom(params, data);

    // Unit document rows for the objectives that score every document at every step; the
    // sampled-negatives objective normalises what it reads and holds no copy.
    const bool bothSides = m_kind == Kind::Linear && params.text("sides") == "both";
    const std::string negatives = m_kind == Kind::KeyValueBoth ? "corpus" : resolvedNegatives(params, set.docs.rows(), bothSides);
    const bool everyDocument = m_kind == Kind::KeyValueBoth || negatives == "corpus" || bothSides;
    const RowMatrixXf docs = everyDocument ? normalizedRows(set.docs.map()) : RowMatrixXf();
    const std::vector<TrainingPair> pairs = trainingPairs(params, trainQrels);
    const auto tiePriority = tiePriorityByIdDescending(data.dataset->docIds.ids());
    Result<TrainerResult> result = Error::usage("no objective");
    if (bothSides) {
        if (negatives == "hardest")
            return Error::usage("linear with sides=both takes negatives=corpus or negatives=in-batch");
        SharedModuleObjective objective(*module, docs, set.queries.map(), pairs,
                                        std::vector<std::vector<int32_t>>(pairs.size()), negatives == "corpus");
        result = trainObjective(objective, set.queries.map(), pairs, devQrels, tiePriority, options, progress);
    } else if (docModule) {
        TwoTowerObjective objective(*module, *docModule, docs, set.queries.map());
        result = trainObjective(objective, set.queries.map(), pairs, devQrels, tiePriority, options, progress);
    } else {
        if (negatives == "corpus") {
            result = trainQueryModule(*module, docs, set.queries.map(), pairs, devQrels, tiePriority, options,
                                      progress);
        } else {
            SampledNegativesObjective objective(
                *module, set.docs, set.queries.map(), pairs,
                negatives == "hardest" ? NegativeSampling::Hardest : NegativeSampling::InBatch,
                int(params.integer("n_hard")), options.threads);
            result = trainObjective(objective, set.queries.map(), pairs, devQrels, tiePriority, options, progress);
        }
    }
    if (!result)
        return result.error();

    JsonWriter w(false);
    w.beginObject();
    w.key("method");
    w.value(m_spec.id);
    if (m_kind != Kind::KeyValueBoth) {
        w.key("negatives");
        w.value(negatives);
    }
    writeTrainingResult(w, *result);
    w.endObject();
    AdapterDescription adapter;
    adapter.tensors = moduleTensors(*module);
    switch (m_kind) {
    case Kind::Linear:
        adapter.applyQueries = "q2 = normalize(q @ W.T)";
        if (bothSides)
            adapter.applyDocuments = "d2 = normalize(d @ W.T)";
        break;
    case Kind::KeyValue:
        adapter.applyQueries = "q2 = normalize(q + softmax(q @ K.T / temperature) @ V)";
        break;
    case Kind::KeyValueBoth:
        for (ModelTensor &t : moduleTensors(*docModule))
            adapter.tensors.push_back(std::move(t));
        adapter.applyQueries = "q2 = normalize(q + softmax(q @ q_K.T / temperature) @ q_V)";
        adapter.applyDocuments = "d2 = normalize(d + softmax(d @ c_K.T / temperature) @ c_V)";
        break;
    }
    if (m_kind != Kind::Linear)
        adapter.settings["temperature"] = params.text("temperature");
    return std::unique_ptr<TunedModel>(
        std::make_unique<QueryAdapterModel>(module, bothSides ? module : docModule, set.docs, w.str(),
                                            std::move(adapter)));
}

std::vector<ModelTensor> moduleTensors(Module &module)
{
    std::vector<ModelTensor> tensors;
    for (const Parameter *p : module.parameters())
        tensors.push_back(modelTensor(p->name, p->value));
    return tensors;
}

QueryAdapterModel::QueryAdapterModel(std::shared_ptr<Module> module, std::shared_ptr<Module> docModule, FloatMatrix docs,
                                     std::string report, AdapterDescription adapter)
    : m_module(std::move(module)), m_docModule(std::move(docModule)), m_docs(std::move(docs)), m_report(std::move(report)),
      m_adapter(std::move(adapter))
{
}

FloatMatrix QueryAdapterModel::tunedDocuments() const
{
    if (!m_docModule)
        return m_docs;
    return FloatMatrix(m_docModule->apply(normalizedRows(m_docs.map())));
}

RowMatrixXf QueryAdapterModel::transformQueries(ConstMatrixMap queries) const
{
    return m_module->apply(RowMatrixXf(queries));
}

} // namespace embtune::engine
