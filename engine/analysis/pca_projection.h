#pragma once
// A principal-component projection fitted once and applied to any matrix of the same dimension,
// so that "before" and "after" vectors land in the same plane (arrows for moved documents).
// Fitting: mean and covariance (1/n, over the stacked rows of every given matrix) in double;
// above kPcaExactRows stacked rows, over a seeded uniform sample of that many (sampledRows());
// the components are the top eigenvectors of the covariance, each signed so that its
// largest-magnitude coordinate is positive (deterministic across solvers).

#include "core/error.h"
#include "core/matrix.h"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace embtune::engine {

inline constexpr int64_t kPcaExactRows = 100000;

class PcaProjection {
public:
    // Fits `components` components on the rows of all `parts` (each rows_i x dim, same dim).
    // Errors (Input): no rows in total, dimensions differ, components < 1 or > dim, NaN/Inf.
    static Result<PcaProjection> fit(const std::vector<ConstMatrixMap> &parts, int components = 2);

    int components() const { return int(m_components.cols()); }
    int64_t dim() const { return m_mean.size(); }
    const Eigen::VectorXd &mean() const { return m_mean; }          // dim
    const Eigen::MatrixXd &axes() const { return m_components; }     // dim x components, unit columns
    const Eigen::VectorXd &variances() const { return m_variances; } // per component, descending
    double totalVariance() const { return m_totalVariance; }
    int64_t sampledRows() const { return m_sampledRows; } // rows the fit used; 0 = every row

    // (x - mean) * axes: rows x components. x must have dim() columns (asserted).
    RowMatrixXf apply(ConstMatrixMap x) const;
    // The same for any matrix; a derived one (a NUDGE overlay) is read by blocks, never built.
    RowMatrixXf apply(const FloatMatrix &x) const;

private:
    Eigen::VectorXd m_mean;
    Eigen::MatrixXd m_components;
    Eigen::VectorXd m_variances;
    double m_totalVariance = 0;
    int64_t m_sampledRows = 0;
};

// Rows whose vector changed between `before` and `after` (same shape): |after_i - before_i| >
// minDistance. These are the documents a view draws arrows for.
std::vector<int32_t> movedRows(ConstMatrixMap before, ConstMatrixMap after, double minDistance = 1e-6);
// The same for any matrices, derived ones read by blocks. When `after` is a derived matrix over
// `before` itself (NUDGE's tuned documents and their base), the rows it replaced that differ from
// before's unit rows: the rows every cosine view sees move, not every row rescaled to unit norm.
std::vector<int32_t> movedRows(const FloatMatrix &before, const FloatMatrix &after, double minDistance = 1e-6);

} // namespace embtune::engine
