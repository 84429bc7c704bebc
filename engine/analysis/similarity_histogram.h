#pragma once
// Distributions of cos(q, d) between query and document vectors (METHODS.md "Analysis"):
//   relevant      every judged pair with gain > 0;
//   random        `randomPairs` pairs (query drawn uniformly from the judged queries with a
//                 relevant document, document uniformly from the corpus), seeded;
//   hardNegative  for each of those queries, its top `hardNegatives` documents that are not
//                 relevant (gain <= 0 or not judged), by exact search with `ranking`.
// Values are always cosines, computed in double (a zero vector has cosine 0).

#include "core/error.h"
#include "core/matrix.h"
#include "core/progress.h"
#include "data/dataset.h"
#include "search/exact_search.h"

#include <cstdint>
#include <vector>

namespace embtune::engine {

// Fixed-width bins over [lo, hi]; a value outside is clamped into the first or last bin.
struct Histogram {
    double lo = -1, hi = 1;
    std::vector<int64_t> counts;   // bins
    int64_t count = 0;
    double mean = 0;
    double minimum = 0, maximum = 0; // 0 when empty

    static Histogram make(const std::vector<double> &values, int bins, double lo, double hi);
    double binWidth() const { return counts.empty() ? 0 : (hi - lo) / double(counts.size()); }
};

struct SimilarityHistogramOptions {
    int bins = 40;
    double lo = -1, hi = 1;
    int64_t randomPairs = 10000;
    int32_t hardNegatives = 10;
    Similarity ranking = Similarity::Cosine; // what ranks the hard negatives
    uint64_t seed = 0;
    int threads = 0;
};

struct SimilarityDistributions {
    Histogram relevant, random, hardNegative;
    int32_t queries = 0;                      // queries with a relevant document that were used
};

// queries: queryCount x dim and docs: docCount x dim, aligned to `qrels`' dense indices;
// tiePriority: docCount values (tiePriorityByIdDescending). Queries of `qrels` without a
// relevant document are skipped.
// Errors: dimensions differ, an index of qrels outside the matrices, no query with a relevant
// document, bins < 1 or lo >= hi (Usage); Cancelled when progress asks to stop.
Result<SimilarityDistributions> similarityDistributions(const FloatMatrix &queries, const FloatMatrix &docs,
                                                        const Qrels &qrels, const std::vector<int32_t> &tiePriority,
                                                        const SimilarityHistogramOptions &options,
                                                        Progress *progress = nullptr);

// cos(a, b) in double; 0 when either vector is zero.
double cosine(const float *a, const float *b, int64_t dim);

} // namespace embtune::engine
