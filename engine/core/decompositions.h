#pragma once
// Dense matrix decompositions, compiled once for the whole engine: each of Eigen's decomposition
// templates costs seconds of compile time per translation unit that instantiates it (about 9 s
// under the sanitizers), so the engine calls these functions instead of naming the templates.

#include <Eigen/Core>

namespace embtune::engine {

// Eigen-decomposition of a symmetric matrix (only its lower triangle is read).
struct SymmetricEigen {
    Eigen::VectorXd values;  // n, ascending
    Eigen::MatrixXd vectors; // n x n, column j a unit eigenvector of values[j]; 0 x 0 when not asked for
};

// `symmetric`: n x n. withVectors = false computes the eigenvalues only (faster).
SymmetricEigen symmetricEigen(const Eigen::MatrixXd &symmetric, bool withVectors = true);

// An orthonormal basis of the column span of `a` (rows x cols, cols <= rows): the first cols
// columns of Q in a = QR (Householder), rows x cols.
Eigen::MatrixXf orthonormalColumns(const Eigen::MatrixXf &a);

} // namespace embtune::engine
