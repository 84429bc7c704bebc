#include "analysis/row_sample.h"

#include <algorithm>
#include <cassert>
#include <random>

namespace embtune::engine {

std::vector<int64_t> uniformRowSample(int64_t n, int64_t count, uint64_t seed)
{
    assert(count >= 0 && count <= n);
    std::mt19937_64 rng(seed);
    std::vector<int64_t> picked;
    picked.reserve(size_t(count));
    std::vector<char> taken(size_t(n), 0);
    for (int64_t j = n - count; j < n; ++j) {
        const int64_t t = int64_t(rng() % uint64_t(j + 1));
        const int64_t row = taken[size_t(t)] ? j : t;
        taken[size_t(row)] = 1;
        picked.push_back(row);
    }
    std::sort(picked.begin(), picked.end());
    return picked;
}

Eigen::MatrixXd SampledRowCursor::take(const Eigen::MatrixXd &block, int64_t firstRow)
{
    std::vector<Eigen::Index> rows;
    while (m_next < m_sample.size() && m_sample[m_next] < firstRow + block.rows())
        rows.push_back(Eigen::Index(m_sample[m_next++] - firstRow));
    Eigen::MatrixXd out(Eigen::Index(rows.size()), block.cols());
    for (size_t i = 0; i < rows.size(); ++i)
        out.row(Eigen::Index(i)) = block.row(rows[i]);
    return out;
}

} // namespace embtune::engine
