#pragma once
// Compressed sparse rows (CSR) of float values, and the two products LSA needs, parallel over
// output rows (deterministic: every output row is computed by one thread in a fixed order).

#include "core/matrix.h"

#include <cstdint>
#include <vector>

namespace embtune::engine {

struct SparseRows {
    int64_t rows = 0;
    int64_t cols = 0;
    std::vector<int64_t> rowStart{0}; // rows + 1 offsets into cols/values
    std::vector<int32_t> colIndex;    // column of each stored value, ascending within a row
    std::vector<float> values;

    int64_t nonZeros() const { return int64_t(values.size()); }
    // The transpose (cols x rows), also CSR.
    SparseRows transposed() const;
    // Scales every row to unit L2 norm (empty rows stay empty).
    void normalizeRows();
};

// out = a * dense; a: r x c, dense: c x m (row-major) -> out: r x m.
void multiply(const SparseRows &a, const RowMatrixXf &dense, RowMatrixXf &out, int threads);

} // namespace embtune::engine
