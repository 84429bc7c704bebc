#pragma once
// Mafin (arXiv 2402.12177; METHODS.md): a trainable text encoder e_theta (hashed n-grams,
// train/hashed_text_encoder.h) is concatenated to the frozen black-box vector.
//   mafin:        z = [sqrt(w) e_bb^ ; sqrt(1 - w) e_theta^]  -> cos(z_q, z_d) = w cos_bb + (1 - w) cos_theta
//   mafin-lambda: z = [e_bb^ ; e_theta] (e_theta unnormalised, lambda = |e_theta|), retrieved by
//                 cosine, i.e. (cos_bb + lambda_q lambda_d cos_theta) / sqrt((1 + lambda_q^2)(1 + lambda_d^2))
// Loss: ListNet top-one (softmax cross-entropy to the soft target over positives), scale 20,
// optional label smoothing; candidates: the batch's positives and each query's top black-box
// neighbours. Sparse Adagrad (lr 0.05) updates only the touched rows. Queries and documents
// are both encoded from their text, so the tuned vectors have dimension d + d_theta.

#include "methods/method.h"

namespace embtune::engine {

class MafinMethod : public Method {
public:
    explicit MafinMethod(bool lambda);
    const MethodSpec &spec() const override { return m_spec; }
    Result<std::unique_ptr<TunedModel>> fit(const TrainingData &data, const ParamValues &params,
                                            Progress *progress) const override;

private:
    bool m_lambda;
    MethodSpec m_spec;
};

} // namespace embtune::engine
