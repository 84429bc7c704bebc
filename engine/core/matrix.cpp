#include "core/matrix.h"

#include "core/parallel.h"

#include <algorithm>
#include <bit>
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

bool isZeroRow(const float *row, int64_t cols)
{
    for (int64_t c = 0; c < cols; ++c)
        if (row[c] != 0.0f)
            return false;
    return true;
}

std::vector<int32_t> firstIdenticalRows(ConstMatrixMap m, int threads)
{
    const int64_t rows = m.rows(), cols = m.cols();
    assert(rows <= int64_t(INT32_MAX));
    // FNV-1a over the values' bits, with -0 taken as 0 so that equal values hash equally.
    std::vector<std::pair<uint64_t, int32_t>> hashed(static_cast<size_t>(rows));
    parallelChunks(rows, resolveThreadCount(threads), [&](int64_t begin, int64_t end, int) {
        for (int64_t i = begin; i < end; ++i) {
            const float *row = m.data() + i * cols;
            uint64_t h = 1469598103934665603ull;
            for (int64_t c = 0; c < cols; ++c) {
                const float value = row[c] == 0.0f ? 0.0f : row[c];
                h = (h ^ std::bit_cast<uint32_t>(value)) * 1099511628211ull;
            }
            hashed[size_t(i)] = {h, int32_t(i)};
        }
    });
    std::sort(hashed.begin(), hashed.end());
    std::vector<int32_t> first(static_cast<size_t>(rows));
    auto sameRow = [&](int32_t a, int32_t b) {
        const float *x = m.data() + int64_t(a) * cols, *y = m.data() + int64_t(b) * cols;
        for (int64_t c = 0; c < cols; ++c)
            if (x[c] != y[c])
                return false;
        return true;
    };
    for (size_t begin = 0; begin < hashed.size();) {
        size_t end = begin + 1;
        while (end < hashed.size() && hashed[end].first == hashed[begin].first)
            ++end;
        // Rows of one hash, ascending: each takes the first earlier row equal to it.
        for (size_t i = begin; i < end; ++i) {
            const int32_t row = hashed[i].second;
            first[size_t(row)] = row;
            for (size_t j = begin; j < i; ++j) {
                const int32_t earlier = hashed[j].second;
                if (first[size_t(earlier)] == earlier && sameRow(earlier, row)) {
                    first[size_t(row)] = earlier;
                    break;
                }
            }
        }
        begin = end;
    }
    return first;
}

} // namespace embtune::engine
