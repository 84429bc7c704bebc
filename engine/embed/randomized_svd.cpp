#include "embed/randomized_svd.h"

#include "core/decompositions.h"

#include <Eigen/Cholesky>

#include <algorithm>
#include <random>

namespace embtune::engine {
namespace {

// Replaces the columns of `y` (rows x l) by a basis of their span. Between power iterations
// only the scale matters (as with scikit-learn's LU normaliser), so Cholesky QR (y L^-T with
// L L^T = y^T y in double: GEMM speed) serves; Householder QR gives the exactly orthonormal
// final basis, and takes over whenever the Gram matrix is not safely positive definite.
void orthonormalize(RowMatrixXf &y, bool exact, RowMatrixXf &scratch)
{
    if (exact) {
        y = orthonormalColumns(y);
        return;
    }
    const Eigen::MatrixXd gram = (y.transpose() * y).cast<double>();
    Eigen::LLT<Eigen::MatrixXd> llt(gram);
    if (llt.info() == Eigen::Success) {
        const Eigen::MatrixXd minDiag = llt.matrixL().toDenseMatrix().diagonal();
        if (minDiag.minCoeff() > 1e-6 * std::max(1.0, minDiag.maxCoeff())) {
            // y <- y * L^-T
            const Eigen::MatrixXd inverse = llt.matrixU().solve(Eigen::MatrixXd::Identity(gram.rows(), gram.cols()));
            scratch.resize(y.rows(), y.cols());
            scratch.noalias() = y * inverse.cast<float>();
            y.swap(scratch);
            return;
        }
    }
    y = orthonormalColumns(y);
}

} // namespace

bool randomizedSvd(const SparseRows &x, const RandomizedSvdOptions &options, TruncatedSvd &out, Progress *progress)
{
    const int64_t rank = std::min<int64_t>(options.rank, std::min(x.rows, x.cols));
    const int64_t width = std::min<int64_t>(rank + options.oversampling, std::min(x.rows, x.cols));
    const SparseRows xt = x.transposed();
    const int steps = options.powerIterations + 3;

    // Gaussian test matrix, cols(X) x width, from a seeded engine (same numbers on every machine:
    // the normal variates come from our own Box-Muller over mt19937_64's integers).
    RowMatrixXf omega(xt.rows, width);
    std::mt19937_64 rng(options.seed);
    const double twoPi = 6.283185307179586;
    for (Eigen::Index i = 0; i < omega.size(); i += 2) {
        const double u1 = (double(rng() >> 11) + 1.0) * 0x1.0p-53, u2 = double(rng() >> 11) * 0x1.0p-53;
        const double radius = std::sqrt(-2.0 * std::log(u1));
        omega.data()[i] = float(radius * std::cos(twoPi * u2));
        if (i + 1 < omega.size())
            omega.data()[i + 1] = float(radius * std::sin(twoPi * u2));
    }

    RowMatrixXf y, z, yScratch, zScratch; // buffers reused across iterations
    multiply(x, omega, y, options.threads); // n x width
    for (int it = 0; it < options.powerIterations; ++it) {
        if (progress && !progress->step("svd", it + 1, steps))
            return false;
        orthonormalize(y, false, yScratch);
        multiply(xt, y, z, options.threads); // m x width
        orthonormalize(z, false, zScratch);
        multiply(x, z, y, options.threads);
    }
    orthonormalize(y, true, yScratch); // Q: n x width, orthonormal
    if (progress && !progress->step("svd", steps - 1, steps))
        return false;

    // B^T = X^T Q (m x width). B B^T = (B^T)^T B^T is small; its eigenvectors are the left
    // singular vectors of B and its eigenvalues the squared singular values.
    multiply(xt, y, z, options.threads);
    const Eigen::MatrixXd bt = z.cast<double>();
    const Eigen::MatrixXd small = bt.transpose() * bt;
    const SymmetricEigen eigen = symmetricEigen(small);
    const Eigen::VectorXd &values = eigen.values; // ascending
    const Eigen::MatrixXd &vectors = eigen.vectors;

    // Top `rank` eigenpairs, descending; right singular vectors V = B^T U / sigma in one GEMM.
    out.singularValues.resize(rank);
    Eigen::MatrixXd topVectors(vectors.rows(), rank);
    for (int64_t j = 0; j < rank; ++j) {
        const Eigen::Index source = values.size() - 1 - j;
        out.singularValues[j] = std::sqrt(std::max(0.0, values[source]));
        topVectors.col(j) = vectors.col(source);
    }
    Eigen::MatrixXd components = bt * topVectors;
    for (int64_t j = 0; j < rank; ++j) {
        const double sigma = out.singularValues[j];
        if (sigma > 0)
            components.col(j) /= sigma;
        else
            components.col(j).setZero();
        // Sign convention: the entry of largest magnitude is positive.
        Eigen::Index at = 0;
        components.col(j).cwiseAbs().maxCoeff(&at);
        if (components(at, j) < 0)
            components.col(j) = -components.col(j);
    }
    out.components = components.cast<float>();
    return !progress || progress->step("svd", steps, steps);
}

} // namespace embtune::engine
