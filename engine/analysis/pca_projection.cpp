#include "analysis/pca_projection.h"

#include "analysis/row_sample.h"
#include "core/decompositions.h"

#include <algorithm>
#include <cassert>

namespace embtune::engine {

Result<PcaProjection> PcaProjection::fit(const std::vector<ConstMatrixMap> &parts, int components)
{
    int64_t n = 0;
    const int64_t d = parts.empty() ? 0 : parts.front().cols();
    for (const auto &part : parts) {
        if (part.cols() != d)
            return Error::input("PCA: the matrices have different dimensions (" + std::to_string(d) + " and " +
                                std::to_string(part.cols()) + ")");
        n += part.rows();
    }
    if (n == 0 || d == 0)
        return Error::input("PCA needs at least one vector");
    if (components < 1 || components > d)
        return Error::input("PCA: components must be between 1 and the dimension " + std::to_string(d));

    // Above kPcaExactRows, a seeded uniform sample of the stacked rows (ascending).
    const std::vector<int64_t> sample = n > kPcaExactRows ? uniformRowSample(n, kPcaExactRows, 0x706361) : std::vector<int64_t>{};
    SampledRowCursor sampled(sample);
    Eigen::VectorXd sum = Eigen::VectorXd::Zero(d);
    Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(d, d);
    constexpr int64_t block = 2048;
    int64_t offset = 0; // of the part in the stacked rows
    for (const auto &part : parts) {
        for (int64_t begin = 0; begin < part.rows(); begin += block) {
            const int64_t count = std::min(block, part.rows() - begin);
            Eigen::MatrixXd rows = part.middleRows(begin, count).cast<double>();
            if (!rows.allFinite())
                return Error::input("PCA: a vector has a NaN or Inf value");
            if (!sample.empty())
                rows = sampled.take(rows, offset + begin);
            gram.selfadjointView<Eigen::Lower>().rankUpdate(rows.transpose());
            sum += rows.colwise().sum().transpose();
        }
        offset += part.rows();
    }
    gram.triangularView<Eigen::StrictlyUpper>() = gram.transpose();
    PcaProjection pca;
    pca.m_sampledRows = int64_t(sample.size());
    if (!sample.empty())
        n = int64_t(sample.size());
    pca.m_mean = sum / double(n);
    const Eigen::MatrixXd covariance = gram / double(n) - pca.m_mean * pca.m_mean.transpose();
    const SymmetricEigen eigen = symmetricEigen(covariance);
    const Eigen::VectorXd values = eigen.values.cwiseMax(0.0); // ascending
    pca.m_totalVariance = values.sum();
    pca.m_components.resize(d, components);
    pca.m_variances.resize(components);
    for (int c = 0; c < components; ++c) {
        const int64_t source = d - 1 - c;
        Eigen::VectorXd axis = eigen.vectors.col(source);
        Eigen::Index largest = 0;
        axis.cwiseAbs().maxCoeff(&largest);
        if (axis(largest) < 0)
            axis = -axis;
        pca.m_components.col(c) = axis;
        pca.m_variances(c) = values(source);
    }
    return pca;
}

RowMatrixXf PcaProjection::apply(ConstMatrixMap x) const
{
    assert(x.cols() == dim());
    RowMatrixXf out(x.rows(), m_components.cols());
    constexpr int64_t block = 4096;
    for (int64_t begin = 0; begin < x.rows(); begin += block) {
        const int64_t count = std::min(block, x.rows() - begin);
        const Eigen::MatrixXd centred = x.middleRows(begin, count).cast<double>().rowwise() - m_mean.transpose();
        out.middleRows(begin, count) = (centred * m_components).cast<float>();
    }
    return out;
}

RowMatrixXf PcaProjection::apply(const FloatMatrix &x) const
{
    if (!x.overlay())
        return apply(x.map());
    assert(x.cols() == dim());
    RowMatrixXf out(x.rows(), m_components.cols()), rows;
    constexpr int64_t block = 4096;
    for (int64_t begin = 0; begin < x.rows(); begin += block) {
        const int64_t count = std::min(block, x.rows() - begin);
        x.copyRows(begin, count, rows);
        const Eigen::MatrixXd centred = rows.cast<double>().rowwise() - m_mean.transpose();
        out.middleRows(begin, count) = (centred * m_components).cast<float>();
    }
    return out;
}

std::vector<int32_t> movedRows(const FloatMatrix &before, const FloatMatrix &after, double minDistance)
{
    if (!before.overlay() && !after.overlay())
        return movedRows(before.map(), after.map(), minDistance);
    assert(before.rows() == after.rows() && before.cols() == after.cols());
    std::vector<int32_t> out;
    RowMatrixXf x, y;
    if (const RowOverlay *overlay = after.overlay(); overlay && !before.overlay() && overlay->base.data() == before.data()) {
        // NUDGE's documents against their own base: the replaced rows that differ from the
        // base's unit rows (every other row differs from `before` by its normalisation only).
        for (size_t k = 0; k < overlay->rows.size(); ++k) {
            const Eigen::VectorXd unit = before.map().row(overlay->rows[k]).cast<double>().transpose().normalized();
            if ((overlay->values.row(Eigen::Index(k)).cast<double>().transpose() - unit).norm() > minDistance)
                out.push_back(overlay->rows[k]);
        }
        return out;
    }
    constexpr int64_t block = 4096;
    for (int64_t begin = 0; begin < before.rows(); begin += block) {
        const int64_t count = std::min(block, before.rows() - begin);
        before.copyRows(begin, count, x);
        after.copyRows(begin, count, y);
        for (int64_t i = 0; i < count; ++i)
            if ((y.row(i).cast<double>() - x.row(i).cast<double>()).norm() > minDistance)
                out.push_back(int32_t(begin + i));
    }
    return out;
}

std::vector<int32_t> movedRows(ConstMatrixMap before, ConstMatrixMap after, double minDistance)
{
    assert(before.rows() == after.rows() && before.cols() == after.cols());
    std::vector<int32_t> out;
    for (int64_t i = 0; i < before.rows(); ++i)
        if ((after.row(i).cast<double>() - before.row(i).cast<double>()).norm() > minDistance)
            out.push_back(int32_t(i));
    return out;
}

} // namespace embtune::engine
