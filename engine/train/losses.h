#pragma once
// Contrastive losses with their gradients.

#include "core/matrix.h"

#include <utility>
#include <vector>

namespace embtune::engine {

// Target distribution of one query over documents: (document row, weight), weights sum to 1.
using SoftTarget = std::vector<std::pair<int32_t, float>>;

// Softmax cross-entropy over the whole corpus (MNRL with every document as a candidate):
//   L = 1/B sum_i [ logsumexp_j(scale q_i.d_j) - sum_t w_it scale q_i.d_t ]
// queries: B x d (already transformed), docs: n x d, targets: B entries.
// Returns L; writes dL/dqueries (B x d) into gradQueries when non-null.
float corpusSoftmaxLoss(const RowMatrixXf &queries, ConstMatrixMap docs, const std::vector<SoftTarget> &targets,
                        float scale, RowMatrixXf *gradQueries);

} // namespace embtune::engine
