#pragma once
// Randomized truncated SVD of a sparse matrix (Halko, Martinsson & Tropp 2011, algorithms 4.4
// and 5.1): a Gaussian sketch with `oversampling` extra columns, `powerIterations` rounds of
// subspace iteration (re-orthonormalised each half step), then the exact SVD of the small
// projected matrix. Seeded and deterministic for any thread count.

#include "core/progress.h"
#include "embed/sparse_rows.h"

#include <cstdint>

namespace embtune::engine {

struct RandomizedSvdOptions {
    int rank = 256;
    int oversampling = 10;
    int powerIterations = 7;
    uint64_t seed = 0;
    int threads = 0;
};

struct TruncatedSvd {
    RowMatrixXf components;            // cols(X) x rank: right singular vectors as columns
    Eigen::VectorXd singularValues;    // rank, descending
};

// X: n x m sparse. rank is clamped to min(n, m). Returns false when progress asks to stop.
bool randomizedSvd(const SparseRows &x, const RandomizedSvdOptions &options, TruncatedSvd &out,
                   Progress *progress = nullptr);

} // namespace embtune::engine
