#pragma once
// The top-k lists of a batch of queries: the common output of every search backend.

#include <bit>
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

// The order of scored documents as one integer, larger ranks first: score descending, then tie
// priority descending ((order-preserving score bits << 32) | priority). -0 is taken as 0, so
// equal scores always tie and the priority decides. priority must be >= 0.
inline uint64_t rankKey(float score, int32_t priority)
{
    const auto bits = std::bit_cast<uint32_t>(score == 0.0f ? 0.0f : score);
    const uint32_t sortable = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
    return uint64_t(sortable) << 32 | uint32_t(priority);
}

} // namespace embtune::engine
