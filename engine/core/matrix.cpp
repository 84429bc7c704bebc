#include "core/matrix.h"

#include <cassert>

namespace embtune::engine {

FloatMatrix::FloatMatrix(int64_t rows, int64_t cols, std::vector<float> values)
    : m_rows(rows), m_cols(cols)
{
    assert(int64_t(values.size()) == rows * cols);
    auto owned = std::make_shared<std::vector<float>>(std::move(values));
    m_data = owned->data();
    m_keeper = std::move(owned);
}

FloatMatrix::FloatMatrix(const RowMatrixXf &values)
    : FloatMatrix(values.rows(), values.cols(),
                  std::vector<float>(values.data(), values.data() + values.size()))
{
}

FloatMatrix::FloatMatrix(int64_t rows, int64_t cols, const float *data, std::shared_ptr<const void> keeper)
    : m_rows(rows), m_cols(cols), m_data(data), m_keeper(std::move(keeper))
{
}

RowMatrixXf normalizedRows(ConstMatrixMap m)
{
    RowMatrixXf out = m;
    for (Eigen::Index i = 0; i < out.rows(); ++i) {
        const float norm = out.row(i).norm();
        if (norm > 0.0f)
            out.row(i) /= norm;
    }
    return out;
}

} // namespace embtune::engine
