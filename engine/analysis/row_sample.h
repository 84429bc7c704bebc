#pragma once
// A seeded uniform sample of row indices, and the walk that takes the sampled rows out of
// consecutive row blocks: how the analysis estimates O(n d^2) statistics of large matrices.

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace embtune::engine {

// `count` distinct indices of [0, n), ascending, drawn uniformly (Floyd's method) from a
// generator seeded with `seed`: the same arguments give the same sample. Needs count <= n.
std::vector<int64_t> uniformRowSample(int64_t n, int64_t count, uint64_t seed);

// Walks `sample` (ascending) along blocks given in row order: take() returns the rows of
// `block` (whose first row has index `firstRow`) that are in the sample, in order.
class SampledRowCursor {
public:
    explicit SampledRowCursor(const std::vector<int64_t> &sample) : m_sample(sample) {}
    Eigen::MatrixXd take(const Eigen::MatrixXd &block, int64_t firstRow);
    void restart() { m_next = 0; }

private:
    const std::vector<int64_t> &m_sample;
    size_t m_next = 0;
};

} // namespace embtune::engine
