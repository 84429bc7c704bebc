#pragma once
// REFINE (arXiv 2410.12890; METHODS.md): a trainable copy A of the (linear view of the) model,
// fused with the frozen one, e = normalize(lambda e_bb + (1 - lambda) A e_bb) on both sides
// (weight fusion W = lambda I + (1 - lambda) A), trained with MNRL over in-batch positives and
// hard negatives drawn from a score band under the frozen vectors (skipping the top ranks).
// Training pairs come from the training qrels (synthetic queries arrive with the synth issue).

#include "methods/method.h"

namespace embtune::engine {

class RefineMethod : public Method {
public:
    RefineMethod();
    const MethodSpec &spec() const override { return m_spec; }
    Result<std::unique_ptr<TunedModel>> fit(const TrainingData &data, const ParamValues &params,
                                            Progress *progress) const override;

private:
    MethodSpec m_spec;
};

} // namespace embtune::engine
