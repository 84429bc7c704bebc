#include "train/losses.h"

#include <cmath>

namespace embtune::engine {

float softmaxCrossEntropy(const RowMatrixXf &queries, ConstMatrixMap docs, const std::vector<SoftTarget> &targets,
                          float scale, RowMatrixXf *gradQueries, RowMatrixXf *gradCandidates)
{
    const Eigen::Index b = queries.rows();
    RowMatrixXf logits(b, docs.rows());
    logits.noalias() = queries * docs.transpose();
    logits *= scale;
    double loss = 0;
    for (Eigen::Index i = 0; i < b; ++i) {
        const float top = logits.row(i).maxCoeff();
        logits.row(i) = (logits.row(i).array() - top).exp();
        const double sum = logits.row(i).sum();
        const double logSumExp = double(top) + std::log(sum);
        for (const auto &[doc, weight] : targets[size_t(i)])
            loss -= double(weight) * (double(scale) * double(queries.row(i).dot(docs.row(doc))) - logSumExp);
        logits.row(i) /= float(sum); // now the softmax P
    }
    if (gradQueries || gradCandidates) {
        // G = scale/B (P - T); dL/dQ = G C, dL/dC = G^T Q.
        for (Eigen::Index i = 0; i < b; ++i)
            for (const auto &[doc, weight] : targets[size_t(i)])
                logits(i, doc) -= weight;
        logits *= scale / float(b);
        if (gradQueries) {
            gradQueries->resize(b, docs.cols());
            gradQueries->noalias() = logits * docs;
        }
        if (gradCandidates) {
            gradCandidates->resize(docs.rows(), docs.cols());
            gradCandidates->noalias() = logits.transpose() * queries;
        }
    }
    return float(loss / double(b));
}

void smoothTargets(std::vector<SoftTarget> &targets, int32_t candidates, float epsilon)
{
    if (epsilon <= 0 || candidates <= 0)
        return;
    const float share = epsilon / float(candidates);
    for (SoftTarget &target : targets) {
        for (auto &entry : target)
            entry.second *= 1 - epsilon;
        target.reserve(target.size() + size_t(candidates));
        for (int32_t j = 0; j < candidates; ++j)
            target.emplace_back(j, share);
    }
}

} // namespace embtune::engine
