#pragma once
// Anisotropy statistics of a set of vectors (METHODS.md "Analysis"). Input: X, rows x dim,
// float32, row-major, one vector per row. Every accumulation is done in double.
//   averagePairCosine     mean of cos(x_i, x_j) over the n(n-1)/2 distinct pairs, exact via
//                         (|sum_i x^_i|^2 - n) / (n(n-1)) with x^_i = x_i / |x_i|; a zero row has
//                         cosine 0 with everything (it adds 0 instead of 1 to |x^_i|^2).
//   averageCentroidCosine mean over rows of cos(x_i, c), c = (1/n) sum_i x_i (the rows as given);
//                         0 when c = 0; a zero row contributes 0.
//   partitionIsotropy     I(W) = min_c Z(c) / max_c Z(c), Z(c) = sum_i exp(c.x_i), c over the unit
//                         eigenvectors of X^T X and their negatives (both signs, so the value does
//                         not depend on the solver's sign choice); evaluated as
//                         exp(min log Z - max log Z) with log-sum-exp. In (0, 1]; 1 = isotropic.
//   effectiveRank         exp(-sum_i p_i ln p_i), p = singular values of the centred X (X minus
//                         its column means) divided by their sum (0 ln 0 = 0); 0 when every row
//                         is the same.
//   explainedVariance1/5/10  share of the centred X's total variance in the top 1, 5, 10
//                         principal components (k > dim counts all components); 0 when the total
//                         variance is 0.
// Cost: O(n d^2 + d^3) time, O(d^2) memory beyond X; X is read in row blocks. Above
// kAnisotropyExactRows rows, I(W), the effective rank and the explained variances (the O(n d^2)
// part) are estimated on a seeded uniform sample of that many rows (sampledRows says so, and
// every front end shows it); the two average cosines stay exact over every row.

#include "core/error.h"
#include "core/matrix.h"

#include <cstdint>

namespace embtune::engine {

// Rows above which the eigen-based statistics come from a sample (see above).
inline constexpr int64_t kAnisotropyExactRows = 100000;

struct AnisotropyStats {
    int64_t rows = 0;
    int64_t sampledRows = 0;   // rows the eigen-based statistics used; 0 = every row
    int64_t dim = 0;
    double averagePairCosine = 0;
    double averageCentroidCosine = 0;
    double partitionIsotropy = 0;
    double effectiveRank = 0;
    double explainedVariance1 = 0;
    double explainedVariance5 = 0;
    double explainedVariance10 = 0;
};

// Errors (Input): fewer than 2 rows, no columns, a NaN/Inf value (names the row, 1-based).
Result<AnisotropyStats> computeAnisotropy(ConstMatrixMap x);
// The same for any matrix; a derived one (a NUDGE overlay) is read by blocks, never built.
Result<AnisotropyStats> computeAnisotropy(const FloatMatrix &x);

} // namespace embtune::engine
