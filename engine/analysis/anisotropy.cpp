#include "analysis/anisotropy.h"

#include "analysis/row_sample.h"
#include "core/decompositions.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

namespace embtune::engine {
namespace {

constexpr int64_t kRowBlock = 2048;

// Rows [begin, begin + count) of the input as doubles.
using BlockReader = std::function<Eigen::MatrixXd(int64_t begin, int64_t count)>;

double topShare(const Eigen::VectorXd &descending, double total, int64_t k)
{
    if (total <= 0)
        return 0;
    k = std::min<int64_t>(k, descending.size());
    return std::min(1.0, descending.head(k).sum() / total);
}

Result<AnisotropyStats> anisotropyOf(int64_t n, int64_t d, const BlockReader &blockAsDouble);

} // namespace

Result<AnisotropyStats> computeAnisotropy(ConstMatrixMap x)
{
    return anisotropyOf(x.rows(), x.cols(),
                        [&](int64_t begin, int64_t count) { return Eigen::MatrixXd(x.middleRows(begin, count).cast<double>()); });
}

Result<AnisotropyStats> computeAnisotropy(const FloatMatrix &x)
{
    if (!x.overlay())
        return computeAnisotropy(x.map());
    RowMatrixXf block;
    return anisotropyOf(x.rows(), x.cols(), [&](int64_t begin, int64_t count) {
        x.copyRows(begin, count, block);
        return Eigen::MatrixXd(block.cast<double>());
    });
}

namespace {

Result<AnisotropyStats> anisotropyOf(int64_t n, int64_t d, const BlockReader &blockAsDouble)
{
    if (n < 2)
        return Error::input("anisotropy needs at least 2 vectors, got " + std::to_string(n));
    if (d < 1)
        return Error::input("anisotropy needs vectors with at least one dimension");

    // Above kAnisotropyExactRows, the sampled rows (ascending) feed the eigen-based statistics.
    const std::vector<int64_t> sample =
        n > kAnisotropyExactRows ? uniformRowSample(n, kAnisotropyExactRows, 0x616e69736f) : std::vector<int64_t>{};
    const bool sampled = !sample.empty();
    SampledRowCursor sampledRows(sample);

    // Pass 1: X^T X (of the sample when sampled), the column sums, the sum of unit rows.
    Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(d, d);
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(d), unitSum = Eigen::VectorXd::Zero(d);
    Eigen::VectorXd sampleSum = Eigen::VectorXd::Zero(d);
    int64_t nonzero = 0;
    for (int64_t begin = 0; begin < n; begin += kRowBlock) {
        const int64_t count = std::min(kRowBlock, n - begin);
        const Eigen::MatrixXd block = blockAsDouble(begin, count);
        if (!block.allFinite()) {
            for (int64_t r = 0; r < count; ++r)
                if (!block.row(r).allFinite())
                    return Error::input("vector " + std::to_string(begin + r + 1) + " has a NaN or Inf value", {},
                                        begin + r + 1);
        }
        if (sampled) {
            const Eigen::MatrixXd part = sampledRows.take(block, begin);
            gram.selfadjointView<Eigen::Lower>().rankUpdate(part.transpose());
            sampleSum += part.colwise().sum().transpose();
        } else {
            gram.selfadjointView<Eigen::Lower>().rankUpdate(block.transpose());
        }
        sum += block.colwise().sum().transpose();
        for (int64_t r = 0; r < count; ++r) {
            const double norm = block.row(r).norm();
            if (norm > 0) {
                unitSum += block.row(r).transpose() / norm;
                ++nonzero;
            }
        }
    }
    gram.triangularView<Eigen::StrictlyUpper>() = gram.transpose();

    AnisotropyStats stats;
    stats.rows = n;
    stats.sampledRows = sampled ? int64_t(sample.size()) : 0;
    stats.dim = d;
    const double nd = double(n);
    stats.averagePairCosine = (unitSum.squaredNorm() - double(nonzero)) / (nd * (nd - 1));

    // Pass 2: cosine to the centroid and log Z over the eigenvectors of X^T X (both signs).
    const Eigen::VectorXd centroid = sum / nd;
    const double centroidNorm = centroid.norm();
    const SymmetricEigen gramEigen = symmetricEigen(gram);
    const Eigen::MatrixXd &directions = gramEigen.vectors; // d x d, unit columns
    // Running log-sum-exp per column of X U (index j) and of -X U (index d + j).
    const double negInf = -std::numeric_limits<double>::infinity();
    Eigen::ArrayXd runMax = Eigen::ArrayXd::Constant(2 * d, negInf), runSum = Eigen::ArrayXd::Zero(2 * d);
    double centroidCosSum = 0;
    sampledRows.restart();
    for (int64_t begin = 0; begin < n; begin += kRowBlock) {
        const int64_t count = std::min(kRowBlock, n - begin);
        const Eigen::MatrixXd block = blockAsDouble(begin, count);
        if (centroidNorm > 0) {
            const Eigen::VectorXd dots = block * centroid;
            for (int64_t r = 0; r < count; ++r) {
                const double norm = block.row(r).norm();
                if (norm > 0)
                    centroidCosSum += dots(r) / (norm * centroidNorm);
            }
        }
        const Eigen::MatrixXd projected = sampled ? Eigen::MatrixXd(sampledRows.take(block, begin) * directions)
                                                  : Eigen::MatrixXd(block * directions); // rows x d
        for (int64_t j = 0; j < 2 * d && projected.rows() > 0; ++j) {
            const double sign = j < d ? 1.0 : -1.0;
            const auto column = projected.col(j % d).array() * sign;
            const double blockMax = column.maxCoeff();
            const double newMax = std::max(runMax(j), blockMax);
            const double rescale = runMax(j) == negInf ? 0.0 : std::exp(runMax(j) - newMax);
            runSum(j) = runSum(j) * rescale + (column - newMax).exp().sum();
            runMax(j) = newMax;
        }
    }
    stats.averageCentroidCosine = centroidCosSum / nd;
    const Eigen::ArrayXd logZ = runMax + runSum.log();
    stats.partitionIsotropy = std::exp(logZ.minCoeff() - logZ.maxCoeff());

    // Centred X: C = X^T X - n c c^T; its eigenvalues are the squared singular values (of the
    // sample, centred on its own mean, when sampled).
    const Eigen::MatrixXd centred =
        sampled ? Eigen::MatrixXd(gram - sampleSum * sampleSum.transpose() / double(sample.size()))
                : Eigen::MatrixXd(gram - nd * centroid * centroid.transpose());
    Eigen::VectorXd variances = symmetricEigen(centred, false).values.reverse().cwiseMax(0.0); // descending
    const double totalVariance = variances.sum();
    const Eigen::VectorXd singular = variances.cwiseSqrt();
    const double singularSum = singular.sum();
    if (singularSum > 0) {
        double entropy = 0;
        for (int64_t i = 0; i < singular.size(); ++i) {
            const double p = singular(i) / singularSum;
            if (p > 0)
                entropy -= p * std::log(p);
        }
        stats.effectiveRank = std::exp(entropy);
    }
    stats.explainedVariance1 = topShare(variances, totalVariance, 1);
    stats.explainedVariance5 = topShare(variances, totalVariance, 5);
    stats.explainedVariance10 = topShare(variances, totalVariance, 10);
    return stats;
}

} // namespace
} // namespace embtune::engine
