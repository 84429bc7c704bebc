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

struct RowOverlay;

// Immutable rows x cols float32 matrix, row-major. Storage is either owned or borrowed from a
// keeper object (for example a memory-mapped file) that stays alive as long as any copy, or
// derived: a base matrix read as unit rows with some rows replaced (unitRowsWithOverlay), held
// as the base (shared) plus the replaced rows. A derived matrix builds its full values only when
// data(), row() or map() is first called (once, thread-safe; n x d floats); readers that go
// through copyRows() (exact search, zero-row and identical-row scans) never build them.
class FloatMatrix {
public:
    FloatMatrix() = default;
    // Takes ownership of a rows x cols row-major buffer.
    FloatMatrix(int64_t rows, int64_t cols, std::vector<float> values);
    // Takes `values` (moved in when given an rvalue: no copy).
    explicit FloatMatrix(RowMatrixXf values);
    // Borrows `data` (rows x cols, row-major); `keeper` keeps it valid.
    FloatMatrix(int64_t rows, int64_t cols, const float *data, std::shared_ptr<const void> keeper);
    // A view of `values` that owns nothing: valid while `values` lives and is not resized.
    static FloatMatrix view(const RowMatrixXf &values) { return FloatMatrix(values.rows(), values.cols(), values.data(), nullptr); }
    // Row i: values.row(k) when rows[k] == i, else base row i scaled to unit norm exactly as
    // normalizedRows scales it (zero rows stay zero). rows: distinct, any order; values:
    // rows.size() x base.cols(). Nothing of the base is copied.
    static FloatMatrix unitRowsWithOverlay(FloatMatrix base, std::vector<int32_t> rows, RowMatrixXf values);

    int64_t rows() const { return m_rows; }
    int64_t cols() const { return m_cols; }
    bool empty() const { return m_rows == 0; }
    const float *data() const { return m_data || !m_derived ? m_data : materialized(); }
    const float *row(int64_t i) const { return data() + i * m_cols; }
    ConstMatrixMap map() const { return ConstMatrixMap(data(), m_rows, m_cols); }
    // The overlay of a derived matrix; null for stored ones.
    const RowOverlay *overlay() const;
    // Rows [begin, begin + count) into `out` (resized to count x cols), bit-equal to those of
    // data() when begin is a multiple of 4 (as a block of a row-major matrix is aligned), without
    // building a derived matrix.
    void copyRows(int64_t begin, int64_t count, RowMatrixXf &out) const;
    // Row i without building a derived matrix: row(i) for a stored matrix, else a pointer into
    // `scratch`, which receives the 4-row block holding it (bit-equal to data()'s row i) and
    // must outlive the use of the pointer.
    const float *rowAt(int64_t i, RowMatrixXf &scratch) const;
    // True when the storage is a memory map rather than a heap copy.
    bool isMapped() const { return m_mapped; }
    void setMapped(bool mapped) { m_mapped = mapped; }

private:
    int64_t m_rows = 0;
    int64_t m_cols = 0;
    const float *m_data = nullptr;
    std::shared_ptr<const void> m_keeper;
    bool m_mapped = false;
    struct Derived;
    std::shared_ptr<Derived> m_derived;
    const float *materialized() const;
};

// What a derived matrix is made of (FloatMatrix::unitRowsWithOverlay).
struct RowOverlay {
    FloatMatrix base;           // n x d, rows as stored (a stored matrix)
    std::vector<int32_t> rows;  // replaced rows, ascending
    RowMatrixXf values;         // rows.size() x d, in the order of `rows`
};

// Copy of `m` with every row scaled to unit L2 norm (zero rows stay zero).
RowMatrixXf normalizedRows(ConstMatrixMap m);
// The same in place: each row of `m` scaled to unit norm. normalizedRows is this on a copy, so a
// block normalised here holds the bits a normalised copy of the whole matrix holds for it (when
// the block starts at a multiple of 4 rows, i.e. at the same alignment).
void normalizeRowsInPlace(RowMatrixXf &m);

// True when every value of row `row` (`cols` floats) is zero: a zero-norm vector, for which
// cosine is undefined (embtune scores it 0 against everything).
bool isZeroRow(const float *row, int64_t cols);

// Rows of `m` (rows x cols) that are exact copies of an earlier row, by value (0 and -0 are
// equal). Result: one entry per row, the index of the first row with the same values (the row
// itself when no earlier row has them). O(rows x cols) hashing split over `threads` threads
// (0 = all), then an O(rows log rows) sort. Callers use it so that identical vectors get
// identical scores: a matrix product rounds differently at different positions of its operands.
std::vector<int32_t> firstIdenticalRows(ConstMatrixMap m, int threads = 1);
// The same for any matrix, derived ones read block by block (copyRows) without building them.
std::vector<int32_t> firstIdenticalRows(const FloatMatrix &m, int threads = 1);

// Indices of the rows of `m` whose values are all zero, ascending (derived matrices read by block).
std::vector<int64_t> zeroRows(const FloatMatrix &m);

} // namespace embtune::engine
