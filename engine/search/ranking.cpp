#include "search/ranking.h"

#include <algorithm>
#include <numeric>

namespace embtune::engine {

std::vector<int32_t> tiePriorityByIdDescending(const std::vector<std::string> &docIds)
{
    std::vector<int32_t> order(docIds.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return docIds[size_t(a)] < docIds[size_t(b)]; });
    std::vector<int32_t> priority(docIds.size());
    for (size_t position = 0; position < order.size(); ++position)
        priority[size_t(order[position])] = int32_t(position);
    return priority;
}

} // namespace embtune::engine
