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

namespace embtune::engine {

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
