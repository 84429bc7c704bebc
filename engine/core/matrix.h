#pragma once
// Dense float matrices. Every batch of vectors in embtune is row-major: one row per item.
// FloatMatrix shares its storage (owned heap memory or a read-only memory map) through a
// shared_ptr, so copies are cheap and a matrix can cross threads as a value.

#include <Eigen/Core>

#include <cstdint>
#include <memory>
#include <vector>

namespace embtune::engine {

using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<RowMatrixXf>;
using ConstMatrixMap = Eigen::Map<const RowMatrixXf>;

// Immutable rows x cols float32 matrix, row-major. Storage is either owned or borrowed from a
// keeper object (for example a memory-mapped file) that stays alive as long as any copy.
class FloatMatrix {
public:
    FloatMatrix() = default;
    // Takes ownership of a rows x cols row-major buffer.
    FloatMatrix(int64_t rows, int64_t cols, std::vector<float> values);
    explicit FloatMatrix(const RowMatrixXf &values);
    // Borrows `data` (rows x cols, row-major); `keeper` keeps it valid.
    FloatMatrix(int64_t rows, int64_t cols, const float *data, std::shared_ptr<const void> keeper);

    int64_t rows() const { return m_rows; }
    int64_t cols() const { return m_cols; }
    bool empty() const { return m_rows == 0; }
    const float *data() const { return m_data; }
    const float *row(int64_t i) const { return m_data + i * m_cols; }
    ConstMatrixMap map() const { return ConstMatrixMap(m_data, m_rows, m_cols); }
    // True when the storage is a memory map rather than a heap copy.
    bool isMapped() const { return m_mapped; }
    void setMapped(bool mapped) { m_mapped = mapped; }

private:
    int64_t m_rows = 0;
    int64_t m_cols = 0;
    const float *m_data = nullptr;
    std::shared_ptr<const void> m_keeper;
    bool m_mapped = false;
};

// Copy of `m` with every row scaled to unit L2 norm (zero rows stay zero).
RowMatrixXf normalizedRows(ConstMatrixMap m);

// True when every value of row `row` (`cols` floats) is zero: a zero-norm vector, for which
// cosine is undefined (embtune scores it 0 against everything).
bool isZeroRow(const float *row, int64_t cols);

// Rows of `m` (rows x cols) that are exact copies of an earlier row, by value (0 and -0 are
// equal). Result: one entry per row, the index of the first row with the same values (the row
// itself when no earlier row has them). O(rows x cols) hashing split over `threads` threads
// (0 = all), then an O(rows log rows) sort. Callers use it so that identical vectors get
// identical scores: a matrix product rounds differently at different positions of its operands.
std::vector<int32_t> firstIdenticalRows(ConstMatrixMap m, int threads = 1);

} // namespace embtune::engine
