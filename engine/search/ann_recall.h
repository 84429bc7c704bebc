#pragma once
// How far an approximate ranking is from the exact one: recall@k of the ANN lists against the
// exact lists of the same queries.

#include "core/error.h"
#include "search/ranking.h"

namespace embtune::engine {

// Mean over the rows of |approximate top-k ∩ exact top-k| / |exact top-k|, where |exact top-k|
// counts the real documents (not the -1 padding) among the exact list's first k: k unless the
// search had fewer documents to return. Rows whose exact list is empty are skipped (1.0 when
// every row is). Errors (usage): k < 1, rankings listing different queries, or fewer than k
// columns in either.
Result<double> annRecall(const Ranking &approximate, const Ranking &exact, int32_t k);

} // namespace embtune::engine
