#pragma once
// Exact top-k search by cosine or dot product: blocked matrix products (Eigen GEMM) and a
// bounded heap per query, split over threads by query. Ties are broken by a per-document
// priority (see tiePriorityByIdDescending), so results are deterministic and thread-count
// independent. Identical document rows get identical scores (a product rounds copies at
// different positions differently): one row of each group is scored and stands for the others
// (firstIdenticalRows, O(n x d) per call). A zero row (either side) scores 0.

#include "core/error.h"
#include "core/matrix.h"
#include "core/progress.h"
#include "search/ranking.h"

#include <vector>

namespace embtune::engine {

enum class Similarity { Cosine, Dot };
const char *similarityName(Similarity similarity);

struct ExactSearchOptions {
    int32_t k = 100;
    Similarity similarity = Similarity::Cosine;
    int threads = 0;              // 0 = all hardware threads
    int64_t queryBlock = 128;     // rows of the query block in one GEMM
    int64_t docBlock = 2048;      // rows of the document block in one GEMM
    // With Similarity::Dot: score the documents as normalizedRows(docs) would give them, each
    // block's rows scaled to unit norm in a block-sized buffer before its product. Bit-identical
    // to searching a normalised copy, without holding one (n x d floats). Identical-row groups
    // are found on the rows as given. (A derived matrix, FloatMatrix::unitRowsWithOverlay, is
    // always read this way, block by block; docBlock is then rounded up to a multiple of 4.)
    bool normalizeDocuments = false;
};

// docs: n x d; queries: m x d; queryRows: which rows of `queries` to search (the Ranking's
// `queries` field receives them); tiePriority: n values; excludeDoc: empty, or one document
// index per entry of queryRows to leave out of that query's list (-1 for none).
// Returns Error::cancelled() when progress asks to stop.
Result<Ranking> exactSearch(const FloatMatrix &docs, const FloatMatrix &queries, const std::vector<int32_t> &queryRows,
                            const std::vector<int32_t> &tiePriority, const ExactSearchOptions &options,
                            const std::vector<int32_t> &excludeDoc = {}, Progress *progress = nullptr);

// Slow reference: full score vector and std::sort per query. For tests.
Ranking exactSearchReference(const FloatMatrix &docs, const FloatMatrix &queries, const std::vector<int32_t> &queryRows,
                             const std::vector<int32_t> &tiePriority, int32_t k, Similarity similarity,
                             const std::vector<int32_t> &excludeDoc = {});

} // namespace embtune::engine
