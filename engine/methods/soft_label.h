#pragma once
// Contrastive fine-tuning with expert-augmented soft labels (arXiv 2408.11868; METHODS.md).
// Experts score (query, document) pairs: every embedding set in TrainingData::experts (cosine)
// and, optionally, BM25. Each expert's scores are min-max rescaled over the training candidates;
// a candidate's label is Soft-1 (mean of the experts), Soft-2 ((hard label + Soft-1) / 2) or
// Soft-3 (fraction of experts above 0.5). The trainable part is a query-side linear adapter
// (identity at start); candidates of a query are the batch's positives and its top-20 neighbours
// under the black-box vectors. Losses: soft InfoNCE (targets = labels normalised over the
// query's candidates) or cosine MSE ((cos - label)^2).

#include "methods/method.h"
#include "train/module.h"
#include "train/trainer.h"

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace embtune::engine {

enum class SoftLabel { Soft1, Soft2, Soft3 };

// One expert: raw scores of documents for a query, and the min-max range over the training
// candidates used to rescale them to [0, 1] (0 everywhere when hi <= lo).
struct SoftLabelExpert {
    std::string name;
    std::function<std::vector<float>(int32_t query, const std::vector<int32_t> &docs)> score;
    float lo = 0, hi = 1;
    float rescale(float s) const { return hi > lo ? std::clamp((s - lo) / (hi - lo), 0.0f, 1.0f) : 0.0f; }
};

// The soft-label objective (declared here for its finite-difference gradient test). A batch's
// candidates for query q are every positive of the batch plus neighbours[q]; labels(q, docs) mixes
// the experts' rescaled scores with the hard labels from positives[q]. soft-infonce (mse false):
// softmax cross-entropy at options.scale over the union of the batch's candidates, each query's
// target its own candidates' labels normalised to sum 1 (its hard positives when all labels are
// 0); cosine-mse: the mean over (query, own candidate) terms of (cos - label)^2. Gradients flow
// into `module` (the query side); documents are fixed unit rows. Every argument must outlive the
// objective.
class SoftLabelObjective : public TrainingObjective {
public:
    SoftLabelObjective(Module &module, const RowMatrixXf &docs, ConstMatrixMap queries,
                       const std::unordered_map<int32_t, std::vector<int32_t>> &neighbours,
                       const std::unordered_map<int32_t, std::set<int32_t>> &positives,
                       const std::vector<SoftLabelExpert> &experts, SoftLabel label, bool mse);
    std::vector<Parameter *> parameters() override { return m_module.parameters(); }
    RowMatrixXf transformQueries(const std::vector<int32_t> &queryIndices) const override;
    FloatMatrix documents() const override { return FloatMatrix::view(m_docs); }
    float step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options) override;
    // Labels of `docs` for `query`, in [0, 1].
    std::vector<float> labels(int32_t query, const std::vector<int32_t> &docs) const;

private:
    Module &m_module;
    const RowMatrixXf &m_docs;
    ConstMatrixMap m_queries;
    const std::unordered_map<int32_t, std::vector<int32_t>> &m_neighbours;
    const std::unordered_map<int32_t, std::set<int32_t>> &m_positives;
    const std::vector<SoftLabelExpert> &m_experts;
    SoftLabel m_label;
    bool m_mse;
};

class SoftLabelMethod : public Method {
public:
    SoftLabelMethod();
    const MethodSpec &spec() const override { return m_spec; }
    Result<std::unique_ptr<TunedModel>> fit(const TrainingData &data, const ParamValues &params,
                                            Progress *progress) const override;

private:
    MethodSpec m_spec;
};

} // namespace embtune::engine
