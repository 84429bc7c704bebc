#include "core/matrix.h"

#include "core/parallel.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <functional>
#include <mutex>

namespace embtune::engine {

FloatMatrix::FloatMatrix(int64_t rows, int64_t cols, std::vector<float> values)
    : m_rows(rows), m_cols(cols)
{
    assert(int64_t(values.size()) == rows * cols);
    auto owned = std::make_shared<std::vector<float>>(std::move(values));
    m_data = owned->data();
    m_keeper = std::move(owned);
}

FloatMatrix::FloatMatrix(RowMatrixXf values) : m_rows(values.rows()), m_cols(values.cols())
{
    auto owned = std::make_shared<RowMatrixXf>(std::move(values));
    m_data = owned->data();
    m_keeper = std::move(owned);
}

FloatMatrix::FloatMatrix(int64_t rows, int64_t cols, const float *data, std::shared_ptr<const void> keeper)
    : m_rows(rows), m_cols(cols), m_data(data), m_keeper(std::move(keeper))
{
}

struct FloatMatrix::Derived {
    RowOverlay overlay;
    std::once_flag once;
    RowMatrixXf full; // built by materialized()
};

FloatMatrix FloatMatrix::unitRowsWithOverlay(FloatMatrix base, std::vector<int32_t> rows, RowMatrixXf values)
{
    assert(values.rows() == Eigen::Index(rows.size()) && (rows.empty() || values.cols() == base.cols()));
    // Ascending rows, values permuted alike.
    std::vector<size_t> order(rows.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows[a] < rows[b]; });
    FloatMatrix out;
    out.m_rows = base.rows();
    out.m_cols = base.cols();
    out.m_derived = std::make_shared<Derived>();
    RowOverlay &overlay = out.m_derived->overlay;
    overlay.rows.reserve(rows.size());
    overlay.values.resize(Eigen::Index(rows.size()), base.cols());
    for (size_t i = 0; i < order.size(); ++i) {
        overlay.rows.push_back(rows[order[i]]);
        overlay.values.row(Eigen::Index(i)) = values.row(Eigen::Index(order[i]));
    }
    if (base.m_derived) // an overlay of an overlay: its base as stored values
        base = FloatMatrix(RowMatrixXf(base.map()));
    overlay.base = std::move(base);
    return out;
}

const RowOverlay *FloatMatrix::overlay() const
{
    return m_derived ? &m_derived->overlay : nullptr;
}

const float *FloatMatrix::materialized() const
{
    Derived &derived = *m_derived;
    std::call_once(derived.once, [&] {
        derived.full = normalizedRows(derived.overlay.base.map());
        for (size_t k = 0; k < derived.overlay.rows.size(); ++k)
            derived.full.row(derived.overlay.rows[k]) = derived.overlay.values.row(Eigen::Index(k));
    });
    return derived.full.data();
}

void FloatMatrix::copyRows(int64_t begin, int64_t count, RowMatrixXf &out) const
{
    if (!m_derived) {
        out = map().middleRows(begin, count);
        return;
    }
    const RowOverlay &overlay = m_derived->overlay;
    out = overlay.base.map().middleRows(begin, count);
    normalizeRowsInPlace(out);
    auto it = std::lower_bound(overlay.rows.begin(), overlay.rows.end(), int32_t(begin));
    for (; it != overlay.rows.end() && *it < begin + count; ++it)
        out.row(*it - begin) = overlay.values.row(it - overlay.rows.begin());
}

const float *FloatMatrix::rowAt(int64_t i, RowMatrixXf &scratch) const
{
    if (!m_derived)
        return row(i);
    const int64_t first = i - i % 4;
    copyRows(first, std::min<int64_t>(4, m_rows - first), scratch);
    return scratch.data() + (i - first) * m_cols;
}

void normalizeRowsInPlace(RowMatrixXf &m)
{
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        const float norm = m.row(i).norm();
        if (norm > 0.0f)
            m.row(i) /= norm;
    }
}

RowMatrixXf normalizedRows(ConstMatrixMap m)
{
    RowMatrixXf out = m;
    normalizeRowsInPlace(out);
    return out;
}

bool isZeroRow(const float *row, int64_t cols)
{
    for (int64_t c = 0; c < cols; ++c)
        if (row[c] != 0.0f)
            return false;
    return true;
}

namespace {

uint64_t rowHash(const float *row, int64_t cols)
{
    // FNV-1a over the values' bits, with -0 taken as 0 so that equal values hash equally.
    uint64_t h = 1469598103934665603ull;
    for (int64_t c = 0; c < cols; ++c) {
        const float value = row[c] == 0.0f ? 0.0f : row[c];
        h = (h ^ std::bit_cast<uint32_t>(value)) * 1099511628211ull;
    }
    return h;
}

// Groups rows of equal hash, ascending, and gives each row the first earlier row equal to it.
std::vector<int32_t> firstOfEqualHashes(std::vector<std::pair<uint64_t, int32_t>> &hashed,
                                        const std::function<bool(int32_t, int32_t)> &sameRow)
{
    std::sort(hashed.begin(), hashed.end());
    std::vector<int32_t> first(hashed.size());
    for (size_t begin = 0; begin < hashed.size();) {
        size_t end = begin + 1;
        while (end < hashed.size() && hashed[end].first == hashed[begin].first)
            ++end;
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

} // namespace

std::vector<int32_t> firstIdenticalRows(const FloatMatrix &m, int threads)
{
    if (!m.overlay())
        return firstIdenticalRows(m.map(), threads);
    const int64_t rows = m.rows(), cols = m.cols();
    assert(rows <= int64_t(INT32_MAX));
    constexpr int64_t block = 1024; // a multiple of 4: blocks read as data() would hold them
    std::vector<std::pair<uint64_t, int32_t>> hashed(static_cast<size_t>(rows));
    const int64_t blocks = (rows + block - 1) / block;
    parallelChunks(blocks, resolveThreadCount(threads), [&](int64_t begin, int64_t end, int) {
        RowMatrixXf values;
        for (int64_t b = begin; b < end; ++b) {
            const int64_t first = b * block, count = std::min(block, rows - first);
            m.copyRows(first, count, values);
            for (int64_t i = 0; i < count; ++i)
                hashed[size_t(first + i)] = {rowHash(values.data() + i * cols, cols), int32_t(first + i)};
        }
    });
    RowMatrixXf x, y; // 4-row blocks holding the compared rows
    return firstOfEqualHashes(hashed, [&](int32_t a, int32_t b) {
        const int64_t a0 = a - a % 4, b0 = b - b % 4;
        m.copyRows(a0, std::min<int64_t>(4, rows - a0), x);
        m.copyRows(b0, std::min<int64_t>(4, rows - b0), y);
        return x.row(a - a0) == y.row(b - b0);
    });
}

std::vector<int64_t> zeroRows(const FloatMatrix &m)
{
    std::vector<int64_t> out;
    const int64_t cols = m.cols();
    if (!m.overlay()) {
        for (int64_t i = 0; i < m.rows(); ++i)
            if (isZeroRow(m.row(i), cols))
                out.push_back(i);
        return out;
    }
    RowMatrixXf values;
    for (int64_t first = 0; first < m.rows(); first += 1024) {
        const int64_t count = std::min<int64_t>(1024, m.rows() - first);
        m.copyRows(first, count, values);
        for (int64_t i = 0; i < count; ++i)
            if (isZeroRow(values.data() + i * cols, cols))
                out.push_back(first + i);
    }
    return out;
}

std::vector<int32_t> firstIdenticalRows(ConstMatrixMap m, int threads)
{
    const int64_t rows = m.rows(), cols = m.cols();
    assert(rows <= int64_t(INT32_MAX));
    std::vector<std::pair<uint64_t, int32_t>> hashed(static_cast<size_t>(rows));
    parallelChunks(rows, resolveThreadCount(threads), [&](int64_t begin, int64_t end, int) {
        for (int64_t i = begin; i < end; ++i)
            hashed[size_t(i)] = {rowHash(m.data() + i * cols, cols), int32_t(i)};
    });
    return firstOfEqualHashes(hashed, [&](int32_t a, int32_t b) {
        const float *x = m.data() + int64_t(a) * cols, *y = m.data() + int64_t(b) * cols;
        for (int64_t c = 0; c < cols; ++c)
            if (x[c] != y[c])
                return false;
        return true;
    });
}

} // namespace embtune::engine
