#include "core/decompositions.h"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>

#include <cassert>

namespace embtune::engine {

SymmetricEigen symmetricEigen(const Eigen::MatrixXd &symmetric, bool withVectors)
{
    assert(symmetric.rows() == symmetric.cols());
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(symmetric, withVectors ? Eigen::ComputeEigenvectors
                                                                                  : Eigen::EigenvaluesOnly);
    SymmetricEigen out;
    out.values = solver.eigenvalues();
    if (withVectors)
        out.vectors = solver.eigenvectors();
    return out;
}

Eigen::MatrixXf orthonormalColumns(const Eigen::MatrixXf &a)
{
    assert(a.cols() <= a.rows());
    const Eigen::HouseholderQR<Eigen::MatrixXf> qr(a);
    return qr.householderQ() * Eigen::MatrixXf::Identity(a.rows(), a.cols());
}

} // namespace embtune::engine
