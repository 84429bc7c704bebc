#pragma once
// Mafin (arXiv 2402.12177; METHODS.md): a trainable text encoder e_theta (hashed n-grams,
// train/hashed_text_encoder.h) is concatenated to the frozen black-box vector.
//   mafin:        z = [sqrt(w) e_bb^ ; sqrt(1 - w) e_theta^]  -> cos(z_q, z_d) = w cos_bb + (1 - w) cos_theta
//   mafin-lambda: z = [e_bb^ ; e_theta] / |[e_bb^ ; e_theta]| (e_theta unnormalised, lambda = |e_theta|),
//                 i.e. (cos_bb + lambda_q lambda_d cos_theta) / sqrt((1 + lambda_q^2)(1 + lambda_d^2))
// Both retrieve by the dot product of the z rows (unit rows, so the cosine, except for a text whose
// black-box vector or encoder output is zero: that part scores 0 and the weights stay), which is
// also what training and the dev selection score with.
// Loss: ListNet top-one (softmax cross-entropy to the soft target over positives), scale 20,
// optional label smoothing; candidates: the batch's positives and each query's top black-box
// neighbours. Sparse Adagrad (lr 0.05) updates only the touched rows. Queries and documents
// are both encoded from their text, so the tuned vectors have dimension d + d_theta.

#include "methods/method.h"
#include "train/hashed_text_encoder.h"
#include "train/trainer.h"

#include <unordered_map>
#include <vector>

namespace embtune::engine {

// Mafin's training objective (declared here for its finite-difference gradient test). The
// trainable part is the encoder's table E; the black-box rows are fixed. docs and queries are
// unit black-box rows by dense index, docFeatures / queryFeatures the encoder's features of each
// text, neighbours[q] the extra candidate documents of training query q. Every argument must
// outlive the objective.
class MafinObjective : public TrainingObjective {
public:
    MafinObjective(HashedTextEncoder &encoder, const RowMatrixXf &docs, const RowMatrixXf &queries,
                   const std::vector<std::vector<uint32_t>> &docFeatures,
                   const std::vector<std::vector<uint32_t>> &queryFeatures,
                   const std::unordered_map<int32_t, std::vector<int32_t>> &neighbours, bool lambda, float weightBb,
                   float labelSmoothing, double learningRate);
    std::vector<Parameter *> parameters() override { return {&m_encoder.parameter()}; }
    bool updatesItself() const override { return true; }
    RowMatrixXf transformQueries(const std::vector<int32_t> &queryIndices) const override;
    FloatMatrix documents() const override;
    // accumulateGradient, then one sparse Adagrad step of the encoder.
    float step(const std::vector<const TrainingPair *> &batch, const TrainerOptions &options) override;
    // The batch loss (ListNet top-one over the batch's positives and its queries' neighbours,
    // logits scale x cos(z_q, z_c)); adds dL/dE into the encoder's pending gradient and leaves E as it is.
    float accumulateGradient(const std::vector<const TrainingPair *> &batch, float scale);

private:
    HashedTextEncoder &m_encoder;
    const RowMatrixXf &m_docs, &m_queries;
    const std::vector<std::vector<uint32_t>> &m_docFeatures, &m_queryFeatures;
    const std::unordered_map<int32_t, std::vector<int32_t>> &m_neighbours;
    bool m_lambda;
    float m_weightBb, m_labelSmoothing;
    double m_learningRate;
};

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
