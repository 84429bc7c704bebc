#pragma once
// The tests' reference singular value decomposition: Eigen's two-sided Jacobi SVD (slow, accurate
// and independent of the engine's randomized and eigen-based paths), compiled once in the test
// support library embtune_test_numeric rather than in every test that checks against it.

#include <Eigen/Core>

namespace embtune::test {

struct ReferenceSvd {
    Eigen::VectorXd singularValues; // min(rows, cols), descending
    Eigen::MatrixXd v;              // right singular vectors as columns: cols x cols (full) or cols x min(rows, cols) (thin)
};

// x: rows x cols. fullV: all cols right singular vectors, else the thin set.
ReferenceSvd referenceSvd(const Eigen::MatrixXd &x, bool fullV = false);

} // namespace embtune::test
