#pragma once
// The top-k lists of a batch of queries: the common output of every search backend.

#include <cstdint>
#include <string>
#include <vector>

namespace embtune::engine {

struct Ranking {
    int32_t k = 0;
    std::vector<int32_t> queries; // dense query index of each row
    std::vector<int32_t> docs;    // queries.size() x k, row-major; -1 pads lists shorter than k
    std::vector<float> scores;    // same shape as docs

    size_t size() const { return queries.size(); }
    const int32_t *docsOf(size_t row) const { return docs.data() + row * size_t(k); }
    const float *scoresOf(size_t row) const { return scores.data() + row * size_t(k); }
};

// Tie-break priority per document: when two documents score equally, the one with the larger
// priority ranks first. trec_eval breaks ties by document id descending (string order), so the
// priority of a document is the position of its id in ascending string order.
std::vector<int32_t> tiePriorityByIdDescending(const std::vector<std::string> &docIds);

} // namespace embtune::engine
