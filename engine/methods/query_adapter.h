#pragma once
// Query-side adapters trained with the shared trainer (train/trainer.h); documents are left as
// they are, so an index built on them stays valid and only queries pay at serving time.
//   linear: q' = normalize(W q), W d x d initialised to the identity (LlamaIndex / Chroma style)
//   adder:  q' = normalize(q + V^T softmax(K q / t)), K, V h x d; V = 0 at start (ADDER)
//   adder2: the same with separate (K_q, V_q) for queries and (K_c, V_c) for documents; the
//           documents are re-encoded at every step (the index must be rebuilt after tuning)
// Loss: softmax cross-entropy, scale 20, one (query, positive) pair per relevant document, over
// the whole corpus, the batch's positives plus each pair's hardest negatives mined under the
// current weights every epoch (adder's default, n_hard 4), or in-batch only. Linear's default,
// negatives=auto, is the whole corpus up to corpus_limit (50,000) documents and the hardest
// negatives above it. adder2 always uses the whole re-encoded corpus. Dev nDCG@10 after each epoch selects the weights.

#include "methods/method.h"
#include "train/module.h"
#include "train/trainer.h"

namespace embtune::engine {

class QueryAdapterMethod : public Method {
public:
    enum class Kind { Linear, KeyValue, KeyValueBoth };
    explicit QueryAdapterMethod(Kind kind);
    const MethodSpec &spec() const override { return m_spec; }
    Result<std::unique_ptr<TunedModel>> fit(const TrainingData &data, const ParamValues &params,
                                            Progress *progress) const override;

private:
    Kind m_kind;
    MethodSpec m_spec;
};

class QueryAdapterModel : public TunedModel {
public:
    // docModule may be null (documents unchanged).
    QueryAdapterModel(std::shared_ptr<Module> module, std::shared_ptr<Module> docModule, FloatMatrix docs,
                      std::string report, AdapterDescription adapter);
    Similarity similarity() const override { return Similarity::Cosine; }
    RowMatrixXf transformQueries(ConstMatrixMap queries) const override;
    FloatMatrix tunedDocuments() const override;
    std::string reportJson() const override { return m_report; }
    AdapterDescription adapter() const override { return m_adapter; }

private:
    std::shared_ptr<Module> m_module, m_docModule;
    FloatMatrix m_docs;
    std::string m_report;
    AdapterDescription m_adapter;
};

// The tensors of a trained module tree, by parameter name (e.g. "W", "K", "q_K").
std::vector<ModelTensor> moduleTensors(Module &module);

} // namespace embtune::engine
