#pragma once
// Contrastive losses with their gradients.

#include "core/matrix.h"

#include <utility>
#include <vector>

namespace embtune::engine {

// Target distribution of one query over documents: (document row, weight), weights sum to 1.
using SoftTarget = std::vector<std::pair<int32_t, float>>;

// Softmax cross-entropy of each query over a set of candidates (MNRL; with every document of
// the corpus as a candidate it is the full-corpus softmax):
//   L = 1/B sum_i [ logsumexp_j(scale q_i.c_j) - sum_t w_it scale q_i.c_t ]
// queries: B x d (already transformed), candidates: M x d, targets: B entries over candidate rows.
// Returns L; writes dL/dqueries (B x d) and dL/dcandidates (M x d) when the pointers are non-null.
float softmaxCrossEntropy(const RowMatrixXf &queries, ConstMatrixMap candidates, const std::vector<SoftTarget> &targets,
                          float scale, RowMatrixXf *gradQueries, RowMatrixXf *gradCandidates = nullptr);

// The same over the whole corpus, gradient for the queries only.
inline float corpusSoftmaxLoss(const RowMatrixXf &queries, ConstMatrixMap docs, const std::vector<SoftTarget> &targets,
                               float scale, RowMatrixXf *gradQueries)
{
    return softmaxCrossEntropy(queries, docs, targets, scale, gradQueries, nullptr);
}

// Label smoothing: scales every target by (1 - epsilon) and spreads epsilon uniformly over the
// `candidates` candidate rows 0..candidates-1 (a row may then appear twice in a target; the loss
// adds the weights). epsilon 0 leaves the targets as they are.
void smoothTargets(std::vector<SoftTarget> &targets, int32_t candidates, float epsilon);

} // namespace embtune::engine
