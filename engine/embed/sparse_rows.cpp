#include "embed/sparse_rows.h"

#include "core/parallel.h"

#include <cmath>

namespace embtune::engine {

SparseRows SparseRows::transposed() const
{
    SparseRows t;
    t.rows = cols;
    t.cols = rows;
    t.rowStart.assign(size_t(cols) + 1, 0);
    for (int32_t c : colIndex)
        ++t.rowStart[size_t(c) + 1];
    for (int64_t i = 0; i < cols; ++i)
        t.rowStart[size_t(i) + 1] += t.rowStart[size_t(i)];
    t.colIndex.resize(colIndex.size());
    t.values.resize(values.size());
    std::vector<int64_t> next(t.rowStart.begin(), t.rowStart.end() - 1);
    for (int64_t r = 0; r < rows; ++r) // rows in ascending order keep columns sorted in t
        for (int64_t k = rowStart[size_t(r)]; k < rowStart[size_t(r) + 1]; ++k) {
            const int64_t at = next[size_t(colIndex[size_t(k)])]++;
            t.colIndex[size_t(at)] = int32_t(r);
            t.values[size_t(at)] = values[size_t(k)];
        }
    return t;
}

void SparseRows::normalizeRows()
{
    for (int64_t r = 0; r < rows; ++r) {
        double sum = 0;
        for (int64_t k = rowStart[size_t(r)]; k < rowStart[size_t(r) + 1]; ++k)
            sum += double(values[size_t(k)]) * values[size_t(k)];
        if (sum <= 0)
            continue;
        const auto scale = float(1.0 / std::sqrt(sum));
        for (int64_t k = rowStart[size_t(r)]; k < rowStart[size_t(r) + 1]; ++k)
            values[size_t(k)] *= scale;
    }
}

void multiply(const SparseRows &a, const RowMatrixXf &dense, RowMatrixXf &out, int threads)
{
    out.resize(a.rows, dense.cols()); // no reallocation when the shape is unchanged
    parallelChunks(a.rows, resolveThreadCount(threads), [&](int64_t begin, int64_t end, int) {
        for (int64_t r = begin; r < end; ++r) {
            auto row = out.row(r);
            row.setZero();
            for (int64_t k = a.rowStart[size_t(r)]; k < a.rowStart[size_t(r) + 1]; ++k)
                row.noalias() += a.values[size_t(k)] * dense.row(a.colIndex[size_t(k)]);
        }
    });
}

} // namespace embtune::engine
